/*
 * clock.h — a monotonic clock for the tests and benchmarks that time
 * things (wall time, never the calendar: NTP steps must not show up).
 */
#ifndef TT_TEST_CLOCK_H
#define TT_TEST_CLOCK_H

#include <time.h>

static inline double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double
now_ms(void)
{
    return now_s() * 1e3;
}

#endif
