/* The console tty: Linux's n_tty line discipline reduced to what a shell needs, the tty
 * ioctls, and the terminal's side of job control.
 *
 * Output: "\n" becomes "\r\n" under OPOST|ONLCR. Input arrives from the device through
 * vfs_console_input and is kept until read, in order (the ring holds 8 KiB):
 *  - canonical (ICANON): characters collect in an edit line with echo; erase (VERASE or
 *    backspace) rubs out one ("\b \b"), VWERASE (with IEXTEN) a word, VKILL the whole line;
 *    newline or VEOL ends the line;
 *    VEOF pushes the line without a newline, or on an empty line leaves an end-of-file mark that
 *    makes one read return 0; a read returns at most one line;
 *  - raw: every byte is readable at once (VMIN=1 semantics; VMIN=0 reads never wait);
 *  - a c_cc entry of 0 disables that special character;
 *  - ICRNL turns CR into NL; with ISIG, VINTR/VQUIT/VSUSP discard the pending input (unless
 *    NOFLSH) and send SIGINT/SIGQUIT/SIGTSTP to the foreground process group (none if the
 *    terminal has none).
 * Job control (Linux's tty_io.c): the console is the controlling terminal of at most one
 * session (con->sid), acquired by a session leader without one when it opens the console
 * without O_NOCTTY or asks with TIOCSCTTY, given up with TIOCNOTTY or when the leader exits
 * (the foreground group then gets SIGHUP and SIGCONT). Its foreground group (con->pgrp,
 * TIOCGPGRP/TIOCSPGRP) must be a group of that session. A process of another group of the session
 * that reads (or writes under TOSTOP, or sets the attributes or foreground group) is handed to
 * procmgr with its call (env->jobctl), for the decision needs its signal state: SIGTTIN or
 * SIGTTOU to its group and the call again after the stop, or EIO.
 * Ring bytes carry flags: CON_EOL (a line ends after it) or CON_EOF (an end-of-file mark, not
 * data). A read that finds nothing to return is deferred on con->readers; new input serves the
 * waiting readers oldest first.
 *
 * Entry points: vfs_console_init, vfs_console_opened, vfs_console_proc_gone, vfs_console_facts,
 * vfs_console_read, vfs_console_write, vfs_console_ioctl, vfs_console_input, vfs_console_poll. */
#include <string.h>
#include "vfs_impl.h"

#define CON_EOL 1u
#define CON_EOF 2u
#define CON_SIGHUP 1
#define CON_SIGCONT 18
#define CON_SIGTSTP 20
#define CON_SIGTTIN 21
#define CON_SIGTTOU 22
#define CON_SIGWINCH 28
#define CON_TTY_NR ((5 << 8) | 1)   /* stat's encoding of /dev/console, 5:1 */

void vfs_console_init(vfs_console_t *con)
{
    static const uint8_t cc[LX_NCCS] = {
        [LX_VINTR] = 003,  [LX_VQUIT] = 034,  [LX_VERASE] = 0177, [LX_VKILL] = 025,
        [LX_VEOF] = 004,   [LX_VTIME] = 0,    [LX_VMIN] = 1,      [LX_VSTART] = 021,
        [LX_VSTOP] = 023,  [LX_VSUSP] = 032,  [LX_VREPRINT] = 022, [LX_VDISCARD] = 017,
        [LX_VWERASE] = 027, [LX_VLNEXT] = 026,
    };
    memset(con, 0, sizeof(*con));
    /* Linux's tty_std_termios */
    con->tio.c_iflag = LX_ICRNL | LX_IXON;
    con->tio.c_oflag = LX_OPOST | LX_ONLCR;
    con->tio.c_cflag = LX_B38400 | LX_CS8 | LX_CREAD | LX_HUPCL;
    con->tio.c_lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK | LX_ECHOCTL |
                       LX_ECHOKE | LX_IEXTEN;
    memcpy(con->tio.c_cc, cc, sizeof(cc));
    con->ws.ws_row = 24;
    con->ws.ws_col = 80;
}

/* ---- the controlling terminal ---- */

static void con_raise(vfs_t *vfs, int32_t pgrp, int sig)
{
    if (pgrp && vfs->env.raise_signal)
        vfs->env.raise_signal(vfs->env.ctx, -pgrp, 0, sig);
}

