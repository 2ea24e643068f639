/* The fake vfs_env for host tests: user memory arenas per pid, and records of replies, console
 * output and signals (see fake_env.h). Also the t_* syscall wrappers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "fake_env.h"

/* ---- memory objects (the page cache's storage) ---- */

#define FAKE_PAGE 4096ull

fake_mem_t *fake_mem_of(fake_t *fk, int64_t h)
{
    assert_true(h > 0 && h <= FAKE_MAXMEM);
    fake_mem_t *m = &fk->mems[h - 1];
    assert_true(m->used);   /* a released handle used again */
    return m;
}

int fake_mem_live(fake_t *fk)
{
    int n = 0;
    for (int i = 0; i < FAKE_MAXMEM; i++)
        n += fk->mems[i].used;
    return n;
}

static void fake_mem_set_size(fake_mem_t *m, uint64_t size)
{
    assert_true(size % FAKE_PAGE == 0 && size <= VFS_FILE_MAX_BYTES);
    if (size < m->size) {   /* the pages past the end go: zero when they come back */
        assert_int_equal(madvise(m->base + size, m->size - size, MADV_DONTNEED), 0);
        assert_int_equal(mprotect(m->base + size, m->size - size, PROT_NONE), 0);
    } else if (size > m->size) {
        assert_int_equal(mprotect(m->base + m->size, size - m->size, PROT_READ | PROT_WRITE), 0);
    }
    m->size = size;
}

static int64_t fake_mem_create(void *ctx, uint64_t size)
{
    fake_t *fk = ctx;
    for (int i = 0; i < FAKE_MAXMEM; i++) {
        fake_mem_t *m = &fk->mems[i];
        if (m->used)
            continue;
        void *b = mmap(NULL, VFS_FILE_MAX_BYTES, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        assert_true(b != MAP_FAILED);
        *m = (fake_mem_t){.used = true, .base = b};
        fake_mem_set_size(m, size);
        fk->mem_creates++;
        return i + 1;
    }
    return -LX_ENOMEM;
}

static int fake_mem_resize(void *ctx, int64_t h, uint64_t size)
{
    fake_t *fk = ctx;
    fake_mem_t *m = fake_mem_of(fk, h);
    fake_mem_set_size(m, size);
    uint64_t pages = size / FAKE_PAGE;
    if (m->committed > pages) {
        fk->mem_free_pages += m->committed - pages;
        m->committed = pages;
    }
    return 0;
}

static int fake_mem_commit(void *ctx, int64_t h, uint64_t off, uint64_t len)
{
    fake_t *fk = ctx;
    fake_mem_t *m = fake_mem_of(fk, h);
    assert_true(off % FAKE_PAGE == 0 && len % FAKE_PAGE == 0 && off + len <= m->size);
    uint64_t pages = len / FAKE_PAGE;
    if (pages > fk->mem_free_pages) {   /* the real call keeps what it got: the caller undoes */
        m->committed += fk->mem_free_pages;
        fk->mem_free_pages = 0;
        return -LX_ENOMEM;
    }
    fk->mem_free_pages -= pages;
    m->committed += pages;
    return 0;
}

static void *fake_mem_map(void *ctx, int64_t h)
{
    fake_t *fk = ctx;
    fake_mem_t *m = fake_mem_of(fk, h);
    assert_int_equal(m->windows, 0);   /* one window per file */
    if (fk->window_limit && fk->windows >= fk->window_limit)
        return NULL;   /* no room: vfs must let another window go */
    m->windows++;
    fk->windows++;
    return m->base;
}

static void fake_mem_unmap(void *ctx, int64_t h, void *win)
{
    fake_t *fk = ctx;
    fake_mem_t *m = fake_mem_of(fk, h);
    assert_ptr_equal(win, m->base);
    assert_true(m->windows > 0);
    m->windows--;
    fk->windows--;
}

static void fake_mem_release(void *ctx, int64_t h)
{
    fake_t *fk = ctx;
    fake_mem_t *m = fake_mem_of(fk, h);
    assert_int_equal(m->windows, 0);   /* vfs lets its window go first */
    fk->mem_free_pages += m->committed;
    munmap(m->base, VFS_FILE_MAX_BYTES);
    memset(m, 0, sizeof *m);
    fk->mem_releases++;
}

static uint8_t *fake_arena(fake_t *fk, int32_t pid)
{
    for (int i = 0; i < FAKE_MAXPROC; i++)
        if (fk->procs[i].mem && fk->procs[i].pid == pid)
            return fk->procs[i].mem;
    for (int i = 0; i < FAKE_MAXPROC; i++) {
        if (!fk->procs[i].mem) {
            fk->procs[i].pid = pid;
            fk->procs[i].mem = calloc(1, FAKE_USIZE);
            fk->procs[i].used = 64;   /* keep FAKE_UBASE itself unused */
            return fk->procs[i].mem;
        }
    }
    fprintf(stderr, "fake_env: too many processes\n");
    abort();
}

/* Host pointer for [uaddr, uaddr+len) of pid, or NULL if any of it is outside the arena. */
static uint8_t *fake_range(fake_t *fk, int32_t pid, uint64_t uaddr, size_t len)
{
    if (uaddr < FAKE_UBASE || uaddr - FAKE_UBASE > FAKE_USIZE ||
        len > FAKE_USIZE - (uaddr - FAKE_UBASE))
        return NULL;
    return fake_arena(fk, pid) + (uaddr - FAKE_UBASE);
}

static int fake_copy_in(void *ctx, int32_t pid, void *dst, uint64_t uaddr, size_t len)
{
    uint8_t *src = fake_range(ctx, pid, uaddr, len);
    if (!src)
        return -LX_EFAULT;
    memcpy(dst, src, len);
    return 0;
}

static int fake_copy_out(void *ctx, int32_t pid, uint64_t uaddr, const void *src, size_t len)
{
    uint8_t *dst = fake_range(ctx, pid, uaddr, len);
    if (!dst)
        return -LX_EFAULT;
    memcpy(dst, src, len);
    return 0;
}

static int64_t fake_copy_str_in(void *ctx, int32_t pid, char *dst, uint64_t uaddr, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        uint8_t *c = fake_range(ctx, pid, uaddr + i, 1);
        if (!c)
            return -LX_EFAULT;
        dst[i] = (char)*c;
        if (*c == 0)
            return (int64_t)i;
    }
    return -LX_ENAMETOOLONG;
}

