/* sim/sim.c - the replay engine; see sim/sim.h. */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/desc.h"
#include "mmu/geom.h"
#include "sim/bits.h"
#include "tlb/tlbi.h"

static const char *const sim_counter_names[SIM_C__COUNT] = {
#define X(id, name) [SIM_C_##id] = name,
	SIM_COUNTERS(X)
#undef X
};

/* Bounds of the per-walk histograms (exact buckets below, one overflow). */
#define HIST_REFS_LIMIT   64
#define HIST_CYCLES_LIMIT 8192

static const struct tlb_repl_ops *repl_ops(enum cfg_repl r)
{
	switch (r) {
	case CFG_REPL_LRU:    return &tlb_repl_lru;
	case CFG_REPL_PLRU:   return &tlb_repl_plru;
	case CFG_REPL_FIFO:   return &tlb_repl_fifo;
	case CFG_REPL_RANDOM: return &tlb_repl_random;
	}
	return &tlb_repl_lru;
}

static enum os_map_policy map_policy(enum cfg_blocks b)
{
	switch (b) {
	case CFG_BLOCKS_NONE: return OS_MAP_PAGES;
	case CFG_BLOCKS_L2:   return OS_MAP_L2;
	case CFG_BLOCKS_L1:   return OS_MAP_L1;
	}
	return OS_MAP_PAGES;
}

/* ---- the walk-cache and stage-2 TLB hooks of mmu_translate_cached() ---- */

/* Stage-2 attributes kept in a stage-2 TLB entry beside the permissions:
 * MemAttr, so a cached translation of a stage-1 table page still answers
 * the HCR_EL2.PTW Device check. */
#define S2E_PROT      GENMASK(7, 0)
#define S2E_MEMATTR   GENMASK(11, 8)

static bool hook_s2_lookup(void *ctx, uint64_t ipa, struct walk_out *out)
{
	struct sim_cpu *c = ctx;
	const struct tlb_entry *e;

	if (!c->have_s2tlb)
		return false;
	c->walk_hook_cycles += c->s2tlb.latency;
	e = tlb_lookup(&c->s2tlb, wc_ctx_s2(c->mctx.vmid) & ~TLB_TAG_TABLE, ipa);
	if (!e)
		return false;
	out->oa = tlb_entry_out_addr(e, ipa);
	out->prot = (uint8_t)FIELD_GET(S2E_PROT, e->attrs);
	out->desc = DESC_VALID | DESC_AF | FIELD_PREP(DESC_S2_MEMATTR, FIELD_GET(S2E_MEMATTR, e->attrs));
	out->level = (int8_t)e->s2_level;
	out->shift = (uint8_t)tlb_tag_shift(e->tag);
	return true;
}

static void hook_s2_fill(void *ctx, uint64_t ipa, const struct walk_out *out)
{
	struct sim_cpu *c = ctx;
	struct tlb_fill f = {
		.ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S2, c->mctx.vmid, 0, false),
		.in_addr = ipa,
		.out_addr = out->oa,
		.shift = out->shift,
		.block_shift = out->shift,
		.s2_level = (uint8_t)out->level,
		.attrs = (uint32_t)(FIELD_PREP(S2E_PROT, out->prot) |
				    FIELD_PREP(S2E_MEMATTR, FIELD_GET(DESC_S2_MEMATTR, out->desc))),
	};

	if (c->have_s2tlb)
		tlb_fill(&c->s2tlb, &f);
}

static struct wc *stage_wc(struct sim_cpu *c, const struct walk_params *p, uint64_t *wctx)
{
	if (p->stage == MMU_STAGE2) {
		*wctx = wc_ctx_s2(c->mctx.vmid);
		return c->have_wc_s2 ? &c->wc_s2 : NULL;
	}
	*wctx = wc_ctx_s1(p->regime, c->mctx.vmid, c->mctx.asid);
	return c->have_wc_s1 ? &c->wc_s1 : NULL;
}

static bool hook_wc_lookup(void *ctx, const struct walk_params *p, uint64_t ia,
			   struct walk_start *st)
{
	struct sim_cpu *c = ctx;
	uint64_t wctx;
	struct wc *w = stage_wc(c, p, &wctx);
	struct wc_hit hit;

	if (!w)
		return false;
	c->walk_hook_cycles += w->latency;
	if (!wc_lookup(w, wctx, p->granule_shift, p->start_level, ia, &hit))
		return false;
	/* The cached level-L descriptor points at the level L+1 table. */
	st->level = (int8_t)(hit.level + 1);
	st->table = hit.table;
	st->tattrs = hit.attrs;
	return true;
}

