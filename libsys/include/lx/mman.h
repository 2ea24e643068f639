/* Linux x86_64 memory-mapping ABI: PROT_*, MAP_*, MREMAP_* and MADV_* values. */
#ifndef LX_MMAN_H
#define LX_MMAN_H

#define LX_PROT_NONE      0x0
#define LX_PROT_READ      0x1
#define LX_PROT_WRITE     0x2
#define LX_PROT_EXEC      0x4
#define LX_PROT_SEM       0x8
#define LX_PROT_GROWSDOWN 0x01000000
#define LX_PROT_GROWSUP   0x02000000

#define LX_MAP_SHARED          0x01
#define LX_MAP_PRIVATE         0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE            0x0f
#define LX_MAP_FIXED           0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_32BIT           0x40
#define LX_MAP_GROWSDOWN       0x0100
#define LX_MAP_DENYWRITE       0x0800
#define LX_MAP_EXECUTABLE      0x1000
#define LX_MAP_LOCKED          0x2000
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE        0x8000
#define LX_MAP_NONBLOCK        0x10000
#define LX_MAP_STACK           0x20000
#define LX_MAP_HUGETLB         0x40000
#define LX_MAP_SYNC            0x80000
#define LX_MAP_FIXED_NOREPLACE 0x100000

#define LX_MREMAP_MAYMOVE   1
#define LX_MREMAP_FIXED     2
#define LX_MREMAP_DONTUNMAP 4

#define LX_MADV_NORMAL     0
#define LX_MADV_RANDOM     1
#define LX_MADV_SEQUENTIAL 2
#define LX_MADV_WILLNEED   3
#define LX_MADV_DONTNEED   4
#define LX_MADV_FREE       8

#define LX_MS_ASYNC      1
#define LX_MS_INVALIDATE 2
#define LX_MS_SYNC       4

#define LX_PAGE_SIZE 4096ull

#endif
