/*
 * sim/sim.c - building a simulation: its memory, OS model, CPUs (their
 * TLBs, walk caches, stage-2 TLB and line cache) and its single address
 * space; and its statistics, registered once and kept in step for the
 * emitters.  See sim/sim.h; the workload model builds on this in
 * sim/virt.c and sim/sched.c.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu/geom.h"
#include "sim/bits.h"
#include "sim/sim_impl.h"

static const char *const sim_counter_names[SIM_C__COUNT] = {
#define X(id, name) [SIM_C_##id] = name,
	SIM_COUNTERS(X)
#undef X
};

/* Bounds of the per-walk histograms (exact buckets below, one overflow). */
#define HIST_REFS_LIMIT   64

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

static const char *const maint_cycles_name[1] = { "cycles" };
static const char *const ptc_memory_name[1] = { "memory_reads" };

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

enum os_map_policy sim_map_policy(enum cfg_blocks b)
{
	switch (b) {
	case CFG_BLOCKS_NONE: return OS_MAP_PAGES;
	case CFG_BLOCKS_L2:   return OS_MAP_L2;
	case CFG_BLOCKS_L1:   return OS_MAP_L1;
	}
	return OS_MAP_PAGES;
}

static double fraction(uint32_t ppm)
{
	return (double)ppm / CFG_PPM_ONE;
}

static unsigned contiguous(enum cfg_contiguous c)
{
	return (c & CFG_CONT_LAST ? OS_CONT_LAST : 0) | (c & CFG_CONT_BLOCK ? OS_CONT_BLOCK : 0);
}

void sim_os_s1_cfg(const struct sim_config *c, struct os_s1_cfg *g)
{
	*g = (struct os_s1_cfg){
		.granule_shift = c->stage1.granule_shift,
		.va_bits = c->stage1.ia_bits,
		.policy = sim_map_policy(c->stage1.blocks),
		.hw_af = c->stage1.ha,
		.hw_dirty = c->stage1.hd,
		.fault_around = c->stage1.fault_around,
		/* the one-level preset is a cache of pages: no dirty tracking */
		.map_dirty = !strcmp(c->run.preset, "one-level"),
		.contiguous = contiguous(c->stage1.contiguous),
		.frag = c->stage1.huge_ppm < CFG_PPM_ONE,
		.huge_fraction = fraction(c->stage1.huge_ppm),
		.old_share = fraction(c->stage1.old_ppm),
	};
}

void sim_os_vm_cfg(const struct sim_config *c, uint32_t huge_ppm, struct os_vm_cfg *v)
{
	*v = (struct os_vm_cfg){
		.s2_granule_shift = c->stage2.granule_shift,
		.ipa_bits = c->stage2.ia_bits,
		.s2_start_forced = c->stage2.start_level != CFG_LEVEL_AUTO,
		.s2_start_level = c->stage2.start_level,
		.s2_policy = sim_map_policy(c->stage2.blocks),
		.s2_only = c->run.mode == CFG_MODE_S2ONLY,
		.s2_hw_af = c->stage2.ha,
		.s2_hw_dirty = c->stage2.hd,
		.s2_dirty_log = c->stage2.dirty_log,
		.s2_contiguous = contiguous(c->stage2.contiguous),
		.s2_old_share = fraction(c->stage2.old_ppm),
		.ipa_base = c->stage2.ram_base,
		.huge_fraction = fraction(huge_ppm),
	};
	sim_os_s1_cfg(c, &v->guest);
	v->guest.oa_bits = c->stage1.pa_bits;
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

void sim_cpu_set_context(struct sim_cpu *cpu, struct os_proc *p, uint16_t asid, uint16_t vmid,
			 bool two_stage, uint8_t el)
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
		.seed = c->run.seed,
		/* the host's memory as stage 2 fragments it; native: stage 1's */
		.host_frag = !native && c->stage2.huge_ppm < CFG_PPM_ONE,
		.host_granule_shift = native ? c->stage1.granule_shift : c->stage2.granule_shift,
	};

	sim_os_s1_cfg(c, &oc.host);
	oc.host.kernel_ng = workload && !c->policy.kernel_global;
	if (!native) {          /* the host's own processes: its memory */
		oc.host.frag = oc.host_frag;
		oc.host.huge_fraction = fraction(c->stage2.huge_ppm);
	}
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
		struct os_vm_cfg vc;

		sim_os_vm_cfg(c, c->stage2.huge_ppm, &vc);
		if ((rc = os_vm_create(&s->os, &vc, &s->vm, err)))
			return rc;
	}
	if ((rc = os_proc_create(&s->os, native ? NULL : s->vm, &pc, &s->proc, err)))
		return rc;

	/* One address space: ASID 1, and VMID 1 for the guest (VMID 0 is the
	 * host's, as KVM reserves it). */
	sim_cpu_set_context(&s->cpu[0], s->proc, 1, native ? 0 : 1, !native, 0);
	/* A page, for run.crossing, is the smallest mapping a TLB entry can
	 * describe: with every page mapped by a block (the one-level preset's
	 * page = 2m), an access within one block is one lookup. */
	s->page_shift = cfg_min_page_shift(c);
	return 0;
}

