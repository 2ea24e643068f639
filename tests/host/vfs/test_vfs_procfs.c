/* Host tests of /proc as vfs keeps it: the /proc listing follows vfs_proc_create/exit,
 * /proc/<pid>/ holds stat, cmdline and comm (0444, size 0), /proc/self names the caller, and a
 * read of a /proc/<pid>/ file is handed to procmgr (env->procfs_read) with the reader's token,
 * answered by nobody in vfs, and moves the file position only when vfs_procfs_done reports the
 * count. Also: ESRCH once the process is gone, and names in /proc cannot be made or removed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proto/pm_vfs.h"
#include "fake_env.h"

#define P 1
/* what /proc has besides sys, kstat, self and the pids; what each /proc/<pid>/ has */
#define PROC_FILES "meminfo stat uptime loadavg cpuinfo mounts"
#define PID_FILES "stat cmdline comm maps status exe fd mounts"

static int32_t open_ok(fake_t *fk, int32_t pid, const char *path)
{
    int64_t fd = t_open(fk, pid, path, LX_O_RDONLY, 0);
    assert_true(fd >= 0);
    return (int32_t)fd;
}

/* The names of a directory in getdents64 order, joined by ' ' ("." and ".." left out). */
static void list_dir(fake_t *fk, int32_t pid, const char *path, char *out, size_t outlen)
{
    int64_t fd = t_open(fk, pid, path, LX_O_RDONLY | LX_O_DIRECTORY, 0);
    assert_true(fd >= 0);
    uint64_t u = fake_alloc(fk, pid, 512);
    out[0] = '\0';
    for (;;) {
        int64_t n = fake_sys(fk, pid, VFS_NR_getdents64, (uint64_t)fd, u, 512);
        assert_true(n >= 0);
        if (n == 0)
            break;
        const uint8_t *p = fake_ptr(fk, pid, u);
        for (int64_t off = 0; off < n;) {
            const struct lx_linux_dirent64 *d = (const void *)(p + off);
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
                if (out[0])
                    strncat(out, " ", outlen - strlen(out) - 1);
                strncat(out, d->d_name, outlen - strlen(out) - 1);
            }
            off += d->d_reclen;
        }
    }
    assert_int_equal(t_close(fk, pid, (int32_t)fd), 0);
}

/* Starts a read(fd, len) that must be handed over; returns the hand-over record. */
static fake_procfs_t *read_handed(fake_t *fk, int32_t pid, int32_t fd, uint64_t len)
{
    size_t before = fk->nprocfs;
    uint64_t u = fake_alloc(fk, pid, len ? len : 1);
    assert_int_equal(fake_sys(fk, pid, VFS_NR_read, (uint64_t)fd, u, len), VFS_SUSPEND);
    assert_int_equal(fk->nprocfs, before + 1);
    fake_procfs_t *r = &fk->procfs[before];
    assert_int_equal(r->token, fk->last_token);
    assert_int_equal(r->uaddr, u);
    assert_int_equal(r->len, len);
    return r;
}

static int64_t lseek_cur(fake_t *fk, int32_t pid, int32_t fd)
{
    return fake_sys(fk, pid, VFS_NR_lseek, (uint64_t)fd, 0, LX_SEEK_CUR);
}

static void test_listing_follows_processes(void **state)
{
    fake_t *fk = *state;
    char names[256];
    list_dir(fk, P, "/proc", names, sizeof(names));
    assert_string_equal(names, "sys kstat self " PROC_FILES " 1");
    assert_int_equal(vfs_proc_create(fk->vfs, 2, 1), 0);
    assert_int_equal(vfs_proc_create(fk->vfs, 30, 2), 0);
    list_dir(fk, P, "/proc", names, sizeof(names));
    assert_string_equal(names, "sys kstat self " PROC_FILES " 1 2 30");
    list_dir(fk, P, "/proc/30", names, sizeof(names));
    assert_string_equal(names, PID_FILES);
    vfs_proc_exit(fk->vfs, 2);
    list_dir(fk, P, "/proc", names, sizeof(names));
    assert_string_equal(names, "sys kstat self " PROC_FILES " 1 30");
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/proc/2", &st), -LX_ENOENT);
    assert_int_equal(t_stat(fk, P, "/proc/2/stat", &st), -LX_ENOENT);
    /* a failed creation leaves no directory behind */
    assert_int_equal(vfs_proc_create(fk->vfs, 5, 77), -LX_ESRCH);
    assert_int_equal(t_stat(fk, P, "/proc/5", &st), -LX_ENOENT);
    assert_int_equal(vfs_proc_create(fk->vfs, 30, 1), -LX_EEXIST);
    assert_int_equal(t_stat(fk, P, "/proc/30/comm", &st), 0);
}

