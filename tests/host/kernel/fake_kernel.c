/* Fake kernel services for the host tests of the IPC and capability logic (see fake_kernel.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_kernel.h"
#include "heap.h"
#include "kprintf.h"
#include "sched.h"

struct thread *current;
int need_resched;
struct thread *ready_log[64];
int ready_count;
int destroyed_threads;

/* The heap keeps small-class pages for good, so the fake page source remembers every page and
 * releases them all between tests. */
static void *pages[4096];
static size_t npages;

static void *pages_alloc(size_t n)
{
    if (npages == 4096)
        return NULL;
    return pages[npages++] = aligned_alloc(4096, n * 4096);
}

static void pages_free(void *p, size_t n)
{
    (void)n;
    for (size_t i = 0; i < npages; i++)
        if (pages[i] == p) {
            pages[i] = pages[--npages];
            break;
        }
    free(p);
}

int fake_kernel_release(void **state)
{
    (void)state;
    while (npages)
        free(pages[--npages]);
    return 0;
}

void fake_kernel_reset(void)
{
    static const struct heap_pages src = {pages_alloc, pages_free};
    fake_kernel_release(NULL);
    heap_init(&src);
    ready_count = 0;
    destroyed_threads = 0;
    current = NULL;
}

void sched_ready(struct thread *t)
{
    t->state = TS_READY;
    if (ready_count < 64)
        ready_log[ready_count++] = t;
}
int64_t sched_block(void) { return current->wake_result; }
int sched_higher_ready(uint32_t prio) { (void)prio; return 0; }
int64_t sched_handoff_blocked(struct thread *next)
{
    sched_ready(next);
    return current->wake_result;
}
void timerq_remove(struct endpoint *ep) { (void)ep; }
void thread_destroy(struct thread *t) { (void)t; destroyed_threads++; }
void aspace_destroy(struct aspace *as) { (void)as; }
void memobj_destroy(struct kmem *m) { (void)m; }

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

struct thread *fake_thread(int native)
{
    struct thread *t = calloc(1, sizeof *t);
    t->o.type = KOBJ_THREAD;
    t->o.refs = 1;
    t->frame = calloc(1, sizeof *t->frame);
    if (native) {
        t->cs = cspace_create(8);
        t->ipc = calloc(1, sizeof *t->ipc);
    } else {
        t->flags = KTHREAD_FOREIGN;
    }
    return t;
}

void fake_thread_drop_caps(struct thread *t)
{
    if (t->cs)
        cspace_put(t->cs);
    t->cs = NULL;
}

void fake_thread_free(struct thread *t)
{
    fake_thread_drop_caps(t);
    free(t->ipc);
    free(t->frame);
    free(t);
}

/* the real one is in kern/ipc.c; tests that do not link it get this */
__attribute__((weak)) void endpoint_destroy(struct endpoint *ep) { (void)ep; }
