/* clear.c - clear: homes the cursor and erases the screen (ANSI/VT100 sequences). */
#include <unistd.h>

int main(void)
{
    static const char seq[] = "\033[H\033[2J\033[3J";
    return write(1, seq, sizeof seq - 1) == (ssize_t)(sizeof seq - 1) ? 0 : 1;
}
