/* Kernel objects and the capability table. Every object starts with struct kobj (type and
 * reference count); a capability is a slot {object, rights, badge} in a capability table (cspace)
 * that threads of one server share. Objects die when their last reference goes: a capability, a
 * thread living in an address space, a reply capability pointing at its caller.
 * Entry points: obj_get, obj_put (kern/obj.c); cspace_* (kern/cap.c). */
#ifndef KERN_OBJ_H
#define KERN_OBJ_H
#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "kabi/caps.h"
#include "kabi/ipc.h"
#include "kabi/kcalls.h"
#include "kabi/thread.h"
#include "region.h"

struct kobj {
    uint32_t type; /* enum kobj_type */
    uint32_t refs;
};

struct cap {
    struct kobj *obj; /* NULL: free slot */
    uint32_t type;    /* KOBJ_REPLY caps point at a thread object */
    uint32_t rights;
    uint64_t badge;
    uint64_t seq;     /* reply caps: the caller's call sequence number when it was made */
};

/* A reply capability given but not yet written in the table. A call's receiver gets its handle at
 * delivery, yet the commonest thing a server does with it is answer at once, in the reply_recv
 * that also waits for the next call (ipc_reply_recv_fast): the table need not be touched for
 * that. So the receiving thread keeps the capability here instead, and its handle is a slot the
 * thread keeps reserved from one call to the next (bit set, obj NULL, type KOBJ_REPLY, rights
 * CAP_RESERVED, which no reply capability has, and badge the address of this record). Anything
 * else done with the handle (a lookup of any kind, a delete), the thread's next receive, and its
 * death write the capability in its slot first (cspace_settle): from then on it is an ordinary
 * reply capability, and the thread reserves another slot at its next call. */
#define CAP_RESERVED 0xFFFFFFFFu
struct cap_pending {
    int64_t h;          /* the handle of the capability kept here, or 0: none */
    uint32_t slot;      /* the slot reserved for it (0: none yet) */
    struct kobj *obj;   /* the caller, a reference held while h is set */
    uint64_t seq;
};

struct cspace {
    uint32_t refs;
    uint32_t nslots;
    uint32_t free_hint; /* no free slot below this index: inserts start here */
    struct cap *slots;  /* slot 0 is never used: 0 is not a handle */
    uint64_t *inuse;    /* a bit per slot, set while it holds a capability: the lowest free slot
                         * is found a word of 64 at a time, however many are taken */
    uint32_t reply_free; /* a list (through badge) of empty slots that held reply capabilities,
                          * their bits left set (0: none): taking and giving back such a slot
                          * skips the map and the hint. Only reply capabilities and the slots
                          * threads reserve for theirs (struct cap_pending) use them. */
};

/* An address space: regions (what backs each range) and page tables (what was touched). */
struct aspace {
    struct kobj o;
    uint64_t pml4;     /* physical address of the top-level table */
    uint32_t cls;      /* enum pmm_class: system (root servers) or user; whose frames it takes */
    uint64_t pages;    /* resident pages: present leaf entries (in shared tables too) */
    uint64_t ptables;  /* page-table frames it uses (a shared leaf table counts in each space) */
    struct region_set regions;
    uint32_t last;     /* index of the region the last fault found: tried first */
    uint32_t forked;   /* it took part in a fork: it may hold shared leaf tables */
};

struct thread;

/* A FIFO of threads (linked through thread.qnext/qprev). */
struct tqueue {
    struct thread *head, *tail;
};

struct endpoint {
    struct kobj o;
    struct tqueue senders;   /* blocked in send/call (or foreign syscall/fault) */
    struct tqueue receivers; /* blocked in recv */
    uint64_t notify_bits;    /* pending notifications */
    uint64_t timer_deadline; /* ns; 0 = none (see kern/timerq.c) */
    uint64_t timer_bits;
    struct endpoint *timer_next;
};

enum thread_state {
    TS_READY,        /* on a run queue or running */
    TS_SEND,         /* in an endpoint's sender queue */
    TS_RECV,         /* in an endpoint's receiver queue */
    TS_REPLY,        /* made a call; waiting for the reply */
    TS_SUSPENDED,    /* created suspended */
    TS_DEAD,
};

enum send_kind { SK_SEND, SK_CALL, SK_SYSCALL, SK_FAULT, SK_INTERRUPT, SK_SYSEXIT };

struct thread {
    struct kobj o;
    uint64_t id;                /* for logs */
    enum thread_state state;
    uint32_t flags;             /* KTHREAD_* */
    uint32_t prio;
    struct thread *qnext, *qprev;
    struct endpoint *queued_on; /* while TS_SEND or TS_RECV */

    uint8_t *kstack;            /* kernel stack (KSTACK_SIZE) */
    uint64_t kstack_top;        /* kstack + KSTACK_SIZE: what a switch loads */
    uint64_t ksp;               /* saved kernel stack pointer while switched out */
    struct trap_frame *frame;   /* user registers, at the top of kstack */
    uint8_t *fpu;               /* 512-byte FXSAVE area, 16-aligned */
    uint64_t fs_base, gs_base;

    struct aspace *as;
    struct cspace *cs;          /* NULL for foreign threads: they make no kernel calls */
    struct ipc_buf *ipc;        /* kernel view of the IPC buffer page (native threads) */
    uint64_t ipc_frame;

    struct endpoint *syscall_ep, *fault_ep;
    uint64_t badge;

