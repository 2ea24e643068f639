/* Host tests of what procmgr maps from files and objects: exec's plan (pm_elf_plan: which pages
 * come from the file, which are zero, which must be copied) and its calls (as_map_mem, nothing
 * copied); mmap of files (private, shared, /dev/zero, the errors, the file's record across munmap
 * and fork, /proc/<pid>/maps), msync; the vDSO (mapped at exec, announced by AT_SYSINFO_EHDR);
 * the limits (RLIMIT_AS, RLIMIT_DATA, the heuristic overcommit) and the OOM killer and SIGBUS of
 * the fault causes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/auxv.h>
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/resource.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "elf_build.h"
#include "fake_env.h"
#include "pm_elf.h"

#define RW (LX_PROT_READ | LX_PROT_WRITE)
#define RX (LX_PROT_READ | LX_PROT_EXEC)
#define PAGE 4096ull
#define SYS(fk, badge, nr, ...) FK_SYS(fk, badge, nr, __VA_ARGS__)

static void add_elf(fake_t *fk, const char *path, const eb_spec_t *s)
{
    uint8_t *img;
    size_t n = eb_build(s, &img);
    fk_file_add(fk, path, img, n, 0);
    free(img);
}

static int64_t do_exec(fake_t *fk, uint64_t badge, const char *path)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, badge, 4096);
    return fk_sys(fk, badge, LX_SYS_execve, fk_ubuf_str(&u, path), 0, 0, 0, 0, 0);
}

/* the as_map_mem call at va made into space `as` at or after record `from`, or NULL */
static const fk_mapmem_t *mapmem_at(fake_t *fk, int from, uint64_t va)
{
    for (int i = from; i < fk->nmapmem; i++)
        if (fk->mapmem[i].va == va)
            return &fk->mapmem[i];
    return NULL;
}

/* ---- the plan ---- */

static pm_elf_info_t info_of(int n, const pm_elf_seg_t *segs)
{
    pm_elf_info_t in;
    memset(&in, 0, sizeof in);
    in.nseg = n;
    memcpy(in.seg, segs, (size_t)n * sizeof *segs);
    return in;
}

