/*
 * results/sweep_file.c - the sweep file of `mmusim sweep` (the format is in
 * results/cmd_sweep.c and results/README.md): [sweep] and [config NAME]
 * sections, read by sim/ini.c (the reader of configuration and workload
 * files) with values parsed by sim/parse.c, each setting checked as it is
 * read (a preset that exists, a configuration file that can be read, every
 * `set` on a configuration, a workload that is a trace), every error named
 * FILE:LINE.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/report_data.h"
#include "results/sweep.h"
#include "sim/config.h"
#include "sim/ini.h"
#include "sim/parse.h"
#include "sim/readfile.h"
#include "workloads/trace.h"

/* ---- growable string lists ------------------------------------------------ */

int strv_add(struct strv *s, const char *str, unsigned line)
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

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	free(s->line);
	memset(s, 0, sizeof(*s));
}

/* ---- the sweep description ------------------------------------------------ */

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

/* A duration: N, Ns, Nm, Nh or Nd (sim/parse.h, PARSE_SECONDS), at most 30
 * days; 0 or none means no limit.  Return: 0 and *@secs, or -1. */
int parse_duration(const char *s, unsigned long *secs)
{
	uint64_t v;

	if (!strcmp(s, "none")) {
		*secs = 0;
		return 0;
	}
	if (parse_u64(s, PARSE_SECONDS, &v) || v > SWEEP_MAX_TIME_LIMIT)
		return -1;
	*secs = (unsigned long)v;
	return 0;
}

