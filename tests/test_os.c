/*
 * tests/test_os.c - the guest-OS/hypervisor mapping model.
 *
 * Frame addresses are predicted by hand from the bump allocators (tables
 * and pages upwards from the RAM base in allocation order), counters are
 * exact, and what was built is walked with mmu_translate(), which must
 * reach the physical address os_touch() reported.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/desc.h"
#include "workloads/os.h"
#include "mmu/translate.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define KVA(off) (UINT64_C(0xffff000000000000) + (off))

struct fx {
	struct pmem pm;
	struct os os;
	struct sim_error err;
	struct os_vm *vm;
	struct os_proc *p;
};

static struct fx fx;

static void setup(void)
{
	memset(&fx, 0, sizeof(fx));
	ck_assert_int_eq(pmem_init(&fx.pm, &fx.err), 0);
}

static void teardown(void)
{
	if (fx.os.host)
		os_destroy(&fx.os);
	pmem_destroy(&fx.pm);
}

static void os_up(const struct os_cfg *cfg)
{
	int rc = os_init(&fx.os, cfg, &fx.pm, &fx.err);

	ck_assert_msg(rc == 0, "os_init: %s", fx.err.msg);
}

static struct os_vm *vm_up(const struct os_vm_cfg *cfg)
{
	struct os_vm *vm = NULL;
	int rc = os_vm_create(&fx.os, cfg, &vm, &fx.err);

	ck_assert_msg(rc == 0, "os_vm_create: %s", fx.err.msg);
	return vm;
}

static struct os_proc *proc_up(struct os_vm *vm, const struct os_proc_cfg *cfg)
{
	static const struct os_proc_cfg dflt;
	struct os_proc *p = NULL;
	int rc = os_proc_create(&fx.os, vm, cfg ? cfg : &dflt, &p, &fx.err);

	ck_assert_msg(rc == 0, "os_proc_create: %s", fx.err.msg);
	return p;
}

static struct os_touch touch(struct os_proc *p, uint64_t va)
{
	struct os_touch t;
	int rc = os_touch(&fx.os, p, va, &t, &fx.err);

	ck_assert_msg(rc == 0, "os_touch(0x%llx): %s", (unsigned long long)va, fx.err.msg);
	return t;
}

static uint64_t ctr(enum os_counter c)
{
	return fx.os.st.c[c];
}

/* Translate @va as @p would (two stages in a VM) and return the result. */
static struct mmu_result translate(struct os_proc *p, uint64_t va)
{
	struct mmu_ctx c;
	struct mmu_mem m = pmem_mem(&fx.pm);
	struct mmu_access acc = { .type = MMU_ACC_READ, .el = 1 };
	struct mmu_result r;
	int rc;

	os_proc_mmu_ctx(p, 5, (uint16_t)p->vm->id, &c);
	rc = mmu_translate(&c, &m, va, acc, true, &r, NULL);
	ck_assert_msg(rc == 0, "translate 0x%llx: rc %d, fault %d stage %u level %d s1ptw %d",
		      (unsigned long long)va, rc, r.fault.type, r.fault.stage, r.fault.level,
		      r.fault.s1ptw);
	return r;
}

static const struct os_cfg base_cfg = { .ram_base = 0x80000000 };

/* ---- native ---- */

START_TEST(test_native_first_touch)
{
	struct os_touch t;
	struct mmu_result r;

	os_up(&base_cfg);
	fx.p = proc_up(NULL, NULL);
	/* Host frames: kernel root 0x80000000, process root 0x80001000. */
	ck_assert_uint_eq(fx.os.host->kernel.root, 0x80000000);
	ck_assert_uint_eq(fx.p->user.root, 0x80001000);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 2);
	/* First touch: the data frame 0x80002000 first, then the L1, L2 and
	 * L3 tables on its path, 0x80003000..0x80005000. */
	t = touch(fx.p, 0x400123);
	ck_assert(t.s1_new);
	ck_assert(!t.s2_new);
	ck_assert_int_eq(t.s1_level, 3);
	ck_assert_int_eq(t.s2_level, -1);
	ck_assert_uint_eq(t.pa, 0x80002123);
	ck_assert_uint_eq(t.ipa, t.pa);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 5);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 1);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULTS), 1);
	/* Second touch of the page: nothing new. */
	t = touch(fx.p, 0x400ff8);
	ck_assert(!t.s1_new);
	ck_assert_uint_eq(t.pa, 0x80002ff8);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 5);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 1);
	ck_assert_uint_eq(ctr(OS_C_TOUCHES), 2);
	/* The next page needs only a frame. */
	t = touch(fx.p, 0x401000);
	ck_assert_uint_eq(t.pa, 0x80006000);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 5);
	/* The walker agrees; a native walk reads one descriptor per level. */
	r = translate(fx.p, 0x400123);
	ck_assert_uint_eq(r.oa, 0x80002123);
	ck_assert_uint_eq(r.s1_reads, 4);
	ck_assert_uint_eq(r.s2_reads, 0);
	ck_assert(!r.global);
	ck_assert_uint_eq(fx.os.st.c[OS_C_S2_PAGES] + ctr(OS_C_S2_TABLES), 0);
}
END_TEST

