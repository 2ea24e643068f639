/* procmgr's IPC glue (pm_ipc.c): the kernel-backed pm_env and the handles it uses. */
#ifndef PM_IPC_H
#define PM_IPC_H
#include "pm_env.h"

struct pm_glue {
    int ep;     /* procmgr's endpoint: syscalls, faults, timer and vfs notifications */
    int vfs_ep; /* vfs's endpoint */
};
extern struct pm_glue pm_glue;

const struct pm_env *pm_ipc_env(void);

#endif
