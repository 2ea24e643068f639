/* Host tests of procmgr's program loading: the ELF loader (ET_EXEC, static-PIE ET_DYN, broken
 * images), the initial stack and auxiliary vector (parsed back from the fake address space),
 * `#!` scripts, and execve's errors and two-phase behaviour. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cpuid.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/auxv.h>
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/syscalls.h>
#include "elf_build.h"
#include "fake_env.h"

#define PIE_BASE 0x555555554000ull

typedef struct parsed_stack {
    uint64_t rsp;
    uint64_t argc;
    char argv[16][256];
    int envc;
    char envp[16][256];
    uint64_t aux[64];   /* aux[type] = value; (uint64_t)-1 when absent */
    int naux;
    bool aux_null_last;
} parsed_stack_t;

static void read_str(fake_t *fk, int space, uint64_t va, char *out, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        assert_int_equal(fk_space_read(fk, space, &out[i], va + i, 1), 0);
        if (!out[i])
            return;
    }
    fail_msg("unterminated string at %#lx", (unsigned long)va);
}

static uint64_t rd64(fake_t *fk, int space, uint64_t va)
{
    uint64_t v;
    assert_int_equal(fk_space_read(fk, space, &v, va, 8), 0);
    return v;
}

static void parse_stack(fake_t *fk, uint64_t badge, parsed_stack_t *ps)
{
    fk_thread_t *t = fk_thread_of(fk, badge);
    assert_non_null(t);
    memset(ps, 0, sizeof(*ps));
    memset(ps->aux, 0xff, sizeof(ps->aux));
    uint64_t sp = ps->rsp = t->regs.rsp;
    ps->argc = rd64(fk, t->space, sp);
    assert_true(ps->argc < 16);
    sp += 8;
    for (uint64_t i = 0; i < ps->argc; i++, sp += 8)
        read_str(fk, t->space, rd64(fk, t->space, sp), ps->argv[i], 256);
    assert_int_equal(rd64(fk, t->space, sp), 0);
    sp += 8;
    for (;; sp += 8) {
        uint64_t p = rd64(fk, t->space, sp);
        if (!p)
            break;
        assert_true(ps->envc < 16);
        read_str(fk, t->space, p, ps->envp[ps->envc++], 256);
    }
    sp += 8;
    for (;; sp += 16) {
        uint64_t type = rd64(fk, t->space, sp), val = rd64(fk, t->space, sp + 8);
        ps->naux++;
        if (type == LX_AT_NULL) {
            ps->aux_null_last = true;
            break;
        }
        assert_true(type < 64);
        assert_int_equal(ps->aux[type], (uint64_t)-1);   /* no duplicates */
        ps->aux[type] = val;
    }
}

/* Every loaded segment holds its file bytes, then zeros up to memsz. */
static void check_segments(fake_t *fk, int space, const eb_spec_t *s, uint64_t bias)
{
    uint8_t *img;
    size_t n = eb_build(s, &img);
    const struct lx_elf64_ehdr *eh = (void *)img;
    const struct lx_elf64_phdr *ph = (void *)(img + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != LX_PT_LOAD)
            continue;
        uint8_t *mem = malloc(ph[i].p_memsz);
        assert_int_equal(fk_space_read(fk, space, mem, ph[i].p_vaddr + bias, ph[i].p_memsz), 0);
        assert_true(ph[i].p_offset + ph[i].p_filesz <= n);
        assert_memory_equal(mem, img + ph[i].p_offset, ph[i].p_filesz);
        for (uint64_t j = ph[i].p_filesz; j < ph[i].p_memsz; j++)
            assert_int_equal(mem[j], 0);
        free(mem);
    }
    free(img);
}

static void add_elf(fake_t *fk, const char *path, const eb_spec_t *s)
{
    uint8_t *img;
    size_t n = eb_build(s, &img);
    fk_file_add(fk, path, img, n, 0);
    free(img);
}

static void add_text(fake_t *fk, const char *path, const char *text)
{
    fk_file_add(fk, path, text, strlen(text), 0);
}

static int64_t do_execve(fake_t *fk, uint64_t badge, const char *path, const char *const *argv,
                         const char *const *envp)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 64 * 1024);
    uint64_t p = fk_ubuf_str(&u, path);
    uint64_t av = argv ? fk_ubuf_strv(&u, argv) : 0;
    uint64_t ev = envp ? fk_ubuf_strv(&u, envp) : 0;
    return fk_sys(fk, badge, LX_SYS_execve, p, av, ev, 0, 0, 0);
}

