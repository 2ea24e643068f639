/* Thread creation and the register frame a thread capability reads and writes. */
#ifndef KABI_THREAD_H
#define KABI_THREAD_H
#include <stdint.h>

/* The whole user-visible register state of a thread. */
struct kregs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags, fs_base, gs_base;
    uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE image (x87, MMX, SSE, MXCSR) */
};

#define KTHREAD_FOREIGN 0x1   /* SYSCALL becomes a message to syscall_ep, not a kernel call */
#define KTHREAD_SUSPENDED 0x2 /* do not start it yet (thread_resume) */
#define KTHREAD_FPU_INIT 0x4  /* ignore regs.fpu, start with the default FPU state */

struct kthread_cfg {
    uint32_t flags;
    uint32_t priority;    /* 0 (lowest) .. 3; 0 means the default for the flags */
    int32_t syscall_ep;   /* handle: where a foreign thread's syscalls go (with badge) */
    int32_t fault_ep;     /* handle: where its faults go (with badge); -1: faults kill it */
    uint64_t badge;       /* identifies the thread in its syscall and fault messages */
    uint64_t ipc_buf;     /* user address of a page for its IPC buffer (native threads), or 0 */
    struct kregs regs;    /* initial registers (rip, rsp, ... ; rflags is sanitised) */
};

/* thread_times: CPU time a thread has used, in ns, split between user mode and the kernel */
struct kthread_times {
    uint64_t user_ns, system_ns;
};

/* sys_mem_info (fields are only ever appended: servers and benchmarks read the first ones) */
struct kmem_info {
    uint64_t total_frames, free_frames;
    uint64_t threads, aspaces, endpoints; /* live kernel objects */
    uint64_t kernel_entries, ipc_messages, as_switches; /* counters since boot */
    uint64_t pt_shared;      /* since boot: leaf page tables shared by as_fork */
    uint64_t pt_unshared;    /* ... shared tables made private again (copied) at a change */
    uint64_t cow_copied;     /* ... copy-on-write breaks that copied the page */
    uint64_t cow_reused;     /* ... copy-on-write breaks that found the frame no longer shared */
    uint64_t zero_fill;      /* ... anonymous pages filled with zeroes at first touch */
    uint64_t reserve_frames; /* free frames only system allocations may take (docs/memory.md) */
    uint64_t mem_objects;    /* live memory objects */
    uint64_t heap_frames;    /* frames the kernel heap holds (its pages, free blocks included) */
    uint64_t heap_bytes;     /* bytes of live kernel objects on the heap (caches excluded):
                              * with free_frames + heap_frames, what a leak check compares */
};

/* sys_as_info */
struct kas_info {
    uint64_t resident; /* pages present (a page in a table shared after fork counts in each space) */
    uint64_t ptables;  /* page-table frames the space uses, its top level included */
    uint64_t regions;  /* mapped ranges (at most 65530) */
    uint64_t system;   /* 1: a root server's space (its allocations may take the reserve) */
};

/* sys_as_page_id: what backs the byte at va. A region mapping a memory object shared
 * (KMAP_SHARED) names the object (a number never reused while the kernel runs) and the byte's
 * offset in it, the same from every space that maps it; anything else (private memory) is
 * object 0, offset = va: only that space sees it. */
struct kpage_id {
    uint64_t object;   /* 0: private to the space */
    uint64_t offset;   /* byte offset in the object (va itself when private) */
};

#endif
