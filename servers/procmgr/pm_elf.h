/* ELF64 executables: checking a header and program-header table (pure, no env calls), planning
 * how the PT_LOAD segments are mapped (pure), and mapping them into a fresh address space.
 *
 * Entry points: pm_elf_check_ehdr, pm_elf_parse, pm_elf_plan, pm_elf_load. */
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
/* How a range of the image is made (pm_elf_plan). */
enum pm_elf_how {
    PM_ELF_FILE,   /* the file's pages from off, mapped private: shared until written */
    PM_ELF_ANON,   /* zero pages (bss past the file's bytes) */
    PM_ELF_COPY,   /* zero pages the file's bytes are copied into: a page two segments share
                      from different file pages, or a segment whose address and file offset
                      disagree modulo the page size (mapping cannot express either) */
};
typedef struct pm_elf_piece {
    uint64_t start, end;       /* page aligned */
    int prot;                  /* the union of the segments' protections on the range */
    int how;                   /* enum pm_elf_how */
    uint64_t off;              /* PM_ELF_FILE: the file offset of start */
} pm_elf_piece_t;
#define PM_ELF_MAX_PIECES (3 * PM_ELF_MAX_PHDRS + 1)
/* The pieces of a checked image, sorted by address and joined where they agree: how many.
 * can_map false: every file page is copied (no memory object). */
int pm_elf_plan(const pm_elf_info_t *info, bool can_map, pm_elf_piece_t *out);
/* Map the segments in `as` as pm_elf_plan says, copy what is copied, zero each segment's bytes
 * past its file size in pages that hold file bytes, and record the ranges in mm (those from the
 * file with pf): 0 or -errno. Only `as` is touched. pf NULL or without an object: copies. */
int pm_elf_load(pm_t *pm, const pm_elf_info_t *info, uint64_t file, pm_file_t *pf, pm_as_t as,
                pm_mm_t *mm);

#endif
