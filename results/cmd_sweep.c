/*
 * results/cmd_sweep.c - `mmusim sweep`: run a matrix of configurations times
 * workloads as `mmusim run` child processes on every local core, resumably,
 * and merge the results; or write the same sweep as a Slurm job array or a
 * GNU parallel job list.
 *
 * The sweep file (results/README.md):
 *
 *     [sweep]
 *     preset = neoverse-n1                  ; optional base of every configuration
 *     config = base.ini                     ; optional, relative to the sweep file
 *     set = run.mode=virt                   ; base overrides, repeatable
 *     vary = tlb.L2.entries: 256, 512, 1024 ; several vary lines: cross product
 *     vary = tlb.L2.entries, tlb.L2.ways: 1280/5, 2048/4   ; keys varied together
 *     workload = traces/gcc.lackey.gz       ; repeatable; "NAME: PATH" names it
 *     time_limit = 2h                       ; optional, per cell
 *
 *     [config a76]                          ; optional explicit configurations
 *     preset = cortex-a76
 *     set = tlb.L2.entries=1024
 *
 * Cells are (configuration, workload).  OUT/cells.tsv lists them (id,
 * configuration name, workload name, the arguments of `mmusim run`); each
 * cell's result is OUT/cells/ID.json, written atomically by `mmusim run`, so
 * a cell is done exactly when that file exists and says "complete": true.
 * IDs are derived from the cell's arguments, so a restarted sweep skips what
 * is done, and an edited sweep never reuses a result of different settings.
 *
 * A cell that runs past the time limit is killed by the parent, which
 * writes its result as incomplete (reason "time limit: ..."): the merge
 * keeps it marked, and a resumed sweep runs it again.  The cells run in the
 * job pool of results/jobs.h, which sleeps until a cell ends or the next
 * deadline.  On a cluster, submit-slurm.sh cuts the cells into job arrays
 * of at most MaxArraySize tasks (see emit_slurm()).
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
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
#include "results/jobs.h"
#include "results/json_read.h"
#include "results/report_data.h"
#include "sim/cmd.h"
#include "sim/config.h"
#include "sim/readfile.h"
#include "sim/stats.h"
#include "workloads/trace.h"

#define SWEEP_MAX_CELLS 1000000

/* ---- growable string lists ------------------------------------------------ */

struct strv {
	char **v;
	unsigned *line;         /* source line of each entry (0: none) */
	size_t n;
};

static int strv_add(struct strv *s, const char *str, unsigned line)
{
	char **nv = realloc(s->v, (s->n + 2) * sizeof(*nv));
	unsigned *nl;

	if (!nv)
		return SIM_E_NOMEM;
	s->v = nv;
	nl = realloc(s->line, (s->n + 1) * sizeof(*nl));
	if (!nl)
		return SIM_E_NOMEM;
	s->line = nl;
	s->v[s->n] = strdup(str);
	if (!s->v[s->n])
		return SIM_E_NOMEM;
	s->line[s->n++] = line;
	s->v[s->n] = NULL;
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

/* ---- the sweep description ------------------------------------------------ */

struct sw_config {
	char *name;
	unsigned line;
	char *preset, *config;  /* NULL: inherit from [sweep] */
	unsigned preset_line, config_line;
	struct strv sets;
};

struct sw_vary {
	unsigned line;
	struct strv keys;
	struct strv vals;       /* nvals x nkeys, row-major */
	size_t nvals;
};

struct sweep {
	const char *file;
	char *dir;              /* absolute directory of the sweep file */
	struct sw_config base;
	struct sw_config *cfg;
	size_t ncfg;
	struct sw_vary *vary;
	size_t nvary;
	struct strv wl_name, wl_path;
	unsigned long time_limit;       /* seconds a cell may run, 0 for no limit */
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* An absolute path for @p, relative to @dir unless already absolute. */
static char *abs_path(const char *dir, const char *p)
{
	size_t n = strlen(dir) + strlen(p) + 2;
	char *out = malloc(n);

	if (!out)
		return NULL;
	if (p[0] == '/')
		snprintf(out, n, "%s", p);
	else
		snprintf(out, n, "%s/%s", dir, p);
	return out;
}

#define SWEEP_MAX_TIME_LIMIT (30UL * 86400)

/* A duration: N, Ns, Nm, Nh or Nd, N a whole number; 0 means no limit.
 * Return: 0 and *@secs, or -1. */
static int parse_duration(const char *s, unsigned long *secs)
{
	unsigned long v, mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		if (end[1])
			return -1;
	}
	if (v > SWEEP_MAX_TIME_LIMIT / mul)
		return -1;
	*secs = v * mul;
	return 0;
}

static int parse_vary(struct sweep *sw, char *val, unsigned line, struct sim_error *err)
{
	struct sw_vary *v, *nv;
	char *colon = strchr(val, ':'), *save = NULL, *tok;

	if (!colon)
		return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: expected 'SECTION.KEY: "
				     "VALUE, VALUE...' (or 'KEY, KEY: V/V, V/V')", sw->file, line);
	*colon = '\0';
	nv = realloc(sw->vary, (sw->nvary + 1) * sizeof(*nv));
	if (!nv)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	sw->vary = nv;
	v = &sw->vary[sw->nvary++];
	memset(v, 0, sizeof(*v));
	v->line = line;
	for (tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok || strchr(tok, '=') || strchr(tok, ' ') || !strchr(tok, '.'))
			return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: '%s' is not a "
					     "SECTION.KEY", sw->file, line, tok);
		if (strv_add(&v->keys, tok, line))
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	if (!v->keys.n)
		return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: no key before ':'", sw->file, line);
	for (tok = strtok_r(colon + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *vs = NULL, *part;
		size_t k = 0;

		tok = trim(tok);
		if (!*tok)
			return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: an empty value",
					     sw->file, line);
		for (part = strtok_r(tok, "/", &vs); part; part = strtok_r(NULL, "/", &vs), k++) {
			part = trim(part);
			if (!*part || k >= v->keys.n)
				break;
			if (strv_add(&v->vals, part, line))
				return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		}
		if (k != v->keys.n || part)
			return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: value '%s' needs %zu "
					     "part%s separated by '/', one per key", sw->file, line,
					     tok, v->keys.n, v->keys.n == 1 ? "" : "s");
		v->nvals++;
	}
	if (!v->nvals)
		return sim_error_set(err, SIM_E_PARSE, "%s:%u: vary: no values after ':'",
				     sw->file, line);
	return 0;
}

