/*
 * which.c - which [-a] name...: prints where in $PATH each name would be found as a program
 * (the first executable regular file, or with -a every one). A name with a slash is printed if
 * it is an executable file. Nothing is printed for a name not found; the exit status is then 1.
 * (The shell's own view, builtins and functions included, is "command -v" and "type".)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool is_program(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool which(const char *name, bool all)
{
    if (strchr(name, '/')) {
        if (!is_program(name)) return false;
        puts(name);
        return true;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/bin:/usr/bin";
    bool found = false;
    for (;;) {
        const char *colon = strchr(path, ':');
        size_t dl = colon ? (size_t)(colon - path) : strlen(path);
        /* an empty entry is the working directory */
        char *dir = dl ? strndup(path, dl) : strdup(".");
        char *full = util_join(dir, name);
        if (is_program(full)) {
            puts(full);
            found = true;
        }
        free(full);
        free(dir);
        if (!colon || (found && !all)) break;
        path = colon + 1;
    }
    return found;
}

int main(int argc, char **argv)
{
    util_prog = "which";
    bool all;
    int i = util_flags(argc, argv, "a", &all);
    if (i < 0) return 2;
    if (i >= argc) {
        util_err("usage: which [-a] name...");
        return 2;
    }
    int st = 0;
    for (; i < argc; i++)
        if (!which(argv[i], all)) st = 1;
    return st;
}
