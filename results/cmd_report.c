/*
 * results/cmd_report.c - `mmusim report`: charts, tables and a design-review
 * report (HTML and Markdown) from result files.
 *
 * Every chart is a small tab-separated data file, written here from the
 * results by column name, and a gnuplot script in results/plot/ that reads
 * those columns by name.  The report links the charts, shows the tables
 * behind them, each configuration's parameters, the mmusim versions and the
 * command that reproduces every number, and DIR/plot.sh redraws the charts
 * with the exact gnuplot commands used.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/emit.h"
#include "results/report_data.h"
#include "sim/cmd.h"
#include "sim/installed.h"

#define MAX_SERIES_CURVES 12    /* curves in one line chart */
#define MAX_REFS_CHARTS 8       /* per-configuration reference histograms */

/* ---- small helpers -------------------------------------------------------- */

/*
 * Memory: every allocation is checked.  A helper that cannot allocate
 * returns SIM_E_NOMEM (or NULL), its caller passes that on, and the command
 * says "out of memory" and exits with status 1; what it wrote so far stays.
 */

/* realloc() that never asks for 0 bytes (whose NULL would mean nothing). */
static void *grow(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

/* A series or column name gnuplot can take in a word list: no blanks or
 * quotes.  NULL when out of memory. */
static char *series_name(const char *s)
{
	char *d = strdup(*s ? s : "none");

	for (char *p = d; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.+=:/-,@%", *p)))
			*p = '_';
	return d;
}

/* A category label: anything but tabs and newlines.  NULL when out of memory. */
static char *cat_name(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

/* ---- tables --------------------------------------------------------------- */

struct table {
	size_t ncol, nrow;
	char **col;
	char **cell;            /* nrow x ncol */
};

static int table_init(struct table *t, size_t ncol)
{
	memset(t, 0, sizeof(*t));
	t->col = calloc(ncol ? ncol : 1, sizeof(char *));
	if (!t->col)
		return SIM_E_NOMEM;
	t->ncol = ncol;
	return 0;
}

/* Name column @col @name (a new string, taken over; NULL is out of memory). */
static int table_name(struct table *t, size_t col, char *name)
{
	if (!name)
		return SIM_E_NOMEM;
	free(t->col[col]);
	t->col[col] = name;
	return 0;
}

static int table_add_row(struct table *t)
{
	char **c = grow(t->cell, (t->nrow + 1) * t->ncol * sizeof(char *));

	if (!c)
		return SIM_E_NOMEM;
	t->cell = c;
	for (size_t i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = NULL;
	t->nrow++;
	return 0;
}

static int table_set(struct table *t, size_t row, size_t col, const char *v)
{
	char **c = &t->cell[row * t->ncol + col], *d = strdup(v);

	if (!d)
		return SIM_E_NOMEM;
	free(*c);
	*c = d;
	return 0;
}

static int table_setf(struct table *t, size_t row, size_t col, double v)
{
	char buf[64];

	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else
		snprintf(buf, sizeof(buf), "%.6g", v);
	return table_set(t, row, col, buf);
}

static const char *table_get(const struct table *t, size_t row, size_t col)
{
	const char *c = t->cell[row * t->ncol + col];

	return c ? c : "";
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncol; i++)
		free(t->col[i]);
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->col);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

static int table_write_tsv(const struct table *t, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t c = 0; c < t->ncol; c++)
		fprintf(f, "%s%s", c ? "\t" : "", t->col[c] ? t->col[c] : "");
	fputc('\n', f);
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t c = 0; c < t->ncol; c++) {
			const char *v = table_get(t, r, c);

			fprintf(f, "%s%s", c ? "\t" : "", *v ? v : "NaN");
		}
		fputc('\n', f);
	}
	return fclose(f) ? -1 : 0;
}

/* ---- label lists ---------------------------------------------------------- */

/*
 * Add @s to the list @v of @n strings unless it is there; *@at (if not
 * NULL) is its index.  Return: 0 or SIM_E_NOMEM (the list is unchanged).
 */
static int label_add(char ***v, size_t *n, const char *s, size_t *at)
{
	char **nv, *d;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s)) {
			if (at)
				*at = i;
			return 0;
		}
	d = strdup(s);
	nv = d ? grow(*v, (*n + 1) * sizeof(char *)) : NULL;
	if (!nv) {
		free(d);
		return SIM_E_NOMEM;
	}
	*v = nv;
	(*v)[*n] = d;
	if (at)
		*at = *n;
	(*n)++;
	return 0;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- a pivot: mean of values by (row label, series label) ---------------- */

struct pivot {
	size_t nrow, nser;
	char **row, **ser;
	double *sum;            /* nrow x PIVOT_MAX_SERIES, grown by rows */
	unsigned *cnt;
};

#define PIVOT_MAX_SERIES 256

static int pivot_add(struct pivot *p, const char *row, const char *ser, double v)
{
	size_t r, s;

	for (r = 0; r < p->nrow && strcmp(p->row[r], row); r++)
		;
	if (r == p->nrow) {
		/* a new row: room for its sums first, so a failure changes nothing */
		size_t n = (p->nrow + 1) * PIVOT_MAX_SERIES;
		double *sum = grow(p->sum, n * sizeof(double));
		unsigned *cnt;

		if (!sum)
			return SIM_E_NOMEM;
		p->sum = sum;
		cnt = grow(p->cnt, n * sizeof(unsigned));
		if (!cnt)
			return SIM_E_NOMEM;
		p->cnt = cnt;
		if (label_add(&p->row, &p->nrow, row, &r))
			return SIM_E_NOMEM;
		for (size_t i = 0; i < PIVOT_MAX_SERIES; i++) {
			p->sum[r * PIVOT_MAX_SERIES + i] = 0;
			p->cnt[r * PIVOT_MAX_SERIES + i] = 0;
		}
	}
	for (s = 0; s < p->nser && strcmp(p->ser[s], ser); s++)
		;
	if (s == p->nser) {
		if (p->nser == PIVOT_MAX_SERIES)
			return 0;       /* too many series to draw anyway */
		if (label_add(&p->ser, &p->nser, ser, &s))
			return SIM_E_NOMEM;
	}
	p->sum[r * PIVOT_MAX_SERIES + s] += v;
	p->cnt[r * PIVOT_MAX_SERIES + s]++;
	return 0;
}

/* The pivot as a table: first column @xcol, then one column per series. */
static int pivot_table(const struct pivot *p, const char *xcol, struct table *t)
{
	if (table_init(t, p->nser + 1) || table_name(t, 0, strdup(xcol)))
		return SIM_E_NOMEM;
	for (size_t s = 0; s < p->nser; s++)
		if (table_name(t, s + 1, series_name(p->ser[s])))
			return SIM_E_NOMEM;
	for (size_t r = 0; r < p->nrow; r++) {
		char *lab = cat_name(p->row[r]);
		int rc = lab && !table_add_row(t) ? table_set(t, r, 0, lab) : SIM_E_NOMEM;

		free(lab);
		if (rc)
			return rc;
		for (size_t s = 0; s < p->nser; s++) {
			unsigned c = p->cnt[r * PIVOT_MAX_SERIES + s];

			if (table_setf(t, r, s + 1, c ? p->sum[r * PIVOT_MAX_SERIES + s] / c : NAN))
				return SIM_E_NOMEM;
		}
	}
	return 0;
}

static void pivot_free(struct pivot *p)
{
	free_list(p->row, p->nrow);
	free_list(p->ser, p->nser);
	free(p->sum);
	free(p->cnt);
	memset(p, 0, sizeof(*p));
}

/* ---- charts --------------------------------------------------------------- */

struct chart {
	char *name;             /* file stem: data/NAME.tsv, charts/NAME.svg */
	const char *script;     /* results/plot/SCRIPT.gp */
	char *title, *xlabel, *ylabel, *desc;
	const char *xcol;       /* x / category column of the data */
	char *series;           /* space-separated series names */
	struct table data;
	bool svg, png;          /* images written */
};

