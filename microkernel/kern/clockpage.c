/* The clock page (see include/clockpage.h and kabi/clock.h). The parameters are written once at
 * boot under the sequence count's odd/even protocol; a later writer (a wall clock that is set)
 * would bump seq around its change the same way. */
#include "arch.h"
#include "kabi/clock.h"
#include "kern.h"
#include "kprintf.h"
#include "memobj.h"
#include "pmm.h"

static struct kmem *clock_obj;
static struct kclock_page *clock_page;

void clockpage_init(void)
{
    clock_obj = memobj_create(PAGE_SIZE, PMM_SYSTEM);
    uint64_t pa = clock_obj ? memobj_page(clock_obj, 0, 1, PMM_SYSTEM) : 0;
    if (!pa)
        panic("clock page: out of memory");
    clock_page = phys_to_virt(pa);
    clock_page->seq++; /* odd: being written */
    __asm__ volatile("" ::: "memory");
    clock_page->version = KCLOCK_VERSION;
    clock_page->tsc_hz = arch_tsc_hz();
    clock_page->tsc_boot = arch_tsc_boot();
    /* the RTC's whole seconds now, minus the time since monotonic 0 */
    clock_page->realtime_ns = arch_rtc_seconds() * 1000000000ull - arch_clock_ns();
    clock_page->realtime_sec = clock_page->realtime_ns / 1000000000ull;
    clock_page->realtime_nsec = clock_page->realtime_ns % 1000000000ull;
    clock_page->flags = KCLOCK_TSC_USER;
    __asm__ volatile("" ::: "memory");
    clock_page->seq++;
}

struct kmem *clockpage_obj(void)
{
    return clock_obj;
}

uint64_t clockpage_realtime(void)
{
    return clock_page->realtime_ns;
}