/* ---- the ELF loader ---- */

static void test_init_exec_loaded(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_thread_t *t = fk_thread_of(fk, 1);
    assert_non_null(t);
    assert_int_equal(t->regs.rip, 0x400100);
    assert_int_equal(t->regs.rsp % 16, 0);
    assert_int_equal(t->regs.rax, 0);
    assert_int_equal(t->regs.fs_base, 0);
    eb_spec_t s = eb_std_exec();
    check_segments(fk, t->space, &s, 0);
    assert_int_equal(fk_page_prot(fk, t->space, 0x400000), LX_PROT_READ | LX_PROT_EXEC);
    assert_int_equal(fk_page_prot(fk, t->space, 0x402000), LX_PROT_READ | LX_PROT_WRITE);
    assert_int_equal(fk_page_prot(fk, t->space, 0x405000), LX_PROT_READ | LX_PROT_WRITE);
    assert_int_equal(fk_page_prot(fk, t->space, 0x406000), -1);   /* memsz ends at 0x405010 */
    assert_int_equal(fk_page_prot(fk, t->space, 0x401000), -1);   /* nothing between */
    /* vfs knew pid 1 (a first process) before the thread ran */
    int create = fk_find_event(fk, 0, FK_EV_VFS_CREATE, true, 1);
    assert_true(create >= 0);
    assert_int_equal((int64_t)fk->ev[create].y, -1);
    assert_true(create < fk_find_event(fk, 0, FK_EV_THREAD_CREATE, false, 0));
    assert_int_equal(fk->opens, fk->closes);
    fk_free(fk);
}

static void test_initial_stack_and_auxv(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    parsed_stack_t ps;
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.rsp % 16, 0);
    assert_int_equal(ps.argc, 1);
    assert_string_equal(ps.argv[0], "init");
    assert_int_equal(ps.envc, 1);
    assert_string_equal(ps.envp[0], "HOME=/");
    assert_true(ps.aux_null_last);
    assert_int_equal(ps.aux[LX_AT_PHDR], 0x400040);   /* e_phoff inside the first segment */
    assert_int_equal(ps.aux[LX_AT_PHENT], 56);
    assert_int_equal(ps.aux[LX_AT_PHNUM], 2);
    assert_int_equal(ps.aux[LX_AT_PAGESZ], 4096);
    assert_int_equal(ps.aux[LX_AT_ENTRY], 0x400100);
    assert_int_equal(ps.aux[LX_AT_BASE], 0);
    assert_int_equal(ps.aux[LX_AT_FLAGS], 0);
    assert_int_equal(ps.aux[LX_AT_UID], 0);
    assert_int_equal(ps.aux[LX_AT_EUID], 0);
    assert_int_equal(ps.aux[LX_AT_GID], 0);
    assert_int_equal(ps.aux[LX_AT_EGID], 0);
    assert_int_equal(ps.aux[LX_AT_SECURE], 0);
    assert_int_equal(ps.aux[LX_AT_CLKTCK], 100);
    unsigned a, b, c, d;
    __get_cpuid(1, &a, &b, &c, &d);
    assert_int_equal(ps.aux[LX_AT_HWCAP], d);
    fk_thread_t *t = fk_thread_of(fk, 1);
    char fn[64];
    read_str(fk, t->space, ps.aux[LX_AT_EXECFN], fn, sizeof(fn));
    assert_string_equal(fn, "/sbin/init");
    read_str(fk, t->space, ps.aux[LX_AT_PLATFORM], fn, sizeof(fn));
    assert_string_equal(fn, "x86_64");
    /* AT_RANDOM: the 16 bytes the environment's random source gave (the fake counts up) */
    uint8_t rnd[16];
    assert_int_equal(fk_space_read(fk, t->space, rnd, ps.aux[LX_AT_RANDOM], 16), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(rnd[i], i);
    /* the phdrs really are at AT_PHDR */
    uint32_t type;
    assert_int_equal(fk_space_read(fk, t->space, &type, ps.aux[LX_AT_PHDR], 4), 0);
    assert_int_equal(type, LX_PT_LOAD);
    /* the strings sit between the pointer block and the stack top */
    assert_true(ps.aux[LX_AT_EXECFN] > ps.rsp && ps.aux[LX_AT_EXECFN] < 0x7ffffffff000ull);
    fk_free(fk);
}

