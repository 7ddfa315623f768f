/*
 * results/emit.c - text, JSON and CSV writers (formats in results/emit.h).
 *
 * Each leaf (a configuration key or a registry entry) is first rendered to
 * its output text; JSON then arranges the leaves in a tree built from their
 * dotted names, keeping every group where its first member appeared, so the
 * key order is deterministic and follows registration order.  Values are
 * rendered into a growable buffer; an allocation failure is remembered and
 * reported once, at the end.
 */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/csv.h"
#include "results/emit.h"
#include "sim/readfile.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

const char *emit_version(void)
{
	return PACKAGE_VERSION;
}

/* ---- a growable string ------------------------------------------------ */

struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int need;

	if (b->oom)
		return;
	va_copy(ap2, ap);
	need = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap2);
	va_end(ap2);
	if (need < 0) {
		b->oom = true;
		return;
	}
	if (!b->s || b->n + (size_t)need + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap < b->n + (size_t)need + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
		vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	}
	b->n += (size_t)need;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

static void sb_json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c == '\n')
			sb_printf(b, "\\n");
		else if (c == '\t')
			sb_printf(b, "\\t");
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

/* ---- leaves ----------------------------------------------------------- */

struct leaf {
	char *name;             /* dotted path */
	char *json;             /* rendered JSON value */
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
	bool oom;
};

static void leaves_add(struct leaves *l, const char *name, struct sbuf *val)
{
	if (l->oom || val->oom || !val->s) {
		l->oom = true;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct leaf *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	l->v[l->n].json = strdup(val->s);
	if (!l->v[l->n].name || !l->v[l->n].json) {
		free(l->v[l->n].name);
		free(l->v[l->n].json);
		l->oom = true;
		return;
	}
	l->n++;
}

static void leaves_free(struct leaves *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].json);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void json_number(struct sbuf *b, bool defined, double v)
{
	if (defined)
		sb_printf(b, "%.6f", v);
	else
		sb_printf(b, "null");
}

static void json_stat(struct sbuf *b, const struct stats_registry *reg, size_t i,
		      const struct stats_item *it)
{
	const struct stats_hist_summary *h = &it->hist;

	switch (it->kind) {
	case STATS_COUNTER:
		sb_printf(b, "%" PRIu64, it->value);
		return;
	case STATS_RATIO:
		json_number(b, it->defined, it->ratio);
		return;
	case STATS_HIST:
		sb_printf(b, "{\"count\": %" PRIu64 ", \"sum\": %" PRIu64 ", \"mean\": ",
			  h->count, h->sum);
		json_number(b, it->defined, h->mean);
		if (it->defined)
			sb_printf(b, ", \"p50\": %" PRIu64 ", \"p95\": %" PRIu64
				  ", \"p99\": %" PRIu64, h->p50, h->p95, h->p99);
		else
			sb_printf(b, ", \"p50\": null, \"p95\": null, \"p99\": null");
		sb_printf(b, ", \"limit\": %" PRIu64 ", \"overflow\": %" PRIu64
			  ", \"buckets\": [", h->limit, h->overflow);
		for (uint64_t k = 0; k <= h->limit; k++)
			sb_printf(b, "%s%" PRIu64, k ? ", " : "", stats_hist_bucket(reg, i, k));
		sb_printf(b, "]}");
		return;
	}
}

static int config_leaf(void *ctx, const struct cfg_item *it)
{
	struct leaves *l = ctx;
	struct sbuf v = { 0 };
	char name[128];

	switch (it->kind) {
	case CFG_ITEM_INT:
		sb_printf(&v, "%" PRIu64, it->ival);
		break;
	case CFG_ITEM_BOOL:
		sb_printf(&v, "%s", it->ival ? "true" : "false");
		break;
	case CFG_ITEM_NUMBER:
		sb_printf(&v, "%s", it->value);
		break;
	default:
		sb_json_string(&v, it->value);
		break;
	}
	snprintf(name, sizeof(name), "%s.%s", it->section, it->key);
	leaves_add(l, name, &v);
	free(v.s);
	return 0;
}

