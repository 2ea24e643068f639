/* Host tests of the console line discipline and tty ioctls: ONLCR output, canonical input with
 * echo, erase, kill, EOF, one line per read, raw mode, input typed before any read, ^C, deferred
 * console reads and their cancellation; the controlling terminal (acquiring, stealing, giving
 * up, the leader's exit), the foreground group's rules, the background checks handed to
 * procmgr, and the signal characters. */
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

static void type(fake_t *fk, const char *s)
{
    vfs_console_input(fk->vfs, s, strlen(s));
}

static vfs_token_t deferred_read(fake_t *fk, int32_t tid, uint64_t buf, uint64_t len)
{
    int64_t r = fake_sys_tid(fk, P, tid, VFS_NR_read, (const uint64_t[6]){0, buf, len});
    assert_int_equal(r, VFS_SUSPEND);
    return fk->last_token;
}

static void get_termios(fake_t *fk, struct lx_termios *t)
{
    assert_int_equal(t_ioctl(fk, P, 0, LX_TCGETS, t, sizeof(*t)), 0);
}

static void set_termios(fake_t *fk, const struct lx_termios *t)
{
    struct lx_termios copy = *t;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TCSETS, &copy, sizeof(copy)), 0);
}

/* Read from fd 0 expecting an immediate answer; the bytes as a string. */
static int64_t read_now(fake_t *fk, char *buf, size_t len)
{
    int64_t n = t_read(fk, P, 0, buf, len);
    assert_true(n >= 0);
    buf[n] = '\0';
    return n;
}

static void test_output_onlcr(void **state)
{
    fake_t *fk = *state;
    fake_console_take(fk);
    assert_int_equal(t_write(fk, P, 1, "a\nb\n", 4), 4);
    assert_string_equal(fake_console_take(fk), "a\r\nb\r\n");
    struct lx_termios t;
    get_termios(fk, &t);
    t.c_oflag &= ~(uint32_t)LX_ONLCR;
    set_termios(fk, &t);
    assert_int_equal(t_write(fk, P, 1, "a\nb", 3), 3);
    assert_string_equal(fake_console_take(fk), "a\nb");
    /* a long write goes through whole */
    char big[3000];
    memset(big, 'w', sizeof(big));
    assert_int_equal(t_write(fk, P, 1, big, sizeof(big)), 3000);
    assert_int_equal(strlen(fake_console_take(fk)), 3000);
}

