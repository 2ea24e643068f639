/* Regression tests of what the vfs fuzz targets found (docs/fuzzing.md, "Findings"), each the
 * smallest input that shows it, as a cmocka test over the host tests' fake.
 *
 * cpio_relink_after_replace: vfs_load_cpio keeps a raw pointer to the first node of a hard-linked
 * inode; a later entry replacing that name frees the node, and a third entry with the same inode
 * links the freed node (heap use after free in vfs_dir_link). Registered disabled until the fix
 * in servers/vfs/vfs_cpio.c (another engineer's file at the time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include "cpio_build.h"
#include "fake_env.h"

static void test_cpio_relink_after_replace(void **state)
{
    fake_t *fk = *state;
    cpio_buf_t b = {0};
    cpio_add_full(&b, "a", LX_S_IFREG | 0644, 5, 2, 0, "x", 1); /* inode 5, two links */
    cpio_add(&b, "a", LX_S_IFREG | 0644, "y", 1);               /* replaces a: the node dies */
    cpio_add_full(&b, "b", LX_S_IFREG | 0644, 5, 2, 0, "z", 1); /* inode 5 again */
    cpio_trailer(&b);
    assert_int_equal(vfs_load_cpio(fk->vfs, b.data, b.len), 0);
    cpio_free(&b);
    char buf[8];
    assert_int_equal(t_get_file(fk, 1, "/a", buf, sizeof buf), 1);
    assert_string_equal(buf, "y");
    assert_int_equal(t_get_file(fk, 1, "/b", buf, sizeof buf), 1);
    assert_string_equal(buf, "z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cpio_relink_after_replace, fake_setup, fake_teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