static void test_static_pie_at_fixed_base(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_pie();
    add_elf(fk, "/bin/pie", &s);
    const char *argv[] = {"pie", "x", NULL};
    assert_int_equal(do_execve(fk, 1, "/bin/pie", argv, NULL), 0);
    fk_thread_t *t = fk_thread_of(fk, 1);
    assert_int_equal(t->regs.rip, PIE_BASE + 0x100);
    check_segments(fk, t->space, &s, PIE_BASE);
    parsed_stack_t ps;
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.aux[LX_AT_PHDR], PIE_BASE + 64);   /* from PT_PHDR, biased */
    assert_int_equal(ps.aux[LX_AT_PHNUM], 3);
    assert_int_equal(ps.aux[LX_AT_ENTRY], PIE_BASE + 0x100);
    assert_int_equal(ps.aux[LX_AT_BASE], 0);
    assert_int_equal(ps.argc, 2);
    assert_string_equal(ps.argv[1], "x");
    assert_int_equal(ps.envc, 0);
    fk_free(fk);
}

static void test_shared_page_gets_union_prot_and_zeroed_bss(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_exec();
    s.seg[0].filesz = s.seg[0].memsz = 0x800;
    s.seg[1] = (eb_seg_t){.vaddr = 0x400900, .filesz = 0x100, .memsz = 0x2000,
                          .flags = LX_PF_R | LX_PF_W, .offset = 0x900};
    add_elf(fk, "/bin/tight", &s);
    assert_int_equal(do_execve(fk, 1, "/bin/tight", NULL, NULL), 0);
    fk_thread_t *t = fk_thread_of(fk, 1);
    check_segments(fk, t->space, &s, 0);
    assert_int_equal(fk_page_prot(fk, t->space, 0x400000),
                     LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC);
    assert_int_equal(fk_page_prot(fk, t->space, 0x401000), LX_PROT_READ | LX_PROT_WRITE);
    /* brk starts at the page after the image */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_brk, 0, 0, 0, 0, 0, 0), 0x403000);
    fk_free(fk);
}

typedef void (*breaker_t)(uint8_t *img, size_t *n);

static void br_truncate(uint8_t *img, size_t *n) { (void)img; *n = 40; }
static void br_magic(uint8_t *img, size_t *n) { (void)n; img[1] = 'X'; }
static void br_class32(uint8_t *img, size_t *n) { (void)n; img[LX_EI_CLASS] = 1; }
static void br_bigendian(uint8_t *img, size_t *n) { (void)n; img[LX_EI_DATA] = 2; }
static struct lx_elf64_ehdr *eh_of(uint8_t *img) { return (struct lx_elf64_ehdr *)img; }
static void br_machine(uint8_t *img, size_t *n) { (void)n; eh_of(img)->e_machine = 3; }
static void br_rel(uint8_t *img, size_t *n) { (void)n; eh_of(img)->e_type = LX_ET_REL; }
static void br_phentsize(uint8_t *img, size_t *n) { (void)n; eh_of(img)->e_phentsize = 32; }
static void br_phnum0(uint8_t *img, size_t *n) { (void)n; eh_of(img)->e_phnum = 0; }
static void br_phnum_huge(uint8_t *img, size_t *n) { (void)n; eh_of(img)->e_phnum = 100; }
static void br_phoff(uint8_t *img, size_t *n) { eh_of(img)->e_phoff = *n - 8; }
static struct lx_elf64_phdr *ph1(uint8_t *img) { return (struct lx_elf64_phdr *)(img + 64) + 1; }
static void br_seg_past_eof(uint8_t *img, size_t *n) { ph1(img)->p_offset = *n - 16; }
static void br_filesz_gt_memsz(uint8_t *img, size_t *n) { (void)n; ph1(img)->p_memsz = 0x10; }
static void br_no_load(uint8_t *img, size_t *n)
{
    (void)n;
    ((struct lx_elf64_phdr *)(img + 64))[0].p_type = LX_PT_NOTE;
    ph1(img)->p_type = LX_PT_NOTE;
}
static void br_low_vaddr(uint8_t *img, size_t *n) { (void)n; ph1(img)->p_vaddr = 0x1000; }
static void br_kernel_vaddr(uint8_t *img, size_t *n)
{
    (void)n;
    ph1(img)->p_vaddr = 0xffff800000000000ull;
}
static void br_empty(uint8_t *img, size_t *n) { (void)img; *n = 0; }
static void br_text(uint8_t *img, size_t *n) { memcpy(img, "hello world\n", 12); *n = 12; }

