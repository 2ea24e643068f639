/* sysfuzz's worker: random Linux syscalls with arguments that know roughly what each call takes
 * (descriptors, paths, buffers, lengths, timeouts, pids, signals, addresses, flags), drawn from
 * pools of good values, edge values and garbage. See sysfuzz.c for the runner and the list of
 * what is never called.
 *
 * Entry points: sf_worker. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "sysfuzz.h"

/* The kinds of argument (one letter each, six to a call):
 *   f descriptor  p path (read only)  P path (changed: only under /tmp/fz)  b buffer
 *   l length  i flags or a small number  t timeout (pointer)  d pid  s signal
 *   a address (mmap and friends: only in the worker's own window)  v argv/envp  x anything */
struct sf_call {
    uint16_t nr;
    char kinds[7];
};

/* clang-format off */
static const struct sf_call calls[] = {
    {0, "fbl"}, {1, "fbl"}, {2, "Pii"}, {3, "f"}, {4, "pb"}, {5, "fb"}, {6, "pb"},
    {7, "bit"}, {8, "fxi"}, {9, "aliifx"}, {10, "ali"}, {11, "al"}, {12, "a"}, {13, "sbbl"},
    {14, "ibbl"}, {16, "fxb"}, {17, "fblx"}, {18, "fblx"}, {19, "fbi"}, {20, "fbi"},
    {21, "pi"}, {22, "b"}, {23, "ibbbt"}, {24, ""}, {25, "allia"}, {26, "ali"}, {27, "alb"},
    {28, "ali"}, {32, "f"}, {33, "ff"}, {34, ""}, {35, "tb"}, {36, "ib"}, {37, "i"},
    {38, "ibb"}, {39, ""}, {40, "ffbl"}, {41, "iii"}, {57, ""}, {58, ""},
    {59, "pvv"}, {60, "i"}, {61, "dbix"}, {62, "ds"}, {63, "b"}, {72, "fix"}, {73, "fi"},
    {74, "f"}, {75, "f"}, {76, "Pl"}, {77, "fl"}, {78, "fbl"}, {79, "bl"}, {80, "p"},
    {81, "f"}, {82, "PP"}, {83, "Pi"}, {84, "P"}, {85, "Pi"}, {86, "PP"}, {87, "P"},
    {88, "pP"}, {89, "pbl"}, {90, "Pi"}, {91, "fi"}, {92, "Pii"}, {93, "fii"}, {94, "Pii"},
    {95, "i"}, {96, "bb"}, {97, "ib"}, {98, "ib"}, {99, "b"}, {100, "b"}, {102, ""},
    {104, ""}, {105, "i"}, {106, "i"}, {107, ""}, {108, ""}, {109, "dd"}, {110, ""},
    {111, ""}, {112, ""}, {113, "ii"}, {114, "ii"}, {115, "ib"}, {116, "ib"}, {117, "iii"},
    {118, "bbb"}, {119, "iii"}, {120, "bbb"}, {121, "d"}, {122, "i"}, {123, "i"},
    {124, "d"}, {127, "bl"}, {128, "bbtl"}, {129, "dsb"}, {130, "bl"}, {131, "bb"},
    {132, "Pb"}, {133, "Pii"}, {137, "pb"}, {138, "fb"}, {140, "id"}, {141, "idi"},
    {142, "db"}, {143, "db"}, {144, "dib"}, {145, "d"}, {146, "i"}, {147, "i"},
    {148, "db"}, {149, "al"}, {150, "al"}, {151, "i"}, {152, ""}, {157, "ixxxx"},
    {158, "ib"}, {160, "ib"}, {161, "p"}, {162, ""}, {186, ""}, {200, "ds"}, {201, "b"},
    {202, "bixtbi"}, {203, "dlb"}, {204, "dlb"}, {213, "i"}, {217, "fbl"}, {218, "b"},
    {219, ""}, {221, "flli"}, {222, "ibb"}, {223, "fibb"}, {224, "fb"}, {225, "f"},
    {226, "f"}, {228, "ib"}, {229, "ib"}, {230, "iitb"}, {231, "i"}, {232, "fbit"},
    {233, "fifb"}, {234, "dds"}, {235, "pb"}, {247, "idbib"}, {251, "idi"}, {252, "id"},
    {257, "fPii"}, {258, "fPi"}, {259, "fPii"}, {260, "fPiii"}, {261, "fPb"},
    {262, "fpbi"}, {263, "fPi"}, {264, "fPfP"}, {265, "fPfPi"}, {266, "pfP"},
    {267, "fpbl"}, {268, "fPii"}, {269, "fpii"}, {270, "ibbbtb"}, {271, "bltbl"},
    {273, "bl"}, {274, "dbb"}, {280, "fpbi"}, {281, "fbitbl"}, {282, "fbli"},
    {283, "ii"}, {284, "ii"}, {285, "fiil"}, {286, "fib"}, {287, "fb"}, {288, "fbbi"},
    {289, "fbli"}, {290, "ii"}, {291, "i"}, {292, "ffi"}, {293, "bi"}, {295, "fbill"},
    {296, "fbill"}, {297, "ddsb"}, {302, "dibb"}, {306, "f"}, {309, "bbb"}, {316, "fPfPi"},
    {317, "iib"}, {318, "bli"}, {319, "bi"}, {322, "fpvvi"}, {324, "ii"}, {326, "fbfbli"},
    {327, "fbilli"}, {328, "fbilli"}, {332, "fpiib"}, {334, "bil"}, {424, "dsbi"},
    {434, "di"}, {435, "bl"}, {436, "ffi"}, {437, "fpbl"}, {439, "fpii"},
    {441, "fbiti"},
};
/* clang-format on */
#define NCALLS (sizeof calls / sizeof calls[0])

