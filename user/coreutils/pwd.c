/*
 * pwd.c - pwd [-L|-P]: prints the working directory. -P (default) is the physical
 * path from getcwd; -L prints $PWD when it names the same directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "pwd";
    int logical = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-L") == 0) {
            logical = 1;
        } else if (strcmp(argv[i], "-P") == 0) {
            logical = 0;
        } else {
            util_err("invalid option: %s", argv[i]);
            return 2;
        }
    }
    const char *pwd = getenv("PWD");
    struct stat a, b;
    if (logical && pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        puts(pwd);
        return 0;
    }
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) {
        util_perror("getcwd");
        return 1;
    }
    puts(buf);
    return 0;
}