START_TEST(test_user_and_kernel_attributes)
{
	struct os_cfg cfg = base_cfg;
	struct os_proc *q;
	struct pgt_leaf leaf;
	struct os_touch t;

	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	q = proc_up(NULL, NULL);
	ck_assert_uint_eq(q->id, 1);
	touch(fx.p, 0x1000);
	ck_assert_int_eq(pgt_lookup(&fx.p->user, 0x1000, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	ck_assert_uint_eq(leaf.desc & (DESC_NG | DESC_AP_EL0 | DESC_PXN | DESC_AF | DESC_UXN),
			  DESC_NG | DESC_AP_EL0 | DESC_PXN | DESC_AF);
	/* Kernel VA: the shared TTBR1 tree, global, EL1 only, UXN. */
	t = touch(fx.p, KVA(0x2000));
	ck_assert(t.s1_new);
	ck_assert_int_eq(pgt_lookup(&fx.os.host->kernel, 0x2000, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	ck_assert_uint_eq(leaf.desc & (DESC_NG | DESC_AP_EL0 | DESC_PXN | DESC_UXN),
			  DESC_UXN);
	/* Another process sees the same kernel page without a new mapping. */
	t = touch(q, KVA(0x2008));
	ck_assert(!t.s1_new);
	ck_assert_uint_eq(t.pa, leaf.oa + 8);
	ck_assert(translate(q, KVA(0x2008)).global);
	/* Outside both ranges. */
	ck_assert_int_eq(os_touch(&fx.os, fx.p, UINT64_C(1) << 48, NULL, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(os_touch(&fx.os, fx.p, UINT64_C(0xfffe000000000000), NULL, &fx.err),
			 SIM_E_INVAL);
}
END_TEST

START_TEST(test_kernel_non_global)
{
	struct os_cfg cfg = base_cfg;
	struct pgt_leaf leaf;

	cfg.host.kernel_ng = true;
	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	touch(fx.p, KVA(0x5000));
	ck_assert_int_eq(pgt_lookup(&fx.os.host->kernel, 0x5000, &leaf, &fx.err), 0);
	ck_assert(leaf.desc & DESC_NG);
	ck_assert(!translate(fx.p, KVA(0x5000)).global);
}
END_TEST

/* The nVHE hypervisor's space: one range of 48 bits while the host kernel
 * uses 39 (the idmap's extra level), global mappings, AP[1] RES1. */
START_TEST(test_el2_regime_extra_level)
{
	struct os_cfg cfg = base_cfg;
	struct os_proc_cfg el2 = { .regime = MMU_REGIME_EL2, .va_bits = 48 };
	struct walk_params wp;
	struct pgt_leaf leaf;
	struct os_touch t;
	struct mmu_result r;

	cfg.host.va_bits = 39;
	os_up(&cfg);
	fx.p = proc_up(NULL, &el2);
	ck_assert_int_eq(fx.os.host->kernel.g.start_level, 1);
	ck_assert_int_eq(os_proc_s1_params(fx.p, 0x8000000000, &wp, &fx.err), 0);
	ck_assert_int_eq(wp.start_level, 0);
	ck_assert_int_eq(wp.ia_bits, 48);
	ck_assert_int_eq(wp.regime, MMU_REGIME_EL2);
	ck_assert_uint_eq(wp.table_base, fx.p->user.root);
	t = touch(fx.p, 0x8000000000);
	ck_assert(t.s1_new);
	ck_assert_int_eq(pgt_lookup(&fx.p->user, 0x8000000000, &leaf, &fx.err), 0);
	ck_assert_uint_eq(leaf.desc & (DESC_NG | DESC_AP_EL0), DESC_AP_EL0);
	r = translate(fx.p, 0x8000000000);
	ck_assert_uint_eq(r.oa, t.pa);
	ck_assert_uint_eq(r.s1_reads, 4);
	/* A single range: upper-half VAs do not exist. */
	ck_assert_int_eq(os_touch(&fx.os, fx.p, KVA(0), NULL, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	/* And VMs cannot own an EL2 space. */
	fx.vm = vm_up(&(struct os_vm_cfg){ .ipa_base = 0x40000000 });
	ck_assert_int_eq(os_proc_create(&fx.os, fx.vm, &el2, &fx.p, &fx.err), SIM_E_CONFIG);
}
END_TEST

/* ---- virtualized ---- */

START_TEST(test_virt_first_touch_both_stages)
{
	struct os_vm_cfg vcfg = { .ipa_base = 0x40000000 };
	struct os_touch t;
	struct mmu_result r;
	struct walk_params wp;

	os_up(&base_cfg);
	fx.vm = vm_up(&vcfg);
	ck_assert_uint_eq(fx.vm->id, 1);
	/* 4K, 40-bit IPA: KVM's start level 1, two tables aligned to 8K.  Host
	 * frames: host kernel root 0x80000000, stage-2 root 0x80002000-0x80003fff. */
	ck_assert_int_eq(os_vm_s2_params(fx.vm, &wp, &fx.err), 0);
	ck_assert_int_eq(wp.start_level, 1);
	ck_assert_uint_eq(wp.table_base, 0x80002000);
	ck_assert_int_eq(wp.stage, MMU_STAGE2);
	ck_assert_int_eq(wp.ia_bits, 40);
	ck_assert_int_eq(wp.oa_bits, 48);
	ck_assert_uint_eq(fx.vm->s2.root_tables, 2);
	/* The guest kernel root is guest frame 0x40000000; the hypervisor
	 * backs it with host frame 0x80004000 (then its L2 and L3 tables
	 * 0x80005000, 0x80006000). */
	ck_assert_uint_eq(fx.vm->kernel.root, 0x40000000);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 1);
	ck_assert_uint_eq(ctr(OS_C_S2_TABLES), 4);
	fx.p = proc_up(fx.vm, NULL);
	ck_assert_uint_eq(fx.p->user.root, 0x40001000);       /* backed by 0x80007000 */
	/* First touch: guest data frame 0x40002000, then guest tables
	 * 0x40003000-0x40005000 (backed by host 0x80008000-0x8000a000 as each
	 * is allocated), then stage 2 for the data: host 0x8000b000.  The
	 * host kernel root counts among the stage-1 tables too. */
	t = touch(fx.p, 0x7f0000001234);
	ck_assert(t.s1_new);
	ck_assert(t.s2_new);
	ck_assert_int_eq(t.s1_level, 3);
	ck_assert_int_eq(t.s2_level, 3);
	ck_assert_uint_eq(t.ipa, 0x40002234);
	ck_assert_uint_eq(t.pa, 0x8000b234);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 6);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 6);
	ck_assert_uint_eq(ctr(OS_C_S2_TABLES), 4);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULTS), 1);
	ck_assert_uint_eq(ctr(OS_C_S2_FAULTS), 6);
	/* Second touch: nothing new anywhere. */
	t = touch(fx.p, 0x7f0000001000);
	ck_assert(!t.s1_new && !t.s2_new);
	ck_assert_uint_eq(t.pa, 0x8000b000);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 6);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 1);
	/* The nested walk: 4 stage-1 levels over 3 stage-2 levels,
	 * (4+1)(3+1)-1 = 19 reads. */
	r = translate(fx.p, 0x7f0000001234);
	ck_assert_uint_eq(r.oa, 0x8000b234);
	ck_assert_uint_eq(r.ipa, 0x40002234);
	ck_assert_uint_eq(r.s1_reads, 4);
	ck_assert_uint_eq(r.s2_reads, 15);
	ck_assert_uint_eq(r.vmid, 1);
}
END_TEST

/* A 64K guest over 4K stage 2: each 64K guest table needs 16 stage-2 pages. */
START_TEST(test_guest_tables_over_smaller_s2_pages)
{
	struct os_vm_cfg vcfg = { .ipa_base = 0x40000000, .guest.granule_shift = 16 };
	struct os_touch t;

	os_up(&base_cfg);
	fx.vm = vm_up(&vcfg);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 16);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 2);     /* with the host kernel root */
	fx.p = proc_up(fx.vm, NULL);
	/* 48-bit VA with 64K: levels 1-3, so two more tables on first touch,
	 * and the 64K data page is backed page by page (one 4K here). */
	t = touch(fx.p, 0x123456789abc);
	ck_assert_uint_eq(ctr(OS_C_S1_TABLES), 5);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 16 * 4 + 1);
	ck_assert_uint_eq(translate(fx.p, 0x123456789abc).oa, t.pa);
	/* another 4K of the same 64K guest page: stage 2 only */
	t = touch(fx.p, 0x12345678a000);
	ck_assert(!t.s1_new && t.s2_new);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 16 * 4 + 2);
	ck_assert_uint_eq(translate(fx.p, 0x12345678a000).oa, t.pa);
}
END_TEST

START_TEST(test_policies_and_splintering)
{
	struct os_cfg cfg = base_cfg;
	struct os_vm_cfg pages = { .ipa_base = 0x40000000, .guest.policy = OS_MAP_L2,
				   .huge_fraction = 1.0 };
	struct os_vm_cfg huge = pages;
	struct os_vm *vm2;
	struct os_proc *q;
	struct os_touch t;

	os_up(&cfg);
	/* VM 1: guest 2M blocks over stage-2 pages: splintered. */
	fx.vm = vm_up(&pages);
	fx.p = proc_up(fx.vm, NULL);
	t = touch(fx.p, 0x200000 * 7 + 0x3456);
	ck_assert_int_eq(t.s1_level, 2);
	ck_assert_uint_eq(t.s1_shift, 21);
	ck_assert_int_eq(t.s2_level, 3);
	ck_assert(t.splintered);
	ck_assert_uint_eq(t.ipa & (2 * MiB - 1), 0x3456);
	ck_assert_uint_eq(ctr(OS_C_S1_BLOCKS_L2), 1);
	ck_assert_uint_eq(ctr(OS_C_SPLINTERED), 1);
	/* the rest of the guest block is faulted into stage 2 on touch */
	t = touch(fx.p, 0x200000 * 7 + 0x1ff000);
	ck_assert(!t.s1_new && t.s2_new && !t.splintered);
	ck_assert_uint_eq(ctr(OS_C_S1_BLOCKS_L2), 1);
	ck_assert_uint_eq(translate(fx.p, 0x200000 * 7 + 0x1ff000).oa, t.pa);

	/* VM 2: 1G guest blocks over 1G huge stage-2 blocks: no splinter. */
	huge.guest.policy = OS_MAP_L1;
	huge.s2_policy = OS_MAP_L1;
	vm2 = vm_up(&huge);
	q = proc_up(vm2, NULL);
	t = touch(q, 3 * GiB + 0x12345);
	ck_assert_int_eq(t.s1_level, 1);
	ck_assert_int_eq(t.s2_level, 1);
	ck_assert(!t.splintered);
	ck_assert_uint_eq(ctr(OS_C_S1_BLOCKS_L1), 1);
	ck_assert_uint_ge(ctr(OS_C_S2_BLOCKS_L1), 2);   /* data, and guest tables */
	ck_assert_uint_eq(t.pa & (GiB - 1), t.ipa & (GiB - 1));
	ck_assert_uint_eq(translate(q, 3 * GiB + 0x12345).oa, t.pa);
	ck_assert_uint_eq(ctr(OS_C_SPLINTERED), 1);
}
END_TEST

