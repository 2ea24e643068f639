/* procmgr: the POSIX personality server. Every syscall of every foreign (Linux) thread arrives
 * here as {badge, nr, args, reply token}; procmgr answers it, defers it, or forwards it to vfs.
 *
 * The badge of a foreign thread is its Linux thread id (for a single-threaded process, its pid):
 * procmgr chooses it when it creates the thread (thread_create's badge argument) and the kernel
 * hands it back with each syscall and fault of that thread.
 *
 * Entry points (all logic, no globals; the environment is struct pm_env in pm_env.h):
 *   pm_create, pm_destroy, pm_start_init, pm_syscall, pm_fault, pm_interrupted, pm_sysexit,
 *   pm_timer_fired,
 *   pm_signal_notice, pm_jobctl, pm_proc_list, pm_stats_get, pm_procfs_format, pm_procfs_read,
 *   pm_syscall_name, pm_syscall_route. */
#ifndef PROCMGR_H
#define PROCMGR_H

#include <stdbool.h>
#include <stdint.h>
#include "pm_env.h"

typedef struct pm pm_t;

/* NULL when out of memory. The env is copied. */
pm_t *pm_create(const struct pm_env *env);
/* Free procmgr's own memory, making no env calls (tests and a clean shutdown). */
void pm_destroy(pm_t *pm);
/* Load and start the first process, pid 1, from host strings: 0 or -errno (the exec errors;
 * -EEXIST if there already is one). */
int pm_start_init(pm_t *pm, const char *path, char *const argv[], char *const envp[]);
/* A syscall from the thread whose badge is `badge`; always consumes tok (reply now, later,
 * forward, or drop when the caller dies). */
void pm_syscall(pm_t *pm, uint64_t badge, uint64_t nr, const uint64_t a[6], pm_token_t tok);
/* The server loop's quick case before pm_syscall: a call that only reads the caller's ids (getpid
 * and the like) with nothing due before or after it. True with its result in *value, to be the
 * reply; false, having done nothing, otherwise (then pm_syscall, with the token). */
bool pm_syscall_pure(pm_t *pm, uint64_t badge, uint64_t nr, const uint64_t a[6], int64_t *value);
/* A fault of a user thread (x86 vector, error code, address, e.g. CR2): the process dies of the
 * signal Linux would send. tok is dropped. */
void pm_fault(pm_t *pm, uint64_t badge, uint64_t vector, uint64_t err, uint64_t addr,
              pm_token_t tok);
/* The same with the kernel's cause of a page fault (the fault message's mr[4]): PM_FAULT_NOMEM,
 * no frame for the page: the OOM killer picks a process to kill (SIGKILL) and the thread tries
 * again if it lives; PM_FAULT_RANGE, past the end of the file a mapping maps: SIGBUS;
 * PM_FAULT_UNKNOWN: pm_fault's guess (a not-present page inside a mapping allowing the access
 * is out of memory). */
#define PM_FAULT_NONE    0
#define PM_FAULT_NOMEM   1
#define PM_FAULT_RANGE   2
#define PM_FAULT_UNKNOWN 3
void pm_fault_cause(pm_t *pm, uint64_t badge, uint64_t vector, uint64_t err, uint64_t addr,
                    uint64_t cause, pm_token_t tok);
/* A thread marked with env->thread_interrupt, or whose CPU-time alarm (env->thread_cpu_alarm)
 * was due, stopped on its way to user mode (why: PM_INTR_REQUEST | PM_INTR_CPU_ALARM). Pending
 * signals, a stop and CPU-time timers are acted on; tok is answered (the thread resumes at its
 * registers, or in a signal handler), kept while the process is stopped, or dropped if it dies. */
#define PM_INTR_REQUEST   0x1
#define PM_INTR_CPU_ALARM 0x2
void pm_interrupted(pm_t *pm, uint64_t badge, uint64_t why, pm_token_t tok);
/* A traced thread's syscall nr was answered with value, and it waits (env->thread_trace):
 * its tracer's syscall-exit stop, or tok answered with value at once. */
void pm_sysexit(pm_t *pm, uint64_t badge, uint64_t nr, int64_t value, pm_token_t tok);
/* The timer armed with env->timer_arm went off (or any time: early calls are harmless). */
void pm_timer_fired(pm_t *pm, uint64_t now_mono_ns);
/* A signal raised by vfs (SIGPIPE, SIGINT...). pid > 0: that process; pid < 0: process group
 * -pid. tid 0: any thread. */
void pm_signal_notice(pm_t *pm, int32_t pid, int32_t tid, int sig);

