/*
 * tests/test_report.c - the result readers behind `mmusim report` and
 * `mmusim sweep`: the JSON reader (values, escapes, errors with line and
 * column, nesting limit), the "command" member of the JSON emitter (absent
 * unless given, so earlier output is unchanged), and the flattening of a
 * result into named columns with histogram buckets and labels.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/emit.h"
#include "results/json_read.h"
#include "results/report_data.h"
#include "sim/config.h"
#include "sim/stats.h"

static struct json_value *parse_ok(const char *s)
{
	struct json_value *v = NULL;
	struct sim_error e = { 0 };

	ck_assert_msg(!json_parse(s, strlen(s), "t", &v, &e), "%s", e.msg);
	return v;
}

START_TEST(json_values)
{
	struct json_value *v = parse_ok(" {\"a\": [1, -2.5e3, true, false, null],"
					" \"s\": \"x\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\", \"o\": {}} ");
	const struct json_value *a = json_get(v, "a"), *s = json_get(v, "s");

	ck_assert_int_eq(v->type, JSON_OBJECT);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_int_eq(a->type, JSON_ARRAY);
	ck_assert_uint_eq(a->n, 5);
	ck_assert_str_eq(a->items[0].text, "1");
	ck_assert(a->items[1].num == -2500.0);
	ck_assert(a->items[2].type == JSON_BOOL && a->items[2].b);
	ck_assert(a->items[3].type == JSON_BOOL && !a->items[3].b);
	ck_assert_int_eq(a->items[4].type, JSON_NULL);
	ck_assert_str_eq(s->text, "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
	ck_assert_int_eq(json_get(v, "o")->type, JSON_OBJECT);
	ck_assert_ptr_null(json_get(v, "missing"));
	json_free(v);
}
END_TEST

static void parse_bad(const char *s, const char *msg)
{
	struct json_value *v = NULL;
	struct sim_error e = { 0 };

	ck_assert_int_eq(json_parse(s, strlen(s), "f.json", &v, &e), SIM_E_PARSE);
	ck_assert_ptr_null(v);
	ck_assert_msg(strstr(e.msg, msg), "'%s' lacks '%s'", e.msg, msg);
}

START_TEST(json_errors)
{
	char deep[200];

	parse_bad("{\n  \"a\": tru\n}", "f.json:2:8: expected a value");
	parse_bad("{\"a\" 1}", "f.json:1:6: expected ':'");
	parse_bad("[1, 2", "f.json:1:6: expected ',' or ']', got the end");
	parse_bad("{} x", "f.json:1:4: expected the end of the document");
	parse_bad("\"abc", "expected '\"' closing the string");
	parse_bad("\"a\x01\"", "control characters");
	parse_bad("01", "expected the end");
	parse_bad("-", "expected a digit");
	parse_bad("", "f.json:1:1: expected a value, got the end of the file");
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	parse_bad(deep, "nesting too deep");
}
END_TEST

/* A tiny registry: two counters and a histogram. */
struct fixture {
	struct stats_registry reg;
	uint64_t v[2];
	struct stats_hist h;
};

static void fixture_init(struct fixture *f)
{
	static const char *const names[] = { "walks", "walk_cycles" };
	struct sim_error e = { 0 };

	stats_init(&f->reg);
	f->v[0] = 4;
	f->v[1] = 100;
	ck_assert(!stats_hist_init(&f->h, 8));
	stats_hist_add(&f->h, 2);
	stats_hist_add(&f->h, 2);
	stats_hist_add(&f->h, 3);
	stats_hist_add(&f->h, 20);
	ck_assert(!stats_register(&f->reg, NULL, names, f->v, 2, &e));
	ck_assert(!stats_register_hist(&f->reg, "hist.walk_refs", &f->h, &e));
}

static char *render(const struct emit_run *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	struct sim_error e = { 0 };

	ck_assert_ptr_nonnull(mf);
	ck_assert(!emit_json(mf, run, &e));
	fclose(mf);
	return text;
}

START_TEST(emit_command)
{
	struct fixture f;
	static const char *const argv[] = { "mmusim", "run", "--set", "a.b=\"q\"", "t.lackey" };
	struct emit_run run = { .reg = &f.reg, .complete = true };
	char *plain, *with;

	fixture_init(&f);
	plain = render(&run);
	ck_assert_ptr_null(strstr(plain, "command"));
	run.argv = argv;
	run.argc = 5;
	with = render(&run);
	ck_assert_msg(strstr(with, "\"complete\": true,\n  \"command\": [\"mmusim\", \"run\", "
			     "\"--set\", \"a.b=\\\"q\\\"\", \"t.lackey\"],\n"), "%s", with);
	/* apart from that line, the output is the same */
	{
		char *line = strstr(with, "  \"command\"");
		size_t pre = (size_t)(line - with);
		char *eol = strchr(line, '\n');

		ck_assert(!strncmp(plain, with, pre));
		ck_assert_str_eq(plain + pre, eol + 1);
	}
	free(plain);
	free(with);
	stats_hist_free(&f.h);
	stats_free(&f.reg);
}
END_TEST

