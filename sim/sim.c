/* sim/sim.c - the replay engine; see sim/sim.h. */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/desc.h"
#include "mmu/geom.h"
#include "workloads/asid.h"
#include "sim/bits.h"
#include "tlb/tlbi.h"
#include "workloads/gen.h"
#include "workloads/workload.h"

/* Workload runs (the end of this file). */
static int wl_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err);
static int wl_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err);
static void wl_sync_stats(struct sim *s);
static void wl_set_huge(struct sim *s, const struct os_proc *p);
static void wl_set_huge_vm(struct sim *s, const struct os_vm *vm);
static void wl_destroy(struct sim *s);

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
	struct tlb_hier_config hc = { .ntlbs = ct->nlevels, .tlbs = t, .memo = s->cfg.run.fast_path };

	memset(t, 0, sizeof(t));
	for (unsigned i = 0; i < ct->nlevels; i++) {
		const struct cfg_tlb_level *cl = &ct->level[i];
		struct tlb_geom *g = &t[i].geom;

		/* a miss goes where next says (cfg_validate() checked it) */
		t[i].next = cl->next[0] ? cfg_tlb_find(ct, cl->next) : TLB_HIER_WALK;
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

/* @workload: apply [policy] kernel_global to the host kernel. */
static int build_os(struct sim *s, bool workload, struct sim_error *err)
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
			.kernel_ng = workload && !c->policy.kernel_global,
			.hw_af = c->stage1.ha,
			.fault_around = c->stage1.fault_around,
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
			.s2_hw_af = c->stage2.ha,
			.guest = {
				.granule_shift = c->stage1.granule_shift,
				.va_bits = c->stage1.ia_bits,
				.policy = map_policy(c->stage1.blocks),
				.oa_bits = c->stage1.pa_bits,
				.hw_af = c->stage1.ha,
				.fault_around = c->stage1.fault_around,
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
	/* A page, for run.crossing, is the smallest mapping a TLB entry can
	 * describe: with every page mapped by a block (the one-level preset's
	 * page = 2m), an access within one block is one lookup. */
	s->page_shift = cfg_min_page_shift(c);
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

/* The counters of TLB @i, the walk caches and the stage-2 TLB as
 * registered: CPU 0's own, or (several CPUs) their sums, kept by
 * wl_sync_stats(). */
static const uint64_t *tlb_counters(const struct sim *s, unsigned i);
static const uint64_t *wc_counters(const struct sim *s, int stage);
static const uint64_t *s2tlb_counters(const struct sim *s);
static int register_wl_stats(struct sim *s, struct sim_error *err);

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
		if ((rc = stats_register(r, prefix, tlb_counter_names, tlb_counters(s, i),
					 TLB_C__COUNT, err)))
			return rc;
	}
	/* Structures a configuration can leave out are registered all the same
	 * (as absent blocks, reading 0): every run has the same columns. */
	if ((rc = stats_register(r, "walkcache.s1", wc_counter_names,
				 cpu->have_wc_s1 ? wc_counters(s, 1) : NULL, WC_C__COUNT, err)) ||
	    (rc = stats_register(r, "walkcache.s2", wc_counter_names,
				 cpu->have_wc_s2 ? wc_counters(s, 2) : NULL, WC_C__COUNT, err)) ||
	    (rc = stats_register(r, "s2tlb", tlb_counter_names,
				 cpu->have_s2tlb ? s2tlb_counters(s) : NULL, TLB_C__COUNT, err)))
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
		     bool workload, struct sim_error *err)
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
	return build_os(s, workload, err);
}

int sim_create(struct sim **sp, const struct sim_config *cfg, struct sim_error *err)
{
	struct sim *s;
	int rc;

	if ((rc = sim_alloc(&s, cfg, 1, false, err)) ||
	    (rc = build_cpu(s, 0, (unsigned)BIT(cfg->stage2.granule_shift), err)) ||
	    (rc = build_single_space(s, err)) || (rc = register_stats(s, err)) ||
	    (rc = register_wl_stats(s, err)))
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
	wl_destroy(s);
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

	/* The OS model reads huge_fraction at each stage-2 mapping decision:
	 * a workload's VM may have its own. */
	if (s->wl) {
		wl_set_huge(s, cpu->proc);
		/* a workload's record in the kernel half is a kernel access */
		if (!acc.el && (va >> 55 & 1))
			acc.el = 1;
	}
	rc = os_fault(&s->os, cpu->proc, va, acc.type, NULL, err);
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
	if (tlb_hier_lookup(&cpu->tlbs, side, cpu->tlb_ctx, va, &hr)) {
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

	if (s->wl)
		return wl_control(cpu, r, err);
	/* One address space: a switch to another needs the multi-space model
	 * (sim.h), but with stage 1 off the processes of a VM share its IPA
	 * space and VMID, so a context switch changes nothing. */
	if (r->kind == TRACE_VM_SWITCH ||
	    (r->kind == TRACE_CTX_SWITCH && s->cfg.run.mode != CFG_MODE_S2ONLY))
		return SIM_STEP_SPACES;
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
	if (s->warmup_left && !--s->warmup_left) {
		wl_sync_stats(s);
		stats_snapshot(&s->reg);
	}
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

/* Replay recs[0..n) on @cpu; on failure *@failed_at is the record's index. */
static int cpu_replay(struct sim_cpu *cpu, const struct trace_rec *recs, size_t n,
		      size_t *failed_at, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	const uint64_t page_mask = ~bits_low_mask(s->page_shift);
	const uint64_t page_size = UINT64_C(1) << s->page_shift;
	const bool fast = s->cfg.run.fast_path;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (fast) {
			i = sim_fast_run(cpu, recs, i, n, page_mask);
			if (i == n)
				break;
		}
		if ((rc = sim_step_one(cpu, &recs[i], page_mask, page_size, err))) {
			*failed_at = i;
			return rc;
		}
	}
	return 0;
}

int sim_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err)
{
	size_t at = 0;
	int rc;

	if (!s->wl)
		return (rc = cpu_replay(&s->cpu[0], recs, n, &at, err)) ? (s->step_failed_at = at, rc) : 0;
	rc = wl_step(s, recs, n, err);
	wl_sync_stats(s);
	return rc;
}

/* ==== workload runs ==================================================== */

