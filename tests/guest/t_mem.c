/* t_mem: brk, anonymous mmap/munmap/mprotect, a large malloc (Linux semantics).
 * Nothing here faults on purpose: protections are checked through the kernel (a read() into a
 * read-only page must fail with EFAULT), so the test needs no signal handling. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <time.h>
#include <stdbool.h>
#include <string.h>
#include "gtest.h"

#define PAGE 4096UL

static bool all_bytes(const void *p, size_t n, unsigned char v)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != v) return false;
    return true;
}

static void test_page_size(void)
{
    CHECK_EQ(sysconf(_SC_PAGESIZE), PAGE);
    CHECK_EQ(getpagesize(), PAGE);
}

/* musl's sbrk() refuses to move the break (its malloc owns it), so use the system call. */
static uintptr_t brk_(uintptr_t to)
{
    return (uintptr_t)syscall(SYS_brk, to);
}

static void test_brk(void)
{
    uintptr_t cur = brk_(0);
    CHECK(cur != 0);
    CHECK_EQ(brk_(0), cur); /* querying does not move it */
    CHECK_EQ((uintptr_t)sbrk(0), cur);
    /* Grow by 64 KiB: the new memory is zeroed and writable. */
    uintptr_t want = cur + 16 * PAGE;
    REQUIRE(brk_(want) == want);
    CHECK_EQ(brk_(0), want);
    /* The first new page starts at the page boundary at or above the old break. */
    unsigned char *base = (unsigned char *)((cur + PAGE - 1) & ~(PAGE - 1));
    size_t len = (size_t)(want - (uintptr_t)base);
    CHECK(all_bytes(base, len, 0));
    memset(base, 0xA5, len);
    CHECK(all_bytes(base, len, 0xA5));
    /* Shrink back, grow again: the pages come back zeroed. */
    CHECK_EQ(brk_(cur), cur);
    CHECK_EQ(brk_(0), cur);
    REQUIRE(brk_(want) == want);
    CHECK(all_bytes(base, len, 0));
    /* An absurd request fails and leaves the break where it was (the call returns the old one). */
    CHECK_EQ(brk_(~(uintptr_t)0 - PAGE * 4), want);
    CHECK_EQ(brk_(0), want);
    CHECK_EQ(brk_(cur), cur);
}

static void test_mmap_anon(void)
{
    size_t len = 3 * PAGE;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK_EQ((uintptr_t)p % PAGE, 0);
    CHECK(all_bytes(p, len, 0));
    memset(p, 0x5A, len);
    CHECK(all_bytes(p, len, 0x5A));
    CHECK_EQ(munmap(p, len), 0);
    /* A length that is not a page multiple is rounded up: the whole page is usable. */
    unsigned char *q = mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(q != MAP_FAILED);
    CHECK(all_bytes(q, PAGE, 0));
    q[PAGE - 1] = 1;
    CHECK_EQ(munmap(q, 100), 0);
    /* Two mappings do not overlap. */
    unsigned char *a =
        mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *b =
        mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(a != MAP_FAILED && b != MAP_FAILED);
    CHECK(a + 2 * PAGE <= b || b + 2 * PAGE <= a);
    memset(a, 1, 2 * PAGE);
    memset(b, 2, 2 * PAGE);
    CHECK(all_bytes(a, 2 * PAGE, 1));
    CHECK(all_bytes(b, 2 * PAGE, 2));
    munmap(a, 2 * PAGE);
    munmap(b, 2 * PAGE);
}

