/* kfuzz: a fuzzer of the kernel's own calls, run as the only root server (roots=kfuzz).
 *
 * The runner (this program's first thread) runs rounds. A round makes a worker space (a copy of
 * this image) with NW native worker threads and a target space (another copy, handed to the
 * workers) and lets the workers make random kernel calls: every call number (and numbers past
 * the table), handles they made themselves, handles shared between them, and bad handles (0,
 * negative, deleted, out of range, above 2^32), pointers into their scratch buffers, running off
 * them into a guard page, into the kernel half, the non-canonical hole and unmapped pages, edge
 * lengths and addresses (0, a page, 64 GiB, 2^46, the end of user space, -1, overflowing), IPC
 * messages with random words and capabilities (copied and moved), threads created native and
 * foreign with random configurations and register images, spaces mapped, unmapped, protected,
 * forked, copied into and out of, memory objects made, mapped, resized and committed.
 * Workers block (a receive nobody answers), kill each other, die of faults: the runner watches
 * their progress counters between naps and ends the round when every worker is stuck or done or
 * the round's time is up. It then tears everything down (kills every thread the workers made,
 * deletes every handle that is not its own) and checks the kernel's accounting against what it
 * was before the round: live threads, spaces, endpoints and memory objects, the bytes of live
 * kernel objects on the heap, and every frame (free, or the heap's).
 *
 * The kernel must never panic, never stop the runner for long (the longest nap overrun is
 * reported), and account for everything after every round. Output: a line per failed round
 * (its seed, to replay it), a progress line every 100 rounds, and
 * "KFUZZ: N passed, M failed" (rounds), then power off with status 0 iff none failed.
 *
 * Command line: kfuzz.rounds=N (default 40; make test runs 16), kfuzz.seed=S (default 1),
 * kfuzz.calls=C (per worker per round, default 600), kfuzz.verbose (a line per round).
 *
 * What the workers never do (it would end the run, not test the kernel): use the runner's handles
 * (its space, its thread, the control object, the round's own objects), change their own space
 * (they have no handle to it), create threads above the runner's priority that could spin
 * forever, write arbitrary bytes to the console (debug_write prints dots). */
#include <stdint.h>
#include <string.h>
#include "kcore.h"

#define NW 3                     /* worker threads per round */
#define POOL 24                  /* handles a worker keeps track of */
#define BOARD 16                 /* handles shared by the workers */
#define SCRATCH_VA 0x50000000ull /* worker i's buffer: 3 pages at + i * 64 KiB, then a hole */
#define SCRATCH_LEN (3 * 4096ull)
#define ARENA_VA 0x100000000ull /* where workers map things in the spaces they handle */
#define USER_TOP 0x800000000000ull
extern char __executable_start[]; /* where the build links this program (its BASE) */
#define NAP_MS 10
#define ROUND_MS 1500 /* a round ends after this much guest time at most */

/* ---- what a worker space holds (set by the runner before cloning: each copy has its own) ---- */

static struct {
    uint64_t seed, calls;
    int32_t prot[40]; /* the runner's handles: never used by a worker */
    int nprot;
} wcfg;

static volatile uint64_t wdone[NW];   /* calls made; the runner reads them */
static volatile int32_t board[BOARD]; /* handles any worker may use (the target space first) */

struct worker {
    uint64_t rng;
    int32_t pool[POOL];
    int npool;
    uint8_t *buf;
    unsigned idx;
};
static struct worker ws[NW];
static const char dots[16] = "................";

static uint64_t rnd(struct worker *w)
{
    uint64_t x = w->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    w->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t pick(struct worker *w, const uint64_t *v, unsigned n)
{
    return v[rnd(w) % n];
}
#define PICK(w, ...)                                                                               \
    pick(w, (const uint64_t[]){__VA_ARGS__},                                                       \
         sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))

static int is_protected(int64_t h)
{
    for (int i = 0; i < wcfg.nprot; i++)
        if (wcfg.prot[i] == h) return 1;
    return 0;
}

/* drops a handle for good: a thread is killed first (a thread nobody holds would live on) */
static void drop(int64_t h)
{
    if (h <= 0 || is_protected(h)) return;
    if (k_cap_info(h) == KOBJ_THREAD) k_thread_kill(h);
    k_cap_delete(h);
}

