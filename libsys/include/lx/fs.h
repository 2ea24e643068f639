/* Linux x86_64 file-system ABI: open/at flags, seek whences, mode bits, fcntl commands and the
 * structures the file syscalls copy to and from user memory (stat, linux_dirent64, iovec,
 * timespec). Values are the x86_64 kernel's; everything is prefixed LX_/lx_ so this header can
 * sit beside a host libc in the cmocka tests. */
#ifndef LX_FS_H
#define LX_FS_H

#include <stdint.h>

/* open(2) flags (octal, as in asm-generic/fcntl.h) */
#define LX_O_ACCMODE    00000003
#define LX_O_RDONLY     00000000
#define LX_O_WRONLY     00000001
#define LX_O_RDWR       00000002
#define LX_O_CREAT      00000100
#define LX_O_EXCL       00000200
#define LX_O_NOCTTY     00000400
#define LX_O_TRUNC      00001000
#define LX_O_APPEND     00002000
#define LX_O_NONBLOCK   00004000
#define LX_O_DSYNC      00010000
#define LX_O_ASYNC      00020000
#define LX_O_DIRECT     00040000
#define LX_O_LARGEFILE  00100000
#define LX_O_DIRECTORY  00200000
#define LX_O_NOFOLLOW   00400000
#define LX_O_NOATIME    01000000
#define LX_O_CLOEXEC    02000000
#define LX_O_SYNC       04010000
#define LX_O_PATH       010000000
#define LX_O_TMPFILE    020200000

/* *at() conventions */
#define LX_AT_FDCWD            (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR        0x200
#define LX_AT_EACCESS          0x200   /* faccessat only; shares AT_REMOVEDIR's value */
#define LX_AT_SYMLINK_FOLLOW   0x400
#define LX_AT_NO_AUTOMOUNT     0x800
#define LX_AT_EMPTY_PATH       0x1000

/* renameat2 flags */
#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE  2
#define LX_RENAME_WHITEOUT  4

/* access(2) modes */
#define LX_F_OK 0
#define LX_X_OK 1
#define LX_W_OK 2
#define LX_R_OK 4

/* lseek(2) whences */
#define LX_SEEK_SET  0
#define LX_SEEK_CUR  1
#define LX_SEEK_END  2
#define LX_SEEK_DATA 3
#define LX_SEEK_HOLE 4

/* st_mode bits (octal) */
#define LX_S_IFMT   0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK  0120000
#define LX_S_IFREG  0100000
#define LX_S_IFBLK  0060000
#define LX_S_IFDIR  0040000
#define LX_S_IFCHR  0020000
#define LX_S_IFIFO  0010000
#define LX_S_ISUID  04000
#define LX_S_ISGID  02000
#define LX_S_ISVTX  01000
#define LX_S_IRWXU  00700
#define LX_S_IRWXG  00070
#define LX_S_IRWXO  00007

#define LX_S_ISDIR(m)  (((m) & LX_S_IFMT) == LX_S_IFDIR)
#define LX_S_ISREG(m)  (((m) & LX_S_IFMT) == LX_S_IFREG)
#define LX_S_ISLNK(m)  (((m) & LX_S_IFMT) == LX_S_IFLNK)
#define LX_S_ISCHR(m)  (((m) & LX_S_IFMT) == LX_S_IFCHR)
#define LX_S_ISFIFO(m) (((m) & LX_S_IFMT) == LX_S_IFIFO)

/* linux_dirent64.d_type */
#define LX_DT_UNKNOWN 0
#define LX_DT_FIFO    1
#define LX_DT_CHR     2
#define LX_DT_DIR     4
#define LX_DT_BLK     6
#define LX_DT_REG     8
#define LX_DT_LNK     10
#define LX_DT_SOCK    12

/* fcntl(2) commands */
#define LX_F_DUPFD         0
#define LX_F_GETFD         1
#define LX_F_SETFD         2
#define LX_F_GETFL         3
#define LX_F_SETFL         4
#define LX_F_GETLK         5
#define LX_F_SETLK         6
#define LX_F_SETLKW        7
#define LX_F_SETOWN        8
#define LX_F_GETOWN        9
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_F_SETPIPE_SZ    1031
#define LX_F_GETPIPE_SZ    1032
#define LX_FD_CLOEXEC      1

/* utimensat special nanosecond values */
#define LX_UTIME_NOW  ((1l << 30) - 1l)
#define LX_UTIME_OMIT ((1l << 30) - 2l)

#define LX_PATH_MAX 4096   /* including the terminating NUL */
#define LX_NAME_MAX 255
#define LX_PIPE_BUF 4096
#define LX_IOV_MAX  1024

struct lx_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

/* The x86_64 kernel's struct stat (arch/x86/include/uapi/asm/stat.h), 144 bytes. */
struct lx_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t __pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    struct lx_timespec st_atim;
    struct lx_timespec st_mtim;
    struct lx_timespec st_ctim;
    int64_t __unused[3];
};
_Static_assert(sizeof(struct lx_stat) == 144, "x86_64 struct stat is 144 bytes");
_Static_assert(__builtin_offsetof(struct lx_stat, st_rdev) == 40, "st_rdev offset");
_Static_assert(__builtin_offsetof(struct lx_stat, st_atim) == 72, "st_atime offset");

/* getdents64 record; d_reclen rounds the header plus name and NUL up to 8 bytes. */
struct lx_linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
_Static_assert(__builtin_offsetof(struct lx_linux_dirent64, d_name) == 19, "dirent64 header");

struct lx_iovec {
    uint64_t iov_base;   /* a user address: never dereferenced by servers */
    uint64_t iov_len;
};
_Static_assert(sizeof(struct lx_iovec) == 16, "x86_64 struct iovec");

/* Device numbers as glibc/musl makedev() encodes them in st_rdev. */
#define LX_MKDEV(ma, mi)                                                                         \
    ((((uint64_t)(ma) & 0xfffff000u) << 32) | (((uint64_t)(ma) & 0xfffu) << 8) |                 \
     (((uint64_t)(mi) & 0xffffff00u) << 12) | ((uint64_t)(mi) & 0xffu))

#endif
