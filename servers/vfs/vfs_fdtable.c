/* Processes as vfs sees them: a descriptor table (vfs_fds.c), a cwd, a root (chroot), a umask
 * and the program it runs (/proc/<pid>/exe); and their lifecycle as told by procmgr (create as
 * a copy of the parent, exec, exit, a new RLIMIT_NOFILE), which also makes and removes
 * /proc/<pid>/.
 *
 * The descriptor table (vfs_files_t) and the cwd/root/umask (vfs_fs_t) are objects of their own,
 * counted: a process made with CLONE_FILES points at its parent's very table, so a descriptor
 * one opens is the other's too, and with CLONE_FS at its cwd, root and umask (the threads of a
 * process are one vfs process: they share both by construction). exec gives a process that
 * shares its table a copy of its own first (Linux's unshare_files), then closes the CLOEXEC
 * descriptors in it; the last process to let go of a table closes what is in it. A thread may
 * use a table or fs of its own instead (vfs_thread.c): fork from it copies the thread's.
 *
 * A process is found by pid in a 256-bucket hash and unlinked from it and from the list of all
 * processes in constant time, so neither costs more with more processes alive.
 *
 * Entry points: vfs_proc_find, vfs_proc_create, vfs_proc_clone, vfs_proc_set_fd_limit,
 * vfs_proc_set_ids, vfs_proc_exec, vfs_proc_exit, vfs_thread_cancel; vfs_share_or_copy,
 * vfs_fs_copy, vfs_fs_put (also for vfs_thread.c). */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

static vfs_proc_t **proc_bucket(vfs_t *vfs, int32_t pid)
{
    return &vfs->proc_hash[(uint32_t)pid & (VFS_PROC_BUCKETS - 1)];
}

/* On the list of all processes and in its bucket, both doubly linked: an exit unlinks it
 * without a walk. */
static void proc_link(vfs_t *vfs, vfs_proc_t *p)
{
    vfs_proc_t **b = proc_bucket(vfs, p->pid);
    p->next = vfs->procs;
    p->pprev = &vfs->procs;
    if (p->next)
        p->next->pprev = &p->next;
    vfs->procs = p;
    p->hnext = *b;
    p->hpprev = b;
    if (p->hnext)
        p->hnext->hpprev = &p->hnext;
    *b = p;
}

static void proc_unlink(vfs_proc_t *p)
{
    *p->pprev = p->next;
    if (p->next)
        p->next->pprev = p->pprev;
    *p->hpprev = p->hnext;
    if (p->hnext)
        p->hnext->hpprev = p->hpprev;
}

/* Every call starts here: a bucket of the pid hash (pids are dense, so a bucket holds one
 * process per 256 alive), not the list of all processes. */
vfs_proc_t *vfs_proc_find(vfs_t *vfs, int32_t pid)
{
    for (vfs_proc_t *p = *proc_bucket(vfs, pid); p; p = p->hnext)
        if (p->pid == pid)
            return p;
    return NULL;
}

void vfs_fs_put(vfs_fs_t *fs)
{
    if (--fs->refs > 0)
        return;
    vfs_node_put(fs->cwd);
    vfs_node_put(fs->root);
    free(fs);
}

/* A copy of from's cwd, root and umask, or the defaults ("/", 022) without one. */
vfs_fs_t *vfs_fs_copy(vfs_t *vfs, const vfs_fs_t *from)
{
    vfs_fs_t *fs = calloc(1, sizeof(*fs));
    if (!fs)
        return NULL;
    fs->refs = 1;
    fs->cwd = from ? from->cwd : vfs->root;
    fs->root = from ? from->root : vfs->root;
    fs->umask = from ? from->umask : VFS_DEFAULT_UMASK;
    vfs_node_get(fs->cwd);
    vfs_node_get(fs->root);
    return fs;
}

int vfs_share_or_copy(vfs_t *vfs, const vfs_proc_t *from, uint32_t share, vfs_files_t **files,
                      vfs_fs_t **fs)
{
    if (from && (share & VFS_SHARE_FILES)) {
        *files = from->files;
        (*files)->refs++;
    } else {
        *files = vfs_files_copy(from ? from->files : NULL);
    }
    if (from && (share & VFS_SHARE_FS)) {
        *fs = from->fs;
        (*fs)->refs++;
    } else {
        *fs = vfs_fs_copy(vfs, from ? from->fs : NULL);
    }
    if (*files && *fs)
        return 0;
    if (*files)
        vfs_files_put(*files);
    if (*fs)
        vfs_fs_put(*fs);
    return -LX_ENOMEM;
}