static void hook_wc_fill(void *ctx, const struct walk_params *p, uint64_t ia,
			 const struct walk_out *out, int from)
{
	struct sim_cpu *c = ctx;
	uint64_t wctx;
	struct wc *w = stage_wc(c, p, &wctx);
	struct wc_step steps[WALK_LEVELS];
	unsigned n = 0;

	if (!w)
		return;
	/* Every table descriptor this walk read: level L pointed at
	 * out->table[L + 1]. */
	for (int l = from; l < out->level; l++)
		steps[n++] = (struct wc_step){
			.level = l, .table = out->table[l + 1], .attrs = out->tattrs_at[l + 1],
		};
	if (n)
		wc_fill(w, wctx, p->granule_shift, ia, steps, n);
}

/* ---- construction ---- */

/* Seeds of a CPU's random replacement: CPU 0 keeps the single-CPU seeds. */
static uint64_t cpu_seed(const struct sim_cpu *cpu)
{
	return (uint64_t)cpu->index << 20;
}

static int build_tlbs(struct sim *s, struct sim_cpu *cpu, struct sim_error *err)
{
	const struct cfg_tlb *ct = &s->cfg.tlb;
	struct tlb_hier_tlb t[CFG_TLB_LEVELS_MAX];
	unsigned level[CFG_TLB_LEVELS_MAX];
	struct tlb_hier_config hc = { .ntlbs = ct->nlevels, .tlbs = t, .memo = s->cfg.run.fast_path };

	/* Depth of each TLB: 1 for those no other names as "next", one more
	 * than the deepest TLB that names it otherwise (the chains are
	 * acyclic, cfg_validate() checked). */
	for (unsigned i = 0; i < ct->nlevels; i++)
		level[i] = 1;
	for (unsigned round = 0; round < ct->nlevels; round++)
		for (unsigned i = 0; i < ct->nlevels; i++) {
			int nx = ct->level[i].next[0] ? cfg_tlb_find(ct, ct->level[i].next) : -1;

			if (nx >= 0 && level[nx] < level[i] + 1)
				level[nx] = level[i] + 1;
		}

	memset(t, 0, sizeof(t));
	for (unsigned i = 0; i < ct->nlevels; i++) {
		const struct cfg_tlb_level *cl = &ct->level[i];
		struct tlb_geom *g = &t[i].geom;

		t[i].level = level[i];
		g->name = cl->name;
		g->serve = (enum tlb_serve)cl->serves;
		g->org = cl->org == CFG_ORG_SPLIT ? TLB_ORG_SPLIT : TLB_ORG_SHARED;
		g->entries = cl->entries;
		g->ways = cl->ways;
		g->latency = cl->latency;
		g->repl = repl_ops(cl->repl);
		g->seed = s->cfg.run.seed + i + cpu_seed(cpu);
		for (unsigned b = 0; b < 64 && g->nsizes < TLB_MAX_SIZES; b++)
			if (cl->sizes & BIT(b))
				g->sizes[g->nsizes++] = (struct tlb_size_geom){
					.shift = b, .entries = cl->entries, .ways = cl->ways,
				};
	}
	return tlb_hier_init(&cpu->tlbs, &hc, err);
}

/* @s2_granules: bit n set when some VM's stage 2 uses the 2^n granule. */
static int build_caches(struct sim *s, struct sim_cpu *cpu, unsigned s2_granules,
			struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	struct ptc_level_geom pg[PTC_LEVELS_MAX];
	int rc;

	if (c->wc_s1.entries) {
		struct wc_geom g = { .name = "walkcache.s1", .entries = c->wc_s1.entries,
				     .ways = c->wc_s1.ways, .latency = c->wc_s1.latency,
				     .repl = repl_ops(c->wc_s1.repl),
				     .seed = c->run.seed + 101 + cpu_seed(cpu) };
		if ((rc = wc_init(&cpu->wc_s1, &g, err)))
			return rc;
		cpu->have_wc_s1 = true;
	}
	if (c->wc_s2.entries && c->run.mode != CFG_MODE_NATIVE) {
		struct wc_geom g = { .name = "walkcache.s2", .entries = c->wc_s2.entries,
				     .ways = c->wc_s2.ways, .latency = c->wc_s2.latency,
				     .repl = repl_ops(c->wc_s2.repl),
				     .seed = c->run.seed + 102 + cpu_seed(cpu) };
		if ((rc = wc_init(&cpu->wc_s2, &g, err)))
			return rc;
		cpu->have_wc_s2 = true;
	}
	if (c->s2tlb.entries && c->run.mode == CFG_MODE_VIRT) {
		struct tlb_geom g = {
			.name = "s2tlb", .serve = TLB_SERVE_UNIFIED, .org = TLB_ORG_SHARED,
			.entries = c->s2tlb.entries, .ways = c->s2tlb.ways, .nsizes = 0,
			.latency = c->s2tlb.latency, .repl = repl_ops(c->s2tlb.repl),
			.seed = c->run.seed + 103 + cpu_seed(cpu),
		};
		/* It holds every size stage 2 can map with these granules. */
		for (unsigned gs = 12; gs <= 16; gs += 2) {
			if (!(s2_granules & BIT(gs)))
				continue;
			for (int l = 1; l <= 3; l++)
				if (l == 3 || geom_block_allowed(gs, l, c->stage2.pa_bits)) {
					if (g.nsizes == TLB_MAX_SIZES)
						return sim_error_set(err, SIM_E_CONFIG,
								     "s2tlb: more than %d page sizes",
								     TLB_MAX_SIZES);
					g.sizes[g.nsizes++] = (struct tlb_size_geom){
						.shift = geom_level_shift(gs, l),
					};
				}
		}
		if ((rc = tlb_init(&cpu->s2tlb, &g, err)))
			return rc;
		cpu->have_s2tlb = true;
	}
	for (unsigned i = 0; i < c->cache.nlevels; i++)
		pg[i] = (struct ptc_level_geom){
			.size = c->cache.level[i].size, .ways = c->cache.level[i].ways,
			.line = c->cache.level[i].line, .latency = c->cache.level[i].latency,
		};
	return ptc_init(&cpu->ptc, pg, c->cache.nlevels, c->memory.latency, err);
}