struct report {
	const char *dir, *plotdir, *gnuplot;
	struct rd_set *set;
	bool want_svg, want_png;
	struct chart *charts;
	size_t ncharts;
	FILE *plotsh;
	int failed;             /* charts gnuplot did not draw */
	char nochart[2048];     /* why no chart is drawn, when charts were wanted */
	char what[256];         /* "N runs, W workloads, C configurations" */
};

static void chart_free(struct chart *c)
{
	free(c->name);
	free(c->title);
	free(c->xlabel);
	free(c->ylabel);
	free(c->desc);
	free(c->series);
	table_free(&c->data);
}

/* A new chart, or NULL when out of memory. */
static struct chart *chart_new(struct report *rp, const char *name, const char *script)
{
	struct chart *c, *nc = grow(rp->charts, (rp->ncharts + 1) * sizeof(*rp->charts));

	if (!nc)
		return NULL;
	rp->charts = nc;
	c = &rp->charts[rp->ncharts];
	memset(c, 0, sizeof(*c));
	c->name = series_name(name);
	if (!c->name)
		return NULL;
	c->script = script;
	rp->ncharts++;
	return c;
}

static int chart_texts(struct chart *c, const char *title, const char *xlabel,
		       const char *ylabel, const char *desc, const char *what)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s (%s)", title, what);
	c->title = strdup(buf);
	c->xlabel = strdup(xlabel);
	c->ylabel = strdup(ylabel);
	c->desc = strdup(desc);
	return c->title && c->xlabel && c->ylabel && c->desc ? 0 : SIM_E_NOMEM;
}

/* Append @name to the space-separated list *@list. */
static int list_append(char **list, const char *name)
{
	size_t n = *list ? strlen(*list) : 0;
	char *l = grow(*list, n + strlen(name) + 2);

	if (!l)
		return SIM_E_NOMEM;
	if (n)
		l[n++] = ' ';
	strcpy(l + n, name);
	*list = l;
	return 0;
}

/* The series list of a table: every column but the first. */
static int chart_series_from_columns(struct chart *c)
{
	c->series = strdup("");
	if (!c->series)
		return SIM_E_NOMEM;
	for (size_t i = 1; i < c->data.ncol; i++)
		if (list_append(&c->series, c->data.col[i]))
			return SIM_E_NOMEM;
	return 0;
}

/* A gnuplot single-quoted string: ' is written ''. */
static void gp_string(char *out, size_t len, const char *name, const char *v)
{
	size_t n = (size_t)snprintf(out, len, "%s='", name);

	for (; *v && n + 4 < len; v++) {
		if (*v == '\'')
			out[n++] = '\'';
		out[n++] = *v;
	}
	out[n < len - 2 ? n : len - 3] = '\0';
	strcat(out, "'; ");
}

static bool file_ok(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

/* Draw one image of chart @c with gnuplot, in @fmt (svg or png).
 * Return: 0 drawn; 1 not drawn (said so, counted in rp->failed); SIM_E_NOMEM. */
static int chart_draw(struct report *rp, struct chart *c, const char *fmt)
{
	size_t cap = 8192 + 2 * strlen(c->series);
	char *e = malloc(cap), part[2048], script[4096], out[1024], log[1024];
	char *argv[5];
	pid_t pid;
	int st;
	bool ok;

	if (!e)
		return SIM_E_NOMEM;
	e[0] = '\0';
	gp_string(part, sizeof(part), "plotdir", rp->plotdir);
	strcat(e, part);
	snprintf(out, sizeof(out), "data/%s.tsv", c->name);
	gp_string(part, sizeof(part), "datafile", out);
	strcat(e, part);
	snprintf(out, sizeof(out), "charts/%s.%s", c->name, fmt);
	gp_string(part, sizeof(part), "outfile", out);
	strcat(e, part);
	gp_string(part, sizeof(part), "fmt", fmt);
	strcat(e, part);
	gp_string(part, sizeof(part), "title", c->title);
	strcat(e, part);
	gp_string(part, sizeof(part), "xlabel", c->xlabel);
	strcat(e, part);
	gp_string(part, sizeof(part), "ylabel", c->ylabel);
	strcat(e, part);
	gp_string(part, sizeof(part), "xcol", c->xcol);
	strcat(e, part);
	{
		size_t n = strlen(e);

		snprintf(e + n, cap - n, "series='%s'", c->series);
	}
	snprintf(script, sizeof(script), "%s/%s.gp", rp->plotdir, c->script);
	argv[0] = (char *)rp->gnuplot;
	argv[1] = "-e";
	argv[2] = e;
	argv[3] = script;
	argv[4] = NULL;
	/* plot.sh: the same command, run from DIR */
	{
		char *shv[5] = { "gnuplot", "-e", e, script, NULL };
		char rel[1200];

		snprintf(rel, sizeof(rel), "\"$plotdir\"/%s.gp", c->script);
		shv[3] = NULL;
		rd_shell_quote(rp->plotsh, shv);
		fprintf(rp->plotsh, " %s\n", rel);
	}
	snprintf(log, sizeof(log), "%s/charts/%s.%s.log", rp->dir, c->name, fmt);
	snprintf(out, sizeof(out), "%s/charts/%s.%s", rp->dir, c->name, fmt);
	unlink(out);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		FILE *lf = fopen(log, "w");

		if (lf)
			dup2(fileno(lf), 2);
		if (chdir(rp->dir))
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st) &&
	     file_ok(out);
	if (ok) {
		unlink(log);
	} else {
		fprintf(stderr, "mmusim report: gnuplot did not draw %s (see %s)\n", out, log);
		rp->failed++;
	}
	free(e);
	return ok ? 0 : 1;
}

/* Write the data of @c and draw it.  Return: 0 or SIM_E_NOMEM. */
static int chart_finish(struct report *rp, struct chart *c)
{
	char path[1024];
	int rc;

	if (!c->series && chart_series_from_columns(c))
		return SIM_E_NOMEM;
	snprintf(path, sizeof(path), "%s/data/%s.tsv", rp->dir, c->name);
	if (table_write_tsv(&c->data, path)) {
		fprintf(stderr, "mmusim report: cannot write %s: %s\n", path, strerror(errno));
		rp->failed++;
		return 0;
	}
	if (!rp->gnuplot)
		return 0;
	if (rp->want_svg) {
		if ((rc = chart_draw(rp, c, "svg")) < 0)
			return rc;
		c->svg = !rc;
	}
	if (rp->want_png) {
		if ((rc = chart_draw(rp, c, "png")) < 0)
			return rc;
		c->png = !rc;
	}
	return 0;
}

static double result_value(const struct rd_result *r, const char *col)
{
	double v;

	return rd_num(r, col, &v) ? v : NAN;
}