static void pool_add(struct worker *w, int64_t h)
{
    if (h <= 0 || h > 0x7fffffff || is_protected(h)) return;
    if (w->npool < POOL) {
        w->pool[w->npool++] = (int32_t)h;
        return;
    }
    unsigned i = (unsigned)(rnd(w) % POOL); /* full: the evicted handle goes */
    drop(w->pool[i]);
    w->pool[i] = (int32_t)h;
}

static uint64_t handle(struct worker *w)
{
    unsigned r = (unsigned)(rnd(w) % 100);
    if (r < 72) { /* one we hold (the number may be the runner's now: a worker it replaced) */
        int32_t h =
            r < 60 && w->npool ? w->pool[rnd(w) % (unsigned)w->npool] : board[rnd(w) % BOARD];
        return is_protected(h) ? 0 : (uint64_t)(int64_t)h;
    }
    if (r < 90) /* bad: none, negative, far out, and above 2^32 (a truncation would reach the
                 * runner's handles 1..3: the kernel must look at all 64 bits) */
        return PICK(w, 0, (uint64_t)-1, (uint64_t)-2, 0x7fffffff, 0x80000000ull, 65535, 65536,
                    0x100000001ull, 0x100000002ull, 0x100000003ull, 0xffffffff00000001ull,
                    1ull << 63);
    uint64_t h = 1 + rnd(w) % 200; /* any small number that is not the runner's */
    return is_protected((int64_t)h) ? 0 : h;
}

/* a handle in a 32-bit field (a message's capabilities, a thread's endpoints): handle()'s values
 * above 2^32 would be truncated here by the worker itself, into the runner's handles */
static int32_t handle32(struct worker *w)
{
    int64_t h = (int64_t)handle(w);
    if (h != (int32_t)h) return (int32_t)PICK(w, 0x7fffffff, 0x80000000ull, 0xffffffffull);
    return is_protected(h) ? 0 : (int32_t)h;
}

/* a pointer the kernel reads or writes for the caller */
static uint64_t ptr(struct worker *w)
{
    unsigned r = (unsigned)(rnd(w) % 100);
    uint64_t b = (uint64_t)w->buf;
    if (r < 55) return b + rnd(w) % 2048;                  /* room for any structure */
    if (r < 65) return b + SCRATCH_LEN - 1 - rnd(w) % 600; /* running off into the hole */
    if (r < 75)
        return PICK(w, 0xffff800000000000ull, 0xffffffff80000000ull, 0xfffffffffffff000ull,
                    0xffff800000001000ull); /* the kernel half */
    if (r < 82)
        return PICK(w, 0x800000000000ull, 0x8000000000000000ull, USER_TOP - 8,
                    0x7ffffffffff0ull); /* the hole, and its edge */
    if (r < 94) return PICK(w, 0, 8, 0x1000, 0xdead0000ull, 0x40000000ull); /* nothing there */
    return rnd(w);
}

static uint64_t length(struct worker *w)
{
    unsigned r = (unsigned)(rnd(w) % 100);
    if (r < 50) return 4096 * (1 + rnd(w) % 16);
    if (r < 60) return rnd(w) % 5000;
    return PICK(w, 0, 1, 0xfff, 0x200000, 1ull << 30, 64ull << 30, 1ull << 46, USER_TOP,
                USER_TOP - 0x1000, (uint64_t)-1, (uint64_t)-4096, 1ull << 63);
}

static uint64_t vaddr(struct worker *w)
{
    unsigned r = (unsigned)(rnd(w) % 100);
    if (r < 70) return ARENA_VA + 4096 * (rnd(w) % 4096); /* 16 MiB: ranges meet and overlap */
    if (r < 80) return ARENA_VA + (rnd(w) % (1ull << 36) & ~0xfffull);
    if (r < 85) return ARENA_VA + rnd(w) % 65536; /* unaligned */
    /* the stacks (kcore_util.c) and this program's image, copied into every space it makes */
    return PICK(w, 0, 0x1000, 0x60000000ull, (uint64_t)__executable_start, USER_TOP - 0x1000,
                USER_TOP - 0x200000, USER_TOP, 1ull << 63, (uint64_t)-4096, 0x7fffffffe000ull);
}

static uint64_t prot(struct worker *w)
{
    unsigned r = (unsigned)(rnd(w) % 100);
    if (r < 80) return rnd(w) % 8;
    if (r < 95) return (rnd(w) % 8) | KMAP_SHARED;
    return rnd(w);
}