static void stats_leaves(const struct stats_registry *reg, struct leaves *l)
{
	for (size_t i = 0; i < stats_count(reg); i++) {
		struct stats_item it;
		struct sbuf v = { 0 };

		stats_get(reg, i, &it);
		json_stat(&v, reg, i, &it);
		leaves_add(l, it.name, &v);
		free(v.s);
	}
}

/* ---- the JSON tree ---------------------------------------------------- */

struct tnode {
	const char *key;        /* points into a leaf name */
	size_t keylen;
	long leaf;              /* index in leaves, or -1 for a group */
	long first, last, next; /* children and sibling, -1 for none */
};

struct tree {
	struct tnode *v;
	size_t n, cap;
	bool oom;
};

static long tree_node(struct tree *t, const char *key, size_t keylen)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct tnode *nv = realloc(t->v, cap * sizeof(*nv));

		if (!nv) {
			t->oom = true;
			return -1;
		}
		t->v = nv;
		t->cap = cap;
	}
	t->v[t->n] = (struct tnode){ .key = key, .keylen = keylen, .leaf = -1,
				     .first = -1, .last = -1, .next = -1 };
	return (long)t->n++;
}

/* Insert every leaf under node parent, creating groups on first use. */
static void tree_insert(struct tree *t, long parent, const struct leaves *l)
{
	for (size_t i = 0; i < l->n && !t->oom; i++) {
		const char *p = l->v[i].name;
		long cur = parent;

		for (;;) {
			const char *dot = strchr(p, '.');
			size_t len = dot ? (size_t)(dot - p) : strlen(p);
			long c;

			for (c = t->v[cur].first; c >= 0; c = t->v[c].next)
				if (t->v[c].keylen == len && !strncmp(t->v[c].key, p, len))
					break;
			if (c < 0) {
				c = tree_node(t, p, len);
				if (c < 0)
					return;
				if (t->v[cur].last >= 0)
					t->v[t->v[cur].last].next = c;
				else
					t->v[cur].first = c;
				t->v[cur].last = c;
			}
			if (!dot) {
				t->v[c].leaf = (long)i;
				break;
			}
			cur = c;
			p = dot + 1;
		}
	}
}

static void indent(struct sbuf *b, unsigned depth)
{
	sb_printf(b, "%*s", (int)(2 * depth), "");
}

/* Write the members of group node g (without braces) at depth. */
static void tree_write(struct sbuf *b, const struct tree *t, long g, const struct leaves *l,
		       unsigned depth, bool *first)
{
	for (long c = t->v[g].first; c >= 0; c = t->v[c].next) {
		sb_printf(b, "%s\n", *first ? "" : ",");
		*first = false;
		indent(b, depth);
		sb_printf(b, "\"%.*s\": ", (int)t->v[c].keylen, t->v[c].key);
		if (t->v[c].leaf >= 0) {
			sb_printf(b, "%s", l->v[t->v[c].leaf].json);
		} else {
			bool inner = true;

			sb_printf(b, "{");
			tree_write(b, t, c, l, depth + 1, &inner);
			sb_printf(b, "\n");
			indent(b, depth);
			sb_printf(b, "}");
		}
	}
}

static int write_all(FILE *f, const struct sbuf *b, struct sim_error *err)
{
	if (b->oom)
		return sim_error_set(err, SIM_E_NOMEM, "emit: out of memory");
	if (b->n && fwrite(b->s, 1, b->n, f) != b->n)
		return sim_error_set(err, SIM_E_IO, "emit: write failed: %s", strerror(errno));
	return 0;
}