static void test_stat_of_proc_files(void **state)
{
    fake_t *fk = *state;
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/proc/1", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 0555);
    const char *files[] = {"/proc/1/stat", "/proc/1/cmdline", "/proc/1/comm"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(t_stat(fk, P, files[i], &st), 0);
        assert_int_equal(st.st_mode, LX_S_IFREG | 0444);
        assert_int_equal(st.st_size, 0);   /* as Linux: the text is made at read time */
        assert_int_equal(st.st_nlink, 1);
    }
    /* writing is refused; reading opens fine */
    assert_int_equal(t_open(fk, P, "/proc/1/stat", LX_O_WRONLY, 0), -LX_EACCES);
    assert_int_equal(t_open(fk, P, "/proc/1/comm", LX_O_RDWR, 0), -LX_EACCES);
    int32_t fd = open_ok(fk, P, "/proc/1/comm");
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 0444);
    assert_int_equal(t_write(fk, P, fd, "x", 1), -LX_EBADF);
    t_close(fk, P, fd);
}

static void test_self_is_the_caller(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_create(fk->vfs, 42, P), 0);
    char buf[32];
    assert_int_equal(t_readlink(fk, P, "/proc/self", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "1");
    assert_int_equal(t_readlink(fk, 42, "/proc/self", buf, sizeof(buf)), 2);
    assert_string_equal(buf, "42");
    assert_int_equal(t_readlink(fk, 42, "/proc/self", buf, 1), 1);   /* truncated */
    assert_memory_equal(buf, "4", 1);
    struct lx_stat st, st2;
    assert_int_equal(t_lstat(fk, 42, "/proc/self", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFLNK | 0777);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(t_stat(fk, 42, "/proc/self", &st), 0);
    assert_int_equal(t_stat(fk, 42, "/proc/42", &st2), 0);
    assert_int_equal(st.st_ino, st2.st_ino);
    assert_int_equal(t_stat(fk, P, "/proc/self", &st), 0);
    assert_true(st.st_ino != st2.st_ino);
    /* a read through /proc/self is a read of the caller's own files */
    int32_t fd = open_ok(fk, 42, "/proc/self/stat");
    fake_procfs_t *r = read_handed(fk, 42, fd, 100);
    assert_int_equal(r->pid, 42);
    assert_int_equal(r->target, 42);
    assert_int_equal(r->which, VFS_PROCFS_STAT);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 0), 0);
    t_close(fk, 42, fd);
    /* relative paths through it, and chdir into it */
    assert_int_equal(t_chdir(fk, 42, "/proc/self"), 0);
    assert_int_equal(t_getcwd(fk, 42, buf, sizeof(buf)), 9);
    assert_string_equal(buf, "/proc/42");
    assert_int_equal(t_stat(fk, 42, "comm", &st), 0);
    assert_int_equal(t_chdir(fk, 42, "/"), 0);
}

