/* libFuzzer target: procmgr's message handling. The real servers/procmgr logic runs against the
 * host tests' fake environment (tests/host/procmgr/fake_env.c); each input is a program of up to
 * FZ_MAX_OPS events: syscalls (random numbers, most of them procmgr's own, with arguments drawn
 * from good user pointers, prepared strings and argv arrays, live pids, edge values and raw
 * input bits) made by any thread not blocked at that moment, faults, interrupt messages of
 * marked threads, timer expiries, signals raised by "vfs", /proc reads and job-control
 * hand-overs, and vfs answering the calls it holds.
 *
 * What counts as a bug: anything AddressSanitizer or UBSan reports, a leak at pm_destroy, and every
 * check of the fake (a reply token consumed twice, a released address-space handle used, a page
 * mapped twice, a thread destroyed twice...), which aborts (CMOCKA_TEST_ABORT).
 *
 * The fake backs memory with host pages: fz_pm.c refuses what would exhaust the host, as the
 * kernel would refuse it.
 *
 * Entry points: LLVMFuzzerInitialize, LLVMFuzzerTestOneInput. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/syscalls.h>
#include "fz_input.h"
#include "fz_pm.h"

#define FZ_MAX_OPS 96
#define FZ_UBUF 16384 /* init's scratch buffer */

static uint64_t pm_nrs[LX_SYS_TABLE_SIZE], vfs_nrs[LX_SYS_TABLE_SIZE];
static size_t n_pm_nrs, n_vfs_nrs;

static uint64_t ubuf_base; /* init's buffer (also in every fork of init) */
static uint64_t str_ptr[5], argv_ptr[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1); /* a failed check of the fake is a crash, with a stack */
    for (uint64_t nr = 0; nr < LX_SYS_TABLE_SIZE; nr++) {
        enum pm_route r = pm_syscall_route(nr);
        if (r == PM_ROUTE_PROCMGR)
            pm_nrs[n_pm_nrs++] = nr;
        else if (r == PM_ROUTE_VFS)
            vfs_nrs[n_vfs_nrs++] = nr;
    }
    return 0;
}

/* ---- the program of an input -------------------------------------------------------------- */

/* a live thread (any, or one free to run), chosen by the input; 0 if none */
static uint64_t pick_thread(fz_t *f, bool free_only)
{
    uint64_t cand[FK_MAX_THREADS];
    int n = 0;
    for (int h = 1; h < FK_MAX_THREADS; h++)
        if (fz_pm_cur->th[h].used && (!free_only || !fz_pm_blocked(fz_pm_cur->th[h].badge)))
            cand[n++] = fz_pm_cur->th[h].badge;
    return n ? cand[fz_u8(f) % n] : 0;
}

static uint64_t arg(fz_t *f)
{
    uint8_t k = fz_u8(f);
    switch (k % 10) {
    case 0:
    case 1:
        return ubuf_base + fz_u16(f) % FZ_UBUF; /* inside the buffer */
    case 2:
        return ubuf_base + FZ_UBUF - (fz_u8(f) % 64); /* running off its end */
    case 3:
        return str_ptr[fz_u8(f) % 5];
    case 4:
        return argv_ptr[fz_u8(f) % 3];
    case 5: { /* a pid, a group, -1, 0 */
        uint64_t t = pick_thread(f, false);
        uint8_t m = fz_u8(f) % 4;
        return m == 0 ? t : m == 1 ? (uint64_t) - (int64_t)t : m == 2 ? (uint64_t)-1 : 0;
    }
    case 6:
    case 7:
        return fz_pool_u64(f);
    case 8:
        return fz_u8(f) % 70; /* flags, signals, fds */
    default:
        return fz_u64(f);
    }
}

