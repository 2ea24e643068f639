/* The benchmark program: the same static musl binary runs as init on Linux and on our OS and
 * prints one `BENCH <name> <value> instr` line per figure (see docs/performance.md).
 *
 *   bench [--iters N] [--only name,name...] [--true PATH] [--self PATH] [--big1m PATH]
 *         [--big4m PATH] [--poweroff|--no-poweroff] [-- ignored...]
 *   bench --echo RFD WFD          (internal: the pipe round trip's echo child)
 *   bench --hold RFD              (internal: a child kept alive for the rows at size)
 *
 * N is the number of spawns per batch; the cheap figures scale it (BENCH_SCALE_*) so that every
 * batch is long enough for a stable median. When the program is PID 1 it ends the machine with
 * reboot(RB_POWER_OFF), which makes QEMU exit.
 *
 * Entry point: main.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench_clock.h"
#include "bench_measure.h"
#include "bench_ops.h"
#include "bench_scale.h"

#define BENCH_ITERS_DEFAULT 200
#define BENCH_SCALE_SYSCALL 256 /* getpid per spawn: a batch of ~10^6 instructions or more */
#define BENCH_SCALE_PIPE 16
#define BENCH_SCALE_FAULT 16 /* pages per spawn: 200 iters touch 12.5 MiB per batch */
#define BENCH_SCALE_THREAD 4 /* a thread's life is a few times cheaper than a process's */
#define BENCH_SCALE_CLOCK 256 /* clock_gettime per spawn, as the null syscall */
#define BENCH_MIB (1024UL * 1024UL)
#define BENCH_LIVE 64  /* other processes alive in the *_live64 rows */
#define BENCH_FDS 500  /* descriptors opened and closed before spawn_after_fds500 */

/* <linux/reboot.h> values; musl's reboot() would do the same, the raw call is what init uses. */
#define BENCH_REBOOT_MAGIC1 0xfee1deadUL
#define BENCH_REBOOT_MAGIC2 672274793UL
#define BENCH_REBOOT_POWER_OFF 0x4321fedcUL

extern char **environ;

typedef struct {
    unsigned long iters;
    const char *only; /* comma-separated figure names, NULL for all */
    const char *true_path;
    const char *self_path;
    const char *big_path[2]; /* the ~1 MiB and ~4 MiB programs (big.c) */
    int poweroff; /* -1: decide by PID 1 */
} bench_opts_t;

static int bench_wanted(const bench_opts_t *o, const char *name)
{
    if (o->only == NULL) return 1;
    size_t len = strlen(name);
    for (const char *p = o->only; *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0) return 1;
        p += n + (end ? 1 : 0);
    }
    return 0;
}

static int bench_opts_parse(bench_opts_t *o, int argc, char **argv)
{
    o->iters = BENCH_ITERS_DEFAULT;
    o->only = NULL;
    o->true_path = "/bench/true";
    /* As Linux's /init the binary is /init; in our OS it is /bench/bench. Either way argv[0]
     * names it when absolute, which is what the echo child re-executes. */
    o->self_path = (argc > 0 && argv[0] != NULL && argv[0][0] == '/') ? argv[0] : "/bench/bench";
    o->big_path[0] = "/bench/big1m";
    o->big_path[1] = "/bench/big4m";
    o->poweroff = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* "--" ends the options (getopt's rule). Our kernel puts fw_cfg words, such as the
         * harness's "init=/bench/bench -- --iters N", before the baked " -- args", so the init
         * arguments read "--iters N -- --iters N0": the harness's come first and must win. */
        if (strcmp(a, "--") == 0) break;
        if (strcmp(a, "--iters") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || v == 0) return EINVAL;
            o->iters = v;
        } else if (strcmp(a, "--only") == 0 && i + 1 < argc) {
            o->only = argv[++i];
        } else if (strcmp(a, "--true") == 0 && i + 1 < argc) {
            o->true_path = argv[++i];
        } else if (strcmp(a, "--self") == 0 && i + 1 < argc) {
            o->self_path = argv[++i];
        } else if (strcmp(a, "--big1m") == 0 && i + 1 < argc) {
            o->big_path[0] = argv[++i];
        } else if (strcmp(a, "--big4m") == 0 && i + 1 < argc) {
            o->big_path[1] = argv[++i];
        } else if (strcmp(a, "--poweroff") == 0) {
            o->poweroff = 1;
        } else if (strcmp(a, "--no-poweroff") == 0) {
            o->poweroff = 0;
        } else {
            bench_measure_print("BENCH_INFO ignored-argument %s", a);
        }
    }
    return 0;
}

