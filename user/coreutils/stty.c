/*
 * stty.c - stty [-F device] [-a | -g | setting...]: shows or changes the terminal's settings
 * (standard input's, or the device's) through tcgetattr/tcsetattr and the window size ioctls.
 *
 *   stty              the speed, the size, and what differs from "sane"
 *   stty -a           every setting, in GNU stty's layout
 *   stty -g           the settings as one word that stty takes back ("stty $saved")
 *   stty size         "rows columns"
 *   settings          flag, -flag (echo, icanon, isig, icrnl, opost, ...); a control character
 *                     with its value (intr ^C, erase ^?, eof ^D, susp undef); min N, time N;
 *                     rows N, cols N (columns N); raw, -raw and cooked; sane
 *
 * Changes are made with TCSADRAIN, all of them at once after the whole line was understood; an
 * unknown setting changes nothing and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

enum { F_IN, F_OUT, F_CTL, F_LOC };

typedef struct {
    const char *name;
    int field;
    tcflag_t mask, value; /* set: field = (field & ~mask) | value; "-name" clears mask */
    bool def;             /* on by default (Linux's, and "stty sane"); stty alone shows others */
    bool sane;            /* "stty sane" sets it to def (GNU's list) */
} flag_t;

static const flag_t flags[] = {
    {"parenb", F_CTL, PARENB, PARENB, false, false},
    {"parodd", F_CTL, PARODD, PARODD, false, false},
    {"cs5", F_CTL, CSIZE, CS5, false, false},
    {"cs6", F_CTL, CSIZE, CS6, false, false},
    {"cs7", F_CTL, CSIZE, CS7, false, false},
    {"cs8", F_CTL, CSIZE, CS8, true, false},
    {"hupcl", F_CTL, HUPCL, HUPCL, true, false},
    {"cstopb", F_CTL, CSTOPB, CSTOPB, false, false},
    {"cread", F_CTL, CREAD, CREAD, true, true},
    {"clocal", F_CTL, CLOCAL, CLOCAL, false, false},
    {"ignbrk", F_IN, IGNBRK, IGNBRK, false, true},
    {"brkint", F_IN, BRKINT, BRKINT, true, true},
    {"ignpar", F_IN, IGNPAR, IGNPAR, false, false},
    {"parmrk", F_IN, PARMRK, PARMRK, false, false},
    {"inpck", F_IN, INPCK, INPCK, false, false},
    {"istrip", F_IN, ISTRIP, ISTRIP, false, false},
    {"inlcr", F_IN, INLCR, INLCR, false, true},
    {"igncr", F_IN, IGNCR, IGNCR, false, true},
    {"icrnl", F_IN, ICRNL, ICRNL, true, true},
    {"ixon", F_IN, IXON, IXON, true, false},
    {"ixoff", F_IN, IXOFF, IXOFF, false, true},
    {"iuclc", F_IN, IUCLC, IUCLC, false, true},
    {"ixany", F_IN, IXANY, IXANY, false, true},
    {"imaxbel", F_IN, IMAXBEL, IMAXBEL, true, true},
    {"iutf8", F_IN, IUTF8, IUTF8, false, false},
    {"opost", F_OUT, OPOST, OPOST, true, true},
    {"olcuc", F_OUT, OLCUC, OLCUC, false, true},
    {"ocrnl", F_OUT, OCRNL, OCRNL, false, true},
    {"onlcr", F_OUT, ONLCR, ONLCR, true, true},
    {"onocr", F_OUT, ONOCR, ONOCR, false, true},
    {"onlret", F_OUT, ONLRET, ONLRET, false, true},
    {"ofill", F_OUT, OFILL, OFILL, false, true},
    {"ofdel", F_OUT, OFDEL, OFDEL, false, true},
    {"isig", F_LOC, ISIG, ISIG, true, true},
    {"icanon", F_LOC, ICANON, ICANON, true, true},
    {"iexten", F_LOC, IEXTEN, IEXTEN, true, true},
    {"echo", F_LOC, ECHO, ECHO, true, true},
    {"echoe", F_LOC, ECHOE, ECHOE, true, true},
    {"echok", F_LOC, ECHOK, ECHOK, true, true},
    {"echonl", F_LOC, ECHONL, ECHONL, false, true},
    {"noflsh", F_LOC, NOFLSH, NOFLSH, false, true},
    {"tostop", F_LOC, TOSTOP, TOSTOP, false, true},
    {"echoprt", F_LOC, ECHOPRT, ECHOPRT, false, true},
    {"echoctl", F_LOC, ECHOCTL, ECHOCTL, true, true},
    {"echoke", F_LOC, ECHOKE, ECHOKE, true, true},
};
enum { NFLAGS = sizeof flags / sizeof flags[0] };