/*
 * A workload run (sim_create_workload()) has several CPUs, the host and
 * VMs, and processes scheduled on the CPUs or switched to by trace
 * records.  The model, in the order things happen on a CPU:
 *
 *  - Spaces.  Every process is a struct sim_space: an os_proc in its VM (or
 *    on the host) with the id word its ASID allocator keeps for it.  Trace
 *    records name spaces by (VM id, process id); unknown ones are created
 *    on first use with the configuration's defaults.
 *  - Switching to a space (the scheduler, or a context- or VM-switch
 *    record): leaving a guest for the host or another VM is a world switch
 *    (KVM's vcpu_put: the CPU's active VMID stops being reserved); entering
 *    a VM first switches the host to the VM's VMM process (host ASID
 *    allocator), then enters the guest (VMID allocator, every entry), then
 *    the guest OS switches to the process (the VM's ASID allocator).  A
 *    switch between processes of the VM that is loaded is the guest's
 *    business only.  Every allocator flush is applied at once: a local
 *    TLBI VMALLE1 of the allocator's contexts, or the VMID rollover's
 *    ALLE1 on every CPU.
 *  - Policies ([policy]): without VMID tagging every context has VMID 0;
 *    with global kernel mappings every world switch then flushes every TLB
 *    and walk cache of the CPU, with non-global ones the host and the
 *    guests share the host's ASID allocator and only the stage-2 TLB and
 *    walk cache are flushed when the CPU changes VM.  Without VHE the host
 *    runs in EL1&0 with VMID 0 and exit handlers in the EL2 regime, with
 *    the hypervisor's own mappings; with VHE the host runs in EL2&0 and
 *    handles exits there, in the context of the VM's VMM process, through
 *    the host kernel's mappings (the handler's data is kernel data).
 *  - A VM exit (every exit_every guest accesses of a CPU): world switch to
 *    the host, the hypervisor's handler (exit_accesses over [host]
 *    hyp_footprint), the host kernel's part (exit_host_accesses over the
 *    host kernel), and the guest entry back.
 *  - A system call (every syscall_every accesses of a process):
 *    syscall_accesses over its kernel's footprint, in the kernel half
 *    (TTBR1), in the process's context, at EL1.
 *  - A page invalidation (every tlbi_every accesses of a process): TLBI
 *    VALE1IS of the page of its last data access, in its context.
 *  - Maintenance that must reach every CPU is one broadcast TLBI or, with
 *    tlbi_scope = local, a local TLBI on each CPU and an IPI to each other
 *    CPU; every TLBI is priced ([policy] *_cycles) into maintenance.cycles
 *    and translation_cycles.
 *  - Scheduling: each CPU runs its run queue round-robin, switching after
 *    quantum accesses of the current process (not when it is alone); the
 *    CPUs take turns of `slice` accesses; a process whose source ends
 *    leaves the queue.  A system call or an exit is a handler that runs in
 *    the same turns (so it counts against the slice and [workload]
 *    accesses, and can be cut short by the latter).  The VMM processes,
 *    the hypervisor's address space and the kernel streams are the
 *    model's own, not processes of the workload.
 *  - Driven by records instead (sim_step()), each record runs on the CPU
 *    it names; a CPU runs the workload's first process until its first
 *    switch record; the scheduler and the periodic events do not run.
 *  - A record in the kernel half (VA bit 55) is a kernel access (EL1).
 */

#define WL_BUF 512              /* records buffered per task */
#define WL_HBUF 256             /* handler records per batch */

struct sim_space;

struct sim_vm {
	struct os_vm *ovm;
	const struct wl_vm *w;          /* NULL: the host, or created on demand */
	char name[WL_NAME_MAX];
	uint32_t id;                    /* number in VM-switch records; 0 = host */
	bool guest;                     /* runs under stage 2 */
	uint64_t vmid_word;             /* the VMID allocator's id word */
	uint16_t vmid;                  /* the tag of its entries */
	struct asid_alloc *asids;       /* allocator of its processes' ASIDs */
	struct sim_space **spaces;
	size_t nspaces, spaces_cap;
	struct sim_space *vmm;          /* guests: the host process of its VMM */
	uint64_t exit_every, exit_accesses, exit_host_accesses;
	struct wl_kstream kernel;
	uint64_t kernel_base;           /* VA of its kernel footprint */
	struct gen **kgen;              /* per CPU: its kernel's access stream */
};

struct sim_space {
	struct os_proc *proc;
	struct sim_vm *vm;
	uint32_t id;
	uint64_t asid_word;             /* the ASID allocator's id word */
	uint16_t asid;                  /* the ASID it last ran with */
};

struct sim_task {
	const char *name;               /* the process's name */
	const char *file;               /* its trace, or NULL */
	struct sim_space *home, *cur;   /* its process, and what its records switched to */
	struct trace_reader *rd;
	struct gen *g;
	struct trace_rec *buf;
	size_t pos, len;
	uint64_t records;               /* records consumed */
	uint64_t syscall_every, syscall_accesses, syscall_left;
	uint64_t tlbi_every, tlbi_left;
	uint64_t last_va;               /* its last data access (0: none yet) */
	bool done;
};

struct sim_wcpu {
	struct sim_task **rq;           /* its run queue */
	size_t nrq, cur;
	uint64_t quantum, quantum_left;
	struct sim_space *running;      /* the space its user context runs */
	struct sim_vm *loaded;          /* the guest whose vCPU is loaded, or NULL */
	struct sim_vm *s2_vm;           /* no VMID tagging: the VM its stage-2 entries are of */
	uint64_t exit_left;             /* guest accesses until the next exit */
	bool kicked;                    /* old VMID scheme: must re-enter its guest */
	enum { H_NONE, H_SYSCALL, H_EXIT_HYP, H_EXIT_HOST } hstate;  /* handler running */
	uint64_t hleft;                 /* its accesses to go */
	struct gen *hgen;               /* its stream */
	struct gen *hyp_gen;            /* the exit handler's stream */
	struct trace_rec *hbuf;
};

#define WL_EVENTS(X) \
	X(CTX, "context_switches")      /* a CPU changed address space */ \
	X(WORLD, "world_switches")      /* guest -> host or host -> guest */ \
	X(EXITS, "vm_exits") \
	X(KICKS, "vm_kicks")            /* forced re-entries (old VMID scheme) */ \
	X(SYSCALLS, "syscalls") \
	X(PAGE_TLBI, "page_invalidations")

enum { WL_EVENTS_X_START = -1,
#define X(id, name) WL_E_##id,
	WL_EVENTS(X)
#undef X
	WL_E__COUNT };

#define WL_MAINT(X) \
	X(LOCAL, "local_tlbis")         /* TLBIs performed on one CPU */ \
	X(BCAST, "broadcast_tlbis")     /* inner-shareable TLBIs issued */ \
	X(IPI, "ipis") \
	X(WORLD_FLUSH, "world_switch_flushes") \
	X(S2_FLUSH, "stage2_flushes") \
	X(ASID_FLUSH, "asid_rollover_flushes") \
	X(VMID_FLUSH, "vmid_rollover_flushes") \
	X(CYCLES, "cycles")

enum { WL_MAINT_X_START = -1,
#define X(id, name) WL_M_##id,
	WL_MAINT(X)
#undef X
	WL_M__COUNT };

static const char *const wl_event_names[WL_E__COUNT] = {
#define X(id, name) [WL_E_##id] = name,
	WL_EVENTS(X)
#undef X
};

static const char *const wl_maint_names[WL_M__COUNT] = {
#define X(id, name) [WL_M_##id] = name,
	WL_MAINT(X)
#undef X
};

struct sim_wl {
	struct workload *w;             /* the caller's (borrowed), or @owned */
	struct workload *owned;         /* a single trace's (sim_create_spaces()) */
	bool traced;                    /* a single trace's run: one CPU, records only */
	bool s2only;                    /* run.mode = s2only (traced runs only) */
	uint64_t limit;                 /* [workload] accesses */
	uint64_t slice;
	bool native, vhe, tagging, kernel_global;
	struct sim_vm **vms;            /* [0] is the host */
	size_t nvms, vms_cap;
	struct sim_space *hyp;          /* without VHE: the EL2 regime's space */
	uint64_t hyp_base;
	struct wl_kstream hyp_stream;
	struct asid_alloc host_asids, vmids;
	bool have_vmids;
	struct sim_wcpu *cpu;
	struct sim_task *tasks;
	size_t ntasks;
	uint64_t ev[WL_E__COUNT];
	uint64_t maint[WL_M__COUNT];
	/* sums over CPUs and VMs, registered when there are several */
	uint64_t (*tlb_sum)[TLB_C__COUNT];
	uint64_t wc_s1_sum[WC_C__COUNT], wc_s2_sum[WC_C__COUNT], s2tlb_sum[TLB_C__COUNT];
	uint64_t guest_asid_sum[ASID_C__COUNT];
	double *huge;                   /* stage-2 huge fraction by os_vm id
					 * (the host's, 0, unused) */
	size_t nhuge;
};

/* ---- maintenance ---- */

static void charge(struct sim *s, uint64_t cycles)
{
	s->c[SIM_C_TRANS_CYCLES] += cycles;
	s->wl->maint[WL_M_CYCLES] += cycles;
}

