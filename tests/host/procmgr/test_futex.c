/* Host tests of procmgr's futex queues (issue 15): waits as deferred replies, wake counts and
 * their order (oldest first), bitsets, REQUEUE and CMP_REQUEUE, WAKE_OP's operations and
 * comparisons, relative and absolute (monotonic, realtime) timeouts through procmgr's timer, a
 * signal while waiting (EINTR, or the call restarted), a waiter killed while queued (unlinked
 * exactly once), keys: private against shared operations, MAP_SHARED memory across fork (the
 * kernel's memory object), and the robust list walked at a thread's death. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/futex.h>
#include <lx/mman.h>
#include <lx/sched.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/time.h>
#include "fake_env.h"
#include "pm_internal.h"

#define SYS FK_SYS
#define PRIV LX_FUTEX_PRIVATE_FLAG
#define ANY LX_FUTEX_BITSET_MATCH_ANY

#define word_at fk_word_new
#define word_of fk_word_get

static uint64_t new_thread(fake_t *fk, uint64_t badge)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 16384);
    return fk_thread_new(fk, badge, u.base + 16384 - 64, 0);
}

/* A process (spawned by init) with n threads besides its main one: the badges in t[0..n]. */
static void threads(fake_t *fk, uint64_t *t, int n)
{
    t[0] = fk_spawn(fk, 1);
    for (int i = 1; i <= n; i++)
        t[i] = new_thread(fk, t[0]);
}

static uint64_t wait_on(fake_t *fk, uint64_t badge, uint64_t w, int op, uint32_t val,
                        uint64_t ts, uint32_t bitset)
{
    uint64_t tok = FK_CALL(fk, badge, LX_SYS_futex, w, (uint64_t)op, val, ts, 0, bitset);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_HELD);
    return tok;
}

static bool queues_empty(fake_t *fk)
{
    for (int b = 0; b < PM_FUTEX_BUCKETS; b++)
        if (fk->pm->futex_head[b])
            return false;
    return true;
}

static void test_wait_and_wake_counts(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[5];
    threads(fk, t, 4);
    uint64_t w = word_at(fk, t[0], 7);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT | PRIV, 8), -LX_EAGAIN);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w + 1, LX_FUTEX_WAIT | PRIV, 7), -LX_EINVAL);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, 0x10, LX_FUTEX_WAIT | PRIV, 7), -LX_EFAULT);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, 99, 7), -LX_ENOSYS);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_LOCK_PI, 7), -LX_ENOSYS);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT | LX_FUTEX_CLOCK_REALTIME, 7),
                     -LX_ENOSYS);
    uint64_t tok[4];
    for (int i = 0; i < 4; i++)
        tok[i] = wait_on(fk, t[i + 1], w, LX_FUTEX_WAIT | PRIV, 7, 0, 0);
    /* oldest first, as many as asked; a count below 1 wakes one */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 1), 1);
    assert_int_equal(fk_tok_value(fk, tok[0]), 0);
    assert_int_equal(fk_tok_state(fk, tok[1]), FK_TOK_HELD);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 0), 1);
    assert_int_equal(fk_tok_value(fk, tok[1]), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 100), 2);
    assert_int_equal(fk_tok_value(fk, tok[2]), 0);
    assert_int_equal(fk_tok_value(fk, tok[3]), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 100), 0);
    assert_true(queues_empty(fk));
    fk_free(fk);
}

static void test_bitsets(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[4];
    threads(fk, t, 3);
    uint64_t w = word_at(fk, t[0], 0);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT_BITSET | PRIV, 0, 0, 0, 0),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAKE_BITSET | PRIV, 1, 0, 0, 0),
                     -LX_EINVAL);
    uint64_t a = wait_on(fk, t[1], w, LX_FUTEX_WAIT_BITSET | PRIV, 0, 0, 0x1);
    uint64_t b = wait_on(fk, t[2], w, LX_FUTEX_WAIT_BITSET | PRIV, 0, 0, 0x6);
    uint64_t c = wait_on(fk, t[3], w, LX_FUTEX_WAIT | PRIV, 0, 0, 0);   /* any */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE_BITSET | PRIV, 10, 0, 0, 0x4),
                     2);
    assert_int_equal(fk_tok_state(fk, a), FK_TOK_HELD);
    assert_int_equal(fk_tok_value(fk, b), 0);
    assert_int_equal(fk_tok_value(fk, c), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 10), 1);
    assert_int_equal(fk_tok_value(fk, a), 0);
    fk_free(fk);
}