/*
 * Make @cpu run @p under @asid and @vmid: the translation context of its
 * walks, and the regime, kind and lookup context of its TLB entries.
 * @el: the exception level of its accesses (0 user, 1 or 2 privileged).
 */
static void cpu_set_context(struct sim_cpu *cpu, struct os_proc *p, uint16_t asid,
			    uint16_t vmid, bool two_stage, uint8_t el)
{
	const struct sim_config *c = &cpu->sim->cfg;

	cpu->proc = p;
	os_proc_mmu_ctx(p, asid, vmid, &cpu->mctx);
	cpu->two_stage = two_stage;
	cpu->regime = p->regime;
	cpu->el = el;
	if (c->run.mode == CFG_MODE_S2ONLY) {
		cpu->kind = TLB_KIND_S2;
		cpu->tlb_ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S2, vmid, 0, false);
	} else {
		cpu->kind = two_stage ? TLB_KIND_COMBINED : TLB_KIND_S1;
		cpu->tlb_ctx = tlb_ctx(cpu->regime, cpu->kind, vmid, asid, false);
	}
}

static int build_os(struct sim *s, struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	bool native = c->run.mode == CFG_MODE_NATIVE;
	struct os_cfg oc = {
		.pa_bits = native ? c->stage1.pa_bits : c->stage2.pa_bits,
		.huge_fraction = (double)c->stage2.huge_ppm / CFG_PPM_ONE,
		.seed = c->run.seed,
		.host = {
			.granule_shift = c->stage1.granule_shift,
			.va_bits = c->stage1.ia_bits,
			.policy = map_policy(c->stage1.blocks),
		},
	};

	return os_init(&s->os, &oc, &s->pm, err);
}

/* The single trace's address space: one process, in the guest (virt,
 * s2only) or on the host (native). */
static int build_single_space(struct sim *s, struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	bool native = c->run.mode == CFG_MODE_NATIVE;
	struct os_proc_cfg pc = { .regime = MMU_REGIME_EL10 };
	int rc;

	if (native) {
		s->vm = s->os.host;
	} else {
		struct os_vm_cfg vc = {
			.s2_granule_shift = c->stage2.granule_shift,
			.ipa_bits = c->stage2.ia_bits,
			.s2_start_forced = c->stage2.start_level != CFG_LEVEL_AUTO,
			.s2_start_level = c->stage2.start_level,
			.s2_policy = map_policy(c->stage2.blocks),
			.s2_only = c->run.mode == CFG_MODE_S2ONLY,
			.guest = {
				.granule_shift = c->stage1.granule_shift,
				.va_bits = c->stage1.ia_bits,
				.policy = map_policy(c->stage1.blocks),
			},
		};
		if ((rc = os_vm_create(&s->os, &vc, &s->vm, err)))
			return rc;
	}
	if ((rc = os_proc_create(&s->os, native ? NULL : s->vm, &pc, &s->proc, err)))
		return rc;

	/* One address space: ASID 1, and VMID 1 for the guest (VMID 0 is the
	 * host's, as KVM reserves it). */
	cpu_set_context(&s->cpu[0], s->proc, 1, native ? 0 : 1, !native, 0);
	s->page_shift = c->run.mode == CFG_MODE_S2ONLY ? c->stage2.granule_shift
						       : c->stage1.granule_shift;
	return 0;
}

