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
#include <lx/termios.h>
#include "vfs.h"

#define VFS_FD_LIMIT       1024          /* default per-process RLIMIT_NOFILE soft limit */
#define VFS_FD_LIMIT_MAX   (1 << 20)     /* Linux's fs.nr_open: no limit may exceed it */
#define VFS_FILES_MAX      65536         /* descriptions system-wide: ENFILE beyond */
#define VFS_FILE_SIZE_MAX  (256ull << 20) /* regular file size cap: EFBIG beyond */
#define VFS_PIPE_SIZE      65536
#define VFS_CON_RING       8192          /* console input kept for readers (>= 4 KiB promised) */
#define VFS_CON_LINE       4096          /* canonical line being edited, 4095 chars max */
#define VFS_SYMLOOP_MAX    40
#define VFS_MAX_RW         0x7ffff000ull /* Linux MAX_RW_COUNT: longer transfers are clamped */
#define VFS_STDEV          1             /* st_dev of every node (one file system) */
#define VFS_DEFAULT_UMASK  022

#define VFS_SIGINT  2
#define VFS_SIGQUIT 3
#define VFS_SIGPIPE 13

typedef struct vfs_node vfs_node_t;
typedef struct vfs_file vfs_file_t;
typedef struct vfs_proc vfs_proc_t;
typedef struct vfs_pending vfs_pending_t;
typedef struct vfs_pipe vfs_pipe_t;

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

