/* t_exec: execve, its errors and what survives it (Linux semantics).
 *
 * execve replaces the process, so the run is a chain of images of this same program:
 *   1. (no marker)      the error cases, in-process; then execve(self, "--step2", ...) with a
 *                       known argv and envp, one descriptor without and one with FD_CLOEXEC, and
 *                       some signal state;
 *   2. "--step2"        checks what arrived (argv, envp, descriptors, signals, pid, auxv); then
 *                       writes a "#!<tests>/t_exec --script-mode" script to /tmp and execs it;
 *   3. "--script-mode"  (started by the kernel as the script's interpreter) checks its argv,
 *                       removes the script and prints the summary line.
 * The pass/fail counts travel in the environment (GT_EXEC_STATE=<passed>,<failed>).
 * Test names: the error tests, and "chain" for steps 1-3; with no names, everything runs. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

static int g_argc;
static char **g_argv;
static char self_path[512];

static const char *const fixed_env[] = {"GT_A=1", "GT_EMPTY=", "GT_EQ=x=y=z"};
#define N_FIXED_ENV 3

static char long_arg[2001];
static char *step2_argv[16];

static void make_long_arg(void)
{
    for (int i = 0; i < 2000; i++)
        long_arg[i] = (char)('a' + i % 26);
    long_arg[2000] = 0;
}

/* The argv the step-2 image must receive, exactly. */
static int build_step2_argv(void)
{
    make_long_arg();
    int n = 0;
    step2_argv[n++] = "t_exec-argv0-is-arbitrary";
    step2_argv[n++] = "--step2";
    step2_argv[n++] = "";
    step2_argv[n++] = "with space";
    step2_argv[n++] = "tab\there";
    step2_argv[n++] = "\xc3\xbcnic\xc3\xb6"
                      "de";
    step2_argv[n++] = long_arg;
    step2_argv[n++] = "last";
    step2_argv[n] = NULL;
    return n;
}

/* envp for the next image: the fixed entries, the state, then extras ("K=V" strings). */
static char **build_env(const char *extra1, const char *extra2)
{
    static char state[64], pidv[64], dir[600];
    static char *env[16];
    int n = 0;
    for (int i = 0; i < N_FIXED_ENV; i++)
        env[n++] = (char *)fixed_env[i];
    snprintf(state, sizeof state, "GT_EXEC_STATE=%d,%d", gt_passed, gt_failed);
    env[n++] = state;
    snprintf(pidv, sizeof pidv, "GT_EXEC_PID=%d", (int)getpid());
    env[n++] = pidv;
    if (getenv("GTEST_DIR")) {
        snprintf(dir, sizeof dir, "GTEST_DIR=%s", getenv("GTEST_DIR"));
        env[n++] = dir;
    }
    if (extra1) env[n++] = (char *)extra1;
    if (extra2) env[n++] = (char *)extra2;
    env[n] = NULL;
    return env;
}

static void load_state(void)
{
    const char *s = getenv("GT_EXEC_STATE");
    if (!s || sscanf(s, "%d,%d", &gt_passed, &gt_failed) != 2) {
        gt_passed = 0;
        gt_failed = 1;
        printf("t_exec: GT_EXEC_STATE missing or malformed: counting one failure\n");
    }
}

/* ---------------------------------------------------------------- step 1: errors */

static char *const probe_argv[] = {"probe", "--probe-should-not-run", NULL};

static void test_enoent(void)
{
    char *env[] = {NULL};
    CHECK_ERRNO(execve("/gt-no-such-dir/prog", probe_argv, env), ENOENT);
    char p[256];
    gt_tmp(p, sizeof p, "absent");
    CHECK_ERRNO(execve(p, probe_argv, env), ENOENT);
    CHECK_ERRNO(execve("", probe_argv, env), ENOENT);
}