static void json_render(struct sbuf *b, const struct emit_run *run, bool *oom)
{
	struct leaves cfg = { 0 }, st = { 0 };
	struct tree tc = { 0 }, ts = { 0 };
	bool first = false;

	sb_printf(b, "{\n  \"mmusim_version\": ");
	sb_json_string(b, emit_version());
	sb_printf(b, ",\n  \"complete\": %s", run->complete ? "true" : "false");
	if (!run->complete) {
		sb_printf(b, ",\n  \"incomplete_reason\": ");
		sb_json_string(b, run->reason ? run->reason : "unknown");
	}
	if (run->argv) {
		sb_printf(b, ",\n  \"command\": [");
		for (int i = 0; i < run->argc; i++) {
			sb_printf(b, "%s", i ? ", " : "");
			sb_json_string(b, run->argv[i]);
		}
		sb_printf(b, "]");
	}
	if (run->cfg) {
		bool inner = true;

		cfg_foreach(run->cfg, config_leaf, &cfg);
		tree_node(&tc, "", 0);
		tree_insert(&tc, 0, &cfg);
		sb_printf(b, ",\n  \"config\": {");
		if (!tc.oom)
			tree_write(b, &tc, 0, &cfg, 2, &inner);
		sb_printf(b, "\n  }");
	}
	stats_leaves(run->reg, &st);
	tree_node(&ts, "", 0);
	tree_insert(&ts, 0, &st);
	if (!ts.oom)
		tree_write(b, &ts, 0, &st, 1, &first);
	sb_printf(b, "\n}\n");
	*oom = cfg.oom || st.oom || tc.oom || ts.oom;
	leaves_free(&cfg);
	leaves_free(&st);
	free(tc.v);
	free(ts.v);
}

int emit_json(FILE *f, const struct emit_run *run, struct sim_error *err)
{
	struct sbuf b = { 0 };
	bool oom;
	int rc;

	json_render(&b, run, &oom);
	b.oom |= oom;
	rc = write_all(f, &b, err);
	free(b.s);
	if (!rc && fflush(f))
		rc = sim_error_set(err, SIM_E_IO, "emit: write failed: %s", strerror(errno));
	return rc;
}

int emit_json_file(const char *path, const struct emit_run *run, struct sim_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
	rc = emit_json(f, run, err);
	if (fclose(f) && !rc)
		rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
	if (!rc)
		rc = sim_write_file_atomic(path, text, len, 0644, err);
	free(text);
	return rc;
}

/* ---- text ------------------------------------------------------------- */

/* Length of the group part of a dotted name (0 for a top-level name). */
static size_t group_len(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? (size_t)(dot - name) : 0;
}

static void text_value(struct sbuf *b, const struct stats_registry *reg, size_t i,
		       const struct stats_item *it, int width)
{
	const struct stats_hist_summary *h = &it->hist;

	(void)reg;
	(void)i;
	switch (it->kind) {
	case STATS_COUNTER:
		sb_printf(b, "%*" PRIu64, width, it->value);
		break;
	case STATS_RATIO:
		if (it->defined)
			sb_printf(b, "%*.6f", width, it->ratio);
		else
			sb_printf(b, "%*s", width, "-");
		break;
	case STATS_HIST:
		sb_printf(b, "  n=%" PRIu64, h->count);
		if (!it->defined)
			break;
		sb_printf(b, " mean=%.6f p50=%s%" PRIu64 " p95=%s%" PRIu64 " p99=%s%" PRIu64,
			  h->mean, h->p50_over ? ">=" : "", h->p50, h->p95_over ? ">=" : "",
			  h->p95, h->p99_over ? ">=" : "", h->p99);
		if (h->overflow)
			sb_printf(b, " overflow=%" PRIu64, h->overflow);
		break;
	}
}

