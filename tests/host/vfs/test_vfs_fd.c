/* Host tests of descriptor tables and the process lifecycle: lowest free fd, dup/dup2/dup3/
 * fcntl sharing descriptions, FD_CLOEXEC on exec, the fork-like copy of proc_create, the
 * 1024-descriptor limit, exit releasing everything, and exec_open's rules; one table or one
 * cwd/umask for several processes (CLONE_FILES, CLONE_FS), exec unsharing the table; pidfds
 * (made, named, readable at their process's exit, closed); threads with a table or cwd/umask of
 * their own (CLONE_THREAD without CLONE_FILES or CLONE_FS), fork and exec from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <string.h>
#include <lx/poll.h>
#include "fake_env.h"

#define P 1
#define C 2   /* a child of P */

static int32_t open_ok(fake_t *fk, int32_t pid, const char *path, uint32_t flags)
{
    int64_t fd = t_open(fk, pid, path, flags, 0644);
    assert_true(fd >= 0);
    return (int32_t)fd;
}

static int64_t fcntl_(fake_t *fk, int32_t pid, int32_t fd, uint32_t cmd, uint64_t arg)
{
    return fake_sys(fk, pid, VFS_NR_fcntl, (uint64_t)fd, cmd, arg);
}

static int64_t seek_cur(fake_t *fk, int32_t pid, int32_t fd)
{
    return fake_sys(fk, pid, VFS_NR_lseek, (uint64_t)fd, 0, LX_SEEK_CUR);
}

static void test_first_process_console(void **state)
{
    fake_t *fk = *state;
    /* 0, 1 and 2 are one read-write description of the console */
    assert_int_equal(vfs_open_descriptions(fk->vfs), 1);
    for (int fd = 0; fd < 3; fd++)
        assert_int_equal(fcntl_(fk, P, fd, LX_F_GETFL, 0), LX_O_RDWR | LX_O_LARGEFILE);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, 2, &st), 0);
    assert_int_equal(st.st_rdev, LX_MKDEV(5, 1));
    fake_console_take(fk);
    assert_int_equal(t_write(fk, P, 1, "out", 3), 3);
    assert_int_equal(t_write(fk, P, 2, "err", 3), 3);
    assert_string_equal(fake_console_take(fk), "outerr");
    assert_int_equal(vfs_proc_create(fk->vfs, P, -1), -LX_EEXIST);
    assert_int_equal(vfs_proc_create(fk->vfs, 9, 8), -LX_ESRCH);
}

