/* procmgr's IPC glue: the struct pm_env that the logic (pm_*.c) uses, made of kernel calls and
 * calls to vfs (protocol in proto/pm_vfs.h). Nothing here decides policy.
 * Entry point: pm_ipc_env. */
#include <stdlib.h>
#include <string.h>
#include "pm_ipc.h"
#include "kabi/caps.h"
#include "lx/ptrace_route.h"
#include "proto/pm_vfs.h"
#include "rt.h"
#include "sys/kmsg.h"

/* the vDSO image (libsys/vdso, a generated file) */
extern const unsigned char pm_vdso_image[];
extern const unsigned long pm_vdso_image_size;

_Static_assert(sizeof(pm_regs_t) == sizeof(struct kregs), "pm_regs_t is the kernel's register image");
_Static_assert(offsetof(pm_regs_t, fpu) == offsetof(struct kregs, fpu), "same layout");

struct pm_glue pm_glue;

static int ke(int64_t r) { return r < 0 ? ke_to_lx(r) : 0; }

/* The steps of a traced call (env->route_begin/route_end, pm_route.c): each kernel call and vfs
 * message below notes its KR_STEP_* code while recording is on. */
static struct {
    bool on;
    uint32_t n, dropped;
    uint16_t steps[KR_STEPS_MAX];
} route_rec;

static inline void step(uint16_t code)
{
    if (__builtin_expect(!route_rec.on, 1))
        return;
    if (route_rec.n < KR_STEPS_MAX)
        route_rec.steps[route_rec.n++] = code;
    else
        route_rec.dropped++;
}

static void g_route_begin(void *c)
{
    (void)c;
    route_rec.on = true;
    route_rec.n = route_rec.dropped = 0;
}

static uint32_t g_route_end(void *c, uint16_t *steps, uint32_t max, uint32_t *dropped)
{
    (void)c;
    uint32_t n = route_rec.n < max ? route_rec.n : max;
    memcpy(steps, route_rec.steps, n * sizeof(uint16_t));
    *dropped = route_rec.dropped + (route_rec.n - n);
    route_rec.on = false;
    return n;
}

static void g_kcounters(void *c, uint64_t out[3])
{
    (void)c;
    struct kmem_info mi;
    if (k_mem_info(&mi) < 0)
        memset(&mi, 0, sizeof mi);
    out[0] = mi.kernel_entries, out[1] = mi.ipc_messages, out[2] = mi.as_switches;
}

static int g_as_create(void *c, pm_as_t *out)
{
    step(KR_STEP_AS_CREATE);
    (void)c;
    int64_t h = k_as_create();
    if (h < 0)
        return ke(h);
    *out = (pm_as_t)h;
    return 0;
}

static int g_as_dup_ref(void *c, pm_as_t as, pm_as_t *out)
{
    step(KR_STEP_AS_DUP_REF);
    (void)c;
    int64_t h = k_cap_copy((int)as, KR_MAP, 0);
    if (h < 0)
        return ke(h);
    *out = (pm_as_t)h;
    return 0;
}

static int g_as_fork(void *c, pm_as_t as, pm_as_t *out)
{
    step(KR_STEP_AS_FORK);
    (void)c;
    int64_t h = k_as_fork((int)as);
    if (h < 0)
        return ke(h);
    *out = (pm_as_t)h;
    return 0;
}

