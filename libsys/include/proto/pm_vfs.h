/* The procmgr <-> vfs protocol (and the notification bits both servers use). Payloads are fixed
 * structs copied into the IPC buffer's message words, named sender_receiver_call.
 *
 * Direction: procmgr calls vfs and waits; vfs never calls procmgr (docs/architecture.md: two
 * single-threaded servers calling each other would deadlock):
 * what vfs must tell procmgr (a signal to raise, a read of /proc/<pid>/... to answer) is queued in
 * vfs and announced with a non-blocking notification, after which procmgr fetches it with
 * VFS_L_EVENTS.
 *
 * Delegated /proc reads: vfs owns the shape of /proc, procmgr the process state. A read of
 * /proc/<pid>/{stat,cmdline,comm,maps} is queued by vfs with the reader's reply capability; procmgr
 * fetches it (VFS_L_EVENTS moves the capability along), copies the slice [off, off+len) of the
 * text into the reader's buffer, tells vfs how many bytes it gave (VFS_L_PROCFS_DONE, so vfs
 * advances the description's offset and lets go of it), then answers the reader.
 *
 * Job control: vfs keeps every process's group and session (told by VFS_L_PROC_IDS) to know the
 * terminal's foreground; a background process's read of its controlling terminal (or write
 * under TOSTOP, tcsetpgrp, tcsetattr) is handed to procmgr the same way (struct vfs_pm_jobctl),
 * since what decides (the caller's signal mask and dispositions, orphaned groups) is procmgr's.
 *
 * Routed calls: procmgr gives each thread a kernel route (thread_route) for the file calls that
 * need nothing of procmgr's, so they come to vfs straight from the thread, as IPC_LABEL_SYSCALL
 * messages whose badge is VFS_ROUTE_BADGE(pid, tid) and whose reply capability is the receive's
 * own; vfs answers them as it answers the VFS_L_SYSCALL procmgr forwards. */
#ifndef PROTO_PM_VFS_H
#define PROTO_PM_VFS_H
#include <stdint.h>
#include "kabi/ipc.h"

enum vfs_label {
    VFS_L_SYSCALL = 1,  /* send, caps[0] = the caller's reply (moved): vfs answers the thread */
    VFS_L_PROC_CREATE,  /* call, caps[0] = the child's address space (copied) */
    VFS_L_PROC_EXEC,    /* call, caps[0] = the new address space (copied) */
    VFS_L_PROC_EXIT,    /* call */
    VFS_L_EXEC_OPEN,    /* call */
    VFS_L_FILE_READ,    /* call */
    VFS_L_FILE_LOAD,    /* call, caps[0] = the address space to fill (copied) */
    VFS_L_FILE_CLOSE,   /* call */
    VFS_L_EVENTS,       /* call: the signals vfs has queued for procmgr */
    VFS_L_STATS,        /* call: open descriptions (tests, /proc) */
    VFS_L_PROC_NOFILE,  /* call: a process's RLIMIT_NOFILE soft limit changed */
    VFS_L_INTERRUPT,    /* call: give up thread tid's blocked call; its reply comes back in caps[0],
                         * mr[1] = its syscall number */
    VFS_L_PROCFS_DONE,  /* call: a delegated /proc read was answered with this many bytes */
    VFS_L_PROC_IDS,     /* call: a process's group or session changed (struct pm_vfs_ids) */
    VFS_L_PIDFD_OPEN,   /* call: a new pidfd in a process's table (struct pm_vfs_pidfd_open) */
    VFS_L_PIDFD_GET,    /* call: what a process's fd names (reply struct vfs_pm_pidfd) */
    VFS_L_FD_CLOSE,     /* call: close a process's fd (struct pm_vfs_fd) */
    VFS_L_MMAP,         /* call: mmap of a descriptor; the reply's caps[0] is the file's object */
    VFS_L_EXEC_DONE,    /* call: the last mapping of a program went (struct pm_vfs_exec_done) */
    VFS_L_THREAD,       /* call: a thread's own table or fs made, let go, or made the process's
                         * (struct pm_vfs_thread) */
};

/* notification bits */
#define PM_NOTIFY_TIMER 0x1      /* kernel timer -> procmgr: a deadline passed */
#define PM_NOTIFY_VFS_EVENTS 0x2 /* vfs -> procmgr: call VFS_L_EVENTS */
#define VFS_NOTIFY_CONSOLE 0x1   /* kernel console -> vfs: input arrived */
#define VFS_NOTIFY_TIMER 0x2     /* kernel timer -> vfs: a timeout of vfs's is due */