/* Walk cycles per TLB miss: walk_cycles / walks. */
static int chart_walk_by_s2(struct report *rp)
{
	struct pivot p = { 0 };
	struct chart *c;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++) {
		const struct rd_result *r = &rp->set->r[i];
		double w = result_value(r, "walks"), wc = result_value(r, "walk_cycles");
		const char *lv = rd_get(r, "report.s2_levels");
		char ser[64];

		if (!(w > 0) || isnan(wc) || !lv)
			continue;
		if (!strcmp(lv, "0"))
			snprintf(ser, sizeof(ser), "no_stage_2");
		else
			snprintf(ser, sizeof(ser), "stage2_%s_levels", lv);
		rc = pivot_add(&p, rd_get(r, "workload"), ser, wc / w);
	}
	if (rc || !p.nrow)
		goto out;
	/* series in order of the number of levels */
	for (size_t a = 0; a < p.nser; a++)
		for (size_t b = a + 1; b < p.nser; b++)
			if (strcmp(p.ser[b], p.ser[a]) < 0 && strcmp(p.ser[a], "no_stage_2")) {
				char *t = p.ser[a];

				p.ser[a] = p.ser[b];
				p.ser[b] = t;
				for (size_t r = 0; r < p.nrow; r++) {
					double ts = p.sum[r * PIVOT_MAX_SERIES + a];
					unsigned tc = p.cnt[r * PIVOT_MAX_SERIES + a];

					p.sum[r * PIVOT_MAX_SERIES + a] = p.sum[r * PIVOT_MAX_SERIES + b];
					p.cnt[r * PIVOT_MAX_SERIES + a] = p.cnt[r * PIVOT_MAX_SERIES + b];
					p.sum[r * PIVOT_MAX_SERIES + b] = ts;
					p.cnt[r * PIVOT_MAX_SERIES + b] = tc;
				}
			}
	c = chart_new(rp, "walk_by_s2_levels", "walk_by_s2_levels");
	if (!c) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	c->xcol = "workload";
	rc = pivot_table(&p, "workload", &c->data);
	if (!rc)
		rc = chart_texts(c, "Walk cycles per TLB miss by stage-2 levels", "workload",
				 "walk cycles per TLB miss (cycles)",
				 "Mean cycles of one page-table walk (walk_cycles / walks: every walk "
				 "is a miss of the last TLB level), per workload, for each number of "
				 "stage-2 translation levels among the configurations (mean over the "
				 "configurations with that many levels).", rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
out:
	pivot_free(&p);
	return rc;
}

/* A column (or a fallback computation) by configuration, one bar per workload. */
static int chart_by_config(struct report *rp, const char *name, const char *script,
			   const char *col, const char *title, const char *ylabel,
			   const char *desc)
{
	struct pivot p = { 0 };
	struct chart *c;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++) {
		const struct rd_result *r = &rp->set->r[i];
		double v = result_value(r, col);

		if (isnan(v) && !strcmp(col, "derived.translation_overhead_percent")) {
			double tc = result_value(r, "translation_cycles"), a = result_value(r, "accesses"),
			       b = result_value(r, "config.run.base_cycles");

			if (a > 0 && b > 0)
				v = tc * 100.0 / (a * b);
		}
		if (isnan(v))
			continue;
		rc = pivot_add(&p, rd_get(r, "config_name"), rd_get(r, "workload"), v);
	}
	if (rc)
		goto out;
	if (!p.nrow) {
		if (strcmp(col, "derived.translation_overhead_percent"))
			fprintf(stderr, "mmusim report: no result has a numeric column '%s'; "
				"no chart of it\n", col);
		goto out;
	}
	c = chart_new(rp, name, script);
	if (!c) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	c->xcol = "config_name";
	rc = pivot_table(&p, "config_name", &c->data);
	if (!rc)
		rc = chart_texts(c, title, "configuration", ylabel, desc, rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
out:
	pivot_free(&p);
	return rc;
}

/* Split a comma-separated list into *@v (new strings), *@n of them. */
static int split_list(const char *s, char ***v, size_t *n)
{
	*v = NULL;
	*n = 0;
	while (s && *s) {
		size_t k = strcspn(s, ",");
		char **nv = grow(*v, (*n + 1) * sizeof(char *)), *w;

		if (!nv)
			return SIM_E_NOMEM;
		*v = nv;
		w = strndup(s, k);
		if (!w)
			return SIM_E_NOMEM;
		(*v)[(*n)++] = w;
		s += k + (s[k] == ',');
	}
	return 0;
}

/* config_name without the words that mention @key (a varying x axis);
 * NULL when out of memory. */
static char *name_without(const char *name, const char *key)
{
	char *out = malloc(strlen(name) + 1), *tmp = strdup(name), *save = NULL;
	size_t n = 0;

	if (!out || !tmp) {
		free(out);
		free(tmp);
		return NULL;
	}
	for (char *w = strtok_r(tmp, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!strstr(w, key))
			n += (size_t)sprintf(out + n, "%s%s", n ? " " : "", w);
	out[n] = '\0';
	free(tmp);
	return out;
}

struct mr_point {
	char *series;
	double x, y;
};

static int mr_cmp(const void *a, const void *b)
{
	const struct mr_point *p = a, *q = b;
	int c = strcmp(p->series, q->series);

	return c ? c : (p->x > q->x) - (p->x < q->x);
}

/* The series of a miss-rate point of result @r: its workload, and with
 * @dup the rest of its configuration name (without @rkey). */
static char *mr_series(const struct rd_result *r, bool dup, const char *rkey)
{
	char *rest, *full, *s;
	size_t len;

	if (!dup)
		return series_name(rd_get(r, "workload"));
	rest = name_without(rd_get(r, "config_name"), rkey);
	if (!rest)
		return NULL;
	len = strlen(rest) + strlen(rd_get(r, "workload")) + 4;
	full = malloc(len);
	if (!full) {
		free(rest);
		return NULL;
	}
	snprintf(full, len, "%s%s%s", rd_get(r, "workload"), *rest ? ":" : "", rest);
	s = series_name(full);
	free(full);
	free(rest);
	return s;
}

/* Miss rate against the entries of the TLB level whose size varies most. */
static int chart_missrate(struct report *rp)
{
	char **levels = NULL, key[256], mkey[256], lkey[256], rkey[256];
	size_t nlev = 0, best = SIZE_MAX, bestn = 0, np = 0;
	struct mr_point *pt = NULL;
	bool dup = false;
	struct chart *c;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++) {
		char **l;
		size_t n;

		rc = split_list(rd_get(&rp->set->r[i], "config.tlb.levels"), &l, &n);
		for (size_t k = 0; k < n && !rc; k++)
			rc = label_add(&levels, &nlev, l[k], NULL);
		free_list(l, n);
	}
	for (size_t k = 0; k < nlev && !rc; k++) {
		char **vals = NULL;
		size_t nv = 0;

		snprintf(key, sizeof(key), "config.tlb.%s.entries", levels[k]);
		for (size_t i = 0; i < rp->set->n && !rc; i++) {
			const char *v = rd_get(&rp->set->r[i], key);

			if (v && *v)
				rc = label_add(&vals, &nv, v, NULL);
		}
		if (nv && nv >= bestn) {
			best = k;
			bestn = nv;
		}
		free_list(vals, nv);
	}
	if (rc || best == SIZE_MAX)
		goto out;
	snprintf(key, sizeof(key), "config.tlb.%s.entries", levels[best]);
	snprintf(mkey, sizeof(mkey), "derived.tlb.%s.miss_rate", levels[best]);
	snprintf(lkey, sizeof(lkey), "tlb.%s.lookups", levels[best]);
	snprintf(rkey, sizeof(rkey), "tlb.%s.", levels[best]);
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < np; i++)
			free(pt[i].series);
		np = 0;
		for (size_t i = 0; i < rp->set->n && !rc; i++) {
			const struct rd_result *r = &rp->set->r[i];
			double x = result_value(r, key), y = result_value(r, mkey);
			struct mr_point *npt;

			if (isnan(y)) {
				char mk[300];
				double lk = result_value(r, lkey);

				snprintf(mk, sizeof(mk), "tlb.%s.misses", levels[best]);
				y = lk > 0 ? result_value(r, mk) / lk : NAN;
			}
			if (isnan(x) || isnan(y))
				continue;
			npt = grow(pt, (np + 1) * sizeof(*pt));
			if (!npt) {
				rc = SIM_E_NOMEM;
				break;
			}
			pt = npt;
			pt[np].series = mr_series(r, dup, rkey);
			if (!pt[np].series) {
				rc = SIM_E_NOMEM;
				break;
			}
			pt[np].x = x;
			pt[np++].y = y * 100.0;
		}
		if (rc)
			break;
		if (np)  /* qsort() of a NULL array is undefined even for no elements */
			qsort(pt, np, sizeof(*pt), mr_cmp);
		for (size_t i = 1; i < np && !dup; i++)
			if (!strcmp(pt[i].series, pt[i - 1].series) && pt[i].x == pt[i - 1].x)
				dup = true;
		if (!dup)
			break;
	}
	if (!rc && np) {
		char title[256], xl[256];
		size_t nser = 0;

		c = chart_new(rp, "missrate_vs_tlb_size", "missrate_vs_tlb_size");
		if (!c || table_init(&c->data, 3) || table_name(&c->data, 0, strdup("series")) ||
		    table_name(&c->data, 1, strdup("entries")) ||
		    table_name(&c->data, 2, strdup("miss_rate")) || !(c->series = strdup(""))) {
			rc = SIM_E_NOMEM;
			goto out;
		}
		c->xcol = "entries";
		for (size_t i = 0; i < np && !rc; i++) {
			rc = table_add_row(&c->data);
			if (!rc)
				rc = table_set(&c->data, i, 0, pt[i].series);
			if (!rc)
				rc = table_setf(&c->data, i, 1, pt[i].x);
			if (!rc)
				rc = table_setf(&c->data, i, 2, pt[i].y);
			if (!rc && (!i || strcmp(pt[i].series, pt[i - 1].series)) &&
			    nser++ < MAX_SERIES_CURVES)
				rc = list_append(&c->series, pt[i].series);
		}
		snprintf(title, sizeof(title), "Miss rate of TLB %s against its size", levels[best]);
		snprintf(xl, sizeof(xl), "entries of TLB %s (log scale)", levels[best]);
		if (!rc)
			rc = chart_texts(c, title, xl, "miss rate (% of lookups)",
					 "Misses per lookup of the TLB level whose number of entries "
					 "varies most among the results, one curve per workload (and per "
					 "other setting that differs); each point is one result.",
					 rp->what);
		if (!rc)
			rc = chart_finish(rp, c);
	}
