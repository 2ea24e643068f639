/* Host tests of pipes and deferred replies: a blocked read woken by a write (the reply seen by the
 * fake env), EOF on the last writer's close (also through proc_exit), EPIPE with the SIGPIPE
 * notice, a big write completing across reads, PIPE_BUF atomicity, O_NONBLOCK, FIFO order,
 * vectors, cancellation of blocked calls, and that nothing leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdlib.h>
#include <string.h>
#include "fake_env.h"

#define P 1
#define C 2

/* A call that must be deferred: returns its token. */
static vfs_token_t deferred_read(fake_t *fk, int32_t pid, int32_t tid, int32_t fd, uint64_t buf,
                                 uint64_t len)
{
    int64_t r = fake_sys_tid(fk, pid, tid, VFS_NR_read, (const uint64_t[6]){(uint64_t)fd, buf, len});
    assert_int_equal(r, VFS_SUSPEND);
    return fk->last_token;
}

static void test_pipe_basics(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(fds[0], 3);
    assert_int_equal(fds[1], 4);
    assert_int_equal(t_write(fk, P, fds[1], "hello", 5), 5);
    int32_t n;
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 5);
    char buf[16];
    assert_int_equal(t_read(fk, P, fds[0], buf, 3), 3);
    assert_memory_equal(buf, "hel", 3);
    assert_int_equal(t_read(fk, P, fds[0], buf, 16), 2);   /* what is there, not more */
    assert_memory_equal(buf, "lo", 2);
    assert_int_equal(t_read(fk, P, fds[1], buf, 1), -LX_EBADF);
    assert_int_equal(t_write(fk, P, fds[0], "x", 1), -LX_EBADF);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, fds[0], &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFIFO);
    assert_int_equal(st.st_nlink, 1);
    assert_int_equal(fake_sys(fk, P, VFS_NR_lseek, fds[0], 0, LX_SEEK_SET), -LX_ESPIPE);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, fds[0], fake_alloc(fk, P, 4), 4, 0),
                     -LX_ESPIPE);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, fds[0], LX_F_GETPIPE_SZ), 65536);
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_TCGETS, buf, 16), -LX_ENOTTY);
    assert_int_equal(t_write(fk, P, fds[1], "", 0), 0);
    /* pipe2 flags */
    int more[2];
    assert_int_equal(t_pipe(fk, P, more, LX_O_APPEND), -LX_EINVAL);
    assert_int_equal(t_pipe(fk, P, more, LX_O_CLOEXEC | LX_O_NONBLOCK), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, more[0], LX_F_GETFD), LX_FD_CLOEXEC);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, more[1], LX_F_GETFL),
                     LX_O_WRONLY | LX_O_NONBLOCK);
    /* a bad address for the fd pair leaves nothing open */
    uint64_t before = vfs_open_descriptions(fk->vfs);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pipe, FAKE_BADADDR), -LX_EFAULT);
    assert_int_equal(vfs_open_descriptions(fk->vfs), before);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, 7, LX_F_GETFD), -LX_EBADF);
}

static void test_blocked_read_woken_by_write(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t ubuf = fake_alloc(fk, C, 64);
    vfs_token_t tok = deferred_read(fk, C, 20, fds[0], ubuf, 64);
    assert_int_equal(fk->nreplies, 0);
    assert_int_equal(t_write(fk, P, fds[1], "wake up", 7), 7);
    assert_int_equal(fake_reply_of(fk, tok), 7);
    assert_memory_equal(fake_ptr(fk, C, ubuf), "wake up", 7);   /* in the reader's memory */
    assert_int_equal(fk->nreplies, 0);
    /* the pipe is empty again: the next read blocks too */
    tok = deferred_read(fk, C, 20, fds[0], ubuf, 64);
    assert_int_equal(t_write(fk, P, fds[1], "ab", 2), 2);
    assert_int_equal(fake_reply_of(fk, tok), 2);
}

static void test_eof_when_last_writer_closes(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    /* two blocked readers, and a second write end through dup */
    int64_t wdup = fake_sys(fk, P, VFS_NR_dup, fds[1]);
    assert_true(wdup >= 0);
    uint64_t b1 = fake_alloc(fk, P, 8), b2 = fake_alloc(fk, P, 8);
    vfs_token_t t1 = deferred_read(fk, P, 11, fds[0], b1, 8);
    vfs_token_t t2 = deferred_read(fk, P, 12, fds[0], b2, 8);
    assert_int_equal(t_close(fk, P, fds[1]), 0);
    fake_no_reply(fk, t1);   /* a writer remains */
    assert_int_equal(t_close(fk, P, (int32_t)wdup), 0);
    assert_int_equal(fake_reply_of(fk, t1), 0);
    assert_int_equal(fake_reply_of(fk, t2), 0);
    char buf[4];
    assert_int_equal(t_read(fk, P, fds[0], buf, 4), 0);
}

