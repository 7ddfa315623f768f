/*
 * results/report_data.c - load result JSON, result CSV and sweep directories
 * into flat named columns (see results/report_data.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmu/geom.h"
#include "results/csv.h"
#include "results/json_read.h"
#include "results/report_data.h"
#include "sim/readfile.h"

/* ---- one result --------------------------------------------------------- */

const char *rd_get(const struct rd_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return r->value[i];
	return NULL;
}

int rd_num(const struct rd_result *r, const char *name, double *v)
{
	const char *s = rd_get(r, name);
	char *end;

	if (!s || !*s)
		return 0;
	*v = strtod(s, &end);
	return *end == '\0';
}

int rd_put(struct rd_result *r, const char *name, const char *value)
{
	char *v = strdup(value), *nm;

	if (!v)
		return SIM_E_NOMEM;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name)) {
			free(r->value[i]);
			r->value[i] = v;
			return 0;
		}
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		char **nn = realloc(r->name, nc * sizeof(*nn)), **nv;

		if (!nn) {
			free(v);
			return SIM_E_NOMEM;
		}
		r->name = nn;
		nv = realloc(r->value, nc * sizeof(*nv));
		if (!nv) {
			free(v);
			return SIM_E_NOMEM;
		}
		r->value = nv;
		r->cap = nc;
	}
	nm = strdup(name);
	if (!nm) {
		free(v);
		return SIM_E_NOMEM;
	}
	r->name[r->n] = nm;
	r->value[r->n++] = v;
	return 0;
}

const struct rd_hist *rd_hist_find(const struct rd_result *r, const char *name)
{
	for (size_t i = 0; i < r->nhist; i++)
		if (!strcmp(r->hist[i].name, name))
			return &r->hist[i];
	return NULL;
}

static void rd_result_free(struct rd_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->value[i]);
	}
	for (size_t i = 0; i < r->nhist; i++) {
		free(r->hist[i].name);
		free(r->hist[i].bucket);
	}
	if (r->argv)
		for (char **a = r->argv; *a; a++)
			free(*a);
	free(r->argv);
	free(r->name);
	free(r->value);
	free(r->hist);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

void rd_free(struct rd_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		rd_result_free(&set->r[i]);
	free(set->r);
	memset(set, 0, sizeof(*set));
}

