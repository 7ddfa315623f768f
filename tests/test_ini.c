/*
 * tests/test_ini.c - the one INI reader (sim/ini.c): every syntax case of
 * sim/ini.h (headers, keys, blanks, comments, CRLF, a byte-order mark,
 * empty values, values holding '=' and ';'), every syntax error with its
 * line, the callback's errors given the same "ORIGIN:LINE: " and stopping
 * the read; and that configuration files, workload files and sweep files
 * (the readers of sim/config.c, workloads/workload.c and `mmusim sweep`)
 * report the same malformed text with the same message.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "sim/ini.h"
#include "workloads/workload.h"

/* What the reader handed over: "[S]@L" for a header, "S.K=V@L" for a key. */
struct log {
	char text[8192];
	size_t len;
	unsigned stop_at;       /* fail on this line (0: never) */
};

static int record(void *ctx, const struct ini_item *it, struct sim_error *err)
{
	struct log *l = ctx;

	if (it->key)
		l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
					   "%s.%s=%s@%u|", it->section, it->key, it->value,
					   it->line);
	else
		l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len,
					   "[%s]@%u|", it->section, it->line);
	if (it->line == l->stop_at)
		return sim_error_set(err, SIM_E_CONFIG, "[%s]: the callback refuses this",
				     it->section);
	return 0;
}

static void expect_items(const char *text, const char *want)
{
	struct log l = { .len = 0 };
	struct sim_error err = { 0 };
	int rc = ini_parse(text, strlen(text), "t.ini", record, &l, &err);

	ck_assert_msg(rc == 0, "'%s': %s", text, err.msg);
	ck_assert_msg(!strcmp(l.text, want), "'%s':\n got  %s\n want %s", text, l.text, want);
}

START_TEST(test_syntax)
{
	expect_items("", "");
	expect_items("\n\n   \n\t\n", "");
	expect_items("[a]\nk = v\n", "[a]@1|a.k=v@2|");
	/* no newline at the end */
	expect_items("[a]\nk=v", "[a]@1|a.k=v@2|");
	/* blanks around the line, the name, the key and the value */
	expect_items("  [ sec one ]  \n\t key two \t=\t value two \t\n",
		     "[sec one]@1|sec one.key two=value two@2|");
	/* comments: '#' or ';' first; ';' after a blank on a key line; after ']' */
	expect_items("# c\n; c\n  # c\n[a] ; c\n[b]# c\nk = v ; c\nl = v\t; c\n",
		     "[a]@4|[b]@5|b.k=v@6|b.l=v@7|");
	/* ';' not after a blank, '#' and '=' are part of the value */
	expect_items("[a]\nk = x;y\nl = a#b\nm = p=q\nn = ;\n",
		     "[a]@1|a.k=x;y@2|a.l=a#b@3|a.m=p=q@4|a.n=@5|");
	/* an empty value, with or without blanks */
	expect_items("[a]\nk =\nl=   \n", "[a]@1|a.k=@2|a.l=@3|");
	/* CRLF line ends, and a CR before the blanks */
	expect_items("[a]\r\nk = v\r\nl = w \r\n", "[a]@1|a.k=v@2|a.l=w@3|");
	/* a UTF-8 byte-order mark before the first line */
	expect_items("\xef\xbb\xbf[a]\nk = v\n", "[a]@1|a.k=v@2|");
	/* an indented line is a line of its own: no continuation */
	expect_items("[a]\nk = v\n  l = w\n", "[a]@1|a.k=v@2|a.l=w@3|");
	/* sections repeat and keys repeat: the callback decides */
	expect_items("[a]\nk = 1\n[b]\n[a]\nk = 2\n", "[a]@1|a.k=1@2|[b]@3|[a]@4|a.k=2@5|");
	/* a name with dots and blanks inside, as [tlb.L1D] and [config a76] */
	expect_items("[tlb.L1D]\n[config a76]\n", "[tlb.L1D]@1|[config a76]@2|");
	/* the longest line */
	{
		static char text[INI_LINE_MAX + 16];
		char want[INI_LINE_MAX + 32];

		memcpy(text, "[a]\nk = ", 8);
		memset(text + 8, 'x', INI_LINE_MAX - 4);
		text[INI_LINE_MAX + 4] = '\0';
		snprintf(want, sizeof(want), "[a]@1|a.k=%s@2|", text + 8);
		expect_items(text, want);
	}
}
END_TEST

struct bad_case {
	const char *text;
	const char *msg;        /* the whole message */
};

