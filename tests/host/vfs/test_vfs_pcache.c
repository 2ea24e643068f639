/* Host tests of the page cache (vfs_pcache.c, vfs_map.c): regular files' bytes live in memory
 * objects (the fake's, host memory with the part past the object's size inaccessible), grow and
 * shrink with the file, count against tmpfs's limit (half the fake's 64 MiB), fail with ENOSPC on
 * a full machine without changing anything; the initrd's files keep their bytes in the archive
 * until changed or mapped; windows are let go when there is no room; and what mmap and exec are
 * given (the object, rights, the errors of Linux's do_mmap). */
#define _GNU_SOURCE   /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lx/statfs.h>
#include "cpio_build.h"
#include "fake_env.h"

#define P 1
#define PAGE 4096

static int32_t open_ok(fake_t *fk, const char *path, uint32_t flags)
{
    int64_t fd = t_open(fk, P, path, flags, 0644);
    assert_true(fd >= 0);
    return (int32_t)fd;
}

static int64_t ftrunc(fake_t *fk, int32_t fd, uint64_t len)
{
    return fake_sys(fk, P, VFS_NR_ftruncate, (uint64_t)fd, len);
}

static int64_t pwrite_(fake_t *fk, int32_t fd, const void *buf, size_t len, uint64_t off)
{
    uint64_t u = fake_alloc(fk, P, len);
    memcpy(fake_ptr(fk, P, u), buf, len);
    return fake_sys(fk, P, VFS_NR_pwrite64, (uint64_t)fd, u, len, off);
}

/* The object behind fd (what mmap would be given). */
static fake_mem_t *obj_of(fake_t *fk, int32_t fd, struct vfs_map_info *mi)
{
    char path[64];
    assert_int_equal(vfs_mmap_open(fk->vfs, P, fd, false, false, mi, path, sizeof path), 0);
    return fake_mem_of(fk, mi->mem);
}

static void test_bytes_live_in_the_object(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, "/tmp/f", LX_O_RDWR | LX_O_CREAT);
    assert_int_equal(fk->mem_creates, 0);   /* an empty file has no object yet */
    assert_int_equal(t_write(fk, P, fd, "hello", 5), 5);
    struct vfs_map_info mi;
    fake_mem_t *m = obj_of(fk, fd, &mi);
    assert_int_equal(m->size, PAGE);
    assert_int_equal(m->committed, 1);   /* allocated before vfs wrote */
    assert_memory_equal(m->base, "hello", 5);
    assert_int_equal(mi.size, 5);
    /* a write through a mapping (the object's page) is what read() sees */
    memcpy(m->base + 1, "ELL", 3);
    char buf[8] = {0};
    assert_int_equal(fake_sys(fk, P, VFS_NR_lseek, (uint64_t)fd, 0, LX_SEEK_SET), 0);
    assert_int_equal(t_read(fk, P, fd, buf, 8), 5);
    assert_memory_equal(buf, "hELLo", 5);
    /* growing: one object, more pages, each allocated */
    assert_int_equal(pwrite_(fk, fd, "x", 1, 3 * PAGE + 10), 1);
    assert_int_equal(m->size, 4 * PAGE);
    assert_int_equal(m->committed, 4);
    assert_int_equal(fk->mem_creates, 1);
    assert_int_equal(m->base[2 * PAGE], 0);   /* the gap reads as zeros */
    assert_int_equal(t_close(fk, P, fd), 0);
}

