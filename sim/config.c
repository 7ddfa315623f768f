/*
 * sim/config.c - loading a configuration: the defaults, presets, INI files
 * and text (sim/ini.c, the reader every input file shares), and --set
 * overrides, each applied key by key through the option table
 * (sim/config_table.c).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sim/config.h"
#include "sim/config_impl.h"
#include "sim/err.h"
#include "sim/ini.h"

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

/* Check that section @name exists in @cfg now: a header line. */
static int check_section(struct sim_config *cfg, const char *name, struct sim_error *err)
{
	char why[CFG_WHY_MAX];
	void *base;

	if (!section_lookup(cfg, name, &base, why))
		return sim_error_set(err, SIM_E_CONFIG, "[%s]: %s", name, why);
	return 0;
}

/*
 * Apply [section] key = value.  The message names the section and key;
 * the caller puts where it came from in front ("FILE:LINE", "--set '...'").
 */
static int apply_key(struct sim_config *cfg, const char *section, const char *key,
		     const char *value, struct sim_error *err)
{
	const struct opt_section *sec;
	char why[CFG_WHY_MAX];
	void *base;

	sec = section_lookup(cfg, section, &base, why);
	if (!sec)
		return sim_error_set(err, SIM_E_CONFIG, "[%s]: %s", section, why);
	for (size_t i = 0; i < sec->nopts; i++) {
		if (strcmp(sec->opts[i].key, key))
			continue;
		if (cfg_opt_parse(cfg, &sec->opts[i], base, value, why))
			return sim_error_set(err, SIM_E_CONFIG, "[%s] %s: %s, got '%s'",
					     section, key, why, value);
		return 0;
	}
	{
		char keys[256];
		size_t used = 0;

		keys[0] = '\0';
		for (size_t i = 0; i < sec->nopts && used < sizeof(keys); i++)
			used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
						 i ? ", " : "", sec->opts[i].key);
		return sim_error_set(err, SIM_E_CONFIG, "[%s]: unknown key '%s'; "
				     "expected one of %s", section, key, keys);
	}
}

/* ---- INI text --------------------------------------------------------- */

/* sim/ini.c's callback: a header names a section that must exist now (a
 * [tlb.NAME] after the [tlb] levels that list NAME), a key is applied. */
static int on_ini_item(void *ctx, const struct ini_item *it, struct sim_error *err)
{
	struct sim_config *cfg = ctx;

	if (!it->key)
		return check_section(cfg, it->section, err);
	return apply_key(cfg, it->section, it->key, it->value, err);
}

/* Apply INI text to cfg in place (the callers work on copies). */
static int apply_text(struct sim_config *cfg, const char *text, size_t len, const char *origin,
		      struct sim_error *err)
{
	return ini_parse(text, len, origin, on_ini_item, cfg, err);
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
	if (!hw || apply_text(cfg, hw->ini, strlen(hw->ini), "preset " CFG_DEFAULT_HW_PRESET, &e)) {
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
		if (apply_text(&tmp, p->ini, strlen(p->ini), origin, &e)) {
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

int cfg_load_text(struct sim_config *cfg, const char *text, size_t len, const char *origin,
		  struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	int rc = apply_text(&tmp, text, len, origin, err);

	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_load_string(struct sim_config *cfg, const char *text, const char *origin,
		    struct sim_error *err)
{
	return cfg_load_text(cfg, text, strlen(text), origin, err);
}

int cfg_load_file(struct sim_config *cfg, const char *path, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	int rc = ini_parse_file(path, on_ini_item, &tmp, err);

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
	rc = apply_key(&tmp, section, key, value, err);
	if (rc)
		return sim_error_prefix(err, rc, "%s", where);
	*cfg = tmp;
	return 0;
}

int cfg_tlb_find(const struct cfg_tlb *tlb, const char *name)
{
	for (unsigned i = 0; i < tlb->nlevels; i++)
		if (!strcmp(tlb->level[i].name, name))
			return (int)i;
	return -1;
}
