/*
 * sim/config_echo.c - what the option table says back: cfg_foreach() and
 * the configuration echo, --help-config, and cfg_unused(), the keys set
 * where they cannot change any result (the rules below, which
 * --help-config prints and sim/CONFIG.md repeats).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/config.h"
#include "sim/config_impl.h"
#include "sim/err.h"

/*
 * The rules of cfg_unused(), in the words --help-config and sim/CONFIG.md
 * use.  Each rule names a condition of the finalized configuration (or of
 * the run) under which a key's value cannot change any result.
 */
static const char unused_help[] =
	"Keys without effect.  mmusim run warns when a key is set away from its\n"
	"default (or its preset's value) where it cannot change any result:\n"
	"  one_level.*            without run.preset = one-level\n"
	"  with run.preset = one-level: run.mode, run.crossing, stage1.granule,\n"
	"                         stage1.blocks, stage1.start_level, tlb.*, walkcache.*,\n"
	"                         s2tlb.* (the preset replaces them)\n"
	"  stage1.*, walkcache.s1.*  in run.mode = s2only (no stage 1)\n"
	"  stage2.*, walkcache.s2.*, s2tlb.*  in run.mode = native (no stage 2)\n"
	"  s2tlb.*                in run.mode = s2only (the TLBs hold stage-2 entries)\n"
	"  walkcache.*.ways/repl/latency, s2tlb.ways/repl/latency  with entries = 0\n"
	"  tlb.NAME.org           when the level holds one page size\n"
	"  *.repl                 with ways = 1 (nothing to choose)\n"
	"  run.seed               when nothing is random: no repl = random in a\n"
	"                         structure that exists, no huge_fraction below 1 and\n"
	"                         no old_share strictly between 0 and 1 at a stage in use\n"
	"  stage1.fault_around, stage1.contiguous = last  when every stage-1 fault\n"
	"                         maps a block (stage1.blocks not none, huge_fraction 1)\n"
	"  stage1.contiguous = block, stage2.contiguous = block  with blocks = none\n"
	"  stage1.hd              with stage1.ha = 0 (HD is used only with HA), and with\n"
	"                         run.preset = one-level (its pages are mapped dirty)\n"
	"  stage1.ha              when nothing is old and HD is not in use: stage1.hd = 0\n"
	"                         or one-level, old_share = 0, and no fault-around page\n"
	"  stage2.ha              with stage2.old_share = 0 (no stage-2 page is old)\n"
	"  stage2.hd              with stage2.ha = 0, or stage2.dirty_log = 0 (no stage-2\n"
	"                         page is writable-clean)\n"
	"  stage2.contiguous      with stage2.dirty_log = 1 (stage 2 in pages); = last\n"
	"                         when every stage-2 fault maps a block (stage2.blocks\n"
	"                         not none, huge_fraction 1)\n"
	"  stage2.ram_base        in run.mode = s2only (its addresses are IPAs already)\n"
	"  policy.*               for a single trace without context- or VM-switch\n"
	"                         records (one address space); [policy] applies to\n"
	"                         multi-space runs: workloads, traces with switches\n"
	"  policy.vmid_bits, vmid_scheme, vmid_tagging, vhe, el2_extra_level  in\n"
	"                         run.mode = native (no VMs)\n"
	"  policy.vmid_bits, vmid_scheme  with policy.vmid_tagging = 0 (no VMIDs)\n"
	"  policy.el2_extra_level with policy.vhe = 1, with stage1.va_bits plus one\n"
	"                         level's bits above 48, and in runs driven by trace\n"
	"                         records (no VM exits, so no EL2-regime walks)\n"
	"  policy.tlbi_broadcast_cycles  with policy.tlbi_scope = local\n"
	"  policy.ipi_cycles      with policy.tlbi_scope = broadcast, or one CPU\n"
	"Identical results by design: run.fast_path; stage1.start_level (an\n"
	"explicit value must equal the derived one).\n";

/* ---- echo and help ---------------------------------------------------- */

static int foreach_section(const struct sim_config *cfg, const struct opt_section *sec,
			   const char *name, const void *base,
			   int (*fn)(void *, const struct cfg_item *), void *ctx)
{
	char value[128];
	struct cfg_item it = { .section = name, .value = value };
	int rc;

	(void)cfg;
	for (size_t i = 0; i < sec->nopts; i++) {
		it.key = sec->opts[i].key;
		cfg_opt_format(&sec->opts[i], base, value, sizeof(value), &it.kind, &it.ival);
		rc = fn(ctx, &it);
		if (rc)
			return rc;
	}
	return 0;
}

