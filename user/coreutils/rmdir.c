/* rmdir.c - rmdir dir...: removes empty directories. */
#include <unistd.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "rmdir";
    if (argc < 2) {
        util_err("missing operand");
        return 1;
    }
    int st = 0;
    for (int i = 1; i < argc; i++)
        if (rmdir(argv[i]) != 0) {
            util_perror(argv[i]);
            st = 1;
        }
    return st;
}