static const struct bad_case bad_cases[] = {
	{ "[a]\nk = v\nno equals sign\n",
	  "t.ini:3: expected '[section]', 'key = value' or a comment, got 'no equals sign'" },
	{ "[a\n", "t.ini:1: malformed section header '[a' (expected '[NAME]', then nothing "
	  "but a comment)" },
	{ "[]\n", "t.ini:1: malformed section header '[]' (expected '[NAME]', then nothing "
	  "but a comment)" },
	{ "[  ]\n", "t.ini:1: malformed section header '[  ]' (expected '[NAME]', then "
	  "nothing but a comment)" },
	{ "\n[a] b\n", "t.ini:2: malformed section header '[a] b' (expected '[NAME]', then "
	  "nothing but a comment)" },
	{ "[a]]\n", "t.ini:1: malformed section header '[a]]' (expected '[NAME]', then "
	  "nothing but a comment)" },
	{ "[a]\n = v\n", "t.ini:2: a key is missing before '='" },
	{ "k = v\n[a]\n", "t.ini:1: key 'k' outside any section; expected a [section] "
	  "line first" },
	{ "; c\n\n  k = v\n", "t.ini:3: key 'k' outside any section; expected a [section] "
	  "line first" },
	/* a BOM anywhere but at the start is text */
	{ "[a]\n\xef\xbb\xbfk = v\n[b]\n\xef\xbb\xbf[c]\n",
	  "t.ini:4: expected '[section]', 'key = value' or a comment, got '\xef\xbb\xbf[c]'" },
};

START_TEST(test_errors)
{
	const struct bad_case *c = &bad_cases[_i];
	struct log l = { .len = 0 };
	struct sim_error err = { 0 };

	ck_assert_int_eq(ini_parse(c->text, strlen(c->text), "t.ini", record, &l, &err),
			 SIM_E_PARSE);
	ck_assert_int_eq(err.code, SIM_E_PARSE);
	ck_assert_str_eq(err.msg, c->msg);
}
END_TEST

START_TEST(test_nul_and_long_lines)
{
	static const char nul[] = "[a]\nk = v\nl = \0w\nm = x\n";
	static char text[INI_LINE_MAX + 32];
	struct log l = { .len = 0 };
	struct sim_error err = { 0 };

	ck_assert_int_eq(ini_parse(nul, sizeof(nul) - 1, "t.ini", record, &l, &err), SIM_E_PARSE);
	ck_assert_str_eq(err.msg, "t.ini:3: a NUL byte in the text");
	/* what came before the error was handed over, nothing after it */
	ck_assert_str_eq(l.text, "[a]@1|a.k=v@2|");
	/* a NUL byte in a comment or a blank line is an error too */
	sim_error_clear(&err);
	ck_assert_int_eq(ini_parse("# \0\n", 4, "t.ini", record, &l, &err), SIM_E_PARSE);
	ck_assert_str_eq(err.msg, "t.ini:1: a NUL byte in the text");
	/* one character over the limit, even in a comment */
	memcpy(text, "[a]\n#", 5);
	memset(text + 5, 'x', INI_LINE_MAX);
	memcpy(text + 5 + INI_LINE_MAX, "\nk = v\n", 8);
	sim_error_clear(&err);
	ck_assert_int_eq(ini_parse(text, strlen(text), "t.ini", record, &l, &err), SIM_E_PARSE);
	ck_assert_str_eq(err.msg, "t.ini:2: line longer than 4096 characters");
	/* the CR of a CRLF line end does not count */
	memset(text + 4, 'x', sizeof(text) - 4);
	text[4] = '#';
	memcpy(text + 4 + INI_LINE_MAX, "\r\n", 3);
	sim_error_clear(&err);
	ck_assert_msg(ini_parse(text, strlen(text), "t.ini", record, &l, &err) == 0, "%s", err.msg);
}
END_TEST

START_TEST(test_callback_errors)
{
	struct log l = { .stop_at = 3 };
	struct sim_error err = { 0 };
	const char *text = "[a]\nk = 1\n[b]\nk = 2\nbroken line\n";

	/* the callback's message gets the same "ORIGIN:LINE: ", its code is kept,
	 * and nothing after it is read (not even the malformed line 5) */
	ck_assert_int_eq(ini_parse(text, strlen(text), "dir/x.ini", record, &l, &err),
			 SIM_E_CONFIG);
	ck_assert_str_eq(err.msg, "dir/x.ini:3: [b]: the callback refuses this");
	ck_assert_str_eq(l.text, "[a]@1|a.k=1@2|[b]@3|");
	/* on a key line */
	l = (struct log){ .stop_at = 4 };
	sim_error_clear(&err);
	ck_assert_int_eq(ini_parse(text, strlen(text), "x", record, &l, &err), SIM_E_CONFIG);
	ck_assert_str_eq(err.msg, "x:4: [b]: the callback refuses this");
	/* a syntax error stops the read before later lines reach the callback */
	l = (struct log){ .stop_at = 6 };
	sim_error_clear(&err);
	ck_assert_int_eq(ini_parse("[a]\nbad\n[b]\n", 12, "x", record, &l, &err), SIM_E_PARSE);
	ck_assert_str_eq(l.text, "[a]@1|");
}
END_TEST

