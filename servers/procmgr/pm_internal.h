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
#include <lx/time.h>
#include <lx/wait.h>
#include "procmgr.h"
#include "pm_idmap.h"
#include <lx/ptrace_route.h>

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
#define PM_FUTEX_BUCKETS 64

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
    PM_VMA_SHARED,        /* MAP_SHARED (anonymous or a file): one memory, shared with forked children */
    PM_VMA_VDSO, PM_VMA_VVAR,   /* the vDSO image and the clock page (pm_vdso.c) */
};

/* A file some ranges map (the program exec mapped, a file mmap'ed): its memory object, and what
 * /proc/<pid>/maps shows; counted by the ranges (pm_vma.c), the object's handle released with
 * the last. */
typedef struct pm_file {
    int refs;
    const struct pm_env *env;
    pm_mem_t mem;
    bool writable;        /* mem may be mapped shared and writable */
    uint64_t dev, ino;
    char *path;           /* or NULL */
    uint64_t deny;        /* a program's: vfs denies writing its file until this goes */
} pm_file_t;
/* what vfs gave with a file and nobody took (a handle, a name, a denial) goes back */
void pm_fileinfo_drop(pm_t *pm, pm_fileinfo_t *fi);
/* A new counted file from fi (taking its handle and path); NULL without memory (fi is then
 * released). */
pm_file_t *pm_file_new(pm_t *pm, pm_fileinfo_t *fi);
void pm_file_get(pm_file_t *f);
void pm_file_put(pm_file_t *f);

typedef struct pm_vma {
    uint64_t start, end;  /* page aligned, start < end */
    int prot;             /* LX_PROT_* */
    int kind;             /* enum pm_vma_kind */
    pm_file_t *file;      /* counted: the file mapped here (offset off at start), or NULL */
    uint64_t off;
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
uint64_t pm_mm_mapped_bytes(const pm_mm_t *mm, uint64_t start, uint64_t end);
int pm_mm_insert(pm_mm_t *mm, uint64_t start, uint64_t end, int prot, int kind);
/* the same for a range mapping file f from offset off (the range takes a reference on f) */
int pm_mm_insert_file(pm_mm_t *mm, uint64_t start, uint64_t end, int prot, int kind, pm_file_t *f,
                      uint64_t off);
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
    PM_BLK_STOPPED,/* its process is stopped: tok held here until SIGCONT (held_how, held_val) */
    PM_BLK_FUTEX,  /* futex wait: tok held here, the thread on a futex queue (pm_futex.c) */
    PM_BLK_SIGWAIT,/* rt_sigtimedwait: tok held here until a signal of sigwait_set comes */
    PM_BLK_TRACED, /* in a ptrace stop: its token is held by its ptrace record (pt->tok) */
};

/* What a futex is: in private memory, (the memory bookkeeping of its space, the address); in
 * shared memory (a MAP_SHARED mapping, the kernel's memory object), for an operation without
 * FUTEX_PRIVATE_FLAG, (object, offset), so that processes mapping the object, or forked copies,
 * meet on one queue. As Linux's keys, a private operation and a shared one on the same private
 * word are different futexes (Linux marks the second FUT_OFF_MMSHARED). */
enum pm_fkey_kind { PM_FKEY_PRIVATE, PM_FKEY_MM, PM_FKEY_OBJECT };
typedef struct pm_fkey {
    uint64_t space;   /* the pm_mm_t, or the kernel's object number */
    uint64_t addr;    /* the address, or the offset in the object */
    enum pm_fkey_kind kind;
} pm_fkey_t;

/* How a thread whose token procmgr holds goes on (pm_thr_resume): what its syscall returns, or
 * whether it runs the syscall again, or (an interrupt or fault message) resumes at its registers.
 * A signal handler started at that point saves the same in its frame. */
enum pm_resume {
    PM_RES_VALUE,      /* the syscall returns the value */
    PM_RES_RESTART,    /* the syscall had not run: it runs again, handler or not */
    PM_RES_RESTART_SA, /* a blocking call cut short: it runs again, unless a handler without
                          SA_RESTART runs first (then it returns -EINTR): Linux's ERESTARTSYS */
    PM_RES_REGS,       /* an interrupt message: the thread goes on at its registers */
};

/* What a pending signal carries into its handler's siginfo (one per signal number: standard
 * signals do not queue). */
typedef struct pm_siginfo {
    int32_t code;          /* SI_USER, SI_KERNEL, SI_TIMER, CLD_* */
    int32_t pid;           /* the sender (SI_USER), the child (SIGCHLD) */
    int32_t status;        /* SIGCHLD: exit code or signal */
    int32_t timerid;       /* SI_TIMER */
    int32_t overrun;       /* SI_TIMER: filled at delivery */
    uint64_t value;        /* SI_TIMER: sigev_value */
    int64_t utime, stime;  /* SIGCHLD: the child's CPU time, clock ticks */
} pm_siginfo_t;

/* What a thread's own signal carries (tkill, tgkill, vfs's SIGPIPE, a pidfd's thread scope): a
 * code and a sender, no more; kept small, so that a thread record stays a small heap block. */
typedef struct pm_tsiginfo {
    int32_t code, pid;
} pm_tsiginfo_t;