/* Move *r into the set (r is emptied). */
static int rd_append(struct rd_set *set, struct rd_result *r)
{
	if (set->n == set->cap) {
		size_t nc = set->cap ? set->cap * 2 : 16;
		struct rd_result *nr = realloc(set->r, nc * sizeof(*nr));

		if (!nr)
			return SIM_E_NOMEM;
		set->r = nr;
		set->cap = nc;
	}
	set->r[set->n++] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

/* ---- JSON --------------------------------------------------------------- */

static bool is_hist(const struct json_value *v)
{
	const struct json_value *b = json_get(v, "buckets");

	return b && b->type == JSON_ARRAY && json_get(v, "limit");
}

static int leaf_text(const struct json_value *v, char *buf, size_t len, const char **out)
{
	switch (v->type) {
	case JSON_NULL: *out = ""; return 0;
	case JSON_BOOL: *out = v->b ? "1" : "0"; return 0;
	case JSON_NUMBER:
	case JSON_STRING: *out = v->text; return 0;
	default:
		(void)buf;
		(void)len;
		return -1;
	}
}

struct jflat {
	struct rd_result *r;
	const char *origin;
	struct sim_error *err;
};

static int flatten(struct jflat *f, const char *prefix, const struct json_value *obj);

static int add_hist(struct jflat *f, const char *name, const struct json_value *v)
{
	const struct json_value *b = json_get(v, "buckets");
	struct rd_hist *nh, *h;
	char col[512];

	/* the summary fields, as the CSV emitter names them */
	for (size_t i = 0; i < v->n; i++) {
		const char *t;

		if (!strcmp(v->keys[i], "buckets") || leaf_text(&v->items[i], NULL, 0, &t))
			continue;
		if (snprintf(col, sizeof(col), "%s.%s", name, v->keys[i]) >= (int)sizeof(col))
			continue;
		if (rd_put(f->r, col, t))
			return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory", f->origin);
	}
	nh = realloc(f->r->hist, (f->r->nhist + 1) * sizeof(*nh));
	if (!nh)
		return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory", f->origin);
	f->r->hist = nh;
	h = &nh[f->r->nhist];
	memset(h, 0, sizeof(*h));
	if (!b->n)
		return sim_error_set(f->err, SIM_E_PARSE, "%s: histogram %s has no buckets",
				     f->origin, name);
	h->limit = b->n - 1;
	h->name = strdup(name);
	h->bucket = calloc(b->n, sizeof(*h->bucket));
	if (!h->name || !h->bucket) {
		free(h->name);
		free(h->bucket);
		return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory", f->origin);
	}
	f->r->nhist++;
	for (size_t i = 0; i < b->n; i++) {
		if (b->items[i].type != JSON_NUMBER || b->items[i].num < 0)
			return sim_error_set(f->err, SIM_E_PARSE, "%s: histogram %s: bucket %zu "
					     "is not a count", f->origin, name, i);
		h->bucket[i] = strtoull(b->items[i].text, NULL, 10);
	}
	return 0;
}

static int flatten(struct jflat *f, const char *prefix, const struct json_value *obj)
{
	char name[512];

	for (size_t i = 0; i < obj->n; i++) {
		const struct json_value *v = &obj->items[i];
		const char *t;

		if (snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "",
			     obj->keys[i]) >= (int)sizeof(name))
			continue;       /* no column name is that long */
		if (!*prefix && !strcmp(name, "command") && v->type == JSON_ARRAY) {
			if (f->r->argv) {               /* a second "command": the last wins */
				for (char **a = f->r->argv; *a; a++)
					free(*a);
				free(f->r->argv);
			}
			f->r->argv = calloc(v->n + 1, sizeof(char *));
			if (!f->r->argv)
				return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory", f->origin);
			for (size_t k = 0; k < v->n; k++) {
				if (v->items[k].type != JSON_STRING)
					return sim_error_set(f->err, SIM_E_PARSE, "%s: \"command\" "
							     "holds a non-string", f->origin);
				f->r->argv[k] = strdup(v->items[k].text);
				if (!f->r->argv[k])
					return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory",
							     f->origin);
			}
			continue;
		}
		if (v->type == JSON_OBJECT) {
			int rc = is_hist(v) ? add_hist(f, name, v) : flatten(f, name, v);

			if (rc)
				return rc;
			continue;
		}
		if (leaf_text(v, NULL, 0, &t))
			continue;       /* arrays elsewhere are not columns */
		if (rd_put(f->r, name, t))
			return sim_error_set(f->err, SIM_E_NOMEM, "%s: out of memory", f->origin);
	}
	return 0;
}

int rd_load_json_text(struct rd_set *set, const char *text, size_t len, const char *origin,
		      struct sim_error *err)
{
	struct json_value *root;
	struct rd_result r = { 0 };
	struct jflat f = { &r, origin, err };
	int rc = json_parse(text, len, origin, &root, err);

	if (rc)
		return rc;
	if (root->type != JSON_OBJECT || !json_get(root, "mmusim_version")) {
		json_free(root);
		return sim_error_set(err, SIM_E_PARSE, "%s: not an mmusim result (no "
				     "\"mmusim_version\" member)", origin);
	}
	r.source = strdup(origin);
	rc = r.source ? flatten(&f, "", root) : sim_error_set(err, SIM_E_NOMEM, "out of memory");
	json_free(root);
	if (!rc && rd_append(set, &r))
		rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", origin);
	rd_result_free(&r);
	return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

static int rd_load_csv_text(struct rd_set *set, const char *text, size_t len, const char *origin,
			    struct sim_error *err)
{
	const char *p = text, *end = text + len;
	char **head = NULL, **row = NULL;
	size_t nh = 0, nr = 0, first = set->n;
	unsigned line = 1, at;
	int rc = 0;

