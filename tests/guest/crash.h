/* Ways to die, shared by t_crash and t_child. Each is written so that the compiler cannot turn it
 * into something else (a NULL store may become ud2 under -O2, a constant division may be folded).
 */
#ifndef GT_CRASH_H
#define GT_CRASH_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Store to an unmapped address in the first page: #PF, SIGSEGV. */
static inline void crash_segv(void)
{
    __asm__ volatile("movq $1, (%0)" : : "r"(0x10UL) : "memory");
}

/* ud2: #UD, SIGILL. */
static inline void crash_ill(void)
{
    __asm__ volatile("ud2");
}

/* Integer division by zero: #DE, SIGFPE. */
static inline void crash_fpe(void)
{
    long a = 1, d = 0;
    __asm__ volatile("cqo\n\tidivq %2" : "+a"(a), "+d"(d) : "r"(0L) : "cc");
}

/* Dispatches a crash mode by name; returns only if the name is unknown (or the crash failed). */
static inline int crash_by_name(const char *mode)
{
    if (strcmp(mode, "segv") == 0)
        crash_segv();
    else if (strcmp(mode, "ill") == 0)
        crash_ill();
    else if (strcmp(mode, "fpe") == 0)
        crash_fpe();
    else if (strcmp(mode, "abort") == 0)
        abort();
    else
        return -1;
    return 0;
}

#endif