static void test_requeue(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[5];
    threads(fk, t, 4);
    uint64_t w1 = word_at(fk, t[0], 3), w2 = word_at(fk, t[0], 0);
    uint64_t tok[4];
    for (int i = 0; i < 4; i++)
        tok[i] = wait_on(fk, t[i + 1], w1, LX_FUTEX_WAIT | PRIV, 3, 0, 0);
    /* CMP_REQUEUE whose word moved: EAGAIN, nothing changes */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_CMP_REQUEUE | PRIV, 1, 1, w2, 4),
                     -LX_EAGAIN);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_CMP_REQUEUE | PRIV, (uint64_t)-1, 1,
                         w2, 3),
                     -LX_EINVAL);
    /* wake 1, move 2 (the next oldest), one stays */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_CMP_REQUEUE | PRIV, 1, 2, w2, 3), 3);
    assert_int_equal(fk_tok_value(fk, tok[0]), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w2, LX_FUTEX_WAKE | PRIV, 1), 1);
    assert_int_equal(fk_tok_value(fk, tok[1]), 0);   /* moved in order */
    assert_int_equal(fk_tok_state(fk, tok[2]), FK_TOK_HELD);
    /* plain REQUEUE: none woken, the last one moved */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_REQUEUE | PRIV, 0, 10, w2), 1);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE | PRIV, 10), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w2, LX_FUTEX_WAKE | PRIV, 10), 2);
    assert_int_equal(fk_tok_value(fk, tok[2]), 0);
    assert_int_equal(fk_tok_value(fk, tok[3]), 0);
    fk_free(fk);
}

static void test_wake_op(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[3];
    threads(fk, t, 2);
    uint64_t w1 = word_at(fk, t[0], 0), w2 = word_at(fk, t[0], 5);
    uint64_t a = wait_on(fk, t[1], w1, LX_FUTEX_WAIT | PRIV, 0, 0, 0);
    uint64_t b = wait_on(fk, t[2], w2, LX_FUTEX_WAIT | PRIV, 5, 0, 0);
#define OP(op, oparg, cmp, cmparg)                                                                 \
    (((uint32_t)(op) << 28) | ((uint32_t)(cmp) << 24) | (((uint32_t)(oparg)&0xfff) << 12) |           \
     ((uint32_t)(cmparg)&0xfff))
    /* w2 += 2 (old 5 >= 5): one woken on each */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, w2,
                         OP(LX_FUTEX_OP_ADD, 2, LX_FUTEX_OP_CMP_GE, 5)),
                     2);
    assert_int_equal(word_of(fk, t[0], w2), 7);
    assert_int_equal(fk_tok_value(fk, a), 0);
    assert_int_equal(fk_tok_value(fk, b), 0);
    /* each op, a negative oparg, the shift form; a false comparison wakes only the first */
    struct {
        uint32_t op;
        uint32_t want;
    } ops[] = {
        {OP(LX_FUTEX_OP_SET, 3, LX_FUTEX_OP_CMP_EQ, 99), 3},
        {OP(LX_FUTEX_OP_ADD, -1, LX_FUTEX_OP_CMP_NE, 3), 2},
        {OP(LX_FUTEX_OP_OR, 8, LX_FUTEX_OP_CMP_LT, 0), 10},
        {OP(LX_FUTEX_OP_ANDN, 2, LX_FUTEX_OP_CMP_GT, 100), 8},
        {OP(LX_FUTEX_OP_XOR, 9, LX_FUTEX_OP_CMP_LE, -1), 1},
        {OP(LX_FUTEX_OP_SET | LX_FUTEX_OP_OPARG_SHIFT, 4, LX_FUTEX_OP_CMP_EQ, 99), 16},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, w2,
                             ops[i].op),
                         0);
        assert_int_equal(word_of(fk, t[0], w2), ops[i].want);
    }
    /* the comparison true: the waiter on w2 is woken, not the one on w1 */
    a = wait_on(fk, t[1], w2, LX_FUTEX_WAIT | PRIV, 16, 0, 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, w2,
                         OP(LX_FUTEX_OP_ADD, 0, LX_FUTEX_OP_CMP_EQ, 16)),
                     1);
    assert_int_equal(fk_tok_value(fk, a), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, w2, 7u << 28),
                     -LX_ENOSYS);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, w2,
                         OP(0, 0, 9, 0)),
                     -LX_ENOSYS);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w1, LX_FUTEX_WAKE_OP | PRIV, 1, 1, 0x10, 0),
                     -LX_EFAULT);
    fk_free(fk);
}