	rc = csv_record(&p, end, &head, &nh, &line);
	if (rc)
		return sim_error_set(err, rc, "%s:1: %s", origin, rc == SIM_E_NOMEM ?
				     "out of memory" : "malformed CSV header");
	{
		size_t k;

		for (k = 0; k < nh && strcmp(head[k], "mmusim_version"); k++)
			;
		if (k == nh) {
			csv_fields_free(head, nh);
			return sim_error_set(err, SIM_E_PARSE, "%s:1: not an mmusim result CSV (no "
					     "mmusim_version column)", origin);
		}
	}
	while (p < end && !rc) {
		struct rd_result r = { 0 };
		char src[600];

		at = line;
		if (*p == '\n') {
			p++;
			line++;
			continue;
		}
		rc = csv_record(&p, end, &row, &nr, &line);
		if (rc) {
			rc = sim_error_set(err, rc, "%s:%u: %s", origin, at, rc == SIM_E_NOMEM ?
					   "out of memory" : "malformed CSV record");
			break;
		}
		if (nr != nh) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: %zu fields, the header has %zu",
					   origin, at, nr, nh);
			csv_fields_free(row, nr);
			break;
		}
		snprintf(src, sizeof(src), "%s:%u", origin, at);
		r.source = strdup(src);
		if (!r.source)
			rc = SIM_E_NOMEM;
		for (size_t i = 0; i < nh && !rc; i++) {
			if (!strcmp(head[i], "command") && row[i][0])
				continue;       /* kept as text below */
			rc = rd_put(&r, head[i], row[i]);
		}
		for (size_t i = 0; i < nh && !rc; i++)
			if (!strcmp(head[i], "command") && row[i][0]) {
				rc = rd_put(&r, "command", row[i]);
			}
		csv_fields_free(row, nr);
		if (!rc)
			rc = rd_append(set, &r);
		rd_result_free(&r);
		if (rc)
			rc = sim_error_set(err, rc, "%s: out of memory", origin);
	}
	csv_fields_free(head, nh);
	if (rc) {
		while (set->n > first)
			rd_result_free(&set->r[--set->n]);
	}
	return rc;
}

/* ---- sweep directories -------------------------------------------------- */

static int rd_load_sweep(struct rd_set *set, const char *dir, struct sim_error *err)
{
	size_t dl = strlen(dir), first = set->n;
	char *list = malloc(dl + 32), *text = NULL, *line, *save = NULL;
	size_t len;
	unsigned lineno = 0;
	int rc;

	if (!list)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	snprintf(list, dl + 32, "%s/cells.tsv", dir);
	rc = sim_read_file(list, &text, &len, err);
	if (rc) {
		free(list);
		return rc;
	}
	for (line = strtok_r(text, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		char *tab1, *tab2, *tab3, *path, *json = NULL;
		size_t jlen;
		struct stat st;

		lineno++;
		if (*line == '#')
			continue;
		tab1 = strchr(line, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		tab3 = tab2 ? strchr(tab2 + 1, '\t') : NULL;
		if (!tab3) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: expected ID, CONFIG, WORKLOAD "
					   "and the run's arguments separated by tabs", list, lineno);
			break;
		}
		*tab1 = *tab2 = *tab3 = '\0';
		path = malloc(dl + strlen(line) + 16);
		if (!path) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
		sprintf(path, "%s/cells/%s.json", dir, line);
		if (stat(path, &st)) {          /* a cell not run (yet) */
			free(path);
			continue;
		}
		rc = sim_read_file(path, &json, &jlen, err);
		if (!rc)
			rc = rd_load_json_text(set, json, jlen, path, err);
		if (!rc && (rd_put(&set->r[set->n - 1], "sweep.cell", line) ||
			    rd_put(&set->r[set->n - 1], "config_name", tab1 + 1) ||
			    rd_put(&set->r[set->n - 1], "workload", tab2 + 1)))
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
		free(json);
		free(path);
	}
	free(text);
	free(list);
	if (rc)
		while (set->n > first)
			rd_result_free(&set->r[--set->n]);
	return rc;
}

/* ---- compare directories ------------------------------------------------ */

/*
 * The output of `mmusim compare -o DIR`: DIR/compare.csv has one row per
 * configuration; DIR/NAME.json, NAME its config_name, is that run's full
 * result (with the histograms), which is read instead of the row and
 * labelled with the row's config_name and workload.  A row without its
 * JSON (a configuration that failed before writing it) is kept as it is.
 */
