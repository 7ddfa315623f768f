/*
 * sim/config_check.c - finalizing a configuration and checking it across
 * fields: the effective start and block levels of each stage (by the rules
 * of mmu/geom.h), the TLB level chain, walk caches, caches, and the
 * one-level preset's mapping.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mmu/geom.h"
#include "sim/bits.h"
#include "sim/config.h"
#include "sim/config_impl.h"
#include "sim/err.h"

/* ---- geometry --------------------------------------------------------- */

/*
 * Every rule here is mmu/geom.h's: the stage-1 start level
 * (AArch64.S1StartLevel), KVM's stage-2 choice, the legality of a stage-2
 * start level (SL0, S2InvalidSL, S2InconsistentSL) and of a block at a
 * level (AArch64.BlockDescSupported).
 */

int cfg_start_level(const struct cfg_stage *st, enum mmu_stage stage)
{
	int start;

	if (stage == MMU_STAGE1) {
		start = geom_s1_start_level(st->granule_shift, st->ia_bits);
		if (st->start_level != CFG_LEVEL_AUTO && st->start_level != start)
			return -1;
		return start;
	}
	start = st->start_level == CFG_LEVEL_AUTO
		? geom_s2_default_start_level(st->granule_shift, st->ia_bits)
		: st->start_level;
	if (geom_s2_validate(st->granule_shift, st->ia_bits, start, st->pa_bits) != GEOM_S2_OK)
		return -1;
	return start;
}

unsigned cfg_pamax(const struct sim_config *cfg)
{
	return cfg->run.mode == CFG_MODE_NATIVE ? cfg->stage1.pa_bits : cfg->stage2.pa_bits;
}

int cfg_block_level(const struct cfg_stage *st, enum mmu_stage stage, unsigned pamax)
{
	int start = cfg_start_level(st, stage);
	int lvl;

	if (start < 0)
		return 3;
	switch (st->blocks) {
	case CFG_BLOCKS_L1:
		lvl = 1;
		break;
	case CFG_BLOCKS_L2:
		lvl = 2;
		break;
	default:
		return 3;
	}
	/* no block above the start level, and only where the granule has one */
	if (lvl < start)
		lvl = start;
	while (lvl < 3 && !geom_block_allowed(st->granule_shift, lvl, pamax))
		lvl++;
	return lvl;
}

/* log2 of the mapping size a stage uses for every page (see CONFIG.md). */
static unsigned stage_page_shift(const struct cfg_stage *st, enum mmu_stage stage,
				 unsigned pamax)
{
	int lvl = cfg_block_level(st, stage, pamax);

	/* blocks only where a free run is found (huge_fraction); KVM's
	 * dirty logging maps stage 2 in pages */
	if (st->huge_ppm < CFG_PPM_ONE || (stage == MMU_STAGE2 && st->dirty_log))
		return st->granule_shift;
	return geom_level_shift(st->granule_shift, lvl);
}

unsigned cfg_min_page_shift(const struct sim_config *cfg)
{
	unsigned s1 = stage_page_shift(&cfg->stage1, MMU_STAGE1, cfg_pamax(cfg));
	unsigned s2 = stage_page_shift(&cfg->stage2, MMU_STAGE2, cfg_pamax(cfg));

	switch (cfg->run.mode) {
	case CFG_MODE_NATIVE:
		return s1;
	case CFG_MODE_S2ONLY:
		return s2;
	default:
		return s1 < s2 ? s1 : s2;
	}
}

/* ---- validation ------------------------------------------------------- */

static const char *size_name(unsigned shift)
{
	return cfg_choice_name(cfg_pagesize_names, (int)shift);
}

static int check_assoc(const char *what, unsigned entries, unsigned ways,
		       enum cfg_repl repl, struct sim_error *err)
{
	unsigned w = ways ? ways : entries;

	if (entries % w)
		return sim_error_set(err, SIM_E_CONFIG, "%s: ways = %u does not divide "
				     "entries = %u", what, w, entries);
	if (!bits_is_pow2(entries / w))
		return sim_error_set(err, SIM_E_CONFIG, "%s: entries / ways = %u / %u = %u "
				     "sets; the number of sets must be a power of two",
				     what, entries, w, entries / w);
	if (repl == CFG_REPL_PLRU && !bits_is_pow2(w))
		return sim_error_set(err, SIM_E_CONFIG, "%s: repl = plru needs a power-of-two "
				     "number of ways, got %u", what, w);
	return 0;
}

