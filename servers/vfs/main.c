/* vfs's main loop: load the initrd, then serve procmgr's calls, the file syscalls procmgr forwards
 * (with their callers' reply capabilities, so vfs answers the callers directly, now or later), and
 * console input. vfs never blocks except in its receive.
 * Entry point: main (from libsys/rt). */
#include <string.h>
#include "proto/pm_vfs.h"
#include "rt.h"
#include "sys/kcall.h"
#include "vfs.h"
#include "vfs_ipc.h"

static int find_root(const struct kboot_info *bi, const char *name)
{
    for (uint32_t i = 0; i < bi->nroots; i++)
        if (strcmp(bi->names[i], name) == 0)
            return ROOT_H_EP_BASE + (int)i;
    return -1;
}

int main(const struct kboot_info *bi)
{
    vfs_glue.ep = find_root(bi, "vfs");
    vfs_glue.pm_ep = find_root(bi, "procmgr");
    if (vfs_glue.ep < 0 || vfs_glue.pm_ep < 0)
        rt_panic("vfs needs the roots procmgr and vfs");
    vfs_t *vfs = vfs_create(vfs_ipc_env());
    if (!vfs)
        rt_panic("out of memory");
    if (bi->initrd_size) {
        int r = vfs_load_cpio(vfs, (const void *)bi->initrd_va, bi->initrd_size);
        if (r < 0)
            rt_panic("malformed initrd (error %d)", -r);
    }
    k_console_bind(vfs_glue.ep, VFS_NOTIFY_CONSOLE);

    for (;;) {
        int64_t reply;
        if (vfs_glue.deferred) {
            struct ipc_buf *b = kipc();
            b->label = 0;
            b->len = 1;
            b->ncaps = 0;
            b->cap_move = 0;
            b->mr[0] = (uint64_t)vfs_glue.deferred_value;
            reply = k_reply_recv(vfs_glue.deferred, vfs_glue.ep);
            vfs_glue.deferred = 0;
        } else {
            reply = k_recv(vfs_glue.ep);
        }
        struct ipc_buf *b = kipc();
        if (b->label == IPC_LABEL_NOTIFY) {
            if (b->mr[0] & VFS_NOTIFY_CONSOLE)
                vfs_ipc_console(vfs);
            continue;
        }
        vfs_ipc_handle(vfs, reply, b);
    }
}
