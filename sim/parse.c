/*
 * sim/parse.c - the values of mmusim's text inputs; see sim/parse.h.
 *
 * Digits are read here, not by strtoull(), which would skip blanks, take
 * a sign and read a leading 0 as octal.  Real numbers are checked against
 * the decimal syntax first and only then converted by strtod().
 */
#include "sim/parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

struct unit {
	char suffix;
	uint64_t mul;
};

/* Indexed by enum parse_units; each list ends with a zero suffix. */
static const struct unit unit_tables[][5] = {
	[PARSE_PLAIN] = { { 0, 0 } },
	[PARSE_BYTES] = {
		{ 'k', UINT64_C(1) << 10 }, { 'm', UINT64_C(1) << 20 },
		{ 'g', UINT64_C(1) << 30 }, { 't', UINT64_C(1) << 40 }, { 0, 0 },
	},
	[PARSE_COUNT] = {
		{ 'k', UINT64_C(1000) }, { 'm', UINT64_C(1000000) },
		{ 'g', UINT64_C(1000000000) }, { 't', UINT64_C(1000000000000) }, { 0, 0 },
	},
	[PARSE_SECONDS] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 0, 0 },
	},
};

static int digit_value(char c, unsigned base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (base == 16 && c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (base == 16 && c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d;
}

int parse_u64(const char *s, enum parse_units units, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0, mul = 1;
	const char *p = s;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) < 0)
		return SIM_E_PARSE;
	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return SIM_E_PARSE;
		v = v * base + (uint64_t)d;
	}
	if (*p) {
		const struct unit *u = unit_tables[units];
		char c = (char)tolower((unsigned char)*p);

		while (u->suffix && u->suffix != c)
			u++;
		if (!u->suffix || p[1])
			return SIM_E_PARSE;
		mul = u->mul;
	}
	if (v > UINT64_MAX / mul)
		return SIM_E_PARSE;
	*out = v * mul;
	return 0;
}

int parse_ppm(const char *s, uint32_t *out)
{
	uint64_t ip = 0, frac = 0;
	unsigned idigits = 0, fdigits = 0;
	const char *p = s;

	for (; isdigit((unsigned char)*p); p++, idigits++) {
		ip = ip * 10 + (uint64_t)(*p - '0');
		if (ip > 1)
			return SIM_E_PARSE;
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (++fdigits > 6)
				return SIM_E_PARSE;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!fdigits)
			return SIM_E_PARSE;     /* "1." */
	}
	if (*p || (!idigits && !fdigits))
		return SIM_E_PARSE;
	for (; fdigits < 6; fdigits++)
		frac *= 10;
	if (ip * PARSE_PPM_ONE + frac > PARSE_PPM_ONE)
		return SIM_E_PARSE;
	*out = (uint32_t)(ip * PARSE_PPM_ONE + frac);
	return 0;
}

int parse_real(const char *s, double *out)
{
	const char *p = s;
	unsigned digits = 0;
	char *end;
	double d;

	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (!digits)
		return SIM_E_PARSE;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return SIM_E_PARSE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return SIM_E_PARSE;
	d = strtod(s, &end);
	if (*end || !isfinite(d))       /* too large: HUGE_VAL */
		return SIM_E_PARSE;
	*out = d;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return SIM_E_PARSE;
}

void parse_format_size(uint64_t v, char *buf, size_t len)
{
	if (v && !(v % (UINT64_C(1) << 30)))
		snprintf(buf, len, "%" PRIu64 "g", v >> 30);
	else if (v && !(v % (UINT64_C(1) << 20)))
		snprintf(buf, len, "%" PRIu64 "m", v >> 20);
	else if (v && !(v % (UINT64_C(1) << 10)))
		snprintf(buf, len, "%" PRIu64 "k", v >> 10);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

void parse_format_ppm(uint32_t ppm, char *buf, size_t len)
{
	int n;

	if (ppm % PARSE_PPM_ONE == 0) {
		snprintf(buf, len, "%u", ppm / PARSE_PPM_ONE);
		return;
	}
	n = snprintf(buf, len, "%u.%06u", ppm / PARSE_PPM_ONE, ppm % PARSE_PPM_ONE);
	/* trim trailing zeros: a fraction that is not whole has a non-zero digit */
	while (n > 0 && (size_t)n < len && buf[n - 1] == '0')
		buf[--n] = '\0';
}