static int check_stage1(const struct cfg_stage *st, struct sim_error *err)
{
	int start = geom_s1_start_level(st->granule_shift, st->ia_bits);
	/* Linux refuses a window beyond one last-level table (fault_around_bytes_set()) */
	uint64_t table_span = BIT(geom_level_shift(st->granule_shift, 2));

	if (st->start_level != CFG_LEVEL_AUTO && st->start_level != start)
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] start_level = %d: va_bits = "
				     "%u with the %s granule starts at level %d; use auto",
				     st->start_level, st->ia_bits, size_name(st->granule_shift),
				     start);
	if (st->pa_bits > geom_max_oa_bits(st->granule_shift))
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] pa_bits = %u needs the 64k "
				     "granule (52-bit output with 4k/16k needs LPA2, not modelled)",
				     st->pa_bits);
	if (st->fault_around && (!bits_is_pow2(st->fault_around) ||
				 st->fault_around > table_span))
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] fault_around = %" PRIu64 ": must "
				     "be 0 or a power of two no larger than one last-level "
				     "table (%" PRIu64 " bytes with the %s granule)", st->fault_around,
				     table_span, size_name(st->granule_shift));
	return 0;
}

/* The stage-2 geometry, as geom_s2_validate() judges it, in words that
 * name the keys. */
static int check_stage2(const struct cfg_stage *st, struct sim_error *err)
{
	const char *g = size_name(st->granule_shift);
	bool is_auto = st->start_level == CFG_LEVEL_AUTO;
	int lvl = is_auto ? geom_s2_default_start_level(st->granule_shift, st->ia_bits)
			  : st->start_level;
	enum geom_s2_why why;

	if (st->pa_bits > geom_max_oa_bits(st->granule_shift))
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] pa_bits = %u needs the 64k "
				     "granule (LPA2 is not modelled)", st->pa_bits);
	if ((st->ram_base & (BIT(16) - 1)) || (st->ram_base >> st->ia_bits))
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ram_base = 0x%" PRIx64 ": must "
				     "be a multiple of 64k below 2^ipa_bits = 2^%u", st->ram_base,
				     st->ia_bits);
	why = geom_s2_validate(st->granule_shift, st->ia_bits, lvl, st->pa_bits);
	if (why == GEOM_S2_OK)
		return 0;
	if (why == GEOM_S2_IA_LARGE && st->ia_bits > geom_max_oa_bits(12))
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u needs "
				     "granule = 64k and pa_bits = 52", st->ia_bits);
	if (why == GEOM_S2_IA_LARGE)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u exceeds "
				     "pa_bits = %u (VTCR_EL2.T0SZ is at least 64 - PAMax)",
				     st->ia_bits, st->pa_bits);
	if (is_auto)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u with the %s "
				     "granule and pa_bits = %u has no legal start level: %s",
				     st->ia_bits, g, st->pa_bits,
				     geom_s2_check(st->granule_shift, st->ia_bits, lvl, st->pa_bits));
	switch (why) {
	case GEOM_S2_NO_SL0:
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d does not "
				     "exist for the %s granule (needs TTST or LPA2, not "
				     "modelled)", lvl, g);
	case GEOM_S2_PAMAX:
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d with the %s "
				     "granule needs pa_bits >= %u, got %u", lvl, g,
				     geom_s2_min_pamax(st->granule_shift, lvl), st->pa_bits);
	case GEOM_S2_NO_BITS:
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d resolves no "
				     "IPA bit with ipa_bits = %u and the %s granule", lvl,
				     st->ia_bits, g);
	case GEOM_S2_CONCAT:
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d with "
				     "ipa_bits = %u and the %s granule needs %u concatenated "
				     "tables; at most 16 are allowed", lvl, st->ia_bits, g,
				     geom_concat_tables(st->granule_shift, st->ia_bits, lvl));
	default:
		/* GEOM_S2_IA_SMALL: the option table's range starts above it */
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u: %s",
				     st->ia_bits, geom_s2_check(st->granule_shift, st->ia_bits,
								lvl, st->pa_bits));
	}
}