static void g_as_release(void *c, pm_as_t as)
{
    (void)c;
    step(KR_STEP_AS_RELEASE);
    k_cap_delete((int64_t)as);
}
static int g_as_map(void *c, pm_as_t as, uint64_t va, uint64_t len, int prot)
{
    step(KR_STEP_AS_MAP);
    (void)c;
    int kprot = (prot & ~PM_AS_SHARED) | ((prot & PM_AS_SHARED) ? KMAP_SHARED : 0);
    return ke(k_as_map((int)as, va, len, kprot));
}
static int g_as_unmap(void *c, pm_as_t as, uint64_t va, uint64_t len)
{
    (void)c;
    return ke(k_as_unmap((int)as, va, len));
}
static int g_as_protect(void *c, pm_as_t as, uint64_t va, uint64_t len, int prot)
{
    (void)c;
    return ke(k_as_protect((int)as, va, len, prot));
}
static int g_as_read(void *c, pm_as_t as, void *dst, uint64_t va, uint64_t len)
{
    (void)c;
    return ke(k_as_read((int)as, va, dst, len));
}
static int g_as_write(void *c, pm_as_t as, uint64_t va, const void *src, uint64_t len)
{
    (void)c;
    return ke(k_as_write_force((int)as, va, src, len)); /* exec fills read-only segments */
}

static int g_as_write_user(void *c, pm_as_t as, uint64_t va, const void *src, uint64_t len)
{
    (void)c;
    return ke(k_as_write((int)as, va, src, len)); /* not forced: read-only pages refuse */
}

static struct kthread_cfg thread_cfg; /* large (FPU image): not on the stack */

static int g_thread_create(void *c, pm_as_t as, const pm_regs_t *regs, uint64_t badge,
                           pm_thread_t *out)
{
    step(KR_STEP_THREAD_CREATE);
    (void)c;
    memset(&thread_cfg, 0, sizeof thread_cfg);
    thread_cfg.flags = KTHREAD_FOREIGN;
    thread_cfg.syscall_ep = pm_glue.ep;
    thread_cfg.fault_ep = pm_glue.ep;
    thread_cfg.badge = badge;
    memcpy(&thread_cfg.regs, regs, sizeof *regs);
    int64_t h = k_thread_create((int)as, &thread_cfg);
    if (h < 0)
        return ke(h);
    *out = (pm_thread_t)h;
    return 0;
}

static int g_thread_get_regs(void *c, pm_thread_t t, pm_regs_t *out)
{
    step(KR_STEP_THREAD_GET_REGS);
    (void)c;
    return ke(k_thread_read_regs((int64_t)t, (struct kregs *)out));
}
static int g_thread_set_regs(void *c, pm_thread_t t, const pm_regs_t *regs)
{
    step(KR_STEP_THREAD_SET_REGS);
    (void)c;
    return ke(k_thread_write_regs((int64_t)t, (const struct kregs *)regs));
}
static int g_thread_set_as(void *c, pm_thread_t t, pm_as_t as)
{
    step(KR_STEP_THREAD_SET_AS);
    (void)c;
    return ke(k_thread_set_as((int64_t)t, (int)as));
}
static void g_thread_destroy(void *c, pm_thread_t t)
{
    step(KR_STEP_THREAD_DESTROY);
    (void)c;
    k_thread_kill((int64_t)t);
    k_cap_delete((int64_t)t);
}
static void g_reply(void *c, pm_token_t tok, int64_t value)
{
    step(KR_STEP_REPLY);
    (void)c;
    if ((int64_t)tok == pm_glue.current && !pm_glue.deferred) {
        pm_glue.deferred = (int64_t)tok; /* sent by the loop's reply_recv */
        pm_glue.deferred_value = value;
        return;
    }
    kmsg_reply_value((int64_t)tok, value);
}
static void g_drop(void *c, pm_token_t tok)
{
    (void)c;
    k_cap_delete((int64_t)tok);
}

static void vfs_forward(int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6],
                        pm_token_t tok, uint64_t flags)
{
    struct pm_vfs_syscall m = {pid, tid, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}, flags};
    kmsg_put(VFS_L_SYSCALL, &m, sizeof m);
    kmsg_cap((int64_t)tok, 1); /* vfs answers the caller itself */
    k_send(pm_glue.vfs_ep);
}