int cfg_foreach(const struct sim_config *cfg,
		int (*fn)(void *ctx, const struct cfg_item *item), void *ctx)
{
	char name[CFG_NAME_MAX + 8];
	int rc = 0;

	for (size_t i = 0; i < cfg_nsections && !rc; i++) {
		const struct opt_section *sec = &cfg_sections[i];

		switch (sec->kind) {
		case SEC_FIXED:
			rc = foreach_section(cfg, sec, sec->name,
					     (const char *)cfg + sec->base, fn, ctx);
			break;
		case SEC_TLB_LEVEL:
			for (unsigned j = 0; j < cfg->tlb.nlevels && !rc; j++) {
				snprintf(name, sizeof(name), "tlb.%s", cfg->tlb.level[j].name);
				rc = foreach_section(cfg, sec, name, &cfg->tlb.level[j], fn, ctx);
			}
			break;
		case SEC_CACHE_LEVEL:
			for (unsigned j = 0; j < cfg->cache.nlevels && !rc; j++) {
				snprintf(name, sizeof(name), "cache.%s", cfg->cache.level[j].name);
				rc = foreach_section(cfg, sec, name, &cfg->cache.level[j], fn, ctx);
			}
			break;
		}
	}
	return rc;
}

struct echo_ctx {
	FILE *f;
	const char *prefix;
	char section[CFG_NAME_MAX + 16];
};

static int echo_item(void *p, const struct cfg_item *it)
{
	struct echo_ctx *e = p;

	if (strcmp(e->section, it->section)) {
		snprintf(e->section, sizeof(e->section), "%s", it->section);
		if (fprintf(e->f, "%s[%s]\n", e->prefix, it->section) < 0)
			return SIM_E_IO;
	}
	if (fprintf(e->f, "%s%s = %s\n", e->prefix, it->key, it->value) < 0)
		return SIM_E_IO;
	return 0;
}

int cfg_echo(const struct sim_config *cfg, FILE *f, const char *prefix)
{
	struct echo_ctx e = { .f = f, .prefix = prefix ? prefix : "" };

	return cfg_foreach(cfg, echo_item, &e);
}

void cfg_print_help(FILE *f)
{
	struct sim_config d;
	bool have_defaults = cfg_init_defaults(&d) == 0;

	fprintf(f, "Configuration keys (INI [section] key = value, or --set section.key=value).\n"
		"tlb.NAME and cache.NAME stand for each name listed in tlb.levels and\n"
		"cache.levels; their defaults apply to a newly listed level.\n\n");
	for (size_t i = 0; i < cfg_nsections; i++) {
		const struct opt_section *sec = &cfg_sections[i];

		fprintf(f, "[%s]\n", sec->name);
		for (size_t j = 0; j < sec->nopts; j++) {
			const struct opt *o = &sec->opts[j];
			char type[128];

			switch (o->type) {
			case OPT_UINT:
			case OPT_U64:
				snprintf(type, sizeof(type), "integer %" PRIu64 "..%" PRIu64,
					 o->min, o->max);
				break;
			case OPT_SIZE:
				snprintf(type, sizeof(type), "size %" PRIu64 "..%" PRIu64
					 " bytes, k/m/g/t suffixes (powers of 1024)", o->min, o->max);
				break;
			case OPT_BOOL:
				snprintf(type, sizeof(type), "boolean 0|1");
				break;
			case OPT_ENUM:
				cfg_choices_text(o->choices, type, sizeof(type));
				break;
			case OPT_PAGESIZES:
				snprintf(type, sizeof(type), "list of ");
				cfg_choices_text(cfg_pagesize_names, type + strlen(type),
						 sizeof(type) - strlen(type));
				break;
			case OPT_PPM:
				snprintf(type, sizeof(type), "fraction 0..1");
				break;
			case OPT_LEVELNAME:
				snprintf(type, sizeof(type), "level name|none");
				break;
			case OPT_TLB_LEVELS:
			case OPT_CACHE_LEVELS:
				snprintf(type, sizeof(type), "list of names");
				break;
			case OPT_PRESET: {
				size_t used = (size_t)snprintf(type, sizeof(type), "none");

				for (const struct cfg_preset *p = cfg_presets;
				     p->name && used < sizeof(type); p++)
					used += (size_t)snprintf(type + used, sizeof(type) - used,
								 "|%s", p->name);
				break;
			}
			}
			{
				/* fixed keys: the effective default, N1 values included */
				char dflt[128];
				enum cfg_item_kind k;
				uint64_t iv;

				if (sec->kind == SEC_FIXED && have_defaults && o->type != OPT_PRESET)
					cfg_opt_format(o, (const char *)&d + sec->base, dflt,
						   sizeof(dflt), &k, &iv);
				else
					snprintf(dflt, sizeof(dflt), "%s", o->dflt);
				fprintf(f, "  %s.%s: %s (default: %s)\n      %s\n", sec->name,
					o->key, type, dflt, o->help);
			}
		}
		fputc('\n', f);
	}
	fputs(unused_help, f);
	fputc('\n', f);
	fprintf(f, "Presets (--preset NAME; the defaults use the %s parameters):\n",
		CFG_DEFAULT_HW_PRESET);
	for (const struct cfg_preset *p = cfg_presets; p->name; p++)
		fprintf(f, "  %-12s %s\n", p->name, p->summary);
}