static void con_acquire(vfs_t *vfs, vfs_proc_t *p)
{
    vfs->con.sid = p->sid;
    vfs->con.pgrp = p->pgid;
    p->ctty = true;
}

/* The session loses its terminal (Linux's disassociate_ctty): its foreground group is hung
 * up, every member forgets the terminal. */
static void con_disassociate(vfs_t *vfs)
{
    vfs_console_t *con = &vfs->con;
    con_raise(vfs, con->pgrp, CON_SIGHUP);
    con_raise(vfs, con->pgrp, CON_SIGCONT);
    for (vfs_proc_t *q = vfs->procs; q; q = q->next)
        if (q->sid == con->sid)
            q->ctty = false;
    con->sid = con->pgrp = 0;
}

void vfs_console_opened(vfs_t *vfs, vfs_proc_t *p, uint32_t flags)
{
    if (!(flags & LX_O_NOCTTY) && p->sid == p->pid && !p->ctty && vfs->con.sid == 0)
        con_acquire(vfs, p);
}

void vfs_console_proc_gone(vfs_t *vfs, vfs_proc_t *p, bool exiting)
{
    if (exiting && p->ctty && p->sid == p->pid && vfs->con.sid == p->sid)
        con_disassociate(vfs);
    p->ctty = false;
}

void vfs_console_facts(const vfs_t *vfs, const vfs_proc_t *p, struct vfs_proc_facts *f)
{
    f->tty_nr = p->ctty ? CON_TTY_NR : 0;
    f->tpgid = p->ctty ? vfs->con.pgrp : -1;
}

/* Linux's tty_check_change and job_control: 0 if the caller may go on (the console is not its
 * controlling terminal, or it is in the foreground group, or procmgr already decided); else the
 * call goes to procmgr with its token (VFS_SUSPEND), which decides with the caller's signal state. */
static int64_t con_jobctl(vfs_t *vfs, const vfs_req_t *req, int sig, int32_t eio)
{
    const vfs_console_t *con = &vfs->con;
    vfs_proc_t *p = vfs_proc_find(vfs, req->pid);
    if (!p || !p->ctty || (req->flags & VFS_REQ_NOJC) || !con->pgrp || p->pgid == con->pgrp)
        return 0;
    if (!vfs->env.jobctl)
        return eio;
    int rc = vfs->env.jobctl(vfs->env.ctx, req->token, req->pid, req->tid, sig, eio, req->nr,
                             req->a);
    return rc < 0 ? rc : VFS_SUSPEND;
}

/* ---- output ---- */

static void con_out(vfs_t *vfs, const char *s, size_t n)
{
    char buf[256];
    size_t k = 0;
    bool onlcr = (vfs->con.tio.c_oflag & (LX_OPOST | LX_ONLCR)) == (LX_OPOST | LX_ONLCR);
    for (size_t i = 0; i < n; i++) {
        if (k + 2 > sizeof(buf)) {
            vfs->env.console_write(vfs->env.ctx, buf, k);
            k = 0;
        }
        if (s[i] == '\n' && onlcr)
            buf[k++] = '\r';
        buf[k++] = s[i];
    }
    if (k)
        vfs->env.console_write(vfs->env.ctx, buf, k);
}

int64_t vfs_console_write(vfs_t *vfs, const vfs_req_t *req, vfs_uio_t *uio)
{
    if (vfs->con.tio.c_lflag & LX_TOSTOP) {
        int64_t jc = con_jobctl(vfs, req, CON_SIGTTOU, -LX_EIO);
        if (jc)
            return jc;
    }
    char chunk[128];
    uint64_t done = 0;
    while (done < uio->total) {
        uint64_t n = uio->total - done;
        if (n > sizeof(chunk))
            n = sizeof(chunk);
        int64_t got = vfs_uio_copy_in(vfs, uio, done, chunk, n);
        if (got < 0)
            return done ? (int64_t)done : got;
        con_out(vfs, chunk, (size_t)got);
        done += (uint64_t)got;
        if ((uint64_t)got < n)
            break;
    }
    return (int64_t)done;
}

