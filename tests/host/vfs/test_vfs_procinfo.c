/* Host tests of the /proc files vfs makes itself and of the file-system calls around them:
 * /proc/meminfo, stat, uptime, loadavg, cpuinfo and mounts in Linux's formats (from the fake's
 * fixed machine facts), /proc/<pid>/fd (links per open descriptor, followed to the file itself),
 * /proc/<pid>/exe (what exec committed), maps handed to procmgr, statfs/fstatfs, chroot, and
 * syslog(2) over the kernel log ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <string.h>
#include <lx/statfs.h>
#include "proto/pm_vfs.h"
#include "fake_env.h"

#define P 1
#define C 2

static void get_file(fake_t *fk, int32_t pid, const char *path, char *buf, size_t len)
{
    assert_true(t_get_file(fk, pid, path, buf, len) > 0);
}

static void test_meminfo_stat_uptime_loadavg(void **state)
{
    fake_t *fk = *state;
    char buf[4096];
    get_file(fk, P, "/proc/meminfo", buf, sizeof buf);
    /* 64 MiB total, 16 MiB free: "Name:" to column 16, kB right-aligned in 8 columns */
    assert_non_null(strstr(buf, "MemTotal:          65536 kB\n"));
    assert_non_null(strstr(buf, "MemFree:           16384 kB\n"));
    assert_non_null(strstr(buf, "MemAvailable:      16384 kB\n"));
    assert_non_null(strstr(buf, "Buffers:               0 kB\n"));
    assert_non_null(strstr(buf, "SwapTotal:             0 kB\n"));
    assert_non_null(strstr(buf, "SwapFree:              0 kB\n"));
    assert_true(strncmp(buf, "MemTotal:", 9) == 0);
    /* what files hold shows as Cached */
    char before[64], after[64];
    const char *cached = strstr(buf, "Cached:");
    assert_non_null(cached);
    memcpy(before, cached, 28);
    before[28] = 0;
    char big[8192];
    memset(big, 'x', sizeof big);
    int64_t fd = t_open(fk, P, "/tmp/big", LX_O_WRONLY | LX_O_CREAT, 0600);
    assert_int_equal(t_write(fk, P, (int32_t)fd, big, sizeof big), (int64_t)sizeof big);
    t_close(fk, P, (int32_t)fd);
    get_file(fk, P, "/proc/meminfo", buf, sizeof buf);
    memcpy(after, strstr(buf, "Cached:"), 28);
    after[28] = 0;
    assert_string_not_equal(before, after);

    get_file(fk, P, "/proc/stat", buf, sizeof buf);
    assert_true(strncmp(buf, "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n", 50) == 0);
    assert_non_null(strstr(buf, "\nctxt 4321\n"));
    /* boot time: the wall clock minus the 5 s since boot */
    char bt[32];
    snprintf(bt, sizeof bt, "\nbtime %lld\n", (long long)fk->clock.tv_sec - 5);
    assert_non_null(strstr(buf, bt));
    assert_non_null(strstr(buf, "\nprocesses 1\n"));
    assert_non_null(strstr(buf, "\nprocs_running 1\n"));
    assert_non_null(strstr(buf, "\nprocs_blocked 0\n"));

    fake_advance(fk, 1230000000ull);
    get_file(fk, P, "/proc/uptime", buf, sizeof buf);
    assert_string_equal(buf, "6.23 0.00\n");

    assert_int_equal(vfs_proc_create(fk->vfs, 7, P), 0);
    get_file(fk, P, "/proc/loadavg", buf, sizeof buf);
    assert_string_equal(buf, "0.00 0.00 0.00 2/2 7\n");
    vfs_proc_exit(fk->vfs, 7);
}