static void test_plan(void **state)
{
    (void)state;
    pm_elf_piece_t pc[PM_ELF_MAX_PIECES];
    /* text and data as a linker lays them out: text from the file, the data's page from the
     * file (private: copied at its first write), the rest of the bss zero pages */
    pm_elf_seg_t std[] = {{0x400000, 0x1000, 0, 0x1000, RX}, {0x402010, 0x3000, 0x1010, 0x100, RW}};
    pm_elf_info_t in = info_of(2, std);
    assert_int_equal(pm_elf_plan(&in, true, pc), 3);
    assert_true(pc[0].start == 0x400000 && pc[0].end == 0x401000 && pc[0].how == PM_ELF_FILE &&
                pc[0].prot == RX && pc[0].off == 0);
    assert_true(pc[1].start == 0x402000 && pc[1].end == 0x403000 && pc[1].how == PM_ELF_FILE &&
                pc[1].prot == RW && pc[1].off == 0x1000);
    assert_true(pc[2].start == 0x403000 && pc[2].end == 0x406000 && pc[2].how == PM_ELF_ANON &&
                pc[2].prot == RW);
    /* no memory object: everything from the file is copied */
    assert_int_equal(pm_elf_plan(&in, false, pc), 3);
    assert_true(pc[0].how == PM_ELF_COPY && pc[1].how == PM_ELF_COPY && pc[2].how == PM_ELF_ANON);
    /* two segments in one page from the same file page: one mapping, the union of the
     * protections (Linux's overlapping mmaps) */
    pm_elf_seg_t same[] = {{0x400000, 0x800, 0, 0x800, RX}, {0x400900, 0x2000, 0x900, 0x100, RW}};
    in = info_of(2, same);
    assert_int_equal(pm_elf_plan(&in, true, pc), 2);
    assert_true(pc[0].start == 0x400000 && pc[0].end == 0x401000 && pc[0].how == PM_ELF_FILE &&
                pc[0].prot == (RX | RW) && pc[0].off == 0);
    assert_true(pc[1].start == 0x401000 && pc[1].end == 0x403000 && pc[1].how == PM_ELF_ANON &&
                pc[1].prot == RW);
    /* ... from two different file pages: that page only is copied */
    pm_elf_seg_t diff[] = {{0x400000, 0x1800, 0, 0x1800, RX}, {0x401900, 0x100, 0x2900, 0x100, RW}};
    in = info_of(2, diff);
    assert_int_equal(pm_elf_plan(&in, true, pc), 2);
    assert_true(pc[0].start == 0x400000 && pc[0].end == 0x401000 && pc[0].how == PM_ELF_FILE);
    assert_true(pc[1].start == 0x401000 && pc[1].end == 0x402000 && pc[1].how == PM_ELF_COPY &&
                pc[1].prot == (RX | RW));
    /* address and offset out of step within a page: the segment is copied */
    pm_elf_seg_t skew[] = {{0x400000, 0x1000, 0, 0x1000, RX}, {0x403000, 0x1000, 0x1010, 0x800, RW}};
    in = info_of(2, skew);
    assert_int_equal(pm_elf_plan(&in, true, pc), 2);
    assert_true(pc[0].how == PM_ELF_FILE);
    assert_true(pc[1].start == 0x403000 && pc[1].end == 0x404000 && pc[1].how == PM_ELF_COPY);
    /* a gap between segments stays unmapped; neighbours that agree are one piece */
    pm_elf_seg_t gap[] = {{0x400000, 0x1000, 0, 0x1000, RX}, {0x401000, 0x1000, 0x1000, 0x1000, RX},
                          {0x500000, 0x1000, 0x2000, 0x1000, LX_PROT_READ}};
    in = info_of(3, gap);
    assert_int_equal(pm_elf_plan(&in, true, pc), 2);
    assert_true(pc[0].start == 0x400000 && pc[0].end == 0x402000 && pc[0].off == 0);
    assert_true(pc[1].start == 0x500000 && pc[1].off == 0x2000 && pc[1].prot == LX_PROT_READ);
}

/* ---- exec ---- */

static void test_exec_maps_without_copying(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    /* the data's file page also holds bytes of another segment: the bss part of that page must
     * read as zero in the process (its own copy), the file itself untouched */
    eb_spec_t s = eb_std_exec();
    s.nseg = 3;
    s.seg[2] = (eb_seg_t){.vaddr = 0x600800, .filesz = 0x100, .memsz = 0x100,
                          .flags = LX_PF_R, .offset = 0x1800};
    add_elf(fk, "/bin/big", &s);
    fk_boot(fk);
    int mark = fk->nmapmem, loads = fk->file_loads;
    assert_int_equal(do_exec(fk, 1, "/bin/big"), 0);
    assert_int_equal(fk->file_loads, loads);   /* not a byte of the program copied */
    fk_thread_t *t = fk_thread_of(fk, 1);
    const fk_mapmem_t *text = mapmem_at(fk, mark, 0x400000);
    const fk_mapmem_t *data = mapmem_at(fk, mark, 0x402000);
    assert_non_null(text);
    assert_non_null(data);
    assert_int_equal(text->prot, RX);   /* private, read-only: the page cache's frames */
    assert_int_equal(text->off, 0);
    assert_int_equal(text->len, PAGE);
    assert_int_equal(data->prot, RW);   /* private: copy-on-write */
    assert_int_equal(data->off, 0x1000);
    assert_int_equal(fk->mems[text->mem].kind, FK_MEM_FILE);
    assert_int_equal(fk->mems[text->mem].file, fk->mems[data->mem].file);
    assert_null(mapmem_at(fk, mark, 0x403000));   /* the rest of the bss: anonymous */
    uint8_t b;
    assert_int_equal(fk_space_read(fk, t->space, &b, 0x402800, 1), 0);
    assert_int_equal(b, 0);   /* bss, though the file page has seg 2's bytes there */
    assert_int_equal(fk_space_read(fk, t->space, &b, 0x402010, 1), 0);
    assert_int_equal(b, 0x22);   /* the data's first byte (elf_build's pattern) */
    assert_int_equal(fk_space_read(fk, t->space, &b, 0x600800, 1), 0);
    assert_int_equal(b, 0x33);
    /* the file's handle: held by the ranges, let go with the space at the next exec */
    int live = fk_live_mems(fk);
    int done = fk_count_events(fk, FK_EV_EXEC_DONE, false, 0);
    assert_int_equal(do_exec(fk, 1, "/bin/prog"), 0);
    assert_int_equal(fk_live_mems(fk), live);   /* one file's handle for another */
    assert_int_equal(fk->opens, fk->closes);
    assert_int_equal(fk_count_events(fk, FK_EV_EXEC_DONE, false, 0), done + 1);   /* big's */
    assert_int_equal(fk->denials, 1);   /* /bin/prog's */
    fk_free(fk);
}