int sim_build_cpu(struct sim *s, unsigned i, unsigned s2_granules, struct sim_error *err)
{
	struct sim_cpu *cpu = &s->cpu[i];
	int rc;

	cpu->sim = s;
	cpu->index = i;
	cpu->hooks = sim_cpu_hooks(cpu);
	if ((rc = build_tlbs(s, cpu, err)) || (rc = build_caches(s, cpu, s2_granules, err)))
		return rc;
	if (i == 0)
		cost_tlb_paths(&s->cost, &cpu->tlbs);
	if (s->cfg.run.fast_path)
		for (int side = 0; side < 2; side++)
			cpu->l1[side] = tlb_hier_first(&cpu->tlbs, (enum tlb_side)side);
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

/* ---- statistics ---- */

/* The counters of TLB @i, the walk caches and the stage-2 TLB as
 * registered: CPU 0's own, or (several CPUs) their sums, kept by
 * sim_sync_stats(). */
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

/* The page-table line cache's counters of level @i, or of memory (@i =
 * the number of levels). */
static const uint64_t *ptc_counters(const struct sim *s, unsigned i)
{
	const struct ptcache *p = &s->cpu[0].ptc;

	if (i == p->nlevels)
		return s->ncpus == 1 ? &p->mem_reads : &s->wl->ptc_mem_sum;
	return s->ncpus == 1 ? p->lv[i].c : s->wl->ptc_sum[i];
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
	    (rc = stats_register(r, "maintenance", maint_cycles_name,
				 w ? &s->cost.maint_cycles : NULL, 1, err)) ||
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

int sim_register_stats(struct sim *s, struct sim_error *err)
{
	struct stats_registry *r = &s->reg;
	const struct sim_cpu *cpu = &s->cpu[0];
	char prefix[64];
	int rc;

	static const char *const side_names[2] = { [TLB_SIDE_INSTR] = "inst", [TLB_SIDE_DATA] = "data" };
	/* The run's counters, with the cost model's between the walk's and
	 * the rest. */
	if ((rc = stats_register(r, NULL, sim_counter_names, s->c, SIM_C_WALK_FAULTS, err)) ||
	    (rc = stats_register(r, NULL, cost_counter_names, s->cost.c, COST_C__COUNT, err)) ||
	    (rc = stats_register(r, NULL, sim_counter_names + SIM_C_WALK_FAULTS,
				 s->c + SIM_C_WALK_FAULTS, SIM_C__COUNT - SIM_C_WALK_FAULTS, err)) ||
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
	/* Where the walks' references were served: each cache level, memory. */
	for (unsigned i = 0; i < cpu->ptc.nlevels; i++) {
		snprintf(prefix, sizeof(prefix), "ptcache.%s", s->cfg.cache.level[i].name);
		if ((rc = stats_register(r, prefix, ptc_counter_names, ptc_counters(s, i),
					 PTC_C__COUNT, err)))
			return rc;
	}
	if ((rc = stats_register(r, "ptcache", ptc_memory_name,
				 ptc_counters(s, cpu->ptc.nlevels), 1, err)))
		return rc;
	if ((rc = stats_register(r, "os", os_counter_names, s->os.st.c, OS_C__COUNT, err)))
		return rc;
	if ((rc = stats_register_hist(r, "hist.walk_refs", &s->h_walk_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_s1_refs", &s->h_walk_s1_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_s2_refs", &s->h_walk_s2_refs, err)) ||
	    (rc = stats_register_hist(r, "hist.walk_cycles", &s->cost.h_walk_cycles, err)))
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
	for (unsigned i = 0; i < cpu->ptc.nlevels; i++) {
		char name[96], num[96], den[96];
		const char *lv = s->cfg.cache.level[i].name;

		snprintf(name, sizeof(name), "derived.ptcache.%s.hit_rate", lv);
		snprintf(num, sizeof(num), "ptcache.%s.hits", lv);
		snprintf(den, sizeof(den), "ptcache.%s.lookups", lv);
		if ((rc = stats_register_ratio(r, name, num, den, 1, 1, err)))
			return rc;
	}
	return register_wl_stats(s, err);
}


void sim_sync_stats(struct sim *s)
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
	memset(w->ptc_sum, 0, sizeof(w->ptc_sum));
	w->ptc_mem_sum = 0;
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
		for (unsigned i = 0; i < cpu->ptc.nlevels; i++)
			for (unsigned k = 0; k < PTC_C__COUNT; k++)
				w->ptc_sum[i][k] += cpu->ptc.lv[i].c[k];
		w->ptc_mem_sum += cpu->ptc.mem_reads;
	}
}


/* ---- creation ---- */

int sim_alloc(struct sim **sp, const struct sim_config *cfg, unsigned ncpus, bool workload,
	      struct sim_error *err)
{
	struct sim *s = calloc(1, sizeof(*s));
	int rc;

	*sp = NULL;
	if (!s)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	/* The one write of the configuration: const from here on. */
	memcpy((void *)&s->cfg, cfg, sizeof(*cfg));
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
	    (rc = stats_hist_init(&s->h_walk_s2_refs, HIST_REFS_LIMIT)))
		return sim_error_set(err, rc, "out of memory");
	if ((rc = cost_init(&s->cost, &cfg->policy, err)))
		return rc;
	return build_os(s, workload, err);
}

