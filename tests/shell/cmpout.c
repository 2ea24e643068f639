/*
 * cmpout.c - cmpout expected actual: the comparison step of tests/shell/run.sh.
 * Exits 0 if the two files are byte-for-byte equal; otherwise prints, as its first line,
 * "line N: expected 'X', got 'Y'" for the first line that differs (run.sh puts it on the
 * FAIL line, which the QEMU runner shows first), then the whole actual output, and exits 1
 * (2 if a file cannot be read). Installed in the initrd as /tests/cmpout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cmpout: %s: cannot open\n", path);
        return NULL;
    }
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    char buf[4096];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
        if (*len + r + 1 > cap) {
            cap = (*len + r + 1) * 2;
            data = realloc(data, cap);
            if (!data) {
                fclose(f);
                return NULL;
            }
        }
        memcpy(data + *len, buf, r);
        *len += r;
    }
    fclose(f);
    if (!data)
        data = calloc(1, 1);
    else
        data[*len] = '\0';
    return data;
}

/* Line number n (1-based) of s as a pointer and a length; NULL past the end of the text. */
static const char *nth_line(const char *s, size_t len, long n, int *linelen)
{
    const char *p = s, *end = s + len;
    for (long k = 1; k < n && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *linelen = (int)((nl ? nl : end) - p);
    return p;
}

/* "'text'" or "(end of file)" */
static void print_quoted(const char *p, int n)
{
    if (p)
        printf("'%.*s'", n, p);
    else
        printf("(end of file)");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cmpout expected actual\n");
        return 2;
    }
    size_t el, al;
    char *e = slurp(argv[1], &el), *a = slurp(argv[2], &al);
    if (!e || !a) return 2;
    if (el == al && memcmp(e, a, el) == 0) return 0;
    long line = 1;
    size_t i = 0;
    while (i < el && i < al && e[i] == a[i]) {
        if (e[i] == '\n') line++;
        i++;
    }
    int elen = 0, alen = 0;
    const char *ep = nth_line(e, el, line, &elen), *ap = nth_line(a, al, line, &alen);
    printf("line %ld: expected ", line);
    print_quoted(ep, elen);
    printf(", got ");
    print_quoted(ap, alen);
    printf("\n");
    printf("  --- actual output ---\n%s", a);
    if (al && a[al - 1] != '\n') printf("\n");
    printf("  ---------------------\n");
    free(e);
    free(a);
    return 1;
}