/* a random message in the IPC buffer, with capabilities now and then */
static void message(struct worker *w)
{
    struct ipc_buf *b = kipc();
    b->label = (uint32_t)rnd(w);
    b->len = (uint32_t)(rnd(w) % 8 ? rnd(w) % 8 : rnd(w) % 600);
    for (unsigned i = 0; i < 8; i++)
        b->mr[i] = rnd(w);
    b->ncaps = (uint32_t)(rnd(w) % 4 ? 0 : rnd(w) % 6);
    for (unsigned i = 0; i < 4; i++)
        b->caps[i] = handle32(w);
    b->cap_move = (uint32_t)(rnd(w) % 16);
}

/* what a receive brought: its capabilities, a reply handle */
static void received(struct worker *w, int64_t r)
{
    struct ipc_buf *b = kipc();
    if (r > 0) pool_add(w, r);
    for (unsigned i = 0; i < b->ncaps && i < 4; i++)
        pool_add(w, b->caps[i]);
    b->ncaps = 0;
}

void kf_spin(void), kf_syscall(void);
__asm__(".text\n"
        ".globl kf_spin\n"
        "kf_spin:\n"
        "  pause\n"
        "  jmp kf_spin\n"
        ".globl kf_syscall\n" /* a foreign thread's endless syscalls */
        "kf_syscall:\n"
        "  mov $39, %eax\n"
        "  syscall\n"
        "  jmp kf_syscall\n");

/* a native thread a worker makes: yields for ever (a lower priority than the runner's) */
static void kf_native(uint64_t unused)
{
    (void)unused;
    for (;;)
        k_yield();
}

static void thread_cfg(struct worker *w, struct kthread_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->flags = (uint32_t)PICK(w, KTHREAD_FOREIGN, KTHREAD_FOREIGN | KTHREAD_FPU_INIT,
                              KTHREAD_FOREIGN | KTHREAD_SUSPENDED, KTHREAD_FPU_INIT,
                              KTHREAD_SUSPENDED | KTHREAD_FPU_INIT, 0, rnd(w));
    /* below the runner's priority (2): a thread that spins there for ever would take the
     * runner's time (and the idle check's); 4 and up are invalid */
    c->priority = (uint32_t)PICK(w, 1, 1, 1, 0, 4, 0xffffffffull);
    if (!(c->flags & KTHREAD_FOREIGN) && c->priority == 0)
        c->priority = 1; /* a native thread's default is the runner's priority */
    c->syscall_ep = handle32(w);
    c->fault_ep = rnd(w) % 8 ? handle32(w) : -1;
    c->badge = rnd(w);
    c->ipc_buf = rnd(w) % 8 ? vaddr(w) & ~0xfffull : vaddr(w);
    c->regs.rip = PICK(w, (uint64_t)kf_spin, (uint64_t)kf_syscall, (uint64_t)kf_native,
                       (uint64_t)kf_syscall, 0x1000, 1ull << 47, rnd(w));
    c->regs.rsp = PICK(w, 0, vaddr(w) + 4096, (uint64_t)-8);
    c->regs.rflags = rnd(w);
    c->regs.fs_base = PICK(w, 0, 0, vaddr(w), 1ull << 63);
    c->regs.gs_base = PICK(w, 0, 0, 1ull << 47);
    uint32_t mxcsr = rnd(w) % 4 ? 0x1f80 : (uint32_t)rnd(w);
    memcpy(c->regs.fpu + 24, &mxcsr, 4);
}

static void regs_image(struct worker *w, struct kregs *r)
{
    uint64_t *q = (uint64_t *)r;
    for (unsigned i = 0; i < 20; i++)
        q[i] = rnd(w) % 4 ? rnd(w) % 0x10000 : rnd(w);
    r->rip =
        PICK(w, (uint64_t)kf_spin, (uint64_t)kf_syscall, rnd(w), 1ull << 47, 0xffff800000001000ull);
    r->fs_base = PICK(w, 0, vaddr(w), 1ull << 63);
    uint32_t mxcsr = rnd(w) % 4 ? 0x1f80 : (uint32_t)rnd(w);
    memcpy(r->fpu + 24, &mxcsr, 4);
}

