/* t_procfiles: the /proc files tools read, parsed as those tools parse them (Linux formats):
 * meminfo, stat, uptime, loadavg, cpuinfo, mounts and self/mounts (with statfs of each mount
 * point, as df does), /proc/self/exe, /proc/self/fd, /proc/self/maps; and the calls around them:
 * chroot, getpriority/setpriority (seen in /proc/self/stat), sched_getaffinity, ioprio_get,
 * syslog (klogctl). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

#define PROC_SUPER_MAGIC 0x9fa0

static char text[65536];

static char *slurp(const char *path)
{
    ssize_t n = gt_read_file(path, text, sizeof text);
    if (n < 0) {
        gt_fail(__FILE__, __LINE__, "read %s: %s", path, strerror(errno));
        text[0] = 0;
    }
    return text;
}

/* "Name:   123 kB" in meminfo: the value, or -1 if the line is missing or malformed */
static long long meminfo_kb(const char *all, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    const char *p = strncmp(all, key + 1, strlen(key + 1)) == 0 ? all - 1 : strstr(all, key);
    if (!p)
        return -1;
    p += strlen(key);
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || strncmp(end, " kB\n", 4) != 0)
        return -1;
    return v;
}

static void test_meminfo(void)
{
    char *m = slurp("/proc/meminfo");
    long long total = meminfo_kb(m, "MemTotal"), free_ = meminfo_kb(m, "MemFree");
    CHECK(total > 0);
    CHECK(free_ >= 0 && free_ <= total);
    long long avail = meminfo_kb(m, "MemAvailable");
    CHECK(avail >= 0 && avail <= total);
    CHECK(meminfo_kb(m, "Buffers") >= 0);
    CHECK(meminfo_kb(m, "Cached") >= 0);
    CHECK(meminfo_kb(m, "SwapTotal") >= 0);
    CHECK(meminfo_kb(m, "SwapFree") >= 0);
    CHECK(strncmp(m, "MemTotal:", 9) == 0);
    /* every line: a name, a colon, the value right-aligned, " kB" (or a count) */
    for (char *line = m; *line;) {
        char *nl = strchr(line, '\n');
        REQUIRE(nl);
        CHECK(strchr(line, ':') && strchr(line, ':') < nl);
        line = nl + 1;
    }
}

static void test_stat(void)
{
    char *s = slurp("/proc/stat");
    unsigned long long v[10];
    CHECK(sscanf(s, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                 &v[5], &v[6]) == 7);
    CHECK(strstr(s, "\ncpu0 ") != NULL);
    unsigned long long btime = 0, procs = 0, running = 0, blocked = 0, ctxt = 0;
    const char *p;
    CHECK((p = strstr(s, "\nctxt ")) && sscanf(p, "\nctxt %llu", &ctxt) == 1);
    CHECK((p = strstr(s, "\nbtime ")) && sscanf(p, "\nbtime %llu", &btime) == 1);
    CHECK((p = strstr(s, "\nprocesses ")) && sscanf(p, "\nprocesses %llu", &procs) == 1);
    CHECK((p = strstr(s, "\nprocs_running ")) && sscanf(p, "\nprocs_running %llu", &running) == 1);
    CHECK((p = strstr(s, "\nprocs_blocked ")) && sscanf(p, "\nprocs_blocked %llu", &blocked) == 1);
    CHECK(procs >= 1);
    CHECK(running >= 1);
    /* the boot time is in the past, by the uptime */
    time_t now = time(NULL);
    CHECK(btime > 0 && (time_t)btime <= now);
    double up = 0, idle = 0;
    char *u = slurp("/proc/uptime");
    CHECK(sscanf(u, "%lf %lf", &up, &idle) == 2);
    CHECK(up > 0);
    CHECK(u[strlen(u) - 1] == '\n');
    CHECK(strchr(u, '.') != NULL);   /* "12.34 5.67" */
    CHECK((time_t)btime <= now - (time_t)up + 2 && (time_t)btime >= now - (time_t)up - 2);
}