/* Never called (sysfuzz.c says why): reboot, the clock setters, and these, whose pid or
 * descriptor arguments the kinds above cannot keep away from the runner. */
static int sf_excluded(uint64_t nr)
{
    switch (nr) {
    case SYS_reboot:
    case SYS_settimeofday:
    case SYS_clock_settime:
    case SYS_adjtimex:
    case SYS_clock_adjtime:
    case SYS_ptrace:
    case SYS_process_vm_readv:
    case SYS_process_vm_writev:
    case SYS_kcmp:
    case SYS_pidfd_getfd:
    case SYS_sched_setattr:
    case SYS_migrate_pages:
    case SYS_move_pages:
    case SYS_capset:
    case SYS_setns:
    case SYS_unshare:
    case SYS_vhangup:
        return 1;
    }
    return 0;
}

/* ---- the worker's memory ---------------------------------------------------------------- */

#define WIN_VA 0x200000000ull /* the worker's window: the addresses mmap & co. may be given */
#define WIN_LEN (1ull << 32)
#define BUF_LEN (64 * 1024)

static uint64_t rng;
static uint8_t *buf; /* BUF_LEN bytes, then a PROT_NONE page */
static uint8_t *ro;  /* a read-only page */
static uint64_t paths_ro[12], paths_rw[10], argvs[3], tspecs[4];
static int fds[16], nfds;
static pid_t kids[8];
static int nkids;