/* The call each worker is in (start 0: none), read by the runner when it was kept waiting: a
 * kernel call runs with interrupts off, and the runner, of a higher priority, runs as soon as
 * one returns, before the worker clears its record. */
struct slow {
    uint64_t start, nr, a[6];
};
static volatile struct slow wcur[NW];

static int64_t kc(struct worker *w, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                  uint64_t a4, uint64_t a5)
{
    volatile struct slow *c = &wcur[w->idx];
    c->nr = nr, c->a[0] = a0, c->a[1] = a1, c->a[2] = a2, c->a[3] = a3, c->a[4] = a4;
    c->a[5] = a5;
    c->start = k_rdtsc();
    int64_t r = kcall6(nr, a0, a1, a2, a3, a4, a5);
    c->start = 0;
    return r;
}

/* one random kernel call */
static void one_call(struct worker *w)
{
    uint64_t nr = rnd(w) % 50 ? rnd(w) % KCALL_COUNT : PICK(w, KCALL_COUNT, 99, 1ull << 32, -1);
    uint8_t *buf = w->buf;
    int64_t r;
    switch (nr) {
    case KCALL_debug_write: {
        uint64_t p = ptr(w);
        int inside = p >= (uint64_t)buf && p < (uint64_t)buf + SCRATCH_LEN;
        kc(w, nr, inside ? (uint64_t)dots : p, inside ? rnd(w) % 2 : length(w), 0, 0, 0, 0);
        break;
    }
    case KCALL_send:
    case KCALL_call:
        message(w);
        r = kc(w, nr, handle(w), 0, 0, 0, 0, 0);
        if (nr == KCALL_call && r == 0) received(w, 0);
        break;
    case KCALL_recv:
        received(w, kc(w, nr, handle(w), 0, 0, 0, 0, 0));
        break;
    case KCALL_reply:
        message(w);
        kc(w, nr, handle(w), 0, 0, 0, 0, 0);
        break;
    case KCALL_reply_recv:
        message(w);
        received(w, kc(w, nr, handle(w), handle(w), 0, 0, 0, 0));
        break;
    case KCALL_ep_create:
        r = kc(w, KCALL_ep_create, 0, 0, 0, 0, 0, 0);
        pool_add(w, r);
        if (r > 0 && rnd(w) % 4 == 0) board[1 + rnd(w) % (BOARD - 1)] = (int32_t)r;
        break;
    case KCALL_cap_copy:
        pool_add(w, kc(w, nr, handle(w), rnd(w) % 2 ? KR_ALL : rnd(w), rnd(w), 0, 0, 0));
        break;
    case KCALL_cap_delete:
        drop((int64_t)handle(w));
        break;
    case KCALL_as_create:
    case KCALL_as_fork:
    case KCALL_mem_create:
        pool_add(w, kc(w, nr, nr == KCALL_mem_create ? length(w) : handle(w),
                       rnd(w) % 8 ? 0 : rnd(w), 0, 0, 0, 0));
        break;
    case KCALL_as_map:
    case KCALL_as_protect:
        kc(w, nr, handle(w), vaddr(w), length(w), prot(w), 0, 0);
        break;
    case KCALL_as_unmap:
        kc(w, nr, handle(w), vaddr(w), length(w), 0, 0, 0);
        break;
    case KCALL_as_read:
        kc(w, nr, handle(w), vaddr(w), ptr(w), length(w), 0, 0);
        break;
    case KCALL_as_write:
        kc(w, nr, handle(w), vaddr(w), ptr(w), length(w), rnd(w) % 4 ? KAS_FORCE : rnd(w), 0);
        break;
    case KCALL_as_copy:
        kc(w, nr, handle(w), vaddr(w), handle(w), vaddr(w), length(w), rnd(w) % 2);
        break;
    case KCALL_thread_create: {
        struct kthread_cfg *c = (struct kthread_cfg *)buf;
        thread_cfg(w, c);
        uint64_t p = rnd(w) % 16 ? (uint64_t)c : ptr(w);
        pool_add(w, kc(w, nr, handle(w), p, 0, 0, 0, 0));
        break;
    }
    case KCALL_thread_write_regs: {
        struct kregs *k = (struct kregs *)buf;
        regs_image(w, k);
        kc(w, nr, handle(w), rnd(w) % 8 ? (uint64_t)k : ptr(w), 0, 0, 0, 0);
        break;
    }
    case KCALL_thread_set_as:
    case KCALL_notify:
    case KCALL_console_bind:
    case KCALL_thread_cpu_alarm:
    case KCALL_thread_trace:
        kc(w, nr, handle(w),
           nr == KCALL_thread_set_as ? handle(w)
           : rnd(w) % 2              ? rnd(w)
                                     : 1,
           0, 0, 0, 0);
        break;
    case KCALL_timer_set:
        kc(w, nr, handle(w), rnd(w),
           PICK(w, 0, k_clock_ns() + rnd(w) % 5000000, k_clock_ns(), 1, (uint64_t)-1), 0, 0, 0);
        break;
    case KCALL_poweroff: /* never the control object: handle() cannot name it */
        kc(w, nr, handle(w), rnd(w), 0, 0, 0, 0);
        break;
    case KCALL_as_map_mem:
        kc(w, nr, handle(w), vaddr(w), length(w), prot(w), handle(w),
           rnd(w) % 2 ? 4096 * (rnd(w) % 8) : length(w));
        break;
    case KCALL_mem_resize:
        kc(w, nr, handle(w), length(w), 0, 0, 0, 0);
        break;
    case KCALL_mem_commit:
        kc(w, nr, handle(w), rnd(w) % 2 ? 0 : length(w), length(w), 0, 0, 0);
        break;
    case KCALL_log_read:
        kc(w, nr, ptr(w), length(w), rnd(w) % 2 ? 0 : rnd(w), 0, 0, 0);
        break;
    default: /* the rest take (handle or pointer, pointer or length) */
        kc(w, nr, rnd(w) % 2 ? handle(w) : ptr(w), rnd(w) % 2 ? ptr(w) : length(w), rnd(w), rnd(w),
           rnd(w), rnd(w));
        break;
    }
}