static void test_timeouts(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[3];
    threads(fk, t, 2);
    uint64_t w = word_at(fk, t[0], 0);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, t[0], 4096);
    struct lx_timespec rel = {1, 0}, bad = {0, LX_NSEC_PER_SEC};
    uint64_t urel = fk_ubuf_bytes(&u, &rel, sizeof rel), ubad = fk_ubuf_bytes(&u, &bad, sizeof bad);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT | PRIV, 0, ubad), -LX_EINVAL);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT | PRIV, 0, 0x10), -LX_EFAULT);
    /* FUTEX_WAIT: relative, on the monotonic clock */
    int mark = fk->nev;
    uint64_t a = wait_on(fk, t[1], w, LX_FUTEX_WAIT | PRIV, 0, urel, 0);
    int armed = fk_find_event(fk, mark, FK_EV_TIMER_ARM, false, 0);
    assert_true(armed >= 0);
    assert_int_equal(fk->ev[armed].x, fk->mono + LX_NSEC_PER_SEC);
    /* WAIT_BITSET with FUTEX_CLOCK_REALTIME: absolute, on the wall clock */
    struct lx_timespec at = {(int64_t)(fk->real / LX_NSEC_PER_SEC) + 3, 0};
    uint64_t uat = fk_ubuf_bytes(&u, &at, sizeof at);
    uint64_t b = wait_on(fk, t[2], w, LX_FUTEX_WAIT_BITSET | PRIV | LX_FUTEX_CLOCK_REALTIME, 0, uat,
                         ANY);
    fk->mono += LX_NSEC_PER_SEC;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_value(fk, a), -LX_ETIMEDOUT);
    assert_int_equal(fk_tok_state(fk, b), FK_TOK_HELD);
    fk->mono += 2 * LX_NSEC_PER_SEC;
    pm_timer_fired(fk->pm, fk->mono);
    assert_int_equal(fk_tok_value(fk, b), -LX_ETIMEDOUT);
    assert_true(queues_empty(fk));
    /* WAIT_BITSET on the monotonic clock, a deadline already past: at once */
    struct lx_timespec past = {1, 0};
    uint64_t upast = fk_ubuf_bytes(&u, &past, sizeof past);
    assert_int_equal(SYS(fk, t[1], LX_SYS_futex, w, LX_FUTEX_WAIT_BITSET | PRIV, 0, upast, 0, ANY),
                     -LX_ETIMEDOUT);
    /* woken before the deadline: 0, and the timeout no longer matters */
    a = wait_on(fk, t[1], w, LX_FUTEX_WAIT | PRIV, 0, urel, 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 1), 1);
    assert_int_equal(fk_tok_value(fk, a), 0);
    fk->mono += 5 * LX_NSEC_PER_SEC;
    pm_timer_fired(fk->pm, fk->mono);
    fk_free(fk);
}

static void sigaction_of(fake_t *fk, uint64_t badge, int sig, uint64_t flags)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    struct lx_sigaction a = {.sa_handler = 0x401000, .sa_flags = flags | LX_SA_RESTORER,
                             .sa_restorer = 0x401100};
    uint64_t ua = fk_ubuf_bytes(&u, &a, sizeof a);
    assert_int_equal(SYS(fk, badge, LX_SYS_rt_sigaction, (uint64_t)sig, ua, 0, 8), 0);
}

/* What the interrupted call returns when the handler that cut it short is done. */
static int64_t frame_rax(fake_t *fk, uint64_t badge)
{
    struct lx_rt_sigframe f;
    assert_int_equal(fk_mem_read(fk, badge, &f, fk_thread_of(fk, badge)->regs.rsp, sizeof f), 0);
    return (int64_t)f.uc.uc_mcontext.rax;
}