/* A POSIX timer (timer_create), pm_ptimer.c. */
typedef struct pm_ptimer {
    struct pm_ptimer *next;
    int32_t id;
    int32_t clock;         /* LX_CLOCK_REALTIME, MONOTONIC, BOOTTIME, or a CPU-time clock */
    int32_t notify;        /* LX_SIGEV_SIGNAL, LX_SIGEV_NONE, LX_SIGEV_THREAD_ID */
    int32_t signo;
    int32_t tid;           /* SIGEV_THREAD_ID's target */
    int32_t cpu_tid;       /* a CPU-time clock: the thread it counts, 0 for the process */
    bool cpu, virt;        /* a CPU-time clock; counting user time only (CPUCLOCK_VIRT) */
    uint64_t value;        /* sigev_value */
    uint64_t expires;      /* 0 disarmed; monotonic ns (wall clocks converted), or CPU-time ns */
    uint64_t interval;     /* ns */
    bool queued;           /* its signal is pending, not yet delivered */
    int32_t overrun;       /* expirations while queued */
    int32_t overrun_last;  /* timer_getoverrun: the count the last delivery reported */
} pm_ptimer_t;

/* setitimer's three timers: REAL (monotonic ns deadline), VIRTUAL (process user time, ns) and
 * PROF (user + system time, ns); value 0 is disarmed. */
typedef struct pm_itimer {
    uint64_t value, interval;
} pm_itimer_t;
#define PM_ITIMERS 3

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
struct pm_thr;

/* The vfork release handshake, kept on the child (a process, or a CLONE_THREAD|CLONE_VFORK
 * thread). Either order of park and release works:
 * UNPARKED --release--> EARLY --park--> (reply at once) NONE
 * UNPARKED --park--> PARKED --release--> (reply) NONE
 * and a parent dying in UNPARKED or PARKED (token dropped) makes it NONE, so a later release
 * of a reparented child can never answer anyone. */
enum pm_vfork_state { PM_VF_NONE, PM_VF_UNPARKED, PM_VF_EARLY, PM_VF_PARKED };
typedef struct pm_vfork {
    enum pm_vfork_state state;
    pm_token_t tok;
    struct pm_thr *parent_thr;     /* the parked thread, while UNPARKED/EARLY/PARKED */
    int32_t id;                    /* the release's answer: the child's pid, or tid */
} pm_vfork_t;

/* A traced thread's ptrace state (pm_ptrace.c, pm_ptrace_stop.c); NULL when not traced.
 *
 * A stop is what the tracer sees through wait (status, reported once) and what it may act on
 * (registers, memory, siginfo, event message); `next` says how the thread goes on when the
 * tracer resumes it, with the token held here (a stop may also hold none: a vfork parent
 * parked on its child reports its event stop while the child's handshake holds its token). */
enum pm_pt_stop { PM_PT_NONE, PM_PT_SIGNAL, PM_PT_GROUP, PM_PT_SYSCALL, PM_PT_EVENT };
enum pm_pt_next {
    PM_PTN_NONE,      /* no token here */
    PM_PTN_DISPATCH,  /* a syscall-entry (or exit-event) stop: run the call nr(a) */
    PM_PTN_REPLY,     /* a syscall-exit stop: answer the kernel's exit report with val */
    PM_PTN_RESUME,    /* pm_thr_resume(how, val) */
};
typedef struct pm_ptrace {
    int32_t tracer;          /* the tracing process's pid */
    bool seized;             /* PTRACE_SEIZE (else TRACEME, ATTACH, or inherited from one) */
    bool syscall_mode;       /* resumed with PTRACE_SYSCALL: syscall stops */
    bool in_syscall;         /* between a syscall-entry stop and its exit stop */
    bool group_reported;     /* the current group stop was reported */
    bool listening;          /* PTRACE_LISTEN: held in its group stop, re-trapped at SIGCONT */
    bool exit_event_done;    /* PTRACE_EVENT_EXIT taken: the exit goes ahead */
    bool vfork_done;         /* its vfork child released it: PTRACE_EVENT_VFORK_DONE to report */
    bool restart_pending;    /* its call was rewound to run again (pm_thr_restart) */
    bool restarting;         /* ... at this syscall-exit stop: RAX shows -ERESTARTSYS */
    uint32_t options;        /* PTRACE_O_* */
    int want_stop;           /* a stop asked for (INTERRUPT, a new tracee's first): its status */
    int event;               /* an event stop to take on the way out (PTRACE_EVENT_*), 0 none */
    uint64_t event_msg_next; /* ... and its message */
    uint64_t approved;       /* pending signals the tracer passed on: delivered without a stop */
    /* the current stop */
    enum pm_pt_stop stop;
    int status;              /* the wait status word */
    bool reported;
    int sig;                 /* a signal-delivery stop's signal */
    struct lx_siginfo si;    /* ... and its siginfo (GETSIGINFO) */
    uint64_t event_msg;      /* GETEVENTMSG */
    enum pm_pt_next next;
    pm_token_t tok;
    enum pm_resume how;
    int64_t val;
    uint64_t nr, a[6];       /* PM_PTN_DISPATCH's call (SETREGS may change it) */
    /* where its current (or last) call went: PTRACE_KESTREL_ROUTE at the exit stop */
    struct kestrel_route route;
    uint64_t route_t0, route_k0[3];
    bool route_on;           /* recorded since the call's dispatch, not yet completed */
} pm_ptrace_t;

