/* ELF64 executables: checking a header and program-header table (pure, no env calls) and
 * loading the PT_LOAD segments of a checked image into a fresh address space.
 *
 * Entry points: pm_elf_check_ehdr, pm_elf_parse, pm_elf_load. */
#ifndef PM_ELF_H
#define PM_ELF_H

#include <lx/elf.h>
#include "pm_internal.h"

#define PM_ELF_MAX_PHDR_BYTES 4096   /* Linux refuses larger tables (ELF_MIN_ALIGN) */
#define PM_ELF_MAX_PHDRS (PM_ELF_MAX_PHDR_BYTES / sizeof(struct lx_elf64_phdr))

typedef struct pm_elf_seg {
    uint64_t vaddr, memsz;     /* biased: where the segment lives in memory */
    uint64_t offset, filesz;   /* in the file */
    int prot;                  /* LX_PROT_* from p_flags */
} pm_elf_seg_t;

typedef struct pm_elf_info {
    int type;                  /* LX_ET_EXEC or LX_ET_DYN */
    uint64_t bias;             /* 0 for ET_EXEC; PM_PIE_BASE - lowest page for ET_DYN */
    uint64_t entry;            /* biased */
    uint64_t phdr_addr;        /* biased address of the program headers in memory (AT_PHDR) */
    uint16_t phnum;
    pm_elf_seg_t seg[PM_ELF_MAX_PHDRS];
    int nseg;
    uint64_t end;              /* biased end of the highest segment: the break starts above */
    bool has_interp;           /* PT_INTERP: a dynamically linked program */
    uint64_t interp_off, interp_len;
    bool exec_stack;           /* PT_GNU_STACK with PF_X */
} pm_elf_info_t;

/* The file header: 0 and the program-header table's size in *phbytes, or -ENOEXEC. */
int pm_elf_check_ehdr(const struct lx_elf64_ehdr *eh, uint64_t file_size, uint64_t *phbytes);
/* The program headers of a checked header: 0 or -ENOEXEC (no loadable segment, segments
 * outside the file or outside user space, a bad PT_INTERP). */
int pm_elf_parse(const struct lx_elf64_ehdr *eh, const struct lx_elf64_phdr *ph,
                 uint64_t file_size, pm_elf_info_t *out);
/* Map and fill the segments in `as`, recording them in mm: 0 or -errno. Only `as` is touched. */
int pm_elf_load(pm_t *pm, const pm_elf_info_t *info, uint64_t file, pm_as_t as, pm_mm_t *mm);

#endif