static void test_exec_copies_without_an_object(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk->no_file_mem = true;
    fk_boot(fk);
    fk_thread_t *t = fk_thread_of(fk, 1);
    assert_true(fk->file_loads > 0);
    uint8_t b;
    assert_int_equal(fk_space_read(fk, t->space, &b, 0x402010, 1), 0);
    assert_int_equal(b, 0x22);
    assert_int_equal(fk_page_prot(fk, t->space, 0x400000), RX);
    fk_free(fk);
}

static void test_processes_of_one_program_share_its_pages(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    int mark = fk->nmapmem;
    uint64_t a = fk_spawn(fk, 1), b = fk_spawn(fk, 1);
    (void)a, (void)b;
    const fk_mapmem_t *ta = mapmem_at(fk, mark, 0x400000);
    assert_non_null(ta);
    const fk_mapmem_t *tb = mapmem_at(fk, (int)(ta - fk->mapmem) + 1, 0x400000);
    assert_non_null(tb);
    assert_int_not_equal(ta->as, tb->as);
    /* the same file's object, the same pages, both private and read-only */
    assert_int_equal(fk->mems[ta->mem].file, fk->mems[tb->mem].file);
    assert_int_equal(ta->off, tb->off);
    assert_int_equal(ta->prot, RX);
    assert_int_equal(tb->prot, RX);
    fk_free(fk);
}

/* ---- mmap of files ---- */

static int64_t mmap_(fake_t *fk, uint64_t addr, uint64_t len, int prot, int flags, int fd,
                     uint64_t off)
{
    return SYS(fk, 1, LX_SYS_mmap, addr, len, (uint64_t)prot, (uint64_t)flags,
               (uint64_t)(int64_t)fd, off);
}

