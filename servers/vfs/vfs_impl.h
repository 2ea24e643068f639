/* vfs internals shared by the logic files (never by the glue): the node tree, open file
 * descriptions, process fd tables, deferred-call records, pipes, the console, user I/O vectors,
 * and the cross-file functions between them. See docs/vfs.md for the picture.
 *
 * Ownership rules used everywhere:
 *  - a node lives while it is linked in a directory (nlink > 0) or referenced (refs > 0):
 *    by a description, a process cwd, a child directory (its ".."), or a walk in progress;
 *  - a description lives while referenced: by fd slots, by pending calls, by exec;
 *  - a pending call owns one reference on its description and its copy of the I/O vector. */
#ifndef VFS_IMPL_H
#define VFS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lx/errno.h>
#include <lx/fs.h>
#include <lx/poll.h>
#include <lx/termios.h>
#include "vfs.h"

#define VFS_FD_LIMIT       1024          /* default per-process RLIMIT_NOFILE soft limit */
#define VFS_FD_LIMIT_MAX   (1 << 20)     /* Linux's fs.nr_open: no limit may exceed it */
#define VFS_FILES_MAX      65536         /* descriptions system-wide: ENFILE beyond */
#define VFS_FILE_SIZE_MAX  VFS_FILE_MAX_BYTES /* regular file size cap: EFBIG beyond */
#define VFS_PIPE_SIZE      65536
#define VFS_CON_RING       8192          /* console input kept for readers (>= 4 KiB promised) */
#define VFS_CON_LINE       4096          /* canonical line being edited, 4095 chars max */
#define VFS_SYMLOOP_MAX    40
#define VFS_MAX_RW         0x7ffff000ull /* Linux MAX_RW_COUNT: longer transfers are clamped */
#define VFS_STDEV          1             /* st_dev of every node (one file system) */
#define VFS_PROC_STDEV     0x16          /* ... but /proc's, a file system of its own (Linux 0:22) */
#define VFS_DEFAULT_UMASK  022

#define VFS_SIGINT  2
#define VFS_SIGQUIT 3
#define VFS_SIGPIPE 13

typedef struct vfs_node vfs_node_t;
typedef struct vfs_file vfs_file_t;
typedef struct vfs_proc vfs_proc_t;
typedef struct vfs_thr vfs_thr_t;
typedef struct vfs_thr_view vfs_thr_view_t;
typedef struct vfs_pending vfs_pending_t;
typedef struct vfs_pipe vfs_pipe_t;
typedef struct vfs_eventfd vfs_eventfd_t;
typedef struct vfs_timerfd vfs_timerfd_t;
typedef struct vfs_epoll vfs_epoll_t;
typedef struct vfs_epitem vfs_epitem_t;

/* ---- the timer queue (vfs_timer.c) ---- */

typedef struct vfs_timer vfs_timer_t;
typedef void (*vfs_timer_fn)(vfs_t *vfs, vfs_timer_t *t);
struct vfs_timer {             /* embedded in its owner */
    vfs_timer_t *next, *prev;  /* vfs->timers, by deadline */
    uint64_t deadline;         /* monotonic ns */
    vfs_timer_fn fn;
    bool queued;
};
/* Run fn(t) once the monotonic clock reaches deadline (restarts a queued timer). */
void vfs_timer_start(vfs_t *vfs, vfs_timer_t *t, uint64_t deadline, vfs_timer_fn fn);
void vfs_timer_stop(vfs_t *vfs, vfs_timer_t *t);   /* no-op if not queued */
uint64_t vfs_clock_mono(vfs_t *vfs);               /* ns since boot (env->clock_mono) */
uint64_t vfs_clock_real(vfs_t *vfs);               /* ns since the epoch (env->now) */

/* ---- readiness notifications (vfs_wait.c) ---- */

typedef struct vfs_waker vfs_waker_t;
typedef struct vfs_pollreg vfs_pollreg_t;
/* A waiter re-checks what it waits for; keys: the LX_POLL* events the wakes may have made true. */
typedef void (*vfs_wake_fn)(vfs_t *vfs, vfs_waker_t *w, uint32_t keys);
struct vfs_waker {             /* embedded in a poll call or an epoll item */
    vfs_wake_fn fn;
    vfs_waker_t *dirty_next;
    uint32_t keys;
    bool dirty;
};
typedef struct vfs_pollq {     /* one per object that can become ready */
    vfs_pollreg_t *head;
} vfs_pollq_t;
struct vfs_pollreg {           /* one waiter on one queue */
    vfs_pollreg_t *next, *prev;
    vfs_pollq_t *q;            /* NULL while not registered */
    vfs_waker_t *w;
};
void vfs_pollreg_add(vfs_pollreg_t *r, vfs_pollq_t *q, vfs_waker_t *w);
void vfs_pollreg_del(vfs_pollreg_t *r);            /* no-op if not registered */
/* The object behind q changed: every waiter on it runs (soon, never nested in another run). */
void vfs_pollq_wake(vfs_t *vfs, vfs_pollq_t *q, uint32_t keys);
void vfs_waker_forget(vfs_t *vfs, vfs_waker_t *w); /* before a waker is freed */
void vfs_wake_run(vfs_t *vfs);

/* ---- user I/O vectors (vfs_uio.c) ---- */

/* Where a read's bytes go / a write's bytes come from in a process's memory. Single buffers use
 * `one`; readv/writev copy the vector in (`many`). Movable by plain struct copy. */
typedef struct vfs_uio {
    int32_t pid;
    uint32_t iovcnt;
    struct lx_iovec one;
    struct lx_iovec *many;
    uint64_t total;
} vfs_uio_t;

