/*
 * tests/test_emit.c - the emitters: exact JSON for a small registry, the
 * nesting of the configuration echo, validity of the whole document, the
 * incomplete marker, atomic JSON files, CSV header/append rules and the
 * text table.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/csv.h"
#include "results/emit.h"
#include "sim/bits.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"

/* ---- a minimal JSON checker (RFC 8259 grammar, no semantics) ---------- */

static const char *js_value(const char *p);

static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *js_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p > s ? p : NULL;
}

static const char *js_seq(const char *p, char close, bool object)
{
	p = js_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = js_string(js_ws(p));
			if (!p)
				return NULL;
			p = js_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = js_value(p);
		if (!p)
			return NULL;
		p = js_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *js_value(const char *p)
{
	p = js_ws(p);
	switch (*p) {
	case '{': return js_seq(p, '}', true);
	case '[': return js_seq(p, ']', false);
	case '"': return js_string(p);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return js_number(p);
	}
}

static bool json_valid(const char *s)
{
	const char *end = js_value(s);

	return end && !*js_ws(end);
}

/* ---- fixture ------------------------------------------------------------ */

static const char *const top_names[] = { "accesses" };
static const char *const tlb_names[] = { "lookups", "hits" };
static const char *const walk_names[] = { "walks" };

struct fx {
	struct stats_registry reg;
	struct sim_error err;
	struct sim_config cfg;
	uint64_t top[1], l1d[2], l2[2], walks[1];
	struct stats_hist refs;
	char dir[64];
};

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	sim_error_clear(&f->err);
	stats_init(&f->reg);
	ck_assert_int_eq(cfg_init_defaults(&f->cfg), 0);
	ck_assert_int_eq(cfg_finalize(&f->cfg, &f->err), 0);
	ck_assert_int_eq(stats_hist_init(&f->refs, 4), 0);
	ck_assert_int_eq(stats_register(&f->reg, NULL, top_names, f->top, 1, &f->err), 0);
	ck_assert_int_eq(stats_register(&f->reg, "tlb.L1D", tlb_names, f->l1d, 2, &f->err), 0);
	ck_assert_int_eq(stats_register(&f->reg, "tlb.L2", tlb_names, f->l2, 2, &f->err), 0);
	ck_assert_int_eq(stats_register(&f->reg, "", walk_names, f->walks, 1, &f->err), 0);
	ck_assert_int_eq(stats_register_hist(&f->reg, "walk.refs", &f->refs, &f->err), 0);
	ck_assert_int_eq(stats_register_ratio(&f->reg, "tlb.L1D.hit_rate", "tlb.L1D.hits",
					      "tlb.L1D.lookups", 1, 1, &f->err), 0);
	ck_assert_int_eq(stats_register_ratio(&f->reg, "tlb.L2.hit_rate", "tlb.L2.hits",
					      "tlb.L2.lookups", 1, 1, &f->err), 0);
	f->top[0] = 10;
	f->l1d[0] = 10;
	f->l1d[1] = 8;
	f->l2[0] = 2;
	f->walks[0] = 2;
	stats_hist_add(&f->refs, 3);
	stats_hist_add(&f->refs, 4);    /* overflow bucket */
	snprintf(f->dir, sizeof(f->dir), "%s/emitXXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
}

static void fx_fini(struct fx *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;
	char p[512];

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	stats_free(&f->reg);
	stats_hist_free(&f->refs);
}

static char *render(int (*fn)(FILE *, const struct emit_run *, struct sim_error *),
		    const struct emit_run *run)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	struct sim_error err;

	sim_error_clear(&err);
	ck_assert_ptr_nonnull(mf);
	ck_assert_int_eq(fn(mf, run, &err), 0);
	fclose(mf);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	ck_assert_ptr_nonnull(f);
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- JSON -------------------------------------------------------------- */

START_TEST(test_json_exact)
{
	struct fx f;
	struct emit_run run = { .cfg = NULL, .complete = true };
	char want[2048], *got;

	fx_init(&f);
	run.reg = &f.reg;
	snprintf(want, sizeof(want),
		 "{\n"
		 "  \"mmusim_version\": \"%s\",\n"
		 "  \"complete\": true,\n"
		 "  \"accesses\": 10,\n"
		 "  \"tlb\": {\n"
		 "    \"L1D\": {\n"
		 "      \"lookups\": 10,\n"
		 "      \"hits\": 8,\n"
		 "      \"hit_rate\": 0.800000\n"
		 "    },\n"
		 "    \"L2\": {\n"
		 "      \"lookups\": 2,\n"
		 "      \"hits\": 0,\n"
		 "      \"hit_rate\": 0.000000\n"
		 "    }\n"
		 "  },\n"
		 "  \"walks\": 2,\n"
		 "  \"walk\": {\n"
		 "    \"refs\": {\"count\": 2, \"sum\": 7, \"mean\": 3.500000, \"p50\": 3, "
		 "\"p95\": 4, \"p99\": 4, \"limit\": 4, \"overflow\": 1, "
		 "\"buckets\": [0, 0, 0, 1, 1]}\n"
		 "  }\n"
		 "}\n", emit_version());
	got = render(emit_json, &run);
	ck_assert_str_eq(got, want);
	ck_assert(json_valid(got));
	free(got);

	/* undefined ratios and empty histograms are null */
	f.l2[0] = 0;
	stats_snapshot(&f.reg);
	got = render(emit_json, &run);
	ck_assert_ptr_nonnull(strstr(got, "\"hit_rate\": null\n"));
	ck_assert_ptr_nonnull(strstr(got, "\"refs\": {\"count\": 0, \"sum\": 0, \"mean\": null, "
				     "\"p50\": null, \"p95\": null, \"p99\": null, \"limit\": 4, "
				     "\"overflow\": 0, \"buckets\": [0, 0, 0, 0, 0]}"));
	ck_assert(json_valid(got));
	free(got);
	fx_fini(&f);
}
END_TEST

START_TEST(test_json_config_and_incomplete)
{
	struct fx f;
	struct emit_run run = { .complete = false, .reason = "trace.txt:7: bad \"record\"" };
	char *got;

	fx_init(&f);
	run.cfg = &f.cfg;
	run.reg = &f.reg;
	got = render(emit_json, &run);
	ck_assert_msg(json_valid(got), "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "  \"complete\": false,\n  \"incomplete_reason\": "
				     "\"trace.txt:7: bad \\\"record\\\"\",\n  \"config\": {\n"
				     "    \"run\": {\n      \"preset\": \"none\",\n"
				     "      \"mode\": \"virt\",\n      \"seed\": 1,\n"));
	ck_assert_ptr_nonnull(strstr(got, "      \"fast_path\": true\n    },\n"));
	ck_assert_ptr_nonnull(strstr(got, "    \"tlb\": {\n      \"levels\": \"L1I,L1D,L2\",\n"
				     "      \"L1I\": {\n        \"entries\": 48,\n"
				     "        \"ways\": 48,\n        \"repl\": \"lru\",\n"));
	ck_assert_ptr_nonnull(strstr(got, "    \"walkcache\": {\n      \"s1\": {\n"
				     "        \"entries\": 64,\n"));
	ck_assert_ptr_nonnull(strstr(got, "      \"huge_fraction\": 1,\n"));
	ck_assert_ptr_nonnull(strstr(got, "      \"pa_bits\": 48,\n"));
	ck_assert_ptr_nonnull(strstr(got, "        \"size\": 65536,\n"));
	/* the registry follows the config object at the top level */
	ck_assert_ptr_nonnull(strstr(got, "\n  },\n  \"accesses\": 10,\n  \"tlb\": {\n"));
	free(got);
	fx_fini(&f);
}
END_TEST

