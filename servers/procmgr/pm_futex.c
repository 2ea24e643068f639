/* futex(2): the wait queues under pthread mutexes, condition variables, joins and semaphores.
 *
 * A wait is a deferred reply: the waiting thread's token is held (PM_BLK_FUTEX) and the thread
 * sits on a queue keyed by what the futex word is (pm_fkey_t): a word in private memory is its
 * space's (the pm_mm_t every CLONE_VM sharer points at) and its address, so two threads of a
 * process, or a vfork child and its parent, meet; a word in MAP_SHARED memory, for an operation
 * without FUTEX_PRIVATE_FLAG, is the kernel's memory object and the offset in it
 * (env->as_page_id), so processes mapping it anywhere, and forked copies, meet. As on Linux, a
 * private and a non-private operation on one private word name two different futexes. Queues are
 * buckets of a small hash in pm_t, each in arrival order: a wake takes the oldest waiters whose
 * bitset meets its own, as Linux's FIFO among equal priorities.
 *
 * procmgr serves one call at a time and, on the one CPU, outranks every user thread, so reading
 * the word and queueing the waiter, or WAKE_OP's read-modify-write of the second word, happen with
 * no user thread running in between: the atomicity Linux gets from its hash-bucket lock and
 * futex_atomic_op_inuser.
 *
 * A waiter leaves its queue exactly once, whichever comes first: a wake (0), its deadline
 * (ETIMEDOUT, through pm_time.c's timer), a signal with a handler (EINTR; restarted under
 * SA_RESTART when it had no timeout, Linux's ERESTARTSYS), or its death (the token dropped:
 * pm_thr_abort_block). A wake collects its waiters off the queue before answering any, since an
 * answer may start a handler whose failure kills a process and unqueues others.
 *
 * Also here: the robust list (set_robust_list, get_robust_list) walked when a thread dies, as
 * Linux's exit_robust_list: every futex the dead thread still owned gets FUTEX_OWNER_DIED and one
 * waiter woken.
 *
 * Operations: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, the PRIVATE
 * flag, CLOCK_REALTIME (WAIT_BITSET only, as Linux since 5.13). The PI operations are ENOSYS.
 *
 * Entry points: pm_sys_futex, pm_sys_set_robust_list, pm_sys_get_robust_list, pm_futex_key,
 * pm_futex_wake, pm_futex_unqueue, pm_futex_timeout, pm_futex_interrupt, pm_robust_list_walk. */
#include <string.h>
#include <lx/futex.h>
#include "pm_internal.h"

static unsigned pm_futex_bucket(const pm_fkey_t *k)
{
    uint64_t h = (k->space * 0x9E3779B97F4A7C15ull) ^ (k->addr >> 2) ^ ((uint64_t)k->kind << 40);
    h ^= h >> 29;
    return (unsigned)(h % PM_FUTEX_BUCKETS);
}

static bool pm_fkey_eq(const pm_fkey_t *a, const pm_fkey_t *b)
{
    return a->space == b->space && a->addr == b->addr && a->kind == b->kind;
}

int pm_futex_key(pm_t *pm, pm_proc_t *p, uint64_t uaddr, bool private_op, pm_fkey_t *key)
{
    if (uaddr & 3)
        return -LX_EINVAL;
    if (uaddr >= PM_USER_TOP || !p->has_as)
        return -LX_EFAULT;
    *key = (pm_fkey_t){(uint64_t)(uintptr_t)p->mm, uaddr, PM_FKEY_PRIVATE};
    if (private_op)
        return 0;
    key->kind = PM_FKEY_MM;
    if (!pm->env.as_page_id)
        return 0;
    uint64_t object, offset;
    if (pm->env.as_page_id(pm->env.ctx, p->as, uaddr, &object, &offset))
        return -LX_EFAULT;   /* a shared key needs the page (Linux's get_user_pages) */
    if (object)
        *key = (pm_fkey_t){object, offset, PM_FKEY_OBJECT};
    return 0;
}

static void pm_futex_enqueue(pm_t *pm, pm_thr_t *t)
{
    unsigned b = pm_futex_bucket(&t->fx_key);
    t->fx_next = NULL;
    t->fx_prev = pm->futex_tail[b];
    if (pm->futex_tail[b])
        pm->futex_tail[b]->fx_next = t;
    else
        pm->futex_head[b] = t;
    pm->futex_tail[b] = t;
}