void vfs_uio_single(vfs_uio_t *uio, int32_t pid, uint64_t uaddr, uint64_t len);
int vfs_uio_vector(vfs_t *vfs, vfs_uio_t *uio, int32_t pid, uint64_t uiov, uint64_t iovcnt);
/* Copy between the vector at byte offset off and server memory: bytes copied (a short count if
 * a later segment faults), or -LX_EFAULT if nothing could be copied. */
int64_t vfs_uio_copy_out(vfs_t *vfs, const vfs_uio_t *uio, uint64_t off, const void *src,
                         uint64_t len);
int64_t vfs_uio_copy_in(vfs_t *vfs, const vfs_uio_t *uio, uint64_t off, void *dst, uint64_t len);
/* n bytes of a ring buffer (size bytes, data starting at head, possibly wrapping) to the start
 * of the vector: bytes copied, or -LX_EFAULT if nothing could be */
int64_t vfs_uio_copy_out_ring(vfs_t *vfs, const vfs_uio_t *uio, const uint8_t *ring, uint64_t size,
                              uint64_t head, uint64_t n);
void vfs_uio_free(vfs_uio_t *uio);

/* ---- nodes and directories (vfs_node.c) ---- */

/* EVENTFD, TIMERFD, EPOLL: anonymous nodes (in no directory), as Linux's anon inodes */
enum vfs_kind { VFS_K_DIR, VFS_K_REG, VFS_K_LNK, VFS_K_DEV, VFS_K_PIPE, VFS_K_PROC,
                VFS_K_EVENTFD, VFS_K_TIMERFD, VFS_K_EPOLL, VFS_K_PIDFD };
/* NONE: a device node made by mknod whose numbers no driver here answers (open: ENXIO) */
enum vfs_dev { VFS_DEV_NULL, VFS_DEV_ZERO, VFS_DEV_FULL, VFS_DEV_CONSOLE, VFS_DEV_NONE };
/* generated files: file-nr's text is vfs's own, a /proc/<pid>/ file's procmgr's (vfs_procfs.c),
 * the machine-wide /proc files vfs_procinfo.c's */
enum vfs_procfile { VFS_PROC_FILE_NR, VFS_PROC_PID, VFS_PROC_KSTAT, VFS_PROC_MOUNTS,
                    VFS_PROC_MEMINFO, VFS_PROC_STAT, VFS_PROC_UPTIME, VFS_PROC_LOADAVG,
                    VFS_PROC_CPUINFO };
/* symlinks whose target vfs computes: /proc/self, /proc/<pid>/exe, /proc/<pid>/fd/<n> */
enum vfs_magic { VFS_LNK_TEXT, VFS_LNK_SELF, VFS_LNK_EXE, VFS_LNK_FD };

typedef struct vfs_dirent {
    char *name;
    vfs_node_t *node;
    uint64_t cookie;   /* getdents position: increasing in array order, never reused */
} vfs_dirent_t;

struct vfs_node {
    vfs_t *vfs;
    enum vfs_kind kind;
    uint64_t ino;
    uint32_t mode;     /* S_IFMT bits and permissions */
    uint32_t nlink;
    uint32_t uid, gid;
    uint64_t rdev;
    struct lx_timespec atime, mtime, ctime;
    uint32_t refs;
    /* part of /proc: no name can be added to, removed from or moved out of it by a syscall,
     * because vfs itself keeps /proc/<pid>/ in step with the processes */
    bool procfs;
    bool fifo;         /* a named pipe (mknod S_IFIFO): VFS_K_PIPE with a name, u.pipe while open */
    union {
        struct {
            vfs_dirent_t *ents;
            size_t n, cap;
            uint64_t next_cookie;
            vfs_node_t *parent;   /* counted reference, except the root's (itself) */
            int32_t fd_pid;       /* /proc/<pid>/fd: entries follow pid's fd table; else 0 */
            struct vfs_dirhash *hash;  /* vfs_dirhash.c's name index, NULL: scan the entries */
        } dir;
        struct {                  /* the page cache's (vfs_pcache.c) */
            uint64_t size;
            uint64_t pages;       /* page_up(size) / 4096: its object's pages, all allocated */
            int64_t mem;          /* its memory object (env handle), 0: none yet */
            uint8_t *win;         /* vfs's window on the object, NULL: not mapped now */
            const uint8_t *init;  /* the initrd's bytes, until a change or a mapping copies them */
            vfs_node_t *lru_prev, *lru_next;   /* files with a window, least recently used first */
            uint32_t writers;     /* descriptions open for writing (exec: ETXTBSY) */
            uint32_t exec_maps;   /* programs mapped from it (opening it for writing: ETXTBSY) */
        } reg;
        struct {
            char *target;         /* VFS_LNK_TEXT's; NULL for the others */
            enum vfs_magic magic;
            int32_t pid, fd;      /* EXE, FD: whose; FD: which descriptor */
        } lnk;
        enum vfs_dev dev;
        vfs_pipe_t *pipe;         /* NULL for a FIFO nobody has open */
        vfs_eventfd_t *efd;
        vfs_timerfd_t *tfd;
        vfs_epoll_t *ep;
        struct vfs_pidfd *pidfd;  /* VFS_K_PIDFD: vfs_pidfd.c's, NULL once its file is closed */
        struct {
            enum vfs_procfile file;
            int32_t pid;      /* VFS_PROC_PID: /proc/<pid>/ */
            uint32_t which;   /* VFS_PROC_PID: enum vfs_procfs_file (proto/pm_vfs.h) */
        } proc;
    } u;
};

/* getdents cookies of "." and ".."; entries start after them */
#define VFS_COOKIE_DOT    1
#define VFS_COOKIE_DOTDOT 2
#define VFS_COOKIE_FIRST  3

vfs_node_t *vfs_node_new(vfs_t *vfs, enum vfs_kind kind, uint32_t mode);
void vfs_node_get(vfs_node_t *n);
void vfs_node_put(vfs_node_t *n);
void vfs_node_free_tree(vfs_node_t *root);   /* vfs_destroy only */
void vfs_node_touch(vfs_node_t *n, bool modify); /* ctime (and mtime if modify) = now */

