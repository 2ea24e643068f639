/* The CMOS real-time clock, read once at boot so that servers can offer wall-clock time
 * (realtime = boot epoch + monotonic clock). Entry point: arch_rtc_seconds. */
#include "arch.h"
#include "io.h"

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: days since 1970-01-01 of a proleptic Gregorian date */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t arch_rtc_seconds(void)
{
    for (int i = 0; i < 100000 && (cmos(0x0A) & 0x80); i++)
        ; /* an update is in progress: wait for it to finish */
    uint8_t s = cmos(0x00), mi = cmos(0x02), h = cmos(0x04), d = cmos(0x07), mo = cmos(0x08),
            y = cmos(0x09), c = cmos(0x32), b = cmos(0x0B);
    if (!(b & 0x04)) { /* BCD */
#define BCD(x) (uint8_t)(((x) & 0x0F) + ((x) >> 4) * 10)
        s = BCD(s), mi = BCD(mi), d = BCD(d), mo = BCD(mo), y = BCD(y), c = BCD(c);
        h = (uint8_t)(BCD(h & 0x7F) | (h & 0x80));
#undef BCD
    }
    if (!(b & 0x02) && (h & 0x80)) /* 12-hour clock, PM */
        h = (uint8_t)(((h & 0x7F) + 12) % 24);
    int64_t year = (c ? c : 20) * 100 + y;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return 0;
    return (uint64_t)(days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + s);
}
