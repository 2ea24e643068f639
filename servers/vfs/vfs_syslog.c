/* syslog(2) (klogctl): the kernel log, as root may use it on Linux.
 *
 * The kernel keeps its messages in a ring (kern/klog.c, the log_read call, env->klog_read).
 * Like Linux's records, each complete line is shown as "<6>line\n" (the syslog prefix: facility
 * kernel, level info); a line not yet ended is not shown. Positions are the kernel's byte
 * positions, so vfs remembers two: where SYSLOG_ACTION_READ stopped (the "unread" start) and
 * where SYSLOG_ACTION_CLEAR was (READ_ALL's start).
 *
 * Actions: CLOSE/OPEN 0; READ (2) consumes up to len bytes of whole lines (a first line longer
 * than len is cut, and its rest not shown later), waiting while there is nothing unread (re-checked every 250 ms on vfs's
 * timer queue: the kernel does not announce new messages); READ_ALL (3) the newest whole lines
 * that fit in len; READ_CLEAR (4) the same, then clear; CLEAR (5); CONSOLE_OFF/ON (6, 7) and
 * CONSOLE_LEVEL (8, level 1..8, else EINVAL) are remembered (the kernel's console prints
 * everything regardless); SIZE_UNREAD (9) and SIZE_BUFFER (10). Others: EINVAL. A NULL buffer
 * or negative length for the reads: EINVAL; a length of 0 reads nothing.
 *
 * Entry point: vfs_sys_syslog. */
#include <stdlib.h>
#include <string.h>
#include "kabi/kcalls.h"
#include "vfs_impl.h"

enum {
    SL_CLOSE, SL_OPEN, SL_READ, SL_READ_ALL, SL_READ_CLEAR, SL_CLEAR, SL_CONSOLE_OFF,
    SL_CONSOLE_ON, SL_CONSOLE_LEVEL, SL_SIZE_UNREAD, SL_SIZE_BUFFER,
};
#define SL_PREFIX "<6>"
#define SL_RECHECK_NS 250000000ull
#define SL_LEVEL_DEFAULT 7   /* CONSOLE_LOGLEVEL_DEFAULT */
#define SL_LEVEL_MIN 1       /* CONSOLE_LOGLEVEL_MIN */

/* The log from raw position pos, as syslog text (whole lines, prefixed) into out (at most
 * KLOG_RING_SIZE * 2 bytes): its length; *first the raw position it starts at (pos, or the oldest
 * byte kept), *end the raw position after its last line. */
static size_t sl_format(vfs_t *vfs, uint64_t pos, char *out, uint64_t *first, uint64_t *end)
{
    char *raw = malloc(KLOG_RING_SIZE);
    uint64_t stop = pos;
    int64_t n = raw && vfs->env.klog_read
                    ? vfs->env.klog_read(vfs->env.ctx, raw, KLOG_RING_SIZE, pos, &stop)
                    : 0;
    if (n < 0)
        n = 0;
    *first = *end = stop - (uint64_t)n;
    size_t len = 0, line = 0;
    for (size_t i = 0; i < (size_t)n; i++) {
        if (raw[i] != '\n')
            continue;
        memcpy(out + len, SL_PREFIX, sizeof SL_PREFIX - 1);
        len += sizeof SL_PREFIX - 1;
        memcpy(out + len, raw + line, i + 1 - line);
        len += i + 1 - line;
        line = i + 1;
        *end = *first + line;
    }
    free(raw);
    return len;
}

/* READ_ALL: the newest whole lines of text[0, len) that fit in max bytes. */
static size_t sl_tail(const char *text, size_t len, size_t max, size_t *at)
{
    size_t start = 0;
    while (len - start > max) {
        const char *nl = memchr(text + start, '\n', len - start);
        start = nl ? (size_t)(nl - text) + 1 : len;
    }
    *at = start;
    return len - start;
}

/* A READ waiting for new messages: re-checked on the timer. */
typedef struct sl_wait {
    vfs_timer_t timer;
    vfs_pending_t *pc;
    uint64_t ubuf;
    int32_t len;
} sl_wait_t;

static int64_t sl_read(vfs_t *vfs, int32_t pid, uint64_t ubuf, int32_t max)
{
    char *text = malloc(2 * KLOG_RING_SIZE);
    if (!text)
        return -LX_ENOMEM;
    uint64_t first, end;
    size_t len = sl_format(vfs, vfs->klog.seen, text, &first, &end);
    /* whole lines that fit (a first line too long for the buffer is cut, its rest dropped);
     * raw counts the log bytes they stand for, without their prefixes */
    size_t take = 0;
    uint64_t raw = 0;
    while (take < len) {
        const char *nl = memchr(text + take, '\n', len - take);
        size_t next = (size_t)(nl - text) + 1;
        if (next > (size_t)max && take > 0)
            break;
        raw += next - take - (sizeof SL_PREFIX - 1);
        take = next > (size_t)max ? (size_t)max : next;
        if (next > (size_t)max)
            break;
    }
    int64_t r = take ? vfs_copy_out(vfs, pid, ubuf, text, take) : 0;
    if (r == 0 && take) {
        r = (int64_t)take;
        vfs->klog.seen = first + raw;
    }
    free(text);
    return r;
}