/* Block levels follow the stage-2 geometry: 16K has no level-1 block; a 64K
 * 42-bit IPA starts at level 2. */
START_TEST(test_s2_block_levels_by_geometry)
{
	struct os_cfg cfg = base_cfg;
	struct os_vm_cfg v16 = { .s2_granule_shift = 14, .s2_policy = OS_MAP_L1, .s2_only = true,
				 .huge_fraction = 1.0 };
	struct os_vm_cfg v64 = { .s2_granule_shift = 16, .ipa_bits = 42,
				 .s2_policy = OS_MAP_L1, .s2_only = true, .huge_fraction = 1.0 };
	struct os_vm_cfg v4 = { .ipa_bits = 40, .s2_start_forced = true, .s2_start_level = 0,
				.s2_policy = OS_MAP_L1, .s2_only = true, .huge_fraction = 1.0 };
	struct os_vm *a, *b, *c;
	struct os_touch t;

	os_up(&cfg);
	a = vm_up(&v16);
	b = vm_up(&v64);
	c = vm_up(&v4);
	ck_assert_int_eq(b->s2.g.start_level, 2);
	ck_assert_int_eq(os_touch_ipa(&fx.os, a, 0x123456789, &t, &fx.err), 0);
	ck_assert_int_eq(t.s2_level, 2);
	ck_assert_uint_eq(t.s2_shift, 25);
	ck_assert_int_eq(os_touch_ipa(&fx.os, b, 0x123456789, &t, &fx.err), 0);
	ck_assert_int_eq(t.s2_level, 2);
	ck_assert_uint_eq(t.s2_shift, 29);
	ck_assert_uint_eq(t.pa & ((UINT64_C(1) << 29) - 1), 0x123456789 & ((UINT64_C(1) << 29) - 1));
	ck_assert_int_eq(os_touch_ipa(&fx.os, c, 0x123456789, &t, &fx.err), 0);
	ck_assert_int_eq(t.s2_level, 1);
	ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L2), 2);
	ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L1), 1);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 0);
}
END_TEST

/* 256 IPAs in distinct 2M regions, stage 2 with 2M blocks allowed. */
static void s2_only_regions(double fraction, uint64_t seed, uint64_t pas[256])
{
	struct os_cfg cfg = base_cfg;
	struct os_vm_cfg v = { .s2_only = true, .s2_policy = OS_MAP_L2, .huge_fraction = fraction };
	struct os_touch t;

	cfg.seed = seed;
	os_up(&cfg);
	fx.vm = vm_up(&v);
	fx.p = proc_up(fx.vm, NULL);
	for (unsigned i = 0; i < 256; i++) {
		t = touch(fx.p, (uint64_t)i * 2 * MiB + 0x5000);
		ck_assert_int_eq(t.s1_level, -1);
		ck_assert_uint_eq(t.ipa, (uint64_t)i * 2 * MiB + 0x5000);
		pas[i] = t.pa;
	}
}

START_TEST(test_huge_fraction_zero_one)
{
	uint64_t pas[256];

	s2_only_regions(0.0, 1, pas);
	ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L2), 0);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 256);
	teardown();
	setup();
	s2_only_regions(1.0, 1, pas);
	ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L2), 256);
	ck_assert_uint_eq(ctr(OS_C_S2_PAGES), 0);
	/* the touched IPA keeps its offset in the host block */
	ck_assert_uint_eq(pas[9] & (2 * MiB - 1), 0x5000);
}
END_TEST

START_TEST(test_huge_fraction_deterministic)
{
	uint64_t a[256], b[256], c[256];
	uint64_t blocks_a, blocks_c;

	s2_only_regions(0.5, 42, a);
	blocks_a = ctr(OS_C_S2_BLOCKS_L2);
	teardown();
	setup();
	s2_only_regions(0.5, 42, b);
	ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L2), blocks_a);
	ck_assert_mem_eq(a, b, sizeof(a));
	teardown();
	setup();
	s2_only_regions(0.5, 43, c);
	blocks_c = ctr(OS_C_S2_BLOCKS_L2);
	/* about half, by a wide margin (binomial sd 8) */
	ck_assert_uint_ge(blocks_a, 96);
	ck_assert_uint_le(blocks_a, 160);
	ck_assert_uint_ge(blocks_c, 96);
	ck_assert_uint_le(blocks_c, 160);
	ck_assert(memcmp(a, c, sizeof(a)) != 0);
}
END_TEST