out:
	for (size_t i = 0; i < np; i++)
		free(pt[i].series);
	free(pt);
	free_list(levels, nlev);
	return rc;
}

/* A label for one result among several: workload:config, made unique.
 * NULL when out of memory. */
static char *result_label(struct report *rp, size_t i, char ***seen, size_t *nseen)
{
	const struct rd_result *r = &rp->set->r[i];
	char buf[600], *s;
	size_t before;

	snprintf(buf, sizeof(buf), "%s:%s", rd_get(r, "workload"), rd_get(r, "config_name"));
	s = series_name(buf);
	if (!s)
		return NULL;
	before = *nseen;
	if (label_add(seen, nseen, s, NULL)) {
		free(s);
		return NULL;
	}
	if (*nseen == before) {         /* taken */
		snprintf(buf, sizeof(buf), "%s#%zu", s, i + 1);
		free(s);
		s = series_name(buf);
		if (!s || label_add(seen, nseen, s, NULL)) {
			free(s);
			return NULL;
		}
	}
	return s;
}

/* One step of a CDF curve: (cycles, fraction) of series @lab. */
static int cdf_point(struct table *t, size_t *row, const char *lab, double x, double y)
{
	if (table_add_row(t) || table_set(t, *row, 0, lab) || table_setf(t, *row, 1, x) ||
	    table_setf(t, *row, 2, y))
		return SIM_E_NOMEM;
	(*row)++;
	return 0;
}

/* Cumulative distribution of walk latency, from the histogram buckets. */
static int chart_walk_cdf(struct report *rp)
{
	struct chart *c = NULL;
	char **seen = NULL;
	size_t nseen = 0, row = 0, nser = 0;
	bool any = false;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n; i++) {
		const struct rd_hist *h = rd_hist_find(&rp->set->r[i], "hist.walk_cycles");
		uint64_t total = 0;

		if (h)
			for (uint64_t b = 0; b <= h->limit; b++)
				total += h->bucket[b];
		if (total)
			any = true;
	}
	if (!any)
		return 0;
	c = chart_new(rp, "walk_latency_cdf", "walk_latency_cdf");
	if (!c || table_init(&c->data, 3) || table_name(&c->data, 0, strdup("series")) ||
	    table_name(&c->data, 1, strdup("cycles")) || table_name(&c->data, 2, strdup("cdf")) ||
	    !(c->series = strdup("")))
		return SIM_E_NOMEM;
	c->xcol = "cycles";
	for (size_t i = 0; i < rp->set->n && nser < MAX_SERIES_CURVES && !rc; i++) {
		const struct rd_hist *h = rd_hist_find(&rp->set->r[i], "hist.walk_cycles");
		uint64_t total = 0, cum = 0;
		char *lab;

		if (!h)
			continue;
		for (uint64_t b = 0; b <= h->limit; b++)
			total += h->bucket[b];
		if (!total)
			continue;
		lab = result_label(rp, i, &seen, &nseen);
		if (!lab || list_append(&c->series, lab)) {
			free(lab);
			rc = SIM_E_NOMEM;
			break;
		}
		nser++;
		for (uint64_t b = 0; b <= h->limit && !rc; b++) {
			if (!h->bucket[b])
				continue;
			/* the curve rises from 0 at the first value */
			if (!cum)
				rc = cdf_point(&c->data, &row, lab, b ? (double)b : 0.5, 0);
			cum += h->bucket[b];
			if (!rc)
				rc = cdf_point(&c->data, &row, lab, b ? (double)b : 0.5,
					       (double)cum / (double)total);
		}
		free(lab);
	}
	free_list(seen, nseen);
	if (!rc)
		rc = chart_texts(c, "Walk latency distribution (CDF)", "walk latency (cycles, log scale)",
				 "fraction of walks (cumulative)",
				 "For each result, the fraction of page-table walks that took at most "
				 "the given number of cycles (from the hist.walk_cycles buckets; the "
				 "last bucket counts every walk at or above the histogram limit).",
				 rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
	return rc;
}

/* Is @name a walk-reference histogram (hist.walk*refs)? */
static bool refs_hist(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "hist.walk", 9) && n > 4 && !strcmp(name + n - 4, "refs");
}

/* The reference chart of configuration @cfg: the share of walks per number
 * of references, for each walk-reference histogram. */
