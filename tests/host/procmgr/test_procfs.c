/* Host tests of /proc/<pid>/{stat,cmdline,comm,maps} in procmgr: the text pm_procfs_format makes
 * from the process table (Linux's 52 stat fields, the state letters R/V/Z, cmdline read from the
 * process's own argument area, comm), slices at offsets, and pm_procfs_read, the answer to a
 * read vfs handed over: the bytes land in the reader's memory, vfs hears the count before the
 * reader gets its reply, and errors (ESRCH, EFAULT, a dead reader) end the same way. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/mman.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include <lx/wait.h>
#include "fake_env.h"

#define SPAWN_FLAGS 0x4111ull
#define CHILD_STACK 0x7ffff0001230ull

static fake_t *boot(void)
{
    fake_t *fk = fk_new();
    fk_boot(fk);
    return fk;
}

/* parent: clone(0x4111, stack); the child's pid, the parent's (held) token in *tok */
static uint64_t do_clone(fake_t *fk, uint64_t parent, uint64_t *tok)
{
    int mark = fk->nev;
    *tok = fk_call(fk, parent, LX_SYS_clone, SPAWN_FLAGS, CHILD_STACK, 0, 0, 0, 0);
    int i = fk_find_event(fk, mark, FK_EV_THREAD_CREATE, false, 0);
    assert_true(i >= 0);
    return fk->ev[i].y;
}

static void child_exec(fake_t *fk, uint64_t child, const char *path, const char *const *argv)
{
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, child, 16384);
    uint64_t p = fk_ubuf_str(&u, path);
    uint64_t av = fk_ubuf_strv(&u, argv);
    assert_int_equal(fk_sys(fk, child, LX_SYS_execve, p, av, 0, 0, 0, 0), 0);
}

/* The whole text of a file (asserting it fits). */
static int64_t text_of(fake_t *fk, int32_t pid, int which, char *buf, size_t size)
{
    int64_t n = pm_procfs_format(fk->pm, pid, which, 0, buf, size - 1);
    if (n >= 0) {
        assert_true((size_t)n < size - 1);
        buf[n] = '\0';
    }
    return n;
}

/* stat split into its fields: f[1] = pid, f[2] = comm without the parentheses, ... */
typedef struct stat_fields {
    int n;
    char comm[64];
    char f[60][24];
} stat_fields_t;

static void stat_parse(fake_t *fk, int32_t pid, stat_fields_t *s)
{
    char buf[2048];
    assert_true(text_of(fk, pid, PM_PROCFS_STAT, buf, sizeof(buf)) > 0);
    size_t len = strlen(buf);
    assert_int_equal(buf[len - 1], '\n');   /* one line */
    assert_true(strchr(buf, '\n') == buf + len - 1);
    char *open = strchr(buf, '('), *close = strrchr(buf, ')');
    assert_non_null(open);
    assert_non_null(close);
    assert_true(open[-1] == ' ' && close[1] == ' ');
    memset(s, 0, sizeof(*s));
    snprintf(s->f[1], sizeof(s->f[1]), "%.*s", (int)(open - 1 - buf), buf);
    snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(close - open - 1), open + 1);
    strcpy(s->f[2], "comm");
    s->n = 2;
    buf[len - 1] = '\0';
    for (char *tok = strtok(close + 2, " "); tok; tok = strtok(NULL, " ")) {
        assert_true(s->n + 1 < 60);
        snprintf(s->f[++s->n], sizeof(s->f[0]), "%s", tok);
    }
}

static long long field(const stat_fields_t *s, int i)
{
    return strtoll(s->f[i], NULL, 10);
}

