/* Capability types, rights, and the handles a root server starts with. */
#ifndef KABI_CAPS_H
#define KABI_CAPS_H

enum kobj_type {
    KOBJ_NONE = 0,
    KOBJ_THREAD = 1,
    KOBJ_ASPACE = 2,
    KOBJ_ENDPOINT = 3,
    KOBJ_REPLY = 4,
    KOBJ_CONTROL = 5, /* the machine: poweroff */
    KOBJ_MEM = 6,     /* a memory object: pages by offset (docs/memory.md) */
};

/* rights */
#define KR_SEND 0x01    /* endpoint: send, call, notify */
#define KR_RECV 0x02    /* endpoint: receive */
#define KR_GRANT 0x04   /* endpoint: may carry capabilities */
#define KR_MAP 0x08     /* address space: map, unmap, protect, read, write, fork, create threads in
                         * it; memory object: map it shared and writable */
#define KR_CONTROL 0x10 /* thread: registers, kill, resume, move; control object: poweroff;
                         * memory object: resize, commit */
#define KR_READ 0x20    /* memory object: map it read-only or private (copy-on-write) */
#define KR_ALL 0x3F

/* A root server (procmgr, vfs, or a test server) starts with these handles. */
#define ROOT_H_SELF_AS 1     /* its own address space (KR_MAP) */
#define ROOT_H_SELF_THREAD 2 /* its first thread */
#define ROOT_H_CONTROL 3     /* the machine control object (every root server, for now) */
#define ROOT_H_CLOCK 4       /* the clock page (KR_READ): a memory object, kabi/clock.h */
#define ROOT_H_EP_BASE 8     /* ROOT_H_EP_BASE + i: the endpoint of root server i (in module
                              * order); full rights on its own, KR_SEND|KR_GRANT on the others' */

/* Memory protection bits for as_map / as_protect (same values as Linux PROT_*). */
#define KPROT_READ 1
#define KPROT_WRITE 2
#define KPROT_EXEC 4
/* as_map / as_map_mem flag, in the prot word's high bits: shared (MAP_SHARED). as_map then makes
 * an anonymous memory object for the range, which a fork shares rather than copies. */
#define KMAP_SHARED 0x1000

#endif