static void test_enotdir(void)
{
    char p[256], sub[300];
    gt_tmp(p, sizeof p, "file");
    REQUIRE(gt_write_file(p, "x", 1, 0755) == 0);
    snprintf(sub, sizeof sub, "%s/prog", p);
    CHECK_ERRNO(execve(sub, probe_argv, environ), ENOTDIR);
    unlink(p);
}

static void test_eacces(void)
{
    char p[256];
    gt_tmp(p, sizeof p, "noexec");
    /* A copy of a real program, but without any execute bit: EACCES even for root. */
    static char img[1 << 16];
    ssize_t n = gt_read_file(self_path, img, sizeof img);
    REQUIRE(n > 0);
    REQUIRE(gt_write_file(p, img, (size_t)n, 0644) == 0);
    SYS(chmod(p, 0644));
    CHECK_ERRNO(execve(p, probe_argv, environ), EACCES);
    unlink(p);
    /* A directory is not executable either. */
    CHECK_ERRNO(execve("/tmp", probe_argv, environ), EACCES);
}

static void test_enoexec(void)
{
    char p[256];
    gt_tmp(p, sizeof p, "garbage");
    static const char garbage[] = "this is not an executable\n\x01\x02\x03 no ELF, no #!\n";
    REQUIRE(gt_write_file(p, garbage, sizeof garbage - 1, 0755) == 0);
    SYS(chmod(p, 0755));
    CHECK_ERRNO(execve(p, probe_argv, environ), ENOEXEC);
    /* An ELF magic with a nonsense header. */
    char bad_elf[128];
    memset(bad_elf, 0, sizeof bad_elf);
    memcpy(bad_elf,
           "\x7f"
           "ELF",
           4);
    REQUIRE(gt_write_file(p, bad_elf, sizeof bad_elf, 0755) == 0);
    CHECK_ERRNO(execve(p, probe_argv, environ), ENOEXEC);
    /* An empty file. */
    REQUIRE(gt_write_file(p, "", 0, 0755) == 0);
    CHECK_ERRNO(execve(p, probe_argv, environ), ENOEXEC);
    unlink(p);
}

static void test_script_bad_interpreter(void)
{
    char p[256];
    gt_tmp(p, sizeof p, "badinterp");
    static const char script[] = "#!/gt-no-such-dir/interp\n";
    REQUIRE(gt_write_file(p, script, sizeof script - 1, 0755) == 0);
    SYS(chmod(p, 0755));
    CHECK_ERRNO(execve(p, probe_argv, environ), ENOENT);
    unlink(p);
}

static void test_e2big(void)
{
    /* 8 MiB of arguments, 64 KiB each: more than Linux accepts with any stack limit
     * (at most 3/4 of 8 MiB) and well over the 2 MiB of a default 8 MiB stack. */
    enum { ARG = 64 * 1024, COUNT = 128 };
    char *arg = malloc(ARG);
    char **av = calloc(COUNT + 3, sizeof *av);
    REQUIRE(arg && av);
    memset(arg, 'A', ARG - 1);
    arg[ARG - 1] = 0;
    av[0] = "probe";
    av[1] = "--e2big-probe";
    for (int i = 0; i < COUNT; i++)
        av[2 + i] = arg;
    av[COUNT + 2] = NULL;
    CHECK_ERRNO(execve(self_path, av, environ), E2BIG);
    /* The same amount in the environment. */
    char **ev = calloc(COUNT + 1, sizeof *ev);
    REQUIRE(ev);
    arg[0] = 'X';
    arg[1] = '=';
    for (int i = 0; i < COUNT; i++)
        ev[i] = arg;
    char *small[] = {"probe", "--e2big-probe", NULL};
    CHECK_ERRNO(execve(self_path, small, ev), E2BIG);
    free(ev);
    free(av);
    free(arg);
}

static void test_efault(void)
{
    const char *volatile bad = (const char *)1;
    CHECK_ERRNO(execve(bad, probe_argv, environ), EFAULT);
    char *bad_argv[] = {"probe", (char *)1, NULL};
    CHECK_ERRNO(execve(self_path, bad_argv, environ), EFAULT);
}