static void sweep_free(struct sweep *sw)
{
	struct sw_config *all[1] = { &sw->base };

	for (size_t i = 0; i <= sw->ncfg; i++) {
		struct sw_config *c = i ? &sw->cfg[i - 1] : all[0];

		free(c->name);
		free(c->preset);
		free(c->config);
		strv_free(&c->sets);
	}
	free(sw->cfg);
	for (size_t i = 0; i < sw->nvary; i++) {
		strv_free(&sw->vary[i].keys);
		strv_free(&sw->vary[i].vals);
	}
	free(sw->vary);
	strv_free(&sw->wl_name);
	strv_free(&sw->wl_path);
	free(sw->dir);
}

/* Check one assignment on a default configuration: unknown keys and bad values. */
static int check_set(const struct sweep *sw, const char *preset, const char *assign,
		     unsigned line, struct sim_error *err)
{
	struct sim_config cfg;
	struct sim_error e = { 0 };

	if (cfg_init_defaults(&cfg) || (preset && cfg_load_preset(&cfg, preset, &e)))
		return 0;       /* reported where the preset is checked */
	if (cfg_set(&cfg, assign, &e))
		return sim_error_set(err, SIM_E_CONFIG, "%s:%u: %s", sw->file, line, e.msg);
	return 0;
}

static int sweep_parse(struct sweep *sw, const char *path, struct sim_error *err)
{
	char *text = NULL, *line, *next, *real;
	size_t len;
	unsigned lineno = 0;
	struct sw_config *cur = NULL;
	int rc;

	memset(sw, 0, sizeof(*sw));
	sw->file = path;
	rc = sim_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	real = realpath(path, NULL);
	if (real) {
		char *slash = strrchr(real, '/');

		if (slash == real)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		sw->dir = real;
	} else {
		sw->dir = strdup(".");
	}
	for (line = text; line && line < text + len && !rc; line = next) {
		char *eq, *key, *val;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line = trim(line);
		if (!*line || *line == '#' || *line == ';')
			continue;
		if (*line == '[') {
			char *close = strchr(line, ']');

			if (!close || (trim(close + 1)[0] && trim(close + 1)[0] != ';'))
				rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: expected '[sweep]' or "
						   "'[config NAME]'", path, lineno);
			else {
				*close = '\0';
				key = trim(line + 1);
				if (!strcmp(key, "sweep")) {
					cur = &sw->base;
				} else if (!strncmp(key, "config", 6) && (key[6] == ' ' || key[6] == '\t') &&
					   *trim(key + 6)) {
					struct sw_config *nc = realloc(sw->cfg, (sw->ncfg + 1) * sizeof(*nc));

					if (!nc) {
						rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
						break;
					}
					sw->cfg = nc;
					cur = &sw->cfg[sw->ncfg++];
					memset(cur, 0, sizeof(*cur));
					cur->name = strdup(trim(key + 6));
					cur->line = lineno;
					for (size_t i = 0; i + 1 < sw->ncfg && cur->name; i++)
						if (!strcmp(sw->cfg[i].name, cur->name))
							rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: configuration "
									   "'%s' is already defined on line %u",
									   path, lineno, cur->name,
									   sw->cfg[i].line);
				} else {
					rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: unknown section '[%s]' "
							   "(expected [sweep] or [config NAME])", path,
							   lineno, key);
				}
			}
			continue;
		}
		eq = strchr(line, '=');
		if (!eq) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: expected 'key = value'", path, lineno);
			break;
		}
		*eq = '\0';
		key = trim(line);
		/* an inline comment: ';' after a blank, as in configuration files */
		for (char *c = eq + 1; *c; c++)
			if (*c == ';' && (c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				break;
			}
		val = trim(eq + 1);
		if (!cur) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: '%s' outside a section (start "
					   "with [sweep])", path, lineno, key);
			break;
		}
		if (!*val) {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: %s: empty value", path, lineno, key);
			break;
		}
		if (!strcmp(key, "preset")) {
			if (!cfg_preset_find(val) && strcmp(val, "none")) {
				rc = sim_error_set(err, SIM_E_CONFIG, "%s:%u: unknown preset '%s' (try "
						   "'mmusim run --help')", path, lineno, val);
				break;
			}
			free(cur->preset);
			cur->preset = strdup(val);
			cur->preset_line = lineno;
		} else if (!strcmp(key, "config")) {
			free(cur->config);
			cur->config = abs_path(sw->dir, val);
			cur->config_line = lineno;
			if (cur->config && access(cur->config, R_OK))
				rc = sim_error_set(err, SIM_E_IO, "%s:%u: config: cannot read %s: %s",
						   path, lineno, cur->config, strerror(errno));
		} else if (!strcmp(key, "set")) {
			const char *pre = cur->preset ? cur->preset : sw->base.preset;

			if (!strchr(val, '='))
				rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: set: expected "
						   "'SECTION.KEY=VALUE'", path, lineno);
			else
				rc = check_set(sw, pre, val, lineno, err);
			if (!rc && strv_add(&cur->sets, val, lineno))
				rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
		} else if (!strcmp(key, "vary") && cur == &sw->base) {
			rc = parse_vary(sw, val, lineno, err);
		} else if (!strcmp(key, "time_limit") && cur == &sw->base) {
			if (parse_duration(val, &sw->time_limit))
				rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: time_limit: expected a "
						   "duration (N seconds, or Ns, Nm, Nh, Nd; 0 for none) "
						   "of at most 30 days, got '%s'", path, lineno, val);
		} else if (!strcmp(key, "workload") && cur == &sw->base) {
			char *colon = strstr(val, ": "), *name, *p, label[256];
			struct sim_error te = { 0 };

			if (colon) {
				*colon = '\0';
				name = trim(val);
				val = trim(colon + 2);
			} else {
				name = NULL;
			}
			p = abs_path(sw->dir, val);
			if (!p) {
				rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
				break;
			}
			/* a trace: it opens and is one, checked once here, not per cell */
			if (trace_reader_check(p, NULL, NULL, &te)) {
				rc = sim_error_set(err, te.code, "%s:%u: workload: %s", path, lineno,
						   te.msg);
				free(p);
				break;
			}
			if (!name) {
				rd_trace_label(val, label, sizeof(label));
				name = label;
			}
			if (strchr(name, '\t'))
				rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: workload name has a tab",
						   path, lineno);
			if (!rc && (strv_add(&sw->wl_name, name, lineno) ||
				    strv_add(&sw->wl_path, p, lineno)))
				rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			free(p);
		} else {
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: unknown key '%s' in %s (expected "
					   "%s)", path, lineno, key, cur == &sw->base ? "[sweep]" :
					   "[config]", cur == &sw->base ?
					   "preset, config, set, vary, workload or time_limit" :
					   "preset, config or set");
		}
	}
	free(text);
	if (!rc && !sw->wl_path.n)
		rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: no workload (add 'workload = TRACE' "
				   "to [sweep])", path, lineno);
	return rc;
}