static void test_lowest_free_and_dup(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "abcdef"), 6);
    int32_t a = open_ok(fk, P, "/tmp/f", LX_O_RDONLY);
    int32_t b = open_ok(fk, P, "/tmp/f", LX_O_RDONLY);
    assert_int_equal(a, 3);
    assert_int_equal(b, 4);
    t_close(fk, P, a);
    assert_int_equal(open_ok(fk, P, "/tmp/f", LX_O_RDONLY), 3);   /* the hole is reused */

    /* dup shares the offset; separate opens do not */
    int64_t d = fake_sys(fk, P, VFS_NR_dup, b);
    assert_int_equal(d, 5);
    char buf[8];
    assert_int_equal(t_read(fk, P, b, buf, 2), 2);
    assert_int_equal(seek_cur(fk, P, (int32_t)d), 2);
    assert_int_equal(t_read(fk, P, (int32_t)d, buf, 2), 2);
    assert_memory_equal(buf, "cd", 2);
    assert_int_equal(seek_cur(fk, P, 3), 0);
    /* ... and status flags */
    assert_int_equal(fcntl_(fk, P, b, LX_F_SETFL, LX_O_NONBLOCK | LX_O_RDWR), 0);
    assert_int_equal(fcntl_(fk, P, (int32_t)d, LX_F_GETFL, 0),
                     LX_O_RDONLY | LX_O_NONBLOCK | LX_O_LARGEFILE);   /* access mode kept */
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 77), -LX_EBADF);

    /* dup2 replaces the target, dup2 onto itself is a check */
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, b, 10), 10);
    assert_int_equal(seek_cur(fk, P, 10), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 3, 10), 10);
    assert_int_equal(seek_cur(fk, P, 10), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 10, 10), 10);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 11, 11), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 10, 1024), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 10, (uint64_t)-1), -LX_EBADF);
    /* dup3 */
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup3, 10, 10, 0), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup3, 10, 12, LX_O_NONBLOCK), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup3, 10, 12, LX_O_CLOEXEC), 12);
    assert_int_equal(fcntl_(fk, P, 12, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(fcntl_(fk, P, 10, LX_F_GETFD, 0), 0);
    /* F_DUPFD picks the lowest free at or above its argument */
    assert_int_equal(fcntl_(fk, P, 3, LX_F_DUPFD, 10), 11);
    assert_int_equal(fcntl_(fk, P, 3, LX_F_DUPFD_CLOEXEC, 0), 6);
    assert_int_equal(fcntl_(fk, P, 6, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(fcntl_(fk, P, 6, LX_F_SETFD, 0), 0);
    assert_int_equal(fcntl_(fk, P, 6, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, P, 3, LX_F_DUPFD, 1024), -LX_EINVAL);
    assert_int_equal(fcntl_(fk, P, 3, 12345, 0), -LX_EINVAL);
    assert_int_equal(fcntl_(fk, P, 99, LX_F_GETFD, 0), -LX_EBADF);
    /* F_SETFL changes only O_APPEND/O_NONBLOCK-like flags */
    assert_int_equal(fcntl_(fk, P, 3, LX_F_SETFL, LX_O_APPEND | LX_O_WRONLY | LX_O_TRUNC), 0);
    assert_int_equal(fcntl_(fk, P, 3, LX_F_GETFL, 0), LX_O_APPEND | LX_O_LARGEFILE);
}

static void test_fd_limit(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    int32_t fd = open_ok(fk, P, "/dev/null", LX_O_RDONLY);
    for (int i = 4; i < 1024; i++)
        assert_int_equal(fake_sys(fk, P, VFS_NR_dup, fd), i);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, fd), -LX_EMFILE);
    assert_int_equal(t_open(fk, P, "/dev/null", LX_O_RDONLY, 0), -LX_EMFILE);
    /* a failed O_CREAT at the limit creates nothing */
    assert_int_equal(t_open(fk, P, "/tmp/new", LX_O_CREAT | LX_O_WRONLY, 0644), -LX_EMFILE);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/tmp/new", &st), -LX_ENOENT);
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), -LX_EMFILE);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base + 1);
    assert_int_equal(t_close(fk, P, 1000), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, fd), 1000);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, fd, 1023), 1023);
}

static void test_fd_limit_follows_rlimit(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 1, 100), 100);   /* under the default */
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, P, 64), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 1, 64), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup3, 1, 70, 0), -LX_EBADF);
    assert_int_equal(fcntl_(fk, P, 1, LX_F_DUPFD, 64), -LX_EINVAL);
    assert_int_equal(fcntl_(fk, P, 100, LX_F_GETFD, 0), 0);   /* already open: kept */
    for (int fd = 3; fd < 64; fd++)
        assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), fd);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), -LX_EMFILE);
    assert_int_equal(t_open(fk, P, "/dev/null", LX_O_RDONLY, 0), -LX_EMFILE);
    /* inherited by a child; raised again, the room comes back */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_dup2, 1, 64), -LX_EBADF);
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, P, 4096), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup2, 1, 3000), 3000);
    assert_int_equal(fake_sys(fk, P, VFS_NR_dup, 1), 64);
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, P, (1 << 20) + 1), -LX_EPERM);
    assert_int_equal(vfs_proc_set_fd_limit(fk->vfs, 77, 64), -LX_ESRCH);
}