static void con_echo(vfs_t *vfs, uint8_t c)
{
    const struct lx_termios *t = &vfs->con.tio;
    if (!(t->c_lflag & LX_ECHO)) {
        if (c == '\n' && (t->c_lflag & (LX_ECHONL | LX_ICANON)) == (LX_ECHONL | LX_ICANON))
            con_out(vfs, "\n", 1);
        return;
    }
    if ((c < 32 || c == 0177) && c != '\n' && c != '\t' && (t->c_lflag & LX_ECHOCTL)) {
        char caret[2] = {'^', (char)(c ^ 0100)};
        con_out(vfs, caret, 2);
        return;
    }
    char ch = (char)c;
    con_out(vfs, &ch, 1);
}

static void con_rubout(vfs_t *vfs)
{
    uint32_t lf = vfs->con.tio.c_lflag;
    if ((lf & LX_ECHO) && (lf & (LX_ECHOE | LX_ECHOKE)))
        con_out(vfs, "\b \b", 3);
}

/* ---- the input ring ---- */

static size_t ring_space(const vfs_console_t *con)
{
    return VFS_CON_RING - con->rcount;
}

static void ring_put(vfs_console_t *con, uint8_t c, uint8_t flag)
{
    size_t at = (con->rhead + con->rcount) % VFS_CON_RING;
    con->ring[at] = c;
    con->rflag[at] = flag;
    con->rcount++;
    if (flag)
        con->rlines++;
}

static void con_flush_input(vfs_console_t *con)
{
    con->rhead = con->rcount = con->rlines = 0;
    con->linelen = 0;
}

static bool con_canon(const vfs_console_t *con)
{
    return con->tio.c_lflag & LX_ICANON;
}

static bool con_ready(const vfs_console_t *con)
{
    if (con_canon(con))
        return con->rlines > 0;
    return con->rcount > 0 || con->tio.c_cc[LX_VMIN] == 0;
}

/* Hand the next piece of input to a reader: an end-of-file mark gives 0; otherwise bytes up
 * to the request's size, ending after the first end of line in canonical mode. Nothing is
 * consumed if the copy faults. */
static int64_t con_take(vfs_t *vfs, const vfs_uio_t *uio)
{
    vfs_console_t *con = &vfs->con;
    if (con->rcount && (con->rflag[con->rhead] & CON_EOF)) {
        con->rflag[con->rhead] = 0;
        con->rhead = (con->rhead + 1) % VFS_CON_RING;
        con->rcount--;
        con->rlines--;
        return 0;
    }
    bool canon = con_canon(con);
    size_t n = 0;
    while (n < con->rcount && n < uio->total) {
        uint8_t fl = con->rflag[(con->rhead + n) % VFS_CON_RING];
        if (fl & CON_EOF)
            break;
        n++;
        if ((fl & CON_EOL) && canon)
            break;
    }
    int64_t got = vfs_uio_copy_out_ring(vfs, uio, con->ring, VFS_CON_RING,
                                        con->rhead, n);
    if (got < 0)
        return got;
    for (int64_t i = 0; i < got; i++) {
        if (con->rflag[con->rhead]) {
            con->rflag[con->rhead] = 0;
            con->rlines--;
        }
        con->rhead = (con->rhead + 1) % VFS_CON_RING;
        con->rcount--;
    }
    return got;
}

/* Answer waiting readers, oldest first, while there is something for them. */
static void con_serve(vfs_t *vfs)
{
    vfs_pending_t *pc;
    while ((pc = vfs->con.readers.head) && con_ready(&vfs->con))
        vfs_pending_finish(vfs, pc, con_take(vfs, &pc->uio));
}

int64_t vfs_console_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    int64_t jc = con_jobctl(vfs, req, CON_SIGTTIN, -LX_EIO);
    if (jc)
        return jc;
    if (uio->total == 0)
        return 0;
    if (!vfs->con.readers.head && con_ready(&vfs->con))
        return con_take(vfs, uio);
    if (f->flags & LX_O_NONBLOCK)
        return -LX_EAGAIN;
    int rc = vfs_pending_add(vfs, req, f, uio, 0, &vfs->con.readers);
    return rc < 0 ? rc : VFS_SUSPEND;
}

