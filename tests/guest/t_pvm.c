/* t_pvm: process_vm_readv and process_vm_writev (Linux semantics). A forked child keeps a
 * buffer the parent reads and writes with several iovecs on both sides, the child checking the
 * written bytes and answering over a pipe; transfers cut short at an unmapped page (remote or
 * local) return the bytes before it, a fault at once is EFAULT, a read-only remote page cannot
 * be written (no FOLL_FORCE), a process may read itself ([vdso] too, never [vvar]); the errors
 * EINVAL (flags, counts above IOV_MAX, a negative length), EFAULT (unreadable vectors, bad local
 * ranges) and ESRCH (no such process, a zombie), and Linux's order: a local or remote total of 0
 * answers 0 before the other checks. The raw system calls are made (no library in between). */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gtest.h"

#define PAGE 4096UL

static long pvm_read(pid_t pid, const struct iovec *l, unsigned long ln, const struct iovec *r,
                     unsigned long rn, unsigned long flags)
{
    return syscall(SYS_process_vm_readv, pid, l, ln, r, rn, flags);
}

static long pvm_write(pid_t pid, const struct iovec *l, unsigned long ln, const struct iovec *r,
                      unsigned long rn, unsigned long flags)
{
    return syscall(SYS_process_vm_writev, pid, l, ln, r, rn, flags);
}

/* The child's buffer: the same address in parent and child (fork). */
static unsigned char cbuf[3 * PAGE] __attribute__((aligned(4096)));

static unsigned char pat(size_t i, unsigned seed)
{
    return (unsigned char)(i * 7 + seed);
}

/* A child forked with a pipe each way. The child runs body(to_parent, from_parent) and exits
 * with its result; the parent gets the pid and its ends of the pipes. */
typedef struct kid {
    pid_t pid;
    int rd, wr;   /* parent: reads from the child, writes to it */
} kid_t;

static int kid_start(kid_t *k, int (*body)(int rd, int wr))
{
    int up[2], down[2];
    if (pipe(up) || pipe(down))
        return -1;
    k->pid = fork();
    if (k->pid == 0) {
        close(up[0]);
        close(down[1]);
        _exit(body(down[0], up[1]));
    }
    close(up[1]);
    close(down[0]);
    k->rd = up[0];
    k->wr = down[1];
    return k->pid < 0 ? -1 : 0;
}

/* Tells the child to go on (if it waits) and collects its exit status. */
static int kid_end(kid_t *k)
{
    char go = 'q';
    int st = -1;
    (void)!write(k->wr, &go, 1);
    close(k->wr);
    close(k->rd);
    if (waitpid(k->pid, &st, 0) != k->pid)
        return -1;
    return st;
}

/* Child of the read/write test: fills cbuf with pattern 1, says so, waits, then checks the
 * ranges the parent wrote (pattern 2) and that the bytes around them are untouched. */
static const struct { size_t off, len; } wr_ranges[] = {{100, 50}, {PAGE - 20, 70}, {2 * PAGE + 5, 30}};

static int rw_child(int rd, int wr)
{
    for (size_t i = 0; i < sizeof(cbuf); i++)
        cbuf[i] = pat(i, 1);
    char c = 'r';
    if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
        return 10;
    /* the parent wrote pattern 2 over wr_ranges, numbered through the ranges */
    size_t k = 0;
    for (size_t r = 0; r < sizeof(wr_ranges) / sizeof(wr_ranges[0]); r++)
        for (size_t i = 0; i < wr_ranges[r].len; i++, k++) {
            if (cbuf[wr_ranges[r].off + i] != pat(k, 2))
                return 11;
            cbuf[wr_ranges[r].off + i] = pat(wr_ranges[r].off + i, 1);
        }
    for (size_t i = 0; i < sizeof(cbuf); i++)
        if (cbuf[i] != pat(i, 1))
            return 12;
    c = 'v';
    if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
        return 13;
    return 0;
}