static void test_default_termios_and_ioctls(void **state)
{
    fake_t *fk = *state;
    struct lx_termios t;
    get_termios(fk, &t);
    assert_true(t.c_lflag & LX_ICANON);
    assert_true(t.c_lflag & LX_ECHO);
    assert_true(t.c_lflag & LX_ISIG);
    assert_true(t.c_iflag & LX_ICRNL);
    assert_int_equal(t.c_oflag & (LX_OPOST | LX_ONLCR), LX_OPOST | LX_ONLCR);
    assert_int_equal(t.c_cc[LX_VINTR], 3);
    assert_int_equal(t.c_cc[LX_VERASE], 0177);
    assert_int_equal(t.c_cc[LX_VKILL], 025);
    assert_int_equal(t.c_cc[LX_VEOF], 4);
    assert_int_equal(t.c_cc[LX_VMIN], 1);
    struct lx_winsize ws = {.ws_row = 50, .ws_col = 132};
    assert_int_equal(t_ioctl(fk, P, 1, LX_TIOCSWINSZ, &ws, sizeof(ws)), 0);
    memset(&ws, 0, sizeof(ws));
    assert_int_equal(t_ioctl(fk, P, 2, LX_TIOCGWINSZ, &ws, sizeof(ws)), 0);
    assert_int_equal(ws.ws_row, 50);
    assert_int_equal(ws.ws_col, 132);
    /* the first process became the foreground group; TIOCSPGRP makes another one of its session
     * the foreground */
    int32_t pg = 0;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCGPGRP, &pg, sizeof(pg)), 0);
    assert_int_equal(pg, P);
    assert_int_equal(vfs_proc_create(fk->vfs, 7, P), 0);
    fake_ids(fk, 7, 7, P);
    pg = 7;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), 0);
    pg = 0;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCGPGRP, &pg, sizeof(pg)), 0);
    assert_int_equal(pg, 7);
    /* now P is in the background: taking the terminal back is procmgr's SIGTTOU decision, and
     * once procmgr says go (P ignores or blocks SIGTTOU), it is done */
    pg = P;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), VFS_SUSPEND);
    assert_int_equal(fk->njobctl, 1);
    assert_int_equal(fk->jobctl[0].sig, 22);
    assert_int_equal(fk->jobctl[0].eio, -LX_ENOTTY);
    fk->next_flags = VFS_REQ_NOJC;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), 0);
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCGPGRP, &pg, sizeof(pg)), 0);
    assert_int_equal(pg, P);
    pg = -5;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_ioctl, 0, LX_TCGETS, FAKE_BADADDR), -LX_EFAULT);
    assert_int_equal(t_ioctl(fk, P, 0, 0x5499, &pg, sizeof(pg)), -LX_ENOTTY);
    /* FIONREAD counts what a read could take */
    type(fk, "abc\n");
    int32_t n = 0;
    assert_int_equal(t_ioctl(fk, P, 0, LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 4);
    /* TCSETSF discards pending input */
    get_termios(fk, &t);
    assert_int_equal(t_ioctl(fk, P, 0, LX_TCSETSF, &t, sizeof(t)), 0);
    assert_int_equal(t_ioctl(fk, P, 0, LX_FIONREAD, &n, sizeof(n)), 0);
    assert_int_equal(n, 0);
}

static void test_canonical_deferred_read_with_echo(void **state)
{
    fake_t *fk = *state;
    fake_console_take(fk);
    uint64_t ubuf = fake_alloc(fk, P, 64);
    vfs_token_t tok = deferred_read(fk, 10, ubuf, 64);
    type(fk, "hi");
    assert_int_equal(fk->nreplies, 0);   /* no line yet */
    assert_string_equal(fake_console_take(fk), "hi");
    type(fk, "\r");                      /* ICRNL: Enter arrives as CR */
    assert_int_equal(fake_reply_of(fk, tok), 3);
    assert_memory_equal(fake_ptr(fk, P, ubuf), "hi\n", 3);
    assert_string_equal(fake_console_take(fk), "\r\n");
}

static void test_erase_and_kill(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    fake_console_take(fk);
    type(fk, "ab\177c\n");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 3);
    assert_string_equal(buf, "ac\n");
    assert_string_equal(fake_console_take(fk), "ab\b \bc\r\n");
    type(fk, "x\b\by\n");   /* backspace erases too; nothing to erase is nothing */
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "y\n");
    fake_console_take(fk);
    type(fk, "abc\025xy\n");   /* ^U kills the line */
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 3);
    assert_string_equal(buf, "xy\n");
    assert_string_equal(fake_console_take(fk), "abc\b \b\b \b\b \bxy\r\n");
    type(fk, "cp a  b\027\027c\n");   /* ^W erases a word at a time */
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "cp c\n");
    /* a disabled special character (0 in c_cc) is an ordinary byte */
    struct lx_termios t;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TCGETS, &t, sizeof(t)), 0);
    t.c_cc[LX_VKILL] = 0;
    assert_int_equal(t_ioctl(fk, P, 0, LX_TCSETS, &t, sizeof(t)), 0);
    vfs_console_input(fk->vfs, "a\0b\n", 4);
    assert_int_equal(t_read(fk, P, 0, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "a\0b\n", 4);
}