/* A TLBI performed on @cpu alone. */
static void maint_local(struct sim_cpu *cpu, const struct tlb_match *m, bool last_level)
{
	struct sim *s = cpu->sim;

	cpu_invalidate(cpu, m, last_level);
	s->wl->maint[WL_M_LOCAL]++;
	charge(s, s->cfg.policy.tlbi_local_cycles);
}

/* A TLBI that must reach every CPU, issued by @issuer ([policy] tlbi_scope). */
static void maint_all(struct sim_cpu *issuer, const struct tlb_match *m, bool last_level)
{
	struct sim *s = issuer->sim;
	const struct cfg_policy *p = &s->cfg.policy;

	if (p->tlbi_scope == CFG_TLBI_BROADCAST) {
		for (unsigned i = 0; i < s->ncpus; i++)
			cpu_invalidate(&s->cpu[i], m, last_level);
		s->wl->maint[WL_M_BCAST]++;
		charge(s, p->tlbi_broadcast_cycles);
		return;
	}
	for (unsigned i = 0; i < s->ncpus; i++) {
		maint_local(&s->cpu[i], m, last_level);
		if (&s->cpu[i] != issuer) {
			s->wl->maint[WL_M_IPI]++;
			charge(s, p->ipi_cycles);
		}
	}
}

static void match_everything(struct tlb_match *m)
{
	*m = (struct tlb_match){
		.tag = TLB_TAG_VALID, .tag_mask = TLB_TAG_VALID, .addr_mask = 0,
		.block_sel = TLB_MATCH_BLOCK,
	};
}

/* Stage-2-only entries of VMID 0 (the stage-2 TLB and walk cache without
 * VMID tagging). */
static void match_stage2(struct tlb_match *m)
{
	*m = (struct tlb_match){
		.tag = TLB_TAG_VALID | TLB_TAG_KIND_S2,
		.tag_mask = TLB_TAG_VALID | TLB_TAG_KIND_S2,
		.addr_mask = 0, .block_sel = TLB_MATCH_BLOCK,
	};
}

/* The stage-1 regime a host context runs in. */
static enum mmu_regime host_regime(const struct sim_wl *w)
{
	return w->vhe && !w->native ? MMU_REGIME_EL20 : MMU_REGIME_EL10;
}

/* After an ASID rollover: the local TLBI VMALLE1 of every context that
 * takes its ASIDs from @a. */
static void asid_rollover_flush(struct sim_cpu *cpu, const struct asid_alloc *a)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct tlb_match m;

	s->wl->maint[WL_M_ASID_FLUSH]++;
	if (a == &w->host_asids) {
		tlbi_match_vmalle1(&m, host_regime(w), 0);
		maint_local(cpu, &m, false);
		if (!w->tagging && !w->kernel_global)
			/* shared with every guest, all of VMID 0 */
			for (size_t i = 1; i < w->nvms; i++)
				if (w->vms[i]->asids == a && host_regime(w) != MMU_REGIME_EL10) {
					tlbi_match_vmalle1(&m, MMU_REGIME_EL10, 0);
					maint_local(cpu, &m, false);
					break;
				}
		return;
	}
	for (size_t i = 1; i < w->nvms; i++)
		if (w->vms[i]->asids == a) {
			tlbi_match_vmalle1(&m, MMU_REGIME_EL10, w->vms[i]->vmid);
			maint_local(cpu, &m, false);
			return;
		}
}

/* ---- spaces and VMs ---- */

static int push(void *arrp, size_t *n, size_t *cap, void *item)
{
	void ***arr = arrp;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void **q = realloc(*arr, nc * sizeof(**arr));

		if (!q)
			return SIM_E_NOMEM;
		*arr = q;
		*cap = nc;
	}
	(*arr)[(*n)++] = item;
	return 0;
}

/* A process of @vm with id @id; @listed: one records can name (not a
 * VMM). */
