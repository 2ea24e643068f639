/* What the kcore guest tests share (kcoretest.c: the runner, the IPC and thread tests;
 * kcore_mem.c: the memory tests; kcore_util.c: these helpers, also used by tests/fuzz/kfuzz). */
#ifndef KCORE_H
#define KCORE_H
#include <stdint.h>
#include "rt.h"
#include "sys/kcall.h"

extern int failures; /* checks failed in the current test */

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("    check failed: %s (line %d)\n", #c, __LINE__);                              \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        int64_t _a = (int64_t)(a), _b = (int64_t)(b);                                              \
        if (_a != _b) {                                                                            \
            printf("    check failed: %s == %s (%ld vs %ld, line %d)\n", #a, #b, (long)_a,        \
                   (long)_b, __LINE__);                                                            \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* A new address space holding a copy of this program's image. */
int clone_space(void);
/* A stack (and an IPC buffer page above it) in `as`; returns the stack top. */
uint64_t new_stack(int as, uint64_t *ipc_va);
/* threads running this program's functions in `as` */
int64_t spawn_native(int as, void (*fn)(uint64_t), uint64_t arg);
int64_t spawn_foreign(int as, void (*code)(void), int sys_ep, int fault_ep, uint64_t badge,
                      uint32_t prio);
extern struct kthread_cfg cfg; /* the last thread configuration (big: kept off the stack) */
void park(void);               /* blocks the calling thread for good (until the test kills it) */
int kcore_has_word(const char *s, const char *w); /* w is a space-separated word of s */
void msg(uint32_t label, uint64_t w0); /* a one-word message in the IPC buffer */
/* the kernel objects (threads, spaces, endpoints, memory objects) and free frames are as in a */
void check_all_back(const struct kmem_info *a);
void fault_code(void); /* foreign code: stores 0x77 at 0x50000000, then exit(what it reads back) */

/* the memory tests (kcore_mem.c), run one by one by the runner */
struct kcore_test {
    const char *name;
    void (*fn)(void);
};
extern const struct kcore_test kcore_mem_tests[];
void kcore_mem_bench(void); /* kbench: BENCH lines for the memory layer's costs */

#endif
