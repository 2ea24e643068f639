/* Deferred calls: a syscall that cannot finish now (empty pipe, full pipe, no console line) is
 * recorded with its reply token on the wait queue of what it waits for, and answered later with
 * env->reply. Each record is also on one server-wide list so a dying thread or process can be
 * cancelled wherever it sleeps. A record owns a reference on its description, which is what
 * keeps, say, a blocked writer counted as a writer of its pipe.
 *
 * Entry points: vfs_pending_add, vfs_pending_finish, vfs_pending_drop, vfs_pending_cancel. */
#include <stdlib.h>
#include "vfs_impl.h"

int vfs_pending_add(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                    uint64_t done, vfs_waitq_t *q)
{
    vfs_pending_t *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return -LX_ENOMEM;
    pc->token = req->token;
    pc->pid = req->pid;
    pc->tid = req->tid;
    pc->file = f;
    vfs_file_get(f);
    pc->uio = *uio;          /* moved: the caller's copy no longer owns the vector */
    uio->many = NULL;
    uio->iovcnt = 0;
    pc->done = done;

    pc->q = q;
    pc->q_prev = q->tail;
    if (q->tail)
        q->tail->q_next = pc;
    else
        q->head = pc;
    q->tail = pc;

    pc->all_next = vfs->pending;
    if (vfs->pending)
        vfs->pending->all_prev = pc;
    vfs->pending = pc;
    return 0;
}

static void pending_unlink(vfs_t *vfs, vfs_pending_t *pc)
{
    vfs_waitq_t *q = pc->q;
    if (pc->q_prev)
        pc->q_prev->q_next = pc->q_next;
    else
        q->head = pc->q_next;
    if (pc->q_next)
        pc->q_next->q_prev = pc->q_prev;
    else
        q->tail = pc->q_prev;

    if (pc->all_prev)
        pc->all_prev->all_next = pc->all_next;
    else
        vfs->pending = pc->all_next;
    if (pc->all_next)
        pc->all_next->all_prev = pc->all_prev;
}

/* The record is off every list before its reference goes, because dropping the reference can
 * close a pipe end and re-enter the code that walks these queues. */
static void pending_release(vfs_pending_t *pc)
{
    vfs_file_t *f = pc->file;
    vfs_uio_free(&pc->uio);
    free(pc);
    vfs_file_put(f);
}

void vfs_pending_finish(vfs_t *vfs, vfs_pending_t *pc, int64_t value)
{
    pending_unlink(vfs, pc);
    vfs->env.reply(vfs->env.ctx, pc->token, value);
    pending_release(pc);
}

void vfs_pending_drop(vfs_t *vfs, vfs_pending_t *pc)
{
    pending_unlink(vfs, pc);
    if (vfs->env.drop)
        vfs->env.drop(vfs->env.ctx, pc->token);
    pending_release(pc);
}

/* The first pending call of tid (tid >= 0) or else of pid, removed without an answer: its token
 * is returned for the caller to drop or hand on. false if there is none. */
static bool pending_withdraw(vfs_t *vfs, int32_t pid, int32_t tid, vfs_token_t *token)
{
    vfs_pending_t *pc = vfs->pending;
    while (pc && !(tid >= 0 ? pc->tid == tid : pc->pid == pid))
        pc = pc->all_next;
    if (!pc)
        return false;
    *token = pc->token;
    /* a removed head writer may have been holding back the writers behind it */
    vfs_node_t *node = pc->file->node;
    vfs_node_get(node);
    pending_unlink(vfs, pc);
    pending_release(pc);
    if (node->kind == VFS_K_PIPE)
        vfs_pipe_kick(vfs, node->u.pipe);
    vfs_node_put(node);
    return true;
}

int vfs_pending_cancel(vfs_t *vfs, int32_t pid, int32_t tid)
{
    int dropped = 0;
    vfs_token_t token;
    /* restart from the head after each removal: a release may finish or drop other records */
    while (pending_withdraw(vfs, pid, tid, &token)) {
        dropped++;
        if (vfs->env.drop)
            vfs->env.drop(vfs->env.ctx, token);
    }
    return dropped;
}

bool vfs_thread_withdraw(vfs_t *vfs, int32_t tid, vfs_token_t *token)
{
    return pending_withdraw(vfs, -1, tid, token);
}
