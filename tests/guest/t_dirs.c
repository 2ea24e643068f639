/* t_dirs: directories, the working directory, rename, symbolic links (Linux semantics). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gtest.h"

__attribute__((noinline)) static char *join(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static int touch(const char *path, const char *data)
{
    return gt_write_file(path, data, strlen(data), 0644);
}

static void test_mkdir_rmdir(void)
{
    char d[256], sub[300], f[300];
    gt_tmp(d, sizeof d, "mk");
    CHECK_EQ(mkdir(d, 0755), 0);
    struct stat st;
    SYS(stat(d, &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERRNO(mkdir(d, 0755), EEXIST);
    CHECK_ERRNO(mkdir("/tmp", 0755), EEXIST);
    join(sub, sizeof sub, d, "a/b");
    CHECK_ERRNO(mkdir(sub, 0755), ENOENT); /* parent missing */
    join(f, sizeof f, d, "file");
    REQUIRE(touch(f, "x") == 0);
    CHECK_ERRNO(mkdir(f, 0755), EEXIST);
    join(sub, sizeof sub, f, "sub");
    CHECK_ERRNO(mkdir(sub, 0755), ENOTDIR);
    /* mkdirat relative to a directory descriptor. */
    int dfd = SYS(open(d, O_RDONLY | O_DIRECTORY));
    CHECK_EQ(mkdirat(dfd, "viaat", 0700), 0);
    CHECK_ERRNO(mkdirat(dfd, "viaat", 0700), EEXIST);
    join(sub, sizeof sub, d, "viaat");
    SYS(stat(sub, &st));
    CHECK(S_ISDIR(st.st_mode));
    /* rmdir: not empty, not a directory, then success. */
    CHECK_ERRNO(rmdir(d), ENOTEMPTY);
    CHECK_ERRNO(rmdir(f), ENOTDIR);
    CHECK_EQ(rmdir(sub), 0);
    CHECK_ERRNO(rmdir(sub), ENOENT);
    CHECK_ERRNO(rmdir("/gt-no-such-dir"), ENOENT);
    /* unlinkat: AT_REMOVEDIR removes directories only; without it, files only. */
    CHECK_EQ(mkdirat(dfd, "sub2", 0755), 0);
    CHECK_ERRNO(unlinkat(dfd, "sub2", 0), EISDIR);
    CHECK_ERRNO(unlinkat(dfd, "file", AT_REMOVEDIR), ENOTDIR);
    CHECK_EQ(unlinkat(dfd, "sub2", AT_REMOVEDIR), 0);
    CHECK_EQ(unlinkat(dfd, "file", 0), 0);
    CHECK_ERRNO(unlinkat(dfd, "file", 0), ENOENT);
    close(dfd);
    CHECK_EQ(rmdir(d), 0);
    CHECK_ERRNO(stat(d, &st), ENOENT);
}

static void test_readdir(void)
{
    char d[256], p[300];
    gt_tmp(d, sizeof d, "rd");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    static const char *names[] = {"alpha", "beta", "gamma_is_a_longer_name", "d1", "d2", "x"};
    enum { N = sizeof names / sizeof names[0] };
    for (int i = 0; i < N; i++) {
        join(p, sizeof p, d, names[i]);
        if (names[i][0] == 'd' && names[i][1] != 0)
            SYS(mkdir(p, 0755));
        else
            SYS(touch(p, names[i]));
    }
    int seen[N] = {0}, dots = 0, dotdots = 0, others = 0;
    DIR *dir = opendir(d);
    REQUIRE(dir != NULL);
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0) {
            dots++;
            continue;
        }
        if (strcmp(e->d_name, "..") == 0) {
            dotdots++;
            continue;
        }
        bool known = false;
        for (int i = 0; i < N; i++) {
            if (strcmp(e->d_name, names[i]) == 0) {
                seen[i]++;
                known = true;
                /* d_type, when the file system fills it in, must be right. */
                if (e->d_type != DT_UNKNOWN) {
                    bool isdir = names[i][0] == 'd' && names[i][1] != 0;
                    CHECK_EQ(e->d_type, isdir ? DT_DIR : DT_REG);
                }
                join(p, sizeof p, d, names[i]);
                struct stat st;
                SYS(stat(p, &st));
                CHECK_EQ(e->d_ino, st.st_ino);
            }
        }
        if (!known) {
            gt_note("unexpected entry '%s'", e->d_name);
            others++;
        }
    }
    CHECK_EQ(errno, 0);
    CHECK_EQ(dots, 1);
    CHECK_EQ(dotdots, 1);
    CHECK_EQ(others, 0);
    for (int i = 0; i < N; i++) {
        if (seen[i] != 1) gt_note("entry '%s' seen %d times", names[i], seen[i]);
        CHECK_EQ(seen[i], 1);
    }
    /* rewinddir starts over. */
    rewinddir(dir);
    int count = 0;
    while ((e = readdir(dir)) != NULL)
        count++;
    CHECK_EQ(count, N + 2);
    closedir(dir);

    /* An empty directory lists exactly . and .. */
    join(p, sizeof p, d, "d1");
    dir = opendir(p);
    REQUIRE(dir != NULL);
    count = 0;
    while ((e = readdir(dir)) != NULL) {
        CHECK(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0);
        count++;
    }
    CHECK_EQ(count, 2);
    closedir(dir);

    /* opendir errors. */
    CHECK_ERRNO_NULL(opendir("/gt-no-such-dir"), ENOENT);
    join(p, sizeof p, d, "alpha");
    CHECK_ERRNO_NULL(opendir(p), ENOTDIR);
    gt_rm_rf(d);
}