/* vfs found a process of a background process group using its controlling terminal (a read:
 * sig SIGTTIN; a write under TOSTOP, tcsetpgrp, tcsetattr, tcflush: SIGTTOU) and handed the
 * call over with its token, for procmgr owns what decides: whether the caller ignores or blocks
 * the signal and whether its group is orphaned. As Linux's tty_check_change: the group gets the
 * signal and the call starts again (after the stop), or the call fails with `eio` (-EIO, or
 * -ENOTTY for tcsetpgrp), or (SIGTTOU ignored or blocked) the call goes back to vfs to be done
 * (env->vfs_forward_nojc). */
typedef struct pm_jobctl_req {
    int32_t pid, tid;
    int32_t sig;
    int32_t eio;
    uint64_t nr, a[6];
} pm_jobctl_req_t;
void pm_jobctl(pm_t *pm, const pm_jobctl_req_t *rq, pm_token_t tok);

/* One line per process, in creation order (tests; ps reads /proc, see pm_procfs_format). */
#define PM_COMM_LEN    16
#define PM_CMDLINE_LEN 128
struct pm_proc_info {
    int32_t pid, ppid, pgid, sid;
    char state;                    /* R running, S waiting in procmgr, T stopped, Z zombie,
                                      t in a ptrace stop,
                                      V vfork-parked */
    char comm[PM_COMM_LEN];        /* NUL-terminated, as /proc/pid/comm */
    char cmdline[PM_CMDLINE_LEN];  /* argv joined by spaces, truncated, NUL-terminated */
};
/* Fills up to max entries; returns the number of processes (may exceed max). */
int pm_proc_list(pm_t *pm, struct pm_proc_info *out, int max);

/* /proc/<pid>/ files whose text procmgr makes (the values of proto/pm_vfs.h's
 * enum vfs_procfs_file, which vfs passes along). */
enum pm_procfs_file {
    PM_PROCFS_STAT = 1, PM_PROCFS_CMDLINE, PM_PROCFS_COMM, PM_PROCFS_MAPS, PM_PROCFS_STATUS
};
/* What vfs knows of a process and passes along with a /proc read: the controlling terminal
 * (stat's tty_nr and tpgid), the umask and the descriptor table size (status). */
typedef struct pm_procfs_facts {
    int32_t tty_nr;   /* 0: none */
    int32_t tpgid;    /* the terminal's foreground group; -1: no terminal */
    uint32_t umask;
    uint32_t fdsize;
} pm_procfs_facts_t;
#define PM_PROCFS_FACTS_NONE ((pm_procfs_facts_t){0, -1, 022, 64})
/* The text of /proc/<pid>/<which> from byte off on: up to size bytes into buf. Returns the
 * bytes written (0 past the end), -ESRCH if no process (live or zombie) has that pid, -EINVAL
 * for an unknown file. stat is Linux's 52 fields "pid (comm) S ppid pgid sid ...", cmdline the
 * argument strings as they are in the process's memory (empty for a zombie), comm "name\n",
 * maps a line per mapping (empty for a zombie). */
int64_t pm_procfs_format(pm_t *pm, int32_t pid, int which, uint64_t off, char *buf, size_t size);
/* The same with vfs's facts about the target (pm_procfs_format uses PM_PROCFS_FACTS_NONE). */
int64_t pm_procfs_format_with(pm_t *pm, int32_t pid, int which, const pm_procfs_facts_t *facts,
                              uint64_t off, char *buf, size_t size);

/* A read of /proc/<target>/<which> that vfs handed over with the reader's token: the slice
 * [off, off+len) of the text goes into the reader's buffer at uaddr; vfs is told the count
 * (env->vfs_procfs_done, id) BEFORE the reader is answered with it, so the reader's next read
 * finds the position moved. A reader that is gone gets its token dropped (count 0). */
typedef struct pm_procfs_req {
    int32_t pid, tid, target;
    int which;
    uint64_t uaddr, len, off, id;
    pm_procfs_facts_t facts;     /* what vfs knows of the target */
} pm_procfs_req_t;
void pm_procfs_read(pm_t *pm, const pm_procfs_req_t *rq, pm_token_t tok);

struct pm_stats {
    int live;             /* processes not yet exited */
    int zombies;          /* exited, not yet reaped */
    int vfork_parked;     /* threads parked in vfork/clone(CLONE_VFORK) */
    int sleeping;         /* threads with a deferred wait4/waitid/nanosleep */
    uint64_t created;     /* processes ever created, init included */
};
void pm_stats_get(pm_t *pm, struct pm_stats *out);

/* The Linux name of syscall nr ("clone"), or NULL if x86_64 defines no such number. */
const char *pm_syscall_name(uint64_t nr);
/* Who answers syscall nr. */
enum pm_route { PM_ROUTE_ENOSYS = 0, PM_ROUTE_PROCMGR, PM_ROUTE_VFS };
enum pm_route pm_syscall_route(uint64_t nr);

#endif
