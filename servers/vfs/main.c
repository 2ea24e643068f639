/* vfs's main loop: load the initrd, then serve procmgr's calls, the file syscalls procmgr forwards
 * or threads' kernel routes bring straight here (with their callers' reply capabilities, so vfs
 * answers the callers directly, now or later),
 * console input and the timer notification (timeouts of poll/select/epoll_wait, timerfds). vfs
 * never blocks except in its receive.
 * Entry point: main (from libsys/rt). */
#include <string.h>
#include "proto/pm_vfs.h"
#include "rt.h"
#include "sys/kmsg.h"
#include "vfs.h"
#include "vfs_ipc.h"

int main(const struct kboot_info *bi)
{
    vfs_glue.ep = kboot_root_ep(bi, "vfs");
    vfs_glue.pm_ep = kboot_root_ep(bi, "procmgr");
    if (vfs_glue.ep < 0 || vfs_glue.pm_ep < 0)
        rt_panic("vfs needs the roots procmgr and vfs");
    vfs_t *vfs = vfs_create(vfs_ipc_env());
    if (!vfs)
        rt_panic("out of memory");
    if (bi->initrd_size) {
        /* the initrd stays mapped: files keep their bytes there until changed or mapped */
        int r = vfs_load_initrd(vfs, (const void *)bi->initrd_va, bi->initrd_size);
        if (r < 0)
            rt_panic("malformed initrd (error %d)", -r);
    }
    k_console_bind(vfs_glue.ep, VFS_NOTIFY_CONSOLE);

    for (;;) {
        int64_t reply = kmsg_next(&vfs_glue.deferred, vfs_glue.deferred_value, vfs_glue.ep);
        struct ipc_buf *b = kipc();
        if (b->label == IPC_LABEL_SYSCALL) {
            vfs_ipc_routed(vfs, reply, b);
            continue;
        }
        if (b->label == IPC_LABEL_NOTIFY) {
            uint64_t bits = b->mr[0];
            if (bits & VFS_NOTIFY_CONSOLE)
                vfs_ipc_console(vfs);
            if (bits & VFS_NOTIFY_TIMER)
                vfs_timer_fired(vfs);
            continue;
        }
        vfs_ipc_handle(vfs, reply, b);
    }
}
