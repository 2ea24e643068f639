/* t_fifo: named pipes across processes (Linux semantics): mkfifo/mknod, the open rules (a
 * read-only open waits for a writer and a write-only one for a reader; O_NONBLOCK read-opens at
 * once and write-opens fail ENXIO without a reader; O_RDWR never waits), data between two
 * processes, EOF and POLLHUP, a waiting open interrupted by a signal, and device nodes. The other
 * process is t_child started with posix_spawn (there is no fork). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

static void test_mkfifo(void)
{
    char path[128];
    gt_tmp(path, sizeof path, "fifo");
    CHECK_EQ(mkfifo(path, 0640), 0);
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0640 & ~022);
    CHECK_EQ(st.st_size, 0);
    CHECK_ERRNO(mkfifo(path, 0600), EEXIST);
    CHECK_ERRNO(mknod(path, S_IFDIR | 0700, 0), EPERM);
    CHECK_ERRNO(mknod(path, S_IFLNK | 0700, 0), EINVAL);
    char none[160];
    snprintf(none, sizeof none, "%s/x", path);
    CHECK_ERRNO(mkfifo(none, 0600), ENOTDIR);
    /* it lists as a FIFO */
    CHECK_EQ(lstat(path, &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(unlink(path), 0);
    /* mknod with no type bits makes a regular file; mkfifoat */
    CHECK_EQ(mknod(path, 0600, 0), 0);
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(unlink(path), 0);
    CHECK_EQ(mkfifoat(AT_FDCWD, path, 0600), 0);
    CHECK_EQ(unlink(path), 0);
}

static void test_reader_waits_for_writer(void)
{
    char fifo[128], mark[128];
    gt_tmp(fifo, sizeof fifo, "fifo");
    gt_tmp(mark, sizeof mark, "mark");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    /* the child sleeps, leaves a mark, then opens for writing */
    pid_t c = gt_spawn_child((const char *[]){"sleep", "60", "touch", mark, "openw", fifo, "hello", NULL});
    int fd = open(fifo, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(access(mark, F_OK), 0);   /* our open waited for the writer's */
    char buf[16];
    CHECK_EQ(gt_read_full(fd, buf, sizeof buf), 5);   /* until EOF: the writer closed */
    CHECK_MEMEQ(buf, "hello", 5);
    CHECK_EQ(gt_reap(c), 0);
    close(fd);
    unlink(mark);
    unlink(fifo);
}

static void test_writer_waits_for_reader(void)
{
    char fifo[128], mark[128];
    gt_tmp(fifo, sizeof fifo, "fifo");
    gt_tmp(mark, sizeof mark, "mark");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    pid_t c = gt_spawn_child((const char *[]){"sleep", "60", "touch", mark, "openr", fifo, NULL});
    int fd = open(fifo, O_WRONLY);
    REQUIRE(fd >= 0);
    CHECK_EQ(access(mark, F_OK), 0);   /* our open waited for the reader's */
    CHECK_EQ(write(fd, "four", 4), 4);
    close(fd);
    int st = gt_reap(c);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 4);      /* the child read our 4 bytes, then EOF */
    unlink(mark);
    unlink(fifo);
}

static void test_nonblocking_opens(void)
{
    char fifo[128];
    gt_tmp(fifo, sizeof fifo, "fifo");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    CHECK_ERRNO(open(fifo, O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    REQUIRE(r >= 0);
    char c;
    CHECK_EQ(read(r, &c, 1), 0);   /* no writer: end of file at once */
    struct pollfd pf = {r, POLLIN, 0};
    CHECK_EQ(poll(&pf, 1, 0), 0);  /* but no hang-up before a writer has been */
    int w = open(fifo, O_WRONLY | O_NONBLOCK);   /* there is a reader now */
    REQUIRE(w >= 0);
    CHECK_EQ(write(w, "ab", 2), 2);
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(pf.revents, POLLIN);
    close(w);
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK_EQ(pf.revents, POLLIN | POLLHUP);
    char buf[4];
    CHECK_EQ(read(r, buf, 4), 2);
    close(r);
    /* O_RDWR never waits; the data goes with the last close */
    int rw = open(fifo, O_RDWR);
    REQUIRE(rw >= 0);
    CHECK_EQ(write(rw, "x", 1), 1);
    close(rw);
    rw = open(fifo, O_RDWR | O_NONBLOCK);
    CHECK_ERRNO(read(rw, buf, 1), EAGAIN);
    close(rw);
    unlink(fifo);
}

static volatile sig_atomic_t got;
static void on_usr1(int s)
{
    (void)s;
    got++;
}

static void test_open_interrupted(void)
{
    char fifo[128];
    gt_tmp(fifo, sizeof fifo, "fifo");
    REQUIRE(mkfifo(fifo, 0600) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;   /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    got = 0;
    char sig[8];
    snprintf(sig, sizeof sig, "%d", SIGUSR1);
    pid_t c = gt_spawn_child((const char *[]){"sleep", "50", "killparent", sig, NULL});
    CHECK_ERRNO(open(fifo, O_RDONLY), EINTR);
    CHECK_EQ(got, 1);
    CHECK_EQ(gt_reap(c), 0);
    /* the interrupted open left no reader behind */
    CHECK_ERRNO(open(fifo, O_WRONLY | O_NONBLOCK), ENXIO);
    signal(SIGUSR1, SIG_DFL);
    unlink(fifo);
}

static void test_device_nodes(void)
{
    /* as root, mknod makes device nodes; 1:3 is /dev/null wherever it is */
    char path[128];
    gt_tmp(path, sizeof path, "null");
    if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) != 0 && errno == EPERM) {
        gt_note("mknod of a device: EPERM (not root here), skipped");
        return;
    }
    struct stat st;
    CHECK_EQ(stat(path, &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), 1);
    CHECK_EQ(minor(st.st_rdev), 3);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, "x", 1), 1);
        char c;
        CHECK_EQ(read(fd, &c, 1), 0);
        close(fd);
    }
    unlink(path);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(mkfifo),           GT_TEST(reader_waits_for_writer),
        GT_TEST(writer_waits_for_reader), GT_TEST(nonblocking_opens),
        GT_TEST(open_interrupted), GT_TEST(device_nodes),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