static void test_map_fixed(void)
{
    unsigned char *p =
        mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    memset(p, 0xAA, 4 * PAGE);
    /* MAP_FIXED over the second page replaces it (fresh zeros) and leaves the others alone. */
    void *r = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    CHECK_EQ(r, p + PAGE);
    CHECK(all_bytes(p, PAGE, 0xAA));
    CHECK(all_bytes(p + PAGE, PAGE, 0));
    CHECK(all_bytes(p + 2 * PAGE, 2 * PAGE, 0xAA));
    /* munmap the third page, then map it again at the same fixed address. */
    CHECK_EQ(munmap(p + 2 * PAGE, PAGE), 0);
    r = mmap(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0);
    CHECK_EQ(r, p + 2 * PAGE);
    CHECK(all_bytes(p + 2 * PAGE, PAGE, 0));
    CHECK(all_bytes(p + 3 * PAGE, PAGE, 0xAA));
    /* Unmap everything, then the whole range can be mapped again at the same address. */
    CHECK_EQ(munmap(p, 4 * PAGE), 0);
    r = mmap(p, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK_EQ(r, p);
    CHECK(all_bytes(p, 4 * PAGE, 0));
    /* munmap of a range that is already unmapped is not an error. */
    CHECK_EQ(munmap(p, 4 * PAGE), 0);
    CHECK_EQ(munmap(p, 4 * PAGE), 0);
    /* MAP_FIXED at an unaligned address: EINVAL. */
    CHECK_EQ(mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
             MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
}

static void test_mprotect(void)
{
    unsigned char *p =
        mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    memset(p, 'm', 2 * PAGE);
    int fds[2];
    REQUIRE(SYS(pipe(fds)) == 0);
    /* Read-only: still readable (the kernel can copy out of it) but the kernel may not write. */
    CHECK_EQ(mprotect(p, PAGE, PROT_READ), 0);
    CHECK_EQ(p[10], 'm');
    CHECK_EQ(write(fds[1], p, 16), 16);
    CHECK_ERRNO(read(fds[0], p, 16), EFAULT);
    /* The second page kept its write permission. */
    CHECK_EQ(read(fds[0], p + PAGE, 16), 16);
    /* Back to read-write. */
    CHECK_EQ(write(fds[1], "0123456789abcdef", 16), 16);
    CHECK_EQ(mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0);
    CHECK_EQ(read(fds[0], p, 16), 16);
    CHECK_MEMEQ(p, "0123456789abcdef", 16);
    p[PAGE - 1] = 'w';
    /* PROT_NONE: the kernel can neither read nor write it. */
    CHECK_EQ(mprotect(p, PAGE, PROT_NONE), 0);
    CHECK_ERRNO(write(fds[1], p, 16), EFAULT);
    CHECK_EQ(mprotect(p, PAGE, PROT_READ), 0);
    CHECK_EQ(p[PAGE - 1], 'w'); /* contents survive protection changes */
    /* Errors (musl's mprotect rounds the address down itself: use the system call). */
    CHECK_ERRNO(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
    CHECK_ERRNO(mprotect(p, PAGE, 0x1000), EINVAL);
    close(fds[0]);
    close(fds[1]);
    munmap(p, 2 * PAGE);
}

static void test_big_malloc(void)
{
    size_t len = 64UL << 20;
    unsigned char *p = malloc(len);
    REQUIRE(p != NULL);
    /* Touch every page, then check every page kept its own value. */
    for (size_t off = 0; off < len; off += PAGE) {
        p[off] = (unsigned char)(off / PAGE);
        p[off + PAGE - 1] = (unsigned char)(off / PAGE + 1);
    }
    bool ok = true;
    for (size_t off = 0; off < len; off += PAGE) {
        ok &= p[off] == (unsigned char)(off / PAGE);
        ok &= p[off + PAGE - 1] == (unsigned char)(off / PAGE + 1);
    }
    CHECK(ok);
    free(p);
    /* calloc of a large block is zeroed. */
    unsigned int *z = calloc(4UL << 20, sizeof *z);
    REQUIRE(z != NULL);
    bool zero = true;
    for (size_t i = 0; i < (4UL << 20); i += 1024)
        zero &= z[i] == 0;
    CHECK(zero);
    free(z);
}

static void test_errors(void)
{
    errno = 0;
    CHECK_EQ(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* Neither MAP_PRIVATE nor MAP_SHARED. */
    errno = 0;
    CHECK_EQ(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), MAP_FAILED);
    CHECK_EQ(errno, EINVAL);
    /* A file mapping of a bad descriptor. */
    errno = 0;
    CHECK_EQ(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), MAP_FAILED);
    CHECK_EQ(errno, EBADF);
    unsigned char *p =
        mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK_ERRNO(munmap(p + 1, PAGE), EINVAL);
    CHECK_ERRNO(munmap(p, 0), EINVAL);
    /* The failed munmap changed nothing. */
    p[0] = 1;
    p[PAGE] = 2;
    CHECK_EQ(munmap(p, 2 * PAGE), 0);
}

/* A syscall's result is never written into memory the program cannot write: EFAULT, and the
 * page is left as it was (procmgr's results: uname, clock_gettime; vfs's: read). */
static void test_results_into_readonly(void)
{
    unsigned char *ro =
        mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(ro != MAP_FAILED);
    memset(ro, 0x5A, PAGE);
    CHECK_EQ(mprotect(ro, PAGE, PROT_READ), 0);
    CHECK_ERRNO(syscall(SYS_uname, ro), EFAULT);
    CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ro), EFAULT);
    int fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERRNO(read(fd, ro, 16), EFAULT);
    close(fd);
    bool intact = true;
    for (size_t i = 0; i < PAGE; i++)
        intact &= ro[i] == 0x5A;
    CHECK(intact);
    CHECK_EQ(munmap(ro, PAGE), 0);
}

static const struct gt_test tests[] = {
    GT_TEST(page_size), GT_TEST(brk),        GT_TEST(mmap_anon), GT_TEST(map_fixed),
    GT_TEST(mprotect),  GT_TEST(big_malloc), GT_TEST(errors),    GT_TEST(results_into_readonly),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