static void test_stat_of_init(void **state)
{
    (void)state;
    fake_t *fk = boot();
    stat_fields_t s;
    stat_parse(fk, 1, &s);
    assert_int_equal(s.n, 52);   /* Linux's field count */
    assert_int_equal(field(&s, 1), 1);
    assert_string_equal(s.comm, "init");
    assert_string_equal(s.f[3], "R");
    assert_int_equal(field(&s, 4), 0);   /* ppid of init */
    struct pm_proc_info info;
    assert_int_equal(pm_proc_list(fk->pm, &info, 1), 1);
    assert_int_equal(field(&s, 5), info.pgid);
    assert_int_equal(field(&s, 6), info.sid);
    assert_int_equal(field(&s, 8), -1);   /* tpgid: no terminal known */
    assert_int_equal(field(&s, 18), 20);  /* priority */
    assert_int_equal(field(&s, 20), 1);   /* num_threads */
    assert_int_equal(field(&s, 38), LX_SIGCHLD);
    assert_true(field(&s, 23) > 0);       /* vsize: the image, the stack */
    /* the code range, the stack and the argument area are where exec put them */
    assert_true(field(&s, 26) > 0 && field(&s, 27) > field(&s, 26));
    uint64_t arg_start = strtoull(s.f[48], NULL, 10), arg_end = strtoull(s.f[49], NULL, 10);
    assert_int_equal(arg_end - arg_start, 5);
    char mem[8];
    assert_int_equal(fk_mem_read(fk, 1, mem, arg_start, 5), 0);
    assert_memory_equal(mem, "init", 5);
    assert_int_equal(strtoull(s.f[50], NULL, 10), arg_end);   /* env_start */
    assert_int_equal(strtoull(s.f[51], NULL, 10) - arg_end, strlen("HOME=/") + 1);
    uint64_t sp = strtoull(s.f[28], NULL, 10);
    uint64_t argc;
    assert_int_equal(fk_mem_read(fk, 1, &argc, sp, 8), 0);
    assert_int_equal(argc, 1);   /* startstack points at argc */
    assert_int_equal(field(&s, 52), 0);
    char buf[64];
    assert_int_equal(text_of(fk, 1, PM_PROCFS_COMM, buf, sizeof(buf)), 5);
    assert_string_equal(buf, "init\n");
    assert_int_equal(text_of(fk, 1, PM_PROCFS_CMDLINE, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "init", 5);
    assert_int_equal(pm_procfs_format(fk->pm, 1, 99, 0, buf, sizeof(buf)), -LX_EINVAL);
    assert_int_equal(pm_procfs_format(fk->pm, 2, PM_PROCFS_STAT, 0, buf, sizeof(buf)),
                     -LX_ESRCH);
    fk_free(fk);
}

/* A vfork parent is V while its child runs; the child shares its memory, hence its cmdline;
 * after exec the child has its own. */
static void test_vfork_then_exec(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    stat_fields_t s;
    stat_parse(fk, 1, &s);
    assert_string_equal(s.f[3], "V");
    stat_parse(fk, (int32_t)child, &s);
    assert_int_equal(field(&s, 1), (long long)child);
    assert_string_equal(s.f[3], "R");
    assert_int_equal(field(&s, 4), 1);
    assert_string_equal(s.comm, "init");
    char buf[256];
    assert_int_equal(text_of(fk, (int32_t)child, PM_PROCFS_CMDLINE, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "init", 5);

    const char *argv[] = {"prog", "-x", "hello world", NULL};
    child_exec(fk, child, "/bin/prog", argv);
    assert_int_equal(fk_tok_value(fk, tok), (int64_t)child);   /* released */
    stat_parse(fk, 1, &s);
    assert_string_equal(s.f[3], "R");
    stat_parse(fk, (int32_t)child, &s);
    assert_string_equal(s.comm, "prog");   /* the path's basename */
    static const char want[] = "prog\0-x\0hello world";
    assert_int_equal(text_of(fk, (int32_t)child, PM_PROCFS_CMDLINE, buf, sizeof(buf)),
                     sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    assert_int_equal(text_of(fk, 1, PM_PROCFS_CMDLINE, buf, sizeof(buf)), 5);
    /* the program rewrites its argument strings: cmdline shows what is in memory */
    uint64_t arg_start = strtoull(s.f[48], NULL, 10);
    assert_int_equal(fk_mem_write(fk, child, arg_start, "PROG", 4), 0);
    assert_int_equal(text_of(fk, (int32_t)child, PM_PROCFS_CMDLINE, buf, sizeof(buf)),
                     sizeof(want));
    assert_memory_equal(buf, "PROG\0-x", 7);
    fk_free(fk);
}

static void test_zombie_then_reaped(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    uint64_t exit_tok = fk_call(fk, child, LX_SYS_exit_group, 3, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, exit_tok), FK_TOK_DROPPED);
    stat_fields_t s;
    stat_parse(fk, (int32_t)child, &s);
    assert_string_equal(s.f[3], "Z");
    assert_int_equal(s.n, 52);
    assert_int_equal(field(&s, 23), 0);   /* no memory left */
    assert_int_equal(field(&s, 48), 0);
    assert_int_equal(field(&s, 52), LX_W_EXITCODE(3, 0));
    char buf[64];
    assert_int_equal(text_of(fk, (int32_t)child, PM_PROCFS_CMDLINE, buf, sizeof(buf)), 0);
    assert_int_equal(text_of(fk, (int32_t)child, PM_PROCFS_COMM, buf, sizeof(buf)), 5);
    assert_int_equal(fk_sys(fk, 1, LX_SYS_wait4, child, 0, 0, 0, 0, 0), (int64_t)child);
    assert_int_equal(pm_procfs_format(fk->pm, (int32_t)child, PM_PROCFS_STAT, 0, buf,
                                      sizeof(buf)),
                     -LX_ESRCH);
    fk_free(fk);
}

/* Slices at any offset put together give the whole text; past the end gives 0. */
static void test_slices(void **state)
{
    (void)state;
    fake_t *fk = boot();
    char whole[2048], joined[2048], part[7];
    int64_t len = text_of(fk, 1, PM_PROCFS_STAT, whole, sizeof(whole));
    assert_true(len > 100);
    int64_t at = 0;
    for (;;) {
        int64_t n = pm_procfs_format(fk->pm, 1, PM_PROCFS_STAT, (uint64_t)at, part, sizeof(part));
        assert_true(n >= 0 && n <= (int64_t)sizeof(part));
        if (n == 0)
            break;
        memcpy(joined + at, part, (size_t)n);
        at += n;
    }
    assert_int_equal(at, len);
    assert_memory_equal(joined, whole, (size_t)len);
    assert_int_equal(pm_procfs_format(fk->pm, 1, PM_PROCFS_COMM, 4, part, sizeof(part)), 1);
    assert_int_equal(part[0], '\n');
    assert_int_equal(pm_procfs_format(fk->pm, 1, PM_PROCFS_COMM, 5, part, sizeof(part)), 0);
    assert_int_equal(pm_procfs_format(fk->pm, 1, PM_PROCFS_CMDLINE, 1000, part, sizeof(part)),
                     0);
    fk_free(fk);
}

static void test_prctl_name_shows(void **state)
{
    (void)state;
    fake_t *fk = boot();
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 4096);
    uint64_t name = fk_ubuf_str(&u, "my (odd) name");
    assert_int_equal(fk_sys(fk, 1, LX_SYS_prctl, 15 /* PR_SET_NAME */, name, 0, 0, 0, 0), 0);
    char buf[64];
    assert_int_equal(text_of(fk, 1, PM_PROCFS_COMM, buf, sizeof(buf)), 14);
    assert_string_equal(buf, "my (odd) name\n");
    stat_fields_t s;
    stat_parse(fk, 1, &s);   /* comm ends at the LAST ')' */
    assert_string_equal(s.comm, "my (odd) name");
    assert_int_equal(s.n, 52);
    assert_string_equal(s.f[3], "R");
    fk_free(fk);
}

/* pm_procfs_read: the slice goes into the reader, vfs is told the count, then the reply. */
static void test_read_answers_reader(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    const char *argv[] = {"prog", "one", NULL};
    child_exec(fk, child, "/bin/prog", argv);
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, child, 4096);
    uint64_t ubuf = fk_ubuf_zero(&u, 64);

    /* child reads init's stat, 10 bytes from offset 2 */
    char whole[2048];
    text_of(fk, 1, PM_PROCFS_STAT, whole, sizeof(whole));
    uint64_t rt = fk_tok_new(fk);
    int mark = fk->nev;
    pm_procfs_req_t rq = {(int32_t)child, (int32_t)child, 1, PM_PROCFS_STAT, ubuf, 10, 2, 77, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), 10);
    char got[64];
    assert_int_equal(fk_mem_read(fk, child, got, ubuf, 10), 0);
    assert_memory_equal(got, whole + 2, 10);
    int d = fk_find_event(fk, mark, FK_EV_VFS_PROCFS_DONE, true, 77);
    int r = fk_find_event(fk, mark, FK_EV_REPLY, true, rt);
    assert_true(d >= 0 && r > d);   /* the position moves before the reader can read again */
    assert_int_equal(fk->ev[d].y, 10);

    /* its own cmdline, more than there is: the whole text */
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){(int32_t)child, (int32_t)child, (int32_t)child, PM_PROCFS_CMDLINE,
                           ubuf, 64, 0, 78, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), 9);
    assert_int_equal(fk_mem_read(fk, child, got, ubuf, 9), 0);
    assert_memory_equal(got, "prog\0one", 9);
    d = fk_find_event(fk, 0, FK_EV_VFS_PROCFS_DONE, true, 78);
    assert_int_equal(fk->ev[d].y, 9);

    /* at the end: 0 bytes */
    rt = fk_tok_new(fk);
    rq.off = 9;
    rq.id = 79;
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), 0);
    assert_int_equal(fk->ev[fk_find_event(fk, 0, FK_EV_VFS_PROCFS_DONE, true, 79)].y, 0);

    /* a bad buffer: EFAULT, nothing advanced */
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){(int32_t)child, (int32_t)child, 1, PM_PROCFS_COMM, 0x1000, 16, 0, 80, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), -LX_EFAULT);
    assert_int_equal(fk->ev[fk_find_event(fk, 0, FK_EV_VFS_PROCFS_DONE, true, 80)].y, 0);

    /* a read-only buffer: EFAULT too (as a user write would fault), nothing written */
    uint64_t ro = fk_ubuf_zero(&u, 16);
    assert_int_equal(fk_sys(fk, child, LX_SYS_mprotect, ro & ~4095ull, 4096, LX_PROT_READ, 0, 0, 0),
                     0);
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){(int32_t)child, (int32_t)child, 1, PM_PROCFS_COMM, ro, 16, 0, 83, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), -LX_EFAULT);
    assert_int_equal(fk_mem_read(fk, child, got, ro, 4), 0);
    assert_memory_equal(got, "\0\0\0\0", 4);

    /* a target that is gone: ESRCH */
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){(int32_t)child, (int32_t)child, 4242, PM_PROCFS_STAT, ubuf, 16, 0, 81, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), -LX_ESRCH);
    assert_int_equal(fk->ev[fk_find_event(fk, 0, FK_EV_VFS_PROCFS_DONE, true, 81)].y, 0);

    /* a reader that died meanwhile: its token is dropped, vfs still hears (count 0) */
    uint64_t et = fk_call(fk, child, LX_SYS_exit_group, 0, 0, 0, 0, 0, 0);
    assert_int_equal(fk_tok_state(fk, et), FK_TOK_DROPPED);
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){(int32_t)child, (int32_t)child, 1, PM_PROCFS_STAT, ubuf, 16, 0, 82, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_state(fk, rt), FK_TOK_DROPPED);
    assert_int_equal(fk->ev[fk_find_event(fk, 0, FK_EV_VFS_PROCFS_DONE, true, 82)].y, 0);
    assert_int_equal(fk_held_tokens(fk), 0);
    fk_free(fk);
}

