/*
 * tests/test_parse.c - the one number parser (sim/parse.c) that
 * configuration, workload and sweep files and `mmusim gen` share: every
 * suffix of every unit table, hex, overflow at 2^64, what is refused (sign,
 * blanks, octal, a second suffix), fractions exactly in parts per million,
 * real numbers, booleans, and the formatting the configuration echo uses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/parse.h"

struct u64_case {
	const char *text;
	enum parse_units units;
	int rc;
	uint64_t want;
};

#define OK(t, u, v)   { (t), (u), 0, (v) }
#define BAD(t, u)     { (t), (u), SIM_E_PARSE, 0 }

static const struct u64_case u64_cases[] = {
	/* plain integers: decimal or 0x hex, a leading 0 is decimal */
	OK("0", PARSE_PLAIN, 0),
	OK("42", PARSE_PLAIN, 42),
	OK("010", PARSE_PLAIN, 10),
	OK("0x10", PARSE_PLAIN, 16),
	OK("0XfF", PARSE_PLAIN, 255),
	OK("18446744073709551615", PARSE_PLAIN, UINT64_MAX),
	OK("0xffffffffffffffff", PARSE_PLAIN, UINT64_MAX),
	BAD("18446744073709551616", PARSE_PLAIN),       /* 2^64 */
	BAD("0x10000000000000000", PARSE_PLAIN),
	BAD("99999999999999999999", PARSE_PLAIN),
	BAD("", PARSE_PLAIN),
	BAD("-1", PARSE_PLAIN),
	BAD("+1", PARSE_PLAIN),
	BAD(" 1", PARSE_PLAIN),
	BAD("1 ", PARSE_PLAIN),
	BAD("1_000", PARSE_PLAIN),
	BAD("0x", PARSE_PLAIN),
	BAD("x10", PARSE_PLAIN),
	BAD("0x1g", PARSE_PLAIN),
	BAD("1k", PARSE_PLAIN),                         /* no suffix without units */
	BAD("1.5", PARSE_PLAIN),
	BAD("0b101", PARSE_PLAIN),
	/* sizes: powers of 1024, t included, case-insensitive */
	OK("1k", PARSE_BYTES, UINT64_C(1) << 10),
	OK("1K", PARSE_BYTES, UINT64_C(1) << 10),
	OK("64k", PARSE_BYTES, UINT64_C(64) << 10),
	OK("1m", PARSE_BYTES, UINT64_C(1) << 20),
	OK("1M", PARSE_BYTES, UINT64_C(1) << 20),
	OK("3g", PARSE_BYTES, UINT64_C(3) << 30),
	OK("1t", PARSE_BYTES, UINT64_C(1) << 40),
	OK("0x10k", PARSE_BYTES, UINT64_C(16) << 10),
	OK("0k", PARSE_BYTES, 0),
	OK("16777215t", PARSE_BYTES, UINT64_C(16777215) << 40),
	BAD("16777216t", PARSE_BYTES),                  /* 2^64 */
	BAD("1kb", PARSE_BYTES),
	BAD("1kk", PARSE_BYTES),
	BAD("1 k", PARSE_BYTES),
	BAD("k", PARSE_BYTES),
	BAD("1p", PARSE_BYTES),
	BAD("1s", PARSE_BYTES),
	/* counts: powers of 1000 */
	OK("1k", PARSE_COUNT, 1000),
	OK("450K", PARSE_COUNT, 450000),
	OK("2m", PARSE_COUNT, 2000000),
	OK("4g", PARSE_COUNT, UINT64_C(4000000000)),
	OK("7t", PARSE_COUNT, UINT64_C(7000000000000)),
	OK("18446744t", PARSE_COUNT, UINT64_C(18446744000000000000)),
	BAD("18446745t", PARSE_COUNT),
	BAD("1h", PARSE_COUNT),
	/* durations: seconds, minutes, hours, days */
	OK("90", PARSE_SECONDS, 90),
	OK("90s", PARSE_SECONDS, 90),
	OK("2m", PARSE_SECONDS, 120),
	OK("2h", PARSE_SECONDS, 7200),
	OK("2H", PARSE_SECONDS, 7200),
	OK("3d", PARSE_SECONDS, 259200),
	OK("0x1d", PARSE_SECONDS, 29),                  /* a hex digit, not days */
	BAD("1k", PARSE_SECONDS),
	BAD("1w", PARSE_SECONDS),
	BAD("1h30m", PARSE_SECONDS),
};

START_TEST(test_u64)
{
	const struct u64_case *c = &u64_cases[_i];
	uint64_t v = 12345;

	ck_assert_msg(parse_u64(c->text, c->units, &v) == c->rc, "'%s' (units %d): rc",
		      c->text, (int)c->units);
	if (c->rc == 0)
		ck_assert_msg(v == c->want, "'%s': %llu, expected %llu", c->text,
			      (unsigned long long)v, (unsigned long long)c->want);
	else
		ck_assert_msg(v == 12345, "'%s': the output changed on an error", c->text);
}
END_TEST

struct ppm_case {
	const char *text;
	int rc;
	uint32_t want;
};