/* ---- the line discipline ---- */

/* The finished edit line goes to the ring; the last byte carries the end of line. */
static void con_push_line(vfs_console_t *con)
{
    for (size_t i = 0; i < con->linelen; i++)
        ring_put(con, (uint8_t)con->line[i], i + 1 == con->linelen ? CON_EOL : 0);
    con->linelen = 0;
}

static void con_signal(vfs_t *vfs, uint8_t c, int sig)
{
    vfs_console_t *con = &vfs->con;
    con_echo(vfs, c);
    if (!(con->tio.c_lflag & LX_NOFLSH))
        con_flush_input(con);
    con_raise(vfs, con->pgrp, sig);
}

/* Is c the special character at c_cc[idx]? A 0 there disables it (_POSIX_VDISABLE). */
static bool con_is(const vfs_console_t *con, uint8_t c, int idx)
{
    return c != 0 && c == con->tio.c_cc[idx];
}

static void con_canon_byte(vfs_t *vfs, uint8_t c)
{
    vfs_console_t *con = &vfs->con;
    if (con_is(con, c, LX_VERASE) || c == '\b') {
        if (con->linelen > 0) {
            con->linelen--;
            con_rubout(vfs);
        }
        return;
    }
    if (con_is(con, c, LX_VWERASE) && (con->tio.c_lflag & LX_IEXTEN)) {
        /* ^W: the blanks before the cursor, then the word before them */
        while (con->linelen > 0 && con->line[con->linelen - 1] == ' ') {
            con->linelen--;
            con_rubout(vfs);
        }
        while (con->linelen > 0 && con->line[con->linelen - 1] != ' ') {
            con->linelen--;
            con_rubout(vfs);
        }
        return;
    }
    if (con_is(con, c, LX_VKILL)) {
        uint32_t lf = con->tio.c_lflag;
        if (!(lf & LX_ECHOKE) && (lf & LX_ECHOK) && (lf & LX_ECHO) && con->linelen > 0) {
            con_out(vfs, "\n", 1);
            con->linelen = 0;
        }
        for (; con->linelen > 0; con->linelen--)
            con_rubout(vfs);
        return;
    }
    if (con_is(con, c, LX_VEOF)) {
        /* not echoed; a non-empty line is pushed as it is, an empty one becomes EOF */
        if (con->linelen > 0)
            con_push_line(con);
        else if (ring_space(con) >= 1)
            ring_put(con, c, CON_EOF);
        return;
    }
    bool eol = c == '\n' || con_is(con, c, LX_VEOL) || con_is(con, c, LX_VEOL2);
    if (!eol) {
        /* accept only while the line can still be ended and pushed whole: one slot stays
         * free for the newline, in the edit line and in the ring */
        if (con->linelen + 2 > VFS_CON_LINE || con->linelen + 2 > ring_space(con))
            return;
        con->line[con->linelen++] = (char)c;
        con_echo(vfs, c);
        return;
    }
    if (con->linelen + 1 > ring_space(con))
        return;   /* the ring is full of unread lines */
    con->line[con->linelen++] = (char)c;
    con_echo(vfs, c);
    con_push_line(con);
}

static void con_input_byte(vfs_t *vfs, uint8_t c)
{
    vfs_console_t *con = &vfs->con;
    const struct lx_termios *t = &con->tio;
    if (t->c_iflag & LX_ISTRIP)
        c &= 0x7f;
    if (c == '\r') {
        if (t->c_iflag & LX_IGNCR)
            return;
        if (t->c_iflag & LX_ICRNL)
            c = '\n';
    } else if (c == '\n' && (t->c_iflag & LX_INLCR)) {
        c = '\r';
    }
    if (t->c_lflag & LX_ISIG) {
        int sig = con_is(con, c, LX_VINTR)   ? VFS_SIGINT
                  : con_is(con, c, LX_VQUIT) ? VFS_SIGQUIT
                  : con_is(con, c, LX_VSUSP) ? CON_SIGTSTP
                                             : 0;
        if (sig) {
            con_signal(vfs, c, sig);
            return;
        }
    }
    if (con_canon(con)) {
        con_canon_byte(vfs, c);
        return;
    }
    if (ring_space(con) == 0)
        return;   /* as n_tty: a full buffer drops what is typed */
    ring_put(con, c, 0);
    con_echo(vfs, c);
}