typedef struct pm_thr {
    int32_t tid;                   /* the thread id (exec's de-thread makes it the pid) */
    uint64_t badge;                /* what the kernel names it by: the tid it was created with */
    struct pm_proc *proc;
    pm_thread_t handle;
    bool has_handle;
    bool dead;
    bool vfs_own;                  /* vfs keeps a table or cwd of its own for it (pm_clone_thread) */
    uint64_t sigmask;              /* blocked signals */
    uint64_t pending;              /* signals sent to this thread (tkill, tgkill), not yet taken */
    pm_tsiginfo_t siginfo[LX_NSIG + 1]; /* what each of those carries */
    uint64_t clear_child_tid;      /* set_tid_address, CLONE_CHILD_CLEARTID */
    uint64_t robust_head;          /* set_robust_list: walked when the thread dies */
    uint64_t robust_len;
    struct lx_stack altstack;
    enum pm_block block;
    pm_token_t tok;                /* PM_BLK_WAIT, PM_BLK_SLEEP */
    pm_vfork_t *vfork_on;          /* PM_BLK_VFORK: the child's handshake it is parked on */
    pm_vfork_t vfork;              /* a CLONE_THREAD|CLONE_VFORK thread's: released at its end */
    pm_wait_req_t wait;
    uint64_t wake_ns;              /* PM_BLK_SLEEP, _FUTEX, _SIGWAIT deadline (UINT64_MAX: none) */
    /* PM_BLK_FUTEX: the key it waits on, its place in the key's bucket (pm->futex_head) */
    pm_fkey_t fx_key;
    uint32_t fx_bitset;
    struct pm_thr *fx_next, *fx_prev;
    /* PM_BLK_SIGWAIT: the signals it waits for and where their siginfo goes */
    uint64_t sigwait_set, sigwait_info;
    /* ppoll/pselect6/epoll_pwait's mask is in force: the caller's own, put back at its next
     * syscall or into the frame of a handler that interrupts the call (pm_sigmask.c) */
    bool has_saved_mask;
    uint64_t saved_mask;
    enum pm_resume held_how;       /* PM_BLK_STOPPED: how it goes on when continued */
    int64_t held_val;
    uint64_t sys_nr;               /* its latest syscall: what a restart runs again (a routed
                                    * call's comes from vfs when vfs gives it back) */
    pm_ptrace_t *pt;               /* its tracer's state, or NULL */
    /* its kernel route to vfs is set (pm_thr_route), for tid route_tid: its file calls do not
     * come to procmgr */
    bool routed;
    int32_t route_tid;
    struct pm_thr *next, *prev;    /* pm->threads (prev: unlinked without a walk) */
    struct pm_thr *proc_next;      /* proc->threads */
} pm_thr_t;

enum pm_pstate { PM_P_LIVE, PM_P_ZOMBIE };



/* Dispositions shared by the processes of CLONE_SIGHAND (a thread group is one process, so its
 * threads share them by construction). Made only when two processes share them: a process's own
 * are in its record (own_act), which keeps the common record one heap block. */
typedef struct pm_sighand {
    int refs;
    struct lx_sigaction act[LX_NSIG + 1];   /* index = signal number */
} pm_sighand_t;

typedef struct pm_proc {
    int32_t pid, pgid, sid;
    uint64_t serial;               /* unique among every process ever made (a pidfd's check) */
    struct pm_proc *parent;        /* NULL for init */
    struct pm_proc *next, *prev;   /* pm->procs, in creation order (prev: O(1) unlink) */
    /* its children, in the order they became its children (as Linux's children list), so wait
     * and exit cost the children, not every process */
    struct pm_proc *kids, *kids_tail;
    struct pm_proc *sib_next, *sib_prev;   /* in parent->kids */
    enum pm_pstate state;
    int wstatus;                   /* wait status once a zombie */
    int exit_signal;               /* sent to the parent at exit (clone's low byte) */
    bool has_as;
    pm_as_t as;                    /* this process's own reference */
    pm_mm_t *mm;
    pm_thr_t *threads;
    int nthreads;
    pm_sighand_t *sh;              /* counted, or NULL: the dispositions are own_act */
    bool sh_mark;                  /* scratch of rt_sigaction's walk over the share */
    struct lx_sigaction *act;      /* own_act or sh->act: index = signal number */
    struct lx_sigaction own_act[LX_NSIG + 1];
    uint64_t pending;              /* signals raised while blocked, or caught and not yet run */
    pm_siginfo_t siginfo[LX_NSIG + 1];   /* what each pending signal carries */
    /* job control (pm_jobctl.c): a stopped process runs no user code until SIGCONT */
    bool stopped;
    int stop_report;               /* stop signal a WUNTRACED wait has still to report, or 0 */
    bool cont_report;              /* a continue a WCONTINUED wait has still to report */
    /* CPU time (pm_cputime.c), ns: threads that ended (a zombie's whole), reaped children */
    uint64_t dead_utime, dead_stime;
    uint64_t child_utime, child_stime;
    /* timers (pm_itimer.c, pm_ptimer.c): not inherited; exec keeps the itimers only */
    pm_itimer_t itimer[PM_ITIMERS];
    pm_ptimer_t *ptimers;
    int32_t ptimer_next_id;
    struct lx_rlimit rlim[LX_RLIM_NLIMITS];
    char comm[PM_COMM_LEN];
    char cmdline[PM_CMDLINE_LEN];
    bool did_exec;                 /* exec'd since clone (setpgid's EACCES) */
    uint64_t start_ns;
    int nice;                      /* -20..19 (setpriority), inherited */
    uint16_t ioprio;               /* ioprio_set's value, inherited; 0: none set */
    pm_vfork_t vfork;
    int32_t exit_tracer;           /* a zombie whose tracer (not its parent) has still to see
                                      its exit: its parent waits for that (Linux's order) */
} pm_proc_t;