START_TEST(test_vms_are_separate)
{
	struct os_vm_cfg v = { .s2_only = true };
	struct os_vm *v1, *v2;
	struct os_touch t1, t2;
	struct walk_params w1, w2;

	os_up(&base_cfg);
	v1 = vm_up(&v);
	v2 = vm_up(&v);
	ck_assert_uint_eq(v2->id, 2);
	ck_assert_int_eq(os_touch_ipa(&fx.os, v1, 0x1000, &t1, &fx.err), 0);
	ck_assert_int_eq(os_touch_ipa(&fx.os, v2, 0x1000, &t2, &fx.err), 0);
	ck_assert(t1.s2_new && t2.s2_new);
	ck_assert_uint_ne(t1.pa, t2.pa);
	ck_assert_int_eq(os_vm_s2_params(v1, &w1, &fx.err), 0);
	ck_assert_int_eq(os_vm_s2_params(v2, &w2, &fx.err), 0);
	ck_assert_uint_ne(w1.table_base, w2.table_base);
	ck_assert_int_eq(os_vm_s2_params(fx.os.host, &w1, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(os_touch_ipa(&fx.os, v1, UINT64_C(1) << 40, &t1, &fx.err), SIM_E_INVAL);
}
END_TEST

START_TEST(test_forced_start_level_concat)
{
	struct os_vm_cfg v = { .ipa_bits = 34, .s2_start_forced = true, .s2_start_level = 2,
			       .s2_only = true };
	struct os_vm_cfg bad = { .ipa_bits = 40, .s2_start_forced = true, .s2_start_level = 2 };
	struct walk_params wp;
	struct os_touch t;
	struct os_vm *vm;

	os_up(&base_cfg);
	fx.vm = vm_up(&v);
	/* 4K, 34-bit IPA at level 2: 13 bits, 16 tables, 64K aligned. */
	ck_assert_uint_eq(fx.vm->s2.root_tables, 16);
	ck_assert_int_eq(os_vm_s2_params(fx.vm, &wp, &fx.err), 0);
	ck_assert_uint_eq(wp.table_base & 0xffff, 0);
	ck_assert_int_eq(wp.start_level, 2);
	ck_assert_uint_eq(ctr(OS_C_S2_TABLES), 16);
	ck_assert_int_eq(os_touch_ipa(&fx.os, fx.vm, 0x3ffffffff, &t, &fx.err), 0);
	ck_assert_uint_eq(ctr(OS_C_S2_TABLES), 17);
	ck_assert_int_eq(os_vm_create(&fx.os, &bad, &vm, &fx.err), SIM_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(fx.err.msg, "16 concatenated"));
}
END_TEST

/* Many touches in every mode; each translation must reach the touched PA,
 * and every guest table is reachable through stage 2 (no S1PTW fault). */
START_TEST(test_walk_everything_built)
{
	struct os_cfg cfg = base_cfg;
	struct os_vm_cfg vcfg[3] = {
		{ .ipa_base = 0x40000000, .guest.policy = OS_MAP_L2, .s2_policy = OS_MAP_L1,
		  .huge_fraction = 0.3 },
		{ .ipa_base = 0x40000000, .s2_granule_shift = 16, .ipa_bits = 44,
		  .guest.granule_shift = 14, .guest.va_bits = 47, .s2_policy = OS_MAP_L2,
		  .huge_fraction = 0.3 },
		{ .s2_only = true, .s2_granule_shift = 14, .s2_policy = OS_MAP_L2,
		  .huge_fraction = 0.3 },
	};
	struct os_proc *procs[5];
	uint64_t x = 12345;

	cfg.seed = 7;
	os_up(&cfg);
	procs[0] = proc_up(NULL, NULL);
	for (unsigned i = 0; i < 3; i++)
		procs[i + 1] = proc_up(vm_up(&vcfg[i]), NULL);
	procs[4] = proc_up(fx.os.vms[1], NULL);
	for (unsigned i = 0; i < 4000; i++) {
		struct os_proc *p = procs[i % 5];
		uint64_t va, pa;

		x = x * UINT64_C(6364136223846793005) + 1442695040888963407u;
		va = (x >> 20) & (p->has_s1 ? (UINT64_C(1) << 39) - 8 : (UINT64_C(1) << 36) - 8);
		if (p->has_s1 && (x & 1))
			va |= UINT64_C(0xffff800000000000);
		pa = touch(p, va).pa;
		ck_assert_uint_eq(translate(p, va).oa, pa);
		ck_assert(!touch(p, va).s1_new);
	}
	ck_assert_uint_gt(ctr(OS_C_S2_BLOCKS_L1) + ctr(OS_C_S2_BLOCKS_L2), 0);
	ck_assert_uint_gt(ctr(OS_C_SPLINTERED), 0);
}
END_TEST

/* A guest's TCR_EL1.IPS below its IPA size: its RAM and its stage-1
 * output addresses lie below 2^IPS.  Blocks come from the top of the
 * guest's frames downwards (workloads/os.c): the first 2M block is the last 2M
 * below 2^36, not below 2^40. */
START_TEST(test_guest_ips)
{
	struct os_vm_cfg vc = { .guest = { .policy = OS_MAP_L2, .oa_bits = 36 } };
	struct os_vm_cfg wide = { .guest = { .policy = OS_MAP_L2 } };
	struct os_touch t;

	os_up(&base_cfg);
	fx.vm = vm_up(&vc);
	fx.p = proc_up(fx.vm, NULL);
	ck_assert_uint_eq(fx.p->user.g.oa_bits, 36);
	ck_assert_uint_eq(fx.vm->kernel.g.oa_bits, 36);
	t = touch(fx.p, 0x400123);
	ck_assert_int_eq(t.s1_level, 2);
	ck_assert_uint_eq(t.ipa, (UINT64_C(1) << 36) - 2 * MiB + 0x123);
	ck_assert_uint_eq(translate(fx.p, 0x400123).oa, t.pa);
	/* an IPS above the IPA size is the IPA size */
	vc.guest.oa_bits = 48;
	fx.vm = vm_up(&vc);
	ck_assert_uint_eq(fx.vm->kernel.g.oa_bits, 40);
	fx.vm = vm_up(&wide);
	fx.p = proc_up(fx.vm, NULL);
	ck_assert_uint_eq(touch(fx.p, 0x400123).ipa, (UINT64_C(1) << 40) - 2 * MiB + 0x123);
}
END_TEST

/* ---- the access flag and fault-around ---- */

static struct os_touch fault(struct os_proc *p, uint64_t va, enum mmu_acc_type type)
{
	struct os_touch t;
	int rc = os_fault(&fx.os, p, va, type, &t, &fx.err);

	ck_assert_msg(rc == 0, "os_fault(0x%llx): %s", (unsigned long long)va, fx.err.msg);
	return t;
}

/* The stage-1 leaf of @va in @p's TTBR0 tree: mapped, and AF set? */
static bool young(struct os_proc *p, uint64_t va, bool *mapped)
{
	struct pgt_leaf leaf;

	ck_assert_int_eq(pgt_lookup(&p->user, va, &leaf, &fx.err), 0);
	*mapped = leaf.mapped;
	return leaf.desc & DESC_AF;
}

/*
 * Linux's fault-around with a 64 KiB window (16 pages of 4K): a first fetch
 * maps the faulting page young and every other unmapped page of the aligned
 * window old when the CPU manages the access flag; a page mapped before
 * keeps its young descriptor.  The walker then sets AF on the first access
 * to an old page (one descriptor write), and only then.
 */
START_TEST(test_fault_around_old_with_hw_af)
{
	struct os_cfg cfg = base_cfg;
	struct mmu_result r;
	bool mapped;

	cfg.host.hw_af = true;
	cfg.host.fault_around = 64 * 1024;
	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	/* A data read of page 3 of the window 0x400000..0x40ffff: one
	 * page (anonymous memory), frame 0x80002000, tables up to 0x80005000. */
	ck_assert_uint_eq(fault(fx.p, 0x403008, MMU_ACC_READ).pa, 0x80002008);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 1);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 0);
	/* The first fetch from page 5: its frame 0x80006000, then the 14
	 * other unmapped pages of the window in address order (0x400000 ->
	 * 0x80007000, ..., 0x404000 -> 0x8000a000, 0x406000 -> 0x8000b000,
	 * ..., 0x40f000 -> 0x80014000). */
	ck_assert_uint_eq(fault(fx.p, 0x405123, MMU_ACC_FETCH).pa, 0x80006123);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULTS), 2);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 16);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 14);
	ck_assert(young(fx.p, 0x405000, &mapped) && mapped);
	ck_assert(young(fx.p, 0x403000, &mapped) && mapped);
	for (uint64_t va = 0x400000; va < 0x410000; va += 0x1000) {
		bool y = young(fx.p, va, &mapped);

		ck_assert(mapped);
		ck_assert_msg(y == (va == 0x403000 || va == 0x405000), "page 0x%llx: AF %d",
			      (unsigned long long)va, y);
	}
	young(fx.p, 0x410000, &mapped);
	ck_assert(!mapped);
	ck_assert(!fault(fx.p, 0x40f000, MMU_ACC_READ).s1_new);
	ck_assert_uint_eq(fault(fx.p, 0x40f000, MMU_ACC_READ).pa, 0x80014000);
	ck_assert_uint_eq(fault(fx.p, 0x404010, MMU_ACC_READ).pa, 0x8000a010);
	/* The hardware update: a descriptor write on the first access only. */
	r = translate(fx.p, 0x400010);
	ck_assert_uint_eq(r.oa, 0x80007010);
	ck_assert_uint_eq(r.writes, 1);
	ck_assert(r.s1.updated);
	ck_assert(young(fx.p, 0x400000, &mapped));
	ck_assert_uint_eq(translate(fx.p, 0x400010).writes, 0);
	ck_assert_uint_eq(translate(fx.p, 0x405000).writes, 0);
	/* A fetch from a page fault-around mapped is no fault. */
	ck_assert(!fault(fx.p, 0x40e800, MMU_ACC_FETCH).s1_new);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULTS), 2);
	ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 16);
}
END_TEST

