/* Access to a process's user memory through its address-space capability (env->as_read and
 * as_write), with Linux's all-or-nothing EFAULT, and strings read a page at a time so that a
 * string ending just before an unmapped page is not a fault.
 *
 * Entry points: pm_copy_in, pm_copy_out, pm_copy_str_in, pm_zero_out. */
#include <string.h>
#include "pm_internal.h"
#include "sys/ustr.h"

/* Anything at or above TASK_SIZE, or wrapping, is never user memory. */
static bool pm_user_range_ok(uint64_t va, uint64_t len)
{
    return va < PM_USER_TOP && len <= PM_USER_TOP - va;
}

int pm_copy_in(pm_t *pm, pm_proc_t *p, void *dst, uint64_t va, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!p->has_as || !pm_user_range_ok(va, len))
        return -LX_EFAULT;
    return pm->env.as_read(pm->env.ctx, p->as, dst, va, len) ? -LX_EFAULT : 0;
}

int pm_copy_out(pm_t *pm, pm_proc_t *p, uint64_t va, const void *src, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!p->has_as || !pm_user_range_ok(va, len))
        return -LX_EFAULT;
    /* a syscall's result goes only where the program may write (Linux: EFAULT otherwise) */
    int (*w)(void *, pm_as_t, uint64_t, const void *, uint64_t) =
        pm->env.as_write_user ? pm->env.as_write_user : pm->env.as_write;
    return w(pm->env.ctx, p->as, va, src, len) ? -LX_EFAULT : 0;
}

int64_t pm_copy_str_in(pm_t *pm, pm_proc_t *p, char *dst, uint64_t va, uint64_t max,
                       int too_long_err)
{
    uint64_t got = 0, step = USTR_FIRST_CHUNK;
    while (got < max) {
        uint64_t chunk = ustr_chunk(va + got, max - got, &step);
        if (pm_copy_in(pm, p, dst + got, va + got, chunk))
            return -LX_EFAULT;
        const char *nul = memchr(dst + got, 0, chunk);
        if (nul)
            return (int64_t)(nul - dst);
        got += chunk;
    }
    return -too_long_err;
}

int pm_zero_out(pm_t *pm, pm_as_t as, uint64_t va, uint64_t len)
{
    uint8_t zeros[512];
    memset(zeros, 0, sizeof(zeros));
    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
        int r = pm->env.as_write(pm->env.ctx, as, va, zeros, n);
        if (r)
            return r;
        va += n;
        len -= n;
    }
    return 0;
}
