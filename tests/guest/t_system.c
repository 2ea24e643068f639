/* t_system: system(), popen() and pclose() (musl: /bin/sh -c through posix_spawn).
 * Relies on /bin/sh (provided by the shell's engineer) running a simple command line. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

static char child[512];

static void test_system_status(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s exit 3", child);
    int st = system(cmd);
    CHECK(st != -1);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 3);
    snprintf(cmd, sizeof cmd, "%s exit 0", child);
    st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* Arguments are split by the shell. */
    char p[256], buf[64];
    gt_tmp(p, sizeof p, "sys");
    snprintf(cmd, sizeof cmd, "%s write 1 'two words' > %s", child, p);
    st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(gt_read_file(p, buf, sizeof buf), 9);
    CHECK_STREQ(buf, "two words");
    unlink(p);
    /* A command that is not found: the shell reports 127. */
    st = system("/gt-no-such-dir/nothing");
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 127);
    /* No children left behind. */
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_system_null(void)
{
    /* A shell is available. */
    CHECK(system(NULL) != 0);
}

static void test_popen_read(void)
{
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "%s print 'hello from the child' print second", child);
    FILE *f = popen(cmd, "r");
    REQUIRE(f != NULL);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STREQ(line, "hello from the child\n");
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STREQ(line, "second\n");
    CHECK(fgets(line, sizeof line, f) == NULL);
    CHECK(feof(f));
    int st = pclose(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* pclose returns the command's status. */
    snprintf(cmd, sizeof cmd, "%s print bye exit 5", child);
    f = popen(cmd, "r");
    REQUIRE(f != NULL);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STREQ(line, "bye\n");
    st = pclose(f);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 5);
    /* A large output (through the shell's < redirection) arrives whole. */
    enum { BIG = 100000 };
    static char data[BIG], back[BIG + 16];
    for (int i = 0; i < BIG; i++)
        data[i] = (char)('A' + i % 61);
    char p[256];
    gt_tmp(p, sizeof p, "big");
    REQUIRE(gt_write_file(p, data, BIG, 0644) == 0);
    snprintf(cmd, sizeof cmd, "%s cat < %s", child, p);
    f = popen(cmd, "r");
    REQUIRE(f != NULL);
    size_t n = fread(back, 1, sizeof back, f);
    CHECK_EQ(n, BIG);
    CHECK_MEMEQ(back, data, BIG);
    st = pclose(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    unlink(p);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_popen_write(void)
{
    char cmd[1024], p[256], buf[256];
    /* The child counts what we write and exits with the count (mod 256). */
    snprintf(cmd, sizeof cmd, "%s count-exit", child);
    FILE *f = popen(cmd, "w");
    REQUIRE(f != NULL);
    for (int i = 0; i < 100; i++)
        CHECK(fputs("abc", f) >= 0);
    int st = pclose(f);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 300 % 256);
    /* The child copies what we write into a file. */
    gt_tmp(p, sizeof p, "popenw");
    snprintf(cmd, sizeof cmd, "%s tofile %s", child, p);
    f = popen(cmd, "w");
    REQUIRE(f != NULL);
    fprintf(f, "line %d\n", 1);
    fprintf(f, "line %d\n", 2);
    st = pclose(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK_EQ(gt_read_file(p, buf, sizeof buf), 14);
    CHECK_STREQ(buf, "line 1\nline 2\n");
    unlink(p);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_popen_no_leak(void)
{
    /* The popen descriptor is not inherited by a second popen's child (close-on-exec). */
    char cmd[1024], line[512];
    snprintf(cmd, sizeof cmd, "%s print first", child);
    FILE *a = popen(cmd, "r");
    REQUIRE(a != NULL);
    int afd = fileno(a);
    snprintf(cmd, sizeof cmd, "%s fds", child);
    FILE *b = popen(cmd, "r");
    REQUIRE(b != NULL);
    CHECK(fgets(line, sizeof line, b) != NULL);
    char needle[16];
    snprintf(needle, sizeof needle, " %d", afd);
    char *hit = strstr(line, needle);
    CHECK(!(hit && (hit[strlen(needle)] == ' ' || hit[strlen(needle)] == '\n')));
    pclose(b);
    CHECK(fgets(line, sizeof line, a) != NULL);
    CHECK_STREQ(line, "first\n");
    pclose(a);
}

static const struct gt_test tests[] = {
    GT_TEST(system_status), GT_TEST(system_null),   GT_TEST(popen_read),
    GT_TEST(popen_write),   GT_TEST(popen_no_leak),
};

int main(int argc, char **argv)
{
    gt_test_prog(child, sizeof child, "t_child");
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