static void fake_reply(void *ctx, vfs_token_t token, int64_t value)
{
    fake_t *fk = ctx;
    if (fk->nreplies == sizeof(fk->replies) / sizeof(fk->replies[0])) {
        fprintf(stderr, "fake_env: reply log full\n");
        abort();
    }
    fk->replies[fk->nreplies].token = token;
    fk->replies[fk->nreplies].value = value;
    fk->nreplies++;
}

static void fake_drop(void *ctx, vfs_token_t token)
{
    fake_t *fk = ctx;
    if (fk->ndrops < sizeof(fk->drops) / sizeof(fk->drops[0]))
        fk->drops[fk->ndrops++] = token;
}

bool fake_dropped(fake_t *fk, vfs_token_t token)
{
    for (size_t i = 0; i < fk->ndrops; i++)
        if (fk->drops[i] == token)
            return true;
    return false;
}

static void fake_console_write(void *ctx, const char *buf, size_t n)
{
    fake_t *fk = ctx;
    if (n > sizeof(fk->console) - 1 - fk->console_len)
        n = sizeof(fk->console) - 1 - fk->console_len;
    memcpy(fk->console + fk->console_len, buf, n);
    fk->console_len += n;
    fk->console[fk->console_len] = '\0';
}

static void fake_raise_signal(void *ctx, int32_t pid, int32_t tid, int sig)
{
    fake_t *fk = ctx;
    if (fk->nsigs < sizeof(fk->sigs) / sizeof(fk->sigs[0]))
        fk->sigs[fk->nsigs++] = (fake_sig_t){.pid = pid, .tid = tid, .sig = sig};
}

static int fake_procfs_read(void *ctx, vfs_token_t token, int32_t pid, int32_t tid,
                            int32_t target, uint32_t which, uint64_t uaddr, uint64_t len,
                            uint64_t off, uint64_t id, const struct vfs_proc_facts *facts)
{
    fake_t *fk = ctx;
    if (fk->procfs_fail) {
        int e = fk->procfs_fail;
        fk->procfs_fail = 0;
        return e;
    }
    if (fk->nprocfs == sizeof(fk->procfs) / sizeof(fk->procfs[0])) {
        fprintf(stderr, "fake_env: procfs log full\n");
        abort();
    }
    fk->procfs[fk->nprocfs++] =
        (fake_procfs_t){token, pid, tid, target, which, uaddr, len, off, id, *facts};
    return 0;
}

