/* vfs: the interface between the vfs server's pure logic and its surroundings.
 *
 * The IPC glue (main.c, vfs_ipc.c) receives procmgr's forwarded file syscalls and the lifecycle
 * notices, calls the functions below, and provides struct vfs_env: the only way the logic
 * reaches the world (user memory, replies, the serial console, signals, the clock). The host
 * tests link the same logic files against a fake vfs_env.
 *
 * Deferred replies: vfs_syscall returns VFS_SUSPEND when the call cannot finish now (a read on an
 * empty pipe, a console read with no line typed yet, a write to a full pipe). vfs keeps
 * req->token and later calls env->reply(token, result) exactly once, unless the caller is
 * cancelled first (vfs_thread_cancel / vfs_proc_exit), in which case it never replies and
 * calls env->drop(token) instead.
 * Any other return value is the syscall's result (>= 0) or a negated LX_E* error, for the glue
 * to send back at once.
 *
 * Delegated replies: a read of /proc/<pid>/{stat,cmdline,comm,maps} also returns VFS_SUSPEND, but its
 * token leaves vfs: env->procfs_read hands it to procmgr, which owns process state, answers the
 * caller itself and then reports the byte count with vfs_procfs_done (see docs/vfs.md).
 *
 * Everything is single-threaded: the glue calls one function at a time. */
#ifndef VFS_H
#define VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lx/fs.h>

typedef struct vfs vfs_t;             /* the whole server state (no globals in logic files) */

/* The page cache (vfs_pcache.c): a regular file is at most VFS_FILE_MAX_BYTES long, and vfs's
 * window on one (env->mem_map) is that much address space; at most VFS_WINDOWS_MAX are mapped at
 * once. Each window used costs vfs (system memory) a page directory and a page table per 2 MiB
 * touched: the bound keeps that to a few MiB however many files users make. */
#define VFS_FILE_MAX_BYTES (1ull << 30)
#define VFS_WINDOWS_MAX 1024
typedef uint64_t vfs_token_t;         /* opaque reply token of a deferred call, from the glue */
#define VFS_SUSPEND (INT64_MIN)       /* returned by vfs_syscall when the reply is deferred */

struct vfs_file;                      /* an open file description (used by exec) */

/* Facts about the machine for /proc/meminfo, /proc/stat, /proc/uptime and /proc/cpuinfo. */
struct vfs_sysinfo {
    uint64_t mem_total, mem_free;   /* bytes of RAM the kernel manages, and free now */
    uint64_t ctxt;                  /* context switches since boot (0: not counted) */
    /* CPU time since boot, ns: user, system, idle. The kernel does not account CPU time yet:
     * the glue reports 0 (the hook for when it does). */
    uint64_t cpu_ns[3];
    uint64_t tsc_hz;                /* cpuinfo's "cpu MHz" */
};

typedef struct vfs_req {
    int32_t pid;          /* caller process (procmgr's pid) */
    int32_t tid;          /* caller thread */
    uint64_t nr;          /* Linux syscall number */
    uint64_t a[6];        /* raw syscall arguments */
    vfs_token_t token;    /* reply token: kept if the call is deferred */
    uint32_t flags;       /* VFS_REQ_NOJC: procmgr checked the job control, do the call */
} vfs_req_t;
#define VFS_REQ_NOJC 0x1

/* What vfs knows of a process and passes with a /proc read of it: its controlling terminal
 * (tty_nr 0 and tpgid -1 without one), umask and descriptor table size. */
struct vfs_proc_facts {
    int32_t tty_nr, tpgid;
    uint32_t umask, fdsize;
};

