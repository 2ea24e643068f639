/* Linux x86_64 terminal ABI: the kernel's struct termios (what TCGETS/TCSETS copy, 36 bytes,
 * a prefix of musl's larger struct termios), the flag bits, c_cc indices, the tty ioctl numbers
 * and struct winsize. Prefixed LX_/lx_ so it coexists with a host libc in tests. */
#ifndef LX_TERMIOS_H
#define LX_TERMIOS_H

#include <stdint.h>

#define LX_NCCS 19

struct lx_termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t c_line;
    uint8_t c_cc[LX_NCCS];
};
_Static_assert(sizeof(struct lx_termios) == 36, "kernel struct termios is 36 bytes");

struct lx_winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};

/* c_cc indices */
#define LX_VINTR    0
#define LX_VQUIT    1
#define LX_VERASE   2
#define LX_VKILL    3
#define LX_VEOF     4
#define LX_VTIME    5
#define LX_VMIN     6
#define LX_VSWTC    7
#define LX_VSTART   8
#define LX_VSTOP    9
#define LX_VSUSP    10
#define LX_VEOL     11
#define LX_VREPRINT 12
#define LX_VDISCARD 13
#define LX_VWERASE  14
#define LX_VLNEXT   15
#define LX_VEOL2    16

/* c_iflag */
#define LX_IGNBRK  0000001
#define LX_BRKINT  0000002
#define LX_IGNPAR  0000004
#define LX_PARMRK  0000010
#define LX_INPCK   0000020
#define LX_ISTRIP  0000040
#define LX_INLCR   0000100
#define LX_IGNCR   0000200
#define LX_ICRNL   0000400
#define LX_IUCLC   0001000
#define LX_IXON    0002000
#define LX_IXANY   0004000
#define LX_IXOFF   0010000
#define LX_IMAXBEL 0020000
#define LX_IUTF8   0040000

/* c_oflag */
#define LX_OPOST  0000001
#define LX_OLCUC  0000002
#define LX_ONLCR  0000004
#define LX_OCRNL  0000010
#define LX_ONOCR  0000020
#define LX_ONLRET 0000040

/* c_cflag */
#define LX_CBAUD  0010017
#define LX_B38400 0000017
#define LX_CSIZE  0000060
#define LX_CS8    0000060
#define LX_CSTOPB 0000100
#define LX_CREAD  0000200
#define LX_PARENB 0000400
#define LX_HUPCL  0002000
#define LX_CLOCAL 0004000

/* c_lflag */
#define LX_ISIG    0000001
#define LX_ICANON  0000002
#define LX_ECHO    0000010
#define LX_ECHOE   0000020
#define LX_ECHOK   0000040
#define LX_ECHONL  0000100
#define LX_NOFLSH  0000200
#define LX_TOSTOP  0000400
#define LX_ECHOCTL 0001000
#define LX_ECHOPRT 0002000
#define LX_ECHOKE  0004000
#define LX_IEXTEN  0100000

/* tty ioctls (asm-generic/ioctls.h) */
#define LX_TCGETS     0x5401
#define LX_TCSETS     0x5402
#define LX_TCSETSW    0x5403
#define LX_TCSETSF    0x5404
#define LX_TCFLSH     0x540B
#define LX_TIOCSCTTY  0x540E
#define LX_TIOCGPGRP  0x540F
#define LX_TIOCSPGRP  0x5410
#define LX_TIOCOUTQ   0x5411
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD   0x541B
#define LX_TIOCNOTTY  0x5422
#define LX_TIOCGSID   0x5429
#define LX_FIONBIO    0x5421
#define LX_FIONCLEX   0x5450
#define LX_FIOCLEX    0x5451

/* TCFLSH arguments */
#define LX_TCIFLUSH  0
#define LX_TCOFLUSH  1
#define LX_TCIOFLUSH 2

#endif
