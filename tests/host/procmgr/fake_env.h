/* A fake struct pm_env for procmgr's host tests: it records every call in an ordered event log,
 * backs address spaces with host memory page by page (so the ELF loader and the stack builder
 * really write bytes the tests read back), keeps kernel threads with register frames, serves
 * files from an in-memory table, and tracks every reply token (each must be consumed at most
 * once: a second reply/drop/forward fails the test on the spot).
 *
 * Entry points: fk_new, fk_free, fk_boot, fk_call, fk_tok_* (fk_tok_new), fk_mem_*, fk_file_add,
 * fk_find_event, fk_count_events, user-memory builders (fk_ubuf_*). */
#ifndef FAKE_ENV_H
#define FAKE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "procmgr.h"

#define FK_MAX_AS      256
#define FK_MAX_THREADS 256
#define FK_MAX_FILES   64
#define FK_MAX_OPEN    64
#define FK_MAX_TOKENS  4096
#define FK_MAX_EVENTS  8192
#define FK_MAX_LOGS    128
#define FK_MAX_MEM     512
#define FK_MAX_FDS     16
#define FK_MAX_MAPMEM  256

enum fk_ev {
    FK_EV_REPLY, FK_EV_DROP, FK_EV_FORWARD,
    FK_EV_AS_CREATE, FK_EV_AS_DUP, FK_EV_AS_RELEASE, FK_EV_AS_MAP, FK_EV_AS_UNMAP,
    FK_EV_AS_PROTECT,
    FK_EV_THREAD_CREATE, FK_EV_THREAD_SET_REGS, FK_EV_THREAD_SET_AS, FK_EV_THREAD_DESTROY,
    FK_EV_VFS_CREATE, FK_EV_VFS_EXEC, FK_EV_VFS_EXIT, FK_EV_VFS_THREAD, FK_EV_VFS_OPEN, FK_EV_VFS_CLOSE,
    FK_EV_TIMER_ARM, FK_EV_POWEROFF, FK_EV_VFS_NOFILE,
    FK_EV_VFS_PROCFS_DONE,   /* (id, count) */
    FK_EV_INTERRUPT,         /* (thread handle, result) */
    FK_EV_CPU_ALARM,         /* (thread handle, ns) */
    FK_EV_VFS_IDS,           /* (pid, pgid, sid) */
    FK_EV_FORWARD_NOJC,      /* (tok, nr, pid) */
    FK_EV_AS_FORK,           /* (source handle, new handle, new space) */
    FK_EV_VFS_INTERRUPT,     /* (tid, 1 if a call was handed back) */
    FK_EV_VFS_FD_CLOSE,      /* (pid, fd) */
    FK_EV_AS_MAP_MEM,        /* (as, va, len): details in fk->mapmem[] */
    FK_EV_MEM_RELEASE,       /* (mem handle) */
    FK_EV_EXEC_DONE,         /* (deny id) */
};

/* One as_map_mem call. */
typedef struct fk_mapmem {
    uint64_t as, va, len;
    int prot;                /* with PM_AS_SHARED */
    uint64_t mem, off;
} fk_mapmem_t;

/* A memory-object handle procmgr holds: a file's (exec, mmap), the vDSO's, the clock page's. */
enum fk_mem_kind { FK_MEM_FREE, FK_MEM_FILE, FK_MEM_VDSO, FK_MEM_CLOCK };
typedef struct fk_mem {
    enum fk_mem_kind kind;
    int file;                /* FK_MEM_FILE: index in files[] */
} fk_mem_t;

/* A descriptor "vfs" has for mmap (fk_fd_set). */
typedef struct fk_fd {
    int file;                /* index in files[], -1: /dev/zero */
    uint32_t flags;          /* PM_FILE_WRITABLE... */
    int err;                 /* non-zero: vfs_mmap_open fails with it */
    bool used;
} fk_fd_t;