struct pm_vfs_syscall {
    int64_t pid, tid;
    uint64_t nr;
    uint64_t a[6];
    uint64_t flags;     /* VFS_SYS_* */
};
#define VFS_SYS_NOJC 0x1 /* procmgr checked the job control: do the call (pm_jobctl) */

/* the badge of a routed call's message: which process and thread made it */
#define VFS_ROUTE_BADGE(pid, tid) (((uint64_t)(uint32_t)(pid) << 32) | (uint32_t)(tid))

struct pm_vfs_ids {     /* PROC_IDS: tells vfs; a new process inherits its parent's */
    int64_t pid, pgid, sid;
};

struct pm_vfs_proc { /* PROC_CREATE, PROC_EXEC, PROC_EXIT */
    int64_t pid, parent_pid;
    uint64_t share;     /* PROC_CREATE: VFS_SHARE_* of the parent's (CLONE_FILES, CLONE_FS) */
    int64_t parent_tid; /* PROC_CREATE: the calling thread, whose table and fs they are */
};
#define VFS_SHARE_FILES 0x1   /* one descriptor table for parent and child */
#define VFS_SHARE_FS    0x2   /* one cwd, root and umask */

/* THREAD: CLONE_THREAD without CLONE_FILES or CLONE_FS. op CLONE: thread tid gets from_tid's
 * table and fs, shared for the VFS_SHARE_* bits in share, copied otherwise; EXIT: thread tid is
 * gone, its own go; LEAD: exec from tid, whose own become the process's. Reply: 0 or -errno. */
struct pm_vfs_thread {
    int64_t pid, tid, from_tid;
    uint64_t op, share;
};
enum { VFS_THREAD_CLONE = 1, VFS_THREAD_EXIT, VFS_THREAD_LEAD };

/* PIDFD_OPEN: a pidfd in pid's table naming process target; reply: the fd or -errno. vfs makes
 * every pidfd of a pid readable when PROC_EXIT tells it that process ended. */
struct pm_vfs_pidfd_open {
    int64_t pid, target;
    uint64_t serial;    /* procmgr's number of the target (a pid may be used again) */
    uint64_t nonblock, exited;
};
struct pm_vfs_fd {      /* PIDFD_GET, FD_CLOSE */
    int64_t pid, fd;
};
struct vfs_pm_pidfd {   /* PIDFD_GET's reply: 0, or -EBADF (not open, or not a pidfd) */
    int64_t result, target;
    uint64_t serial, nonblock;
};

#define VFS_PATH_MAX 3584 /* what fits in one message; longer exec paths get ENAMETOOLONG */
struct pm_vfs_interrupt {
    int64_t tid;
};

struct pm_vfs_nofile {
    int64_t pid;
    uint64_t limit;
};

struct pm_vfs_exec_open {
    int64_t pid;
    int64_t tid;        /* the exec'ing thread, whose cwd and root it is (its own, maybe) */
    char path[VFS_PATH_MAX];
};
/* The reply to VFS_L_EXEC_OPEN. With result 0, caps[0] (if ncaps) is the file's memory object
 * (the page cache's, rights KR_READ: exec maps the program from it, private), path the file's
 * name for /proc/<pid>/maps, and deny the denial of writing the file that goes with the object:
 * procmgr gives it back (VFS_L_EXEC_DONE) when the last range mapping the program goes. */
struct vfs_pm_exec_open {
    int64_t result;
    uint64_t file, size;
    uint64_t dev, ino;
    uint64_t deny;
    char path[VFS_PATH_MAX];
};
struct pm_vfs_exec_done {
    uint64_t deny;
};

/* mmap of a descriptor: procmgr asks for the file's memory object. The reply (struct vfs_pm_mmap)
 * carries it in caps[0] (rights KR_READ, and KR_MAP when the description is open for writing),
 * except for /dev/zero (VFS_MMAP_ZERO: anonymous memory). */
struct pm_vfs_mmap {
    int64_t pid, fd;
    uint64_t flags;     /* VFS_MMAP_SHARED, VFS_MMAP_WRITE */
    int64_t tid;        /* the caller, whose table it is (a thread may have its own) */
};
#define VFS_MMAP_SHARED 0x1   /* request: MAP_SHARED */
#define VFS_MMAP_WRITE 0x2    /* request: PROT_WRITE */
#define VFS_MMAP_ZERO 0x4     /* reply: /dev/zero */
#define VFS_MMAP_WRITABLE 0x8 /* reply: the object may be mapped shared and writable */
struct vfs_pm_mmap {
    int64_t result;     /* 0, -EBADF, -EACCES, -ENODEV, -ENOMEM */
    uint64_t flags;
    uint64_t size, dev, ino;
    char path[VFS_PATH_MAX];
};

