/* Host tests of the Multiboot2 information parser (microkernel/kern/mb2.c), on hand-built blocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include "mb2.h"

static uint8_t blk[1024] __attribute__((aligned(8)));
static size_t pos;

static void begin(void) { memset(blk, 0, sizeof blk); pos = 8; }
static void put32(size_t at, uint32_t v) { memcpy(blk + at, &v, 4); }
static void put64(size_t at, uint64_t v) { memcpy(blk + at, &v, 8); }
static size_t tag(uint32_t type, uint32_t size)
{
    size_t at = pos;
    put32(at, type);
    put32(at + 4, size);
    pos += (size + 7) & ~7u;
    return at;
}
static void finish(void) { tag(0, 8); put32(0, (uint32_t)pos); }

static void build_typical(void)
{
    begin();
    const char *cl = "init=/sbin/init ktest=all";
    size_t t = tag(1, 8 + (uint32_t)strlen(cl) + 1);
    strcpy((char *)blk + t + 8, cl);
    t = tag(6, 16 + 3 * 24);
    put32(t + 8, 24); /* entry size */
    put32(t + 12, 0); /* version */
    put64(t + 16, 0); put64(t + 24, 0x9fc00); put32(t + 32, 1);
    put64(t + 40, 0x9fc00); put64(t + 48, 0x400); put32(t + 56, 2);
    put64(t + 64, 0x100000); put64(t + 72, 0x7ee0000); put32(t + 80, 1);
    t = tag(3, 16 + 7);
    put32(t + 8, 0x200000); put32(t + 12, 0x230000);
    strcpy((char *)blk + t + 16, "initrd");
    finish();
}

static void test_parses_cmdline_mmap_modules(void **s)
{
    (void)s;
    build_typical();
    struct mb2_info info;
    assert_int_equal(mb2_parse(blk, &info), 0);
    assert_string_equal(info.cmdline, "init=/sbin/init ktest=all");
    assert_int_equal(info.nregions, 3);
    assert_int_equal(info.regions[2].base, 0x100000);
    assert_int_equal(info.regions[1].type, 2);
    assert_int_equal(info.max_phys, 0x100000 + 0x7ee0000);
    assert_int_equal(info.nmodules, 1);
    assert_int_equal(info.modules[0].start, 0x200000);
    assert_int_equal(info.modules[0].end, 0x230000);
    assert_string_equal(info.modules[0].name, "initrd");
}

static void test_rejects_tag_past_end(void **s)
{
    (void)s;
    build_typical();
    put32(8 + 4, 4000); /* first tag claims to be longer than the block */
    struct mb2_info info;
    assert_int_equal(mb2_parse(blk, &info), -1);
}

static void test_rejects_missing_end_and_tiny_tags(void **s)
{
    (void)s;
    struct mb2_info info;
    begin();
    tag(1, 8 + 2);
    strcpy((char *)blk + 16, "x");
    put32(0, (uint32_t)pos); /* no end tag */
    assert_int_equal(mb2_parse(blk, &info), -1);
    begin();
    tag(1, 4); /* size below the tag header */
    finish();
    assert_int_equal(mb2_parse(blk, &info), -1);
}

static void test_rejects_unterminated_cmdline(void **s)
{
    (void)s;
    begin();
    size_t t = tag(1, 8 + 4);
    memcpy(blk + t + 8, "abcd", 4);
    finish();
    struct mb2_info info;
    assert_int_equal(mb2_parse(blk, &info), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_cmdline_mmap_modules),
        cmocka_unit_test(test_rejects_tag_past_end),
        cmocka_unit_test(test_rejects_missing_end_and_tiny_tags),
        cmocka_unit_test(test_rejects_unterminated_cmdline),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