static void test_truncate_shrinks_the_object(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, "/tmp/t", LX_O_RDWR | LX_O_CREAT);
    char big[3 * PAGE];
    memset(big, 'a', sizeof big);
    assert_int_equal(t_write(fk, P, fd, big, sizeof big), (int64_t)sizeof big);
    struct vfs_map_info mi;
    fake_mem_t *m = obj_of(fk, fd, &mi);
    assert_int_equal(ftrunc(fk, fd, PAGE + 100), 0);
    assert_int_equal(m->size, 2 * PAGE);   /* the pages past the end left the object */
    assert_int_equal(m->committed, 2);
    assert_int_equal(m->base[PAGE + 99], 'a');
    assert_int_equal(m->base[PAGE + 100], 0);   /* the last page's tail is zero */
    /* a mapping wrote past the end; growing the file again shows zeros there, not that */
    m->base[PAGE + 200] = 'z';
    assert_int_equal(ftrunc(fk, fd, 3 * PAGE), 0);
    assert_int_equal(m->size, 3 * PAGE);
    char buf[PAGE];
    assert_int_equal(fake_sys(fk, P, VFS_NR_lseek, (uint64_t)fd, PAGE + 99, LX_SEEK_SET), PAGE + 99);
    assert_int_equal(t_read(fk, P, fd, buf, sizeof buf), PAGE);
    assert_int_equal(buf[0], 'a');
    for (int i = 1; i < PAGE; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(ftrunc(fk, fd, 0), 0);
    assert_int_equal(m->size, 0);
    assert_int_equal(m->committed, 0);
    assert_int_equal(ftrunc(fk, fd, VFS_FILE_MAX_BYTES + 1), -LX_EFBIG);
    assert_int_equal(t_close(fk, P, fd), 0);
}

static void test_tmpfs_limit(void **state)
{
    fake_t *fk = *state;
    struct lx_statfs sf;
    uint64_t u = fake_alloc(fk, P, sizeof sf);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/tmp"), u), 0);
    memcpy(&sf, fake_ptr(fk, P, u), sizeof sf);
    assert_int_equal(sf.f_blocks, (64u << 20) / PAGE / 2);   /* half of the machine */
    uint64_t avail = sf.f_bavail;
    int32_t fd = open_ok(fk, "/tmp/fill", LX_O_WRONLY | LX_O_CREAT);
    enum { CHUNK = 1 << 20 };
    uint64_t chunk = fake_alloc(fk, P, CHUNK);   /* one user buffer, written again and again */
    memset(fake_ptr(fk, P, chunk), 'f', CHUNK);
    uint64_t total = 0;
    int64_t r;
    while ((r = fake_sys(fk, P, VFS_NR_write, (uint64_t)fd, chunk, CHUNK)) == CHUNK)
        total += CHUNK;
    /* what fits goes in first (a short write), then ENOSPC */
    if (r > 0) {
        total += (uint64_t)r;
        r = fake_sys(fk, P, VFS_NR_write, (uint64_t)fd, chunk, CHUNK);
    }
    assert_int_equal(r, -LX_ENOSPC);
    assert_int_equal(total, avail * PAGE);
    assert_int_equal(ftrunc(fk, fd, total + PAGE), -LX_ENOSPC);
    assert_int_equal(fake_sys(fk, P, VFS_NR_statfs, fake_str(fk, P, "/tmp"), u), 0);
    memcpy(&sf, fake_ptr(fk, P, u), sizeof sf);
    assert_int_equal(sf.f_bavail, 0);
    /* vfs goes on: removing the file gives the space back */
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(t_unlink(fk, P, "/tmp/fill"), 0);
    assert_int_equal(fk->mem_releases, fk->mem_creates);
    assert_int_equal(t_put_file(fk, P, "/tmp/small", "ok"), 2);
}

static void test_full_machine_is_enospc(void **state)
{
    fake_t *fk = *state;
    int32_t fd = open_ok(fk, "/tmp/m", LX_O_RDWR | LX_O_CREAT);
    assert_int_equal(t_write(fk, P, fd, "abc", 3), 3);
    struct vfs_map_info mi;
    fake_mem_t *m = obj_of(fk, fd, &mi);
    fk->mem_free_pages = 2;   /* the machine has two pages left */
    char big[4 * PAGE];
    memset(big, 'b', sizeof big);
    assert_int_equal(pwrite_(fk, fd, big, sizeof big, PAGE), -LX_ENOSPC);
    /* nothing changed: the size, the object, the free memory */
    struct lx_stat st;
    assert_int_equal(t_fstat(fk, P, fd, &st), 0);
    assert_int_equal(st.st_size, 3);
    assert_int_equal(m->size, PAGE);
    assert_int_equal(fk->mem_free_pages, 2);
    assert_int_equal(ftrunc(fk, fd, 8 * PAGE), -LX_ENOSPC);
    assert_int_equal(fk->mem_free_pages, 2);
    /* what fits still goes */
    assert_int_equal(pwrite_(fk, fd, big, 2 * PAGE, PAGE), 2 * PAGE);
    assert_int_equal(fk->mem_free_pages, 0);
    assert_int_equal(t_close(fk, P, fd), 0);
}