static void test_enametoolong(void)
{
    char *p = malloc(5001);
    REQUIRE(p);
    memset(p, 'n', 5000);
    p[0] = '/';
    p[5000] = 0;
    CHECK_ERRNO(execve(p, probe_argv, environ), ENAMETOOLONG);
    free(p);
}

/* A failed execve leaves the process intact: still us, same pid, still able to work. */
static void test_still_alive(void)
{
    pid_t pid = getpid();
    char *env[] = {NULL};
    for (int i = 0; i < 50; i++)
        CHECK_ERRNO(execve("/gt-no-such-dir/prog", probe_argv, env), ENOENT);
    CHECK_EQ(getpid(), pid);
    char *m = malloc(1 << 20);
    CHECK(m != NULL);
    free(m);
}

/* ---------------------------------------------------------------- step 1 -> 2 */

static void handler_usr2(int s)
{
    (void)s;
}

static void fail_exec_step2(void)
{
    gt_fail(__FILE__, __LINE__, "execve(%s, --step2) failed: %s", self_path, strerror(errno));
}

/* Sets up the state to inherit and execs step 2; returns only if execve failed. */
static void exec_step2(void)
{
    int p[2];
    if (pipe(p) != 0) {
        printf("t_exec: pipe failed: %s\n", strerror(errno));
        return;
    }
    /* The kept descriptor is the read end; the only write end is close-on-exec, so after the exec
     * the reader must see the data and then EOF. */
    int keep = fcntl(p[0], F_DUPFD, 40);
    int cloexec = fcntl(p[1], F_DUPFD_CLOEXEC, 40);
    close(p[0]);
    close(p[1]);
    write(cloexec, "inherited", 9);
    char fds[64], extra[64];
    snprintf(fds, sizeof fds, "GT_EXEC_FDS=%d,%d", keep, cloexec);
    /* Signal state: ignored stays ignored, caught becomes default, the mask is kept. */
    struct sigaction sa = {0};
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = handler_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    snprintf(extra, sizeof extra, "GT_EXEC_STEP=2");

    int argc2 = build_step2_argv();
    (void)argc2;
    char **env = build_env(fds, extra);
    fflush(stdout);
    execve(self_path, step2_argv, env);
    int e = errno;
    close(keep);
    close(cloexec);
    errno = e;
    gt_run_one("exec_step2", fail_exec_step2);
}

/* ---------------------------------------------------------------- step 2: checks */

static void test_exec_argv(void)
{
    int n = build_step2_argv();
    CHECK_EQ(g_argc, n);
    for (int i = 0; i < n && i < g_argc; i++)
        CHECK_STREQ(g_argv[i], step2_argv[i]);
    CHECK(g_argv[g_argc] == NULL);
}

static void test_exec_envp(void)
{
    int n = 0;
    while (environ[n])
        n++;
    int expect = N_FIXED_ENV + 4 + (getenv("GTEST_DIR") ? 1 : 0);
    CHECK_EQ(n, expect);
    for (int i = 0; i < N_FIXED_ENV && i < n; i++)
        CHECK_STREQ(environ[i], fixed_env[i]);
    CHECK_STREQ(getenv("GT_EMPTY"), "");
    CHECK_STREQ(getenv("GT_EQ"), "x=y=z");
    CHECK_STREQ(getenv("GT_EXEC_STEP"), "2");
}

static int inherited_fd = -1, cloexec_fd = -1;