static int check_tlb(const struct sim_config *cfg, struct sim_error *err)
{
	const struct cfg_tlb *tlb = &cfg->tlb;
	unsigned min_shift = cfg_min_page_shift(cfg);
	bool referenced[CFG_TLB_LEVELS_MAX] = { false };
	unsigned roots = 0;
	char what[64];
	int rc;

	if (!tlb->nlevels)
		return sim_error_set(err, SIM_E_CONFIG, "[tlb] levels: at least one TLB level "
				     "is needed");
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		const struct cfg_tlb_level *l = &tlb->level[i];

		snprintf(what, sizeof(what), "[tlb.%s]", l->name);
		rc = check_assoc(what, l->entries, l->ways, l->repl, err);
		if (rc)
			return rc;
		if (!(l->sizes & BIT(min_shift)))
			return sim_error_set(err, SIM_E_CONFIG, "%s sizes: must include %s, the "
					     "smallest page this configuration's translations "
					     "produce (see stage1/stage2 granule and blocks)", what,
					     size_name(min_shift));
		if (l->next[0]) {
			int j = cfg_tlb_find(tlb, l->next);

			if (j < 0)
				return sim_error_set(err, SIM_E_CONFIG, "%s next = %s: no such level "
						     "in tlb.levels", what, l->next);
			if ((unsigned)j == i)
				return sim_error_set(err, SIM_E_CONFIG, "%s next: a level cannot be "
						     "its own next level", what);
			if (l->serves & ~tlb->level[j].serves)
				return sim_error_set(err, SIM_E_CONFIG, "%s next = %s: serves %s but "
						     "%s serves only %s", what, l->next,
						     cfg_choice_name(cfg_serves_choices, l->serves),
						     l->next, cfg_choice_name(cfg_serves_choices,
									  tlb->level[j].serves));
			referenced[j] = true;
		}
	}
	/* no cycles: following next from any level ends within nlevels steps */
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		int j = (int)i;

		for (unsigned step = 0; j >= 0 && tlb->level[j].next[0]; step++) {
			if (step >= tlb->nlevels)
				return sim_error_set(err, SIM_E_CONFIG, "[tlb.%s] next: the chain of "
						     "next levels loops", tlb->level[i].name);
			j = cfg_tlb_find(tlb, tlb->level[j].next);
		}
	}
	/* the first levels (named by no next) serve each access kind once */
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		if (referenced[i])
			continue;
		if (roots & tlb->level[i].serves)
			return sim_error_set(err, SIM_E_CONFIG, "[tlb.%s] serves = %s: another "
					     "first level (one no next names) already serves "
					     "these accesses", tlb->level[i].name,
					     cfg_choice_name(cfg_serves_choices, tlb->level[i].serves));
		roots |= tlb->level[i].serves;
	}
	if (roots != CFG_SERVES_UNIFIED)
		return sim_error_set(err, SIM_E_CONFIG, "[tlb] levels: no first level serves %s "
				     "accesses", roots & CFG_SERVES_INST ? "data" : "instruction");
	return 0;
}

static int check_caches(const struct sim_config *cfg, struct sim_error *err)
{
	for (unsigned i = 0; i < cfg->cache.nlevels; i++) {
		const struct cfg_cache_level *c = &cfg->cache.level[i];
		uint64_t set_bytes = (uint64_t)c->ways * c->line;

		if (!bits_is_pow2(c->line))
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s] line = %u: must be a "
					     "power of two", c->name, c->line);
		if (c->size % set_bytes)
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s] size = %" PRIu64
					     " is not a multiple of ways x line = %" PRIu64,
					     c->name, c->size, set_bytes);
		if (!bits_is_pow2(c->size / set_bytes))
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s]: size / (ways x line)"
					     " = %" PRIu64 " sets; must be a power of two",
					     c->name, c->size / set_bytes);
	}
	return 0;
}

