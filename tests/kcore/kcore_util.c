/* The kcore programs' helpers (kcore.h): a new address space holding a copy of this program's
 * image, stacks and threads running this image's functions in it, a one-word message, a thread
 * parked for good, a word of the kernel command line. Shared by kcoretest and kfuzz
 * (tests/fuzz/kfuzz). */
#include <stdint.h>
#include <string.h>
#include "kcore.h"

extern char __executable_start[], _end[];

#define STACK_SIZE 0x10000ull
static uint64_t next_stack = 0x60000000;

int clone_space(void)
{
    int as = (int)k_as_create();
    if (as < 0) return as;
    uint64_t start = (uint64_t)__executable_start & ~0xFFFull;
    uint64_t end = ((uint64_t)_end + 0xFFF) & ~0xFFFull;
    for (uint64_t va = start; va < end; va += 4096) {
        if (k_as_map(as, va, 4096, KPROT_READ | KPROT_WRITE | KPROT_EXEC) < 0) return -1;
        k_as_copy(ROOT_H_SELF_AS, va, as, va, 4096); /* gaps between segments just stay zero */
    }
    return as;
}

uint64_t new_stack(int as, uint64_t *ipc_va)
{
    uint64_t base = next_stack;
    next_stack += STACK_SIZE + 0x10000;
    k_as_map(as, base, STACK_SIZE, KPROT_READ | KPROT_WRITE);
    *ipc_va = base + STACK_SIZE + 0x1000; /* the kernel maps the IPC page itself */
    return base + STACK_SIZE;
}

struct kthread_cfg cfg;

int64_t spawn_native(int as, void (*fn)(uint64_t), uint64_t arg)
{
    uint64_t ipc;
    uint64_t top = new_stack(as, &ipc);
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FPU_INIT;
    cfg.fault_ep = -1;
    cfg.ipc_buf = ipc;
    cfg.regs.rip = (uint64_t)fn;
    cfg.regs.rsp = top - 8;
    cfg.regs.rdi = arg;
    return k_thread_create(as, &cfg);
}

int64_t spawn_foreign(int as, void (*code)(void), int sys_ep, int fault_ep, uint64_t badge,
                      uint32_t prio)
{
    uint64_t ipc;
    uint64_t top = new_stack(as, &ipc);
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FOREIGN | KTHREAD_FPU_INIT;
    cfg.priority = prio;
    cfg.syscall_ep = sys_ep;
    cfg.fault_ep = fault_ep;
    cfg.badge = badge;
    cfg.regs.rip = (uint64_t)code;
    cfg.regs.rsp = top - 8;
    return k_thread_create(as, &cfg);
}

void park(void)
{
    k_recv((int)k_ep_create());
}

int kcore_has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; *p; p++)
        if ((p == s || p[-1] == ' ') && strncmp(p, w, n) == 0 && (p[n] == ' ' || !p[n])) return 1;
    return 0;
}

void msg(uint32_t label, uint64_t w0)
{
    struct ipc_buf *b = kipc();
    b->label = label;
    b->len = 1;
    b->ncaps = 0;
    b->mr[0] = w0;
}
