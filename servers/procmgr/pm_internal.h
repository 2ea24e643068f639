/* procmgr's internal data model and the functions its logic files share.
 *
 * State lives in one pm_t (no globals): the process list, the thread list, the pid counter and
 * the bookkeeping of deferred replies. A process (pm_proc_t) holds its own counted reference to
 * a kernel address space (as) and a pointer to the memory bookkeeping of that space (pm_mm_t),
 * which a vfork child shares with its parent just as it shares the space itself. A thread
 * (pm_thr_t) is the unit that calls, blocks and holds a deferred reply token.
 *
 * Handlers (pm_sys_*) receive a pm_call_t and return the value to reply with, or PM_DEFERRED
 * when they have taken charge of the token themselves (stored it, forwarded it, or replied).
 * If the calling thread died while its handler ran (exit, kill of itself, a pending signal
 * unblocked), the dispatcher drops the token instead of replying.
 *
 * Records of dead threads and reaped processes go to a graveyard emptied only when no entry
 * point is active (pm->depth == 0), because thread_create may re-enter procmgr. */
#ifndef PM_INTERNAL_H
#define PM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lx/errno.h>
#include <lx/resource.h>
#include <lx/signal.h>
#include <lx/wait.h>
#include "procmgr.h"

#define PM_DEFERRED INT64_MIN

/* ---- address-space layout (Linux x86_64 with randomisation off) ---- */
#define PM_PAGE      4096ull
#define PM_USER_TOP  0x7ffffffff000ull  /* TASK_SIZE; the stack grows down from here */
#define PM_MMAP_TOP  0x7ffff7fff000ull  /* top-down mmap allocation starts below here */
#define PM_USER_MIN  0x10000ull         /* vm.mmap_min_addr */
#define PM_PIE_BASE  0x555555554000ull  /* ELF_ET_DYN_BASE: where ET_DYN images are loaded */
#ifndef PM_STACK_SIZE
#define PM_STACK_SIZE (1024ull * 1024)  /* mapped main-thread stack, plus the argument area */
#endif
#define PM_PID_MAX   32768              /* pids cycle in 1..PM_PID_MAX-1 like kernel.pid_max */

static inline uint64_t pm_page_down(uint64_t x)
{
    return x & ~(PM_PAGE - 1);
}
/* Rounds up; 0 on overflow (callers treat a zero end as "too big"). */
static inline uint64_t pm_page_up(uint64_t x)
{
    return (x + PM_PAGE - 1) & ~(PM_PAGE - 1);
}

/* ---- memory bookkeeping (pm_vma.c) ---- */
enum pm_vma_kind {
    PM_VMA_ELF, PM_VMA_STACK, PM_VMA_BRK, PM_VMA_ANON,
    PM_VMA_SHARED,        /* MAP_SHARED|MAP_ANONYMOUS: one memory, shared with forked children */
};

typedef struct pm_vma {
    uint64_t start, end;  /* page aligned, start < end */
    int prot;             /* LX_PROT_* */
    int kind;             /* enum pm_vma_kind */
} pm_vma_t;

typedef struct pm_mm {
    int refs;             /* processes sharing this space (a vfork parent and its children) */
    pm_vma_t *v;          /* sorted, non-overlapping */
    size_t n, cap;
    uint64_t brk_start;   /* end of the ELF image, page aligned */
    uint64_t brk_cur;     /* current break (not page aligned) */
    /* where exec put the initial stack and the argument and environment strings: what
     * /proc/<pid>/cmdline reads (from the process's memory, as Linux does) and stat reports */
    uint64_t start_stack, arg_start, arg_end, env_start, env_end;
} pm_mm_t;