enum vfs_kind { VFS_K_DIR, VFS_K_REG, VFS_K_LNK, VFS_K_DEV, VFS_K_PIPE, VFS_K_PROC };
enum vfs_dev { VFS_DEV_NULL, VFS_DEV_ZERO, VFS_DEV_FULL, VFS_DEV_CONSOLE };
/* generated files: file-nr's text is vfs's own, a /proc/<pid>/ file's procmgr's (vfs_procfs.c) */
enum vfs_procfile { VFS_PROC_FILE_NR, VFS_PROC_PID, VFS_PROC_KSTAT };

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
    union {
        struct {
            vfs_dirent_t *ents;
            size_t n, cap;
            uint64_t next_cookie;
            vfs_node_t *parent;   /* counted reference, except the root's (itself) */
        } dir;
        struct {
            uint8_t *data;
            uint64_t size, cap;
        } reg;
        struct {
            char *target;   /* NULL: /proc/self, whose target is the caller's pid */
        } lnk;
        enum vfs_dev dev;
        vfs_pipe_t *pipe;
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
void vfs_node_stat(const vfs_node_t *n, struct lx_stat *st);
uint8_t vfs_node_dtype(const vfs_node_t *n);
vfs_node_t *vfs_dir_lookup(const vfs_node_t *dir, const char *name, size_t len);
int vfs_dir_link(vfs_node_t *dir, const char *name, vfs_node_t *node);
void vfs_dir_unlink(vfs_node_t *dir, const char *name);
/* Create a node of kind/mode named name in dir (mode already umask-filtered). */
int vfs_dir_create(vfs_node_t *dir, const char *name, enum vfs_kind kind, uint32_t mode,
                   vfs_node_t **out);
bool vfs_dir_is_empty(const vfs_node_t *dir);
int vfs_reg_resize(vfs_node_t *n, uint64_t size);
/* A symlink's target: its text, or for /proc/self the decimal pid into buf ("" without a
 * caller, which resolves to ENOENT as Linux's /proc/self does for a kernel thread). */
const char *vfs_lnk_target(const vfs_node_t *n, int32_t pid, char buf[16]);
int vfs_reg_reserve(vfs_node_t *n, uint64_t cap);
void vfs_now(vfs_t *vfs, struct lx_timespec *ts);

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
/* Absolute path of a directory into buf: length including NUL, -ERANGE or -ENOENT. */
int64_t vfs_dir_path(const vfs_node_t *dir, char *buf, size_t size);

/* ---- open file descriptions (vfs_file.c) ---- */

struct vfs_file {
    vfs_t *vfs;
    uint32_t refs;
    uint32_t flags;   /* access mode, O_APPEND, O_NONBLOCK, O_PATH, ... (F_GETFL) */
    int64_t pos;
    vfs_node_t *node;
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

/* ---- processes and fd tables (vfs_fdtable.c) ---- */

typedef struct vfs_fd {
    vfs_file_t *file;
    bool cloexec;
} vfs_fd_t;

struct vfs_proc {
    vfs_proc_t *next;
    int32_t pid;
    vfs_fd_t *fds;
    int nfds;          /* slots allocated, grows as needed */
    int fd_limit;      /* RLIMIT_NOFILE's soft limit: fds must be below it */
    vfs_node_t *cwd;   /* counted */
    uint32_t umask;
    int32_t pgid, sid; /* procmgr's, for the terminal's job control */
    bool ctty;         /* the console is its controlling terminal */
};

vfs_proc_t *vfs_proc_find(vfs_t *vfs, int32_t pid);
/* The description behind fd with a new reference, or NULL (EBADF). */
vfs_file_t *vfs_fd_get(vfs_proc_t *p, int32_t fd);
/* Lowest free fd >= minfd; consumes the caller's reference on success. -EMFILE. */
int vfs_fd_install(vfs_proc_t *p, vfs_file_t *f, int minfd, bool cloexec);
/* Put f in slot fd, closing what was there; consumes the reference on success. */
int vfs_fd_install_at(vfs_proc_t *p, int fd, vfs_file_t *f, bool cloexec);
int vfs_fd_close(vfs_proc_t *p, int32_t fd);
vfs_fd_t *vfs_fd_slot(vfs_proc_t *p, int32_t fd);   /* the open slot or NULL */

/* ---- deferred calls (vfs_pending.c) ---- */

typedef struct vfs_waitq {
    vfs_pending_t *head, *tail;
} vfs_waitq_t;

struct vfs_pending {
    vfs_pending_t *all_next, *all_prev;   /* every pending call, for cancellation */
    vfs_pending_t *q_next, *q_prev;       /* the wait queue it sleeps on (FIFO) */
    vfs_waitq_t *q;
    vfs_token_t token;
    int32_t pid, tid;
    vfs_file_t *file;    /* counted */
    vfs_uio_t uio;       /* owned */
    uint64_t done;       /* bytes already transferred (a big pipe write across deferrals) */
};

/* Defer req: keeps the token, takes a reference on f, moves *uio. -ENOMEM or 0. */
int vfs_pending_add(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f, vfs_uio_t *uio,
                    uint64_t done, vfs_waitq_t *q);
/* Answer and forget a pending call. May re-enter pipe/console code through the reference it
 * drops, so callers re-read queue heads after each call. */
void vfs_pending_finish(vfs_t *vfs, vfs_pending_t *pc, int64_t value);
void vfs_pending_drop(vfs_t *vfs, vfs_pending_t *pc);   /* forget without replying */
/* Drop the calls of a process (tid < 0) or of one thread; returns how many. */
int vfs_pending_cancel(vfs_t *vfs, int32_t pid, int32_t tid);

/* ---- pipes (vfs_pipe.c) ---- */

struct vfs_pipe {
    uint8_t *buf;
    size_t head, count;
    uint32_t readers, writers;   /* open descriptions of each end */
    vfs_waitq_t rq, wq;          /* pending readers / writers, FIFO */
};

int vfs_pipe_open(vfs_t *vfs, uint32_t flags, vfs_file_t **rd, vfs_file_t **wr);
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

/* ---- the server state ---- */

typedef struct vfs_procfs_op vfs_procfs_op_t;

struct vfs {
    struct vfs_env env;
    vfs_node_t *root;
    vfs_node_t *proc;            /* /proc (kept in place: procfs) */
    vfs_procfs_op_t *procfs_ops; /* reads handed to procmgr, until vfs_procfs_done */
    uint64_t procfs_next_id;
    int32_t walk_pid;            /* whose /proc/self the walk in progress resolves (0: none) */
    vfs_proc_t *procs;
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

#endif
