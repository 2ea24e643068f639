/* t_child: the helper program the spawn/exec/vfork tests start. It performs the actions given on
 * its command line, left to right, then exits 0:
 *
 *   exit N           exit(N) now
 *   print TEXT       write TEXT and a newline to stdout
 *   write FD TEXT    write TEXT (no newline) to descriptor FD; exit 3 if that fails
 *   sleep MS         sleep MS milliseconds
 *   cat              copy stdin to stdout until EOF
 *   count-exit       read stdin until EOF, exit with the number of bytes read modulo 256
 *   tofile PATH      copy stdin into PATH (created/truncated, mode 0644)
 *   cwd              print the working directory
 *   pid              print "pid=<pid> ppid=<ppid>"
 *   fds              print "fds:" and every open descriptor below 256
 *   isopen FD        exit 0 now if FD is open, 1 if not
 *   sigmask          print "sigmask:" and every blocked signal number
 *   sigdisp SIG      print "dfl", "ign" or "handler" for signal SIG
 *   segv|ill|fpe|abort   die by that signal
 *   killparent SIG   send signal SIG to the parent
 *   hog MIB          allocate and touch MIB MiB, 1 MiB at a time; exit 3 if malloc fails
 *   touch PATH       create PATH (empty, mode 0644); exit 4 if that fails
 *   openw PATH TEXT  open PATH write-only (a FIFO: waits for a reader), write TEXT, close it
 *   openr PATH       open PATH read-only (a FIFO: waits for a writer), read it to the end and
 *                    exit with the number of bytes read modulo 256; exit 4 if open fails
 *   chroot DIR       chroot(DIR) and chdir("/"); exit 8 if that fails
 *   exists PATH      exit 1 now unless PATH exists (stat)
 *   missing PATH     exit 1 now if PATH exists
 *   argv             print every argv element as "argv[i]=<arg>" and exit 0 (ends the list)
 *   env              print every environment entry as "env=<entry>" and exit 0 (ends the list)
 *
 * Unknown actions: a message on stderr and exit 100.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"

extern char **environ;

static void out(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) exit(3);
        s += w;
        n -= (size_t)w;
    }
}

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out(buf);
}

static void need(int i, int argc, int n, const char *what)
{
    if (i + n >= argc) {
        fprintf(stderr, "t_child: %s needs %d argument(s)\n", what, n);
        exit(100);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "exit") == 0) {
            need(i, argc, 1, a);
            exit(atoi(argv[i + 1]));
        } else if (strcmp(a, "print") == 0) {
            need(i, argc, 1, a);
            outf("%s\n", argv[++i]);
        } else if (strcmp(a, "write") == 0) {
            need(i, argc, 2, a);
            int fd = atoi(argv[i + 1]);
            const char *t = argv[i + 2];
            if (write(fd, t, strlen(t)) != (ssize_t)strlen(t)) exit(3);
            i += 2;
        } else if (strcmp(a, "sleep") == 0) {
            need(i, argc, 1, a);
            long ms = atol(argv[++i]);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
            }
        } else if (strcmp(a, "cat") == 0 || strcmp(a, "count-exit") == 0 ||
                   strcmp(a, "tofile") == 0) {
            int ofd = -1;
            int counting = strcmp(a, "count-exit") == 0;
            if (strcmp(a, "cat") == 0) ofd = 1;
            if (strcmp(a, "tofile") == 0) {
                need(i, argc, 1, a);
                ofd = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
                if (ofd < 0) exit(4);
            }
            unsigned long total = 0;
            char buf[4096];
            for (;;) {
                ssize_t r = read(0, buf, sizeof buf);
                if (r < 0 && errno == EINTR) continue;
                if (r < 0) exit(5);
                if (r == 0) break;
                total += (unsigned long)r;
                if (ofd >= 0) {
                    for (ssize_t off = 0; off < r;) {
                        ssize_t w = write(ofd, buf + off, (size_t)(r - off));
                        if (w <= 0) exit(3);
                        off += w;
                    }
                }
            }
            if (ofd > 2) close(ofd);
            if (counting) exit((int)(total % 256));
        } else if (strcmp(a, "cwd") == 0) {
            char buf[4096];
            if (!getcwd(buf, sizeof buf)) exit(6);
            outf("%s\n", buf);
        } else if (strcmp(a, "pid") == 0) {
            outf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
        } else if (strcmp(a, "fds") == 0) {
            char buf[2048] = "fds:";
            for (int fd = 0; fd < 256; fd++)
                if (fcntl(fd, F_GETFD) != -1)
                    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " %d", fd);
            outf("%s\n", buf);
        } else if (strcmp(a, "isopen") == 0) {
            need(i, argc, 1, a);
            exit(fcntl(atoi(argv[i + 1]), F_GETFD) != -1 ? 0 : 1);
        } else if (strcmp(a, "sigmask") == 0) {
            sigset_t set;
            sigprocmask(SIG_BLOCK, NULL, &set);
            char buf[1024] = "sigmask:";
            for (int s = 1; s < 65; s++)
                if (sigismember(&set, s) == 1)
                    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " %d", s);
            outf("%s\n", buf);
        } else if (strcmp(a, "sigdisp") == 0) {
            need(i, argc, 1, a);
            struct sigaction sa;
            if (sigaction(atoi(argv[++i]), NULL, &sa) != 0) exit(7);
            outf("%s\n", sa.sa_handler == SIG_DFL   ? "dfl"
                         : sa.sa_handler == SIG_IGN ? "ign"
                                                    : "handler");
        } else if (strcmp(a, "hog") == 0 && i + 1 < argc) {
            long mib = atol(argv[++i]);
            for (long k = 0; k < mib; k++) {
                char *m = malloc(1 << 20);
                if (!m)
                    exit(3);
                memset(m, 1, 1 << 20);
            }
        } else if (strcmp(a, "killparent") == 0 && i + 1 < argc) {
            if (kill(getppid(), atoi(argv[++i])) != 0)
                exit(9);
        } else if (strcmp(a, "touch") == 0) {
            need(i, argc, 1, a);
            int fd = open(argv[++i], O_WRONLY | O_CREAT, 0644);
            if (fd < 0) exit(4);
            close(fd);
        } else if (strcmp(a, "openw") == 0) {
            need(i, argc, 2, a);
            int fd = open(argv[i + 1], O_WRONLY);
            const char *t = argv[i + 2];
            if (fd < 0) exit(4);
            if (write(fd, t, strlen(t)) != (ssize_t)strlen(t)) exit(3);
            close(fd);
            i += 2;
        } else if (strcmp(a, "openr") == 0) {
            need(i, argc, 1, a);
            int fd = open(argv[++i], O_RDONLY);
            if (fd < 0) exit(4);
            unsigned long total = 0;
            char buf[256];
            ssize_t r;
            while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
                total += r > 0 ? (unsigned long)r : 0;
            exit((int)(total % 256));
        } else if (strcmp(a, "chroot") == 0) {
            need(i, argc, 1, a);
            if (chroot(argv[++i]) != 0 || chdir("/") != 0) exit(8);
        } else if (strcmp(a, "exists") == 0 || strcmp(a, "missing") == 0) {
            need(i, argc, 1, a);
            struct stat st;
            bool there = stat(argv[++i], &st) == 0;
            if (there != (a[0] == 'e')) exit(1);
        } else if (strcmp(a, "argv") == 0) {
            for (int k = 0; k < argc; k++)
                outf("argv[%d]=%s\n", k, argv[k]);
            exit(0);
        } else if (strcmp(a, "env") == 0) {
            for (char **e = environ; *e; e++)
                outf("env=%s\n", *e);
            exit(0);
        } else if (crash_by_name(a) == 0) {
            exit(101); /* the crash did not kill us */
        } else {
            fprintf(stderr, "t_child: unknown action '%s'\n", a);
            exit(100);
        }
    }
    return 0;
}
