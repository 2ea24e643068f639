/*
 * bi_misc.c - builtins about the environment and processes: cd, pwd, echo, type,
 * command, umask, kill and poweroff.
 *
 * Entry points: bi_cd, bi_pwd, bi_echo, bi_type, bi_command, bi_umask, bi_kill,
 * bi_poweroff.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"
#include "signames.h"

/* Lexically removes ".", ".." and repeated slashes from an absolute path. */
static char *path_normalize(const char *path)
{
    strbuf_t out = {0};
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) break;
        if (n == 1 && p[0] == '.') {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = out.s ? strrchr(out.s, '/') : NULL;
            if (slash) {
                out.len = (size_t)(slash - out.s);
                out.s[out.len] = '\0';
            }
        } else {
            sb_putc(&out, '/');
            sb_putn(&out, p, n);
        }
        p += n;
    }
    if (out.len == 0) sb_putc(&out, '/');
    return sb_take(&out);
}

static char *current_dir(shell_t *sh)
{
    const char *pwd = var_get(sh, "PWD");
    struct stat a, b;
    if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return xstrdup(pwd);
    char buf[4096];
    return getcwd(buf, sizeof buf) ? xstrdup(buf) : NULL;
}

BUILTIN(cd)
{
    int i = 1;
    while (i < argc && (strcmp(argv[i], "-L") == 0 || strcmp(argv[i], "-P") == 0))
        i++;
    const char *target = i < argc ? argv[i] : var_get(sh, "HOME");
    bool print = false;
    if (!target) {
        sh_error("cd: HOME not set");
        return 2;
    }
    if (strcmp(target, "-") == 0) {
        target = var_get(sh, "OLDPWD");
        if (!target) {
            sh_error("cd: OLDPWD not set");
            return 2;
        }
        print = true;
    }
    char *old = current_dir(sh);
    char *logical;
    if (target[0] == '/' || !old) {
        logical = path_normalize(target);
    } else {
        strbuf_t b = {0};
        sb_printf(&b, "%s/%s", old, target);
        logical = path_normalize(b.s);
        sb_free(&b);
    }
    char *newdir = NULL;
    if (chdir(logical) == 0) {
        newdir = logical;
    } else if (chdir(target) == 0) {
        char buf[4096];
        newdir = xstrdup(getcwd(buf, sizeof buf) ? buf : target);
        free(logical);
    } else {
        sh_error("cd: can't cd to %s", target);
        free(logical);
        free(old);
        return 2;
    }
    if (old) var_set(sh, "OLDPWD", old, false);
    var_set(sh, "PWD", newdir, false);
    if (print) printf("%s\n", newdir);
    free(newdir);
    free(old);
    return 0;
}

BUILTIN(pwd)
{
    char *d = NULL;
    if (argc > 1 && strcmp(argv[1], "-P") == 0) {
        char buf[4096];
        if (getcwd(buf, sizeof buf)) d = xstrdup(buf);
    } else {
        d = current_dir(sh);
    }
    if (!d) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    printf("%s\n", d);
    free(d);
    return 0;
}

/* dash's echo: -n only as the first argument, escapes always interpreted. */
BUILTIN(echo)
{
    (void)sh;
    int i = 1;
    bool newline = true;
    if (i < argc && strcmp(argv[i], "-n") == 0) {
        newline = false;
        i++;
    }
    strbuf_t out = {0};
    bool go = true;
    int first = i;
    for (; i < argc && go; i++) {
        if (i > first) sb_putc(&out, ' ');
        go = escapes_write(&out, argv[i], true);
    }
    if (go && newline) sb_putc(&out, '\n');
    if (out.len) fwrite(out.s, 1, out.len, stdout);
    sb_free(&out);
    return 0;
}

static const char *const keywords[] = {
    "!",    "{",  "}",   "case", "do", "done", "elif",  "else",
    "esac", "fi", "for", "if",   "in", "then", "until", "while",
};

/* Describes name like type does; returns 0 if found. verbose: type's sentences,
 * else command -v's short form. */
static int describe(shell_t *sh, const char *name, bool verbose)
{
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
        if (strcmp(name, keywords[k]) == 0) {
            printf(verbose ? "%s is a shell keyword\n" : "%s\n", name);
            return 0;
        }
    const builtin_t *bi = builtin_find(name);
    if (bi && bi->special) {
        printf(verbose ? "%s is a special shell builtin\n" : "%s\n", name);
        return 0;
    }
    if (func_find(sh, name)) {
        printf(verbose ? "%s is a shell function\n" : "%s\n", name);
        return 0;
    }
    if (bi) {
        printf(verbose ? "%s is a shell builtin\n" : "%s\n", name);
        return 0;
    }
    char *path = NULL;
    if (strchr(name, '/')) {
        if (access(name, X_OK) == 0) path = xstrdup(name);
    } else if (path_search(sh, name, &path) != 0) {
        path = NULL;
    }
    if (path) {
        if (verbose)
            printf("%s is %s\n", name, path);
        else
            printf("%s\n", path);
        free(path);
        return 0;
    }
    if (verbose) printf("%s: not found\n", name);
    return ST_NOTFOUND;
}