/* ---- cells ------------------------------------------------------------------ */

struct cell {
	char *id, *config, *workload;
	struct strv args;       /* arguments of `mmusim run` */
};

struct cells {
	struct cell *c;
	size_t n;
};

static void cells_free(struct cells *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->c[i].id);
		free(cs->c[i].config);
		free(cs->c[i].workload);
		strv_free(&cs->c[i].args);
	}
	free(cs->c);
	memset(cs, 0, sizeof(*cs));
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;              /* separator */
	return h * 0x100000001b3ULL;
}

/* A file-name-safe slug of @s, at most @max characters. */
static void slug(char *out, size_t len, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n + 1 < len && n < max; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '=')
			out[n++] = c;
		else if (n && out[n - 1] != '_')
			out[n++] = '_';
	}
	out[n] = '\0';
}

/* Build a configuration the way `mmusim run` would, to catch impossible cells early. */
static int check_cell(const struct sweep *sw, const struct sw_config *c, const char *preset,
		      const char *config, const struct strv *sets, const char *name,
		      struct sim_error *err)
{
	struct sim_config cfg;
	struct sim_error e = { 0 };
	unsigned line = c->line ? c->line : (sw->nvary ? sw->vary[0].line : 1);

	if (cfg_init_defaults(&cfg))
		return sim_error_set(err, SIM_E_CONFIG, "bad built-in configuration");
	if (preset && cfg_load_preset(&cfg, preset, &e))
		return sim_error_set(err, SIM_E_CONFIG, "%s:%u: %s", sw->file, line, e.msg);
	if (config && cfg_load_file(&cfg, config, &e))
		return sim_error_set(err, SIM_E_CONFIG, "%s:%u: %s", sw->file, line, e.msg);
	for (size_t i = 0; i < sets->n; i++)
		if (cfg_set(&cfg, sets->v[i], &e))
			return sim_error_set(err, SIM_E_CONFIG, "%s:%u: %s", sw->file,
					     sets->line[i], e.msg);
	if (cfg_finalize(&cfg, &e))
		return sim_error_set(err, SIM_E_CONFIG, "%s:%u: configuration '%s': %s", sw->file,
				     line, name, e.msg);
	return 0;
}

