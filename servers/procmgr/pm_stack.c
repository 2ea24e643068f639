/* Builds a new program's initial stack image (see pm_stack.h for the layout). The layout is
 * computed once, by pm_stack_layout, for both the size query and the build, so they cannot
 * disagree.
 *
 * Entry points: pm_stack_size, pm_stack_build, pm_stack_strings. */
#include <string.h>
#include <lx/auxv.h>
#include "pm_stack.h"

#define PM_PLATFORM "x86_64"

typedef struct pm_stack_layout {
    uint64_t execfn, strings, platform, random, rsp;   /* offsets below top */
} pm_stack_layout_t;

static void pm_stack_layout(const pm_stack_in_t *in, pm_stack_layout_t *l)
{
    uint64_t off = 8;                                   /* end marker */
    off += strlen(in->execfn) + 1;
    l->execfn = off;
    for (size_t i = 0; i < in->envc; i++)
        off += strlen(in->envp[i]) + 1;
    for (size_t i = 0; i < in->argc; i++)
        off += strlen(in->argv[i]) + 1;
    l->strings = off;                                   /* argv[0] starts here */
    off += sizeof(PM_PLATFORM);
    l->platform = off;
    off += 16;
    l->random = off;
    uint64_t items = 1 + (in->argc + 1) + (in->envc + 1) + 2 * PM_STACK_AUX_PAIRS;
    off += items * 8;
    off = (off + 15) & ~15ull;                          /* rsp = top - off, 16-byte aligned */
    l->rsp = off;
}

uint64_t pm_stack_size(const pm_stack_in_t *in)
{
    pm_stack_layout_t l;
    pm_stack_layout(in, &l);
    return l.rsp;
}

void pm_stack_strings(const pm_stack_in_t *in, uint64_t top, uint64_t *arg_start,
                      uint64_t *arg_end, uint64_t *env_end)
{
    pm_stack_layout_t l;
    pm_stack_layout(in, &l);
    uint64_t at = top - l.strings;   /* argv[0]; the strings ascend from here (pm_stack_build) */
    *arg_start = at;
    for (size_t i = 0; i < in->argc; i++)
        at += strlen(in->argv[i]) + 1;
    *arg_end = at;
    for (size_t i = 0; i < in->envc; i++)
        at += strlen(in->envp[i]) + 1;
    *env_end = at;
}

static void pm_put64(uint8_t *buf, uint64_t size, uint64_t off_below_top, uint64_t v)
{
    memcpy(buf + size - off_below_top, &v, 8);
}

uint64_t pm_stack_build(const pm_stack_in_t *in, uint64_t top, uint8_t *buf)
{
    pm_stack_layout_t l;
    pm_stack_layout(in, &l);
    uint64_t size = l.rsp;
    memset(buf, 0, size);

    /* Strings ascend from argv[0]: argv, envp, then execfn; each pointer is written into the
     * block above rsp as its string is placed (no per-argument array: argc may be huge). */
    uint64_t argv_w = l.rsp - 8;                        /* argv[0]'s slot */
    uint64_t envp_w = argv_w - 8 * (in->argc + 1);      /* envp[0]'s slot */
    uint64_t at = l.strings;
    for (size_t i = 0; i < in->argc; i++) {
        size_t n = strlen(in->argv[i]) + 1;
        memcpy(buf + size - at, in->argv[i], n);
        pm_put64(buf, size, argv_w - 8 * i, top - at);
        at -= n;
    }
    for (size_t i = 0; i < in->envc; i++) {
        size_t n = strlen(in->envp[i]) + 1;
        memcpy(buf + size - at, in->envp[i], n);
        pm_put64(buf, size, envp_w - 8 * i, top - at);
        at -= n;
    }
    memcpy(buf + size - l.execfn, in->execfn, strlen(in->execfn) + 1);
    memcpy(buf + size - l.platform, PM_PLATFORM, sizeof(PM_PLATFORM));
    memcpy(buf + size - l.random, in->random, 16);

    /* argc at rsp; the NULLs after argv[] and envp[] are already zero. */
    pm_put64(buf, size, l.rsp, in->argc);
    uint64_t w = envp_w - 8 * (in->envc + 1);           /* the auxiliary vector */
    /* as Linux's create_elf_tables: the vDSO first (ARCH_DLINFO), only when there is one */
    const uint64_t aux[PM_STACK_AUX_PAIRS][2] = {
        {in->sysinfo_ehdr ? LX_AT_SYSINFO_EHDR : LX_AT_IGNORE, in->sysinfo_ehdr},
        {LX_AT_HWCAP, in->hwcap},
        {LX_AT_PAGESZ, 4096},
        {LX_AT_CLKTCK, 100},
        {LX_AT_PHDR, in->phdr},
        {LX_AT_PHENT, in->phent},
        {LX_AT_PHNUM, in->phnum},
        {LX_AT_BASE, 0},
        {LX_AT_FLAGS, 0},
        {LX_AT_ENTRY, in->entry},
        {LX_AT_UID, 0},
        {LX_AT_EUID, 0},
        {LX_AT_GID, 0},
        {LX_AT_EGID, 0},
        {LX_AT_SECURE, 0},
        {LX_AT_RANDOM, top - l.random},
        {LX_AT_EXECFN, top - l.execfn},
        {LX_AT_PLATFORM, top - l.platform},
        {LX_AT_NULL, 0},
    };
    for (size_t i = 0; i < PM_STACK_AUX_PAIRS; i++) {
        if (aux[i][0] == LX_AT_IGNORE)
            continue;   /* not there: the slots after AT_NULL stay zero */
        pm_put64(buf, size, w, aux[i][0]);
        pm_put64(buf, size, w - 8, aux[i][1]);
        w -= 16;
    }
    return top - l.rsp;
}