/* Without hardware AF Linux maps fault-around pages young (an old page
 * would cost a fault), so nothing is ever written back. */
START_TEST(test_fault_around_young_without_hw_af)
{
	struct os_cfg cfg = base_cfg;
	bool mapped;

	cfg.host.fault_around = 64 * 1024;
	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	fault(fx.p, 0x400000, MMU_ACC_FETCH);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 15);
	for (uint64_t va = 0x400000; va < 0x410000; va += 0x1000) {
		ck_assert(young(fx.p, va, &mapped));
		ck_assert(mapped);
		ck_assert_uint_eq(translate(fx.p, va).writes, 0);
	}
}
END_TEST

/* No fault-around: a data access; a kernel fetch; a window of one page (4K
 * or the 64K granule's own page); a block mapping; the single-range EL2
 * regime. */
START_TEST(test_fault_around_where_not)
{
	struct os_cfg cfg = base_cfg;
	struct os_proc_cfg el2 = { .regime = MMU_REGIME_EL2 };
	struct os_proc_cfg blocks = { .policy = OS_MAP_L2 };
	struct os_proc *q;

	cfg.host.hw_af = true;
	cfg.host.fault_around = 64 * 1024;
	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	fault(fx.p, 0x400000, MMU_ACC_WRITE);
	fault(fx.p, 0x500000, MMU_ACC_READ);
	fault(fx.p, KVA(0x10000), MMU_ACC_FETCH);
	q = proc_up(NULL, &blocks);
	ck_assert_int_eq(fault(q, 0x600000, MMU_ACC_FETCH).s1_level, 2);
	q = proc_up(NULL, &el2);
	fault(q, 0x700000, MMU_ACC_FETCH);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 0);
	/* the same window, but the fetching process's own */
	fault(fx.p, 0x608000, MMU_ACC_FETCH);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 15);
	os_destroy(&fx.os);
	pmem_destroy(&fx.pm);

	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pmem_init(&fx.pm, &fx.err), 0);
		cfg = base_cfg;
		cfg.host.hw_af = true;
		cfg.host.fault_around = i ? 64 * 1024 : 4096;
		cfg.host.granule_shift = i ? 16 : 12;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		fault(fx.p, 0x400000, MMU_ACC_FETCH);
		ck_assert_uint_eq(ctr(OS_C_S1_PAGES), 1);
		ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 0);
		if (!i) {
			os_destroy(&fx.os);
			pmem_destroy(&fx.pm);
		}
	}
}
END_TEST

/* In a VM the guest maps the window in stage 1 only: the hypervisor backs
 * each IPA when the guest touches it.  HA reaches both stages' walks. */
START_TEST(test_fault_around_guest)
{
	struct os_vm_cfg vc = { .ipa_base = 0x40000000, .s2_hw_af = true,
				.guest = { .hw_af = true, .fault_around = 64 * 1024 } };
	struct mmu_ctx c;
	struct os_touch t;
	struct mmu_result r;

	os_up(&base_cfg);
	fx.vm = vm_up(&vc);
	fx.p = proc_up(fx.vm, NULL);
	t = fault(fx.p, 0x400000, MMU_ACC_FETCH);
	ck_assert(t.s1_new && t.s2_new);
	ck_assert_uint_eq(ctr(OS_C_S1_FAULT_AROUND), 15);
	/* the prefaulted page's IPA is not backed yet; touching it is a
	 * stage-2 fault only */
	t = fault(fx.p, 0x401000, MMU_ACC_READ);
	ck_assert(!t.s1_new);
	ck_assert(t.s2_new);
	r = translate(fx.p, 0x401000);
	ck_assert_uint_eq(r.oa, t.pa);
	ck_assert_uint_eq(r.writes, 1);
	os_proc_mmu_ctx(fx.p, 1, 1, &c);
	ck_assert(c.s1[0].ha && c.s1[1].ha && c.s2.ha);
	ck_assert(!c.s1[0].hd && !c.s2.hd);
}
END_TEST

/* ---- dirty state ---- */

/* A fresh machine: the OS and its memory gone. */
static void reset(void)
{
	os_destroy(&fx.os);
	pmem_destroy(&fx.pm);
	ck_assert_int_eq(pmem_init(&fx.pm, &fx.err), 0);
}

static struct pgt_leaf s1_leaf_of(struct os_proc *p, uint64_t va)
{
	struct pgt_leaf leaf;

	ck_assert_int_eq(pgt_lookup(va >> 55 & 1 ? &p->vm->kernel : &p->user,
				    va & ~UINT64_C(0xffff000000000000), &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	return leaf;
}

static struct pgt_leaf s2_leaf_of(struct os_vm *vm, uint64_t ipa)
{
	struct pgt_leaf leaf;

	ck_assert_int_eq(pgt_lookup(&vm->s2, ipa, &leaf, &fx.err), 0);
	ck_assert(leaf.mapped);
	return leaf;
}

/* An access through the walker: 0 translated, 1 faulted (in *r). */
static int access_va(struct os_proc *p, uint64_t va, enum mmu_acc_type type,
		     struct mmu_result *r)
{
	struct mmu_ctx c;
	struct mmu_mem m = pmem_mem(&fx.pm);
	struct mmu_access acc = { .type = type, .el = 0 };
	int rc;

	os_proc_mmu_ctx(p, 5, (uint16_t)p->vm->id, &c);
	rc = mmu_translate(&c, &m, va, acc, true, r, NULL);
	ck_assert_int_ge(rc, 0);
	return rc;
}

/*
 * Linux on arm64: a user page first read is writable-clean (DBM set, AP[2]
 * = 1), one first written is dirty (DBM set, AP[2] = 0); kernel pages are
 * writable.  With HD the first write to a clean page is a hardware update
 * (one descriptor write); without, a permission fault that the OS fixes,
 * asking for a TLBI of the stale read-only entry.
 */
START_TEST(test_dirty_state_stage1)
{
	struct os_cfg cfg = base_cfg;
	struct mmu_result r;
	struct pgt_leaf leaf;
	struct os_fix fx1;

	for (int hd = 0; hd < 2; hd++) {
		cfg.host.hw_af = true;
		cfg.host.hw_dirty = hd;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		fault(fx.p, 0x400000, MMU_ACC_READ);
		fault(fx.p, 0x500000, MMU_ACC_WRITE);
		fault(fx.p, KVA(0x10000), MMU_ACC_READ);
		leaf = s1_leaf_of(fx.p, 0x400000);
		ck_assert_uint_eq(leaf.desc & (DESC_DBM | DESC_AP_RO | DESC_AF),
				  DESC_DBM | DESC_AP_RO | DESC_AF);
		leaf = s1_leaf_of(fx.p, 0x500000);
		ck_assert_uint_eq(leaf.desc & (DESC_DBM | DESC_AP_RO | DESC_AF), DESC_DBM | DESC_AF);
		leaf = s1_leaf_of(fx.p, KVA(0x10000));
		ck_assert_uint_eq(leaf.desc & (DESC_DBM | DESC_AP_RO), 0);
		/* reads are allowed, writes to the dirty page too */
		ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_READ, &r), 0);
		ck_assert_uint_eq(r.writes, 0);
		ck_assert_int_eq(access_va(fx.p, 0x500000, MMU_ACC_WRITE, &r), 0);
		ck_assert_uint_eq(r.writes, 0);
		if (hd) {
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 0);
			ck_assert_uint_eq(r.writes, 1);
			ck_assert(!(s1_leaf_of(fx.p, 0x400000).desc & DESC_AP_RO));
			ck_assert_uint_eq(ctr(OS_C_S1_DIRTY_FAULTS), 0);
		} else {
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 1);
			ck_assert_int_eq(r.fault.type, MMU_FAULT_PERMISSION);
			ck_assert_int_eq(os_fix_fault(&fx.os, fx.p, 0x400000, MMU_ACC_WRITE,
						      &r.fault, &fx1, &fx.err), 0);
			ck_assert_int_eq(fx1.kind, OS_FIX_S1_DIRTY);
			ck_assert(fx1.tlbi);
			ck_assert_uint_eq(fx1.addr, 0x400000);
			ck_assert_uint_eq(fx1.n, 1);
			ck_assert_uint_eq(ctr(OS_C_S1_DIRTY_FAULTS), 1);
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 0);
			ck_assert_uint_eq(r.writes, 0);
			/* a fault it does not own: a fetch the page forbids (PXN
			 * at EL1) is left alone */
			r.fault.type = MMU_FAULT_PERMISSION;
			ck_assert_int_eq(os_fix_fault(&fx.os, fx.p, 0x500000, MMU_ACC_FETCH,
						      &r.fault, &fx1, &fx.err), 0);
			ck_assert_int_eq(fx1.kind, OS_FIX_NONE);
		}
		reset();
	}
	/* map_dirty: writable from the first touch, no DBM (no tracking) */
	cfg.host.map_dirty = true;
	os_up(&cfg);
	fx.p = proc_up(NULL, NULL);
	fault(fx.p, 0x400000, MMU_ACC_READ);
	ck_assert_uint_eq(s1_leaf_of(fx.p, 0x400000).desc & (DESC_DBM | DESC_AP_RO), 0);
}
END_TEST

