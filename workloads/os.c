/*
 * workloads/os.c - the guest-OS and hypervisor mapping model; see workloads/os.h.
 *
 * Semantic choices:
 *  - Demand paging only: nothing is mapped before it is touched (but for
 *    fault-around, below), nothing is ever unmapped, migrated or aged, and
 *    frames come from deterministic bump
 *    allocators (struct pmem_falloc): pages and tables upwards, blocks
 *    downwards.  Data frames are never written, so they cost nothing.
 *  - Stage 1 is populated first, then stage 2 for the touched IPA only, as
 *    KVM faults guest memory in: a 2M guest block may be backed by 4K
 *    stage-2 pages touched one by one.
 *  - A stage-1 block maps its whole aligned region at once, to a freshly
 *    allocated aligned block of the space's frames (THP-style).
 *  - On a fault the data frame is allocated before the tables on its path
 *    (frame addresses in tests are predicted in that order).
 *  - Huge backing is a property of an aligned IPA region of one VM, drawn
 *    from a seeded hash: the same (seed, VM, region) always gives the same
 *    answer, whatever the touch order, so runs are reproducible.  Level-1
 *    regions and level-2 regions are drawn independently.
 *  - Guest stage-1 table pages are mapped in stage 2 when allocated (the
 *    hypervisor must back them before the guest can write them), with the
 *    same block policy as data.
 *  - The host and VMs share one struct pmem; host frames of every VM and of
 *    host processes come from the one host allocator.
 *  - The access flag, as Linux and KVM manage it: a faulting page is mapped
 *    young at both stages; only fault-around (a first instruction fetch of
 *    a process, taken to read file-backed text) maps pages old, and only
 *    when the CPU sets the flag itself (hw_af), so the first access to such
 *    a page costs a hardware descriptor update, never a fault.  Nothing
 *    clears the flag later (no reclaim or aging is modelled), so stage-2
 *    entries are always young and an access-flag fault never happens.
 *  - Which accesses fault on file mappings cannot be told from a trace:
 *    fetches are taken to (program and library text), data accesses are
 *    not (anonymous memory), though a first read of .rodata would be.
 */
#include "workloads/os.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/geom.h"
#include "sim/bits.h"

const char *const os_counter_names[OS_C__COUNT] = {
#define X(id, name) name,
	OS_COUNTERS(X)
#undef X
};

/* Frames of any granule pack from the low end of an allocator. */
#define OS_SMALL_ALIGN (UINT64_C(1) << 16)