static void test_exec_fds(void)
{
    const char *s = getenv("GT_EXEC_FDS");
    REQUIRE(s && sscanf(s, "%d,%d", &inherited_fd, &cloexec_fd) == 2);
    /* Without FD_CLOEXEC: still open, flag clear, same pipe with its data. */
    CHECK(gt_fd_is_open(inherited_fd));
    CHECK_EQ(fcntl(inherited_fd, F_GETFD), 0);
    char buf[32] = {0};
    CHECK_EQ(read(inherited_fd, buf, sizeof buf), 9);
    CHECK_STREQ(buf, "inherited");
    /* With FD_CLOEXEC: closed, and really released (the pipe now has no writer: EOF). */
    CHECK_ERRNO(fcntl(cloexec_fd, F_GETFD), EBADF);
    CHECK_EQ(read(inherited_fd, buf, sizeof buf), 0);
    /* 0, 1, 2 came through. */
    CHECK(gt_fd_is_open(0) && gt_fd_is_open(1) && gt_fd_is_open(2));
}

static void test_exec_signals(void)
{
    struct sigaction sa;
    SYS(sigaction(SIGUSR1, NULL, &sa));
    CHECK(sa.sa_handler == SIG_IGN);
    SYS(sigaction(SIGUSR2, NULL, &sa));
    CHECK(sa.sa_handler == SIG_DFL);
    sigset_t set;
    SYS(sigprocmask(SIG_BLOCK, NULL, &set));
    CHECK(sigismember(&set, SIGTERM) == 1);
    CHECK(sigismember(&set, SIGUSR1) == 0);
}

static void test_exec_pid(void)
{
    const char *s = getenv("GT_EXEC_PID");
    REQUIRE(s != NULL);
    CHECK_EQ(getpid(), atoi(s));
}

extern char _start[];

static void test_exec_auxv(void)
{
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    unsigned long entry = getauxval(AT_ENTRY), phdr = getauxval(AT_PHDR);
    CHECK(entry != 0);
    CHECK(phdr != 0);
    CHECK_EQ(entry, (uintptr_t)_start);
    CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
    unsigned long phnum = getauxval(AT_PHNUM);
    CHECK(phnum > 0 && phnum < 64);
    if (phdr && phnum > 0 && phnum < 64) {
        /* AT_PHDR really points at our program headers: a PT_LOAD covering the entry point. */
        const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;
        int loads = 0;
        bool covers_entry = false;
        long bias = 0;
        for (unsigned long i = 0; i < phnum; i++)
            if (ph[i].p_type == PT_PHDR) bias = (long)(phdr - ph[i].p_vaddr);
        for (unsigned long i = 0; i < phnum; i++) {
            if (ph[i].p_type != PT_LOAD) continue;
            loads++;
            unsigned long lo = ph[i].p_vaddr + (unsigned long)bias, hi = lo + ph[i].p_memsz;
            if (entry >= lo && entry < hi && (ph[i].p_flags & PF_X)) covers_entry = true;
        }
        CHECK(loads > 0);
        CHECK(covers_entry);
    }
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(rnd != NULL);
    if (rnd) {
        unsigned char copy[16];
        memcpy(copy, rnd, 16);
        bool all_zero = true;
        for (int i = 0; i < 16; i++)
            all_zero &= copy[i] == 0;
        CHECK(!all_zero);
    }
    /* The initial stack pointer (where argc lies, just below argv[]) is 16-byte aligned. */
    CHECK_EQ(((uintptr_t)g_argv - 8) % 16, 0);
    CHECK_EQ(*(long *)((uintptr_t)g_argv - 8), g_argc);
}

static char script_path[256];

static void fail_exec_script(void)
{
    gt_fail(__FILE__, __LINE__, "execve(%s) of the #! script failed: %s", script_path,
            strerror(errno));
}