BUILTIN(type)
{
    int st = 0;
    for (int i = 1; i < argc; i++)
        if (describe(sh, argv[i], true) != 0) st = ST_NOTFOUND;
    return st;
}

BUILTIN(command)
{
    int i = 1;
    int mode = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'v' || *c == 'V')
                mode = *c;
            else if (*c != 'p') {
                sh_error("command: Illegal option -%c", *c);
                return 2;
            }
        }
    }
    if (i >= argc) return 0;
    if (mode) {
        int st = 0;
        for (; i < argc; i++)
            if (describe(sh, argv[i], mode == 'V') != 0) st = 1;
        return st;
    }
    /* Run skipping functions: a builtin in place, else an external program. */
    const builtin_t *bi = builtin_find(argv[i]);
    if (bi) return bi->fn(sh, argc - i, argv + i);
    return exec_argv_external(sh, argv + i, NULL, NULL, 0, NULL);
}

BUILTIN(umask)
{
    (void)sh;
    int i = 1;
    bool symbolic = false;
    if (i < argc && strcmp(argv[i], "-S") == 0) {
        symbolic = true;
        i++;
    }
    if (i >= argc) {
        mode_t m = umask(0);
        umask(m);
        if (symbolic) {
            const char *who = "ugo";
            for (int w = 0; w < 3; w++) {
                mode_t bits = (~m >> (6 - 3 * w)) & 7;
                printf("%c=%s%s%s%s", who[w], (bits & 4) ? "r" : "", (bits & 2) ? "w" : "",
                       (bits & 1) ? "x" : "", w < 2 ? "," : "\n");
            }
        } else {
            printf("%04o\n", (unsigned)m);
        }
        return 0;
    }
    char *end;
    long v = strtol(argv[i], &end, 8);
    if (*end || !*argv[i] || v < 0 || v > 0777) {
        sh_error("umask: Illegal mode: %s", argv[i]);
        return 2;
    }
    umask((mode_t)v);
    return 0;
}

BUILTIN(kill)
{
    int sig = SIGTERM;
    int i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        if (i + 1 < argc) {
            int st = 0;
            for (i++; i < argc; i++) {
                int n = atoi(argv[i]);
                const char *name = sig_name(n > 128 ? n - 128 : n);
                if (name) {
                    printf("%s\n", name);
                } else {
                    sh_error("kill: invalid signal number or exit status: %s", argv[i]);
                    st = 1;
                }
            }
            return st;
        }
        for (int s = 1; s <= sig_max(); s++)
            if (sig_name(s)) printf("%s\n", sig_name(s));
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0) {
        if (i + 1 >= argc) {
            sh_error("kill: option requires an argument -- s");
            return 2;
        }
        sig = sig_from_name(argv[i + 1]);
        if (sig < 0) {
            sh_error("kill: invalid signal %s", argv[i + 1]);
            return 2;
        }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        sig = sig_from_name(argv[i] + 1);
        if (sig < 0) {
            sh_error("kill: invalid signal %s", argv[i] + 1);
            return 2;
        }
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (i >= argc) {
        sh_error("kill: usage: kill [-s sigspec | -signum | -sigspec] pid|%%job ... or kill -l "
                 "[exitstatus]");
        return 2;
    }
    int st = 0;
    for (; i < argc; i++) {
        if (argv[i][0] == '%') {
            job_t *j = jobs_lookup(sh, "kill", argv[i]);
            if (!j || job_kill(sh, j, sig) != 0) {
                if (j) sh_error("kill: %s: %s", argv[i], strerror(errno));
                st = 1;
            }
            continue;
        }
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*end || !*argv[i]) {
            sh_error("kill: illegal pid: %s", argv[i]);
            st = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) != 0) {
            sh_error("kill: %s: %s", argv[i], strerror(errno));
            st = 1;
        }
    }
    return st;
}

BUILTIN(poweroff)
{
    (void)sh, (void)argc, (void)argv;
    fflush(NULL);
    sync();
    if (reboot(RB_POWER_OFF) != 0) {
        sh_error("poweroff: %s", strerror(errno));
        return 1;
    }
    return 0;
}