static int fake_jobctl(void *ctx, vfs_token_t token, int32_t pid, int32_t tid, int sig,
                       int32_t eio, uint64_t nr, const uint64_t a[6])
{
    fake_t *fk = ctx;
    if (fk->njobctl == sizeof(fk->jobctl) / sizeof(fk->jobctl[0])) {
        fprintf(stderr, "fake_env: jobctl log full\n");
        abort();
    }
    fake_jobctl_t *j = &fk->jobctl[fk->njobctl++];
    *j = (fake_jobctl_t){token, pid, tid, sig, eio, nr, {0}};
    memcpy(j->a, a, sizeof(j->a));
    return 0;
}

void fake_ids(fake_t *fk, int32_t pid, int32_t pgid, int32_t sid)
{
    if (vfs_proc_set_ids(fk->vfs, pid, pgid, sid) != 0)
        abort();
}

/* /proc/kstat's counters: fixed values the test can recognise */
static void fake_kstat(void *ctx, uint64_t c[VFS_KSTAT_N])
{
    (void)ctx;
    for (int i = 0; i < VFS_KSTAT_N; i++)
        c[i] = i == 0 ? 1234 : i == 1 ? 56 : i == 2 ? 7 : 100 + (uint64_t)i;
}

static void fake_now(void *ctx, struct lx_timespec *ts)
{
    fake_t *fk = ctx;
    *ts = fk->clock;
}

static uint64_t fake_clock_mono(void *ctx)
{
    return ((fake_t *)ctx)->mono;
}

static void fake_timer_arm(void *ctx, uint64_t deadline)
{
    ((fake_t *)ctx)->armed = deadline;
}

static void fake_log(void *ctx, const char *line)
{
    fake_t *fk = ctx;
    size_t n = strlen(line);
    if (n + 2 > sizeof(fk->log) - fk->log_len)
        return;
    memcpy(fk->log + fk->log_len, line, n);
    fk->log_len += n;
    fk->log[fk->log_len++] = '\n';
    fk->log[fk->log_len] = '\0';
}

/* fixed machine facts the /proc tests can recognise: 64 MiB, 16 MiB free, a 2 GHz TSC */
static void fake_sysinfo(void *ctx, struct vfs_sysinfo *si)
{
    (void)ctx;
    si->mem_total = 64ull << 20;
    si->mem_free = 16ull << 20;
    si->ctxt = 4321;
    si->tsc_hz = 2000000000ull;
}

/* a "GenuineIntel" family 6 model 0x3a stepping 9 CPU with fpu, tsc, sse2 and an L2 of 4 MiB */
static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    (void)ctx, (void)sub;
    r[0] = r[1] = r[2] = r[3] = 0;
    switch (leaf) {
    case 0:
        r[0] = 0xd;
        memcpy(&r[1], "Genu", 4);
        memcpy(&r[3], "ineI", 4);
        memcpy(&r[2], "ntel", 4);
        break;
    case 1:
        r[0] = 0x000306a9;
        r[1] = 8u << 8;                                  /* clflush 64 */
        r[3] = (1u << 0) | (1u << 4) | (1u << 26);       /* fpu tsc sse2 */
        r[2] = 1u << 31;                                 /* hypervisor */
        break;
    case 0x80000000u:
        r[0] = 0x80000008u;
        break;
    case 0x80000001u:
        r[3] = (1u << 29) | (1u << 11);                  /* lm syscall */
        break;
    case 0x80000002u:
        memcpy(r, "  Fake CPU @ 2.0", 16);   /* right-justified, as Intel's */
        break;
    case 0x80000003u:
        memcpy(r, "0GHz", 5);
        break;
    case 0x80000006u:
        r[2] = 4096u << 16;
        break;
    case 0x80000008u:
        r[0] = 0x3028;                                   /* 40 physical, 48 virtual */
        break;
    }
}

