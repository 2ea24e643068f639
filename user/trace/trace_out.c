/* trace_out.c: the output stream (stderr, or -o FILE) and the shape of its lines.
 *
 * A syscall is printed at its entry stop up to the arguments known then, and finished at its
 * exit stop. If another thread prints in between, the open line is closed with
 * " <unfinished ...>" and the exit starts a new line "[pid N] <... name resumed>".
 *
 * Entry points: out_open, out_begin, out_resume, out_suspend, out_end, out_finish_unfinished. */
#include "trace.h"

FILE *out;
static pid_t open_line;  /* the tid whose line is being written, or 0 */
static int open_is_call; /* that line is a syscall left open by out_suspend */

void out_open(FILE *f)
{
    out = f;
    setvbuf(out, NULL, _IOLBF, 0);
}

void out_finish_unfinished(void)
{
    if (open_line && open_is_call)
        fputs(" <unfinished ...>\n", out);
    open_line = 0;
    open_is_call = 0;
}

void out_begin(struct tracee *t)
{
    out_finish_unfinished();
    if (t->borrowing_from)
        fprintf(out, "[pid %d vfork-child] ", (int)t->tid);
    else
        fprintf(out, "[pid %d] ", (int)t->tid);
    open_line = t->tid;
}

void out_resume(struct tracee *t)
{
    if (open_line == t->tid && open_is_call) {
        open_is_call = 0;
        return;
    }
    out_begin(t);
    const char *name = sys_name(t->nr);
    if (name)
        fprintf(out, "<... %s resumed>", name);
    else
        fprintf(out, "<... syscall_%ld resumed>", t->nr);
}

void out_suspend(struct tracee *t)
{
    open_line = t->tid;
    open_is_call = 1;
}

void out_end(void)
{
    fputc('\n', out);
    open_line = 0;
    open_is_call = 0;
}
