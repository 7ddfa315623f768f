/*
 * results/sweep_cells.c - the cells of a sweep: every configuration (a
 * named one, or the [sweep] base) times every combination of the vary
 * lines times every workload, each checked by building its configuration
 * as `mmusim run` would, each with an ID from its arguments; the list
 * OUT/cells.tsv; and what the result of a cell says (done, to do, timed
 * out, incomplete).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/json_read.h"
#include "results/sweep.h"
#include "sim/config.h"
#include "sim/readfile.h"

#define SWEEP_MAX_CELLS 1000000

/* ---- cells ------------------------------------------------------------------ */

void cells_free(struct cells *cs)
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

/* A new, empty cell at the end of @cs, or NULL out of memory. */
static struct cell *cell_new(struct cells *cs)
{
	struct cell *nc = realloc(cs->c, (cs->n + 1) * sizeof(*nc)), *ce;

	if (!nc)
		return NULL;
	cs->c = nc;
	ce = &cs->c[cs->n++];
	memset(ce, 0, sizeof(*ce));
	return ce;
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
		struct cell *ce;
		uint64_t h = 0xcbf29ce484222325ULL;
		char id[160], s1[48], s2[48], json[PATH_MAX + 200];

		if (cs->n >= SWEEP_MAX_CELLS) {
			rc = sim_error_set(err, SIM_E_CONFIG, "%s: more than %d cells", sw->file,
					   SWEEP_MAX_CELLS);
			break;
		}
		ce = cell_new(cs);
		if (!ce) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
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
int make_cells(const struct sweep *sw, const char *out, struct cells *cs,
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

int write_cells_tsv(const char *out, const struct cells *cs, struct sim_error *err)
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
int read_cells_tsv(const char *out, struct cells *cs, struct sim_error *err)
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
		struct cell *ce;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (*line == '#' || !*line)
			continue;
		ce = cell_new(cs);
		if (!ce) {
			rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
			break;
		}
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

/* What the result of cell @c says. */
enum cell_state cell_state(const char *out, const struct cell *c)
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
bool cell_done(const char *out, const struct cell *c)
{
	return cell_state(out, c) == CELL_DONE;
}
