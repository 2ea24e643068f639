/* The Linux x86_64 syscalls vfs serves: one X-macro list X(number, name, handler) that expands
 * into vfs's dispatch table (vfs_syscall.c) and the VFS_NR_<name> constants the tests use.
 * Numbers are the kernel's (arch/x86/entry/syscalls/syscall_64.tbl); they must agree with the
 * system-wide list in libsys/include/lx/syscalls.h (LX_SYS_<name>) once that exists.
 * Several numbers may share a handler (fsync/fdatasync/syncfs). */
#ifndef VFS_SYSNR_H
#define VFS_SYSNR_H

#define VFS_SYSCALLS(X)                                                                          \
    X(0, read, read)                                                                             \
    X(1, write, write)                                                                           \
    X(2, open, open)                                                                             \
    X(3, close, close)                                                                           \
    X(4, stat, stat)                                                                             \
    X(5, fstat, fstat)                                                                           \
    X(6, lstat, lstat)                                                                           \
    X(7, poll, poll)                                                                             \
    X(8, lseek, lseek)                                                                           \
    X(16, ioctl, ioctl)                                                                          \
    X(17, pread64, pread64)                                                                      \
    X(18, pwrite64, pwrite64)                                                                    \
    X(19, readv, readv)                                                                          \
    X(20, writev, writev)                                                                        \
    X(21, access, access)                                                                        \
    X(22, pipe, pipe)                                                                            \
    X(23, select, select)                                                                        \
    X(32, dup, dup)                                                                              \
    X(33, dup2, dup2)                                                                            \
    X(72, fcntl, fcntl)                                                                          \
    X(74, fsync, fsync)                                                                          \
    X(75, fdatasync, fsync)                                                                      \
    X(76, truncate, truncate)                                                                    \
    X(77, ftruncate, ftruncate)                                                                  \
    X(79, getcwd, getcwd)                                                                        \
    X(80, chdir, chdir)                                                                          \
    X(81, fchdir, fchdir)                                                                        \
    X(82, rename, rename)                                                                        \
    X(83, mkdir, mkdir)                                                                          \
    X(84, rmdir, rmdir)                                                                          \
    X(85, creat, creat)                                                                          \
    X(86, link, link)                                                                            \
    X(87, unlink, unlink)                                                                        \
    X(88, symlink, symlink)                                                                      \
    X(89, readlink, readlink)                                                                    \
    X(90, chmod, chmod)                                                                          \
    X(91, fchmod, fchmod)                                                                        \
    X(92, chown, chown)                                                                          \
    X(93, fchown, fchown)                                                                        \
    X(94, lchown, lchown)                                                                        \
    X(95, umask, umask)                                                                          \
    X(103, syslog, syslog)                                                                       \
    X(133, mknod, mknod)                                                                         \
    X(137, statfs, statfs)                                                                       \
    X(138, fstatfs, fstatfs)                                                                     \
    X(161, chroot, chroot)                                                                       \
    X(162, sync, sync)                                                                           \
    X(213, epoll_create, epoll_create)                                                           \
    X(217, getdents64, getdents64)                                                               \
    X(232, epoll_wait, epoll_wait)                                                               \
    X(233, epoll_ctl, epoll_ctl)                                                                 \
    X(257, openat, openat)                                                                       \
    X(258, mkdirat, mkdirat)                                                                     \
    X(259, mknodat, mknodat)                                                                     \
    X(260, fchownat, fchownat)                                                                   \
    X(262, newfstatat, newfstatat)                                                               \
    X(263, unlinkat, unlinkat)                                                                   \
    X(264, renameat, renameat)                                                                   \
    X(265, linkat, linkat)                                                                       \
    X(266, symlinkat, symlinkat)                                                                 \
    X(267, readlinkat, readlinkat)                                                               \
    X(268, fchmodat, fchmodat)                                                                   \
    X(269, faccessat, faccessat)                                                                 \
    X(270, pselect6, pselect6)                                                                   \
    X(271, ppoll, ppoll)                                                                         \
    X(280, utimensat, utimensat)                                                                 \
    X(281, epoll_pwait, epoll_pwait)                                                             \
    X(283, timerfd_create, timerfd_create)                                                       \
    X(284, eventfd, eventfd)                                                                     \
    X(286, timerfd_settime, timerfd_settime)                                                     \
    X(287, timerfd_gettime, timerfd_gettime)                                                     \
    X(290, eventfd2, eventfd2)                                                                   \
    X(291, epoll_create1, epoll_create1)                                                         \
    X(292, dup3, dup3)                                                                           \
    X(293, pipe2, pipe2)                                                                         \
    X(295, preadv, preadv)                                                                       \
    X(296, pwritev, pwritev)                                                                     \
    X(306, syncfs, fsync)                                                                        \
    X(316, renameat2, renameat2)                                                                 \
    X(332, statx, statx)                                                                         \
    X(436, close_range, close_range)                                                             \
    X(439, faccessat2, faccessat2)                                                               \
    X(441, epoll_pwait2, epoll_pwait2)

enum vfs_nr {
#define VFS_NR_ENUM(nr, name, handler) VFS_NR_##name = nr,
    VFS_SYSCALLS(VFS_NR_ENUM)
#undef VFS_NR_ENUM
};

#endif