static const struct ppm_case ppm_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, PARSE_PPM_ONE },
	{ "0.25", 0, 250000 },
	{ ".5", 0, 500000 },
	{ "1.0", 0, PARSE_PPM_ONE },
	{ "1.000000", 0, PARSE_PPM_ONE },
	{ "0.000001", 0, 1 },
	{ "0.999999", 0, 999999 },
	{ "00.5", 0, 500000 },
	{ "0.1234567", SIM_E_PARSE, 0 },                /* seven decimals */
	{ "1.000001", SIM_E_PARSE, 0 },
	{ "1.5", SIM_E_PARSE, 0 },
	{ "2", SIM_E_PARSE, 0 },
	{ "10", SIM_E_PARSE, 0 },
	{ "1.", SIM_E_PARSE, 0 },
	{ ".", SIM_E_PARSE, 0 },
	{ "", SIM_E_PARSE, 0 },
	{ "-0", SIM_E_PARSE, 0 },
	{ "+0.5", SIM_E_PARSE, 0 },
	{ "5e-1", SIM_E_PARSE, 0 },
	{ "0x0.8p0", SIM_E_PARSE, 0 },
	{ "0.5 ", SIM_E_PARSE, 0 },
	{ "50%", SIM_E_PARSE, 0 },
};

START_TEST(test_ppm)
{
	const struct ppm_case *c = &ppm_cases[_i];
	uint32_t v = 7;

	ck_assert_msg(parse_ppm(c->text, &v) == c->rc, "'%s': rc", c->text);
	ck_assert_msg(v == (c->rc ? 7 : c->want), "'%s': %u", c->text, v);
}
END_TEST

START_TEST(test_real)
{
	static const struct { const char *text; double want; } good[] = {
		{ "0", 0 }, { "0.3", 0.3 }, { "2", 2 }, { ".5", 0.5 }, { "5.", 5 },
		{ "1e-3", 1e-3 }, { "1E+2", 100 }, { "2.5e1", 25 }, { "1e-400", 0 },
		{ "1000000", 1e6 },
	};
	static const char *const bad[] = {
		"", ".", "-1", "+1", " 1", "1 ", "1e", "1e+", "e3", "0x1p3", "inf", "nan",
		"1e999", "1,5", "1.2.3",
	};
	double d;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(parse_real(good[i].text, &d) == 0, "'%s' refused", good[i].text);
		ck_assert_msg(d == good[i].want, "'%s': %g", good[i].text, d);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_real(bad[i], &d) == SIM_E_PARSE, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_bool)
{
	static const char *const yes[] = { "1", "true", "TRUE", "yes", "On" };
	static const char *const no[] = { "0", "false", "No", "off" };
	static const char *const bad[] = { "", "2", "y", "enabled", " 1" };
	bool b;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = false;
		ck_assert_int_eq(parse_bool(yes[i], &b), 0);
		ck_assert(b);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = true;
		ck_assert_int_eq(parse_bool(no[i], &b), 0);
		ck_assert(!b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(parse_bool(bad[i], &b), SIM_E_PARSE);
}
END_TEST

/* The echo's texts, and that each reads back to the same value. */
START_TEST(test_format)
{
	static const struct { uint64_t v; const char *text; } sizes[] = {
		{ 0, "0" }, { 64, "64" }, { 1000, "1000" }, { 1024, "1k" }, { 65536, "64k" },
		{ 1536 * 1024, "1536k" }, { UINT64_C(1) << 20, "1m" }, { UINT64_C(3) << 30, "3g" },
		{ UINT64_C(1) << 40, "1024g" }, { 100000, "100000" },
	};
	static const struct { uint32_t ppm; const char *text; } fracs[] = {
		{ 0, "0" }, { PARSE_PPM_ONE, "1" }, { 250000, "0.25" }, { 500000, "0.5" },
		{ 1, "0.000001" }, { 125000, "0.125" }, { 999999, "0.999999" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t back;

		parse_format_size(sizes[i].v, buf, sizeof(buf));
		ck_assert_str_eq(buf, sizes[i].text);
		ck_assert_int_eq(parse_u64(buf, PARSE_BYTES, &back), 0);
		ck_assert(back == sizes[i].v);
	}
	for (size_t i = 0; i < sizeof(fracs) / sizeof(fracs[0]); i++) {
		uint32_t back;

		parse_format_ppm(fracs[i].ppm, buf, sizeof(buf));
		ck_assert_str_eq(buf, fracs[i].text);
		ck_assert_int_eq(parse_ppm(buf, &back), 0);
		ck_assert_uint_eq(back, fracs[i].ppm);
	}
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("Numbers");

	tcase_add_loop_test(tc, test_u64, 0, sizeof(u64_cases) / sizeof(u64_cases[0]));
	tcase_add_loop_test(tc, test_ppm, 0, sizeof(ppm_cases) / sizeof(ppm_cases[0]));
	tcase_add_test(tc, test_real);
	tcase_add_test(tc, test_bool);
	suite_add_tcase(s, tc);
	tc = tcase_create("Format");
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