/* A write that a TLB entry refused: the OS finds the writable-clean leaf
 * at the stage that has one, or owns nothing. */
START_TEST(test_fix_write_from_tlb)
{
	struct os_vm_cfg vc = { .ipa_base = 0x40000000, .s2_dirty_log = true };
	struct os_fix f;

	os_up(&base_cfg);
	fx.vm = vm_up(&vc);
	fx.p = proc_up(fx.vm, NULL);
	/* guest tables are mapped dirty at stage 2 */
	ck_assert(s2_leaf_of(fx.vm, fx.p->user.root).desc & DESC_S2AP_W);
	fault(fx.p, 0x400000, MMU_ACC_READ);
	ck_assert_int_eq(os_fix_write(&fx.os, fx.p, 0x400000, &f, &fx.err), 0);
	ck_assert_int_eq(f.kind, OS_FIX_S1_DIRTY);
	ck_assert_uint_eq(ctr(OS_C_S1_DIRTY_FAULTS), 1);
	/* stage 1 dirty now; stage 2 still clean (logged, read first) */
	ck_assert(!(s2_leaf_of(fx.vm, s1_leaf_of(fx.p, 0x400000).oa).desc & DESC_S2AP_W));
	ck_assert_int_eq(os_fix_write(&fx.os, fx.p, 0x400000, &f, &fx.err), 0);
	ck_assert_int_eq(f.kind, OS_FIX_S2_DIRTY);
	ck_assert(f.tlbi);
	ck_assert_uint_eq(f.addr, s1_leaf_of(fx.p, 0x400000).oa);
	ck_assert_uint_eq(ctr(OS_C_S2_DIRTY_FAULTS), 1);
	ck_assert_int_eq(os_fix_write(&fx.os, fx.p, 0x400000, &f, &fx.err), 0);
	ck_assert_int_eq(f.kind, OS_FIX_NONE);
}
END_TEST

/*
 * KVM's dirty logging: stage 2 in pages only, a read fault mapped without
 * write permission (DBM set as the tracking mark), a write fault writable.
 * With VTCR_EL2.HD the guest's first write sets S2AP[1] in hardware;
 * without, it is a stage-2 permission fault the hypervisor fixes.
 */
START_TEST(test_dirty_log_stage2)
{
	struct os_vm_cfg vc = { .ipa_base = 0x40000000, .s2_dirty_log = true,
				.s2_policy = OS_MAP_L2, .huge_fraction = 1.0, .s2_hw_af = true };
	struct mmu_result r;
	struct os_fix f;
	struct os_touch t;

	for (int hd = 0; hd < 2; hd++) {
		vc.s2_hw_dirty = hd;
		os_up(&base_cfg);
		fx.vm = vm_up(&vc);
		fx.p = proc_up(fx.vm, NULL);
		t = fault(fx.p, 0x400000, MMU_ACC_READ);
		ck_assert_int_eq(t.s2_level, 3);
		ck_assert_uint_eq(ctr(OS_C_S2_BLOCKS_L2), 0);
		ck_assert_uint_eq(s2_leaf_of(fx.vm, t.ipa).desc & (DESC_DBM | DESC_S2AP_W), DESC_DBM);
		t = fault(fx.p, 0x500000, MMU_ACC_WRITE);
		ck_assert_uint_eq(s2_leaf_of(fx.vm, t.ipa).desc & (DESC_DBM | DESC_S2AP_W),
				  DESC_DBM | DESC_S2AP_W);
		/* make the stage-1 page dirty, so the write reaches stage 2 */
		ck_assert_int_eq(os_fix_write(&fx.os, fx.p, 0x400000, &f, &fx.err), 0);
		ck_assert_int_eq(f.kind, OS_FIX_S1_DIRTY);
		t = fault(fx.p, 0x400000, MMU_ACC_READ);
		if (hd) {
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 0);
			ck_assert_uint_eq(r.writes, 1);
		} else {
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 1);
			ck_assert_int_eq(r.fault.stage, 2);
			ck_assert_int_eq(r.fault.type, MMU_FAULT_PERMISSION);
			ck_assert_int_eq(os_fix_fault(&fx.os, fx.p, 0x400000, MMU_ACC_WRITE,
						      &r.fault, &f, &fx.err), 0);
			ck_assert_int_eq(f.kind, OS_FIX_S2_DIRTY);
			ck_assert_uint_eq(f.addr, t.ipa & ~UINT64_C(0xfff));
			ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 0);
		}
		ck_assert(s2_leaf_of(fx.vm, t.ipa).desc & DESC_S2AP_W);
		ck_assert_uint_eq(ctr(OS_C_S2_DIRTY_FAULTS), hd ? 0 : 1);
		reset();
	}
}
END_TEST

/* ---- aging and access-flag faults ---- */

/*
 * old_share 1: every walk of a mapped user page finds it aged, unless this
 * touch just mapped it; kernel pages are never aged.  Without HA the walk
 * takes an access-flag fault that the OS fixes without a TLBI; a write to
 * an old writable-clean page becomes young and dirty in that one fault.
 */