static void test_eof_via_proc_exit(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    uint64_t base = vfs_open_descriptions(fk->vfs);
    /* the child inherits both ends; the parent keeps only the read end */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_close(fk, P, fds[1]), 0);
    assert_int_equal(t_close(fk, C, fds[0]), 0);
    assert_int_equal(t_write(fk, C, fds[1], "last", 4), 4);
    char buf[8];
    assert_int_equal(t_read(fk, P, fds[0], buf, 8), 4);
    uint64_t ubuf = fake_alloc(fk, P, 8);
    vfs_token_t tok = deferred_read(fk, P, P, fds[0], ubuf, 8);
    vfs_proc_exit(fk->vfs, C);   /* the last writer dies without closing */
    assert_int_equal(fake_reply_of(fk, tok), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base - 1);
}

static void test_epipe_and_sigpipe(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(t_close(fk, P, fds[0]), 0);
    uint64_t u = fake_str(fk, P, "data");
    int64_t r = fake_sys_tid(fk, P, 33, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], u, 4});
    assert_int_equal(r, -LX_EPIPE);
    assert_int_equal(fk->nsigs, 1);
    assert_int_equal(fk->sigs[0].pid, P);
    assert_int_equal(fk->sigs[0].tid, 33);
    assert_int_equal(fk->sigs[0].sig, 13);
    /* a zero-length write is not a write at all */
    assert_int_equal(t_write(fk, P, fds[1], "", 0), 0);
    assert_int_equal(fk->nsigs, 1);
}

static void test_big_write_across_reads(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    const size_t total = 200000;
    uint64_t src = fake_alloc(fk, C, total);
    uint8_t *s = fake_ptr(fk, C, src);
    for (size_t i = 0; i < total; i++)
        s[i] = (uint8_t)(i * 7 + i / 251);
    int64_t r = fake_sys_tid(fk, C, 50, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], src, total});
    assert_int_equal(r, VFS_SUSPEND);
    vfs_token_t wtok = fk->last_token;
    /* read it back in 30000-byte pieces: the writer's call completes exactly when the rest of
     * its data fits in the pipe, its progress kept across the deferrals */
    uint8_t *got = malloc(total);
    size_t have = 0;
    bool replied = false;
    uint64_t ubuf = fake_alloc(fk, P, 30000);
    while (have < total) {
        int64_t n = fake_sys(fk, P, VFS_NR_read, fds[0], ubuf, 30000);
        assert_true(n > 0);
        memcpy(got + have, fake_ptr(fk, P, ubuf), (size_t)n);
        have += (size_t)n;
        int64_t v;
        bool now = fake_reply_find(fk, wtok, &v);
        if (!replied) {
            assert_int_equal(now, total - have <= 65536);
            if (now)
                assert_int_equal(v, (int64_t)total);
        } else {
            assert_false(now);   /* exactly one reply */
        }
        replied |= now;
    }
    assert_int_equal(have, total);
    assert_true(replied);
    assert_memory_equal(got, s, total);
    free(got);
    int32_t n;
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 0);
}

static void test_blocked_reader_gets_big_write(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t rbuf = fake_alloc(fk, C, 100000);
    vfs_token_t rtok = deferred_read(fk, C, 60, fds[0], rbuf, 100000);
    /* the waiting reader drains as the write fills, so 100000 bytes go through in one call:
     * 65536 fill the pipe, the reader takes them, the remaining 34464 fit */
    char *big = calloc(1, 100000);
    memset(big, 'q', 100000);
    assert_int_equal(t_write(fk, P, fds[1], big, 100000), 100000);
    assert_int_equal(fake_reply_of(fk, rtok), 65536);
    int32_t n;
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 100000 - 65536);
    free(big);
}