static void test_read_write_child(void)
{
    kid_t k;
    REQUIRE(kid_start(&k, rw_child) == 0);
    char c = 0;
    CHECK_EQ(read(k.rd, &c, 1), 1);

    /* read: 4 remote ranges (one of 0 bytes, one across a page) into 3 local ones */
    unsigned char a[60], b[1], d[400];
    struct iovec rem[] = {{cbuf + 10, 100}, {cbuf + PAGE - 50, 200}, {cbuf + 2 * PAGE, 0},
                          {cbuf + 3000, 77}};
    struct iovec loc[] = {{a, sizeof a}, {b, 0}, {d, sizeof d}};
    CHECK_EQ(pvm_read(k.pid, loc, 3, rem, 4, 0), 377);
    unsigned char want[377];
    size_t n = 0;
    for (size_t r = 0; r < 4; r++)
        for (size_t i = 0; i < rem[r].iov_len; i++)
            want[n++] = pat((size_t)((unsigned char *)rem[r].iov_base - cbuf) + i, 1);
    CHECK_MEMEQ(a, want, sizeof a);
    CHECK_MEMEQ(d, want + sizeof a, 377 - sizeof a);

    /* the local side shorter than the remote one: its total is what moves */
    CHECK_EQ(pvm_read(k.pid, loc, 1, rem, 4, 0), (long)sizeof a);

    /* write: 150 bytes from 2 local ranges into 3 remote ones */
    unsigned char src[150];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = pat(i, 2);
    struct iovec wl[] = {{src, 40}, {src + 40, 110}};
    struct iovec wrm[3];
    for (size_t r = 0; r < 3; r++)
        wrm[r] = (struct iovec){cbuf + wr_ranges[r].off, wr_ranges[r].len};
    CHECK_EQ(pvm_write(k.pid, wl, 2, wrm, 3, 0), 150);
    c = 'w';
    CHECK_EQ(write(k.wr, &c, 1), 1);
    CHECK_EQ(read(k.rd, &c, 1), 1);
    CHECK_EQ(c, 'v');
    CHECK_EQ(kid_end(&k), 0);
}

/* Child with a hole: map (2 pages) has pattern 3 in its first page and no second page;
 * ro is a read-only page, none a PROT_NONE one. */
static unsigned char *map, *ro, *none;

static int hole_child(int rd, int wr)
{
    for (size_t i = 0; i < PAGE; i++)
        map[i] = pat(i, 3);
    if (munmap(map + PAGE, PAGE) || mprotect(ro, PAGE, PROT_READ) || mprotect(none, PAGE, PROT_NONE))
        return 20;
    char c = 'r';
    if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
        return 21;
    return 0;
}

static void test_partial_and_faults(void)
{
    map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    none = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(map != MAP_FAILED && ro != MAP_FAILED && none != MAP_FAILED);
    kid_t k;
    REQUIRE(kid_start(&k, hole_child) == 0);
    char c = 0;
    CHECK_EQ(read(k.rd, &c, 1), 1);

    unsigned char buf[300];
    memset(buf, 0xee, sizeof buf);
    struct iovec loc = {buf, sizeof buf};
    /* across the remote hole: the bytes before it */
    struct iovec rem = {map + PAGE - 100, 300};
    CHECK_EQ(pvm_read(k.pid, &loc, 1, &rem, 1, 0), 100);
    for (size_t i = 0; i < 100; i++)
        if (buf[i] != pat(PAGE - 100 + i, 3)) {
            CHECK_EQ(buf[i], pat(PAGE - 100 + i, 3));
            break;
        }
    CHECK_EQ(buf[100], 0xee);
    /* the first faulting element ends it, later good ones are not reached */
    struct iovec rems[] = {{map + PAGE - 50, 50}, {map + PAGE + 8, 20}, {map, 10}};
    CHECK_EQ(pvm_read(k.pid, &loc, 1, rems, 3, 0), 50);
    /* a fault at once */
    struct iovec hole = {map + PAGE, 10};
    CHECK_ERRNO(pvm_read(k.pid, &loc, 1, &hole, 1, 0), EFAULT);
    CHECK_ERRNO(pvm_write(k.pid, &loc, 1, &hole, 1, 0), EFAULT);
    struct iovec wild = {(void *)0xffff800000000000UL, 10};
    CHECK_ERRNO(pvm_read(k.pid, &loc, 1, &wild, 1, 0), EFAULT);
    /* a write across the remote hole */
    CHECK_EQ(pvm_write(k.pid, &loc, 1, &rem, 1, 0), 100);
    /* no FOLL_FORCE: a read-only page is not written, a PROT_NONE page not read */
    struct iovec rro = {ro, 10}, rnone = {none, 10};
    CHECK_ERRNO(pvm_write(k.pid, &loc, 1, &rro, 1, 0), EFAULT);
    CHECK_EQ(pvm_read(k.pid, &loc, 1, &rro, 1, 0), 10);
    CHECK_ERRNO(pvm_read(k.pid, &loc, 1, &rnone, 1, 0), EFAULT);

    /* a local hole: the bytes before it; at once: EFAULT */
    unsigned char *lm = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                             -1, 0);
    REQUIRE(lm != MAP_FAILED);
    CHECK_EQ(munmap(lm + PAGE, PAGE), 0);
    struct iovec lh = {lm + PAGE - 30, 100}, good = {map, 100};
    CHECK_EQ(pvm_read(k.pid, &lh, 1, &good, 1, 0), 30);
    CHECK_EQ(pvm_write(k.pid, &lh, 1, &good, 1, 0), 30);
    struct iovec lh0 = {lm + PAGE, 10};
    CHECK_ERRNO(pvm_read(k.pid, &lh0, 1, &good, 1, 0), EFAULT);
    CHECK_ERRNO(pvm_write(k.pid, &lh0, 1, &good, 1, 0), EFAULT);
    /* a local range outside user space is refused before anything moves */
    struct iovec lbad[] = {{buf, 10}, {(void *)0xffff800000000000UL, 10}};
    CHECK_ERRNO(pvm_read(k.pid, lbad, 2, &good, 1, 0), EFAULT);
    CHECK_EQ(munmap(lm, PAGE), 0);

    CHECK_EQ(kid_end(&k), 0);
    munmap(map, 2 * PAGE);
    munmap(ro, PAGE);
    munmap(none, PAGE);
}