void vfs_console_input(vfs_t *vfs, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        con_input_byte(vfs, (uint8_t)bytes[i]);
    con_serve(vfs);
    vfs_pollq_wake(vfs, &vfs->con_pollq, LX_POLLIN | LX_POLLRDNORM);
}

/* ---- ioctls ---- */

/* Switching ICANON keeps every byte typed: an edit line in progress becomes readable when
 * canonical mode ends, and raw leftovers form a line of their own when it starts. */
static void con_set_termios(vfs_t *vfs, const struct lx_termios *nt)
{
    vfs_console_t *con = &vfs->con;
    bool was_canon = con_canon(con);
    con->tio = *nt;
    bool canon = con_canon(con);
    if (was_canon && !canon) {
        for (size_t i = 0; i < con->linelen && ring_space(con) > 0; i++)
            ring_put(con, (uint8_t)con->line[i], 0);
        con->linelen = 0;
    } else if (!was_canon && canon && con->rcount > 0) {
        size_t last = (con->rhead + con->rcount - 1) % VFS_CON_RING;
        if (!con->rflag[last]) {
            con->rflag[last] = CON_EOL;
            con->rlines++;
        }
    }
    con_serve(vfs);
}

static uint64_t con_nread(const vfs_console_t *con)
{
    uint64_t n = 0;
    for (size_t i = 0; i < con->rcount; i++)
        if (!(con->rflag[(con->rhead + i) % VFS_CON_RING] & CON_EOF))
            n++;
    return n;
}

static int con_put_user(vfs_t *vfs, int32_t pid, uint64_t uaddr, const void *src, size_t len)
{
    return vfs->env.copy_out(vfs->env.ctx, pid, uaddr, src, len) < 0 ? -LX_EFAULT : 0;
}

static int con_get_user(vfs_t *vfs, int32_t pid, void *dst, uint64_t uaddr, size_t len)
{
    return vfs->env.copy_in(vfs->env.ctx, pid, dst, uaddr, len) < 0 ? -LX_EFAULT : 0;
}

/* The session of process group pgrp (or, as Linux's session_of_pgrp, of process pgrp); 0 if no
 * process has that id. */
static int32_t con_session_of(vfs_t *vfs, int32_t pgrp)
{
    for (vfs_proc_t *q = vfs->procs; q; q = q->next)
        if (q->pgid == pgrp)
            return q->sid;
    for (vfs_proc_t *q = vfs->procs; q; q = q->next)
        if (q->pid == pgrp)
            return q->sid;
    return 0;
}

static int64_t con_set_pgrp(vfs_t *vfs, const vfs_req_t *req, vfs_proc_t *p, uint64_t arg)
{
    vfs_console_t *con = &vfs->con;
    int64_t jc = con_jobctl(vfs, req, CON_SIGTTOU, -LX_ENOTTY);
    if (jc)
        return jc;
    if (!p->ctty || con->sid != p->sid)
        return -LX_ENOTTY;
    int32_t pgrp;
    if (vfs->env.copy_in(vfs->env.ctx, p->pid, &pgrp, arg, sizeof(pgrp)) < 0)
        return -LX_EFAULT;
    if (pgrp < 0)
        return -LX_EINVAL;
    int32_t sid = con_session_of(vfs, pgrp);
    if (!sid)
        return -LX_ESRCH;
    if (sid != p->sid)
        return -LX_EPERM;
    con->pgrp = pgrp;
    return 0;
}

/* TIOCSCTTY: a session leader without a terminal takes it; arg 1 lets root take it from
 * another session. */
static int64_t con_set_ctty(vfs_t *vfs, vfs_proc_t *p, uint64_t arg)
{
    vfs_console_t *con = &vfs->con;
    if (p->sid == p->pid && con->sid == p->sid)
        return 0; /* already ours */
    if (p->sid != p->pid || p->ctty)
        return -LX_EPERM;
    if (con->sid) {
        if (arg != 1)
            return -LX_EPERM;
        for (vfs_proc_t *q = vfs->procs; q; q = q->next)
            if (q->sid == con->sid)
                q->ctty = false; /* stolen: everyone is root */
    }
    con_acquire(vfs, p);
    return 0;
}

