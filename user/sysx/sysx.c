/* sysx: make one raw system call by hand, to poke the OS.
 *
 *   sysx <name|number> [arg...]      e.g.  sysx getpid
 *                                          sysx write 1 hello 5
 *                                          sysx openat AT_FDCWD /etc/x O_WRONLY|O_CREAT 0644
 *                                          sysx read 0 buf:64 64
 *   sysx list                        the known names and numbers (x86_64)
 *
 * Arguments (at most 6):
 *   123, -1, 0x1f, 0755          integers (strtol base 0: a leading 0 means octal)
 *   O_RDWR|O_CREAT|0x40          named constants and integers joined by '|'
 *   null                         0
 *   buf:N                        a zeroed N-byte buffer; its contents are printed after the call
 *   str:TEXT                     the string TEXT even if it looks like a number
 * (In printed buffers, a run of N >= 4 NUL bytes shows as \0{N}.)
 *   anything else                a pointer to that string
 *
 * Prints "<name> = <ret>" or "<name> = -1 <ERRNAME> (<strerror>)"; exits 0 if the call succeeded,
 * 1 if it returned an error, 2 on bad usage. For fork, vfork, clone and clone3 the child exits at
 * once (exit(0), by raw system call) so that only the parent reports. */
#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct sysx_call {
    const char *name;
    long nr;
};
struct sysx_errno {
    const char *name;
    int value;
};
#include "sysx_tables.h"

#define N_CALLS (sizeof sysx_calls / sizeof sysx_calls[0])
#define N_ERRNOS (sizeof sysx_errnos / sizeof sysx_errnos[0])

static const struct {
    const char *name;
    long value;
} constants[] = {
#define C(x)                                                                                       \
    {                                                                                              \
#x, (long)(x)                                                                              \
    }
    C(AT_FDCWD),
    C(AT_REMOVEDIR),
    C(AT_SYMLINK_NOFOLLOW),
    C(AT_EMPTY_PATH),
    C(O_RDONLY),
    C(O_WRONLY),
    C(O_RDWR),
    C(O_CREAT),
    C(O_EXCL),
    C(O_TRUNC),
    C(O_APPEND),
    C(O_NONBLOCK),
    C(O_DIRECTORY),
    C(O_CLOEXEC),
    C(O_NOFOLLOW),
    C(O_PATH),
    C(F_DUPFD),
    C(F_GETFD),
    C(F_SETFD),
    C(F_GETFL),
    C(F_SETFL),
    C(F_DUPFD_CLOEXEC),
    C(FD_CLOEXEC),
    C(SEEK_SET),
    C(SEEK_CUR),
    C(SEEK_END),
    C(F_OK),
    C(R_OK),
    C(W_OK),
    C(X_OK),
    C(PROT_NONE),
    C(PROT_READ),
    C(PROT_WRITE),
    C(PROT_EXEC),
    C(MAP_SHARED),
    C(MAP_PRIVATE),
    C(MAP_ANONYMOUS),
    C(MAP_FIXED),
    C(WNOHANG),
    C(WUNTRACED),
    C(SIG_BLOCK),
    C(SIG_UNBLOCK),
    C(SIG_SETMASK),
    C(SIGHUP),
    C(SIGINT),
    C(SIGQUIT),
    C(SIGILL),
    C(SIGABRT),
    C(SIGFPE),
    C(SIGKILL),
    C(SIGSEGV),
    C(SIGPIPE),
    C(SIGALRM),
    C(SIGTERM),
    C(SIGUSR1),
    C(SIGUSR2),
    C(SIGCHLD),
    C(SIGCONT),
    C(SIGSTOP),
    C(CLONE_VM),
    C(CLONE_VFORK),
    C(CLONE_FS),
    C(CLONE_FILES),
    C(CLONE_SIGHAND),
    C(CLONE_THREAD),
    C(CLOCK_REALTIME),
    C(CLOCK_MONOTONIC),
#undef C
};

static int usage(void)
{
    fprintf(stderr,
            "usage: sysx <name|number> [arg...]   (at most 6 arguments)\n"
            "       sysx list\n"
            "arguments: integers, CONST|CONST|0x10, null, buf:N, str:TEXT, or any other string\n");
    return 2;
}

/* The system call, with the child of a process-creating call exiting at once in assembly (a vfork
 * child must not return through the parent's stack frames). */
static long raw_syscall(long nr, const long a[6], long child_exits)
{
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    long ret;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "test %[ce], %[ce]\n\t"
                     "jz 1f\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8),
                       "r"(r9), [ce] "r"(child_exits)
                     : "rcx", "r11", "memory", "cc");
    return ret;
}

static bool parse_long(const char *s, long *out)
{
    if (!*s) return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (*end || errno) {
        /* Also accept large unsigned values such as 0xffffffffffffff9c. */
        errno = 0;
        unsigned long u = strtoul(s, &end, 0);
        if (*end || errno || s[0] == '-') return false;
        v = (long)u;
    }
    *out = v;
    return true;
}

