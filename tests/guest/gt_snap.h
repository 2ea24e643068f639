/* gt_snap: what a stress test compares before and after, to show it left nothing behind: free
 * memory and the process count (sysinfo), the kernel's live threads (/proc/kstat, Kestrel only)
 * and the open file descriptions (/proc/sys/fs/file-nr).
 *
 * On Kestrel the accounting is exact, so gt_snap_same checks it (with a slack for the servers'
 * heaps where a test's order of events may fragment them); on Linux everything moves for
 * unrelated reasons, so it is only reported. */
#ifndef GT_SNAP_H
#define GT_SNAP_H

struct gt_snap {
    unsigned long long freeram;   /* bytes */
    long procs;
    long long kthreads;           /* -1: no /proc/kstat (Linux) */
    long long files;              /* -1: no /proc/sys/fs/file-nr */
};

/* The number after key in the file at path (key NULL: at its start), or -1. */
long long gt_proc_number(const char *path, const char *key);
void gt_snap_take(struct gt_snap *s);
/* Notes both; KESTREL: fails the test unless b has what a had (free memory may be short by up
 * to slack bytes, never above). */
void gt_snap_same(const struct gt_snap *a, const struct gt_snap *b, long long slack);
/* Takes *b until it matches *a (the last exits may still be under way in the servers) or about
 * a second has passed; a leak never settles, and gt_snap_same reports it. */
void gt_snap_settle(const struct gt_snap *a, struct gt_snap *b);

#endif