static void test_broken_images_are_enoexec(void **state)
{
    (void)state;
    const breaker_t breakers[] = {br_truncate, br_magic, br_class32, br_bigendian, br_machine,
                                  br_rel, br_phentsize, br_phnum0, br_phnum_huge, br_phoff,
                                  br_seg_past_eof, br_filesz_gt_memsz, br_no_load, br_low_vaddr,
                                  br_kernel_vaddr, br_empty, br_text};
    for (size_t i = 0; i < sizeof(breakers) / sizeof(breakers[0]); i++) {
        fake_t *fk = fk_new();
        fk_boot(fk);
        eb_spec_t s = eb_std_exec();
        uint8_t *img;
        size_t n = eb_build(&s, &img);
        breakers[i](img, &n);
        fk_file_add(fk, "/bin/bad", img, n, 0);
        free(img);
        fk_thread_t *t = fk_thread_of(fk, 1);
        pm_regs_t before = t->regs;
        int space = t->space, spaces = fk_live_spaces(fk);
        int64_t r = do_execve(fk, 1, "/bin/bad", NULL, NULL);
        if (r != -LX_ENOEXEC)
            fail_msg("breaker %zu: got %ld", i, (long)r);
        /* nothing changed: same space, same frame, no commit, no leak */
        assert_int_equal(fk_thread_of(fk, 1)->space, space);
        assert_memory_equal(&fk_thread_of(fk, 1)->regs, &before, sizeof(before));
        assert_int_equal(fk_count_events(fk, FK_EV_THREAD_SET_AS, false, 0), 0);
        assert_int_equal(fk_count_events(fk, FK_EV_VFS_EXEC, false, 0), 0);
        assert_int_equal(fk_live_spaces(fk), spaces);
        assert_int_equal(fk->opens, fk->closes);
        fk_free(fk);
    }
}

static void test_execve_replaces_image(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int old_space = fk_thread_of(fk, 1)->space;
    /* a handler and an ignored signal before exec */
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t act[4] = {0x401234, 0x04000000, 0x401000, 0};
    uint64_t act_va = fk_ubuf_bytes(&u, act, sizeof(act));
    uint64_t ign[4] = {1, 0, 0, 0};
    uint64_t ign_va = fk_ubuf_bytes(&u, ign, sizeof(ign));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, 10, act_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, 13, ign_va, 0, 8, 0, 0), 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_arch_prctl, 0x1002, 0x7000, 0, 0, 0, 0), 0);

    const char *argv[] = {"prog", "one", "two", NULL};
    const char *envp[] = {"A=1", "B=2", NULL};
    int mark = fk->nev;
    assert_int_equal(do_execve(fk, 1, "/bin/prog", argv, envp), 0);
    fk_thread_t *t = fk_thread_of(fk, 1);
    assert_int_not_equal(t->space, old_space);
    assert_int_equal(t->regs.rip, 0x400100);
    assert_int_equal(t->regs.fs_base, 0);   /* a fresh frame */
    assert_int_equal(t->regs.rflags & 0x200, 0x200);
    assert_true(fk_find_event(fk, mark, FK_EV_THREAD_SET_AS, false, 0) >= 0);
    assert_true(fk_find_event(fk, mark, FK_EV_VFS_EXEC, true, 1) >= 0);
    assert_false(fk->spaces[old_space].used);   /* the only reference went */
    parsed_stack_t ps;
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.argc, 3);
    assert_string_equal(ps.argv[0], "prog");
    assert_string_equal(ps.argv[2], "two");
    assert_int_equal(ps.envc, 2);
    assert_string_equal(ps.envp[1], "B=2");
    struct pm_proc_info info[4];
    assert_int_equal(pm_proc_list(fk->pm, info, 4), 1);
    assert_string_equal(info[0].comm, "prog");
    assert_string_equal(info[0].cmdline, "prog one two");
    /* handlers reset to SIG_DFL, SIG_IGN kept */
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t old_va = fk_ubuf_zero(&u, 32);
    uint64_t got[4];
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, 10, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, 1, got, old_va, 32), 0);
    assert_int_equal(got[0], 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_rt_sigaction, 13, 0, old_va, 8, 0, 0), 0);
    assert_int_equal(fk_mem_read(fk, 1, got, old_va, 32), 0);
    assert_int_equal(got[0], 1);
    fk_free(fk);
}