static void g_vfs_forward(void *c, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6],
                          pm_token_t tok)
{
    step(KR_STEP_VFS_FORWARD);
    (void)c;
    vfs_forward(pid, tid, nr, a, tok, 0);
}

static void g_vfs_forward_nojc(void *c, int32_t pid, int32_t tid, uint64_t nr,
                               const uint64_t a[6], pm_token_t tok)
{
    (void)c;
    vfs_forward(pid, tid, nr, a, tok, VFS_SYS_NOJC);
}

/* a call to vfs whose reply is one result word */
static int64_t vfs_call_result(void)
{
    int64_t r = k_call(pm_glue.vfs_ep);
    if (r < 0)
        return ke(r);
    return (int64_t)kipc()->mr[0];
}


_Static_assert(PM_SHARE_FILES == VFS_SHARE_FILES && PM_SHARE_FS == VFS_SHARE_FS,
               "procmgr's share bits are the protocol's");

static int g_vfs_proc_clone(void *c, int32_t pid, int32_t parent_pid, int32_t parent_tid,
                            pm_as_t as, uint32_t share)
{
    step(KR_STEP_VFS_PROC_CLONE);
    (void)c;
    struct pm_vfs_proc m = {pid, parent_pid, share, parent_tid};
    kmsg_put(VFS_L_PROC_CREATE, &m, sizeof m);
    kmsg_cap((int64_t)as, 0);
    return (int)vfs_call_result();
}

_Static_assert(PM_VFS_THREAD_CLONE == VFS_THREAD_CLONE && PM_VFS_THREAD_EXIT == VFS_THREAD_EXIT &&
                   PM_VFS_THREAD_LEAD == VFS_THREAD_LEAD,
               "procmgr's thread ops are the protocol's");

static int g_vfs_thread(void *c, int op, int32_t pid, int32_t tid, int32_t from_tid,
                        uint32_t share)
{
    (void)c;
    struct pm_vfs_thread m = {pid, tid, from_tid, (uint64_t)op, share};
    kmsg_put(VFS_L_THREAD, &m, sizeof m);
    return (int)vfs_call_result();
}

static int64_t g_vfs_pidfd_open(void *c, int32_t pid, int32_t target, uint64_t serial,
                                bool nonblock, bool exited)
{
    (void)c;
    struct pm_vfs_pidfd_open m = {pid, target, serial, nonblock, exited};
    kmsg_put(VFS_L_PIDFD_OPEN, &m, sizeof m);
    return vfs_call_result();
}

static int g_vfs_pidfd_get(void *c, int32_t pid, int32_t fd, int32_t *target, uint64_t *serial,
                           bool *nonblock)
{
    (void)c;
    struct pm_vfs_fd m = {pid, fd};
    kmsg_put(VFS_L_PIDFD_GET, &m, sizeof m);
    if (k_call(pm_glue.vfs_ep) < 0)
        return -LX_EBADF;
    struct vfs_pm_pidfd rep;
    memcpy(&rep, kipc()->mr, sizeof rep);
    *target = (int32_t)rep.target;
    *serial = rep.serial;
    *nonblock = rep.nonblock != 0;
    return (int)rep.result;
}

static void g_vfs_fd_close(void *c, int32_t pid, int32_t fd)
{
    (void)c;
    struct pm_vfs_fd m = {pid, fd};
    kmsg_put(VFS_L_FD_CLOSE, &m, sizeof m);
    vfs_call_result();
}

static int g_as_page_id(void *c, pm_as_t as, uint64_t va, uint64_t *object, uint64_t *offset)
{
    (void)c;
    struct kpage_id id;
    if (k_as_page_id((int)as, va, &id) < 0)
        return -LX_EFAULT;
    *object = id.object;
    *offset = id.offset;
    return 0;
}

static int g_vfs_proc_create(void *c, int32_t pid, int32_t parent_pid, pm_as_t as)
{
    return g_vfs_proc_clone(c, pid, parent_pid, -1, as, 0);
}

