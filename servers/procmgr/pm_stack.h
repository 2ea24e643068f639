/* The initial stack of a new program, laid out as the x86_64 Linux kernel does (create_elf_tables):
 * from the top, an 8-byte NULL end marker, the execfn string, the environment strings, the
 * argument strings, the platform string "x86_64", 16 random bytes, padding, then at a 16-byte
 * aligned rsp: argc, argv[] + NULL, envp[] + NULL, the auxiliary vector ending in AT_NULL.
 *
 * Pure: the image is built in a host buffer and written into the new address space in one go.
 *
 * Entry points: pm_stack_size, pm_stack_build, pm_stack_strings. */
#ifndef PM_STACK_H
#define PM_STACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct pm_stack_in {
    char *const *argv;
    size_t argc;
    char *const *envp;
    size_t envc;
    const char *execfn;        /* AT_EXECFN: the path given to execve */
    uint8_t random[16];        /* AT_RANDOM's bytes */
    uint64_t phdr, phent, phnum, entry, hwcap;
    uint64_t sysinfo_ehdr;     /* AT_SYSINFO_EHDR: the vDSO's ELF header (0: none, no entry) */
} pm_stack_in_t;

#define PM_STACK_AUX_PAIRS 19  /* at most, including AT_NULL */

/* Bytes the image occupies below top (top - rsp). */
uint64_t pm_stack_size(const pm_stack_in_t *in);
/* Build the image into buf, which stands for [top - size, top) with size = pm_stack_size(in);
 * returns the initial rsp (16-byte aligned, pointing at argc). */
uint64_t pm_stack_build(const pm_stack_in_t *in, uint64_t top, uint8_t *buf);
/* Where the image built below top keeps the argument strings [*arg_start, *arg_end) and,
 * right after them, the environment strings up to *env_end (Linux's mm->arg_start ...). */
void pm_stack_strings(const pm_stack_in_t *in, uint64_t top, uint64_t *arg_start,
                      uint64_t *arg_end, uint64_t *env_end);

#endif
