/* Host tests of the tree: loading a cpio newc initrd (well-formed, merged, hard links,
 * malformed) and path resolution (symlinks, "..", loops, trailing slashes, long names, dirfds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <string.h>
#include "cpio_build.h"
#include "fake_env.h"
#include "vfs_impl.h"

#define P 1   /* the test process */

/* ---- cpio ---- */

static void test_cpio_loads_tree(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};
    cpio_add(&b, ".", LX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&b, "./bin", LX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&b, "./bin/hello", LX_S_IFREG | 0755, "#!hello\n", 8);
    cpio_add(&b, "./etc", LX_S_IFDIR | 0700, NULL, 0);
    cpio_add(&b, "./etc/motd", LX_S_IFREG | 0644, "welcome\n", 8);
    cpio_add(&b, "./etc/link", LX_S_IFLNK | 0777, "motd", 4);
    cpio_add(&b, "deep/er/file", LX_S_IFREG | 0600, "x", 1);   /* parents not listed */
    cpio_add(&b, "./tmp", LX_S_IFDIR | 01777, NULL, 0);
    cpio_add(&b, "./dev/ttyS0", LX_S_IFCHR | 0600, NULL, 0);   /* skipped */
    cpio_add(&b, "./empty", LX_S_IFREG | 0644, NULL, 0);
    cpio_trailer(&b);
    assert_int_equal(vfs_load_cpio(fk->vfs, b.data, b.len), 0);
    cpio_free(&b);

    char buf[64];
    assert_int_equal(t_get_file(fk, P, "/bin/hello", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "#!hello\n");
    assert_int_equal(t_get_file(fk, P, "/etc/link", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "welcome\n");
    assert_int_equal(t_readlink(fk, P, "/etc/link", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "motd");
    assert_int_equal(t_get_file(fk, P, "/deep/er/file", buf, sizeof(buf)), 1);
    assert_int_equal(t_get_file(fk, P, "/empty", buf, sizeof(buf)), 0);

    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/bin/hello", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFREG | 0755);
    assert_int_equal(st.st_size, 8);
    assert_int_equal(st.st_mtim.tv_sec, 1600000000);
    assert_int_equal(t_stat(fk, P, "/etc", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 0700);
    assert_int_equal(t_stat(fk, P, "/deep", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 0755);
    assert_int_equal(t_lstat(fk, P, "/etc/link", &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFLNK);
    assert_int_equal(st.st_size, 4);
    assert_int_equal(t_stat(fk, P, "/dev/ttyS0", &st), -LX_ENOENT);
    /* merged into the existing /tmp and /dev: the devices are still there */
    assert_int_equal(t_stat(fk, P, "/tmp", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 01777);
    assert_int_equal(t_stat(fk, P, "/dev/null", &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFCHR);
}

static void test_cpio_hard_links_and_replace(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};
    /* newc stores a hard-linked file's data with its last name */
    cpio_add_full(&b, "a", LX_S_IFREG | 0644, 77, 2, 0, NULL, 0);
    cpio_add_full(&b, "b", LX_S_IFREG | 0644, 77, 2, 0, "shared", 6);
    cpio_add(&b, "c", LX_S_IFREG | 0644, "old", 3);
    cpio_add(&b, "c", LX_S_IFREG | 0644, "new!", 4);
    cpio_trailer(&b);
    assert_int_equal(vfs_load_cpio(fk->vfs, b.data, b.len), 0);
    cpio_free(&b);
    struct lx_stat sa, sb;
    assert_int_equal(t_stat(fk, P, "/a", &sa), 0);
    assert_int_equal(t_stat(fk, P, "/b", &sb), 0);
    assert_int_equal(sa.st_ino, sb.st_ino);
    assert_int_equal(sa.st_nlink, 2);
    char buf[16];
    assert_int_equal(t_get_file(fk, P, "/a", buf, sizeof(buf)), 6);
    assert_string_equal(buf, "shared");
    assert_int_equal(t_get_file(fk, P, "/c", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "new!");
}

/* A malformed archive fails as a whole: nothing of it appears in the tree. */
static void expect_rejected(fake_t *fk, const cpio_buf_t *b)
{
    assert_int_equal(vfs_load_cpio(fk->vfs, b->data, b->len), -LX_EINVAL);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/good", &st), -LX_ENOENT);
}

static void test_cpio_malformed(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};

    /* no trailer */
    cpio_add(&b, "good", LX_S_IFREG | 0644, "data", 4);
    expect_rejected(fk, &b);

    /* truncated in the middle of the last entry's data */
    cpio_add(&b, "big", LX_S_IFREG | 0644, "0123456789abcdef", 16);
    b.len -= 10;
    expect_rejected(fk, &b);
    cpio_free(&b);

    /* bad magic in the second entry */
    cpio_add(&b, "good", LX_S_IFREG | 0644, "data", 4);
    size_t second = b.len;
    cpio_add(&b, "x", LX_S_IFREG | 0644, "y", 1);
    cpio_trailer(&b);
    b.data[second + 5] = '9';
    expect_rejected(fk, &b);
    b.data[second + 5] = '1';
    /* a non-hex digit in a size field */
    b.data[second + 6 + 8 * 6 + 3] = 'g';
    expect_rejected(fk, &b);
    cpio_free(&b);

    /* a name whose stated size does not end at its NUL */
    cpio_add(&b, "good", LX_S_IFREG | 0644, "data", 4);
    second = b.len;
    cpio_add(&b, "abcd", LX_S_IFREG | 0644, "y", 1);
    cpio_trailer(&b);
    memcpy(b.data + second + 6 + 8 * 11, "00000003", 8);
    expect_rejected(fk, &b);
    cpio_free(&b);

    /* a file size pointing past the end */
    cpio_add(&b, "good", LX_S_IFREG | 0644, "data", 4);
    second = b.len;
    cpio_add(&b, "x", LX_S_IFREG | 0644, "y", 1);
    cpio_trailer(&b);
    memcpy(b.data + second + 6 + 8 * 6, "7FFFFFFF", 8);
    expect_rejected(fk, &b);
    cpio_free(&b);

    /* garbage and emptiness */
    assert_int_equal(vfs_load_cpio(fk->vfs, "not an archive at all", 21), -LX_EINVAL);
    assert_int_equal(vfs_load_cpio(fk->vfs, "", 0), -LX_EINVAL);
}

static void test_cpio_conflict(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};
    cpio_add(&b, "f", LX_S_IFREG | 0644, "x", 1);
    cpio_add(&b, "f/g", LX_S_IFREG | 0644, "y", 1);   /* a file used as a directory */
    cpio_trailer(&b);
    assert_int_equal(vfs_load_cpio(fk->vfs, b.data, b.len) < 0, 1);
    cpio_free(&b);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/f", &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFREG);
}

/* ---- path resolution ---- */

static void make_tree(fake_t *fk)
{
    assert_int_equal(t_mkdir(fk, P, "/a", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/a/b", 0755), 0);
    assert_int_equal(t_mkdir(fk, P, "/a/c", 0755), 0);
    assert_int_equal(t_put_file(fk, P, "/a/c/f", "content"), 7);
}

static void test_path_dots_and_root(void **state)
{
    fake_t *fk = *state;
    make_tree(fk);
    char buf[32];
    assert_int_equal(t_get_file(fk, P, "/a/b/../c/./f", buf, sizeof(buf)), 7);
    assert_int_equal(t_get_file(fk, P, "/../../a/c/f", buf, sizeof(buf)), 7);
    assert_int_equal(t_get_file(fk, P, "//a///c//f", buf, sizeof(buf)), 7);
    struct lx_stat root, up;
    assert_int_equal(t_stat(fk, P, "/", &root), 0);
    assert_int_equal(t_stat(fk, P, "/..", &up), 0);
    assert_int_equal(root.st_ino, up.st_ino);
    assert_int_equal(t_stat(fk, P, "", &root), -LX_ENOENT);
    assert_int_equal(t_get_file(fk, P, "/a/x/../c/f", buf, sizeof(buf)), -LX_ENOENT);
    assert_int_equal(t_get_file(fk, P, "/a/c/f/../f", buf, sizeof(buf)), -LX_ENOTDIR);
}

static void test_path_symlinks(void **state)
{
    fake_t *fk = *state;
    make_tree(fk);
    char buf[32];
    /* relative targets resolve from the link's own directory */
    assert_int_equal(t_symlink(fk, P, "../c", "/a/b/toc"), 0);
    assert_int_equal(t_get_file(fk, P, "/a/b/toc/f", buf, sizeof(buf)), 7);
    assert_int_equal(t_symlink(fk, P, "/a/c/f", "/abs"), 0);
    assert_int_equal(t_get_file(fk, P, "/abs", buf, sizeof(buf)), 7);
    /* a link to a link to a directory, in the middle of a path */
    assert_int_equal(t_symlink(fk, P, "b/toc", "/a/l2"), 0);
    assert_int_equal(t_get_file(fk, P, "/a/l2/f", buf, sizeof(buf)), 7);
    assert_int_equal(t_symlink(fk, P, "/", "/rootlink"), 0);
    assert_int_equal(t_get_file(fk, P, "/rootlink/a/c/f", buf, sizeof(buf)), 7);

    struct lx_stat st;
    assert_int_equal(t_symlink(fk, P, "nowhere", "/dangling"), 0);
    assert_int_equal(t_stat(fk, P, "/dangling", &st), -LX_ENOENT);
    assert_int_equal(t_lstat(fk, P, "/dangling", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFLNK | 0777);
    /* O_CREAT through a dangling link creates its target; with O_EXCL it does not */
    assert_int_equal(t_open(fk, P, "/dangling", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0644),
                     -LX_EEXIST);
    int64_t fd = t_open(fk, P, "/dangling", LX_O_CREAT | LX_O_WRONLY, 0644);
    assert_true(fd >= 0);
    t_close(fk, P, (int32_t)fd);
    assert_int_equal(t_stat(fk, P, "/nowhere", &st), 0);
    /* O_NOFOLLOW refuses a final symlink */
    assert_int_equal(t_open(fk, P, "/abs", LX_O_RDONLY | LX_O_NOFOLLOW, 0), -LX_ELOOP);
    /* an empty target names nothing */
    assert_int_equal(t_symlink(fk, P, "", "/empty"), -LX_ENOENT);
}

static void test_path_symlink_loops(void **state)
{
    fake_t *fk = *state;
    struct lx_stat st;
    assert_int_equal(t_symlink(fk, P, "/loop2", "/loop1"), 0);
    assert_int_equal(t_symlink(fk, P, "/loop1", "/loop2"), 0);
    assert_int_equal(t_stat(fk, P, "/loop1", &st), -LX_ELOOP);
    assert_int_equal(t_stat(fk, P, "/loop1/x", &st), -LX_ELOOP);
    assert_int_equal(t_lstat(fk, P, "/loop1", &st), 0);
    assert_int_equal(t_symlink(fk, P, "self/x", "/self"), 0);
    assert_int_equal(t_stat(fk, P, "/self", &st), -LX_ELOOP);

    /* a chain of exactly 40 links resolves, 41 do not */
    assert_int_equal(t_put_file(fk, P, "/end", "e"), 1);
    char name[32], target[32];
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof(name), "/c%d", i);
        if (i == 1)
            snprintf(target, sizeof(target), "/end");
        else
            snprintf(target, sizeof(target), "c%d", i - 1);
        assert_int_equal(t_symlink(fk, P, target, name), 0);
    }
    assert_int_equal(t_stat(fk, P, "/c40", &st), 0);
    assert_int_equal(st.st_size, 1);
    assert_int_equal(t_stat(fk, P, "/c41", &st), -LX_ELOOP);
}

static void test_path_trailing_slash(void **state)
{
    fake_t *fk = *state;
    make_tree(fk);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/a/c/", &st), 0);
    assert_int_equal(t_stat(fk, P, "/a/c/f/", &st), -LX_ENOTDIR);
    assert_int_equal(t_open(fk, P, "/a/c/f/", LX_O_RDONLY, 0), -LX_ENOTDIR);
    assert_int_equal(t_open(fk, P, "/a/new/", LX_O_CREAT | LX_O_WRONLY, 0644), -LX_EISDIR);
    assert_int_equal(t_mkdir(fk, P, "/a/d/", 0755), 0);
    assert_int_equal(t_stat(fk, P, "/a/d", &st), 0);
    assert_int_equal(t_unlink(fk, P, "/a/c/f/"), -LX_ENOTDIR);
    assert_int_equal(t_rmdir(fk, P, "/a/d/"), 0);
    /* a trailing slash follows a symlink to a directory, but rmdir never acts through one */
    assert_int_equal(t_symlink(fk, P, "c", "/a/lc"), 0);
    assert_int_equal(t_stat(fk, P, "/a/lc/", &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
    assert_int_equal(t_rmdir(fk, P, "/a/lc/"), -LX_ENOTDIR);
    assert_int_equal(t_symlink(fk, P, "c/f", "/a/lf"), 0);
    assert_int_equal(t_stat(fk, P, "/a/lf/", &st), -LX_ENOTDIR);
}

static void test_path_long_names(void **state)
{
    fake_t *fk = *state;
    char name[300], path[5000];
    memset(name, 'n', 255);
    name[255] = '\0';
    snprintf(path, sizeof(path), "/tmp/%s", name);
    assert_int_equal(t_put_file(fk, P, path, "ok"), 2);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, path, &st), 0);
    memset(name, 'n', 256);
    name[256] = '\0';
    snprintf(path, sizeof(path), "/tmp/%s", name);
    assert_int_equal(t_stat(fk, P, path, &st), -LX_ENAMETOOLONG);
    assert_int_equal(t_open(fk, P, path, LX_O_CREAT | LX_O_WRONLY, 0644), -LX_ENAMETOOLONG);

    /* 4095 bytes is the longest path; 4096 (no room for the NUL) is too long */
    memset(path, '/', sizeof(path));
    path[4095] = '\0';
    assert_int_equal(t_stat(fk, P, path, &st), 0);
    path[4095] = '/';
    path[4096] = '\0';
    assert_int_equal(t_stat(fk, P, path, &st), -LX_ENAMETOOLONG);

    /* a symlink whose target plus the rest of the path exceeds PATH_MAX */
    size_t n = 0;
    path[n++] = '/';
    for (int i = 0; i < 1499; i++)
        path[n++] = '.', path[n++] = '/';
    path[n] = '\0';
    assert_int_equal(t_symlink(fk, P, path, "/l1"), 0);
    assert_int_equal(t_stat(fk, P, "/l1", &st), 0);
    assert_int_equal(st.st_mode & LX_S_IFMT, LX_S_IFDIR);
    n = (size_t)snprintf(path, sizeof(path), "/l1/");
    for (int i = 0; i < 1100; i++)
        path[n++] = '.', path[n++] = '/';
    path[n] = '\0';
    assert_int_equal(t_stat(fk, P, path, &st), -LX_ENAMETOOLONG);
}

static void test_path_dirfd(void **state)
{
    fake_t *fk = *state;
    make_tree(fk);
    int64_t dfd = t_open(fk, P, "/a/c", LX_O_RDONLY | LX_O_DIRECTORY, 0);
    assert_true(dfd >= 0);
    int64_t fd = t_openat(fk, P, (int32_t)dfd, "f", LX_O_RDONLY, 0);
    assert_true(fd >= 0);
    char buf[16];
    assert_int_equal(t_read(fk, P, (int32_t)fd, buf, sizeof(buf)), 7);
    t_close(fk, P, (int32_t)fd);
    /* absolute paths ignore dirfd, even an invalid one */
    fd = t_openat(fk, P, 999, "/a/c/f", LX_O_RDONLY, 0);
    assert_true(fd >= 0);
    /* relative paths need a valid directory fd */
    assert_int_equal(t_openat(fk, P, 999, "f", LX_O_RDONLY, 0), -LX_EBADF);
    assert_int_equal(t_openat(fk, P, (int32_t)fd, "f", LX_O_RDONLY, 0), -LX_ENOTDIR);
    t_close(fk, P, (int32_t)fd);
    /* AT_FDCWD follows chdir */
    assert_int_equal(t_chdir(fk, P, "/a/b"), 0);
    fd = t_openat(fk, P, LX_AT_FDCWD, "../c/f", LX_O_RDONLY, 0);
    assert_true(fd >= 0);
    t_close(fk, P, (int32_t)fd);
    /* mkdirat and unlinkat relative to a dirfd */
    assert_int_equal(fake_sys(fk, P, VFS_NR_mkdirat, dfd, fake_str(fk, P, "sub"), 0700), 0);
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/a/c/sub", &st), 0);
    assert_int_equal(st.st_mode, LX_S_IFDIR | 0700);
    assert_int_equal(fake_sys(fk, P, VFS_NR_unlinkat, dfd, fake_str(fk, P, "sub"), 0),
                     -LX_EISDIR);
    assert_int_equal(fake_sys(fk, P, VFS_NR_unlinkat, dfd, fake_str(fk, P, "sub"),
                              LX_AT_REMOVEDIR),
                     0);
    assert_int_equal(fake_sys(fk, P, VFS_NR_unlinkat, dfd, fake_str(fk, P, "f"), 0x1),
                     -LX_EINVAL);
    t_close(fk, P, (int32_t)dfd);
}

/* ---- the name index of large directories (vfs_dirhash.c) ---- */

/* A directory past VFS_DIRHASH_MIN entries is looked up through its index: every present name
 * is found, every removed one is not, through removals (which move later entries in the array),
 * re-additions and the index's rebuilds as it grows; getdents order (cookies) is unchanged. */
static void test_dirhash_large_directory(void **state)
{
    fake_t *fk = *state;
    enum { N = 1000 };
    vfs_node_t *root = fk->vfs->root, *d;
    assert_int_equal(vfs_dir_create(root, "big", VFS_K_DIR, 0755, &d), 0);
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        assert_int_equal(vfs_dir_create(d, name, VFS_K_REG, 0644, NULL), 0);
        if (i + 1 < VFS_DIRHASH_MIN)
            assert_null(d->u.dir.hash);
        else
            assert_non_null(d->u.dir.hash);
    }
    for (int i = 0; i < N; i += 2) {   /* remove the even ones */
        snprintf(name, sizeof(name), "f%d", i);
        vfs_dir_unlink(d, name);
    }
    for (int i = 0; i < N; i += 4) {   /* and bring back every other one of them */
        snprintf(name, sizeof(name), "f%d", i);
        assert_int_equal(vfs_dir_create(d, name, VFS_K_REG, 0644, NULL), 0);
    }
    assert_int_equal(d->u.dir.n, N / 2 + N / 4);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        vfs_node_t *n = vfs_dir_lookup(d, name, strlen(name));
        bool present = (i % 2) || (i % 4 == 0);
        assert_int_equal(n != NULL, present);
        /* a prefix of a present name is not that name (it may be another one) */
        if (present && i >= 10)
            assert_ptr_not_equal(vfs_dir_lookup(d, name, strlen(name) - 1), n);
    }
    /* the array keeps its order: cookies increase, odd names first, re-added ones after */
    for (size_t i = 1; i < d->u.dir.n; i++)
        assert_true(d->u.dir.ents[i - 1].cookie < d->u.dir.ents[i].cookie);
    assert_string_equal(d->u.dir.ents[0].name, "f1");
    assert_string_equal(d->u.dir.ents[N / 2].name, "f0");
    /* through the syscalls too: a path walk finds an entry the index holds */
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/big/f999", &st), 0);
    assert_int_equal(t_stat(fk, P, "/big/f998", &st), -LX_ENOENT);
    assert_int_equal(t_stat(fk, P, "/big/f996", &st), 0);
    assert_int_equal(t_rename(fk, P, "/big/f1", "/big/renamed"), 0);
    assert_int_equal(t_stat(fk, P, "/big/f1", &st), -LX_ENOENT);
    assert_int_equal(t_stat(fk, P, "/big/renamed", &st), 0);
    /* emptied, it is found empty; a small directory scans without an index */
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        vfs_dir_unlink(d, name);
    }
    vfs_dir_unlink(d, "renamed");
    assert_int_equal(d->u.dir.n, 0);
    assert_null(d->u.dir.hash);   /* dropped below VFS_DIRHASH_MIN / 2 entries */
    /* churn (an entry made and removed per spawn, as /proc/<pid>) on a directory with an index
     * keeps the index small: removed slots never outnumber live ones */
    for (int i = 0; i < VFS_DIRHASH_MIN; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        assert_int_equal(vfs_dir_create(d, name, VFS_K_REG, 0644, NULL), 0);
    }
    assert_non_null(d->u.dir.hash);
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "c%d", i);
        assert_int_equal(vfs_dir_create(d, name, VFS_K_REG, 0644, NULL), 0);
        assert_non_null(vfs_dir_lookup(d, "k7", 2));
        vfs_dir_unlink(d, name);
        assert_null(vfs_dir_lookup(d, name, strlen(name)));
    }
    assert_true(vfs_dirhash_gone(d) <= (size_t)VFS_DIRHASH_MIN + 1);
    for (int i = 0; i < VFS_DIRHASH_MIN; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        vfs_dir_unlink(d, name);
    }
    assert_null(vfs_dir_lookup(d, "f3", 2));
    assert_int_equal(t_rmdir(fk, P, "/big"), 0);
}

static void test_path_bad_address(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(fake_sys(fk, P, VFS_NR_open, FAKE_BADADDR, LX_O_RDONLY, 0), -LX_EFAULT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_stat, FAKE_BADADDR, fake_alloc(fk, P, 144)),
                     -LX_EFAULT);
    assert_int_equal(fake_sys(fk, P, VFS_NR_stat, fake_str(fk, P, "/"), FAKE_BADADDR),
                     -LX_EFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cpio_loads_tree, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_cpio_hard_links_and_replace, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_cpio_malformed, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_cpio_conflict, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_dots_and_root, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_symlinks, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_symlink_loops, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_trailing_slash, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_long_names, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_dirfd, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_path_bad_address, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_dirhash_large_directory, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests_name("vfs_tree", tests, NULL, NULL));
}