/* arg: the worker's index, and in bit 8 whether it replaces one that got stuck (it goes on with
 * that one's handles and random sequence) */
static void worker(uint64_t arg)
{
    unsigned idx = (unsigned)(arg & 0xff);
    struct worker *w = &ws[idx];
    if (!(arg & 0x100)) {
        w->idx = idx;
        w->rng = wcfg.seed * 0x9E3779B97F4A7C15ull + idx * 0xBF58476D1CE4E5B9ull + 1;
        if (!w->rng) w->rng = 1; /* xorshift's one fixed point */
        w->buf = (uint8_t *)(SCRATCH_VA + idx * 0x10000);
        w->npool = 0;
    }
    while (wdone[idx] < wcfg.calls) {
        one_call(w);
        wdone[idx]++;
    }
    park(); /* done: the runner kills it */
}

/* ---- the runner --------------------------------------------------------------------------- */

static int nap_ep;
static uint64_t worst_overrun_ns, worst_round, round_seed, calls_total;
static int round_space; /* the worker space of the round (0: none) */
static struct slow worst_call;

static const char *const call_names[KCALL_COUNT] = {
#define KF_NAME(n, name) [n] = #name,
    KCALLS(KF_NAME)
#undef KF_NAME
};

/* the call a worker was in while the runner waited `late` ns: the culprit, if it is the worst */
static void blame(uint64_t late)
{
    static struct slow cur[NW];
    if (!round_space || k_as_read(round_space, (uint64_t)wcur, cur, sizeof cur) < 0) return;
    uint64_t now = k_rdtsc(), oldest = 0;
    int who = -1;
    for (int i = 0; i < NW; i++) {
        uint64_t nr = cur[i].nr;
        int blocks = nr == KCALL_yield || nr == KCALL_send || nr == KCALL_call ||
                     nr == KCALL_recv || nr == KCALL_reply_recv;
        if (cur[i].start && !blocks && now - cur[i].start > oldest)
            oldest = now - cur[i].start, who = i;
    }
    if (who >= 0 && late > worst_overrun_ns) {
        worst_call = cur[who];
        worst_call.start = late;
    }
}
static int32_t own[16]; /* the handles the runner holds for the whole run */
static int nown;

static void nap(uint64_t ms)
{
    uint64_t due = k_clock_ns() + ms * 1000000ull;
    k_timer_set(nap_ep, 1, due);
    k_recv(nap_ep);
    uint64_t late = k_clock_ns() - due;
    if (late > 50000000ull) blame(late);
    if (late > worst_overrun_ns) {
        worst_overrun_ns = late;
        worst_round = round_seed;
    }
}

