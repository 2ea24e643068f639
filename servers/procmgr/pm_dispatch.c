/* The syscall dispatcher: ONE bounds-checked table indexed by Linux syscall number, generated
 * from the X-macro list in lx/syscalls.h (names), procmgr's handler list (PM_HANDLERS in
 * pm_internal.h) and the list of calls that belong to vfs (PM_VFS_CALLS below). A number
 * outside the table or without an entry is -ENOSYS (logged with its name in debug builds).
 *
 * Calls that belong to vfs are forwarded with the caller's token: vfs answers the caller.
 * Handlers return a value to reply with, or PM_DEFERRED when they keep (or have used) the
 * token; the value goes through pm_thr_resume (held while the process is stopped, a pending
 * handler first; dropped if the caller died during its own call). A call from a thread that
 * was stopped or given a signal while the call was on its way is held or turned into the
 * handler first, and runs again afterwards.
 *
 * A traced thread may stop at the call's entry first (pm_ptrace_syscall_entry); the tracer's
 * resume runs it with pm_syscall_run.
 *
 * A thread that is not traced has a kernel route for vfs's calls (pm_thr_route): those come to
 * vfs without procmgr, and only the rest come here.
 *
 * Entry points: pm_syscall, pm_syscall_run, pm_syscall_name, pm_syscall_route, pm_thr_route. */
#include <lx/syscalls.h>
#include "pm_internal.h"

/* Every call about descriptors, paths, the cwd or the umask: vfs's business. */
/* clang-format off */
#define PM_VFS_CALLS(F)                                                                      \
    F(read) F(write) F(open) F(close) F(stat) F(fstat) F(lstat) F(poll) F(lseek) F(ioctl)     \
    F(pread64) F(pwrite64) F(readv) F(writev) F(access) F(pipe) F(select) F(dup) F(dup2)      \
    F(sendfile) F(fcntl) F(flock) F(fsync) F(fdatasync) F(truncate) F(ftruncate) F(getdents)  \
    F(getcwd) F(chdir) F(fchdir) F(rename) F(mkdir) F(rmdir) F(creat) F(link) F(unlink)       \
    F(symlink) F(readlink) F(chmod) F(fchmod) F(chown) F(fchown) F(lchown) F(umask)           \
    F(utime) F(mknod) F(statfs) F(fstatfs) F(chroot) F(sync) F(readahead) F(getdents64)       \
    F(fadvise64) F(utimes) F(openat) F(mkdirat) F(mknodat) F(fchownat) F(futimesat)           \
    F(newfstatat) F(unlinkat) F(renameat) F(linkat) F(symlinkat) F(readlinkat) F(fchmodat)    \
    F(faccessat) F(pselect6) F(ppoll) F(splice) F(tee) F(sync_file_range) F(utimensat)        \
    F(fallocate) F(dup3) F(pipe2) F(preadv) F(pwritev) F(syncfs) F(renameat2)                 \
    F(copy_file_range) F(preadv2) F(pwritev2) F(statx) F(close_range) F(openat2)             \
    F(faccessat2) F(syslog) F(epoll_create) F(epoll_wait) F(epoll_ctl) F(epoll_pwait)         \
    F(epoll_pwait2) F(epoll_create1) F(eventfd) F(eventfd2) F(timerfd_create)                 \
    F(timerfd_settime) F(timerfd_gettime)
/* clang-format on */

/* Calls that only read the caller's ids: nothing they do can stop, block or signal anyone. */
#define PM_PURE_CALLS(F) \
    F(getpid) F(getppid) F(gettid) F(getuid) F(geteuid) F(getgid) F(getegid) F(getpgrp)

typedef struct pm_sysent {
    const char *sys_name;
    pm_handler_t handler;
    bool forward;
    bool pure;
} pm_sysent_t;

static const pm_sysent_t pm_systab[LX_SYS_TABLE_SIZE] = {
#define PM_ENT_NAME(nr, n) [nr].sys_name = #n,
    LX_SYSCALLS(PM_ENT_NAME)
#undef PM_ENT_NAME
#define PM_ENT_HANDLER(n) [LX_SYS_##n].handler = pm_sys_##n,
    PM_HANDLERS(PM_ENT_HANDLER)
#undef PM_ENT_HANDLER
#define PM_ENT_FORWARD(n) [LX_SYS_##n].forward = true,
    PM_VFS_CALLS(PM_ENT_FORWARD)
#undef PM_ENT_FORWARD
#define PM_ENT_PURE(n) [LX_SYS_##n].pure = true,
    PM_PURE_CALLS(PM_ENT_PURE)
#undef PM_ENT_PURE
};

