/*
 * complete.c - Tab completion's candidates, the shell's side of the line editor's hook: in
 * command position a word without "/" completes to builtins, functions and the programs in
 * $PATH; any other word completes to file names (directories get a "/"; in command position
 * only directories and executables). "~/" at the start of a word means $HOME.
 *
 * Entry points: complete_candidates, complete_programs.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

void complete_programs(const char *dir, const char *prefix, strvec_t *out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t pl = strlen(prefix);
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, pl) != 0) continue;
        strbuf_t full = {0};
        sb_printf(&full, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(full.s, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
            sv_push(out, xstrdup(de->d_name));
        sb_free(&full);
    }
    if (d) closedir(d);
}

static void add_commands(shell_t *sh, const char *word, strvec_t *out)
{
    for (size_t i = 0; builtin_at(i); i++)
        if (has_prefix(builtin_at(i)->name, word)) sv_push(out, xstrdup(builtin_at(i)->name));
    for (func_t *f = sh->funcs; f; f = f->next)
        if (has_prefix(f->name, word)) sv_push(out, xstrdup(f->name));
    const char *path = var_get(sh, "PATH");
    while (path) {
        const char *colon = strchr(path, ':');
        size_t dl = colon ? (size_t)(colon - path) : strlen(path);
        char *dir = dl ? xstrndup(path, dl) : xstrdup(".");
        complete_programs(dir, word, out);
        free(dir);
        path = colon ? colon + 1 : NULL;
    }
}

static void add_files(shell_t *sh, const char *word, bool command, strvec_t *out)
{
    const char *slash = strrchr(word, '/');
    size_t dl = slash ? (size_t)(slash - word) + 1 : 0; /* the directory part, with its "/" */
    const char *base = word + dl;
    strbuf_t dir = {0};
    const char *home = var_get(sh, "HOME");
    if (dl == 0)
        sb_puts(&dir, ".");
    else if (word[0] == '~' && word[1] == '/' && home)
        sb_printf(&dir, "%s%.*s", home, (int)(dl - 1), word + 1);
    else
        sb_putn(&dir, word, dl);
    DIR *d = opendir(dir.s);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        const char *n = de->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) continue;
        if ((n[0] == '.' && base[0] != '.') || !has_prefix(n, base)) continue;
        strbuf_t full = {0};
        sb_printf(&full, "%s/%s", dir.s, n);
        struct stat st;
        bool isdir = stat(full.s, &st) == 0 && S_ISDIR(st.st_mode);
        bool exec = !isdir && access(full.s, X_OK) == 0;
        sb_free(&full);
        if (command && !isdir && !exec) continue;
        strbuf_t c = {0};
        sb_putn(&c, word, dl);
        sb_puts(&c, n);
        if (isdir) sb_putc(&c, '/');
        sv_push(out, sb_take(&c));
    }
    if (d) closedir(d);
    sb_free(&dir);
}

void complete_candidates(shell_t *sh, const char *word, bool command, strvec_t *out)
{
    if (command && !strchr(word, '/'))
        add_commands(sh, word, out);
    else
        add_files(sh, word, command, out);
}
