/*
 * results/report_charts.c - the charts of `mmusim report`: which ones the
 * results call for, and the data of each, read from the results by column
 * name (results/README.md lists them).  Each chart is a table, written to
 * DIR/data/NAME.tsv, and a gnuplot script of results/plot that reads those
 * columns by name; results/report_gnuplot.c draws it.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/report.h"

#define MAX_SERIES_CURVES 12    /* curves in one line chart */
#define MAX_REFS_CHARTS 8       /* per-configuration reference histograms */

void chart_free(struct chart *c)
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

/* The chart @name (drawn by @script) of the pivot @p, @xcol its first
 * column: its table and texts, written and drawn.  Return: 0 or
 * SIM_E_NOMEM. */
static int pivot_chart(struct report *rp, const struct pivot *p, const char *name,
		       const char *script, const char *xcol, const char *title,
		       const char *xlabel, const char *ylabel, const char *desc)
{
	struct chart *c = chart_new(rp, name, script);
	int rc;

	if (!c)
		return SIM_E_NOMEM;
	c->xcol = xcol;
	rc = pivot_table(p, xcol, &c->data);
	if (!rc)
		rc = chart_texts(c, title, xlabel, ylabel, desc, rp->what);
	if (!rc)
		rc = chart_finish(rp, c);
	return rc;
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
	rc = pivot_chart(rp, &p, "walk_by_s2_levels", "walk_by_s2_levels", "workload",
			 "Walk cycles per TLB miss by stage-2 levels", "workload",
			 "walk cycles per TLB miss (cycles)",
			 "Mean cycles of one page-table walk (walk_cycles / walks: every walk is a "
			 "miss of the last TLB level), per workload, for each number of stage-2 "
			 "translation levels among the configurations (mean over the "
			 "configurations with that many levels).");
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
	rc = pivot_chart(rp, &p, name, script, "config_name", title, "configuration", ylabel, desc);
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
	rc = pivot_chart(rp, &p, "flush_policy", "flush_policy", "label",
			 "Translation cycles per access by cause", "configuration",
			 "translation cycles per access (cycles)",
			 "Translation cycles divided by accesses, stacked by the cycle counters the "
			 "results have (every top-level *_cycles counter but the total, and any "
			 "cause.* or cycles.* counter; 'other' is what the total has beyond them). "
			 "Run the configurations to compare, e.g. TLB flush policies, as a sweep.");
out:
	free_list(causes, ncause);
	pivot_free(&p);
	return rc;
}

int report_charts(struct report *rp, char *const *plots, size_t nplots)
{
	if (chart_walk_by_s2(rp) ||
	    chart_by_config(rp, "overhead_by_config", "overhead_by_config",
			    "derived.translation_overhead_percent",
			    "Translation overhead by configuration",
			    "translation overhead (% of base cycles)",
			    "Translation cycles as a percentage of the accesses' base cycles "
			    "(derived.translation_overhead_percent), one bar per workload.") ||
	    chart_missrate(rp) || chart_walk_cdf(rp) || chart_refs(rp) || chart_flush(rp))
		return SIM_E_NOMEM;
	for (size_t i = 0; i < nplots; i++) {
		char name[256], title[300], desc[400];

		snprintf(name, sizeof(name), "column_%s", plots[i]);
		snprintf(title, sizeof(title), "%s by configuration", plots[i]);
		snprintf(desc, sizeof(desc), "The result column %s (mean per configuration and "
			 "workload).", plots[i]);
		if (chart_by_config(rp, name, "column_by_config", plots[i], title, plots[i], desc))
			return SIM_E_NOMEM;
	}
	return 0;
}