/* the boot archive stays in place while vfs lives: freed after the teardown's vfs_destroy */
static cpio_buf_t initrd;

static int teardown_initrd(void **state)
{
    int r = fake_teardown(state);
    cpio_free(&initrd);
    return r;
}

static void test_initrd_bytes_stay_until_needed(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};
    cpio_add(&b, "bin", LX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&b, "bin/prog", LX_S_IFREG | 0755, "\177ELF-program", 12);
    cpio_add(&b, "etc", LX_S_IFDIR | 0755, NULL, 0);
    cpio_add(&b, "etc/conf", LX_S_IFREG | 0644, "key=value\n", 10);
    cpio_trailer(&b);
    initrd = b;
    assert_int_equal(vfs_load_initrd(fk->vfs, b.data, b.len), 0);
    assert_int_equal(fk->mem_creates, 0);   /* nothing copied */
    char buf[32];
    assert_int_equal(t_get_file(fk, P, "/etc/conf", buf, sizeof buf), 10);
    assert_memory_equal(buf, "key=value\n", 10);
    assert_int_equal(fk->mem_creates, 0);   /* reading needs no copy */
    /* exec needs the object: the archive's bytes are copied into one */
    struct vfs_file *f;
    uint64_t size;
    struct vfs_map_info mi;
    char path[64];
    uint64_t deny;
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/bin/prog", &f, &size), 0);
    assert_int_equal(vfs_exec_map_info(fk->vfs, P, f, &mi, path, sizeof path, &deny), 0);
    assert_string_equal(path, "/bin/prog");
    assert_int_equal(mi.size, 12);
    assert_memory_equal(fake_mem_of(fk, mi.mem)->base, "\177ELF-program", 12);
    assert_int_equal(fk->mem_creates, 1);
    assert_int_equal(vfs_file_pread(f, buf, 1, 3), 3);
    assert_memory_equal(buf, "ELF", 3);
    vfs_file_put(f);
    assert_int_equal(vfs_exec_unmap(fk->vfs, deny), 0);
    /* a change copies too, then applies */
    int32_t fd = open_ok(fk, "/etc/conf", LX_O_RDWR);
    assert_int_equal(t_write(fk, P, fd, "KEY", 3), 3);
    assert_int_equal(t_close(fk, P, fd), 0);
    assert_int_equal(t_get_file(fk, P, "/etc/conf", buf, sizeof buf), 10);
    assert_memory_equal(buf, "KEY=value\n", 10);
    assert_int_equal(fk->mem_creates, 2);
    /* the archive itself was never written */
    assert_true(memmem(b.data, b.len, "key=value", 9) != NULL);
    /* vfs_load_cpio copies at once */
    cpio_buf_t c = {0};
    cpio_add(&c, "copied", LX_S_IFREG | 0644, "now", 3);
    cpio_trailer(&c);
    assert_int_equal(vfs_load_cpio(fk->vfs, c.data, c.len), 0);
    memset(c.data, 0, c.len);   /* the archive may go */
    cpio_free(&c);
    assert_int_equal(t_get_file(fk, P, "/copied", buf, sizeof buf), 3);
    assert_memory_equal(buf, "now", 3);
}

static void test_windows_are_let_go_when_there_is_no_room(void **state)
{
    fake_t *fk = *state;
    fk->window_limit = 2;
    char name[32], buf[8];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "/tmp/w%d", i);
        assert_int_equal(t_put_file(fk, P, name, "data"), 4);
        assert_true(fk->windows <= 2);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "/tmp/w%d", i);
        assert_int_equal(t_get_file(fk, P, name, buf, sizeof buf), 4);
        assert_memory_equal(buf, "data", 4);
    }
    assert_int_equal(fk->mem_creates, 5);
}

