/* Kestrel's one ptrace extension: where a traced syscall went inside the system.
 *
 * At a syscall-exit stop a tracer may ask, with PTRACE_KESTREL_ROUTE, how the call it just saw
 * was answered: which server answered it, whether the answer was immediate, forwarded or held
 * until some event, the procmgr steps (kernel calls and server messages) taken for it, and the
 * kernel's counters over the call. Linux answers EIO for the unknown request, so `trace` built
 * from the same source on Linux simply prints no route.
 *
 * Standalone (stdint only): user/trace includes it on Linux too. Fields are only appended;
 * `size` says how many bytes the system filled. */
#ifndef LX_PTRACE_ROUTE_H
#define LX_PTRACE_ROUTE_H
#include <stdint.h>

#define PTRACE_KESTREL_ROUTE 0x4b52 /* data: struct kestrel_route *, addr: ignored */

/* who answered */
#define KR_SERVER_PROCMGR 1
#define KR_SERVER_VFS 2

/* how */
#define KR_HOW_DIRECT 1    /* answered by the server in the loop that received it */
#define KR_HOW_FORWARDED 2 /* procmgr forwarded it, vfs replied straight to the caller */
#define KR_HOW_DEFERRED 3  /* the reply was held until `event` happened */

/* what released a deferred reply (KR_HOW_DEFERRED) */
#define KR_EVENT_LIST(X)                                                                           \
    X(KR_EV_NONE, 0, "-")                                                                          \
    X(KR_EV_VFORK_EXEC, 1, "vfork child's exec")                                                  \
    X(KR_EV_VFORK_EXIT, 2, "vfork child's exit")                                                  \
    X(KR_EV_CHILD, 3, "child state change")                                                       \
    X(KR_EV_SIGNAL, 4, "signal")                                                                  \
    X(KR_EV_TIMER, 5, "timer")                                                                    \
    X(KR_EV_FUTEX, 6, "futex wake")                                                               \
    X(KR_EV_IO, 7, "I/O readiness")                                                               \
    X(KR_EV_OTHER, 8, "other")

#define KR_STEPS_MAX 24

struct kestrel_route {
    uint32_t size;     /* bytes filled by the system */
    uint32_t server;   /* KR_SERVER_* */
    uint32_t how;      /* KR_HOW_* */
    uint32_t event;    /* KR_EV_* (deferred only) */
    int64_t event_pid; /* the process whose action released the reply, or 0 */
    uint64_t nr;       /* the syscall number this describes */
    uint64_t wait_ns;  /* from the syscall's entry to its reply, guest monotonic ns */
    /* the kernel's system-wide counters over the call (from entry to the exit report) */
    uint64_t kernel_entries, ipc_messages, as_switches;
    uint32_t nsteps;   /* steps recorded (at most KR_STEPS_MAX; later ones are dropped) */
    uint32_t steps_dropped;
    uint16_t steps[KR_STEPS_MAX]; /* KR_STEP_* codes, in the order procmgr took them */
};

/* procmgr's steps: each kernel call or server message procmgr makes on behalf of a call.
 * Names are the procmgr environment's call names (servers/procmgr/pm_env.h). */
#define KR_STEP_LIST(X)                                                                            \
    X(KR_STEP_NONE, 0, "-")                                                                        \
    X(KR_STEP_THREAD_GET_REGS, 1, "thread_read_regs")                                             \
    X(KR_STEP_THREAD_SET_REGS, 2, "thread_write_regs")                                            \
    X(KR_STEP_AS_CREATE, 3, "as_create")                                                          \
    X(KR_STEP_AS_DUP_REF, 4, "as_dup_ref")                                                        \
    X(KR_STEP_AS_RELEASE, 5, "as_release")                                                        \
    X(KR_STEP_AS_FORK, 6, "as_fork")                                                              \
    X(KR_STEP_AS_MAP, 7, "as_map")                                                                \
    X(KR_STEP_THREAD_CREATE, 8, "thread_create")                                                  \
    X(KR_STEP_THREAD_SET_AS, 9, "thread_set_as")                                                  \
    X(KR_STEP_THREAD_DESTROY, 10, "thread_destroy")                                               \
    X(KR_STEP_VFS_PROC_CREATE, 11, "vfs:PROC_CREATE")                                             \
    X(KR_STEP_VFS_PROC_CLONE, 12, "vfs:PROC_CLONE")                                               \
    X(KR_STEP_VFS_PROC_EXEC, 13, "vfs:PROC_EXEC")                                                 \
    X(KR_STEP_VFS_PROC_EXIT, 14, "vfs:PROC_EXIT")                                                 \
    X(KR_STEP_VFS_EXEC_OPEN, 15, "vfs:EXEC_OPEN")                                                 \
    X(KR_STEP_VFS_FORWARD, 16, "vfs:forward")                                                     \
    X(KR_STEP_REPLY, 17, "reply")                                                                 \
    X(KR_STEP_PARK, 18, "park (reply held)")                                                      \
    X(KR_STEP_RELEASE, 19, "release (held reply sent)")                                           \
    X(KR_STEP_AS_MAP_MEM, 20, "as_map_mem")

#define KR_ENUM_(name, val, str) name = val,
enum { KR_EVENT_LIST(KR_ENUM_) KR_EV_COUNT_ };
enum { KR_STEP_LIST(KR_ENUM_) KR_STEP_COUNT_ };
#undef KR_ENUM_

#endif