static int chart_refs_of(struct report *rp, const char *cfg, size_t g, size_t ncfg)
{
	char **hn = NULL, name[64], title[600];
	size_t nh = 0;
	uint64_t maxb = 0, limit = 0;
	double *sum = NULL, *tot = NULL;
	struct chart *c;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++) {
		const struct rd_result *r = &rp->set->r[i];

		if (strcmp(rd_get(r, "config_name"), cfg))
			continue;
		for (size_t k = 0; k < r->nhist && !rc; k++) {
			size_t before = nh, h;

			if (!refs_hist(r->hist[k].name))
				continue;
			if (label_add(&hn, &nh, r->hist[k].name, &h)) {
				rc = SIM_E_NOMEM;
				break;
			}
			if (nh != before) {
				double *ns = grow(sum, nh * 257 * sizeof(double));

				if (!ns) {
					rc = SIM_E_NOMEM;
					break;
				}
				sum = ns;
				memset(sum + h * 257, 0, 257 * sizeof(double));
			}
			for (uint64_t b = 0; b <= r->hist[k].limit && b < 256; b++) {
				sum[h * 257 + b] += (double)r->hist[k].bucket[b];
				if (r->hist[k].bucket[b] && b > maxb)
					maxb = b;
			}
			if (r->hist[k].limit > limit)
				limit = r->hist[k].limit;
		}
	}
	if (rc)
		goto out;
	tot = calloc(nh ? nh : 1, sizeof(double));
	if (!tot) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	for (size_t h = 0; h < nh; h++)
		for (uint64_t b = 0; b <= maxb; b++)
			tot[h] += sum[h * 257 + b];
	snprintf(name, sizeof(name), ncfg > 1 ? "refs_per_walk_%zu" : "refs_per_walk", g + 1);
	c = chart_new(rp, name, "refs_per_walk");
	if (!c || table_init(&c->data, nh + 1) || table_name(&c->data, 0, strdup("refs"))) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	c->xcol = "refs";
	for (size_t h = 0; h < nh && !rc; h++)
		rc = table_name(&c->data, h + 1, series_name(hn[h] + 5));
	for (uint64_t b = 0; b <= maxb && !rc; b++) {
		char lab[32];

		snprintf(lab, sizeof(lab), b == limit && limit ? ">=%llu" : "%llu",
			 (unsigned long long)b);
		rc = table_add_row(&c->data);
		if (!rc)
			rc = table_set(&c->data, b, 0, lab);
		for (size_t h = 0; h < nh && !rc; h++)
			rc = table_setf(&c->data, b, h + 1,
					tot[h] > 0 ? 100.0 * sum[h * 257 + b] / tot[h] : NAN);
	}
	snprintf(title, sizeof(title), "Memory references per walk by stage, %s", cfg);
	if (!rc)
		rc = chart_texts(c, title, "memory references per walk", "walks (%)",
				 "The share of walks that made each number of memory references, for "
				 "each walk-reference histogram (hist.walk*refs: all references, and "
				 "those of stage 1 and of stage 2), summed over this configuration's "
				 "workloads.", rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
out:
	free(tot);
	free(sum);
	free_list(hn, nh);
	return rc;
}

/* Memory references per walk, split by stage, one chart per configuration. */
static int chart_refs(struct report *rp)
{
	char **cfgs = NULL;
	size_t ncfg = 0;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++)
		for (size_t k = 0; k < rp->set->r[i].nhist && !rc; k++)
			if (refs_hist(rp->set->r[i].hist[k].name))
				rc = label_add(&cfgs, &ncfg, rd_get(&rp->set->r[i], "config_name"),
					       NULL);
	for (size_t g = 0; g < ncfg && g < MAX_REFS_CHARTS && !rc; g++)
		rc = chart_refs_of(rp, cfgs[g], g, ncfg);
	free_list(cfgs, ncfg);
	return rc;
}

/* A cycle counter that is one cause of translation cycles (see results/README.md). */
static bool cause_column(const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(name, "cause.", 6) || !strncmp(name, "cycles.", 7))
		return true;
	if (strchr(name, '.') || !strcmp(name, "translation_cycles"))
		return false;
	return n > 7 && !strcmp(name + n - 7, "_cycles");
}

/* Translation cycles per access, stacked by cause. */
static int chart_flush(struct report *rp)
{
	const char **cols;
	char **causes = NULL;
	size_t nc, ncause = 0;
	struct pivot p = { 0 };
	bool multi_wl = false, other = false;
	struct chart *c;
	int rc;

	if (rd_columns(rp->set, &cols, &nc))
		return SIM_E_NOMEM;
	rc = 0;
	for (size_t i = 0; i < nc && !rc; i++)
		if (cause_column(cols[i]))
			rc = label_add(&causes, &ncause, cols[i], NULL);
	free(cols);
	if (rc || !ncause)
		goto out;
	for (size_t i = 1; i < rp->set->n; i++)
		if (strcmp(rd_get(&rp->set->r[i], "workload"), rd_get(&rp->set->r[0], "workload")))
			multi_wl = true;
	/* is anything left over beyond the causes? */
	for (size_t i = 0; i < rp->set->n; i++) {
		const struct rd_result *r = &rp->set->r[i];
		double total = result_value(r, "translation_cycles"), s = 0;

		for (size_t k = 0; k < ncause; k++) {
			double v = result_value(r, causes[k]);

			s += isnan(v) ? 0 : v;
		}
		if (!isnan(total) && total - s > 1e-6 * total)
			other = true;
	}
	for (size_t i = 0; i < rp->set->n && !rc; i++) {
		const struct rd_result *r = &rp->set->r[i];
		double a = result_value(r, "accesses"), s = 0;
		char lab[600];

		if (!(a > 0))
			continue;
		if (multi_wl)
			snprintf(lab, sizeof(lab), "%s / %s", rd_get(r, "config_name"), rd_get(r, "workload"));
		else
			snprintf(lab, sizeof(lab), "%s", rd_get(r, "config_name"));
		for (size_t k = 0; k < ncause && !rc; k++) {
			double v = result_value(r, causes[k]);

			s += isnan(v) ? 0 : v;
			rc = pivot_add(&p, lab, causes[k], isnan(v) ? 0 : v / a);
		}
		if (!rc && other)
			rc = pivot_add(&p, lab, "other",
				       (fmax(result_value(r, "translation_cycles") - s, 0)) / a);
	}
	if (rc || !p.nrow)
		goto out;
	c = chart_new(rp, "flush_policy", "flush_policy");
	if (!c) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	c->xcol = "label";
	rc = pivot_table(&p, "label", &c->data);
	if (!rc)
		rc = chart_texts(c, "Translation cycles per access by cause", "configuration",
				 "translation cycles per access (cycles)",
				 "Translation cycles divided by accesses, stacked by the cycle counters "
				 "the results have (every top-level *_cycles counter but the total, and "
				 "any cause.* or cycles.* counter; 'other' is what the total has beyond "
				 "them). Run the configurations to compare, e.g. TLB flush policies, "
				 "as a sweep.", rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
out:
	free_list(causes, ncause);
	pivot_free(&p);
	return rc;
}

/* ---- the report documents ------------------------------------------------ */

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void md_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' ||
		    *s == '[' || *s == ']')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* A table cell as shown: no value (NaN in the data file) is a dash. */
static const char *shown(const char *v)
{
	return !strcmp(v, "NaN") ? "-" : v;
}