static int rd_load_compare(struct rd_set *set, const char *dir, struct sim_error *err)
{
	struct rd_set rows = { 0 };
	size_t dl = strlen(dir), first = set->n;
	char *csv = malloc(dl + 16), *text = NULL;
	size_t len;
	int rc;

	if (!csv)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	snprintf(csv, dl + 16, "%s/compare.csv", dir);
	rc = sim_read_file(csv, &text, &len, err);
	if (!rc)
		rc = rd_load_csv_text(&rows, text, len, csv, err);
	free(text);
	for (size_t i = 0; i < rows.n && !rc; i++) {
		struct rd_result *row = &rows.r[i];
		const char *name = rd_get(row, "config_name"), *wl = rd_get(row, "workload");
		char *path, *json = NULL;
		size_t jlen;
		struct stat st;

		if (!name || !*name || strchr(name, '/')) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s: no configuration name (config_name) "
					   "in the row of a compare directory", row->source);
			break;
		}
		path = malloc(dl + strlen(name) + 8);
		if (!path) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
		sprintf(path, "%s/%s.json", dir, name);
		if (stat(path, &st)) {
			rc = rd_append(set, row) ? sim_error_set(err, SIM_E_NOMEM, "out of memory") : 0;
			free(path);
			continue;
		}
		rc = sim_read_file(path, &json, &jlen, err);
		if (!rc)
			rc = rd_load_json_text(set, json, jlen, path, err);
		if (!rc && (rd_put(&set->r[set->n - 1], "config_name", name) ||
			    (wl && rd_put(&set->r[set->n - 1], "workload", wl))))
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
		free(json);
		free(path);
	}
	rd_free(&rows);
	free(csv);
	if (rc)
		while (set->n > first)
			rd_result_free(&set->r[--set->n]);
	return rc;
}

/* Is @dir/@name a file? */
static bool dir_has(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) < sizeof(p) &&
	       !stat(p, &st) && S_ISREG(st.st_mode);
}

int rd_load(struct rd_set *set, const char *path, struct sim_error *err)
{
	struct stat st;
	char *text = NULL;
	size_t len, i = 0;
	int rc;

	if (strcmp(path, "-") && stat(path, &st))
		return sim_error_set(err, SIM_E_IO, "%s: %s", path, strerror(errno));
	if (strcmp(path, "-") && S_ISDIR(st.st_mode)) {
		if (dir_has(path, "cells.tsv"))
			return rd_load_sweep(set, path, err);
		if (dir_has(path, "compare.csv"))
			return rd_load_compare(set, path, err);
		return sim_error_set(err, SIM_E_IO, "%s: a directory, but neither a sweep's "
				     "(no cells.tsv) nor a compare's (no compare.csv)", path);
	}
	rc = sim_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
		i++;
	if (i < len && text[i] == '{')
		rc = rd_load_json_text(set, text, len, sim_input_name(path), err);
	else if (i == len)
		rc = sim_error_set(err, SIM_E_PARSE, "%s: empty file, expected a result", path);
	else
		rc = rd_load_csv_text(set, text, len, sim_input_name(path), err);
	free(text);
	return rc;
}

/* ---- labels ------------------------------------------------------------- */

static unsigned granule_shift(const char *g)
{
	if (!g)
		return 12;
	return !strcmp(g, "16k") ? 14 : !strcmp(g, "64k") ? 16 : 12;
}

/* Levels of one stage, or 0 if the stage is off in this mode. */
static int stage_levels(const struct rd_result *r, int stage)
{
	const char *mode = rd_get(r, "config.run.mode");
	char key[64];
	const char *start;
	double bits;
	unsigned g;
	int sl;

	if (!mode)
		return -1;
	if ((stage == 1 && !strcmp(mode, "s2only")) || (stage == 2 && !strcmp(mode, "native")))
		return 0;
	snprintf(key, sizeof(key), "config.stage%d.granule", stage);
	g = granule_shift(rd_get(r, key));
	snprintf(key, sizeof(key), "config.stage%d.start_level", stage);
	start = rd_get(r, key);
	if (start && strcmp(start, "auto"))
		return 4 - atoi(start);
	snprintf(key, sizeof(key), "config.stage%d.%s", stage, stage == 1 ? "va_bits" : "ipa_bits");
	if (!rd_num(r, key, &bits) || bits < 16 || bits > 64)
		return -1;
	sl = stage == 1 ? geom_s1_start_level(g, (unsigned)bits)
			: geom_s2_default_start_level(g, (unsigned)bits);
	return 4 - sl;
}