static int space_new(struct sim *s, struct sim_vm *vm, uint32_t id, bool listed,
		     struct sim_space **out, struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	struct os_proc_cfg pc = { .regime = vm->guest ? MMU_REGIME_EL10 : host_regime(w) };
	struct sim_space *sp = calloc(1, sizeof(*sp));
	int rc;

	if (!sp)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if (listed && push(&vm->spaces, &vm->nspaces, &vm->spaces_cap, sp)) {
		free(sp);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	*out = sp;
	sp->vm = vm;
	sp->id = id;
	/* creating the process maps its first table in stage 2 */
	if (vm->guest)
		wl_set_huge_vm(s, vm->ovm);
	if ((rc = os_proc_create(&s->os, vm->guest ? vm->ovm : NULL, &pc, &sp->proc, err)))
		return rc;
	return 0;
}

static int space_create(struct sim *s, struct sim_vm *vm, uint32_t id, struct sim_space **out,
			struct sim_error *err)
{
	return space_new(s, vm, id, true, out, err);
}

static struct sim_space *space_find(const struct sim_vm *vm, uint32_t id)
{
	for (size_t i = 0; i < vm->nspaces; i++)
		if (vm->spaces[i]->id == id)
			return vm->spaces[i];
	return NULL;
}

static struct sim_vm *vm_find(const struct sim_wl *w, uint32_t id)
{
	for (size_t i = 0; i < w->nvms; i++)
		if (w->vms[i]->id == id)
			return w->vms[i];
	return NULL;
}

/* Where the kernel half starts: the lowest TTBR1 address. */
static uint64_t kernel_half_base(unsigned va_bits)
{
	return ~UINT64_C(0) << va_bits;
}

static int kgen_create(struct sim *s, const struct wl_kstream *k, uint64_t base, uint64_t seed,
		       struct gen **g, struct sim_error *err)
{
	struct gen_params p;

	gen_params_init(&p);
	p.pattern = k->pattern;
	p.seed = seed;
	p.accesses = 0;
	p.base = base;
	p.footprint = k->footprint;
	p.write_frac = 0.3;
	(void)s;
	return gen_create(g, &p, err);
}

/* A VM (or, @wv NULL and @id 0, the host) with its kernel streams. */
static int vm_create(struct sim *s, const struct wl_vm *wv, uint32_t id, struct sim_vm **out,
		     struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	const struct sim_config *c = &s->cfg;
	struct sim_vm *vm = calloc(1, sizeof(*vm));
	int rc;

	if (!vm || push(&w->vms, &w->nvms, &w->vms_cap, vm)) {
		free(vm);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	vm->w = wv;
	vm->id = id;
	if (wv)
		snprintf(vm->name, sizeof(vm->name), "%s", wv->name);
	else if (id)
		snprintf(vm->name, sizeof(vm->name), "vm%u", (unsigned)id);
	else
		snprintf(vm->name, sizeof(vm->name), "host");
	vm->guest = id && !w->native;
	vm->kernel = id ? (struct wl_kstream){ .footprint = UINT64_C(8) << 20, .pattern = GEN_ZIPF }
			: w->w->host_kernel;
	if (wv) {
		vm->kernel = wv->kernel;
		vm->exit_every = wv->exit_every;
		vm->exit_accesses = wv->exit_accesses;
		vm->exit_host_accesses = wv->exit_host_accesses;
	}
	vm->asids = &w->host_asids;
	if (vm->guest) {
		struct os_vm_cfg vc = {
			.s2_granule_shift = wv && wv->granule_shift ? wv->granule_shift
								   : c->stage2.granule_shift,
			.ipa_bits = wv && wv->ipa_bits ? wv->ipa_bits : c->stage2.ia_bits,
			.s2_policy = map_policy(wv && wv->blocks != WL_UNSET ? (enum cfg_blocks)wv->blocks
								: c->stage2.blocks),
			.s2_hw_af = c->stage2.ha,
			.s2_only = w->s2only,
			.guest = {
				.granule_shift = c->stage1.granule_shift,
				.va_bits = c->stage1.ia_bits,
				.policy = map_policy(c->stage1.blocks),
				.kernel_ng = !c->policy.kernel_global,
				.oa_bits = c->stage1.pa_bits,
				.hw_af = c->stage1.ha,
				.fault_around = c->stage1.fault_around,
			},
		};
		int sl = wv && wv->start_level != WL_UNSET ? wv->start_level : c->stage2.start_level;
		struct asid_alloc_cfg ac = { .kind = ASID_KIND_ASID, .bits = c->policy.asid_bits,
					     .ncpus = s->ncpus };

		vc.s2_start_forced = sl != CFG_LEVEL_AUTO;
		vc.s2_start_level = sl;
		/* The OS model's huge_fraction is machine-wide and read at each
		 * stage-2 mapping: set the VM's before anything maps (creating
		 * the VM maps its kernel's first table). */
		s->os.cfg.huge_fraction = wv && wv->huge_ppm != UINT32_MAX ?
			(double)wv->huge_ppm / CFG_PPM_ONE : (double)c->stage2.huge_ppm / CFG_PPM_ONE;
		if ((rc = os_vm_create(&s->os, &vc, &vm->ovm, err)))
			return rc;
		if (vm->ovm->id >= w->nhuge) {
			double *q = realloc(w->huge, (vm->ovm->id + 1) * sizeof(*q));

			if (!q)
				return sim_error_set(err, SIM_E_NOMEM, "out of memory");
			for (size_t i = w->nhuge; i <= vm->ovm->id; i++)
				q[i] = (double)c->stage2.huge_ppm / CFG_PPM_ONE;
			w->huge = q;
			w->nhuge = vm->ovm->id + 1;
		}
		w->huge[vm->ovm->id] = s->os.cfg.huge_fraction;
		if (w->tagging || w->kernel_global) {
			vm->asids = calloc(1, sizeof(*vm->asids));
			if (!vm->asids)
				return sim_error_set(err, SIM_E_NOMEM, "out of memory");
			if ((rc = asid_alloc_init(vm->asids, &ac, err))) {
				free(vm->asids);
				vm->asids = &w->host_asids;
				return rc;
			}
		}
		/* the VMM is the model's own process, not one records can name */
		if ((rc = space_new(s, w->vms[0], 0, false, &vm->vmm, err)))
			return rc;
	} else {
		vm->ovm = s->os.host;
	}
	vm->kernel_base = kernel_half_base(c->stage1.ia_bits);
	if (vm->kernel.footprint > UINT64_C(1) << (c->stage1.ia_bits - 1))
		return sim_error_set(err, SIM_E_CONFIG, "%s: kernel_footprint 0x%llx does not fit "
				     "the kernel's %u-bit VA range", vm->name,
				     (unsigned long long)vm->kernel.footprint, c->stage1.ia_bits - 1);
	vm->kgen = calloc(s->ncpus, sizeof(*vm->kgen));
	if (!vm->kgen)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	*out = vm;
	return 0;
}

/* CPU @cpu's stream of @vm's kernel, created on first use. */
static int vm_kgen(struct sim *s, struct sim_vm *vm, unsigned cpu, struct gen **g,
		   struct sim_error *err)
{
	int rc;

	if (!vm->kgen[cpu] &&
	    (rc = kgen_create(s, &vm->kernel, vm->kernel_base,
			      s->wl->w->seed * 7919 + vm->id * 131 + cpu + 1, &vm->kgen[cpu], err)))
		return rc;
	*g = vm->kgen[cpu];
	return 0;
}

/* The VM's own space @id, created on first use. */
static int space_get(struct sim *s, struct sim_vm *vm, uint32_t id, struct sim_space **out,
		     struct sim_error *err)
{
	*out = space_find(vm, id);
	return *out ? 0 : space_create(s, vm, id, out, err);
}

static int vm_get(struct sim *s, uint32_t id, struct sim_vm **out, struct sim_error *err)
{
	*out = vm_find(s->wl, id);
	return *out ? 0 : vm_create(s, NULL, id, out, err);
}

/* ---- switching ---- */

/* The context @cpu runs @sp in: its regime, ASID, VMID. */
static void enter_context(struct sim_cpu *cpu, struct sim_space *sp, uint8_t el)
{
	cpu_set_context(cpu, sp->proc, sp->asid, sp->vm->guest ? sp->vm->vmid : 0, sp->vm->guest,
			el);
}

/* An ASID switch of @cpu to @sp through its allocator, with its flush. */
static int asid_to(struct sim_cpu *cpu, struct sim_space *sp, struct sim_error *err)
{
	struct asid_switch_result r;
	int rc = asid_switch(sp->vm->asids, cpu->index, &sp->asid_word, &r);

	if (rc)
		return sim_error_set(err, rc, "ASID allocator: cannot switch CPU %u", cpu->index);
	sp->asid = r.asid;
	if (r.flush)
		asid_rollover_flush(cpu, sp->vm->asids);
	return 0;
}

/* A world switch of @cpu between a guest and the host, in either
 * direction; @vm is the guest entered, or NULL when leaving one. */
static void world_switch(struct sim_cpu *cpu, struct sim_vm *vm)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct tlb_match m;

	w->ev[WL_E_WORLD]++;
	if (w->tagging)
		return;
	if (w->kernel_global) {
		/* nothing tells the guest's entries from the host's */
		match_everything(&m);
		maint_local(cpu, &m, false);
		w->maint[WL_M_WORLD_FLUSH]++;
	} else if (vm && wc->s2_vm != vm) {
		/* stage 1 is kept apart by ASID; stage 2 is not */
		match_stage2(&m);
		maint_local(cpu, &m, false);
		w->maint[WL_M_S2_FLUSH]++;
		wc->s2_vm = vm;
	}
}

/* KVM's guest entry on @cpu: the VMID allocator (every entry), then the
 * world switch. */
static int guest_entry(struct sim_cpu *cpu, struct sim_vm *vm, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];

	if (w->have_vmids) {
		struct asid_switch_result r;
		int rc = asid_switch(&w->vmids, cpu->index, &vm->vmid_word, &r);

		if (rc)
			return sim_error_set(err, rc, "VMID allocator: cannot switch CPU %u",
					     cpu->index);
		vm->vmid = r.asid;
		if (r.flush) {
			struct tlb_match m;

			tlbi_match_alle1(&m);
			maint_all(cpu, &m, false);
			w->maint[WL_M_VMID_FLUSH]++;
		}
		if (r.kick_all)
			for (unsigned i = 0; i < s->ncpus; i++)
				if (i != cpu->index && w->cpu[i].loaded)
					w->cpu[i].kicked = true;
	}
	wc->kicked = false;
	world_switch(cpu, vm);
	return 0;
}

/* Leave the loaded guest (KVM's vcpu_put) for the host. */
static void guest_leave(struct sim_cpu *cpu)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];

	if (!wc->loaded)
		return;
	if (w->have_vmids && !w->vmids.cfg.old_vmid_scheme)
		asid_put(&w->vmids, cpu->index);
	world_switch(cpu, NULL);
	wc->loaded = NULL;
}

/* Make @cpu run @sp (user context). */
static int switch_to(struct sim_cpu *cpu, struct sim_space *sp, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	if (wc->running == sp)
		return 0;
	w->ev[WL_E_CTX]++;
	if (sp->vm->guest) {
		if (wc->loaded != sp->vm) {
			guest_leave(cpu);
			/* the host runs the VMM's vCPU thread, which enters */
			if ((rc = asid_to(cpu, sp->vm->vmm, err)))
				return rc;
			wc->loaded = sp->vm;
			if ((rc = guest_entry(cpu, sp->vm, err)))
				return rc;
			wc->exit_left = sp->vm->exit_every;
		}
	} else {
		guest_leave(cpu);
	}
	/* a guest with stage 1 off has no ASIDs */
	if (!(sp->vm->guest && w->s2only) && (rc = asid_to(cpu, sp, err)))
		return rc;
	wc->running = sp;
	enter_context(cpu, sp, 0);
	return 0;
}

