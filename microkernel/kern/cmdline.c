/* Kernel command line parsing (see include/cmdline.h). */
#include <string.h>
#include "cmdline.h"

const char *cmdline_args_sep(const char *c)
{
    const char *sep = c;
    for (; *sep; sep++)
        if (sep[0] == ' ' && sep[1] == '-' && sep[2] == '-' && (sep[3] == ' ' || !sep[3]))
            return sep;
    return sep;
}

bool cmdline_get(const char *c, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *end = cmdline_args_sep(c);
    bool found = false;
    for (const char *p = c; p < end;) {
        while (p < end && *p == ' ')
            p++;
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if ((size_t)(p - w) > klen && strncmp(w, key, klen) == 0 && w[klen] == '=') {
            size_t vlen = (size_t)(p - w) - klen - 1;
            if (vlen >= size)
                vlen = size - 1;
            memcpy(buf, w + klen + 1, vlen);
            buf[vlen] = 0;
            found = true;
        }
    }
    return found;
}

bool cmdline_has(const char *c, const char *word)
{
    size_t len = strlen(word);
    const char *end = cmdline_args_sep(c);
    for (const char *p = c; p < end;) {
        while (p < end && *p == ' ')
            p++;
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if ((size_t)(p - w) >= len && strncmp(w, word, len) == 0 &&
            ((size_t)(p - w) == len || w[len] == '='))
            return true;
    }
    return false;
}

const char *cmdline_init_args(const char *c)
{
    const char *sep = cmdline_args_sep(c);
    if (!*sep)
        return "";
    sep += 3;
    while (*sep == ' ')
        sep++;
    return sep;
}