typedef struct fk_event {
    enum fk_ev kind;
    uint64_t x, y, z;   /* kind-specific: e.g. REPLY (tok, value), VFS_CREATE (pid, ppid, as) */
} fk_event_t;

enum fk_tok_state { FK_TOK_FREE, FK_TOK_HELD, FK_TOK_REPLIED, FK_TOK_DROPPED, FK_TOK_FORWARDED };

typedef struct fk_page {
    uint64_t va;
    int prot;
    uint8_t *data;
    uint64_t object;       /* mapped with PM_AS_SHARED: the "memory object" (kept by fork) */
    uint64_t offset;       /* ... and the page's offset in it */
    uint64_t mem;          /* the object it maps (as_map_mem), 0: anonymous */
} fk_page_t;

/* a pidfd "vfs" made (fk_vfs_pidfd_open) */
typedef struct fk_pidfd {
    bool used;
    int32_t owner, fd, target;
    uint64_t serial;
    bool nonblock, exited;
} fk_pidfd_t;
#define FK_MAX_PIDFDS 32
#define FK_PIDFD_BASE 100   /* the fds the fake hands out: 100, 101, ... */

typedef struct fk_space {
    bool used;
    int refs;              /* handles + threads */
    fk_page_t *pages;      /* sorted by va */
    size_t n, cap;
} fk_space_t;

typedef struct fk_thread {
    bool used;
    uint64_t badge;
    int space;
    pm_regs_t regs;
    uint64_t utime, stime;  /* what thread_times reports, ns (the test sets them) */
    uint64_t cpu_alarm;     /* the last thread_cpu_alarm */
    bool in_kernel;         /* thread_interrupt answers PM_INTR_BLOCKED (else 0: armed) */
    bool traced;            /* thread_trace: syscall exits are reported (pm_sysexit) */
    int interrupts;         /* thread_interrupt calls that armed it */
    /* thread_route: its vfs calls go straight to vfs as route_pid/route_tid's (routed) */
    bool routed;
    int32_t route_pid, route_tid;
    int route_calls;        /* thread_route calls made for it */
} fk_thread_t;

typedef struct fk_file {
    char path[256];
    uint8_t *data;
    size_t size;
    int err;               /* non-zero: vfs_exec_open fails with it */
} fk_file_t;

typedef struct fake fake_t;
typedef void (*fk_hook_t)(fake_t *fk, uint64_t badge);