int sim_create(struct sim **sp, const struct sim_config *cfg, struct sim_error *err)
{
	struct sim *s;
	int rc;

	if ((rc = sim_alloc(&s, cfg, 1, false, err)) ||
	    (rc = sim_build_cpu(s, 0, (unsigned)BIT(cfg->stage2.granule_shift), err)) ||
	    (rc = build_single_space(s, err)) || (rc = sim_register_stats(s, err)))
		goto fail;
	s->control_ignored = !strcmp(cfg->run.preset, "one-level");
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
	sim_wl_destroy(s);
	stats_free(&s->reg);
	stats_hist_free(&s->h_walk_refs);
	stats_hist_free(&s->h_walk_s1_refs);
	stats_hist_free(&s->h_walk_s2_refs);
	cost_destroy(&s->cost);
	for (unsigned i = 0; i < s->ncpus; i++)
		destroy_cpu(&s->cpu[i]);
	free(s->cpu);
	os_destroy(&s->os);
	pmem_destroy(&s->pm);
	free(s);
}

/* ---- accessors ---- */

const struct stats_registry *sim_stats(const struct sim *s)
{
	return &s->reg;
}

const struct sim_config *sim_config(const struct sim *s)
{
	return &s->cfg;
}

unsigned sim_ncpus(const struct sim *s)
{
	return s->ncpus;
}

size_t sim_step_failed_at(const struct sim *s)
{
	return s->step_failed_at;
}

bool sim_multi_space(const struct sim *s)
{
	return s->wl != NULL;
}

uint64_t sim_control_ignored(const struct sim *s)
{
	return s->control_ignored ? s->c[SIM_C_CONTROL] : 0;
}