/* The read is not answered by vfs; the position moves only by what procmgr reports. */
static void test_read_is_delegated(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_create(fk->vfs, 7, P), 0);
    int32_t fd = open_ok(fk, P, "/proc/7/cmdline");
    size_t replies = fk->nreplies;
    fake_procfs_t *r = read_handed(fk, P, fd, 64);
    fake_procfs_t first = *r;
    assert_int_equal(first.pid, P);
    assert_int_equal(first.tid, P);
    assert_int_equal(first.target, 7);
    assert_int_equal(first.which, VFS_PROCFS_CMDLINE);
    assert_int_equal(first.off, 0);
    assert_int_equal(fk->nreplies, replies);   /* vfs itself never answers it */
    assert_false(fake_dropped(fk, first.token));
    /* not advanced until procmgr reports */
    assert_int_equal(lseek_cur(fk, P, fd), 0);
    assert_int_equal(vfs_procfs_done(fk->vfs, first.id, 10), 0);
    assert_int_equal(lseek_cur(fk, P, fd), 10);
    assert_int_equal(vfs_procfs_done(fk->vfs, first.id, 10), -LX_ENOENT);   /* once only */
    assert_int_equal(lseek_cur(fk, P, fd), 10);
    /* the next read starts there; an error (count 0) leaves the position */
    r = read_handed(fk, P, fd, 64);
    assert_int_equal(r->off, 10);
    assert_true(r->id != first.id);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 0), 0);
    assert_int_equal(lseek_cur(fk, P, fd), 10);
    /* pread: its own offset, and the position stays */
    uint64_t u = fake_alloc(fk, P, 16);
    assert_int_equal(fake_sys(fk, P, VFS_NR_pread64, (uint64_t)fd, u, 16, 3), VFS_SUSPEND);
    r = &fk->procfs[fk->nprocfs - 1];
    assert_int_equal(r->off, 3);
    assert_int_equal(r->len, 16);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 5), 0);
    assert_int_equal(lseek_cur(fk, P, fd), 10);
    /* lseek back to 0 for a re-read, as Linux's seq files allow */
    assert_int_equal(fake_sys(fk, P, VFS_NR_lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
    r = read_handed(fk, P, fd, 8);
    assert_int_equal(r->off, 0);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 8), 0);
    assert_int_equal(lseek_cur(fk, P, fd), 8);
    /* a zero-length read is answered at once, nothing handed over */
    size_t n = fk->nprocfs;
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, (uint64_t)fd, fake_alloc(fk, P, 1), 0), 0);
    assert_int_equal(fk->nprocfs, n);
    t_close(fk, P, fd);
}

/* readv hands over its first non-empty segment (a short read, as procfs may give). */
static void test_readv_first_segment(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, P, "/proc/1/stat");
    uint64_t b1 = fake_alloc(fk, P, 32), b2 = fake_alloc(fk, P, 32);
    struct lx_iovec iov[3] = {{b1, 0}, {b2, 20}, {b1, 32}};
    uint64_t uiov = fake_alloc(fk, P, sizeof(iov));
    memcpy(fake_ptr(fk, P, uiov), iov, sizeof(iov));
    assert_int_equal(fake_sys(fk, P, VFS_NR_readv, (uint64_t)fd, uiov, 3), VFS_SUSPEND);
    fake_procfs_t *r = &fk->procfs[fk->nprocfs - 1];
    assert_int_equal(r->uaddr, b2);
    assert_int_equal(r->len, 20);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 20), 0);
    assert_int_equal(lseek_cur(fk, P, fd), 20);
    t_close(fk, P, fd);
}

/* The description outlives a close while procmgr holds the read; nothing leaks (teardown). */
static void test_close_while_handed_over(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, P, "/proc/1/comm");
    uint64_t files = vfs_open_descriptions(fk->vfs);
    fake_procfs_t *r = read_handed(fk, P, fd, 16);
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), files);   /* still held by the read */
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 5), 0);
    assert_int_equal(vfs_open_descriptions(fk->vfs), files - 1);
}

static void test_gone_process_is_esrch(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_create(fk->vfs, 9, P), 0);
    int32_t fd = open_ok(fk, P, "/proc/9/stat");
    vfs_proc_exit(fk->vfs, 9);
    size_t n = fk->nprocfs;
    char buf[16];
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), -LX_ESRCH);
    assert_int_equal(fk->nprocfs, n);   /* not handed over */
    /* a new process with the same pid does not revive the old file */
    assert_int_equal(vfs_proc_create(fk->vfs, 9, P), 0);
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), -LX_ESRCH);
    t_close(fk, P, fd);
    fd = open_ok(fk, P, "/proc/9/stat");
    fake_procfs_t *r = read_handed(fk, P, fd, 16);
    assert_int_equal(r->target, 9);
    assert_int_equal(vfs_procfs_done(fk->vfs, r->id, 0), 0);
    t_close(fk, P, fd);
}