static void bench_info_print(const bench_opts_t *o)
{
    struct utsname u;

    if (uname(&u) == 0)
        bench_measure_print("BENCH_INFO uname %s %s %s %s", u.sysname, u.release, u.machine,
                            u.version);
    bench_measure_print("BENCH_INFO iters %lu", o->iters);
    bench_measure_print("BENCH_INFO batches %d", BENCH_BATCHES);
    bench_measure_print("BENCH_INFO pid %ld", (long)getpid());
}

static void bench_pipe_figure(const bench_opts_t *o, unsigned long n)
{
    bench_pipe_t p;
    int err = bench_pipe_start(&p, o->self_path, environ);

    if (err != 0) {
        bench_measure_print("BENCH_FAIL pipe_rtt spawn-echo:%s", strerror(err));
        return;
    }
    bench_measure_run("pipe_rtt", bench_op_pipe_rtt, &p, n);
    err = bench_pipe_stop(&p);
    if (err != 0) bench_measure_print("BENCH_INFO pipe_rtt echo-child-exit %s", strerror(err));
}

/* The futex round trip: a partner thread waits for its turn, passes it back. */
static void bench_futex_figure(unsigned long n)
{
    bench_futex_t f;
    int err = bench_futex_start(&f);

    if (err != 0) {
        bench_measure_print("BENCH_FAIL futex_rtt thread:%s", strerror(err));
        return;
    }
    bench_measure_run("futex_rtt", bench_op_futex_rtt, &f, n);
    err = bench_futex_stop(&f);
    if (err != 0) bench_measure_print("BENCH_INFO futex_rtt partner-join %s", strerror(err));
}

/* One file row over an open descriptor: a figure named but not measured (open failed) is a
 * BENCH_FAIL line, so the report says why the row is missing. */
static void bench_fd_figure(const char *name, const char *path, int flags, bench_op_fn op,
                            unsigned long n)
{
    static bench_file_t f; /* static: 4 KiB is not worth a deep stack frame */
    f.fd = open(path, flags | O_CLOEXEC);
    if (f.fd < 0) {
        bench_measure_print("BENCH_FAIL %s open-%s:%s", name, path, strerror(errno));
        return;
    }
    memset(f.buf, 'k', sizeof(f.buf));
    bench_measure_run(name, op, &f, n);
    close(f.fd);
}

/* The file-system rows: /bench/true is in both systems' initramfs/initrd, /dev/null in both. */
static void bench_file_figures(const bench_opts_t *o)
{
    unsigned long n = o->iters * BENCH_SCALE_PIPE;
    if (bench_wanted(o, "pread_4k"))
        bench_fd_figure("pread_4k", o->true_path, O_RDONLY, bench_op_pread_4k, n);
    if (bench_wanted(o, "write_null_4k"))
        bench_fd_figure("write_null_4k", "/dev/null", O_WRONLY, bench_op_write_null_4k, n);
    if (bench_wanted(o, "open_close"))
        bench_measure_run("open_close", bench_op_open_close, (void *)o->true_path, n);
    if (bench_wanted(o, "stat"))
        bench_measure_run("stat", bench_op_stat, (void *)o->true_path, n);
}

/* Each way of starting a program, timed while the parent holds 1, 16 and 256 MiB of touched
 * memory: posix_spawn and vfork should not care, a copying fork pays per page table entry. The
 * heavy rows run fewer operations per batch (Linux's fork at 256 MiB is tens of millions of
 * instructions); the figure is per operation either way. */
