/*
 * sim/config.c - loading a configuration: the defaults, presets, INI files
 * and text (libinih), and --set overrides, each applied key by key through
 * the option table (sim/config_table.c).
 *
 * Line numbers: the Debian libinih is built without INI_HANDLER_LINENO, so
 * the reader handed to ini_parse_stream() counts the lines itself.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "sim/bits.h"
#include "sim/config.h"
#include "sim/config_impl.h"
#include "sim/err.h"

/* The fixed section called @name. */
static const struct opt_section *fixed_section(const char *name)
{
	for (size_t i = 0; i < cfg_nsections; i++)
		if (cfg_sections[i].kind == SEC_FIXED && !strcmp(cfg_sections[i].name, name))
			return &cfg_sections[i];
	return NULL;
}

/*
 * Find the struct a section name maps onto.  Returns the section row and
 * sets *base, or NULL with why filled.
 */
static const struct opt_section *section_lookup(struct sim_config *cfg, const char *name,
						void **base, char *why)
{
	for (size_t i = 0; i < cfg_nsections; i++) {
		if (cfg_sections[i].kind == SEC_FIXED && !strcmp(cfg_sections[i].name, name)) {
			*base = (char *)cfg + cfg_sections[i].base;
			return &cfg_sections[i];
		}
	}
	if (!strncmp(name, "tlb.", 4)) {
		int j = cfg_tlb_find(&cfg->tlb, name + 4);
		char list[96];
		enum cfg_item_kind k;
		uint64_t iv;

		if (j < 0) {
			cfg_opt_format(&fixed_section("tlb")->opts[0], &cfg->tlb, list, sizeof(list), &k, &iv);
			snprintf(why, CFG_WHY_MAX, "no TLB level named '%.40s' (tlb.levels = %s); "
				 "list it in [tlb] levels first", name + 4, list);
			return NULL;
		}
		*base = &cfg->tlb.level[j];
		return cfg_section_by_kind(SEC_TLB_LEVEL);
	}
	if (!strncmp(name, "cache.", 6)) {
		char list[96];
		enum cfg_item_kind k;
		uint64_t iv;

		for (unsigned j = 0; j < cfg->cache.nlevels; j++) {
			if (!strcmp(cfg->cache.level[j].name, name + 6)) {
				*base = &cfg->cache.level[j];
				return cfg_section_by_kind(SEC_CACHE_LEVEL);
			}
		}
		cfg_opt_format(&fixed_section("cache")->opts[0], &cfg->cache, list, sizeof(list), &k, &iv);
		snprintf(why, CFG_WHY_MAX, "no cache level named '%.40s' (cache.levels = %s); "
			 "list it in [cache] levels first", name + 6, list);
		return NULL;
	}
	snprintf(why, CFG_WHY_MAX, "unknown section; expected run, stage1, stage2, tlb, "
		 "tlb.NAME, walkcache.s1, walkcache.s2, s2tlb, cache, cache.NAME, "
		 "memory, one_level or policy");
	return NULL;
}

/*
 * Apply section/key = value.  where is the origin for messages
 * ("file.ini:12" or "--set 'x=y'").
 */
static int cfg_apply(struct sim_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, struct sim_error *err)
{
	const struct opt_section *sec;
	char why[CFG_WHY_MAX];
	void *base;

	if (!section[0])
		return sim_error_set(err, SIM_E_CONFIG, "%s: key '%s' outside any section; "
				     "expected a [section] line first", where, key);
	sec = section_lookup(cfg, section, &base, why);
	if (!sec)
		return sim_error_set(err, SIM_E_CONFIG, "%s: [%s]: %s", where, section, why);
	for (size_t i = 0; i < sec->nopts; i++) {
		if (strcmp(sec->opts[i].key, key))
			continue;
		if (cfg_opt_parse(cfg, &sec->opts[i], base, value, why))
			return sim_error_set(err, SIM_E_CONFIG, "%s: [%s] %s: %s, got '%s'",
					     where, section, key, why, value);
		return 0;
	}
	{
		char keys[256];
		size_t used = 0;

		keys[0] = '\0';
		for (size_t i = 0; i < sec->nopts && used < sizeof(keys); i++)
			used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
						 i ? ", " : "", sec->opts[i].key);
		return sim_error_set(err, SIM_E_CONFIG, "%s: [%s]: unknown key '%s'; "
				     "expected one of %s", where, section, key, keys);
	}
}