static void test_cpuinfo_mounts(void **state)
{
    fake_t *fk = *state;
    char buf[4096];
    get_file(fk, P, "/proc/cpuinfo", buf, sizeof buf);
    assert_true(strncmp(buf, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
                             "model\t\t: 58\nmodel name\t: Fake CPU @ 2.00GHz\nstepping\t: 9\n"
                             "cpu MHz\t\t: 2000.000\ncache size\t: 4096 KB\n",
                        150) == 0);
    assert_non_null(strstr(buf, "\nflags\t\t: fpu tsc sse2 syscall lm hypervisor\n"));
    assert_non_null(strstr(buf, "\nbogomips\t: 4000.00\n"));
    assert_non_null(strstr(buf, "\nclflush size\t: 64\n"));
    assert_non_null(strstr(buf, "\naddress sizes\t: 40 bits physical, 48 bits virtual\n"));
    assert_int_equal(buf[strlen(buf) - 2], '\n');   /* a blank line ends the processor */

    static const char mounts[] = "tmpfs / tmpfs rw 0 0\n"
                                 "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n";
    get_file(fk, P, "/proc/mounts", buf, sizeof buf);
    assert_string_equal(buf, mounts);
    get_file(fk, P, "/proc/self/mounts", buf, sizeof buf);
    assert_string_equal(buf, mounts);
    char link[32];
    assert_int_equal(t_readlink(fk, P, "/proc/mounts", link, sizeof link), 11);
    assert_string_equal(link, "self/mounts");
}

