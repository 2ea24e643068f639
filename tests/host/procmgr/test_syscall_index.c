/* The syscall list and the docs index cannot drift: this host test checks every entry of the
 * X-macro list in lx/syscalls.h against the build machine's <asm/unistd_64.h> (same number,
 * same name, at compile time), and checks that docs/syscalls/index.md is exactly what the list,
 * procmgr's dispatch table and vfs's table (vfs_sysnr.h: a call procmgr forwards that vfs has no
 * handler for answers ENOSYS too) generate now.
 *
 * Regenerate the index after changing the list, the dispatch table or adding a page:
 *   procmgr_syscall_index --print > docs/syscalls/index.md
 * (PM_DOCS_DIR is docs/syscalls, set by the CMakeLists.) */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/unistd_64.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/syscalls.h>
#include "procmgr.h"
#include "vfs_sysnr.h"

/* The numbers vfs has a handler for. */
static const bool vfs_serves[LX_SYS_TABLE_SIZE] = {
#define VFS_SERVES(nr, name, handler) [nr] = true,
    VFS_SYSCALLS(VFS_SERVES)
#undef VFS_SERVES
};

/* ENOSYS for a call procmgr forwards to vfs without vfs serving it. */
static enum pm_route route_of(uint64_t nr)
{
    enum pm_route r = pm_syscall_route(nr);
    return r == PM_ROUTE_VFS && !vfs_serves[nr] ? PM_ROUTE_ENOSYS : r;
}

#ifndef PM_DOCS_DIR
#error "PM_DOCS_DIR must name docs/syscalls"
#endif

/* Same numbers and names as the Linux headers of the build machine. */
#define PM_CHECK_NR(nr, name) _Static_assert(__NR_##name == (nr), #name " has another number");
LX_SYSCALLS(PM_CHECK_NR)
#undef PM_CHECK_NR

static const char *route_name(uint64_t nr)
{
    switch (route_of(nr)) {
    case PM_ROUTE_PROCMGR:
        return "procmgr";
    case PM_ROUTE_VFS:
        return "vfs";
    default:
        return pm_syscall_route(nr) == PM_ROUTE_VFS ? "ENOSYS (vfs)" : "ENOSYS";
    }
}

static int page_exists(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.md", PM_DOCS_DIR, name);
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

/* The whole index, malloc'd. */
static char *index_generate(void)
{
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    int count[3] = {0, 0, 0}, vfs_enosys = 0;
    for (uint64_t nr = 0; nr < LX_SYS_TABLE_SIZE; nr++) {
        if (!pm_syscall_name(nr))
            continue;
        count[route_of(nr)]++;
        vfs_enosys += pm_syscall_route(nr) == PM_ROUTE_VFS && !vfs_serves[nr];
    }
#define EMIT(...)                                                                            \
    do {                                                                                     \
        int k = snprintf(out + n, cap - n, __VA_ARGS__);                                     \
        if ((size_t)k >= cap - n) {                                                          \
            cap *= 2;                                                                        \
            out = realloc(out, cap);                                                         \
            k = snprintf(out + n, cap - n, __VA_ARGS__);                                     \
        }                                                                                    \
        n += (size_t)k;                                                                      \
    } while (0)
    EMIT("# Linux system calls: index\n\n");
    EMIT("Generated from the list in `libsys/include/lx/syscalls.h` and procmgr's dispatch table "
         "by `tests/host/procmgr/test_syscall_index.c`; the host test `procmgr_syscall_index` "
         "fails when this file is stale. Regenerate with\n"
         "`build/tests/host/procmgr/procmgr_syscall_index --print > docs/syscalls/index.md`.\n\n");
    EMIT("A syscall of a Linux thread goes to procmgr, or, if it is one of vfs's, straight to "
         "vfs by the thread's kernel route (see [../procmgr.md](../procmgr.md#routes-file-calls-"
         "straight-to-vfs)). **procmgr**: answered by procmgr. **vfs**: answered by vfs; it "
         "comes by the route, or, from a traced thread and for ppoll, pselect6, epoll_pwait and "
         "epoll_pwait2 (whose signal mask procmgr installs first), through procmgr, which "
         "forwards it with the caller's reply token. **ENOSYS**: not implemented, -ENOSYS (-38), "
         "logged with its name by a build with `OS_LOG_NOSYS` (`make run LOG_NOSYS=1`) or without "
         "`NDEBUG`; **ENOSYS (vfs)**: one of vfs's calls (`PM_VFS_CALLS`) that vfs has no "
         "handler for (`vfs_sysnr.h`): vfs answers -ENOSYS, logging the same line in such a "
         "build. See [../debugging.md](../debugging.md).\n\n");
    EMIT("%d calls: %d procmgr, %d vfs, %d ENOSYS (%d of them vfs's).\n\n",
         count[0] + count[1] + count[2], count[PM_ROUTE_PROCMGR], count[PM_ROUTE_VFS],
         count[PM_ROUTE_ENOSYS], vfs_enosys);
    EMIT("| nr | name | handled by | reference |\n|---:|---|---|---|\n");
    for (uint64_t nr = 0; nr < LX_SYS_TABLE_SIZE; nr++) {
        const char *name = pm_syscall_name(nr);
        if (!name)
            continue;
        if (page_exists(name))
            EMIT("| %lu | %s | %s | [%s.md](%s.md) |\n", (unsigned long)nr, name, route_name(nr),
                 name, name);
        else
            EMIT("| %lu | %s | %s | |\n", (unsigned long)nr, name, route_name(nr));
    }
#undef EMIT
    return out;
}

static void test_index_is_current(void **state)
{
    (void)state;
    char *want = index_generate();
    char path[512];
    snprintf(path, sizeof(path), "%s/index.md", PM_DOCS_DIR);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s is missing: run procmgr_syscall_index --print > %s", path, path);
    size_t cap = strlen(want) + 2;
    char *have = calloc(1, cap + 1);
    size_t got = fread(have, 1, cap, f);
    fclose(f);
    have[got] = 0;
    if (strcmp(have, want) != 0)
        fail_msg("%s is stale: run procmgr_syscall_index --print > %s", path, path);
    free(have);
    free(want);
}

static void test_list_is_complete(void **state)
{
    (void)state;
    /* every number x86_64 defines from 0 to 334 is in the list, and nothing between 335..423 */
    for (uint64_t nr = 0; nr <= 334; nr++)
        assert_non_null(pm_syscall_name(nr));
    for (uint64_t nr = 335; nr < 424; nr++)
        assert_null(pm_syscall_name(nr));
    assert_string_equal(pm_syscall_name(LX_SYS_TABLE_SIZE - 1), "set_mempolicy_home_node");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--print") == 0) {
        char *s = index_generate();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_is_complete),
        cmocka_unit_test(test_index_is_current),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
