/* t_bigtext: a helper of t_memlimit, a program whose file is mostly 1 MiB of read-only data. It
 * reads every byte of it (so all its pages are in memory), writes the sum's low byte and a
 * newline to stdout, then waits until stdin ends and exits 0. */
#include <unistd.h>

#define BIG (1u << 20)
static const unsigned char blob[BIG] = {1, 2, 3};   /* initialised: in the file, all of it */

int main(void)
{
    unsigned sum = 0;
    for (unsigned i = 0; i < BIG; i += 64)
        sum += ((const volatile unsigned char *)blob)[i];
    char line[2] = {(char)('0' + sum % 10), '\n'};
    if (write(1, line, 2) != 2)
        return 1;
    char c;
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}