START_TEST(test_aging_and_af_faults)
{
	struct os_vm_cfg vc = { .ipa_base = 0x40000000, .s2_old_share = 1.0,
				.guest = { .old_share = 1.0 } };
	struct mmu_result r;
	struct os_touch t;
	struct os_fix f;

	os_up(&base_cfg);
	fx.vm = vm_up(&vc);
	fx.p = proc_up(fx.vm, NULL);
	t = fault(fx.p, 0x400000, MMU_ACC_READ);
	ck_assert_int_eq(os_age(&fx.os, fx.p, 0x400000, &t, &fx.err), 0);
	ck_assert_uint_eq(ctr(OS_C_S1_AGED) + ctr(OS_C_S2_AGED), 0);
	t = fault(fx.p, 0x400000, MMU_ACC_READ);
	ck_assert_int_eq(os_age(&fx.os, fx.p, 0x400000, &t, &fx.err), 0);
	ck_assert_uint_eq(ctr(OS_C_S1_AGED), 1);
	ck_assert_uint_eq(ctr(OS_C_S2_AGED), 1);
	ck_assert(!(s1_leaf_of(fx.p, 0x400000).desc & DESC_AF));
	ck_assert(!(s2_leaf_of(fx.vm, t.ipa).desc & DESC_AF));
	/* stage 1 faults first */
	ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 1);
	ck_assert_int_eq(r.fault.type, MMU_FAULT_ACCESS_FLAG);
	ck_assert_int_eq(r.fault.stage, 1);
	ck_assert_int_eq(os_fix_fault(&fx.os, fx.p, 0x400000, MMU_ACC_WRITE, &r.fault, &f,
				      &fx.err), 0);
	ck_assert_int_eq(f.kind, OS_FIX_S1_AF);
	ck_assert(f.tlbi);                      /* it made the page dirty too */
	ck_assert_uint_eq(s1_leaf_of(fx.p, 0x400000).desc & (DESC_AF | DESC_AP_RO), DESC_AF);
	ck_assert_uint_eq(ctr(OS_C_S1_DIRTY_FAULTS), 0);
	/* then stage 2 */
	ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 1);
	ck_assert_int_eq(r.fault.type, MMU_FAULT_ACCESS_FLAG);
	ck_assert_int_eq(r.fault.stage, 2);
	ck_assert_int_eq(os_fix_fault(&fx.os, fx.p, 0x400000, MMU_ACC_WRITE, &r.fault, &f,
				      &fx.err), 0);
	ck_assert_int_eq(f.kind, OS_FIX_S2_AF);
	ck_assert(!f.tlbi);
	ck_assert_int_eq(access_va(fx.p, 0x400000, MMU_ACC_WRITE, &r), 0);
	ck_assert_uint_eq(ctr(OS_C_S1_AF_FAULTS), 1);
	ck_assert_uint_eq(ctr(OS_C_S2_AF_FAULTS), 1);
	/* a kernel page is not aged at stage 1 */
	t = fault(fx.p, KVA(0x20000), MMU_ACC_READ);
	t = fault(fx.p, KVA(0x20000), MMU_ACC_READ);
	ck_assert_int_eq(os_age(&fx.os, fx.p, KVA(0x20000), &t, &fx.err), 0);
	ck_assert_uint_eq(ctr(OS_C_S1_AGED), 1);
	ck_assert(s1_leaf_of(fx.p, KVA(0x20000)).desc & DESC_AF);
}
END_TEST

/* old_share between 0 and 1: about that share of the walks age the page,
 * reproducibly for a seed. */
START_TEST(test_aging_share)
{
	struct os_cfg cfg = base_cfg;
	uint64_t aged[2];

	for (int run = 0; run < 2; run++) {
		cfg.host.old_share = 0.25;
		cfg.host.hw_af = true;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		for (unsigned i = 0; i < 4000; i++) {
			uint64_t va = 0x400000 + (uint64_t)(i % 64) * 0x1000;
			struct os_touch t = fault(fx.p, va, MMU_ACC_READ);
			struct mmu_result r;

			ck_assert_int_eq(os_age(&fx.os, fx.p, va, &t, &fx.err), 0);
			ck_assert_int_eq(access_va(fx.p, va, MMU_ACC_READ, &r), 0);
		}
		aged[run] = ctr(OS_C_S1_AGED);
		reset();
	}
	/* 3936 walks of mapped pages, 0.25 each: 984, sd 27 */
	ck_assert_uint_ge(aged[0], 880);
	ck_assert_uint_le(aged[0], 1090);
	ck_assert_uint_eq(aged[0], aged[1]);
}
END_TEST

/* ---- contiguous groups ---- */

/* Every leaf of the aligned group around @va: CONT set, consecutive frames
 * from an aligned base, identical attributes but AF/AP[2]. */
static void assert_group(struct pgt *t, uint64_t ia, unsigned n, unsigned shift)
{
	uint64_t span = (uint64_t)n << shift, base = ia & ~(span - 1), oa0 = 0, attrs0 = 0;
	const uint64_t hw = DESC_AF | DESC_AP_RO | DESC_S2AP_W;

	for (unsigned i = 0; i < n; i++) {
		struct pgt_leaf l;

		ck_assert_int_eq(pgt_lookup(t, base + ((uint64_t)i << shift), &l, &fx.err), 0);
		ck_assert(l.mapped);
		ck_assert_uint_eq(l.shift, shift);
		ck_assert_msg(l.desc & DESC_CONT, "leaf %u of the group has no Contiguous bit", i);
		if (!i) {
			oa0 = l.oa;
			attrs0 = l.desc & ~GENMASK(47, 12);
			ck_assert_uint_eq(oa0 & (span - 1), 0);
		}
		ck_assert_uint_eq(l.oa, oa0 + ((uint64_t)i << shift));
		ck_assert_uint_eq((l.desc & ~GENMASK(47, 12)) & ~hw, attrs0 & ~hw);
	}
}

/* Group sizes per granule and level (Arm ARM D8.7.1). */
START_TEST(test_cont_entries)
{
	ck_assert_uint_eq(os_cont_entries(12, 3), 16);
	ck_assert_uint_eq(os_cont_entries(12, 2), 16);
	ck_assert_uint_eq(os_cont_entries(12, 1), 16);
	ck_assert_uint_eq(os_cont_entries(12, 0), 0);
	ck_assert_uint_eq(os_cont_entries(14, 3), 128);
	ck_assert_uint_eq(os_cont_entries(14, 2), 32);
	ck_assert_uint_eq(os_cont_entries(14, 1), 0);
	ck_assert_uint_eq(os_cont_entries(16, 3), 32);
	ck_assert_uint_eq(os_cont_entries(16, 2), 32);
	ck_assert_uint_eq(os_cont_entries(16, 1), 0);
}
END_TEST

/*
 * Stage 1, contiguous = last, every granule: a fault maps its whole group
 * (16, 128 or 32 pages) with the bit set; a group with a page already
 * mapped is not mapped as one (the fault maps one page); neighbours stay
 * plain.
 */
START_TEST(test_cont_last_stage1)
{
	static const unsigned granules[] = { 12, 14, 16 };

	for (size_t gi = 0; gi < 3; gi++) {
		struct os_cfg cfg = base_cfg;
		unsigned g = granules[gi], n = os_cont_entries(g, 3);
		uint64_t span = (uint64_t)n << g, base = 16 * span;
		struct os_touch t;
		struct pgt_leaf l;

		cfg.host.granule_shift = g;
		cfg.host.contiguous = OS_CONT_LAST;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		t = fault(fx.p, base + 3 * (UINT64_C(1) << g) + 8, MMU_ACC_WRITE);
		ck_assert_int_eq(t.s1_level, 3);
		assert_group(&fx.p->user, base, n, g);
		ck_assert_uint_eq(ctr(OS_C_S1_CONT), 1);
		ck_assert_uint_eq(ctr(OS_C_S1_PAGES), n);
		ck_assert_uint_eq(ctr(OS_C_S1_FAULTS), 1);
		ck_assert(!fault(fx.p, base + span - 1, MMU_ACC_READ).s1_new);
		ck_assert_uint_eq(translate(fx.p, base + span - 8).oa, t.pa - 3 * (UINT64_C(1) << g) -
				  8 + span - 8);
		/* the next group: its last page mapped first, by a fault-around-
		 * free path (a fetch maps a group, but its window is the group) */
		ck_assert_int_eq(pgt_map(&fx.p->user, base + 2 * span - (UINT64_C(1) << g),
					 UINT64_C(0x7000000000), 3, NULL, &fx.err), 0);
		t = fault(fx.p, base + span, MMU_ACC_READ);
		ck_assert_uint_eq(ctr(OS_C_S1_CONT), 1);
		ck_assert_int_eq(pgt_lookup(&fx.p->user, base + span, &l, &fx.err), 0);
		ck_assert(l.mapped && !(l.desc & DESC_CONT));
		ck_assert_int_eq(pgt_lookup(&fx.p->user, base + span + (UINT64_C(1) << g), &l,
					    &fx.err), 0);
		ck_assert(!l.mapped);
		reset();
	}
}
END_TEST

