/* t_spawn: posix_spawn and posix_spawnp with file actions and attributes (Linux/musl semantics). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

extern char **environ;

static char child_path[512];

/* Spawns with the given file actions and attributes, stdout into a pipe; collects it; waits. */
static int spawn_out(posix_spawn_file_actions_t *fa_in, const posix_spawnattr_t *attr,
                     char *const argv[], char *const envp[], char *out, size_t cap)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t local, *fa = fa_in;
    if (!fa) {
        posix_spawn_file_actions_init(&local);
        fa = &local;
    }
    posix_spawn_file_actions_adddup2(fa, p[1], 1);
    pid_t pid;
    int e = posix_spawn(&pid, child_path, fa, attr, argv, envp ? envp : environ);
    if (!fa_in) posix_spawn_file_actions_destroy(&local);
    close(p[1]);
    if (e) {
        close(p[0]);
        gt_fail(__FILE__, __LINE__, "posix_spawn: %s", strerror(e));
        return -1;
    }
    ssize_t n = gt_read_full(p[0], out, cap - 1);
    out[n > 0 ? n : 0] = 0;
    close(p[0]);
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        gt_fail(__FILE__, __LINE__, "waitpid: %s", strerror(errno));
        return -1;
    }
    return st;
}

static void test_exit_status(void)
{
    static const int codes[] = {0, 7, 200};
    for (size_t i = 0; i < 3; i++) {
        char code[8];
        snprintf(code, sizeof code, "%d", codes[i]);
        char *argv[] = {"t_child", "exit", code, NULL};
        pid_t pid = -1;
        CHECK_ERR(posix_spawn(&pid, child_path, NULL, NULL, argv, environ), 0);
        CHECK(pid > 0 && pid != getpid());
        int st = -1;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), codes[i]);
    }
    /* pid argument may be NULL. */
    char *argv[] = {"t_child", NULL};
    CHECK_ERR(posix_spawn(NULL, child_path, NULL, NULL, argv, environ), 0);
    int st;
    pid_t w = wait(&st);
    CHECK(w > 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_missing_path(void)
{
    /* Start from a clean slate: no children. */
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    char *argv[] = {"nothing", NULL};
    pid_t pid = 12345;
    CHECK_ERR(posix_spawn(&pid, "/gt-no-such-dir/nothing", NULL, NULL, argv, environ), ENOENT);
    /* The failed child was reaped by posix_spawn: no zombie left. */
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    /* Not executable: EACCES, also with nothing left behind. */
    char p[256];
    gt_tmp(p, sizeof p, "noexec");
    REQUIRE(gt_write_file(p, "#!/bin/sh\n", 10, 0644) == 0);
    SYS(chmod(p, 0644));
    CHECK_ERR(posix_spawn(&pid, p, NULL, NULL, argv, environ), EACCES);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    unlink(p);
}

static void test_argv_envp(void)
{
    char *argv[] = {"custom-argv0", "argv", "a b", "", "\xc3\xbc", "--x=y", NULL};
    char *envp[] = {"X=1", "EMPTY=", "K=v=w", NULL};
    char out[1024];
    int st = spawn_out(NULL, NULL, argv, envp, out, sizeof out);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STREQ(out, "argv[0]=custom-argv0\nargv[1]=argv\nargv[2]=a b\nargv[3]=\nargv[4]=\xc3\xbc\n"
                     "argv[5]=--x=y\n");
    char *argv2[] = {"t_child", "env", NULL};
    st = spawn_out(NULL, NULL, argv2, envp, out, sizeof out);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STREQ(out, "env=X=1\nenv=EMPTY=\nenv=K=v=w\n");
    /* An empty environment. */
    char *none[] = {NULL};
    st = spawn_out(NULL, NULL, argv2, none, out, sizeof out);
    CHECK_STREQ(out, "");
}

static void test_adddup2_stdout(void)
{
    int p[2];
    REQUIRE(SYS(pipe(p)) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    CHECK_ERR(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
    CHECK_ERR(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
    char *argv[] = {"t_child", "print", "line one", "write", "1", "exact bytes", "print", "", NULL};
    pid_t pid;
    CHECK_ERR(posix_spawn(&pid, child_path, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    char buf[256] = {0};
    ssize_t n = gt_read_full(p[0], buf, sizeof buf - 1);
    CHECK_EQ(n, 21);
    CHECK_STREQ(buf, "line one\nexact bytes\n");
    close(p[0]);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* Our own stdout is untouched. */
    CHECK(gt_fd_is_open(1));
}

static void test_addopen(void)
{
    char in[256], outp[256], buf[256];
    gt_tmp(in, sizeof in, "in");
    gt_tmp(outp, sizeof outp, "out");
    REQUIRE(gt_write_file(in, "from the input file\n", 20, 0644) == 0);
    /* stdin from a file, stdout to a file: "cat" copies one to the other. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    CHECK_ERR(posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0), 0);
    CHECK_ERR(posix_spawn_file_actions_addopen(&fa, 1, outp, O_WRONLY | O_CREAT | O_TRUNC, 0640),
              0);
    char *argv[] = {"t_child", "cat", NULL};
    pid_t pid;
    CHECK_ERR(posix_spawn(&pid, child_path, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(gt_read_file(outp, buf, sizeof buf), 20);
    CHECK_STREQ(buf, "from the input file\n");
    struct stat sb;
    SYS(stat(outp, &sb));
    mode_t um = umask(0);
    umask(um);
    CHECK_EQ(sb.st_mode & 0777, 0640 & ~um);
    /* A file action that fails makes posix_spawn fail with its error, leaving no child. */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/gt-no-such-dir/in", O_RDONLY, 0);
    CHECK_ERR(posix_spawn(&pid, child_path, &fa, NULL, argv, environ), ENOENT);
    posix_spawn_file_actions_destroy(&fa);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    unlink(in);
    unlink(outp);
}

static int spawn_isopen(int fd, posix_spawn_file_actions_t *fa)
{
    char fds[16];
    snprintf(fds, sizeof fds, "%d", fd);
    char *argv[] = {"t_child", "isopen", fds, NULL};
    pid_t pid;
    int e = posix_spawn(&pid, child_path, fa, NULL, argv, environ);
    if (e) {
        gt_fail(__FILE__, __LINE__, "posix_spawn: %s", strerror(e));
        return -1;
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st); /* 0 open, 1 closed */
}

static void test_addclose_and_cloexec(void)
{
    int fd = SYS(open("/dev/null", O_RDONLY));
    int cfd = SYS(open("/dev/null", O_RDONLY | O_CLOEXEC));
    /* Inherited by default; not if close-on-exec; not if closed by a file action. */
    CHECK_EQ(spawn_isopen(fd, NULL), 0);
    CHECK_EQ(spawn_isopen(cfd, NULL), 1);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    CHECK_ERR(posix_spawn_file_actions_addclose(&fa, fd), 0);
    CHECK_EQ(spawn_isopen(fd, &fa), 1);
    posix_spawn_file_actions_destroy(&fa);
    /* The parent's descriptor is unaffected. */
    CHECK(gt_fd_is_open(fd));
    /* adddup2 onto itself clears close-on-exec in the child (POSIX 2024, musl). */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, cfd, cfd);
    CHECK_EQ(spawn_isopen(cfd, &fa), 0);
    posix_spawn_file_actions_destroy(&fa);
    CHECK_EQ(fcntl(cfd, F_GETFD), FD_CLOEXEC);
    close(fd);
    close(cfd);
}

static void test_addchdir(void)
{
    char d[256], out[512];
    gt_tmp(d, sizeof d, "cwd");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    char before[512];
    REQUIRE(getcwd(before, sizeof before) != NULL);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    CHECK_ERR(posix_spawn_file_actions_addchdir_np(&fa, d), 0);
    char *argv[] = {"t_child", "cwd", NULL};
    int st = spawn_out(&fa, NULL, argv, NULL, out, sizeof out);
    posix_spawn_file_actions_destroy(&fa);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char expect[300];
    snprintf(expect, sizeof expect, "%s\n", d);
    CHECK_STREQ(out, expect);
    /* The parent did not move. */
    char after[512];
    CHECK(getcwd(after, sizeof after) != NULL);
    CHECK_STREQ(after, before);
    /* A chdir to a missing directory makes the spawn fail with ENOENT. */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, "/gt-no-such-dir");
    pid_t pid;
    CHECK_ERR(posix_spawn(&pid, child_path, &fa, NULL, argv, environ), ENOENT);
    posix_spawn_file_actions_destroy(&fa);
    rmdir(d);
}

static void test_spawnp_path(void)
{
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    char path[600];
    snprintf(path, sizeof path, "/gt-nonexistent:%s", gt_tests_dir());
    setenv("PATH", path, 1);
    char *argv[] = {"t_child", "exit", "4", NULL};
    pid_t pid;
    CHECK_ERR(posix_spawnp(&pid, "t_child", NULL, NULL, argv, environ), 0);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
    /* Not found anywhere on PATH. */
    CHECK_ERR(posix_spawnp(&pid, "gt-no-such-program", NULL, NULL, argv, environ), ENOENT);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
    /* A name with a slash is not searched. */
    CHECK_ERR(posix_spawnp(&pid, "./gt-no-such-program", NULL, NULL, argv, environ), ENOENT);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    } else {
        unsetenv("PATH");
    }
}

static void test_attr_sigmask(void)
{
    char out[256];
    char *argv[] = {"t_child", "sigmask", NULL};
    /* Default: the child inherits our mask. */
    sigset_t set, prev;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    SYS(sigprocmask(SIG_BLOCK, &set, &prev));
    int st = spawn_out(NULL, NULL, argv, NULL, out, sizeof out);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STREQ(out, "sigmask: 12\n");
    /* POSIX_SPAWN_SETSIGMASK: exactly the given mask. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGTERM);
    CHECK_ERR(posix_spawnattr_setsigmask(&attr, &m), 0);
    CHECK_ERR(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK), 0);
    st = spawn_out(NULL, &attr, argv, NULL, out, sizeof out);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_STREQ(out, "sigmask: 10 15\n");
    posix_spawnattr_destroy(&attr);
    SYS(sigprocmask(SIG_SETMASK, &prev, NULL));
    /* And our own mask is as before. */
    sigset_t now;
    SYS(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(sigismember(&now, SIGUSR2) == 0);
}

static void on_sig(int s)
{
    (void)s;
}

static void test_attr_sigdefault(void)
{
    char out[64];
    struct sigaction ign = {0}, h = {0}, old_usr1, old_usr2;
    ign.sa_handler = SIG_IGN;
    h.sa_handler = on_sig;
    SYS(sigaction(SIGUSR1, &ign, &old_usr1));
    SYS(sigaction(SIGUSR2, &h, &old_usr2));
    char *argv1[] = {"t_child", "sigdisp", "10", NULL};
    char *argv2[] = {"t_child", "sigdisp", "12", NULL};
    /* Ignored stays ignored across exec; a handler becomes the default. */
    spawn_out(NULL, NULL, argv1, NULL, out, sizeof out);
    CHECK_STREQ(out, "ign\n");
    spawn_out(NULL, NULL, argv2, NULL, out, sizeof out);
    CHECK_STREQ(out, "dfl\n");
    /* POSIX_SPAWN_SETSIGDEF resets the ignored one. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGUSR1);
    CHECK_ERR(posix_spawnattr_setsigdefault(&attr, &def), 0);
    CHECK_ERR(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF), 0);
    spawn_out(NULL, &attr, argv1, NULL, out, sizeof out);
    CHECK_STREQ(out, "dfl\n");
    posix_spawnattr_destroy(&attr);
    /* Our own dispositions did not change. */
    struct sigaction now;
    SYS(sigaction(SIGUSR1, NULL, &now));
    CHECK(now.sa_handler == SIG_IGN);
    SYS(sigaction(SIGUSR1, &old_usr1, NULL));
    SYS(sigaction(SIGUSR2, &old_usr2, NULL));
}

static void test_child_identity(void)
{
    char out[128];
    char *argv[] = {"t_child", "pid", NULL};
    int st = spawn_out(NULL, NULL, argv, NULL, out, sizeof out);
    CHECK(st != -1 && WIFEXITED(st));
    int cpid = 0, cppid = 0;
    CHECK_EQ(sscanf(out, "pid=%d ppid=%d", &cpid, &cppid), 2);
    CHECK(cpid > 0 && cpid != getpid());
    CHECK_EQ(cppid, getpid());
}

static void test_many_children(void)
{
    /* Several children alive at once, reaped in any order by wait(). */
    enum { N = 8 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        char code[8], ms[8];
        snprintf(code, sizeof code, "%d", 10 + i);
        snprintf(ms, sizeof ms, "%d", 20 * (N - i));
        char *argv[] = {"t_child", "sleep", ms, "exit", code, NULL};
        CHECK_ERR(posix_spawn(&pids[i], child_path, NULL, NULL, argv, environ), 0);
    }
    int seen = 0;
    for (int k = 0; k < N; k++) {
        int st;
        pid_t w = wait(&st);
        for (int i = 0; i < N; i++)
            if (w == pids[i]) {
                CHECK(WIFEXITED(st));
                CHECK_EQ(WEXITSTATUS(st), 10 + i);
                seen |= 1 << i;
            }
    }
    CHECK_EQ(seen, (1 << N) - 1);
    CHECK_ERRNO(wait(NULL), ECHILD);
}

static const struct gt_test tests[] = {
    GT_TEST(exit_status),     GT_TEST(missing_path),   GT_TEST(argv_envp),
    GT_TEST(adddup2_stdout),  GT_TEST(addopen),        GT_TEST(addclose_and_cloexec),
    GT_TEST(addchdir),        GT_TEST(spawnp_path),    GT_TEST(attr_sigmask),
    GT_TEST(attr_sigdefault), GT_TEST(child_identity), GT_TEST(many_children),
};

int main(int argc, char **argv)
{
    gt_test_prog(child_path, sizeof child_path, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
