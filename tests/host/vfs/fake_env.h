/* The fake world vfs runs in during host tests: per-process user memory (a flat arena per pid at
 * FAKE_UBASE; anything outside is EFAULT), and records of every reply, console write, signal
 * notice and delegated /proc read vfs makes, plus a settable clock. Also the thin syscall helpers
 * the tests call.
 *
 * Entry points: fake_new, fake_free, fake_alloc, fake_str, fake_ptr, fake_sys, fake_sys_tid,
 * fake_reply_find, fake_console_take, and the t_* syscall wrappers. */
#ifndef FAKE_ENV_H
#define FAKE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lx/errno.h>
#include <lx/fs.h>
#include <lx/termios.h>
#include "vfs.h"
#include "vfs_sysnr.h"

#define FAKE_UBASE   0x10000000ull
#define FAKE_USIZE   (16u << 20)
#define FAKE_MAXPROC 16
#define FAKE_BADADDR 0xdead0000ull   /* never mapped */

typedef struct fake_reply {
    vfs_token_t token;
    int64_t value;
} fake_reply_t;

typedef struct fake_sig {
    int32_t pid, tid;
    int sig;
} fake_sig_t;

typedef struct fake_procfs {   /* a /proc read vfs handed to "procmgr" */
    vfs_token_t token;
    int32_t pid, tid, target;
    uint32_t which;
    uint64_t uaddr, len, off, id;
    struct vfs_proc_facts facts;
} fake_procfs_t;

typedef struct fake_jobctl {   /* a background terminal call vfs handed to "procmgr" */
    vfs_token_t token;
    int32_t pid, tid;
    int sig;
    int32_t eio;
    uint64_t nr, a[6];
} fake_jobctl_t;

/* A memory object of the page cache: host address space reserved for its largest size, the part
 * below its size readable and writable, the rest inaccessible (so vfs touching a window past the
 * object's end crashes the test, as it would fault in the real system). */
#define FAKE_MAXMEM 1024
typedef struct fake_mem {
    bool used;
    uint64_t size;        /* bytes */
    uint64_t committed;   /* pages charged to fk->mem_free_pages */
    uint8_t *base;
    int windows;          /* mem_map without mem_unmap */
} fake_mem_t;

typedef struct fake {
    struct vfs_env env;
    fake_mem_t mems[FAKE_MAXMEM];   /* handle h is mems[h - 1] */
    uint64_t mem_free_pages;  /* what mem_commit may still take (the machine's free memory) */
    int mem_creates, mem_releases;
    int windows, window_limit; /* mem_map windows now, and the most (0: any number) */
    vfs_t *vfs;
    struct {
        int32_t pid;
        uint8_t *mem;
        size_t used;
    } procs[FAKE_MAXPROC];
    fake_reply_t replies[1024];
    size_t nreplies;
    vfs_token_t drops[64];    /* tokens vfs forgot without replying */
    size_t ndrops;
    char console[1 << 16];
    size_t console_len;
    fake_sig_t sigs[64];
    size_t nsigs;
    fake_procfs_t procfs[64];
    size_t nprocfs;
    int procfs_fail;          /* non-zero: the next procfs_read hand-over fails with it */
    fake_jobctl_t jobctl[64];
    size_t njobctl;
    uint32_t next_flags;      /* vfs_req_t flags of the next fake_sys call (then cleared) */
    struct lx_timespec clock;
    uint64_t mono;            /* the monotonic clock, ns (tests move it, then vfs_timer_fired) */
    uint64_t armed;           /* the deadline vfs asked for with timer_arm (0: none) */
    char log[4096];           /* env->log lines, '\n'-separated */
    size_t log_len;
    char klog[256];           /* the kernel log ring's contents (klog_read) */
    uint64_t klog_start;      /* its position since boot */
    vfs_token_t next_token;
    vfs_token_t last_token;   /* token of the latest fake_sys call */
} fake_t;

fake_t *fake_new(void);            /* with a fresh vfs */
int fake_mem_live(fake_t *fk);     /* memory objects vfs holds */
fake_mem_t *fake_mem_of(fake_t *fk, int64_t h);
/* Move the monotonic (and the realtime) clock on by ns and deliver the timer notification vfs
 * asked for, if it is due. */