int emit_text(FILE *f, const struct emit_run *run, struct sim_error *err)
{
	const struct stats_registry *reg = run->reg;
	size_t n = stats_count(reg);
	bool *done = calloc(n ? n : 1, sizeof(*done));
	struct sbuf b = { 0 };
	int width = 0, rc;

	if (!done)
		return sim_error_set(err, SIM_E_NOMEM, "emit: out of memory");
	sb_printf(&b, "# mmusim %s results", emit_version());
	if (run->complete)
		sb_printf(&b, " (complete)\n");
	else
		sb_printf(&b, " (INCOMPLETE: %s)\n", run->reason ? run->reason : "unknown");
	if (run->cfg) {
		char *echo = NULL;
		size_t elen = 0;
		FILE *mf = open_memstream(&echo, &elen);

		if (!mf || cfg_echo(run->cfg, mf, "# ") || fclose(mf)) {
			b.oom = true;
		} else {
			sb_printf(&b, "# configuration:\n%s", echo);
		}
		free(echo);
	}
	for (size_t i = 0; i < n; i++) {
		struct stats_item it;
		size_t g, w;

		stats_get(reg, i, &it);
		if (it.absent) {        /* a structure this run does not have */
			done[i] = true;
			continue;
		}
		g = group_len(it.name);
		w = strlen(it.name) - (g ? g + 1 : 0);
		if ((int)w > width)
			width = (int)w;
	}
	/* groups in order of first appearance; top-level names first */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct stats_item it;
			size_t g;

			if (done[i])
				continue;
			stats_get(reg, i, &it);
			g = group_len(it.name);
			if ((pass == 0) != (g == 0))
				continue;
			if (g)
				sb_printf(&b, "\n[%.*s]\n", (int)g, it.name);
			for (size_t j = i; j < n; j++) {
				struct stats_item jt;

				if (done[j])
					continue;
				stats_get(reg, j, &jt);
				if (group_len(jt.name) != g || strncmp(jt.name, it.name, g))
					continue;
				done[j] = true;
				sb_printf(&b, "%s%-*s", g ? "  " : "", width + (g ? 0 : 2),
					  jt.name + (g ? g + 1 : 0));
				text_value(&b, reg, j, &jt, 20);
				sb_printf(&b, "\n");
			}
		}
	}
	free(done);
	rc = write_all(f, &b, err);
	free(b.s);
	if (!rc && fflush(f))
		rc = sim_error_set(err, SIM_E_IO, "emit: write failed: %s", strerror(errno));
	return rc;
}

/* ---- CSV -------------------------------------------------------------- */

static int csv_config(void *p, const struct cfg_item *it)
{
	char name[128];

	snprintf(name, sizeof(name), "config.%s.%s", it->section, it->key);
	csv_col(p, name, it->value);
	return 0;
}

void emit_csv_config(struct csv_cols *c, const struct sim_config *cfg)
{
	cfg_foreach(cfg, csv_config, c);
}

static void csv_render(const struct emit_run *run, struct csv_cols *c)
{
	const struct stats_registry *reg = run->reg;
	char name[300], val[64];

	csv_col(c, "mmusim_version", emit_version());
	csv_col(c, "complete", run->complete ? "1" : "0");
	csv_col(c, "incomplete_reason", run->complete ? "" : (run->reason ? run->reason : "unknown"));
	if (run->cfg)
		emit_csv_config(c, run->cfg);
	for (size_t i = 0; i < stats_count(reg); i++) {
		struct stats_item it;

		stats_get(reg, i, &it);
		switch (it.kind) {
		case STATS_COUNTER:
			snprintf(val, sizeof(val), "%" PRIu64, it.value);
			csv_col(c, it.name, val);
			break;
		case STATS_RATIO:
			if (it.defined)
				snprintf(val, sizeof(val), "%.6f", it.ratio);
			else
				val[0] = '\0';
			csv_col(c, it.name, val);
			break;
		case STATS_HIST: {
			const struct stats_hist_summary *h = &it.hist;
			const char *sfx[] = { "count", "mean", "p50", "p95", "p99", "overflow" };

			for (size_t k = 0; k < 6; k++) {
				snprintf(name, sizeof(name), "%s.%s", it.name, sfx[k]);
				if (k == 0)
					snprintf(val, sizeof(val), "%" PRIu64, h->count);
				else if (k == 5)
					snprintf(val, sizeof(val), "%" PRIu64, h->overflow);
				else if (!it.defined)
					val[0] = '\0';
				else if (k == 1)
					snprintf(val, sizeof(val), "%.6f", h->mean);
				else
					snprintf(val, sizeof(val), "%" PRIu64,
						 k == 2 ? h->p50 : k == 3 ? h->p95 : h->p99);
				csv_col(c, name, val);
			}
			break;
		}
		}
	}
}

int emit_csv_append(const char *path, const struct emit_run *run, struct sim_error *err)
{
	struct csv_cols c = { 0 };
	int rc;

	csv_render(run, &c);
	if (c.oom)
		rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
	else
		rc = csv_append(path, (const char *const *)c.name, (const char *const *)c.value,
				c.n, err);
	csv_cols_free(&c);
	return rc;
}