static uint64_t arg_u64(const char *cmdline, const char *key, uint64_t dflt)
{
    size_t n = strlen(key);
    for (const char *p = cmdline; *p; p++) {
        if ((p == cmdline || p[-1] == ' ') && strncmp(p, key, n) == 0 && p[n] == '=') {
            uint64_t v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            return v;
        }
    }
    return dflt;
}

static void protect(int64_t h)
{
    if (h > 0 && wcfg.nprot < 40) wcfg.prot[wcfg.nprot++] = (int32_t)h;
}

/* every handle that is not the runner's goes (threads killed first), and the console is bound
 * back to the runner's endpoint (a binding holds its endpoint) */
#define SCAN_HANDLES 4096
static void teardown(int console_ep)
{
    for (int pass = 0; pass < 2; pass++)
        for (int64_t h = 1; h < SCAN_HANDLES; h++) {
            if (is_protected(h)) continue;
            int64_t t = k_cap_info(h);
            if (t < 0) continue;
            if (t == KOBJ_THREAD && pass == 0) k_thread_kill(h);
            if (pass == 1) k_cap_delete(h);
        }
    k_console_bind(console_ep, 0);
}

struct counts {
    uint64_t threads, aspaces, endpoints, mem_objects, heap_bytes, frames;
};

static struct counts counts_now(void)
{
    static struct kmem_info mi;
    k_mem_info(&mi);
    return (struct counts){mi.threads,     mi.aspaces,    mi.endpoints,
                           mi.mem_objects, mi.heap_bytes, mi.free_frames + mi.heap_frames};
}

/* one round: 0 if the kernel accounted for everything afterwards */
static int round_run(uint64_t seed, uint64_t calls, int console_ep, int verbose)
{
    struct counts before = counts_now();
    wcfg.seed = seed;
    wcfg.calls = calls;
    wcfg.nprot = 0;
    round_seed = seed;
    for (int i = 0; i < nown; i++)
        protect(own[i]);
    int target = clone_space(); /* a space the workers get: this image, so code runs in it */
    int space = clone_space();
    protect(target);
    protect(space);
    for (unsigned i = 0; i < NW; i++) /* the scratch buffers (the hole after each stays empty) */
        k_as_map(space, SCRATCH_VA + i * 0x10000, SCRATCH_LEN, KPROT_READ | KPROT_WRITE);
    int64_t shared = k_cap_copy(target, KR_MAP, 0);
    int32_t zero_board[BOARD] = {(int32_t)shared};
    k_as_write(space, (uint64_t)board, zero_board, sizeof zero_board);
    k_as_write(space, (uint64_t)&wcfg, &wcfg, sizeof wcfg); /* written after the clone's copy */
    int64_t th[NW];
    for (unsigned i = 0; i < NW; i++) {
        th[i] = spawn_native(space, worker, i);
        protect(th[i]);
    }
    k_as_write(space, (uint64_t)&wcfg, &wcfg, sizeof wcfg); /* the threads' handles too */
    round_space = space;

    /* a worker that made no call for 3 naps is blocked (a receive nobody answers) or dead: it
     * is killed and another takes its place, with its handles */
    uint64_t start = k_clock_ns(), last[NW] = {0}, done[NW];
    int still[NW] = {0};
    static struct kmem_info mi;
    while (k_clock_ns() - start < ROUND_MS * 1000000ull) {
        k_mem_info(&mi);
        uint64_t entries = mi.kernel_entries;
        nap(NAP_MS);
        k_mem_info(&mi);
        /* nobody but the runner entered the kernel during the nap (its timer_set, recv and
         * mem_info): every thread is blocked, no need to wait longer for a stuck one */
        int idle = mi.kernel_entries - entries <= 3;
        k_as_read(space, (uint64_t)wdone, done, sizeof done);
        unsigned finished = 0;
        for (unsigned i = 0; i < NW; i++) {
            still[i] = done[i] == last[i] ? still[i] + 1 : 0;
            last[i] = done[i];
            finished += done[i] >= calls;
            if ((still[i] >= 3 || (idle && still[i])) && done[i] < calls) {
                k_thread_kill(th[i]);
                k_cap_delete(th[i]);
                th[i] = spawn_native(space, worker, i | 0x100);
                wcfg.prot[wcfg.nprot - NW + i] = (int32_t)th[i];
                k_as_write(space, (uint64_t)&wcfg, &wcfg, sizeof wcfg);
                still[i] = 0;
            }
        }
        if (finished == NW) break;
    }
    uint64_t total = 0;
    for (unsigned i = 0; i < NW; i++) {
        k_thread_kill(th[i]);
        total += done[i];
    }
    round_space = 0;
    teardown(console_ep);
    for (unsigned i = 0; i < NW; i++)
        k_cap_delete(th[i]);
    k_cap_delete(space);
    k_cap_delete(target);
    nap(1); /* a thread that killed itself is freed at the next switch */
    struct counts after = counts_now();
    int bad = memcmp(&before, &after, sizeof before) != 0;
    if (bad || verbose)
        printf("KFUZZ round seed %lu: %lu calls; threads %lu->%lu spaces %lu->%lu endpoints "
               "%lu->%lu objects %lu->%lu heap bytes %lu->%lu frames %lu->%lu%s\n",
               (unsigned long)seed, (unsigned long)total, (unsigned long)before.threads,
               (unsigned long)after.threads, (unsigned long)before.aspaces,
               (unsigned long)after.aspaces, (unsigned long)before.endpoints,
               (unsigned long)after.endpoints, (unsigned long)before.mem_objects,
               (unsigned long)after.mem_objects, (unsigned long)before.heap_bytes,
               (unsigned long)after.heap_bytes, (unsigned long)before.frames,
               (unsigned long)after.frames, bad ? "  LEAK" : "");
    calls_total += total;
    return bad;
}