static void test_nonblocking(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, LX_O_NONBLOCK), 0);
    char buf[16];
    assert_int_equal(t_read(fk, P, fds[0], buf, 16), -LX_EAGAIN);
    char *big = calloc(1, 70000);
    assert_int_equal(t_write(fk, P, fds[1], big, 70000), 65536);   /* what fits */
    assert_int_equal(t_write(fk, P, fds[1], "x", 1), -LX_EAGAIN);
    assert_int_equal(t_read(fk, P, fds[0], buf, 10), 10);
    /* 10 bytes free: a 100-byte write is atomic (all or nothing), a 5000-byte one is not */
    assert_int_equal(t_write(fk, P, fds[1], big, 100), -LX_EAGAIN);
    assert_int_equal(t_write(fk, P, fds[1], big, 5000), 10);
    free(big);
    /* O_NONBLOCK set later with fcntl applies to the shared description */
    int b[2];
    assert_int_equal(t_pipe(fk, P, b, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fcntl, b[0], LX_F_SETFL, LX_O_NONBLOCK), 0);
    assert_int_equal(t_read(fk, P, b[0], buf, 1), -LX_EAGAIN);
    int32_t off = 0;
    assert_int_equal(t_ioctl(fk, P, b[0], LX_FIONBIO, &off, sizeof(off)), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, b[0], fake_alloc(fk, P, 1), 1), VFS_SUSPEND);
}

static void test_atomic_small_write_waits(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    char *fill = calloc(1, 65536 - 100);
    assert_int_equal(t_write(fk, P, fds[1], fill, 65536 - 100), 65536 - 100);
    free(fill);
    /* 200 bytes do not fit in the 100 left: the whole write waits, nothing goes in */
    char msg[200];
    memset(msg, 'm', sizeof(msg));
    uint64_t u = fake_alloc(fk, P, 200);
    memcpy(fake_ptr(fk, P, u), msg, 200);
    assert_int_equal(fake_sys(fk, P, VFS_NR_write, fds[1], u, 200), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    int32_t n;
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 65536 - 100);
    char buf[100];
    assert_int_equal(t_read(fk, P, fds[0], buf, 50), 50);
    fake_no_reply(fk, tok);   /* 150 free: still not enough */
    assert_int_equal(t_read(fk, P, fds[0], buf, 50), 50);
    assert_int_equal(fake_reply_of(fk, tok), 200);
    assert_int_equal(t_ioctl(fk, P, fds[0], LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 65536 - 100 - 100 + 200);
}

static void test_fifo_order(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    uint64_t b1 = fake_alloc(fk, P, 8), b2 = fake_alloc(fk, P, 8), b3 = fake_alloc(fk, P, 8);
    vfs_token_t r1 = deferred_read(fk, P, 101, fds[0], b1, 8);
    vfs_token_t r2 = deferred_read(fk, P, 102, fds[0], b2, 8);
    vfs_token_t r3 = deferred_read(fk, P, 103, fds[0], b3, 8);
    assert_int_equal(t_write(fk, P, fds[1], "one", 3), 3);
    assert_int_equal(fake_reply_of(fk, r1), 3);
    fake_no_reply(fk, r2);
    assert_int_equal(t_write(fk, P, fds[1], "two", 3), 3);
    assert_int_equal(fake_reply_of(fk, r2), 3);
    assert_int_equal(t_write(fk, P, fds[1], "three", 5), 5);
    assert_int_equal(fake_reply_of(fk, r3), 5);
    assert_memory_equal(fake_ptr(fk, P, b1), "one", 3);
    assert_memory_equal(fake_ptr(fk, P, b2), "two", 3);
    assert_memory_equal(fake_ptr(fk, P, b3), "three", 5);

    /* writers: fill the pipe, queue two writers, drain: they finish in order */
    char *fill = calloc(1, 65536);
    assert_int_equal(t_write(fk, P, fds[1], fill, 65536), 65536);
    uint64_t w1 = fake_str(fk, P, "AAAA"), w2 = fake_str(fk, P, "BB");
    assert_int_equal(fake_sys_tid(fk, P, 201, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], w1, 4}),
                     VFS_SUSPEND);
    vfs_token_t wt1 = fk->last_token;
    assert_int_equal(fake_sys_tid(fk, P, 202, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], w2, 2}),
                     VFS_SUSPEND);
    vfs_token_t wt2 = fk->last_token;
    /* 3 bytes of room: the head writer needs 4, and the one behind may not overtake it */
    assert_int_equal(t_read(fk, P, fds[0], fill, 3), 3);
    fake_no_reply(fk, wt1);
    fake_no_reply(fk, wt2);
    /* a new blocking writer queues behind the waiting ones although its byte would fit */
    assert_int_equal(fake_sys_tid(fk, P, 203, VFS_NR_write,
                                  (const uint64_t[6]){(uint64_t)fds[1], fake_str(fk, P, "C"), 1}),
                     VFS_SUSPEND);
    vfs_token_t wt3 = fk->last_token;
    /* 6 bytes of room: the first two fit exactly, the third still waits */
    assert_int_equal(t_read(fk, P, fds[0], fill, 3), 3);
    assert_int_equal(fake_reply_of(fk, wt1), 4);
    assert_int_equal(fake_reply_of(fk, wt2), 2);
    fake_no_reply(fk, wt3);
    assert_int_equal(t_read(fk, P, fds[0], fill, 1), 1);
    assert_int_equal(fake_reply_of(fk, wt3), 1);
    char *rest = calloc(1, 65536);
    assert_int_equal(t_read(fk, P, fds[0], rest, 65536 - 7), 65536 - 7);
    char tail[8];
    assert_int_equal(t_read(fk, P, fds[0], tail, 8), 7);
    assert_memory_equal(tail, "AAAABBC", 7);
    free(rest);
    free(fill);
}