static void test_loadavg(void)
{
    char *l = slurp("/proc/loadavg");
    double a, b, c;
    int running, total, last;
    CHECK(sscanf(l, "%lf %lf %lf %d/%d %d", &a, &b, &c, &running, &total, &last) == 6);
    CHECK(running >= 1 && total >= running);
    CHECK(last >= 1);
    CHECK(a >= 0 && b >= 0 && c >= 0);
}

static void test_cpuinfo(void)
{
    char *c = slurp("/proc/cpuinfo");
    CHECK(strncmp(c, "processor\t: 0\n", 14) == 0);
    CHECK(strstr(c, "\nvendor_id\t: ") != NULL);
    CHECK(strstr(c, "\nmodel name\t: ") != NULL);
    CHECK(strstr(c, "\ncpu family\t: ") != NULL);
    const char *f = strstr(c, "\nflags\t\t: ");
    CHECK(f != NULL);
    if (f)
        CHECK(strstr(f, " fpu ") || strncmp(f + 10, "fpu ", 4) == 0);   /* every x86_64 */
    CHECK(strstr(c, "\nbogomips\t: ") != NULL);
    if (os_is_kestrel()) {
        int n = 0;
        for (const char *p = c; (p = strstr(p, "processor\t:")); p++)
            n++;
        CHECK_EQ(n, 1);
    }
}

static void test_mounts(void)
{
    char all[8192];
    strcpy(all, slurp("/proc/mounts"));
    CHECK_STREQ(slurp("/proc/self/mounts"), all);
    bool root = false, proc = false;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        char dev[256], dir[256], type[64], opts[512];
        int freq, pass;
        CHECK_EQ(sscanf(line, "%255s %255s %63s %511s %d %d", dev, dir, type, opts, &freq, &pass),
                 6);
        root |= strcmp(dir, "/") == 0;
        if (strcmp(dir, "/proc") == 0 && strcmp(type, "proc") == 0)
            proc = true;
        /* df: every mount point answers statfs */
        struct statfs sf;
        if (access(dir, F_OK) == 0)
            CHECK_EQ(statfs(dir, &sf), 0);
    }
    CHECK(root);
    CHECK(proc);
    struct statfs sf;
    CHECK_EQ(statfs("/", &sf), 0);
    CHECK(sf.f_bsize > 0);
    CHECK(sf.f_bfree <= sf.f_blocks && sf.f_bavail <= sf.f_blocks);
    CHECK_EQ(statfs("/proc", &sf), 0);
    CHECK_EQ(sf.f_type, PROC_SUPER_MAGIC);
    int fd = open("/proc/self/stat", O_RDONLY);
    CHECK_EQ(fstatfs(fd, &sf), 0);
    CHECK_EQ(sf.f_type, PROC_SUPER_MAGIC);
    close(fd);
    CHECK_ERRNO(statfs("/nonexistent/x", &sf), ENOENT);
}