static uint64_t rnd(void)
{
    uint64_t x = rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t pickv(const uint64_t *v, unsigned n)
{
    return v[rnd() % n];
}
#define PICK(...)                                                                                  \
    pickv((const uint64_t[]){__VA_ARGS__}, sizeof((const uint64_t[]){__VA_ARGS__}) / 8)

static uint64_t put_str(size_t *off, const char *s)
{
    size_t n = strlen(s) + 1;
    memcpy(buf + *off, s, n);
    uint64_t at = (uint64_t)(buf + *off);
    *off += (n + 15) & ~(size_t)15;
    return at;
}

static void memory_init(void)
{
    /* outside the window the calls' addresses are drawn from, so no munmap takes it away */
    uint8_t *m = mmap((void *)0x100000000ull, BUF_LEN + 8192, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m == MAP_FAILED) _exit(90);
    buf = m;
    ro = m + BUF_LEN + 4096;
    mprotect(m + BUF_LEN, 4096, PROT_NONE);
    mprotect(ro, 4096, PROT_READ);
    for (size_t i = 0; i < BUF_LEN; i += 8) {
        uint64_t r = rnd();
        memcpy(buf + i, &r, 8);
    }
    /* the first 4 KiB: strings, argv arrays, timespecs; the rest: random bytes */
    size_t off = 0;
    static const char *const ro_paths[12] = {
        "/",    "/proc/self/stat", "/proc/meminfo", "/dev/null",          "/dev/zero", "/proc",
        "/tmp", "/nonexistent",    "/proc/self/fd", "/proc/self/cmdline", "/tmp/fz/f", ""};
    static const char *const rw_paths[10] = {
        "f", "g", "d", "d/f", "l", "/tmp/fz/f", "/tmp/fz/d", "/tmp/fz/d/", "/tmp/fz/l/x", ""};
    for (int i = 0; i < 12; i++)
        paths_ro[i] = put_str(&off, ro_paths[i]);
    for (int i = 0; i < 10; i++)
        paths_rw[i] = put_str(&off, rw_paths[i]);
    uint64_t a0 = put_str(&off, "t_child"), a1 = put_str(&off, "exit"), a2 = put_str(&off, "3");
    uint64_t v[4] = {a0, a1, a2, 0};
    memcpy(buf + off, v, sizeof v);
    argvs[0] = (uint64_t)(buf + off);
    off += sizeof v;
    memset(buf + off, 0, 8);
    argvs[1] = (uint64_t)(buf + off); /* empty */
    off += 16;
    uint64_t bad[2] = {0xdead0000ull, 0};
    memcpy(buf + off, bad, sizeof bad);
    argvs[2] = (uint64_t)(buf + off);
    off += 16;
    static const struct timespec ts[4] = {{0, 0}, {0, 1000000}, {0, 5000000}, {0, 999999999}};
    for (int i = 0; i < 4; i++) {
        memcpy(buf + off, &ts[i], sizeof ts[i]);
        tspecs[i] = (uint64_t)(buf + off);
        off += 16;
    }
}

/* ---- argument kinds ------------------------------------------------------------------------ */

static uint64_t edge(void)
{
    return PICK(0, 1, 2, 4095, 4096, 65536, 0x7fffffff, 0x80000000ull, 0xffffffffull,
                0x100000000ull, 0x7fffffffffffull, 0x800000000000ull, 0xffff800000000000ull,
                (uint64_t)-1, (uint64_t)-2, (uint64_t)-4096, 1ull << 63, 64ull << 30);
}

static uint64_t a_buffer(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 60) return (uint64_t)buf + 4096 + rnd() % (BUF_LEN - 4096);
    if (r < 70) return (uint64_t)buf + BUF_LEN - 1 - rnd() % 256; /* into the guard page */
    if (r < 75) return (uint64_t)ro + rnd() % 4096;
    return PICK(0, 8, 0x1000, 0xdead0000ull, 0xffff800000000000ull, 0xffffffff80000000ull,
                0x800000000000ull, 0x7ffffffffff8ull, 1ull << 63);
}

static uint64_t a_length(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    return r < 50 ? rnd() % 512 : r < 70 ? rnd() % 65536 : edge();
}

static uint64_t a_fd(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 55 && nfds) return (uint64_t)(int64_t)fds[rnd() % (unsigned)nfds];
    if (r < 80) return rnd() % 12;
    return PICK((uint64_t)-1, (uint64_t)-100 /* AT_FDCWD */, 1023, 1024, 0x7fffffff, 0x80000000ull,
                1ull << 32);
}

static uint64_t a_flags(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 30) return rnd() % 16;
    if (r < 60) return rnd() & PICK(0xff, 0xfff, 0x1ffff, 0xffffffffull);
    if (r < 75) return 1ull << (rnd() % 32);
    return edge();
}

static uint64_t a_timeout(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 85) return tspecs[rnd() % 3]; /* short: the worker goes on */
    if (r < 90) return tspecs[3];
    return a_buffer(); /* anything: the runner ends a worker that sleeps too long */
}

/* a pid: the worker's own, a child's, its group, garbage; never 1, -1 or the runner's */
static uint64_t a_pid(pid_t runner)
{
    pid_t me = getpid();
    int64_t v;
    switch (rnd() % 8) {
    case 0:
        v = 0;
        break;
    case 1:
        v = me;
        break;
    case 2:
        v = -(int64_t)me;
        break;
    case 3:
        v = nkids ? kids[rnd() % (unsigned)nkids] : me;
        break;
    case 4:
        v = (int64_t)PICK(99999, 0x7fffffff, 0x80000000ull, (uint64_t)-99999);
        break;
    case 5:
        v = (int64_t)edge();
        break;
    default:
        v = me + 1 + (int64_t)(rnd() % 8);
        break;
    }
    int32_t v32 = (int32_t)v;
    if (v32 == 1 || v32 == -1 || v32 == runner || v32 == -runner) v = me;
    return (uint64_t)v;
}

static uint64_t a_address(void)
{
    unsigned r = (unsigned)(rnd() % 100);
    if (r < 85) return WIN_VA + ((rnd() % WIN_LEN) & ~0xfffull);
    if (r < 90) return WIN_VA + rnd() % WIN_LEN; /* unaligned */
    return PICK(0, 0x800000000000ull, 0xffff800000000000ull, (uint64_t)-4096, 1ull << 63);
}