    /* IPC state */
    enum send_kind send_kind;   /* what it is sending while TS_SEND */
    uint64_t send_badge;        /* badge of the capability it used */
    uint64_t call_seq;          /* bumped at every call: a reply cap matches one call only */
    struct cap_pending reply_pend; /* the reply capability of the call it received last, while
                                 * not in the table (see struct cap_pending) */
    uint64_t fault[5];          /* vector, error, address, rip, cause: the pending fault message
                                 * (an interrupt message: why, rip) */
    int64_t wake_result;        /* what the blocking kernel call returns when it resumes */
    uint8_t msg_unread;         /* woken with a message carrying capabilities it has not run to
                                 * read yet: killed now, the kernel deletes those */
    uint8_t ucont;              /* blocked in a syscall (send, call, recv, a foreign syscall)
                                 * with no kernel context worth keeping: what is left of the call
                                 * is the common syscall tail, so it resumes at its user return
                                 * (sched_switch_user) or in syscall_resume (kcall.c), never on
                                 * its abandoned kernel stack; ksp is meaningless meanwhile */
    uint64_t sys_nr;            /* a foreign thread's syscall number, kept at its entry: a traced
                                 * thread's exit report names it (the frame's RAX may be rewritten
                                 * while it waits) */

    /* interruption and CPU time (kern/tcontrol.c) */
    uint32_t interrupt;         /* KINT_* reasons to send an interrupt message before user mode */
    uint64_t utime, stime;      /* TSC cycles used in user mode and in the kernel */
    uint64_t cpu_alarm;         /* interrupt once utime + stime reaches this (TSC cycles); 0 none */
    uint32_t trace;             /* KTRACE_* (thread_trace): reports a foreign thread makes */

    /* a foreign thread's route (thread_route): its syscalls whose numbers are set in route_mask
     * go to route_ep with route_badge instead of to syscall_ep */
    struct endpoint *route_ep;
    uint64_t route_badge;
    uint64_t route_mask[KROUTE_NRS / 64];

    /* a long kernel call it left partly done (include/kcall.h): resumed only if the next entry is
     * the same call from the same place with the same arguments */
    uint64_t again_rip;         /* the call's return address; 0: none */
    uint64_t again_args[7];     /* its number and six arguments */
    uint64_t again_done;        /* bytes done */
};

#define KSTACK_SIZE 16384

/* object lifetime (kern/obj.c) */
static inline void obj_get(struct kobj *o) { o->refs++; }
void obj_put_last(struct kobj *o); /* the last reference (or none: a panic) */
/* drops a reference; the last one runs the type's destructor. Inline: the common case (not the
 * last) is on every IPC path. */
static inline void obj_put(struct kobj *o)
{
    if (!o)
        return;
    if (o->refs > 1)
        o->refs--;
    else
        obj_put_last(o);
}

/* capability tables (kern/cap.c) */
struct cspace *cspace_create(uint32_t nslots);
void cspace_put(struct cspace *cs);
/* installs a capability in the lowest free slot, taking a reference on obj; handle or -KE_NOMEM */
int cspace_insert(struct cspace *cs, struct kobj *obj, uint32_t type, uint32_t rights,
                  uint64_t badge, uint64_t seq);
/* installs at a chosen handle (the fixed handles of a root server) */
int cspace_insert_at(struct cspace *cs, int64_t h, struct kobj *obj, uint32_t type, uint32_t rights);
/* pending reply capabilities (struct cap_pending): the capability for a call to obj (sequence
 * seq) kept in p, in p's reserved slot (taken now if it has none); its handle, or -KE_NOMEM.
 * Inline: it is on every call. */
int64_t cspace_reserve(struct cspace *cs, struct cap_pending *p);
static inline __attribute__((always_inline)) int64_t cspace_pend(struct cspace *cs,
                                                                 struct cap_pending *p,
                                                                 struct kobj *obj, uint64_t seq)
{
    if (__builtin_expect(p->h || !p->slot, 0)) {
        int64_t e = cspace_reserve(cs, p); /* settles a capability still kept here first */
        if (e < 0)
            return e;
    }
    p->h = p->slot;
    p->obj = obj;
    p->seq = seq;
    obj_get(obj);
    return p->h;
}
void cspace_settle(struct cspace *cs, struct cap_pending *p); /* p's capability into its slot */
bool cspace_settle_slot(struct cspace *cs, int64_t h); /* the same, found by its slot h */
void cspace_unreserve(struct cspace *cs, struct cap_pending *p); /* settle; give the slot back */

/* the capability at handle h if it is of type `type` (0: any) and has every right in `need`;
 * else NULL with *err = -KE_BADH or -KE_PERM. Inline: every kernel call does it. */
static inline struct cap *cspace_lookup(struct cspace *cs, int64_t h, uint32_t type, uint32_t need,
                                        int *err)
{
    if (!cs || h <= 0 || h >= cs->nslots ||
        (__builtin_expect(!cs->slots[h].obj, 0) && !cspace_settle_slot(cs, h)) ||
        (type && cs->slots[h].type != type)) {
        *err = -KE_BADH;
        return NULL;
    }
    struct cap *c = &cs->slots[h];
    if ((c->rights & need) != need) {
        *err = -KE_PERM;
        return NULL;
    }
    return c;
}
void cspace_delete(struct cspace *cs, int64_t h);
uint32_t cspace_used(const struct cspace *cs);

/* destructors called by obj_put when the count reaches zero */
void thread_destroy(struct thread *t);
void aspace_destroy(struct aspace *as);
void endpoint_destroy(struct endpoint *ep);
struct kmem;
void memobj_destroy(struct kmem *m);

#endif
