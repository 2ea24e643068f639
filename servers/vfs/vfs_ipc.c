/* vfs's IPC glue: the struct vfs_env the logic uses (checked copies into the callers' address
 * spaces, replies, the console, signal notices, and the /proc reads and job-control checks
 * delegated to procmgr), the table
 * of each process's address-space capability, and the handlers of procmgr's calls
 * (proto/pm_vfs.h).
 * Entry points: vfs_ipc_env, vfs_ipc_handle, vfs_ipc_console. */
#include <stdlib.h>
#include <string.h>
#include "proto/pm_vfs.h"
#include "rt.h"
#include "sys/kmsg.h"
#include "sys/ustr.h"
#include "vfs.h"
#include "vfs_ipc.h"

struct vfs_glue vfs_glue;

/* pid -> the process's address space (a capability vfs holds a copy of), in a 256-bucket hash
 * as vfs_proc_find's: every copy into or out of a caller looks here, so the look-up must not
 * cost more with more processes alive. */
#define AS_BUCKETS 256
struct proc_as {
    struct proc_as *next;
    int32_t pid;
    int32_t as;
};
static struct proc_as *as_hash[AS_BUCKETS];

static struct proc_as **as_bucket(int32_t pid)
{
    return &as_hash[(uint32_t)pid & (AS_BUCKETS - 1)];
}

static struct proc_as *proc_find(int32_t pid)
{
    for (struct proc_as *p = *as_bucket(pid); p; p = p->next)
        if (p->pid == pid)
            return p;
    return NULL;
}

static int proc_set_as(int32_t pid, int32_t as)
{
    struct proc_as *p = proc_find(pid);
    if (p) {
        k_cap_delete(p->as);
        p->as = as;
        return 0;
    }
    p = malloc(sizeof *p);
    if (!p)
        return -LX_ENOMEM;
    struct proc_as **b = as_bucket(pid);
    *p = (struct proc_as){*b, pid, as};
    *b = p;
    return 0;
}

static void proc_forget(int32_t pid)
{
    for (struct proc_as **pp = as_bucket(pid); *pp; pp = &(*pp)->next)
        if ((*pp)->pid == pid) {
            struct proc_as *p = *pp;
            *pp = p->next;
            k_cap_delete(p->as);
            free(p);
            return;
        }
}

static int as_of(int32_t pid)
{
    struct proc_as *p = proc_find(pid);
    return p ? p->as : -1;
}

static int g_copy_in(void *c, int32_t pid, void *dst, uint64_t uaddr, size_t len)
{
    (void)c;
    if (!len)
        return 0;
    int as = as_of(pid);
    return as < 0 || k_as_read(as, uaddr, dst, len) < 0 ? -LX_EFAULT : 0;
}

static int g_copy_out(void *c, int32_t pid, uint64_t uaddr, const void *src, size_t len)
{
    (void)c;
    if (!len)
        return 0;
    int as = as_of(pid);
    /* not forced: writing into a read-only user buffer is EFAULT, as on Linux */
    return as < 0 || k_as_write(as, uaddr, src, len) < 0 ? -LX_EFAULT : 0;
}

static int64_t g_copy_str_in(void *c, int32_t pid, char *dst, uint64_t uaddr, size_t max)
{
    (void)c;
    int as = as_of(pid);
    if (as < 0)
        return -LX_EFAULT;
    size_t done = 0;
    uint64_t step = USTR_FIRST_CHUNK;
    while (done < max) {
        size_t chunk = ustr_chunk(uaddr + done, max - done, &step);
        if (k_as_read(as, uaddr + done, dst + done, chunk) < 0)
            return -LX_EFAULT;
        void *nul = memchr(dst + done, 0, chunk);
        if (nul)
            return (int64_t)((char *)nul - dst);
        done += chunk;
    }
    return -LX_ENAMETOOLONG;
}