/* A new process record with the parent's table and fs (shared or copied), or new ones. */
static vfs_proc_t *proc_alloc(vfs_t *vfs, int32_t pid, vfs_proc_t *parent, uint32_t share)
{
    vfs_proc_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->pid = pid;
    p->fd_limit = VFS_FD_LIMIT;
    if (vfs_share_or_copy(vfs, parent, share, &p->files, &p->fs) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* The program a process runs: node (counted) and the path it was opened by (owned), or none. */
static void proc_set_exe(vfs_node_t **node, char **path, vfs_node_t *nn, char *np)
{
    if (*node)
        vfs_node_put(*node);
    free(*path);
    *node = nn;
    *path = np;
}

static void proc_free(vfs_proc_t *p)
{
    vfs_thread_free_all(p);
    vfs_files_put(p->files);
    vfs_fs_put(p->fs);
    proc_set_exe(&p->exe, &p->exe_path, NULL, NULL);
    proc_set_exe(&p->exec_node, &p->exec_path, NULL, NULL);
    free(p);
}

/* fds 0, 1, 2 on one read-write description of the console, as init's open+dup would leave
 * them. */
static int proc_attach_console(vfs_t *vfs, vfs_proc_t *p)
{
    vfs_lookup_t lk;
    int rc = vfs_walk(vfs, vfs->root, "/dev/console", VFS_WALK_FOLLOW, &lk);
    if (rc < 0)
        return rc;
    if (!lk.node)
        return -LX_ENOENT;
    vfs_file_t *f;
    rc = vfs_file_new(vfs, lk.node, LX_O_RDWR | LX_O_LARGEFILE, &f);
    if (rc < 0)
        return rc;
    for (int fd = 0; fd < 3 && rc >= 0; fd++) {
        vfs_file_get(f);
        rc = vfs_fd_install_at(p, fd, f, false);
        if (rc < 0)
            vfs_file_put(f);
    }
    vfs_file_put(f);
    return rc < 0 ? rc : 0;
}

int vfs_proc_create(vfs_t *vfs, int32_t pid, int32_t parent_pid)
{
    return vfs_proc_clone(vfs, pid, parent_pid, -1, 0);
}

int vfs_proc_clone(vfs_t *vfs, int32_t pid, int32_t parent_pid, int32_t parent_tid,
                   uint32_t share)
{
    if (vfs_proc_find(vfs, pid))
        return -LX_EEXIST;
    vfs_proc_t *parent = NULL;
    if (parent_pid >= 0) {
        parent = vfs_proc_find(vfs, parent_pid);
        if (!parent)
            return -LX_ESRCH;
    }
    int rc = vfs_procfs_add(vfs, pid);
    if (rc < 0)
        return rc;
    /* the calling thread's table and fs, which may be its own (Linux's fork copies the
     * caller's files_struct, not the group leader's) */
    vfs_thr_view_t v;
    if (parent)
        vfs_thread_enter(parent, parent_tid, &v);
    vfs_proc_t *p = proc_alloc(vfs, pid, parent, share);
    if (parent)
        vfs_thread_leave(parent, &v);
    if (!p) {
        vfs_procfs_remove(vfs, pid);
        return -LX_ENOMEM;
    }
    if (parent) {
        p->fd_limit = parent->fd_limit;
        /* a clone runs its parent's program until it execs (it shares the memory) */
        char *path = parent->exe_path ? vfs_strdup(parent->exe_path) : NULL;
        if (parent->exe && path) {
            vfs_node_get(parent->exe);
            proc_set_exe(&p->exe, &p->exe_path, parent->exe, path);
        } else {
            free(path);
        }
        p->pgid = parent->pgid;
        p->sid = parent->sid;
        p->ctty = parent->ctty;
    } else {
        /* init: its own session and group, the console opened as its terminal */
        p->pgid = p->sid = pid;
        rc = proc_attach_console(vfs, p);
        if (rc == 0)
            vfs_console_opened(vfs, p, 0);
    }
    if (rc < 0) {
        proc_free(p);
        vfs_procfs_remove(vfs, pid);
        return rc;
    }
    proc_link(vfs, p);
    vfs->procs_created++;
    vfs->last_pid = pid;
    return 0;
}

int vfs_proc_set_fd_limit(vfs_t *vfs, int32_t pid, uint64_t limit)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    if (limit > VFS_FD_LIMIT_MAX)
        return -LX_EPERM;
    /* descriptors already open above a lowered limit stay open, as on Linux */
    p->fd_limit = (int)limit;
    return 0;
}

void vfs_proc_exec_opened(vfs_proc_t *p, vfs_node_t *node, char *path)
{
    if (!p->exe || p->exe_first) {
        /* the first process starts without an exec commit (procmgr loads it directly): what
         * it opens last is its program (a #! script's interpreter after the script) */
        char *copy = vfs_strdup(path);
        if (copy) {
            vfs_node_get(node);
            proc_set_exe(&p->exe, &p->exe_path, node, copy);
            p->exe_first = true;
        }
    }
    vfs_node_get(node);
    proc_set_exe(&p->exec_node, &p->exec_path, node, path);
}

int vfs_proc_set_ids(vfs_t *vfs, int32_t pid, int32_t pgid, int32_t sid)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    if (sid != p->sid)
        vfs_console_proc_gone(vfs, p, false); /* setsid: the new session has no terminal */
    p->pgid = pgid;
    p->sid = sid;
    return 0;
}

int vfs_proc_exec(vfs_t *vfs, int32_t pid)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    /* the last file exec opened is the program (a #! script's interpreter, as on Linux) */
    if (p->exec_node) {
        proc_set_exe(&p->exe, &p->exe_path, p->exec_node, p->exec_path);
        p->exec_node = NULL;
        p->exec_path = NULL;
        p->exe_first = false;
    }
    /* exec leaves one thread, and procmgr made its table and fs the process's first
     * (vfs_thread_lead): records of other threads still here have no thread left */
    vfs_thread_free_all(p);
    /* a table shared with another process (CLONE_FILES): exec takes a copy of its own before
     * it closes anything, as Linux's unshare_files */
    if (vfs_files_unshare(p) < 0)
        return -LX_ENOMEM;
    vfs_files_close_cloexec(p);
    return 0;
}

void vfs_proc_exit(vfs_t *vfs, int32_t pid)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return;
    proc_unlink(p);
    vfs_console_proc_gone(vfs, p, true);
    /* its blocked calls go first (no reply: the kernel drops the caller), so the references
     * they hold do not keep a pipe end open */
    vfs_pending_cancel(vfs, p, -1);
    proc_free(p);
    vfs_procfs_remove(vfs, pid);
    vfs_pidfd_exited(vfs, pid);   /* its pidfds poll readable now */
}

int vfs_thread_cancel(vfs_t *vfs, int32_t tid)
{
    return vfs_pending_cancel(vfs, NULL, tid);
}
