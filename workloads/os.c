/*
 * workloads/os.c - the guest-OS and hypervisor mapping model; see workloads/os.h.
 *
 * Semantic choices:
 *  - Demand paging only: nothing is mapped before it is touched (but for
 *    fault-around and contiguous groups, below), nothing is ever unmapped
 *    or migrated.  Data frames are never written, so they cost nothing.
 *  - Frames come from deterministic allocators (struct pmem_falloc), one
 *    per guest-physical space and one for the host: pages and tables
 *    upwards, blocks and free runs downwards.  With fragmentation (frag),
 *    a block or a contiguous group finds a free run with the space's
 *    huge_fraction and the OS falls back to smaller mappings otherwise, as
 *    Linux's THP and mTHP allocations fall back to small pages; single
 *    pages then come from fragmented memory and are rarely contiguous.
 *  - Stage 1 is populated first, then stage 2 for the touched IPA only, as
 *    KVM faults guest memory in: a 2M guest block may be backed by 4K
 *    stage-2 pages touched one by one.
 *  - A block maps its whole aligned region at once, to an aligned free run
 *    (THP-style).  A contiguous group (OS_CONT_*) is mapped whole on the
 *    fault of one of its pages, to one aligned free run, every leaf alike
 *    but for its frame, with the Contiguous bit: the conditions under which
 *    Linux's contpte folds a large folio's PTEs (the same folio, aligned,
 *    identical attributes), and the form of hugetlb's CONT_PTE/CONT_PMD
 *    pages.  A group is tried only where all of its region is unmapped.
 *  - On a fault the data frame is allocated before the tables on its path
 *    (frame addresses in tests are predicted in that order).
 *  - The hypervisor's stage-2 blocks and groups are free runs of the host
 *    allocator, found with the VM's huge_fraction (the host backing the
 *    guest's memory with huge pages or not).
 *  - Guest stage-1 table pages are mapped in stage 2 when allocated (the
 *    hypervisor must back them before the guest can write them), with the
 *    same block policy as data, dirty since the guest writes them.
 *  - The host and VMs share one struct pmem; host frames of every VM and of
 *    host processes come from the one host allocator.
 *  - The access flag, as Linux and KVM manage it: a faulting page is mapped
 *    young at both stages; fault-around (a first instruction fetch of a
 *    process, taken to read file-backed text) maps its other pages old only
 *    when the CPU sets the flag itself (hw_af), so that their first access
 *    costs a hardware descriptor update, never a fault; and aging
 *    (old_share, os_age()) makes pages old again between walks.  An old
 *    page walked without hardware AF management takes an access-flag fault,
 *    which os_fix_fault() resolves: AF set, no TLB maintenance (an entry
 *    with AF clear is never cached).
 *  - Dirty state, as Linux maps pages on arm64 with FEAT_HAFDBS, where
 *    PTE_WRITE is the DBM bit: a user page first read is writable-clean
 *    (DBM, AP[2] = 1; arm64's PAGE_SHARED is PTE_RDONLY | PTE_WRITE), one
 *    first written dirty.  A write to a writable-clean page is a hardware
 *    dirty update with HD, a permission fault without, which the OS fixes
 *    (AP[2] cleared) and follows with a TLBI of the stale read-only entry
 *    (arm64's __ptep_set_access_flags()).  Linux maps a private mapping's
 *    first read differently (the zero page or the file page read-only, its
 *    first write a copy-on-write fault whatever HD); that is not modelled.
 *    Stage 2 tracks dirty state only under dirty logging (s2_dirty_log), as
 *    KVM does for live migration: page mappings only, a read fault mapped
 *    without write permission; the first write is a hardware update with
 *    VTCR_EL2.HD, else a permission fault that the hypervisor fixes and
 *    follows with a local TLBI of the IPA and of the VM's stage 1.
 *  - Which accesses fault on file mappings cannot be told from a trace:
 *    fetches are taken to (program and library text), data accesses are
 *    not (anonymous memory), though a first read of .rodata would be.
 */
#include "workloads/os.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/desc.h"
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
	if (!c->frag)
		c->huge_fraction = 1.0;
}

static bool is_fraction(double f)
{
	return f >= 0.0 && f <= 1.0;
}