static void sl_recheck(vfs_t *vfs, vfs_timer_t *t)
{
    sl_wait_t *w = (sl_wait_t *)t;
    int64_t r = sl_read(vfs, w->pc->pid, w->ubuf, w->len);
    if (r != 0)
        vfs_pending_finish(vfs, w->pc, r);
    else
        vfs_timer_start(vfs, &w->timer, vfs_clock_mono(vfs) + SL_RECHECK_NS, sl_recheck);
}

static void sl_release(vfs_t *vfs, vfs_pending_t *pc, enum vfs_pc_end how)
{
    (void)how;
    sl_wait_t *w = pc->ext;
    vfs_timer_stop(vfs, &w->timer);
    free(w);
}

static const vfs_pending_ops_t sl_ops = {sl_release};

/* syslog(type, buf, len) */
VFS_SYS_DECL(syslog)
{
    int32_t type = (int32_t)req->a[0], len = (int32_t)req->a[2];
    uint64_t ubuf = req->a[1];
    switch (type) {
    case SL_CLOSE:
    case SL_OPEN:
        return 0;
    case SL_READ: {
        if (!ubuf || len < 0)
            return -LX_EINVAL;
        if (len == 0)
            return 0;
        int64_t r = sl_read(vfs, p->pid, ubuf, len);
        if (r != 0)
            return r;
        sl_wait_t *w = calloc(1, sizeof(*w));
        if (!w)
            return -LX_ENOMEM;
        w->ubuf = ubuf;
        w->len = len;
        w->pc = vfs_pending_add_ext(vfs, req, NULL, NULL, NULL, &sl_ops, w);
        if (!w->pc) {
            free(w);
            return -LX_ENOMEM;
        }
        vfs_timer_start(vfs, &w->timer, vfs_clock_mono(vfs) + SL_RECHECK_NS, sl_recheck);
        return VFS_SUSPEND;
    }
    case SL_READ_ALL:
    case SL_READ_CLEAR: {
        if (!ubuf || len < 0)
            return -LX_EINVAL;
        if (len == 0)
            return 0;
        char *text = malloc(2 * KLOG_RING_SIZE);
        if (!text)
            return -LX_ENOMEM;
        uint64_t first, end;
        size_t tlen = sl_format(vfs, vfs->klog.clear, text, &first, &end), at;
        size_t n = sl_tail(text, tlen, (size_t)len, &at);
        int64_t r = vfs_copy_out(vfs, p->pid, ubuf, text + at, n);
        free(text);
        if (r < 0)
            return r;
        if (type == SL_READ_CLEAR)
            vfs->klog.clear = end;
        return (int64_t)n;
    }
    case SL_CLEAR: {
        char *text = malloc(2 * KLOG_RING_SIZE);
        if (!text)
            return -LX_ENOMEM;
        uint64_t first;
        sl_format(vfs, vfs->klog.clear, text, &first, &vfs->klog.clear);
        free(text);
        return 0;
    }
    case SL_CONSOLE_OFF:
        if (!vfs->klog.saved)
            vfs->klog.saved = vfs->klog.level ? vfs->klog.level : SL_LEVEL_DEFAULT;
        vfs->klog.level = SL_LEVEL_MIN;
        return 0;
    case SL_CONSOLE_ON:
        if (vfs->klog.saved) {
            vfs->klog.level = vfs->klog.saved;
            vfs->klog.saved = 0;
        }
        return 0;
    case SL_CONSOLE_LEVEL:
        if (len < 1 || len > 8)
            return -LX_EINVAL;
        vfs->klog.level = len < SL_LEVEL_MIN ? SL_LEVEL_MIN : len;
        vfs->klog.saved = 0;
        return 0;
    case SL_SIZE_UNREAD: {
        char *text = malloc(2 * KLOG_RING_SIZE);
        if (!text)
            return -LX_ENOMEM;
        uint64_t first, end;
        size_t n = sl_format(vfs, vfs->klog.seen, text, &first, &end);
        free(text);
        return (int64_t)n;
    }
    case SL_SIZE_BUFFER:
        return KLOG_RING_SIZE;
    default:
        return -LX_EINVAL;
    }
}