static void test_fork_copy_shares_descriptions(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "0123456789"), 10);
    int32_t fd = open_ok(fk, P, "/tmp/f", LX_O_RDONLY);
    int32_t cx = open_ok(fk, P, "/dev/null", LX_O_RDONLY | LX_O_CLOEXEC);
    assert_int_equal(fake_sys(fk, P, VFS_NR_umask, 077), 022);
    assert_int_equal(t_mkdir(fk, P, "/tmp/wd", 0755), 0);
    assert_int_equal(t_chdir(fk, P, "/tmp/wd"), 0);
    uint64_t before = vfs_open_descriptions(fk->vfs);

    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), before);   /* shared, not copied */
    /* the child reads from the shared description: the parent's offset moves */
    char buf[4];
    assert_int_equal(t_read(fk, C, fd, buf, 4), 4);
    assert_int_equal(seek_cur(fk, P, fd), 4);
    /* CLOEXEC bits, cwd and umask are copied */
    assert_int_equal(fcntl_(fk, C, cx, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    char cwd[32];
    assert_int_equal(t_getcwd(fk, C, cwd, sizeof(cwd)), 8);
    assert_string_equal(cwd, "/tmp/wd");
    assert_int_equal(fake_sys(fk, C, VFS_NR_umask, 0), 077);
    /* but the tables are separate from now on */
    assert_int_equal(t_close(fk, C, fd), 0);
    assert_int_equal(seek_cur(fk, P, fd), 4);
    assert_int_equal(t_chdir(fk, C, "/"), 0);
    assert_int_equal(t_getcwd(fk, P, cwd, sizeof(cwd)), 8);
    int32_t own = open_ok(fk, C, "/dev/zero", LX_O_RDONLY);
    assert_int_equal(own, fd);   /* the child's lowest free slot */
    assert_int_equal(fcntl_(fk, P, fd, LX_F_GETFL, 0), LX_O_RDONLY | LX_O_LARGEFILE);

    /* exec closes the CLOEXEC descriptors only */
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);
    assert_int_equal(fcntl_(fk, C, cx, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fcntl_(fk, C, own, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, C, 1, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, P, cx, LX_F_GETFD, 0), LX_FD_CLOEXEC);   /* parent untouched */
    assert_int_equal(vfs_proc_exec(fk->vfs, 77), -LX_ESRCH);

    /* exit releases the child's references */
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(vfs_open_descriptions(fk->vfs), before);
    assert_int_equal(fake_sys(fk, C, VFS_NR_close, 0), -LX_ESRCH);
    vfs_proc_exit(fk->vfs, C);   /* harmless twice */
    t_close(fk, P, fd);
    t_close(fk, P, cx);
    assert_int_equal(vfs_open_descriptions(fk->vfs), before - 2);
}

static void test_exit_releases_everything(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    for (int i = 0; i < 20; i++)
        open_ok(fk, C, "/dev/null", LX_O_RDONLY);
    int fds[2];
    assert_int_equal(t_pipe(fk, C, fds, 0), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base + 22);
    /* an unlinked file held only by the child goes away with it (ASan checks the memory) */
    int32_t f = open_ok(fk, C, "/tmp/tmpfile", LX_O_RDWR | LX_O_CREAT);
    assert_int_equal(t_write(fk, C, f, "data", 4), 4);
    assert_int_equal(t_unlink(fk, C, "/tmp/tmpfile"), 0);
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

static void test_exec_open(void **state)
{
    fake_t *fk = *state;
    struct vfs_file *f = NULL;
    uint64_t size = 0;
    assert_int_equal(t_mkdir(fk, P, "/bin", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/bin/prog", "\177ELF-and-more"), 13);
    assert_int_equal(t_put_file(fk, P, "/bin/data", "plain"), 5);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/bin/prog"), 0100), 0);
    assert_int_equal(t_symlink(fk, P, "prog", "/bin/alias"), 0);
    assert_int_equal(t_symlink(fk, P, "loop", "/bin/loop"), 0);

    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(t_chdir(fk, P, "/bin"), 0);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "alias", &f, &size), 0);   /* relative, link */
    assert_int_equal(size, 13);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base + 1);
    char buf[16];
    assert_int_equal(vfs_file_pread(f, buf, 1, 3), 3);
    assert_memory_equal(buf, "ELF", 3);
    assert_int_equal(vfs_file_pread(f, buf, 10, 16), 3);
    assert_int_equal(vfs_file_pread(f, buf, 13, 16), 0);
    vfs_file_put(f);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);

    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin/data", &f, &size), -LX_EACCES);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin", &f, &size), -LX_EACCES);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/dev/null", &f, &size), -LX_EACCES);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin/none", &f, &size), -LX_ENOENT);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "", &f, &size), -LX_ENOENT);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin/prog/x", &f, &size), -LX_ENOTDIR);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin/loop", &f, &size), -LX_ELOOP);
    char longname[300];
    memset(longname, 'a', 299);
    longname[299] = '\0';
    assert_int_equal(vfs_exec_open(fk->vfs, P, longname, &f, &size), -LX_ENAMETOOLONG);
    assert_int_equal(vfs_exec_open(fk->vfs, 77, "/bin/prog", &f, &size), -LX_ESRCH);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

