/* t_vdso: the vDSO as Linux programs find it. The auxiliary vector's AT_SYSINFO_EHDR points at an
 * ELF image whose dynamic symbols include __vdso_clock_gettime, __vdso_gettimeofday,
 * __vdso_time and __vdso_getcpu, version LINUX_2.6 (looked up as musl's __vdsosym does: DT_HASH,
 * DT_VERSYM, DT_VERDEF); its results agree with the system calls and never go backwards; a clock
 * it does not serve goes to the system call. On Kestrel, a loop of clock_gettime through libc
 * makes no kernel entries (/proc/kstat), so musl really uses it. */
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "gtest.h"

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

/* musl's src/internal/vdso.c, written out: the symbol `name` of version `ver`, or NULL. */
static void *vdso_sym(const char *ver, const char *name)
{
    const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
    if (!eh)
        return NULL;
    const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
    size_t base = (size_t)-1;
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD)
            base = (size_t)eh + ph[i].p_offset - ph[i].p_vaddr;
        else if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const void *)((const char *)eh + ph[i].p_offset);
    }
    if (!dyn || base == (size_t)-1)
        return NULL;
    const char *str = NULL;
    const Elf64_Sym *syms = NULL;
    const uint32_t *hash = NULL;
    const uint16_t *versym = NULL;
    const Elf64_Verdef *verdef = NULL;
    for (; dyn->d_tag; dyn++) {
        void *p = (void *)(base + dyn->d_un.d_ptr);
        switch (dyn->d_tag) {
        case DT_STRTAB: str = p; break;
        case DT_SYMTAB: syms = p; break;
        case DT_HASH: hash = p; break;
        case DT_VERSYM: versym = p; break;
        case DT_VERDEF: verdef = p; break;
        }
    }
    if (!str || !syms || !hash)
        return NULL;
    for (uint32_t i = 0; i < hash[1]; i++) {
        int type = ELF64_ST_TYPE(syms[i].st_info), bind = ELF64_ST_BIND(syms[i].st_info);
        if ((type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT) ||
            (bind != STB_GLOBAL && bind != STB_WEAK) || !syms[i].st_shndx)
            continue;
        if (strcmp(name, str + syms[i].st_name))
            continue;
        if (versym && verdef) {
            /* the version definition with this symbol's index must be named ver */
            uint16_t vi = versym[i] & 0x7fff;
            const Elf64_Verdef *d = verdef;
            bool ok = false;
            for (;;) {
                if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == vi) {
                    const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
                    ok = strcmp(ver, str + aux->vda_name) == 0;
                    break;
                }
                if (!d->vd_next)
                    break;
                d = (const void *)((const char *)d + d->vd_next);
            }
            if (!ok)
                continue;
        }
        return (void *)(base + syms[i].st_value);
    }
    return NULL;
}

static long long ns_of(const struct timespec *ts)
{
    return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void test_auxv_entry(void)
{
    const unsigned char *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
    REQUIRE(eh != NULL);
    CHECK_MEMEQ(eh, ELFMAG, SELFMAG);
    CHECK_EQ(eh[EI_CLASS], ELFCLASS64);
    CHECK_EQ(((const Elf64_Ehdr *)eh)->e_type, ET_DYN);
    /* /proc/self/maps names it */
    static char maps[65536];
    REQUIRE(gt_read_file("/proc/self/maps", maps, sizeof maps) > 0);
    char want[32];
    snprintf(want, sizeof want, "%lx-", (unsigned long)(uintptr_t)eh);
    char *line = strstr(maps, want);
    REQUIRE(line != NULL);
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = 0;
    CHECK(strstr(line, "[vdso]") != NULL);
    CHECK(strstr(line, "r-xp") != NULL);
}

static void test_symbols_by_name_and_version(void)
{
    CHECK(vdso_sym("LINUX_2.6", "__vdso_clock_gettime") != NULL);
    CHECK(vdso_sym("LINUX_2.6", "__vdso_gettimeofday") != NULL);
    CHECK(vdso_sym("LINUX_2.6", "__vdso_time") != NULL);
    CHECK(vdso_sym("LINUX_2.6", "__vdso_getcpu") != NULL);
    CHECK(vdso_sym("LINUX_2.6", "__vdso_no_such_thing") == NULL);
    CHECK(vdso_sym("LINUX_9.9", "__vdso_clock_gettime") == NULL);   /* the version matters */
}

/* syscall, vdso, syscall: in order, for each clock the vDSO serves */
static void test_agrees_with_syscalls(void)
{
    cgt_fn cgt = (cgt_fn)vdso_sym("LINUX_2.6", "__vdso_clock_gettime");
    REQUIRE(cgt != NULL);
    const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                                CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE};
    for (size_t c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        for (int i = 0; i < 100; i++) {
            struct timespec a, b, d;
            CHECK_EQ(syscall(SYS_clock_gettime, clocks[c], &a), 0);
            CHECK_EQ(cgt(clocks[c], &b), 0);
            CHECK_EQ(syscall(SYS_clock_gettime, clocks[c], &d), 0);
            if (!(ns_of(&a) <= ns_of(&b) && ns_of(&b) <= ns_of(&d))) {
                gt_fail(__FILE__, __LINE__, "clock %d: %lld, %lld, %lld out of order",
                        (int)clocks[c], ns_of(&a), ns_of(&b), ns_of(&d));
                break;
            }
            CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
        }
    }
    /* REALTIME's seconds are time()'s and gettimeofday's */
    gtod_fn gtod = (gtod_fn)vdso_sym("LINUX_2.6", "__vdso_gettimeofday");
    time_fn tfn = (time_fn)vdso_sym("LINUX_2.6", "__vdso_time");
    REQUIRE(gtod && tfn);
    struct timeval tv;
    time_t t0 = (time_t)syscall(SYS_time, NULL);
    CHECK_EQ(gtod(&tv, NULL), 0);
    time_t t1 = tfn(NULL), t2;
    CHECK_EQ(tfn(&t2), t2);
    time_t t3 = (time_t)syscall(SYS_time, NULL);
    CHECK(t0 <= tv.tv_sec && tv.tv_sec <= t1 && t1 <= t2 && t2 <= t3);
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
}