/* A running program's file cannot be written (its processes map its pages), and a file open for
 * writing cannot start a program: ETXTBSY both ways, as Linux's deny_write_access. */
static void test_running_program_is_busy(void **state)
{
    fake_t *fk = *state;
    assert_int_equal(t_put_file(fk, P, "/tmp/prog", "\177ELF..."), 7);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/tmp/prog"), 0755), 0);
    struct vfs_file *f;
    uint64_t size, deny, deny2;
    struct vfs_map_info mi;
    char path[64];
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/tmp/prog", &f, &size), 0);
    assert_int_equal(vfs_exec_map_info(fk->vfs, P, f, &mi, path, sizeof path, &deny), 0);
    vfs_file_put(f);   /* exec closes it; the program runs on */
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/tmp/prog", &f, &size), 0);   /* twice is fine */
    assert_int_equal(vfs_exec_map_info(fk->vfs, P, f, &mi, path, sizeof path, &deny2), 0);
    vfs_file_put(f);
    assert_int_not_equal(deny, deny2);
    assert_int_equal(t_open(fk, P, "/tmp/prog", LX_O_WRONLY, 0), -LX_ETXTBSY);
    assert_int_equal(t_open(fk, P, "/tmp/prog", LX_O_RDWR, 0), -LX_ETXTBSY);
    assert_int_equal(t_open(fk, P, "/tmp/prog", LX_O_RDONLY | LX_O_TRUNC, 0), -LX_ETXTBSY);
    assert_int_equal(fake_sys(fk, P, VFS_NR_truncate, fake_str(fk, P, "/tmp/prog"), 0),
                     -LX_ETXTBSY);
    int64_t ro = t_open(fk, P, "/tmp/prog", LX_O_RDONLY, 0);   /* reading is fine */
    assert_true(ro >= 0);
    assert_int_equal(t_close(fk, P, (int32_t)ro), 0);
    assert_int_equal(vfs_exec_unmap(fk->vfs, deny), 0);
    assert_int_equal(vfs_exec_unmap(fk->vfs, deny), -LX_ENOENT);   /* once */
    assert_int_equal(t_open(fk, P, "/tmp/prog", LX_O_WRONLY, 0), -LX_ETXTBSY);   /* one runs */
    assert_int_equal(vfs_exec_unmap(fk->vfs, deny2), 0);          /* the last */
    int64_t w0 = t_open(fk, P, "/tmp/prog", LX_O_WRONLY, 0);
    assert_true(w0 >= 0);
    assert_int_equal(t_close(fk, P, (int32_t)w0), 0);
    assert_int_equal(t_unlink(fk, P, "/tmp/prog"), 0);
    /* the other way round: a file open for writing cannot be run */
    assert_int_equal(t_put_file(fk, P, "/tmp/prog2", "#!/bin/sh\n"), 10);
    assert_int_equal(fake_sys(fk, P, VFS_NR_chmod, fake_str(fk, P, "/tmp/prog2"), 0755), 0);
    int64_t w = t_open(fk, P, "/tmp/prog2", LX_O_WRONLY, 0);
    assert_true(w >= 0);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/tmp/prog2", &f, &size), -LX_ETXTBSY);
    assert_int_equal(t_close(fk, P, (int32_t)w), 0);
    assert_int_equal(vfs_exec_open(fk->vfs, P, "/tmp/prog2", &f, &size), 0);
    vfs_file_put(f);
}