/* A vary line's value; messages name the key, sim/ini.c adds FILE:LINE. */
static int parse_vary(struct sweep *sw, char *val, unsigned line, struct sim_error *err)
{
	struct sw_vary *v, *nv;
	char *colon = strchr(val, ':'), *save = NULL, *tok;

	if (!colon)
		return sim_error_set(err, SIM_E_PARSE, "vary: expected 'SECTION.KEY: "
				     "VALUE, VALUE...' (or 'KEY, KEY: V/V, V/V')");
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
			return sim_error_set(err, SIM_E_PARSE, "vary: '%s' is not a "
					     "SECTION.KEY", tok);
		if (strv_add(&v->keys, tok, line))
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	if (!v->keys.n)
		return sim_error_set(err, SIM_E_PARSE, "vary: no key before ':'");
	for (tok = strtok_r(colon + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *vs = NULL, *part;
		size_t k = 0;

		tok = trim(tok);
		if (!*tok)
			return sim_error_set(err, SIM_E_PARSE, "vary: an empty value");
		for (part = strtok_r(tok, "/", &vs); part; part = strtok_r(NULL, "/", &vs), k++) {
			part = trim(part);
			if (!*part || k >= v->keys.n)
				break;
			if (strv_add(&v->vals, part, line))
				return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		}
		if (k != v->keys.n || part)
			return sim_error_set(err, SIM_E_PARSE, "vary: value '%s' needs %zu "
					     "part%s separated by '/', one per key",
					     tok, v->keys.n, v->keys.n == 1 ? "" : "s");
		v->nvals++;
	}
	if (!v->nvals)
		return sim_error_set(err, SIM_E_PARSE, "vary: no values after ':'");
	return 0;
}

void sweep_free(struct sweep *sw)
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
static int check_set(const char *preset, const char *assign, struct sim_error *err)
{
	struct sim_config cfg;
	struct sim_error e = { 0 };

	if (cfg_init_defaults(&cfg) || (preset && cfg_load_preset(&cfg, preset, &e)))
		return 0;       /* reported where the preset is checked */
	if (cfg_set(&cfg, assign, &e))
		return sim_error_set(err, SIM_E_CONFIG, "%s", e.msg);
	return 0;
}

/* What the INI callback works on. */
struct sweep_reader {
	struct sweep *sw;
	struct sw_config *cur;  /* the section being read */
};

/* A "[sweep]" or "[config NAME]" line. */
static int sweep_section(struct sweep_reader *r, const char *name, unsigned line,
			 struct sim_error *err)
{
	struct sweep *sw = r->sw;
	struct sw_config *nc;
	const char *cname = name + 6;

	if (!strcmp(name, "sweep")) {
		r->cur = &sw->base;
		return 0;
	}
	if (strncmp(name, "config", 6) || (*cname != ' ' && *cname != '\t'))
		return sim_error_set(err, SIM_E_PARSE, "unknown section '[%s]' (expected [sweep] "
				     "or [config NAME])", name);
	while (*cname == ' ' || *cname == '\t')
		cname++;
	for (size_t i = 0; i < sw->ncfg; i++)
		if (!strcmp(sw->cfg[i].name, cname))
			return sim_error_set(err, SIM_E_PARSE, "configuration '%s' is already "
					     "defined on line %u", cname, sw->cfg[i].line);
	nc = realloc(sw->cfg, (sw->ncfg + 1) * sizeof(*nc));
	if (!nc)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	sw->cfg = nc;
	r->cur = &sw->cfg[sw->ncfg++];
	memset(r->cur, 0, sizeof(*r->cur));
	r->cur->line = line;
	r->cur->name = strdup(cname);
	if (!r->cur->name)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	return 0;
}

/* A "workload = [NAME: ]PATH" line. */
static int sweep_workload(struct sweep *sw, char *val, unsigned line, struct sim_error *err)
{
	char *colon = strstr(val, ": "), *name = NULL, *p, label[256];
	struct sim_error te = { 0 };
	int rc = 0;

	if (colon) {
		*colon = '\0';
		name = trim(val);
		val = trim(colon + 2);
	}
	p = abs_path(sw->dir, val);
	if (!p)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	/* a trace: it opens and is one, checked once here, not per cell */
	if (trace_reader_check(p, NULL, NULL, &te)) {
		rc = sim_error_set(err, te.code, "workload: %s", te.msg);
		free(p);
		return rc;
	}
	if (!name) {
		rd_trace_label(val, label, sizeof(label));
		name = label;
	}
	if (strchr(name, '\t'))
		rc = sim_error_set(err, SIM_E_PARSE, "workload name has a tab");
	if (!rc && (strv_add(&sw->wl_name, name, line) || strv_add(&sw->wl_path, p, line)))
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	free(p);
	return rc;
}

/* sim/ini.c's callback; messages name the key, the reader adds FILE:LINE. */
static int on_sweep_item(void *ctx, const struct ini_item *it, struct sim_error *err)
{
	struct sweep_reader *r = ctx;
	struct sweep *sw = r->sw;
	struct sw_config *cur = r->cur;
	const char *key = it->key;
	char val[INI_LINE_MAX + 1];
	bool base;

	if (!key)
		return sweep_section(r, it->section, it->line, err);
	base = cur == &sw->base;
	snprintf(val, sizeof(val), "%s", it->value);
	if (!*val)
		return sim_error_set(err, SIM_E_PARSE, "%s: empty value", key);
	if (!strcmp(key, "preset")) {
		if (!cfg_preset_find(val) && strcmp(val, "none"))
			return sim_error_set(err, SIM_E_CONFIG, "unknown preset '%s' (try "
					     "'mmusim run --help')", val);
		free(cur->preset);
		cur->preset = strdup(val);
		cur->preset_line = it->line;
		return cur->preset ? 0 : sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	if (!strcmp(key, "config")) {
		free(cur->config);
		cur->config = abs_path(sw->dir, val);
		cur->config_line = it->line;
		if (!cur->config)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		if (access(cur->config, R_OK))
			return sim_error_set(err, SIM_E_IO, "config: cannot read %s: %s",
					     cur->config, strerror(errno));
		return 0;
	}
	if (!strcmp(key, "set")) {
		const char *pre = cur->preset ? cur->preset : sw->base.preset;
		int rc;

		if (!strchr(val, '='))
			return sim_error_set(err, SIM_E_PARSE, "set: expected 'SECTION.KEY=VALUE'");
		if ((rc = check_set(pre, val, err)))
			return rc;
		if (strv_add(&cur->sets, val, it->line))
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		return 0;
	}
	if (!strcmp(key, "vary") && base)
		return parse_vary(sw, val, it->line, err);
	if (!strcmp(key, "time_limit") && base) {
		if (parse_duration(val, &sw->time_limit))
			return sim_error_set(err, SIM_E_PARSE, "time_limit: expected a duration (N "
					     "seconds, or Ns, Nm, Nh, Nd; 0 or none for none) of at "
					     "most 30 days, got '%s'", val);
		return 0;
	}
	if (!strcmp(key, "workload") && base)
		return sweep_workload(sw, val, it->line, err);
	return sim_error_set(err, SIM_E_PARSE, "unknown key '%s' in %s (expected %s)", key,
			     base ? "[sweep]" : "[config]",
			     base ? "preset, config, set, vary, workload or time_limit" :
			     "preset, config or set");
}

/* The sweep file @path (results/README.md), in the syntax of sim/ini.h. */
int sweep_parse(struct sweep *sw, const char *path, struct sim_error *err)
{
	struct sweep_reader r = { .sw = sw };
	char *text = NULL, *real;
	unsigned lines = 0;
	size_t len;
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
	if (!sw->dir)
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if (!rc)
		rc = ini_parse(text, len, path, on_sweep_item, &r, err);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n' || i + 1 == len;
	free(text);
	if (!rc && !sw->wl_path.n)
		rc = sim_error_set(err, SIM_E_PARSE, "%s:%u: no workload (add 'workload = TRACE' "
				   "to [sweep])", path, lines);
	return rc;
}
