/* Log lines for the serial console, built without stdio (logic files are freestanding): a
 * fixed buffer filled by small appenders, then handed to env->log. Lines that do not fit are
 * truncated.
 *
 * Entry points: pm_line_str, pm_line_dec, pm_line_hex, pm_line_proc, pm_line_emit. */
#include "pm_internal.h"

void pm_line_str(pm_line_t *l, const char *s)
{
    while (*s && l->n + 1 < sizeof(l->b))
        l->b[l->n++] = *s++;
    l->b[l->n] = 0;
}

void pm_line_dec(pm_line_t *l, int64_t v)
{
    char tmp[24];
    int i = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[i++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[i++] = '-';
    char out[24];
    int n = 0;
    while (i > 0)
        out[n++] = tmp[--i];
    out[n] = 0;
    pm_line_str(l, out);
}

void pm_line_hex(pm_line_t *l, uint64_t v)
{
    char out[19] = "0x";
    int n = 2;
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        out[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
    out[n] = 0;
    pm_line_str(l, out);
}

void pm_line_proc(pm_line_t *l, const pm_proc_t *p)
{
    pm_line_str(l, "pid ");
    pm_line_dec(l, p->pid);
    pm_line_str(l, " (");
    pm_line_str(l, p->comm);
    pm_line_str(l, ")");
}

void pm_line_emit(pm_t *pm, pm_line_t *l)
{
    if (pm->env.log)
        pm->env.log(pm->env.ctx, l->b);
    l->n = 0;
    l->b[0] = 0;
}