static void test_self(void)
{
    static unsigned char mine[2 * PAGE];
    for (size_t i = 0; i < sizeof mine; i++)
        mine[i] = pat(i, 4);
    unsigned char got[3000];
    struct iovec loc[] = {{got, 1000}, {got + 1000, 2000}};
    struct iovec rem[] = {{mine + PAGE - 1500, 3000}};
    CHECK_EQ(pvm_read(getpid(), loc, 2, rem, 1, 0), 3000);
    CHECK_MEMEQ(got, mine + PAGE - 1500, 3000);
    /* and writing oneself */
    unsigned char src[10] = "0123456789";
    struct iovec l = {src, 10}, r = {mine + 5, 10};
    CHECK_EQ(pvm_write(getpid(), &l, 1, &r, 1, 0), 10);
    CHECK_MEMEQ(mine + 5, "0123456789", 10);

    /* [vdso] is read, [vvar] is not (VM_PFNMAP: get_user_pages refuses it) */
    FILE *f = fopen("/proc/self/maps", "r");
    REQUIRE(f);
    char line[512];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        bool vdso = strstr(line, "[vdso]") != NULL, vvar = strstr(line, "[vvar]") != NULL;
        if (!vdso && !vvar)
            continue;
        seen |= vdso ? 1 : 2;
        struct iovec lv = {got, 16}, rv = {(void *)strtoul(line, NULL, 16), 16};
        if (vdso)
            CHECK_EQ(pvm_read(getpid(), &lv, 1, &rv, 1, 0), 16);
        else
            CHECK_ERRNO(pvm_read(getpid(), &lv, 1, &rv, 1, 0), EFAULT);
    }
    fclose(f);
    CHECK_EQ(seen, 3);
}

static int exit_child(int rd, int wr)
{
    (void)rd;
    (void)wr;
    return 0;
}