static void bench_rss_figures(const bench_opts_t *o, bench_exec_t *ex)
{
    static const unsigned long sizes_mib[] = {1, 16, 256};
    static const struct {
        const char *prefix;
        bench_op_fn op;
        int needs_exec;
    } ops[] = {
        {"spawn_rss", bench_op_spawn_wait, 1},
        {"vfork_exec_rss", bench_op_vfork_exec_wait, 1},
        {"fork_exec_rss", bench_op_fork_exec_wait, 1},
        {"fork_exit_rss", bench_op_fork_exit_wait, 0},
    };
    char name[32];

    for (size_t i = 0; i < sizeof(sizes_mib) / sizeof(sizes_mib[0]); i++) {
        bench_mem_t mem = {0};
        int held = 0;
        unsigned long n = o->iters / (sizes_mib[i] >= 256 ? 64 : sizes_mib[i] >= 16 ? 8 : 1);
        if (n == 0) n = 1;
        for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
            snprintf(name, sizeof(name), "%s_%lum", ops[k].prefix, sizes_mib[i]);
            if (!bench_wanted(o, name)) continue;
            if (!held) {
                int err = bench_mem_hold(&mem, sizes_mib[i] * BENCH_MIB);
                if (err != 0) {
                    bench_measure_print("BENCH_FAIL %s hold-memory:%s", name, strerror(err));
                    continue;
                }
                held = 1;
            }
            /* the spawn row keeps the full count it always had: the figures stay comparable */
            bench_measure_run(name, ops[k].op, ops[k].needs_exec ? (void *)ex : NULL,
                              k == 0 ? o->iters : n);
        }
        if (held) bench_mem_release(&mem);
    }
}

/* Starting a program whose file is about 1 MiB and 4 MiB (big.c), by posix_spawn and by
 * vfork + execve: what exec pays for a program's size (Linux maps it from the page cache). */
static void bench_big_figures(const bench_opts_t *o)
{
    static const char *const sizes[] = {"1m", "4m"};
    char name[32];

    for (int i = 0; i < 2; i++) {
        char *argv[] = {(char *)o->big_path[i], NULL};
        bench_exec_t ex = {.path = o->big_path[i], .argv = argv, .envp = environ};
        for (int way = 0; way < 2; way++) {
            snprintf(name, sizeof(name), "%sexec_%s", way ? "vfork_" : "", sizes[i]);
            if (!bench_wanted(o, name)) continue;
            if (access(ex.path, X_OK) != 0) {
                bench_measure_print("BENCH_FAIL %s no-program:%s", name, ex.path);
                continue;
            }
            bench_measure_run(name, way ? bench_op_vfork_exec_wait : bench_op_spawn_wait, &ex,
                              o->iters);
        }
    }
}

/* The rows at size (issue 13): spawn and getpid while BENCH_LIVE other processes are alive
 * (blocked in a pipe read), and spawn after this process has opened and closed BENCH_FDS
 * descriptors; a cost that grows with the system's size shows against spawn_wait and
 * null_syscall. Last of all: the descriptor burst is not undone for later rows (Linux's table
 * never shrinks either). */
static void bench_scale_figures(const bench_opts_t *o, bench_exec_t *ex)
{
    int live = bench_wanted(o, "spawn_live64");
    int getpid_live = bench_wanted(o, "null_syscall_live64");
    if (live || getpid_live) {
        static bench_live_t l;
        int err = bench_live_start(&l, BENCH_LIVE, o->self_path, environ);
        if (err != 0) {
            bench_measure_print("BENCH_FAIL %s spawn-held:%s",
                                live ? "spawn_live64" : "null_syscall_live64", strerror(err));
        } else {
            if (live) bench_measure_run("spawn_live64", bench_op_spawn_wait, ex, o->iters);
            if (getpid_live)
                bench_measure_run("null_syscall_live64", bench_op_getpid, NULL,
                                  o->iters * BENCH_SCALE_SYSCALL);
            err = bench_live_stop(&l);
            if (err != 0) bench_measure_print("BENCH_INFO live64 held-exit %s", strerror(err));
        }
    }
    if (bench_wanted(o, "spawn_after_fds500")) {
        int err = bench_fds_churn(BENCH_FDS);
        if (err != 0)
            bench_measure_print("BENCH_FAIL spawn_after_fds500 open:%s", strerror(err));
        else
            bench_measure_run("spawn_after_fds500", bench_op_spawn_wait, ex, o->iters);
    }
}