static void test_last_reader_close_fails_writers(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    const size_t total = 100000;
    uint64_t src = fake_alloc(fk, P, total);
    assert_int_equal(fake_sys_tid(fk, P, 70, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], src, total}),
                     VFS_SUSPEND);
    vfs_token_t big = fk->last_token;
    char *fill = calloc(1, 100);
    assert_int_equal(fake_sys_tid(fk, P, 71, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], fake_alloc(fk, P, 10), 10}),
                     VFS_SUSPEND);
    vfs_token_t small = fk->last_token;
    assert_int_equal(t_close(fk, P, fds[0]), 0);
    /* progress already made is reported, as Linux does; the other gets EPIPE */
    assert_int_equal(fake_reply_of(fk, big), 65536);
    assert_int_equal(fake_reply_of(fk, small), -LX_EPIPE);
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(fk->sigs[0].tid, 70);
    assert_int_equal(fk->sigs[1].tid, 71);
    assert_int_equal(fk->sigs[1].sig, 13);
    free(fill);
}

static void test_vectors_on_pipes(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    /* a deferred readv fills its segments in order when data comes */
    uint64_t iov = fake_alloc(fk, P, 2 * sizeof(struct lx_iovec));
    struct lx_iovec *v = fake_ptr(fk, P, iov);
    uint64_t a = fake_alloc(fk, P, 3), b = fake_alloc(fk, P, 10);
    v[0] = (struct lx_iovec){a, 3};
    v[1] = (struct lx_iovec){b, 10};
    assert_int_equal(fake_sys(fk, P, VFS_NR_readv, fds[0], iov, 2), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    /* the caller's vector may change after the call: vfs copied it */
    v[0] = (struct lx_iovec){0, 0};
    uint64_t wiov = fake_alloc(fk, P, 2 * sizeof(struct lx_iovec));
    struct lx_iovec *w = fake_ptr(fk, P, wiov);
    w[0] = (struct lx_iovec){fake_str(fk, P, "hello "), 6};
    w[1] = (struct lx_iovec){fake_str(fk, P, "vector"), 6};
    assert_int_equal(fake_sys(fk, P, VFS_NR_writev, fds[1], wiov, 2), 12);
    assert_int_equal(fake_reply_of(fk, tok), 12);
    assert_memory_equal(fake_ptr(fk, P, a), "hel", 3);
    assert_memory_equal(fake_ptr(fk, P, b), "lo vector", 9);
}

static void test_cancellation(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    uint64_t base = vfs_open_descriptions(fk->vfs);
    uint64_t b1 = fake_alloc(fk, P, 8), b2 = fake_alloc(fk, P, 8), b3 = fake_alloc(fk, C, 8);
    vfs_token_t t1 = deferred_read(fk, P, 301, fds[0], b1, 8);
    vfs_token_t t2 = deferred_read(fk, P, 302, fds[0], b2, 8);
    vfs_token_t t3 = deferred_read(fk, C, 303, fds[0], b3, 8);
    /* a thread interrupted: its call disappears without a reply, the others keep their turn */
    assert_int_equal(vfs_thread_cancel(fk->vfs, 301), 1);
    fake_no_reply(fk, t1);
    assert_true(fake_dropped(fk, t1));   /* the glue is told to release the handle */
    assert_false(fake_dropped(fk, t2));
    assert_int_equal(t_write(fk, P, fds[1], "x", 1), 1);
    fake_no_reply(fk, t1);
    assert_int_equal(fake_reply_of(fk, t2), 1);
    /* a process exiting takes its blocked calls with it */
    vfs_proc_exit(fk->vfs, C);
    assert_true(fake_dropped(fk, t3));
    assert_int_equal(t_write(fk, P, fds[1], "y", 1), 1);
    fake_no_reply(fk, t3);
    char c;
    assert_int_equal(t_read(fk, P, fds[0], &c, 1), 1);   /* the byte was not consumed */
    assert_int_equal(c, 'y');
    assert_int_equal(fk->nreplies, 0);
    assert_int_equal(vfs_thread_cancel(fk->vfs, 9999), 0);   /* nothing pending: harmless */
    /* withdrawing (a signal interrupts the reader): the call goes unanswered and undropped, its
     * token comes back, and later data is not consumed for it */
    uint64_t b4 = fake_alloc(fk, P, 8);
    vfs_token_t t4 = deferred_read(fk, P, 304, fds[0], b4, 8), back = 0;
    assert_true(vfs_thread_withdraw(fk->vfs, 304, &back, NULL));
    assert_int_equal(back, t4);
    assert_false(fake_dropped(fk, t4));
    assert_false(vfs_thread_withdraw(fk->vfs, 304, &back, NULL)); /* only once */
    assert_int_equal(t_write(fk, P, fds[1], "z", 1), 1);
    fake_no_reply(fk, t4);
    assert_int_equal(t_read(fk, P, fds[0], &c, 1), 1);
    assert_int_equal(c, 'z');
    assert_int_equal(vfs_thread_cancel(fk->vfs, 302), 0);    /* already answered */
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);

    /* a cancelled head writer lets the one behind it proceed */
    char *fill = calloc(1, 65536);
    assert_int_equal(t_write(fk, P, fds[1], fill, 65536 - 10), 65536 - 10);
    assert_int_equal(fake_sys_tid(fk, P, 401, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], fake_alloc(fk, P, 20), 20}),
                     VFS_SUSPEND);
    vfs_token_t big = fk->last_token;
    assert_int_equal(fake_sys_tid(fk, P, 402, VFS_NR_write, (const uint64_t[6]){(uint64_t)fds[1], fake_alloc(fk, P, 5), 5}),
                     VFS_SUSPEND);
    vfs_token_t small = fk->last_token;
    vfs_thread_cancel(fk->vfs, 401);
    fake_no_reply(fk, big);
    assert_int_equal(fake_reply_of(fk, small), 5);
    free(fill);
}