static void s1_defaults(struct os_s1_cfg *c)
{
	if (!c->granule_shift)
		c->granule_shift = 12;
	if (!c->va_bits)
		c->va_bits = 48;
	if (c->policy == OS_MAP_DEFAULT)
		c->policy = OS_MAP_PAGES;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static bool region_huge(const struct os *os, const struct os_vm *vm, uint64_t ipa,
			unsigned shift)
{
	uint64_t h;

	if (vm->cfg.huge_fraction <= 0.0)
		return false;
	if (vm->cfg.huge_fraction >= 1.0)
		return true;
	h = mix64(os->cfg.seed + UINT64_C(0x9e3779b97f4a7c15) * (vm->id + 1));
	h = mix64(h ^ ((uint64_t)shift << 56) ^ (ipa >> shift));
	return (double)(h >> 11) * 0x1p-53 < vm->cfg.huge_fraction;
}

/*
 * The largest leaf level the policy allows for a new mapping in @t whose
 * lookup stopped at @stop_level; @vm non-NULL for stage 2, where the region
 * must also be huge-backed.
 */
static int pick_level(const struct os *os, const struct os_vm *vm, const struct pgt *t,
		      enum os_map_policy policy, int stop_level, uint64_t ia)
{
	int first = policy == OS_MAP_L1 ? 1 : policy == OS_MAP_L2 ? 2 : 3;

	for (int l = first; l <= 2; l++) {
		if (l < t->g.start_level || l < stop_level ||
		    !geom_block_allowed(t->g.granule_shift, l, t->g.pamax))
			continue;
		if (vm && !region_huge(os, vm, ia, pgt_leaf_shift(t, l)))
			continue;
		return l;
	}
	return 3;
}

static int s2_ensure(struct os *os, struct os_vm *vm, uint64_t ipa, struct pgt_leaf *leaf,
		     bool *created, struct sim_error *err)
{
	uint64_t size, base, pa;
	int level, rc;

	*created = false;
	rc = pgt_lookup(&vm->s2, ipa, leaf, err);
	if (rc || leaf->mapped)
		return rc;
	level = pick_level(os, vm, &vm->s2, vm->cfg.s2_policy, leaf->level, ipa);
	size = BIT(pgt_leaf_shift(&vm->s2, level));
	base = ipa & ~(size - 1);
	rc = pmem_falloc_alloc(&os->host->mem, size, size, &pa, err);
	if (rc)
		return rc;
	rc = pgt_map(&vm->s2, base, pa, level, NULL, err);
	if (rc)
		return rc;
	os->st.c[OS_C_S2_FAULTS]++;
	os->st.c[level == 3 ? OS_C_S2_PAGES : level == 2 ? OS_C_S2_BLOCKS_L2
						      : OS_C_S2_BLOCKS_L1]++;
	leaf->mapped = true;
	leaf->level = (int8_t)level;
	leaf->shift = (uint8_t)pgt_leaf_shift(&vm->s2, level);
	leaf->oa = pa + (ipa - base);
	*created = true;
	return 0;
}

/* Table memory of stage-1 trees: the space's frames; for a VM, each page
 * of the new table is then mapped in stage 2. */
static int s1_table_alloc(void *ctx, uint64_t size, uint64_t *addr, struct sim_error *err)
{
	struct os_vm *vm = ctx;
	struct os *os = vm->os;
	int rc = pmem_falloc_alloc(&vm->mem, size, size, addr, err);

	if (rc)
		return rc;
	os->st.c[OS_C_S1_TABLES] += size >> vm->cfg.guest.granule_shift;
	if (vm->is_host)
		return 0;
	for (uint64_t ipa = *addr; ipa < *addr + size;) {
		struct pgt_leaf leaf;
		bool created;

		rc = s2_ensure(os, vm, ipa, &leaf, &created, err);
		if (rc)
			return rc;
		ipa = (ipa & ~bits_low_mask(leaf.shift)) + BIT(leaf.shift);
	}
	return 0;
}

/* Guest stage-1 descriptor address (IPA) to PA, through the VM's stage 2. */
static int s1_table_resolve(void *ctx, uint64_t ipa, uint64_t *pa, struct sim_error *err)
{
	struct os_vm *vm = ctx;
	uint64_t page = ipa >> 12;
	unsigned slot = (unsigned)(page & (OS_RMEMO - 1));
	struct pgt_leaf leaf;
	int rc;

	if (vm->rmemo[slot].tag == page + 1) {
		*pa = vm->rmemo[slot].pa_page << 12 | (ipa & 0xfff);
		return 0;
	}
	rc = pgt_lookup(&vm->s2, ipa, &leaf, err);
	if (rc)
		return rc;
	if (!leaf.mapped)
		return sim_error_set(err, SIM_E_INVAL,
				     "VM %u: guest table word at IPA 0x%llx has no stage-2 mapping",
				     vm->id, (unsigned long long)ipa);
	vm->rmemo[slot].tag = page + 1;
	vm->rmemo[slot].pa_page = leaf.oa >> 12;
	*pa = leaf.oa;
	return 0;
}

static int s2_table_alloc(void *ctx, uint64_t size, uint64_t *addr, struct sim_error *err)
{
	struct os_vm *vm = ctx;
	struct os *os = vm->os;
	int rc = pmem_falloc_alloc(&os->host->mem, size, size, addr, err);

	if (!rc)
		os->st.c[OS_C_S2_TABLES] += size >> vm->cfg.s2_granule_shift;
	return rc;
}

static struct pgt_backing s1_backing(struct os_vm *vm)
{
	return (struct pgt_backing){
		.alloc = s1_table_alloc,
		.resolve = vm->is_host ? NULL : s1_table_resolve,
		.ctx = vm,
	};
}

/* Output size of the space's stage 1: physical, or in a VM the smaller of
 * the IPA size and the guest's TCR_EL1.IPS. */
static unsigned s1_oa_bits(const struct os_vm *vm)
{
	unsigned ips = vm->cfg.guest.oa_bits;

	if (vm->is_host)
		return vm->os->cfg.pa_bits;
	return ips && ips < vm->cfg.ipa_bits ? ips : vm->cfg.ipa_bits;
}

static int s1_tree(struct os_vm *vm, struct pgt *t, unsigned va_bits, struct sim_error *err)
{
	struct pgt_geom g = {
		.stage = MMU_STAGE1,
		.granule_shift = (uint8_t)vm->cfg.guest.granule_shift,
		.ia_bits = (uint8_t)va_bits,
		.start_level = (int8_t)geom_s1_start_level(vm->cfg.guest.granule_shift, va_bits),
		.oa_bits = (uint8_t)s1_oa_bits(vm),
		.pamax = (uint8_t)vm->os->cfg.pa_bits,
	};
	struct pgt_backing b = s1_backing(vm);

	if (va_bits < GEOM_S1_MIN_IA_BITS || va_bits > GEOM_S1_MAX_IA_BITS)
		return sim_error_set(err, SIM_E_CONFIG,
				     "space %u: VA size %u is outside 25..48 bits", vm->id, va_bits);
	return pgt_init(t, &g, vm->os->pm, &b, err);
}

static int push_ptr(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void **na = realloc(*arr, ncap * sizeof(*na));

		if (!na)
			return SIM_E_NOMEM;
		*arr = na;
		*cap = ncap;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

static int add_vm(struct os *os, struct os_vm *vm, struct sim_error *err)
{
	void **arr = (void **)os->vms;
	int rc = push_ptr(&arr, &os->nvms, &os->vms_cap, vm);

	os->vms = (struct os_vm **)arr;
	if (rc)
		return sim_error_set(err, rc, "os: no memory for VM %u", vm->id);
	return 0;
}

int os_init(struct os *os, const struct os_cfg *cfg, struct pmem *pm, struct sim_error *err)
{
	struct os_vm *host;
	int rc;

	memset(os, 0, sizeof(*os));
	os->cfg = *cfg;
	os->pm = pm;
	if (!os->cfg.pa_bits)
		os->cfg.pa_bits = 48;
	s1_defaults(&os->cfg.host);
	if (os->cfg.pa_bits < 32 || os->cfg.pa_bits > 52)
		return sim_error_set(err, SIM_E_CONFIG, "os: PA size %u is outside 32..52 bits",
				     os->cfg.pa_bits);
	host = calloc(1, sizeof(*host));
	if (!host)
		return sim_error_set(err, SIM_E_NOMEM, "os: no memory for the host");
	host->os = os;
	host->is_host = true;
	host->cfg.guest = os->cfg.host;
	host->cfg.ipa_bits = os->cfg.pa_bits;
	os->host = host;
	rc = add_vm(os, host, err);
	if (rc) {
		free(host);
		os->host = NULL;
		return rc;
	}
	rc = pmem_falloc_init(&host->mem, os->cfg.ram_base, UINT64_C(1) << os->cfg.pa_bits,
			      OS_SMALL_ALIGN, err);
	if (!rc)
		rc = s1_tree(host, &host->kernel, os->cfg.host.va_bits, err);
	if (rc)
		os_destroy(os);
	return rc;
}

void os_destroy(struct os *os)
{
	for (size_t i = 0; i < os->nprocs; i++)
		free(os->procs[i]);
	for (size_t i = 0; i < os->nvms; i++)
		free(os->vms[i]);
	free(os->procs);
	free(os->vms);
	memset(os, 0, sizeof(*os));
}

int os_vm_create(struct os *os, const struct os_vm_cfg *cfg, struct os_vm **vmp,
		 struct sim_error *err)
{
	struct os_vm *vm;
	struct pgt_geom g;
	struct pgt_backing b;
	int rc;

	if (!(cfg->huge_fraction >= 0.0 && cfg->huge_fraction <= 1.0))
		return sim_error_set(err, SIM_E_CONFIG, "os: huge_fraction %g is outside 0..1",
				     cfg->huge_fraction);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return sim_error_set(err, SIM_E_NOMEM, "os: no memory for a VM");
	vm->os = os;
	vm->id = (uint32_t)os->nvms;
	vm->cfg = *cfg;
	if (!vm->cfg.s2_granule_shift)
		vm->cfg.s2_granule_shift = 12;
	if (!vm->cfg.ipa_bits)
		vm->cfg.ipa_bits = 40;
	if (!vm->cfg.s2_start_forced)
		vm->cfg.s2_start_level = geom_s2_default_start_level(vm->cfg.s2_granule_shift,
								     vm->cfg.ipa_bits);
	if (vm->cfg.s2_policy == OS_MAP_DEFAULT)
		vm->cfg.s2_policy = OS_MAP_PAGES;
	s1_defaults(&vm->cfg.guest);
	rc = add_vm(os, vm, err);
	if (rc) {
		free(vm);
		return rc;
	}
	g = (struct pgt_geom){
		.stage = MMU_STAGE2,
		.granule_shift = (uint8_t)vm->cfg.s2_granule_shift,
		.ia_bits = (uint8_t)vm->cfg.ipa_bits,
		.start_level = (int8_t)vm->cfg.s2_start_level,
		.oa_bits = (uint8_t)os->cfg.pa_bits,
		.pamax = (uint8_t)os->cfg.pa_bits,
	};
	b = (struct pgt_backing){ .alloc = s2_table_alloc, .ctx = vm };
	if (vm->cfg.ipa_bits > 52 || vm->cfg.ipa_base >= UINT64_C(1) << vm->cfg.ipa_bits)
		return sim_error_set(err, SIM_E_CONFIG,
				     "VM %u: guest RAM base 0x%llx is outside the %u-bit IPA space",
				     vm->id, (unsigned long long)vm->cfg.ipa_base, vm->cfg.ipa_bits);
	rc = pgt_init(&vm->s2, &g, os->pm, &b, err);
	if (!rc)
		rc = pmem_falloc_init(&vm->mem, vm->cfg.ipa_base, UINT64_C(1) << s1_oa_bits(vm),
				      OS_SMALL_ALIGN, err);
	if (!rc && !vm->cfg.s2_only)
		rc = s1_tree(vm, &vm->kernel, vm->cfg.guest.va_bits, err);
	if (rc)
		return rc;      /* the VM stays listed and is freed by os_destroy() */
	*vmp = vm;
	return 0;
}

int os_proc_create(struct os *os, struct os_vm *vm, const struct os_proc_cfg *cfg,
		   struct os_proc **pp, struct sim_error *err)
{
	struct os_proc *p;
	void **arr;
	int rc;

	if (!vm)
		vm = os->host;
	if (cfg->regime == MMU_REGIME_EL2 && !vm->is_host)
		return sim_error_set(err, SIM_E_CONFIG,
				     "os: an EL2-regime space belongs to the host, not VM %u "
				     "(nested virtualization is not modelled)", vm->id);
	p = calloc(1, sizeof(*p));
	if (!p)
		return sim_error_set(err, SIM_E_NOMEM, "os: no memory for a process");
	p->os = os;
	p->id = (uint32_t)os->nprocs;
	p->vm = vm;
	p->regime = cfg->regime;
	p->policy = cfg->policy != OS_MAP_DEFAULT ? cfg->policy : vm->cfg.guest.policy;
	p->has_s1 = !vm->cfg.s2_only;
	arr = (void **)os->procs;
	rc = push_ptr(&arr, &os->nprocs, &os->procs_cap, p);
	os->procs = (struct os_proc **)arr;
	if (rc) {
		free(p);
		return sim_error_set(err, rc, "os: no memory for a process");
	}
	if (p->has_s1) {
		rc = s1_tree(vm, &p->user, cfg->va_bits ? cfg->va_bits : vm->cfg.guest.va_bits,
			     err);
		if (rc)
			return rc;
	}
	*pp = p;
	return 0;
}

static bool two_ranges(const struct os_proc *p)
{
	return p->regime != MMU_REGIME_EL2;
}

/* Which half translates @va (the VM's kernel half for TTBR1), and @va's
 * input address in that tree. */
static int select_half(const struct os_proc *p, uint64_t va, bool *kernel, uint64_t *ia,
		       struct sim_error *err)
{
	unsigned kbits = p->vm->kernel.g.ia_bits;

	if (!p->has_s1)
		return sim_error_set(err, SIM_E_INVAL,
				     "process %u runs with stage 1 off (VM %u is stage-2 only)",
				     p->id, p->vm->id);
	if (two_ranges(p) && (va >> 55 & 1)) {
		if (bits_extract(va, kbits, 64 - kbits) != bits_low_mask(64 - kbits))
			goto out_of_range;
		*ia = va & bits_low_mask(kbits);
		*kernel = true;
		return 0;
	}
	if (va >> p->user.g.ia_bits)
		goto out_of_range;
	*ia = va;
	*kernel = false;
	return 0;
out_of_range:
	if (!two_ranges(p))
		return sim_error_set(err, SIM_E_INVAL,
				     "VA 0x%llx is outside the %u-bit translation range "
				     "(below 0x%llx)", (unsigned long long)va, p->user.g.ia_bits,
				     (unsigned long long)BIT(p->user.g.ia_bits));
	return sim_error_set(err, SIM_E_INVAL,
			     "VA 0x%llx is in neither translation range (TTBR0 below 0x%llx, "
			     "TTBR1 from 0x%llx)", (unsigned long long)va,
			     (unsigned long long)BIT(p->user.g.ia_bits),
			     (unsigned long long)~bits_low_mask(kbits));
}

int os_touch_ipa(struct os *os, struct os_vm *vm, uint64_t ipa, struct os_touch *out,
		 struct sim_error *err)
{
	struct os_touch dummy;
	struct pgt_leaf leaf;
	bool created;
	int rc;

	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	out->s1_level = -1;
	out->s2_level = -1;
	out->ipa = ipa;
	if (vm->is_host)
		return sim_error_set(err, SIM_E_INVAL, "os: the host has no stage 2");
	if (ipa >> vm->cfg.ipa_bits)
		return sim_error_set(err, SIM_E_INVAL,
				     "VM %u: IPA 0x%llx is above the %u-bit IPA size",
				     vm->id, (unsigned long long)ipa, vm->cfg.ipa_bits);
	rc = s2_ensure(os, vm, ipa, &leaf, &created, err);
	if (rc)
		return rc;
	out->s2_new = created;
	out->s2_level = leaf.level;
	out->s2_shift = leaf.shift;
	out->pa = leaf.oa;
	return 0;
}

/*
 * Linux's fault-around (do_fault_around(), filemap_map_pages()): a read
 * fault on a file mapping also maps every page of the aligned
 * cfg.fault_around window around the faulting page that is not mapped yet,
 * from the page cache (always warm here).  The faulting page is mapped
 * young; the others old when the CPU manages the access flag (set_pte_range()
 * with arch_wants_old_prefaulted_pte(), which is cpu_has_hw_af() on arm64),
 * else young, since an old page would cost an access-flag fault.  The
 * window lies within the last-level table of the faulting page
 * (cfg_validate() keeps it at most one table's span).
 */
static int fault_around(struct os *os, struct os_proc *p, struct pgt *t, uint64_t ia,
			const struct pgt_attrs *young, struct sim_error *err)
{
	const struct os_s1_cfg *c = &p->vm->cfg.guest;
	unsigned g = t->g.granule_shift;
	uint64_t win = c->fault_around, base = ia & ~(win - 1);
	struct pgt_attrs a = *young;

	if (win <= BIT(g))
		return 0;
	a.no_af = c->hw_af;
	for (uint64_t va = base; va < base + win; va += BIT(g)) {
		struct pgt_leaf leaf;
		uint64_t frame;
		int rc;

		if (va >> g == ia >> g)
			continue;
		if ((rc = pgt_lookup(t, va, &leaf, err)))
			return rc;
		if (leaf.mapped)
			continue;
		if ((rc = pmem_falloc_alloc(&p->vm->mem, BIT(g), BIT(g), &frame, err)) ||
		    (rc = pgt_map(t, va, frame, 3, &a, err)))
			return rc;
		os->st.c[OS_C_S1_PAGES]++;
		os->st.c[OS_C_S1_FAULT_AROUND]++;
	}
	return 0;
}

int os_touch(struct os *os, struct os_proc *p, uint64_t va, struct os_touch *out,
	     struct sim_error *err)
{
	return os_fault(os, p, va, MMU_ACC_READ, out, err);
}

int os_fault(struct os *os, struct os_proc *p, uint64_t va, enum mmu_acc_type type,
	     struct os_touch *out, struct sim_error *err)
{
	struct os_vm *vm = p->vm;
	struct os_touch dummy;
	struct pgt *t;
	struct pgt_leaf leaf;
	uint64_t ia;
	bool kernel;
	int rc;

	if (!out)
		out = &dummy;
	os->st.c[OS_C_TOUCHES]++;
	if (!p->has_s1)
		return os_touch_ipa(os, vm, va, out, err);
	memset(out, 0, sizeof(*out));
	out->s2_level = -1;
	rc = select_half(p, va, &kernel, &ia, err);
	if (rc)
		return rc;
	t = kernel ? &vm->kernel : &p->user;
	rc = pgt_lookup(t, ia, &leaf, err);
	if (rc)
		return rc;
	if (!leaf.mapped) {
		enum os_map_policy pol = kernel ? vm->cfg.guest.policy : p->policy;
		int level = pick_level(os, NULL, t, pol, leaf.level, ia);
		uint64_t size = BIT(pgt_leaf_shift(t, level)), frame;
		struct pgt_attrs a = { .no_af = false };

		if (p->regime == MMU_REGIME_EL2) {
			a.el0 = true;                   /* AP[1] is RES1 */
		} else if (kernel) {
			a.xn = true;
			a.ng = vm->cfg.guest.kernel_ng;
		} else {
			a.el0 = true;
			a.ng = true;
			a.pxn = true;
		}
		rc = pmem_falloc_alloc(&vm->mem, size, size, &frame, err);
		if (rc)
			return rc;
		rc = pgt_map(t, ia & ~(size - 1), frame, level, &a, err);
		if (rc)
			return rc;
		os->st.c[OS_C_S1_FAULTS]++;
		os->st.c[level == 3 ? OS_C_S1_PAGES : level == 2 ? OS_C_S1_BLOCKS_L2
							      : OS_C_S1_BLOCKS_L1]++;
		/* A first fetch from a process's own half reads program or
		 * library text, a file mapping: fault-around. */
		if (type == MMU_ACC_FETCH && !kernel && two_ranges(p) && level == 3 &&
		    (rc = fault_around(os, p, t, ia, &a, err)))
			return rc;
		leaf.mapped = true;
		leaf.level = (int8_t)level;
		leaf.shift = (uint8_t)pgt_leaf_shift(t, level);
		leaf.oa = frame + (ia & (size - 1));
		out->s1_new = true;
	}
	out->s1_level = leaf.level;
	out->s1_shift = leaf.shift;
	out->ipa = leaf.oa;
	out->pa = leaf.oa;
	if (vm->is_host)
		return 0;
	{
		struct pgt_leaf s2;
		bool created;

		rc = s2_ensure(os, vm, out->ipa, &s2, &created, err);
		if (rc)
			return rc;
		out->s2_new = created;
		out->s2_level = s2.level;
		out->s2_shift = s2.shift;
		out->pa = s2.oa;
		if (out->s1_new && out->s1_level < 3 && s2.shift < out->s1_shift) {
			out->splintered = true;
			os->st.c[OS_C_SPLINTERED]++;
		}
	}
	return 0;
}

/* @ha: TCR_ELx.HA or VTCR_EL2.HA as the OS or hypervisor sets it. */
static void params_of(const struct pgt *t, enum mmu_regime regime, bool ha,
		      struct walk_params *wp)
{
	*wp = (struct walk_params){
		.ha = ha,
		.stage = t->g.stage,
		.regime = regime,
		.table_base = t->root,
		.granule_shift = t->g.granule_shift,
		.ia_bits = t->g.ia_bits,
		.start_level = t->g.start_level,
		.oa_bits = t->g.oa_bits,
		.pamax = t->g.pamax,
		.lpa64k = t->g.granule_shift == 16 && t->g.oa_bits > 48,
		.cfg_fault = MMU_FAULT_NONE,
	};
}

int os_proc_s1_params(const struct os_proc *p, uint64_t va, struct walk_params *wp,
		      struct sim_error *err)
{
	uint64_t ia;
	bool kernel;
	int rc = select_half(p, va, &kernel, &ia, err);

	if (rc)
		return rc;
	params_of(kernel ? &p->vm->kernel : &p->user, p->regime, p->vm->cfg.guest.hw_af, wp);
	return 0;
}

int os_vm_s2_params(const struct os_vm *vm, struct walk_params *wp, struct sim_error *err)
{
	if (vm->is_host)
		return sim_error_set(err, SIM_E_INVAL, "os: the host has no stage 2");
	params_of(&vm->s2, MMU_REGIME_EL10, vm->cfg.s2_hw_af, wp);
	return 0;
}

void os_proc_mmu_ctx(const struct os_proc *p, uint16_t asid, uint16_t vmid,
		     struct mmu_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->cpu.pamax = (uint8_t)p->os->cfg.pa_bits;
	c->cpu.asid_bits = 16;
	for (unsigned i = 0; i < 3; i++)
		c->cpu.s1_gran[i] = c->cpu.s2_gran[i] = true;
	c->s1_enabled = p->has_s1;
	if (p->has_s1) {
		params_of(&p->user, p->regime, p->vm->cfg.guest.hw_af, &c->s1[0]);
		if (two_ranges(p)) {
			params_of(&p->vm->kernel, p->regime, p->vm->cfg.guest.hw_af, &c->s1[1]);
		} else {
			c->s1[1] = c->s1[0];
			c->s1[1].cfg_fault = MMU_FAULT_TRANSLATION;
		}
	}
	c->s2_enabled = !p->vm->is_host;
	if (c->s2_enabled)
		params_of(&p->vm->s2, MMU_REGIME_EL10, p->vm->cfg.s2_hw_af, &c->s2);
	c->asid = asid;
	c->vmid = vmid;
}
