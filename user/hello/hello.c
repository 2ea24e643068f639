/* hello: prints "Hello, world!" and exits 0 (1 if the output could not be written). */
#include <stdio.h>

int main(void)
{
    if (puts("Hello, world!") < 0 || fflush(stdout) != 0) return 1;
    return 0;
}