struct pm {
    struct pm_env env;
    pm_proc_t *procs, *procs_tail;
    pm_thr_t *threads;
    /* O(1) lookups (pm_proc.c): the live lists' members by pid, by tid and by badge */
    pm_idmap_t by_pid, by_tid, by_badge;
    /* how many live records name an id as their process group, as their session: with the
     * maps above, pm_pid_busy and setsid answer without walking the lists */
    pm_idmap_t pgrp_uses, sess_uses;
    int32_t last_pid;
    int depth;                     /* active entry points (thread_create may re-enter) */
    struct pm_thr *caller;         /* the thread whose syscall is being handled, or NULL */
    pm_proc_t *grave_procs;        /* freed at depth 0 */
    pm_thr_t *grave_thrs;
    uint64_t timer_armed;          /* deadline handed to timer_arm, 0 if none pending */
    uint64_t tick_last;            /* pm_timer_fired's last "now" (tests of overruns) */
    /* futex waiters by hash of the key, each bucket in arrival order (pm_futex.c) */
    pm_thr_t *futex_head[PM_FUTEX_BUCKETS], *futex_tail[PM_FUTEX_BUCKETS];
    int nthreads;                  /* thread records of live processes */
    uint64_t boot_free;            /* free memory seen at creation: sysinfo's totalram */
    uint64_t hwcap;                /* AT_HWCAP: CPUID.1:EDX */
    uint64_t created;
    int nprocs;                    /* records in pm->procs, zombies included */
    int nprocs_threaded;           /* of those, records with at least one thread */
    int ntraced;                   /* threads with a ptrace record */
    int nexit_tracer;              /* zombies whose exit a tracer has still to see */
    int proc_max;                  /* the system's process limit (Linux's threads-max) */
    pm_vdso_t vdso;                /* mapped into every program (pm_vdso.c) */
};

/* The signals t could take now: its own and its process's, less what it blocks. */
static inline uint64_t pm_thr_unblocked(const pm_thr_t *t)
{
    return (t->proc->pending | t->pending) & ~t->sigmask;
}

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
/* The same with a chosen pid (clone3's set_tid): NULL and *err -EEXIST if it is taken. */
pm_proc_t *pm_proc_new_pid(pm_t *pm, pm_proc_t *parent, int32_t pid, int *err);
pm_thr_t *pm_thr_new(pm_t *pm, pm_proc_t *p);          /* tid = pid for the first thread */
pm_thr_t *pm_thr_new_tid(pm_t *pm, pm_proc_t *p, int32_t tid);  /* another thread of p */
int32_t pm_pid_alloc(pm_t *pm);                        /* a free number, or -EAGAIN */
bool pm_pid_busy(pm_t *pm, int32_t pid);
pm_thr_t *pm_thr_by_badge(pm_t *pm, uint64_t badge);   /* the live thread a message is from */
/* Share p's dispositions with another process (CLONE_SIGHAND): p's table, made a counted
 * pm_sighand_t on first share; NULL when out of memory. */
pm_sighand_t *pm_sighand_share(pm_proc_t *p);
/* p takes a copy of its own again (exec: Linux's unshare_sighand). */
void pm_sighand_unshare(pm_proc_t *p);
void pm_sighand_put(pm_sighand_t *sh);
void pm_thr_unlink(pm_t *pm, pm_thr_t *t);             /* out of both lists, into the graveyard */
void pm_proc_unlink(pm_t *pm, pm_proc_t *p);           /* out of the list, into the graveyard */
void pm_proc_set_parent(pm_proc_t *p, pm_proc_t *parent); /* moves p to parent's kids (or none) */
/* p's process group and session become pgid and sid (the counts pm_pid_busy reads follow) */
void pm_proc_set_pgrp(pm_t *pm, pm_proc_t *p, int32_t pgid, int32_t sid);
bool pm_pgrp_exists(pm_t *pm, int32_t pgid);           /* a live record has pgid as its group */
pm_proc_t *pm_proc_find(pm_t *pm, int32_t pid);
pm_thr_t *pm_thr_find(pm_t *pm, int32_t tid);
pm_proc_t *pm_proc_init(pm_t *pm);                     /* pid 1 if alive, else NULL */
void pm_gc(pm_t *pm);
void pm_proc_set_names(pm_proc_t *p, const char *path, char *const *argv, size_t argc);
int pm_live_count(pm_t *pm);
char pm_proc_state(const pm_proc_t *p);   /* R, S, T, Z, or V (parked in vfork) */
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
/* One thread ends (exit, a de-thread, its process dying): its robust list walked, what it was
 * blocked on dropped, its kernel thread gone, then its CLONE_CHILD_CLEARTID word cleared and
 * woken; with cancel_vfs, a call of it vfs holds is dropped too (its process lives on). */
