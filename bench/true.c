/* The smallest static musl program: exits 0. The child of the spawn benchmarks (/bench/true),
 * so spawn figures measure process creation, exec and exit, not the child's work.
 *
 * Entry point: main.
 */
int main(void)
{
    return 0;
}
