/* t_bigbss: a static program with a 1 TiB bss, for t_exhaust's sleeper_huge_bss (exec must not
 * cost in proportion to it). Writes the first and the last byte, reads them back: exit 0 if they
 * are right. */
static char big[1ull << 40];

int main(void)
{
    volatile char *b = big;
    b[0] = 1;
    b[sizeof big - 1] = 2;
    return b[0] == 1 && b[sizeof big - 1] == 2 ? 0 : 1;
}
