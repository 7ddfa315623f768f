/*
 * sim/parse.h - the values of mmusim's text inputs (a leaf): unsigned
 * integers with unit suffixes, fractions, real numbers and booleans, as
 * configuration files and --set, workload files, sweep files and the
 * command-line options of `mmusim gen` write them; and the inverse for
 * sizes and fractions, which the configuration echo prints.
 *
 * One syntax everywhere (sim/CONFIG.md, workloads/WORKLOADS.md):
 *  - an integer is decimal digits, or 0x and hex digits; a leading 0 is
 *    decimal, not octal; no sign, no blanks, no digit separators;
 *  - a unit suffix, where the value takes one, is a single letter right
 *    after the digits, case-insensitive: sizes and addresses k, m, g, t in
 *    powers of 1024; counts k, m, g, t in powers of 1000; durations s, m,
 *    h, d (seconds, minutes, hours, days);
 *  - a value that does not fit in 64 bits is refused, never wrapped;
 *  - a fraction is 0 to 1 with at most six decimals ("0.25", ".5", "1"),
 *    held exactly in parts per million;
 *  - a real number is decimal with an optional exponent ("0.3", "2",
 *    "1e-3"): no sign, no hex, no infinity or NaN.
 */
#ifndef MMUSIM_SIM_PARSE_H
#define MMUSIM_SIM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

#define PARSE_PPM_ONE 1000000u  /* a fraction of 1, in parts per million */

/* The unit suffixes a number may take. */
enum parse_units {
	PARSE_PLAIN = 0,        /* none */
	PARSE_BYTES,            /* k, m, g, t = 2^10, 2^20, 2^30, 2^40 */
	PARSE_COUNT,            /* k, m, g, t = 10^3, 10^6, 10^9, 10^12 */
	PARSE_SECONDS,          /* s, m, h, d = 1, 60, 3600, 86400 */
};

/**
 * parse_u64() - an unsigned integer with an optional suffix of @units.
 * @s:     the whole text; nothing may follow the number and its suffix
 * @out:   set only on success
 *
 * A hex number may take a suffix too ("0x10k"); with PARSE_SECONDS a 'd'
 * after hex digits is a digit.
 * Return: 0, or SIM_E_PARSE if @s is not such a number or the value
 * exceeds 2^64 - 1.
 */
int parse_u64(const char *s, enum parse_units units, uint64_t *out);

/**
 * parse_ppm() - a fraction 0..1 with at most six decimals, exactly:
 * "0", "1", "0.25", ".5", "1.000000".
 * Return: 0 and *@out in parts per million, or SIM_E_PARSE.
 */
int parse_ppm(const char *s, uint32_t *out);

/**
 * parse_real() - a non-negative decimal number: digits with an optional
 * '.', at least one digit, then an optional exponent e[+-]DIGITS.
 * Return: 0 and *@out, or SIM_E_PARSE (also for a value too large for a
 * double).
 */
int parse_real(const char *s, double *out);

/**
 * parse_bool() - 1/0, true/false, yes/no, on/off (case-insensitive).
 * Return: 0 and *@out, or SIM_E_PARSE.
 */
int parse_bool(const char *s, bool *out);

/**
 * parse_format_size() - @v in bytes as parse_u64() reads it back with
 * PARSE_BYTES, with the largest of the suffixes k, m and g that divides it:
 * "64k", "1m", "3g", "100000" (no t, so a tebibyte prints as "1024g").
 */
void parse_format_size(uint64_t v, char *buf, size_t len);

/**
 * parse_format_ppm() - @ppm as a fraction parse_ppm() reads back: "0",
 * "1", "0.25", "0.000001".
 */
void parse_format_ppm(uint32_t ppm, char *buf, size_t len);

#endif /* MMUSIM_SIM_PARSE_H */