/* ---- kernel entries, exits, invalidations ---- */

/* Replay @n accesses of @g on @cpu in its current context. */
static int run_stream(struct sim_cpu *cpu, struct gen *g, uint64_t n, struct sim_error *err)
{
	struct sim_wcpu *wc = &cpu->sim->wl->cpu[cpu->index];
	size_t at;

	while (n) {
		int k = gen_next_batch(g, wc->hbuf, n < WL_HBUF ? (size_t)n : WL_HBUF);
		int rc;

		if (k <= 0)
			break;
		if ((rc = cpu_replay(cpu, wc->hbuf, (size_t)k, &at, err)))
			return rc;
		n -= (uint64_t)k;
	}
	return 0;
}

/*
 * Kernel and hypervisor work is a handler: a stream of accesses in a
 * context, run in turns like the processes' records (so that it counts
 * against the CPU's slice and [workload] accesses, and a long one does not
 * hold up the other CPUs), then what follows it.
 */

/* A system call of the process @cpu runs: its kernel's stream at EL1. */
static int start_syscall(struct sim_cpu *cpu, uint64_t n, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	w->ev[WL_E_SYSCALLS]++;
	if ((rc = vm_kgen(cpu->sim, wc->running->vm, cpu->index, &wc->hgen, err)))
		return rc;
	cpu->el = 1;
	wc->hstate = H_SYSCALL;
	wc->hleft = n;
	return 0;
}

/* A VM exit of the guest @cpu runs: the world switch and the hypervisor's
 * handler (EL2 regime, or the host at EL2&0). */
static int start_exit(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	w->ev[WL_E_EXITS]++;
	world_switch(cpu, NULL);
	enter_context(cpu, w->hyp ? w->hyp : wc->loaded->vmm, 2);
	if (!wc->hyp_gen &&
	    (rc = kgen_create(s, &w->hyp_stream, w->hyp_base,
			      w->w->seed * 7919 + 65521 + cpu->index, &wc->hyp_gen, err)))
		return rc;
	wc->hgen = wc->hyp_gen;
	wc->hstate = H_EXIT_HYP;
	wc->hleft = wc->loaded->exit_accesses;
	return 0;
}

/* The handler of @cpu has run to its end: what comes next. */
static int handler_done(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct sim_vm *vm = wc->loaded;
	int rc;

	switch (wc->hstate) {
	case H_SYSCALL:
		cpu->el = 0;
		break;
	case H_EXIT_HYP:
		if (vm->exit_host_accesses) {
			/* the host kernel's part, in the VMM's context */
			enter_context(cpu, vm->vmm, w->vhe ? 2 : 1);
			if ((rc = vm_kgen(s, w->vms[0], cpu->index, &wc->hgen, err)))
				return rc;
			wc->hstate = H_EXIT_HOST;
			wc->hleft = vm->exit_host_accesses;
			return 0;
		}
		/* fall through */
	case H_EXIT_HOST:
		if ((rc = guest_entry(cpu, vm, err)))
			return rc;
		enter_context(cpu, wc->running, 0);
		break;
	case H_NONE:
		break;
	}
	wc->hstate = H_NONE;
	return 0;
}

/* The TLBI selection of @op from the context @cpu runs, ASID @asid. */
static int tlbi_from(struct sim_cpu *cpu, enum tlbi_op op, uint16_t asid, uint64_t addr,
		     struct tlb_match *m, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	bool host = !cpu->two_stage;
	bool e2h = w->vhe && !w->native;
	struct tlbi_args a = {
		.regime = tlbi_target_regime(op, e2h, e2h && host),
		.vmid = cpu->mctx.vmid, .asid = asid, .addr = addr,
	};

	return tlbi_match(op, &a, m, err);
}

/* The process's page invalidation: TLBI VALE1IS of its last data page. */
static int do_page_tlbi(struct sim_cpu *cpu, uint64_t va, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct tlb_match m;
	int rc;

	w->ev[WL_E_PAGE_TLBI]++;
	if ((rc = tlbi_from(cpu, TLBI_VALE1, cpu->mctx.asid, va, &m, err)))
		return rc;
	maint_all(cpu, &m, true);
	return 0;
}

static int first_space(struct sim_cpu *cpu, struct sim_error *err);

/* The space a CPU runs until its first switch record: the workload's first
 * process, or the host's process 1. */
static void first_proc(const struct sim_wl *w, struct sim_vm **vm, uint32_t *id)
{
	*vm = w->vms[0];
	*id = 1;
	if (w->w->nprocs) {
		const struct wl_proc *pr = &w->w->procs[0];

		*vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		*id = pr->id;
	}
}

/* A control record in a workload run. */
static int wl_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct sim_space *sp;
	struct sim_vm *vm;
	uint32_t id;
	int rc;

	s->c[SIM_C_CONTROL]++;
	/* before its first switch a CPU runs the first process */
	first_proc(w, &vm, &id);
	if (wc->running) {
		vm = wc->running->vm;
		id = wc->running->id;
	}
	switch (r->kind) {
	case TRACE_CTX_SWITCH:
		/* stage 1 off: the VM's processes share its IPA space and VMID */
		if (w->s2only) {
			if (!wc->running && (rc = first_space(cpu, err)))
				return rc;
			break;
		}
		if ((rc = space_get(s, vm, r->space, &sp, err)) || (rc = switch_to(cpu, sp, err)))
			return rc;
		break;
	case TRACE_VM_SWITCH:
		if (w->s2only && !r->vm)
			return sim_error_set(err, SIM_E_INVAL, "a switch to VM 0, the host, in "
					     "run.mode = s2only (addresses are IPAs of a VM)");
		if ((rc = vm_get(s, r->vm, &vm, err)) || (rc = space_get(s, vm, id, &sp, err)) ||
		    (rc = switch_to(cpu, sp, err)))
			return rc;
		break;
	case TRACE_TLBI: {
		enum tlbi_op op = (enum tlbi_op)r->tlbi.op;
		uint16_t asid = r->tlbi.asid;
		struct tlb_match m;

		if (!wc->running)
			return sim_error_set(err, SIM_E_INVAL, "CPU %u: a TLBI before any "
					     "context switch", cpu->index);
		/* the operand names a space of the current VM */
		sp = space_find(wc->running->vm, asid);
		if (sp)
			asid = sp->asid;
		if ((rc = tlbi_from(cpu, op, asid, r->va, &m, err)))
			return rc;
		s->c[SIM_C_TLBI]++;
		if (r->tlbi.flags & TLBI_F_IS)
			maint_all(cpu, &m, tlbi_is_last_level(op));
		else
			maint_local(cpu, &m, tlbi_is_last_level(op));
		break;
	}
	default:
		break;
	}
	/* the records of the task being replayed switched: it runs there now */
	if (wc->nrq && wc->running)
		wc->rq[wc->cur]->cur = wc->running;
	return 0;
}

/* The old VMID scheme's kick: a CPU told to leave its guest re-enters it
 * (its VM then takes a number of the new generation). */
static int kick_check(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	if (!wc->kicked || !wc->loaded || !wc->running || wc->running->vm != wc->loaded)
		return 0;
	w->ev[WL_E_KICKS]++;
	world_switch(cpu, NULL);
	if ((rc = guest_entry(cpu, wc->loaded, err)))
		return rc;
	enter_context(cpu, wc->running, 0);
	return 0;
}

/* Before its first switch record, a CPU runs the first process
 * (first_proc()). */
static int first_space(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_vm *vm;
	uint32_t id;
	struct sim_space *sp;
	int rc;

	first_proc(s->wl, &vm, &id);
	if ((rc = space_get(s, vm, id, &sp, err)))
		return rc;
	return switch_to(cpu, sp, err);
}

