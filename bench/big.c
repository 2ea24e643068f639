/* A static program whose file is mostly read-only data (BENCH_BIG_BYTES of it, about 1 MiB or
 * 4 MiB): the exec_1m and exec_4m figures start it as they start `true`, to show what exec pays
 * for the size of a program. It reads one byte of the data, as a real program reads some of its
 * text, and exits 0. */
#ifndef BENCH_BIG_BYTES
#define BENCH_BIG_BYTES (1u << 20)
#endif

/* initialised, so all of it is in the file (.rodata) */
static const unsigned char bench_big_blob[BENCH_BIG_BYTES] = {1, 2, 3};

int main(int argc, char **argv)
{
    (void)argv;
    return ((const volatile unsigned char *)bench_big_blob)[argc] == 2 ? 0 : 1;
}
