/*
 * mkdir.c - mkdir [-p] dir...: creates directories; -p creates missing parents and is
 * quiet about directories that already exist.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        struct stat st;
        if (stat(path, &st) != 0 && mkdir(path, 0777) != 0 && errno != EEXIST) {
            util_perror(path);
            *p = '/';
            return 1;
        }
        *p = '/';
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        util_perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    util_prog = "mkdir";
    bool parents = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-p") != 0) {
            util_err("invalid option: %s", argv[i]);
            return 2;
        }
        parents = true;
    }
    if (i >= argc) {
        util_err("missing operand");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        if (parents) {
            char *p = strdup(argv[i]);
            st |= make_parents(p);
            free(p);
        } else if (mkdir(argv[i], 0777) != 0) {
            util_perror(argv[i]);
            st = 1;
        }
    }
    return st;
}