void pm_thr_end(pm_t *pm, pm_thr_t *t, bool cancel_vfs);
/* execve's de-thread (from pm_exec_commit, before the point of no return is passed): every
 * other thread of t's process ends, t takes the process's id, and shared dispositions are
 * copied (CLONE_SIGHAND's share ends at exec, as Linux's unshare_sighand). */
void pm_exec_dethread(pm_t *pm, pm_thr_t *t);
void pm_wait_wake(pm_t *pm, pm_proc_t *parent);         /* a child of parent changed state */
/* What a wait collects, and the status word wait4 stores: an exit (the zombie's status), a
 * stop (0x7f | sig << 8), a continue (0xffff), a ptrace stop (0x7f | code << 8). */
enum pm_wreport { PM_WR_NONE, PM_WR_EXIT, PM_WR_STOP, PM_WR_CONT, PM_WR_TRAP };
/* waitid's siginfo for a report of pid (0: none, as WNOHANG finding nothing) */
int64_t pm_wait_put_info(pm_t *pm, pm_proc_t *p, const pm_wait_req_t *req, int32_t pid,
                         enum pm_wreport kind, int status);
/* a zombie's parent hears of it (SIGCHLD, its waiters; reaped at once if it ignores SIGCHLD) */
void pm_proc_tell_parent(pm_t *pm, pm_proc_t *p);
void pm_thr_abort_block(pm_t *pm, pm_thr_t *t);         /* drop whatever t is blocked on */

/* pm_clone.c, pm_clone_flags.c, pm_clone3.c */
typedef struct pm_clone_args {
    uint64_t flags;            /* CLONE_* without the exit signal */
    int exit_signal;
    uint64_t stack;            /* 0: the caller's own stack pointer */
    uint64_t parent_tid, child_tid, tls;
    uint64_t pidfd;            /* CLONE_PIDFD: where the pidfd goes (legacy clone: parent_tid) */
    int32_t set_tid;           /* clone3's set_tid[0], 0: any */
    bool parent_sp;            /* vfork (58): the child runs on the parked parent's rsp */
    bool clone3;               /* clone3's stricter checks */
} pm_clone_args_t;
/* 0 if Linux accepts the combination and Kestrel builds it; else -EINVAL (Linux refuses it) or
 * -ENOSYS (Linux accepts it, Kestrel does not build it yet). */
int pm_clone_check(const pm_clone_args_t *a, bool caller_is_init);
int64_t pm_clone_do(pm_t *pm, pm_call_t *c, const pm_clone_args_t *a);
void pm_vfork_release(pm_t *pm, pm_proc_t *child);
void pm_vfork_release_hs(pm_t *pm, pm_vfork_t *v);   /* a process's or a thread's handshake */
void pm_vfork_abandon(pm_t *pm, pm_thr_t *parent_thr);

/* pm_signal.c */
/* Send sig to p as kill() does (from_kernel: a fault, neither blockable nor ignorable); the
 * siginfo says SI_USER from the calling process, or SI_KERNEL outside a syscall. */
void pm_signal_send(pm_t *pm, pm_proc_t *p, int sig, bool from_kernel);
/* The same with a given siginfo (SIGCHLD's codes, timers, the terminal's signals). */
void pm_signal_send_info(pm_t *pm, pm_proc_t *p, int sig, const pm_siginfo_t *si);
/* Every process of group pgid (snapshot first: sending may reap); -ESRCH if none. */
int pm_signal_pgrp(pm_t *pm, int32_t pgid, int sig, const pm_siginfo_t *si);
/* A signal for thread t alone (tkill, tgkill, a fault): pending on t if t blocks it. */
void pm_signal_send_thr(pm_t *pm, pm_thr_t *t, int sig, const pm_siginfo_t *si);
/* Fill a user siginfo from what a pending signal carries (a timer's overrun taken now). */
void pm_siginfo_fill(pm_proc_t *p, int sig, const pm_siginfo_t *si, struct lx_siginfo *out);
/* What thread t's own pending signal sig carries, as a full siginfo. */
static inline pm_siginfo_t pm_thr_siginfo(const pm_thr_t *t, int sig)
{
    return (pm_siginfo_t){.code = t->siginfo[sig].code, .pid = t->siginfo[sig].pid};
}
void pm_signal_deliver_pending(pm_t *pm, pm_proc_t *p);
bool pm_signal_is_stop(int sig);   /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
bool pm_signal_ignored_or_blocked(const pm_thr_t *t, int sig);
/* handlers (pm_sigframe.c) */
int pm_signal_next(const pm_thr_t *t); /* a pending signal t can run a handler for, or 0 */
/* builds the frame and points t (stopped, reply held) at the handler; how/value: what the
 * interrupted code sees when the handler returns (enum pm_resume). 0, or -errno: the process
 * must die of SIGSEGV. */
int pm_signal_run_handler(pm_t *pm, pm_thr_t *t, int sig, enum pm_resume how, int64_t value);
void pm_signal_wake(pm_t *pm, pm_proc_t *p, int sig); /* interrupt a thread so it takes sig */
bool pm_signal_wake_thr(pm_t *pm, pm_thr_t *t, int sig); /* ... this one: true if it was woken */
/* rt_sigtimedwait (pm_sigwait.c): a thread waiting for sig takes it (true), as Linux gives a
 * signal to the thread that has it in its sigwait set first. t NULL: any thread of p. */