/* CLONE_FILES: one table for two processes, whoever opens or closes; it outlives one of them;
 * exec gives the exec'ing one a copy before closing its CLOEXEC descriptors. */
static void test_clone_files_one_table(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    int32_t cx = open_ok(fk, P, "/dev/null", LX_O_RDONLY | LX_O_CLOEXEC);
    assert_int_equal(vfs_proc_clone(fk->vfs, C, P, -1, VFS_SHARE_FILES), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base + 1);   /* nothing copied */
    int32_t fd = open_ok(fk, C, "/dev/zero", LX_O_RDONLY);
    assert_int_equal(fcntl_(fk, P, fd, LX_F_GETFD, 0), 0);          /* the child's is ours */
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(fcntl_(fk, C, fd, LX_F_GETFD, 0), -LX_EBADF);  /* and our close is its */
    assert_int_equal(fcntl_(fk, C, cx, LX_F_SETFD, 0), 0);          /* one FD_CLOEXEC bit */
    assert_int_equal(fcntl_(fk, P, cx, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, C, cx, LX_F_SETFD, LX_FD_CLOEXEC), 0);
    /* exec: the child's own copy, then its CLOEXEC closes there only */
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);
    assert_int_equal(fcntl_(fk, C, cx, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fcntl_(fk, P, cx, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(fake_sys(fk, C, VFS_NR_dup2, 1, 40), 40);
    assert_int_equal(fcntl_(fk, P, 40, LX_F_GETFD, 0), -LX_EBADF);   /* separate now */
    vfs_proc_exit(fk->vfs, C);
    /* a table shared by two lives on when one exits */
    assert_int_equal(vfs_proc_clone(fk->vfs, C, P, -1, VFS_SHARE_FILES), 0);
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(fcntl_(fk, P, cx, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(t_close(fk, P, cx), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

/* CLONE_FS: one cwd, root and umask; without it, copies. */
static void test_clone_fs_one_cwd(void **state)
{
    fake_t *fk = *state;
    char cwd[32];
    assert_int_equal(t_mkdir(fk, P, "/tmp/d", 0755), 0);
    assert_int_equal(vfs_proc_clone(fk->vfs, C, P, -1, VFS_SHARE_FS), 0);
    assert_int_equal(vfs_proc_clone(fk->vfs, C + 1, P, -1, 0), 0);
    assert_int_equal(t_chdir(fk, C, "/tmp/d"), 0);
    assert_int_equal(fake_sys(fk, C, VFS_NR_umask, 077), 022);
    assert_int_equal(t_getcwd(fk, P, cwd, sizeof(cwd)), 7);
    assert_string_equal(cwd, "/tmp/d");
    assert_int_equal(fake_sys(fk, P, VFS_NR_umask, 022), 077);
    assert_int_equal(t_getcwd(fk, C + 1, cwd, sizeof(cwd)), 2);   /* the copy did not move */
    assert_string_equal(cwd, "/");
    /* the shared state outlives the child that changed it */
    vfs_proc_exit(fk->vfs, C);
    vfs_proc_exit(fk->vfs, C + 1);
    assert_int_equal(t_getcwd(fk, P, cwd, sizeof(cwd)), 7);
    assert_int_equal(t_chdir(fk, P, "/"), 0);
}

#define T1 50   /* threads of P */
#define T2 51

static int64_t thr_fcntl(fake_t *fk, int32_t tid, int32_t fd, uint32_t cmd, uint64_t arg)
{
    return fake_sys_tid(fk, P, tid, VFS_NR_fcntl, (const uint64_t[6]){(uint64_t)fd, cmd, arg});
}

static int64_t thr_open(fake_t *fk, int32_t tid, const char *path, uint32_t flags)
{
    return fake_sys_tid(fk, P, tid, VFS_NR_open,
                        (const uint64_t[6]){fake_str(fk, P, path), flags, 0644});
}

static int64_t thr_getcwd(fake_t *fk, int32_t tid, char *buf, size_t len)
{
    uint64_t u = fake_alloc(fk, P, len);
    int64_t r = fake_sys_tid(fk, P, tid, VFS_NR_getcwd, (const uint64_t[6]){u, len});
    if (r > 0)
        memcpy(buf, fake_ptr(fk, P, u), (size_t)r);
    return r;
}

/* CLONE_THREAD without CLONE_FILES: the thread's table is a copy of its creator's; opens and
 * closes stay on their side; a thread it makes with CLONE_FILES shares the copy; a thread
 * without a record keeps using the process's. */
static void test_thread_own_table(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    int32_t in = open_ok(fk, P, "/dev/null", LX_O_RDONLY);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T1, P, VFS_SHARE_FS), 0);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T1, P, 0), -LX_EEXIST);
    assert_int_equal(vfs_thread_clone(fk->vfs, 77, T1, 77, 0), -LX_ESRCH);
    int64_t fd = thr_open(fk, T1, "/dev/zero", LX_O_RDONLY);
    assert_true(fd > in);
    assert_int_equal(fcntl_(fk, P, (int32_t)fd, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(thr_fcntl(fk, T1, (int32_t)fd, LX_F_GETFD, 0), 0);
    assert_int_equal(fake_sys_tid(fk, P, T1, VFS_NR_close, (const uint64_t[6]){(uint64_t)in}), 0);
    assert_int_equal(thr_fcntl(fk, T1, in, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fcntl_(fk, P, in, LX_F_GETFD, 0), 0);   /* ours stays open */
    /* T2 from T1 with CLONE_FILES: T1's copy, not the process's */
    /* procmgr's mmap of a descriptor looks in the caller's table */
    struct vfs_map_info mi;
    char name[64];
    assert_int_equal(vfs_mmap_open_thread(fk->vfs, P, T1, (int32_t)fd, false, false, &mi, name,
                                          sizeof name), 0);
    assert_true(mi.zero);
    assert_int_equal(vfs_mmap_open_thread(fk->vfs, P, P, (int32_t)fd, false, false, &mi, name,
                                          sizeof name), -LX_EBADF);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T2, T1, VFS_SHARE_FILES | VFS_SHARE_FS), 0);
    assert_int_equal(thr_fcntl(fk, T2, (int32_t)fd, LX_F_GETFD, 0), 0);
    assert_int_equal(thr_fcntl(fk, T2, in, LX_F_GETFD, 0), -LX_EBADF);
    /* a fork from T1 copies T1's table */
    assert_int_equal(vfs_proc_clone(fk->vfs, C, P, T1, 0), 0);
    assert_int_equal(fcntl_(fk, C, (int32_t)fd, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, C, in, LX_F_GETFD, 0), -LX_EBADF);
    vfs_proc_exit(fk->vfs, C);
    /* a thread without a record (the main one, another sharing one) sees the process's */
    assert_int_equal(fake_sys_tid(fk, P, 52, VFS_NR_fcntl,
                                  (const uint64_t[6]){(uint64_t)fd, LX_F_GETFD}), -LX_EBADF);
    vfs_thread_exit(fk->vfs, P, T1);
    assert_int_equal(thr_fcntl(fk, T2, (int32_t)fd, LX_F_GETFD, 0), 0);   /* T2 still has it */
    vfs_thread_exit(fk->vfs, P, T2);
    vfs_thread_exit(fk->vfs, P, T2);   /* twice: harmless */
    assert_int_equal(t_close(fk, P, in), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

/* A thread's private copy of a pipe's write end: its exit closes it, so the reader gets EOF. */
static void test_thread_exit_closes_its_table(void **state)
{
    fake_t *fk = *state;
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T1, P, VFS_SHARE_FS), 0);
    assert_int_equal(t_close(fk, P, fds[1]), 0);
    char c;
    uint64_t u = fake_alloc(fk, P, 1);
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, (uint64_t)fds[0], u, 1), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    vfs_thread_exit(fk->vfs, P, T1);   /* the last write end goes */
    assert_int_equal(fake_reply_of(fk, tok), 0);
    assert_int_equal(t_read(fk, P, fds[0], &c, 1), 0);
    assert_int_equal(t_close(fk, P, fds[0]), 0);
}

/* CLONE_THREAD without CLONE_FS: chdir and umask stay the thread's; with CLONE_FS from such a
 * thread, its state is shared. */
static void test_thread_own_fs(void **state)
{
    fake_t *fk = *state;
    char cwd[32];
    assert_int_equal(t_mkdir(fk, P, "/tmp/d", 0755), 0);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T1, P, VFS_SHARE_FILES), 0);
    assert_int_equal(fake_sys_tid(fk, P, T1, VFS_NR_chdir,
                                  (const uint64_t[6]){fake_str(fk, P, "/tmp/d")}), 0);
    assert_int_equal(fake_sys_tid(fk, P, T1, VFS_NR_umask, (const uint64_t[6]){077}), 022);
    assert_int_equal(thr_getcwd(fk, T1, cwd, sizeof(cwd)), 7);
    assert_string_equal(cwd, "/tmp/d");
    assert_int_equal(t_getcwd(fk, P, cwd, sizeof(cwd)), 2);
    assert_string_equal(cwd, "/");
    assert_int_equal(fake_sys(fk, P, VFS_NR_umask, 022), 022);
    /* a relative open by T1 starts at its cwd; the table is still the process's */
    int64_t fd = thr_open(fk, T1, "f", LX_O_WRONLY | LX_O_CREAT);
    assert_true(fd >= 0);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/tmp/d/f", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);   /* 0644 & ~077 */
    assert_int_equal(t_close(fk, P, (int32_t)fd), 0);
    /* exec's path from T1 starts at T1's cwd */
    assert_int_equal(t_put_file(fk, P, "/tmp/d/prog", "\177ELF"), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/tmp/d/prog"), 0755), 0);
    struct vfs_file *xf;
    uint64_t size;
    assert_int_equal(vfs_exec_open_thread(fk->vfs, P, T1, "prog", &xf, &size), 0);
    vfs_file_put(xf);
    assert_int_equal(vfs_exec_open_thread(fk->vfs, P, P, "prog", &xf, &size), -LX_ENOENT);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T2, T1, VFS_SHARE_FILES | VFS_SHARE_FS), 0);
    assert_int_equal(thr_getcwd(fk, T2, cwd, sizeof(cwd)), 7);
    vfs_thread_exit(fk->vfs, P, T1);
    vfs_thread_exit(fk->vfs, P, T2);
}