static bool parse_constant(const char *s, size_t len, long *out)
{
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (strlen(constants[i].name) == len && strncmp(constants[i].name, s, len) == 0) {
            *out = constants[i].value;
            return true;
        }
    return false;
}

/* "A|B|12": every part a constant or an integer. */
static bool parse_expr(const char *s, long *out)
{
    long v = 0;
    const char *p = s;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char part[64];
        if (len == 0 || len >= sizeof part) return false;
        memcpy(part, p, len);
        part[len] = 0;
        long x;
        if (!parse_long(part, &x) && !parse_constant(part, len, &x)) return false;
        v |= x;
        if (!bar) break;
        p = bar + 1;
    }
    *out = v;
    return true;
}

static const char *errno_name(int e)
{
    for (size_t i = 0; i < N_ERRNOS; i++)
        if (sysx_errnos[i].value == e) return sysx_errnos[i].name;
    return "E?";
}

static void print_buffer(int argi, const unsigned char *b, size_t n)
{
    size_t last = n;
    while (last > 0 && b[last - 1] == 0)
        last--;
    printf("  arg%d buf[%zu]: ", argi, n);
    if (last == 0) {
        printf("(all zero)\n");
        return;
    }
    size_t shown = last > 512 ? 512 : last;
    putchar('"');
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = b[i];
        size_t run = 0;
        while (i + run < shown && b[i + run] == 0)
            run++;
        if (run >= 4) { /* long runs of NULs (struct padding) are abbreviated */
            printf("\\0{%zu}", run);
            i += run - 1;
            continue;
        }
        if (c == '\n')
            printf("\\n");
        else if (c == '\t')
            printf("\\t");
        else if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (isprint(c))
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    putchar('"');
    if (shown < last) printf("... (%zu more bytes)", last - shown);
    putchar('\n');
}

static void list_calls(void)
{
    for (size_t i = 0; i < N_CALLS; i++)
        printf("%-24s %ld\n", sysx_calls[i].name, sysx_calls[i].nr);
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    if (strcmp(argv[1], "list") == 0 && argc == 2) {
        list_calls();
        return 0;
    }
    if (argc > 8) return usage();

    const char *name = argv[1];
    long nr = -1;
    for (size_t i = 0; i < N_CALLS; i++)
        if (strcmp(sysx_calls[i].name, name) == 0) nr = sysx_calls[i].nr;
    if (nr < 0) {
        long v;
        if (!parse_long(name, &v) || v < 0) {
            fprintf(stderr, "sysx: unknown system call '%s' (sysx list shows the known ones)\n",
                    name);
            return 2;
        }
        nr = v;
        for (size_t i = 0; i < N_CALLS; i++)
            if (sysx_calls[i].nr == nr) name = sysx_calls[i].name;
    }

    long a[6] = {0};
    unsigned char *bufs[6] = {0};
    size_t buf_len[6] = {0};
    for (int i = 0; i < argc - 2; i++) {
        const char *s = argv[i + 2];
        if (strncmp(s, "buf:", 4) == 0) {
            long n;
            if (!parse_long(s + 4, &n) || n < 0 || n > (64L << 20)) {
                fprintf(stderr, "sysx: bad buffer size in '%s'\n", s);
                return 2;
            }
            bufs[i] = calloc(1, (size_t)n + 1);
            if (!bufs[i]) {
                fprintf(stderr, "sysx: out of memory\n");
                return 2;
            }
            buf_len[i] = (size_t)n;
            a[i] = (long)bufs[i];
        } else if (strncmp(s, "str:", 4) == 0) {
            a[i] = (long)(s + 4);
        } else if (strcmp(s, "null") == 0 || strcmp(s, "NULL") == 0) {
            a[i] = 0;
        } else if (!parse_expr(s, &a[i])) {
            a[i] = (long)s;
        }
    }

    bool creates = strcmp(name, "fork") == 0 || strcmp(name, "vfork") == 0 ||
                   strcmp(name, "clone") == 0 || strcmp(name, "clone3") == 0;
    fflush(stdout);
    long ret = raw_syscall(nr, a, creates);

    int status = 0;
    if (ret < 0 && ret >= -4095) {
        int e = (int)-ret;
        printf("%s = -1 %s (%s)\n", name, errno_name(e), strerror(e));
        status = 1;
    } else if (ret > 0xffff || ret < -4095) {
        printf("%s = %ld (%#lx)\n", name, ret, (unsigned long)ret);
    } else {
        printf("%s = %ld\n", name, ret);
    }
    for (int i = 0; i < 6; i++)
        if (bufs[i]) print_buffer(i, bufs[i], buf_len[i]);
    return status;
}