struct vfs_env {
    void *ctx;
    /* copy to/from user memory of process pid: 0 or -LX_EFAULT (all or nothing) */
    int (*copy_in)(void *ctx, int32_t pid, void *dst, uint64_t uaddr, size_t len);
    int (*copy_out)(void *ctx, int32_t pid, uint64_t uaddr, const void *src, size_t len);
    /* NUL-terminated string, at most max bytes incl. NUL: length (without the NUL),
     * -LX_EFAULT or -LX_ENAMETOOLONG */
    int64_t (*copy_str_in)(void *ctx, int32_t pid, char *dst, uint64_t uaddr, size_t max);
    void (*reply)(void *ctx, vfs_token_t token, int64_t value);  /* answer a deferred call */
    /* optional (may be NULL): a deferred call is forgotten without an answer (its thread or
     * process was cancelled), so the glue can release the reply handle behind token */
    void (*drop)(void *ctx, vfs_token_t token);
    void (*console_write)(void *ctx, const char *buf, size_t n); /* to the serial console */
    /* non-blocking notice to procmgr: pid<0 means the process group -pid (the terminal's
     * foreground group, for ^C and the like); tid 0 means any thread of the process */
    void (*raise_signal)(void *ctx, int32_t pid, int32_t tid, int sig);
    void (*now)(void *ctx, struct lx_timespec *ts);
    /* Optional: the kernel's counters since boot for /proc/kstat, in the order of
     * VFS_KSTAT_NAMES (kernel entries, IPC messages, address-space switches, then the memory
     * layer's: page tables shared at fork and unshared, copy-on-write copies and reuses, zero
     * fills), then what lives now (kernel threads: a leak test's witness); NULL: zeros. */
#define VFS_KSTAT_N 9
#define VFS_KSTAT_NAMES                                                                            \
    {"kernel_entries", "ipc_messages", "as_switches", "pt_shared", "pt_unshared", "cow_copied",   \
     "cow_reused", "zero_fill", "threads"}
    void (*kstat)(void *ctx, uint64_t counters[VFS_KSTAT_N]);
    /* optional (NULL: such reads fail with -EIO): a non-blocking hand-over of a read of
     * /proc/<target>/<which> (enum vfs_procfs_file, proto/pm_vfs.h) to procmgr, with the
     * reader's token, its buffer, and the offset in the text where the read starts. procmgr
     * answers the reader and calls vfs_procfs_done(id, count) back. 0, or -errno if it cannot
     * be queued (the read then fails with it and the token stays with vfs). */
    int (*procfs_read)(void *ctx, vfs_token_t token, int32_t pid, int32_t tid, int32_t target,
                       uint32_t which, uint64_t uaddr, uint64_t len, uint64_t off, uint64_t id,
                       const struct vfs_proc_facts *facts);
    /* optional (NULL: such calls fail with eio): a non-blocking hand-over to procmgr of a call
     * of a process in a background group on its controlling terminal (sig SIGTTIN for a read,
     * SIGTTOU for a write under TOSTOP, tcsetpgrp, tcsetattr, tcflush). procmgr decides, as
     * Linux's tty_check_change, from the caller's signal state and whether its group is
     * orphaned: it signals the group and has the call start again, answers eio, or sends the
     * call back with VFS_REQ_NOJC. 0, or -errno if it cannot be queued. */
    int (*jobctl)(void *ctx, vfs_token_t token, int32_t pid, int32_t tid, int sig, int32_t eio,
                  uint64_t nr, const uint64_t a[6]);
    /* Optional (NULL: the clock reads 0 and timeouts never end): monotonic ns since boot. */
    uint64_t (*clock_mono)(void *ctx);
    /* Optional: one call of vfs_timer_fired at or after this monotonic deadline (a later
     * request replaces it; 0 cancels). The kernel's timer_set on vfs's endpoint. */
    void (*timer_arm)(void *ctx, uint64_t deadline_ns);
    /* Optional: a line for the serial log (no newline needed). */
    void (*log)(void *ctx, const char *line);
    /* Optional (NULL: zeros): machine facts for /proc; CPUID of the CPU (cpuinfo). */
    void (*sysinfo)(void *ctx, struct vfs_sysinfo *out);
    void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
    /* Optional (NULL: an empty log): the kernel log ring. Copies up to len bytes of the log
     * from byte position pos (counted since boot; older bytes are gone: the copy starts at the
     * oldest kept), sets *end to the position after the last byte logged, and returns the bytes
     * copied. */
    int64_t (*klog_read)(void *ctx, void *buf, uint64_t len, uint64_t pos, uint64_t *end);
    /* Memory objects: the page cache's storage (vfs_pcache.c). Handles are the glue's (> 0).
     * mem_create: an object of size bytes (a page multiple) of zero pages none allocated: the
     *   handle, or < 0 without memory. mem_resize: its new size; pages past a smaller one leave
     *   the object and every mapping of it: 0 or < 0. mem_commit: allocate the pages of
     *   [off, off+len) now, as user memory (a full machine is an error here, not a fault later):
     *   0 or < 0. mem_map: vfs's own window on the object, VFS_FILE_MAX_BYTES of address space
     *   (vfs touches only what is below the object's size); NULL if there is no room. */
    int64_t (*mem_create)(void *ctx, uint64_t size);
    int (*mem_resize)(void *ctx, int64_t mem, uint64_t size);
    int (*mem_commit)(void *ctx, int64_t mem, uint64_t off, uint64_t len);
    void *(*mem_map)(void *ctx, int64_t mem);
    void (*mem_unmap)(void *ctx, int64_t mem, void *win);
    void (*mem_release)(void *ctx, int64_t mem);   /* vfs's handle goes (mappings keep it) */
};

/* Creation: an empty root with /dev (null, zero, full, console, tty), /tmp (1777),
 * /proc/sys/fs/file-nr and /proc/self. env is copied. NULL when out of memory. */