static int check_s1(const struct os_s1_cfg *c, const char *who, uint32_t id,
		    struct sim_error *err)
{
	if (!is_fraction(c->huge_fraction) || !is_fraction(c->old_share))
		return sim_error_set(err, SIM_E_CONFIG,
				     "%s %u: huge_fraction %g or old_share %g is outside 0..1",
				     who, id, c->huge_fraction, c->old_share);
	return 0;
}

/* Free runs of @mem: the level-2 block of the 2^@granule_shift granule;
 * @frag: its single pages from fragmented memory.  Each allocator hashes
 * with its own seed. */
static int mem_fragment(const struct os *os, struct pmem_falloc *mem, unsigned granule_shift,
			bool frag, uint32_t id, struct sim_error *err)
{
	uint64_t seed = bits_mix64(os->cfg.seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (id + 1)));

	return pmem_falloc_fragment(mem, granule_shift, geom_level_shift(granule_shift, 2), frag,
				    seed, err);
}

unsigned os_cont_entries(unsigned granule_shift, int level)
{
	switch (granule_shift) {
	case 12:
		return level >= 1 && level <= 3 ? 16 : 0;
	case 14:
		return level == 3 ? 128 : level == 2 ? 32 : 0;
	case 16:
		return level == 3 || level == 2 ? 32 : 0;
	default:
		return 0;
	}
}

/* How one stage maps a fault: from where, which sizes, which attributes. */
struct map_req {
	struct pgt *t;
	struct pmem_falloc *mem;
	double fraction;                /* of a free-run request */
	enum os_map_policy policy;
	unsigned cont;                  /* OS_CONT_* */
	const struct pgt_attrs *attrs;
	bool s2;                        /* which counters */
};

/* Entries of the contiguous group @rq maps at @level, or 0. */
static unsigned group_entries(const struct map_req *rq, int level)
{
	unsigned want = level == 3 ? OS_CONT_LAST : level == 2 ? OS_CONT_BLOCK : 0;

	return rq->cont & want ? os_cont_entries(rq->t->g.granule_shift, level) : 0;
}

/* Is the aligned group of @n leaves at @level from @base inside the input
 * range and wholly unmapped, with no table at @level? */
static int group_free(struct pgt *t, uint64_t base, int level, unsigned n, bool *ok,
		      struct sim_error *err)
{
	uint64_t step = BIT(pgt_leaf_shift(t, level));

	*ok = false;
	if ((base + n * step - 1) >> t->g.ia_bits)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct pgt_leaf l;
		int rc = pgt_lookup(t, base + i * step, &l, err);

		if (rc)
			return rc;
		if (l.mapped || l.level > level)
			return 0;
	}
	*ok = true;
	return 0;
}

/* Map @n leaves at @level from @base to frames from @frame; count them. */
static int map_leaves(struct os *os, const struct map_req *rq, uint64_t base, uint64_t frame,
		      int level, unsigned n, struct sim_error *err)
{
	uint64_t step = BIT(pgt_leaf_shift(rq->t, level));
	struct pgt_attrs a = *rq->attrs;
	int c = level == 3 ? (rq->s2 ? OS_C_S2_PAGES : OS_C_S1_PAGES)
		: level == 2 ? (rq->s2 ? OS_C_S2_BLOCKS_L2 : OS_C_S1_BLOCKS_L2)
			     : (rq->s2 ? OS_C_S2_BLOCKS_L1 : OS_C_S1_BLOCKS_L1);

	a.contiguous = n > 1;
	for (unsigned i = 0; i < n; i++) {
		int rc = pgt_map(rq->t, base + i * step, frame + i * step, level, &a, err);

		if (rc)
			return rc;
	}
	os->st.c[c] += n;
	if (n > 1)
		os->st.c[rq->s2 ? OS_C_S2_CONT : OS_C_S1_CONT]++;
	return 0;
}

/*
 * Map @ia, which a lookup found unmapped with its invalid descriptor at
 * @stop: the largest of a block of each allowed level, a contiguous group
 * of such blocks or of pages, and a page, whose region is free in the
 * tables and (but for the page) for which the allocator has a free run.
 * @leaf: the new leaf mapping @ia
 */
static int map_fault(struct os *os, const struct map_req *rq, uint64_t ia, int stop,
		     struct pgt_leaf *leaf, struct sim_error *err)
{
	struct pgt *t = rq->t;
	int first = rq->policy == OS_MAP_L1 ? 1 : rq->policy == OS_MAP_L2 ? 2 : 3;