#define VFS_READ_MAX 3584
struct pm_vfs_file_read {
    uint64_t file, off, len;
};
struct vfs_pm_file_read {
    int64_t result;
    uint8_t data[VFS_READ_MAX];
};

struct pm_vfs_file_load {
    uint64_t file, off, len, va;
};

struct pm_vfs_file_close {
    uint64_t file;
};

struct vfs_pm_result {
    int64_t result;
};

/* The generated files of /proc/<pid>/ whose text procmgr makes. */
enum vfs_procfs_file {
    VFS_PROCFS_STAT = 1, /* "pid (comm) S ppid pgid sid ...": Linux's 52 fields */
    VFS_PROCFS_CMDLINE,  /* argv, each argument NUL-terminated */
    VFS_PROCFS_COMM,     /* "comm\n" */
    VFS_PROCFS_MAPS,     /* one line per mapping, Linux's format */
    VFS_PROCFS_STATUS,   /* "Name:\t...": Linux's status lines */
};

/* One delegated read: its reply capability is caps[i] of the VFS_L_EVENTS reply for rd[i]. */
struct vfs_pm_procfs_read {
    int32_t pid, tid;   /* the reader */
    int32_t target;     /* /proc/<target>/ */
    uint32_t which;     /* enum vfs_procfs_file */
    uint64_t uaddr, len;/* the reader's buffer (the first non-empty segment of a readv) */
    uint64_t off;       /* where in the text the read starts */
    uint64_t id;        /* for VFS_L_PROCFS_DONE */
    /* what vfs knows of the target: its controlling terminal (stat's tty_nr, tpgid: -1 for
     * none), umask and descriptor table size (status) */
    int32_t tty_nr, tpgid;
    uint32_t umask, fdsize;
};

/* A call of a process of a background group on its controlling terminal, handed over for
 * procmgr to decide (pm_jobctl): its reply capability is in caps[] after the reads'. */
struct vfs_pm_jobctl {
    int32_t pid, tid;
    int32_t sig;        /* SIGTTIN (a read) or SIGTTOU */
    int32_t eio;        /* the error if it must fail (-EIO; -ENOTTY for TIOCSPGRP) */
    uint64_t nr, a[6];  /* the call, to forward back with VFS_SYS_NOJC */
};

#define VFS_EVENTS_MAX 32
#define VFS_PROCFS_READS_MAX IPC_CAPS_MAX
struct vfs_pm_events {
    int64_t count;
    struct { int32_t pid, tid, sig, pad; } ev[VFS_EVENTS_MAX];
    uint32_t nreads;    /* rd[0 .. nreads), with as many capabilities */
    uint32_t more;      /* more reads or job-control calls are queued: call VFS_L_EVENTS again */
    struct vfs_pm_procfs_read rd[VFS_PROCFS_READS_MAX];
    uint32_t njobctl;   /* jc[0 .. njobctl): capabilities caps[nreads ..], nreads + njobctl <= 4 */
    uint32_t pad_;
    struct vfs_pm_jobctl jc[VFS_PROCFS_READS_MAX];
};

/* procmgr -> vfs once a delegated read was answered: count bytes were given (0 for an error or
 * a reader that died); vfs moves the description's offset by count if the read was at the
 * file position, and releases the description. Reply: one result word (0, -ENOENT). */
struct pm_vfs_procfs_done {
    uint64_t id;
    int64_t count;
};

struct vfs_pm_stats {
    uint64_t open_descriptions;
};

#define PROTO_FITS(t) _Static_assert(sizeof(t) <= sizeof(((struct ipc_buf *)0)->mr), #t " fits a message")
PROTO_FITS(struct pm_vfs_syscall);
PROTO_FITS(struct pm_vfs_exec_open);
PROTO_FITS(struct vfs_pm_file_read);
PROTO_FITS(struct vfs_pm_events);
PROTO_FITS(struct vfs_pm_exec_open);
PROTO_FITS(struct vfs_pm_mmap);

/* words a payload of `bytes` takes in mr[] */
#define PROTO_WORDS(bytes) (uint32_t)(((bytes) + 7) / 8)

#endif