/* vfs_dirhash.c: a directory of VFS_DIRHASH_MIN entries or more is looked up by name hash */
#define VFS_DIRHASH_MIN 16
vfs_dirent_t *vfs_dirhash_find(const vfs_node_t *dir, const char *name, size_t len);
void vfs_dirhash_added(vfs_node_t *dir, const vfs_dirent_t *e);   /* e: just appended */
void vfs_dirhash_removed(vfs_node_t *dir, const vfs_dirent_t *e); /* e: still in place */
void vfs_dirhash_free(vfs_node_t *dir);
size_t vfs_dirhash_gone(const vfs_node_t *dir);   /* removed slots not yet reclaimed */
void vfs_node_stat(const vfs_node_t *n, struct lx_stat *st);
void vfs_stat_fill(const vfs_node_t *n, struct lx_stat *st);   /* the stat calls' answer */
uint8_t vfs_node_dtype(const vfs_node_t *n);
vfs_node_t *vfs_dir_lookup(const vfs_node_t *dir, const char *name, size_t len);
int vfs_dir_link(vfs_node_t *dir, const char *name, vfs_node_t *node);
void vfs_dir_unlink(vfs_node_t *dir, const char *name);
/* Create a node of kind/mode named name in dir (mode already umask-filtered). */
int vfs_dir_create(vfs_node_t *dir, const char *name, enum vfs_kind kind, uint32_t mode,
                   vfs_node_t **out);
bool vfs_dir_is_empty(const vfs_node_t *dir);
/* A symlink's target as readlink shows it: its text, or what a /proc link names for the caller
 * pid, made in buf (size bytes): /proc/self the decimal pid ("" without a caller, which resolves
 * to ENOENT as Linux's /proc/self does for a kernel thread), exe and fd/<n> a path or
 * "pipe:[ino]" (vfs_procfd.c). */
const char *vfs_lnk_target(vfs_t *vfs, const vfs_node_t *n, int32_t pid, char *buf, size_t size);
void vfs_now(vfs_t *vfs, struct lx_timespec *ts);
char *vfs_strdup(const char *s);   /* NULL when out of memory */

/* ---- regular files' bytes: the page cache (vfs_pcache.c) ---- */

void vfs_pcache_init(vfs_t *vfs);   /* the tmpfs size limit, from env->sysinfo */
/* n's bytes are the archive's [data, data+size) (which stays in place) until changed or mapped */
void vfs_reg_set_initrd(vfs_node_t *n, const uint8_t *data, uint64_t size);
int vfs_reg_set_bytes(vfs_node_t *n, const void *data, uint64_t size);   /* copied now */
/* truncate: 0, -EFBIG, -ENOSPC (the tmpfs limit or a full machine); pages past a smaller size
 * leave every mapping of the file */
int vfs_reg_resize(vfs_node_t *n, uint64_t size);
/* bytes moved between the file at off and a user vector: count, -EFAULT, -EFBIG, -ENOSPC (a
 * write stores what fits first), -EIO */
int64_t vfs_reg_read(vfs_t *vfs, vfs_node_t *n, vfs_uio_t *uio, uint64_t off);
int64_t vfs_reg_write(vfs_t *vfs, vfs_node_t *n, vfs_uio_t *uio, uint64_t off);
int64_t vfs_reg_pread(vfs_node_t *n, void *buf, uint64_t off, uint64_t len);   /* into vfs */
/* n's memory object, for a mapping (exec, mmap): made now if needed; -ENOMEM */
int vfs_reg_mem(vfs_node_t *n, int64_t *mem);
void vfs_reg_free(vfs_node_t *n);   /* the node goes: its window and handle (mappings stay) */

/* ---- path resolution (vfs_path.c) ---- */

enum vfs_last { VFS_LAST_NORM, VFS_LAST_DOT, VFS_LAST_DOTDOT, VFS_LAST_ROOT, VFS_LAST_EMPTY };

typedef struct vfs_lookup {
    vfs_node_t *parent;   /* directory holding the last component (NULL for VFS_LAST_EMPTY) */
    vfs_node_t *node;     /* what the last component names, NULL if it does not exist */
    char name[LX_NAME_MAX + 1];
    enum vfs_last last;
    bool slash;           /* the path ended in '/' */
} vfs_lookup_t;

#define VFS_WALK_FOLLOW 1u   /* follow a symlink in the last component */
#define VFS_WALK_EMPTY  2u   /* AT_EMPTY_PATH: "" names dirfd itself */
#define VFS_WALK_PARENT 4u   /* never follow the last component, even before a '/' (the
                              * calls that act on a name: unlink, rmdir, rename, mkdir, ...) */

int vfs_walk(vfs_t *vfs, vfs_node_t *start, const char *path, unsigned flags, vfs_lookup_t *lk);
/* The *at() front end: copy the path from the caller, pick the start (dirfd/cwd/root), walk. */
int vfs_walk_user(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, unsigned flags,
                  vfs_lookup_t *lk);
/* The same with a path already in server memory. */
int vfs_walk_at(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, const char *path, unsigned flags,
                vfs_lookup_t *lk);
/* The existing node a path names, or -ENOENT. */
int vfs_walk_node(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, unsigned flags,
                  vfs_node_t **out);
/* Check a lookup can create its last component: -EEXIST, -ENOENT (dead parent), ... */
int vfs_lookup_can_create(const vfs_lookup_t *lk);
/* The walk of a call that makes a name (mkdir, symlink, link, mknod): the parent and the
 * name, checked for creation. */