static void op_syscall(fz_t *f)
{
    uint64_t badge = pick_thread(f, true);
    if (!badge) return;
    uint8_t k = fz_u8(f);
    uint64_t nr = k < 200   ? pm_nrs[fz_u16(f) % n_pm_nrs]
                  : k < 240 ? vfs_nrs[fz_u16(f) % n_vfs_nrs]
                            : fz_u16(f);
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = arg(f);
    fz_keep_in_vfs = fz_u8(f) < 32;
    uint64_t tok = fk_call_v(fz_pm_cur, badge, nr, a);
    fz_keep_in_vfs = false;
    fz_blocked[badge] = tok;
}

/* input bytes into the buffer of a thread's space (a struct the next call reads) */
static void op_poke(fz_t *f)
{
    uint64_t badge = pick_thread(f, false);
    uint8_t n = fz_u8(f) % 64;
    uint64_t off = fz_u16(f) % (FZ_UBUF - 64);
    uint8_t buf[64];
    for (unsigned i = 0; i < n; i++)
        buf[i] = fz_u8(f);
    if (badge)
        (void)fk_mem_write(fz_pm_cur, badge, ubuf_base + off, buf, n); /* -1 after an exec: fine */
}

static void op_fault(fz_t *f)
{
    uint64_t badge = pick_thread(f, true);
    static const uint64_t vectors[] = {0, 1, 3, 6, 13, 14, 14, 14, 16, 17, 19};
    uint64_t v = fz_pick_u64(f, vectors, sizeof vectors / sizeof vectors[0]);
    uint64_t err = fz_u8(f) & 0x1f, addr = arg(f);
    if (!badge) return;
    uint64_t tok = fk_tok_new(fz_pm_cur);
    fz_blocked[badge] = tok;
    pm_fault(fz_pm_cur->pm, badge, v, err, addr, tok);
}

static void op_interrupted(fz_t *f)
{
    uint64_t cand[FK_MAX_THREADS];
    int n = 0;
    for (int h = 1; h < FK_MAX_THREADS; h++)
        if (fz_pm_cur->th[h].used && fz_pm_cur->th[h].interrupts > 0 &&
            !fz_pm_blocked(fz_pm_cur->th[h].badge))
            cand[n++] = (uint64_t)h;
    uint8_t pick = fz_u8(f), why = fz_u8(f) % 3 + 1;
    if (!n) return;
    fk_thread_t *t = &fz_pm_cur->th[cand[pick % n]];
    t->interrupts = 0; /* one message however many times it was marked */
    uint64_t badge = t->badge;
    fz_blocked[badge] = fk_interrupted(fz_pm_cur, badge, why);
}

static void op_timer(fz_t *f)
{
    static const uint64_t steps[] = {0, 1000, 1000000, 10000000, 1000000000ull, 60000000000ull};
    fz_pm_cur->mono += fz_pick_u64(f, steps, sizeof steps / sizeof steps[0]);
    fz_pm_cur->real += 1000;
    pm_timer_fired(fz_pm_cur->pm, fz_pm_cur->mono);
}

static void op_signal(fz_t *f)
{
    uint64_t t = pick_thread(f, false);
    uint8_t m = fz_u8(f);
    int sig = fz_u8(f) % 68;
    int32_t pid = m & 1 ? -(int32_t)t : (int32_t)t;
    int32_t tid = m & 2 ? (int32_t)t : 0;
    pm_signal_notice(fz_pm_cur->pm, pid, tid, sig);
}

static void op_vfs_answers(fz_t *f)
{
    uint8_t pick = fz_u8(f);
    int64_t value = (int64_t)arg(f);
    int cand[FK_MAX_THREADS], n = 0;
    for (int tid = 1; tid < FK_MAX_THREADS; tid++)
        if (fz_pm_cur->vfs_held[tid]) cand[n++] = tid;
    if (!n) return;
    int tid = cand[pick % n];
    uint64_t tok = fz_pm_cur->vfs_held[tid];
    fz_pm_cur->vfs_held[tid] = 0;
    fz_pm_cur->tok[tok] = FK_TOK_REPLIED; /* vfs answered the caller itself */
    fz_pm_cur->tok_value[tok] = value;
}