pm_mm_t *pm_mm_new(void);
pm_mm_t *pm_mm_dup(const pm_mm_t *mm);           /* a copy with one reference (fork), or NULL */
void pm_mm_put(pm_mm_t *mm);                     /* drop one reference */
bool pm_mm_is_free(const pm_mm_t *mm, uint64_t start, uint64_t end);
bool pm_mm_is_mapped(const pm_mm_t *mm, uint64_t start, uint64_t end);
int pm_mm_insert(pm_mm_t *mm, uint64_t start, uint64_t end, int prot, int kind);
int pm_mm_remove(pm_mm_t *mm, uint64_t start, uint64_t end);
int pm_mm_set_prot(pm_mm_t *mm, uint64_t start, uint64_t end, int prot);
/* Highest free gap of len bytes ending at or below `below`, at or above PM_USER_MIN; 0 if none. */
uint64_t pm_mm_find_gap(const pm_mm_t *mm, uint64_t len, uint64_t below);
const pm_vma_t *pm_mm_find(const pm_mm_t *mm, uint64_t addr);

/* ---- threads and processes ---- */
enum pm_block {
    PM_BLK_NONE,
    PM_BLK_VFORK,  /* parked by clone(CLONE_VFORK)/vfork: the token is on the child */
    PM_BLK_WAIT,   /* wait4/waitid: tok held here */
    PM_BLK_SLEEP,  /* nanosleep/clock_nanosleep: tok held here */
};

typedef struct pm_wait_req {
    bool waitid;           /* false: wait4 */
    int idtype;            /* LX_P_ALL, LX_P_PID or LX_P_PGID (wait4's pid normalised) */
    int32_t id;
    uint32_t options;
    uint64_t status_uaddr; /* wait4's int *wstatus */
    uint64_t info_uaddr;   /* waitid's siginfo_t * */
    uint64_t ru_uaddr;     /* struct rusage * */
} pm_wait_req_t;

struct pm_proc;

typedef struct pm_thr {
    int32_t tid;                   /* also the badge */
    struct pm_proc *proc;
    pm_thread_t handle;
    bool has_handle;
    bool dead;
    uint64_t sigmask;              /* blocked signals */
    uint64_t clear_child_tid;      /* set_tid_address */
    struct lx_stack altstack;
    enum pm_block block;
    pm_token_t tok;                /* PM_BLK_WAIT, PM_BLK_SLEEP */
    struct pm_proc *vfork_child;   /* PM_BLK_VFORK */
    pm_wait_req_t wait;
    uint64_t wake_ns;              /* PM_BLK_SLEEP deadline, monotonic */
    struct pm_thr *next;           /* pm->threads */
    struct pm_thr *proc_next;      /* proc->threads */
} pm_thr_t;

enum pm_pstate { PM_P_LIVE, PM_P_ZOMBIE };

/* The vfork release handshake, kept on the child. Either order of park and release works:
 * UNPARKED --release--> EARLY --park--> (reply at once) NONE
 * UNPARKED --park--> PARKED --release--> (reply) NONE
 * and a parent dying in UNPARKED or PARKED (token dropped) makes it NONE, so a later release
 * of a reparented child can never answer anyone. */
enum pm_vfork_state { PM_VF_NONE, PM_VF_UNPARKED, PM_VF_EARLY, PM_VF_PARKED };

typedef struct pm_proc {
    int32_t pid, pgid, sid;
    struct pm_proc *parent;        /* NULL for init */
    struct pm_proc *next;          /* pm->procs, in creation order */
    enum pm_pstate state;
    int wstatus;                   /* wait status once a zombie */
    int exit_signal;               /* sent to the parent at exit (clone's low byte) */
    bool has_as;
    pm_as_t as;                    /* this process's own reference */
    pm_mm_t *mm;
    pm_thr_t *threads;
    int nthreads;
    struct lx_sigaction act[LX_NSIG + 1];   /* index = signal number */
    uint64_t pending;              /* signals raised while blocked, or caught and not yet run */
    int32_t sig_from[LX_NSIG + 1]; /* pid that sent each pending signal (siginfo's si_pid) */
    struct lx_rlimit rlim[LX_RLIM_NLIMITS];
    char comm[PM_COMM_LEN];
    char cmdline[PM_CMDLINE_LEN];
    bool did_exec;                 /* exec'd since clone (setpgid's EACCES) */
    uint64_t start_ns;
    struct {
        enum pm_vfork_state state;
        pm_token_t tok;
        pm_thr_t *parent_thr;      /* the parked thread, while UNPARKED/EARLY/PARKED */
    } vfork;
} pm_proc_t;