/* sim_step() of a workload run: each record on the CPU it names. */
static int wl_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = recs[i].cpu;
		size_t j = i + 1, at = 0;
		int rc;

		if (c >= s->ncpus) {
			s->step_failed_at = i;
			if (s->wl->traced)
				return sim_error_set(err, SIM_E_INVAL, "record for CPU %u: a single "
						     "trace runs on one CPU; give a workload of "
						     "[workload] cpus = %u with --workload", c, c + 1);
			return sim_error_set(err, SIM_E_INVAL, "record for CPU %u; the workload has %u",
					     c, s->ncpus);
		}
		while (j < n && recs[j].cpu == c)
			j++;
		/* an access or a TLBI before any switch: the first process */
		if (!s->wl->cpu[c].running && recs[i].kind != TRACE_CTX_SWITCH &&
		    recs[i].kind != TRACE_VM_SWITCH && (rc = first_space(&s->cpu[c], err))) {
			s->step_failed_at = i;
			return rc;
		}
		if ((rc = kick_check(&s->cpu[c], err))) {
			s->step_failed_at = i;
			return rc;
		}
		if ((rc = cpu_replay(&s->cpu[c], recs + i, j - i, &at, err))) {
			s->step_failed_at = i + at;
			return rc;
		}
		i = j;
	}
	return 0;
}

/* ---- construction of a workload run ---- */

static void vm_free(struct sim_wl *w, struct sim_vm *vm, unsigned ncpus)
{
	for (size_t i = 0; i < vm->nspaces; i++)
		free(vm->spaces[i]);
	free(vm->spaces);
	free(vm->vmm);
	if (vm->kgen)
		for (unsigned i = 0; i < ncpus; i++)
			gen_destroy(vm->kgen[i]);
	free(vm->kgen);
	if (vm->asids && vm->asids != &w->host_asids) {
		asid_alloc_destroy(vm->asids);
		free(vm->asids);
	}
	free(vm);
}

static void wl_destroy(struct sim *s)
{
	struct sim_wl *w = s->wl;

	if (!w)
		return;
	for (size_t i = 0; i < w->ntasks; i++) {
		trace_reader_close(w->tasks[i].rd);
		gen_destroy(w->tasks[i].g);
		free(w->tasks[i].buf);
	}
	free(w->tasks);
	if (w->cpu)
		for (unsigned i = 0; i < s->ncpus; i++) {
			free(w->cpu[i].rq);
			free(w->cpu[i].hbuf);
			gen_destroy(w->cpu[i].hyp_gen);
		}
	free(w->cpu);
	for (size_t i = 0; i < w->nvms; i++)
		vm_free(w, w->vms[i], s->ncpus);
	free(w->vms);
	free(w->hyp);
	free(w->huge);
	asid_alloc_destroy(&w->host_asids);
	asid_alloc_destroy(&w->vmids);
	free(w->tlb_sum);
	if (w->owned) {
		workload_free(w->owned);
		free(w->owned);
	}
	free(w);
	s->wl = NULL;
}

/* The configuration a VM's stage 2 amounts to: [stage2] with its keys. */
static void vm_config(const struct sim_config *cfg, const struct wl_vm *v, struct sim_config *out)
{
	*out = *cfg;
	if (v->granule_shift)
		out->stage2.granule_shift = v->granule_shift;
	if (v->ipa_bits)
		out->stage2.ia_bits = v->ipa_bits;
	if (v->start_level != WL_UNSET)
		out->stage2.start_level = v->start_level;
	if (v->blocks != WL_UNSET)
		out->stage2.blocks = (enum cfg_blocks)v->blocks;
	if (v->huge_ppm != UINT32_MAX)
		out->stage2.huge_ppm = v->huge_ppm;
}

/* The workload's counters; a run without a workload has them as absent
 * blocks, so that every run has the same columns. */
static int register_wl_stats(struct sim *s, struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	struct stats_registry *r = &s->reg;
	int rc;

	if ((rc = stats_register(r, "events", wl_event_names, w ? w->ev : NULL, WL_E__COUNT,
				 err)) ||
	    (rc = stats_register(r, "maintenance", wl_maint_names, w ? w->maint : NULL,
				 WL_M__COUNT, err)) ||
	    (rc = stats_register(r, "asid.host", asid_counter_names,
				 w ? w->host_asids.st.c : NULL, ASID_C__COUNT, err)) ||
	    (rc = stats_register(r, "asid.guest", asid_counter_names,
				 w ? w->guest_asid_sum : NULL, ASID_C__COUNT, err)) ||
	    (rc = stats_register(r, "vmid", asid_counter_names, w ? w->vmids.st.c : NULL,
				 ASID_C__COUNT, err)))
		return rc;
	if (!w || s->ncpus == 1)
		return 0;
	/* per-CPU detail */
	for (unsigned c = 0; c < s->ncpus; c++) {
		const struct sim_cpu *cpu = &s->cpu[c];
		char prefix[96];

		for (unsigned i = 0; i < cpu->tlbs.ntlbs; i++) {
			snprintf(prefix, sizeof(prefix), "cpu.%u.tlb.%s", c, cpu->tlbs.tlb[i].name);
			if ((rc = stats_register(r, prefix, tlb_counter_names, cpu->tlbs.tlb[i].st.c,
						 TLB_C__COUNT, err)))
				return rc;
		}
	}
	return 0;
}

static void wl_set_huge_vm(struct sim *s, const struct os_vm *vm)
{
	const struct sim_wl *w = s->wl;

	s->os.cfg.huge_fraction = vm->id < w->nhuge ? w->huge[vm->id]
						    : (double)s->cfg.stage2.huge_ppm / CFG_PPM_ONE;
}

static void wl_set_huge(struct sim *s, const struct os_proc *p)
{
	wl_set_huge_vm(s, p->vm);
}

static void wl_sync_stats(struct sim *s)
{
	struct sim_wl *w = s->wl;

	if (!w)
		return;
	memset(w->guest_asid_sum, 0, sizeof(w->guest_asid_sum));
	for (size_t i = 1; i < w->nvms; i++)
		if (w->vms[i]->asids != &w->host_asids)
			for (unsigned k = 0; k < ASID_C__COUNT; k++)
				w->guest_asid_sum[k] += w->vms[i]->asids->st.c[k];
	if (s->ncpus == 1)
		return;
	memset(w->tlb_sum, 0, sizeof(*w->tlb_sum) * s->cpu[0].tlbs.ntlbs);
	memset(w->wc_s1_sum, 0, sizeof(w->wc_s1_sum));
	memset(w->wc_s2_sum, 0, sizeof(w->wc_s2_sum));
	memset(w->s2tlb_sum, 0, sizeof(w->s2tlb_sum));
	for (unsigned c = 0; c < s->ncpus; c++) {
		const struct sim_cpu *cpu = &s->cpu[c];

		for (unsigned i = 0; i < cpu->tlbs.ntlbs; i++)
			for (unsigned k = 0; k < TLB_C__COUNT; k++)
				w->tlb_sum[i][k] += cpu->tlbs.tlb[i].st.c[k];
		for (unsigned k = 0; k < WC_C__COUNT; k++) {
			w->wc_s1_sum[k] += cpu->have_wc_s1 ? cpu->wc_s1.st.c[k] : 0;
			w->wc_s2_sum[k] += cpu->have_wc_s2 ? cpu->wc_s2.st.c[k] : 0;
		}
		for (unsigned k = 0; k < TLB_C__COUNT; k++)
			w->s2tlb_sum[k] += cpu->have_s2tlb ? cpu->s2tlb.st.c[k] : 0;
	}
}