static int64_t fake_klog_read(void *ctx, void *buf, uint64_t len, uint64_t pos, uint64_t *end)
{
    fake_t *fk = ctx;
    uint64_t size = strlen(fk->klog);
    *end = fk->klog_start + size;
    if (pos < fk->klog_start)
        pos = fk->klog_start;
    if (pos > *end)
        pos = *end;
    uint64_t n = *end - pos < len ? *end - pos : len;
    memcpy(buf, fk->klog + (pos - fk->klog_start), n);
    return (int64_t)n;
}

void fake_advance(fake_t *fk, uint64_t ns)
{
    fk->mono += ns;
    fk->clock.tv_nsec += (int64_t)(ns % 1000000000ull);
    fk->clock.tv_sec += (int64_t)(ns / 1000000000ull) + fk->clock.tv_nsec / 1000000000;
    fk->clock.tv_nsec %= 1000000000;
    if (fk->armed && fk->armed <= fk->mono) {
        fk->armed = 0;
        vfs_timer_fired(fk->vfs);
    }
}

fake_t *fake_new(void)
{
    fake_t *fk = calloc(1, sizeof(*fk));
    if (!fk)
        abort();
    fk->env = (struct vfs_env){
        .ctx = fk,
        .copy_in = fake_copy_in,
        .copy_out = fake_copy_out,
        .copy_str_in = fake_copy_str_in,
        .reply = fake_reply,
        .drop = fake_drop,
        .console_write = fake_console_write,
        .raise_signal = fake_raise_signal,
        .now = fake_now,
        .kstat = fake_kstat,
        .procfs_read = fake_procfs_read,
        .clock_mono = fake_clock_mono,
        .timer_arm = fake_timer_arm,
        .log = fake_log,
        .sysinfo = fake_sysinfo,
        .cpuid = fake_cpuid,
        .klog_read = fake_klog_read,
        .jobctl = fake_jobctl,
        .mem_create = fake_mem_create,
        .mem_resize = fake_mem_resize,
        .mem_commit = fake_mem_commit,
        .mem_map = fake_mem_map,
        .mem_unmap = fake_mem_unmap,
        .mem_release = fake_mem_release,
    };
    fk->mem_free_pages = UINT64_MAX / 2;
    fk->clock.tv_sec = 1700000000;
    fk->mono = 5000000000ull;   /* 5 s after boot */
    fk->next_token = 1000;
    fk->vfs = vfs_create(&fk->env);
    if (!fk->vfs)
        abort();
    return fk;
}

void fake_free(fake_t *fk)
{
    if (fk->vfs)
        vfs_destroy(fk->vfs);
    /* every file went with the tree: every object handle was let go */
    for (int i = 0; i < FAKE_MAXMEM; i++)
        if (fk->mems[i].used) {
            fprintf(stderr, "fake_env: memory object %d left behind\n", i + 1);
            abort();
        }
    for (int i = 0; i < FAKE_MAXPROC; i++)
        free(fk->procs[i].mem);
    free(fk);
}

uint64_t fake_alloc(fake_t *fk, int32_t pid, size_t len)
{
    fake_arena(fk, pid);
    for (int i = 0; i < FAKE_MAXPROC; i++) {
        if (fk->procs[i].mem && fk->procs[i].pid == pid) {
            size_t at = (fk->procs[i].used + 15) & ~(size_t)15;
            if (len > FAKE_USIZE - at) {
                fprintf(stderr, "fake_env: user arena of %d exhausted\n", pid);
                abort();
            }
            fk->procs[i].used = at + len;
            memset(fk->procs[i].mem + at, 0, len);
            return FAKE_UBASE + at;
        }
    }
    abort();
}

uint64_t fake_str(fake_t *fk, int32_t pid, const char *s)
{
    size_t len = strlen(s) + 1;
    uint64_t u = fake_alloc(fk, pid, len);
    memcpy(fake_ptr(fk, pid, u), s, len);
    return u;
}

void *fake_ptr(fake_t *fk, int32_t pid, uint64_t uaddr)
{
    return fake_range(fk, pid, uaddr, 0);
}

int64_t fake_sys_tid(fake_t *fk, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6])
{
    vfs_req_t req = {.pid = pid, .tid = tid, .nr = nr, .token = fk->next_token++,
                     .flags = fk->next_flags};
    fk->next_flags = 0;
    memcpy(req.a, a, sizeof(req.a));
    fk->last_token = req.token;
    return vfs_syscall(fk->vfs, &req);
}