static void test_mmap_open_rules(void **state)
{
    fake_t *fk = *state;
    struct vfs_map_info mi;
    char path[64];
    assert_int_equal(t_put_file(fk, P, "/tmp/m", "contents"), 8);
    int32_t ro = open_ok(fk, "/tmp/m", LX_O_RDONLY);
    int32_t rw = open_ok(fk, "/tmp/m", LX_O_RDWR);
    int32_t wo = open_ok(fk, "/tmp/m", LX_O_WRONLY);
    int32_t op = open_ok(fk, "/tmp/m", LX_O_PATH);
    /* Linux's do_mmap: a shared writable mapping needs a writable description, any mapping a
     * readable one */
    assert_int_equal(vfs_mmap_open(fk->vfs, P, ro, true, true, &mi, path, sizeof path), -LX_EACCES);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, wo, false, false, &mi, path, sizeof path),
                     -LX_EACCES);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, op, false, false, &mi, path, sizeof path),
                     -LX_EBADF);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, 77, false, false, &mi, path, sizeof path),
                     -LX_EBADF);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, ro, true, false, &mi, path, sizeof path), 0);
    assert_false(mi.writable);   /* a shared read-only mapping that can never be written */
    assert_false(mi.zero);
    assert_string_equal(path, "/tmp/m");
    assert_int_equal(mi.size, 8);
    int64_t mem = mi.mem;
    assert_int_equal(vfs_mmap_open(fk->vfs, P, rw, true, true, &mi, path, sizeof path), 0);
    assert_true(mi.writable);
    assert_int_equal(mi.mem, mem);   /* one object per file */
    struct lx_stat st;
    assert_int_equal(t_stat(fk, P, "/tmp/m", &st), 0);
    assert_int_equal(mi.ino, st.st_ino);
    assert_int_equal(mi.dev, st.st_dev);
    /* nothing to map: a pipe, a directory, a terminal, /dev/null */
    int fds[2];
    assert_int_equal(t_pipe(fk, P, fds, 0), 0);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, fds[0], false, false, &mi, path, sizeof path),
                     -LX_ENODEV);
    int32_t dir = open_ok(fk, "/tmp", LX_O_RDONLY | LX_O_DIRECTORY);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, dir, false, false, &mi, path, sizeof path),
                     -LX_ENODEV);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, 0, false, false, &mi, path, sizeof path),
                     -LX_ENODEV);
    int32_t null = open_ok(fk, "/dev/null", LX_O_RDWR);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, null, false, false, &mi, path, sizeof path),
                     -LX_ENODEV);
    /* /dev/zero: anonymous memory, private or shared */
    int32_t zero = open_ok(fk, "/dev/zero", LX_O_RDWR);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, zero, true, true, &mi, path, sizeof path), 0);
    assert_true(mi.zero);
    assert_int_equal(mi.mem, 0);
    /* an empty file has an object too, which grows with it under every mapping */
    int32_t e = open_ok(fk, "/tmp/empty", LX_O_RDWR | LX_O_CREAT);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, e, true, true, &mi, path, sizeof path), 0);
    fake_mem_t *m = fake_mem_of(fk, mi.mem);
    assert_int_equal(m->size, 0);
    assert_int_equal(t_write(fk, P, e, "grown", 5), 5);
    assert_int_equal(m->size, PAGE);
    assert_memory_equal(m->base, "grown", 5);
    /* an unlinked file's object lives as long as vfs has the file open */
    assert_int_equal(t_unlink(fk, P, "/tmp/empty"), 0);
    assert_int_equal(vfs_mmap_open(fk->vfs, P, e, false, false, &mi, path, sizeof path), 0);
    assert_string_equal(path, "/ (deleted)");
    int64_t releases = fk->mem_releases;
    assert_int_equal(t_close(fk, P, e), 0);
    assert_int_equal(fk->mem_releases, releases + 1);
    int32_t all[] = {ro, rw, wo, op, fds[0], fds[1], dir, null, zero};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_int_equal(t_close(fk, P, all[i]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bytes_live_in_the_object, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_truncate_shrinks_the_object, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_tmpfs_limit, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_full_machine_is_enospc, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_initrd_bytes_stay_until_needed, fake_setup,
                                        teardown_initrd),
        cmocka_unit_test_setup_teardown(test_windows_are_let_go_when_there_is_no_room, fake_setup,
                                        fake_teardown),
        cmocka_unit_test_setup_teardown(test_running_program_is_busy, fake_setup, fake_teardown),
        cmocka_unit_test_setup_teardown(test_mmap_open_rules, fake_setup, fake_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