/* @traced: the single trace's workload of sim_create_spaces(). */
static int wl_build(struct sim *s, const struct workload *wl, bool traced, struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	const struct cfg_policy *pol = &c->policy;
	struct sim_wl *w;
	unsigned half = c->stage1.ia_bits - 1, k = 0;
	struct asid_alloc_cfg ac = { .kind = ASID_KIND_ASID, .bits = pol->asid_bits, .ncpus = s->ncpus };
	int rc;

	w = s->wl = calloc(1, sizeof(*w));
	if (!w)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	w->w = (struct workload *)wl;
	w->traced = traced;
	w->limit = wl->accesses;
	w->slice = wl->slice;
	w->native = c->run.mode == CFG_MODE_NATIVE;
	w->s2only = c->run.mode == CFG_MODE_S2ONLY;
	w->vhe = pol->vhe;
	w->tagging = pol->vmid_tagging || w->native;
	w->kernel_global = pol->kernel_global;
	w->cpu = calloc(s->ncpus, sizeof(*w->cpu));
	w->tlb_sum = calloc(s->cpu[0].tlbs.ntlbs, sizeof(*w->tlb_sum));
	if (!w->cpu || !w->tlb_sum)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if ((rc = asid_alloc_init(&w->host_asids, &ac, err)))
		return rc;
	if (!w->native && w->tagging) {
		struct asid_alloc_cfg vc = { .kind = ASID_KIND_VMID, .bits = pol->vmid_bits,
					     .ncpus = s->ncpus,
					     .old_vmid_scheme = pol->vmid_scheme == CFG_VMID_OLD };

		if ((rc = asid_alloc_init(&w->vmids, &vc, err)))
			return rc;
		w->have_vmids = true;
	}

	/* the host, the hypervisor, the VMs, the processes */
	{
		struct sim_vm *host;

		if ((rc = vm_create(s, NULL, 0, &host, err)))
			return rc;
	}
	w->hyp_stream = wl->hyp;
	if (wl->hyp.footprint > UINT64_C(1) << half)
		return sim_error_set(err, SIM_E_CONFIG, "%s: [host] hyp_footprint 0x%llx does not fit "
				     "the hypervisor's %u-bit VA range", wl->origin,
				     (unsigned long long)wl->hyp.footprint, half);
	if (!w->native && !w->vhe) {
		unsigned stride = c->stage1.granule_shift - 3;
		struct os_proc_cfg pc = {
			.regime = MMU_REGIME_EL2,
			.va_bits = pol->el2_extra_level && c->stage1.ia_bits + stride <= 48 ?
				c->stage1.ia_bits + stride : c->stage1.ia_bits,
		};

		w->hyp = calloc(1, sizeof(*w->hyp));
		if (!w->hyp)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		w->hyp->vm = w->vms[0];
		if ((rc = os_proc_create(&s->os, NULL, &pc, &w->hyp->proc, err)))
			return rc;
		/* the half of the kernel's VA size that holds no idmap (ARCH-NOTES 10) */
		w->hyp_base = UINT64_C(1) << half;
	} else {
		/* With VHE the handler is host kernel code working on host kernel
		 * data, through the host kernel's own mappings. */
		w->hyp_base = kernel_half_base(c->stage1.ia_bits);
	}
	for (size_t i = 0; i < wl->nvms; i++) {
		const struct wl_vm *v = &wl->vms[i];
		struct sim_error ve = { 0 };
		struct sim_config vc;
		struct sim_vm *vm;

		vm_config(c, v, &vc);
		if (!w->native && (rc = cfg_validate(&vc, &ve)))
			return sim_error_set(err, rc, "%s:%u: [vm.%s]: %s", wl->origin, v->line,
					     v->name, ve.msg);
		if ((rc = vm_create(s, v, v->id, &vm, err)))
			return rc;
	}
	for (size_t i = 0; i < wl->nprocs; i++) {
		const struct wl_proc *pr = &wl->procs[i];
		struct sim_vm *vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		struct sim_space *sp;

		if ((rc = space_create(s, vm, pr->id, &sp, err)))
			return rc;
		if (pr->source != WL_SRC_NONE)
			w->ntasks++;
	}
	/* the CPUs' run queues and handler streams */
	w->tasks = calloc(w->ntasks ? w->ntasks : 1, sizeof(*w->tasks));
	if (!w->tasks)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	for (unsigned i = 0; i < s->ncpus; i++) {
		struct sim_wcpu *wc = &w->cpu[i];

		wc->quantum = wc->quantum_left = wl->cpu[i].quantum;
		wc->rq = calloc(w->ntasks ? w->ntasks : 1, sizeof(*wc->rq));
		wc->hbuf = malloc(WL_HBUF * sizeof(*wc->hbuf));
		if (!wc->rq || !wc->hbuf)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	w->ntasks = 0;
	for (size_t i = 0; i < wl->nprocs; i++) {
		const struct wl_proc *pr = &wl->procs[i];
		struct sim_vm *vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		struct sim_task *t = &w->tasks[w->ntasks];
		unsigned cpu;

		if (pr->source == WL_SRC_NONE)
			continue;
		cpu = pr->cpu >= 0 ? (unsigned)pr->cpu : k++ % s->ncpus;
		w->ntasks++;
		t->name = pr->name;
		t->home = t->cur = space_find(vm, pr->id);
		t->syscall_every = t->syscall_left = pr->syscall_every;
		t->syscall_accesses = pr->syscall_accesses;
		t->tlbi_every = t->tlbi_left = pr->tlbi_every;
		t->buf = malloc(WL_BUF * sizeof(*t->buf));
		if (!t->buf)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		if (pr->source == WL_SRC_TRACE) {
			struct trace_open_opts to = { .format = pr->trace_format };
			struct sim_error te = { 0 };

			t->file = pr->trace;
			if ((rc = trace_reader_open_opts(&t->rd, pr->trace, &to, &te)))
				return sim_error_set(err, rc, "%s:%u: [proc.%s]: %s", wl->origin, pr->line,
						     pr->name, te.msg);
		} else if ((rc = gen_create(&t->g, &pr->gen, err))) {
			return rc;
		}
		w->cpu[cpu].rq[w->cpu[cpu].nrq++] = t;
	}
	return 0;
}

static int create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			   bool traced, struct sim_error *err)
{
	struct sim *s;
	unsigned s2_granules = (unsigned)BIT(cfg->stage2.granule_shift);
	int rc;

	*sp = NULL;
	/* a scheduled workload runs system calls and kernel streams, which
	 * need stage 1; a trace's records do not */
	if (cfg->run.mode == CFG_MODE_S2ONLY && !traced)
		return sim_error_set(err, SIM_E_CONFIG, "a workload runs in run.mode native or virt, "
				     "not s2only");
	for (size_t i = 0; i < wl->nvms; i++)
		if (wl->vms[i].granule_shift)
			s2_granules |= (unsigned)BIT(wl->vms[i].granule_shift);
	if ((rc = sim_alloc(&s, cfg, wl->ncpus, true, err)))
		goto fail;
	for (unsigned i = 0; i < wl->ncpus; i++)
		if ((rc = build_cpu(s, i, s2_granules, err)))
			goto fail;
	s->page_shift = cfg->run.mode == CFG_MODE_S2ONLY ? cfg->stage2.granule_shift
							 : cfg->stage1.granule_shift;
	if ((rc = wl_build(s, wl, traced, err)) || (rc = register_stats(s, err)) ||
	    (rc = register_wl_stats(s, err)))
		goto fail;
	*sp = s;
	return 0;
fail:
	sim_destroy(s);
	return rc;
}

int sim_create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			struct sim_error *err)
{
	return create_workload(sp, cfg, wl, false, err);
}

/*
 * The workload a single trace with switch records runs as (WORKLOADS.md):
 * one CPU; natively the host's process 1 runs the first records, otherwise
 * process 1 of VM 1, with every geometry from [stage2].
 */
static const char traced_host_ini[] = "[workload]\ncpus = 1\n";
static const char traced_guest_ini[] =
	"[workload]\ncpus = 1\n[vm.vm1]\nid = 1\n[proc.p1]\nvm = vm1\nid = 1\n";