static uint64_t a_any(pid_t runner)
{
    switch (rnd() % 6) {
    case 0:
        return a_buffer();
    case 1:
        return a_flags();
    case 2:
        return a_length();
    case 3:
        return a_fd();
    case 4:
        return edge();
    default:
        return rnd() % 64;
    }
    (void)runner;
}

static uint64_t arg(char kind, pid_t runner)
{
    switch (kind) {
    case 'f':
        return a_fd();
    case 'p':
        return rnd() % 8 ? paths_ro[rnd() % 12] : a_buffer();
    case 'P':
        return rnd() % 8 ? paths_rw[rnd() % 10] : PICK(0, (uint64_t)ro);
    case 'b':
        return a_buffer();
    case 'l':
        return a_length();
    case 'i':
        return a_flags();
    case 't':
        return a_timeout();
    case 'd':
        return a_pid(runner);
    case 's':
        return rnd() % 4 ? rnd() % 65 : edge();
    case 'a':
        return a_address();
    case 'v':
        return argvs[rnd() % 3];
    default:
        return a_any(runner);
    }
}

static long raw(long n, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}

/* What each call must not be given, on top of its kinds: the runner's reach. */
static int sanitize(uint64_t nr, uint64_t a[6])
{
    if (sf_excluded(nr)) return 0;
    if (nr == SYS_ioctl && (a[1] == 0x540E /* TIOCSCTTY */ || a[1] == 0x5412 /* TIOCSTI */))
        return 0;
    if (nr == SYS_setpriority || nr == SYS_getpriority || nr == SYS_ioprio_set)
        a[0] %= 3; /* PRIO_PROCESS, PGRP or USER: a wrong `which` is EINVAL either way */
    return 1;
}

void sf_worker(uint64_t seed, uint64_t ncalls, volatile struct sf_slot *slot, pid_t runner,
               int trace_fd)
{
    rng = seed * 0x9E3779B97F4A7C15ull + 0x1234567;
    if (!rng) rng = 1;
    memory_init();
    for (uint64_t i = 0; i < ncalls; i++) {
        uint64_t nr, a[6];
        unsigned r = (unsigned)(rnd() % 100);
        const char *kinds = "xxxxxx";
        if (r < 90) {
            const struct sf_call *c = &calls[rnd() % NCALLS];
            nr = c->nr;
            kinds = c->kinds;
        } else if (r < 98) {
            nr = rnd() % 460; /* any number, the ones in between included */
        } else {
            nr = edge();
        }
        size_t nk = strlen(kinds);
        for (int k = 0; k < 6; k++)
            a[k] = k < (int)nk ? arg(kinds[k], runner) : rnd() % 4 ? 0 : a_any(runner);
        if (!sanitize(nr, a)) continue;
        slot->nr = nr;
        for (int k = 0; k < 6; k++)
            slot->a[k] = a[k];
        if (trace_fd >= 0)
            dprintf(trace_fd, "[%d] %lu: %lu(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", (int)getpid(),
                    (unsigned long)i, (unsigned long)nr, (unsigned long)a[0], (unsigned long)a[1],
                    (unsigned long)a[2], (unsigned long)a[3], (unsigned long)a[4],
                    (unsigned long)a[5]);
        long ret =
            raw((long)nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
        if (trace_fd >= 0) dprintf(trace_fd, "[%d]   = %ld\n", (int)getpid(), ret);
        slot->calls++;
        if (ret >= 0 && ret < 1024 && nfds < 16 &&
            (nr == SYS_open || nr == SYS_openat || nr == SYS_dup || nr == SYS_epoll_create1 ||
             nr == SYS_eventfd2 || nr == SYS_timerfd_create || nr == SYS_creat))
            fds[nfds++] = (int)ret;
        if (ret == 0 && (nr == SYS_pipe || nr == SYS_pipe2) && nfds < 15 &&
            (uint64_t)a[0] >= (uint64_t)buf && (uint64_t)a[0] + 8 <= (uint64_t)buf + BUF_LEN) {
            int p[2];
            memcpy(p, (void *)a[0], 8);
            fds[nfds++] = p[0], fds[nfds++] = p[1];
        }
        if (ret > 0 && nkids < 8 && (nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone))
            kids[nkids++] = (pid_t)ret;
        if (ret == 0 && (nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone))
            nkids = 0; /* a child goes on fuzzing: its own children only */
    }
    _exit(0);
}