static void test_esrch(void)
{
    static unsigned char x[16];
    unsigned char y[16];
    struct iovec l = {y, sizeof y}, r = {x, sizeof x};
    /* a zombie: Linux's mm is gone */
    kid_t k;
    REQUIRE(kid_start(&k, exit_child) == 0);
    siginfo_t si;
    CHECK_EQ(waitid(P_PID, (id_t)k.pid, &si, WEXITED | WNOWAIT), 0);
    CHECK_ERRNO(pvm_read(k.pid, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(pvm_write(k.pid, &l, 1, &r, 1, 0), ESRCH);
    pid_t gone = k.pid;
    CHECK_EQ(kid_end(&k), 0);
    /* reaped: no such process (its number is not reused this soon) */
    CHECK_ERRNO(pvm_read(gone, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(pvm_write(gone, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(pvm_read(-1, &l, 1, &r, 1, 0), ESRCH);
    CHECK_ERRNO(pvm_read(0, &l, 1, &r, 1, 0), ESRCH);
    /* both totals must be non-zero before the process is looked up */
    struct iovec r0 = {x, 0};
    CHECK_EQ(pvm_read(gone, &l, 1, &r0, 1, 0), 0);
    CHECK_EQ(pvm_read(gone, &l, 0, &r, 1, 0), 0);
}

static void test_einval_efault(void)
{
    static unsigned char x[16];
    unsigned char y[16];
    pid_t me = getpid();
    struct iovec l = {y, sizeof y}, r = {x, sizeof x};
    CHECK_ERRNO(pvm_read(me, &l, 1, &r, 1, 1), EINVAL);
    CHECK_ERRNO(pvm_write(me, &l, 1, &r, 1, 0x80000000UL), EINVAL);
    /* flags come first: even with nothing to move */
    CHECK_ERRNO(pvm_read(me, NULL, 0, NULL, 0, 1), EINVAL);

    /* more than IOV_MAX (1024) elements: EINVAL; 1024 are fine */
    struct iovec *many = calloc(1025, sizeof(*many));
    REQUIRE(many);
    many[0] = l;
    CHECK_ERRNO(pvm_read(me, many, 1025, &r, 1, 0), EINVAL);
    CHECK_ERRNO(pvm_read(me, &l, 1, many, 1025, 0), EINVAL);
    many[0] = r;
    CHECK_EQ(pvm_read(me, &l, 1, many, 1024, 0), (long)sizeof y);
    free(many);

    /* a length negative as an ssize_t, on either side */
    struct iovec lneg[] = {l, {y, (size_t)-1}};
    CHECK_ERRNO(pvm_read(me, lneg, 2, &r, 1, 0), EINVAL);
    struct iovec rneg[] = {r, {x, (size_t)1 << 63}};
    CHECK_ERRNO(pvm_read(me, &l, 1, rneg, 2, 0), EINVAL);

    /* lengths are not summed into an EINVAL (whatever the manual says): the remote ones not at
       all, the local ones cut to MAX_RW_COUNT, but each local range must lie below TASK_SIZE */
    struct iovec rbig[] = {{x, SSIZE_MAX}, {x, SSIZE_MAX}};
    CHECK_EQ(pvm_read(me, &l, 1, rbig, 2, 0), (long)sizeof y);
    struct iovec lbig[] = {{y, (size_t)1 << 62}, {y, (size_t)1 << 62}};
    CHECK_ERRNO(pvm_read(me, lbig, 2, &r, 1, 0), EFAULT);
    struct iovec ltop = {(void *)0x7ffffffff000UL, 0}, ltop1 = {(void *)0x7ffffffff001UL, 0};
    CHECK_EQ(pvm_read(me, &ltop, 1, &r, 1, 0), 0);
    CHECK_ERRNO(pvm_read(me, &ltop1, 1, &r, 1, 0), EFAULT);

    /* unreadable vectors */
    CHECK_ERRNO(pvm_read(me, (struct iovec *)8, 1, &r, 1, 0), EFAULT);
    CHECK_ERRNO(pvm_read(me, &l, 1, (struct iovec *)8, 1, 0), EFAULT);
    CHECK_ERRNO(pvm_write(me, &l, 1, (struct iovec *)8, 1, 0), EFAULT);

    /* nothing to move: 0, and Linux reads no further (the remote vector, the pid) */
    CHECK_EQ(pvm_read(me, NULL, 0, NULL, 0, 0), 0);
    CHECK_EQ(pvm_read(me, NULL, 0, (struct iovec *)8, 1, 0), 0);
    CHECK_EQ(pvm_read(me, NULL, 0, NULL, 5000, 0), 0);
    struct iovec l0 = {y, 0};
    CHECK_EQ(pvm_write(me, &l0, 1, (struct iovec *)8, 1, 0), 0);
    CHECK_EQ(pvm_read(me, &l, 1, NULL, 0, 0), 0);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(read_write_child), GT_TEST(partial_and_faults), GT_TEST(self),
        GT_TEST(esrch), GT_TEST(einval_efault),
    };
    signal(SIGPIPE, SIG_IGN);   /* kid_end's word to a child that has gone already */
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
