/* gt_snap: before/after snapshots of the system's free memory, processes, kernel threads and
 * open file descriptions for the guest stress tests (see gt_snap.h).
 * Entry points: gt_proc_number, gt_snap_take, gt_snap_same, gt_snap_settle. */
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "gt_snap.h"
#include "gtest.h"

long long gt_proc_number(const char *path, const char *key)
{
    char buf[4096];
    if (gt_read_file(path, buf, sizeof buf) < 0)
        return -1;
    const char *p = key ? strstr(buf, key) : buf;
    return p ? strtoll(p + (key ? strlen(key) : 0), NULL, 10) : -1;
}

void gt_snap_take(struct gt_snap *s)
{
    /* the files first: whatever the first reads cost (our stack's pages, say) is spent before
     * free memory is sampled, so a single snapshot already counts it */
    s->kthreads = gt_proc_number("/proc/kstat", "threads ");
    s->files = gt_proc_number("/proc/sys/fs/file-nr", NULL);
    struct sysinfo si;
    memset(&si, 0, sizeof si);
    if (sysinfo(&si) != 0)
        gt_fail(__FILE__, __LINE__, "sysinfo failed: %s", strerror(errno));
    s->freeram = (unsigned long long)si.freeram * (si.mem_unit ? si.mem_unit : 1);
    s->procs = si.procs;
}

void gt_snap_same(const struct gt_snap *a, const struct gt_snap *b, long long slack)
{
    gt_note("freeram %llu -> %llu bytes (%+lld), procs %ld -> %ld, kernel threads %lld -> %lld, "
            "open files %lld -> %lld",
            a->freeram, b->freeram, (long long)(b->freeram - a->freeram), a->procs, b->procs,
            a->kthreads, b->kthreads, a->files, b->files);
    if (!os_is_kestrel())
        return;
    long long lost = (long long)a->freeram - (long long)b->freeram;
    if (lost < 0 || lost > slack)
        CHECK_EQ(b->freeram, a->freeram);
    CHECK_EQ(b->procs, a->procs);
    CHECK_EQ(b->kthreads, a->kthreads);
    CHECK_EQ(b->files, a->files);
}

void gt_snap_settle(const struct gt_snap *a, struct gt_snap *b)
{
    for (int i = 0; i < 200; i++) {
        gt_snap_take(b);
        if (b->freeram == a->freeram && b->procs == a->procs && b->kthreads == a->kthreads &&
            b->files == a->files)
            return;
        gt_sleep_ms(5);
    }
}
