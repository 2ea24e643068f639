/* Boot-time memory set-up (kern/mem.c). */
#ifndef KERN_MEM_H
#define KERN_MEM_H
#include <stdint.h>
#include "mb2.h"

void mem_init(const struct mb2_info *mb, uint64_t mbi_phys, uint32_t mbi_size);

#endif