static void test_cwd(void)
{
    char d[256], buf[PATH_MAX], p[300];
    gt_tmp(d, sizeof d, "cwd");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    join(p, sizeof p, d, "sub");
    SYS(mkdir(p, 0755));
    int saved = SYS(open(".", O_RDONLY | O_DIRECTORY));
    REQUIRE(saved >= 0);

    CHECK_EQ(chdir(d), 0);
    CHECK(getcwd(buf, sizeof buf) == buf);
    CHECK_STREQ(buf, d);
    /* Relative paths resolve against the working directory. */
    SYS(touch("rel", "relative"));
    char rd[32];
    join(p, sizeof p, d, "rel");
    CHECK_EQ(gt_read_file(p, rd, sizeof rd), 8);
    CHECK_EQ(chdir("sub"), 0);
    CHECK(getcwd(buf, sizeof buf) == buf);
    join(p, sizeof p, d, "sub");
    CHECK_STREQ(buf, p);
    CHECK_EQ(gt_read_file("../rel", rd, sizeof rd), 8);
    CHECK_STREQ(rd, "relative");
    CHECK_EQ(gt_read_file("./../sub/../rel", rd, sizeof rd), 8);
    CHECK_EQ(chdir(".."), 0);
    CHECK(getcwd(buf, sizeof buf) == buf);
    CHECK_STREQ(buf, d);
    /* ".." at the root stays at the root. */
    CHECK_EQ(chdir("/"), 0);
    CHECK_EQ(chdir(".."), 0);
    CHECK(getcwd(buf, sizeof buf) == buf);
    CHECK_STREQ(buf, "/");
    struct stat a, b;
    SYS(stat("/..", &a));
    SYS(stat("/", &b));
    CHECK_EQ(a.st_ino, b.st_ino);
    /* fchdir. */
    int dfd = SYS(open(d, O_RDONLY | O_DIRECTORY));
    CHECK_EQ(fchdir(dfd), 0);
    CHECK(getcwd(buf, sizeof buf) == buf);
    CHECK_STREQ(buf, d);
    close(dfd);
    /* getcwd with a buffer too small: ERANGE. */
    CHECK_ERRNO_NULL(getcwd(buf, 2), ERANGE);
    CHECK_ERRNO_NULL(getcwd(buf, strlen(d)), ERANGE);
    CHECK(getcwd(buf, strlen(d) + 1) == buf);
    /* chdir errors. */
    CHECK_ERRNO(chdir("/gt-no-such-dir"), ENOENT);
    CHECK_ERRNO(chdir("rel"), ENOTDIR);
    CHECK_ERRNO(fchdir(-1), EBADF);
    int ffd = SYS(open("rel", O_RDONLY));
    CHECK_ERRNO(fchdir(ffd), ENOTDIR);
    close(ffd);

    CHECK_EQ(fchdir(saved), 0);
    close(saved);
    gt_rm_rf(d);
}

