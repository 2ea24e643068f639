/* Builds small ELF64 images in host memory for procmgr's tests: a file header, a program-header
 * table and segment bytes filled with a recognisable pattern, plus optional PT_INTERP, PT_PHDR
 * and PT_GNU_STACK entries. Knobs let tests break any field.
 *
 * Entry points: eb_build, eb_std_exec, eb_std_pie. */
#ifndef ELF_BUILD_H
#define ELF_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lx/elf.h>

typedef struct eb_seg {
    uint64_t vaddr, filesz, memsz;
    uint32_t flags;      /* LX_PF_* */
    uint64_t offset;     /* file offset; 0 = chosen (next page, congruent with vaddr) */
    bool at_zero;        /* offset 0: the segment covers the headers */
} eb_seg_t;

typedef struct eb_spec {
    uint16_t type;       /* LX_ET_EXEC / LX_ET_DYN */
    uint64_t entry;
    int nseg;
    eb_seg_t seg[8];
    const char *interp;  /* adds PT_INTERP */
    bool pt_phdr;        /* adds PT_PHDR (vaddr = first segment's vaddr + 64) */
    bool gnu_stack_x;    /* adds PT_GNU_STACK with PF_X */
} eb_spec_t;

/* malloc'd image in *out, returns its size. */
size_t eb_build(const eb_spec_t *s, uint8_t **out);
/* The standard test program: ET_EXEC, text at 0x400000 (covering the headers), data with bss
 * at 0x402010. Entry 0x400100. */
eb_spec_t eb_std_exec(void);
/* The same shape linked at 0 as ET_DYN (a static PIE). */
eb_spec_t eb_std_pie(void);

#endif