static void test_hand_over_failure(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, P, "/proc/1/stat");
    uint64_t files = vfs_open_descriptions(fk->vfs);
    fk->procfs_fail = -LX_ENOMEM;
    char buf[16];
    assert_int_equal(t_read(fk, P, fd, buf, sizeof(buf)), -LX_ENOMEM);
    assert_int_equal(vfs_open_descriptions(fk->vfs), files);   /* no record kept */
    assert_int_equal(lseek_cur(fk, P, fd), 0);
    t_close(fk, P, fd);
}

static void test_names_are_fixed(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_mkdir(fk, P, "/proc/x", 0755), -LX_EPERM);
    assert_int_equal(t_mkdir(fk, P, "/proc/1/x", 0755), -LX_EPERM);
    assert_int_equal(t_mkdir(fk, P, "/proc/1", 0755), -LX_EEXIST);
    assert_int_equal(t_open(fk, P, "/proc/x", LX_O_WRONLY | LX_O_CREAT, 0644), -LX_EACCES);
    assert_int_equal(t_symlink(fk, P, "/tmp", "/proc/1/l"), -LX_EPERM);
    assert_int_equal(t_unlink(fk, P, "/proc/1/stat"), -LX_EPERM);
    assert_int_equal(t_unlink(fk, P, "/proc/self"), -LX_EPERM);
    assert_int_equal(t_unlink(fk, P, "/proc/sys/fs/file-nr"), -LX_EPERM);
    assert_int_equal(t_rmdir(fk, P, "/proc/1"), -LX_EPERM);
    assert_int_equal(t_rmdir(fk, P, "/proc"), -LX_EPERM);
    assert_int_equal(t_rename(fk, P, "/proc/1", "/tmp/one"), -LX_EPERM);
    assert_int_equal(t_rename(fk, P, "/proc", "/tmp/p"), -LX_EPERM);
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "x"), 1);
    assert_int_equal(t_rename(fk, P, "/tmp/f", "/proc/1/comm"), -LX_EPERM);
    assert_int_equal(t_rename(fk, P, "/tmp/f", "/proc/new"), -LX_EPERM);
    assert_int_equal(fake_sys(fk, P, VFS_NR_link, fake_str(fk, P, "/proc/1/stat"),
                              fake_str(fk, P, "/tmp/st")),
                     -LX_EXDEV);
    char names[128];
    list_dir(fk, P, "/proc/1", names, sizeof(names));
    assert_string_equal(names, PID_FILES);
    assert_int_equal(t_unlink(fk, P, "/tmp/f"), 0);
}

/* An open /proc/<pid> directory outlives its process, empty. */
static void test_open_dir_of_gone_process(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(vfs_proc_create(fk->vfs, 11, P), 0);
    int64_t fd = t_open(fk, P, "/proc/11", LX_O_RDONLY | LX_O_DIRECTORY, 0);
    assert_true(fd >= 0);
    assert_int_equal(t_chdir(fk, 11, "/proc/11"), 0);
    vfs_proc_exit(fk->vfs, 11);
    uint64_t u = fake_alloc(fk, P, 256);
    assert_int_equal(fake_sys(fk, P, VFS_NR_getdents64, (uint64_t)fd, u, 256), -LX_ENOENT);
    t_close(fk, P, (int32_t)fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing_follows_processes, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_stat_of_proc_files, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_self_is_the_caller, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_read_is_delegated, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_readv_first_segment, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_close_while_handed_over, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_gone_process_is_esrch, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_hand_over_failure, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_names_are_fixed, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_open_dir_of_gone_process, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_procfs", tests, NULL, NULL));
}