int vfs_walk_new(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, vfs_lookup_t *lk);
/* Point *slot (a process's cwd or root) at the directory path names: chdir, chroot. */
int vfs_proc_set_dir(vfs_t *vfs, vfs_proc_t *p, uint64_t upath, vfs_node_t **slot);
/* Absolute path of a directory into buf: length including NUL, -ERANGE or -ENOENT. Seen from
 * root (a process's root after chroot; NULL: the real one): a directory outside it is
 * "(unreachable)/..." as Linux's getcwd shows it. */
int64_t vfs_dir_path(const vfs_node_t *dir, const vfs_node_t *root, char *buf, size_t size);

/* ---- open file descriptions (vfs_file.c) ---- */

struct vfs_file {
    vfs_t *vfs;
    uint32_t refs;
    uint32_t flags;   /* access mode, O_APPEND, O_NONBLOCK, O_PATH, ... (F_GETFL) */
    int64_t pos;
    vfs_node_t *node;
    bool piped;       /* counted as a reader/writer of its node's pipe (released at the end) */
    uint64_t wseen;   /* a pipe's writer opens counted when this read end was opened (POLLHUP) */
    vfs_epitem_t *epitems;   /* epoll instances watching this description (not counted) */
};

int vfs_file_new(vfs_t *vfs, vfs_node_t *node, uint32_t flags, vfs_file_t **out);
void vfs_file_get(vfs_file_t *f);
bool vfs_file_readable(const vfs_file_t *f);
bool vfs_file_writable(const vfs_file_t *f);
/* Data transfer for every node kind; off < 0 means "at (and advancing) the file position".
 * May return VFS_SUSPEND (pipes, console), in which case uio was moved into a pending call. */
int64_t vfs_file_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                      int64_t off);
int64_t vfs_file_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                       int64_t off);
/* The LX_POLL* events f is ready for now, and in *q (if q) the queue whose wakes announce a
 * change (NULL: its readiness never changes: regular files, /dev/null, ...). vfs_poll.c */
uint32_t vfs_file_poll(vfs_t *vfs, vfs_file_t *f, vfs_pollq_t **q);

/* ---- devices and generated files (vfs_dev.c) ---- */

int vfs_dev_populate(vfs_t *vfs);
int64_t vfs_dev_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
int64_t vfs_dev_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
/* /proc/sys/fs/file-nr (text vfs makes itself) */
int64_t vfs_dev_proc_read(vfs_t *vfs, vfs_file_t *f, vfs_uio_t *uio, uint64_t off);
size_t vfs_fmt_u64(char *out, uint64_t v);   /* decimal digits, no NUL; at most 20 */

/* ---- /proc/self and /proc/<pid>/ (vfs_procfs.c) ---- */

int vfs_procfs_populate(vfs_t *vfs, vfs_node_t *proc);   /* /proc/self; marks the tree */
int vfs_procfs_add(vfs_t *vfs, int32_t pid);      /* /proc/<pid>/{stat,cmdline,comm} */
void vfs_procfs_remove(vfs_t *vfs, int32_t pid);
/* A read of a /proc/<pid>/ file: handed to procmgr through env->procfs_read with the caller's
 * token (VFS_SUSPEND), or answered at once (0 for an empty request, -ESRCH for a process that
 * is gone, or the hook's error). off is where the read starts; at_pos: advance f's position by
 * what procmgr reports in vfs_procfs_done. */
int64_t vfs_procfs_delegate(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f,
                            const vfs_uio_t *uio, uint64_t off, bool at_pos);
void vfs_procfs_destroy(vfs_t *vfs);              /* forget reads still with procmgr */

/* ---- processes (vfs_fdtable.c) and their descriptor tables (vfs_fds.c) ---- */

typedef struct vfs_fd {
    vfs_file_t *file;
    bool cloexec;
} vfs_fd_t;

/* A descriptor table: one per process, or one shared by the processes of CLONE_FILES. What a
 * copy (clone), a sweep (exec's CLOEXEC, the last user's exit) or a search (lowest free fd)
 * costs follows the descriptors open, never the most the table once held (vfs_fds.c). */
typedef struct vfs_files {
    uint32_t refs;     /* processes using it */
    vfs_fd_t *fds;
    uint64_t *used;    /* a bit per slot, set while it holds a description */
    int nfds;          /* slots allocated: doubles as needed, shrinks when the open ones sit low */
    int top;           /* the highest open fd + 1 (0: none open) */
    int peak;          /* the most slots it ever had: Linux's table size (it never shrinks) */
} vfs_files_t;

/* Where paths start and what masks creation: one per process, or shared (CLONE_FS). */
typedef struct vfs_fs {
    uint32_t refs;
    vfs_node_t *cwd;   /* counted */
    vfs_node_t *root;  /* counted: "/" for these processes (chroot) */
    uint32_t umask;
} vfs_fs_t;

#define VFS_PROC_BUCKETS 256 /* a power of two: pids are spread by their low bits */

struct vfs_proc {
    vfs_proc_t *next, **pprev;     /* on vfs->procs */
    vfs_proc_t *hnext, **hpprev;   /* in its bucket of vfs->proc_hash */
    int32_t pid;
    vfs_files_t *files;   /* counted: its descriptors (fds, nfds) */
    vfs_fs_t *fs;         /* counted: its cwd, root, umask */
    int fd_limit;      /* RLIMIT_NOFILE's soft limit: fds must be below it (per process) */
    /* /proc/<pid>/exe: the program exec committed (counted) and its path when it was opened;
     * exec_* is the latest vfs_exec_open, which becomes exe at vfs_proc_exec */
    vfs_node_t *exe, *exec_node;
    char *exe_path, *exec_path;
    bool exe_first;    /* exe is the first process's, set at each open until an exec commits */
    int32_t pgid, sid; /* procmgr's, for the terminal's job control */
    bool ctty;         /* the console is its controlling terminal */
    vfs_pending_t *pending;   /* its blocked calls, cancelled at its exit (vfs_pending.c) */
    vfs_thr_t *thr;    /* threads with a table or fs of their own (vfs_thread.c); usually none */
    vfs_thr_view_t *view;   /* whose table and fs are swapped in now (NULL: its own) */
};

