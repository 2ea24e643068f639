/* Linux x86_64 ptrace ABI: request numbers, options, events and the register layouts
 * (struct user_regs_struct, struct user) a tracer reads. Values from the Linux UAPI headers
 * (linux/ptrace.h, asm/ptrace-abi.h, sys/user.h). */
#ifndef LX_PTRACE_H
#define LX_PTRACE_H
#include <stdint.h>

#define LX_PTRACE_TRACEME 0
#define LX_PTRACE_PEEKTEXT 1
#define LX_PTRACE_PEEKDATA 2
#define LX_PTRACE_PEEKUSR 3
#define LX_PTRACE_POKETEXT 4
#define LX_PTRACE_POKEDATA 5
#define LX_PTRACE_POKEUSR 6
#define LX_PTRACE_CONT 7
#define LX_PTRACE_KILL 8
#define LX_PTRACE_SINGLESTEP 9
#define LX_PTRACE_GETREGS 12
#define LX_PTRACE_SETREGS 13
#define LX_PTRACE_GETFPREGS 14
#define LX_PTRACE_SETFPREGS 15
#define LX_PTRACE_ATTACH 16
#define LX_PTRACE_DETACH 17
#define LX_PTRACE_SYSCALL 24
#define LX_PTRACE_SETOPTIONS 0x4200
#define LX_PTRACE_GETEVENTMSG 0x4201
#define LX_PTRACE_GETSIGINFO 0x4202
#define LX_PTRACE_SETSIGINFO 0x4203
#define LX_PTRACE_SEIZE 0x4206
#define LX_PTRACE_INTERRUPT 0x4207
#define LX_PTRACE_LISTEN 0x4208

#define LX_PTRACE_O_TRACESYSGOOD 0x01
#define LX_PTRACE_O_TRACEFORK 0x02
#define LX_PTRACE_O_TRACEVFORK 0x04
#define LX_PTRACE_O_TRACECLONE 0x08
#define LX_PTRACE_O_TRACEEXEC 0x10
#define LX_PTRACE_O_TRACEVFORKDONE 0x20
#define LX_PTRACE_O_TRACEEXIT 0x40
#define LX_PTRACE_O_TRACESECCOMP 0x80
#define LX_PTRACE_O_EXITKILL 0x100000
#define LX_PTRACE_O_SUSPEND_SECCOMP 0x200000
#define LX_PTRACE_O_MASK 0x3000ff

#define LX_PTRACE_EVENT_FORK 1
#define LX_PTRACE_EVENT_VFORK 2
#define LX_PTRACE_EVENT_CLONE 3
#define LX_PTRACE_EVENT_EXEC 4
#define LX_PTRACE_EVENT_VFORK_DONE 5
#define LX_PTRACE_EVENT_EXIT 6
#define LX_PTRACE_EVENT_STOP 128

/* struct user_regs_struct: GETREGS/SETREGS, and the first bytes of struct user (PEEKUSER) */
struct lx_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax;
    uint64_t rip, cs, eflags, rsp, ss, fs_base, gs_base, ds, es, fs, gs;
};
_Static_assert(sizeof(struct lx_user_regs) == 216, "user_regs_struct is 27 words");
#define LX_USER_SIZE 928          /* sizeof(struct user) */
#define LX_USER_DEBUGREG_OFF 848  /* offsetof(struct user, u_debugreg) */

#endif
