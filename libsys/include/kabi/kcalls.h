/* The native kernel call set: one X-macro list, expanded into the kernel's dispatch table, the
 * user-side stubs' numbers and the names used in traces. Documented in docs/kernel-abi.md.
 *
 * Calling convention (native threads only; a foreign thread's SYSCALL never reaches this table):
 *   rax = call number, arguments in rdi, rsi, rdx, r10, r8, r9; result in rax (>= 0 success,
 *   negative KE_* error); a second result, where documented, in rdx. Messages travel in the calling
 *   thread's IPC buffer (struct ipc_buf, ipc.h). */
#ifndef KABI_KCALLS_H
#define KABI_KCALLS_H

#define KCALLS(X)                                                                                  \
    X(0, debug_write)      /* (buf, len): bytes to the kernel log / serial console */              \
    X(1, yield)            /* (): give up the rest of the time slice */                           \
    X(2, send)             /* (ep): blocking send of the IPC buffer's message */                  \
    X(3, call)             /* (ep): send and wait for the reply (reply lands in the IPC buffer) */\
    X(4, recv)             /* (ep): wait for a message; returns a reply handle or 0 */            \
    X(5, reply)            /* (reply): answer a held reply handle with the IPC buffer; consumes */\
    X(6, reply_recv)       /* (reply, ep): reply (if reply > 0) then receive */                    \
    X(7, notify)           /* (ep, bits): OR bits into the endpoint's notification word; never blocks */ \
    X(8, ep_create)        /* (): new endpoint, full rights */                                    \
    X(9, cap_copy)         /* (h, rights, badge): new handle to the same object, rights masked, badge set if the source has none */ \
    X(10, cap_delete)      /* (h): drop a handle */                                               \
    X(11, as_create)       /* (): new empty address space */                                      \
    X(12, as_map)          /* (as, va, len, prot): map zeroed anonymous memory */                 \
    X(13, as_unmap)        /* (as, va, len) */                                                    \
    X(14, as_protect)      /* (as, va, len, prot) */                                              \
    X(15, as_read)         /* (as, remote_va, local_buf, len): checked copy out of `as` */        \
    X(16, as_write)        /* (as, remote_va, local_buf, len, flags): checked copy into `as` */          \
    X(17, thread_create)   /* (as, cfg): new thread from struct kthread_cfg; returns its handle */\
    X(18, thread_read_regs)  /* (t, regs): the blocked thread's whole register frame */           \
    X(19, thread_write_regs) /* (t, regs) */                                                      \
    X(20, thread_set_as)   /* (t, as): move a blocked thread to another address space */           \
    X(21, thread_kill)     /* (t): stop the thread for good; a held reply to it becomes dead */   \
    X(22, thread_resume)   /* (t): start a thread created suspended */                            \
    X(23, timer_set)       /* (ep, bits, deadline_ns): one notification at the deadline (0 cancels) */ \
    X(24, clock)           /* (): monotonic ns since boot; rdx = TSC */                           \
    X(25, console_read)    /* (buf, len): bytes typed on the console so far (never blocks) */     \
    X(26, console_bind)    /* (ep, bits): notify ep with bits when console input arrives */      \
    X(27, poweroff)        /* (ctl, status): halt the machine (needs the control capability) */  \
    X(28, mem_info)        /* (info): struct kmem_info: free frames, totals, counters */          \
    X(29, as_copy)         /* (src_as, src_va, dst_as, dst_va, len, flags): checked copy between two spaces */ \
    X(30, cap_info)        /* (h): object type (KOBJ_*) or an error: for tests and debugging */ \
    X(31, as_fork)         /* (as): new space, a copy-on-write snapshot of as (docs/memory.md) */ \
    X(32, as_map_mem)      /* (as, va, len, prot|KMAP_SHARED, mem, offset): map a memory object */ \
    X(33, mem_create)      /* (size, flags): new memory object of size bytes (zero pages) */      \
    X(34, mem_resize)      /* (mem, size): grow, or shrink (pages past the end leave every mapping) */ \
    X(35, mem_commit)      /* (mem, off, len): allocate those pages now, or -KE_NOMEM */         \
    X(36, as_info)         /* (as, info): struct kas_info: resident pages, page tables, regions */ \
    X(37, log_read)        /* (buf, len, pos): kernel log bytes from position pos; rdx = end */ \
    X(38, thread_interrupt) /* (t, flags): t sends an IPC_LABEL_INTERRUPT message before it next runs user code; 1 if it is blocked in the kernel instead (then marked too if flags has KTI_AFTER) */ \
    X(39, thread_times)    /* (t, out): struct kthread_times, the CPU time t has used */         \
    X(40, thread_cpu_alarm) /* (t, ns): interrupt t once its CPU time reaches ns (0 cancels) */ \
    X(41, as_page_id)      /* (as, va, out): struct kpage_id: the memory object and offset behind va, for keys shared across spaces */ \
    X(42, thread_trace)    /* (t, flags): KTRACE_* reports t makes to its syscall endpoint (0: none) */ \
    X(43, thread_route)    /* (t, ep, badge, mask): t's syscalls whose numbers are set in the 512-bit mask go to ep with that badge (ep 0: none) */

enum kcall_nr {
#define KCALL_ENUM(n, name) KCALL_##name = n,
    KCALLS(KCALL_ENUM)
#undef KCALL_ENUM
    KCALL_COUNT
};

/* Kernel call errors (returned negated). Distinct from Linux errno: servers translate. */
#define KE_INVAL 1   /* bad argument */
#define KE_BADH 2    /* no such handle, or handle of the wrong type */
#define KE_PERM 3    /* the handle lacks the right */
#define KE_FAULT 4   /* a user address is not mapped as needed */
#define KE_NOMEM 5   /* out of memory or of handle slots */
#define KE_DEAD 6    /* the reply's caller is gone */
#define KE_BUSY 7    /* the thread is not in a state that allows this */
#define KE_EXIST 8   /* already mapped */
#define KE_NOSYS 9   /* no such call */

/* log_read: the kernel keeps the last KLOG_RING_SIZE bytes of its log */
#define KLOG_RING_SIZE 16384
/* thread_interrupt's result when the thread is blocked in the kernel (a message of its is
 * outstanding): nothing happens, no interrupt message will come */
#define KTI_BLOCKED 1
/* thread_interrupt flags */
#define KTI_AFTER 0x1 /* a blocked thread is marked all the same: it sends the interrupt message
                       * when its call is answered, before user mode (whoever answers it) */
/* thread_route: the syscall numbers a route can take (the mask's bits) */
#define KROUTE_NRS 512

/* thread_trace flags */
#define KTRACE_SYSEXIT 0x1 /* a foreign thread reports each syscall's reply (IPC_LABEL_SYSEXIT)
                            * to its syscall endpoint, and waits for that report's reply, before
                            * it returns to user mode: a tracer's syscall-exit stop */

/* as_write / as_copy flags */
#define KAS_FORCE 1  /* write even to read-only user pages (the holder of KR_MAP could unprotect them anyway): exec loading */

#endif