static int g_vfs_proc_exec(void *c, int32_t pid, pm_as_t new_as)
{
    step(KR_STEP_VFS_PROC_EXEC);
    (void)c;
    struct pm_vfs_proc m = {pid, 0, 0, 0};
    kmsg_put(VFS_L_PROC_EXEC, &m, sizeof m);
    kmsg_cap((int64_t)new_as, 0);
    return (int)vfs_call_result();
}

static void g_vfs_proc_exit(void *c, int32_t pid)
{
    step(KR_STEP_VFS_PROC_EXIT);
    (void)c;
    struct pm_vfs_proc m = {pid, 0, 0, 0};
    kmsg_put(VFS_L_PROC_EXIT, &m, sizeof m);
    vfs_call_result();
}

static int g_vfs_proc_nofile(void *c, int32_t pid, uint64_t limit)
{
    (void)c;
    struct pm_vfs_nofile m = {pid, limit};
    kmsg_put(VFS_L_PROC_NOFILE, &m, sizeof m);
    return (int)vfs_call_result();
}

static int g_vfs_proc_ids(void *c, int32_t pid, int32_t pgid, int32_t sid)
{
    (void)c;
    struct pm_vfs_ids m = {pid, pgid, sid};
    kmsg_put(VFS_L_PROC_IDS, &m, sizeof m);
    return (int)vfs_call_result();
}

static int g_thread_interrupt(void *c, pm_thread_t t)
{
    (void)c;
    /* an error (a dead thread) also means no message will come; a blocked thread is marked
     * too (KTI_AFTER): whoever answers its call, it stops before user mode */
    return k_thread_interrupt((int64_t)t, KTI_AFTER) == 0 ? 0 : PM_INTR_BLOCKED;
}

_Static_assert(PM_ROUTE_WORDS * 64 == KROUTE_NRS, "a route's mask is the kernel's");

static void g_thread_route(void *c, pm_thread_t t, int32_t pid, int32_t tid, const uint64_t *mask)
{
    (void)c;
    /* procmgr's own capability to vfs has no badge: the route's names the thread for vfs */
    if (mask)
        k_thread_route((int64_t)t, pm_glue.vfs_ep, VFS_ROUTE_BADGE(pid, tid), mask);
    else
        k_thread_route((int64_t)t, 0, 0, NULL);
}

static void g_thread_trace(void *c, pm_thread_t t, bool on)
{
    (void)c;
    k_thread_trace((int64_t)t, on ? KTRACE_SYSEXIT : 0);
}

static void g_thread_times(void *c, pm_thread_t t, uint64_t *user, uint64_t *sys)
{
    (void)c;
    struct kthread_times tt = {0, 0};
    k_thread_times((int64_t)t, &tt);
    *user = tt.user_ns;
    *sys = tt.system_ns;
}

static void g_thread_cpu_alarm(void *c, pm_thread_t t, uint64_t ns)
{
    (void)c;
    k_thread_cpu_alarm((int64_t)t, ns);
}

static void g_vfs_procfs_done(void *c, uint64_t id, int64_t count)
{
    (void)c;
    struct pm_vfs_procfs_done m = {id, count};
    kmsg_put(VFS_L_PROCFS_DONE, &m, sizeof m);
    vfs_call_result();
}

static int g_vfs_interrupt(void *c, int32_t tid, pm_token_t *tok, uint64_t *nr)
{
    (void)c;
    struct pm_vfs_interrupt m = {tid};
    kmsg_put(VFS_L_INTERRUPT, &m, sizeof m);
    if (k_call(pm_glue.vfs_ep) < 0)
        return 0;
    struct ipc_buf *b = kipc();
    if (b->mr[0] != 1 || b->ncaps != 1)
        return 0;
    *tok = (pm_token_t)b->caps[0];
    *nr = b->mr[1];
    return 1;
}