/* ---- keys without effect ---------------------------------------------- */

static bool strictly_between(uint32_t ppm)
{
	return ppm > 0 && ppm < CFG_PPM_ONE;
}

static bool any_random(const struct sim_config *f, const struct cfg_use *use)
{
	const struct cfg_wcache *wcs[] = { &f->wc_s1, &f->wc_s2, &f->s2tlb };
	const bool present[] = {
		f->wc_s1.entries && f->run.mode != CFG_MODE_S2ONLY,
		f->wc_s2.entries && f->run.mode != CFG_MODE_NATIVE,
		f->s2tlb.entries && f->run.mode == CFG_MODE_VIRT,
	};

	/* a workload's [vm.NAME] may set its own huge_fraction and blocks */
	if (use->workload)
		return true;
	for (unsigned i = 0; i < f->tlb.nlevels; i++)
		if (f->tlb.level[i].repl == CFG_REPL_RANDOM)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++)
		if (present[i] && wcs[i]->repl == CFG_REPL_RANDOM)
			return true;
	if (f->run.mode != CFG_MODE_S2ONLY &&
	    (f->stage1.huge_ppm < CFG_PPM_ONE || strictly_between(f->stage1.old_ppm)))
		return true;
	return f->run.mode != CFG_MODE_NATIVE &&
	       (f->stage2.huge_ppm < CFG_PPM_ONE || strictly_between(f->stage2.old_ppm));
}

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* The ways and entries of the cache-like structure of section @sec, if it
 * is one ([tlb.NAME], [walkcache.*], [s2tlb]). */
static bool structure_geom(const struct sim_config *f, const char *sec, unsigned *entries,
			   unsigned *ways)
{
	const struct cfg_wcache *w = is(sec, "walkcache.s1") ? &f->wc_s1 :
				     is(sec, "walkcache.s2") ? &f->wc_s2 :
				     is(sec, "s2tlb") ? &f->s2tlb : NULL;

	if (w) {
		*entries = w->entries;
		*ways = w->ways;
		return true;
	}
	if (!strncmp(sec, "tlb.", 4)) {
		int j = cfg_tlb_find(&f->tlb, sec + 4);

		if (j < 0)
			return false;
		*entries = f->tlb.level[j].entries;
		*ways = f->tlb.level[j].ways;
		return true;
	}
	return false;
}

/* Does every fault of stage @st map a block? */
static bool all_blocks(const struct sim_config *f, const struct cfg_stage *st,
		       enum mmu_stage stage)
{
	return cfg_block_level(st, stage, cfg_pamax(f)) < 3 && st->huge_ppm >= CFG_PPM_ONE &&
	       !(stage == MMU_STAGE2 && st->dirty_log);
}