	for (int l = first; l <= 3; l++) {
		unsigned shift = pgt_leaf_shift(t, l);

		if (l < 3 && (l < t->g.start_level || l < stop ||
			      !geom_block_allowed(t->g.granule_shift, l, t->g.pamax)))
			continue;
		/* a contiguous group first, then the single leaf */
		const unsigned ns[2] = { group_entries(rq, l), 1 };

		for (unsigned k = 0; k < 2; k++) {
			unsigned n = ns[k];
			uint64_t size = BIT(shift) * n, base = ia & ~(size - 1), frame;
			bool ok = true;
			int rc;

			if (!k && n < 2)        /* no group at this level */
				continue;
			if (n > 1 && (rc = group_free(t, base, l, n, &ok, err)))
				return rc;
			if (!ok)
				continue;
			if (n == 1 && l == 3)
				rc = pmem_falloc_alloc(rq->mem, size, size, &frame, err);
			else
				rc = pmem_falloc_try(rq->mem, size, rq->fraction, &frame, err);
			if (rc < 0)
				return rc;
			if (rc == 1) {
				os->st.c[rq->s2 ? OS_C_S2_NO_RUN : OS_C_S1_NO_RUN]++;
				continue;
			}
			if ((rc = map_leaves(os, rq, base, frame, l, n, err)))
				return rc;
			os->st.c[rq->s2 ? OS_C_S2_FAULTS : OS_C_S1_FAULTS]++;
			leaf->mapped = true;
			leaf->level = (int8_t)l;
			leaf->shift = (uint8_t)shift;
			leaf->oa = frame + (ia - base);
			return 0;
		}
	}
	return sim_error_set(err, SIM_E_INVAL, "os: IA 0x%llx: no mapping fits",
			     (unsigned long long)ia);
}

/* The stage-2 mapping of @ipa, made for an access (@write: a write)
 * when missing. */
static int s2_ensure(struct os *os, struct os_vm *vm, uint64_t ipa, bool write,
		     struct pgt_leaf *leaf, bool *created, struct sim_error *err)
{
	bool log = vm->cfg.s2_dirty_log;
	struct pgt_attrs a = { .dbm = log, .read_only = log && !write };
	struct map_req rq = {
		.t = &vm->s2, .mem = &os->host->mem, .fraction = vm->cfg.huge_fraction,
		/* KVM maps pages only while it logs dirty pages (force_pte) */
		.policy = log ? OS_MAP_PAGES : vm->cfg.s2_policy,
		.cont = log ? 0 : vm->cfg.s2_contiguous, .attrs = &a, .s2 = true,
	};
	int rc;

	*created = false;
	rc = pgt_lookup(&vm->s2, ipa, leaf, err);
	if (rc || leaf->mapped)
		return rc;
	if ((rc = map_fault(os, &rq, ipa, leaf->level, leaf, err)))
		return rc;
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

		/* written by the guest as soon as it has them */
		rc = s2_ensure(os, vm, ipa, true, &leaf, &created, err);
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
	if (!os->cfg.host_granule_shift)
		os->cfg.host_granule_shift = os->cfg.host.granule_shift;
	if (os->cfg.pa_bits < 32 || os->cfg.pa_bits > 52)
		return sim_error_set(err, SIM_E_CONFIG, "os: PA size %u is outside 32..52 bits",
				     os->cfg.pa_bits);
	if ((rc = check_s1(&os->cfg.host, "host", 0, err)))
		return rc;
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
		rc = mem_fragment(os, &host->mem, os->cfg.host_granule_shift,
				  os->cfg.host_frag || os->cfg.host.frag, 0, err);
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

