/* struct sysinfo as sysinfo(2) fills it on x86_64 (112 bytes; _f[] is empty on 64-bit). */
#ifndef LX_SYSINFO_H
#define LX_SYSINFO_H

#include <stdint.h>

struct lx_sysinfo {
    int64_t uptime;        /* seconds since boot */
    uint64_t loads[3];     /* 1, 5, 15 minute load averages, scaled by 1 << 16 */
    uint64_t totalram;     /* in units of mem_unit bytes */
    uint64_t freeram;
    uint64_t sharedram;
    uint64_t bufferram;
    uint64_t totalswap;
    uint64_t freeswap;
    uint16_t procs;        /* number of current processes */
    uint16_t pad;
    uint32_t pad2_;
    uint64_t totalhigh;
    uint64_t freehigh;
    uint32_t mem_unit;
    uint32_t pad3_;
};
_Static_assert(sizeof(struct lx_sysinfo) == 112, "struct sysinfo is 112 bytes");
_Static_assert(__builtin_offsetof(struct lx_sysinfo, procs) == 80, "procs offset");
_Static_assert(__builtin_offsetof(struct lx_sysinfo, mem_unit) == 104, "mem_unit offset");

#endif
