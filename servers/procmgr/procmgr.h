/* procmgr: the POSIX personality server. Every syscall of every foreign (Linux) thread arrives
 * here as {badge, nr, args, reply token}; procmgr answers it, defers it, or forwards it to vfs.
 *
 * The badge of a foreign thread is its Linux thread id (for a single-threaded process, its pid):
 * procmgr chooses it when it creates the thread (thread_create's badge argument) and the kernel
 * hands it back with each syscall and fault of that thread.
 *
 * Entry points (all logic, no globals; the environment is struct pm_env in pm_env.h):
 *   pm_create, pm_destroy, pm_start_init, pm_syscall, pm_fault, pm_timer_fired,
 *   pm_signal_notice, pm_proc_list, pm_stats_get, pm_syscall_name, pm_syscall_route. */
#ifndef PROCMGR_H
#define PROCMGR_H

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
/* A fault of a user thread (x86 vector, error code, address, e.g. CR2): the process dies of the
 * signal Linux would send. tok is dropped. */
void pm_fault(pm_t *pm, uint64_t badge, uint64_t vector, uint64_t err, uint64_t addr,
              pm_token_t tok);
/* The timer armed with env->timer_arm went off (or any time: early calls are harmless). */
void pm_timer_fired(pm_t *pm, uint64_t now_mono_ns);
/* A signal raised by vfs (SIGPIPE, SIGINT...). pid > 0: that process; pid < 0: process group
 * -pid; pid 0: the foreground (see docs/procmgr.md). tid 0: any thread. */
void pm_signal_notice(pm_t *pm, int32_t pid, int32_t tid, int sig);

/* For ps: one line per process, in pid order. */
#define PM_COMM_LEN    16
#define PM_CMDLINE_LEN 128
struct pm_proc_info {
    int32_t pid, ppid, pgid, sid;
    char state;                    /* R running, S waiting in procmgr, Z zombie, V vfork-parked */
    char comm[PM_COMM_LEN];        /* NUL-terminated, as /proc/pid/comm */
    char cmdline[PM_CMDLINE_LEN];  /* argv joined by spaces, truncated, NUL-terminated */
};
/* Fills up to max entries; returns the number of processes (may exceed max). */
int pm_proc_list(pm_t *pm, struct pm_proc_info *out, int max);

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