static void test_exec_errors(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_file_add(fk, "/noperm", "x", 1, -LX_EACCES);
    fk_file_add(fk, "/file/sub", "x", 1, -LX_ENOTDIR);
    assert_int_equal(do_execve(fk, 1, "/missing", NULL, NULL), -LX_ENOENT);
    assert_int_equal(do_execve(fk, 1, "/noperm", NULL, NULL), -LX_EACCES);
    assert_int_equal(do_execve(fk, 1, "/file/sub", NULL, NULL), -LX_ENOTDIR);
    assert_int_equal(do_execve(fk, 1, "", NULL, NULL), -LX_ENOENT);

    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 64 * 1024);
    /* path pointer into nowhere */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, 0x1000, 0, 0, 0, 0, 0), -LX_EFAULT);
    /* path without a NUL within PATH_MAX */
    char *longp = malloc(4097);
    memset(longp, 'a', 4096);
    longp[0] = '/';
    longp[4096] = 0;
    uint64_t lp = fk_ubuf_str(&u, longp);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, lp, 0, 0, 0, 0, 0), -LX_ENAMETOOLONG);
    longp[4095] = 0;   /* 4095 chars + NUL fits: then it is just missing */
    lp = fk_ubuf_str(&u, longp);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, lp, 0, 0, 0, 0, 0), -LX_ENOENT);
    free(longp);
    uint64_t path = fk_ubuf_str(&u, "/bin/prog");
    /* argv pointer bad; an argv string bad; envp bad */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, 0x1000, 0, 0, 0, 0), -LX_EFAULT);
    uint64_t bad_argv[3] = {path, 0x2000, 0};
    uint64_t bav = fk_ubuf_bytes(&u, bad_argv, sizeof(bad_argv));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, bav, 0, 0, 0, 0), -LX_EFAULT);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, 0, 0x3000, 0, 0, 0), -LX_EFAULT);
    /* an unterminated pointer array running off the mapping */
    uint64_t tail[1] = {path};
    uint64_t end_va = u.base + u.size - 8;
    assert_int_equal(fk_sys(fk, 1, LX_SYS_munmap, u.base + u.size, 4096, 0, 0, 0, 0), 0);
    assert_int_equal(fk_mem_write(fk, 1, end_va, tail, 8), 0);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, end_va, 0, 0, 0, 0), -LX_EFAULT);
    assert_int_equal(fk->opens, fk->closes);
    /* nothing was committed by any of these */
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_EXEC, false, 0), 0);
    fk_free(fk);
}

static void test_exec_e2big(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4u << 20);
    uint64_t path = fk_ubuf_str(&u, "/bin/prog");
    /* one string longer than MAX_ARG_STRLEN (128 KiB) */
    char *big = malloc(200000);
    memset(big, 'x', 199999);
    big[199999] = 0;
    uint64_t bigv[3] = {path, fk_ubuf_str(&u, big), 0};
    uint64_t bv = fk_ubuf_bytes(&u, bigv, sizeof(bigv));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, bv, 0, 0, 0, 0), -LX_E2BIG);
    /* 20 strings of 120 KB: each fits, the total passes the 2 MiB budget (8 MiB stack / 4) */
    big[120000] = 0;
    uint64_t one = fk_ubuf_str(&u, big);
    uint64_t many[22];
    many[0] = path;
    for (int i = 1; i <= 20; i++)
        many[i] = one;
    many[21] = 0;
    uint64_t mv = fk_ubuf_bytes(&u, many, sizeof(many));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, mv, 0, 0, 0, 0), -LX_E2BIG);
    /* 10 of them fit: the exec succeeds and the strings arrive */
    many[11] = 0;
    mv = fk_ubuf_bytes(&u, many, sizeof(many));
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, mv, 0, 0, 0, 0), 0);
    fk_thread_t *t = fk_thread_of(fk, 1);
    uint64_t argc = rd64(fk, t->space, t->regs.rsp);
    assert_int_equal(argc, 11);
    uint64_t a10 = rd64(fk, t->space, t->regs.rsp + 8 * 11);
    char tail[8];
    assert_int_equal(fk_space_read(fk, t->space, tail, a10 + 119996, 5), 0);
    assert_memory_equal(tail, "xxxx", 5);
    free(big);
    fk_free(fk);
}

