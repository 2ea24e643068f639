/* Auxiliary vector entry types (AT_*) placed above envp on a new program's stack, as the
 * x86_64 Linux kernel defines them (include/uapi/linux/auxvec.h, asm/auxvec.h). */
#ifndef LX_AUXV_H
#define LX_AUXV_H

#define LX_AT_NULL          0
#define LX_AT_IGNORE        1
#define LX_AT_EXECFD        2
#define LX_AT_PHDR          3   /* address of the program headers in memory */
#define LX_AT_PHENT         4
#define LX_AT_PHNUM         5
#define LX_AT_PAGESZ        6
#define LX_AT_BASE          7   /* interpreter base; 0 for static programs */
#define LX_AT_FLAGS         8
#define LX_AT_ENTRY         9
#define LX_AT_NOTELF        10
#define LX_AT_UID           11
#define LX_AT_EUID          12
#define LX_AT_GID           13
#define LX_AT_EGID          14
#define LX_AT_PLATFORM      15
#define LX_AT_HWCAP         16
#define LX_AT_CLKTCK        17
#define LX_AT_SECURE        23
#define LX_AT_BASE_PLATFORM 24
#define LX_AT_RANDOM        25  /* address of 16 random bytes */
#define LX_AT_HWCAP2        26
#define LX_AT_EXECFN        31  /* address of the filename passed to execve */
#define LX_AT_SYSINFO_EHDR  33
#define LX_AT_MINSIGSTKSZ   51

#endif