static void test_eof_handling(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    /* ^D on an empty line: one read returns 0, the next one waits again */
    uint64_t ubuf = fake_alloc(fk, P, 64);
    vfs_token_t tok = deferred_read(fk, 10, ubuf, 64);
    type(fk, "\004");
    assert_int_equal(fake_reply_of(fk, tok), 0);
    deferred_read(fk, 10, ubuf, 64);
    vfs_thread_cancel(fk->vfs, 10);
    /* ^D mid-line pushes the line without a newline, and is not echoed */
    fake_console_take(fk);
    type(fk, "ab\004");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "ab");
    assert_string_equal(fake_console_take(fk), "ab");
    /* typed ahead: a line, then EOF, then another line */
    type(fk, "one\n\004two\n");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "one\n");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 0);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "two\n");
}

static void test_one_line_per_read(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    type(fk, "first\nsecond\nthird");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 6);
    assert_string_equal(buf, "first\n");
    /* a short buffer takes part of a line; the rest comes next */
    assert_int_equal(read_now(fk, buf, 3), 3);
    assert_string_equal(buf, "sec");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "ond\n");
    /* "third" is still being edited: a read waits */
    uint64_t ubuf = fake_alloc(fk, P, 64);
    vfs_token_t tok = deferred_read(fk, 10, ubuf, 64);
    type(fk, "!\n");
    assert_int_equal(fake_reply_of(fk, tok), 7);
    assert_memory_equal(fake_ptr(fk, P, ubuf), "third!\n", 7);
}

static void test_raw_mode(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    struct lx_termios t;
    get_termios(fk, &t);
    struct lx_termios raw = t;
    raw.c_lflag &= ~(uint32_t)(LX_ICANON | LX_ECHO);
    set_termios(fk, &raw);
    fake_console_take(fk);
    /* a waiting reader gets the first byte at once */
    uint64_t ubuf = fake_alloc(fk, P, 64);
    vfs_token_t tok = deferred_read(fk, 10, ubuf, 64);
    type(fk, "x");
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_memory_equal(fake_ptr(fk, P, ubuf), "x", 1);
    assert_string_equal(fake_console_take(fk), "");   /* no echo */
    /* no line structure: erase and newline are ordinary bytes; CR still maps to NL */
    type(fk, "ab\177\r");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "ab\177\n", 4);
    /* with ECHO back on, bytes echo as they come */
    raw.c_lflag |= LX_ECHO;
    set_termios(fk, &raw);
    type(fk, "k");
    assert_string_equal(fake_console_take(fk), "k");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 1);
    /* VMIN=0: a read never waits */
    raw.c_cc[LX_VMIN] = 0;
    set_termios(fk, &raw);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 0);
    /* half a line typed in canonical mode is readable once ICANON goes off */
    set_termios(fk, &t);
    type(fk, "part");
    set_termios(fk, &raw);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "part");
    /* and raw bytes left over form a line when ICANON comes back */
    type(fk, "zz");
    set_termios(fk, &t);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "zz");
}

static void test_early_input_kept(void **state)
{
    fake_t *fk = *state;
    /* 5000 bytes typed in raw mode before anyone reads: all of them are kept, in order */
    struct lx_termios t;
    get_termios(fk, &t);
    t.c_lflag &= ~(uint32_t)(LX_ICANON | LX_ECHO);
    set_termios(fk, &t);
    char in[5000];
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)('a' + i % 26);
    vfs_console_input(fk->vfs, in, sizeof(in));
    char *out = malloc(sizeof(in) + 1);
    size_t have = 0;
    while (have < sizeof(in)) {
        int64_t n = t_read(fk, P, 0, out + have, 1000);
        assert_true(n > 0);
        have += (size_t)n;
    }
    assert_memory_equal(out, in, sizeof(in));
    free(out);
    /* canonical: several lines typed early come out one per read */
    t.c_lflag |= LX_ICANON;
    set_termios(fk, &t);
    for (int i = 0; i < 100; i++)
        type(fk, "line of input\n");
    char buf[64];
    for (int i = 0; i < 100; i++) {
        assert_int_equal(read_now(fk, buf, sizeof(buf)), 14);
        assert_string_equal(buf, "line of input\n");
    }
}