int sim_create_spaces(struct sim **sp, const struct sim_config *cfg, struct sim_error *err)
{
	const char *ini = cfg->run.mode == CFG_MODE_NATIVE ? traced_host_ini : traced_guest_ini;
	struct workload *wl = calloc(1, sizeof(*wl));
	int rc;

	*sp = NULL;
	if (!wl)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if ((rc = workload_parse_string(wl, ini, strlen(ini), "the single trace's workload", NULL,
					err))) {
		free(wl);
		return rc;
	}
	if ((rc = create_workload(sp, cfg, wl, true, err))) {
		workload_free(wl);
		free(wl);
		return rc;
	}
	(*sp)->wl->owned = wl;
	return 0;
}

/* ---- the schedule ---- */

/* sim_run()'s error for a failure in task @t's record @at of the batch:
 * the process, its trace and the record, then what went wrong. */
static int task_error(struct sim_task *t, uint64_t at, int rc, struct sim_error *err)
{
	unsigned long long rec = (unsigned long long)(t->records + at + 1);

	if (t->file)
		return sim_error_prefix(err, rc, "proc %s: %s: record %llu", t->name, t->file, rec);
	return sim_error_prefix(err, rc, "proc %s: record %llu", t->name, rec);
}

/* sim_run()'s error for a failure in a handler of @cpu. */
static int handler_error(struct sim_cpu *cpu, int rc, struct sim_error *err)
{
	return sim_error_prefix(err, rc, "CPU %u: %s handler", cpu->index,
				cpu->sim->wl->cpu[cpu->index].hstate == H_SYSCALL ? "system call" :
				"VM exit");
}

/* Remove the current task of @wc from its queue. */
static void rq_drop(struct sim_wcpu *wc)
{
	memmove(&wc->rq[wc->cur], &wc->rq[wc->cur + 1], (wc->nrq - wc->cur - 1) * sizeof(*wc->rq));
	wc->nrq--;
	if (wc->cur >= wc->nrq)
		wc->cur = 0;
	wc->quantum_left = wc->quantum;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* CPU @cpu's turn: up to @budget records of its run queue and handlers. */
static int cpu_turn(struct sim_cpu *cpu, uint64_t budget, bool *ran, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	while (budget && (wc->nrq || wc->hstate != H_NONE)) {
		struct sim_task *t;
		uint64_t lim, before, acc;
		bool in_guest;
		size_t at = 0;

		if (w->limit && s->c[SIM_C_ACCESSES] >= w->limit)
			break;
		if (wc->hstate != H_NONE) {
			/* a handler runs before anything else */
			lim = min_u64(wc->hleft, budget);
			if (w->limit)
				lim = min_u64(lim, w->limit - s->c[SIM_C_ACCESSES]);
			if ((rc = run_stream(cpu, wc->hgen, lim, err)))
				return handler_error(cpu, rc, err);
			wc->hleft -= lim;
			budget -= lim;
			*ran = true;
			if (!wc->hleft && (rc = handler_done(cpu, err)))
				return handler_error(cpu, rc, err);
			continue;
		}
		t = wc->rq[wc->cur];
		/* what is due after the current process's last accesses */
		in_guest = wc->loaded && wc->running && wc->running->vm == wc->loaded;
		if (t->syscall_every && !t->syscall_left && wc->running == t->cur) {
			t->syscall_left = t->syscall_every;
			if ((rc = start_syscall(cpu, t->syscall_accesses, err)))
				return task_error(t, 0, rc, err);
			continue;
		}
		if (t->tlbi_every && !t->tlbi_left && wc->running == t->cur) {
			t->tlbi_left = t->tlbi_every;
			if (t->last_va && (rc = do_page_tlbi(cpu, t->last_va, err)))
				return task_error(t, 0, rc, err);
		}
		if (in_guest && wc->loaded->exit_every && !wc->exit_left) {
			wc->exit_left = wc->loaded->exit_every;
			if ((rc = start_exit(cpu, err)))
				return task_error(t, 0, rc, err);
			continue;
		}
		if (!wc->quantum_left) {
			wc->quantum_left = wc->quantum;
			wc->cur = (wc->cur + 1) % wc->nrq;
			continue;
		}
		if (t->pos == t->len) {
			int n = t->rd ? trace_read(t->rd, t->buf, WL_BUF) : gen_next_batch(t->g, t->buf, WL_BUF);

			if (n < 0) {
				const struct sim_error *te = trace_reader_error(t->rd);

				return sim_error_set(err, n, "proc %s: %s", t->name, te->msg);
			}
			if (n == 0) {
				t->done = true;
				rq_drop(wc);
				continue;
			}
			t->pos = 0;
			t->len = (size_t)n;
		}
		if (wc->running != t->cur && (rc = switch_to(cpu, t->cur, err)))
			return task_error(t, 0, rc, err);
		if ((rc = kick_check(cpu, err)))
			return task_error(t, 0, rc, err);
		in_guest = wc->loaded && wc->running->vm == wc->loaded;
		lim = min_u64(t->len - t->pos, budget);
		lim = min_u64(lim, wc->quantum_left);
		if (t->syscall_every)
			lim = min_u64(lim, t->syscall_left);
		if (t->tlbi_every)
			lim = min_u64(lim, t->tlbi_left);
		if (in_guest && wc->loaded->exit_every)
			lim = min_u64(lim, wc->exit_left);
		if (w->limit)
			lim = min_u64(lim, w->limit - s->c[SIM_C_ACCESSES]);
		before = s->c[SIM_C_ACCESSES];
		if ((rc = cpu_replay(cpu, t->buf + t->pos, (size_t)lim, &at, err)))
			return task_error(t, at, rc, err);
		acc = s->c[SIM_C_ACCESSES] - before;
		for (size_t i = t->pos + (size_t)lim; i > t->pos; i--)
			if (t->buf[i - 1].kind == TRACE_LOAD || t->buf[i - 1].kind == TRACE_STORE) {
				t->last_va = t->buf[i - 1].va;
				break;
			}
		t->pos += (size_t)lim;
		t->records += lim;
		budget -= lim;
		*ran = true;
		if (t->syscall_every)
			t->syscall_left -= acc;
		if (t->tlbi_every)
			t->tlbi_left -= acc;
		if (in_guest && wc->loaded && wc->loaded->exit_every)
			wc->exit_left -= acc;
		wc->quantum_left -= acc;
	}
	return 0;
}

int sim_run(struct sim *s, uint64_t max_accesses, bool *done, struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	uint64_t start = s->c[SIM_C_ACCESSES];
	int rc = 0;

	*done = false;
	if (!w)
		return sim_error_set(err, SIM_E_INVAL, "sim_run() needs a workload");
	for (;;) {
		bool ran = false;

		for (unsigned i = 0; i < s->ncpus && !rc; i++)
			rc = cpu_turn(&s->cpu[i], w->slice, &ran, err);
		if (rc)
			break;
		if (!ran || (w->limit && s->c[SIM_C_ACCESSES] >= w->limit)) {
			*done = true;
			break;
		}
		if (s->c[SIM_C_ACCESSES] - start >= max_accesses)
			break;
	}
	wl_sync_stats(s);
	return rc;
}

static const uint64_t *tlb_counters(const struct sim *s, unsigned i)
{
	return s->ncpus == 1 ? s->cpu[0].tlbs.tlb[i].st.c : s->wl->tlb_sum[i];
}

static const uint64_t *wc_counters(const struct sim *s, int stage)
{
	if (s->ncpus == 1)
		return stage == 1 ? s->cpu[0].wc_s1.st.c : s->cpu[0].wc_s2.st.c;
	return stage == 1 ? s->wl->wc_s1_sum : s->wl->wc_s2_sum;
}

static const uint64_t *s2tlb_counters(const struct sim *s)
{
	return s->ncpus == 1 ? s->cpu[0].s2tlb.st.c : s->wl->s2tlb_sum;
}