static void test_fd_dir(void **state)
{
    fake_t *fk = *state;
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);   /* 3, 4 */
    assert_int_equal(t_mkdir(fk, P, "/tmp/d", 0755), 0);
    int64_t f = t_open(fk, P, "/tmp/d/file", LX_O_WRONLY | LX_O_CREAT, 0600);   /* 5 */
    int64_t d = t_open(fk, P, "/tmp/d", LX_O_RDONLY | LX_O_DIRECTORY, 0);      /* 6 */
    int64_t e = fake_sys(fk, P, VFS_NR_eventfd2, 0, 0);                         /* 7 */
    assert_int_equal(f, 5);
    assert_int_equal(e, 7);
    char link[64], want[32];
    assert_int_equal(t_readlink(fk, P, "/proc/self/fd/0", link, sizeof link), 12);
    assert_string_equal(link, "/dev/console");
    snprintf(want, sizeof want, "pipe:[%llu]", 0ull);
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, a[0], &st), 0);
    snprintf(want, sizeof want, "pipe:[%llu]", (unsigned long long)st.st_ino);
    assert_true(t_readlink(fk, P, "/proc/1/fd/3", link, sizeof link) > 0);
    assert_string_equal(link, want);
    assert_true(t_readlink(fk, P, "/proc/self/fd/5", link, sizeof link) > 0);
    assert_string_equal(link, "/tmp/d/file");
    assert_true(t_readlink(fk, P, "/proc/self/fd/6", link, sizeof link) > 0);
    assert_string_equal(link, "/tmp/d");
    assert_true(t_readlink(fk, P, "/proc/self/fd/7", link, sizeof link) > 0);
    assert_string_equal(link, "anon_inode:[eventfd]");
    /* modes: read-write, read-only, write-only */
    assert_int_equal(t_lstat(fk, P, "/proc/self/fd/0", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFLNK | 0700);
    assert_int_equal(t_lstat(fk, P, "/proc/self/fd/3", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFLNK | 0500);
    assert_int_equal(t_lstat(fk, P, "/proc/self/fd/4", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFLNK | 0300);
    /* following goes to the file itself, even once it has no name */
    assert_int_equal(t_unlink(fk, P, "/tmp/d/file"), 0);
    assert_true(t_readlink(fk, P, "/proc/self/fd/5", link, sizeof link) > 0);
    assert_non_null(strstr(link, "(deleted)"));
    assert_int_equal(t_write(fk, P, (int32_t)f, "hello", 5), 5);
    char buf[16];
    assert_int_equal(t_get_file(fk, P, "/proc/self/fd/5", buf, sizeof buf), 5);
    assert_string_equal(buf, "hello");
    /* the listing follows the table; a closed fd is gone */
    assert_int_equal(t_close(fk, P, a[1]), 0);
    assert_int_equal(t_stat(fk, P, "/proc/self/fd/4", &st), -LX_ENOENT);
    assert_int_equal(t_readlink(fk, P, "/proc/self/fd/4", link, sizeof link), -LX_ENOENT);
    int64_t dfd = t_open(fk, P, "/proc/self/fd", LX_O_RDONLY | LX_O_DIRECTORY, 0);   /* 4 */
    uint64_t u = fake_alloc(fk, P, 1024);
    int64_t n = fake_sys(fk, P, VFS_NR_getdents64, dfd, u, 1024);
    assert_true(n > 0);
    char names[128] = "";
    const uint8_t *pb = fake_ptr(fk, P, u);
    for (int64_t off = 0; off < n;) {
        const struct lx_linux_dirent64 *de = (const void *)(pb + off);
        strcat(names, de->d_name);
        strcat(names, " ");
        off += de->d_reclen;
    }
    assert_string_equal(names, ". .. 0 1 2 3 4 5 6 7 ");
    assert_int_equal(t_unlink(fk, P, "/proc/self/fd/3"), -LX_EPERM);
    t_close(fk, P, (int32_t)dfd);
    t_close(fk, P, (int32_t)e);
    t_close(fk, P, (int32_t)d);
    t_close(fk, P, (int32_t)f);
    t_close(fk, P, a[0]);
    /* another process's fds, and a process that is gone */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_readlink(fk, P, "/proc/2/fd/1", link, sizeof link), 12);
    vfs_proc_exit(fk->vfs, C);
    assert_int_equal(t_readlink(fk, P, "/proc/2/fd/1", link, sizeof link), -LX_ENOENT);
}

static void test_exe_and_maps(void **state)
{
    fake_t *fk = *state;
    char link[64];
    assert_int_equal(t_readlink(fk, P, "/proc/self/exe", link, sizeof link), -LX_ENOENT);
    assert_int_equal(t_mkdir(fk, P, "/bin", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/bin/prog", "\177ELF"), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/bin/prog"), 0755), 0);
    assert_int_equal(t_symlink(fk, P, "/bin/prog", "/bin/alias"), 0);
    assert_int_equal(t_chdir(fk, P, "/bin"), 0);
    struct vfs_file *f;
    uint64_t size;
    /* the first process has no exec commit (procmgr loads it): its exe is what it opened, by a
     * relative path through a symlink: exe shows where the file really is */
    assert_int_equal(vfs_exec_open(fk->vfs, P, "alias", &f, &size), 0);
    vfs_file_put(f);
    assert_int_equal(t_readlink(fk, P, "/proc/self/exe", link, sizeof link), 9);
    assert_string_equal(link, "/bin/prog");
    /* a clone runs the same program; following exe reaches the file */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_readlink(fk, C, "/proc/self/exe", link, sizeof link), 9);
    char buf[8];
    assert_int_equal(t_get_file(fk, C, "/proc/self/exe", buf, sizeof buf), 4);
    /* an exec of /proc/self/exe (busybox running an applet) runs the same file: exe shows the
     * file's own path, not the magic link's */
    assert_int_equal(vfs_exec_open(fk->vfs, C, "/proc/self/exe", &f, &size), 0);
    vfs_file_put(f);
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);
    assert_int_equal(t_readlink(fk, C, "/proc/self/exe", link, sizeof link), 9);
    assert_string_equal(link, "/bin/prog");
    assert_int_equal(vfs_exec_open(fk->vfs, C, "/proc/1/exe", &f, &size), 0);
    vfs_file_put(f);
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);
    assert_int_equal(t_readlink(fk, C, "/proc/2/exe", link, sizeof link), 9);
    assert_string_equal(link, "/bin/prog");
    /* its own exec changes exe only when it commits */
    assert_int_equal(t_put_file(fk, P, "/bin/other", "\177ELF"), 4);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/bin/other"), 0755), 0);
    assert_int_equal(vfs_exec_open(fk->vfs, C, "/bin/other", &f, &size), 0);
    vfs_file_put(f);
    assert_int_equal(t_readlink(fk, C, "/proc/self/exe", link, sizeof link), 9);
    assert_string_equal(link, "/bin/prog");
    assert_int_equal(vfs_proc_exec(fk->vfs, C), 0);   /* the commit */
    assert_int_equal(t_readlink(fk, C, "/proc/2/exe", link, sizeof link), 10);
    assert_string_equal(link, "/bin/other");
    /* deleted: Linux's suffix */
    assert_int_equal(t_unlink(fk, P, "/bin/other"), 0);
    assert_int_equal(t_readlink(fk, P, "/proc/2/exe", link, sizeof link), 20);
    assert_string_equal(link, "/bin/other (deleted)");
    vfs_proc_exit(fk->vfs, C);
    /* maps is procmgr's text: the read is handed over */
    int64_t fd = t_open(fk, P, "/proc/self/maps", LX_O_RDONLY, 0);
    uint64_t u = fake_alloc(fk, P, 64);
    assert_int_equal(fake_sys(fk, P, VFS_NR_read, fd, u, 64), VFS_SUSPEND);
    assert_int_equal(fk->procfs[fk->nprocfs - 1].which, VFS_PROCFS_MAPS);
    assert_int_equal(vfs_procfs_done(fk->vfs, fk->procfs[fk->nprocfs - 1].id, 0), 0);
    t_close(fk, P, (int32_t)fd);
}