	if (!is_fraction(cfg->huge_fraction) || !is_fraction(cfg->s2_old_share))
		return sim_error_set(err, SIM_E_CONFIG,
				     "os: huge_fraction %g or old_share %g is outside 0..1",
				     cfg->huge_fraction, cfg->s2_old_share);
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
	if ((rc = check_s1(&vm->cfg.guest, "VM", vm->id, err)))
		return rc;      /* the VM stays listed and is freed by os_destroy() */
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
	if (!rc)
		rc = mem_fragment(os, &vm->mem, vm->cfg.guest.granule_shift, vm->cfg.guest.frag,
				  vm->id, err);
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

static int touch_ipa(struct os *os, struct os_vm *vm, uint64_t ipa, bool write,
		     struct os_touch *out, struct sim_error *err)
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
	rc = s2_ensure(os, vm, ipa, write, &leaf, &created, err);
	if (rc)
		return rc;
	out->s2_new = created;
	out->s2_level = leaf.level;
	out->s2_shift = leaf.shift;
	out->pa = leaf.oa;
	return 0;
}

int os_touch_ipa(struct os *os, struct os_vm *vm, uint64_t ipa, struct os_touch *out,
		 struct sim_error *err)
{
	return touch_ipa(os, vm, ipa, false, out, err);
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
	bool kernel, write = type == MMU_ACC_WRITE;
	int rc;

	if (!out)
		out = &dummy;
	os->st.c[OS_C_TOUCHES]++;
	if (!p->has_s1)
		return touch_ipa(os, vm, va, write, out, err);
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
		const struct os_s1_cfg *c = &vm->cfg.guest;
		/* user pages track dirty state (DBM is Linux's PTE_WRITE) */
		bool track = !kernel && p->regime != MMU_REGIME_EL2 && !c->map_dirty;
		struct pgt_attrs a = { .dbm = track, .read_only = track && !write };
		struct map_req rq = {
			.t = t, .mem = &vm->mem, .fraction = c->huge_fraction,
			.policy = kernel ? c->policy : p->policy, .cont = c->contiguous,
			.attrs = &a,
		};

		if (p->regime == MMU_REGIME_EL2) {
			a.el0 = true;                   /* AP[1] is RES1 */
		} else if (kernel) {
			a.xn = true;
			a.ng = c->kernel_ng;
		} else {
			a.el0 = true;
			a.ng = true;
			a.pxn = true;
		}
		if ((rc = map_fault(os, &rq, ia, leaf.level, &leaf, err)))
			return rc;
		/* A first fetch from a process's own half reads program or
		 * library text, a file mapping: fault-around. */
		if (type == MMU_ACC_FETCH && !kernel && two_ranges(p) && leaf.level == 3 &&
		    (rc = fault_around(os, p, t, ia, &a, err)))
			return rc;
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

		rc = s2_ensure(os, vm, out->ipa, write, &s2, &created, err);
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

/* The stage-1 tree, input address and leaf that translate @va of @p. */
static int s1_leaf(struct os_proc *p, uint64_t va, struct pgt **t, uint64_t *ia,
		   struct pgt_leaf *leaf, struct sim_error *err)
{
	bool kernel;
	int rc = select_half(p, va, &kernel, ia, err);

	if (rc)
		return rc;
	*t = kernel ? &p->vm->kernel : &p->user;
	return pgt_lookup(*t, *ia, leaf, err);
}

/*
 * Set @set and clear @clear in the leaf @leaf of @t that maps @ia (@addr
 * in the caller's terms: the VA for stage 1), or in every leaf of its
 * contiguous group, which software keeps alike; @fx gets what changed.
 */
static int update_group(struct pgt *t, uint64_t ia, uint64_t addr, const struct pgt_leaf *leaf,
			uint64_t set, uint64_t clear, struct os_fix *fx, struct sim_error *err)
{
	unsigned n = leaf->desc & DESC_CONT ? os_cont_entries(t->g.granule_shift, leaf->level) : 0;
	uint64_t step = BIT(leaf->shift), span, base;

	if (n < 2)
		n = 1;
	span = step * n;
	base = ia & ~(span - 1);
	for (unsigned i = 0; i < n; i++) {
		int rc = pgt_update_leaf(t, base + i * step, set, clear, NULL, err);

		if (rc)
			return rc;
	}
	fx->addr = addr & ~(span - 1);
	fx->shift = leaf->shift;
	fx->n = n;
	return 0;
}

/* Is @h (a 64-bit hash) below @share, a probability? */
static bool hash_below(uint64_t h, double share)
{
	return share >= 1.0 || (double)(h >> 11) * 0x1p-53 < share;
}

int os_age(struct os *os, struct os_proc *p, uint64_t va, const struct os_touch *t,
	   struct sim_error *err)
{
	struct os_vm *vm = p->vm;
	uint64_t when = os->st.c[OS_C_TOUCHES], h;
	struct os_fix fx;
	struct pgt_leaf leaf;
	int rc;