static void test_signal_while_waiting(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[3];
    threads(fk, t, 2);
    uint64_t w = word_at(fk, t[0], 0);
    fk_ubuf_t stk;
    fk_ubuf_init(&stk, fk, t[0], 16384);
    sigaction_of(fk, t[0], LX_SIGUSR1, 0);
    /* no SA_RESTART: EINTR, and the waiter is off the queue */
    uint64_t a = wait_on(fk, t[1], w, LX_FUTEX_WAIT | PRIV, 0, 0, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, t[0], t[1], LX_SIGUSR1), 0);
    assert_int_equal(fk_tok_value(fk, a), 0);
    assert_int_equal(frame_rax(fk, t[1]), -LX_EINTR);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 10), 0);
    /* SA_RESTART, no timeout: the futex call runs again after the handler */
    sigaction_of(fk, t[0], LX_SIGUSR1, LX_SA_RESTART);
    a = wait_on(fk, t[2], w, LX_FUTEX_WAIT | PRIV, 0, 0, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, t[0], t[2], LX_SIGUSR1), 0);
    assert_int_equal(frame_rax(fk, t[2]), LX_SYS_futex);
    /* SA_RESTART with a timeout: EINTR all the same (Linux's ERESTART_RESTARTBLOCK); a fresh
     * thread, the others block SIGUSR1 in their handlers (no rt_sigreturn here) */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, t[0], 4096);
    struct lx_timespec rel = {5, 0};
    uint64_t t3 = new_thread(fk, t[0]);
    a = wait_on(fk, t3, w, LX_FUTEX_WAIT | PRIV, 0, fk_ubuf_bytes(&u, &rel, sizeof rel), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_tgkill, t[0], t3, LX_SIGUSR1), 0);
    assert_int_equal(frame_rax(fk, t3), -LX_EINTR);
    assert_true(queues_empty(fk));
    fk_free(fk);
}

/* A waiter whose process is killed leaves the queue exactly once; the others stay. */
static void test_waiter_killed_while_queued(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t a[3], b[2];
    threads(fk, a, 2);
    threads(fk, b, 1);
    /* a shared word: MAP_SHARED memory mapped by a, forked into a child */
    int64_t m = SYS(fk, a[0], LX_SYS_mmap, 0, 4096, LX_PROT_READ | LX_PROT_WRITE,
                    LX_MAP_SHARED | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    assert_true(m > 0);
    int mark = fk->nev;
    int64_t child = SYS(fk, a[0], LX_SYS_fork);
    assert_int_equal(fk_created_after(fk, mark), (uint64_t)child);
    uint64_t ct = new_thread(fk, (uint64_t)child);   /* the child's waker, later */
    uint64_t w1 = wait_on(fk, a[1], (uint64_t)m, LX_FUTEX_WAIT, 0, 0, 0);
    uint64_t w2 = wait_on(fk, (uint64_t)child, (uint64_t)m, LX_FUTEX_WAIT, 0, 0, 0);
    uint64_t w3 = wait_on(fk, a[2], (uint64_t)m, LX_FUTEX_WAIT, 0, 0, 0);
    /* one process's waiters die with it (a[1], a[2]); the child's stays queued */
    assert_int_equal(SYS(fk, b[0], LX_SYS_kill, a[0], LX_SIGKILL), 0);
    assert_int_equal(fk_tok_state(fk, w1), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, w3), FK_TOK_DROPPED);
    assert_int_equal(fk_tok_state(fk, w2), FK_TOK_HELD);
    /* the child, now init's, is woken by a wake of its own word: the same object */
    assert_int_equal(SYS(fk, ct, LX_SYS_getppid), 1);
    assert_int_equal(SYS(fk, ct, LX_SYS_futex, (uint64_t)m, LX_FUTEX_WAKE, 10), 1);
    assert_int_equal(fk_tok_value(fk, w2), 0);
    assert_true(queues_empty(fk));
    fk_free(fk);
}

/* Keys: a private and a shared operation on a private word differ; on MAP_SHARED memory the
 * shared operation reaches every process mapping it (fork), the private one only its space. */
static void test_keys(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[2];
    threads(fk, t, 1);
    uint64_t w = word_at(fk, t[0], 0);
    uint64_t a = wait_on(fk, t[1], w, LX_FUTEX_WAIT | PRIV, 0, 0, 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE, 10), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 10), 1);
    assert_int_equal(fk_tok_value(fk, a), 0);
    a = wait_on(fk, t[1], w, LX_FUTEX_WAIT, 0, 0, 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE | PRIV, 10), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE, 10), 1);
    assert_int_equal(fk_tok_value(fk, a), 0);
    /* fork: private memory is two futexes, shared memory one */
    int64_t m = SYS(fk, t[0], LX_SYS_mmap, 0, 8192, LX_PROT_READ | LX_PROT_WRITE,
                    LX_MAP_SHARED | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
    int mark = fk->nev;
    int64_t child = SYS(fk, t[0], LX_SYS_fork);
    assert_int_equal(fk_created_after(fk, mark), (uint64_t)child);
    uint64_t ct = new_thread(fk, (uint64_t)child);
    uint64_t cs = wait_on(fk, (uint64_t)child, (uint64_t)m + 4096 + 8, LX_FUTEX_WAIT, 0, 0, 0);
    uint64_t cp = wait_on(fk, ct, w, LX_FUTEX_WAIT, 0, 0, 0);
    (void)cp;
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, w, LX_FUTEX_WAKE, 10), 0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, (uint64_t)m + 4096 + 8, LX_FUTEX_WAKE | PRIV, 10),
                     0);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, (uint64_t)m + 4096 + 8, LX_FUTEX_WAKE, 10), 1);
    assert_int_equal(fk_tok_value(fk, cs), 0);
    /* a shared key needs the page: unmapped is EFAULT (a private key does not look) */
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, 0x10000000, LX_FUTEX_WAKE, 10), -LX_EFAULT);
    assert_int_equal(SYS(fk, t[0], LX_SYS_futex, 0x10000000, LX_FUTEX_WAKE | PRIV, 10), 0);
    fk_free(fk);
}

