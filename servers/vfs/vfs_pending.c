/* Deferred calls: a syscall that cannot finish now (empty pipe, full pipe, no console line) is
 * recorded with its reply token on the wait queue of what it waits for, and answered later with
 * env->reply. Each record is also on one server-wide list so a thread can be withdrawn wherever
 * it sleeps, and on its process's list, so an exit cancels the process's calls without walking
 * everyone's (with 1,000 processes blocked, 1,000 exits would otherwise cost a million steps). A record owns a reference on its description, which is what
 * keeps, say, a blocked writer counted as a writer of its pipe.
 *
 * Some kinds wait on more than one queue, or on a timer (a poll, select or epoll_wait; a FIFO
 * open): they sit on no wait queue of their own (q NULL) and keep their state in an extension
 * whose ops->release undoes their registrations when the record goes, however it goes (answered,
 * dropped because the caller died, or withdrawn for a signal), so each registration is removed
 * exactly once.
 *
 * Entry points: vfs_pending_add, vfs_pending_add_ext, vfs_pending_finish, vfs_pending_drop,
 * vfs_pending_cancel, vfs_thread_withdraw. */
#include <stdlib.h>
#include "vfs_impl.h"

vfs_pending_t *vfs_pending_add_ext(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f,
                                   vfs_uio_t *uio, vfs_waitq_t *q, const vfs_pending_ops_t *ops,
                                   void *ext)
{
    vfs_pending_t *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return NULL;
    pc->token = req->token;
    pc->pid = req->pid;
    pc->tid = req->tid;
    pc->nr = req->nr;
    pc->file = f;
    if (f)
        vfs_file_get(f);
    if (uio) {
        pc->uio = *uio;      /* moved: the caller's copy no longer owns the vector */
        uio->many = NULL;
        uio->iovcnt = 0;
    }
    pc->ops = ops;
    pc->ext = ext;

    pc->q = q;
    if (q) {
        pc->q_prev = q->tail;
        if (q->tail)
            q->tail->q_next = pc;
        else
            q->head = pc;
        q->tail = pc;
    }

    pc->all_next = vfs->pending;
    if (vfs->pending)
        vfs->pending->all_prev = pc;
    vfs->pending = pc;

    /* and on its process's own list: an exit cancels these without a walk of everyone's */
    pc->proc = vfs_proc_find(vfs, req->pid);
    if (pc->proc) {
        pc->p_next = pc->proc->pending;
        if (pc->p_next)
            pc->p_next->p_prev = pc;
        pc->proc->pending = pc;
    }
    return pc;
}

int vfs_pending_add(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                    uint64_t done, vfs_waitq_t *q)
{
    vfs_pending_t *pc = vfs_pending_add_ext(vfs, req, f, uio, q, NULL, NULL);
    if (!pc)
        return -LX_ENOMEM;
    pc->done = done;
    return 0;
}

static void pending_unlink(vfs_t *vfs, vfs_pending_t *pc)
{
    vfs_waitq_t *q = pc->q;
    if (q) {
        if (pc->q_prev)
            pc->q_prev->q_next = pc->q_next;
        else
            q->head = pc->q_next;
        if (pc->q_next)
            pc->q_next->q_prev = pc->q_prev;
        else
            q->tail = pc->q_prev;
    }

    if (pc->all_prev)
        pc->all_prev->all_next = pc->all_next;
    else
        vfs->pending = pc->all_next;
    if (pc->all_next)
        pc->all_next->all_prev = pc->all_prev;

    if (pc->proc) {
        if (pc->p_prev)
            pc->p_prev->p_next = pc->p_next;
        else
            pc->proc->pending = pc->p_next;
        if (pc->p_next)
            pc->p_next->p_prev = pc->p_prev;
    }
}

/* The record is off every list before its reference goes, because dropping the reference can
 * close a pipe end and re-enter the code that walks these queues. */
static void pending_release(vfs_t *vfs, vfs_pending_t *pc, enum vfs_pc_end how)
{
    vfs_file_t *f = pc->file;
    if (pc->ops)
        pc->ops->release(vfs, pc, how);
    vfs_uio_free(&pc->uio);
    free(pc);
    if (f)
        vfs_file_put(f);
}

void vfs_pending_finish(vfs_t *vfs, vfs_pending_t *pc, int64_t value)
{
    pending_unlink(vfs, pc);
    vfs->env.reply(vfs->env.ctx, pc->token, value);
    pending_release(vfs, pc, VFS_PC_REPLIED);
}

void vfs_pending_drop(vfs_t *vfs, vfs_pending_t *pc)
{
    pending_unlink(vfs, pc);
    if (vfs->env.drop)
        vfs->env.drop(vfs->env.ctx, pc->token);
    pending_release(vfs, pc, VFS_PC_DROPPED);
}

/* The first pending call of tid (tid >= 0) or else of p, removed without an answer: its token
 * (and, if nr is given, its syscall number) is returned for the caller to drop or hand on. false
 * if there is none. */
static bool pending_withdraw(vfs_t *vfs, vfs_proc_t *p, int32_t tid, vfs_token_t *token,
                             uint64_t *nr, enum vfs_pc_end how)
{
    vfs_pending_t *pc;
    if (tid >= 0) {
        for (pc = vfs->pending; pc && pc->tid != tid; pc = pc->all_next)
            ;
    } else {
        /* the process's own list: its exit costs what it had blocked, not what everyone has */
        pc = p ? p->pending : NULL;
    }
    if (!pc)
        return false;
    *token = pc->token;
    if (nr)
        *nr = pc->nr;
    /* a removed head writer may have been holding back the writers behind it */
    vfs_node_t *node = pc->file ? pc->file->node : NULL;
    if (node)
        vfs_node_get(node);
    pending_unlink(vfs, pc);
    pending_release(vfs, pc, how);
    if (node && node->kind == VFS_K_PIPE && node->u.pipe)
        vfs_pipe_kick(vfs, node->u.pipe);
    if (node)
        vfs_node_put(node);
    return true;
}

int vfs_pending_cancel(vfs_t *vfs, vfs_proc_t *p, int32_t tid)
{
    int dropped = 0;
    vfs_token_t token;
    /* restart from the head after each removal: a release may finish or drop other records */
    while (pending_withdraw(vfs, p, tid, &token, NULL, VFS_PC_DROPPED)) {
        dropped++;
        if (vfs->env.drop)
            vfs->env.drop(vfs->env.ctx, token);
    }
    return dropped;
}

bool vfs_thread_withdraw(vfs_t *vfs, int32_t tid, vfs_token_t *token, uint64_t *nr)
{
    return pending_withdraw(vfs, NULL, tid, token, nr, VFS_PC_WITHDRAWN);
}