void pm_futex_unqueue(pm_t *pm, pm_thr_t *t)
{
    unsigned b = pm_futex_bucket(&t->fx_key);
    if (t->fx_prev)
        t->fx_prev->fx_next = t->fx_next;
    else
        pm->futex_head[b] = t->fx_next;
    if (t->fx_next)
        t->fx_next->fx_prev = t->fx_prev;
    else
        pm->futex_tail[b] = t->fx_prev;
    t->fx_next = t->fx_prev = NULL;
}

/* Takes t off its queue and lets it go on with (how, value). */
static void pm_futex_release(pm_t *pm, pm_thr_t *t, enum pm_resume how, int64_t value)
{
    pm_futex_unqueue(pm, t);
    t->block = PM_BLK_NONE;
    pm_thr_resume(pm, t, t->tok, how, value);
}

void pm_futex_timeout(pm_t *pm, pm_thr_t *t)
{
    pm_futex_release(pm, t, PM_RES_VALUE, -LX_ETIMEDOUT);
}

void pm_futex_interrupt(pm_t *pm, pm_thr_t *t)
{
    /* without a deadline the call may restart (ERESTARTSYS); with one, EINTR */
    if (t->wake_ns == PM_NO_DEADLINE)
        pm_futex_release(pm, t, PM_RES_RESTART_SA, -LX_EINTR);
    else
        pm_futex_release(pm, t, PM_RES_VALUE, -LX_EINTR);
}

/* Up to n waiters of key whose bitset meets bitset, oldest first, off their queue into a list
 * (linked through fx_next) the caller answers. */
static pm_thr_t *pm_futex_take(pm_t *pm, const pm_fkey_t *key, int n, uint32_t bitset, int *got)
{
    pm_thr_t *head = NULL, **tail = &head;
    *got = 0;
    unsigned b = pm_futex_bucket(key);
    for (pm_thr_t *t = pm->futex_head[b], *next; t && *got < n; t = next) {
        next = t->fx_next;
        if (!pm_fkey_eq(&t->fx_key, key) || !(t->fx_bitset & bitset))
            continue;
        pm_futex_unqueue(pm, t);
        t->block = PM_BLK_NONE;
        *tail = t;
        tail = &t->fx_next;
        (*got)++;
    }
    return head;
}

static void pm_futex_answer(pm_t *pm, pm_thr_t *list)
{
    for (pm_thr_t *t = list, *next; t; t = next) {
        next = t->fx_next;
        t->fx_next = NULL;
        pm_thr_resume(pm, t, t->tok, PM_RES_VALUE, 0);
    }
}

int pm_futex_wake(pm_t *pm, const pm_fkey_t *key, int n, uint32_t bitset)
{
    int got;
    pm_thr_t *list = pm_futex_take(pm, key, n, bitset, &got);
    pm_futex_answer(pm, list);
    return got;
}

/* Up to n more waiters of `from` (after the woken) move to `to`, oldest first: how many. */
static int pm_futex_requeue(pm_t *pm, const pm_fkey_t *from, const pm_fkey_t *to, int n)
{
    int moved;
    pm_thr_t *list = pm_futex_take(pm, from, n, LX_FUTEX_BITSET_MATCH_ANY, &moved);
    for (pm_thr_t *t = list, *next; t; t = next) {
        next = t->fx_next;
        t->fx_key = *to;
        t->block = PM_BLK_FUTEX;
        pm_futex_enqueue(pm, t);
    }
    return moved;
}

/* The timeout argument: a monotonic deadline (PM_NO_DEADLINE without one). FUTEX_WAIT's is
 * relative; WAIT_BITSET's absolute, on CLOCK_REALTIME with FUTEX_CLOCK_REALTIME. */