static void test_ctrl_c(void **state)
{
    fake_t *fk = *state;
    char buf[64];
    fake_console_take(fk);
    /* a command in its own group (42) is the foreground and reads */
    int32_t pg = 42;
    assert_int_equal(vfs_proc_create(fk->vfs, 42, P), 0);
    fake_ids(fk, 42, 42, P);
    assert_int_equal(t_ioctl(fk, P, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), 0);
    uint64_t ubuf = fake_alloc(fk, 42, 64);
    assert_int_equal(fake_sys(fk, 42, VFS_NR_read, 0, ubuf, 64), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    type(fk, "doomed\003");
    assert_int_equal(fk->nsigs, 1);
    assert_int_equal(fk->sigs[0].pid, -42);   /* the foreground process group */
    assert_int_equal(fk->sigs[0].tid, 0);
    assert_int_equal(fk->sigs[0].sig, 2);
    assert_string_equal(fake_console_take(fk), "doomed^C");
    assert_int_equal(fk->nreplies, 0);   /* the reader is left to procmgr's signal */
    type(fk, "kept\n");
    assert_int_equal(fake_reply_of(fk, tok), 5);   /* the discarded line is gone */
    assert_memory_equal(fake_ptr(fk, 42, ubuf), "kept\n", 5);
    pg = P; /* the shell's group is the foreground again */
    assert_int_equal(t_ioctl(fk, 42, 0, LX_TIOCSPGRP, &pg, sizeof(pg)), 0);
    /* ^\ is SIGQUIT; with ISIG off ^C is an ordinary byte */
    type(fk, "\034");
    assert_int_equal(fk->sigs[1].sig, 3);
    struct lx_termios t;
    get_termios(fk, &t);
    t.c_lflag &= ~(uint32_t)LX_ISIG;
    set_termios(fk, &t);
    type(fk, "\003\n");
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "\003\n", 2);
}

static void test_nonblocking_and_cancel(void **state)
{
    fake_t *fk = *state;
    char buf[8];
    int64_t fd = t_open(fk, P, "/dev/tty", LX_O_RDONLY | LX_O_NONBLOCK, 0);
    assert_true(fd >= 0);
    assert_int_equal(t_read(fk, P, (int32_t)fd, buf, sizeof(buf)), -LX_EAGAIN);
    type(fk, "q\n");
    assert_int_equal(t_read(fk, P, (int32_t)fd, buf, sizeof(buf)), 2);
    t_close(fk, P, (int32_t)fd);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, 0, fake_alloc(fk, P, 4), 4, 0),
                     -LX_ESPIPE);

    /* two readers wait; the first is cancelled; input goes to the second, in order */
    uint64_t b1 = fake_alloc(fk, P, 8), b2 = fake_alloc(fk, P, 8), b3 = fake_alloc(fk, P, 8);
    vfs_token_t t1 = deferred_read(fk, 11, b1, 8);
    vfs_token_t t2 = deferred_read(fk, 12, b2, 8);
    vfs_token_t t3 = deferred_read(fk, 13, b3, 8);
    vfs_thread_cancel(fk->vfs, 11);
    type(fk, "a\nb\n");
    int64_t v;
    assert_false(fake_reply_find(fk, t1, &v));
    assert_int_equal(fake_reply_of(fk, t2), 2);
    assert_int_equal(fake_reply_of(fk, t3), 2);
    assert_memory_equal(fake_ptr(fk, P, b2), "a\n", 2);
    assert_memory_equal(fake_ptr(fk, P, b3), "b\n", 2);
    /* a pending console read goes away with its process */
    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(vfs_proc_create(fk->vfs, 2, P), 0);
    assert_int_equal(fake_sys_tid(fk, 2, 20, VFS_NR_read, (const uint64_t[6]){0, fake_alloc(fk, 2, 8), 8}),
                     VFS_SUSPEND);
    vfs_token_t child = fk->last_token;
    vfs_proc_exit(fk->vfs, 2);
    type(fk, "z\n");
    assert_false(fake_reply_find(fk, child, &v));
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);   /* the input waited for us */
}

