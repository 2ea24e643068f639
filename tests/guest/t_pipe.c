/* t_pipe: pipes within one process (Linux semantics). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gtest.h"

static void test_pipe_basic(void)
{
    int p[2] = {-1, -1};
    CHECK_EQ(pipe(p), 0);
    REQUIRE(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);
    CHECK_EQ(fcntl(p[1], F_GETFD), 0);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    /* Wrong-direction use. */
    char c;
    CHECK_ERRNO(write(p[0], "x", 1), EBADF);
    CHECK_ERRNO(read(p[1], &c, 1), EBADF);
    /* fstat: a FIFO, both ends the same pipe. */
    struct stat a, b;
    SYS(fstat(p[0], &a));
    SYS(fstat(p[1], &b));
    CHECK(S_ISFIFO(a.st_mode));
    CHECK(S_ISFIFO(b.st_mode));
    CHECK_EQ(a.st_ino, b.st_ino);
    close(p[0]);
    close(p[1]);
    int *volatile bad = (int *)1;
    CHECK_ERRNO(pipe(bad), EFAULT);
}

static void test_pipe2_flags(void)
{
    int p[2];
    CHECK_EQ(pipe2(p, O_CLOEXEC), 0);
    CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);

    CHECK_EQ(pipe2(p, O_NONBLOCK), 0);
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    char buf[8];
    CHECK_ERRNO(read(p[0], buf, sizeof buf), EAGAIN);
    CHECK_EQ(write(p[1], "ab", 2), 2);
    CHECK_EQ(read(p[0], buf, sizeof buf), 2);
    CHECK_ERRNO(read(p[0], buf, sizeof buf), EAGAIN);
    /* Turning O_NONBLOCK on later with F_SETFL works the same way. */
    close(p[0]);
    close(p[1]);
    SYS(pipe(p));
    CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    CHECK_ERRNO(read(p[0], buf, sizeof buf), EAGAIN);
    close(p[0]);
    close(p[1]);

    CHECK_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK);
    close(p[0]);
    close(p[1]);
    /* Unknown flags: the raw system call, since libc may filter. */
    CHECK_ERRNO(syscall(SYS_pipe2, p, 0x12345678), EINVAL);
}

static void test_order_and_eof(void)
{
    int p[2];
    REQUIRE(SYS(pipe(p)) == 0);
    CHECK_EQ(write(p[1], "first ", 6), 6);
    CHECK_EQ(write(p[1], "second ", 7), 7);
    CHECK_EQ(write(p[1], "third", 5), 5);
    char buf[64] = {0};
    /* A read returns what is there, up to the size asked, in order. */
    CHECK_EQ(read(p[0], buf, 4), 4);
    CHECK_MEMEQ(buf, "firs", 4);
    CHECK_EQ(read(p[0], buf, sizeof buf), 14);
    CHECK_MEMEQ(buf, "t second third", 14);
    /* Data written before the close is still delivered, then EOF (0), again and again. */
    CHECK_EQ(write(p[1], "tail", 4), 4);
    close(p[1]);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);
    CHECK_MEMEQ(buf, "tail", 4);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    close(p[0]);

    /* EOF comes only when every write end is closed (here a dup stays open). */
    REQUIRE(SYS(pipe2(p, O_NONBLOCK)) == 0);
    int w2 = SYS(dup(p[1]));
    close(p[1]);
    CHECK_ERRNO(read(p[0], buf, sizeof buf), EAGAIN);
    close(w2);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    close(p[0]);
}

static void test_epipe(void)
{
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    REQUIRE(SYS(sigaction(SIGPIPE, &ign, &old)) == 0);
    int p[2];
    SYS(pipe(p));
    close(p[0]);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    close(p[1]);
    /* Also after data was buffered but the reader went away. */
    SYS(pipe(p));
    CHECK_EQ(write(p[1], "abc", 3), 3);
    close(p[0]);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    close(p[1]);
    SYS(sigaction(SIGPIPE, &old, NULL));
}