static int pm_futex_deadline(pm_t *pm, pm_call_t *c, int cmd, bool realtime, uint64_t *deadline)
{
    *deadline = PM_NO_DEADLINE;
    if (!c->a[3])
        return 0;
    struct lx_timespec ts;
    if (pm_copy_in(pm, c->proc, &ts, c->a[3], sizeof(ts)))
        return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= LX_NSEC_PER_SEC)
        return -LX_EINVAL;
    uint64_t ns = (uint64_t)ts.tv_sec > UINT64_MAX / LX_NSEC_PER_SEC - 1
                      ? PM_NO_DEADLINE - 1
                      : (uint64_t)ts.tv_sec * LX_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    uint64_t now = pm->env.clock_mono_ns(pm->env.ctx);
    if (cmd == LX_FUTEX_WAIT) {
        *deadline = ns > PM_NO_DEADLINE - 1 - now ? PM_NO_DEADLINE - 1 : now + ns;
    } else if (realtime) {
        uint64_t real = pm->env.clock_real_ns(pm->env.ctx);
        uint64_t left = ns > real ? ns - real : 0;
        *deadline = left > PM_NO_DEADLINE - 1 - now ? PM_NO_DEADLINE - 1 : now + left;
    } else {
        *deadline = ns < PM_NO_DEADLINE ? ns : PM_NO_DEADLINE - 1;
    }
    return 0;
}

static int64_t pm_futex_wait(pm_t *pm, pm_call_t *c, bool priv, int cmd, bool realtime,
                             uint32_t bitset)
{
    uint64_t uaddr = c->a[0];
    uint32_t val = (uint32_t)c->a[2], word;
    if (!bitset)
        return -LX_EINVAL;
    uint64_t deadline;
    int r = pm_futex_deadline(pm, c, cmd, realtime, &deadline);
    if (r)
        return r;
    pm_fkey_t key;
    if ((r = pm_futex_key(pm, c->proc, uaddr, priv, &key)))
        return r;
    if (pm_copy_in(pm, c->proc, &word, uaddr, sizeof(word)))
        return -LX_EFAULT;
    if (word != val)
        return -LX_EAGAIN;
    if (deadline <= pm->env.clock_mono_ns(pm->env.ctx))
        return -LX_ETIMEDOUT;
    pm_thr_t *t = c->thr;
    t->fx_key = key;
    t->fx_bitset = bitset;
    t->wake_ns = deadline;
    t->tok = c->tok;
    t->block = PM_BLK_FUTEX;
    pm_futex_enqueue(pm, t);
    if (deadline != PM_NO_DEADLINE)
        pm_timers_rearm(pm);
    return PM_DEFERRED;
}

/* REQUEUE and CMP_REQUEUE: wake val waiters of uaddr, move up to val2 more to uaddr2. */
static int64_t pm_futex_cmp_requeue(pm_t *pm, pm_call_t *c, bool priv, bool cmp)
{
    int32_t nwake = (int32_t)c->a[2], nmove = (int32_t)(uint32_t)c->a[3];
    if (nwake < 0 || nmove < 0)
        return -LX_EINVAL;
    pm_fkey_t k1, k2;
    int r;
    if ((r = pm_futex_key(pm, c->proc, c->a[0], priv, &k1)) ||
        (r = pm_futex_key(pm, c->proc, c->a[4], priv, &k2)))
        return r;
    if (cmp) {
        uint32_t word;
        if (pm_copy_in(pm, c->proc, &word, c->a[0], sizeof(word)))
            return -LX_EFAULT;
        if (word != (uint32_t)c->a[5])
            return -LX_EAGAIN;
    }
    int woken;
    pm_thr_t *list = pm_futex_take(pm, &k1, nwake, LX_FUTEX_BITSET_MATCH_ANY, &woken);
    int moved = pm_futex_requeue(pm, &k1, &k2, nmove);
    pm_futex_answer(pm, list);
    return woken + moved;
}

