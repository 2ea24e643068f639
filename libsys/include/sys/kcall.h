/* User-side stubs of the native kernel calls (kabi/kcalls.h), for servers and native tests.
 * Every stub is one SYSCALL; the IPC buffer of the calling thread is kipc(). */
#ifndef LIBSYS_KCALL_H
#define LIBSYS_KCALL_H
#include <stddef.h>
#include <stdint.h>
#include "kabi/boot.h"
#include "kabi/caps.h"
#include "kabi/ipc.h"
#include "kabi/kcalls.h"
#include "kabi/thread.h"

static inline int64_t kcall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
    int64_t ret;
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define KC(nr, a0, a1, a2, a3, a4, a5) kcall6(KCALL_##nr, (uint64_t)(a0), (uint64_t)(a1), \
                                               (uint64_t)(a2), (uint64_t)(a3), (uint64_t)(a4), (uint64_t)(a5))

/* the current thread's IPC buffer: the kernel points a native thread's FS base at it */
static inline struct ipc_buf *kipc(void)
{
    struct ipc_buf *b;
    __asm__("mov %%fs:0, %0" : "=r"(b));
    return b;
}

static inline int64_t k_debug_write(const void *b, size_t n) { return KC(debug_write, b, n, 0, 0, 0, 0); }
static inline int64_t k_yield(void) { return KC(yield, 0, 0, 0, 0, 0, 0); }
static inline int64_t k_send(int ep) { return KC(send, ep, 0, 0, 0, 0, 0); }
static inline int64_t k_call(int ep) { return KC(call, ep, 0, 0, 0, 0, 0); }
static inline int64_t k_recv(int ep) { return KC(recv, ep, 0, 0, 0, 0, 0); }
static inline int64_t k_reply(int64_t r) { return KC(reply, r, 0, 0, 0, 0, 0); }
static inline int64_t k_reply_recv(int64_t r, int ep) { return KC(reply_recv, r, ep, 0, 0, 0, 0); }
static inline int64_t k_notify(int ep, uint64_t bits) { return KC(notify, ep, bits, 0, 0, 0, 0); }
static inline int64_t k_ep_create(void) { return KC(ep_create, 0, 0, 0, 0, 0, 0); }
static inline int64_t k_cap_copy(int h, uint32_t rights, uint64_t badge) { return KC(cap_copy, h, rights, badge, 0, 0, 0); }
static inline int64_t k_cap_delete(int64_t h) { return KC(cap_delete, h, 0, 0, 0, 0, 0); }
static inline int64_t k_cap_info(int64_t h) { return KC(cap_info, h, 0, 0, 0, 0, 0); }
static inline int64_t k_as_create(void) { return KC(as_create, 0, 0, 0, 0, 0, 0); }
static inline int64_t k_as_map(int as, uint64_t va, uint64_t len, int prot) { return KC(as_map, as, va, len, prot, 0, 0); }
static inline int64_t k_as_unmap(int as, uint64_t va, uint64_t len) { return KC(as_unmap, as, va, len, 0, 0, 0); }
static inline int64_t k_as_protect(int as, uint64_t va, uint64_t len, int prot) { return KC(as_protect, as, va, len, prot, 0, 0); }
static inline int64_t k_as_read(int as, uint64_t va, void *buf, uint64_t len) { return KC(as_read, as, va, buf, len, 0, 0); }
static inline int64_t k_as_write(int as, uint64_t va, const void *buf, uint64_t len) { return KC(as_write, as, va, buf, len, 0, 0); }
static inline int64_t k_as_write_force(int as, uint64_t va, const void *buf, uint64_t len) { return KC(as_write, as, va, buf, len, KAS_FORCE, 0); }
static inline int64_t k_as_copy(int src, uint64_t sva, int dst, uint64_t dva, uint64_t len) { return KC(as_copy, src, sva, dst, dva, len, 0); }
static inline int64_t k_as_copy_force(int src, uint64_t sva, int dst, uint64_t dva, uint64_t len) { return KC(as_copy, src, sva, dst, dva, len, KAS_FORCE); }
static inline int64_t k_thread_create(int as, const struct kthread_cfg *cfg) { return KC(thread_create, as, cfg, 0, 0, 0, 0); }
static inline int64_t k_thread_read_regs(int64_t t, struct kregs *r) { return KC(thread_read_regs, t, r, 0, 0, 0, 0); }
static inline int64_t k_thread_write_regs(int64_t t, const struct kregs *r) { return KC(thread_write_regs, t, r, 0, 0, 0, 0); }
static inline int64_t k_thread_set_as(int64_t t, int as) { return KC(thread_set_as, t, as, 0, 0, 0, 0); }
static inline int64_t k_thread_kill(int64_t t) { return KC(thread_kill, t, 0, 0, 0, 0, 0); }
static inline int64_t k_thread_resume(int64_t t) { return KC(thread_resume, t, 0, 0, 0, 0, 0); }
static inline int64_t k_timer_set(int ep, uint64_t bits, uint64_t deadline) { return KC(timer_set, ep, bits, deadline, 0, 0, 0); }
static inline int64_t k_console_read(void *b, size_t n) { return KC(console_read, b, n, 0, 0, 0, 0); }
static inline int64_t k_console_bind(int ep, uint64_t bits) { return KC(console_bind, ep, bits, 0, 0, 0, 0); }
static inline int64_t k_poweroff(int ctl, int status) { return KC(poweroff, ctl, status, 0, 0, 0, 0); }
static inline int64_t k_thread_interrupt(int64_t t, uint64_t flags) { return KC(thread_interrupt, t, flags, 0, 0, 0, 0); }
static inline int64_t k_thread_route(int64_t t, int ep, uint64_t badge, const uint64_t *mask) { return KC(thread_route, t, ep, badge, mask, 0, 0); }
static inline int64_t k_thread_times(int64_t t, struct kthread_times *out) { return KC(thread_times, t, out, 0, 0, 0, 0); }
static inline int64_t k_thread_cpu_alarm(int64_t t, uint64_t ns) { return KC(thread_cpu_alarm, t, ns, 0, 0, 0, 0); }
static inline int64_t k_thread_trace(int64_t t, uint64_t flags) { return KC(thread_trace, t, flags, 0, 0, 0, 0); }
static inline int64_t k_mem_info(struct kmem_info *mi) { return KC(mem_info, mi, 0, 0, 0, 0, 0); }
static inline int64_t k_as_fork(int as) { return KC(as_fork, as, 0, 0, 0, 0, 0); }
static inline int64_t k_as_info(int as, struct kas_info *ai) { return KC(as_info, as, ai, 0, 0, 0, 0); }
static inline int64_t k_as_page_id(int as, uint64_t va, struct kpage_id *out) { return KC(as_page_id, as, va, out, 0, 0, 0); }
static inline int64_t k_as_map_mem(int as, uint64_t va, uint64_t len, int prot, int mem, uint64_t off) { return KC(as_map_mem, as, va, len, prot, mem, off); }
static inline int64_t k_mem_create(uint64_t size, uint32_t flags) { return KC(mem_create, size, flags, 0, 0, 0, 0); }
static inline int64_t k_mem_resize(int mem, uint64_t size) { return KC(mem_resize, mem, size, 0, 0, 0, 0); }
static inline int64_t k_mem_commit(int mem, uint64_t off, uint64_t len) { return KC(mem_commit, mem, off, len, 0, 0, 0); }
static inline uint64_t k_clock_ns(void) { return (uint64_t)KC(clock, 0, 0, 0, 0, 0, 0); }
/* Kernel log bytes from position pos (since boot) into buf: the count (< 0: -KE_*), *end = the
 * position after the last byte logged. Older bytes than the ring keeps are skipped. */
static inline int64_t k_log_read(void *buf, uint64_t len, uint64_t pos, uint64_t *end)
{
    int64_t ret;
    uint64_t rdx = pos;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+d"(rdx)
                     : "a"((uint64_t)KCALL_log_read), "D"(buf), "S"(len)
                     : "rcx", "r11", "r8", "r9", "r10", "memory");
    *end = rdx;
    return ret;
}

static inline uint64_t k_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