	if (p->has_s1 && vm->cfg.guest.old_share > 0.0 && !t->s1_new &&
	    p->regime != MMU_REGIME_EL2 && !(two_ranges(p) && (va >> 55 & 1))) {
		struct pgt *tree;
		uint64_t ia;

		h = bits_mix64(os->cfg.seed ^ bits_mix64(va >> 12 ^ when << 20) ^ 1);
		if (hash_below(h, vm->cfg.guest.old_share)) {
			if ((rc = s1_leaf(p, va, &tree, &ia, &leaf, err)))
				return rc;
			if (leaf.mapped && (leaf.desc & DESC_AF)) {
				if ((rc = update_group(tree, ia, va, &leaf, 0, DESC_AF, &fx, err)))
					return rc;
				os->st.c[OS_C_S1_AGED] += fx.n;
			}
		}
	}
	if (!vm->is_host && vm->cfg.s2_old_share > 0.0 && !t->s2_new) {
		h = bits_mix64(os->cfg.seed ^ bits_mix64(t->ipa >> 12 ^ when << 20) ^ 2);
		if (hash_below(h, vm->cfg.s2_old_share)) {
			if ((rc = pgt_lookup(&vm->s2, t->ipa, &leaf, err)))
				return rc;
			if (leaf.mapped && (leaf.desc & DESC_AF)) {
				if ((rc = update_group(&vm->s2, t->ipa, t->ipa, &leaf, 0, DESC_AF, &fx,
						       err)))
					return rc;
				os->st.c[OS_C_S2_AGED] += fx.n;
			}
		}
	}
	return 0;
}

/* Is @leaf writable-clean: software-writable (DBM) but not writable now? */
static bool writable_clean(const struct pgt_leaf *leaf, bool s2)
{
	return leaf->mapped && (leaf->desc & DESC_DBM) &&
	       (s2 ? !(leaf->desc & DESC_S2AP_W) : (leaf->desc & DESC_AP_RO) != 0);
}

/* Make the stage-1 leaf of @va writable and young (Linux's pte_mkdirty()
 * and pte_mkyoung() in one ptep_set_access_flags()). */
static int s1_make_dirty(struct os *os, struct os_proc *p, uint64_t va, struct os_fix *out,
			 struct sim_error *err)
{
	struct pgt *t;
	struct pgt_leaf leaf;
	uint64_t ia;
	int rc = s1_leaf(p, va, &t, &ia, &leaf, err);

	if (rc || !writable_clean(&leaf, false))
		return rc;
	if ((rc = update_group(t, ia, va, &leaf, DESC_AF, DESC_AP_RO, out, err)))
		return rc;
	out->kind = OS_FIX_S1_DIRTY;
	out->tlbi = true;
	os->st.c[OS_C_S1_DIRTY_FAULTS]++;
	return 0;
}

/* The hypervisor grants write permission to the stage-2 leaf of @ipa. */
static int s2_make_dirty(struct os *os, struct os_vm *vm, uint64_t ipa, struct os_fix *out,
			 struct sim_error *err)
{
	struct pgt_leaf leaf;
	int rc = pgt_lookup(&vm->s2, ipa, &leaf, err);