typedef struct {
    const char *name;
    int index;
    cc_t def; /* Linux's default */
} cchar_t;

static const cchar_t cchars[] = {
    {"intr", VINTR, 003},     {"quit", VQUIT, 034},   {"erase", VERASE, 0177},
    {"kill", VKILL, 025},     {"eof", VEOF, 004},     {"eol", VEOL, 0},
    {"eol2", VEOL2, 0},       {"swtch", VSWTC, 0},    {"start", VSTART, 021},
    {"stop", VSTOP, 023},     {"susp", VSUSP, 032},   {"rprnt", VREPRINT, 022},
    {"werase", VWERASE, 027}, {"lnext", VLNEXT, 026}, {"discard", VDISCARD, 017},
};
enum { NCCHARS = sizeof cchars / sizeof cchars[0] };

static tcflag_t *field(struct termios *t, int f)
{
    return f == F_IN    ? &t->c_iflag
           : f == F_OUT ? &t->c_oflag
           : f == F_CTL ? &t->c_cflag
                        : &t->c_lflag;
}

static bool flag_on(const struct termios *t, const flag_t *f)
{
    return (*field((struct termios *)t, f->field) & f->mask) == f->value;
}

/* ---- showing ----------------------------------------------------------------------------------
 */

/* Words joined with "sep", wrapped before 80 columns. */
typedef struct {
    int col;
} wrap_t;

static void word(wrap_t *w, const char *s, const char *sep)
{
    int n = (int)(strlen(s) + strlen(sep));
    if (w->col && w->col + n > 79) {
        putchar('\n');
        w->col = 0;
    } else if (w->col) {
        putchar(' ');
        w->col++;
    }
    printf("%s%s", s, sep);
    w->col += n;
}

static void end_line(wrap_t *w)
{
    if (w->col) putchar('\n');
    w->col = 0;
}

static void cc_text(cc_t c, char *buf)
{
    if (c == _POSIX_VDISABLE)
        strcpy(buf, "<undef>");
    else if (c == 0177)
        strcpy(buf, "^?");
    else if (c < 32)
        sprintf(buf, "^%c", c + 64);
    else if (c < 128)
        sprintf(buf, "%c", c);
    else
        sprintf(buf, "M-%c", c - 128 < 32 ? '?' : c - 128);
}

static unsigned speed_of(const struct termios *t)
{
    static const struct {
        speed_t code;
        unsigned baud;
    } speeds[] = {{B0, 0},         {B50, 50},         {B75, 75},        {B110, 110},
                  {B134, 134},     {B150, 150},       {B200, 200},      {B300, 300},
                  {B600, 600},     {B1200, 1200},     {B1800, 1800},    {B2400, 2400},
                  {B4800, 4800},   {B9600, 9600},     {B19200, 19200},  {B38400, 38400},
                  {B57600, 57600}, {B115200, 115200}, {B230400, 230400}};
    speed_t s = cfgetospeed(t);
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
        if (speeds[i].code == s) return speeds[i].baud;
    return 0;
}