/* contiguous = block: 16 x 2M (4K), 32 x 32M (16K) level-2 blocks, with
 * blocks allowed at level 2; both: a group of pages where the block
 * region is taken.  A guest's groups at stage 1 and the hypervisor's at
 * stage 2. */
START_TEST(test_cont_block_and_both)
{
	struct os_cfg cfg = base_cfg;
	struct os_proc_cfg l2 = { .policy = OS_MAP_L2 };
	struct os_vm_cfg vc = { .ipa_base = 0x40000000, .s2_policy = OS_MAP_L2,
				.huge_fraction = 1.0, .s2_contiguous = OS_CONT_LAST | OS_CONT_BLOCK };
	struct os_touch t;

	cfg.host.contiguous = OS_CONT_LAST | OS_CONT_BLOCK;
	os_up(&cfg);
	fx.p = proc_up(NULL, &l2);
	t = fault(fx.p, 0x40000000 + 5 * 2 * MiB + 0x1234, MMU_ACC_READ);
	ck_assert_int_eq(t.s1_level, 2);
	assert_group(&fx.p->user, 0x40000000, 16, 21);
	ck_assert_uint_eq(ctr(OS_C_S1_BLOCKS_L2), 16);
	reset();

	cfg.host.granule_shift = 14;
	os_up(&cfg);
	fx.p = proc_up(NULL, &l2);
	t = fault(fx.p, 0x40000000 + 0x1234, MMU_ACC_READ);
	ck_assert_int_eq(t.s1_level, 2);
	assert_group(&fx.p->user, 0x40000000, 32, 25);
	reset();

	/* stage 2: the hypervisor's 32M group of 2M blocks; the guest's 64K
	 * group of pages inside */
	os_up(&base_cfg);
	vc.guest.contiguous = OS_CONT_LAST;
	fx.vm = vm_up(&vc);
	fx.p = proc_up(fx.vm, NULL);
	t = fault(fx.p, 0x400000, MMU_ACC_READ);
	assert_group(&fx.p->user, 0x400000, 16, 12);
	ck_assert_int_eq(t.s2_level, 2);
	assert_group(&fx.vm->s2, t.ipa, 16, 21);
	/* one group over the guest's tables at its RAM base, one over the
	 * free run its 64K group came from (the top of its memory) */
	ck_assert_uint_eq(ctr(OS_C_S2_CONT), 2);
	ck_assert_uint_eq(translate(fx.p, 0x40f008).oa, t.pa + 0xf008);
}
END_TEST

/* ---- fragmentation ---- */

/*
 * THP at stage 1 over fragmented memory: a 2M block where the guest's
 * allocator has a free run (about huge_fraction of the faults), pages
 * elsewhere; with contiguous = last the fallback is a 64K group, which
 * splits one run into 32 (so far more of them succeed); fragmented pages
 * are not contiguous.
 */
START_TEST(test_fragmented_stage1)
{
	static const double shares[] = { 0.0, 0.25, 0.75 };
	struct os_proc_cfg l2 = { .policy = OS_MAP_L2 };

	for (size_t k = 0; k < 3; k++) {
		struct os_cfg cfg = base_cfg;
		uint64_t blocks, gaps = 0, prev = 0;

		cfg.host.frag = true;
		cfg.host.huge_fraction = shares[k];
		os_up(&cfg);
		fx.p = proc_up(NULL, &l2);
		for (unsigned i = 0; i < 1024; i++)
			fault(fx.p, (UINT64_C(1) << 32) + (uint64_t)i * 2 * MiB, MMU_ACC_READ);
		blocks = ctr(OS_C_S1_BLOCKS_L2);
		ck_assert_uint_eq(blocks + ctr(OS_C_S1_PAGES), 1024);
		ck_assert_uint_eq(ctr(OS_C_S1_NO_RUN), 1024 - blocks);
		/* 1024 x share, binomial sd at most 14 */
		ck_assert_uint_ge(blocks, (uint64_t)(1024 * shares[k]) - (k ? 60 : 0));
		ck_assert_uint_le(blocks, (uint64_t)(1024 * shares[k]) + (k ? 60 : 0));
		reset();

		cfg.host.contiguous = OS_CONT_LAST;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		for (unsigned i = 0; i < 256; i++)
			fault(fx.p, (UINT64_C(1) << 32) + (uint64_t)i * 64 * 1024, MMU_ACC_READ);
		if (!k)
			ck_assert_uint_eq(ctr(OS_C_S1_CONT), 0);
		else    /* each run found serves 32 groups */
			ck_assert_uint_gt(ctr(OS_C_S1_CONT), 256 * shares[k]);
		ck_assert_uint_eq(ctr(OS_C_S1_CONT) * 16 + (256 - ctr(OS_C_S1_CONT)),
				  ctr(OS_C_S1_PAGES));
		reset();

		/* plain pages: scattered */
		cfg.host.contiguous = 0;
		os_up(&cfg);
		fx.p = proc_up(NULL, NULL);
		for (unsigned i = 0; i < 512; i++) {
			uint64_t pa = fault(fx.p, (UINT64_C(1) << 33) + i * 4096, MMU_ACC_READ).pa;

			gaps += i && pa != prev + 4096;
			prev = pa;
		}
		ck_assert_uint_gt(gaps, 150);
		reset();
	}
}
END_TEST

static Suite *os_suite(void)
{
	Suite *s = suite_create("os");
	TCase *tc;

	tc = tcase_create("native");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_native_first_touch);
	tcase_add_test(tc, test_user_and_kernel_attributes);
	tcase_add_test(tc, test_kernel_non_global);
	tcase_add_test(tc, test_el2_regime_extra_level);
	suite_add_tcase(s, tc);

	tc = tcase_create("virtualized");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_virt_first_touch_both_stages);
	tcase_add_test(tc, test_guest_tables_over_smaller_s2_pages);
	tcase_add_test(tc, test_vms_are_separate);
	tcase_add_test(tc, test_forced_start_level_concat);
	tcase_add_test(tc, test_guest_ips);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_policies_and_splintering);
	tcase_add_test(tc, test_s2_block_levels_by_geometry);
	tcase_add_test(tc, test_huge_fraction_zero_one);
	tcase_add_test(tc, test_huge_fraction_deterministic);
	suite_add_tcase(s, tc);

	tc = tcase_create("access_flag");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fault_around_old_with_hw_af);
	tcase_add_test(tc, test_fault_around_young_without_hw_af);
	tcase_add_test(tc, test_fault_around_where_not);
	tcase_add_test(tc, test_fault_around_guest);
	suite_add_tcase(s, tc);

	tc = tcase_create("dirty");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dirty_state_stage1);
	tcase_add_test(tc, test_fix_write_from_tlb);
	tcase_add_test(tc, test_dirty_log_stage2);
	tcase_add_test(tc, test_aging_and_af_faults);
	tcase_add_test(tc, test_aging_share);
	suite_add_tcase(s, tc);

	tc = tcase_create("contiguous");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cont_entries);
	tcase_add_test(tc, test_cont_last_stage1);
	tcase_add_test(tc, test_cont_block_and_both);
	tcase_add_test(tc, test_fragmented_stage1);
	suite_add_tcase(s, tc);

	tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_everything_built);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(os_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