/* /proc has its own st_dev, as on Linux (busybox df finds a path's mount by st_dev) */
static void test_proc_st_dev(void **state)
{
    fake_t *fk = *state;
    struct lx_stat root, proc, meminfo, exe, fst;
    assert_int_equal(t_stat(fk, P, "/", &root), 0);
    assert_int_equal(t_stat(fk, P, "/proc", &proc), 0);
    assert_int_equal(t_stat(fk, P, "/proc/meminfo", &meminfo), 0);
    assert_int_equal(t_lstat(fk, P, "/proc/self/exe", &exe), 0);
    assert_int_not_equal(root.st_dev, proc.st_dev);
    assert_int_equal(proc.st_dev, meminfo.st_dev);
    assert_int_equal(proc.st_dev, exe.st_dev);
    int64_t fd = t_open(fk, P, "/proc/meminfo", LX_O_RDONLY, 0);
    assert_true(fd >= 0);
    assert_int_equal(t_fstat(fk, P, (int32_t)fd, &fst), 0);
    assert_int_equal(fst.st_dev, proc.st_dev);
    t_close(fk, P, (int32_t)fd);
}

static void test_statfs_chroot(void **state)
{
    fake_t *fk = *state;
    struct lx_statfs st;
    uint64_t u = fake_alloc(fk, P, sizeof st);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/tmp"), u), 0);
    memcpy(&st, fake_ptr(fk, P, u), sizeof st);
    assert_int_equal(st.f_type, LX_TMPFS_MAGIC);
    assert_int_equal(st.f_bsize, 4096);
    assert_int_equal(st.f_blocks, (64u << 20) / 4096 / 2);   /* tmpfs: half the RAM */
    assert_true(st.f_bfree <= st.f_blocks && st.f_bavail == st.f_bfree);
    assert_int_equal(st.f_namelen, 255);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/proc/self"), u), 0);
    memcpy(&st, fake_ptr(fk, P, u), sizeof st);
    assert_int_equal(st.f_type, LX_PROC_SUPER_MAGIC);
    int a[2];
    assert_int_equal(t_pipe(fk, P, a, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fstatfs, a[0], u), 0);
    memcpy(&st, fake_ptr(fk, P, u), sizeof st);
    assert_int_equal(st.f_type, LX_PIPEFS_MAGIC);
    assert_int_equal(fake_sys(fk, P, VFS_NR_fstatfs, 99, u), -LX_EBADF);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/none"), u), -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/tmp"), FAKE_BADADDR),
                     -LX_EFAULT);
    t_close(fk, P, a[0]);
    t_close(fk, P, a[1]);
    /* chroot: "/" and ".." stop at the new root; the cwd stays until changed */
    assert_int_equal(t_mkdir(fk, P, "/jail", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/jail/in", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/secret", "s"), 1);
    assert_int_equal(t_put_file(fk, P, "/tmp/f", "f"), 1);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chroot, fake_str(fk, P, "/tmp/f")), -LX_ENOTDIR);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chroot, fake_str(fk, P, "/nope")), -LX_ENOENT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chroot, fake_str(fk, P, "/jail")), 0);
    char cwd[64];
    assert_true(t_getcwd(fk, P, cwd, sizeof cwd) > 0);
    assert_string_equal(cwd, "(unreachable)/");   /* the old cwd, /, is outside */
    struct lx_stat s;
    assert_int_equal(t_stat(fk, P, "/secret", &s), -LX_ENOENT);
    assert_int_equal(t_stat(fk, P, "/in", &s), 0);
    assert_int_equal(t_chdir(fk, P, "/in/../../.."), 0);
    assert_true(t_getcwd(fk, P, cwd, sizeof cwd) > 0);
    assert_string_equal(cwd, "/");
    assert_int_equal(t_stat(fk, P, "in", &s), 0);
    /* a child inherits the root */
    assert_int_equal(vfs_proc_create(fk->vfs, C, P), 0);
    assert_int_equal(t_stat(fk, C, "/secret", &s), -LX_ENOENT);
    vfs_proc_exit(fk->vfs, C);
}

