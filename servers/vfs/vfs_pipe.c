/* Pipes: a 64 KiB ring between the descriptions of a read end and a write end, with Linux's
 * blocking rules turned into deferred replies.
 *
 *  - read: returns what is there (up to the request); empty with writers: deferred (O_NONBLOCK:
 *    -EAGAIN); empty without writers: 0 (EOF).
 *  - write: no readers: SIGPIPE notice and -EPIPE; up to PIPE_BUF bytes go in all at once or not
 *    at all; bigger writes go in piece by piece, the progress kept in the pending record while
 *    deferred; O_NONBLOCK writes what fits now or -EAGAIN.
 *  - the last writer's close answers every waiting reader with 0; the last reader's close fails
 *    every waiting writer with -EPIPE (or the count written so far) plus SIGPIPE.
 *
 * Waiting readers and writers are served strictly in arrival order by pipe_pump, which runs
 * after anything that adds data or space. Invariants after a pump: readers wait only on an
 * empty pipe; writers wait only while the head writer cannot proceed.
 *
 * Readiness (vfs_pipe_poll) is Linux's pipe_poll: a read end is readable with data, and hangs up
 * (POLLHUP) once it has had a writer and has none left; a write end is writable with room for
 * PIPE_BUF bytes and in error (POLLERR) without readers. What a call changes is collected in
 * pipe->wkeys and announced on pipe->pollq when the public function returns.
 *
 * A named pipe (FIFO) uses the same ring, made at its first open (vfs_fifo.c).
 *
 * Entry points: vfs_pipe_new, vfs_pipe_open, vfs_pipe_read, vfs_pipe_write, vfs_pipe_release,
 * vfs_pipe_kick, vfs_pipe_nread, vfs_pipe_poll, vfs_pipe_free. */
#include <stdlib.h>
#include "vfs_impl.h"

#define PIPE_KEYS_IN  (LX_POLLIN | LX_POLLRDNORM)
#define PIPE_KEYS_OUT (LX_POLLOUT | LX_POLLWRNORM)
#define PIPE_KEYS_ALL (PIPE_KEYS_IN | PIPE_KEYS_OUT | LX_POLLHUP | LX_POLLERR)

vfs_pipe_t *vfs_pipe_new(void)
{
    vfs_pipe_t *pipe = calloc(1, sizeof(*pipe));
    uint8_t *buf = malloc(VFS_PIPE_SIZE);
    if (!pipe || !buf) {
        free(pipe);
        free(buf);
        return NULL;
    }
    pipe->buf = buf;
    return pipe;
}

/* Tell the pollers what this call changed. Last thing a public function does with the pipe: a
 * poller's answer can drop the last description of a FIFO, which frees its pipe. */
static void pipe_announce(vfs_t *vfs, vfs_pipe_t *pipe)
{
    uint32_t keys = pipe->wkeys;
    pipe->wkeys = 0;
    if (keys)
        vfs_pollq_wake(vfs, &pipe->pollq, keys);
}

uint32_t vfs_pipe_poll(const vfs_file_t *f)
{
    const vfs_pipe_t *pipe = f->node->u.pipe;
    uint32_t mask = 0;
    if (!pipe)
        return 0;
    if (vfs_file_readable(f)) {
        if (pipe->count > 0)
            mask |= PIPE_KEYS_IN;
        /* a FIFO reader that never saw a writer is not hung up (Linux's f_version check) */
        if (pipe->writers == 0 && pipe->w_counter != f->wseen)
            mask |= LX_POLLHUP;
    }
    if (vfs_file_writable(f)) {
        if (VFS_PIPE_SIZE - pipe->count >= LX_PIPE_BUF)
            mask |= PIPE_KEYS_OUT;
        if (pipe->readers == 0)
            mask |= LX_POLLERR;
    }
    return mask;
}

