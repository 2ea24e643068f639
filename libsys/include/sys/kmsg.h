/* Helpers for servers: putting a payload struct into the IPC buffer and reading it back, and the
 * translation of kernel errors to Linux errno for what user programs will see. */
#ifndef LIBSYS_KMSG_H
#define LIBSYS_KMSG_H
#include <string.h>
#include "lx/errno.h"
#include "sys/kcall.h"

/* label + payload; no capabilities */
static inline void kmsg_put(uint32_t label, const void *payload, size_t bytes)
{
    struct ipc_buf *b = kipc();
    b->label = label;
    b->len = (uint32_t)((bytes + 7) / 8);
    b->ncaps = 0;
    b->cap_move = 0;
    if (bytes)
        memcpy(b->mr, payload, bytes);
}

/* attach one capability to the message being built (copy, or move if move != 0) */
static inline void kmsg_cap(int64_t h, int move)
{
    struct ipc_buf *b = kipc();
    b->caps[b->ncaps] = (int32_t)h;
    if (move)
        b->cap_move |= 1u << b->ncaps;
    b->ncaps++;
}

/* a reply carrying one word (a syscall result becomes the caller's RAX) */
static inline int64_t kmsg_reply_value(int64_t reply, int64_t value)
{
    struct ipc_buf *b = kipc();
    b->label = 0;
    b->len = 1;
    b->ncaps = 0;
    b->cap_move = 0;
    b->mr[0] = (uint64_t)value;
    return k_reply(reply);
}

/* A server loop's receive: answers the reply held back from the last message (if any, with one
 * result word) and waits for the next message in the same kernel entry. Returns what recv does. */
static inline int64_t kmsg_next(int64_t *deferred, int64_t value, int ep)
{
    if (!*deferred)
        return k_recv(ep);
    struct ipc_buf *b = kipc();
    b->label = 0;
    b->len = 1;
    b->ncaps = 0;
    b->cap_move = 0;
    b->mr[0] = (uint64_t)value;
    int64_t r = k_reply_recv(*deferred, ep);
    *deferred = 0;
    return r;
}

/* The endpoint handle of root server `name` (kabi/boot.h), or -1. */
static inline int kboot_root_ep(const struct kboot_info *bi, const char *name)
{
    for (uint32_t i = 0; i < bi->nroots; i++)
        if (strcmp(bi->names[i], name) == 0)
            return ROOT_H_EP_BASE + (int)i;
    return -1;
}

static inline int ke_to_lx(int64_t ke)
{
    switch (-ke) {
    case 0: return 0;
    case KE_FAULT: return -LX_EFAULT;
    case KE_NOMEM: return -LX_ENOMEM;
    case KE_EXIST: return -LX_EEXIST;
    case KE_INVAL: return -LX_EINVAL;
    case KE_PERM: return -LX_EPERM;
    case KE_BADH: return -LX_EBADF;
    case KE_BUSY: return -LX_EBUSY;
    case KE_DEAD: return -LX_ESRCH;
    default: return -LX_EIO;
    }
}

#endif