static bool has_suffix(const char *s, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n > k && !strncmp(s + n - k, sfx, k);
}

void rd_trace_label(const char *path, char *out, size_t len)
{
	static const char *const sfx[] = { ".gz", ".zst", ".zstd", ".xz", ".lackey", ".trace",
					   ".txt", ".log", ".mtr", ".bin", ".native" };
	const char *b = strrchr(path, '/');
	size_t n;
	bool again = true;

	b = b ? b + 1 : path;
	n = strlen(b);
	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
			if (has_suffix(b, n, sfx[i])) {
				n -= strlen(sfx[i]);
				again = true;
			}
	}
	snprintf(out, len, "%.*s", (int)n, b);
}

/* The traces of a `mmusim run` command line, joined with '+'. */
static void workload_from_argv(char *const *argv, char *out, size_t len)
{
	static const char *const witharg[] = { "--preset", "--config", "--set", "--json", "--csv" };
	size_t used = 0;
	bool opts = true;

	out[0] = '\0';
	for (size_t i = 2; argv[0] && argv[1] && argv[i]; i++) {
		const char *a = argv[i];
		char lab[256];
		bool takes = false;

		if (opts && !strcmp(a, "--")) {
			opts = false;
			continue;
		}
		if (opts && a[0] == '-' && a[1]) {
			for (size_t k = 0; k < sizeof(witharg) / sizeof(witharg[0]); k++)
				if (!strcmp(a, witharg[k]))
					takes = true;
			if (takes && argv[i + 1])
				i++;
			continue;
		}
		rd_trace_label(a, lab, sizeof(lab));
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
					 used ? "+" : "", lab);
		if (used >= len)
			break;
	}
}

/* The settings of a `mmusim run` command line: preset, --config file, --set values. */
static void config_from_argv(char *const *argv, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 2; argv[0] && argv[1] && argv[i]; i++) {
		const char *a = argv[i], *v = NULL, *b;

		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "--preset") || !strcmp(a, "--set") || !strcmp(a, "--config")) &&
		    argv[i + 1])
			v = argv[++i];
		else if (!strncmp(a, "--preset=", 9) || !strncmp(a, "--config=", 9))
			v = a + 9;
		else if (!strncmp(a, "--set=", 6))
			v = a + 6;
		if (!v)
			continue;
		b = strstr(a, "config") ? strrchr(v, '/') : NULL;
		used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", b ? b + 1 : v);
		if (used >= len)
			break;
	}
}

/* Is column @name a configuration key whose value is not the same in every result? */
static bool config_varies(const struct rd_set *set, const char *name)
{
	const char *v0 = rd_get(&set->r[0], name);

	for (size_t i = 1; i < set->n; i++) {
		const char *v = rd_get(&set->r[i], name);

		if (!v0 != !v || (v && strcmp(v, v0)))
			return true;
	}
	return false;
}

