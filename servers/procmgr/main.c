/* procmgr's main loop: receive a message, hand it to the logic, repeat. Every syscall and fault of
 * every POSIX thread arrives here (the kernel makes them messages); the logic answers through the
 * env (pm_ipc.c), now or later. Also: the timer notification (sleepers, waits with timeouts) and
 * vfs's "events waiting" notification (signals vfs wants raised, e.g. SIGPIPE, and reads of
 * /proc/<pid>/ files handed over with their readers' reply capabilities).
 * Entry point: main (from libsys/rt). */
#include <stdbool.h>
#include <string.h>
#include "pm_ipc.h"
#include "procmgr.h"
#include "proto/pm_vfs.h"
#include "rt.h"
#include "sys/kmsg.h"

/* "init=/x -- a b" -> path "/x", argv {"/x", "a", "b"} */
static void init_command(const char *cmdline, char *path, size_t psize, char **argv, int maxargs,
                         char *argbuf)
{
    strcpy(path, "/sbin/init");
    const char *sep = cmdline;
    for (; *sep; sep++)
        if (sep[0] == ' ' && sep[1] == '-' && sep[2] == '-' && (sep[3] == ' ' || !sep[3]))
            break;
    for (const char *p = cmdline; p < sep;) {
        while (p < sep && *p == ' ')
            p++;
        const char *w = p;
        while (p < sep && *p != ' ')
            p++;
        if (p - w > 5 && strncmp(w, "init=", 5) == 0) {
            size_t n = (size_t)(p - w - 5) < psize - 1 ? (size_t)(p - w - 5) : psize - 1;
            memcpy(path, w + 5, n);
            path[n] = 0;
        }
    }
    int argc = 0;
    argv[argc++] = path;
    strcpy(argbuf, *sep ? sep + 3 : "");
    for (char *p = argbuf; *p && argc < maxargs - 1;) {
        while (*p == ' ')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    argv[argc] = NULL;
}

_Static_assert((int)PM_PROCFS_STAT == (int)VFS_PROCFS_STAT &&
                   (int)PM_PROCFS_CMDLINE == (int)VFS_PROCFS_CMDLINE &&
                   (int)PM_PROCFS_COMM == (int)VFS_PROCFS_COMM &&
                   (int)PM_PROCFS_MAPS == (int)VFS_PROCFS_MAPS &&
                   (int)PM_PROCFS_STATUS == (int)VFS_PROCFS_STATUS,
               "procmgr's /proc file numbers are the protocol's");
_Static_assert(PM_INTR_REQUEST == KINT_REQUEST && PM_INTR_CPU_ALARM == KINT_CPU_ALARM,
               "the interrupt reasons are the kernel's");
_Static_assert(PM_FAULT_NONE == KFAULT_NONE && PM_FAULT_NOMEM == KFAULT_NOMEM &&
                   PM_FAULT_RANGE == KFAULT_RANGE,
               "the fault causes are the kernel's");

/* Fetch what vfs queued until nothing is left: signals, then delegated /proc reads and
 * job-control checks. Everything is copied out of the IPC buffer first, since handling it makes
 * calls of its own. */
static void fetch_vfs_events(pm_t *pm)
{
    static struct vfs_pm_events ev; /* large: not on the stack */
    do {
        kmsg_put(VFS_L_EVENTS, NULL, 0);
        if (k_call(pm_glue.vfs_ep) < 0)
            return;
        struct ipc_buf *b = kipc();
        int32_t caps[IPC_CAPS_MAX];
        uint32_t ncaps = b->ncaps < IPC_CAPS_MAX ? b->ncaps : IPC_CAPS_MAX;
        memcpy(caps, b->caps, sizeof caps);
        memcpy(&ev, b->mr, sizeof ev);
        for (int64_t i = 0; i < ev.count && i < VFS_EVENTS_MAX; i++)
            pm_signal_notice(pm, ev.ev[i].pid, ev.ev[i].tid, ev.ev[i].sig);
        uint32_t nreads = ev.nreads < VFS_PROCFS_READS_MAX ? ev.nreads : VFS_PROCFS_READS_MAX;
        uint32_t njc = ev.njobctl <= VFS_PROCFS_READS_MAX - nreads ? ev.njobctl : 0;
        bool paired = ncaps == nreads + njc; /* else our table was full: the pairing is lost */
        for (uint32_t i = 0; i < nreads; i++) {
            const struct vfs_pm_procfs_read *r = &ev.rd[i];
            pm_procfs_req_t rq = {r->pid,   r->tid, r->target, (int)r->which,
                                  r->uaddr, r->len, r->off,    r->id,
                                  {r->tty_nr, r->tpgid, r->umask, r->fdsize}};
            if (paired) {
                pm_procfs_read(pm, &rq, (pm_token_t)caps[i]);
            } else {
                struct pm_vfs_procfs_done m = {r->id, 0};
                kmsg_put(VFS_L_PROCFS_DONE, &m, sizeof m);
                k_call(pm_glue.vfs_ep);
            }
        }
        for (uint32_t i = 0; paired && i < njc; i++) {
            const struct vfs_pm_jobctl *j = &ev.jc[i];
            pm_jobctl_req_t rq = {j->pid, j->tid, j->sig, j->eio, j->nr, {0}};
            memcpy(rq.a, j->a, sizeof rq.a);
            pm_jobctl(pm, &rq, (pm_token_t)caps[nreads + i]);
        }
        if (!paired)
            for (uint32_t i = 0; i < ncaps; i++)
                k_cap_delete(caps[i]);
    } while (ev.more);
}

int main(const struct kboot_info *bi)
{
    pm_glue.ep = kboot_root_ep(bi, "procmgr");
    pm_glue.vfs_ep = kboot_root_ep(bi, "vfs");
    if (pm_glue.ep < 0 || pm_glue.vfs_ep < 0)
        rt_panic("procmgr needs the roots procmgr and vfs");
    pm_t *pm = pm_create(pm_ipc_env());
    if (!pm)
        rt_panic("out of memory");

    static char path[256], argbuf[1024];
    static char *argv[32];
    static char *envp[] = {"HOME=/", "TERM=vt100", "PATH=/bin:/usr/bin:/sbin:/tests", NULL};
    init_command(bi->cmdline, path, sizeof path, argv, 32, argbuf);
    int e = pm_start_init(pm, path, argv, envp);
    if (e < 0) {
        printf("procmgr: cannot start %s: error %d\n", path, -e);
        k_poweroff(ROOT_H_CONTROL, 127);
    }

    for (;;) {
        int64_t reply = kmsg_next(&pm_glue.deferred, pm_glue.deferred_value, pm_glue.ep);
        struct ipc_buf *b = kipc();
        int64_t value;
        if (b->label == IPC_LABEL_SYSCALL &&
            pm_syscall_pure(pm, b->badge, b->mr[0], &b->mr[1], &value)) {
            /* answered at once: the loop's reply_recv sends it (the handler made no call, so
             * the buffer still holds the message it reads its arguments from) */
            pm_glue.deferred = reply;
            pm_glue.deferred_value = value;
            continue;
        }
        pm_glue.current = reply;
        switch (b->label) {
        case IPC_LABEL_SYSCALL: {
            uint64_t a[6] = {b->mr[1], b->mr[2], b->mr[3], b->mr[4], b->mr[5], b->mr[6]};
            pm_syscall(pm, b->badge, b->mr[0], a, (pm_token_t)reply);
            break;
        }
        case IPC_LABEL_FAULT:
            pm_fault_cause(pm, b->badge, b->mr[0], b->mr[1], b->mr[2], b->mr[4], (pm_token_t)reply);
            break;
        case IPC_LABEL_INTERRUPT:
            pm_interrupted(pm, b->badge, b->mr[0], (pm_token_t)reply);
            break;
        case IPC_LABEL_SYSEXIT:
            pm_sysexit(pm, b->badge, b->mr[1], (int64_t)b->mr[0], (pm_token_t)reply);
            break;
        case IPC_LABEL_NOTIFY: {
            uint64_t bits = b->mr[0];
            if (bits & PM_NOTIFY_TIMER)
                pm_timer_fired(pm, k_clock_ns());
            if (bits & PM_NOTIFY_VFS_EVENTS)
                fetch_vfs_events(pm);
            break;
        }
        default:
            printf("procmgr: unexpected message label %x\n", b->label);
            if (reply > 0)
                kmsg_reply_value(reply, -LX_ENOSYS);
        }
    }
}
