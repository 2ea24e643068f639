/* sysfuzz: the in-guest syscall fuzzer (docs/fuzzing.md). Run as init (init=/tests/sysfuzz) or,
 * from a shell, as `sysfuzz run ...`:
 *
 *   sysfuzz [run] [-s seed] [-n calls] [-w workers] [-c calls-per-worker] [-t stuck-ms] [-v]
 *   sysfuzz [run] -r batch:worker [-c calls-per-worker]     replay one worker, tracing each call
 *   sysfuzz [run] -s seed -b first -k count [-v]              run batches first .. first+count-1
 *
 * It runs batches until `calls` calls were made: each batch forks `workers` processes, each in a
 * session of its own with /dev/null on 0-2 and /tmp/fz as its directory, making random syscalls
 * (sysfuzz_gen.c) from a sequence fixed by the seed and the batch. A worker that makes no call for
 * stuck-ms (a read nobody answers, a long sleep, a stop) is killed; when every worker has ended,
 * whatever they left is killed (kill(-1, SIGKILL) as init; their process groups otherwise) and
 * reaped, /tmp/fz is emptied, and the system is checked alive: getpid, a pipe round trip, reads of
 * /proc/self/stat and /proc/meminfo, a file written and read back, fork + wait, posix_spawn +
 * wait. At the end the process count, open files and the kernel's live threads must be what they
 * were after a warm-up batch, and free memory within 4 MiB of it (the servers keep the pages of
 * their heaps' high-water mark).
 *
 * Never called, because they end the machine or the test rather than test it: reboot; the clock
 * setters (settimeofday, clock_settime, adjtimex, clock_adjtime: the runner's deadlines and the
 * pinned guest clock); calls that take a pid the workers could not be kept from pointing at the
 * runner (ptrace, process_vm_*, kcmp, pidfd_getfd, sched_setattr, migrate_pages, move_pages,
 * capset, setns, unshare, vhangup); ioctl TIOCSCTTY and TIOCSTI (stealing or typing into the
 * console). Pids given to the rest are never 1, -1 or the runner's; addresses given to mmap,
 * munmap, mprotect, mremap, madvise and brk stay in a window away from the worker's own memory;
 * paths given to calls that change the tree name only /tmp/fz (relative names, or /tmp/fz/...).
 * Everything else is called with garbage: exit, execve, fork, clone, kill of the worker's own
 * group, rt_sigreturn, arch_prctl, signals with garbage handlers...
 *
 * Output: a line per batch with -v, a progress line every 50 batches, the figures, and
 * "SYSFUZZ: N passed, M failed" (N batches whose checks passed, plus the final accounting);
 * exit status 0 iff nothing failed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sysfuzz.h"

#define MAXW 16

extern char **environ;

static struct {
    uint64_t seed, calls, per_worker, stuck_ms, replay, first, count;
    int workers, verbose, replaying;
} opt = {1, 20000, 500, 300, 0, 0, UINT64_MAX, 4, 0, 0};

static struct {
    uint64_t calls, batches, exited, signalled, stuck, leftovers, failed_checks;
    uint64_t by_signal[65];
} fig;

static volatile struct sf_slot *slots;
static pid_t me;
static int is_init;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n >= 0) buf[n] = '\0';
    return n;
}

/* ---- a batch ------------------------------------------------------------------------------- */

static void record_end(int status)
{
    if (WIFSIGNALED(status)) {
        fig.signalled++;
        fig.by_signal[WTERMSIG(status) & 63]++;
    } else {
        fig.exited++;
    }
}