/* Fills a non-blocking pipe; returns the number of bytes it accepted. */
static long fill_pipe(int wfd, const char *pattern_base)
{
    long total = 0;
    char chunk[1024];
    for (;;) {
        for (size_t i = 0; i < sizeof chunk; i++)
            chunk[i] = pattern_base[(total + (long)i) % 251];
        ssize_t w = write(wfd, chunk, sizeof chunk);
        if (w < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += w;
        if (total > 64L * 1024 * 1024) {
            gt_fail(__FILE__, __LINE__, "pipe accepted more than 64 MiB without EAGAIN");
            break;
        }
    }
    return total;
}

static void test_capacity_and_atomic(void)
{
    char pattern[251];
    for (int i = 0; i < 251; i++)
        pattern[i] = (char)(i * 7 + 3);
    int p[2];
    REQUIRE(SYS(pipe2(p, O_NONBLOCK)) == 0);
    long cap = fill_pipe(p[1], pattern);
    gt_note("pipe capacity %ld bytes", cap);
    CHECK(cap >= PIPE_BUF);
    /* Free less than PIPE_BUF bytes: a PIPE_BUF-sized write must not be split, so EAGAIN. */
    char buf[PIPE_BUF];
    CHECK_EQ(read(p[0], buf, 100), 100);
    CHECK_MEMEQ(buf, pattern, 100);
    char block[PIPE_BUF];
    memset(block, 'Q', sizeof block);
    CHECK_ERRNO(write(p[1], block, PIPE_BUF), EAGAIN);
    /* Free at least PIPE_BUF more bytes: now it goes in whole. */
    CHECK_EQ(read(p[0], buf, PIPE_BUF), PIPE_BUF);
    bool ok = true;
    for (int i = 0; i < PIPE_BUF; i++)
        ok &= buf[i] == pattern[(100 + i) % 251];
    CHECK(ok);
    CHECK_EQ(write(p[1], block, PIPE_BUF), PIPE_BUF);
    /* Drain everything: the pattern in order, then the block intact. */
    long expect = cap - 100 - PIPE_BUF;
    long got = 0;
    ok = true;
    while (got < expect) {
        ssize_t r = read(p[0], buf, (size_t)(expect - got < PIPE_BUF ? expect - got : PIPE_BUF));
        if (r <= 0) break;
        for (ssize_t i = 0; i < r; i++)
            ok &= buf[i] == pattern[(100 + PIPE_BUF + got + i) % 251];
        got += r;
    }
    CHECK_EQ(got, expect);
    CHECK(ok);
    CHECK_EQ(gt_read_full(p[0], buf, PIPE_BUF), PIPE_BUF);
    CHECK_MEMEQ(buf, block, PIPE_BUF);
    CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
    close(p[0]);
    close(p[1]);
}

static void test_large_transfer(void)
{
    /* More than the capacity, written and read alternately in odd sizes. */
    int p[2];
    REQUIRE(SYS(pipe2(p, O_NONBLOCK)) == 0);
    enum { TOTAL = 1 << 20 };
    long written = 0, readn = 0;
    bool ok = true;
    char buf[3001];
    unsigned seq_w = 0, seq_r = 0;
    int spins = 0;
    while (readn < TOTAL && spins < 1000000) {
        spins++;
        if (written < TOTAL) {
            size_t n = 1777;
            if ((long)n > TOTAL - written) n = (size_t)(TOTAL - written);
            char out[1777];
            for (size_t i = 0; i < n; i++)
                out[i] = (char)(seq_w + i);
            ssize_t w = write(p[1], out, n);
            if (w > 0) {
                written += w;
                seq_w += (unsigned)w;
            } else {
                CHECK_EQ(errno, EAGAIN);
            }
        }
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r > 0) {
            for (ssize_t i = 0; i < r; i++)
                ok &= buf[i] == (char)(seq_r + i);
            seq_r += (unsigned)r;
            readn += r;
        }
    }
    CHECK_EQ(readn, TOTAL);
    CHECK(ok);
    close(p[0]);
    close(p[1]);
}

static const struct gt_test tests[] = {
    GT_TEST(pipe_basic), GT_TEST(pipe2_flags),         GT_TEST(order_and_eof),
    GT_TEST(epipe),      GT_TEST(capacity_and_atomic), GT_TEST(large_transfer),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