static void show(const struct termios *t, const struct winsize *ws, bool all)
{
    wrap_t w = {0};
    char buf[64];
    snprintf(buf, sizeof buf, "speed %u baud;", speed_of(t));
    word(&w, buf, "");
    if (ws) {
        snprintf(buf, sizeof buf, "rows %d; columns %d;", ws->ws_row, ws->ws_col);
        word(&w, buf, "");
    }
    if (all) word(&w, "line = 0;", "");
    end_line(&w);
    for (size_t i = 0; i < NCCHARS; i++) {
        cc_t c = t->c_cc[cchars[i].index];
        if (!all && c == cchars[i].def) continue;
        char v[16];
        cc_text(c, v);
        snprintf(buf, sizeof buf, "%s = %s;", cchars[i].name, v);
        word(&w, buf, "");
    }
    if (all || t->c_cc[VMIN] != 1 || t->c_cc[VTIME] != 0) {
        snprintf(buf, sizeof buf, "min = %d; time = %d;", t->c_cc[VMIN], t->c_cc[VTIME]);
        word(&w, buf, "");
    }
    end_line(&w);
    static const int order[] = {F_CTL, F_IN, F_OUT, F_LOC};
    for (size_t o = 0; o < 4; o++) {
        for (size_t i = 0; i < NFLAGS; i++) {
            const flag_t *f = &flags[i];
            if (f->field != order[o]) continue;
            bool on = flag_on(t, f);
            if (f->mask == CSIZE) {
                /* the character size: only the one in force, as a word of its own */
                if (on && (all || !f->def)) word(&w, f->name, "");
                continue;
            }
            if (!all && on == f->def) continue;
            snprintf(buf, sizeof buf, "%s%s", on ? "" : "-", f->name);
            word(&w, buf, "");
        }
        if (all) end_line(&w);
    }
    end_line(&w);
}

/* -g: iflag:oflag:cflag:lflag:cc0:cc1:... in hex */
static void show_saved(const struct termios *t)
{
    printf("%x:%x:%x:%x", (unsigned)t->c_iflag, (unsigned)t->c_oflag, (unsigned)t->c_cflag,
           (unsigned)t->c_lflag);
    for (int i = 0; i < NCCS; i++)
        printf(":%x", t->c_cc[i]);
    putchar('\n');
}

/* ---- changing ---------------------------------------------------------------------------------
 */

static bool parse_saved(const char *s, struct termios *t)
{
    unsigned long v[4 + NCCS];
    int n = 0;
    const char *p = s;
    while (n < 4 + NCCS) {
        char *end;
        v[n++] = strtoul(p, &end, 16);
        if (end == p) return false;
        p = end;
        if (!*p) break;
        if (*p++ != ':') return false;
    }
    if (*p || n != 4 + NCCS) return false;
    t->c_iflag = (tcflag_t)v[0];
    t->c_oflag = (tcflag_t)v[1];
    t->c_cflag = (tcflag_t)v[2];
    t->c_lflag = (tcflag_t)v[3];
    for (int i = 0; i < NCCS; i++)
        t->c_cc[i] = (cc_t)v[4 + i];
    return true;
}

/* ^C, ^?, ^- or undef (disabled), or a single character. */
static bool parse_cc(const char *s, cc_t *out)
{
    if (strcmp(s, "undef") == 0 || strcmp(s, "^-") == 0) {
        *out = _POSIX_VDISABLE;
    } else if (s[0] == '^' && s[1] && !s[2]) {
        *out = s[1] == '?' ? 0177 : (cc_t)(s[1] & 037);
    } else if (s[0] && !s[1]) {
        *out = (cc_t)s[0];
    } else {
        return false;
    }
    return true;
}

static bool parse_num(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!*s) return false;
    *out = strtoul(s, &end, 10);
    return !*end && *out <= max;
}

static void set_sane(struct termios *t)
{
    for (size_t i = 0; i < NFLAGS; i++) {
        if (!flags[i].sane) continue;
        tcflag_t *fl = field(t, flags[i].field);
        *fl = flags[i].def ? (*fl & ~flags[i].mask) | flags[i].value : *fl & ~flags[i].mask;
    }
    for (size_t i = 0; i < NCCHARS; i++)
        t->c_cc[cchars[i].index] = cchars[i].def;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

static void set_raw(struct termios *t, bool raw)
{
    if (raw) {
        t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | IGNPAR | PARMRK | INPCK | ISTRIP | INLCR |
                                  IGNCR | ICRNL | IXON | IXOFF | IUCLC | IXANY | IMAXBEL);
        t->c_oflag &= ~(tcflag_t)OPOST;
        t->c_lflag &= ~(tcflag_t)(ISIG | ICANON);
        t->c_cc[VMIN] = 1;
        t->c_cc[VTIME] = 0;
    } else {
        /* -raw, cooked */
        t->c_iflag |= BRKINT | IGNPAR | ICRNL | IXON;
        t->c_oflag |= OPOST;
        t->c_lflag |= ISIG | ICANON;
        t->c_cc[VEOF] = 004;
        t->c_cc[VEOL] = 0;
    }
}