/* A process P made in the session of P (1) with its own group */
static void child_in_group(fake_t *fk, int32_t pid, int32_t pgid, int32_t sid)
{
    assert_int_equal(vfs_proc_create(fk->vfs, pid, P), 0);
    fake_ids(fk, pid, pgid, sid);
}

static int32_t ioctl_int(fake_t *fk, int32_t pid, uint32_t cmd, int32_t *v)
{
    return (int32_t)t_ioctl(fk, pid, 0, cmd, v, sizeof(*v));
}

/* The controlling terminal: init's from the start; a new session has none until its leader
 * opens the console (O_NOCTTY honoured) or asks with TIOCSCTTY; /dev/tty needs one. */
static void test_controlling_terminal(void **state)
{
    fake_t *fk = *state;
    int32_t v = 0;
    assert_int_equal(ioctl_int(fk, P, LX_TIOCGSID, &v), 0);
    assert_int_equal(v, P);
    /* a child inherits it; after its setsid it has none */
    child_in_group(fk, 2, P, P);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGPGRP, &v), 0);
    fake_ids(fk, 2, 2, 2);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGPGRP, &v), -LX_ENOTTY);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGSID, &v), -LX_ENOTTY);
    v = 2;
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCSPGRP, &v), -LX_ENOTTY);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCNOTTY, &v), -LX_ENOTTY);
    assert_int_equal(t_open(fk, 2, "/dev/tty", LX_O_RDWR, 0), -LX_ENXIO);
    /* the console belongs to session 1: opening it does not give it away */
    int64_t fd = t_open(fk, 2, "/dev/console", LX_O_RDWR, 0);
    assert_true(fd >= 0);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGSID, &v), -LX_ENOTTY);
    assert_int_equal(t_ioctl(fk, 2, (int32_t)fd, LX_TIOCSCTTY, NULL, 0), -LX_EPERM);
    /* a session member that is not its leader may not take it */
    child_in_group(fk, 3, 2, 2);
    assert_int_equal(fake_sys(fk, 3, VFS_NR_ioctl, 0, LX_TIOCSCTTY, 1), -LX_EPERM);
    /* root may steal it with arg 1: session 1 loses it */
    assert_int_equal(fake_sys(fk, 2, VFS_NR_ioctl, (uint64_t)fd, LX_TIOCSCTTY, 1), 0);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGSID, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGPGRP, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(ioctl_int(fk, P, LX_TIOCGPGRP, &v), -LX_ENOTTY);
    assert_int_equal(fake_sys(fk, 2, VFS_NR_ioctl, (uint64_t)fd, LX_TIOCSCTTY, 0), 0); /* ours */
    /* TIOCNOTTY by the leader: the foreground group is hung up, the terminal is free */
    fk->nsigs = 0;
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCNOTTY, &v), 0);
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(fk->sigs[0].pid, -2);
    assert_int_equal(fk->sigs[0].sig, 1);     /* SIGHUP */
    assert_int_equal(fk->sigs[1].sig, 18);    /* SIGCONT */
    /* a session leader without one gets it by opening the console, unless O_NOCTTY */
    int64_t fd2 = t_open(fk, P, "/dev/console", LX_O_RDWR | LX_O_NOCTTY, 0);
    assert_true(fd2 >= 0);
    assert_int_equal(ioctl_int(fk, P, LX_TIOCGSID, &v), -LX_ENOTTY);
    int64_t fd3 = t_open(fk, P, "/dev/console", LX_O_RDWR, 0);
    assert_true(fd3 >= 0);
    assert_int_equal(ioctl_int(fk, P, LX_TIOCGSID, &v), 0);
    assert_int_equal(v, P);
    t_close(fk, 2, (int32_t)fd);
    t_close(fk, P, (int32_t)fd2);
    t_close(fk, P, (int32_t)fd3);
    /* stat's tty_nr and tpgid reach procmgr with a /proc read */
    int64_t sfd = t_open(fk, P, "/proc/1/stat", LX_O_RDONLY, 0);
    char buf[8];
    assert_int_equal(t_read(fk, P, (int32_t)sfd, buf, sizeof(buf)), VFS_SUSPEND);
    assert_int_equal(fk->procfs[fk->nprocfs - 1].facts.tty_nr, (5 << 8) | 1);
    assert_int_equal(fk->procfs[fk->nprocfs - 1].facts.tpgid, P);
    assert_int_equal(fk->procfs[fk->nprocfs - 1].facts.umask, 022);
    assert_int_equal(fk->procfs[fk->nprocfs - 1].facts.fdsize, 64);
    vfs_procfs_done(fk->vfs, fk->procfs[fk->nprocfs - 1].id, 0);
    t_close(fk, P, (int32_t)sfd);
}