static int build_cpu(struct sim *s, unsigned i, unsigned s2_granules, struct sim_error *err)
{
	struct sim_cpu *cpu = &s->cpu[i];
	int rc;

	cpu->sim = s;
	cpu->index = i;
	cpu->hooks = (struct mmu_hooks){
		.s2_lookup = hook_s2_lookup, .s2_fill = hook_s2_fill,
		.wc_lookup = hook_wc_lookup, .wc_fill = hook_wc_fill, .ctx = cpu,
	};
	if ((rc = build_tlbs(s, cpu, err)) || (rc = build_caches(s, cpu, s2_granules, err)))
		return rc;
	cpu->l1_min_shift = 64;
	if (s->cfg.run.fast_path)
		for (int side = 0; side < 2; side++) {
			struct tlb *t = cpu->tlbs.depth[side] ? cpu->tlbs.path[side][0] : NULL;

			cpu->l1[side] = t;
			if (t && t->shift[0] < cpu->l1_min_shift)
				cpu->l1_min_shift = t->shift[0];
		}
	cpu->l1_one_size = true;
	cpu->l1_one_ctx = true;
	return 0;
}

static void destroy_cpu(struct sim_cpu *cpu)
{
	if (!cpu->sim)
		return;
	ptc_destroy(&cpu->ptc);
	if (cpu->have_s2tlb)
		tlb_destroy(&cpu->s2tlb);
	if (cpu->have_wc_s1)
		wc_destroy(&cpu->wc_s1);
	if (cpu->have_wc_s2)
		wc_destroy(&cpu->wc_s2);
	tlb_hier_destroy(&cpu->tlbs);
}