int vfs_pipe_open(vfs_t *vfs, uint32_t flags, vfs_file_t **rd, vfs_file_t **wr)
{
    vfs_pipe_t *pipe = vfs_pipe_new();
    vfs_node_t *node = vfs_node_new(vfs, VFS_K_PIPE, LX_S_IFIFO | 0600);
    if (!pipe || !node) {
        if (pipe)
            vfs_pipe_free(pipe);
        free(node);
        return -LX_ENOMEM;
    }
    node->u.pipe = pipe;
    pipe->r_counter = pipe->w_counter = 1;
    uint32_t st = flags & LX_O_NONBLOCK;
    int rc = vfs_file_new(vfs, node, LX_O_RDONLY | st, rd);
    if (rc < 0) {
        vfs_node_get(node);
        vfs_node_put(node);   /* frees node and pipe */
        return rc;
    }
    pipe->readers = 1;
    (*rd)->piped = true;
    rc = vfs_file_new(vfs, node, LX_O_WRONLY | st, wr);
    if (rc < 0) {
        vfs_file_put(*rd);    /* the last reference: frees node and pipe */
        return rc;
    }
    pipe->writers = 1;
    (*wr)->piped = true;
    return 0;
}

void vfs_pipe_free(vfs_pipe_t *pipe)
{
    free(pipe->buf);
    free(pipe);
}

uint64_t vfs_pipe_nread(const vfs_pipe_t *pipe)
{
    return pipe->count;
}

/* Move up to max bytes to the vector at uoff; only what was copied is consumed. */
static int64_t pipe_pull(vfs_t *vfs, vfs_pipe_t *pipe, const vfs_uio_t *uio, uint64_t max)
{
    uint64_t n = pipe->count < max ? pipe->count : max;
    int64_t got = vfs_uio_copy_out_ring(vfs, uio, (const uint8_t *)pipe->buf, VFS_PIPE_SIZE,
                                        pipe->head, n);
    if (got < 0)
        return got;
    pipe->head = (pipe->head + (uint64_t)got) % VFS_PIPE_SIZE;
    pipe->count -= (uint64_t)got;
    if (got > 0)
        pipe->wkeys |= PIPE_KEYS_OUT;
    return got;
}

/* Copy n bytes (n <= free space) from the vector at uoff to the ring's tail. */
static int64_t pipe_push(vfs_t *vfs, vfs_pipe_t *pipe, const vfs_uio_t *uio, uint64_t uoff,
                         uint64_t n)
{
    uint64_t tail = (pipe->head + pipe->count) % VFS_PIPE_SIZE;
    uint64_t first = VFS_PIPE_SIZE - tail;
    if (first > n)
        first = n;
    int64_t got = vfs_uio_copy_in(vfs, uio, uoff, pipe->buf + tail, first);
    if (got < 0)
        return got;
    if ((uint64_t)got == first && n > first) {
        int64_t more = vfs_uio_copy_in(vfs, uio, uoff + first, pipe->buf, n - first);
        if (more > 0)
            got += more;
    }
    pipe->count += (uint64_t)got;
    if (got > 0)
        pipe->wkeys |= PIPE_KEYS_IN;
    return got;
}

/* As much of a write as the rules allow now: bytes moved (0 if it must wait) or -EFAULT. */
static int64_t pipe_write_step(vfs_t *vfs, vfs_pipe_t *pipe, const vfs_uio_t *uio,
                               uint64_t *done)
{
    uint64_t want = uio->total - *done;
    uint64_t space = VFS_PIPE_SIZE - pipe->count;
    if (uio->total <= LX_PIPE_BUF && space < want)
        return 0;   /* small writes are atomic: all of it or wait */
    uint64_t n = want < space ? want : space;
    if (n == 0)
        return 0;
    int64_t got = pipe_push(vfs, pipe, uio, *done, n);
    if (got > 0)
        *done += (uint64_t)got;
    return got;
}

static void pipe_sigpipe(vfs_t *vfs, int32_t pid, int32_t tid)
{
    if (vfs->env.raise_signal)
        vfs->env.raise_signal(vfs->env.ctx, pid, tid, VFS_SIGPIPE);
}

/* Serve waiting readers and writers, oldest first, until neither can move. Every loop re-reads
 * the queue heads: finishing a call drops a reference, which may re-enter this file. */