struct fake {
    struct pm_env env;
    pm_t *pm;
    fk_space_t spaces[FK_MAX_AS];
    int ash[FK_MAX_AS];            /* handle -> space index, -1 free (handle 0 unused) */
    fk_thread_t th[FK_MAX_THREADS];/* handle -> thread (handle 0 unused) */
    fk_file_t files[FK_MAX_FILES];
    int nfiles;
    int open[FK_MAX_OPEN];         /* open handle -> file index, -1 free (handle 0 unused) */
    int opens, closes;
    enum fk_tok_state tok[FK_MAX_TOKENS];
    int64_t tok_value[FK_MAX_TOKENS];
    uint64_t next_tok;
    fk_event_t ev[FK_MAX_EVENTS];
    int nev;
    uint64_t mono, real;
    uint64_t free_mem;
    uint64_t total_mem;   /* the machine's RAM (sysinfo's totalram) */
    int poweroffs, poweroff_status;
    char logs[FK_MAX_LOGS][256];
    int nlogs;
    uint8_t rnd;                   /* next "random" byte */
    /* fault injection and reentrancy */
    fk_hook_t on_thread_create;
    int fail_thread_create;        /* error for the next thread_create, 0 none */
    int fail_vfs_proc_exec;
    int fail_as_fork;              /* error for the next as_fork, 0 none */
    int last_map_prot;             /* the prot word of the latest as_map, flags included */
    int fail_as_map_after;         /* as_map fails once this many more succeeded, -1 never */
    /* vfs_interrupt: the token "vfs" holds for a thread's blocked call (0: none), by tid */
    uint64_t vfs_held[FK_MAX_THREADS];
    uint64_t vfs_held_nr[FK_MAX_THREADS];   /* ... and that call's number */
    uint64_t route_mask[PM_ROUTE_WORDS];    /* the latest mask thread_route set */
    uint32_t last_share;           /* the share bits of the latest vfs_proc_clone */
    int32_t last_clone_tid;        /* ... and its calling thread */
    int32_t last_exec_tid;         /* the thread of the latest vfs_exec_open */
    uint32_t last_thread_share;    /* the share bits of the latest vfs_thread (FK_EV_VFS_THREAD:
                                    * a = op, b = tid, c = from_tid) */
    fk_pidfd_t pidfds[FK_MAX_PIDFDS];
    int fail_pidfd_open;           /* error for the next vfs_pidfd_open, 0 none */
    uint64_t next_object;          /* shared-memory object numbers */
    /* memory objects: handles (index), as_map_mem calls, descriptors for mmap */
    fk_mem_t mems[FK_MAX_MEM];
    fk_mapmem_t mapmem[FK_MAX_MAPMEM];
    int nmapmem;
    fk_fd_t fds[FK_MAX_FDS];
    bool no_file_mem;              /* vfs_exec_open gives no object: exec copies */
    uint64_t next_deny;            /* the denial id vfs_exec_open gives next */
    int denials;                   /* given and not yet done */
    int file_loads;                /* vfs_file_load calls (exec copying) */
    bool no_vdso;                  /* set before fk_new's pm_create: no vDSO */
    uint64_t vdso_size;            /* the fake vDSO image's size (a page multiple) */
    uint64_t resident[FK_MAX_AS];  /* as_resident by space index (0: its page count) */
};

fake_t *fk_new(void);
fake_t *fk_new_opts(bool vdso);   /* fk_new with or without a vDSO */
fake_t *fk_new_with(bool vdso, uint64_t free_mem);   /* ... and a machine of free_mem bytes */
int fk_live_mems(fake_t *fk);     /* memory-object handles procmgr holds */
/* descriptor fd of every process maps file `path` (NULL: /dev/zero) with flags, or fails */
void fk_fd_set(fake_t *fk, int fd, const char *path, uint32_t flags, int err);
void fk_free(fake_t *fk);
/* pm_create + a standard /sbin/init image + pm_start_init; asserts success. */
void fk_boot(fake_t *fk);
fake_t *fk_new_booted(void);   /* fk_new + fk_boot */

/* A call of thread `badge` forwarded to "vfs" and blocked there: pm_syscall forwards it and
 * vfs_interrupt will hand the token back. Returns the token. */
uint64_t fk_call_blocked_in_vfs(fake_t *fk, uint64_t badge, uint64_t nr, const uint64_t a[6]);
/* The interrupt message of thread `badge` (pm_interrupted): returns the token used. */
uint64_t fk_interrupted(fake_t *fk, uint64_t badge, uint64_t why);
/* A posix_spawn of /bin/prog by `parent` (clone 0x4111, then the child's execve): the child's
 * pid, exec'd, the parent released. */
uint64_t fk_spawn(fake_t *fk, uint64_t parent);
/* A call answered at once, arguments as a list: FK_SYS(fk, badge, nr, a0, a1...) */
#define FK_SYS(fk, badge, nr, ...) fk_tok_value(fk, fk_call_v(fk, badge, nr, (uint64_t[6]){__VA_ARGS__}))
/* A syscall from thread `badge`: returns the token used. */
uint64_t fk_call(fake_t *fk, uint64_t badge, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                 uint64_t a3, uint64_t a4, uint64_t a5);
#define FK_CALL(fk, badge, nr, ...) fk_call_v(fk, badge, nr, (uint64_t[6]){__VA_ARGS__})
uint64_t fk_call_v(fake_t *fk, uint64_t badge, uint64_t nr, const uint64_t a[6]);
enum fk_tok_state fk_tok_state(fake_t *fk, uint64_t tok);
uint64_t fk_last_tok(fake_t *fk);   /* the token handed out last (fk_tok_new) */
uint64_t fk_tok_new(fake_t *fk);   /* a fresh held token, e.g. one vfs hands over */
int64_t fk_tok_value(fake_t *fk, uint64_t tok);   /* asserts the token was replied */
/* A call that must be answered at once: returns the value. */
int64_t fk_sys(fake_t *fk, uint64_t badge, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
               uint64_t a3, uint64_t a4, uint64_t a5);