/* TIOCNOTTY: the caller gives its controlling terminal up; its session leader gives it up for
 * the whole session (hanging up the foreground group). */
static int64_t con_no_ctty(vfs_t *vfs, vfs_proc_t *p)
{
    if (!p->ctty)
        return -LX_ENOTTY;
    if (p->sid == p->pid)
        con_disassociate(vfs);
    p->ctty = false;
    return 0;
}

int64_t vfs_console_ioctl(vfs_t *vfs, const vfs_req_t *req, uint64_t cmd, uint64_t arg)
{
    vfs_console_t *con = &vfs->con;
    int32_t pid = req->pid;
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    int rc;
    if (!p)
        return -LX_ESRCH;
    switch (cmd) {
    case LX_TCGETS:
        return con_put_user(vfs, pid, arg, &con->tio, sizeof(con->tio));
    case LX_TCSETS:
    case LX_TCSETSW:
    case LX_TCSETSF: {
        int64_t jc = con_jobctl(vfs, req, CON_SIGTTOU, -LX_EIO);
        if (jc)
            return jc;
        struct lx_termios nt;
        rc = con_get_user(vfs, pid, &nt, arg, sizeof(nt));
        if (rc < 0)
            return rc;
        if (cmd == LX_TCSETSF)
            con_flush_input(con);
        con_set_termios(vfs, &nt);
        return 0;
    }
    case LX_TIOCGWINSZ:
        return con_put_user(vfs, pid, arg, &con->ws, sizeof(con->ws));
    case LX_TIOCSWINSZ: {
        struct lx_winsize ws;
        rc = con_get_user(vfs, pid, &ws, arg, sizeof(ws));
        if (rc < 0)
            return rc;
        bool changed = memcmp(&ws, &con->ws, sizeof(ws)) != 0;
        con->ws = ws;
        if (changed)
            con_raise(vfs, con->pgrp, CON_SIGWINCH);
        return 0;
    }
    case LX_TIOCGPGRP:
        if (!p->ctty)
            return -LX_ENOTTY;
        return con_put_user(vfs, pid, arg, &con->pgrp, sizeof(con->pgrp));
    case LX_TIOCSPGRP:
        return con_set_pgrp(vfs, req, p, arg);
    case LX_TIOCGSID:
        if (!p->ctty || !con->sid)
            return -LX_ENOTTY;
        return con_put_user(vfs, pid, arg, &con->sid, sizeof(con->sid));
    case LX_FIONREAD: {
        int32_t n = (int32_t)con_nread(con);
        return con_put_user(vfs, pid, arg, &n, sizeof(n));
    }
    case LX_TCFLSH: {
        int64_t jc = con_jobctl(vfs, req, CON_SIGTTOU, -LX_EIO);
        if (jc)
            return jc;
        if (arg == LX_TCIFLUSH || arg == LX_TCIOFLUSH)
            con_flush_input(con);
        else if (arg != LX_TCOFLUSH)
            return -LX_EINVAL;
        return 0;
    }
    case LX_TIOCOUTQ: {
        int32_t zero = 0;   /* output is written through at once */
        return con_put_user(vfs, pid, arg, &zero, sizeof(zero));
    }
    case LX_TIOCSCTTY:
        return con_set_ctty(vfs, p, arg);
    case LX_TIOCNOTTY:
        return con_no_ctty(vfs, p);
    default:
        return -LX_ENOTTY;
    }
}

/* ---- readiness (poll, select, epoll) ---- */

/* Linux's n_tty_poll: readable with a whole line (or an end-of-file mark) in canonical mode, with
 * any byte in raw mode; output never waits. Changes are announced on vfs->con_pollq. */
uint32_t vfs_console_poll(vfs_t *vfs)
{
    const vfs_console_t *con = &vfs->con;
    uint32_t mask = LX_POLLOUT | LX_POLLWRNORM;
    if (con_canon(con) ? con->rlines > 0 : con->rcount > 0)
        mask |= LX_POLLIN | LX_POLLRDNORM;
    return mask;
}