static void pipe_pump(vfs_t *vfs, vfs_pipe_t *pipe)
{
    bool progress = true;
    while (progress) {
        progress = false;
        vfs_pending_t *pc;
        while (pipe->count > 0 && (pc = pipe->rq.head)) {
            int64_t got = pipe_pull(vfs, pipe, &pc->uio, pc->uio.total);
            vfs_pending_finish(vfs, pc, got);
            progress = true;
        }
        while (pipe->readers > 0 && (pc = pipe->wq.head)) {
            int64_t got = pipe_write_step(vfs, pipe, &pc->uio, &pc->done);
            if (got < 0) {
                vfs_pending_finish(vfs, pc, pc->done ? (int64_t)pc->done : got);
                progress = true;
                continue;
            }
            if (got > 0)
                progress = true;
            if (pc->done < pc->uio.total)
                break;   /* the head writer waits, and everyone behind it */
            vfs_pending_finish(vfs, pc, (int64_t)pc->done);
        }
    }
}

void vfs_pipe_kick(vfs_t *vfs, vfs_pipe_t *pipe)
{
    pipe_pump(vfs, pipe);
    pipe_announce(vfs, pipe);
}

int64_t vfs_pipe_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_pipe_t *pipe = f->node->u.pipe;
    if (uio->total == 0)
        return 0;
    if (pipe->count > 0) {
        int64_t got = pipe_pull(vfs, pipe, uio, uio->total);
        pipe_pump(vfs, pipe);   /* space for waiting writers */
        pipe_announce(vfs, pipe);
        return got;
    }
    if (pipe->writers == 0)
        return 0;
    if (f->flags & LX_O_NONBLOCK)
        return -LX_EAGAIN;
    int rc = vfs_pending_add(vfs, req, f, uio, 0, &pipe->rq);
    return rc < 0 ? rc : VFS_SUSPEND;
}

static int64_t pipe_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_pipe_t *pipe = f->node->u.pipe;
    bool nonblock = f->flags & LX_O_NONBLOCK;
    uint64_t done = 0;
    if (uio->total == 0)
        return 0;
    /* a blocking writer may not overtake the ones already waiting */
    if (nonblock || !pipe->wq.head) {
        for (;;) {
            if (pipe->readers == 0) {
                pipe_sigpipe(vfs, req->pid, req->tid);
                return done ? (int64_t)done : -LX_EPIPE;
            }
            int64_t got = pipe_write_step(vfs, pipe, uio, &done);
            if (got > 0)
                pipe_pump(vfs, pipe);   /* waiting readers drain, maybe making room */
            if (got < 0)
                return done ? (int64_t)done : got;
            if (done == uio->total)
                return (int64_t)done;
            if (got == 0)
                break;
        }
        if (nonblock)
            return done ? (int64_t)done : -LX_EAGAIN;
    }
    if (pipe->readers == 0) {
        pipe_sigpipe(vfs, req->pid, req->tid);
        return -LX_EPIPE;
    }
    int rc = vfs_pending_add(vfs, req, f, uio, done, &pipe->wq);
    return rc < 0 ? (done ? (int64_t)done : rc) : VFS_SUSPEND;
}

int64_t vfs_pipe_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio)
{
    vfs_pipe_t *pipe = f->node->u.pipe;
    int64_t r = pipe_write(vfs, req, f, uio);
    pipe_announce(vfs, pipe);
    return r;
}

void vfs_pipe_release(vfs_t *vfs, vfs_pipe_t *pipe, bool reader, bool writer)
{
    vfs_pending_t *pc;
    if (reader && --pipe->readers == 0) {
        pipe->wkeys |= PIPE_KEYS_ALL;
        while ((pc = pipe->wq.head)) {
            pipe_sigpipe(vfs, pc->pid, pc->tid);
            vfs_pending_finish(vfs, pc, pc->done ? (int64_t)pc->done : -LX_EPIPE);
        }
    }
    if (writer && --pipe->writers == 0) {
        pipe->wkeys |= PIPE_KEYS_ALL;
        while ((pc = pipe->rq.head))
            vfs_pending_finish(vfs, pc, 0);   /* EOF */
    }
    pipe_announce(vfs, pipe);
}