int rd_label(struct rd_set *set)
{
	const char **cols = NULL;
	size_t nc = 0;
	char buf[1024];

	if (!set->n)
		return 0;
	if (rd_columns(set, &cols, &nc))
		return SIM_E_NOMEM;
	for (size_t i = 0; i < set->n; i++) {
		struct rd_result *r = &set->r[i];
		int l1 = stage_levels(r, 1), l2 = stage_levels(r, 2);

		if (r->argv && !rd_get(r, "command")) {
			char *text = NULL;
			size_t tl = 0;
			FILE *mf = open_memstream(&text, &tl);

			if (!mf)
				goto nomem;
			rd_shell_quote(mf, r->argv);
			if (fclose(mf) || rd_put(r, "command", text)) {
				free(text);
				goto nomem;
			}
			free(text);
		}
		if (!rd_get(r, "workload")) {
			if (r->argv)
				workload_from_argv(r->argv, buf, sizeof(buf));
			else
				buf[0] = '\0';
			if (!buf[0])
				rd_trace_label(r->source, buf, sizeof(buf));
			if (rd_put(r, "workload", buf))
				goto nomem;
		}
		if (!rd_get(r, "config_name") && r->argv) {
			config_from_argv(r->argv, buf, sizeof(buf));
			if (rd_put(r, "config_name", buf[0] ? buf : "default"))
				goto nomem;
		}
		if (!rd_get(r, "config_name")) {
			const char *preset = rd_get(r, "config.run.preset");
			size_t used, shown = 0;

			used = (size_t)snprintf(buf, sizeof(buf), "%s",
						preset && strcmp(preset, "none") ? preset : "default");
			/* name it by the settings in which the results differ */
			for (size_t k = 0; k < nc && used < sizeof(buf); k++) {
				const char *v;

				if (strncmp(cols[k], "config.", 7) || !strcmp(cols[k], "config.run.preset") ||
				    !config_varies(set, cols[k]) || !(v = rd_get(r, cols[k])))
					continue;
				if (++shown > 4) {
					used += (size_t)snprintf(buf + used, sizeof(buf) - used, " ...");
					break;
				}
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, " %s=%s",
							 cols[k] + 7, v);
			}
			if (rd_put(r, "config_name", buf))
				goto nomem;
		}
		snprintf(buf, sizeof(buf), "%d", l1);
		if (l1 >= 0 && rd_put(r, "report.s1_levels", buf))
			goto nomem;
		snprintf(buf, sizeof(buf), "%d", l2);
		if (l2 >= 0 && rd_put(r, "report.s2_levels", buf))
			goto nomem;
	}
	free(cols);
	return 0;
nomem:
	free(cols);
	return SIM_E_NOMEM;
}

/* ---- writing ------------------------------------------------------------ */

void rd_shell_quote(FILE *f, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];

		if (i)
			fputc(' ', f);
		if (*a && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			       "0123456789_-+=./:,@%") == strlen(a)) {
			fputs(a, f);
			continue;
		}
		fputc('\'', f);
		for (; *a; a++) {
			if (*a == '\'')
				fputs("'\\''", f);
			else
				fputc(*a, f);
		}
		fputc('\'', f);
	}
}

int rd_columns(const struct rd_set *set, const char ***names, size_t *n)
{
	size_t cap = 0;
	const char **v = NULL;

	*n = 0;
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = 0; k < set->r[i].n; k++) {
			const char *nm = set->r[i].name[k];
			size_t j;

			for (j = 0; j < *n; j++)
				if (!strcmp(v[j], nm))
					break;
			if (j < *n)
				continue;
			if (*n == cap) {
				const char **nv;

				cap = cap ? cap * 2 : 128;
				nv = realloc(v, cap * sizeof(*nv));
				if (!nv) {
					free(v);
					return SIM_E_NOMEM;
				}
				v = nv;
			}
			v[(*n)++] = nm;
		}
	*names = v;
	return 0;
}

int rd_write_csv(FILE *f, const struct rd_set *set, const char *const *first, size_t nfirst,
		 struct sim_error *err)
{
	const char **cols;
	size_t nc, nout = 0;
	const char **order, **cells;

	if (rd_columns(set, &cols, &nc))
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	order = malloc((nc + nfirst + 1) * sizeof(*order));
	cells = malloc((nc + nfirst + 1) * sizeof(*cells));
	if (!order || !cells) {
		free(order);
		free(cells);
		free(cols);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < nfirst; i++)
		order[nout++] = first[i];
	for (size_t i = 0; i < nc; i++) {
		size_t k;

		for (k = 0; k < nfirst && strcmp(first[k], cols[i]); k++)
			;
		if (k == nfirst)
			order[nout++] = cols[i];
	}
	csv_put_row(f, order, nout);
	for (size_t r = 0; r < set->n; r++) {
		for (size_t i = 0; i < nout; i++)
			cells[i] = rd_get(&set->r[r], order[i]);
		csv_put_row(f, cells, nout);
	}
	free(cells);
	free(order);
	free(cols);
	if (ferror(f))
		return sim_error_set(err, SIM_E_IO, "write failed: %s", strerror(errno));
	return 0;
}