bool fake_reply_find(fake_t *fk, vfs_token_t token, int64_t *value)
{
    for (size_t i = 0; i < fk->nreplies; i++) {
        if (fk->replies[i].token == token) {
            *value = fk->replies[i].value;
            memmove(&fk->replies[i], &fk->replies[i + 1],
                    (fk->nreplies - i - 1) * sizeof(fk->replies[0]));
            fk->nreplies--;
            return true;
        }
    }
    return false;
}

int64_t fake_reply_of(fake_t *fk, vfs_token_t token)
{
    int64_t v;
    assert_true(fake_reply_find(fk, token, &v));
    return v;
}

void fake_no_reply(fake_t *fk, vfs_token_t token)
{
    int64_t v;
    assert_false(fake_reply_find(fk, token, &v));
}

const char *fake_console_take(fake_t *fk)
{
    static char copy[sizeof(((fake_t *)0)->console)];
    memcpy(copy, fk->console, fk->console_len + 1);
    fk->console_len = 0;
    fk->console[0] = '\0';
    return copy;
}

int fake_setup(void **state)
{
    fake_t *fk = fake_new();
    if (vfs_proc_create(fk->vfs, 1, -1) != 0)
        return -1;
    *state = fk;
    return 0;
}

int fake_teardown(void **state)
{
    fake_t *fk = *state;
    for (int32_t pid = 1; pid <= FAKE_TEARDOWN_PIDS; pid++)
        vfs_proc_exit(fk->vfs, pid);
    uint64_t left = vfs_open_descriptions(fk->vfs);
    fake_free(fk);
    if (left != 0) {
        fprintf(stderr, "teardown: %llu open file descriptions leaked\n", (unsigned long long)left);
        return -1;
    }
    return 0;
}

/* ---- syscall wrappers ---- */

int64_t t_openat(fake_t *fk, int32_t pid, int32_t dirfd, const char *path, uint32_t flags,
                 uint32_t mode)
{
    return fake_sys(fk, pid, VFS_NR_openat, (uint64_t)(int64_t)dirfd, fake_str(fk, pid, path),
                    flags, mode);
}

int64_t t_open(fake_t *fk, int32_t pid, const char *path, uint32_t flags, uint32_t mode)
{
    return fake_sys(fk, pid, VFS_NR_open, fake_str(fk, pid, path), flags, mode);
}

int64_t t_write(fake_t *fk, int32_t pid, int32_t fd, const void *buf, size_t len)
{
    uint64_t u = fake_alloc(fk, pid, len);
    memcpy(fake_ptr(fk, pid, u), buf, len);
    return fake_sys(fk, pid, VFS_NR_write, (uint64_t)fd, u, len);
}

int64_t t_read(fake_t *fk, int32_t pid, int32_t fd, void *buf, size_t len)
{
    uint64_t u = fake_alloc(fk, pid, len);
    int64_t r = fake_sys(fk, pid, VFS_NR_read, (uint64_t)fd, u, len);
    if (r > 0)
        memcpy(buf, fake_ptr(fk, pid, u), (size_t)r);
    return r;
}

int64_t t_close(fake_t *fk, int32_t pid, int32_t fd)
{
    return fake_sys(fk, pid, VFS_NR_close, (uint64_t)fd);
}

static int64_t t_stat_nr(fake_t *fk, int32_t pid, uint64_t nr, const char *path,
                         struct lx_stat *st)
{
    uint64_t u = fake_alloc(fk, pid, sizeof(*st));
    int64_t r = fake_sys(fk, pid, nr, fake_str(fk, pid, path), u);
    if (r == 0)
        memcpy(st, fake_ptr(fk, pid, u), sizeof(*st));
    return r;
}

int64_t t_stat(fake_t *fk, int32_t pid, const char *path, struct lx_stat *st)
{
    return t_stat_nr(fk, pid, VFS_NR_stat, path, st);
}

int64_t t_lstat(fake_t *fk, int32_t pid, const char *path, struct lx_stat *st)
{
    return t_stat_nr(fk, pid, VFS_NR_lstat, path, st);
}