static void op_procfs(fz_t *f)
{
    uint64_t reader = pick_thread(f, true), target = pick_thread(f, false);
    pm_procfs_req_t rq = {.pid = (int32_t)reader,
                          .tid = (int32_t)reader,
                          .target = fz_u8(f) < 16 ? (int32_t)fz_u16(f) : (int32_t)target,
                          .which = fz_u8(f) % 7,
                          .uaddr = arg(f),
                          .len = fz_pool_u64(f),
                          .off = fz_pool_u64(f),
                          .id = fz_u8(f),
                          .facts = PM_PROCFS_FACTS_NONE};
    if (fz_u8(f) & 1) { /* the same text straight from the formatter */
        char buf[512];
        (void)pm_procfs_format(fz_pm_cur->pm, rq.target, rq.which, rq.off, buf, fz_u16(f) % 513);
        return;
    }
    if (!reader) return;
    uint64_t tok = fk_tok_new(fz_pm_cur);
    fz_blocked[reader] = tok;
    pm_procfs_read(fz_pm_cur->pm, &rq, tok);
}

static void op_jobctl(fz_t *f)
{
    uint64_t badge = pick_thread(f, true);
    static const uint64_t nrs[] = {LX_SYS_read, LX_SYS_write, LX_SYS_ioctl, LX_SYS_readv};
    pm_jobctl_req_t rq = {.pid = (int32_t)badge,
                          .tid = (int32_t)badge,
                          .sig = fz_u8(f) & 1 ? 21 /* SIGTTIN */ : 22 /* SIGTTOU */,
                          .eio = fz_u8(f) & 1 ? -LX_EIO : -LX_ENOTTY,
                          .nr = fz_pick_u64(f, nrs, 4)};
    for (int i = 0; i < 6; i++)
        rq.a[i] = arg(f);
    if (!badge) return;
    uint64_t tok = fk_tok_new(fz_pm_cur);
    fz_blocked[badge] = tok;
    pm_jobctl(fz_pm_cur->pm, &rq, tok);
}

/* init's buffer: strings, argv arrays, room for whatever the calls write */
static void prepare_init(void)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fz_pm_cur, 1, FZ_UBUF + 4096);
    ubuf_base = u.base + 4096; /* the strings live below the scratch area */
    static const char *const strs[5] = {"/bin/prog", "/sbin/init", "/nonexistent", "", "/"};
    for (int i = 0; i < 5; i++)
        str_ptr[i] = fk_ubuf_str(&u, strs[i]);
    const char *const v1[] = {"prog", "-x", NULL}, *const v2[] = {NULL};
    argv_ptr[0] = fk_ubuf_strv(&u, v1);
    argv_ptr[1] = fk_ubuf_strv(&u, v2);
    uint64_t bad[2] = {0xdead0000ull, 0};
    argv_ptr[2] = fk_ubuf_bytes(&u, bad, sizeof bad);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_t f;
    fz_init(&f, data, size);
    fz_pm_new();
    fk_boot(fz_pm_cur);
    prepare_init();
    for (int i = 0; i < FZ_MAX_OPS && fz_left(&f) > 0; i++) {
        if (fz_pm_cur->poweroffs || fz_pm_cur->nev > FK_MAX_EVENTS - 1024 ||
            fz_pm_cur->next_tok > FK_MAX_TOKENS - 64)
            break; /* init is gone (the machine is off), or the fake's logs are full */
        uint8_t op = fz_u8(&f);
        if (op < 150)
            op_syscall(&f);
        else if (op < 175)
            op_poke(&f);
        else if (op < 185)
            op_fault(&f);
        else if (op < 200)
            op_interrupted(&f);
        else if (op < 215)
            op_timer(&f);
        else if (op < 225)
            op_signal(&f);
        else if (op < 235)
            op_vfs_answers(&f);
        else if (op < 248)
            op_procfs(&f);
        else
            op_jobctl(&f);
    }
    struct pm_stats st;
    pm_stats_get(fz_pm_cur->pm, &st);
    struct pm_proc_info info[8];
    (void)pm_proc_list(fz_pm_cur->pm, info, 8);
    fk_free(fz_pm_cur);
    return 0;
}