/* A thread that does not use its process's table or cwd/root/umask (CLONE_THREAD without
 * CLONE_FILES or CLONE_FS, or made by such a thread): what it uses instead. The process's own
 * (vfs_proc_t.files, .fs) are the first thread's and those of every thread without a record. */
struct vfs_thr {
    vfs_thr_t *next;      /* on its process's thr list */
    int32_t tid;
    vfs_files_t *files;   /* counted (may be another thread's, or the process's) */
    vfs_fs_t *fs;         /* counted */
};
/* While a thread's call runs, p->files and p->fs are the thread's: enter swaps them in (no-op
 * for a thread without a record), leave swaps them back and keeps what the call made of them
 * (close_range's CLOSE_RANGE_UNSHARE gives the thread a table of its own). They nest: a call of
 * one thread may complete another's (a FIFO open), whose view is entered inside. */
struct vfs_thr_view {
    vfs_thr_t *t;            /* NULL: the process's own are in force */
    vfs_files_t *files;      /* the process's own, while t's are swapped in */
    vfs_fs_t *fs;
    vfs_thr_view_t *outer;   /* the view this one interrupted */
};
void vfs_thread_enter(vfs_proc_t *p, int32_t tid, vfs_thr_view_t *v);
void vfs_thread_leave(vfs_proc_t *p, vfs_thr_view_t *v);
void vfs_thread_free_all(vfs_proc_t *p);   /* the process exits: every record goes */
void vfs_fs_put(vfs_fs_t *fs);
vfs_fs_t *vfs_fs_copy(vfs_t *vfs, const vfs_fs_t *from);   /* from NULL: "/" and 022 */
/* from's table and fs for a new process or thread: from's own for the VFS_SHARE_* bits in share
 * (counted), copies otherwise (from NULL: empty, "/"); 0 or -ENOMEM with nothing held. */
int vfs_share_or_copy(vfs_t *vfs, const vfs_proc_t *from, uint32_t share, vfs_files_t **files,
                      vfs_fs_t **fs);

vfs_proc_t *vfs_proc_find(vfs_t *vfs, int32_t pid);
/* ---- pidfds (vfs_pidfd.c) ---- */
void vfs_pidfd_exited(vfs_t *vfs, int32_t pid);     /* every pidfd of pid polls readable */
uint32_t vfs_pidfd_poll(const vfs_node_t *n);
vfs_pollq_t *vfs_pidfd_pollq(vfs_node_t *n);
void vfs_pidfd_release(vfs_t *vfs, vfs_node_t *n);  /* its description is closed */
/* The description behind fd with a new reference, or NULL (EBADF). */
vfs_file_t *vfs_fd_get(vfs_proc_t *p, int32_t fd);
/* Lowest free fd >= minfd; consumes the caller's reference on success. -EMFILE. */
int vfs_fd_install(vfs_proc_t *p, vfs_file_t *f, int minfd, bool cloexec);
/* Put f in slot fd, closing what was there; consumes the reference on success. */
int vfs_fd_install_at(vfs_proc_t *p, int fd, vfs_file_t *f, bool cloexec);
int vfs_fd_close(vfs_proc_t *p, int32_t fd);
/* exec opened node by path (owned by p from now): /proc/<pid>/exe once exec commits */
void vfs_proc_exec_opened(vfs_proc_t *p, vfs_node_t *node, char *path);
vfs_fd_t *vfs_fd_slot(vfs_proc_t *p, int32_t fd);   /* the open slot or NULL */
bool vfs_fd_table_full(const vfs_proc_t *p);        /* every fd below RLIMIT_NOFILE is open */
/* The lowest open fd >= fd in t, or -1: for (fd = vfs_fd_next(t, 0); fd >= 0;
 * fd = vfs_fd_next(t, fd + 1)) visits the open ones, even if the body closes some. */
int vfs_fd_next(const vfs_files_t *t, int fd);
vfs_files_t *vfs_files_copy(const vfs_files_t *from);   /* counted once; from NULL: empty */
void vfs_files_put(vfs_files_t *t);   /* the last user closes every descriptor */
void vfs_files_close_cloexec(vfs_proc_t *p);   /* exec: the FD_CLOEXEC ones */
int vfs_files_unshare(vfs_proc_t *p);   /* a shared table becomes p's own copy; -ENOMEM */

/* ---- deferred calls (vfs_pending.c) ---- */

typedef struct vfs_waitq {
    vfs_pending_t *head, *tail;
} vfs_waitq_t;

/* how a record ends: answered, dropped (its caller died), withdrawn (a signal interrupts it) */
enum vfs_pc_end { VFS_PC_REPLIED, VFS_PC_DROPPED, VFS_PC_WITHDRAWN };
typedef struct vfs_pending_ops {
    /* the record is off every list and its token used: undo the kind's registrations, free
     * ext (the record itself and its file and uio are freed after) */
    void (*release)(vfs_t *vfs, vfs_pending_t *pc, enum vfs_pc_end how);
} vfs_pending_ops_t;

struct vfs_pending {
    vfs_pending_t *all_next, *all_prev;   /* every pending call (a thread's withdrawal) */
    vfs_pending_t *p_next, *p_prev;       /* its process's, for cancellation at exit */
    vfs_proc_t *proc;    /* the caller (NULL: none known); the record goes before it does */
    vfs_pending_t *q_next, *q_prev;       /* the wait queue it sleeps on (FIFO) */
    vfs_waitq_t *q;      /* NULL: a kind that waits on several things (ops, ext) */
    vfs_token_t token;
    int32_t pid, tid;
    uint64_t nr;         /* the syscall */
    vfs_file_t *file;    /* counted (or NULL) */
    vfs_uio_t uio;       /* owned */
    uint64_t done;       /* bytes already transferred (a big pipe write across deferrals) */
    uint64_t arg;        /* a kind's own word: an eventfd write's value, a FIFO open's flags */
    const vfs_pending_ops_t *ops;   /* NULL for a plain read or write on q */
    void *ext;
};