START_TEST(test_json_file_atomic)
{
	struct fx f;
	struct emit_run run = { .complete = true };
	char path[128], bad[160], *a, *b;
	DIR *d;
	struct dirent *de;
	unsigned files = 0;

	fx_init(&f);
	run.cfg = &f.cfg;
	run.reg = &f.reg;
	snprintf(path, sizeof(path), "%s/run.json", f.dir);
	ck_assert_int_eq(emit_json_file(path, &run, &f.err), 0);
	a = slurp(path);
	ck_assert(json_valid(a));
	f.top[0] = 11;
	ck_assert_int_eq(emit_json_file(path, &run, &f.err), 0);     /* replaces */
	b = slurp(path);
	ck_assert_ptr_nonnull(strstr(b, "\"accesses\": 11,"));
	d = opendir(f.dir);
	while ((de = readdir(d)))
		files += de->d_name[0] != '.';
	closedir(d);
	ck_assert_uint_eq(files, 1);    /* no temporary left behind */
	snprintf(bad, sizeof(bad), "%s/missing/run.json", f.dir);
	ck_assert_int_eq(emit_json_file(bad, &run, &f.err), SIM_E_IO);
	ck_assert_ptr_nonnull(strstr(f.err.msg, "cannot create a temporary file"));
	free(a);
	free(b);
	fx_fini(&f);
}
END_TEST