/* FUTEX_WAKE_OP's operation on the old value of the second word. -ENOSYS for an unknown op. */
static int pm_futex_op(uint32_t encoded, uint32_t old, uint32_t *out)
{
    int op = (encoded >> 28) & 7;
    int32_t oparg = (int32_t)(encoded << 8) >> 20;   /* 12 bits, sign-extended */
    if ((encoded >> 28) & LX_FUTEX_OP_OPARG_SHIFT) {
        oparg &= 31;   /* Linux masks a shift out of range (and warns) */
        oparg = (int32_t)(1u << oparg);
    }
    switch (op) {
    case LX_FUTEX_OP_SET:
        *out = (uint32_t)oparg;
        return 0;
    case LX_FUTEX_OP_ADD:
        *out = old + (uint32_t)oparg;
        return 0;
    case LX_FUTEX_OP_OR:
        *out = old | (uint32_t)oparg;
        return 0;
    case LX_FUTEX_OP_ANDN:
        *out = old & ~(uint32_t)oparg;
        return 0;
    case LX_FUTEX_OP_XOR:
        *out = old ^ (uint32_t)oparg;
        return 0;
    default:
        return -LX_ENOSYS;
    }
}

/* ... and its comparison of the old value (signed, as Linux's): 0/1, or -ENOSYS. */
static int pm_futex_cmp(uint32_t encoded, uint32_t old)
{
    int32_t cmparg = (int32_t)(encoded << 20) >> 20, v = (int32_t)old;
    switch ((encoded >> 24) & 15) {
    case LX_FUTEX_OP_CMP_EQ:
        return v == cmparg;
    case LX_FUTEX_OP_CMP_NE:
        return v != cmparg;
    case LX_FUTEX_OP_CMP_LT:
        return v < cmparg;
    case LX_FUTEX_OP_CMP_LE:
        return v <= cmparg;
    case LX_FUTEX_OP_CMP_GT:
        return v > cmparg;
    case LX_FUTEX_OP_CMP_GE:
        return v >= cmparg;
    default:
        return -LX_ENOSYS;
    }
}

static int64_t pm_futex_wake_op(pm_t *pm, pm_call_t *c, bool priv)
{
    int32_t n1 = (int32_t)c->a[2], n2 = (int32_t)(uint32_t)c->a[3];
    uint32_t encoded = (uint32_t)c->a[5], old, neu;
    pm_fkey_t k1, k2;
    int r;
    if ((r = pm_futex_key(pm, c->proc, c->a[0], priv, &k1)) ||
        (r = pm_futex_key(pm, c->proc, c->a[4], priv, &k2)))
        return r;
    if (pm_copy_in(pm, c->proc, &old, c->a[4], sizeof(old)))
        return -LX_EFAULT;
    if ((r = pm_futex_op(encoded, old, &neu)))
        return r;
    int cmp = pm_futex_cmp(encoded, old);
    if (cmp < 0)
        return cmp;
    if (pm_copy_out(pm, c->proc, c->a[4], &neu, sizeof(neu)))
        return -LX_EFAULT;
    int w1, w2 = 0;
    /* as FUTEX_WAKE, a count below 1 wakes one */
    pm_thr_t *l1 = pm_futex_take(pm, &k1, n1 < 1 ? 1 : n1, LX_FUTEX_BITSET_MATCH_ANY, &w1);
    pm_thr_t *l2 = cmp ? pm_futex_take(pm, &k2, n2 < 1 ? 1 : n2, LX_FUTEX_BITSET_MATCH_ANY, &w2)
                       : NULL;
    pm_futex_answer(pm, l1);
    pm_futex_answer(pm, l2);
    return w1 + w2;
}

int64_t pm_sys_futex(pm_t *pm, pm_call_t *c)
{
    int op = (int)c->a[1];
    int cmd = op & LX_FUTEX_CMD_MASK;
    bool priv = (op & LX_FUTEX_PRIVATE_FLAG) != 0;
    bool realtime = (op & LX_FUTEX_CLOCK_REALTIME) != 0;
    if (realtime && cmd != LX_FUTEX_WAIT_BITSET)
        return -LX_ENOSYS;   /* WAIT_REQUEUE_PI and LOCK_PI2 are not built either */
    switch (cmd) {
    case LX_FUTEX_WAIT:
        return pm_futex_wait(pm, c, priv, cmd, false, LX_FUTEX_BITSET_MATCH_ANY);
    case LX_FUTEX_WAIT_BITSET:
        return pm_futex_wait(pm, c, priv, cmd, realtime, (uint32_t)c->a[5]);
    case LX_FUTEX_WAKE:
    case LX_FUTEX_WAKE_BITSET: {
        uint32_t bitset = cmd == LX_FUTEX_WAKE ? LX_FUTEX_BITSET_MATCH_ANY : (uint32_t)c->a[5];
        if (!bitset)
            return -LX_EINVAL;
        pm_fkey_t key;
        int r = pm_futex_key(pm, c->proc, c->a[0], priv, &key);
        if (r)
            return r;
        /* Linux's loop wakes one before it compares the count: 0 (or negative) wakes one */
        int32_t n = (int32_t)c->a[2];
        return pm_futex_wake(pm, &key, n < 1 ? 1 : n, bitset);
    }
    case LX_FUTEX_REQUEUE:
        return pm_futex_cmp_requeue(pm, c, priv, false);
    case LX_FUTEX_CMP_REQUEUE:
        return pm_futex_cmp_requeue(pm, c, priv, true);
    case LX_FUTEX_WAKE_OP:
        return pm_futex_wake_op(pm, c, priv);
    default:
        return -LX_ENOSYS;   /* FUTEX_FD (gone since 2.6.26), the PI family */
    }
}

