/* Multiboot2 boot information: the parts the kernel uses (command line, memory map, modules).
 * Pure logic, host-testable. Entry point: mb2_parse. */
#ifndef KERN_MB2_H
#define KERN_MB2_H
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOT_MAGIC 0x36d76289u
#define MB2_MAX_REGIONS 64
#define MB2_MAX_MODULES 16

struct mb2_module {
    uint64_t start, end; /* physical, end exclusive */
    const char *name;    /* the module's command line (points into the info block) */
};

struct mb2_info {
    const char *cmdline; /* "" if absent */
    struct { uint64_t base, len; uint32_t type; } regions[MB2_MAX_REGIONS];
    size_t nregions;     /* every memory map entry; type 1 = usable RAM */
    struct mb2_module modules[MB2_MAX_MODULES];
    size_t nmodules;
    uint64_t max_phys;   /* end of the highest usable region */
};

/* Parses the info block at `info` (already mapped), whose total size is its first word.
 * Returns 0, or -1 if the block is malformed (bad sizes, tags running past the end). */
int mb2_parse(const void *info, struct mb2_info *out);

#endif
