/* vfs's IPC glue (vfs_ipc.c). */
#ifndef VFS_IPC_H
#define VFS_IPC_H
#include "kabi/ipc.h"
#include "vfs.h"

struct vfs_glue {
    int ep;    /* vfs's endpoint: procmgr's calls, forwarded and routed syscalls, console notices */
    int pm_ep; /* procmgr's endpoint: notifications only (vfs never calls procmgr) */
    /* a forwarded syscall answered at once is answered by the main loop's reply_recv */
    int64_t deferred, deferred_value;
};
extern struct vfs_glue vfs_glue;

const struct vfs_env *vfs_ipc_env(void);
void vfs_ipc_handle(vfs_t *vfs, int64_t reply, struct ipc_buf *b);
void vfs_ipc_routed(vfs_t *vfs, int64_t reply, const struct ipc_buf *b);
void vfs_ipc_console(vfs_t *vfs);

#endif