struct pm {
    struct pm_env env;
    pm_proc_t *procs, *procs_tail;
    pm_thr_t *threads;
    int32_t last_pid;
    int depth;                     /* active entry points (thread_create may re-enter) */
    struct pm_thr *caller;         /* the thread whose syscall is being handled, or NULL */
    pm_proc_t *grave_procs;        /* freed at depth 0 */
    pm_thr_t *grave_thrs;
    uint64_t timer_armed;          /* deadline handed to timer_arm, 0 if none pending */
    uint64_t boot_free;            /* free memory seen at creation: sysinfo's totalram */
    uint64_t hwcap;                /* AT_HWCAP: CPUID.1:EDX */
    uint64_t created;
    int nprocs;                    /* records in pm->procs, zombies included */
    int proc_max;                  /* the system's process limit (Linux's threads-max) */
};

typedef struct pm_call {
    pm_thr_t *thr;
    pm_proc_t *proc;
    uint64_t nr;
    const uint64_t *a;
    pm_token_t tok;
} pm_call_t;

typedef int64_t (*pm_handler_t)(pm_t *pm, pm_call_t *c);

/* pm_proc.c */
pm_proc_t *pm_proc_new(pm_t *pm, pm_proc_t *parent);  /* live, pid assigned, linked, no thread */
pm_thr_t *pm_thr_new(pm_t *pm, pm_proc_t *p);          /* tid = pid for the first thread */
void pm_thr_unlink(pm_t *pm, pm_thr_t *t);             /* out of both lists, into the graveyard */
void pm_proc_unlink(pm_t *pm, pm_proc_t *p);           /* out of the list, into the graveyard */
pm_proc_t *pm_proc_find(pm_t *pm, int32_t pid);
pm_thr_t *pm_thr_find(pm_t *pm, int32_t tid);
pm_proc_t *pm_proc_init(pm_t *pm);                     /* pid 1 if alive, else NULL */
void pm_gc(pm_t *pm);
void pm_proc_set_names(pm_proc_t *p, const char *path, char *const *argv, size_t argc);
int pm_live_count(pm_t *pm);
char pm_proc_state(const pm_proc_t *p);   /* R, S, Z, or V (parked in vfork) */
void pm_rlimit_defaults(struct lx_rlimit *rlim);
/* pm_rlimit.c: tell vfs p's descriptor limit (env->vfs_proc_nofile, when provided) */
void pm_rlimit_tell_vfs(pm_t *pm, const pm_proc_t *p);
#define PM_NOFILE_DEFAULT 1024

/* pm_log.c: a fixed line buffer, since logic may not use stdio */
typedef struct pm_line {
    char b[192];
    size_t n;
} pm_line_t;
void pm_line_str(pm_line_t *l, const char *s);
void pm_line_dec(pm_line_t *l, int64_t v);
void pm_line_hex(pm_line_t *l, uint64_t v);
void pm_line_emit(pm_t *pm, pm_line_t *l);
void pm_line_proc(pm_line_t *l, const pm_proc_t *p);   /* "pid N (comm)" */

/* pm_uaccess.c: user memory of process p, all or nothing */
int pm_copy_in(pm_t *pm, pm_proc_t *p, void *dst, uint64_t va, uint64_t len);
int pm_copy_out(pm_t *pm, pm_proc_t *p, uint64_t va, const void *src, uint64_t len);
/* NUL-terminated string of at most max bytes including the NUL: its length, -EFAULT, or
 * -ENAMETOOLONG (-E2BIG when too_long_err says so). */
int64_t pm_copy_str_in(pm_t *pm, pm_proc_t *p, char *dst, uint64_t va, uint64_t max,
                       int too_long_err);
int pm_zero_out(pm_t *pm, pm_as_t as, uint64_t va, uint64_t len);