static void test_mmap_file(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    uint8_t data[3 * PAGE];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i / PAGE + 1);
    fk_file_add(fk, "/tmp/data", data, sizeof data, 0);
    fk_boot(fk);
    fk_fd_set(fk, 3, "/tmp/data", PM_FILE_WRITABLE, 0);
    fk_fd_set(fk, 4, "/tmp/data", 0, 0);   /* open read-only */
    int mark = fk->nmapmem, live = fk_live_mems(fk);
    int64_t sh = mmap_(fk, 0, 2 * PAGE, RW, LX_MAP_SHARED, 3, PAGE);
    assert_true(sh > 0);
    const fk_mapmem_t *m = mapmem_at(fk, mark, (uint64_t)sh);
    assert_non_null(m);
    assert_int_equal(m->prot, RW | PM_AS_SHARED);   /* the file's pages themselves */
    assert_int_equal(m->off, PAGE);
    assert_int_equal(m->len, 2 * PAGE);
    uint8_t b;
    assert_int_equal(fk_mem_read(fk, 1, &b, (uint64_t)sh, 1), 0);
    assert_int_equal(b, 2);
    int64_t pr = mmap_(fk, 0, PAGE, RW, LX_MAP_PRIVATE, 4, 0);   /* private of read-only: fine */
    assert_true(pr > 0);
    m = mapmem_at(fk, mark, (uint64_t)pr);
    assert_int_equal(m->prot, RW);   /* copy-on-write */
    assert_int_equal(fk_live_mems(fk), live + 2);
    /* the same file again, with the same rights: one handle for both */
    int64_t sh2 = mmap_(fk, 0, PAGE, LX_PROT_READ, LX_MAP_SHARED, 3, 0);
    assert_true(sh2 > 0);
    assert_int_equal(fk_live_mems(fk), live + 2);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, (uint64_t)sh2, PAGE), 0);
    assert_int_equal(fk_live_mems(fk), live + 2);
    /* maps names the file, with offset, device and inode; shared is 's' */
    char text[4096], want[128];
    int64_t n = pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, 0, text, sizeof text - 1);
    text[n] = 0;
    snprintf(want, sizeof want, "%lx-%lx rw-s 00001000 00:01 %d", (unsigned long)sh,
             (unsigned long)(sh + 2 * PAGE), 100);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, " /tmp/data\n"));
    /* munmap: the record goes with its last range */
    int rel = fk_count_events(fk, FK_EV_MEM_RELEASE, true, m->mem);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, (uint64_t)sh, PAGE), 0);
    assert_int_equal(fk_live_mems(fk), live + 2);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, (uint64_t)sh + PAGE, PAGE), 0);
    assert_int_equal(fk_live_mems(fk), live + 1);
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, (uint64_t)pr, PAGE), 0);
    assert_int_equal(fk_live_mems(fk), live);
    assert_int_equal(fk_count_events(fk, FK_EV_MEM_RELEASE, true, m->mem), rel + 1);
    fk_free(fk);
}

static void test_mmap_file_errors_and_protection(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_file_add(fk, "/tmp/data", "abc", 3, 0);
    fk_boot(fk);
    fk_fd_set(fk, 3, "/tmp/data", 0, 0);          /* read-only */
    fk_fd_set(fk, 5, NULL, 0, -LX_ENODEV);         /* a pipe, say */
    int live = fk_live_mems(fk);
    assert_int_equal(mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 3, 0), -LX_EACCES);
    assert_int_equal(mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 5, 0), -LX_ENODEV);
    assert_int_equal(mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 9, 0), -LX_EBADF);
    assert_int_equal(mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, -1, 0), -LX_EBADF);
    assert_int_equal(mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 3, 100), -LX_EINVAL);
    assert_int_equal(mmap_(fk, 0, 2 * PAGE, RW, LX_MAP_SHARED, 3, (uint64_t)-PAGE),
                     -LX_EOVERFLOW);
    assert_int_equal(fk_live_mems(fk), live);   /* nothing kept by a failure */
    /* a shared read-only mapping of it may never be made writable; a private one may */
    int64_t sh = mmap_(fk, 0, PAGE, LX_PROT_READ, LX_MAP_SHARED, 3, 0);
    assert_true(sh > 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, (uint64_t)sh, PAGE, RW), -LX_EACCES);
    int64_t pr = mmap_(fk, 0, PAGE, LX_PROT_READ, LX_MAP_PRIVATE, 3, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_mprotect, (uint64_t)pr, PAGE, RW), 0);
    /* msync: Linux's checks, nothing to write back */
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh, PAGE, LX_MS_SYNC), 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh, PAGE, LX_MS_ASYNC | LX_MS_INVALIDATE),
                     0);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh + 1, PAGE, LX_MS_SYNC), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh, PAGE, LX_MS_SYNC | LX_MS_ASYNC),
                     -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh, PAGE, 8), -LX_EINVAL);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, 0x20000000, PAGE, LX_MS_SYNC), -LX_ENOMEM);
    assert_int_equal(SYS(fk, 1, LX_SYS_msync, (uint64_t)sh, 0, LX_MS_SYNC), 0);
    fk_free(fk);
}