/* exec from a thread with its own table: it becomes the process's (the others' went), then
 * CLOEXEC applies to it. */
static void test_thread_lead_at_exec(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    int32_t keep = open_ok(fk, P, "/dev/null", LX_O_RDONLY);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T1, P, 0), 0);
    assert_int_equal(vfs_thread_clone(fk->vfs, P, T2, P, 0), 0);
    int64_t mine = thr_open(fk, T1, "/dev/zero", LX_O_RDONLY);
    int64_t cx = thr_open(fk, T1, "/dev/zero", LX_O_RDONLY | LX_O_CLOEXEC);
    assert_true(mine >= 0 && cx >= 0);
    assert_int_equal(fake_sys_tid(fk, P, T1, VFS_NR_close, (const uint64_t[6]){(uint64_t)keep}),
                     0);
    vfs_thread_exit(fk->vfs, P, T2);
    vfs_thread_lead(fk->vfs, P, T1);
    assert_int_equal(vfs_proc_exec(fk->vfs, P), 0);
    assert_int_equal(fcntl_(fk, P, (int32_t)mine, LX_F_GETFD, 0), 0);
    assert_int_equal(fcntl_(fk, P, (int32_t)cx, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(fcntl_(fk, P, keep, LX_F_GETFD, 0), -LX_EBADF);
    assert_int_equal(t_close(fk, P, (int32_t)mine), 0);
    /* fds 0-2 are the console's, one description in both tables */
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

static int64_t poll_one(fake_t *fk, int32_t pid, int32_t fd, int timeout)
{
    uint64_t u = fake_alloc(fk, pid, sizeof(struct lx_pollfd));
    struct lx_pollfd pfd = {fd, LX_POLLIN, 0};
    memcpy(fake_ptr(fk, pid, u), &pfd, sizeof pfd);
    return fake_sys(fk, pid, VFS_NR_poll, u, 1, (uint64_t)(int64_t)timeout);
}

/* pidfds: what procmgr asks for and asks about; readable once vfs_proc_exit names the pid. */
static void test_pidfds(void **state)
{
    fake_t *fk = *state;
    uint64_t base = vfs_open_descriptions(fk->vfs);
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    int64_t fd = vfs_pidfd_open(fk->vfs, P, C, 77, false, false);
    assert_true(fd >= 3);
    int64_t nb = vfs_pidfd_open(fk->vfs, P, C, 77, true, false);
    assert_true(nb > fd);
    assert_int_equal(fcntl_(fk, P, (int32_t)fd, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    assert_int_equal(fcntl_(fk, P, (int32_t)nb, LX_F_GETFL, 0) & LX_O_NONBLOCK, LX_O_NONBLOCK);
    int32_t target = 0;
    uint64_t serial = 0;
    bool nonblock = true;
    assert_int_equal(vfs_pidfd_get(fk->vfs, P, (int32_t)fd, &target, &serial, &nonblock), 0);
    assert_int_equal(target, C);
    assert_int_equal(serial, 77);
    assert_false(nonblock);
    assert_int_equal(vfs_pidfd_get(fk->vfs, P, (int32_t)nb, &target, &serial, &nonblock), 0);
    assert_true(nonblock);
    assert_int_equal(vfs_pidfd_get(fk->vfs, P, 0, &target, &serial, &nonblock), -LX_EBADF);
    assert_int_equal(vfs_pidfd_get(fk->vfs, P, 500, &target, &serial, &nonblock), -LX_EBADF);
    assert_int_equal(vfs_pidfd_get(fk->vfs, 77, (int32_t)fd, &target, &serial, &nonblock),
                     -LX_EBADF);
    assert_int_equal(vfs_pidfd_open(fk->vfs, 77, C, 77, false, false), -LX_ESRCH);
    /* inherited by a fork-like copy, as any descriptor */
    assert_int_equal(vfs_proc_create(fk->vfs, C + 1, P), 0);
    assert_int_equal(vfs_pidfd_get(fk->vfs, C + 1, (int32_t)fd, &target, &serial, &nonblock), 0);
    vfs_proc_exit(fk->vfs, C + 1);
    /* alive: not readable; a poll waits, and the exit wakes it */
    char c;
    assert_int_equal(t_read(fk, P, (int32_t)fd, &c, 1), -LX_EINVAL);
    assert_int_equal(poll_one(fk, P, (int32_t)fd, 0), 0);
    assert_int_equal(poll_one(fk, P, (int32_t)fd, -1), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(fake_reply_of(fk, tok), 1);
    assert_int_equal(poll_one(fk, P, (int32_t)nb, 0), 1);
    /* made for a process that is gone already: readable at once */
    int64_t late = vfs_pidfd_open(fk->vfs, P, 99, 5, false, true);
    assert_int_equal(poll_one(fk, P, (int32_t)late, 0), 1);
    char link[32];
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", (int)late);
    assert_int_equal(t_readlink(fk, P, path, link, sizeof link), 18);
    assert_memory_equal(link, "anon_inode:[pidfd]", 18);
    assert_int_equal(vfs_proc_fd_close(fk->vfs, P, (int32_t)late), 0);
    assert_int_equal(vfs_proc_fd_close(fk->vfs, P, (int32_t)late), -LX_EBADF);
    t_close(fk, P, (int32_t)fd);
    t_close(fk, P, (int32_t)nb);
    assert_int_equal(vfs_open_descriptions(fk->vfs), base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_process_console, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_lowest_free_and_dup, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fd_limit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fd_limit_follows_rlimit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fork_copy_shares_descriptions, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_exit_releases_everything, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_exec_open, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_clone_files_one_table, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_clone_fs_one_cwd, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_pidfds, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_thread_own_table, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_thread_exit_closes_its_table, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_thread_own_fs, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_thread_lead_at_exec, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_fd", tests, NULL, NULL));
}