bool pm_sigwait_take(pm_t *pm, pm_proc_t *p, pm_thr_t *t, int sig, const pm_siginfo_t *si);
void pm_sigwait_timeout(pm_t *pm, pm_thr_t *t);
/* The lowest pending signal of set, the thread's before its process's, taken off its pending
 * set with what it carries (0 if none): sigtimedwait's, and a ptrace signal-delivery stop's. */
int pm_signal_dequeue(pm_thr_t *t, uint64_t set, pm_siginfo_t *si);
void pm_sigwait_abort(pm_t *pm, pm_thr_t *t, int64_t value);   /* EINTR: a handler runs */

/* pm_futex.c */
/* The key of the futex at uaddr for p (shared: non-private op; else by p's memory). 0, -EFAULT. */
int pm_futex_key(pm_t *pm, pm_proc_t *p, uint64_t uaddr, bool private_op, pm_fkey_t *key);
/* Wake up to n waiters on key whose bitset meets bitset: how many. */
int pm_futex_wake(pm_t *pm, const pm_fkey_t *key, int n, uint32_t bitset);
void pm_futex_unqueue(pm_t *pm, pm_thr_t *t);   /* off its queue (exactly once) */
void pm_futex_timeout(pm_t *pm, pm_thr_t *t);   /* its deadline passed: ETIMEDOUT */
void pm_futex_interrupt(pm_t *pm, pm_thr_t *t); /* a handler runs: EINTR (or restart) */
/* A thread dies: its robust list's futexes it holds get FUTEX_OWNER_DIED (and a waiter woken). */
void pm_robust_list_walk(pm_t *pm, pm_thr_t *t);
/* wake_ns' "no deadline" */
#define PM_NO_DEADLINE UINT64_MAX

/* pm_pidfd.c: pidfds are vfs descriptions naming a process (pid, serial) */
/* A new pidfd of q in p's table (O_CLOEXEC always, O_NONBLOCK on request): the fd or -errno. */
int64_t pm_pidfd_make(pm_t *pm, pm_proc_t *p, pm_proc_t *q, bool nonblock);
/* The process fd names for p: 0 and *q (NULL if it was reaped), -EBADF (not a pidfd);
 * *nonblock its O_NONBLOCK. */
int pm_pidfd_target(pm_t *pm, pm_proc_t *p, int32_t fd, pm_proc_t **q, bool *nonblock);
bool pm_signal_valid(int64_t sig);

/* pm_resume.c: the one way procmgr lets a thread whose token it holds go on */
/* Answer tok of thread t (how, value): held instead while its process is stopped; a pending
 * signal's handler starts first if one is deliverable; dropped if t died. */
void pm_thr_resume(pm_t *pm, pm_thr_t *t, pm_token_t tok, enum pm_resume how, int64_t value);
/* Does t have something to act on before it may run user code (a stop, a deliverable handler)? */
bool pm_thr_has_work(const pm_thr_t *t);
/* Make t stop and come back to procmgr soon (held in vfs: withdrawn; running: interrupted);
 * nothing if procmgr already holds it. */
void pm_thr_kick(pm_t *pm, pm_thr_t *t);
/* gives t its kernel route to vfs, or takes it away (traced, dead), as its state now says */
void pm_thr_route(pm_t *pm, pm_thr_t *t);
/* ppoll, pselect6, epoll_pwait, epoll_pwait2: calls whose signal mask procmgr installs */
bool pm_sigmask_call(uint64_t nr);

/* pm_jobctl.c: stops and continues, orphaned process groups */
void pm_proc_stop(pm_t *pm, pm_proc_t *p, int sig);
void pm_proc_cont(pm_t *pm, pm_proc_t *p);
/* the threads held by p's stop go on (p->stopped already false): the continue's first half */
void pm_proc_release_held(pm_t *pm, pm_proc_t *p);
/* Linux's will_become_orphaned_pgrp: no member (but `ignore`, zombies, children of init) has a
 * parent in another group of the same session. */
bool pm_pgrp_orphaned(pm_t *pm, int32_t pgid, const pm_proc_t *ignore);
/* p exits (its children, kids, already given to init): groups it leaves orphaned that have
 * stopped members get SIGHUP and SIGCONT */
void pm_jobctl_exit(pm_t *pm, pm_proc_t *p, const int32_t *kids, int nkids);
/* tell the parent a child stopped or continued (why: LX_CLD_STOPPED, LX_CLD_CONTINUED) */
void pm_notify_parent_cldstop(pm_t *pm, pm_proc_t *child, int why);
void pm_ids_tell_vfs(pm_t *pm, const pm_proc_t *p);

/* pm_cputime.c: CPU time of threads and processes, ns */
void pm_thr_cputime(pm_t *pm, const pm_thr_t *t, uint64_t *user, uint64_t *sys);
void pm_proc_cputime(pm_t *pm, const pm_proc_t *p, uint64_t *user, uint64_t *sys);
void pm_thr_account_end(pm_t *pm, pm_thr_t *t);   /* a thread ends: its time goes to the process */
void pm_proc_account_reap(pm_proc_t *parent, const pm_proc_t *child);
void pm_rusage_fill(struct lx_rusage *ru, uint64_t user_ns, uint64_t sys_ns);
/* The value of clock id for p (thread t): ns, or -EINVAL (also a CPU clock of a pid that is gone). */
int64_t pm_clock_value(pm_t *pm, pm_thr_t *t, int32_t id);
bool pm_clock_is_cpu(int32_t id);
/* a CPU-time clock id's target: *thr set for a thread clock; false if there is no such target */
bool pm_cpuclock_target(pm_t *pm, pm_thr_t *caller, int32_t id, pm_proc_t **p, pm_thr_t **thr);