static int step2(void)
{
    static const struct gt_test checks[] = {
        {"exec_argv", test_exec_argv}, {"exec_envp", test_exec_envp},
        {"exec_fds", test_exec_fds},   {"exec_signals", test_exec_signals},
        {"exec_pid", test_exec_pid},   {"exec_auxv", test_exec_auxv},
    };
    for (size_t i = 0; i < GT_COUNT(checks); i++)
        gt_run_one(checks[i].name, checks[i].fn);
    if (inherited_fd >= 0) close(inherited_fd);
    /* Put the signal state back as a fresh process would have it. */
    signal(SIGUSR1, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* Step 3: a #! script whose interpreter is this program. */
    snprintf(script_path, sizeof script_path, "/tmp/gt_t_exec_%d.sh", (int)getpid());
    char text[700];
    snprintf(text, sizeof text, "#!%s --script-mode\nthis line is never read by anyone\n",
             self_path);
    if (gt_write_file(script_path, text, strlen(text), 0755) != 0 ||
        chmod(script_path, 0755) != 0) {
        gt_run_one("exec_script", fail_exec_script);
        return gt_summary();
    }
    char *av[] = {"script-argv0-is-replaced", "s1", "s 2", NULL};
    char **env = build_env("GT_EXEC_STEP=3", NULL);
    fflush(stdout);
    execve(script_path, av, env);
    gt_run_one("exec_script", fail_exec_script);
    unlink(script_path);
    return gt_summary();
}

/* ---------------------------------------------------------------- step 3 */

static void test_exec_script(void)
{
    /* The kernel runs "<interp> <optional arg> <script path> <argv[1]...>". */
    CHECK_EQ(g_argc, 5);
    if (g_argc != 5) return;
    CHECK_STREQ(g_argv[0], self_path);
    CHECK_STREQ(g_argv[1], "--script-mode");
    CHECK_STREQ(g_argv[2], script_path);
    CHECK_STREQ(g_argv[3], "s1");
    CHECK_STREQ(g_argv[4], "s 2");
    CHECK_STREQ(getenv("GT_EXEC_STEP"), "3");
    const char *s = getenv("GT_EXEC_PID");
    CHECK(s && getpid() == atoi(s));
}

static int step3(void)
{
    snprintf(script_path, sizeof script_path, "/tmp/gt_t_exec_%d.sh", (int)getpid());
    gt_run_one("exec_script", test_exec_script);
    unlink(script_path);
    return gt_summary();
}

/* ---------------------------------------------------------------- main */

static const struct gt_test tests[] = {
    GT_TEST(enoent),
    GT_TEST(enotdir),
    GT_TEST(eacces),
    GT_TEST(enoexec),
    GT_TEST(script_bad_interpreter),
    GT_TEST(e2big),
    GT_TEST(efault),
    GT_TEST(enametoolong),
    GT_TEST(still_alive),
};

int main(int argc, char **argv)
{
    g_argc = argc;
    g_argv = argv;
    gt_init("t_exec");
    gt_test_prog(self_path, sizeof self_path, "t_exec");

    if (argc >= 2 && strcmp(argv[1], "--e2big-probe") == 0) {
        printf("FAIL e2big: execve with 8 MiB of arguments succeeded\n");
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], "--probe-should-not-run") == 0) {
        printf("FAIL: an execve that should have failed ran this program\n");
        return 1;
    }
    if (argc >= 2 && strcmp(argv[1], "--step2") == 0) {
        load_state();
        return step2();
    }
    if (argc >= 2 && strcmp(argv[1], "--script-mode") == 0) {
        load_state();
        return step3();
    }

    /* Step 1. "chain" is a selectable name too. */
    bool chain = argc <= 1;
    int nargs = 0;
    char *sel[64];
    sel[nargs++] = argv[0];
    for (int i = 1; i < argc && nargs < 63; i++) {
        if (strcmp(argv[i], "chain") == 0)
            chain = true;
        else
            sel[nargs++] = argv[i];
    }
    sel[nargs] = NULL;
    if (nargs > 1 || argc <= 1) {
        int r = gt_run_selected(nargs, sel, tests, GT_COUNT(tests));
        if (r == 2) {
            if (argc > 1 && strcmp(argv[1], "--list") == 0) printf("chain\n");
            return argc > 1 && strcmp(argv[1], "--list") == 0 ? 0 : 2;
        }
    }
    if (chain) exec_step2(); /* returns only on failure */
    return gt_summary();
}