int main(const struct kboot_info *bi)
{
    uint64_t rounds = arg_u64(bi->cmdline, "kfuzz.rounds", 40);
    uint64_t seed = arg_u64(bi->cmdline, "kfuzz.seed", 1);
    uint64_t calls = arg_u64(bi->cmdline, "kfuzz.calls", 600);
    int verbose = kcore_has_word(bi->cmdline, "kfuzz.verbose");
    nap_ep = (int)k_ep_create();
    int console_ep = (int)k_ep_create();
    for (int64_t h = 1; h < 64; h++) /* the boot handles and these two: never the workers' */
        if (k_cap_info(h) >= 0 && nown < 16) own[nown++] = (int32_t)h;
    /* the capability table grows to a size no round exceeds (it never shrinks: a round that grew
     * it would look like a leak), then a warm-up round fills the kernel's caches and touches the
     * runner's own pages */
    for (int i = 0; i < SCAN_HANDLES - 128; i++)
        k_cap_copy(nap_ep, KR_SEND, 0);
    wcfg.nprot = 0;
    for (int i = 0; i < nown; i++)
        protect(own[i]);
    teardown(console_ep);
    round_run(0, calls, console_ep, 0);
    printf("KFUZZ: %lu rounds from seed %lu, %lu calls per worker, %d workers\n",
           (unsigned long)rounds, (unsigned long)seed, (unsigned long)calls, NW);
    uint64_t base_calls = calls_total;
    int passed = 0, failed = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        if (round_run(seed + r, calls, console_ep, verbose))
            failed++;
        else
            passed++;
        if ((r + 1) % 100 == 0)
            printf("KFUZZ progress: %lu rounds, %lu calls, %d failed\n", (unsigned long)(r + 1),
                   (unsigned long)(calls_total - base_calls), failed);
    }
    printf("KFUZZ: %lu calls in %lu rounds; the runner's longest wait past its timer %lu us "
           "(round seed %lu)\n",
           (unsigned long)(calls_total - base_calls), (unsigned long)rounds,
           (unsigned long)(worst_overrun_ns / 1000), (unsigned long)worst_round);
    const struct slow *c = &worst_call;
    if (c->start)
        printf("KFUZZ: during that wait a worker was in %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
               c->nr < KCALL_COUNT ? call_names[c->nr] : "?", (unsigned long)c->a[0],
               (unsigned long)c->a[1], (unsigned long)c->a[2], (unsigned long)c->a[3],
               (unsigned long)c->a[4], (unsigned long)c->a[5]);
    printf("KFUZZ: %d passed, %d failed\n", passed, failed);
    k_poweroff(ROOT_H_CONTROL, failed ? 1 : 0);
    return 0;
}