static void test_rename(void)
{
    char d[256], a[300], b[300], c[300], x[300], y[300], buf[64];
    gt_tmp(d, sizeof d, "ren");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    join(a, sizeof a, d, "a");
    join(b, sizeof b, d, "b");
    SYS(touch(a, "contents of a"));
    SYS(touch(b, "contents of b"));
    struct stat sa, sb;
    SYS(stat(a, &sa));
    /* File over file: the target is replaced atomically, the inode moves. */
    CHECK_EQ(rename(a, b), 0);
    CHECK_ERRNO(stat(a, &sb), ENOENT);
    SYS(stat(b, &sb));
    CHECK_EQ(sb.st_ino, sa.st_ino);
    CHECK_EQ(gt_read_file(b, buf, sizeof buf), 13);
    CHECK_STREQ(buf, "contents of a");
    /* Renaming onto itself is a no-op. */
    CHECK_EQ(rename(b, b), 0);
    CHECK_EQ(gt_read_file(b, buf, sizeof buf), 13);
    /* A missing source. */
    CHECK_ERRNO(rename(a, b), ENOENT);
    /* Directory renames. */
    join(x, sizeof x, d, "dirx");
    join(y, sizeof y, d, "diry");
    SYS(mkdir(x, 0755));
    join(c, sizeof c, x, "inner");
    SYS(touch(c, "inner"));
    CHECK_EQ(rename(x, y), 0);
    join(c, sizeof c, y, "inner");
    CHECK_EQ(gt_read_file(c, buf, sizeof buf), 5);
    /* A directory into its own subtree: EINVAL. */
    join(c, sizeof c, y, "sub");
    CHECK_ERRNO(rename(y, c), EINVAL);
    /* Over a non-empty directory: ENOTEMPTY; over an empty one: replaced. */
    SYS(mkdir(x, 0755));
    CHECK_ERRNO(rename(x, y), ENOTEMPTY);
    CHECK_EQ(rename(y, x), 0);
    join(c, sizeof c, x, "inner");
    CHECK_EQ(gt_read_file(c, buf, sizeof buf), 5);
    CHECK_ERRNO(stat(y, &sb), ENOENT);
    /* File over directory and directory over file. */
    SYS(mkdir(y, 0755));
    CHECK_ERRNO(rename(b, y), EISDIR);
    CHECK_ERRNO(rename(y, b), ENOTDIR);
    SYS(rmdir(y));
    /* renameat with directory descriptors, moving between directories. */
    int dfd = SYS(open(d, O_RDONLY | O_DIRECTORY));
    int xfd = SYS(open(x, O_RDONLY | O_DIRECTORY));
    CHECK_EQ(renameat(dfd, "b", xfd, "moved"), 0);
    join(c, sizeof c, x, "moved");
    CHECK_EQ(gt_read_file(c, buf, sizeof buf), 13);
    CHECK_STREQ(buf, "contents of a");
    CHECK_ERRNO(renameat(dfd, "b", xfd, "again"), ENOENT);
    CHECK_EQ(renameat(xfd, "moved", AT_FDCWD, b), 0);
    CHECK_EQ(gt_read_file(b, buf, sizeof buf), 13);
    close(dfd);
    close(xfd);
    gt_rm_rf(d);
}