/* ---- CSV --------------------------------------------------------------- */

START_TEST(test_csv_append)
{
	struct fx f;
	struct emit_run run = { .complete = true };
	char path[128], *text, *nl;

	fx_init(&f);
	run.cfg = &f.cfg;
	run.reg = &f.reg;
	snprintf(path, sizeof(path), "%s/runs.csv", f.dir);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	f.top[0] = 20;
	run.complete = false;
	run.reason = "cut, short";
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	text = slurp(path);
	ck_assert_uint_eq(count_lines(text), 3);
	{
		static const char h[] = "mmusim_version,complete,incomplete_reason,"
					"config.run.preset,config.run.mode,";

		ck_assert(!strncmp(text, h, strlen(h)));
	}
	nl = strchr(text, '\n');
	ck_assert_ptr_nonnull(strstr(text, ",config.tlb.levels,config.tlb.L1I.entries,"));
	ck_assert_ptr_nonnull(strstr(text, ",accesses,tlb.L1D.lookups,tlb.L1D.hits,"
				     "tlb.L2.lookups,tlb.L2.hits,walks,walk.refs.count,"
				     "walk.refs.mean,walk.refs.p50,walk.refs.p95,walk.refs.p99,"
				     "walk.refs.overflow,tlb.L1D.hit_rate,tlb.L2.hit_rate\n"));
	ck_assert_ptr_nonnull(strstr(nl, ",1,,none,virt,"));
	ck_assert_ptr_nonnull(strstr(nl, ",\"L1I,L1D,L2\",48,"));
	ck_assert_ptr_nonnull(strstr(nl, ",10,10,8,2,0,2,2,3.500000,3,4,4,1,0.800000,0.000000\n"));
	ck_assert_ptr_nonnull(strstr(nl, ",0,\"cut, short\",none,"));
	ck_assert_ptr_nonnull(strstr(nl, ",20,10,8,2,0,2,"));
	free(text);
	fx_fini(&f);
}
END_TEST

/* The fields of line @n (1-based) of a CSV text, as new strings. */
static char **csv_line(const char *text, unsigned n, size_t *nf)
{
	const char *p = text, *end = text + strlen(text);
	unsigned line = 1;
	char **f = NULL;

	for (unsigned i = 1; i <= n; i++) {
		if (f)
			csv_fields_free(f, *nf);
		f = NULL;
		ck_assert_int_eq(csv_record(&p, end, &f, nf, &line), 0);
	}
	return f;
}