vfs_t *vfs_create(const struct vfs_env *env);
/* Tear everything down (every process exits, pending calls dropped without reply). For tests
 * and for a clean shutdown; nothing may be used afterwards. */
void vfs_destroy(vfs_t *vfs);
/* Merge a cpio newc archive into the tree. The archive is checked completely before anything is
 * created, so a malformed one (-LX_EINVAL) leaves the tree untouched. vfs_load_cpio copies the
 * files' bytes into the page cache; vfs_load_initrd leaves them in the archive, which must then
 * stay in place while vfs lives, until a file is changed or mapped. */
int vfs_load_cpio(vfs_t *vfs, const void *data, size_t len);
int vfs_load_initrd(vfs_t *vfs, const void *data, size_t len);
/* One forwarded syscall: result, -errno, or VFS_SUSPEND (see above). Unknown numbers: -ENOSYS;
 * unknown pid: -ESRCH. */
int64_t vfs_syscall(vfs_t *vfs, const vfs_req_t *req);

/* Process lifecycle, told by procmgr. */
/* parent_pid < 0: a first process, stdin/out/err on the console (one shared description), a
 * session and group of its own with the console as its controlling terminal (as init after
 * setsid and an open of its terminal). Otherwise a copy of the parent's fd table (descriptions
 * shared and counted, FD_CLOEXEC bits copied), cwd, umask, process group, session and
 * controlling terminal. Either way /proc/<pid>/ appears. -LX_EEXIST if pid exists, -LX_ESRCH if
 * the parent does not. */
int vfs_proc_create(vfs_t *vfs, int32_t pid, int32_t parent_pid);
/* The same from a parent, sharing with it (share, VFS_SHARE_*: proto/pm_vfs.h's bits) the very
 * descriptor table (CLONE_FILES: a descriptor one opens is the other's too) or the cwd, root and
 * umask (CLONE_FS) instead of copying them. */
#ifndef VFS_SHARE_FILES
#define VFS_SHARE_FILES 0x1
#define VFS_SHARE_FS    0x2
#endif
/* parent_tid: the calling thread, whose own table or fs (vfs_thread_clone) is what is copied or
 * shared; -1 (or a thread without its own): the parent process's. */
int vfs_proc_clone(vfs_t *vfs, int32_t pid, int32_t parent_pid, int32_t parent_tid,
                   uint32_t share);
/* Threads of process pid that do not use the process's descriptor table or cwd/root/umask
 * (vfs_thread.c). clone: new thread tid gets from thread from_tid's (the process's if that has
 * none of its own) table and fs, the very ones for the VFS_SHARE_* bits in share and copies for
 * the rest; its calls use them from then on. 0, -ESRCH, -EEXIST, -ENOMEM. exit: thread tid is
 * gone, its own table and fs are let go (the last user closes the descriptors). lead: exec from
 * thread tid, whose table and fs become the process's (the others are gone or going). */
int vfs_thread_clone(vfs_t *vfs, int32_t pid, int32_t tid, int32_t from_tid, uint32_t share);
void vfs_thread_exit(vfs_t *vfs, int32_t pid, int32_t tid);
void vfs_thread_lead(vfs_t *vfs, int32_t pid, int32_t tid);
/* A new pidfd in pid's table naming process target (procmgr's serial for it; exited: it ended
 * already), O_CLOEXEC, O_NONBLOCK on request: the fd or -errno (-ESRCH for an unknown pid). */
int64_t vfs_pidfd_open(vfs_t *vfs, int32_t pid, int32_t target, uint64_t serial, bool nonblock,
                       bool exited);
/* What pid's fd names: 0, or -EBADF (not open, or not a pidfd: Linux's pidfd_pid). */
int vfs_pidfd_get(vfs_t *vfs, int32_t pid, int32_t fd, int32_t *target, uint64_t *serial,
                  bool *nonblock);
/* close(fd) on procmgr's behalf (a clone undone after its pidfd was made): 0, -EBADF. */
int vfs_proc_fd_close(vfs_t *vfs, int32_t pid, int32_t fd);
int vfs_proc_exec(vfs_t *vfs, int32_t pid);            /* close the FD_CLOEXEC descriptors */
/* pid's process group or session changed (procmgr's setpgid, setsid): the terminal's job
 * control follows them. A new session has no controlling terminal. -ESRCH. */
int vfs_proc_set_ids(vfs_t *vfs, int32_t pid, int32_t pgid, int32_t sid);
/* RLIMIT_NOFILE's soft limit changed (setrlimit/prlimit64): new fds must be below it (EMFILE,
 * dup2/dup3 EBADF, F_DUPFD EINVAL); open ones above it stay. Default 1024, inherited by
 * vfs_proc_create. -ESRCH, -EPERM above 1048576 (nr_open). */