static void test_shebang_rewrites_argv(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_exec();
    add_elf(fk, "/bin/interp", &s);
    add_text(fk, "/bin/script", "#!/bin/interp -x  \necho hi\n");
    add_text(fk, "/bin/spaced", "#! \t/bin/interp  a b \t\n");
    add_text(fk, "/bin/noarg", "#!/bin/interp");
    const char *argv[] = {"script", "a1", "a2", NULL};
    assert_int_equal(do_execve(fk, 1, "/bin/script", argv, NULL), 0);
    parsed_stack_t ps;
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.argc, 5);
    assert_string_equal(ps.argv[0], "/bin/interp");
    assert_string_equal(ps.argv[1], "-x");
    assert_string_equal(ps.argv[2], "/bin/script");
    assert_string_equal(ps.argv[3], "a1");
    assert_string_equal(ps.argv[4], "a2");
    char fn[64];
    read_str(fk, fk_thread_of(fk, 1)->space, ps.aux[LX_AT_EXECFN], fn, sizeof(fn));
    assert_string_equal(fn, "/bin/script");
    struct pm_proc_info info;
    pm_proc_list(fk->pm, &info, 1);
    assert_string_equal(info.comm, "script");

    assert_int_equal(do_execve(fk, 1, "/bin/spaced", argv, NULL), 0);
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.argc, 5);
    assert_string_equal(ps.argv[1], "a b");
    assert_string_equal(ps.argv[2], "/bin/spaced");

    assert_int_equal(do_execve(fk, 1, "/bin/noarg", argv, NULL), 0);
    parse_stack(fk, 1, &ps);
    assert_int_equal(ps.argc, 4);
    assert_string_equal(ps.argv[0], "/bin/interp");
    assert_string_equal(ps.argv[1], "/bin/noarg");
    assert_string_equal(ps.argv[2], "a1");
    fk_free(fk);
}

static void test_shebang_errors_and_depth(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_exec();
    add_elf(fk, "/bin/elf", &s);
    add_text(fk, "/s/empty", "#!\n");
    add_text(fk, "/s/blank", "#!   \t \n");
    add_text(fk, "/s/missing", "#!/no/such/interp\n");
    /* a chain: s1 -> s2 -> ... -> s5 -> elf works (5 rewrites); s0 -> s1 ... is 6: ELOOP */
    add_text(fk, "/s/s5", "#!/bin/elf\n");
    add_text(fk, "/s/s4", "#!/s/s5\n");
    add_text(fk, "/s/s3", "#!/s/s4\n");
    add_text(fk, "/s/s2", "#!/s/s3\n");
    add_text(fk, "/s/s1", "#!/s/s2\n");
    add_text(fk, "/s/s0", "#!/s/s1\n");
    char longline[400];
    memset(longline, 'a', sizeof(longline));
    memcpy(longline, "#!/", 3);
    longline[399] = 0;
    add_text(fk, "/s/long", longline);   /* the interpreter's name runs past 256 bytes */
    assert_int_equal(do_execve(fk, 1, "/s/empty", NULL, NULL), -LX_ENOEXEC);
    assert_int_equal(do_execve(fk, 1, "/s/blank", NULL, NULL), -LX_ENOEXEC);
    assert_int_equal(do_execve(fk, 1, "/s/missing", NULL, NULL), -LX_ENOENT);
    assert_int_equal(do_execve(fk, 1, "/s/long", NULL, NULL), -LX_ENOEXEC);
    assert_int_equal(do_execve(fk, 1, "/s/s0", NULL, NULL), -LX_ELOOP);
    assert_int_equal(fk_count_events(fk, FK_EV_VFS_EXEC, false, 0), 0);
    const char *argv[] = {"s1", NULL};
    assert_int_equal(do_execve(fk, 1, "/s/s1", argv, NULL), 0);
    parsed_stack_t ps;
    parse_stack(fk, 1, &ps);
    /* each level prepends its interpreter and replaces argv[0] with the script's path */
    assert_int_equal(ps.argc, 6);
    assert_string_equal(ps.argv[0], "/bin/elf");
    assert_string_equal(ps.argv[1], "/s/s5");
    assert_string_equal(ps.argv[2], "/s/s4");
    assert_string_equal(ps.argv[5], "/s/s1");
    assert_int_equal(fk->opens, fk->closes);
    fk_free(fk);
}