	if (rc || !writable_clean(&leaf, true))
		return rc;
	if ((rc = update_group(&vm->s2, ipa, ipa, &leaf, DESC_AF | DESC_S2AP_W, 0, out, err)))
		return rc;
	out->kind = OS_FIX_S2_DIRTY;
	out->tlbi = true;
	os->st.c[OS_C_S2_DIRTY_FAULTS]++;
	return 0;
}

int os_fix_fault(struct os *os, struct os_proc *p, uint64_t va, enum mmu_acc_type type,
		 const struct mmu_fault *f, struct os_fix *out, struct sim_error *err)
{
	struct os_vm *vm = p->vm;
	struct pgt_leaf leaf;
	int rc;

	memset(out, 0, sizeof(*out));
	if (f->type == MMU_FAULT_ACCESS_FLAG && f->stage == 1) {
		struct pgt *t;
		uint64_t ia, clear = 0;

		if ((rc = s1_leaf(p, va, &t, &ia, &leaf, err)) || !leaf.mapped ||
		    (leaf.desc & DESC_AF))
			return rc;
		/* a write to an old writable-clean page: young and dirty at once */
		if (type == MMU_ACC_WRITE && writable_clean(&leaf, false))
			clear = DESC_AP_RO;
		if ((rc = update_group(t, ia, va, &leaf, DESC_AF, clear, out, err)))
			return rc;
		out->kind = OS_FIX_S1_AF;
		out->tlbi = clear != 0;
		os->st.c[OS_C_S1_AF_FAULTS]++;
		return 0;
	}
	if (f->type == MMU_FAULT_ACCESS_FLAG && f->stage == 2 && !vm->is_host) {
		if ((rc = pgt_lookup(&vm->s2, f->ipa, &leaf, err)) || !leaf.mapped ||
		    (leaf.desc & DESC_AF))
			return rc;
		if ((rc = update_group(&vm->s2, f->ipa, f->ipa, &leaf, DESC_AF, 0, out, err)))
			return rc;
		out->kind = OS_FIX_S2_AF;
		os->st.c[OS_C_S2_AF_FAULTS]++;
		return 0;
	}
	if (f->type != MMU_FAULT_PERMISSION)
		return 0;
	/* a walk's own write is to the descriptor's table page (s1ptw) */
	if (f->stage == 1 && type == MMU_ACC_WRITE)
		return s1_make_dirty(os, p, va, out, err);
	if (f->stage == 2 && !vm->is_host && (type == MMU_ACC_WRITE || f->s1ptw))
		return s2_make_dirty(os, vm, f->ipa, out, err);
	return 0;
}

int os_fix_write(struct os *os, struct os_proc *p, uint64_t va, struct os_fix *out,
		 struct sim_error *err)
{
	uint64_t ipa = va;
	int rc;

	memset(out, 0, sizeof(*out));
	if (p->has_s1) {
		struct pgt *t;
		struct pgt_leaf leaf;
		uint64_t ia;

		if ((rc = s1_leaf(p, va, &t, &ia, &leaf, err)) || !leaf.mapped)
			return rc;
		if (writable_clean(&leaf, false))
			return s1_make_dirty(os, p, va, out, err);
		/* stage 1 refuses the write for good: a permission fault the
		 * OS does not resolve */
		if (leaf.desc & DESC_AP_RO)
			return 0;
		ipa = leaf.oa;
	}
	if (p->vm->is_host)
		return 0;
	return s2_make_dirty(os, p->vm, ipa, out, err);
}

/* @ha, @hd: TCR_ELx.{HA,HD} or VTCR_EL2.{HA,HD} as the OS or hypervisor
 * sets them. */
static void params_of(const struct pgt *t, enum mmu_regime regime, bool ha, bool hd,
		      struct walk_params *wp)
{
	*wp = (struct walk_params){
		.ha = ha,
		.hd = hd,
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
	params_of(kernel ? &p->vm->kernel : &p->user, p->regime, p->vm->cfg.guest.hw_af,
		  p->vm->cfg.guest.hw_dirty, wp);
	return 0;
}

int os_vm_s2_params(const struct os_vm *vm, struct walk_params *wp, struct sim_error *err)
{
	if (vm->is_host)
		return sim_error_set(err, SIM_E_INVAL, "os: the host has no stage 2");
	params_of(&vm->s2, MMU_REGIME_EL10, vm->cfg.s2_hw_af, vm->cfg.s2_hw_dirty, wp);
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
		const struct os_s1_cfg *g = &p->vm->cfg.guest;

		params_of(&p->user, p->regime, g->hw_af, g->hw_dirty, &c->s1[0]);
		if (two_ranges(p)) {
			params_of(&p->vm->kernel, p->regime, g->hw_af, g->hw_dirty, &c->s1[1]);
		} else {
			c->s1[1] = c->s1[0];
			c->s1[1].cfg_fault = MMU_FAULT_TRANSLATION;
		}
	}
	c->s2_enabled = !p->vm->is_host;
	if (c->s2_enabled)
		params_of(&p->vm->s2, MMU_REGIME_EL10, p->vm->cfg.s2_hw_af, p->vm->cfg.s2_hw_dirty,
			  &c->s2);
	c->asid = asid;
	c->vmid = vmid;
}