/* A file's object and name from a vfs reply (caps[0] if there is one). */
static void fileinfo_take(pm_fileinfo_t *fi, const struct ipc_buf *b, uint64_t dev, uint64_t ino,
                          uint64_t size, const char *path)
{
    fi->mem = b->ncaps ? (pm_mem_t)b->caps[0] : 0;
    fi->dev = dev;
    fi->ino = ino;
    fi->size = size;
    size_t n = strnlen(path, VFS_PATH_MAX - 1);
    fi->path = n ? malloc(n + 1) : NULL;
    if (fi->path) {
        memcpy(fi->path, path, n);
        fi->path[n] = 0;
    }
}

static void g_vfs_exec_done(void *c, uint64_t deny)
{
    (void)c;
    struct pm_vfs_exec_done m = {deny};
    kmsg_put(VFS_L_EXEC_DONE, &m, sizeof m);
    vfs_call_result();
}

static int g_vfs_exec_open(void *c, int32_t pid, int32_t tid, const char *path, uint64_t *file, uint64_t *size,
                           pm_fileinfo_t *fi)
{
    step(KR_STEP_VFS_EXEC_OPEN);
    (void)c;
    size_t n = strlen(path);
    if (n >= VFS_PATH_MAX)
        return -LX_ENAMETOOLONG;
    struct ipc_buf *b = kipc();
    struct pm_vfs_exec_open *m = (struct pm_vfs_exec_open *)b->mr;
    m->pid = pid;
    m->tid = tid;
    memcpy(m->path, path, n + 1);
    b->label = VFS_L_EXEC_OPEN;
    b->len = PROTO_WORDS(offsetof(struct pm_vfs_exec_open, path) + n + 1);
    b->ncaps = 0;
    b->cap_move = 0;
    int64_t r = k_call(pm_glue.vfs_ep);
    if (r < 0)
        return ke(r);
    const struct vfs_pm_exec_open *rep = (const void *)b->mr;
    if (rep->result < 0)
        return (int)rep->result;
    *file = rep->file;
    *size = rep->size;
    if (fi) {
        memset(fi, 0, sizeof *fi);
        fileinfo_take(fi, b, rep->dev, rep->ino, rep->size, rep->path);
        fi->deny = rep->deny;
    } else {
        uint64_t deny = rep->deny;
        if (b->ncaps)
            k_cap_delete(b->caps[0]);
        if (deny)
            g_vfs_exec_done(c, deny);
    }
    return 0;
}

static int g_vfs_mmap_open(void *c, int32_t pid, int32_t tid, int32_t fd, int shared, int write,
                           pm_fileinfo_t *fi)
{
    (void)c;
    struct pm_vfs_mmap m = {pid, fd, (shared ? VFS_MMAP_SHARED : 0) | (write ? VFS_MMAP_WRITE : 0),
                            tid};
    kmsg_put(VFS_L_MMAP, &m, sizeof m);
    int64_t r = k_call(pm_glue.vfs_ep);
    if (r < 0)
        return ke(r);
    struct ipc_buf *b = kipc();
    const struct vfs_pm_mmap *rep = (const void *)b->mr;
    if (rep->result < 0) {
        if (b->ncaps)
            k_cap_delete(b->caps[0]);
        return (int)rep->result;
    }
    memset(fi, 0, sizeof *fi);
    fileinfo_take(fi, b, rep->dev, rep->ino, rep->size, rep->path);
    fi->flags = ((rep->flags & VFS_MMAP_ZERO) ? PM_FILE_ZERO : 0) |
                ((rep->flags & VFS_MMAP_WRITABLE) ? PM_FILE_WRITABLE : 0);
    return 0;
}

static int g_as_map_mem(void *c, pm_as_t as, uint64_t va, uint64_t len, int prot, pm_mem_t mem,
                        uint64_t off)
{
    step(KR_STEP_AS_MAP_MEM);
    (void)c;
    int kprot = (prot & ~PM_AS_SHARED) | ((prot & PM_AS_SHARED) ? KMAP_SHARED : 0);
    return ke(k_as_map_mem((int)as, va, len, kprot, (int)mem, off));
}