static void test_exe(void)
{
    char exe[4096], me[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    REQUIRE(n > 0);
    exe[n] = 0;
    CHECK_EQ(exe[0], '/');
    /* it names this program's file, and following it reaches the same file */
    struct stat a, b, c;
    CHECK_EQ(stat(exe, &a), 0);
    CHECK_EQ(stat(gt_test_prog(me, sizeof me, "t_procfiles"), &b), 0);
    CHECK_EQ(stat("/proc/self/exe", &c), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_dev, b.st_dev);
    CHECK_EQ(c.st_ino, b.st_ino);
    char by_pid[64];
    snprintf(by_pid, sizeof by_pid, "/proc/%d/exe", (int)getpid());
    char again[4096];
    n = readlink(by_pid, again, sizeof again - 1);
    REQUIRE(n > 0);
    again[n] = 0;
    CHECK_STREQ(again, exe);
}

static void test_fd_dir(void)
{
    int p[2];
    REQUIRE(pipe(p) == 0);
    char path[128], link[4096], want[64];
    gt_tmp(path, sizeof path, "file");
    int f = open(path, O_WRONLY | O_CREAT, 0600);
    REQUIRE(f >= 0);
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
    char got[4096];
    ssize_t n = readlink(link, got, sizeof got - 1);
    REQUIRE(n > 0);
    got[n] = 0;
    struct stat st;
    CHECK_EQ(fstat(p[0], &st), 0);
    snprintf(want, sizeof want, "pipe:[%llu]", (unsigned long long)st.st_ino);
    CHECK_STREQ(got, want);
    snprintf(link, sizeof link, "/proc/self/fd/%d", f);
    n = readlink(link, got, sizeof got - 1);
    REQUIRE(n > 0);
    got[n] = 0;
    CHECK_STREQ(got, path);
    /* lr-x------ for a read end, l-wx------ for a write end */
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[0]);
    CHECK_EQ(lstat(link, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0500);
    snprintf(link, sizeof link, "/proc/self/fd/%d", p[1]);
    CHECK_EQ(lstat(link, &st), 0);
    CHECK_EQ(st.st_mode & 0777, 0300);
    /* opening the link opens the file itself: another way into the same pipe */
    int w = open(link, O_WRONLY);
    CHECK(w >= 0);
    CHECK_EQ(write(w, "via", 3), 3);
    char buf[4];
    CHECK_EQ(read(p[0], buf, 4), 3);
    close(w);
    /* the listing is the descriptors open now */
    DIR *d = opendir("/proc/self/fd");
    REQUIRE(d);
    bool seen[4] = {false, false, false, false};
    struct dirent *e;
    while ((e = readdir(d))) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        CHECK(fcntl(fd, F_GETFD) != -1 || fd == dirfd(d));
        if (fd == p[0])
            seen[0] = true;
        if (fd == p[1])
            seen[1] = true;
        if (fd == f)
            seen[2] = true;
        if (fd == dirfd(d))
            seen[3] = true;
    }
    closedir(d);
    CHECK(seen[0] && seen[1] && seen[2] && seen[3]);
    close(f);
    snprintf(link, sizeof link, "/proc/self/fd/%d", f);
    CHECK_ERRNO(readlink(link, got, sizeof got), ENOENT);
    close(p[0]);
    close(p[1]);
    unlink(path);
}

static void test_maps(void)
{
    int on_stack = 0;
    uintptr_t stack = (uintptr_t)&on_stack, code = (uintptr_t)&test_maps;
    char *m = slurp("/proc/self/maps");
    bool in_stack = false, in_code = false;
    int lines = 0;
    for (char *line = strtok(m, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long start, end, off, ino;
        char perms[5];
        unsigned maj, min;
        int name = 0;
        REQUIRE(sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off, &maj,
                       &min, &ino, &name) == 7);
        lines++;
        CHECK(start < end);
        CHECK(perms[3] == 'p' || perms[3] == 's');
        if (start <= stack && stack < end) {
            in_stack = true;
            CHECK(perms[0] == 'r' && perms[1] == 'w');
            CHECK_STREQ(line + name, "[stack]");
        }
        if (start <= code && code < end) {
            in_code = true;
            CHECK_EQ(perms[2], 'x');
        }
    }
    CHECK(lines >= 3);
    CHECK(in_stack);
    CHECK(in_code);
}