static void test_mmap_dev_zero(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    fk_fd_set(fk, 4, NULL, PM_FILE_WRITABLE, 0);   /* /dev/zero */
    int mark = fk->nmapmem;
    int64_t pr = mmap_(fk, 0, 2 * PAGE, RW, LX_MAP_PRIVATE, 4, 0);
    assert_true(pr > 0);
    assert_int_equal(fk->last_map_prot, RW);   /* anonymous memory */
    int64_t sh = mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 4, 0);
    assert_true(sh > 0);
    assert_int_equal(fk->last_map_prot, RW | PM_AS_SHARED);   /* shared anonymous memory */
    assert_int_equal(fk->nmapmem, mark);
    char text[4096];
    int64_t n = pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, 0, text, sizeof text - 1);
    text[n] = 0;
    assert_non_null(strstr(text, " /dev/zero\n"));
    fk_free(fk);
}

static void test_file_mapping_survives_fork(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_file_add(fk, "/tmp/data", "abc", 3, 0);
    fk_boot(fk);
    fk_fd_set(fk, 3, "/tmp/data", PM_FILE_WRITABLE, 0);
    int64_t sh = mmap_(fk, 0, PAGE, RW, LX_MAP_SHARED, 3, 0);
    assert_true(sh > 0);
    int live = fk_live_mems(fk);
    int mark = fk->nev;
    uint64_t tok = fk_call(fk, 1, LX_SYS_fork, 0, 0, 0, 0, 0, 0);
    uint64_t child = fk_created_after(fk, mark);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);
    /* the parent lets go of it: the child's range still holds the file */
    assert_int_equal(SYS(fk, 1, LX_SYS_munmap, (uint64_t)sh, PAGE), 0);
    assert_int_equal(fk_live_mems(fk), live);
    uint8_t b;
    assert_int_equal(fk_mem_read(fk, child, &b, (uint64_t)sh, 1), 0);
    assert_int_equal(b, 'a');
    char text[4096];
    int64_t n = pm_procfs_format(fk->pm, (int32_t)child, PM_PROCFS_MAPS, 0, text, sizeof text - 1);
    text[n] = 0;
    assert_non_null(strstr(text, " /tmp/data\n"));
    fk_call(fk, child, LX_SYS_exit, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_live_mems(fk), live - 1);
    fk_free(fk);
}

/* ---- the vDSO ---- */

static void test_vdso_mapped_and_announced(void **state)
{
    (void)state;
    for (int with = 0; with < 2; with++) {
        fake_t *fk = fk_new_opts(with);
        fk_boot(fk);
        fk_thread_t *t = fk_thread_of(fk, 1);
        uint64_t sp = t->regs.rsp, argc, v;
        fk_space_read(fk, t->space, &argc, sp, 8);
        sp += 8 * (argc + 2);
        while (fk_space_read(fk, t->space, &v, sp, 8), v)
            sp += 8;   /* envp */
        uint64_t ehdr = 0;
        for (sp += 8;; sp += 16) {
            uint64_t type, val;
            fk_space_read(fk, t->space, &type, sp, 8);
            fk_space_read(fk, t->space, &val, sp + 8, 8);
            if (type == LX_AT_NULL)
                break;
            if (type == LX_AT_SYSINFO_EHDR)
                ehdr = val;
        }
        char text[4096];
        int64_t n = pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, 0, text, sizeof text - 1);
        text[n] = 0;
        if (!with) {
            assert_int_equal(ehdr, 0);   /* no entry at all */
            assert_null(strstr(text, "[vdso]"));
            fk_free(fk);
            continue;
        }
        /* the image below the mmap area's top, the clock page just below it */
        assert_int_equal(ehdr, 0x7ffff7fff000ull - fk->vdso_size);
        const fk_mapmem_t *img = mapmem_at(fk, 0, ehdr), *clk = mapmem_at(fk, 0, ehdr - PAGE);
        assert_non_null(img);
        assert_non_null(clk);
        assert_int_equal(fk->mems[img->mem].kind, FK_MEM_VDSO);
        assert_int_equal(img->prot, RX);
        assert_int_equal(fk->mems[clk->mem].kind, FK_MEM_CLOCK);
        assert_int_equal(clk->prot, LX_PROT_READ | PM_AS_SHARED);   /* the kernel's own page */
        char magic[4];
        assert_int_equal(fk_space_read(fk, t->space, magic, ehdr, 4), 0);
        assert_memory_equal(magic, "\177ELF", 4);
        assert_non_null(strstr(text, "[vvar]\n"));
        assert_non_null(strstr(text, "[vdso]\n"));
        /* the clock page is the kernel's: never writable */
        assert_int_equal(fk_sys(fk, 1, LX_SYS_mprotect, ehdr - PAGE, PAGE, RW, 0, 0, 0), -LX_EACCES);
        fk_free(fk);
    }
}