static const char *stage1_unused(const char *key, const struct sim_config *f)
{
	const struct cfg_stage *st = &f->stage1;
	bool one_level = is(f->run.preset, "one-level");
	/* fault-around maps a page old with HA: a page fault maps pages, and
	 * the window holds more than one */
	bool fa_old = !all_blocks(f, st, MMU_STAGE1) && st->fault_around > BIT(st->granule_shift);

	if (is(key, "fault_around") && all_blocks(f, st, MMU_STAGE1))
		return "every stage-1 fault maps a block (stage1.blocks): fault-around maps "
		       "no page";
	if (is(key, "contiguous") && st->contiguous == CFG_CONT_LAST && all_blocks(f, st, MMU_STAGE1))
		return "every stage-1 fault maps a block (stage1.blocks): no group of pages";
	if (is(key, "contiguous") && st->contiguous == CFG_CONT_BLOCK && st->blocks == CFG_BLOCKS_NONE)
		return "stage1.blocks = none: no group of blocks";
	if (is(key, "hd") && !st->ha)
		return "stage1.ha = 0: hardware dirty-state management needs it (TCR_EL1.HD is "
		       "used only with HA)";
	if (is(key, "hd") && one_level)
		return "the one-level preset maps every page dirty";
	if (is(key, "ha") && (!st->hd || one_level) && !st->old_ppm && !fa_old)
		return "no page is ever old (no fault-around page, old_share = 0) and HD is "
		       "not in use";
	return NULL;
}

static const char *stage2_unused(const char *key, const struct sim_config *f,
				 const struct cfg_use *use)
{
	const struct cfg_stage *st = &f->stage2;

	if (is(key, "ha") && !st->old_ppm && !(st->hd && st->dirty_log))
		return "no stage-2 page is ever old (stage2.old_share = 0) and HD is not in use";
	if (is(key, "hd") && !st->ha)
		return "stage2.ha = 0: hardware dirty-state management needs it (VTCR_EL2.HD "
		       "is used only with HA)";
	if (is(key, "hd") && !st->dirty_log)
		return "stage2.dirty_log = 0: the hypervisor maps stage 2 writable, no page is "
		       "writable-clean";
	if (is(key, "ram_base") && f->run.mode == CFG_MODE_S2ONLY)
		return "run.mode = s2only: the trace's addresses are IPAs already";
	if (is(key, "contiguous") && st->dirty_log)
		return "stage2.dirty_log = 1: stage 2 is mapped in pages only";
	/* a workload's [vm.NAME] may set its own blocks and huge_fraction */
	if (use->workload || !is(key, "contiguous"))
		return NULL;
	if (st->contiguous == CFG_CONT_LAST && all_blocks(f, st, MMU_STAGE2))
		return "every stage-2 fault maps a block (stage2.blocks): no group of pages";
	if (st->contiguous == CFG_CONT_BLOCK && st->blocks == CFG_BLOCKS_NONE)
		return "stage2.blocks = none: no group of blocks";
	return NULL;
}

/* Why key @key of section @sec cannot change the run, or NULL. */
static const char *policy_unused(const char *key, const struct sim_config *f,
				 const struct cfg_use *use)
{
	const struct cfg_policy *p = &f->policy;
	bool vmkey = is(key, "vmid_bits") || is(key, "vmid_scheme") || is(key, "vmid_tagging") ||
		     is(key, "vhe") || is(key, "el2_extra_level");

	if (!use->spaces)
		return "a single trace without context- or VM-switch records runs in one "
		       "address space";
	if (f->run.mode == CFG_MODE_NATIVE && vmkey)
		return "run.mode = native has no VMs";
	if ((is(key, "vmid_bits") || is(key, "vmid_scheme")) && !p->vmid_tagging)
		return "policy.vmid_tagging = 0: no VMIDs are allocated";
	if (is(key, "el2_extra_level")) {
		if (p->vhe)
			return "policy.vhe = 1: there are no EL2-regime tables";
		if (f->stage1.ia_bits + f->stage1.granule_shift - 3 > 48)
			return "stage1.va_bits plus one level's bits is above 48: no level "
			       "can be added";
		if (!use->exits)
			return "a run driven by trace records has no VM exits, so the EL2 "
			       "tables are never walked";
	}
	if (is(key, "tlbi_broadcast_cycles") && p->tlbi_scope == CFG_TLBI_LOCAL)
		return "policy.tlbi_scope = local: no broadcast TLBI";
	if (is(key, "ipi_cycles")) {
		if (p->tlbi_scope == CFG_TLBI_BROADCAST)
			return "policy.tlbi_scope = broadcast: no IPI";
		if (use->ncpus < 2)
			return "one CPU: no other CPU to interrupt";
	}
	return NULL;
}

