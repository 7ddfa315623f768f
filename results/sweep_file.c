/*
 * results/sweep_file.c - the sweep file of `mmusim sweep` (the format is in
 * results/cmd_sweep.c and results/README.md): [sweep] and [config NAME]
 * sections, read line by line, each setting checked as it is read (a
 * preset that exists, a configuration file that can be read, every `set`
 * on a configuration, a workload that is a trace), every error named
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

/* A duration: N, Ns, Nm, Nh or Nd, N a whole number; 0 means no limit.
 * Return: 0 and *@secs, or -1. */
int parse_duration(const char *s, unsigned long *secs)
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

int sweep_parse(struct sweep *sw, const char *path, struct sim_error *err)
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