/* Defer req: keeps the token, takes a reference on f, moves *uio. -ENOMEM or 0. */
int vfs_pending_add(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                    uint64_t done, vfs_waitq_t *q);
/* The general form: f, uio and q may be NULL; ops/ext for kinds with their own state. */
vfs_pending_t *vfs_pending_add_ext(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f,
                                   vfs_uio_t *uio, vfs_waitq_t *q, const vfs_pending_ops_t *ops,
                                   void *ext);
/* Answer and forget a pending call. May re-enter pipe/console code through the reference it
 * drops, so callers re-read queue heads after each call. */
void vfs_pending_finish(vfs_t *vfs, vfs_pending_t *pc, int64_t value);
void vfs_pending_drop(vfs_t *vfs, vfs_pending_t *pc);   /* forget without replying */
/* Drop the calls of process p (tid < 0) or of thread tid; returns how many. */
int vfs_pending_cancel(vfs_t *vfs, vfs_proc_t *p, int32_t tid);

/* ---- pipes (vfs_pipe.c) ---- */

struct vfs_pipe {
    uint8_t *buf;
    size_t head, count;
    uint32_t readers, writers;   /* open descriptions of each end */
    uint32_t files;              /* open descriptions of a FIFO (its pipe goes with the last) */
    uint64_t r_counter, w_counter;   /* reader / writer opens ever (Linux's, for FIFOs) */
    vfs_waitq_t rq, wq;          /* pending readers / writers, FIFO */
    vfs_waitq_t openq;           /* FIFO opens waiting for the other end */
    vfs_pollq_t pollq;
    uint32_t wkeys;              /* events this call may have made true, announced at its end */
};

int vfs_pipe_open(vfs_t *vfs, uint32_t flags, vfs_file_t **rd, vfs_file_t **wr);
vfs_pipe_t *vfs_pipe_new(void);
uint32_t vfs_pipe_poll(const vfs_file_t *f);
int64_t vfs_pipe_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
int64_t vfs_pipe_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
void vfs_pipe_release(vfs_t *vfs, vfs_pipe_t *pipe, bool reader, bool writer);
void vfs_pipe_kick(vfs_t *vfs, vfs_pipe_t *pipe);   /* re-serve waiters (after a cancel) */
uint64_t vfs_pipe_nread(const vfs_pipe_t *pipe);
void vfs_pipe_free(vfs_pipe_t *pipe);

/* ---- console line discipline (vfs_console.c) ---- */

typedef struct vfs_console {
    struct lx_termios tio;
    struct lx_winsize ws;
    int32_t sid;                 /* the session it is the controlling terminal of, 0 = none */
    int32_t pgrp;                /* its foreground process group, 0 = none */
    uint8_t ring[VFS_CON_RING];  /* input ready for readers */
    uint8_t rflag[VFS_CON_RING]; /* VFS_CON_EOL / VFS_CON_EOF per ring byte */
    size_t rhead, rcount;
    size_t rlines;               /* complete lines (and EOF marks) in the ring */
    char line[VFS_CON_LINE];     /* canonical line being edited */
    size_t linelen;
    vfs_waitq_t readers;
} vfs_console_t;

void vfs_console_init(vfs_console_t *con);
int64_t vfs_console_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
int64_t vfs_console_write(vfs_t *vfs, const vfs_req_t *req, vfs_uio_t *uio);
int64_t vfs_console_ioctl(vfs_t *vfs, const vfs_req_t *req, uint64_t cmd, uint64_t arg);
/* p opened the console (a first process: at creation): a session leader without a controlling
 * terminal acquires it, unless O_NOCTTY */
void vfs_console_opened(vfs_t *vfs, vfs_proc_t *p, uint32_t flags);
/* p leaves its session or exits: the session leader's exit hangs the terminal up */
void vfs_console_proc_gone(vfs_t *vfs, vfs_proc_t *p, bool exiting);
/* the facts /proc/<pid>/stat and status show of p's terminal */
void vfs_console_facts(const vfs_t *vfs, const vfs_proc_t *p, struct vfs_proc_facts *f);
uint32_t vfs_console_poll(vfs_t *vfs);   /* LX_POLL* readiness; changes wake vfs->con_pollq */

/* ---- FIFOs (vfs_fifo.c): open of a pipe node with Linux's blocking rules ---- */

/* f is a new description of a pipe node; fd-install it (cloexec) now or when the other end
 * opens: the fd, -errno, or VFS_SUSPEND. Consumes the caller's reference on f. */
int64_t vfs_fifo_open(vfs_t *vfs, const vfs_req_t *req, vfs_proc_t *p, vfs_file_t *f,
                      bool cloexec);
void vfs_fifo_release(vfs_node_t *node);   /* a description of it went (vfs_file_put) */

/* ---- eventfd, timerfd, epoll (vfs_eventfd.c, vfs_timerfd.c, vfs_epoll.c) ---- */

