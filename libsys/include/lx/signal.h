/* Linux x86_64 signal ABI: numbers, the kernel's struct sigaction as rt_sigaction copies it,
 * dispositions, SA_* flags, sigprocmask hows and sigaltstack's stack_t. */
#ifndef LX_SIGNAL_H
#define LX_SIGNAL_H

#include <stdint.h>

#define LX_SIGHUP    1
#define LX_SIGINT    2
#define LX_SIGQUIT   3
#define LX_SIGILL    4
#define LX_SIGTRAP   5
#define LX_SIGABRT   6
#define LX_SIGBUS    7
#define LX_SIGFPE    8
#define LX_SIGKILL   9
#define LX_SIGUSR1   10
#define LX_SIGSEGV   11
#define LX_SIGUSR2   12
#define LX_SIGPIPE   13
#define LX_SIGALRM   14
#define LX_SIGTERM   15
#define LX_SIGSTKFLT 16
#define LX_SIGCHLD   17
#define LX_SIGCONT   18
#define LX_SIGSTOP   19
#define LX_SIGTSTP   20
#define LX_SIGTTIN   21
#define LX_SIGTTOU   22
#define LX_SIGURG    23
#define LX_SIGXCPU   24
#define LX_SIGXFSZ   25
#define LX_SIGVTALRM 26
#define LX_SIGPROF   27
#define LX_SIGWINCH  28
#define LX_SIGIO     29
#define LX_SIGPWR    30
#define LX_SIGSYS    31
#define LX_SIGRTMIN  32   /* the kernel's; musl reserves 32..34 for itself */
#define LX_SIGRTMAX  64
#define LX_NSIG      64   /* valid signals are 1..LX_NSIG */

/* The bit of signal s (1..64) in a 64-bit kernel sigset_t. */
#define LX_SIGBIT(s) (1ull << ((s) - 1))

/* Dispositions (sa_handler values). */
#define LX_SIG_DFL 0ull
#define LX_SIG_IGN 1ull

/* sa_flags */
#define LX_SA_NOCLDSTOP 0x00000001u
#define LX_SA_NOCLDWAIT 0x00000002u
#define LX_SA_SIGINFO   0x00000004u
#define LX_SA_RESTORER  0x04000000u
#define LX_SA_ONSTACK   0x08000000u
#define LX_SA_RESTART   0x10000000u
#define LX_SA_NODEFER   0x40000000u
#define LX_SA_RESETHAND 0x80000000u

/* rt_sigprocmask how */
#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

/* The kernel's struct sigaction for rt_sigaction on x86_64 (not libc's): handler, flags,
 * restorer, then a 64-bit mask; sigsetsize must be 8. */
struct lx_sigaction {
    uint64_t sa_handler;
    uint64_t sa_flags;
    uint64_t sa_restorer;
    uint64_t sa_mask;
};
_Static_assert(sizeof(struct lx_sigaction) == 32, "kernel struct sigaction is 32 bytes");

typedef uint64_t lx_sigset_t;

/* sigaltstack */
#define LX_SS_ONSTACK    1
#define LX_SS_DISABLE    2
#define LX_SS_AUTODISARM (1u << 31)
#define LX_MINSIGSTKSZ   2048
#define LX_SIGSTKSZ      8192

struct lx_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad_;
    uint64_t ss_size;
};
_Static_assert(sizeof(struct lx_stack) == 24, "stack_t is 24 bytes");

/* The signal frame Linux x86_64 builds on the user stack to run a handler (arch/x86/include/
 * asm/sigframe.h and uapi sigcontext.h): the handler returns through pretcode (sa_restorer, musl's
 * __restore_rt) into rt_sigreturn, which restores everything from uc. */
struct lx_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
    uint64_t eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* user address of the 512-byte FXSAVE image, or 0 */
    uint64_t reserved1[8];
};
_Static_assert(sizeof(struct lx_sigcontext) == 256, "struct sigcontext is 256 bytes");

struct lx_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct lx_stack uc_stack;
    struct lx_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};
_Static_assert(sizeof(struct lx_ucontext) == 304, "the kernel's struct ucontext is 304 bytes");

struct lx_siginfo {
    int32_t si_signo, si_errno, si_code, pad0;
    int32_t si_pid;   /* kill: the sender */
    uint32_t si_uid;
    uint8_t rest[104];
};
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo_t is 128 bytes");

struct lx_rt_sigframe {
    uint64_t pretcode;
    struct lx_ucontext uc;
    struct lx_siginfo info;
};
_Static_assert(sizeof(struct lx_rt_sigframe) == 440, "rt_sigframe is 440 bytes");

#define LX_SI_USER 0
#define LX_SI_KERNEL 0x80
#define LX_SI_QUEUE (-1)
#define LX_SI_TIMER (-2)
#define LX_SI_TKILL (-6)

/* struct sigevent (timer_create): sigev_value, sigev_signo, sigev_notify, then a union whose
 * first int is SIGEV_THREAD_ID's target thread; 64 bytes. */
#define LX_SIGEV_SIGNAL    0
#define LX_SIGEV_NONE      1
#define LX_SIGEV_THREAD    2
#define LX_SIGEV_THREAD_ID 4
struct lx_sigevent {
    uint64_t sigev_value;
    int32_t sigev_signo;
    int32_t sigev_notify;
    int32_t sigev_tid;
    int32_t pad_[11];
};
_Static_assert(sizeof(struct lx_sigevent) == 64, "struct sigevent is 64 bytes");
#define LX_SS_ONSTACK 1
#define LX_SS_DISABLE 2

#endif