static void test_monotonic(void)
{
    struct timespec prev, now;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &prev), 0);
    for (int i = 0; i < 10000; i++) {
        CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &now), 0);
        if (ns_of(&now) < ns_of(&prev)) {
            gt_fail(__FILE__, __LINE__, "went back: %lld then %lld", ns_of(&prev), ns_of(&now));
            break;
        }
        prev = now;
    }
    struct timespec nap = {0, 2000000};
    CHECK_EQ(nanosleep(&nap, NULL), 0);
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &now), 0);
    CHECK(ns_of(&now) - ns_of(&prev) >= 2000000);   /* never early */
}

static void test_other_clocks_go_to_the_kernel(void)
{
    cgt_fn cgt = (cgt_fn)vdso_sym("LINUX_2.6", "__vdso_clock_gettime");
    REQUIRE(cgt != NULL);
    struct timespec ts = {-1, -1};
    CHECK_EQ(cgt(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
    CHECK(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    CHECK_EQ(cgt(12345, &ts), -EINVAL);   /* the raw result, as Linux's vDSO */
    getcpu_fn gc = (getcpu_fn)vdso_sym("LINUX_2.6", "__vdso_getcpu");
    REQUIRE(gc != NULL);
    unsigned cpu = 99, node = 99;
    CHECK_EQ(gc(&cpu, &node, NULL), 0);
    CHECK(cpu < (unsigned)sysconf(_SC_NPROCESSORS_CONF) || cpu < 1024);
    CHECK_EQ(node, 0);
    if (os_is_kestrel())
        CHECK_EQ(cpu, 0);   /* one CPU */
    CHECK(sched_getcpu() >= 0);
}

/* /proc/kstat's kernel_entries, or -1 (not Kestrel) */
static long long kernel_entries(void)
{
    char buf[512];
    if (gt_read_file("/proc/kstat", buf, sizeof buf) <= 0)
        return -1;
    const char *p = strstr(buf, "kernel_entries ");
    return p ? atoll(p + 15) : -1;
}

static void test_no_kernel_entries(void)
{
    if (kernel_entries() < 0) {
        gt_note("no /proc/kstat (not Kestrel): skipped");
        return;
    }
    enum { N = 20000 };
    struct timespec ts;
    CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);   /* libc finds the vDSO the first time */
    long long e0 = kernel_entries();
    for (int i = 0; i < N; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        clock_gettime(CLOCK_REALTIME, &ts);
    }
    long long e1 = kernel_entries();
    for (int i = 0; i < N; i++)
        getppid();
    long long e2 = kernel_entries();
    gt_note("kernel entries: %lld for %d clock_gettime, %lld for %d getppid", e1 - e0, 2 * N,
            e2 - e1, N);
    CHECK(e2 - e1 >= N);        /* the counter counts: every syscall enters */
    CHECK(e1 - e0 < 100);       /* reading the file itself, a page or two: not one per call */
}

static const struct gt_test tests[] = {
    GT_TEST(auxv_entry),         GT_TEST(symbols_by_name_and_version),
    GT_TEST(agrees_with_syscalls), GT_TEST(monotonic),
    GT_TEST(other_clocks_go_to_the_kernel), GT_TEST(no_kernel_entries),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
