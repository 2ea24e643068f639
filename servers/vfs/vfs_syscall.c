/* Dispatch of forwarded syscalls: one bounds-checked table keyed by Linux syscall number,
 * generated from the list in vfs_sysnr.h; unknown numbers get -ENOSYS and, in debug builds
 * (NDEBUG undefined) or with OS_LOG_NOSYS defined (cmake -DOS_LOG_NOSYS=ON), the same
 * "unimplemented syscall" log line procmgr writes for the numbers it does not know: procmgr
 * forwards every call that belongs to vfs without knowing whether vfs implements it.
 *
 * Entry point: vfs_syscall. */
#include <string.h>
#include <lx/syscalls.h>
#include "vfs_impl.h"
#include "vfs_sysnr.h"

static const vfs_sys_fn vfs_sys_table[] = {
#define VFS_SYS_ENTRY(nr, name, handler) [nr] = vfs_sys_##handler,
    VFS_SYSCALLS(VFS_SYS_ENTRY)
#undef VFS_SYS_ENTRY
};

#if !defined(NDEBUG) || defined(OS_LOG_NOSYS)
static const char *const vfs_sys_names[LX_SYS_TABLE_SIZE] = {
#define VFS_SYS_NAME(nr, name) [nr] = #name,
    LX_SYSCALLS(VFS_SYS_NAME)
#undef VFS_SYS_NAME
};

/* "vfs: pid N: unimplemented syscall NR (name)", as procmgr's pm_log_unknown */
static void vfs_log_unknown(vfs_t *vfs, const vfs_req_t *req)
{
    if (!vfs->env.log)
        return;
    char line[128], num[20];
    const char *name = req->nr < LX_SYS_TABLE_SIZE ? vfs_sys_names[req->nr] : NULL;
    size_t n = 0;
#define VFS_LINE(s) (memcpy(line + n, (s), strlen(s)), n += strlen(s))
    VFS_LINE("vfs: pid ");
    num[vfs_fmt_u64(num, (uint64_t)(uint32_t)req->pid)] = '\0';
    VFS_LINE(num);
    VFS_LINE(": unimplemented syscall ");
    num[vfs_fmt_u64(num, req->nr)] = '\0';
    VFS_LINE(num);
    VFS_LINE(" (");
    VFS_LINE(name ? name : "?");
    VFS_LINE(")");
#undef VFS_LINE
    line[n] = '\0';
    vfs->env.log(vfs->env.ctx, line);
}
#endif

int64_t vfs_syscall(vfs_t *vfs, const vfs_req_t *req)
{
    if (req->nr >= sizeof(vfs_sys_table) / sizeof(vfs_sys_table[0]) || !vfs_sys_table[req->nr]) {
#if !defined(NDEBUG) || defined(OS_LOG_NOSYS)
        vfs_log_unknown(vfs, req);
#endif
        return -LX_ENOSYS;
    }
    vfs_proc_t *p = vfs_proc_find(vfs, req->pid);
    if (!p)
        return -LX_ESRCH;
    if (!p->thr)
        return vfs_sys_table[req->nr](vfs, p, req);
    /* a thread with a table or fs of its own: the call runs with them (vfs_thread.c) */
    vfs_thr_view_t v;
    vfs_thread_enter(p, req->tid, &v);
    int64_t r = vfs_sys_table[req->nr](vfs, p, req);
    vfs_thread_leave(p, &v);
    return r;
}
