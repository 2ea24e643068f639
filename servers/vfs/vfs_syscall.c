/* Dispatch of forwarded syscalls: one bounds-checked table keyed by Linux syscall number,
 * generated from the list in vfs_sysnr.h; unknown numbers get -ENOSYS.
 *
 * Entry point: vfs_syscall. */
#include "vfs_impl.h"
#include "vfs_sysnr.h"

static const vfs_sys_fn vfs_sys_table[] = {
#define VFS_SYS_ENTRY(nr, name, handler) [nr] = vfs_sys_##handler,
    VFS_SYSCALLS(VFS_SYS_ENTRY)
#undef VFS_SYS_ENTRY
};

int64_t vfs_syscall(vfs_t *vfs, const vfs_req_t *req)
{
    if (req->nr >= sizeof(vfs_sys_table) / sizeof(vfs_sys_table[0]) || !vfs_sys_table[req->nr])
        return -LX_ENOSYS;
    vfs_proc_t *p = vfs_proc_find(vfs, req->pid);
    if (!p)
        return -LX_ESRCH;
    return vfs_sys_table[req->nr](vfs, p, req);
}