static void html_table(FILE *f, const struct table *t)
{
	fputs("<table>\n<tr>", f);
	for (size_t c = 0; c < t->ncol; c++) {
		fputs("<th>", f);
		html_esc(f, t->col[c]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t r = 0; r < t->nrow; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < t->ncol; c++) {
			fputs(c ? "<td class=\"n\">" : "<td>", f);
			html_esc(f, shown(table_get(t, r, c)));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void md_table(FILE *f, const struct table *t)
{
	fputs("|", f);
	for (size_t c = 0; c < t->ncol; c++) {
		fputc(' ', f);
		md_esc(f, t->col[c]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (size_t c = 0; c < t->ncol; c++)
		fputs(c ? "---:|" : "---|", f);
	fputc('\n', f);
	for (size_t r = 0; r < t->nrow; r++) {
		fputs("|", f);
		for (size_t c = 0; c < t->ncol; c++) {
			fputc(' ', f);
			md_esc(f, shown(table_get(t, r, c)));
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* The summary table: per result, its labels and every derived metric. */
static int summary_table(const struct rd_set *set, struct table *t)
{
	const char **cols, **sel;
	size_t nc;
	const char *lead[] = { "workload", "config_name", "report.s1_levels", "report.s2_levels",
			       "accesses", "walks" };
	size_t nlead = sizeof(lead) / sizeof(lead[0]), nsel = 0;
	int rc = SIM_E_NOMEM;

	memset(t, 0, sizeof(*t));
	if (rd_columns(set, &cols, &nc))
		return SIM_E_NOMEM;
	sel = malloc((nc + nlead) * sizeof(*sel));
	if (!sel)
		goto out;
	for (size_t i = 0; i < nlead; i++)
		sel[nsel++] = lead[i];
	for (size_t i = 0; i < nc; i++)
		if (!strncmp(cols[i], "derived.", 8))
			sel[nsel++] = cols[i];
	if (table_init(t, nsel))
		goto out;
	for (size_t c = 0; c < nsel; c++)
		if (table_name(t, c, strdup(!strncmp(sel[c], "derived.", 8) ? sel[c] + 8 : sel[c])))
			goto out;
	for (size_t r = 0; r < set->n; r++) {
		if (table_add_row(t))
			goto out;
		for (size_t c = 0; c < nsel; c++) {
			const char *v = rd_get(&set->r[r], sel[c]);

			if (table_set(t, r, c, v ? v : ""))
				goto out;
		}
	}
	rc = 0;
out:
	free(sel);
	free(cols);
	return rc;
}

/* Configurations: the settings that differ (rows) by configuration (columns);
 * *@cfgs the configuration names, *@first the first result of each. */
static int config_tables(const struct rd_set *set, struct table *diff, char ***cfgs,
			 size_t *ncfg, size_t **first)
{
	const char **cols = NULL, **dk = NULL;
	size_t nc = 0, nd = 0;
	int rc = SIM_E_NOMEM;

	*cfgs = NULL;
	*ncfg = 0;
	*first = NULL;
	memset(diff, 0, sizeof(*diff));
	for (size_t i = 0; i < set->n; i++) {
		size_t before = *ncfg, *nf = grow(*first, (*ncfg + 1) * sizeof(size_t));

		if (!nf)
			return SIM_E_NOMEM;
		*first = nf;
		if (label_add(cfgs, ncfg, rd_get(&set->r[i], "config_name"), NULL))
			return SIM_E_NOMEM;
		if (*ncfg != before)
			(*first)[*ncfg - 1] = i;
	}
	if (rd_columns(set, &cols, &nc))
		return SIM_E_NOMEM;
	dk = malloc((nc ? nc : 1) * sizeof(*dk));
	if (!dk)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		const char *v0;
		bool varies = false;

		if (strncmp(cols[i], "config.", 7))
			continue;
		v0 = rd_get(&set->r[(*first)[0]], cols[i]);
		for (size_t g = 1; g < *ncfg && !varies; g++) {
			const char *v = rd_get(&set->r[(*first)[g]], cols[i]);

			varies = !v0 != !v || (v && strcmp(v, v0));
		}
		if (varies)
			dk[nd++] = cols[i];
	}
	if (table_init(diff, *ncfg + 1) || table_name(diff, 0, strdup("setting")))
		goto out;
	for (size_t g = 0; g < *ncfg; g++)
		if (table_name(diff, g + 1, strdup((*cfgs)[g])))
			goto out;
	for (size_t k = 0; k < nd; k++) {
		if (table_add_row(diff) || table_set(diff, k, 0, dk[k] + 7))
			goto out;
		for (size_t g = 0; g < *ncfg; g++) {
			const char *v = rd_get(&set->r[(*first)[g]], dk[k]);

			if (table_set(diff, k, g + 1, v && *v ? v : "-"))
				goto out;
		}
	}
	rc = 0;
out:
	free(dk);
	free(cols);
	return rc;
}

/* The versions of mmusim that made the results, comma-separated. */
static int versions(const struct rd_set *set, char *buf, size_t len)
{
	char **v = NULL;
	size_t n = 0, used = 0;

	for (size_t i = 0; i < set->n; i++) {
		const char *s = rd_get(&set->r[i], "mmusim_version");

		if (label_add(&v, &n, s ? s : "unknown", NULL)) {
			free_list(v, n);
			return SIM_E_NOMEM;
		}
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 i ? ", " : "", v[i]);
	free_list(v, n);
	return 0;
}

/* @argv as one shell command line, a new string; NULL when out of memory. */
static char *command_text(char *const *argv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	bool bad;

	if (!mf)
		return NULL;
	rd_shell_quote(mf, argv);
	bad = ferror(mf);
	if (fclose(mf) || bad) {
		free(text);
		return NULL;
	}
	return text;
}

/* index.html and report.md.  Return: 0; 1 a write failed (said so); SIM_E_NOMEM. */
static int write_docs(struct report *rp, char *const *argv)
{
	char path[1024], vers[512];
	struct table sum = { 0 }, diff = { 0 };
	char **cfgs = NULL;
	size_t ncfg = 0, *first = NULL;
	char *self = command_text(argv);
	FILE *h, *m;
	int rc = 0;

	if (!self || versions(rp->set, vers, sizeof(vers)) || summary_table(rp->set, &sum) ||
	    config_tables(rp->set, &diff, &cfgs, &ncfg, &first)) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/index.html", rp->dir);
	h = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/report.md", rp->dir);
	m = fopen(path, "w");
	if (!h || !m) {
		fprintf(stderr, "mmusim report: cannot write in %s: %s\n", rp->dir, strerror(errno));
		if (h)
			fclose(h);
		if (m)
			fclose(m);
		rc = 1;
		goto out;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>mmusim report</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}\n"
	      "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
	      "td,th{border:1px solid #bbb;padding:0.2em 0.5em;font-size:90%}\n"
	      "td.n{text-align:right;font-family:monospace}\n"
	      "pre{background:#f4f4f4;padding:0.5em;overflow-x:auto}\n"
	      "img{max-width:100%}\n</style>\n</head>\n<body>\n", h);
	fputs("<h1>mmusim report</h1>\n<p>", h);
	html_esc(h, rp->what);
	fputs(". Results from mmusim ", h);
	html_esc(h, vers);
	fprintf(h, "; report by mmusim %s.</p>\n<p>Data: <a href=\"data/results.csv\">"
		"data/results.csv</a> (every column of every result); charts redrawn by "
		"<a href=\"plot.sh\">plot.sh</a>.</p>\n<p>This report was made with:</p>\n<pre>",
		emit_version());
	html_esc(h, self);
	fputs("</pre>\n", h);
	fprintf(m, "# mmusim report\n\n%s. Results from mmusim %s; report by mmusim %s.\n\n"
		"Data: [data/results.csv](data/results.csv) (every column of every result); "
		"charts redrawn by [plot.sh](plot.sh).\n\nThis report was made with:\n\n    %s\n\n",
		rp->what, vers, emit_version(), self);

	fputs("<h2>Charts</h2>\n", h);
	fputs("## Charts\n\n", m);
	if (rp->nochart[0]) {
		fputs("<p>The charts were not drawn: ", h);
		html_esc(h, rp->nochart);
		fputs(". Their data is below.</p>\n", h);
		fputs("The charts were not drawn: ", m);
		md_esc(m, rp->nochart);
		fputs(". Their data is below.\n\n", m);
	} else if (!rp->gnuplot) {
		fputs("<p>The charts were not drawn (--no-charts); their data is below.</p>\n", h);
		fputs("The charts were not drawn (--no-charts); their data is below.\n\n", m);
	}
	for (size_t i = 0; i < rp->ncharts; i++) {
		struct chart *c = &rp->charts[i];

		fputs("<h3>", h);
		html_esc(h, c->title);
		fputs("</h3>\n", h);
		fprintf(m, "### %s\n\n", c->title);
		if (c->svg || c->png)
			fprintf(h, "<p><img src=\"charts/%s.%s\" alt=\"%s\"></p>\n", c->name,
				c->svg ? "svg" : "png", c->name);
		if (c->png)
			fprintf(m, "![%s](charts/%s.png)\n\n", c->name, c->name);
		else if (c->svg)
			fprintf(m, "![%s](charts/%s.svg)\n\n", c->name, c->name);
		fputs("<p>", h);
		html_esc(h, c->desc);
		fprintf(h, " Data: <a href=\"data/%s.tsv\">data/%s.tsv</a>", c->name, c->name);
		if (c->svg)
			fprintf(h, "; <a href=\"charts/%s.svg\">SVG</a>", c->name);
		if (c->png)
			fprintf(h, "; <a href=\"charts/%s.png\">PNG</a>", c->name);
		fputs(".</p>\n", h);
		fprintf(m, "%s Data: [data/%s.tsv](data/%s.tsv).\n\n", c->desc, c->name, c->name);
		html_table(h, &c->data);
		md_table(m, &c->data);
	}
	if (!rp->ncharts) {
		fputs("<p>No chart applies to these results.</p>\n", h);
		fputs("No chart applies to these results.\n\n", m);
	}

	fputs("<h2>Results</h2>\n<p>One row per result; the derived metrics "
	      "(derived.*) of each.</p>\n", h);
	fputs("## Results\n\nOne row per result; the derived metrics (derived.\\*) of each.\n\n", m);
	html_table(h, &sum);
	md_table(m, &sum);

	fputs("<h2>Configurations</h2>\n", h);
	fputs("## Configurations\n\n", m);
	if (diff.nrow) {
		fputs("<p>The settings in which the configurations differ:</p>\n", h);
		fputs("The settings in which the configurations differ:\n\n", m);
		html_table(h, &diff);
		md_table(m, &diff);
	}
	for (size_t g = 0; g < ncfg; g++) {
		const struct rd_result *r = &rp->set->r[first[g]];

		fputs("<details><summary>Every parameter of <b>", h);
		html_esc(h, cfgs[g]);
		fputs("</b></summary>\n<pre>", h);
		fprintf(m, "<details><summary>Every parameter of %s</summary>\n\n```\n", cfgs[g]);
		for (size_t k = 0; k < r->n; k++)
			if (!strncmp(r->name[k], "config.", 7)) {
				html_esc(h, r->name[k] + 7);
				fputs(" = ", h);
				html_esc(h, r->value[k]);
				fputc('\n', h);
				fprintf(m, "%s = %s\n", r->name[k] + 7, r->value[k]);
			}
		fputs("</pre></details>\n", h);
		fputs("```\n\n</details>\n\n", m);
	}

	fputs("<h2>Reproduce</h2>\n<p>The command that produced each result (run it where "
	      "the result was produced: trace paths are as given).</p>\n", h);
	fputs("## Reproduce\n\nThe command that produced each result (run it where the result was "
	      "produced: trace paths are as given).\n\n", m);
	for (size_t i = 0; i < rp->set->n; i++) {
		const struct rd_result *r = &rp->set->r[i];
		const char *cmd = rd_get(r, "command");

		fputs("<p>", h);
		html_esc(h, rd_get(r, "workload"));
		fputs(" / ", h);
		html_esc(h, rd_get(r, "config_name"));
		fputs(" (", h);
		html_esc(h, r->source);
		fputs("):</p>\n<pre>", h);
		html_esc(h, cmd && *cmd ? cmd : "(not recorded in this result)");
		fputs("</pre>\n", h);
		fputs("- ", m);
		md_esc(m, rd_get(r, "workload"));
		fputs(" / ", m);
		md_esc(m, rd_get(r, "config_name"));
		fputs(" (", m);
		md_esc(m, r->source);
		fprintf(m, "):\n\n      %s\n\n", cmd && *cmd ? cmd : "(not recorded in this result)");
	}
	fputs("</body>\n</html>\n", h);
	if (fclose(h) | fclose(m)) {
		fprintf(stderr, "mmusim report: write failed in %s: %s\n", rp->dir, strerror(errno));
		rc = 1;
	}
out:
	table_free(&sum);
	table_free(&diff);
	free_list(cfgs, ncfg);
	free(first);
	free(self);
	return rc;
}

/* ---- locating the tools -------------------------------------------------- */

static bool is_dir_with(const char *dir, const char *file)
{
	char p[4400];
	struct stat st;

	snprintf(p, sizeof(p), "%.4096s/%.256s", dir, file);
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/*
 * Where the chart scripts are: one place, chosen by a rule, never guessed.
 *  - $MMUSIM_PLOTDIR, when it is set;
 *  - when this program is the mmusim of the build tree it was built in,
 *    the source tree's results/plot;
 *  - otherwise its installation's $(pkgdatadir)/plot, by the rule of
 *    sim/installed.h: for a program run where it was installed that is
 *    $(pkgdatadir)/plot itself; a staged installation (make install
 *    DESTDIR=...) or a moved prefix finds its own copy.  Without
 *    /proc/self/exe, the configured $(pkgdatadir)/plot.
 * So an installed mmusim never reads a build or source tree, even one still
 * on the disk.  @dir gets the directory; @how says which rule chose it.
 * Return: true if it holds the scripts (common.gp).
 */
static bool find_plotdir(char *dir, size_t len, const char **how)
{
	const char *env = getenv("MMUSIM_PLOTDIR"), *src;

	if (env && *env) {
		*how = "MMUSIM_PLOTDIR";
		snprintf(dir, len, "%s", env);
	} else if ((src = installed_source_tree())) {
		*how = "the source tree of this build";
		snprintf(dir, len, "%s/results/plot", src);
	} else if (installed_dir(INSTALLED_PKGDATADIR, "plot", dir, len)) {
		*how = "the installation directory";
	} else {
		*how = "this installation";
	}
	return is_dir_with(dir, "common.gp");
}

/* gnuplot: $GNUPLOT or "gnuplot", a path or a name looked up in PATH. */
static const char *find_gnuplot(char *buf, size_t len, const char **name)
{
	const char *env = getenv("GNUPLOT"), *path = getenv("PATH");

	*name = env && *env ? env : "gnuplot";
	if (strchr(*name, '/'))
		return access(*name, X_OK) ? NULL : *name;
	while (path && *path) {
		size_t k = strcspn(path, ":");

		snprintf(buf, len, "%.*s/%s", (int)k, path, *name);
		if (k && !access(buf, X_OK))
			return buf;
		path += k + (path[k] == ':');
	}
	return NULL;
}

static int make_dir(const char *path)
{
	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	fprintf(stderr, "mmusim report: cannot create %s: %s\n", path, strerror(errno));
	return -1;
}

static void report_usage(FILE *f)
{
	fprintf(f, "usage: mmusim report [OPTIONS] RESULT...\n"
	      "\n"
	      "Make a design-review report from results: charts (gnuplot), the tables\n"
	      "behind them, each configuration's parameters, the mmusim version and the\n"
	      "command that reproduces every number.  RESULT is a JSON file of 'mmusim run\n"
	      "--json', a CSV of 'mmusim run --csv', of a sweep or of a compare, or the\n"
	      "output directory of 'mmusim sweep' or 'mmusim compare -o'.  Writes\n"
	      "DIR/index.html, DIR/report.md, DIR/charts/, DIR/data/\n"
	      "(every chart's data, tab-separated, and results.csv) and DIR/plot.sh.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output DIR  where to write (default: report)\n"
	      "  --format F        svg, png or both (default: both)\n"
	      "  --plot COLUMN     also chart any result column by configuration and\n"
	      "                    workload (repeatable), e.g. --plot tlb.L2.misses\n"
	      "  --no-charts       write the tables and data only\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "The chart scripts are those of this program's installation (%s/plot\n"
	      "where it was installed), or of its source tree when it runs from the build\n"
	      "tree it was built in (results/README.md).\n"
	      "\n"
	      "Environment: GNUPLOT (the gnuplot program; default: gnuplot on PATH),\n"
	      "MMUSIM_PLOTDIR (another directory of chart scripts).\n"
	      "\n"
	      "Exit status: 0 success; 1 a chart could not be drawn (gnuplot or the chart\n"
	      "scripts missing, or gnuplot failed: the tables are written all the same),\n"
	      "or out of memory; 2 bad usage or a missing or malformed result file.\n",
		installed_configured(INSTALLED_PKGDATADIR));
}

/* "N runs: W workloads, C configurations" of the set. */
static int describe_set(struct report *rp)
{
	char **w = NULL, **g = NULL;
	size_t nw = 0, ng = 0;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++)
		if (label_add(&w, &nw, rd_get(&rp->set->r[i], "workload"), NULL) ||
		    label_add(&g, &ng, rd_get(&rp->set->r[i], "config_name"), NULL))
			rc = SIM_E_NOMEM;
	snprintf(rp->what, sizeof(rp->what), "%zu run%s: %zu workload%s, %zu configuration%s",
		 rp->set->n, rp->set->n == 1 ? "" : "s", nw, nw == 1 ? "" : "s", ng,
		 ng == 1 ? "" : "s");
	free_list(w, nw);
	free_list(g, ng);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "plot", required_argument, NULL, 'p' },
		{ "no-charts", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report rp = { .dir = "report", .want_svg = true, .want_png = true };
	struct rd_set set = { 0 };
	struct sim_error err = { 0 };
	char **plots = NULL, **self = NULL, pdbuf[4096], gpbuf[4096], path[4096];
	size_t nplots = 0;
	bool charts = true;
	int c, rc, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': rp.dir = optarg; break;
		case 'f':
			if (!strcmp(optarg, "svg") || !strcmp(optarg, "png") || !strcmp(optarg, "both")) {
				rp.want_svg = strcmp(optarg, "png");
				rp.want_png = strcmp(optarg, "svg");
				break;
			}
			fprintf(stderr, "mmusim report: --format: expected svg, png or both, got '%s'\n",
				optarg);
			status = EXIT_USAGE;
			goto out;
		case 'p': {
			char **np = grow(plots, (nplots + 1) * sizeof(char *));

			if (!np)
				goto nomem;
			plots = np;
			plots[nplots++] = optarg;
			break;
		}
		case 'N': charts = false; break;
		case 'h':
			report_usage(stdout);
			goto out;
		default:
			report_usage(stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mmusim report: no result given (try 'mmusim report --help')\n");
		status = EXIT_USAGE;
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if ((rc = rd_load(&set, argv[i], &err))) {
			fprintf(stderr, "mmusim report: %s\n", err.msg);
			status = rc == SIM_E_NOMEM ? 1 : EXIT_USAGE;
			goto out;
		}
	if (!set.n) {
		fprintf(stderr, "mmusim report: %s: no results in it\n", argv[optind]);
		status = EXIT_USAGE;
		goto out;
	}
	rp.set = &set;
	if (rd_label(&set) || describe_set(&rp))
		goto nomem;
	snprintf(path, sizeof(path), "%s/data", rp.dir);
	if (make_dir(rp.dir) || make_dir(path) ||
	    (snprintf(path, sizeof(path), "%s/charts", rp.dir), make_dir(path))) {
		status = EXIT_USAGE;
		goto out;
	}
	/* every column of every result */
	{
		static const char *const lead[] = { "workload", "config_name", "command" };
		FILE *f;

		snprintf(path, sizeof(path), "%s/data/results.csv", rp.dir);
		f = fopen(path, "w");
		rc = f ? rd_write_csv(f, &set, lead, 3, &err) : SIM_E_IO;
		if ((f && fclose(f)) || rc) {
			fprintf(stderr, "mmusim report: cannot write %s: %s\n", path,
				err.msg[0] ? err.msg : strerror(errno));
			status = 1;
			goto out;
		}
	}
	if (charts) {
		const char *how, *gpname;

		/* Missing tools are an error (exit status 1), reported here; the
		 * tables are written all the same. */
		bool have_scripts = find_plotdir(pdbuf, sizeof(pdbuf), &how);
		const char *gp = find_gnuplot(gpbuf, sizeof(gpbuf), &gpname);
		size_t used = 0;

		if (!gp)
			used += (size_t)snprintf(rp.nochart, sizeof(rp.nochart), "gnuplot was not "
						 "found ('%.900s' is not an executable program%s)",
						 gpname, strchr(gpname, '/') ? "" : " on PATH");
		if (!have_scripts && used < sizeof(rp.nochart))
			snprintf(rp.nochart + used, sizeof(rp.nochart) - used, "%sthe chart scripts "
				 "are missing (%.900s, the directory of %s, has no common.gp)",
				 used ? "; " : "", pdbuf, how);
		if (rp.nochart[0]) {
			fprintf(stderr, "mmusim report: %s.  %s, or use --no-charts for the tables "
				"alone.\n", rp.nochart, !gp ? "Install gnuplot or set GNUPLOT to "
				"the program" : "Set MMUSIM_PLOTDIR to the directory of mmusim's "
				"chart scripts (results/plot)");
			status = 1;
		} else {
			rp.plotdir = pdbuf;
			rp.gnuplot = gp;
		}
	}
	snprintf(path, sizeof(path), "%s/plot.sh", rp.dir);
	rp.plotsh = fopen(path, "w");
	if (!rp.plotsh) {
		fprintf(stderr, "mmusim report: cannot write %s: %s\n", path, strerror(errno));
		status = 1;
		goto out;
	}
	fprintf(rp.plotsh, "#!/bin/sh\n# Redraw the charts of this report (written by mmusim "
		"report).\n# plotdir: the mmusim chart scripts (results/plot).\nset -e\n"
		"cd \"$(dirname \"$0\")\"\nplotdir=${MMUSIM_PLOTDIR:-");
	{
		char *pv[2] = { (char *)(rp.plotdir ? rp.plotdir : "results/plot"), NULL };

		rd_shell_quote(rp.plotsh, pv);
	}
	fputs("}\n", rp.plotsh);

	if (chart_walk_by_s2(&rp) ||
	    chart_by_config(&rp, "overhead_by_config", "overhead_by_config",
			    "derived.translation_overhead_percent",
			    "Translation overhead by configuration",
			    "translation overhead (% of base cycles)",
			    "Translation cycles as a percentage of the accesses' base cycles "
			    "(derived.translation_overhead_percent), one bar per workload.") ||
	    chart_missrate(&rp) || chart_walk_cdf(&rp) || chart_refs(&rp) || chart_flush(&rp))
		goto nomem;
	for (size_t i = 0; i < nplots; i++) {
		char name[256], title[300], desc[400];

		snprintf(name, sizeof(name), "column_%s", plots[i]);
		snprintf(title, sizeof(title), "%s by configuration", plots[i]);
		snprintf(desc, sizeof(desc), "The result column %s (mean per configuration and "
			 "workload).", plots[i]);
		if (chart_by_config(&rp, name, "column_by_config", plots[i], title, plots[i], desc))
			goto nomem;
	}
	rc = fclose(rp.plotsh);
	rp.plotsh = NULL;
	if (rc)
		status = 1;
	snprintf(path, sizeof(path), "%s/plot.sh", rp.dir);
	chmod(path, 0755);
	self = malloc(((size_t)argc + 2) * sizeof(char *));
	if (!self)
		goto nomem;
	self[0] = "mmusim";
	for (int i = 0; i < argc; i++)
		self[i + 1] = argv[i];
	self[argc + 1] = NULL;
	rc = write_docs(&rp, self);
	if (rc < 0)
		goto nomem;
	if (rc || rp.failed)
		status = 1;
	printf("mmusim report: wrote %s/index.html and %s/report.md (%zu chart%s, %zu result%s)\n",
	       rp.dir, rp.dir, rp.ncharts, rp.ncharts == 1 ? "" : "s", set.n, set.n == 1 ? "" : "s");
	goto out;
nomem:
	fprintf(stderr, "mmusim report: out of memory%s%s%s\n", rp.set ? "; the report in " : "",
		rp.set ? rp.dir : "", rp.set ? " is incomplete" : "");
	status = 1;
out:
	if (rp.plotsh)
		fclose(rp.plotsh);
	for (size_t i = 0; i < rp.ncharts; i++)
		chart_free(&rp.charts[i]);
	free(rp.charts);
	rd_free(&set);
	free(plots);
	free(self);
	return status;
}