/* ---- INI reading ------------------------------------------------------ */

struct ini_ctx {
	struct sim_config *cfg;
	const char *origin;     /* path, or "preset NAME" */
	struct sim_error *err;
	int rc;                 /* first error, 0 if none */
	unsigned line;          /* line the last chunk started on */
	unsigned next_line;     /* line the next chunk starts on */
	bool too_long;
	FILE *f;                /* source: a file ... */
	const char *text;       /* ... or a string */
};

static void ini_count(struct ini_ctx *c, char *str, int num)
{
	size_t n = strlen(str);

	c->line = c->next_line;
	if (n && str[n - 1] == '\n')
		c->next_line++;
	else if ((int)n == num - 1 && !c->too_long)
		c->too_long = true;     /* reported by the handler or at the end */
}

static char *ini_read_file(char *str, int num, void *stream)
{
	struct ini_ctx *c = stream;

	if (!fgets(str, num, c->f))
		return NULL;
	ini_count(c, str, num);
	return str;
}

static char *ini_read_text(char *str, int num, void *stream)
{
	struct ini_ctx *c = stream;
	size_t n = 0;

	if (!*c->text)
		return NULL;
	while (n + 1 < (size_t)num && c->text[n]) {
		n++;
		if (c->text[n - 1] == '\n')
			break;
	}
	memcpy(str, c->text, n);
	str[n] = '\0';
	c->text += n;
	ini_count(c, str, num);
	return str;
}

static int on_ini_pair(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	char where[512];

	if (c->rc)
		return 0;
	snprintf(where, sizeof(where), "%s:%u", c->origin, c->line);
	if (c->too_long) {
		c->rc = sim_error_set(c->err, SIM_E_PARSE, "%s: line too long", where);
		return 0;
	}
	c->rc = cfg_apply(c->cfg, section, name, value, where, c->err);
	return c->rc == 0;
}

static int ini_run(struct ini_ctx *c, ini_reader reader)
{
	int rc;

	c->next_line = 1;
	rc = ini_parse_stream(reader, c, on_ini_pair, c);
	if (c->rc)
		return c->rc;
	if (c->too_long)
		return sim_error_set(c->err, SIM_E_PARSE, "%s:%u: line too long",
				     c->origin, c->line);
	if (rc > 0)
		return sim_error_set(c->err, SIM_E_PARSE, "%s:%d: expected '[section]', "
				     "'key = value' or a comment", c->origin, rc);
	if (rc < 0)
		return sim_error_set(c->err, SIM_E_NOMEM, "%s: the INI parser ran out "
				     "of memory", c->origin);
	return 0;
}

/* Apply INI text to cfg in place (the callers work on copies). */
static int apply_text(struct sim_config *cfg, const char *text, const char *origin,
		      struct sim_error *err)
{
	struct ini_ctx c = { .cfg = cfg, .origin = origin, .err = err, .text = text };

	return ini_run(&c, ini_read_text);
}

/* ---- defaults and presets --------------------------------------------- */