/* The cell of column @col in the fields @f under the header @h. */
static const char *cell(char **h, size_t nh, char **f, size_t nf, const char *col)
{
	ck_assert_uint_eq(nf, nh);
	for (size_t i = 0; i < nh; i++)
		if (!strcmp(h[i], col))
			return f[i];
	ck_abort_msg("no column %s", col);
	return NULL;
}

/* The one CSV writer: a field is quoted only when it must be, and what it
 * writes reads back as it was. */
START_TEST(test_csv_row)
{
	const char *cells[] = { "plain", "a,b", "say \"hi\"", "two\nlines", NULL, "x\ry", "" };
	const size_t n = sizeof(cells) / sizeof(cells[0]);
	char *text = NULL, **back;
	size_t len = 0, nb;
	FILE *mf = open_memstream(&text, &len);
	const char *p;
	unsigned line = 0;

	ck_assert_ptr_nonnull(mf);
	csv_put_row(mf, cells, n);
	csv_put_row(mf, cells, 1);
	ck_assert_int_eq(fclose(mf), 0);
	ck_assert_str_eq(text, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\"x\ry\",\nplain\n");
	p = text;
	ck_assert_int_eq(csv_record(&p, text + len, &back, &nb, &line), 0);
	ck_assert_uint_eq(nb, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(back[i], cells[i] ? cells[i] : "");
	ck_assert_uint_eq(line, 2);     /* the record spans two lines */
	csv_fields_free(back, nb);
	ck_assert_int_eq(csv_record(&p, text + len, &back, &nb, &line), 0);
	ck_assert_uint_eq(nb, 1);
	ck_assert_str_eq(back[0], "plain");
	csv_fields_free(back, nb);
	ck_assert_ptr_eq(p, text + len);
	free(text);
}
END_TEST

START_TEST(test_csv_union)
{
	struct fx f;
	struct emit_run run = { .complete = true };
	char path[128], *text, **h, **r1, **r2, **r3;
	const char *const extra[] = { "faults" };
	uint64_t faults = 7;
	size_t nh, n1, n2, n3;
	struct stat before, after;

	fx_init(&f);
	run.cfg = &f.cfg;
	run.reg = &f.reg;
	snprintf(path, sizeof(path), "%s/runs.csv", f.dir);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	ck_assert_int_eq(stat(path, &before), 0);

	/* a run with a column the file does not have: the union, rewritten */
	ck_assert_int_eq(stats_register(&f.reg, "walk", extra, &faults, 1, &f.err), 0);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert(after.st_ino != before.st_ino);       /* replaced whole */
	text = slurp(path);
	ck_assert_uint_eq(count_lines(text), 3);
	ck_assert_ptr_nonnull(strstr(text, ",tlb.L2.hit_rate,walk.faults\n"));
	h = csv_line(text, 1, &nh);
	r1 = csv_line(text, 2, &n1);
	r2 = csv_line(text, 3, &n2);
	ck_assert_str_eq(cell(h, nh, r1, n1, "walk.faults"), "");       /* had none */
	ck_assert_str_eq(cell(h, nh, r1, n1, "accesses"), "10");
	ck_assert_str_eq(cell(h, nh, r2, n2, "walk.faults"), "7");
	ck_assert_str_eq(cell(h, nh, r1, n1, "config.tlb.levels"), "L1I,L1D,L2");
	free(text);
	csv_fields_free(r1, n1);
	csv_fields_free(r2, n2);

	/* a run with fewer columns than the file: appended, empty cells */
	stats_free(&f.reg);
	stats_init(&f.reg);
	{
		const char *const top[] = { "accesses" };

		ck_assert_int_eq(stats_register(&f.reg, NULL, top, f.top, 1, &f.err), 0);
	}
	f.top[0] = 99;
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert(after.st_ino == before.st_ino);       /* an append, no rewrite */
	text = slurp(path);
	ck_assert_uint_eq(count_lines(text), 4);
	r3 = csv_line(text, 4, &n3);
	ck_assert_str_eq(cell(h, nh, r3, n3, "accesses"), "99");
	ck_assert_str_eq(cell(h, nh, r3, n3, "walk.faults"), "");
	ck_assert_str_eq(cell(h, nh, r3, n3, "tlb.L1D.lookups"), "");
	csv_fields_free(r3, n3);
	csv_fields_free(h, nh);
	free(text);
	fx_fini(&f);
}
END_TEST

START_TEST(test_csv_refused)
{
	struct fx f;
	struct emit_run run = { .complete = true };
	char path[128], *before, *after;
	FILE *e;

	fx_init(&f);
	run.cfg = &f.cfg;
	run.reg = &f.reg;
	snprintf(path, sizeof(path), "%s/runs.csv", f.dir);

	/* an empty existing file gets the header */
	e = fopen(path, "w");
	fclose(e);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	after = slurp(path);
	ck_assert_uint_eq(count_lines(after), 2);
	free(after);

	/* a file cut in the middle of a row is not appended to */
	e = fopen(path, "a");
	fputs("0.1.0,1", e);
	fclose(e);
	before = slurp(path);
	sim_error_clear(&f.err);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), SIM_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(f.err.msg, "does not end with a newline"));
	after = slurp(path);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);

	/* nor a file that is not a CSV of results */
	e = fopen(path, "w");
	fputs("name,value\nx,1\n", e);
	fclose(e);
	sim_error_clear(&f.err);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), SIM_E_CONFIG);
	ck_assert_msg(strstr(f.err.msg, "runs.csv:1: not a CSV of mmusim results"), "%s",
		      f.err.msg);
	after = slurp(path);
	ck_assert_str_eq(after, "name,value\nx,1\n");
	free(after);

	/* nor, when its columns must grow, one with a malformed row */
	e = fopen(path, "w");
	fputs("mmusim_version,accesses\n0.1.0,1\n0.1.0,2,3\n", e);
	fclose(e);
	sim_error_clear(&f.err);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), SIM_E_CONFIG);
	ck_assert_msg(strstr(f.err.msg, "runs.csv:3: 3 fields, the header has 2"), "%s",
		      f.err.msg);
	after = slurp(path);
	ck_assert_str_eq(after, "mmusim_version,accesses\n0.1.0,1\n0.1.0,2,3\n");
	free(after);
	fx_fini(&f);
}
END_TEST