int vfs_proc_set_fd_limit(vfs_t *vfs, int32_t pid, uint64_t limit);
/* cancel its calls, close everything, remove /proc/<pid>/; the exit of the session leader that
 * controls the console hangs the terminal's foreground group up (SIGHUP, SIGCONT) */
void vfs_proc_exit(vfs_t *vfs, int32_t pid);
/* A thread died or is being interrupted: forget its pending call (no reply, env->drop).
 * Returns how many calls were dropped (0 or 1), so procmgr knows whether the thread was
 * still waiting on vfs or has been (or is being) answered already. */
int vfs_thread_cancel(vfs_t *vfs, int32_t tid);
/* A thread is being interrupted by a signal: its pending call (if any) is removed unanswered and
 * its token handed back in *token (not dropped), for procmgr to answer after the handler is set
 * up. true if there was one. */
bool vfs_thread_withdraw(vfs_t *vfs, int32_t tid, vfs_token_t *token, uint64_t *nr);

/* What a mapping of a file needs (exec, mmap): its memory object (vfs's handle: the glue hands
 * procmgr a copy with the rights below), and what /proc/<pid>/maps shows. */
struct vfs_map_info {
    int64_t mem;          /* 0 for /dev/zero (anonymous memory) */
    bool zero;            /* /dev/zero */
    bool writable;        /* the description may back a shared writable mapping */
    uint64_t size, dev, ino;
};
/* exec support for procmgr: resolve path relative to pid's cwd with Linux exec rules.
 * -ENOENT, -ENOTDIR, -EACCES (not a regular file or no x bit for anyone), -ELOOP,
 * -ENAMETOOLONG, -ESRCH, -ETXTBSY (open for writing somewhere). On success *out holds a
 * reference (an open description, read-only). */
int vfs_exec_open(vfs_t *vfs, int32_t pid, const char *path, struct vfs_file **out,
                  uint64_t *size);
/* The same for thread tid of pid: from its own cwd and root if it has them (vfs_thread_clone). */
int vfs_exec_open_thread(vfs_t *vfs, int32_t pid, int32_t tid, const char *path,
                         struct vfs_file **out, uint64_t *size);
/* The mapping of the file pid's latest vfs_exec_open gave (f): its object, made now if needed,
 * and in path (size bytes) the name /proc/<pid>/exe and maps show. The file may not be opened
 * for writing from now until vfs_exec_unmap(*deny) (ETXTBSY, as Linux's deny_write_access for a
 * running program, whose pages the mapping shares). 0 or -ENOMEM. */
int vfs_exec_map_info(vfs_t *vfs, int32_t pid, struct vfs_file *f, struct vfs_map_info *mi,
                      char *path, size_t size, uint64_t *deny);
/* procmgr let go of the last mapping of a program (deny from vfs_exec_map_info): -ENOENT. */
int vfs_exec_unmap(vfs_t *vfs, uint64_t deny);
/* mmap of descriptor fd of pid (shared: MAP_SHARED; write: PROT_WRITE): -EBADF (no such fd, an
 * O_PATH one), -EACCES (not open for reading; a shared writable mapping of a description not
 * open for writing), -ENODEV (nothing to map: a pipe, a directory, a terminal, /proc...),
 * -ENOMEM, -ESRCH. path (size bytes) gets the name /proc/<pid>/maps shows. */
int vfs_mmap_open(vfs_t *vfs, int32_t pid, int32_t fd, bool shared, bool write,
                  struct vfs_map_info *mi, char *path, size_t size);
/* The same for thread tid of pid, in its own table if it has one (vfs_thread_clone). */
int vfs_mmap_open_thread(vfs_t *vfs, int32_t pid, int32_t tid, int32_t fd, bool shared,
                         bool write, struct vfs_map_info *mi, char *path, size_t size);
/* Read from a description into server memory: bytes read (0 at end) or -errno. */
int64_t vfs_file_pread(struct vfs_file *file, void *buf, uint64_t off, uint64_t len);
void vfs_file_put(struct vfs_file *file);

/* Console input from the device (interrupt-driven bytes): runs the line discipline (echo,
 * editing, signals) and may complete pending reads. */
void vfs_console_input(vfs_t *vfs, const char *bytes, size_t n);

/* procmgr answered the delegated read `id` with count bytes (0 for an error or a reader that
 * died): a read at the file position advances it by count; the description is let go.
 * -ENOENT for an unknown id. */
int vfs_procfs_done(vfs_t *vfs, uint64_t id, int64_t count);

/* Open file descriptions in existence (also /proc/sys/fs/file-nr's first field). */
uint64_t vfs_open_descriptions(vfs_t *vfs);

/* The notification asked for with env->timer_arm: ends the timeouts that are due (polls,
 * epoll_wait, timerfd expirations). Harmless at any time. */
void vfs_timer_fired(vfs_t *vfs);

#endif