const struct cfg_preset *cfg_preset_find(const char *name)
{
	for (const struct cfg_preset *p = cfg_presets; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

static int init_defaults(struct sim_config *cfg, char *why)
{
	const struct cfg_preset *hw = cfg_preset_find(CFG_DEFAULT_HW_PRESET);
	struct sim_error e;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < cfg_nsections; i++) {
		const struct opt_section *sec = &cfg_sections[i];

		if (sec->kind != SEC_FIXED)
			continue;
		for (size_t j = 0; j < sec->nopts; j++) {
			const struct opt *o = &sec->opts[j];

			if (o->type == OPT_PRESET)
				continue;
			if (cfg_opt_parse(cfg, o, (char *)cfg + sec->base, o->dflt, why))
				return SIM_E_CONFIG;
		}
	}
	snprintf(cfg->run.preset, sizeof(cfg->run.preset), "none");
	sim_error_clear(&e);
	if (!hw || apply_text(cfg, hw->ini, "preset " CFG_DEFAULT_HW_PRESET, &e)) {
		snprintf(why, CFG_WHY_MAX, "built-in defaults: %s", hw ? e.msg : "no N1 preset");
		return SIM_E_CONFIG;
	}
	return 0;
}

int cfg_init_defaults(struct sim_config *cfg)
{
	char why[CFG_WHY_MAX];

	return init_defaults(cfg, why);
}

/* Replace *cfg with the defaults plus the preset's text. */
int cfg_reset_to_preset(struct sim_config *cfg, const char *name, char *why)
{
	const struct cfg_preset *p = NULL;
	struct sim_config tmp;
	struct sim_error e;
	char origin[64];

	if (strcmp(name, "none")) {
		p = cfg_preset_find(name);
		if (!p) {
			size_t used = snprintf(why, CFG_WHY_MAX, "expected none");

			for (const struct cfg_preset *q = cfg_presets; q->name && used < CFG_WHY_MAX; q++)
				used += (size_t)snprintf(why + used, CFG_WHY_MAX - used, ", %s", q->name);
			return -1;
		}
	}
	if (init_defaults(&tmp, why))
		return -1;
	if (p) {
		sim_error_clear(&e);
		snprintf(origin, sizeof(origin), "preset %s", p->name);
		if (apply_text(&tmp, p->ini, origin, &e)) {
			snprintf(why, CFG_WHY_MAX, "%s", e.msg);
			return -1;
		}
		snprintf(tmp.run.preset, sizeof(tmp.run.preset), "%s", p->name);
	}
	*cfg = tmp;
	return 0;
}

int cfg_load_preset(struct sim_config *cfg, const char *name, struct sim_error *err)
{
	char why[CFG_WHY_MAX];

	if (cfg_reset_to_preset(cfg, name, why))
		return sim_error_set(err, SIM_E_CONFIG, "--preset '%s': %s", name, why);
	return 0;
}

int cfg_load_string(struct sim_config *cfg, const char *text, const char *origin,
		    struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	int rc = apply_text(&tmp, text, origin, err);

	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_load_file(struct sim_config *cfg, const char *path, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	struct ini_ctx c = { .cfg = &tmp, .origin = path, .err = err };
	int rc;

	c.f = fopen(path, "r");
	if (!c.f)
		return sim_error_set(err, SIM_E_IO, "%s: cannot open configuration file: %s",
				     path, strerror(errno));
	rc = ini_run(&c, ini_read_file);
	if (!rc && ferror(c.f))
		rc = sim_error_set(err, SIM_E_IO, "%s: read error", path);
	fclose(c.f);
	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_set(struct sim_config *cfg, const char *assignment, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	char buf[256], where[300];
	char *eq, *dot, *key, *value, *section;
	int rc;

	snprintf(where, sizeof(where), "--set '%s'", assignment);
	if (strlen(assignment) >= sizeof(buf))
		return sim_error_set(err, SIM_E_PARSE, "%s: too long", where);
	snprintf(buf, sizeof(buf), "%s", assignment);
	eq = strchr(buf, '=');
	if (!eq)
		return sim_error_set(err, SIM_E_PARSE, "%s: expected section.key=value", where);
	*eq = '\0';
	value = eq + 1;
	dot = strrchr(buf, '.');
	if (!dot || dot == buf || !dot[1])
		return sim_error_set(err, SIM_E_PARSE, "%s: expected section.key=value", where);
	*dot = '\0';
	section = buf;
	key = dot + 1;
	/* trim the blanks around key and value, as the INI reader does */
	while (isspace((unsigned char)*section))
		section++;
	for (char *p = key + strlen(key); p > key && isspace((unsigned char)p[-1]); )
		*--p = '\0';
	while (isspace((unsigned char)*value))
		value++;
	for (char *p = value + strlen(value); p > value && isspace((unsigned char)p[-1]); )
		*--p = '\0';
	rc = cfg_apply(&tmp, section, key, value, where, err);
	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_tlb_find(const struct cfg_tlb *tlb, const char *name)
{
	for (unsigned i = 0; i < tlb->nlevels; i++)
		if (!strcmp(tlb->level[i].name, name))
			return (int)i;
	return -1;
}