static int add_cells(const struct sweep *sw, const char *out, struct cells *cs,
		     const struct sw_config *c, const size_t *idx, struct sim_error *err)
{
	const char *preset = c->preset ? c->preset : sw->base.preset;
	const char *config = c->config ? c->config : sw->base.config;
	struct strv sets = { 0 };
	char name[1024];
	size_t used = 0;
	int rc = 0;

	name[0] = '\0';
	if (c->name)
		used += (size_t)snprintf(name, sizeof(name), "%s", c->name);
	for (size_t i = 0; i < sw->base.sets.n && !rc; i++)
		rc = strv_add(&sets, sw->base.sets.v[i], sw->base.sets.line[i]);
	for (size_t i = 0; i < c->sets.n && c != &sw->base && !rc; i++)
		rc = strv_add(&sets, c->sets.v[i], c->sets.line[i]);
	for (size_t k = 0; k < sw->nvary && !rc; k++) {
		const struct sw_vary *v = &sw->vary[k];

		for (size_t j = 0; j < v->keys.n && !rc; j++) {
			char a[512];

			snprintf(a, sizeof(a), "%s=%s", v->keys.v[j], v->vals.v[idx[k] * v->keys.n + j]);
			rc = strv_add(&sets, a, v->line);
			if (used < sizeof(name))
				used += (size_t)snprintf(name + used, sizeof(name) - used, "%s%s",
							 used ? " " : "", a);
		}
	}
	if (rc) {
		strv_free(&sets);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	if (!name[0])
		snprintf(name, sizeof(name), "%s", preset ? preset : "default");
	rc = check_cell(sw, c, preset, config, &sets, name, err);
	for (size_t w = 0; w < sw->wl_path.n && !rc; w++) {
		struct cell *ce, *nc;
		uint64_t h = 0xcbf29ce484222325ULL;
		char id[160], s1[48], s2[48], json[PATH_MAX + 200];

		if (cs->n >= SWEEP_MAX_CELLS) {
			rc = sim_error_set(err, SIM_E_CONFIG, "%s: more than %d cells", sw->file,
					   SWEEP_MAX_CELLS);
			break;
		}
		nc = realloc(cs->c, (cs->n + 1) * sizeof(*nc));
		if (!nc) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
		cs->c = nc;
		ce = &cs->c[cs->n++];
		memset(ce, 0, sizeof(*ce));
		rc |= strv_add(&ce->args, "--quiet", 0);
		rc |= strv_add(&ce->args, "--no-progress", 0);
		if (preset) {
			rc |= strv_add(&ce->args, "--preset", 0);
			rc |= strv_add(&ce->args, preset, 0);
		}
		if (config) {
			rc |= strv_add(&ce->args, "--config", 0);
			rc |= strv_add(&ce->args, config, 0);
		}
		for (size_t i = 0; i < sets.n; i++) {
			rc |= strv_add(&ce->args, "--set", 0);
			rc |= strv_add(&ce->args, sets.v[i], 0);
		}
		for (size_t i = 0; i < ce->args.n; i++)
			h = fnv1a(h, ce->args.v[i]);
		h = fnv1a(h, sw->wl_path.v[w]);
		slug(s1, sizeof(s1), sw->wl_name.v[w], 24);
		slug(s2, sizeof(s2), name, 40);
		snprintf(id, sizeof(id), "%s-%s-%08llx", s1, s2,
			 (unsigned long long)((h >> 32) ^ (h & 0xffffffffu)));
		snprintf(json, sizeof(json), "%s/cells/%s.json", out, id);
		rc |= strv_add(&ce->args, "--json", 0);
		rc |= strv_add(&ce->args, json, 0);
		rc |= strv_add(&ce->args, "--", 0);
		rc |= strv_add(&ce->args, sw->wl_path.v[w], 0);
		ce->id = strdup(id);
		ce->config = strdup(name);
		ce->workload = strdup(sw->wl_name.v[w]);
		if (rc || !ce->id || !ce->config || !ce->workload)
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
		for (size_t i = 0; i + 1 < cs->n && !rc; i++)
			if (!strcmp(cs->c[i].id, id))
				rc = sim_error_set(err, SIM_E_CONFIG, "%s: configuration '%s' on "
						   "workload '%s' appears twice", sw->file, name,
						   sw->wl_name.v[w]);
	}
	strv_free(&sets);
	return rc;
}

/* Every configuration times every workload. */
static int make_cells(const struct sweep *sw, const char *out, struct cells *cs,
		      struct sim_error *err)
{
	size_t ncfg = sw->ncfg ? sw->ncfg : 1;
	size_t *idx = calloc(sw->nvary + 1, sizeof(*idx));
	int rc = 0;

	if (!idx)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	for (size_t c = 0; c < ncfg && !rc; c++) {
		const struct sw_config *cfg = sw->ncfg ? &sw->cfg[c] : &sw->base;

		memset(idx, 0, (sw->nvary + 1) * sizeof(*idx));
		for (;;) {
			size_t k;

			rc = add_cells(sw, out, cs, cfg, idx, err);
			if (rc)
				break;
			/* odometer over the vary lines, the last one fastest */
			for (k = sw->nvary; k-- > 0;) {
				if (++idx[k] < sw->vary[k].nvals)
					break;
				idx[k] = 0;
			}
			if (k == SIZE_MAX)
				break;
		}
	}
	free(idx);
	return rc;
}

/* ---- files ------------------------------------------------------------------- */

static int write_cells_tsv(const char *out, const struct cells *cs, struct sim_error *err)
{
	char *text = NULL, path[PATH_MAX + 32];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	fprintf(f, "# mmusim sweep cells: ID, configuration, workload, then the arguments of "
		"'mmusim run' (tab-separated)\n");
	for (size_t i = 0; i < cs->n; i++) {
		fprintf(f, "%s\t%s\t%s", cs->c[i].id, cs->c[i].config, cs->c[i].workload);
		for (size_t k = 0; k < cs->c[i].args.n; k++)
			fprintf(f, "\t%s", cs->c[i].args.v[k]);
		fputc('\n', f);
	}
	if (fclose(f)) {
		free(text);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	snprintf(path, sizeof(path), "%s/cells.tsv", out);
	rc = sim_write_file_atomic(path, text, len, 0644, err);
	free(text);
	return rc;
}

/* Read OUT/cells.tsv back (for --cell, and for the merge). */
static int read_cells_tsv(const char *out, struct cells *cs, struct sim_error *err)
{
	char path[PATH_MAX + 32], *text, *line, *next;
	size_t len;
	unsigned lineno = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/cells.tsv", out);
	rc = sim_read_file(path, &text, &len, err);
	if (rc)
		return rc;
	for (line = text; line && *line && !rc; line = next) {
		char *tok, *save = NULL;
		struct cell *ce, *nc;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (*line == '#' || !*line)
			continue;
		nc = realloc(cs->c, (cs->n + 1) * sizeof(*nc));
		if (!nc) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
		cs->c = nc;
		ce = &cs->c[cs->n++];
		memset(ce, 0, sizeof(*ce));
		for (int k = 0; (tok = strtok_r(k ? NULL : line, "\t", &save)); k++) {
			if (k == 0)
				ce->id = strdup(tok);
			else if (k == 1)
				ce->config = strdup(tok);
			else if (k == 2)
				ce->workload = strdup(tok);
			else if (strv_add(&ce->args, tok, 0))
				rc = SIM_E_NOMEM;
		}
		if (!rc && (!ce->id || !ce->config || !ce->workload || !ce->args.n))
			rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: expected ID, CONFIG, WORKLOAD "
					   "and the run's arguments", path, lineno);
	}
	free(text);
	return rc;
}

enum cell_state {
	CELL_TODO,              /* no result, or not one we can read */
	CELL_DONE,              /* a complete result */
	CELL_TIMED_OUT,         /* killed at the time limit (rerun by a resumed sweep) */
	CELL_INCOMPLETE,        /* a result marked incomplete (a bad trace) */
};

/* The reason a cell killed at its time limit is incomplete; `--list` and
 * the merged rows show it. */
#define TIMEOUT_REASON "time limit"

/* What the result of cell @c says. */
static enum cell_state cell_state(const char *out, const struct cell *c)
{
	char path[PATH_MAX + 200], *text = NULL;
	size_t len;
	struct sim_error e = { 0 };
	struct json_value *v = NULL;
	const struct json_value *comp, *why;
	enum cell_state st = CELL_TODO;

	snprintf(path, sizeof(path), "%s/cells/%s.json", out, c->id);
	if (access(path, R_OK) || sim_read_file(path, &text, &len, &e))
		return CELL_TODO;
	if (!json_parse(text, len, path, &v, &e) && (comp = json_get(v, "complete")) &&
	    comp->type == JSON_BOOL) {
		why = json_get(v, "incomplete_reason");
		if (comp->b)
			st = CELL_DONE;
		else if (why && why->type == JSON_STRING &&
			 !strncmp(why->text, TIMEOUT_REASON, strlen(TIMEOUT_REASON)))
			st = CELL_TIMED_OUT;
		else
			st = CELL_INCOMPLETE;
	}
	json_free(v);
	free(text);
	return st;
}

/* Is cell @c done: its result exists and is complete? */
static bool cell_done(const char *out, const struct cell *c)
{
	return cell_state(out, c) == CELL_DONE;
}

static int make_dir(const char *path, struct sim_error *err)
{
	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	return sim_error_set(err, SIM_E_IO, "cannot create %s: %s", path, strerror(errno));
}

/* ---- running ------------------------------------------------------------------ */

static char *self_exe(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* The command line of cell @c: "mmusim", "run", its arguments (a new
 * array of pointers into @c, NULL-terminated), or NULL out of memory. */
static char **run_argv(const struct cell *c)
{
	char **argv = calloc(c->args.n + 3, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = "mmusim";
	argv[1] = "run";
	for (size_t i = 0; i < c->args.n; i++)
		argv[i + 2] = c->args.v[i];
	return argv;
}

/*
 * Cell @c was killed at the time limit of @limit seconds: say so in its
 * log, and write its result as incomplete (no counters, the reason, the
 * command), so the merge marks it and a resumed sweep runs it again.
 */
static void record_timeout(const char *out, const struct cell *c, unsigned long limit)
{
	char path[PATH_MAX + 200], reason[256];
	char **argv = run_argv(c);
	struct stats_registry none;
	struct sim_error e = { 0 };
	FILE *log;

	snprintf(reason, sizeof(reason), TIMEOUT_REASON ": still running after %lu s, killed "
		 "(the sweep's time_limit); a resumed sweep runs it again", limit);
	snprintf(path, sizeof(path), "%s/logs/%s.log", out, c->id);
	log = fopen(path, "a");
	if (log) {
		fprintf(log, "mmusim sweep: %s\n", reason);
		fclose(log);
	}
	stats_init(&none);
	{
		struct emit_run er = { .reg = &none, .complete = false, .reason = reason,
				       .argv = (const char *const *)argv,
				       .argc = argv ? (int)c->args.n + 2 : 0 };

		snprintf(path, sizeof(path), "%s/cells/%s.json", out, c->id);
		if (emit_json_file(path, &er, &e))
			fprintf(stderr, "mmusim sweep: %s\n", e.msg);
	}
	stats_free(&none);
	free(argv);
}

struct progress {
	size_t total, done, skipped, failed, timed_out, running;
	bool tty;
};

static void progress_show(const struct progress *p, bool final)
{
	if (!p->tty)
		return;
	fprintf(stderr, "\rmmusim sweep: %zu/%zu cells done (%zu already), %zu running, "
		"%zu failed, %zu timed out   %s", p->done + p->skipped, p->total, p->skipped,
		p->running, p->failed, p->timed_out, final ? "\n" : "");
	fflush(stderr);
}

/* The exit status of a sweep: 0, 1 some cell failed, 3 some cell timed out. */
static int sweep_status(const struct progress *p)
{
	return p->failed ? 1 : p->timed_out ? 3 : 0;
}

/* Cell @c ended with wait status @st (@killed: at the time limit): count it. */
static void cell_ended(const char *out, const struct cell *c, int st, bool killed,
		       unsigned long limit, struct progress *pr)
{
	char log[PATH_MAX + 200];
	struct stat lst;

	snprintf(log, sizeof(log), "%s/logs/%s.log", out, c->id);
	if (cell_done(out, c) && (killed || (WIFEXITED(st) && !WEXITSTATUS(st)))) {
		/* done (a run killed as it finished is done all the same) */
		pr->done++;
		if (!stat(log, &lst) && !lst.st_size)
			unlink(log);
		return;
	}
	if (pr->tty)
		fputc('\n', stderr);
	if (killed) {
		record_timeout(out, c, limit);
		pr->timed_out++;
		fprintf(stderr, "mmusim sweep: cell %s (%s on %s) ran longer than the time limit "
			"of %lu s and was stopped; see %s\n", c->id, c->config, c->workload, limit,
			log);
		return;
	}
	pr->failed++;
	fprintf(stderr, "mmusim sweep: cell %s (%s on %s) failed; see %s\n", c->id, c->config,
		c->workload, log);
}

/* Cells run by the job pool (results/jobs.h): what its callbacks share. */
struct sweep_run {
	const char *out, *exe;
	const struct cells *cs;
	unsigned long limit;
	struct progress pr;
};

/* A cell that is done needs no run (it is counted as done already). */
static bool cell_skip(void *ctx, size_t i)
{
	struct sweep_run *r = ctx;

	if (!cell_done(r->out, &r->cs->c[i]))
		return false;
	r->pr.skipped++;
	return true;
}

/* In the child: `mmusim run` for cell @i, its errors in OUT/logs/ID.log. */
static int cell_run(void *ctx, size_t i, int fd)
{
	const struct sweep_run *r = ctx;
	const struct cell *c = &r->cs->c[i];
	char log[PATH_MAX + 200], **argv = run_argv(c);
	int lfd, nul;

	(void)fd;
	snprintf(log, sizeof(log), "%s/logs/%s.log", r->out, c->id);
	lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
	}
	if (lfd >= 0)
		dup2(lfd, 2);
	if (!argv) {
		fprintf(stderr, "mmusim sweep: cannot run cell %s: out of memory\n", c->id);
		return 1;
	}
	execv(r->exe, argv);
	fprintf(stderr, "mmusim sweep: cannot run %s: %s\n", r->exe, strerror(errno));
	return 127;
}

static void cell_over(void *ctx, size_t i, const struct job_end *e)
{
	struct sweep_run *r = ctx;

	if (!e->started) {
		fprintf(stderr, "mmusim sweep: cannot start a run: %s\n", strerror(e->error));
		r->pr.failed++;
		return;
	}
	cell_ended(r->out, &r->cs->c[i], e->status, e->killed, r->limit, &r->pr);
}

static void cell_progress(void *ctx, size_t running)
{
	struct sweep_run *r = ctx;

	r->pr.running = running;
	progress_show(&r->pr, false);
}

/*
 * Run the cells of @cs that are not done, @jobs at a time, each for at most
 * @limit seconds (0: no limit), with a progress line on a terminal if
 * @progress.  Return: the exit status (sweep_status()).
 */
static int run_cells(const char *out, const struct cells *cs, long jobs, bool progress,
		     unsigned long limit)
{
	struct sweep_run r = { .out = out, .cs = cs, .limit = limit,
			       .pr = { .total = cs->n, .tty = progress && isatty(STDERR_FILENO) } };
	struct jobs j = { .n = cs->n, .parallel = jobs, .limit = limit, .ctx = &r,
			  .skip = cell_skip, .run = cell_run, .ended = cell_over,
			  .progress = cell_progress };
	char *exe = self_exe();

	if (!exe) {
		fprintf(stderr, "mmusim sweep: cannot find this program (/proc/self/exe)\n");
		return 1;
	}
	r.exe = exe;
	progress_show(&r.pr, false);
	if (jobs_run(&j)) {
		fprintf(stderr, "mmusim sweep: out of memory\n");
		free(exe);
		return 1;
	}
	progress_show(&r.pr, true);
	printf("mmusim sweep: %zu cells: %zu run now, %zu already done, %zu failed, %zu timed "
	       "out\n", r.pr.total, r.pr.done, r.pr.skipped, r.pr.failed, r.pr.timed_out);
	free(exe);
	return sweep_status(&r.pr);
}

/* Merge every finished cell into OUT/results.csv, atomically. */
static int merge(const char *out, size_t *nmerged, struct sim_error *err)
{
	static const char *const lead[] = { "sweep.cell", "config_name", "workload", "command" };
	struct rd_set set = { 0 };
	char path[PATH_MAX + 32], *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	rc = rd_load(&set, out, err);
	if (!rc && rd_label(&set))
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if (rc) {
		rd_free(&set);
		return rc;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		rd_free(&set);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	rc = rd_write_csv(f, &set, lead, 4, err);
	if (fclose(f) && !rc)
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/results.csv", out);
	if (!rc)
		rc = sim_write_file_atomic(path, text, len, 0644, err);
	*nmerged = set.n;
	free(text);
	rd_free(&set);
	return rc;
}

/* ---- cluster job lists -------------------------------------------------------- */

static int emit_file(const char *out, const char *name, const char *text, mode_t mode,
		     struct sim_error *err)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", out, name);
	return sim_write_file_atomic(path, text, strlen(text), mode, err);
}

/* The option that passes the time limit on to `--cell`, or "". */
static void limit_option(char *buf, size_t len, unsigned long limit)
{
	if (limit)
		snprintf(buf, len, " --time-limit %lu", limit);
	else
		buf[0] = '\0';
}

/*
 * The sweep as Slurm job arrays.  Slurm refuses an array index above
 * MaxArraySize - 1 (slurm.conf(5); MaxArraySize is 1001 by default) and an
 * array of more than max_array_tasks tasks (SchedulerParameters), so
 * submit-slurm.sh cuts the cells into arrays of at most that many tasks,
 * indices 0..K-1, each given the number of cells before it, and queues the
 * merge after all of them.  The limit is @max_array (--max-array-size), or
 * $MMUSIM_MAX_ARRAY_SIZE, or what `scontrol show config` says where the
 * script is run, or 1001.
 */
static int emit_slurm(const char *out, const char *exe, const struct cells *cs,
		      unsigned long limit, unsigned long max_array, struct sim_error *err)
{
	char *t = NULL, lim[64], maxs[32] = "";
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	limit_option(lim, sizeof(lim), limit);
	if (max_array)
		snprintf(maxs, sizeof(maxs), "%lu", max_array);
	fprintf(f, "#!/bin/bash\n"
		"# mmusim sweep as Slurm job arrays: task I of the array submitted with\n"
		"# argument OFFSET runs cell OFFSET + I + 1 of cells.tsv.  Submit with\n"
		"# submit-slurm.sh, which cuts the cells into arrays the cluster accepts\n"
		"# and queues merge.sbatch after them.  A task whose cell is already done\n"
		"# exits at once, so resubmitting finishes an interrupted sweep.\n"
		"#SBATCH --job-name=mmusim-sweep\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/logs/slurm-%%A_%%a.out\n"
		"set -eu\n"
		": \"${SLURM_ARRAY_TASK_ID:?not a job array task: submit with submit-slurm.sh}\"\n"
		"MMUSIM=${MMUSIM:-%s}\n"
		"exec \"$MMUSIM\" sweep%s --cell \"$((${1:-0} + SLURM_ARRAY_TASK_ID + 1))\" '%s'\n",
		out, exe, lim, out);
	fclose(f);
	rc = emit_file(out, "sweep.sbatch", t, 0755, err);
	free(t);
	if (rc)
		return rc;
	t = NULL;
	f = open_memstream(&t, &len);
	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	fprintf(f, "#!/bin/bash\n"
		"# Merge the finished cells of the sweep into results.csv; queued by\n"
		"# submit-slurm.sh to run after every task of the sweep's arrays.\n"
		"#SBATCH --job-name=mmusim-merge\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --output=%s/logs/slurm-merge-%%j.out\n"
		"set -eu\n"
		"MMUSIM=${MMUSIM:-%s}\n"
		"exec \"$MMUSIM\" sweep --merge '%s'\n", out, exe, out);
	fclose(f);
	rc = emit_file(out, "merge.sbatch", t, 0755, err);
	free(t);
	if (rc)
		return rc;
	t = NULL;
	f = open_memstream(&t, &len);
	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	fprintf(f, "#!/bin/sh\n"
		"# Submit the sweep's %zu cells as Slurm job arrays, then the merge as a\n"
		"# job that depends on all of them.  Extra arguments go to every sbatch.\n"
		"#\n"
		"# An array has at most MAX tasks, indices 0..MAX-1: Slurm takes no index\n"
		"# above MaxArraySize - 1 and no more than max_array_tasks tasks\n"
		"# (SchedulerParameters).  MAX is $MMUSIM_MAX_ARRAY_SIZE if set, else the\n"
		"# value given to 'mmusim sweep --max-array-size', else the smaller of\n"
		"# those two that 'scontrol show config' reports, else 1001 (Slurm's\n"
		"# default MaxArraySize).\n"
		"set -eu\n"
		"cd '%s'\n"
		"cells=%zu\n"
		"max=${MMUSIM_MAX_ARRAY_SIZE:-%s}\n"
		"if [ -z \"$max\" ]; then\n"
		"\tconf=$(scontrol show config 2>/dev/null || :)\n"
		"\tmax=$(printf '%%s\\n' \"$conf\" | sed -n 's/^MaxArraySize *= *\\([0-9][0-9]*\\).*/\\1/p')\n"
		"\ttasks=$(printf '%%s\\n' \"$conf\" | sed -n 's/^SchedulerParameters *=.*max_array_tasks=\\([0-9][0-9]*\\).*/\\1/p')\n"
		"\tmax=${max:-1001}\n"
		"\tif [ -n \"$tasks\" ] && [ \"$tasks\" -lt \"$max\" ]; then max=$tasks; fi\n"
		"fi\n"
		"case $max in\n"
		"''|*[!0-9]*) echo \"submit-slurm.sh: MaxArraySize '$max' is not a number\" >&2; exit 2 ;;\n"
		"esac\n"
		"if [ \"$max\" -lt 1 ]; then\n"
		"\techo \"submit-slurm.sh: job arrays are disabled on this cluster (MaxArraySize = $max)\" >&2\n"
		"\texit 1\n"
		"fi\n"
		"first=0\n"
		"ids=\n"
		"while [ \"$first\" -lt \"$cells\" ]; do\n"
		"\tn=$((cells - first))\n"
		"\tif [ \"$n\" -gt \"$max\" ]; then n=$max; fi\n"
		"\tid=$(sbatch --parsable --array=0-$((n - 1)) \"$@\" sweep.sbatch \"$first\")\n"
		"\tids=\"$ids ${id%%%%;*}\"\n"
		"\tfirst=$((first + n))\n"
		"done\n"
		"deps=$(printf '%%s' \"$ids\" | tr ' ' ':')\n"
		"merge=$(sbatch --parsable --dependency=afterany$deps \"$@\" merge.sbatch)\n"
		"echo \"mmusim sweep: submitted job array(s)$ids ($cells cells, at most $max per array)"
		" and merge job ${merge%%%%;*}\"\n",
		cs->n, out, cs->n, maxs);
	fclose(f);
	rc = emit_file(out, "submit-slurm.sh", t, 0755, err);
	free(t);
	return rc;
}

static int emit_parallel(const char *out, const char *exe, const struct cells *cs,
			 unsigned long limit, struct sim_error *err)
{
	char *t = NULL, lim[64];
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	limit_option(lim, sizeof(lim), limit);
	for (size_t i = 0; i < cs->n; i++)
		fprintf(f, "'%s' sweep%s --cell %zu '%s'\n", exe, lim, i + 1, out);
	fclose(f);
	rc = emit_file(out, "jobs.txt", t, 0644, err);
	free(t);
	if (rc)
		return rc;
	t = NULL;
	f = open_memstream(&t, &len);
	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	fprintf(f, "#!/bin/sh\n"
		"# Run the sweep's cells with GNU parallel (extra arguments go to parallel,\n"
		"# e.g. -S host1,host2 --sshdelay 0.1), then merge them into results.csv.\n"
		"cd '%s' || exit 2\n"
		"parallel --halt never \"$@\" < jobs.txt\n"
		"status=$?\n"
		"'%s' sweep --merge '%s' || exit $?\n"
		"exit $status\n", out, exe, out);
	fclose(f);
	rc = emit_file(out, "parallel.sh", t, 0755, err);
	free(t);
	return rc;
}

/* ---- the command ---------------------------------------------------------------- */

static void sweep_usage(FILE *f)
{
	fputs("usage: mmusim sweep [OPTIONS] SWEEP.ini\n"
	      "       mmusim sweep --cell N OUT\n"
	      "       mmusim sweep --merge OUT\n"
	      "\n"
	      "Run a matrix of configurations (a preset plus overrides; 'vary' lines form a\n"
	      "cross product; [config NAME] sections name configurations) times workloads\n"
	      "(trace files) as 'mmusim run' processes on every core.  Each cell's result\n"
	      "is written atomically to OUT/cells/ID.json; a restarted sweep skips the\n"
	      "cells that are done.  The finished cells are merged into OUT/results.csv\n"
	      "(for 'mmusim report OUT' or 'mmusim report OUT/results.csv').  The file\n"
	      "format is in results/README.md.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output OUT  where to write (default: SWEEP without .ini, plus .out)\n"
	      "  -j, --jobs N      cells run at once (default: the number of cores)\n"
	      "  --time-limit D    stop a cell that runs longer than D (N seconds, or Ns, Nm,\n"
	      "                    Nh, Nd; 0 for none; overrides the file's time_limit): its\n"
	      "                    result is marked incomplete and a resumed sweep reruns it\n"
	      "  --emit slurm      write OUT/sweep.sbatch (job array tasks), merge.sbatch and\n"
	      "                    submit-slurm.sh (submits the cells as arrays of at most\n"
	      "                    MaxArraySize tasks, then the merge after all); run nothing\n"
	      "  --max-array-size N  with --emit slurm: arrays of at most N tasks (default:\n"
	      "                    the cluster's, from 'scontrol show config' at submission,\n"
	      "                    else 1001)\n"
	      "  --emit parallel   write OUT/jobs.txt (GNU parallel) and parallel.sh; run nothing\n"
	      "  --list            list the cells and the state of each (done, todo, timeout,\n"
	      "                    incomplete); run nothing\n"
	      "  --no-progress     no progress line (shown on a terminal)\n"
	      "  --cell N OUT      run cell N (1-based) of OUT/cells.tsv unless it is done\n"
	      "  --merge OUT       merge OUT's finished cells into OUT/results.csv\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "Exit status: 0 every cell done; 1 some cell failed (see OUT/logs/); 2 bad\n"
	      "usage or a malformed sweep file (FILE:LINE: ...); 3 no cell failed but some\n"
	      "ran into the time limit.\n", f);
}

/* `mmusim sweep --cell N OUT`: run one cell; with a time limit as a child
 * stopped at the limit, else in this process. */
static int run_one(const char *out, const char *nstr, unsigned long limit)
{
	struct cells cs = { 0 };
	struct sim_error err = { 0 };
	char *end, *exe, **argv;
	unsigned long n = strtoul(nstr, &end, 10);
	const struct cell *c;
	int status = 1;

	if (read_cells_tsv(out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (*end || !n || n > cs.n) {
		fprintf(stderr, "mmusim sweep: --cell: expected 1..%zu, got '%s'\n", cs.n, nstr);
		cells_free(&cs);
		return EXIT_USAGE;
	}
	c = &cs.c[n - 1];
	if (cell_done(out, c)) {
		printf("mmusim sweep: cell %lu (%s) is already done\n", n, c->id);
		cells_free(&cs);
		return 0;
	}
	exe = self_exe();
	if (!exe) {
		fprintf(stderr, "mmusim sweep: cannot run cell %lu (/proc/self/exe)\n", n);
		cells_free(&cs);
		return 1;
	}
	if (limit) {
		/* one job for the pool: the cell, stopped at its limit */
		struct cells one = { .c = &cs.c[n - 1], .n = 1 };
		struct sweep_run r = { .out = out, .exe = exe, .cs = &one, .limit = limit,
				       .pr = { .total = 1 } };
		struct jobs j = { .n = 1, .parallel = 1, .limit = limit, .ctx = &r,
				  .run = cell_run, .ended = cell_over };

		if (jobs_run(&j))
			fprintf(stderr, "mmusim sweep: cannot run cell %lu: out of memory\n", n);
		else
			status = sweep_status(&r.pr);
		free(exe);
		cells_free(&cs);
		return status;
	}
	argv = run_argv(c);
	if (!argv) {
		fprintf(stderr, "mmusim sweep: cannot run cell %lu: out of memory\n", n);
		free(exe);
		cells_free(&cs);
		return 1;
	}
	fflush(NULL);
	execv(exe, argv);
	fprintf(stderr, "mmusim sweep: cannot run %s: %s\n", exe, strerror(errno));
	free(exe);
	free(argv);
	cells_free(&cs);
	return 1;
}

static int merge_cmd(const char *out)
{
	struct sim_error err = { 0 };
	size_t n = 0;
	int rc = merge(out, &n, &err);

	if (rc) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		return rc == SIM_E_NOMEM ? 1 : EXIT_USAGE;
	}
	printf("mmusim sweep: merged %zu cells into %s/results.csv\n", n, out);
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "emit", required_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "cell", required_argument, NULL, 'c' },
		{ "merge", no_argument, NULL, 'm' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "max-array-size", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outopt = NULL, *emit = NULL, *cell = NULL;
	bool list = false, progress = true, do_merge = false, have_limit = false;
	unsigned long limit = 0, max_array = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct sweep sw;
	struct cells cs = { 0 };
	struct sim_error err = { 0 };
	char *out = NULL, *exe = NULL, sub[PATH_MAX + 16], def[PATH_MAX];
	int c, status = 0;
	size_t merged = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:j:", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'o': outopt = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 4096) {
				fprintf(stderr, "mmusim sweep: -j: expected 1..4096, got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'e':
			if (strcmp(optarg, "slurm") && strcmp(optarg, "parallel")) {
				fprintf(stderr, "mmusim sweep: --emit: expected slurm or parallel, got "
					"'%s'\n", optarg);
				return EXIT_USAGE;
			}
			emit = optarg;
			break;
		case 'l': list = true; break;
		case 'P': progress = false; break;
		case 'c': cell = optarg; break;
		case 'm': do_merge = true; break;
		case 't':
			if (parse_duration(optarg, &limit)) {
				fprintf(stderr, "mmusim sweep: --time-limit: expected a duration (N "
					"seconds, or Ns, Nm, Nh, Nd; 0 for none) of at most 30 days, "
					"got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			have_limit = true;
			break;
		case 'A':
			max_array = strtoul(optarg, &end, 10);
			if (*end || optarg[0] < '0' || optarg[0] > '9' || max_array < 1 ||
			    max_array > 4000001) {
				fprintf(stderr, "mmusim sweep: --max-array-size: expected 1..4000001 "
					"(Slurm's MaxArraySize), got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			sweep_usage(stdout);
			return 0;
		default:
			sweep_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "mmusim sweep: expected one %s (try 'mmusim sweep --help')\n",
			cell || do_merge ? "OUT directory" : "sweep file");
		return EXIT_USAGE;
	}
	if (jobs < 1)
		jobs = 1;
	if (max_array && (!emit || strcmp(emit, "slurm"))) {
		fprintf(stderr, "mmusim sweep: --max-array-size goes with --emit slurm\n");
		return EXIT_USAGE;
	}
	if (have_limit && (do_merge || list)) {
		fprintf(stderr, "mmusim sweep: --time-limit goes with running cells (or --emit, "
			"--cell), not with --%s\n", do_merge ? "merge" : "list");
		return EXIT_USAGE;
	}
	if (cell)
		return run_one(argv[optind], cell, limit);
	if (do_merge)
		return merge_cmd(argv[optind]);

	if (sweep_parse(&sw, argv[optind], &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	if (!have_limit)
		limit = sw.time_limit;
	/* OUT: absolute, so that the cell commands and job scripts work from anywhere */
	{
		if (!outopt) {
			const char *b = strrchr(argv[optind], '/');
			size_t n;

			b = b ? b + 1 : argv[optind];
			n = strlen(b);
			if (n > 4 && !strcmp(b + n - 4, ".ini"))
				n -= 4;
			snprintf(def, sizeof(def), "%.*s.out", (int)n, b);
			outopt = def;
		}
		if (make_dir(outopt, &err)) {
			fprintf(stderr, "mmusim sweep: %s\n", err.msg);
			sweep_free(&sw);
			return EXIT_USAGE;
		}
		out = realpath(outopt, NULL);
	}
	exe = self_exe();
	if (!out || !exe) {
		fprintf(stderr, "mmusim sweep: cannot resolve %s or this program's path\n", outopt);
		status = EXIT_USAGE;
		goto done;
	}
	if (make_cells(&sw, out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	snprintf(sub, sizeof(sub), "%s/cells", out);
	if (make_dir(sub, &err) || (snprintf(sub, sizeof(sub), "%s/logs", out), make_dir(sub, &err)) ||
	    write_cells_tsv(out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = 1;
		goto done;
	}
	if (list) {
		static const char *const state[] = { [CELL_TODO] = "todo", [CELL_DONE] = "done",
						     [CELL_TIMED_OUT] = "timeout",
						     [CELL_INCOMPLETE] = "incomplete" };

		for (size_t i = 0; i < cs.n; i++)
			printf("%zu\t%s\t%s\t%s\t%s\n", i + 1, state[cell_state(out, &cs.c[i])],
			       cs.c[i].id, cs.c[i].config, cs.c[i].workload);
		goto done;
	}
	if (emit) {
		if (!strcmp(emit, "slurm") ? emit_slurm(out, exe, &cs, limit, max_array, &err) :
		    emit_parallel(out, exe, &cs, limit, &err)) {
			fprintf(stderr, "mmusim sweep: %s\n", err.msg);
			status = 1;
			goto done;
		}
		if (!strcmp(emit, "slurm"))
			printf("mmusim sweep: wrote %s/sweep.sbatch (%zu array tasks), %s/merge.sbatch "
			       "and %s/submit-slurm.sh; submit with: sh %s/submit-slurm.sh\n",
			       out, cs.n, out, out, out);

		else
			printf("mmusim sweep: wrote %s/jobs.txt (%zu jobs); run: parallel < %s/jobs.txt "
			       "&& %s sweep --merge %s (or sh %s/parallel.sh)\n", out, cs.n, out, exe,
			       out, out);
		goto done;
	}
	status = run_cells(out, &cs, jobs, progress, limit);
	if (merge(out, &merged, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = 1;
	} else {
		printf("mmusim sweep: merged %zu cells into %s/results.csv\n", merged, out);
	}
done:
	cells_free(&cs);
	sweep_free(&sw);
	free(out);
	free(exe);
	return status;
}
