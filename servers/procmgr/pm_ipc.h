/* procmgr's IPC glue (pm_ipc.c): the kernel-backed pm_env and the handles it uses. */
#ifndef PM_IPC_H
#define PM_IPC_H
#include "pm_env.h"

struct pm_glue {
    int ep;     /* procmgr's endpoint: syscalls, faults, timer and vfs notifications */
    int vfs_ep; /* vfs's endpoint */
    /* The reply to the message being handled is held back and sent by the main loop's
     * reply_recv: one kernel entry instead of two for every syscall answered at once. */
    int64_t current;  /* reply handle of the message being handled (0: none) */
    int64_t deferred; /* reply handle to answer in the next reply_recv (0: none) */
    int64_t deferred_value;
};
extern struct pm_glue pm_glue;

const struct pm_env *pm_ipc_env(void);

#endif