static void test_syslog(void **state)
{
    fake_t *fk = *state;
    strcpy(fk->klog, "kernel: one\nkernel: two\npartial");
    fk->klog_start = 1000;
    uint64_t u = fake_alloc(fk, P, 256);
    char *out = fake_ptr(fk, P, u);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 10, 0, 0), 16384);   /* SIZE_BUFFER */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 9, 0, 0), 30);       /* SIZE_UNREAD */
    /* READ_ALL: whole lines with the syslog prefix; the newest that fit */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, u, 256), 30);
    assert_memory_equal(out, "<6>kernel: one\n<6>kernel: two\n", 30);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, u, 20), 15);
    assert_memory_equal(out, "<6>kernel: two\n", 15);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, 0, 20), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, u, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, FAKE_BADADDR, 20), -LX_EFAULT);
    /* READ consumes; nothing unread: it waits, re-checking on the timer */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 2, u, 20), 15);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 9, 0, 0), 15);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 2, u, 256), 15);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 9, 0, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 2, u, 256), VFS_SUSPEND);
    vfs_token_t tok = fk->last_token;
    assert_true(fk->armed != 0);
    strcpy(fk->klog, "kernel: one\nkernel: two\npartial line\n");
    fake_advance(fk, 250000000ull);
    int64_t r;
    assert_true(fake_reply_find(fk, tok, &r));
    assert_int_equal(r, 16);
    assert_memory_equal(out, "<6>partial line\n", 16);
    /* CLEAR: READ_ALL starts after it */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 5, 0, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 3, u, 256), 0);
    /* console levels */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 8, 0, 9), -LX_EINVAL);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 8, 0, 4), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 6, 0, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 7, 0, 0), 0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 11, 0, 0), -LX_EINVAL);
    /* a waiting READ withdrawn by a signal leaves no timer */
    assert_int_equal(fake_sys(fk, P, VFS_NR_syslog, 2, u, 256), VFS_SUSPEND);
    vfs_token_t back;
    assert_true(vfs_thread_withdraw(fk->vfs, P, &back, NULL));
    assert_int_equal(fk->armed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_meminfo_stat_uptime_loadavg, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_cpuinfo_mounts, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_fd_dir, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_exe_and_maps, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_proc_st_dev, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_statfs_chroot, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_syslog, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
