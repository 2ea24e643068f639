/* Threads with a descriptor table or a cwd/root/umask of their own: Linux's CLONE_THREAD without
 * CLONE_FILES (the thread gets a copy of its creator's table) or without CLONE_FS (a copy of its
 * cwd, root and umask).
 *
 * A process (vfs_proc_t) keeps the table and fs its threads share; a thread that uses others has
 * a record (vfs_thr_t, on the process's thr list) pointing at them, counted like a process's, so
 * a thread made with CLONE_FILES by such a thread shares its creator's very table. Every call of
 * a thread with a record runs with the record's table and fs swapped into the process
 * (vfs_thread_enter/leave, from vfs_syscall), so the handlers, which all use p->files and p->fs,
 * need not know; a process without records (every libc's threads share both) pays one pointer
 * test per call. The first thread never has a record: exec makes the exec'ing thread's table
 * and fs the process's (vfs_thread_lead), so /proc/<pid>/fd shows the leader's, as Linux.
 *
 * Entry points: vfs_thread_clone, vfs_thread_exit, vfs_thread_lead, vfs_thread_enter,
 * vfs_thread_leave, vfs_thread_free_all, vfs_mmap_open_thread, vfs_exec_open_thread. */
#include <stdlib.h>
#include "vfs_impl.h"

static vfs_thr_t **thr_find(vfs_proc_t *p, int32_t tid)
{
    vfs_thr_t **pp = &p->thr;
    while (*pp && (*pp)->tid != tid)
        pp = &(*pp)->next;
    return pp;
}

static void thr_free(vfs_thr_t *t)
{
    vfs_files_put(t->files);   /* the last user closes: a pipe end it held gives EOF now */
    vfs_fs_put(t->fs);
    free(t);
}

static void view_in(vfs_proc_t *p, vfs_thr_view_t *v)
{
    v->files = p->files;
    v->fs = p->fs;
    p->files = v->t->files;
    p->fs = v->t->fs;
}

static void view_out(vfs_proc_t *p, vfs_thr_view_t *v)
{
    v->t->files = p->files;
    v->t->fs = p->fs;
    p->files = v->files;
    p->fs = v->fs;
}

void vfs_thread_enter(vfs_proc_t *p, int32_t tid, vfs_thr_view_t *v)
{
    v->outer = p->view;
    if (v->outer)
        view_out(p, v->outer);
    v->t = p->thr ? *thr_find(p, tid) : NULL;
    if (v->t)
        view_in(p, v);
    p->view = v->t ? v : NULL;
}

void vfs_thread_leave(vfs_proc_t *p, vfs_thr_view_t *v)
{
    if (v->t)
        view_out(p, v);
    p->view = v->outer;
    if (v->outer)
        view_in(p, v->outer);
}

int vfs_thread_clone(vfs_t *vfs, int32_t pid, int32_t tid, int32_t from_tid, uint32_t share)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    if (*thr_find(p, tid))
        return -LX_EEXIST;
    vfs_thr_t *t = calloc(1, sizeof(*t));
    if (!t)
        return -LX_ENOMEM;
    vfs_thr_view_t v;
    vfs_thread_enter(p, from_tid, &v);
    int r = vfs_share_or_copy(vfs, p, share, &t->files, &t->fs);
    vfs_thread_leave(p, &v);
    if (r < 0) {
        free(t);
        return r;
    }
    t->tid = tid;
    t->next = p->thr;
    p->thr = t;
    return 0;
}

/* Thread tid's record taken off its process (NULL: none), and the process in *pp. */
static vfs_thr_t *thr_take(vfs_t *vfs, int32_t pid, int32_t tid, vfs_proc_t **pp)
{
    vfs_proc_t *p = *pp = vfs_proc_find(vfs, pid);
    vfs_thr_t **link = p ? thr_find(p, tid) : NULL;
    vfs_thr_t *t = link ? *link : NULL;
    if (t)
        *link = t->next;
    return t;
}

void vfs_thread_exit(vfs_t *vfs, int32_t pid, int32_t tid)
{
    vfs_proc_t *p;
    vfs_thr_t *t = thr_take(vfs, pid, tid, &p);
    if (t)
        thr_free(t);
}

void vfs_thread_lead(vfs_t *vfs, int32_t pid, int32_t tid)
{
    vfs_proc_t *p;
    vfs_thr_t *t = thr_take(vfs, pid, tid, &p);
    if (!t)
        return;
    /* swap: the record leaves with what the process had, and the last user closes it */
    vfs_files_t *files = p->files;
    vfs_fs_t *fs = p->fs;
    p->files = t->files;
    p->fs = t->fs;
    t->files = files;
    t->fs = fs;
    thr_free(t);
}

void vfs_thread_free_all(vfs_proc_t *p)
{
    while (p->thr) {
        vfs_thr_t *t = p->thr;
        p->thr = t->next;
        thr_free(t);
    }
}

/* procmgr's exec of a path names the exec'ing thread: its cwd and root may be its own. */
int vfs_exec_open_thread(vfs_t *vfs, int32_t pid, int32_t tid, const char *path,
                         struct vfs_file **out, uint64_t *size)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    vfs_thr_view_t v;
    vfs_thread_enter(p, tid, &v);
    int r = vfs_exec_open(vfs, pid, path, out, size);
    vfs_thread_leave(p, &v);
    return r;
}

/* procmgr's mmap of a descriptor names the calling thread: its table may be its own. */
int vfs_mmap_open_thread(vfs_t *vfs, int32_t pid, int32_t tid, int32_t fd, bool shared,
                         bool write, struct vfs_map_info *mi, char *path, size_t size)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    vfs_thr_view_t v;
    vfs_thread_enter(p, tid, &v);
    int r = vfs_mmap_open(vfs, pid, fd, shared, write, mi, path, size);
    vfs_thread_leave(p, &v);
    return r;
}