/* Rows of several processes appending at once, with different columns. */
START_TEST(test_csv_concurrent)
{
	struct fx f;
	char path[128], *text, **h;
	size_t nh;
	enum { NPROC = 8, ROWS = 5 };
	bool seen[NPROC][ROWS] = { { false } };

	fx_init(&f);
	snprintf(path, sizeof(path), "%s/runs.csv", f.dir);
	for (int p = 0; p < NPROC; p++) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			/* even processes have a column of their own */
			const char *const own[] = { "mine" };
			uint64_t mine = (uint64_t)p;
			struct emit_run run = { .cfg = &f.cfg, .reg = &f.reg, .complete = true };
			int bad = 0;

			if (p % 2 == 0) {
				char prefix[32];

				snprintf(prefix, sizeof(prefix), "proc%d", p);
				if (stats_register(&f.reg, prefix, own, &mine, 1, &f.err))
					_exit(2);
			}
			for (int r = 0; r < ROWS; r++) {
				f.top[0] = (uint64_t)(p * 100 + r);
				bad |= emit_csv_append(path, &run, &f.err) != 0;
			}
			_exit(bad);
		}
	}
	for (int p = 0; p < NPROC; p++) {
		int st;

		ck_assert_int_gt(wait(&st), 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	text = slurp(path);
	ck_assert_uint_eq(count_lines(text), 1 + NPROC * ROWS);
	h = csv_line(text, 1, &nh);
	for (unsigned l = 2; l <= 1 + NPROC * ROWS; l++) {
		size_t nf;
		char **r = csv_line(text, l, &nf);
		unsigned v = (unsigned)atoi(cell(h, nh, r, nf, "accesses"));
		unsigned p = v / 100, k = v % 100;
		char col[32];

		ck_assert(p < NPROC && k < ROWS && !seen[p][k]);
		seen[p][k] = true;
		for (unsigned q = 0; q < NPROC; q += 2) {
			char want[16] = "";

			if (q == p)
				snprintf(want, sizeof(want), "%u", p);
			snprintf(col, sizeof(col), "proc%u.mine", q);
			ck_assert_str_eq(cell(h, nh, r, nf, col), want);
		}
		csv_fields_free(r, nf);
	}
	csv_fields_free(h, nh);
	free(text);
	fx_fini(&f);
}
END_TEST

/* ---- text -------------------------------------------------------------- */

START_TEST(test_text_table)
{
	struct fx f;
	struct emit_run run = { .complete = true };
	char head[128], *got;

	fx_init(&f);
	run.reg = &f.reg;
	got = render(emit_text, &run);
	snprintf(head, sizeof(head), "# mmusim %s results (complete)\n", emit_version());
	ck_assert(!strncmp(got, head, strlen(head)));
	ck_assert_ptr_nonnull(strstr(got, "\naccesses                    10\n"
				     "walks                        2\n"));
	ck_assert_ptr_nonnull(strstr(got, "\n[tlb.L1D]\n  lookups                   10\n"
				     "  hits                       8\n"
				     "  hit_rate            0.800000\n"));
	ck_assert_ptr_nonnull(strstr(got, "\n[walk]\n  refs      n=2 mean=3.500000 p50=3 "
				     "p95=>=4 p99=>=4 overflow=1\n"));
	free(got);

	run.cfg = &f.cfg;
	run.complete = false;
	run.reason = "stopped";
	got = render(emit_text, &run);
	ck_assert_ptr_nonnull(strstr(got, "results (INCOMPLETE: stopped)\n# configuration:\n"
				     "# [run]\n# preset = none\n# mode = virt\n"));
	free(got);
	fx_fini(&f);
}
END_TEST

/* An absent block: out of the text, zeros in JSON and CSV. */
START_TEST(test_absent_block)
{
	static const char *const wc_names[] = { "lookups", "hits" };
	struct fx f;
	struct emit_run run = { .complete = true };
	char path[128], *got;

	fx_init(&f);
	run.reg = &f.reg;
	ck_assert_int_eq(stats_register(&f.reg, "walkcache.s1", wc_names, NULL, 2, &f.err), 0);
	got = render(emit_text, &run);
	ck_assert_ptr_null(strstr(got, "walkcache"));
	ck_assert_ptr_nonnull(strstr(got, "[tlb.L2]"));
	free(got);
	got = render(emit_json, &run);
	ck_assert_ptr_nonnull(strstr(got, "  \"walkcache\": {\n    \"s1\": {\n"
				     "      \"lookups\": 0,\n      \"hits\": 0\n"));
	free(got);
	snprintf(path, sizeof(path), "%s/runs.csv", f.dir);
	ck_assert_int_eq(emit_csv_append(path, &run, &f.err), 0);
	got = slurp(path);
	ck_assert_ptr_nonnull(strstr(got, ",walkcache.s1.lookups,walkcache.s1.hits"));
	free(got);
	fx_fini(&f);
}
END_TEST

static Suite *emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_exact);
	tcase_add_test(tc, test_json_config_and_incomplete);
	tcase_add_test(tc, test_json_file_atomic);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_test(tc, test_csv_append);
	tcase_add_test(tc, test_csv_row);
	tcase_add_test(tc, test_csv_union);
	tcase_add_test(tc, test_csv_refused);
	tcase_add_test(tc, test_csv_concurrent);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_table);
	tcase_add_test(tc, test_absent_block);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(emit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
