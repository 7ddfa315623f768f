/*
 * sim/config_impl.h - the option table's types and what the files of the
 * configuration module share; private to sim/config*.c (the public
 * interface is sim/config.h).
 *
 * The module, one option table driving everything (sim/config.h):
 *   config_table.c   the table: choices, rows (key, type, field, default,
 *                    range, help), parsing a value into a field and
 *                    formatting a field back
 *   config.c         loading: defaults, presets, INI files and text,
 *                    --set overrides
 *   config_check.c   finalizing and validation: the geometry rules (from
 *                    mmu/geom.h), TLB chains, caches, the one-level mapping
 *   config_echo.c    the echo, --help-config and the keys without effect
 *
 * Model of the table: a section (struct opt_section) is either fixed, and
 * then maps onto one sub-struct of struct sim_config, or templated
 * ("tlb.NAME", "cache.NAME"), and then maps onto the level of that name.
 * Each row (struct opt) names a key, its type, the offset of its field in
 * the section's struct, its default text, its range and its help line.
 * Defaults are applied by parsing the default text, so a default can never
 * bypass the checks a user's value goes through.
 */
#ifndef MMUSIM_SIM_CONFIG_IMPL_H
#define MMUSIM_SIM_CONFIG_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"

enum opt_type {
	OPT_UINT,               /* unsigned, decimal or 0x hex, [min, max] */
	OPT_U64,                /* uint64_t, [min, max] */
	OPT_SIZE,               /* uint64_t bytes, k/m/g/t suffixes, [min, max] */
	OPT_BOOL,               /* bool: 0/1, true/false, yes/no, on/off */
	OPT_ENUM,               /* int-sized enum, one of choices[] */
	OPT_PAGESIZES,          /* uint64_t mask of page sizes, "4k,2m" */
	OPT_PPM,                /* uint32_t parts per million, "0.25" */
	OPT_LEVELNAME,          /* char[CFG_NAME_MAX] level name or "none" */
	OPT_TLB_LEVELS,         /* struct cfg_tlb: the list of level names */
	OPT_CACHE_LEVELS,       /* struct cfg_cache: the list, or "none" */
	OPT_PRESET,             /* char[] preset name: setting it loads it */
};

struct opt_choice {
	const char *name;
	int value;
};

struct opt {
	const char *key;
	enum opt_type type;
	size_t off;             /* offset in the section's struct */
	const struct opt_choice *choices;       /* OPT_ENUM, NULL-terminated */
	const char *dflt;
	uint64_t min, max;      /* OPT_UINT, OPT_U64, OPT_SIZE */
	const char *help;
};

enum sec_kind {
	SEC_FIXED,              /* base = offset of the sub-struct */
	SEC_TLB_LEVEL,          /* [tlb.NAME] -> struct cfg_tlb_level */
	SEC_CACHE_LEVEL,        /* [cache.NAME] -> struct cfg_cache_level */
};

struct opt_section {
	const char *name;
	enum sec_kind kind;
	size_t base;
	const struct opt *opts;
	size_t nopts;
};

/* Room for the "what was expected" text of a bad value. */
#define CFG_WHY_MAX 320

/* The preset whose TLB, walk-cache and cache values are the defaults. */
#define CFG_DEFAULT_HW_PRESET "neoverse-n1"

/* config_table.c: the sections in echo, help and JSON order. */
extern const struct opt_section cfg_sections[];
extern const size_t cfg_nsections;
extern const struct opt_choice cfg_serves_choices[];
extern const struct opt_choice cfg_pagesize_names[];   /* sizes a TLB may hold */

/* The first section of @kind (for SEC_TLB_LEVEL, SEC_CACHE_LEVEL). */
const struct opt_section *cfg_section_by_kind(enum sec_kind kind);

/*
 * cfg_opt_parse() - parse @value into the field of row @o inside @base (the
 * section's struct).  @cfg is the whole configuration, for the rows that
 * rebuild level lists or load a preset (NULL for template defaults).
 * Return: 0, or -1 with @why (CFG_WHY_MAX) saying what was expected.
 */
int cfg_opt_parse(struct sim_config *cfg, const struct opt *o, void *base,
		  const char *value, char *why);

/* Text of a field as written in INI, and its JSON kind. */
void cfg_opt_format(const struct opt *o, const void *base, char *buf, size_t len,
		    enum cfg_item_kind *kind, uint64_t *ival);

/* Fill a newly listed level (@base) with @sec's defaults. */
int cfg_template_defaults(const struct opt_section *sec, void *base, char *why);

const char *cfg_choice_name(const struct opt_choice *c, int v);
void cfg_choices_text(const struct opt_choice *c, char *buf, size_t len);
void cfg_set_name(char dst[CFG_NAME_MAX], const char *src);

/* config.c: replace *@cfg with the defaults plus preset @name ("none": the
 * defaults).  Return: 0, or -1 with @why filled. */
int cfg_reset_to_preset(struct sim_config *cfg, const char *name, char *why);

#endif /* MMUSIM_SIM_CONFIG_IMPL_H */