static void g_reply(void *c, vfs_token_t token, int64_t value)
{
    (void)c;
    kmsg_reply_value((int64_t)token, value);
}

static void g_drop(void *c, vfs_token_t token)
{
    (void)c;
    k_cap_delete((int64_t)token); /* a cancelled caller: release its reply capability */
}

static void g_console_write(void *c, const char *buf, size_t n)
{
    (void)c;
    k_debug_write(buf, n);
}

static struct vfs_pm_events events;

static void g_raise_signal(void *c, int32_t pid, int32_t tid, int sig)
{
    (void)c;
    if (events.count < VFS_EVENTS_MAX) {
        events.ev[events.count].pid = pid;
        events.ev[events.count].tid = tid;
        events.ev[events.count].sig = sig;
        events.count++;
    }
    k_notify(vfs_glue.pm_ep, PM_NOTIFY_VFS_EVENTS); /* never blocks: procmgr fetches them */
}

/* Calls handed to procmgr with their callers' reply capabilities (delegated /proc reads and
 * job-control checks), waiting for procmgr's VFS_L_EVENTS, oldest first; the events reply moves
 * the capabilities to procmgr. */
struct deleg_q {
    struct deleg_q *next;
    int64_t reply;
    bool jobctl;
    struct vfs_pm_procfs_read rd;
    struct vfs_pm_jobctl jc;
};
static struct deleg_q *deleg_head, *deleg_tail;

static int deleg_push(struct deleg_q *q)
{
    q->next = NULL;
    if (deleg_tail)
        deleg_tail->next = q;
    else
        deleg_head = q;
    deleg_tail = q;
    k_notify(vfs_glue.pm_ep, PM_NOTIFY_VFS_EVENTS); /* never blocks: procmgr fetches it */
    return 0;
}

static int g_procfs_read(void *c, vfs_token_t token, int32_t pid, int32_t tid, int32_t target,
                         uint32_t which, uint64_t uaddr, uint64_t len, uint64_t off, uint64_t id,
                         const struct vfs_proc_facts *f)
{
    (void)c;
    struct deleg_q *q = calloc(1, sizeof *q);
    if (!q)
        return -LX_ENOMEM;
    q->reply = (int64_t)token;
    q->rd = (struct vfs_pm_procfs_read){pid,       tid,      target,   which,    uaddr,    len,
                                        off,       id,       f->tty_nr, f->tpgid, f->umask, f->fdsize};
    return deleg_push(q);
}