static void g_mem_release(void *c, pm_mem_t mem)
{
    (void)c;
    k_cap_delete((int64_t)mem);
}

static uint64_t g_as_resident(void *c, pm_as_t as)
{
    (void)c;
    struct kas_info ai;
    return k_as_info((int)as, &ai) == 0 ? ai.resident : 0;
}

/* The vDSO image (built by libsys/vdso, linked into procmgr) goes into a memory object of
 * procmgr's own at boot; the kernel's clock page is a handle every root server has. */
static void g_vdso(void *c, pm_vdso_t *out)
{
    (void)c;
    memset(out, 0, sizeof *out);
    uint64_t size = (pm_vdso_image_size + 4095) & ~4095ull;
    int64_t mem = size ? k_mem_create(size, 0) : -1;
    if (mem < 0)
        return;
    const uint64_t va = 0x0000300000000000ull; /* a moment's window in procmgr's own space */
    if (k_mem_commit((int)mem, 0, size) < 0 ||
        k_as_map_mem(ROOT_H_SELF_AS, va, size, KPROT_READ | KPROT_WRITE | KMAP_SHARED, (int)mem, 0) < 0) {
        k_cap_delete(mem);
        return;
    }
    memcpy((void *)va, pm_vdso_image, pm_vdso_image_size);
    k_as_unmap(ROOT_H_SELF_AS, va, size);
    out->image = (pm_mem_t)mem;
    out->size = size;
    out->clock = ROOT_H_CLOCK;
}

static int64_t g_vfs_file_read(void *c, uint64_t file, uint64_t off, void *buf, uint64_t len)
{
    (void)c;
    uint64_t done = 0;
    while (done < len) {
        uint64_t chunk = len - done < VFS_READ_MAX ? len - done : VFS_READ_MAX;
        struct pm_vfs_file_read m = {file, off + done, chunk};
        kmsg_put(VFS_L_FILE_READ, &m, sizeof m);
        int64_t r = k_call(pm_glue.vfs_ep);
        if (r < 0)
            return ke(r);
        const struct vfs_pm_file_read *rep = (const void *)kipc()->mr;
        if (rep->result < 0)
            return done ? (int64_t)done : rep->result;
        memcpy((char *)buf + done, rep->data, (size_t)rep->result);
        done += (uint64_t)rep->result;
        if ((uint64_t)rep->result < chunk)
            break; /* end of file */
    }
    return (int64_t)done;
}

static int g_vfs_file_load(void *c, uint64_t file, uint64_t off, uint64_t len, pm_as_t as,
                           uint64_t va)
{
    (void)c;
    struct pm_vfs_file_load m = {file, off, len, va};
    kmsg_put(VFS_L_FILE_LOAD, &m, sizeof m);
    kmsg_cap((int64_t)as, 0);
    return (int)vfs_call_result();
}

static void g_vfs_file_close(void *c, uint64_t file)
{
    (void)c;
    struct pm_vfs_file_close m = {file};
    kmsg_put(VFS_L_FILE_CLOSE, &m, sizeof m);
    vfs_call_result();
}

static uint64_t g_clock_mono(void *c)
{
    (void)c;
    return k_clock_ns();
}
static uint64_t g_clock_real(void *c)
{
    (void)c;
    return rt_boot->boot_epoch_ns + k_clock_ns();
}
static void g_timer_arm(void *c, uint64_t deadline)
{
    (void)c;
    k_timer_set(pm_glue.ep, PM_NOTIFY_TIMER, deadline);
}