int fk_held_tokens(fake_t *fk);

/* Event log queries: index of the first event at or after `from` matching kind (and x when
 * match_x), -1 if none. */
int fk_find_event(fake_t *fk, int from, enum fk_ev kind, bool match_x, uint64_t x);
int fk_count_events(fake_t *fk, enum fk_ev kind, bool match_x, uint64_t x);

/* The badge (= pid) of the thread made by the first thread_create at or after event `from`. */
uint64_t fk_created_after(fake_t *fk, int from);
/* wait4(pid, &status, options) from thread badge: the result; the status into *status if given. */
int64_t fk_wait(fake_t *fk, uint64_t badge, int32_t pid, int options, int *status);

/* The thread record of badge (a live kernel thread), or NULL. */
fk_thread_t *fk_thread_of(fake_t *fk, uint64_t badge);
int fk_thread_handle_of(fake_t *fk, uint64_t badge);
int fk_live_spaces(fake_t *fk);
int fk_live_handles(fake_t *fk);
/* Memory of the space thread `badge` runs in: 0 or -1 (unmapped). */
int fk_mem_read(fake_t *fk, uint64_t badge, void *dst, uint64_t va, uint64_t len);
int fk_mem_write(fake_t *fk, uint64_t badge, uint64_t va, const void *src, uint64_t len);
int fk_space_read(fake_t *fk, int space, void *dst, uint64_t va, uint64_t len);
int fk_page_prot(fake_t *fk, int space, uint64_t va);   /* -1 unmapped */

void fk_file_add(fake_t *fk, const char *path, const void *data, size_t size, int err);
bool fk_log_contains(fake_t *fk, const char *needle);
/* A 32-bit word of user memory in badge's process (a futex, a tid word), and its value. */
uint64_t fk_word_new(fake_t *fk, uint64_t badge, uint32_t v);
uint32_t fk_word_get(fake_t *fk, uint64_t badge, uint64_t va);
/* The pidfd the fake vfs made as fd in pid's table, or NULL. */
fk_pidfd_t *fk_pidfd_of(fake_t *fk, int32_t pid, int32_t fd);
/* A new thread of `badge`'s process (clone with musl's pthread_create flags, stack given): its
 * tid. ctid: the CLONE_CHILD_CLEARTID word (0: none). */
uint64_t fk_thread_new(fake_t *fk, uint64_t badge, uint64_t stack, uint64_t ctid);

/* A bump allocator in user memory obtained with mmap through procmgr. */
typedef struct fk_ubuf {
    fake_t *fk;
    uint64_t badge;
    uint64_t base, off, size;
} fk_ubuf_t;
void fk_ubuf_init(fk_ubuf_t *u, fake_t *fk, uint64_t badge, uint64_t size);
uint64_t fk_ubuf_bytes(fk_ubuf_t *u, const void *data, uint64_t len);
uint64_t fk_ubuf_str(fk_ubuf_t *u, const char *s);
/* A NULL-terminated array of strings (NULL-terminated host list). */
uint64_t fk_ubuf_strv(fk_ubuf_t *u, const char *const *v);
uint64_t fk_ubuf_zero(fk_ubuf_t *u, uint64_t len);

#endif