int64_t vfs_eventfd_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
int64_t vfs_eventfd_write(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
uint32_t vfs_eventfd_poll(vfs_eventfd_t *e);
vfs_pollq_t *vfs_eventfd_pollq(vfs_eventfd_t *e);
vfs_pollq_t *vfs_timerfd_pollq(vfs_timerfd_t *t);
vfs_pollq_t *vfs_epoll_pollq(vfs_epoll_t *ep);
void vfs_eventfd_free(vfs_eventfd_t *e);
int64_t vfs_timerfd_read(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio);
uint32_t vfs_timerfd_poll(vfs_t *vfs, vfs_timerfd_t *t);
void vfs_timerfd_free(vfs_t *vfs, vfs_timerfd_t *t);
uint32_t vfs_epoll_poll(vfs_t *vfs, vfs_epoll_t *ep);
/* epoll_wait's answer: up to max ready events to uevents; the count, 0, or -EFAULT. */
int64_t vfs_epoll_collect(vfs_t *vfs, vfs_epoll_t *ep, int32_t pid, uint64_t uevents,
                          int32_t max);
/* Wait (vfs_poll.c) until epf, an epoll instance, has events (span ns; UINT64_MAX: forever). */
int64_t vfs_poll_epoll_wait(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *epf, uint64_t uevents,
                            int32_t maxevents, uint64_t span);
/* A timespec timeout from the caller: *span ns (UINT64_MAX if uts is NULL); -EFAULT, -EINVAL. */
int64_t vfs_poll_timespec(vfs_t *vfs, int32_t pid, uint64_t uts, uint64_t *span);
void vfs_epoll_free(vfs_t *vfs, vfs_epoll_t *ep);
/* the description is going: every epoll instance forgets it (Linux's eventpoll_release) */
void vfs_epoll_file_gone(vfs_t *vfs, vfs_file_t *f);
vfs_pollq_t *vfs_node_pollq(vfs_t *vfs, vfs_node_t *n);   /* vfs_poll.c */

/* ---- /proc beyond the per-pid files (vfs_procinfo.c, vfs_procfd.c) ---- */

int vfs_procinfo_populate(vfs_t *vfs, vfs_node_t *proc);  /* mounts, meminfo, stat, ... */
/* The text of a machine-wide /proc file into buf (at most size bytes): its length. */
size_t vfs_procinfo_text(vfs_t *vfs, enum vfs_procfile file, char *buf, size_t size);
int vfs_procfd_add(vfs_t *vfs, vfs_node_t *piddir, int32_t pid);   /* exe, fd/, mounts */
/* /proc/<pid>/fd is listed or looked up: make its entries those of pid's fd table now. */
void vfs_procfd_sync(vfs_t *vfs, vfs_node_t *dir);
/* Where a /proc magic link (exe, fd/<n>) leads for the walk: the node itself, or NULL. */
vfs_node_t *vfs_procfd_follow(vfs_t *vfs, const vfs_node_t *lnk);
/* readlink's text of an exe or fd/<n> link (a path, "pipe:[ino]", "anon_inode:[eventfd]"...)
 * into buf: its length (< size; the caller adds the NUL). */
size_t vfs_procfd_describe(vfs_t *vfs, const vfs_node_t *lnk, char *buf, size_t size);
/* A path for the file node n (a name found in the tree, " (deleted)" if it has none any more),
 * "pipe:[ino]", "anon_inode:[eventfd]"...: its length (< size; the caller adds the NUL). */
size_t vfs_file_describe(vfs_t *vfs, const vfs_node_t *n, char *buf, size_t size);
void vfs_exec_denials_free(vfs_t *vfs);   /* vfs_map.c: vfs goes, every program with it */

/* ---- the server state ---- */

typedef struct vfs_procfs_op vfs_procfs_op_t;

struct vfs {
    struct vfs_env env;
    vfs_node_t *root;
    vfs_node_t *walk_root;       /* the root of the walk in progress (a chroot); NULL: root */
    vfs_timer_t *timers;         /* sorted by deadline (vfs_timer.c) */
    uint64_t timer_armed;        /* deadline handed to env->timer_arm, 0: none */
    bool timer_busy;             /* vfs_timer_fired is running the due timers */
    vfs_waker_t *dirty_head, *dirty_tail;   /* woken waiters to run (vfs_wait.c) */
    bool waking;                 /* vfs_wake_run is running them */
    vfs_pollq_t con_pollq;       /* the console's readiness */
    uint64_t procs_created;      /* vfs_proc_create calls: /proc/stat's processes */
    int32_t last_pid;            /* /proc/loadavg's last field */
    struct {                     /* the page cache (vfs_pcache.c) */
        vfs_node_t **denials;    /* vfs_map.c: running programs' files (counted), by id - 1 */
        size_t ndenials;
        vfs_node_t *lru_head, *lru_tail;   /* files with a window, least recently used first */
        uint32_t windows;
        uint64_t pages;          /* pages regular files hold: tmpfs's used blocks, meminfo's Shmem */
        uint64_t limit;          /* tmpfs's size limit, pages (half of RAM) */
    } pc;
    struct {                     /* syslog(2): kernel log positions and console level */
        uint64_t seen, clear;    /* READ stopped here; CLEAR was here */
        int32_t level, saved;    /* CONSOLE_LEVEL; CONSOLE_OFF's saved level (0: none) */
    } klog;
    vfs_node_t *proc;            /* /proc (kept in place: procfs) */
    vfs_procfs_op_t *procfs_ops; /* reads handed to procmgr, until vfs_procfs_done */
    uint64_t procfs_next_id;
    int32_t walk_pid;            /* whose /proc/self the walk in progress resolves (0: none) */
    vfs_proc_t *procs;
    /* procs by pid, so that finding a message's process costs the same however many live */
    vfs_proc_t *proc_hash[VFS_PROC_BUCKETS];
    struct vfs_pidfd *pidfds;    /* every open pidfd (vfs_pidfd.c) */
    vfs_pending_t *pending;      /* all deferred calls */
    vfs_console_t con;
    uint64_t next_ino;
    uint64_t nfiles;             /* open descriptions */
    char path[LX_PATH_MAX];      /* scratch: a path copied in from a caller */
    char path2[LX_PATH_MAX];     /* scratch: the second path of rename/symlink/link */
    char walk[LX_PATH_MAX];      /* scratch: the walk's working copy (symlinks spliced in) */
};

/* ---- syscall handlers (vfs_sys_*.c), dispatched by vfs_syscall.c ---- */

typedef int64_t (*vfs_sys_fn)(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req);

#define VFS_SYS_DECL(name) int64_t vfs_sys_##name(vfs_t *vfs, vfs_proc_t *p, const vfs_req_t *req)
/* vfs_sys_rw.c */
VFS_SYS_DECL(read);
VFS_SYS_DECL(write);
VFS_SYS_DECL(readv);
VFS_SYS_DECL(writev);
VFS_SYS_DECL(pread64);
VFS_SYS_DECL(pwrite64);
VFS_SYS_DECL(preadv);
VFS_SYS_DECL(pwritev);
VFS_SYS_DECL(lseek);
VFS_SYS_DECL(getdents64);
/* vfs_sys_fd.c */
VFS_SYS_DECL(close);
VFS_SYS_DECL(close_range);   /* vfs_fds.c */
VFS_SYS_DECL(dup);
VFS_SYS_DECL(dup2);
VFS_SYS_DECL(dup3);
VFS_SYS_DECL(fcntl);
VFS_SYS_DECL(ioctl);
VFS_SYS_DECL(pipe);
VFS_SYS_DECL(pipe2);
VFS_SYS_DECL(fsync);
VFS_SYS_DECL(sync);
VFS_SYS_DECL(ftruncate);
VFS_SYS_DECL(fchmod);
VFS_SYS_DECL(fchown);
VFS_SYS_DECL(fchdir);
VFS_SYS_DECL(fstat);
/* vfs_poll.c */
VFS_SYS_DECL(poll);
VFS_SYS_DECL(ppoll);
VFS_SYS_DECL(select);
VFS_SYS_DECL(pselect6);
/* vfs_epoll.c */
VFS_SYS_DECL(epoll_create);
VFS_SYS_DECL(epoll_create1);
VFS_SYS_DECL(epoll_ctl);
VFS_SYS_DECL(epoll_wait);
VFS_SYS_DECL(epoll_pwait);
VFS_SYS_DECL(epoll_pwait2);
/* vfs_eventfd.c, vfs_timerfd.c */
VFS_SYS_DECL(eventfd);
VFS_SYS_DECL(eventfd2);
VFS_SYS_DECL(timerfd_create);
VFS_SYS_DECL(timerfd_settime);
VFS_SYS_DECL(timerfd_gettime);
/* vfs_fifo.c */
VFS_SYS_DECL(mknod);
VFS_SYS_DECL(mknodat);
/* vfs_sys_fs.c */
VFS_SYS_DECL(chroot);
VFS_SYS_DECL(statfs);
VFS_SYS_DECL(fstatfs);
/* vfs_syslog.c */
VFS_SYS_DECL(syslog);
/* vfs_sys_open.c */
VFS_SYS_DECL(open);
VFS_SYS_DECL(openat);
VFS_SYS_DECL(creat);
/* vfs_sys_stat.c */
VFS_SYS_DECL(stat);
VFS_SYS_DECL(lstat);
VFS_SYS_DECL(newfstatat);
VFS_SYS_DECL(statx);
VFS_SYS_DECL(access);
VFS_SYS_DECL(faccessat);
VFS_SYS_DECL(faccessat2);
VFS_SYS_DECL(readlink);
VFS_SYS_DECL(readlinkat);
VFS_SYS_DECL(getcwd);
VFS_SYS_DECL(chdir);
VFS_SYS_DECL(umask);
/* vfs_sys_path.c */
VFS_SYS_DECL(mkdir);
VFS_SYS_DECL(mkdirat);
VFS_SYS_DECL(rmdir);
VFS_SYS_DECL(unlink);
VFS_SYS_DECL(unlinkat);
VFS_SYS_DECL(symlink);
VFS_SYS_DECL(symlinkat);
VFS_SYS_DECL(link);
VFS_SYS_DECL(linkat);
VFS_SYS_DECL(rename);
VFS_SYS_DECL(renameat);
VFS_SYS_DECL(renameat2);
/* vfs_sys_attr.c */
VFS_SYS_DECL(chmod);
VFS_SYS_DECL(fchmodat);
VFS_SYS_DECL(chown);
VFS_SYS_DECL(lchown);
VFS_SYS_DECL(fchownat);
VFS_SYS_DECL(truncate);
VFS_SYS_DECL(utimensat);

/* Shared by handlers: fd arguments are C ints in the ABI. */
static inline int32_t vfs_arg_fd(uint64_t a)
{
    return (int32_t)(uint32_t)a;
}

/* A new anonymous object (eventfd, timerfd, epoll) on a new fd: 0600, in no directory. The
 * node's state is set by init(node, arg) before the fd exists; -errno leaves nothing behind. */
int64_t vfs_anon_fd(vfs_t *vfs, vfs_proc_t *p, enum vfs_kind kind, uint32_t flags,
                    bool cloexec, int (*init)(vfs_t *, vfs_node_t *, void *), void *arg);

/* Checked user copies, -EFAULT on failure (the env's, by pid). */
static inline int vfs_copy_in(vfs_t *vfs, int32_t pid, void *dst, uint64_t uaddr, size_t len)
{
    return vfs->env.copy_in(vfs->env.ctx, pid, dst, uaddr, len) < 0 ? -LX_EFAULT : 0;
}
static inline int vfs_copy_out(vfs_t *vfs, int32_t pid, uint64_t uaddr, const void *src,
                               size_t len)
{
    return vfs->env.copy_out(vfs->env.ctx, pid, uaddr, src, len) < 0 ? -LX_EFAULT : 0;
}

#endif
