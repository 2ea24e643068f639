/* libFuzzer target: procmgr's ELF loader. An input is an executable, given either as raw bytes
 * (first byte < 128: the rest of the input is the file) or as a description (first byte >= 128):
 * type, entry, up to 8 PT_LOAD segments with edge-value addresses and sizes, PT_INTERP, PT_PHDR,
 * PT_GNU_STACK, built by the host tests' ELF builder (tests/host/procmgr/elf_build.c), then a few
 * bytes overwritten anywhere. Each image goes through pm_elf_check_ehdr and pm_elf_parse
 * directly, then through a real execve by init against the fake (pm_exec.c, pm_elf_load, the
 * stack and auxv), and, if that succeeded, through brk, mmap, /proc/1/maps and exit.
 *
 * Bugs: sanitizer reports, leaks, the fake's checks (fz_pm.h), and a header the checker accepts
 * whose table lies outside the file.
 *
 * Entry points: LLVMFuzzerInitialize, LLVMFuzzerTestOneInput. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/syscalls.h>
#include "elf_build.h"
#include "fz_input.h"
#include "fz_pm.h"
#include "pm_elf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    setenv("CMOCKA_TEST_ABORT", "1", 1);
    return 0;
}

static uint64_t addr(fz_t *f)
{
    uint8_t k = fz_u8(f);
    return k < 96 ? 0x400000 + (uint64_t)fz_u16(f) * 16 : k < 128 ? fz_u16(f) : fz_pool_u64(f);
}

/* an image from a description in the input (see the header); its size, *out malloc'd */
static size_t build(fz_t *f, uint8_t **out)
{
    static const char *const interps[] = {NULL, NULL, "/lib/ld-musl-x86_64.so.1", "", "x"};
    eb_spec_t s;
    memset(&s, 0, sizeof s);
    uint8_t t = fz_u8(f);
    s.type = t < 100 ? LX_ET_EXEC : t < 200 ? LX_ET_DYN : t;
    s.entry = addr(f);
    s.nseg = fz_u8(f) % 9;
    for (int i = 0; i < s.nseg; i++) {
        eb_seg_t *g = &s.seg[i];
        g->vaddr = addr(f);
        g->filesz = fz_u16(f) % 8192;
        uint8_t m = fz_u8(f);
        g->memsz = m < 128 ? g->filesz + fz_u16(f) : m < 192 ? g->filesz : fz_pool_u64(f);
        g->flags = fz_u8(f) & 7;
        uint8_t o = fz_u8(f);
        g->at_zero = o < 32;
        g->offset = o >= 224 ? fz_u16(f) % 16384 : 0;
    }
    uint8_t x = fz_u8(f);
    s.interp = interps[x % 5];
    s.pt_phdr = x & 8;
    s.gnu_stack_x = x & 16;
    size_t n = eb_build(&s, out);
    for (int k = fz_u8(f) % 8; k > 0 && n; k--) { /* a few bytes broken anywhere */
        uint16_t at = fz_u16(f);
        (*out)[at % n] = fz_u8(f);
    }
    return n;
}

/* the checker and the parser alone, as pm_exec.c calls them */
static void parse_only(const uint8_t *img, size_t n)
{
    struct lx_elf64_ehdr eh;
    if (n < sizeof eh) return;
    memcpy(&eh, img, sizeof eh);
    uint64_t phbytes;
    if (pm_elf_check_ehdr(&eh, n, &phbytes) != 0) return;
    if (eh.e_phoff > n || phbytes > n - eh.e_phoff || phbytes > PM_ELF_MAX_PHDR_BYTES)
        abort(); /* accepted a table outside the file */
    struct lx_elf64_phdr *ph = malloc(phbytes ? phbytes : 1);
    memcpy(ph, img + eh.e_phoff, phbytes);
    static pm_elf_info_t info;
    (void)pm_elf_parse(&eh, ph, n, &info);
    free(ph);
}

/* init executes the image, then uses the process it made */
static void exec_it(const uint8_t *img, size_t n)
{
    fake_t *fk = fz_pm_new();
    fk_boot(fk);
    fk_file_add(fk, "/bin/fz", img, n, 0);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    const char *const argv[] = {"fz", "arg", NULL}, *const envp[] = {"A=b", NULL};
    uint64_t path = fk_ubuf_str(&u, "/bin/fz");
    uint64_t av = fk_ubuf_strv(&u, argv), ev = fk_ubuf_strv(&u, envp);
    int64_t r = fk_sys(fk, 1, LX_SYS_execve, path, av, ev, 0, 0, 0);
    if (r == 0) {
        int64_t brk = fk_sys(fk, 1, LX_SYS_brk, 0, 0, 0, 0, 0, 0);
        (void)fk_sys(fk, 1, LX_SYS_brk, (uint64_t)brk + 0x5000, 0, 0, 0, 0, 0);
        (void)fk_sys(fk, 1, LX_SYS_mmap, 0, 0x3000, LX_PROT_READ | LX_PROT_WRITE,
                     LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1, 0);
        char maps[2048];
        (void)pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, 0, maps, sizeof maps);
        (void)fk_call(fk, 1, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    }
    fk_free(fk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    uint8_t *img;
    size_t n = fz_file(data, size, build, &img);
    parse_only(img, n);
    exec_it(img, n);
    free(img);
    return 0;
}