int64_t pm_sys_set_robust_list(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    if (c->a[1] != sizeof(struct lx_robust_list_head))
        return -LX_EINVAL;
    c->thr->robust_head = c->a[0];
    c->thr->robust_len = c->a[1];
    return 0;
}

int64_t pm_sys_get_robust_list(pm_t *pm, pm_call_t *c)
{
    int32_t tid = (int32_t)c->a[0];
    pm_thr_t *t = tid == 0 ? c->thr : pm_thr_find(pm, tid);
    if (!t)
        return -LX_ESRCH;
    uint64_t head = t->robust_head, len = sizeof(struct lx_robust_list_head);
    if (pm_copy_out(pm, c->proc, c->a[2], &len, sizeof(len)) ||
        pm_copy_out(pm, c->proc, c->a[1], &head, sizeof(head)))
        return -LX_EFAULT;
    return 0;
}

/* handle_futex_death: the word of a futex t held, or (pending) was taking or releasing. */
static void pm_robust_death(pm_t *pm, pm_thr_t *t, uint64_t uaddr, bool pi, bool pending)
{
    pm_proc_t *p = t->proc;
    uint32_t word;
    pm_fkey_t key;
    if ((uaddr & 3) || pm_copy_in(pm, p, &word, uaddr, sizeof(word)))
        return;
    /* a release that stored 0 but died before its wake: wake someone, who will take it */
    if (pending && !pi && word == 0) {
        if (pm_futex_key(pm, p, uaddr, false, &key) == 0)
            (void)pm_futex_wake(pm, &key, 1, LX_FUTEX_BITSET_MATCH_ANY);
        return;
    }
    if ((word & LX_FUTEX_TID_MASK) != (uint32_t)t->tid)
        return;
    uint32_t died = (word & LX_FUTEX_WAITERS) | LX_FUTEX_OWNER_DIED;
    if (pm_copy_out(pm, p, uaddr, &died, sizeof(died)))
        return;
    if (!pi && (word & LX_FUTEX_WAITERS) && pm_futex_key(pm, p, uaddr, false, &key) == 0)
        (void)pm_futex_wake(pm, &key, 1, LX_FUTEX_BITSET_MATCH_ANY);
}

void pm_robust_list_walk(pm_t *pm, pm_thr_t *t)
{
    pm_proc_t *p = t->proc;
    struct lx_robust_list_head head;
    if (!t->robust_head || pm_copy_in(pm, p, &head, t->robust_head, sizeof(head)))
        return;
    uint64_t entry = head.next & ~1ull, pending = head.list_op_pending & ~1ull;
    bool pi = head.next & 1;
    for (int limit = LX_ROBUST_LIST_LIMIT; entry != t->robust_head && limit > 0; limit--) {
        uint64_t next;
        bool ok = pm_copy_in(pm, p, &next, entry, sizeof(next)) == 0;
        if (entry != pending)
            pm_robust_death(pm, t, entry + (uint64_t)head.futex_offset, pi, false);
        if (!ok)
            return;
        pi = next & 1;
        entry = next & ~1ull;
    }
    if (pending)
        pm_robust_death(pm, t, pending + (uint64_t)head.futex_offset, head.list_op_pending & 1,
                        true);
}
