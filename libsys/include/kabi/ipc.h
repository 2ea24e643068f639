/* IPC message layout. A native thread's IPC buffer is one page at the user address given when the
 * thread was created; `send`/`call`/`reply` take the message from it and `recv`/`call` deliver into
 * it. Messages the kernel makes (a foreign thread's syscall, a fault, a notification) use the same
 * layout with a reserved label. */
#ifndef KABI_IPC_H
#define KABI_IPC_H
#include <stdint.h>

#define IPC_MR_MAX 480 /* message words: the buffer is one 4 KiB page */
#define IPC_CAPS_MAX 4

/* labels the kernel uses (servers' own protocols use labels below 0xFFFF0000) */
#define IPC_LABEL_SYSCALL 0xFFFF0001u /* mr[0]=nr, mr[1..6]=args: from a foreign thread */
#define IPC_LABEL_FAULT 0xFFFF0002u   /* mr[0]=vector, mr[1]=error code, mr[2]=address (CR2), mr[3]=rip,
                                       * mr[4]=cause (KFAULT_*) */
#define IPC_LABEL_NOTIFY 0xFFFF0003u  /* mr[0]=the notification bits (cleared on delivery) */
#define IPC_LABEL_INTERRUPT 0xFFFF0004u /* mr[0]=why (KINT_*), mr[1]=rip: a thread stopped on its
                                         * way to user mode (thread_interrupt, thread_cpu_alarm) */
#define IPC_LABEL_SYSEXIT 0xFFFF0005u   /* mr[0]=the reply's value, mr[1]=the syscall's number:
                                         * a thread marked KTRACE_SYSEXIT got its syscall's reply
                                         * and waits before user mode (thread_trace) */

/* the cause of a page fault the kernel could not resolve (fault message mr[4]) */
#define KFAULT_NONE 0  /* no region there, or it does not allow the access (or not a page fault) */
#define KFAULT_NOMEM 1 /* no frame left for the page: mr[1]'s P bit is then clear (not present) */
#define KFAULT_RANGE 2 /* the region maps a memory object and the page is past its end (SIGBUS) */

/* why an interrupt message was sent (bits of its mr[0]) */
#define KINT_REQUEST 0x1   /* thread_interrupt */
#define KINT_CPU_ALARM 0x2 /* the thread's CPU time reached its thread_cpu_alarm */

/* reply to a foreign thread (syscall or fault): mr[0] becomes RAX for a syscall and for a syscall
 * exit report; for a fault or an interrupt the thread resumes with its (possibly rewritten)
 * registers. */

struct ipc_buf {
    uint64_t self;                /* the buffer's own user address: a native thread's FS base points
                                   * here, so a thread finds its buffer with one load (%fs:0) */
    uint32_t label;
    uint32_t len;                 /* message words used in mr[] */
    uint32_t ncaps;               /* send: handles in caps[] to transfer; recv: handles received */
    uint32_t cap_move;            /* send: bit i set = move caps[i] (else copy) */
    uint64_t badge;               /* recv: the badge of the capability the sender used */
    int32_t caps[IPC_CAPS_MAX];
    uint64_t mr[IPC_MR_MAX];
};
_Static_assert(sizeof(struct ipc_buf) <= 4096, "the IPC buffer is one page");

#endif