/* pm_itimer.c and pm_ptimer.c: timers */
void pm_timers_rearm(pm_t *pm);               /* env->timer_arm for the earliest deadline */
void pm_timers_fire(pm_t *pm, uint64_t now);  /* ITIMER_REAL and POSIX timers due */
void pm_cputimers_check(pm_t *pm, pm_proc_t *p);   /* VIRTUAL, PROF, CPU-clock timers due */
void pm_cputimers_rearm(pm_t *pm, pm_proc_t *p);   /* env->thread_cpu_alarm for the earliest */
void pm_ptimers_free(pm_proc_t *p);           /* exec, exit */
uint64_t pm_ptimers_earliest(const pm_proc_t *p);   /* monotonic deadline, UINT64_MAX if none */
void pm_ptimers_fire(pm_t *pm, pm_proc_t *p, uint64_t now);   /* wall and monotonic ones */
void pm_ptimers_cpu_fire(pm_t *pm, pm_proc_t *p);             /* CPU-time ones */
uint64_t pm_ptimers_cpu_need(pm_t *pm, pm_proc_t *p); /* CPU ns before the next, or UINT64_MAX */
/* A timer's signal is being delivered: fill si from the timer that queued it (overrun). */
void pm_ptimer_delivered(pm_proc_t *p, int sig, pm_siginfo_t *si);

/* pm_time.c */
uint64_t pm_sleep_earliest(pm_t *pm);   /* the earliest sleeper's deadline, UINT64_MAX if none */
void pm_sleep_fire(pm_t *pm, uint64_t now);

/* pm_exec.c */
void pm_exec_reset_signals(pm_proc_t *p);
/* pm_memlimit.c: may p map len more bytes (prot, MAP_SHARED, anonymous, MAP_NORESERVE)? grow its
 * heap from old_end to new_end (page aligned)? 0 or -ENOMEM (RLIMIT_AS, RLIMIT_DATA, the
 * heuristic overcommit). The process the OOM killer picks (NULL: none). */
int pm_mem_may_map(pm_t *pm, pm_proc_t *p, uint64_t len, int prot, bool shared, bool anon,
                   bool noreserve);
int pm_mem_may_brk(pm_t *pm, pm_proc_t *p, uint64_t old_end, uint64_t new_end);
pm_proc_t *pm_oom_victim(pm_t *pm);
/* pm_vdso.c: the vDSO and the clock page into a new program's space: 0 and the image's address
 * in *ehdr (0: there is none), or -errno */
int pm_vdso_map(pm_t *pm, pm_as_t as, pm_mm_t *mm, uint64_t *ehdr);

/* pm_dispatch.c: run syscall nr(a) of t (no trace stop first): reply, defer or forward */
void pm_syscall_run(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6], pm_token_t tok);
/* pm_signal.c: a signal the tracer let through takes its action (not caught: default) */
void pm_signal_default_action(pm_t *pm, pm_proc_t *p, int sig);
bool pm_signal_default_ignores(int sig);

/* pm_ptrace_stop.c: ptrace stops and what the tracer waits for */
static inline bool pm_proc_traced(const pm_t *pm, const pm_proc_t *p)
{
    if (!pm->ntraced)
        return false;   /* the common case: nothing traced anywhere */
    for (const pm_thr_t *t = p->threads; t; t = t->proc_next)
        if (t->pt)
            return true;
    return false;
}
bool pm_ptrace_has_work(const pm_thr_t *t);
/* pm_thr_resume's first step for a traced thread: true if a stop took the token */
bool pm_ptrace_resume_hook(pm_t *pm, pm_thr_t *t, pm_token_t tok, enum pm_resume how,
                           int64_t value);
/* a syscall arrives from traced t: true if it stopped at its entry (the token is held) */
bool pm_ptrace_syscall_entry(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6],
                             pm_token_t tok);
/* clone is making ct for traced caller t (before it starts): ct traced too if the options
 * (or CLONE_PTRACE) say so; the event the caller is to report (PTRACE_EVENT_*), or 0 */
int pm_ptrace_clone_attach(pm_t *pm, pm_thr_t *t, pm_thr_t *ct, uint64_t flags, int exit_signal);
/* ... ct started; r is what the clone answers (PM_DEFERRED: parked on a vfork child, id the
 * child's pid or tid): what the handler returns, the event stop arranged */
int64_t pm_ptrace_clone_event(pm_t *pm, pm_thr_t *t, pm_thr_t *ct, int ev, int32_t id,
                              int64_t r);
void pm_ptrace_exec(pm_t *pm, pm_thr_t *t, int32_t old_tid);
/* exit/exit_group of traced t with PTRACE_O_TRACEEXIT: true if it stopped first */
bool pm_ptrace_exit_event(pm_t *pm, pm_call_t *c, int wstatus);
void pm_ptrace_vfork_done(pm_t *pm, pm_thr_t *parent_thr, int32_t child);
void pm_ptrace_thr_end(pm_t *pm, pm_thr_t *t);
void pm_ptrace_proc_die(pm_t *pm, pm_proc_t *p);     /* p (tracer or tracee) is dying */
/* wait of thread w: a tracee's stop or exit to report (value as wait4/waitid returns), or
 * PM_PT_WAIT_NONE; *any set when w's process traces someone the request names */