static void test_foreground_group_rules(void **state)
{
    fake_t *fk = *state;
    int32_t v;
    child_in_group(fk, 2, 2, P);        /* another group of session 1 */
    child_in_group(fk, 3, 3, 3);        /* another session */
    v = -1;
    assert_int_equal(ioctl_int(fk, P, LX_TIOCSPGRP, &v), -LX_EINVAL);
    v = 40;
    assert_int_equal(ioctl_int(fk, P, LX_TIOCSPGRP, &v), -LX_ESRCH);   /* no such group */
    v = 3;
    assert_int_equal(ioctl_int(fk, P, LX_TIOCSPGRP, &v), -LX_EPERM);   /* another session */
    assert_int_equal(fake_sys(fk, P, VFS_NR_ioctl, 0, LX_TIOCSPGRP, FAKE_BADADDR), -LX_EFAULT);
    v = 2;
    assert_int_equal(ioctl_int(fk, P, LX_TIOCSPGRP, &v), 0);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGPGRP, &v), 0);
    assert_int_equal(v, 2);
    /* the session leader exits: its terminal's foreground group is hung up */
    fk->nsigs = 0;
    vfs_proc_exit(fk->vfs, P);
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(fk->sigs[0].pid, -2);
    assert_int_equal(fk->sigs[0].sig, 1);
    assert_int_equal(fk->sigs[1].pid, -2);
    assert_int_equal(fk->sigs[1].sig, 18);
    assert_int_equal(ioctl_int(fk, 2, LX_TIOCGPGRP, &v), -LX_ENOTTY);   /* disassociated */
    /* with no foreground group, ^C reaches nobody */
    fk->nsigs = 0;
    type(fk, "\003");
    assert_int_equal(fk->nsigs, 0);
}

/* A process of a background group that reads its terminal (or writes under TOSTOP, or sets the
 * attributes or the foreground group) is handed to procmgr; foreground ones and others' are not. */