/* The robust list: at a thread's death, each futex it still owns gets OWNER_DIED (WAITERS kept)
 * and one waiter woken; a word owned by another thread is left alone; list_op_pending counts. */
static void test_robust_list(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    uint64_t t[3];
    threads(fk, t, 2);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, t[0], 4096);
    /* head, three entries: {next, word} each, futex_offset 8 */
    uint64_t head = fk_ubuf_zero(&u, 24), e1 = fk_ubuf_zero(&u, 16), e2 = fk_ubuf_zero(&u, 16),
             e3 = fk_ubuf_zero(&u, 16);
    uint32_t me = (uint32_t)t[1];
    struct lx_robust_list_head h = {e1, 8, e3};
    assert_int_equal(fk_mem_write(fk, t[0], head, &h, sizeof h), 0);
    uint64_t links[2][2] = {{e1, e2}, {e2, head}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(fk_mem_write(fk, t[0], links[i][0], &links[i][1], 8), 0);
    uint32_t w1 = me | LX_FUTEX_WAITERS, w2 = (uint32_t)t[2], w3 = 0;
    assert_int_equal(fk_mem_write(fk, t[0], e1 + 8, &w1, 4), 0);
    assert_int_equal(fk_mem_write(fk, t[0], e2 + 8, &w2, 4), 0);
    assert_int_equal(fk_mem_write(fk, t[0], e3 + 8, &w3, 4), 0);
    assert_int_equal(SYS(fk, t[1], LX_SYS_set_robust_list, head, 23), -LX_EINVAL);
    assert_int_equal(SYS(fk, t[1], LX_SYS_set_robust_list, head, 24), 0);
    uint64_t out = fk_ubuf_zero(&u, 16);
    assert_int_equal(SYS(fk, t[0], LX_SYS_get_robust_list, t[1], out, out + 8), 0);
    uint64_t got[2];
    assert_int_equal(fk_mem_read(fk, t[0], got, out, 16), 0);
    assert_int_equal(got[0], head);
    assert_int_equal(got[1], 24);
    assert_int_equal(SYS(fk, t[0], LX_SYS_get_robust_list, 30000, out, out + 8), -LX_ESRCH);
    assert_int_equal(SYS(fk, t[0], LX_SYS_get_robust_list, 0, 0x10, out + 8), -LX_EFAULT);
    /* waiters: on e1's word (shared op, as the dead owner's wake is) and on e3's (pending) */
    uint64_t a = wait_on(fk, t[2], e1 + 8, LX_FUTEX_WAIT, w1, 0, 0);
    uint64_t b = wait_on(fk, t[0], e3 + 8, LX_FUTEX_WAIT, 0, 0, 0);
    (void)FK_CALL(fk, t[1], LX_SYS_exit, 0);
    uint32_t v;
    assert_int_equal(fk_mem_read(fk, t[0], &v, e1 + 8, 4), 0);
    assert_int_equal(v, LX_FUTEX_OWNER_DIED | LX_FUTEX_WAITERS);
    assert_int_equal(fk_tok_value(fk, a), 0);
    assert_int_equal(fk_mem_read(fk, t[0], &v, e2 + 8, 4), 0);
    assert_int_equal(v, (uint32_t)t[2]);             /* not its own: untouched */
    assert_int_equal(fk_tok_value(fk, b), 0);        /* the pending release's waiter */
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_and_wake_counts),
        cmocka_unit_test(test_bitsets),
        cmocka_unit_test(test_requeue),
        cmocka_unit_test(test_wake_op),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_signal_while_waiting),
        cmocka_unit_test(test_waiter_killed_while_queued),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_robust_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