static void test_dynamic_program(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_exec();
    s.interp = "/lib/ld-musl-x86_64.so.1";
    add_elf(fk, "/bin/dyn", &s);
    assert_int_equal(do_execve(fk, 1, "/bin/dyn", NULL, NULL), -LX_ENOENT);
    eb_spec_t ld = eb_std_pie();
    add_elf(fk, "/lib/ld-musl-x86_64.so.1", &ld);
    assert_int_equal(do_execve(fk, 1, "/bin/dyn", NULL, NULL), -LX_ENOEXEC);
    assert_int_equal(fk->opens, fk->closes);
    fk_free(fk);
}

static void test_load_failure_leaves_caller_intact(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t path = fk_ubuf_str(&u, "/bin/prog");
    int spaces = fk_live_spaces(fk), space = fk_thread_of(fk, 1)->space;
    fk->fail_as_map_after = 1;   /* the second segment's mapping fails */
    assert_int_equal(fk_sys(fk, 1, LX_SYS_execve, path, 0, 0, 0, 0, 0), -LX_ENOMEM);
    assert_int_equal(fk_live_spaces(fk), spaces);
    assert_int_equal(fk_thread_of(fk, 1)->space, space);
    assert_int_equal(fk->opens, fk->closes);
    /* and the caller's memory still works */
    assert_true(fk_sys(fk, 1, LX_SYS_getpid, 0, 0, 0, 0, 0, 0) == 1);
    fk_free(fk);
}

static void test_exec_stack_exec_flag(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    eb_spec_t s = eb_std_exec();
    s.gnu_stack_x = true;
    add_elf(fk, "/bin/xstack", &s);
    assert_int_equal(do_execve(fk, 1, "/bin/xstack", NULL, NULL), 0);
    fk_thread_t *t = fk_thread_of(fk, 1);
    assert_int_equal(fk_page_prot(fk, t->space, t->regs.rsp),
                     LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC);
    assert_int_equal(fk_page_prot(fk, fk_thread_of(fk, 1)->space, 0x7ffffffff000ull - 1) & 3, 3);
    fk_free(fk);
}

static void test_init_start_failure_cleans_up(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    char *argv[] = {"init", NULL};
    assert_int_equal(pm_start_init(fk->pm, "/sbin/nothing", argv, NULL), -LX_ENOENT);
    assert_int_equal(fk_live_handles(fk), 0);
    assert_int_equal(fk_live_spaces(fk), 0);
    assert_true(fk_find_event(fk, 0, FK_EV_VFS_EXIT, true, 1) >= 0);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 0);
    /* a second attempt with a real program works, and init is pid 1; a third is refused */
    eb_spec_t s = eb_std_exec();
    add_elf(fk, "/sbin/init", &s);
    assert_int_equal(pm_start_init(fk->pm, "/sbin/init", argv, NULL), 0);
    assert_non_null(fk_thread_of(fk, 1));
    assert_int_equal(pm_start_init(fk->pm, "/sbin/init", argv, NULL), -LX_EEXIST);
    assert_int_equal(pm_proc_list(fk->pm, NULL, 0), 1);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_exec_loaded),
        cmocka_unit_test(test_initial_stack_and_auxv),
        cmocka_unit_test(test_static_pie_at_fixed_base),
        cmocka_unit_test(test_shared_page_gets_union_prot_and_zeroed_bss),
        cmocka_unit_test(test_broken_images_are_enoexec),
        cmocka_unit_test(test_execve_replaces_image),
        cmocka_unit_test(test_exec_errors),
        cmocka_unit_test(test_exec_e2big),
        cmocka_unit_test(test_shebang_rewrites_argv),
        cmocka_unit_test(test_shebang_errors_and_depth),
        cmocka_unit_test(test_dynamic_program),
        cmocka_unit_test(test_load_failure_leaves_caller_intact),
        cmocka_unit_test(test_exec_stack_exec_flag),
        cmocka_unit_test(test_init_start_failure_cleans_up),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