static void batch(uint64_t seed)
{
    pid_t pid[MAXW];
    uint64_t last[MAXW];
    long long moved[MAXW];
    int live = 0;
    mkdir("/tmp/fz", 0777);
    for (int w = 0; w < opt.workers; w++) {
        memset((void *)&slots[w], 0, sizeof slots[w]);
        pid[w] = fork();
        if (pid[w] == 0) {
            setsid();                        /* no controlling terminal, a group of its own */
            if (opt.replaying) dup2(1, 100); /* the trace goes to the console */
            int nul = open("/dev/null", O_RDWR);
            dup2(nul, 0), dup2(nul, 1), dup2(nul, 2);
            if (nul > 2) close(nul);
            if (chdir("/tmp/fz") < 0) _exit(91);
            sf_worker(opt.replaying ? opt.replay : seed * 64 + (uint64_t)w, opt.per_worker,
                      &slots[w], me, opt.replaying ? 100 : -1);
        }
        if (pid[w] < 0) {
            printf("SYSFUZZ: fork of a worker failed: %s\n", strerror(errno));
            continue;
        }
        last[w] = 0;
        moved[w] = now_ms();
        live++;
    }
    while (live > 0) {
        sleep_ms(10);
        for (int w = 0; w < opt.workers; w++) {
            if (pid[w] <= 0) continue;
            int st;
            if (waitpid(pid[w], &st, WNOHANG) == pid[w]) {
                record_end(st);
                fig.calls += slots[w].calls;
                pid[w] = 0;
                live--;
                continue;
            }
            if (slots[w].calls != last[w]) {
                last[w] = slots[w].calls;
                moved[w] = now_ms();
            } else if (now_ms() - moved[w] > (long long)opt.stuck_ms) {
                if (opt.verbose)
                    printf("  batch %lu worker %d stopped moving in syscall %lu(%#lx, %#lx, %#lx, "
                           "%#lx, "
                           "%#lx, %#lx)\n",
                           (unsigned long)seed, w, (unsigned long)slots[w].nr,
                           (unsigned long)slots[w].a[0], (unsigned long)slots[w].a[1],
                           (unsigned long)slots[w].a[2], (unsigned long)slots[w].a[3],
                           (unsigned long)slots[w].a[4], (unsigned long)slots[w].a[5]);
                if (opt.verbose) { /* what procmgr says it is doing */
                    char path[64], stat[256] = "";
                    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid[w]);
                    read_file(path, stat, sizeof stat);
                    printf("    /proc/%d/stat: %.120s\n", (int)pid[w], stat);
                }
                kill(pid[w], SIGKILL);
                waitpid(pid[w], &st, 0);
                fig.stuck++;
                fig.calls += slots[w].calls;
                pid[w] = 0;
                live--;
            }
        }
    }
    /* what the workers left: their children, daemons of new sessions, stopped processes */
    if (is_init) {
        kill(-1, SIGKILL);
    } else {
        for (int w = 0; w < opt.workers; w++)
            kill(-pid[w], SIGKILL);
    }
    long long until = now_ms() + 5000;
    for (;;) {
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r > 0) {
            fig.leftovers++;
            continue;
        }
        if (r < 0 || now_ms() > until) break;
        sleep_ms(5);
    }
    rm_tree("/tmp/fz");
    fig.batches++;
}

/* ---- the checks ---------------------------------------------------------------------------- */

static int failures;

static void check(int ok, const char *what, uint64_t seed)
{
    if (!ok) {
        failures++;
        printf("SYSFUZZ FAIL after batch %lu: %s (errno %d)\n", (unsigned long)seed, what, errno);
    }
}

/* every server answers: 0 if all is well */
static int alive(uint64_t seed)
{
    int before = failures;
    char buf[512];
    check(getpid() == me, "getpid", seed);
    int p[2];
    check(pipe(p) == 0, "pipe", seed);
    check(write(p[1], "ping", 4) == 4 && read(p[0], buf, sizeof buf) == 4 &&
              !memcmp(buf, "ping", 4),
          "pipe round trip", seed);
    close(p[0]), close(p[1]);
    char want[32];
    snprintf(want, sizeof want, "%d (", (int)me);
    check(read_file("/proc/self/stat", buf, sizeof buf) > 0 && !strncmp(buf, want, strlen(want)),
          "/proc/self/stat", seed);
    check(read_file("/proc/meminfo", buf, sizeof buf) > 0 && strstr(buf, "MemFree"),
          "/proc/meminfo", seed);
    int fd = open("/tmp/sysfuzz_check", O_RDWR | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0 && write(fd, "data", 4) == 4 && pread(fd, buf, 4, 0) == 4 &&
              !memcmp(buf, "data", 4),
          "file write and read", seed);
    if (fd >= 0) close(fd);
    unlink("/tmp/sysfuzz_check");
    int st = -1;
    pid_t c = fork();
    if (c == 0) _exit(7);
    check(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7, "fork + wait",
          seed);
    char *argv[] = {"t_child", "exit", "3", NULL};
    st = -1;
    int e = posix_spawn(&c, "/tests/t_child", NULL, NULL, argv, environ);
    check(e == 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3,
          "posix_spawn + wait", seed);
    return failures != before;
}

struct snap {
    long procs;
    long long files;
    unsigned long long freeram;
    long long kthreads; /* the kernel's live threads (/proc/kstat): a leaked one keeps its space */
};

static struct snap snap_take(void)
{
    struct snap s = {0, -1, 0, -1};
    struct sysinfo si;
    if (sysinfo(&si) == 0) {
        s.procs = si.procs;
        s.freeram = (unsigned long long)si.freeram * (si.mem_unit ? si.mem_unit : 1);
    }
    char buf[128];
    if (read_file("/proc/sys/fs/file-nr", buf, sizeof buf) > 0) s.files = strtoll(buf, NULL, 10);
    static char kst[512];
    char *k;
    if (read_file("/proc/kstat", kst, sizeof kst) > 0 && (k = strstr(kst, "threads ")))
        s.kthreads = strtoll(k + 8, NULL, 10);
    return s;
}