void fake_advance(fake_t *fk, uint64_t ns);
void fake_free(fake_t *fk);        /* destroys the vfs too */
uint64_t fake_alloc(fake_t *fk, int32_t pid, size_t len);   /* zeroed user buffer */
uint64_t fake_str(fake_t *fk, int32_t pid, const char *s);  /* a user copy of s */
void *fake_ptr(fake_t *fk, int32_t pid, uint64_t uaddr);    /* host view of user memory */
int64_t fake_sys_tid(fake_t *fk, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6]);
#define fake_sys(fk, pid, nr, ...)                                                               \
    fake_sys_tid((fk), (pid), (pid), (nr), (const uint64_t[6]){__VA_ARGS__})
/* A process's group and session changed, as procmgr tells vfs (VFS_L_PROC_IDS). */
void fake_ids(fake_t *fk, int32_t pid, int32_t pgid, int32_t sid);
/* The reply sent for token, if any (removes it from the record so it counts once). */
bool fake_reply_find(fake_t *fk, vfs_token_t token, int64_t *value);
/* The reply sent for token, which must exist (cmocka assertion); and that there is none. */
int64_t fake_reply_of(fake_t *fk, vfs_token_t token);
void fake_no_reply(fake_t *fk, vfs_token_t token);
/* Was token dropped (cancelled without a reply)? */
bool fake_dropped(fake_t *fk, vfs_token_t token);
/* Console output so far as a string, then forgotten. */
const char *fake_console_take(fake_t *fk);

/* cmocka fixtures: *state = a fake with a fresh vfs and process 1 (fds 0-2 on the console).
 * The teardown exits pids 1..FAKE_TEARDOWN_PIDS and fails the test if any open file
 * description is left over (a leak), then frees everything (ASan checks the rest). */
#define FAKE_TEARDOWN_PIDS 64
int fake_setup(void **state);
int fake_teardown(void **state);

/* Syscall wrappers with host-side arguments (paths and buffers are copied in and out). */
int64_t t_open(fake_t *fk, int32_t pid, const char *path, uint32_t flags, uint32_t mode);
int64_t t_openat(fake_t *fk, int32_t pid, int32_t dirfd, const char *path, uint32_t flags,
                 uint32_t mode);
int64_t t_write(fake_t *fk, int32_t pid, int32_t fd, const void *buf, size_t len);
int64_t t_read(fake_t *fk, int32_t pid, int32_t fd, void *buf, size_t len);
int64_t t_close(fake_t *fk, int32_t pid, int32_t fd);
int64_t t_stat(fake_t *fk, int32_t pid, const char *path, struct lx_stat *st);
int64_t t_lstat(fake_t *fk, int32_t pid, const char *path, struct lx_stat *st);
int64_t t_fstat(fake_t *fk, int32_t pid, int32_t fd, struct lx_stat *st);
int64_t t_mkdir(fake_t *fk, int32_t pid, const char *path, uint32_t mode);
int64_t t_symlink(fake_t *fk, int32_t pid, const char *target, const char *path);
int64_t t_readlink(fake_t *fk, int32_t pid, const char *path, char *buf, size_t len);
int64_t t_unlink(fake_t *fk, int32_t pid, const char *path);
int64_t t_rmdir(fake_t *fk, int32_t pid, const char *path);
int64_t t_rename(fake_t *fk, int32_t pid, const char *from, const char *to);
int64_t t_chdir(fake_t *fk, int32_t pid, const char *path);
int64_t t_getcwd(fake_t *fk, int32_t pid, char *buf, size_t len);
int64_t t_pipe(fake_t *fk, int32_t pid, int fds[2], uint32_t flags);
int64_t t_ioctl(fake_t *fk, int32_t pid, int32_t fd, uint32_t cmd, void *arg, size_t len);
/* Write a whole file (O_CREAT|O_TRUNC) and read one back: bytes or -errno. */
int64_t t_put_file(fake_t *fk, int32_t pid, const char *path, const char *text);
int64_t t_get_file(fake_t *fk, int32_t pid, const char *path, char *buf, size_t len);

#endif