/* pm_exit_wait.c */
void pm_proc_die(pm_t *pm, pm_proc_t *p, int wstatus);  /* exit or death by signal */
void pm_wait_wake(pm_t *pm, pm_proc_t *parent);         /* a child of parent changed state */
void pm_thr_abort_block(pm_t *pm, pm_thr_t *t);         /* drop whatever t is blocked on */

/* pm_clone.c, pm_clone_flags.c */
typedef struct pm_clone_args {
    uint64_t flags;            /* CLONE_* without the exit signal */
    int exit_signal;
    uint64_t stack;            /* 0: the caller's own stack pointer */
    uint64_t parent_tid, child_tid, tls;
    bool parent_sp;            /* vfork (58): the child runs on the parked parent's rsp */
    bool clone3;               /* clone3's stricter checks */
} pm_clone_args_t;
/* 0 if Linux accepts the combination and Kestrel builds it; else -EINVAL (Linux refuses it) or
 * -ENOSYS (Linux accepts it, Kestrel does not build it yet). */
int pm_clone_check(const pm_clone_args_t *a, bool caller_is_init);
int64_t pm_clone_do(pm_t *pm, pm_call_t *c, const pm_clone_args_t *a);
void pm_vfork_release(pm_t *pm, pm_proc_t *child);
void pm_vfork_abandon(pm_t *pm, pm_thr_t *parent_thr);

/* pm_signal.c */
/* Send sig to p as kill() does (from_kernel: a fault, neither blockable nor ignorable). */
void pm_signal_send(pm_t *pm, pm_proc_t *p, int sig, bool from_kernel);
void pm_signal_deliver_pending(pm_t *pm, pm_proc_t *p);
/* handlers (pm_sigframe.c) */
int pm_signal_next(const pm_thr_t *t); /* a pending signal t can run a handler for, or 0 */
/* builds the frame and points t (stopped, reply held) at the handler; result: what the
 * interrupted syscall returns after the handler; restartable: under SA_RESTART the syscall (still
 * in t's rax) runs again instead. 0, or -errno: the process must die of SIGSEGV. */
int pm_signal_run_handler(pm_t *pm, pm_thr_t *t, int sig, int64_t result, bool restartable);
void pm_signal_wake(pm_t *pm, pm_proc_t *p, int sig); /* interrupt a blocked thread for sig */
bool pm_signal_valid(int64_t sig);

/* pm_time.c */
void pm_sleep_rearm(pm_t *pm);

/* pm_exec.c */
void pm_exec_reset_signals(pm_proc_t *p);

/* ---- syscall handlers, one per file concern ---- */
/* clang-format off */
#define PM_HANDLERS(H)                                                                       \
    H(execve) H(clone) H(fork) H(vfork) H(exit) H(exit_group) H(wait4) H(waitid)              \
    H(brk) H(mmap) H(munmap) H(mprotect) H(madvise) H(mremap)                                 \
    H(rt_sigaction) H(rt_sigprocmask) H(rt_sigpending) H(sigaltstack) H(rt_sigreturn)         \
    H(kill) H(tkill) H(tgkill)                                                                \
    H(clock_gettime) H(clock_getres) H(gettimeofday) H(time) H(nanosleep) H(clock_nanosleep) \
    H(times)                                                                                  \
    H(getpid) H(getppid) H(gettid) H(getuid) H(geteuid) H(getgid) H(getegid) H(getgroups)     \
    H(setuid) H(setgid) H(setreuid) H(setregid) H(setresuid) H(setresgid) H(getresuid)        \
    H(getresgid) H(setfsuid) H(setfsgid) H(setgroups)                                         \
    H(setsid) H(getsid) H(setpgid) H(getpgid) H(getpgrp)                                      \
    H(getrlimit) H(setrlimit) H(prlimit64) H(getrusage)                                       \
    H(set_tid_address) H(arch_prctl) H(prctl)                                                 \
    H(uname) H(sysinfo) H(reboot) H(getrandom) H(sched_yield)
/* clang-format on */

#define PM_DECLARE_HANDLER(name) int64_t pm_sys_##name(pm_t *pm, pm_call_t *c);
PM_HANDLERS(PM_DECLARE_HANDLER)
#undef PM_DECLARE_HANDLER

#endif