/* ---- main ----------------------------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: sysfuzz [run] [-s seed] [-n calls] [-w workers] [-c calls-per-worker] "
                    "[-t stuck-ms] [-v]\n"
                    "  (as init it runs at once; from a shell it needs `run`: see "
                    "docs/fuzzing.md)\n");
    return 2;
}

int main(int argc, char **argv)
{
    int run = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "run"))
            run = 1;
        else if (!strcmp(a, "-v"))
            opt.verbose = 1;
        else if (v && !strcmp(a, "-s"))
            opt.seed = strtoull(v, NULL, 0), i++;
        else if (v && !strcmp(a, "-n"))
            opt.calls = strtoull(v, NULL, 0), i++;
        else if (v && !strcmp(a, "-w"))
            opt.workers = atoi(v), i++;
        else if (v && !strcmp(a, "-c"))
            opt.per_worker = strtoull(v, NULL, 0), i++;
        else if (v && !strcmp(a, "-r"))
            opt.replay = strtoull(v, NULL, 0) * 64 +
                         strtoull(strchr(v, ':') ? strchr(v, ':') + 1 : "0", NULL, 0),
            opt.replaying = 1, opt.workers = 1, opt.calls = 1, opt.verbose = 1, i++;
        else if (v && !strcmp(a, "-b"))
            opt.first = strtoull(v, NULL, 0), i++;
        else if (v && !strcmp(a, "-k"))
            opt.count = strtoull(v, NULL, 0), opt.calls = UINT64_MAX, i++;
        else if (v && !strcmp(a, "-t"))
            opt.stuck_ms = strtoull(v, NULL, 0), i++;
        else
            return usage();
    }
    struct utsname u;
    if (uname(&u) != 0 || strcmp(u.sysname, "Kestrel") != 0) {
        /* random syscalls as root on a real system would damage it */
        fprintf(stderr, "sysfuzz: runs only on Kestrel\n");
        return 2;
    }
    me = getpid();
    is_init = me == 1;
    if (!is_init && !run) /* a worker's execve of this file lands here: it stops at once */
        return usage();
    if (opt.workers < 1 || opt.workers > MAXW) opt.workers = 4;
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    slots = mmap(NULL, sizeof(struct sf_slot) * MAXW, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (slots == MAP_FAILED) {
        perror("sysfuzz: mmap");
        return 1;
    }
    printf("SYSFUZZ: seed %lu, %lu calls, %d workers of %lu calls a batch\n",
           (unsigned long)opt.seed, (unsigned long)opt.calls, opt.workers,
           (unsigned long)opt.per_worker);
    if (!opt.replaying)
        batch(opt.seed * 1000003ull + 999999); /* warm-up: the servers' first-use allocations */
    struct snap before = snap_take();
    fig = (typeof(fig)){0};
    int passed = 0, failed = 0;
    long long t0 = now_ms();
    for (uint64_t b = opt.first; fig.calls < opt.calls && b - opt.first < opt.count; b++) {
        uint64_t seed = opt.seed * 1000003ull + b;
        batch(seed);
        alive(seed) ? failed++ : passed++;
        if (opt.verbose)
            printf("  batch %lu: %lu calls so far\n", (unsigned long)seed,
                   (unsigned long)fig.calls);
        if (fig.batches % 50 == 0)
            printf(
                "SYSFUZZ progress: %lu batches, %lu calls, %lu stuck, %d failed, %llu KiB free\n",
                (unsigned long)fig.batches, (unsigned long)fig.calls, (unsigned long)fig.stuck,
                failed, snap_take().freeram >> 10);
    }
    struct snap after = snap_take();
    /* the last reaped workers' threads may still be on their way out in procmgr: a second */
    for (int i = 0; i < 100 && after.kthreads != before.kthreads; i++) {
        usleep(10000);
        after = snap_take();
    }
    long long drift = (long long)before.freeram - (long long)after.freeram;
    printf("SYSFUZZ: %lu calls in %lu batches (%lld s of guest time); workers: %lu ended by "
           "themselves, %lu by a signal, %lu stopped moving (killed); %lu processes left behind "
           "were killed\n",
           (unsigned long)fig.calls, (unsigned long)fig.batches, (now_ms() - t0) / 1000,
           (unsigned long)fig.exited, (unsigned long)fig.signalled, (unsigned long)fig.stuck,
           (unsigned long)fig.leftovers);
    printf("SYSFUZZ: deaths by signal:");
    for (int s = 1; s < 65; s++)
        if (fig.by_signal[s])
            printf(" %d(%s) x%lu", s, strsignal(s), (unsigned long)fig.by_signal[s]);
    printf("\nSYSFUZZ: processes %ld -> %ld, open files %lld -> %lld, kernel threads %lld -> %lld, "
           "free memory %llu -> %llu KiB (%lld KiB less)\n",
           before.procs, after.procs, before.files, after.files, before.kthreads, after.kthreads,
           before.freeram >> 10, after.freeram >> 10, drift / 1024);
    int acct = after.procs == before.procs && after.files == before.files &&
               after.kthreads == before.kthreads && drift <= 4ll << 20;
    acct ? passed++ : failed++;
    if (!acct)
        printf("SYSFUZZ FAIL: the processes, open files, kernel threads or free memory did not "
               "come back\n");
    printf("SYSFUZZ: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