/* The calls a thread's kernel route takes straight to vfs: vfs's own, but those whose signal
 * mask procmgr installs first. Everything else procmgr does on a call's way (a pending signal
 * or stop first, a tracer's stops) concerns threads that have no route then: a signal or stop
 * marks the thread (pm_thr_kick), so it comes to procmgr before its next instruction, and a
 * traced thread has no route. */
static const uint64_t *pm_route_mask(void)
{
    static uint64_t mask[PM_ROUTE_WORDS];
    static bool made;
    if (!made) {
        for (uint64_t nr = 0; nr < LX_SYS_TABLE_SIZE && nr < PM_ROUTE_WORDS * 64; nr++)
            if (pm_systab[nr].forward && !pm_sigmask_call(nr))
                mask[nr / 64] |= 1ull << (nr % 64);
        made = true;
    }
    return mask;
}

void pm_thr_route(pm_t *pm, pm_thr_t *t)
{
    if (!pm->env.thread_route)
        return;
    bool on = t->has_handle && !t->dead && !t->pt;
    if (on == t->routed && (!on || t->route_tid == t->tid))
        return;
    if (t->has_handle) /* a route is only ever on with one; without one nothing is left to take */
        pm->env.thread_route(pm->env.ctx, t->handle, t->proc->pid, t->tid,
                             on ? pm_route_mask() : NULL);
    t->routed = on;
    t->route_tid = t->tid;
}

const char *pm_syscall_name(uint64_t nr)
{
    return nr < LX_SYS_TABLE_SIZE ? pm_systab[nr].sys_name : NULL;
}

enum pm_route pm_syscall_route(uint64_t nr)
{
    if (nr >= LX_SYS_TABLE_SIZE)
        return PM_ROUTE_ENOSYS;
    if (pm_systab[nr].forward)
        return PM_ROUTE_VFS;
    return pm_systab[nr].handler ? PM_ROUTE_PROCMGR : PM_ROUTE_ENOSYS;
}

static void pm_log_unknown(pm_t *pm, const pm_thr_t *t, uint64_t nr)
{
#if !defined(NDEBUG) || defined(OS_LOG_NOSYS)
    const char *name = pm_syscall_name(nr);
    pm_line_t l = {0};
    pm_line_str(&l, "procmgr: ");
    pm_line_proc(&l, t->proc);
    pm_line_str(&l, ": unimplemented syscall ");
    pm_line_dec(&l, (int64_t)nr);
    pm_line_str(&l, " (");
    pm_line_str(&l, name ? name : "?");
    pm_line_str(&l, ")");
    pm_line_emit(pm, &l);
#else
    (void)pm;
    (void)t;
    (void)nr;
#endif
}

/* A call that only reads the caller's ids, with nothing due before or after it (no stop, signal,
 * tracer or ppoll mask), from a thread free to call: its answer in *value, without
 * pm_syscall_run's bookkeeping (getpid is the commonest call of all). False, having done nothing,
 * for any other case. Such a handler uses no token. */
static inline bool pure_call(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6],
                             int64_t *value)
{
    if (nr >= LX_SYS_TABLE_SIZE || !pm_systab[nr].pure || t->block != PM_BLK_NONE ||
        t->proc->stopped || t->pt || t->has_saved_mask || pm_thr_unblocked(t))
        return false;
    t->sys_nr = nr;
    pm_call_t c = {.thr = t, .proc = t->proc, .nr = nr, .a = a, .tok = 0};
    *value = pm_systab[nr].handler(pm, &c);
    return true;
}

bool pm_syscall_pure(pm_t *pm, uint64_t badge, uint64_t nr, const uint64_t a[6], int64_t *value)
{
    if (nr >= LX_SYS_TABLE_SIZE || !pm_systab[nr].pure)
        return false; /* before the thread's lookup: pm_syscall makes it too */
    pm_thr_t *t = pm_thr_by_badge(pm, badge);
    return t && pure_call(pm, t, nr, a, value);
}