static void bench_poweroff(void)
{
    sync();
    long ret =
        syscall(SYS_reboot, BENCH_REBOOT_MAGIC1, BENCH_REBOOT_MAGIC2, BENCH_REBOOT_POWER_OFF, 0UL);
    /* Only reached when the call failed; as init, exiting makes Linux panic, which with
     * panic=-1 and QEMU's -no-reboot still ends the VM. */
    bench_measure_print("BENCH_INFO poweroff-failed %ld %s", ret, strerror(errno));
}

int main(int argc, char **argv)
{
    /* Taken before anything else in main: the fallback boot figure when the binary was linked
     * without its own entry point. */
    uint64_t main_tsc = bench_clock_read();
    bench_opts_t o;

    if (argc == 4 && strcmp(argv[1], "--echo") == 0)
        return bench_echo_serve(atoi(argv[2]), atoi(argv[3])) == 0 ? 0 : 1;
    if (argc == 3 && strcmp(argv[1], "--hold") == 0)
        return bench_hold_serve(atoi(argv[2])) == 0 ? 0 : 1;

    /* A Linux init without /dev/console in its initramfs starts with no descriptors. */
    if (fcntl(1, F_GETFD) < 0) {
        int fd = open("/dev/console", O_WRONLY);
        if (fd >= 0 && fd != 1) {
            dup2(fd, 1);
            close(fd);
        }
    }
    if (bench_opts_parse(&o, argc, argv) != 0) {
        bench_measure_print("BENCH_FAIL arguments invalid --iters");
        return 2;
    }
    int is_init = getpid() == 1;
    bench_info_print(&o);

    if (is_init && bench_wanted(&o, "boot_to_init")) {
        uint64_t entry = bench_clock_at_entry();
        bench_measure_print("BENCH boot_to_init %llu instr",
                            (unsigned long long)(entry != 0 ? entry : main_tsc));
        bench_measure_print("BENCH_INFO boot_to_init-sampled-at %s", entry != 0 ? "entry" : "main");
    }

    char *true_argv[] = {(char *)o.true_path, NULL};
    bench_exec_t ex = {.path = o.true_path, .argv = true_argv, .envp = environ};

    if (bench_wanted(&o, "null_syscall"))
        bench_measure_run("null_syscall", bench_op_getpid, NULL, o.iters * BENCH_SCALE_SYSCALL);
    if (bench_wanted(&o, "pipe_rtt")) bench_pipe_figure(&o, o.iters * BENCH_SCALE_PIPE);
    if (bench_wanted(&o, "spawn_wait"))
        bench_measure_run("spawn_wait", bench_op_spawn_wait, &ex, o.iters);
    if (bench_wanted(&o, "vfork_exec_wait"))
        bench_measure_run("vfork_exec_wait", bench_op_vfork_exec_wait, &ex, o.iters);
    if (bench_wanted(&o, "vfork_exit_wait"))
        bench_measure_run("vfork_exit_wait", bench_op_vfork_exit_wait, NULL, o.iters);
    if (bench_wanted(&o, "fork_exit_wait"))
        bench_measure_run("fork_exit_wait", bench_op_fork_exit_wait, NULL, o.iters);
    if (bench_wanted(&o, "fork_exec_wait"))
        bench_measure_run("fork_exec_wait", bench_op_fork_exec_wait, &ex, o.iters);
    if (bench_wanted(&o, "anon_fault"))
        bench_measure_run("anon_fault", bench_op_anon_fault, NULL, o.iters * BENCH_SCALE_FAULT);
    if (bench_wanted(&o, "thread_create_join"))
        bench_measure_run("thread_create_join", bench_op_thread_create_join, NULL,
                          o.iters * BENCH_SCALE_THREAD);
    if (bench_wanted(&o, "futex_rtt")) bench_futex_figure(o.iters * BENCH_SCALE_PIPE);
    if (bench_wanted(&o, "clock_gettime"))
        bench_measure_run("clock_gettime", bench_op_clock_gettime, NULL,
                          o.iters * BENCH_SCALE_CLOCK);
    bench_file_figures(&o);
    bench_big_figures(&o);
    bench_rss_figures(&o, &ex);
    bench_scale_figures(&o, &ex);

    bench_measure_print("BENCH_DONE");
    if (o.poweroff == 1 || (o.poweroff == -1 && is_init)) bench_poweroff();
    return 0;
}