START_TEST(test_file)
{
	char path[] = "/tmp/test_ini.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct log l = { .len = 0 };
	struct sim_error err = { 0 };
	char want[600];

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("[a]\nk = v\n\nbad\n", f);
	fclose(f);
	ck_assert_int_eq(ini_parse_file(path, record, &l, &err), SIM_E_PARSE);
	snprintf(want, sizeof(want), "%s:4: expected '[section]', 'key = value' or a comment, "
		 "got 'bad'", path);
	ck_assert_str_eq(err.msg, want);
	unlink(path);
	sim_error_clear(&err);
	ck_assert_int_eq(ini_parse_file(path, record, &l, &err), SIM_E_IO);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
}
END_TEST

/* The same malformed text gives the same error from every reader of INI
 * files: the configuration's and the workload's (the sweep file's is
 * checked by tests/run_sweep.sh). */
struct shared_case {
	const char *text;
	size_t len;             /* 0: strlen(text) */
	bool long_tail;         /* append INI_LINE_MAX characters */
	const char *msg;
};

static const struct shared_case shared_cases[] = {
	{ "# c\n\n; c\nno equals sign\n", 0, false,
	  "f.ini:4: expected '[section]', 'key = value' or a comment, got 'no equals sign'" },
	{ "[workload\n", 0, false, "f.ini:1: malformed section header '[workload' (expected "
	  "'[NAME]', then nothing but a comment)" },
	{ "\t[run] x\n", 0, false, "f.ini:1: malformed section header '[run] x' (expected "
	  "'[NAME]', then nothing but a comment)" },
	{ "[ ]\n", 0, false, "f.ini:1: malformed section header '[ ]' (expected '[NAME]', then "
	  "nothing but a comment)" },
	{ "; c\nseed = 1\n", 0, false, "f.ini:2: key 'seed' outside any section; expected a "
	  "[section] line first" },
	{ "=1\n", 0, false, "f.ini:1: a key is missing before '='" },
	{ "# c\n# \0\n", 8, false, "f.ini:2: a NUL byte in the text" },
	{ "\n\n\n#", 0, true, "f.ini:4: line longer than 4096 characters" },
};

START_TEST(test_same_errors)
{
	const struct shared_case *c = &shared_cases[_i];
	static char text[INI_LINE_MAX + 64];
	size_t len = c->len ? c->len : strlen(c->text);
	struct sim_config cfg;
	struct workload wl;
	struct sim_error ce = { 0 }, we = { 0 }, re = { 0 };
	struct log l = { .len = 0 };

	memcpy(text, c->text, len);
	if (c->long_tail) {
		memset(text + len, 'x', INI_LINE_MAX);
		len += INI_LINE_MAX;
	}
	ck_assert_int_eq(ini_parse(text, len, "f.ini", record, &l, &re), SIM_E_PARSE);
	ck_assert_str_eq(re.msg, c->msg);
	ck_assert_int_eq(cfg_init_defaults(&cfg), 0);
	ck_assert_int_eq(cfg_load_text(&cfg, text, len, "f.ini", &ce), SIM_E_PARSE);
	ck_assert_str_eq(ce.msg, c->msg);
	ck_assert_int_eq(workload_parse_string(&wl, text, len, "f.ini", NULL, &we), SIM_E_PARSE);
	ck_assert_str_eq(we.msg, c->msg);
}
END_TEST

/* And what both accept: comments after a header, CRLF, blanks, a BOM. */
START_TEST(test_same_syntax)
{
	static const char cfg_text[] =
		"\xef\xbb\xbf# a configuration\r\n"
		"  [run]   ; the run\r\n"
		"\tseed\t=\t0x10 ; hex\r\n"
		"[memory] # memory\n"
		"latency = 7\n";
	static const char wl_text[] =
		"\xef\xbb\xbf# a workload\r\n"
		"  [workload]   ; the workload\r\n"
		"\tseed\t=\t0x10 ; hex\r\n"
		"[vm.a] # a VM\n"
		"exit_every = 7\n";
	struct sim_config cfg;
	struct workload wl;
	struct sim_error e = { 0 };

	ck_assert_int_eq(cfg_init_defaults(&cfg), 0);
	ck_assert_msg(cfg_load_string(&cfg, cfg_text, "c.ini", &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(cfg.run.seed, 16);
	ck_assert_uint_eq(cfg.memory.latency, 7);
	ck_assert_msg(workload_parse_string(&wl, wl_text, sizeof(wl_text) - 1, "w.ini", NULL,
					    &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(wl.seed, 16);
	ck_assert_uint_eq(wl.vms[0].exit_every, 7);
	ck_assert_uint_eq(wl.vms[0].line, 4);
	workload_free(&wl);
}
END_TEST

static Suite *ini_suite(void)
{
	Suite *s = suite_create("ini");
	TCase *tc = tcase_create("Reader");

	tcase_add_test(tc, test_syntax);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_nul_and_long_lines);
	tcase_add_test(tc, test_callback_errors);
	tcase_add_test(tc, test_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("Readers");
	tcase_add_loop_test(tc, test_same_errors, 0, sizeof(shared_cases) / sizeof(shared_cases[0]));
	tcase_add_test(tc, test_same_syntax);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ini_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