static int g_jobctl(void *c, vfs_token_t token, int32_t pid, int32_t tid, int sig, int32_t eio,
                    uint64_t nr, const uint64_t a[6])
{
    (void)c;
    struct deleg_q *q = calloc(1, sizeof *q);
    if (!q)
        return -LX_ENOMEM;
    q->reply = (int64_t)token;
    q->jobctl = true;
    q->jc = (struct vfs_pm_jobctl){pid, tid, sig, eio, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
    return deleg_push(q);
}

/* The VFS_L_EVENTS reply: queued signals, and up to IPC_CAPS_MAX delegated calls with their
 * reply capabilities moved (the reads' first, caps[i] for rd[i], then the job-control checks',
 * caps[nreads + j] for jc[j]); `more` asks procmgr to call again. */
static void events_reply(struct ipc_buf *b)
{
    static struct vfs_pm_events out; /* large: not on the stack */
    out = events;
    events.count = 0;
    out.nreads = out.njobctl = 0;
    int32_t rcaps[IPC_CAPS_MAX], jcaps[IPC_CAPS_MAX];
    while (deleg_head && out.nreads + out.njobctl < IPC_CAPS_MAX) {
        struct deleg_q *q = deleg_head;
        deleg_head = q->next;
        if (!deleg_head)
            deleg_tail = NULL;
        if (q->jobctl) {
            jcaps[out.njobctl] = (int32_t)q->reply;
            out.jc[out.njobctl++] = q->jc;
        } else {
            rcaps[out.nreads] = (int32_t)q->reply;
            out.rd[out.nreads++] = q->rd;
        }
        free(q);
    }
    b->ncaps = out.nreads + out.njobctl;
    b->cap_move = (1u << b->ncaps) - 1;
    memcpy(b->caps, rcaps, out.nreads * sizeof rcaps[0]);
    memcpy(b->caps + out.nreads, jcaps, out.njobctl * sizeof jcaps[0]);
    out.more = deleg_head != NULL;
    memcpy(b->mr, &out, sizeof out);
    b->label = 0;
    b->len = PROTO_WORDS(sizeof out);
}

static void g_now(void *c, struct lx_timespec *ts)
{
    (void)c;
    uint64_t ns = rt_boot->boot_epoch_ns + k_clock_ns();
    ts->tv_sec = (int64_t)(ns / 1000000000ull);
    ts->tv_nsec = (int64_t)(ns % 1000000000ull);
}

static uint64_t g_clock_mono(void *c)
{
    (void)c;
    return k_clock_ns();
}

static void g_timer_arm(void *c, uint64_t deadline)
{
    (void)c;
    k_timer_set(vfs_glue.ep, VFS_NOTIFY_TIMER, deadline);
}

static void g_log(void *c, const char *line)
{
    (void)c;
    k_debug_write(line, strlen(line));
    k_debug_write("\n", 1);
}

static void g_sysinfo(void *c, struct vfs_sysinfo *si)
{
    (void)c;
    struct kmem_info mi;
    k_mem_info(&mi);
    si->mem_total = mi.total_frames * 4096;
    si->mem_free = mi.free_frames * 4096;
    /* the kernel counts address-space switches, not context switches: the nearest it has */
    si->ctxt = mi.as_switches;
    /* CPU time: the kernel does not account it yet (cpu_ns stays 0) */
    si->tsc_hz = rt_boot->tsc_hz;
}

static void g_cpuid(void *c, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    (void)c;
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static int64_t g_klog_read(void *c, void *buf, uint64_t len, uint64_t pos, uint64_t *end)
{
    (void)c;
    int64_t n = k_log_read(buf, len, pos, end);
    return n < 0 ? 0 : n;
}

static void g_kstat(void *c, uint64_t out[VFS_KSTAT_N])
{
    (void)c;
    struct kmem_info mi;
    k_mem_info(&mi);
    out[0] = mi.kernel_entries, out[1] = mi.ipc_messages, out[2] = mi.as_switches;
    out[3] = mi.pt_shared, out[4] = mi.pt_unshared, out[5] = mi.cow_copied;
    out[6] = mi.cow_reused, out[7] = mi.zero_fill, out[8] = mi.threads;
}

/* ---- the page cache's memory objects ---- */

/* vfs's windows on file objects: VFS_WINDOWS_MAX slots of VFS_FILE_MAX_BYTES each, far from the
 * heap (KBOOT_HEAP_VA) and the initrd */
#define WIN_BASE 0x0000300000000000ull
static uint64_t win_used[VFS_WINDOWS_MAX / 64];

static int64_t g_mem_create(void *c, uint64_t size)
{
    (void)c;
    int64_t h = k_mem_create(size, 0);
    return h < 0 ? ke_to_lx(h) : h;
}

static int g_mem_resize(void *c, int64_t mem, uint64_t size)
{
    (void)c;
    return ke_to_lx(k_mem_resize((int)mem, size));
}

static int g_mem_commit(void *c, int64_t mem, uint64_t off, uint64_t len)
{
    (void)c;
    return ke_to_lx(k_mem_commit((int)mem, off, len));
}

static void *g_mem_map(void *c, int64_t mem)
{
    (void)c;
    for (unsigned w = 0; w < VFS_WINDOWS_MAX / 64; w++) {
        if (win_used[w] == ~0ull)
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(~win_used[w]);
        uint64_t va = WIN_BASE + (uint64_t)(w * 64 + bit) * VFS_FILE_MAX_BYTES;
        if (k_as_map_mem(ROOT_H_SELF_AS, va, VFS_FILE_MAX_BYTES, KPROT_READ | KPROT_WRITE | KMAP_SHARED,
                         (int)mem, 0) < 0)
            return NULL;
        win_used[w] |= 1ull << bit;
        return (void *)va;
    }
    return NULL;
}

static void g_mem_unmap(void *c, int64_t mem, void *win)
{
    (void)c, (void)mem;
    uint64_t slot = ((uint64_t)win - WIN_BASE) / VFS_FILE_MAX_BYTES;
    k_as_unmap(ROOT_H_SELF_AS, (uint64_t)win, VFS_FILE_MAX_BYTES);
    win_used[slot / 64] &= ~(1ull << (slot % 64));
}

static void g_mem_release(void *c, int64_t mem)
{
    (void)c;
    k_cap_delete(mem);
}

const struct vfs_env *vfs_ipc_env(void)
{
    static const struct vfs_env env = {
        .ctx = NULL,
        .copy_in = g_copy_in,
        .copy_out = g_copy_out,
        .copy_str_in = g_copy_str_in,
        .reply = g_reply,
        .drop = g_drop,
        .console_write = g_console_write,
        .raise_signal = g_raise_signal,
        .now = g_now,
        .kstat = g_kstat,
        .procfs_read = g_procfs_read,
        .clock_mono = g_clock_mono,
        .timer_arm = g_timer_arm,
        .log = g_log,
        .sysinfo = g_sysinfo,
        .cpuid = g_cpuid,
        .klog_read = g_klog_read,
        .jobctl = g_jobctl,
        .mem_create = g_mem_create,
        .mem_resize = g_mem_resize,
        .mem_commit = g_mem_commit,
        .mem_map = g_mem_map,
        .mem_unmap = g_mem_unmap,
        .mem_release = g_mem_release,
    };
    return &env;
}

/* open files procmgr's exec is reading, by small integer id */
#define MAX_EXEC_FILES 64
static struct vfs_file *exec_files[MAX_EXEC_FILES];

/* A copy of vfs's handle on a file object, with rights, for a reply to move to procmgr; 0: none. */
static int64_t mem_share(int64_t mem, uint32_t rights)
{
    int64_t h = mem > 0 ? k_cap_copy((int)mem, rights, 0) : 0;
    return h > 0 ? h : 0;
}

static int64_t exec_open(vfs_t *vfs, struct ipc_buf *b)
{
    static struct vfs_pm_exec_open rep; /* large: not on the stack */
    struct pm_vfs_exec_open *m = (struct pm_vfs_exec_open *)b->mr;
    m->path[VFS_PATH_MAX - 1] = 0;
    int32_t pid = (int32_t)m->pid;
    memset(&rep, 0, offsetof(struct vfs_pm_exec_open, path));
    rep.path[0] = 0;
    int slot = -1;
    for (int i = 0; i < MAX_EXEC_FILES && slot < 0; i++)
        if (!exec_files[i])
            slot = i;
    struct vfs_file *f;
    uint64_t size;
    rep.result = slot < 0 ? -LX_ENFILE
                           : vfs_exec_open_thread(vfs, pid, (int32_t)m->tid, m->path, &f, &size);
    int64_t cap = 0;
    if (rep.result == 0) {
        exec_files[slot] = f;
        rep.file = (uint64_t)slot;
        rep.size = size;
        /* the program is mapped from its object, read-only: exec copies nothing */
        struct vfs_map_info mi;
        if (vfs_exec_map_info(vfs, pid, f, &mi, rep.path, sizeof rep.path, &rep.deny) == 0) {
            rep.dev = mi.dev;
            rep.ino = mi.ino;
            if (!(cap = mem_share(mi.mem, KR_READ))) {
                vfs_exec_unmap(vfs, rep.deny);   /* no object to map: exec copies */
                rep.deny = 0;
            }
        }
    }
    size_t plen = strlen(rep.path) + 1;
    kmsg_put(0, &rep, offsetof(struct vfs_pm_exec_open, path) + plen);
    if (cap)
        kmsg_cap(cap, 1);
    return 0;
}

static void mmap_open(vfs_t *vfs, struct ipc_buf *b)
{
    static struct vfs_pm_mmap rep; /* large: not on the stack */
    struct pm_vfs_mmap m;
    memcpy(&m, b->mr, sizeof m);
    memset(&rep, 0, offsetof(struct vfs_pm_mmap, path));
    struct vfs_map_info mi;
    rep.result = vfs_mmap_open_thread(vfs, (int32_t)m.pid, (int32_t)m.tid, (int32_t)m.fd,
                                      m.flags & VFS_MMAP_SHARED, m.flags & VFS_MMAP_WRITE, &mi,
                                      rep.path, sizeof rep.path);
    int64_t cap = 0;
    if (rep.result == 0) {
        rep.flags = (mi.zero ? VFS_MMAP_ZERO : 0) | (mi.writable ? VFS_MMAP_WRITABLE : 0);
        rep.size = mi.size;
        rep.dev = mi.dev;
        rep.ino = mi.ino;
        if (!mi.zero && !(cap = mem_share(mi.mem, KR_READ | (mi.writable ? KR_MAP : 0))))
            rep.result = -LX_ENOMEM;
    } else {
        rep.path[0] = 0;
    }
    kmsg_put(0, &rep, offsetof(struct vfs_pm_mmap, path) + strlen(rep.path) + 1);
    if (cap)
        kmsg_cap(cap, 1);
}

static struct vfs_file *exec_file(uint64_t id)
{
    return id < MAX_EXEC_FILES ? exec_files[id] : NULL;
}

static void file_read(struct ipc_buf *b)
{
    struct pm_vfs_file_read m;
    memcpy(&m, b->mr, sizeof m);
    struct vfs_pm_file_read *rep = (struct vfs_pm_file_read *)b->mr;
    struct vfs_file *f = exec_file(m.file);
    uint64_t len = m.len < VFS_READ_MAX ? m.len : VFS_READ_MAX;
    rep->result = f ? vfs_file_pread(f, rep->data, m.off, len) : -LX_EBADF;
    b->len = PROTO_WORDS(8 + (rep->result > 0 ? (uint64_t)rep->result : 0));
}

/* copies a file range straight into an address space (exec's segments), page by page */
static int64_t file_load(struct ipc_buf *b)
{
    struct pm_vfs_file_load m;
    memcpy(&m, b->mr, sizeof m);
    int as = b->ncaps ? b->caps[0] : -1;
    struct vfs_file *f = exec_file(m.file);
    int64_t r = 0;
    static char buf[16384];
    if (!f || as < 0)
        r = -LX_EBADF;
    for (uint64_t done = 0; r == 0 && done < m.len;) {
        uint64_t chunk = m.len - done < sizeof buf ? m.len - done : sizeof buf;
        int64_t n = vfs_file_pread(f, buf, m.off + done, chunk);
        if (n <= 0) {
            r = n < 0 ? n : -LX_EIO; /* the file is shorter than its headers say */
            break;
        }
        if (k_as_write_force(as, m.va + done, buf, (uint64_t)n) < 0)
            r = -LX_EFAULT;
        done += (uint64_t)n;
    }
    if (as >= 0)
        k_cap_delete(as);
    return r;
}

/* A call a thread's route brought here without procmgr (proto/pm_vfs.h): the kernel made the
 * message from its registers, the route's badge (procmgr's choice) names the thread, and the
 * receive's own reply capability answers it. The commonest message: main's loop takes it first,
 * past the switch below. */
/* Runs a syscall, forwarded or routed; one answered at once is answered by main's reply_recv. */
static inline void syscall_run(vfs_t *vfs, const vfs_req_t *req)
{
    int64_t res = vfs_syscall(vfs, req);
    if (res != VFS_SUSPEND) {
        vfs_glue.deferred = (int64_t)req->token;
        vfs_glue.deferred_value = res;
    }
}

void vfs_ipc_routed(vfs_t *vfs, int64_t reply, const struct ipc_buf *b)
{
    if (reply <= 0)
        return;
    vfs_req_t req = {(int32_t)(b->badge >> 32),
                     (int32_t)(uint32_t)b->badge, /* VFS_ROUTE_BADGE */
                     b->mr[0],
                     {b->mr[1], b->mr[2], b->mr[3], b->mr[4], b->mr[5], b->mr[6]},
                     (vfs_token_t)reply,
                     0};
    syscall_run(vfs, &req);
}

/* A call or send from procmgr. Returns with the reply (if any) sent. */
void vfs_ipc_handle(vfs_t *vfs, int64_t reply, struct ipc_buf *b)
{
    int64_t r = 0;
    switch (b->label) {
    case VFS_L_SYSCALL: {
        struct pm_vfs_syscall m;
        memcpy(&m, b->mr, sizeof m);
        if (b->ncaps != 1)
            return; /* no reply capability: nothing we can answer */
        vfs_req_t req = {(int32_t)m.pid,
                         (int32_t)m.tid,
                         m.nr,
                         {m.a[0], m.a[1], m.a[2], m.a[3], m.a[4], m.a[5]},
                         (vfs_token_t)b->caps[0],
                         (m.flags & VFS_SYS_NOJC) ? VFS_REQ_NOJC : 0};
        syscall_run(vfs, &req);
        return;
    }
    case VFS_L_PROC_CREATE: {
        struct pm_vfs_proc m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_proc_clone(vfs, (int32_t)m.pid, (int32_t)m.parent_pid, (int32_t)m.parent_tid,
                           (uint32_t)m.share);
        if (b->ncaps == 1) {
            if (r == 0)
                r = proc_set_as((int32_t)m.pid, b->caps[0]);
            else
                k_cap_delete(b->caps[0]);
        }
        break;
    }
    case VFS_L_PROC_EXEC: {
        struct pm_vfs_proc m;
        memcpy(&m, b->mr, sizeof m);
        if (b->ncaps == 1)
            proc_set_as((int32_t)m.pid, b->caps[0]);
        r = vfs_proc_exec(vfs, (int32_t)m.pid);
        break;
    }
    case VFS_L_PROC_EXIT: {
        struct pm_vfs_proc m;
        memcpy(&m, b->mr, sizeof m);
        vfs_proc_exit(vfs, (int32_t)m.pid);
        proc_forget((int32_t)m.pid);
        break;
    }
    case VFS_L_THREAD: {
        struct pm_vfs_thread m;
        memcpy(&m, b->mr, sizeof m);
        if (m.op == VFS_THREAD_CLONE)
            r = vfs_thread_clone(vfs, (int32_t)m.pid, (int32_t)m.tid, (int32_t)m.from_tid,
                                 (uint32_t)m.share);
        else if (m.op == VFS_THREAD_EXIT)
            vfs_thread_exit(vfs, (int32_t)m.pid, (int32_t)m.tid);
        else if (m.op == VFS_THREAD_LEAD)
            vfs_thread_lead(vfs, (int32_t)m.pid, (int32_t)m.tid);
        else
            r = -LX_EINVAL;
        break;
    }
    case VFS_L_PROC_IDS: {
        struct pm_vfs_ids m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_proc_set_ids(vfs, (int32_t)m.pid, (int32_t)m.pgid, (int32_t)m.sid);
        break;
    }
    case VFS_L_PIDFD_OPEN: {
        struct pm_vfs_pidfd_open m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_pidfd_open(vfs, (int32_t)m.pid, (int32_t)m.target, m.serial, m.nonblock != 0,
                           m.exited != 0);
        break;
    }
    case VFS_L_PIDFD_GET: {
        struct pm_vfs_fd m;
        memcpy(&m, b->mr, sizeof m);
        struct vfs_pm_pidfd rep = {0, 0, 0, 0};
        int32_t target = 0;
        bool nonblock = false;
        rep.result = vfs_pidfd_get(vfs, (int32_t)m.pid, (int32_t)m.fd, &target, &rep.serial,
                                   &nonblock);
        rep.target = target;
        rep.nonblock = nonblock;
        kmsg_put(0, &rep, sizeof rep);
        if (reply > 0)
            k_reply(reply);
        return;
    }
    case VFS_L_FD_CLOSE: {
        struct pm_vfs_fd m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_proc_fd_close(vfs, (int32_t)m.pid, (int32_t)m.fd);
        break;
    }
    case VFS_L_PROC_NOFILE: {
        struct pm_vfs_nofile m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_proc_set_fd_limit(vfs, (int32_t)m.pid, m.limit);
        break;
    }
    case VFS_L_INTERRUPT: {
        struct pm_vfs_interrupt m;
        memcpy(&m, b->mr, sizeof m);
        vfs_token_t token;
        uint64_t nr = 0;
        bool held = vfs_thread_withdraw(vfs, (int32_t)m.tid, &token, &nr);
        kmsg_put(0, NULL, 0);
        b->len = 2;
        b->mr[0] = held ? 1 : 0;
        b->mr[1] = nr; /* which call: procmgr did not see a routed one go by */
        if (held)
            kmsg_cap((int64_t)token, 1); /* the caller's reply goes back to procmgr */
        if (reply > 0)
            k_reply(reply);
        return;
    }
    case VFS_L_EXEC_OPEN:
        exec_open(vfs, b);
        if (reply > 0)
            k_reply(reply);
        return;
    case VFS_L_EXEC_DONE: {
        struct pm_vfs_exec_done m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_exec_unmap(vfs, m.deny);
        break;
    }
    case VFS_L_MMAP:
        mmap_open(vfs, b);
        if (reply > 0)
            k_reply(reply);
        return;
    case VFS_L_FILE_READ:
        file_read(b);
        b->label = 0;
        b->ncaps = 0;
        if (reply > 0)
            k_reply(reply);
        return;
    case VFS_L_FILE_LOAD:
        r = file_load(b);
        break;
    case VFS_L_FILE_CLOSE: {
        struct pm_vfs_file_close m;
        memcpy(&m, b->mr, sizeof m);
        struct vfs_file *f = exec_file(m.file);
        if (f) {
            vfs_file_put(f);
            exec_files[m.file] = NULL;
        }
        break;
    }
    case VFS_L_EVENTS:
        events_reply(b);
        if (reply > 0)
            k_reply(reply);
        return;
    case VFS_L_PROCFS_DONE: {
        struct pm_vfs_procfs_done m;
        memcpy(&m, b->mr, sizeof m);
        r = vfs_procfs_done(vfs, m.id, m.count);
        break;
    }
    case VFS_L_STATS: {
        struct vfs_pm_stats st = {vfs_open_descriptions(vfs)};
        kmsg_put(0, &st, sizeof st);
        if (reply > 0)
            k_reply(reply);
        return;
    }
    default:
        printf("vfs: unexpected message label %x\n", b->label);
        r = -LX_ENOSYS;
    }
    if (reply > 0)
        kmsg_reply_value(reply, r);
}

void vfs_ipc_console(vfs_t *vfs)
{
    char buf[512];
    int64_t n;
    while ((n = k_console_read(buf, sizeof buf)) > 0)
        vfs_console_input(vfs, buf, (size_t)n);
}