static void test_symlink(void)
{
    char d[256], f[300], l[300], l2[300], buf[PATH_MAX];
    gt_tmp(d, sizeof d, "sym");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    join(f, sizeof f, d, "target");
    join(l, sizeof l, d, "link");
    SYS(touch(f, "target data"));
    /* A relative symlink resolves against the link's directory. */
    CHECK_EQ(symlink("target", l), 0);
    CHECK_ERRNO(symlink("target", l), EEXIST);
    memset(buf, 'z', sizeof buf);
    CHECK_EQ(readlink(l, buf, sizeof buf), 6);
    CHECK_MEMEQ(buf, "targetz", 7);   /* not NUL-terminated */
    CHECK_EQ(readlink(l, buf, 3), 3); /* truncated silently */
    CHECK_MEMEQ(buf, "tar", 3);
    CHECK_ERRNO(readlink(f, buf, sizeof buf), EINVAL); /* not a link */
    CHECK_ERRNO(readlink("/gt-no-such-link", buf, sizeof buf), ENOENT);
    char rd[64];
    CHECK_EQ(gt_read_file(l, rd, sizeof rd), 11);
    CHECK_STREQ(rd, "target data");
    struct stat s1, s2, s3;
    SYS(stat(l, &s1));
    SYS(lstat(l, &s2));
    SYS(stat(f, &s3));
    CHECK(S_ISREG(s1.st_mode));
    CHECK(S_ISLNK(s2.st_mode));
    CHECK_EQ(s1.st_ino, s3.st_ino);
    CHECK(s2.st_ino != s3.st_ino);
    CHECK_EQ(s2.st_size, 6);
    /* The raw lstat, syscall 6 (musl's lstat is fstatat): from a foreign thread it is a Linux
     * call, not the kernel's call 6 (reply_recv), which takes its own way in (kern/kcall.c). */
    struct stat s4;
    CHECK_EQ(syscall(SYS_lstat, l, &s4), 0);
    CHECK(S_ISLNK(s4.st_mode));
    CHECK_EQ(s4.st_ino, s2.st_ino);
    CHECK_ERRNO(syscall(SYS_lstat, "/gt-no-such-link", &s4), ENOENT);
    /* readlinkat relative to a directory. */
    int dfd = SYS(open(d, O_RDONLY | O_DIRECTORY));
    CHECK_EQ(readlinkat(dfd, "link", buf, sizeof buf), 6);
    /* A symlink to a directory works as a path component. */
    join(l2, sizeof l2, d, "dirlink");
    CHECK_EQ(symlinkat(".", dfd, "dirlink"), 0);
    snprintf(buf, sizeof buf, "%s/dirlink/dirlink/target", d);
    CHECK_EQ(gt_read_file(buf, rd, sizeof rd), 11);
    /* A dangling link: lstat works, stat and open fail with ENOENT; O_CREAT creates the target. */
    char dang[300], dtarget[300];
    join(dang, sizeof dang, d, "dangling");
    join(dtarget, sizeof dtarget, d, "created-through-link");
    SYS(symlink("created-through-link", dang));
    SYS(lstat(dang, &s2));
    CHECK(S_ISLNK(s2.st_mode));
    CHECK_ERRNO(stat(dang, &s1), ENOENT);
    CHECK_ERRNO(open(dang, O_RDONLY), ENOENT);
    int fd = SYS(open(dang, O_WRONLY | O_CREAT, 0644));
    close(fd);
    SYS(stat(dtarget, &s1));
    /* O_NOFOLLOW on a link: ELOOP. */
    CHECK_ERRNO(open(l, O_RDONLY | O_NOFOLLOW), ELOOP);
    /* Unlinking a link removes the link only. */
    CHECK_EQ(unlink(l), 0);
    SYS(stat(f, &s3));
    close(dfd);
    gt_rm_rf(d);
}

static void test_symlink_loop(void)
{
    char d[256], a[300], b[300], self[300], sub[320];
    gt_tmp(d, sizeof d, "loop");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    join(a, sizeof a, d, "loop1");
    join(b, sizeof b, d, "loop2");
    join(self, sizeof self, d, "self");
    SYS(symlink("loop2", a));
    SYS(symlink("loop1", b));
    SYS(symlink("self", self));
    struct stat st;
    CHECK_ERRNO(open(a, O_RDONLY), ELOOP);
    CHECK_ERRNO(stat(a, &st), ELOOP);
    CHECK_ERRNO(stat(self, &st), ELOOP);
    CHECK_ERRNO(open(self, O_WRONLY | O_CREAT, 0644), ELOOP);
    snprintf(sub, sizeof sub, "%s/x", a);
    CHECK_ERRNO(stat(sub, &st), ELOOP);
    CHECK_ERRNO(chdir(a), ELOOP);
    CHECK_EQ(lstat(a, &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    gt_rm_rf(d);
}

static void test_o_directory(void)
{
    char d[256], f[300];
    gt_tmp(d, sizeof d, "odir");
    REQUIRE(SYS(mkdir(d, 0755)) == 0);
    join(f, sizeof f, d, "file");
    SYS(touch(f, "x"));
    CHECK_ERRNO(open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);
    int fd = SYS(open(d, O_RDONLY | O_DIRECTORY));
    struct stat st;
    SYS(fstat(fd, &st));
    CHECK(S_ISDIR(st.st_mode));
    close(fd);
    /* A trailing slash on a file name: ENOTDIR. */
    char slash[310];
    snprintf(slash, sizeof slash, "%s/", f);
    CHECK_ERRNO(open(slash, O_RDONLY), ENOTDIR);
    CHECK_ERRNO(stat(slash, &st), ENOTDIR);
    gt_rm_rf(d);
}

static const struct gt_test tests[] = {
    GT_TEST(mkdir_rmdir), GT_TEST(readdir),      GT_TEST(cwd),         GT_TEST(rename),
    GT_TEST(symlink),     GT_TEST(symlink_loop), GT_TEST(o_directory),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