static void test_background_checks(void **state)
{
    fake_t *fk = *state;
    child_in_group(fk, 2, 2, P);
    child_in_group(fk, 4, 4, 4);        /* its own session: the console is not its terminal */
    uint64_t b2 = fake_alloc(fk, 2, 8), b4 = fake_alloc(fk, 4, 8);
    /* P is the foreground: 2 is in the background */
    type(fk, "x\n");
    assert_int_equal(fake_sys(fk, 2, VFS_NR_read, 0, b2, 8), VFS_SUSPEND);
    assert_int_equal(fk->njobctl, 1);
    assert_int_equal(fk->jobctl[0].pid, 2);
    assert_int_equal(fk->jobctl[0].sig, 21);          /* SIGTTIN */
    assert_int_equal(fk->jobctl[0].eio, -LX_EIO);
    assert_int_equal(fk->jobctl[0].nr, VFS_NR_read);
    assert_int_equal(fk->jobctl[0].a[1], b2);
    /* procmgr says go ahead: the read is done */
    fk->next_flags = VFS_REQ_NOJC;
    assert_int_equal(fake_sys(fk, 2, VFS_NR_read, 0, b2, 8), 2);
    /* not its controlling terminal: no job control */
    type(fk, "y\n");
    assert_int_equal(fake_sys(fk, 4, VFS_NR_read, 0, b4, 8), 2);
    /* a background write goes out, unless TOSTOP */
    assert_int_equal(t_write(fk, 2, 1, "bg", 2), 2);
    struct lx_termios t;
    get_termios(fk, &t);
    t.c_lflag |= LX_TOSTOP;
    set_termios(fk, &t);
    assert_int_equal(t_write(fk, 2, 1, "bg", 2), VFS_SUSPEND);
    assert_int_equal(fk->jobctl[1].sig, 22);          /* SIGTTOU */
    assert_int_equal(t_write(fk, P, 1, "fg", 2), 2);
    /* setting the attributes or flushing from the background: SIGTTOU */
    assert_int_equal(t_ioctl(fk, 2, 0, LX_TCSETS, &t, sizeof(t)), VFS_SUSPEND);
    assert_int_equal(fake_sys(fk, 2, VFS_NR_ioctl, 0, LX_TCFLSH, LX_TCIFLUSH), VFS_SUSPEND);
    assert_int_equal(fk->njobctl, 4);
    /* reading them, or the window size, is allowed */
    assert_int_equal(t_ioctl(fk, 2, 0, LX_TCGETS, &t, sizeof(t)), 0);
    struct lx_winsize ws = {.ws_row = 30, .ws_col = 90};
    assert_int_equal(t_ioctl(fk, 2, 0, LX_TIOCSWINSZ, &ws, sizeof(ws)), 0);
    t.c_lflag &= ~(uint32_t)LX_TOSTOP;
    set_termios(fk, &t);
}

/* ISIG's characters are the c_cc entries of the moment: changed, they move; input is flushed
 * unless NOFLSH; VSUSP sends SIGTSTP. */
static void test_signal_characters(void **state)
{
    fake_t *fk = *state;
    char buf[16];
    fk->nsigs = 0;
    struct lx_termios t;
    get_termios(fk, &t);
    t.c_cc[LX_VINTR] = 007;    /* ^G interrupts, ^C is a byte */
    t.c_lflag |= LX_NOFLSH;
    set_termios(fk, &t);
    type(fk, "ab\007");
    assert_int_equal(fk->nsigs, 1);
    assert_int_equal(fk->sigs[0].pid, -P);
    assert_int_equal(fk->sigs[0].sig, 2);
    type(fk, "\003\n");        /* NOFLSH: "ab" was kept */
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "ab\003\n", 4);
    t.c_lflag &= ~(uint32_t)LX_NOFLSH;
    set_termios(fk, &t);
    type(fk, "cd\032");        /* ^Z: SIGTSTP, the line is gone */
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(fk->sigs[1].sig, 20);
    type(fk, "e\n");
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "e\n", 2);
    t.c_cc[LX_VSUSP] = 0;      /* disabled */
    t.c_cc[LX_VINTR] = 003;
    set_termios(fk, &t);
    type(fk, "\032\n");
    assert_int_equal(fk->nsigs, 2);
    assert_int_equal(read_now(fk, buf, sizeof(buf)), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_onlcr, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_default_termios_and_ioctls, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_canonical_deferred_read_with_echo, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_erase_and_kill, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_eof_handling, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_one_line_per_read, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_raw_mode, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_early_input_kept, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_nonblocking_and_cancel, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_controlling_terminal, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_foreground_group_rules, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_background_checks, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_signal_characters, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_console", tests, NULL, NULL));
}