/* A long cmdline is copied across several chunks, in order, and a short buffer gets a slice. */
static void test_long_cmdline(void **state)
{
    (void)state;
    fake_t *fk = boot();
    uint64_t tok;
    uint64_t child = do_clone(fk, 1, &tok);
    static char big[3001];
    for (int i = 0; i < 3000; i++)
        big[i] = (char)('a' + i % 26);
    const char *argv[] = {"prog", big, "end", NULL};
    child_exec(fk, child, "/bin/prog", argv);
    size_t total = 5 + 3001 + 4;
    fk_ubuf_t u;
    fk_ubuf_init(&u, fk, 1, 8192);
    uint64_t ubuf = fk_ubuf_zero(&u, 8000);
    uint64_t rt = fk_tok_new(fk);
    pm_procfs_req_t rq = {1, 1, (int32_t)child, PM_PROCFS_CMDLINE, ubuf, 8000, 0, 5, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), (int64_t)total);
    static char got[8000];
    assert_int_equal(fk_mem_read(fk, 1, got, ubuf, total), 0);
    assert_memory_equal(got, "prog", 5);
    assert_memory_equal(got + 5, big, 3001);
    assert_memory_equal(got + 5 + 3001, "end", 4);
    /* 100 bytes from offset 2000 */
    rt = fk_tok_new(fk);
    rq = (pm_procfs_req_t){1, 1, (int32_t)child, PM_PROCFS_CMDLINE, ubuf, 100, 2000, 6, PM_PROCFS_FACTS_NONE};
    pm_procfs_read(fk->pm, &rq, rt);
    assert_int_equal(fk_tok_value(fk, rt), 100);
    assert_int_equal(fk_mem_read(fk, 1, got, ubuf, 100), 0);
    assert_memory_equal(got, big + 1995, 100);
    fk_free(fk);
}