static const char *key_unused(const char *sec, const char *key, const struct sim_config *f,
			      const struct cfg_use *use)
{
	bool one_level = is(f->run.preset, "one-level");
	enum cfg_mode mode = f->run.mode;
	unsigned entries, ways;

	if (is(sec, "one_level"))
		return one_level ? NULL : "it is read only with run.preset = one-level";
	if (is(sec, "policy"))
		return policy_unused(key, f, use);
	if (one_level &&
	    (is(sec, "tlb") || !strncmp(sec, "tlb.", 4) || !strncmp(sec, "walkcache.", 10) ||
	     is(sec, "s2tlb") || (is(sec, "run") && (is(key, "mode") || is(key, "crossing"))) ||
	     (is(sec, "stage1") && (is(key, "granule") || is(key, "blocks") ||
				    is(key, "start_level")))))
		return "the one-level preset replaces it (see [one_level])";
	if (mode == CFG_MODE_S2ONLY && (is(sec, "stage1") || is(sec, "walkcache.s1")))
		return "run.mode = s2only has no stage 1";
	if (mode == CFG_MODE_NATIVE &&
	    (is(sec, "stage2") || is(sec, "walkcache.s2") || is(sec, "s2tlb")))
		return "run.mode = native has no stage 2";
	if (mode == CFG_MODE_S2ONLY && is(sec, "s2tlb"))
		return "run.mode = s2only: the TLBs hold the stage-2 translations";
	if ((!strncmp(sec, "walkcache.", 10) || is(sec, "s2tlb")) && !is(key, "entries") &&
	    structure_geom(f, sec, &entries, &ways) && !entries)
		return "entries = 0: the structure is absent";
	if (is(key, "repl") && structure_geom(f, sec, &entries, &ways) && ways == 1)
		return "ways = 1: there is nothing to choose";
	if (!strncmp(sec, "tlb.", 4) && is(key, "org")) {
		int j = cfg_tlb_find(&f->tlb, sec + 4);

		if (j >= 0 && bits_is_pow2(f->tlb.level[j].sizes))
			return "the level holds one page size: one array either way";
	}
	if (is(sec, "run") && is(key, "seed") && !any_random(f, use))
		return "nothing is random: no repl = random, no huge_fraction below 1, no "
		       "old_share strictly between 0 and 1";
	if (is(sec, "stage1"))
		return stage1_unused(key, f);
	if (is(sec, "stage2"))
		return stage2_unused(key, f, use);
	return NULL;
}

struct unused_item {
	char name[CFG_NAME_MAX + 40];   /* "section.key" */
	char value[128];
};

struct unused_list {
	struct unused_item *v;
	size_t n, cap;
};

static int unused_collect(void *ctx, const struct cfg_item *it)
{
	struct unused_list *l = ctx;

	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 256;
		struct unused_item *q = realloc(l->v, nc * sizeof(*q));

		if (!q)
			return SIM_E_NOMEM;
		l->v = q;
		l->cap = nc;
	}
	snprintf(l->v[l->n].name, sizeof(l->v[l->n].name), "%s.%s", it->section, it->key);
	snprintf(l->v[l->n].value, sizeof(l->v[l->n].value), "%s", it->value);
	l->n++;
	return 0;
}

unsigned cfg_unused(const struct sim_config *user, const struct sim_config *final,
		    const struct cfg_use *use, unsigned what,
		    void (*fn)(void *ctx, const char *key, const char *value, const char *why),
		    void *ctx)
{
	static const struct cfg_use none;
	struct unused_list u = { 0 }, r = { 0 };
	struct sim_config ref;
	char why[CFG_WHY_MAX];
	unsigned count = 0;

	if (!use)
		use = &none;
	if (cfg_reset_to_preset(&ref, user->run.preset, why) ||
	    cfg_foreach(user, unused_collect, &u) || cfg_foreach(&ref, unused_collect, &r))
		goto out;
	for (size_t i = 0; i < u.n; i++) {
		const struct unused_item *it = &u.v[i];
		const char *dot = strrchr(it->name, '.'), *reason;
		char sec[sizeof(it->name)];
		bool same = false, policy;

		for (size_t j = 0; j < r.n && !same; j++)
			same = is(it->name, r.v[j].name) && is(it->value, r.v[j].value);
		if (same || !dot)
			continue;
		snprintf(sec, sizeof(sec), "%.*s", (int)(dot - it->name), it->name);
		policy = is(sec, "policy");
		if (!(what & (policy ? CFG_UNUSED_POLICY : CFG_UNUSED_STATIC)))
			continue;
		reason = key_unused(sec, dot + 1, final, use);
		if (reason) {
			fn(ctx, it->name, it->value, reason);
			count++;
		}
	}
out:
	free(u.v);
	free(r.v);
	return count;
}