/* A blocked reader whose process closes the fd (another thread) still holds the description:
 * it completes normally, and the description goes when it does. */
static void test_pending_call_holds_description(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    uint64_t base = vfs_open_descriptions(fk->vfs);
    uint64_t b = fake_alloc(fk, P, 8);
    vfs_token_t tok = deferred_read(fk, P, 501, fds[0], b, 8);
    assert_int_equal(t_close(fk, P, fds[0]), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);   /* still held by the call */
    assert_int_equal(t_write(fk, P, fds[1], "late", 4), 4);
    assert_int_equal(fake_reply_of(fk, tok), 4);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base - 1);
    /* now the reader is gone for real */
    assert_int_equal(t_write(fk, P, fds[1], "x", 1), -LX_EPIPE);
}

static void test_pending_reader_bad_buffer(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    vfs_token_t bad = deferred_read(fk, P, 601, fds[0], FAKE_BADADDR, 8);
    uint64_t b = fake_alloc(fk, P, 8);
    vfs_token_t good = deferred_read(fk, P, 602, fds[0], b, 8);
    assert_int_equal(t_write(fk, P, fds[1], "keep", 4), 4);
    assert_int_equal(fake_reply_of(fk, bad), -LX_EFAULT);
    assert_int_equal(fake_reply_of(fk, good), 4);   /* the data was not lost to the fault */
    assert_memory_equal(fake_ptr(fk, P, b), "keep", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pipe_basics, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_blocked_read_woken_by_write, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_eof_when_last_writer_closes, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_eof_via_proc_exit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_epipe_and_sigpipe, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_big_write_across_reads, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_blocked_reader_gets_big_write, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_nonblocking, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_small_write_waits, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fifo_order, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_last_reader_close_fails_writers, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_vectors_on_pipes, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_cancellation, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_pending_call_holds_description, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_pending_reader_bad_buffer, fake_setup,
                                        fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_pipe", tests, NULL, NULL));
}
