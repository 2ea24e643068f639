/* Linux x86_64 struct statfs (statfs/fstatfs), the f_flags bits and the file-system magic
 * numbers programs compare f_type with. Prefixed LX_/lx_ to sit beside a host libc. */
#ifndef LX_STATFS_H
#define LX_STATFS_H

#include <stdint.h>

struct lx_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail;
    uint64_t f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};
_Static_assert(sizeof(struct lx_statfs) == 120, "x86_64 struct statfs");

#define LX_TMPFS_MAGIC         0x01021994
#define LX_PROC_SUPER_MAGIC    0x9fa0
#define LX_PIPEFS_MAGIC        0x50495045
#define LX_ANON_INODE_FS_MAGIC 0x09041934

/* f_flags (ST_*) */
#define LX_ST_RDONLY   0x0001
#define LX_ST_NOSUID   0x0002
#define LX_ST_NODEV    0x0004
#define LX_ST_NOEXEC   0x0008
#define LX_ST_VALID    0x0020
#define LX_ST_RELATIME 0x1000

#endif