/* ---- limits ---- */

static void set_limit(fake_t *fk, int res, uint64_t v)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t lim[2] = {v, v};
    uint64_t va = fk_ubuf_bytes(&u, lim, sizeof lim);
    assert_int_equal(SYS(fk, 1, LX_SYS_setrlimit, (uint64_t)res, va), 0);
}

static void test_rlimit_as_and_data(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    const int PA = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
    uint64_t brk0 = (uint64_t)SYS(fk, 1, LX_SYS_brk, 0);
    /* RLIMIT_DATA: private writable memory only */
    set_limit(fk, LX_RLIMIT_DATA, 1 << 20);
    assert_int_equal(mmap_(fk, 0, 2 << 20, RW, PA, -1, 0), -LX_ENOMEM);
    assert_true(mmap_(fk, 0, 2 << 20, LX_PROT_READ, PA, -1, 0) > 0);
    assert_true(mmap_(fk, 0, 2 << 20, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, -1, 0) > 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, brk0 + (2 << 20)), (int64_t)brk0);   /* unchanged */
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, brk0 + 4096), (int64_t)brk0 + 4096);
    int64_t small = mmap_(fk, 0, 64 << 10, RW, PA, -1, 0);
    assert_true(small > 0);
    /* mremap growing past it */
    assert_int_equal(SYS(fk, 1, LX_SYS_mremap, (uint64_t)small, 64 << 10, 4 << 20, 0), -LX_ENOMEM);
    set_limit(fk, LX_RLIMIT_DATA, LX_RLIM_INFINITY);
    /* RLIMIT_AS: everything mapped */
    uint64_t vsize = 0;
    char text[1024];
    int64_t n = pm_procfs_format(fk->pm, 1, PM_PROCFS_STAT, 0, text, sizeof text - 1);
    text[n] = 0;
    char *p = text;
    for (int field = 1; field < 23; field++)
        p = strchr(p, ' ') + 1;
    vsize = strtoull(p, NULL, 10);
    set_limit(fk, LX_RLIMIT_AS, vsize + (1 << 20));
    assert_int_equal(mmap_(fk, 0, 2 << 20, LX_PROT_READ, PA, -1, 0), -LX_ENOMEM);
    assert_true(mmap_(fk, 0, 512 << 10, LX_PROT_READ, PA, -1, 0) > 0);
    uint64_t cur = (uint64_t)SYS(fk, 1, LX_SYS_brk, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, cur + (1 << 20)), (int64_t)cur);
    /* MAP_FIXED over what is mapped counts only the growth */
    assert_true(mmap_(fk, (uint64_t)small, 64 << 10, RW, PA | LX_MAP_FIXED, -1, 0) > 0);
    fk_free(fk);
}