START_TEST(flatten_result)
{
	struct fixture f;
	static const char *const argv[] = { "mmusim", "run", "--preset", "cortex-a76", "--set",
					    "tlb.L2.entries=512", "--json", "x.json", "dir/gcc.lackey.gz" };
	struct sim_config cfg;
	struct emit_run run = { .cfg = &cfg, .reg = &f.reg, .complete = true, .argv = argv,
				.argc = 9 };
	struct rd_set set = { 0 };
	struct sim_error e = { 0 };
	const struct rd_hist *h;
	char *text;
	double d;

	fixture_init(&f);
	ck_assert(!cfg_init_defaults(&cfg));
	ck_assert(!cfg_finalize(&cfg, &e));
	text = render(&run);
	ck_assert_msg(!rd_load_json_text(&set, text, strlen(text), "r.json", &e), "%s", e.msg);
	ck_assert(!rd_label(&set));
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(rd_get(&set.r[0], "walks"), "4");
	ck_assert_str_eq(rd_get(&set.r[0], "complete"), "1");
	ck_assert_str_eq(rd_get(&set.r[0], "config.run.mode"), "virt");
	ck_assert_str_eq(rd_get(&set.r[0], "hist.walk_refs.count"), "4");
	ck_assert_str_eq(rd_get(&set.r[0], "hist.walk_refs.overflow"), "1");
	ck_assert(rd_num(&set.r[0], "walk_cycles", &d) && d == 100.0);
	ck_assert(!rd_num(&set.r[0], "config.run.mode", &d));
	h = rd_hist_find(&set.r[0], "hist.walk_refs");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->limit, 8);
	ck_assert_uint_eq(h->bucket[2], 2);
	ck_assert_uint_eq(h->bucket[8], 1);
	/* labels */
	ck_assert_str_eq(rd_get(&set.r[0], "workload"), "gcc");
	ck_assert_str_eq(rd_get(&set.r[0], "config_name"), "cortex-a76 tlb.L2.entries=512");
	ck_assert_str_eq(rd_get(&set.r[0], "report.s1_levels"), "4");
	ck_assert_str_eq(rd_get(&set.r[0], "report.s2_levels"), "3");
	ck_assert_str_eq(rd_get(&set.r[0], "command"),
			 "mmusim run --preset cortex-a76 --set tlb.L2.entries=512 --json x.json "
			 "dir/gcc.lackey.gz");
	rd_free(&set);
	free(text);
	stats_hist_free(&f.h);
	stats_free(&f.reg);
}
END_TEST

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A compare directory: each configuration's JSON under its row's names; a
 * row without JSON from the CSV; a directory of neither kind refused. */
START_TEST(compare_directory)
{
	struct fixture f;
	struct emit_run run = { .reg = &f.reg, .complete = true };
	struct rd_set set = { 0 };
	struct sim_error e = { 0 };
	char dir[64], path[128], *text;
	const struct rd_hist *h;

	fixture_init(&f);
	snprintf(dir, sizeof(dir), "%s/cmpXXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	write_text(path, "mmusim_version,complete,config_name,workload,description,settings,"
		   "json,seconds,walks\n"
		   "0.1.0,1,virt,two-vms,\"stage 2, 3 levels\",,elsewhere/virt.json,0.5,4\n"
		   "0.1.0,0,broken,two-vms,failed,,elsewhere/broken.json,0.1,\n");
	text = render(&run);
	snprintf(path, sizeof(path), "%s/virt.json", dir);
	write_text(path, text);
	free(text);
	ck_assert_msg(!rd_load(&set, dir, &e), "%s", e.msg);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(rd_get(&set.r[0], "config_name"), "virt");
	ck_assert_str_eq(rd_get(&set.r[0], "workload"), "two-vms");
	ck_assert_str_eq(rd_get(&set.r[0], "walk_cycles"), "100");     /* from the JSON */
	h = rd_hist_find(&set.r[0], "hist.walk_refs");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->bucket[2], 2);
	ck_assert_ptr_nonnull(strstr(set.r[0].source, "/virt.json"));
	ck_assert_str_eq(rd_get(&set.r[1], "config_name"), "broken");
	ck_assert_str_eq(rd_get(&set.r[1], "complete"), "0");
	ck_assert_ptr_nonnull(strstr(set.r[1].source, "compare.csv:3"));
	rd_free(&set);
	unlink(path);
	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	unlink(path);
	ck_assert_int_eq(rd_load(&set, dir, &e), SIM_E_IO);
	ck_assert_msg(strstr(e.msg, "neither a sweep's (no cells.tsv) nor a compare's (no "
			     "compare.csv)"), "%s", e.msg);
	ck_assert_uint_eq(set.n, 0);
	rmdir(dir);
	stats_hist_free(&f.h);
	stats_free(&f.reg);
}
END_TEST

START_TEST(shell_quote)
{
	char *const argv[] = { "mmusim", "a b", "it's", "", "x=1,2", NULL };
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);

	rd_shell_quote(mf, argv);
	fclose(mf);
	ck_assert_str_eq(text, "mmusim 'a b' 'it'\\''s' '' x=1,2");
	free(text);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, json_values);
	tcase_add_test(tc, json_errors);
	tcase_add_test(tc, emit_command);
	tcase_add_test(tc, flatten_result);
	tcase_add_test(tc, shell_quote);
	tcase_add_test(tc, compare_directory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
