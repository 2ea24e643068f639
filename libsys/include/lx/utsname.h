/* struct new_utsname as uname(2) fills it on x86_64: six 65-byte NUL-terminated fields. */
#ifndef LX_UTSNAME_H
#define LX_UTSNAME_H

#define LX_UTSNAME_LEN 65

struct lx_utsname {
    char sysname[LX_UTSNAME_LEN];
    char nodename[LX_UTSNAME_LEN];
    char release[LX_UTSNAME_LEN];
    char version[LX_UTSNAME_LEN];
    char machine[LX_UTSNAME_LEN];
    char domainname[LX_UTSNAME_LEN];
};
_Static_assert(sizeof(struct lx_utsname) == 390, "struct new_utsname is 390 bytes");

#endif