static void test_overcommit_heuristic(void **state)
{
    (void)state;
    fake_t *fk = fk_new_with(true, 4 << 20);   /* a machine of 4 MiB (the fake maps every page) */
    fk_boot(fk);
    const int PA = LX_MAP_PRIVATE | LX_MAP_ANONYMOUS;
    assert_int_equal(mmap_(fk, 0, 8 << 20, RW, PA, -1, 0), -LX_ENOMEM);
    assert_int_equal(mmap_(fk, 0, 8 << 20, RW, LX_MAP_SHARED | LX_MAP_ANONYMOUS, -1, 0),
                     -LX_ENOMEM);
    assert_true(mmap_(fk, 0, 8 << 20, RW, PA | LX_MAP_NORESERVE, -1, 0) > 0);
    assert_true(mmap_(fk, 0, 8 << 20, LX_PROT_READ, PA, -1, 0) > 0);   /* nothing to commit */
    assert_true(mmap_(fk, 0, 2 << 20, RW, PA, -1, 0) > 0);
    uint64_t cur = (uint64_t)SYS(fk, 1, LX_SYS_brk, 0);
    assert_int_equal(SYS(fk, 1, LX_SYS_brk, cur + (8 << 20)), (int64_t)cur);
    fk_free(fk);
}

/* ---- faults: out of memory, past the end of a file ---- */

static void test_oom_kills_the_largest(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t small = fk_spawn(fk, 1), big = fk_spawn(fk, 1);
    fk->resident[fk_thread_of(fk, small)->space] = 10;
    fk->resident[fk_thread_of(fk, big)->space] = 5000;
    fk->resident[fk_thread_of(fk, 1)->space] = 90000;   /* init: spared while others live */
    /* the small one finds no frame: the big one dies, the small one tries again */
    uint64_t tok = fk_tok_new(fk);
    pm_fault_cause(fk->pm, small, 14, 6, 0x10000000, PM_FAULT_NOMEM, tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_REPLIED);
    int st = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)big, 0, &st), (int64_t)big);
    assert_true(LX_WIFSIGNALED(st) && LX_WTERMSIG(st) == LX_SIGKILL);
    assert_true(fk_log_contains(fk, "out of memory"));
    /* now it is the largest: it dies itself, its fault is not answered */
    tok = fk_tok_new(fk);
    pm_fault_cause(fk->pm, small, 14, 6, 0x10000000, PM_FAULT_NOMEM, tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    assert_int_equal(fk_wait(fk, 1, (int32_t)small, 0, &st), (int64_t)small);
    assert_true(LX_WIFSIGNALED(st) && LX_WTERMSIG(st) == LX_SIGKILL);
    fk_free(fk);
}

static void test_fault_past_end_of_file_is_sigbus(void **state)
{
    (void)state;
    fake_t *fk = fk_new();
    fk_boot(fk);
    uint64_t c = fk_spawn(fk, 1);
    uint64_t tok = fk_tok_new(fk);
    pm_fault_cause(fk->pm, c, 14, 4, 0x10000000, PM_FAULT_RANGE, tok);
    assert_int_equal(fk_tok_state(fk, tok), FK_TOK_DROPPED);
    int st = 0;
    assert_int_equal(fk_wait(fk, 1, (int32_t)c, 0, &st), (int64_t)c);
    assert_true(LX_WIFSIGNALED(st));
    assert_int_equal(LX_WTERMSIG(st), LX_SIGBUS);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_exec_maps_without_copying),
        cmocka_unit_test(test_exec_copies_without_an_object),
        cmocka_unit_test(test_processes_of_one_program_share_its_pages),
        cmocka_unit_test(test_mmap_file),
        cmocka_unit_test(test_mmap_file_errors_and_protection),
        cmocka_unit_test(test_mmap_dev_zero),
        cmocka_unit_test(test_file_mapping_survives_fork),
        cmocka_unit_test(test_vdso_mapped_and_announced),
        cmocka_unit_test(test_rlimit_as_and_data),
        cmocka_unit_test(test_overcommit_heuristic),
        cmocka_unit_test(test_oom_kills_the_largest),
        cmocka_unit_test(test_fault_past_end_of_file_is_sigbus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