int64_t t_fstat(fake_t *fk, int32_t pid, int32_t fd, struct lx_stat *st)
{
    uint64_t u = fake_alloc(fk, pid, sizeof(*st));
    int64_t r = fake_sys(fk, pid, VFS_NR_fstat, (uint64_t)fd, u);
    if (r == 0)
        memcpy(st, fake_ptr(fk, pid, u), sizeof(*st));
    return r;
}

int64_t t_mkdir(fake_t *fk, int32_t pid, const char *path, uint32_t mode)
{
    return fake_sys(fk, pid, VFS_NR_mkdir, fake_str(fk, pid, path), mode);
}

int64_t t_symlink(fake_t *fk, int32_t pid, const char *target, const char *path)
{
    return fake_sys(fk, pid, VFS_NR_symlink, fake_str(fk, pid, target), fake_str(fk, pid, path));
}

int64_t t_readlink(fake_t *fk, int32_t pid, const char *path, char *buf, size_t len)
{
    uint64_t u = fake_alloc(fk, pid, len);
    int64_t r = fake_sys(fk, pid, VFS_NR_readlink, fake_str(fk, pid, path), u, len);
    if (r >= 0) {
        memcpy(buf, fake_ptr(fk, pid, u), (size_t)r);
        if ((size_t)r < len)
            buf[r] = '\0';
    }
    return r;
}

int64_t t_unlink(fake_t *fk, int32_t pid, const char *path)
{
    return fake_sys(fk, pid, VFS_NR_unlink, fake_str(fk, pid, path));
}

int64_t t_rmdir(fake_t *fk, int32_t pid, const char *path)
{
    return fake_sys(fk, pid, VFS_NR_rmdir, fake_str(fk, pid, path));
}

int64_t t_rename(fake_t *fk, int32_t pid, const char *from, const char *to)
{
    return fake_sys(fk, pid, VFS_NR_rename, fake_str(fk, pid, from), fake_str(fk, pid, to));
}

int64_t t_chdir(fake_t *fk, int32_t pid, const char *path)
{
    return fake_sys(fk, pid, VFS_NR_chdir, fake_str(fk, pid, path));
}

int64_t t_getcwd(fake_t *fk, int32_t pid, char *buf, size_t len)
{
    uint64_t u = fake_alloc(fk, pid, len);
    int64_t r = fake_sys(fk, pid, VFS_NR_getcwd, u, len);
    if (r > 0)
        memcpy(buf, fake_ptr(fk, pid, u), (size_t)r);
    return r;
}

int64_t t_pipe(fake_t *fk, int32_t pid, int fds[2], uint32_t flags)
{
    uint64_t u = fake_alloc(fk, pid, 2 * sizeof(int));
    int64_t r = fake_sys(fk, pid, VFS_NR_pipe2, u, flags);
    if (r == 0)
        memcpy(fds, fake_ptr(fk, pid, u), 2 * sizeof(int));
    return r;
}

int64_t t_ioctl(fake_t *fk, int32_t pid, int32_t fd, uint32_t cmd, void *arg, size_t len)
{
    uint64_t u = fake_alloc(fk, pid, len ? len : 1);
    if (len)
        memcpy(fake_ptr(fk, pid, u), arg, len);
    int64_t r = fake_sys(fk, pid, VFS_NR_ioctl, (uint64_t)fd, cmd, u);
    if (r == 0 && len)
        memcpy(arg, fake_ptr(fk, pid, u), len);
    return r;
}

int64_t t_put_file(fake_t *fk, int32_t pid, const char *path, const char *text)
{
    int64_t fd = t_open(fk, pid, path, LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC, 0644);
    if (fd < 0)
        return fd;
    int64_t r = t_write(fk, pid, (int32_t)fd, text, strlen(text));
    t_close(fk, pid, (int32_t)fd);
    return r;
}

int64_t t_get_file(fake_t *fk, int32_t pid, const char *path, char *buf, size_t len)
{
    int64_t fd = t_open(fk, pid, path, LX_O_RDONLY, 0);
    if (fd < 0)
        return fd;
    int64_t r = t_read(fk, pid, (int32_t)fd, buf, len - 1);
    t_close(fk, pid, (int32_t)fd);
    if (r >= 0)
        buf[r] = '\0';
    return r;
}
