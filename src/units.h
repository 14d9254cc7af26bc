/*
 * One parser for every quantity in flags and scenario files. Locale-independent.
 * Each returns 0 and stores the value in the base unit named below, or returns -1
 * with a message (via error_set) that quotes the text and says what was expected.
 *
 *   counts     7B, 2T, 1.5M, 310k, 64          -> plain number (k 1e3, M 1e6, B 1e9, T 1e12)
 *   bytes      40TB, 1.5PB, 512GiB, 80 GB      -> bytes (kB MB GB TB PB = 10^n; KiB..PiB = 2^n)
 *   durations  36mo, 2w, 3d, 12h, 500ms, 1.5y  -> hours (1 mo = 730 h, 1 y = 8760 h)
 *   fractions  40%, 0.4                         -> 0.4 (a bare number is already a fraction)
 *   money      310k, 1.5M, $250000, 0.08       -> currency units
 *   rates      184/kW-month, 0.08/kWh, 2.5/GPU-h -> amount, and the unit after '/'
 */
#ifndef AICOST_UNITS_H
#define AICOST_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#define HOURS_PER_MONTH 730.0
/* The largest number any parser takes before its unit (1e15 tokens, $, bytes...). */
#define UNITS_MAX_NUMBER 1e15
#define HOURS_PER_YEAR 8760.0

int units_parse_number(const char *text, double *out);
int units_parse_count(const char *text, double *out);
int units_parse_bytes(const char *text, double *out_bytes);
int units_parse_duration(const char *text, double *out_hours);
/* A price's age limit in days: a bare number of days (180) or a duration (6mo, 26w);
 * never negative. --max-price-age of every command. */
int units_parse_age_days(const char *text, double *out_days);
int units_parse_fraction(const char *text, double *out_fraction);
int units_parse_money(const char *text, double *out);
/* EXPECTED lists the accepted units after '/' (NULL-terminated; case-insensitive). */
int units_parse_rate(const char *text, const char *const *expected, double *out_amount,
		     const char **out_unit);

/* Whole positive count, e.g. GPUs: rejects fractions and values above INT_MAX. */
int units_parse_int(const char *text, long *out);

/* What a money heading starts with: "$" for USD (CODE NULL), else CODE ("EUR/GPU-H"). */
const char *units_money_sign(const char *code);

#endif