static void g_random(void *c, void *buf, size_t n)
{
    (void)c;
    /* xorshift64*, reseeded from the TSC: unpredictable enough for AT_RANDOM and getrandom in a
     * teaching system (qemu64 has no RDRAND) */
    static uint64_t s;
    s ^= k_rdtsc() * 0x9E3779B97F4A7C15ull;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
        p[i] = (uint8_t)((s * 0x2545F4914F6CDD1Dull) >> 56);
    }
}

static void g_poweroff(void *c, int status)
{
    (void)c;
    k_poweroff(ROOT_H_CONTROL, status);
}

static void g_log(void *c, const char *msg)
{
    (void)c;
    size_t n = strlen(msg);
    k_debug_write(msg, n);
    if (n && msg[n - 1] != '\n')
        k_debug_write("\n", 1);
}

static uint64_t g_free_memory(void *c)
{
    (void)c;
    struct kmem_info mi;
    k_mem_info(&mi);
    return mi.free_frames * 4096;
}

static uint64_t g_total_memory(void *c)
{
    (void)c;
    struct kmem_info mi;
    k_mem_info(&mi);
    return mi.total_frames * 4096;
}

const struct pm_env *pm_ipc_env(void)
{
    static const struct pm_env env = {
        .ctx = NULL,
        .as_create = g_as_create,
        .as_dup_ref = g_as_dup_ref,
        .as_release = g_as_release,
        .as_fork = g_as_fork,
        .as_map = g_as_map,
        .as_unmap = g_as_unmap,
        .as_protect = g_as_protect,
        .as_read = g_as_read,
        .as_write = g_as_write,
        .thread_create = g_thread_create,
        .thread_get_regs = g_thread_get_regs,
        .thread_set_regs = g_thread_set_regs,
        .thread_set_as = g_thread_set_as,
        .thread_destroy = g_thread_destroy,
        .reply = g_reply,
        .drop = g_drop,
        .vfs_forward = g_vfs_forward,
        .vfs_proc_create = g_vfs_proc_create,
        .vfs_proc_exec = g_vfs_proc_exec,
        .vfs_proc_exit = g_vfs_proc_exit,
        .vfs_exec_open = g_vfs_exec_open,
        .vfs_file_read = g_vfs_file_read,
        .vfs_file_load = g_vfs_file_load,
        .vfs_file_close = g_vfs_file_close,
        .clock_mono_ns = g_clock_mono,
        .clock_real_ns = g_clock_real,
        .timer_arm = g_timer_arm,
        .random = g_random,
        .poweroff = g_poweroff,
        .log = g_log,
        .free_memory = g_free_memory,
        .total_memory = g_total_memory,
        .vfs_proc_nofile = g_vfs_proc_nofile,
        .vfs_interrupt = g_vfs_interrupt,
        .as_write_user = g_as_write_user,
        .vfs_procfs_done = g_vfs_procfs_done,
        .thread_interrupt = g_thread_interrupt,
        .thread_trace = g_thread_trace,
        .thread_route = g_thread_route,
        .route_begin = g_route_begin,
        .route_end = g_route_end,
        .kcounters = g_kcounters,
        .thread_times = g_thread_times,
        .thread_cpu_alarm = g_thread_cpu_alarm,
        .vfs_proc_ids = g_vfs_proc_ids,
        .vfs_forward_nojc = g_vfs_forward_nojc,
        .vfs_proc_clone = g_vfs_proc_clone,
        .vfs_thread = g_vfs_thread,
        .vfs_pidfd_open = g_vfs_pidfd_open,
        .vfs_pidfd_get = g_vfs_pidfd_get,
        .vfs_fd_close = g_vfs_fd_close,
        .as_page_id = g_as_page_id,
        .as_map_mem = g_as_map_mem,
        .mem_release = g_mem_release,
        .vfs_mmap_open = g_vfs_mmap_open,
        .as_resident = g_as_resident,
        .vdso = g_vdso,
        .vfs_exec_done = g_vfs_exec_done,
    };
    return &env;
}