int cfg_validate(const struct sim_config *cfg, struct sim_error *err)
{
	static const struct { const char *name; size_t off; } wcs[] = {
		{ "[walkcache.s1]", offsetof(struct sim_config, wc_s1) },
		{ "[walkcache.s2]", offsetof(struct sim_config, wc_s2) },
		{ "[s2tlb]", offsetof(struct sim_config, s2tlb) },
	};
	int rc;

	if (cfg->run.mode != CFG_MODE_S2ONLY && (rc = check_stage1(&cfg->stage1, err)))
		return rc;
	if (cfg->run.mode != CFG_MODE_NATIVE && (rc = check_stage2(&cfg->stage2, err)))
		return rc;
	/* the host's own stage 1 (its kernel, VMMs) outputs host PAs */
	if (cfg->run.mode == CFG_MODE_VIRT &&
	    cfg->stage2.pa_bits > geom_max_oa_bits(cfg->stage1.granule_shift))
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] pa_bits = 52 needs [stage1] "
				     "granule = 64k: the host's stage 1 uses the stage-1 granule "
				     "and outputs 52-bit PAs (4k/16k would need LPA2)");
	/* the guest's RAM lies below 2^min(its IPS, the IPA size) */
	if (cfg->run.mode == CFG_MODE_VIRT && cfg->stage1.pa_bits < cfg->stage2.ia_bits &&
	    cfg->stage2.ram_base >> cfg->stage1.pa_bits)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ram_base = 0x%" PRIx64 " is not "
				     "below 2^[stage1] pa_bits = 2^%u, the guest's output size",
				     cfg->stage2.ram_base, cfg->stage1.pa_bits);
	if ((rc = check_tlb(cfg, err)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++) {
		const struct cfg_wcache *w =
			(const void *)((const char *)cfg + wcs[i].off);

		if (w->entries && (rc = check_assoc(wcs[i].name, w->entries, w->ways,
						    w->repl, err)))
			return rc;
	}
	return check_caches(cfg, err);
}

/* The one-level preset: [one_level] -> mode, stage 1 and one TLB level. */
static int map_one_level(struct sim_config *cfg, struct sim_error *err)
{
	const struct cfg_one_level *ol = &cfg->one_level;
	unsigned ways = ol->ways ? ol->ways : ol->entries;
	static const char *const split_names[] = { "L1I", "L1D" };
	static const enum cfg_serves split_serves[] = { CFG_SERVES_INST, CFG_SERVES_DATA };
	char why[CFG_WHY_MAX];

	if (!bits_is_pow2(ol->entries))
		return sim_error_set(err, SIM_E_CONFIG, "[one_level] entries = %u: must be a "
				     "power of two", ol->entries);
	if (!bits_is_pow2(ways) || ol->entries % ways)
		return sim_error_set(err, SIM_E_CONFIG, "[one_level] ways = %u: must be a power "
				     "of two dividing entries = %u", ways, ol->entries);
	cfg->run.mode = CFG_MODE_NATIVE;
	cfg->run.crossing = ol->crossing;
	cfg->stage1.granule_shift = ol->page_shift == 21 ? 12 : ol->page_shift;
	cfg->stage1.blocks = ol->page_shift == 21 ? CFG_BLOCKS_L2 : CFG_BLOCKS_NONE;
	cfg->stage1.start_level = CFG_LEVEL_AUTO;
	memset(&cfg->tlb, 0, sizeof(cfg->tlb));
	cfg->tlb.nlevels = ol->split ? 2 : 1;
	for (unsigned i = 0; i < cfg->tlb.nlevels; i++) {
		struct cfg_tlb_level *l = &cfg->tlb.level[i];

		if (cfg_template_defaults(cfg_section_by_kind(SEC_TLB_LEVEL), l, why))
			return sim_error_set(err, SIM_E_CONFIG, "one-level: %s", why);
		cfg_set_name(l->name, ol->split ? split_names[i] : "L1");
		l->entries = ol->entries;
		l->ways = ways;
		l->repl = CFG_REPL_LRU;
		l->serves = ol->split ? split_serves[i] : CFG_SERVES_UNIFIED;
		l->sizes = BIT(ol->page_shift);
		l->org = CFG_ORG_SHARED;
	}
	cfg->one_level.ways = ways;
	cfg->wc_s1.entries = 0;
	cfg->wc_s2.entries = 0;
	cfg->s2tlb.entries = 0;
	return 0;
}

int cfg_finalize(struct sim_config *cfg, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	struct cfg_wcache *wcs[] = { &tmp.wc_s1, &tmp.wc_s2, &tmp.s2tlb };
	int rc;

	if (!strcmp(tmp.run.preset, "one-level") && (rc = map_one_level(&tmp, err)))
		return rc;
	for (unsigned i = 0; i < tmp.tlb.nlevels; i++)
		if (!tmp.tlb.level[i].ways)
			tmp.tlb.level[i].ways = tmp.tlb.level[i].entries;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++)
		if (!wcs[i]->ways)
			wcs[i]->ways = wcs[i]->entries;
	if (!tmp.one_level.ways)
		tmp.one_level.ways = tmp.one_level.entries;
	rc = cfg_validate(&tmp, err);
	if (!rc)
		*cfg = tmp;
	return rc;
}