static int register_stats(struct sim *s, struct sim_error *err)
{
	struct stats_registry *r = &s->reg;
	const struct sim_cpu *cpu = &s->cpu[0];
	char prefix[64];
	int rc;

	static const char *const side_names[2] = { [TLB_SIDE_INSTR] = "inst", [TLB_SIDE_DATA] = "data" };
	if ((rc = stats_register(r, NULL, sim_counter_names, s->c, SIM_C__COUNT, err)) ||
	    (rc = stats_register(r, "page_crossings_walked_twice", side_names,
				 s->cross_walked_twice, 2, err)))
		return rc;
	for (unsigned i = 0; i < cpu->tlbs.ntlbs; i++) {
		snprintf(prefix, sizeof(prefix), "tlb.%s", cpu->tlbs.tlb[i].name);
		if ((rc = stats_register(r, prefix, tlb_counter_names, cpu->tlbs.tlb[i].st.c,
					 TLB_C__COUNT, err)))
			return rc;
	}
	if (cpu->have_wc_s1 && (rc = stats_register(r, "walkcache.s1", wc_counter_names,
						    cpu->wc_s1.st.c, WC_C__COUNT, err)))
		return rc;
	if (cpu->have_wc_s2 && (rc = stats_register(r, "walkcache.s2", wc_counter_names,
						    cpu->wc_s2.st.c, WC_C__COUNT, err)))
		return rc;
	if (cpu->have_s2tlb && (rc = stats_register(r, "s2tlb", tlb_counter_names,
						    cpu->s2tlb.st.c, TLB_C__COUNT, err)))
		return rc;
	if ((rc = stats_register(r, "os", os_counter_names, s->os.st.c, OS_C__COUNT, err)))
		return rc;
	if ((rc = stats_register_hist(r, "hist.walk_refs", &s->h_walk_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_s1_refs", &s->h_walk_s1_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_s2_refs", &s->h_walk_s2_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_cycles", &s->h_walk_cycles, err)))
		return rc;
	/* Derived figures, computed when read. */
	if ((rc = stats_register_ratio(r, "derived.refs_per_walk", "walk_memory_refs", "walks", 1, 1, err)) ||
	    (rc = stats_register_ratio(r, "derived.cycles_per_walk", "walk_cycles", "walks", 1, 1, err)) ||
	    (rc = stats_register_ratio(r, "derived.translation_cycles_per_access",
				       "translation_cycles", "accesses", 1, 1, err)) ||
	    (rc = stats_register_ratio(r, "derived.walks_per_kilo_access", "walks", "accesses", 1000, 1, err)) ||
	    (rc = stats_register_ratio(r, "derived.translation_overhead_percent", "translation_cycles",
				       "accesses", 100, s->cfg.run.base_cycles ? s->cfg.run.base_cycles : 1,
				       err)))
		return rc;
	for (unsigned i = 0; i < cpu->tlbs.ntlbs; i++) {
		char name[96], num[96], den[96];

		snprintf(name, sizeof(name), "derived.tlb.%s.miss_rate", cpu->tlbs.tlb[i].name);
		snprintf(num, sizeof(num), "tlb.%s.misses", cpu->tlbs.tlb[i].name);
		snprintf(den, sizeof(den), "tlb.%s.lookups", cpu->tlbs.tlb[i].name);
		if ((rc = stats_register_ratio(r, name, num, den, 1, 1, err)))
			return rc;
	}
	return 0;
}

/* What every simulation needs before its CPUs and spaces: memory, the
 * histograms, the OS model. */
static int sim_alloc(struct sim **sp, const struct sim_config *cfg, unsigned ncpus,
		     struct sim_error *err)
{
	struct sim *s = calloc(1, sizeof(*s));
	int rc;

	*sp = NULL;
	if (!s)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	s->cfg = *cfg;
	stats_init(&s->reg);
	s->warmup_left = cfg->run.warmup;
	s->cpu = calloc(ncpus, sizeof(*s->cpu));
	if (!s->cpu) {
		free(s);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	s->ncpus = ncpus;
	*sp = s;
	if ((rc = pmem_init(&s->pm, err)))
		return rc;
	s->mem = (struct mmu_mem){ .read = pmem_read64, .write = pmem_write64, .ctx = &s->pm };
	if ((rc = stats_hist_init(&s->h_walk_refs, HIST_REFS_LIMIT)) ||
	    (rc = stats_hist_init(&s->h_walk_s1_refs, HIST_REFS_LIMIT)) ||
	    (rc = stats_hist_init(&s->h_walk_s2_refs, HIST_REFS_LIMIT)) ||
	    (rc = stats_hist_init(&s->h_walk_cycles, HIST_CYCLES_LIMIT)))
		return sim_error_set(err, rc, "out of memory");
	return build_os(s, err);
}

int sim_create(struct sim **sp, const struct sim_config *cfg, struct sim_error *err)
{
	struct sim *s;
	int rc;

	if ((rc = sim_alloc(&s, cfg, 1, err)) ||
	    (rc = build_cpu(s, 0, (unsigned)BIT(cfg->stage2.granule_shift), err)) ||
	    (rc = build_single_space(s, err)) || (rc = register_stats(s, err)))
		goto fail;
	s->cpu[0].l1_ctx = s->cpu[0].tlb_ctx;
	*sp = s;
	return 0;
fail:
	sim_destroy(s);
	*sp = NULL;
	return rc;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	stats_free(&s->reg);
	stats_hist_free(&s->h_walk_refs);
	stats_hist_free(&s->h_walk_s1_refs);
	stats_hist_free(&s->h_walk_s2_refs);
	stats_hist_free(&s->h_walk_cycles);
	for (unsigned i = 0; i < s->ncpus; i++)
		destroy_cpu(&s->cpu[i]);
	free(s->cpu);
	os_destroy(&s->os);
	pmem_destroy(&s->pm);
	free(s);
}

/* ---- the replay ---- */

/* A miss in every TLB level: map on demand, walk, charge, fill. */
static int sim_walk(struct sim_cpu *cpu, enum tlb_side side, uint64_t va, struct mmu_access acc,
		    struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct mmu_result res;
	unsigned cycles, s1r, s2r;
	int rc;

	rc = os_touch(&s->os, cpu->proc, va, NULL, err);
	if (rc)
		return rc;
	cpu->walk_hook_cycles = 0;
	rc = mmu_translate_cached(&cpu->mctx, &s->mem, &cpu->hooks, va, acc, cpu->two_stage, &res,
				  &cpu->refs);
	if (rc < 0)
		return sim_error_set(err, rc, "walk of 0x%llx: %s", (unsigned long long)va,
				     s->pm.err.code ? s->pm.err.msg : sim_strerror(rc));

	cycles = cpu->walk_hook_cycles;
	for (unsigned i = 0; i < cpu->refs.n; i++)
		cycles += ptc_access(&cpu->ptc, cpu->refs.ref[i].pa);
	/* Every TLB entry comes from a walk: while no walk has produced a
	 * translation larger than the first levels' smallest held size, every
	 * first-level entry has that size (the memo of sim.h relies on it). */
	if (rc == 0 && res.shift > cpu->l1_min_shift)
		cpu->l1_one_size = false;
	if (cpu->tlb_ctx != cpu->l1_ctx)
		cpu->l1_one_ctx = false;
	s1r = res.s1_reads;
	s2r = res.s2_reads;
	s->c[SIM_C_WALKS]++;
	s->c[SIM_C_WALK_REFS] += s1r + s2r;
	s->c[SIM_C_WALK_S1_REFS] += s1r;
	s->c[SIM_C_WALK_S2_REFS] += s2r;
	s->c[SIM_C_WALK_WRITES] += res.writes;
	s->c[SIM_C_S1_SAVED] += res.s1_saved;
	s->c[SIM_C_S2_SAVED] += res.s2_saved;
	s->c[SIM_C_WALK_CYCLES] += cycles;
	s->c[SIM_C_TRANS_CYCLES] += cycles;
	stats_hist_add(&s->h_walk_refs, s1r + s2r);
	stats_hist_add(&s->h_walk_s1_refs, s1r);
	stats_hist_add(&s->h_walk_s2_refs, s2r);
	stats_hist_add(&s->h_walk_cycles, cycles);

	if (rc == 1) {
		/* The OS model mapped the page, so a fault here means the
		 * configuration forbids the access; count it, cache nothing. */
		s->c[SIM_C_WALK_FAULTS]++;
		return 0;
	}
	{
		struct tlb_fill f = {
			.ctx = tlb_ctx(cpu->regime, cpu->kind, cpu->mctx.vmid, cpu->mctx.asid,
				       res.global),
			.in_addr = va,
			.out_addr = res.oa,
			.shift = res.shift,
			/* A TLBI by VA must remove every piece of a stage-1
			 * block, however it was splintered. */
			.block_shift = res.s1_walked ? res.s1.shift : res.shift,
			.s1_level = (uint8_t)(res.s1_walked ? res.s1.level : 0),
			.s2_level = (uint8_t)(res.s2_walked ? res.s2.level : 0),
			.attrs = res.prot,
		};
		tlb_hier_fill(&cpu->tlbs, side, &f);
	}
	return 0;
}

static inline uint64_t l1memo_gen(const struct tlb *t)
{
	return t->st.c[TLB_C_FILL] + t->st.c[TLB_C_INVAL];
}

/* Remember that the first-level TLB @t hit @e for @page (see sim.h). */
static void l1memo_record(struct sim_l1memo *m, struct tlb *t, uint64_t ctx, uint64_t page,
			  const struct tlb_entry *e)
{
	for (unsigned i = 0; i < t->narr; i++) {
		struct tlb_sa *a = &t->arr[i];
		size_t n = (size_t)a->sets * a->ways;

		if (e >= a->e && e < a->e + n) {
			size_t idx = (size_t)(e - a->e);

			*m = (struct sim_l1memo){
				.e = e, .page = page, .ctx = ctx, .gen = l1memo_gen(t), .a = a,
				.set = (unsigned)(idx / a->ways), .way = (unsigned)(idx % a->ways),
			};
			return;
		}
	}
}

/*
 * A hit of @va in @t, the first-level TLB of @side, answered the way
 * tlb_lookup() would answer it but without probing: by the TLB's own
 * last-hit memo (through tlb_lookup(), which then takes that path), or by
 * the memo of sim.h, doing exactly what tlb_lookup_slow() does on a hit.
 * Return: true on such a hit; false when the caller must look up as usual
 * (*@m is then the slot to record a first-level hit in).
 */
static inline __attribute__((always_inline)) bool
l1_fast_hit(struct sim_cpu *s, struct tlb *t, enum tlb_side side, uint64_t va,
	    struct sim_l1memo **m)
{
	const struct tlb_memo *mo = &t->memo;
	uint64_t page;
	struct sim_l1memo *sl;

	if (mo->e && mo->ctx == s->tlb_ctx && !((va ^ mo->base) & mo->mask)) {
		tlb_lookup(t, s->tlb_ctx, va);
		return true;
	}
	page = va >> t->shift[0];
	sl = &s->l1memo[side][page & (SIM_L1MEMO - 1)];
	if (!sl->e || sl->page != page || sl->ctx != s->tlb_ctx) {
		*m = sl;
		return false;
	}
	if (sl->gen != l1memo_gen(t)) {
		struct tlb_match lm;

		/* Filled or invalidated since: with one entry size and one
		 * context, e is the only entry that can match the page (sim.h),
		 * so it is still the hit if it still matches. */
		tlb_match_lookup(&lm, s->tlb_ctx, va);
		if (!s->l1_one_size || !s->l1_one_ctx || !tlb_entry_matches(sl->e, &lm)) {
			sl->e = NULL;
			*m = sl;
			return false;
		}
		sl->gen = l1memo_gen(t);
	}
	t->st.c[TLB_C_LOOKUP]++;
	t->st.c[TLB_C_HIT]++;
	sl->a->repl->hit(sl->a->repl_state, sl->set, sl->way);
	if (t->memo_on) {
		t->memo.e = sl->e;
		t->memo.ctx = s->tlb_ctx;
		t->memo.mask = ~bits_low_mask(tlb_tag_shift(sl->e->tag));
		t->memo.base = va & t->memo.mask;
	}
	return true;
}

/*
 * tlb_hier_lookup() of @va when every first-level entry has the smallest
 * held size (l1_one_size, see sim.h), first level answered by one probe.
 * tlb_lookup_slow() probes one set per held size and returns the first
 * way that matches; an entry lives in the set of its own page, so with
 * every entry of size shift[0] only the probe of that size can match, and
 * the others, however many, find nothing.  The first-level lookup is thus
 * the probe of that one set, with the counting, replacement touch and
 * memo update of tlb_lookup_slow(); below a first-level miss the
 * hierarchy goes on as tlb_hier_lookup() would.
 */
static __attribute__((noinline)) bool
l1_lookup_one_size(struct sim_cpu *s, struct tlb *t, enum tlb_side side, uint64_t va,
		   struct tlb_hier_result *hr)
{
	struct tlb_sa *a = &t->arr[t->arr_of[0]];
	uint64_t set = (va >> t->shift[0]) & a->set_mask;
	struct tlb_match lm;
	int way;

	tlb_match_lookup(&lm, s->tlb_ctx, va);
	way = tlb_sa_probe(a, set, &lm);
	t->st.c[TLB_C_LOOKUP]++;
	if (way < 0) {
		t->st.c[TLB_C_MISS]++;
		t->memo.e = NULL;
		return tlb_hier_lookup_below(&s->tlbs, side, s->tlb_ctx, va, hr);
	}
	hr->entry = &tlb_sa_set(a, set)[way];
	hr->tlb = t;
	hr->depth = 0;
	hr->cycles = t->latency;
	hr->out_addr = tlb_entry_out_addr(hr->entry, va);
	t->st.c[TLB_C_HIT]++;
	a->repl->hit(a->repl_state, (unsigned)set, (unsigned)way);
	if (t->memo_on) {
		t->memo.e = hr->entry;
		t->memo.ctx = s->tlb_ctx;
		t->memo.mask = ~bits_low_mask(tlb_tag_shift(hr->entry->tag));
		t->memo.base = va & t->memo.mask;
	}
	return true;
}

static inline __attribute__((always_inline)) int
sim_translate(struct sim_cpu *cpu, enum tlb_side side, uint64_t va, struct mmu_access acc,
	      struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct tlb_hier_result hr;
	struct tlb *t = cpu->l1[side];
	struct sim_l1memo *m = NULL;

	s->c[SIM_C_TRANSLATIONS]++;
	if (t && l1_fast_hit(cpu, t, side, va, &m)) {
		s->c[SIM_C_TLB_CYCLES] += t->latency;
		s->c[SIM_C_TRANS_CYCLES] += t->latency;
		return 0;
	}
	if (m && cpu->l1_one_size ? l1_lookup_one_size(cpu, t, side, va, &hr) :
	    tlb_hier_lookup(&cpu->tlbs, side, cpu->tlb_ctx, va, &hr)) {
		if (m && hr.depth == 0)
			l1memo_record(m, t, cpu->tlb_ctx, va >> t->shift[0], hr.entry);
		s->c[SIM_C_TLB_CYCLES] += hr.cycles;
		s->c[SIM_C_TRANS_CYCLES] += hr.cycles;
		return 0;
	}
	s->c[SIM_C_TLB_CYCLES] += hr.cycles;
	s->c[SIM_C_TRANS_CYCLES] += hr.cycles;
	return sim_walk(cpu, side, va, acc, err);
}

/* Apply a TLBI selection to every structure of @cpu; @last_level: leave
 * the walk caches alone. */
static void cpu_invalidate(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level)
{
	tlb_hier_invalidate(&cpu->tlbs, m);
	if (!last_level) {
		if (cpu->have_wc_s1)
			wc_invalidate(&cpu->wc_s1, m);
		if (cpu->have_wc_s2)
			wc_invalidate(&cpu->wc_s2, m);
	}
	if (cpu->have_s2tlb)
		tlb_invalidate(&cpu->s2tlb, m);
}

static int sim_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err)
{
	struct sim *s = cpu->sim;

	s->c[SIM_C_CONTROL]++;
	if (r->kind == TRACE_TLBI) {
		struct tlbi_args a = {
			.regime = tlbi_target_regime((enum tlbi_op)r->tlbi.op, false, false),
			.vmid = cpu->mctx.vmid, .asid = r->tlbi.asid, .addr = r->va,
		};
		struct tlb_match m;
		int rc = tlbi_match((enum tlbi_op)r->tlbi.op, &a, &m, err);

		if (rc)
			return rc;
		s->c[SIM_C_TLBI]++;
		cpu_invalidate(cpu, &m, tlbi_is_last_level((enum tlbi_op)r->tlbi.op));
	}
	/* Context and VM switches need several address spaces: a single-space
	 * replay counts them and carries on. */
	return 0;
}

/* One memory access, through the full path. */
static inline __attribute__((always_inline)) int
sim_access(struct sim_cpu *cpu, const struct trace_rec *r, uint64_t page_mask, uint64_t page_size,
	   struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct mmu_access acc;
	enum tlb_side side;
	uint64_t va, last, walks;
	bool first_walked;
	int rc;

	s->c[SIM_C_ACCESSES]++;
	side = r->kind == TRACE_FETCH ? TLB_SIDE_INSTR : TLB_SIDE_DATA;
	acc.type = (enum mmu_acc_type)r->kind;
	acc.el = cpu->el;
	va = r->va;
	walks = s->c[SIM_C_WALKS];
	if ((rc = sim_translate(cpu, side, va, acc, err)))
		return rc;
	/* Page-crossing accesses: every further page the access
	 * touches, lowest first. */
	last = r->size ? va + r->size - 1 : va;
	if (!((last ^ va) & page_mask) || last < va)
		return 0;
	s->c[SIM_C_CROSSINGS]++;
	if (s->cfg.run.crossing != CFG_CROSSING_SPLIT)
		return 0;
	first_walked = s->c[SIM_C_WALKS] != walks;
	walks = s->c[SIM_C_WALKS];
	for (va = (va & page_mask) + page_size; va && va <= last; va += page_size)
		if ((rc = sim_translate(cpu, side, va, acc, err)))
			return rc;
	/* A simulator that counts at most one miss per access (a cache
	 * whose block is a page) reports exactly these fewer misses. */
	if (first_walked && s->c[SIM_C_WALKS] != walks)
		s->cross_walked_twice[side]++;
	return 0;
}

/* One trace record, through the full path.  The warmup snapshot is taken
 * once the run.warmup-th access has been completely simulated, so the
 * statistics cover exactly the accesses after it. */
static inline __attribute__((always_inline)) int
sim_step_one(struct sim_cpu *cpu, const struct trace_rec *r, uint64_t page_mask,
	     uint64_t page_size, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	int rc;

	if (!trace_is_access(r))
		return sim_control(cpu, r, err);
	rc = sim_access(cpu, r, page_mask, page_size, err);
	if (s->warmup_left && !--s->warmup_left)
		stats_snapshot(&s->reg);
	return rc;
}

/*
 * Fast path (run.fast_path): replay recs[i..n) while every record is an
 * access within one page that the first-level TLB's own last-hit memo
 * answers.  Such an access does nothing but count: the access, the
 * translation, a lookup and a hit of the first-level TLB, and its latency
 * (tlb_lookup() and sim_translate() do exactly that on a memo hit, and
 * change no memo).  As nothing else runs meanwhile, the two memos are read
 * once and the counts are added at the end, before any other code can read
 * them; the run stops one access before the warmup snapshot.
 * Return: the index of the first record left for sim_step_one().
 */
static size_t sim_fast_run(struct sim_cpu *cpu, const struct trace_rec *recs, size_t i, size_t n,
			   uint64_t page_mask)
{
	struct sim *s = cpu->sim;
	uint64_t base[2], mask[2], hits[2] = { 0, 0 }, count;
	bool ok[2];
	size_t start = i, end = n;

	for (int side = 0; side < 2; side++) {
		const struct tlb *t = cpu->l1[side];

		ok[side] = t && t->memo.e && t->memo.ctx == cpu->tlb_ctx;
		base[side] = ok[side] ? t->memo.base : 0;
		mask[side] = ok[side] ? t->memo.mask : 0;
	}
	if (!ok[0] && !ok[1])
		return i;
	if (s->warmup_left && s->warmup_left - 1 < n - i)
		end = i + (size_t)(s->warmup_left - 1);
	for (; i < end; i++) {
		const struct trace_rec *r = &recs[i];
		uint64_t va = r->va, last = r->size ? va + r->size - 1 : va;
		unsigned side;

		if (r->kind > TRACE_FETCH)
			break;
		side = r->kind == TRACE_FETCH ? TLB_SIDE_INSTR : TLB_SIDE_DATA;
		if (((last ^ va) & page_mask) || !ok[side] || ((va ^ base[side]) & mask[side]))
			break;
		hits[side]++;
	}
	count = (uint64_t)(i - start);
	if (!count)
		return i;
	if (s->warmup_left)
		s->warmup_left -= count;
	s->c[SIM_C_ACCESSES] += count;
	s->c[SIM_C_TRANSLATIONS] += count;
	for (int side = 0; side < 2; side++) {
		struct tlb *t = cpu->l1[side];

		if (!hits[side])
			continue;
		t->st.c[TLB_C_LOOKUP] += hits[side];
		t->st.c[TLB_C_HIT] += hits[side];
		s->c[SIM_C_TLB_CYCLES] += hits[side] * t->latency;
		s->c[SIM_C_TRANS_CYCLES] += hits[side] * t->latency;
	}
	return i;
}

int sim_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err)
{
	const uint64_t page_mask = ~bits_low_mask(s->page_shift);
	const uint64_t page_size = UINT64_C(1) << s->page_shift;
	const bool fast = s->cfg.run.fast_path;
	struct sim_cpu *cpu = &s->cpu[0];
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (fast) {
			i = sim_fast_run(cpu, recs, i, n, page_mask);
			if (i == n)
				break;
		}
		if ((rc = sim_step_one(cpu, &recs[i], page_mask, page_size, err))) {
			s->step_failed_at = i;
			return rc;
		}
	}
	return 0;
}