#define PM_PT_WAIT_NONE (INT64_MIN + 2)
int64_t pm_ptrace_wait(pm_t *pm, pm_thr_t *w, const pm_wait_req_t *req, bool *any);
void pm_ptrace_enter(pm_t *pm, pm_thr_t *t, enum pm_pt_stop stop, int status,
                     enum pm_pt_next next, pm_token_t tok);
/* out of its stop, passing signal sig (at a signal-delivery stop); detach: no longer traced */
void pm_ptrace_continue(pm_t *pm, pm_thr_t *t, int sig, bool detach);
void pm_ptrace_free(pm_t *pm, pm_thr_t *t);                /* no longer traced */
int32_t pm_ptrace_tracer_of(const pm_proc_t *p);           /* TracerPid, 0 if none */
/* the route of t's call nr (PTRACE_KESTREL_ROUTE): begun at its dispatch, what procmgr did
 * noted at its end (how: KR_HOW_*), the event that released a deferred answer, completed
 * (time, kernel counts) at the exit report */
void pm_route_begin(pm_t *pm, pm_thr_t *t, uint64_t nr);
void pm_route_end(pm_t *pm, pm_thr_t *t, uint32_t how);
void pm_route_event(pm_thr_t *t, uint32_t event, int32_t pid);
void pm_route_complete(pm_t *pm, pm_thr_t *t, uint64_t nr);

/* pm_sigmask.c: the temporary signal mask of ppoll, pselect6, epoll_pwait(2) */
#define PM_FORWARD INT64_MAX   /* pm_sigmask_enter: go on, forward the call */
int64_t pm_sigmask_enter(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6]);
/* install a temporary mask, keeping t's own; true if a signal it lets in acted already */
bool pm_sigmask_install(pm_t *pm, pm_thr_t *t, uint64_t mask);
void pm_sigmask_restore(pm_t *pm, pm_thr_t *t);   /* at t's next syscall */
uint64_t pm_sigmask_frame(pm_thr_t *t);           /* the mask a signal frame saves */
bool pm_syscall_restarts(uint64_t nr);            /* may SA_RESTART restart nr? */
/* pm_procfs.c, pm_procfs_status.c: the text of /proc/<pid>/ files */
#define PM_PROCFS_TEXT 4096   /* the longest: status */
typedef struct pm_text {
    char b[PM_PROCFS_TEXT];
    size_t n;
} pm_text_t;
void pm_text_str(pm_text_t *t, const char *s);
void pm_text_u64(pm_text_t *t, uint64_t v);
uint64_t pm_vsize(const pm_mm_t *mm);
void pm_sig_masks(const pm_proc_t *p, uint64_t *ignored, uint64_t *caught);
void pm_format_status(pm_t *pm, const pm_proc_t *p, const pm_procfs_facts_t *facts,
                      pm_text_t *t);

/* ---- syscall handlers, one per file concern ---- */
/* clang-format off */
#define PM_HANDLERS(H)                                                                       \
    H(execve) H(clone) H(fork) H(vfork) H(exit) H(exit_group) H(wait4) H(waitid)              \
    H(brk) H(mmap) H(munmap) H(mprotect) H(madvise) H(mremap) H(msync)                        \
    H(rt_sigaction) H(rt_sigprocmask) H(rt_sigpending) H(sigaltstack) H(rt_sigreturn)         \
    H(kill) H(tkill) H(tgkill)                                                                \
    H(process_vm_readv) H(process_vm_writev)                                                  \
    H(clock_gettime) H(clock_getres) H(gettimeofday) H(time) H(nanosleep) H(clock_nanosleep) \
    H(times) H(alarm) H(setitimer) H(getitimer) H(timer_create) H(timer_settime)             \
    H(timer_gettime) H(timer_getoverrun) H(timer_delete)                                      \
    H(getpid) H(getppid) H(gettid) H(getuid) H(geteuid) H(getgid) H(getegid) H(getgroups)     \
    H(setuid) H(setgid) H(setreuid) H(setregid) H(setresuid) H(setresgid) H(getresuid)        \
    H(getresgid) H(setfsuid) H(setfsgid) H(setgroups)                                         \
    H(setsid) H(getsid) H(setpgid) H(getpgid) H(getpgrp)                                      \
    H(getrlimit) H(setrlimit) H(prlimit64) H(getrusage)                                       \
    H(set_tid_address) H(arch_prctl) H(prctl)                                                 \
    H(futex) H(set_robust_list) H(get_robust_list) H(clone3) H(pidfd_open)                    \
    H(pidfd_send_signal) H(rt_sigtimedwait)                                                    \
    H(uname) H(sysinfo) H(reboot) H(getrandom) H(sched_yield)                                 \
    H(getpriority) H(setpriority) H(sched_getaffinity) H(sched_setaffinity)                   \
    H(ioprio_get) H(ioprio_set)                                                               \
    H(rt_sigsuspend) H(pause) H(ptrace)
/* clang-format on */

#define PM_DECLARE_HANDLER(name) int64_t pm_sys_##name(pm_t *pm, pm_call_t *c);
PM_HANDLERS(PM_DECLARE_HANDLER)
#undef PM_DECLARE_HANDLER

#endif