void pm_syscall(pm_t *pm, uint64_t badge, uint64_t nr, const uint64_t a[6], pm_token_t tok)
{
    pm_thr_t *t = pm_thr_by_badge(pm, badge);
    if (!t) {
        /* A thread we already ended (its message was in flight): nobody to answer. */
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    if (t->block != PM_BLK_NONE) {
        /* A parked or waiting thread cannot call: the kernel holds it. Keep the held token. */
        pm_line_t l = {0};
        pm_line_str(&l, "procmgr: syscall from blocked thread ");
        pm_line_dec(&l, t->tid);
        pm_line_emit(pm, &l);
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    t->sys_nr = nr;
    pm_proc_t *p = t->proc;
    if (__builtin_expect(p->stopped || pm_thr_unblocked(t) || t->pt, 0) && pm_thr_has_work(t)) {
        /* stopped, or a handler to run, since before this call arrived: as if the signal had
         * come just before the SYSCALL instruction, the call runs (again) afterwards */
        pm->depth++;
        pm_thr_resume(pm, t, tok, PM_RES_RESTART, 0);
        pm->depth--;
        pm_gc(pm);
        return;
    }
    int64_t value;
    if (pure_call(pm, t, nr, a, &value)) {
        pm->env.reply(pm->env.ctx, tok, value);
        return;
    }
    if (__builtin_expect(t->pt != NULL, 0)) {
        pm->depth++;
        bool stopped = pm_ptrace_syscall_entry(pm, t, nr, a, tok);
        pm->depth--;
        if (stopped) {
            pm_gc(pm);
            return;
        }
    }
    pm_syscall_run(pm, t, nr, a, tok);
}

void pm_syscall_run(pm_t *pm, pm_thr_t *t, uint64_t nr, const uint64_t a[6], pm_token_t tok)
{
    pm_proc_t *p = t->proc;
    t->sys_nr = nr;
    const pm_sysent_t *e = nr < LX_SYS_TABLE_SIZE ? &pm_systab[nr] : NULL;
    pm_call_t c = {.thr = t, .proc = t->proc, .nr = nr, .a = a, .tok = tok};
    pm->depth++;
    /* a tracer resuming its tracee's call runs it from inside its own ptrace call */
    pm_thr_t *outer = pm->caller;
    pm->caller = t;
    bool route = t->pt && t->pt->syscall_mode;
    if (__builtin_expect(route, 0))
        pm_route_begin(pm, t, nr);
    /* a ppoll's temporary mask ends with the next syscall (pm_sigmask.c) */
    if (t->has_saved_mask)
        pm_sigmask_restore(pm, t);
    int64_t r = PM_FORWARD;
    if (t->dead) {
        r = 0;   /* a pending signal the restored mask let in ended the process */
    } else if (e && e->forward) {
        /* ppoll & co install their mask first; an error or a signal it lets in answers here */
        r = pm_sigmask_enter(pm, t, nr, a);
        if (r == PM_FORWARD) {
            /* the caller's own mask comes back as the call returns (pm_interrupted) */
            if (t->has_saved_mask && pm->env.thread_interrupt && t->has_handle)
                pm->env.thread_interrupt(pm->env.ctx, t->handle);
            pm->env.vfs_forward(pm->env.ctx, t->proc->pid, t->tid, nr, a, tok);
            r = PM_DEFERRED;   /* vfs answers the caller */
        }
    } else if (!e || !e->handler) {
        pm_log_unknown(pm, t, nr);
        r = -LX_ENOSYS;
    } else {
        r = e->handler(pm, &c);
    }
    pm->caller = outer;
    if (r == PM_DEFERRED) {
        /* the handler took charge of the token */
    } else if (__builtin_expect(!t->dead && !p->stopped && !pm_thr_unblocked(t) && !t->pt, 1)) {
        pm->env.reply(pm->env.ctx, tok, r); /* the common case, checked inline: no more to do */
    } else {
        /* a stop holds the answer; a handler to run starts on the way back; a tracer may stop
         * it first (an event, a signal); a dead caller's token is dropped */
        pm_thr_resume(pm, t, tok, PM_RES_VALUE, r);
    }
    if (__builtin_expect(route, 0) && t->pt)
        pm_route_end(pm, t, e && e->forward ? KR_HOW_FORWARDED
                            : r == PM_DEFERRED ? KR_HOW_DEFERRED : KR_HOW_DIRECT);
    pm->depth--;
    if (pm->grave_thrs || pm->grave_procs) /* the common case frees nothing: skip the call */
        pm_gc(pm);
}