/* maps: Linux's line format, one per mapping in address order, the program's file mappings with
 * their offset, device, inode and path, the stack, heap, vDSO and clock page named at column 74,
 * a slice at any offset agreeing with the whole text */
static void test_maps(void **state)
{
    (void)state;
    fake_t *fk = boot();
    char text[8192];
    int64_t n = text_of(fk, 1, PM_PROCFS_MAPS, text, sizeof text);
    assert_true(n > 0);
    assert_int_equal(text[n - 1], '\n');
    int lines = 0, stack = 0, prog = 0, vdso = 0, vvar = 0;
    unsigned long prev_end = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long start, end, off, ino;
        char perms[8];
        unsigned maj, min;
        int name = 0;
        assert_int_equal(sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off,
                                &maj, &min, &ino, &name),
                         7);
        assert_true(start < end && start >= prev_end);
        assert_int_equal(strlen(perms), 4);
        assert_int_equal(perms[3], 'p');
        bool file = line[name] == '/';
        if (file) {   /* the fake's files are on device 1, inode 100 + their index */
            assert_string_equal(line + name, "/sbin/init");
            assert_int_equal(maj, 0);
            assert_int_equal(min, 1);
            assert_int_equal(ino, 100);
            assert_int_equal(off % 4096, 0);
            prog++;
        } else {
            assert_int_equal(off + maj + min + ino, 0);
        }
        if (line[name]) {
            assert_int_equal(name, 73);   /* padded to column 74, as show_map_vma */
            stack += strcmp(line + name, "[stack]") == 0;
            vdso += strcmp(line + name, "[vdso]") == 0;
            vvar += strcmp(line + name, "[vvar]") == 0;
        } else {
            assert_int_equal(line[strlen(line) - 1], ' ');   /* "... 0 " */
        }
        prev_end = end;
        lines++;
    }
    assert_true(lines >= 2);
    assert_int_equal(stack, 1);
    assert_int_equal(prog, 2);   /* text, and the data's file page (the rest of bss is anonymous) */
    assert_int_equal(vdso, 1);
    assert_int_equal(vvar, 1);
    /* slices agree with the whole */
    char whole[8192], part[16];
    n = text_of(fk, 1, PM_PROCFS_MAPS, whole, sizeof whole);
    for (int64_t at = 0; at < n; at += 13) {
        int64_t k = pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, (uint64_t)at, part, sizeof part);
        assert_true(k > 0);
        assert_memory_equal(part, whole + at, (size_t)k);
    }
    assert_int_equal(pm_procfs_format(fk->pm, 1, PM_PROCFS_MAPS, (uint64_t)n, part, sizeof part),
                     0);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stat_of_init),
        cmocka_unit_test(test_vfork_then_exec),
        cmocka_unit_test(test_zombie_then_reaped),
        cmocka_unit_test(test_slices),
        cmocka_unit_test(test_prctl_name_shows),
        cmocka_unit_test(test_read_answers_reader),
        cmocka_unit_test(test_long_cmdline),
        cmocka_unit_test(test_maps),
    };
    return host_test_exit(cmocka_run_group_tests_name("procmgr_procfs", tests, NULL, NULL));
}