/* Applies argv[i..] to t and ws; returns 0, or 1 after saying what was wrong. */
static int apply(int argc, char **argv, int i, struct termios *t, struct winsize *ws,
                 bool *ws_changed, bool *show_size)
{
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
        bool neg = a[0] == '-';
        const char *name = neg ? a + 1 : a;
        bool done = false;
        for (size_t k = 0; k < NFLAGS && !done; k++) {
            if (strcmp(name, flags[k].name) != 0) continue;
            if (neg && flags[k].mask == CSIZE) break;
            tcflag_t *fl = field(t, flags[k].field);
            *fl = neg ? *fl & ~flags[k].mask : (*fl & ~flags[k].mask) | flags[k].value;
            done = true;
        }
        if (done) continue;
        if (strcmp(name, "raw") == 0) {
            set_raw(t, !neg);
            continue;
        }
        if (!neg && strcmp(a, "cooked") == 0) {
            set_raw(t, false);
            continue;
        }
        if (!neg && strcmp(a, "sane") == 0) {
            set_sane(t);
            continue;
        }
        if (!neg && strcmp(a, "size") == 0) {
            *show_size = true;
            continue;
        }
        if (neg) {
            util_err("invalid argument '%s'", a);
            return 1;
        }
        const cchar_t *cc = NULL;
        for (size_t k = 0; k < NCCHARS; k++)
            if (strcmp(a, cchars[k].name) == 0) cc = &cchars[k];
        bool numeric = strcmp(a, "min") == 0 || strcmp(a, "time") == 0 || strcmp(a, "rows") == 0 ||
                       strcmp(a, "cols") == 0 || strcmp(a, "columns") == 0;
        if (!cc && !numeric) {
            if (parse_saved(a, t)) continue;
            util_err("invalid argument '%s'", a);
            return 1;
        }
        if (!arg) {
            util_err("missing argument to '%s'", a);
            return 1;
        }
        i++;
        unsigned long n;
        if (cc) {
            cc_t v;
            if (!parse_cc(arg, &v)) {
                util_err("invalid integer argument: '%s'", arg);
                return 1;
            }
            t->c_cc[cc->index] = v;
        } else if (!parse_num(arg, a[0] == 'm' || a[0] == 't' ? 255 : 65535, &n)) {
            util_err("invalid integer argument: '%s'", arg);
            return 1;
        } else if (a[0] == 'm') {
            t->c_cc[VMIN] = (cc_t)n;
        } else if (a[0] == 't') {
            t->c_cc[VTIME] = (cc_t)n;
        } else {
            if (a[0] == 'r')
                ws->ws_row = (unsigned short)n;
            else
                ws->ws_col = (unsigned short)n;
            *ws_changed = true;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    util_prog = "stty";
    int fd = 0;
    const char *dev = "standard input";
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-F") == 0) {
        dev = argv[i + 1];
        fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            util_perror(dev);
            return 1;
        }
        i += 2;
    }
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        util_err("'%s': %s", dev, strerror(errno));
        return 1;
    }
    struct winsize ws;
    bool have_ws = ioctl(fd, TIOCGWINSZ, &ws) == 0;
    if (i == argc || strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "-g") == 0) {
        if (i < argc && i + 1 < argc) {
            util_err("extra operand '%s'", argv[i + 1]);
            return 1;
        }
        if (i < argc && argv[i][1] == 'g')
            show_saved(&t);
        else
            show(&t, have_ws ? &ws : NULL, i < argc);
        return 0;
    }
    struct termios nt = t;
    struct winsize nws = have_ws ? ws : (struct winsize){0};
    bool ws_changed = false, show_size = false;
    if (apply(argc, argv, i, &nt, &nws, &ws_changed, &show_size) != 0) return 1;
    if (memcmp(&nt, &t, sizeof t) != 0 && tcsetattr(fd, TCSADRAIN, &nt) != 0) {
        util_err("'%s': %s", dev, strerror(errno));
        return 1;
    }
    if (ws_changed && ioctl(fd, TIOCSWINSZ, &nws) != 0) {
        util_err("'%s': %s", dev, strerror(errno));
        return 1;
    }
    if (show_size) {
        if (!have_ws && !ws_changed) {
            util_err("'%s': unable to get the window size", dev);
            return 1;
        }
        printf("%d %d\n", nws.ws_row, nws.ws_col);
    }
    return 0;
}