static void test_priority_affinity(void)
{
    errno = 0;
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 0);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, 5), 0);
    CHECK_EQ(getpriority(PRIO_PROCESS, 0), 5);
    /* /proc/self/stat: field 19 is nice, 18 the priority */
    char *s = slurp("/proc/self/stat");
    char *p = strrchr(s, ')') + 2;
    for (int f = 3; f < 18; f++)
        p = strchr(p, ' ') + 1;
    int prio, nice;
    CHECK(sscanf(p, "%d %d", &prio, &nice) == 2);
    CHECK_EQ(nice, 5);
    CHECK_EQ(prio, 25);
    CHECK_EQ(setpriority(PRIO_PROCESS, 0, 0), 0);   /* root may lower it again */
    CHECK_ERRNO(getpriority(PRIO_PROCESS, 999999), ESRCH);
    CHECK_ERRNO(setpriority(99, 0, 0), EINVAL);
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    CHECK(CPU_COUNT(&set) >= 1);
    CHECK(CPU_ISSET(0, &set));
    if (os_is_kestrel())
        CHECK_EQ(CPU_COUNT(&set), 1);
    CHECK_EQ(sched_setaffinity(0, sizeof set, &set), 0);
    CHECK(syscall(SYS_ioprio_get, 1, 0) >= 0);
    CHECK_ERRNO(syscall(SYS_ioprio_get, 7, 0), EINVAL);
}

static void test_chroot(void)
{
    char jail[128], outside[128], inside[256];
    gt_tmp(jail, sizeof jail, "jail");
    gt_tmp(outside, sizeof outside, "outside");
    REQUIRE(mkdir(jail, 0755) == 0);
    snprintf(inside, sizeof inside, "%s/inside", jail);
    REQUIRE(gt_write_file(inside, "x", 1, 0644) == 0);
    REQUIRE(gt_write_file(outside, "y", 1, 0644) == 0);
    /* a child chroots (irreversible, so not us): "/" is the jail from then on */
    char prog[256];
    char *argv[] = {gt_test_prog(prog, sizeof prog, "t_child"), "chroot", jail, "exists",
                    "/inside", "missing", outside, "exit", "0", NULL};
    int st = gt_spawn_wait(prog, argv, NULL);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 8 && !os_is_kestrel())
        gt_note("chroot refused here (no CAP_SYS_CHROOT): skipped");
    else
        CHECK_EQ(st, 0);
    CHECK_ERRNO(chroot("/nonexistent/x"), ENOENT);
    CHECK_ERRNO(chroot(inside), ENOTDIR);
    unlink(inside);
    unlink(outside);
    rmdir(jail);
}

static void test_syslog(void)
{
    int size = klogctl(10, NULL, 0);   /* SYSLOG_ACTION_SIZE_BUFFER */
    if (size < 0 && errno == EPERM && !os_is_kestrel()) {
        gt_note("syslog: EPERM here (dmesg_restrict), skipped");
        return;
    }
    CHECK(size > 0);
    static char buf[1 << 17];
    int n = klogctl(3, buf, sizeof buf);   /* SYSLOG_ACTION_READ_ALL */
    CHECK(n >= 0);
    if (os_is_kestrel()) {
        /* the kernel's boot messages, each line with the syslog prefix */
        CHECK(n > 0);
        CHECK(n <= size * 2);
        CHECK(buf[0] == '<');
        CHECK(n > 0 && buf[n - 1] == '\n');
    }
    CHECK(klogctl(9, NULL, 0) >= 0);       /* SIZE_UNREAD */
    CHECK_ERRNO(klogctl(3, NULL, 10), EINVAL);
    CHECK_ERRNO(klogctl(8, NULL, 9), EINVAL);   /* console level 1..8 */
    CHECK_ERRNO(klogctl(77, NULL, 0), EINVAL);
}

int main(int argc, char **argv)
{
    static const struct gt_test tests[] = {
        GT_TEST(meminfo), GT_TEST(stat), GT_TEST(loadavg), GT_TEST(cpuinfo),
        GT_TEST(mounts),  GT_TEST(exe),  GT_TEST(fd_dir),  GT_TEST(maps),
        GT_TEST(priority_affinity),      GT_TEST(chroot),  GT_TEST(syslog),
    };
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
