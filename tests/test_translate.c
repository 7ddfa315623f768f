/*
 * tests/test_translate.c - register decoding (mmu_ctx_decode()) and
 * complete translations (mmu_translate()): VA range selection, stage 1
 * off, the nested two-stage walk, where every kind of fault is reported,
 * hardware AF/dirty updates through stage 2, and the memory references of
 * a walk (count and order).
 *
 * Register values are built from bit positions written here from the
 * register descriptions (Arm ARM TCR_EL1, VTCR_EL2, HCR_EL2, TTBRn,
 * ID_AA64MMFR0_EL1), not from the decoder's own masks, so a wrong field
 * position in the decoder fails these tests.  Every expected value is
 * derived by hand; the derivations are in the comments.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/regime.h"
#include "mmu/translate.h"
#include "sim/err.h"
#include "tests/walk_fixture.h"

/* Register fields, by bit position. */
#define R_TCR_T0SZ(x)   ((uint64_t)(x) << 0)
#define R_TCR_EPD0      (UINT64_C(1) << 7)
#define R_TCR_TG0(x)    ((uint64_t)(x) << 14)   /* 00 4K, 01 64K, 10 16K */
#define R_TCR_T1SZ(x)   ((uint64_t)(x) << 16)
#define R_TCR_A1        (UINT64_C(1) << 22)
#define R_TCR_EPD1      (UINT64_C(1) << 23)
#define R_TCR_TG1(x)    ((uint64_t)(x) << 30)   /* 01 16K, 10 4K, 11 64K */
#define R_TCR_IPS(x)    ((uint64_t)(x) << 32)
#define R_TCR_AS        (UINT64_C(1) << 36)
#define R_TCR_HA        (UINT64_C(1) << 39)
#define R_TCR_HD        (UINT64_C(1) << 40)
#define R_VTCR_T0SZ(x)  ((uint64_t)(x) << 0)
#define R_VTCR_SL0(x)   ((uint64_t)(x) << 6)
#define R_VTCR_TG0(x)   ((uint64_t)(x) << 14)
#define R_VTCR_PS(x)    ((uint64_t)(x) << 16)
#define R_VTCR_VS       (UINT64_C(1) << 19)
#define R_VTCR_HA       (UINT64_C(1) << 21)
#define R_VTCR_HD       (UINT64_C(1) << 22)
#define R_HCR_VM        (UINT64_C(1) << 0)
#define R_HCR_PTW       (UINT64_C(1) << 2)
#define R_SCTLR_M       (UINT64_C(1) << 0)
#define R_TTBR_ASID(x)  ((uint64_t)(x) << 48)
#define R_MMFR0_PARANGE(x)  ((uint64_t)(x) << 0)
#define R_MMFR0_ASIDBITS(x) ((uint64_t)(x) << 4)
#define R_MMFR0_TGRAN16(x)  ((uint64_t)(x) << 20)
#define R_MMFR0_TGRAN64(x)  ((uint64_t)(x) << 24)
#define R_MMFR0_TGRAN4(x)   ((uint64_t)(x) << 28)

#define TG0_4K  0u
#define TG0_64K 1u
#define TG0_16K 2u
#define TG1_16K 1u
#define TG1_4K  2u
#define TG1_64K 3u

/* PARange/IPS/PS encodings. */
#define PA32 0u
#define PA40 2u
#define PA42 3u
#define PA44 4u
#define PA48 5u
#define PA52 6u

/* A CPU with every granule at both stages, 16-bit ASIDs and @pa bits. */
static uint64_t mmfr0(unsigned pa)
{
	return R_MMFR0_PARANGE(pa) | R_MMFR0_ASIDBITS(2) | R_MMFR0_TGRAN16(1);
}

struct fx {
	struct wfx_mem m;
	struct mmu_mem mem;
	struct mmu_regs r;
	struct mmu_ctx c;
	struct mmu_result res;
	struct mmu_refs refs;
	struct sim_error e;
};

static struct fx fx;

static void setup(void)
{
	memset(&fx, 0, sizeof(fx));
	wfx_mem_init(&fx.m);
	fx.mem = wfx_mmu_mem(&fx.m);
	sim_error_clear(&fx.e);
	fx.r.id_aa64mmfr0_el1 = mmfr0(PA48);
}

static void decode(void)
{
	ck_assert_int_eq(mmu_ctx_decode(&fx.c, &fx.r, &fx.e), 0);
}

static int tr(uint64_t va, struct mmu_access acc, bool two_stage)
{
	decode();
	wfx_reset_counts(&fx.m);
	return mmu_translate(&fx.c, &fx.mem, va, acc, two_stage, &fx.res, &fx.refs);
}

static void expect_ok(uint64_t va, struct mmu_access acc, bool two_stage, uint64_t oa)
{
	ck_assert_int_eq(tr(va, acc, two_stage), 0);
	ck_assert_int_eq(fx.res.fault.type, MMU_FAULT_NONE);
	ck_assert_uint_eq(fx.res.oa, oa);
}

static void expect_fault(uint64_t va, struct mmu_access acc, bool two_stage,
			 unsigned stage, int level, enum mmu_fault_type type, bool ptw)
{
	ck_assert_int_eq(tr(va, acc, two_stage), 1);
	ck_assert_int_eq(fx.res.fault.type, type);
	ck_assert_uint_eq(fx.res.fault.stage, stage);
	ck_assert_int_eq(fx.res.fault.level, level);
	ck_assert_int_eq(fx.res.fault.s1ptw, ptw);
}

/* ---- register decoding ---- */

/*
 * TG0 and TG1 encode the granules differently (TG0: 00 4K, 01 64K, 10 16K;
 * TG1: 01 16K, 10 4K, 11 64K).  The start level follows from the VA size:
 * 4 - (ia - 4)/s: 4K 39 -> 1, 4K 48 -> 0; 16K 47 -> 1, 16K 48 -> 0;
 * 64K 42 -> 2, 64K 48 -> 1.
 */
START_TEST(test_decode_tg0_tg1)
{
	static const struct {
		unsigned tg0, t0sz, tg1, t1sz;
		unsigned g0, ia0, g1, ia1;
		int st0, st1;
	} c[] = {
		{ TG0_4K, 25, TG1_4K, 16, 12, 39, 12, 48, 1, 0 },
		{ TG0_16K, 17, TG1_16K, 16, 14, 47, 14, 48, 1, 0 },
		{ TG0_64K, 22, TG1_64K, 16, 16, 42, 16, 48, 2, 1 },
		/* the same two-bit value means different granules */
		{ TG0_64K, 16, TG1_16K, 17, 16, 48, 14, 47, 1, 1 },
		{ TG0_16K, 16, TG1_64K, 22, 14, 48, 16, 42, 0, 2 },
		{ TG0_4K, 16, TG1_64K, 25, 12, 48, 16, 39, 0, 2 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		fx.r.tcr_el1 = R_TCR_TG0(c[i].tg0) | R_TCR_T0SZ(c[i].t0sz) | R_TCR_TG1(c[i].tg1) |
			       R_TCR_T1SZ(c[i].t1sz) | R_TCR_IPS(PA48);
		decode();
		ck_assert_uint_eq(fx.c.s1[0].granule_shift, c[i].g0);
		ck_assert_uint_eq(fx.c.s1[0].ia_bits, c[i].ia0);
		ck_assert_int_eq(fx.c.s1[0].start_level, c[i].st0);
		ck_assert_uint_eq(fx.c.s1[1].granule_shift, c[i].g1);
		ck_assert_uint_eq(fx.c.s1[1].ia_bits, c[i].ia1);
		ck_assert_int_eq(fx.c.s1[1].start_level, c[i].st1);
		ck_assert_int_eq(fx.c.s1[0].cfg_fault, MMU_FAULT_NONE);
		ck_assert_int_eq(fx.c.s1[1].cfg_fault, MMU_FAULT_NONE);
	}
	ck_assert_uint_eq(mmu_tg0_granule(0), 12);
	ck_assert_uint_eq(mmu_tg0_granule(1), 16);
	ck_assert_uint_eq(mmu_tg0_granule(2), 14);
	ck_assert_uint_eq(mmu_tg1_granule(1), 14);
	ck_assert_uint_eq(mmu_tg1_granule(2), 12);
	ck_assert_uint_eq(mmu_tg1_granule(3), 16);
	/* stage 2 uses the TG0 encoding */
	fx.r.vtcr_el2 = R_VTCR_TG0(TG0_16K) | R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA48);
	decode();
	ck_assert_uint_eq(fx.c.s2.granule_shift, 14);
	ck_assert_int_eq(fx.c.s2.start_level, 2);
	fx.r.vtcr_el2 = R_VTCR_TG0(TG0_64K) | R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA48);
	decode();
	ck_assert_uint_eq(fx.c.s2.granule_shift, 16);
	ck_assert_int_eq(fx.c.s2.start_level, 2);
}
END_TEST

/*
 * Effective output size = min((I)PS, PARange): IPS 48 on a 40-bit CPU is
 * 40; IPS 32 on a 48-bit CPU is 32; VTCR.PS likewise.
 */
START_TEST(test_decode_output_size)
{
	fx.r.id_aa64mmfr0_el1 = mmfr0(PA40);
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_IPS(PA48) | R_TCR_TG1(TG1_4K) | R_TCR_T1SZ(16);
	fx.r.vtcr_el2 = R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA48);
	decode();
	ck_assert_uint_eq(fx.c.cpu.pamax, 40);
	ck_assert_uint_eq(fx.c.s1[0].oa_bits, 40);
	ck_assert_uint_eq(fx.c.s1[1].oa_bits, 40);
	ck_assert_uint_eq(fx.c.s2.oa_bits, 40);

	fx.r.id_aa64mmfr0_el1 = mmfr0(PA48);
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_IPS(PA32);
	fx.r.vtcr_el2 = R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA42);
	decode();
	ck_assert_uint_eq(fx.c.s1[0].oa_bits, 32);
	ck_assert_uint_eq(fx.c.s2.oa_bits, 42);
}
END_TEST

/*
 * The ASID in force comes from TTBR1 when TCR.A1 = 1, else TTBR0; with
 * TCR.AS = 0 (or an 8-bit-ASID CPU) only ASID[7:0] counts.
 */
START_TEST(test_decode_asid)
{
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_T1SZ(16) | R_TCR_TG1(TG1_4K) | R_TCR_AS;
	fx.r.ttbr0_el1 = R_TTBR_ASID(0x1234) | 0x1000;
	fx.r.ttbr1_el1 = R_TTBR_ASID(0x5678) | 0x2000;
	decode();
	ck_assert_uint_eq(fx.c.asid, 0x1234);
	fx.r.tcr_el1 |= R_TCR_A1;
	decode();
	ck_assert_uint_eq(fx.c.asid, 0x5678);
	fx.r.tcr_el1 &= ~R_TCR_AS;
	decode();
	ck_assert_uint_eq(fx.c.asid, 0x78);
	fx.r.tcr_el1 &= ~R_TCR_A1;
	decode();
	ck_assert_uint_eq(fx.c.asid, 0x34);
	/* AS = 1 on a CPU with 8-bit ASIDs (ASIDBits = 0b0000) */
	fx.r.tcr_el1 |= R_TCR_AS;
	fx.r.id_aa64mmfr0_el1 = R_MMFR0_PARANGE(PA48) | R_MMFR0_TGRAN16(1);
	decode();
	ck_assert_uint_eq(fx.c.asid, 0x34);
	/* the ASID never leaks into the table base */
	ck_assert_uint_eq(fx.c.s1[0].table_base, 0x1000);
	ck_assert_uint_eq(fx.c.s1[1].table_base, 0x2000);
}
END_TEST

/* VMID = VTTBR[63:48] with VTCR.VS = 1, else VTTBR[55:48]. */
START_TEST(test_decode_vmid)
{
	fx.r.vtcr_el2 = R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA48) | R_VTCR_VS;
	fx.r.vttbr_el2 = R_TTBR_ASID(0xabcd) | 0x100000 | 1;  /* CnP */
	decode();
	ck_assert_uint_eq(fx.c.vmid, 0xabcd);
	ck_assert_uint_eq(fx.c.s2.table_base, 0x100000);
	fx.r.vtcr_el2 &= ~R_VTCR_VS;
	decode();
	ck_assert_uint_eq(fx.c.vmid, 0xcd);
}
END_TEST

/* EPDn = 1: every walk of that half is a level-0 Translation fault. */
START_TEST(test_decode_epd)
{
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_T1SZ(16) | R_TCR_TG1(TG1_4K) | R_TCR_EPD0;
	decode();
	ck_assert_int_eq(fx.c.s1[0].cfg_fault, MMU_FAULT_TRANSLATION);
	ck_assert_int_eq(fx.c.s1[1].cfg_fault, MMU_FAULT_NONE);
	fx.r.tcr_el1 ^= R_TCR_EPD0 | R_TCR_EPD1;
	decode();
	ck_assert_int_eq(fx.c.s1[0].cfg_fault, MMU_FAULT_NONE);
	ck_assert_int_eq(fx.c.s1[1].cfg_fault, MMU_FAULT_TRANSLATION);
}
END_TEST

/*
 * Stage-2 (granule, T0SZ, SL0, PARange) legality, Arm ARM J1.1
 * AArch64.S2InvalidSL/S2InconsistentSL/S2TxSZFaults.  With B = (3 -
 * start)*s + g, r = IPA - B must be 1..s+4; SL0 = 3 is reserved without
 * TTST/DS; a 4K L0 start needs PAMax >= 44, a 16K L1 start PAMax >= 42;
 * T0SZ must lie in [64 - PAMax, 39].
 */
struct s2case {
	unsigned tg0, t0sz, sl0, parange;
	bool legal;
	int start;
	const char *why;
};

static const struct s2case s2cases[] = {
	/* illegal */
	{ TG0_4K, 32, 3, PA48, false, 0, "4K SL0=3 reserved (no TTST)" },
	{ TG0_16K, 16, 3, PA48, false, 0, "16K SL0=3 reserved (DS=0)" },
	{ TG0_64K, 32, 3, PA48, false, 0, "64K SL0=3 reserved" },
	{ TG0_4K, 24, 2, PA40, false, 0, "4K L0 start, PAMax 40 < 44 (r = 40-39 = 1)" },
	{ TG0_16K, 24, 2, PA40, false, 0, "16K L1 start, PAMax 40 < 42 (r = 40-36 = 4)" },
	{ TG0_4K, 34, 1, PA48, false, 0, "4K L1, 30-bit IPA: r = 30-30 = 0 < 1" },
	{ TG0_4K, 29, 0, PA48, false, 0, "4K L2, 35-bit: r = 35-21 = 14 > 13" },
	{ TG0_16K, 23, 1, PA48, false, 0, "16K L2, 41-bit: r = 41-25 = 16 > 15" },
	{ TG0_64K, 17, 1, PA48, false, 0, "64K L2, 47-bit: r = 47-29 = 18 > 17" },
	{ TG0_4K, 23, 1, PA40, false, 0, "T0SZ 23 < 64 - PAMax(40) = 24" },
	{ TG0_4K, 40, 0, PA48, false, 0, "T0SZ 40 > 39 (4K L2, r = 24-21 = 3)" },
	{ TG0_64K, 40, 0, PA48, false, 0, "T0SZ 40 > 39 (64K L3, r = 24-16 = 8)" },
	/* legal, at the edges */
	{ TG0_4K, 24, 2, PA44, true, 0, "4K L0, PAMax 44, r = 1" },
	{ TG0_16K, 24, 2, PA42, true, 1, "16K L1, PAMax 42, r = 4" },
	{ TG0_4K, 30, 0, PA48, true, 2, "4K L2, 34-bit: r = 13 (16 tables)" },
	{ TG0_16K, 24, 1, PA48, true, 2, "16K L2, 40-bit: r = 15 (16 tables)" },
	{ TG0_64K, 18, 1, PA48, true, 2, "64K L2, 46-bit: r = 17 (16 tables)" },
	{ TG0_4K, 24, 1, PA40, true, 1, "T0SZ 24 = 64 - PAMax(40)" },
	{ TG0_4K, 39, 0, PA48, true, 2, "T0SZ 39, 4K L2: r = 25-21 = 4" },
	{ TG0_64K, 16, 2, PA48, true, 1, "64K L1, 48-bit, PAMax 48: r = 6" },
	{ TG0_64K, 32, 0, PA48, true, 3, "64K L3, 32-bit: r = 16 (8 tables)" },
	{ TG0_16K, 28, 1, PA48, true, 2, "16K L2, 36-bit: r = 36-25 = 11" },
	{ TG0_16K, 38, 0, PA48, true, 3, "16K L3, 26-bit: r = 26-14 = 12 (2 tables)" },
};

START_TEST(test_decode_s2_legality)
{
	const struct s2case *k = &s2cases[_i];

	fx.r.id_aa64mmfr0_el1 = mmfr0(k->parange);
	fx.r.vtcr_el2 = R_VTCR_TG0(k->tg0) | R_VTCR_T0SZ(k->t0sz) | R_VTCR_SL0(k->sl0) | R_VTCR_PS(PA48);
	fx.r.hcr_el2 = R_HCR_VM;
	decode();
	if (k->legal) {
		ck_assert_msg(fx.c.s2.cfg_fault == MMU_FAULT_NONE, "legal: %s", k->why);
		ck_assert_uint_eq(fx.c.s2.ia_bits, 64 - k->t0sz);
		ck_assert_int_eq(fx.c.s2.start_level, k->start);
	} else {
		ck_assert_msg(fx.c.s2.cfg_fault == MMU_FAULT_TRANSLATION, "illegal: %s", k->why);
	}
}
END_TEST

/*
 * Illegal stage-2 configurations seen from translations: a stage-2
 * level-0 Translation fault, with ptw = 1 and the stage-1 level whose table
 * fetch needed stage 2 (here the start level 1 of a 39-bit 4K stage 1),
 * and with ptw = 0 when stage 1 is off (the VA is the IPA).  No memory is
 * read.  s2_level is 0.
 */
START_TEST(test_s2_illegal_config_faults)
{
	const struct s2case *k = &s2cases[_i];

	if (k->legal)
		return;
	fx.r.id_aa64mmfr0_el1 = mmfr0(k->parange);
	fx.r.vtcr_el2 = R_VTCR_TG0(k->tg0) | R_VTCR_T0SZ(k->t0sz) | R_VTCR_SL0(k->sl0) | R_VTCR_PS(PA48);
	fx.r.hcr_el2 = R_HCR_VM;
	fx.r.sctlr_el1 = R_SCTLR_M;
	fx.r.tcr_el1 = R_TCR_T0SZ(25) | R_TCR_IPS(PA40);
	fx.r.ttbr0_el1 = 0x1000;
	expect_fault(0x1000, EL1R, true, 2, 1, MMU_FAULT_TRANSLATION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 0);
	ck_assert_uint_eq(fx.m.reads, 0);
	/* a stage-1-only request still fetches its tables through stage 2 */
	expect_fault(0x1000, EL1R, false, 2, 1, MMU_FAULT_TRANSLATION, true);

	fx.r.sctlr_el1 = 0;
	expect_fault(0x1000, EL1R, true, 2, 0, MMU_FAULT_TRANSLATION, false);
	ck_assert_int_eq(fx.res.fault.s2_level, 0);
	ck_assert_uint_eq(fx.m.reads, 0);
}
END_TEST

/* ---- stage 1: the two VA ranges, EPD, stage 1 off ---- */

/*
 * 4K, T0SZ = T1SZ = 16.  TTBR0 tables 0x10000..0x13000, TTBR1 tables
 * 0x20000..0x23000.
 * VA 0x1234: L0..L2 index 0, L3 = VA[20:12] = 1 -> descs 0x10000, 0x11000,
 * 0x12000, 0x13008 -> page 0x9000_0000: OA 0x9000_0234.
 * VA 0xffff_ff80_0000_1234 (bit 55 = 1: TTBR1): L0 = VA[47:39] = 0x1ff
 * (0x20ff8), L1 = L2 = 0, L3 = 1 (0x23008) -> page 0x8000_0000.
 */
static void build_halves(void)
{
	fx.r.sctlr_el1 = R_SCTLR_M;
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_TG0(TG0_4K) | R_TCR_T1SZ(16) | R_TCR_TG1(TG1_4K) |
		       R_TCR_IPS(PA48);
	fx.r.ttbr0_el1 = 0x10000;
	fx.r.ttbr1_el1 = 0x20000;
	wfx_set(&fx.m, 0x10000, wfx_table(0x11000));
	wfx_set(&fx.m, 0x11000, wfx_table(0x12000));
	wfx_set(&fx.m, 0x12000, wfx_table(0x13000));
	wfx_set(&fx.m, 0x13008, wfx_s1_page(0x90000000, AP_RW, 0));
	wfx_set(&fx.m, 0x20ff8, wfx_table(0x21000));
	wfx_set(&fx.m, 0x21000, wfx_table(0x22000));
	wfx_set(&fx.m, 0x22000, wfx_table(0x23000));
	wfx_set(&fx.m, 0x23008, wfx_s1_page(0x80000000, AP_RW, WFX_NG));
}

START_TEST(test_ttbr_halves)
{
	build_halves();
	expect_ok(0x1234, EL1R, false, 0x90000234);
	ck_assert(fx.res.global);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x10000);
	expect_ok(0xffffff8000001234ull, EL1R, false, 0x80000234);
	ck_assert(!fx.res.global);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x20ff8);
	ck_assert_uint_eq(fx.res.s1_reads, 4);
}
END_TEST

/*
 * Addresses between the halves: VA[63:48] must all equal VA[55]
 * (TBI off).  Each is a stage-1 level-0 Translation fault with no read:
 * 0x0001_0000_0000_0000 (bit 55 = 0, bit 48 = 1), 0xfffe_ffff_ffff_f000
 * (bit 55 = 1, bit 48 = 0), 0x0080_0000_0000_0000 (bit 55 alone),
 * 0xff7f_ffff_ffff_f000 (bit 55 = 0 under a set top byte).
 * With T1SZ = 25 (39-bit), 0xffff_ff7f_ffff_f000 has VA[39] = 0: a gap too,
 * while 0xffff_ff80_0000_0000 is the lowest TTBR1 address.
 */
START_TEST(test_gap_between_halves)
{
	static const uint64_t gap[] = {
		0x0001000000000000ull, 0xfffefffffffff000ull,
		0x0080000000000000ull, 0xff7ffffffffff000ull,
	};

	build_halves();
	for (unsigned i = 0; i < ARRAY_SIZE(gap); i++) {
		expect_fault(gap[i], EL1R, false, 1, 0, MMU_FAULT_TRANSLATION, false);
		ck_assert_uint_eq(fx.m.reads, 0);
	}
	/* 39-bit TTBR1: start L1, L1 = VA[38:30]; 0xffff_ff80_0000_0000 has
	 * L1 index 0 -> desc at 0x20000 (invalid): level-1 fault after a read */
	fx.r.tcr_el1 = (fx.r.tcr_el1 & ~R_TCR_T1SZ(0x3f)) | R_TCR_T1SZ(25);
	expect_fault(0xffffff7ffffff000ull, EL1R, false, 1, 0, MMU_FAULT_TRANSLATION, false);
	ck_assert_uint_eq(fx.m.reads, 0);
	expect_fault(0xffffff8000000000ull, EL1R, false, 1, 1, MMU_FAULT_TRANSLATION, false);
	ck_assert_uint_eq(fx.m.reads, 1);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x20000);
}
END_TEST

/* EPD0/EPD1 disable walks of one half: level-0 Translation fault, no read;
 * the other half still translates. */
START_TEST(test_epd)
{
	build_halves();
	fx.r.tcr_el1 |= R_TCR_EPD0;
	expect_fault(0x1234, EL1R, false, 1, 0, MMU_FAULT_TRANSLATION, false);
	ck_assert_uint_eq(fx.m.reads, 0);
	expect_ok(0xffffff8000001234ull, EL1R, false, 0x80000234);
	fx.r.tcr_el1 ^= R_TCR_EPD0 | R_TCR_EPD1;
	expect_fault(0xffffff8000001234ull, EL1R, false, 1, 0, MMU_FAULT_TRANSLATION, false);
	ck_assert_uint_eq(fx.m.reads, 0);
	expect_ok(0x1234, EL1R, false, 0x90000234);
}
END_TEST

/*
 * SCTLR_EL1.M = 0: the IPA is the VA; a VA with bits set at or above
 * PARange (40 bits here) is a stage-1 level-0 Address size fault.  With
 * stage 2 off an S12 request returns the VA too.
 */
START_TEST(test_stage1_disabled)
{
	fx.r.id_aa64mmfr0_el1 = mmfr0(PA40);
	expect_ok(0xff12345678ull, EL1R, false, 0xff12345678ull);
	expect_ok(0xff12345678ull, EL0W, true, 0xff12345678ull);
	ck_assert_uint_eq(fx.m.reads, 0);
	expect_fault(UINT64_C(1) << 40, EL1R, false, 1, 0, MMU_FAULT_ADDRESS_SIZE, false);
	expect_fault(0xffffff8000001000ull, EL1R, true, 1, 0, MMU_FAULT_ADDRESS_SIZE, false);
}
END_TEST

/* ---- two stages ---- */

/*
 * The 4 + 4 layout.  Stage 1: 4K, T0SZ 16 (48-bit, start L0), TTBR0 = IPA
 * 0x1000.  Stage 2: 4K, T0SZ 16, SL0 = 2 (start L0; PAMax 48 >= 44),
 * VTTBR = 0x100000.  Stage 2 maps IPA page k (k = 1..5) to PA 0x8000_0000 +
 * k*0x1000: IPA[47:39] = IPA[38:30] = IPA[29:21] = 0, so its walk reads
 * 0x100000 (L0), 0x110000 (L1), 0x120000 (L2), 0x130000 + 8k (L3).
 * VA 0x80_8060_4567: L0 = VA[47:39] = 1, L1 = VA[38:30] = 2,
 * L2 = VA[29:21] = 3, L3 = VA[20:12] = 4, offset 0x567.  Stage-1
 * descriptors at IPA 0x1008, 0x2010, 0x3018, 0x4020 (PA 0x8000_1008 ...),
 * leaf -> IPA 0x5000; final IPA 0x5567 -> PA 0x8000_5567.
 */
#define VA44 0x8080604567ull
#define S2_L3(k) (0x130000 + 8 * (uint64_t)(k))

static void build_44(void)
{
	fx.r.sctlr_el1 = R_SCTLR_M;
	fx.r.tcr_el1 = R_TCR_T0SZ(16) | R_TCR_TG0(TG0_4K) | R_TCR_IPS(PA48) |
		       R_TCR_T1SZ(16) | R_TCR_TG1(TG1_4K);
	fx.r.ttbr0_el1 = 0x1000;
	fx.r.hcr_el2 = R_HCR_VM;
	fx.r.vtcr_el2 = R_VTCR_T0SZ(16) | R_VTCR_SL0(2) | R_VTCR_TG0(TG0_4K) | R_VTCR_PS(PA48);
	fx.r.vttbr_el2 = 0x100000;
	wfx_set(&fx.m, 0x100000, wfx_table(0x110000));
	wfx_set(&fx.m, 0x110000, wfx_table(0x120000));
	wfx_set(&fx.m, 0x120000, wfx_table(0x130000));
	for (unsigned k = 1; k <= 5; k++)
		wfx_set(&fx.m, S2_L3(k), wfx_s2_page(0x80000000 + k * 0x1000, S2AP_RW, 0));
	wfx_set(&fx.m, 0x80001008, wfx_table(0x2000));
	wfx_set(&fx.m, 0x80002010, wfx_table(0x3000));
	wfx_set(&fx.m, 0x80003018, wfx_table(0x4000));
	wfx_set(&fx.m, 0x80004020, wfx_s1_page(0x5000, AP_RW, 0));
}

static void check_ref(unsigned i, uint64_t pa, unsigned stage, int level, int for_s1, bool write)
{
	const struct mmu_ref *r = &fx.refs.ref[i];

	ck_assert_msg(r->pa == pa && r->stage == stage && r->level == level &&
		      (stage == 1 || r->for_s1 == for_s1) && r->write == write,
		      "ref %u: got pa 0x%llx s%u L%d for %d %s; expected pa 0x%llx s%u L%d for %d %s",
		      i + 1, (unsigned long long)r->pa, r->stage, r->level, r->for_s1,
		      r->write ? "write" : "read", (unsigned long long)pa, stage, level, for_s1,
		      write ? "write" : "read");
}

/*
 * The exact order of the 24 references of a cold 4 + 4 walk: for each
 * stage-1 level, the four stage-2 reads of its table IPA, then the
 * stage-1 read; then four stage-2 reads for the final IPA.
 */
START_TEST(test_order_4_plus_4)
{
	static const uint64_t s1pa[4] = { 0x80001008, 0x80002010, 0x80003018, 0x80004020 };
	unsigned i = 0;

	build_44();
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(fx.res.ipa, 0x5567);
	ck_assert_uint_eq(fx.refs.n, 24);
	for (int l1 = 0; l1 < 4; l1++) {
		check_ref(i++, 0x100000, 2, 0, l1, false);
		check_ref(i++, 0x110000, 2, 1, l1, false);
		check_ref(i++, 0x120000, 2, 2, l1, false);
		check_ref(i++, S2_L3(l1 + 1), 2, 3, l1, false);
		check_ref(i++, s1pa[l1], 1, l1, MMU_REF_FOR_NONE, false);
	}
	check_ref(i++, 0x100000, 2, 0, MMU_REF_FOR_FINAL, false);
	check_ref(i++, 0x110000, 2, 1, MMU_REF_FOR_FINAL, false);
	check_ref(i++, 0x120000, 2, 2, MMU_REF_FOR_FINAL, false);
	check_ref(i++, S2_L3(5), 2, 3, MMU_REF_FOR_FINAL, false);
	ck_assert_uint_eq(fx.res.s1_reads, 4);
	ck_assert_uint_eq(fx.res.s2_reads, 20);
	ck_assert_uint_eq(fx.res.writes, 0);
	ck_assert_uint_eq(fx.m.reads, 24);
	/* the same, seen from the memory itself */
	ck_assert_uint_eq(fx.m.log[4].pa, 0x80001008);
	ck_assert_uint_eq(fx.m.log[23].pa, S2_L3(5));
}
END_TEST

/*
 * A stage-1-only request with stage 2 on still translates every stage-1
 * table address (n*m + n = 20 reads) but not the output: OA = IPA 0x5567.
 * With HCR_EL2.VM = 0 an S12 request is stage 1 alone: 4 reads, OA = IPA.
 */
START_TEST(test_s1_request_and_stage2_off)
{
	build_44();
	expect_ok(VA44, EL1R, false, 0x5567);
	ck_assert_uint_eq(fx.refs.n, 20);

	fx.r.hcr_el2 = 0;
	/* without stage 2 the stage-1 tables are at PA 0x1000..0x4000 */
	wfx_set(&fx.m, 0x1008, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2010, wfx_table(0x3000));
	wfx_set(&fx.m, 0x3018, wfx_table(0x4000));
	wfx_set(&fx.m, 0x4020, wfx_s1_page(0x5000, AP_RW, 0));
	expect_ok(VA44, EL1R, true, 0x5567);
	ck_assert_uint_eq(fx.refs.n, 4);
	ck_assert_uint_eq(fx.m.log[0].pa, 0x1008);
}
END_TEST

/*
 * Reference counts for every n (stage-1 levels) and m (stage-2 levels),
 * nothing cached: (n+1)(m+1) - 1, in the order of test_order_4_plus_4.
 * Configurations (start = 4 - levels):
 *   n=1: 64K, T0SZ 39 (25-bit VA), L3 = VA[24:16]
 *   n=2: 4K, T0SZ 34 (30-bit), L2 = VA[29:21], L3 = VA[20:12]
 *   n=3: 4K, T0SZ 25 (39-bit), from L1 = VA[38:30]
 *   n=4: 4K, T0SZ 16 (48-bit), from L0 = VA[47:39]
 *   m=1: 64K, T0SZ 32, SL0 0 (L3): r = 32 - 16 = 16, 8 concatenated tables
 *   m=2: 4K, T0SZ 32, SL0 0 (L2): r = 32 - 21 = 11, 4 tables
 *   m=3: 4K, T0SZ 24, SL0 1 (L1): r = 40 - 30 = 10, 2 tables
 *   m=4: 4K, T0SZ 16, SL0 2 (L0): r = 9
 * Stage 2 identity-maps (IPA = PA) the stage-1 table pages (IPA 0x100000 +
 * 0x10000*i) and the page of the final IPA (0x800000 | VA offset: 0x800567
 * with a 4K stage 1, 0x804567 with 64K), so stage-1 tables are
 * written at their IPA.  Stage-2 tables live at PA 0x1_0000_0000 upwards.
 */
struct geo {
	unsigned g, nlev;
	int start;
	unsigned lsb[4], width[4];
};

static const struct geo s1_geo[5] = {
	[1] = { 16, 1, 3, { 16 }, { 9 } },
	[2] = { 12, 2, 2, { 21, 12 }, { 9, 9 } },
	[3] = { 12, 3, 1, { 30, 21, 12 }, { 9, 9, 9 } },
	[4] = { 12, 4, 0, { 39, 30, 21, 12 }, { 9, 9, 9, 9 } },
};

static const struct geo s2_geo[5] = {
	[1] = { 16, 1, 3, { 16 }, { 16 } },
	[2] = { 12, 2, 2, { 21, 12 }, { 11, 9 } },
	[3] = { 12, 3, 1, { 30, 21, 12 }, { 10, 9, 9 } },
	[4] = { 12, 4, 0, { 39, 30, 21, 12 }, { 9, 9, 9, 9 } },
};

/* Write a mapping ia -> leaf into tables described by @geo (by hand above),
 * allocating missing tables at *next in steps of @step. */
static void map(const struct geo *geo, uint64_t root, uint64_t *next, uint64_t step,
		uint64_t ia, uint64_t leaf)
{
	uint64_t table = root;

	for (unsigned i = 0; i < geo->nlev; i++) {
		uint64_t idx = (ia >> geo->lsb[i]) & bits_low_mask(geo->width[i]);
		uint64_t da = table + 8 * idx;

		if (i == geo->nlev - 1) {
			wfx_set(&fx.m, da, leaf);
			return;
		}
		if (!wfx_get(&fx.m, da)) {
			wfx_set(&fx.m, da, wfx_table(*next));
			*next += step;
		}
		table = wfx_get(&fx.m, da) & GENMASK(47, 12);
	}
}

START_TEST(test_ref_count_matrix)
{
	static const struct { unsigned tg0, t0sz; } s1r[5] = {
		[1] = { TG0_64K, 39 }, [2] = { TG0_4K, 34 }, [3] = { TG0_4K, 25 }, [4] = { TG0_4K, 16 },
	};
	static const struct { unsigned tg0, t0sz, sl0; } s2r[5] = {
		[1] = { TG0_64K, 32, 0 }, [2] = { TG0_4K, 32, 0 }, [3] = { TG0_4K, 24, 1 },
		[4] = { TG0_4K, 16, 2 },
	};
	const unsigned n = 1 + (unsigned)_i / 4, m = 1 + (unsigned)_i % 4;
	const struct geo *g1 = &s1_geo[n], *g2 = &s2_geo[m];
	const uint64_t va = 0x1234567, data = 0x800000, s2root = 0x100000000ull;
	uint64_t s1next = 0x110000, s2next = s2root + 0x100000;
	uint64_t s1pages[8];
	unsigned np = 0, i = 0;
	uint64_t expect_oa = data | (va & bits_low_mask(g1->g));

	fx.r.sctlr_el1 = R_SCTLR_M;
	fx.r.tcr_el1 = R_TCR_TG0(s1r[n].tg0) | R_TCR_T0SZ(s1r[n].t0sz) | R_TCR_IPS(PA48) |
		       R_TCR_TG1(TG1_4K) | R_TCR_T1SZ(16);
	fx.r.ttbr0_el1 = 0x100000;
	fx.r.hcr_el2 = R_HCR_VM;
	fx.r.vtcr_el2 = R_VTCR_TG0(s2r[m].tg0) | R_VTCR_T0SZ(s2r[m].t0sz) | R_VTCR_SL0(s2r[m].sl0) |
			R_VTCR_PS(PA48);
	fx.r.vttbr_el2 = s2root;

	map(g1, 0x100000, &s1next, 0x10000, va, wfx_s1_page(data, AP_RW, 0));
	for (uint64_t a = 0x100000; a < s1next; a += 0x10000)
		s1pages[np++] = a;
	s1pages[np++] = expect_oa;     /* the final IPA's page (64K stage 1: not data's first 4K) */
	for (unsigned k = 0; k < np; k++)
		map(g2, s2root, &s2next, UINT64_C(1) << g2->g, s1pages[k],
		    wfx_s2_page(s1pages[k] & ~bits_low_mask(g2->g), S2AP_RW, 0));
	ck_assert_uint_eq(np, n + 1);

	decode();
	ck_assert_int_eq(fx.c.s1[0].start_level, g1->start);
	ck_assert_int_eq(fx.c.s2.start_level, g2->start);
	ck_assert_int_eq(fx.c.s2.cfg_fault, MMU_FAULT_NONE);
	expect_ok(va, EL1R, true, expect_oa);
	ck_assert_uint_eq(fx.refs.n, (n + 1) * (m + 1) - 1);
	ck_assert_uint_eq(fx.res.s1_reads, n);
	ck_assert_uint_eq(fx.res.s2_reads, n * m + m);
	for (unsigned l1 = 0; l1 <= n; l1++) {
		int for_s1 = l1 < n ? g1->start + (int)l1 : MMU_REF_FOR_FINAL;

		for (unsigned l2 = 0; l2 < m; l2++, i++) {
			ck_assert_uint_eq(fx.refs.ref[i].stage, 2);
			ck_assert_int_eq(fx.refs.ref[i].level, g2->start + (int)l2);
			ck_assert_int_eq(fx.refs.ref[i].for_s1, for_s1);
		}
		if (l1 < n) {
			ck_assert_uint_eq(fx.refs.ref[i].stage, 1);
			ck_assert_int_eq(fx.refs.ref[i].level, g1->start + (int)l1);
			i++;
		}
	}
}
END_TEST

/* ---- two-stage faults ---- */

/*
 * Stage-2 faults while fetching a stage-1 table (ptw = 1): the reported
 * level is the stage-1 level being fetched, fault.s2_level the stage-2
 * level, fault.ipa the descriptor's IPA.
 */
START_TEST(test_ptw_translation_fault)
{
	build_44();
	/* IPA page 3 (the stage-1 L2 table) unmapped at stage-2 L3 */
	wfx_set(&fx.m, S2_L3(3), 0);
	expect_fault(VA44, EL1R, true, 2, 2, MMU_FAULT_TRANSLATION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
	ck_assert_uint_eq(fx.res.fault.ipa, 0x3018);
	ck_assert_uint_eq(fx.refs.n, 14);      /* 5 + 5 + 4 */

	/* the stage-2 L1 table descriptor invalid: every IPA faults at
	 * stage-2 level 1, first while fetching the stage-1 L0 descriptor */
	build_44();
	wfx_set(&fx.m, 0x110000, 0);
	expect_fault(VA44, EL1R, true, 2, 0, MMU_FAULT_TRANSLATION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 1);
	ck_assert_uint_eq(fx.res.fault.ipa, 0x1008);
	ck_assert_uint_eq(fx.refs.n, 2);
}
END_TEST

START_TEST(test_ptw_access_flag_permission_address_size)
{
	/* AF = 0 on the stage-2 page of IPA 0x1000, VTCR.HA = 0 */
	build_44();
	wfx_set(&fx.m, S2_L3(1), wfx_s2_page(0x80001000, S2AP_RW, WFX_NO_AF));
	expect_fault(VA44, EL1R, true, 2, 0, MMU_FAULT_ACCESS_FLAG, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);

	/* S2AP none / write-only on IPA page 2 (the stage-1 L1 table): the
	 * table read is not permitted; read-only is enough */
	build_44();
	wfx_set(&fx.m, S2_L3(2), wfx_s2_page(0x80002000, S2AP_NONE, 0));
	expect_fault(VA44, EL1R, true, 2, 1, MMU_FAULT_PERMISSION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
	wfx_set(&fx.m, S2_L3(2), wfx_s2_page(0x80002000, S2AP_WO, 0));
	expect_fault(VA44, EL0R, true, 2, 1, MMU_FAULT_PERMISSION, true);
	wfx_set(&fx.m, S2_L3(2), wfx_s2_page(0x80002000, S2AP_RO, 0));
	expect_ok(VA44, EL1W, true, 0x80005567);

	/* VTCR.PS = 40 bits: the stage-2 page of IPA 0x4000 (stage-1 L3
	 * table) at PA 2^40 + 0x4000 is an Address size fault at stage-2 L3 */
	build_44();
	fx.r.vtcr_el2 = (fx.r.vtcr_el2 & ~R_VTCR_PS(7)) | R_VTCR_PS(PA40);
	wfx_set(&fx.m, S2_L3(4), wfx_s2_page((UINT64_C(1) << 40) | 0x4000, S2AP_RW, 0));
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_ADDRESS_SIZE, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
}
END_TEST

/*
 * Stage-2 faults on the final IPA 0x5567 (ptw = 0, the stage-2 level):
 * invalid L3 (translation, 3), AF = 0 (access-flag, 3), S2AP read-only and
 * a write (permission, 3), PA above PS (address-size, 3); and an IPA whose
 * stage-2 L1 entry is invalid: the stage-1 leaf pointing at IPA
 * 0x4000_5000 (IPA[38:30] = 1 -> stage-2 L1 desc 0x110008, empty):
 * translation at stage-2 level 1.
 */
START_TEST(test_final_ipa_faults)
{
	build_44();
	wfx_set(&fx.m, S2_L3(5), 0);
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_TRANSLATION, false);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
	ck_assert_uint_eq(fx.res.fault.ipa, 0x5567);
	ck_assert_uint_eq(fx.refs.n, 24);

	wfx_set(&fx.m, S2_L3(5), wfx_s2_page(0x80005000, S2AP_RW, WFX_NO_AF));
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_ACCESS_FLAG, false);

	wfx_set(&fx.m, S2_L3(5), wfx_s2_page(0x80005000, S2AP_RO, 0));
	expect_ok(VA44, EL0R, true, 0x80005567);
	expect_fault(VA44, EL1W, true, 2, 3, MMU_FAULT_PERMISSION, false);

	fx.r.vtcr_el2 = (fx.r.vtcr_el2 & ~R_VTCR_PS(7)) | R_VTCR_PS(PA40);
	wfx_set(&fx.m, S2_L3(5), wfx_s2_page(UINT64_C(1) << 40, S2AP_RW, 0));
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_ADDRESS_SIZE, false);

	build_44();
	wfx_set(&fx.m, 0x80004020, wfx_s1_page(0x40005000, AP_RW, 0));
	expect_fault(VA44, EL1R, true, 2, 1, MMU_FAULT_TRANSLATION, false);
	ck_assert_int_eq(fx.res.fault.s2_level, 1);
	ck_assert_uint_eq(fx.refs.n, 22);      /* 20 + L0 + L1 */
}
END_TEST

/*
 * Stage-1 faults under stage 2 are stage-1 faults (ptw = 0) and stop before
 * the final stage-2 walk: an invalid stage-1 L3 descriptor after 20 reads;
 * a stage-1 permission fault (EL0 on AP = 00).
 */
START_TEST(test_stage1_fault_under_stage2)
{
	build_44();
	wfx_set(&fx.m, 0x80004020, 0);
	expect_fault(VA44, EL1R, true, 1, 3, MMU_FAULT_TRANSLATION, false);
	ck_assert_uint_eq(fx.refs.n, 20);
	wfx_set(&fx.m, 0x80004020, wfx_s1_page(0x5000, AP_EL1_RW, 0));
	expect_fault(VA44, EL0R, true, 1, 3, MMU_FAULT_PERMISSION, false);
	expect_ok(VA44, EL1W, true, 0x80005567);
}
END_TEST

/*
 * HCR_EL2.PTW = 1 and stage 2 maps the stage-1 L1 table page (IPA 0x2000)
 * as Device (MemAttr 0b0000): Permission fault, stage 2, ptw = 1, level 1,
 * s2_level 3.  With PTW = 0 the walk proceeds.
 */
START_TEST(test_hcr_ptw_device)
{
	build_44();
	wfx_set(&fx.m, S2_L3(2), wfx_s2_page(0x80002000, S2AP_RW, WFX_DEVICE));
	expect_ok(VA44, EL1R, true, 0x80005567);
	fx.r.hcr_el2 |= R_HCR_PTW;
	expect_fault(VA44, EL1R, true, 2, 1, MMU_FAULT_PERMISSION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
	/* Device on the final IPA is not a table walk: no fault */
	build_44();
	fx.r.hcr_el2 |= R_HCR_PTW;
	wfx_set(&fx.m, S2_L3(5), wfx_s2_page(0x80005000, S2AP_RW, WFX_DEVICE));
	expect_ok(VA44, EL1R, true, 0x80005567);
}
END_TEST

/*
 * Address size faults from the configured sizes:
 * - IPS 32 (PARange 48): stage-1 leaf OA 0x1_0000_0000 -> stage 1, L3;
 *   a stage-1 L1 table address 0x1_0000_0000 -> stage 1, L1.
 * - IPS 48 on a PARange-40 CPU: effective 40; OA 2^40 faults, OA
 *   0xff_ffff_f000 does not.
 * - TTBR0 base 2^40 with IPS 40: stage-1 level 0 (the TTBR rule), even with
 *   a 39-bit VA whose walk starts at level 1; no read.
 * - VTTBR base 2^40 with PS 40: stage-2 level 0, ptw = 1 at the stage-1
 *   start level under stage 1, ptw = 0 with stage 1 off.
 */
START_TEST(test_address_size_sizes)
{
	build_44();
	fx.r.hcr_el2 = 0;
	fx.r.tcr_el1 = (fx.r.tcr_el1 & ~R_TCR_IPS(7)) | R_TCR_IPS(PA32);
	wfx_set(&fx.m, 0x1008, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2010, wfx_table(0x3000));
	wfx_set(&fx.m, 0x3018, wfx_table(0x4000));
	wfx_set(&fx.m, 0x4020, wfx_s1_page(0x100000000ull, AP_RW, 0));
	expect_fault(VA44, EL1R, false, 1, 3, MMU_FAULT_ADDRESS_SIZE, false);
	wfx_set(&fx.m, 0x4020, wfx_s1_page(0xfffff000ull, AP_RW, 0));
	expect_ok(VA44, EL1R, false, 0xfffff567ull);
	wfx_set(&fx.m, 0x1008, wfx_table(0x100000000ull));
	expect_fault(VA44, EL1R, false, 1, 0, MMU_FAULT_ADDRESS_SIZE, false);
	ck_assert_uint_eq(fx.m.reads, 1);
	wfx_set(&fx.m, 0x1008, wfx_table(0x2000));
	wfx_set(&fx.m, 0x2010, wfx_table(0x100000000ull));
	expect_fault(VA44, EL1R, false, 1, 1, MMU_FAULT_ADDRESS_SIZE, false);

	/* PARange 40 caps IPS 48 */
	fx.r.id_aa64mmfr0_el1 = mmfr0(PA40);
	fx.r.tcr_el1 = (fx.r.tcr_el1 & ~R_TCR_IPS(7)) | R_TCR_IPS(PA48);
	wfx_set(&fx.m, 0x2010, wfx_table(0x3000));
	wfx_set(&fx.m, 0x4020, wfx_s1_page(UINT64_C(1) << 40, AP_RW, 0));
	expect_fault(VA44, EL1R, false, 1, 3, MMU_FAULT_ADDRESS_SIZE, false);
	wfx_set(&fx.m, 0x4020, wfx_s1_page(0xfffffff000ull, AP_RW, 0));
	expect_ok(VA44, EL1R, false, 0xfffffff567ull);

	/* TTBR0 above IPS: level 0 although the walk would start at L1 */
	fx.r.id_aa64mmfr0_el1 = mmfr0(PA48);
	fx.r.tcr_el1 = R_TCR_T0SZ(25) | R_TCR_IPS(PA40);
	fx.r.ttbr0_el1 = UINT64_C(1) << 40;
	expect_fault(0x1000, EL1R, false, 1, 0, MMU_FAULT_ADDRESS_SIZE, false);
	ck_assert_uint_eq(fx.m.reads, 0);

	/* VTTBR above PS: 4K 40-bit IPA from L1 (two tables, 8 KiB aligned) */
	fx.r.ttbr0_el1 = 0x1000;
	fx.r.hcr_el2 = R_HCR_VM;
	fx.r.vtcr_el2 = R_VTCR_T0SZ(24) | R_VTCR_SL0(1) | R_VTCR_PS(PA40);
	fx.r.vttbr_el2 = UINT64_C(1) << 40;
	expect_fault(0x1000, EL1R, true, 2, 1, MMU_FAULT_ADDRESS_SIZE, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 0);
	ck_assert_uint_eq(fx.m.reads, 0);
	fx.r.sctlr_el1 = 0;
	expect_fault(0x1000, EL1R, true, 2, 0, MMU_FAULT_ADDRESS_SIZE, false);
}
END_TEST

/* ---- hardware updates through two stages ---- */

/*
 * TCR.HA = 1, stage-1 leaf AF = 0: the request succeeds; the leaf at PA
 * 0x8000_4020 gets AF = 1 with one counted write, recorded after the 20
 * reads of the stage-1 walk (the table page is stage-2 writable, so no
 * second stage-2 walk) and before the 4 reads of the final IPA.  A second
 * request sees AF = 1 and writes nothing.  HA = 0: Access flag fault at
 * stage 1, level 3.
 */
START_TEST(test_s1_access_flag_hw)
{
	uint64_t leaf = wfx_s1_page(0x5000, AP_RW, WFX_NO_AF);

	build_44();
	wfx_set(&fx.m, 0x80004020, leaf);
	expect_fault(VA44, EL1R, true, 1, 3, MMU_FAULT_ACCESS_FLAG, false);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), leaf);

	fx.r.tcr_el1 |= R_TCR_HA;
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), leaf | DESC_AF);
	ck_assert_uint_eq(fx.res.writes, 1);
	ck_assert_uint_eq(fx.m.writes, 1);
	ck_assert_uint_eq(fx.refs.n, 25);
	check_ref(20, 0x80004020, 1, 3, MMU_REF_FOR_NONE, true);
	check_ref(21, 0x100000, 2, 0, MMU_REF_FOR_FINAL, false);

	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(fx.res.writes, 0);
	ck_assert_uint_eq(fx.m.writes, 0);
	ck_assert_uint_eq(fx.refs.n, 24);
}
END_TEST

/*
 * A hardware update of a stage-1 descriptor is a write to its IPA, so it
 * needs stage-2 write permission on the table page (the S1PTW write case):
 * TCR.HA = 1, stage-1 leaf AF = 0 in the L3 table at IPA 0x4000, whose
 * stage-2 page S2_L3(4) is read-only: stage-2 Permission fault, ptw = 1,
 * reported at the stage-1 leaf level 3 (stage-2 level 3), the descriptor
 * unchanged.  With DBM on that stage-2 page and VTCR.HA = HD = 1, the write
 * makes the table page writable (S2AP[1] set) and the AF update succeeds.
 */
START_TEST(test_s1_update_needs_s2_write)
{
	uint64_t leaf = wfx_s1_page(0x5000, AP_RW, WFX_NO_AF);
	uint64_t tpage = wfx_s2_page(0x80004000, S2AP_RO, WFX_DBM);

	build_44();
	fx.r.tcr_el1 |= R_TCR_HA;
	wfx_set(&fx.m, 0x80004020, leaf);
	wfx_set(&fx.m, S2_L3(4), tpage);
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_PERMISSION, true);
	ck_assert_int_eq(fx.res.fault.s2_level, 3);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), leaf);
	ck_assert_uint_eq(fx.m.writes, 0);

	fx.r.vtcr_el2 |= R_VTCR_HA | R_VTCR_HD;
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), leaf | DESC_AF);
	ck_assert_uint_eq(wfx_get(&fx.m, S2_L3(4)), tpage | DESC_S2AP_W);
	ck_assert_uint_eq(fx.m.writes, 2);
}
END_TEST

/*
 * VTCR.HA = 1, stage-2 AF = 0 on the final IPA's page (S2_L3(5)) and on a
 * table page (S2_L3(1)): both translate, both get AF = 1 (two writes).
 * HA = 0 gives the two access-flag faults (ptw = 1 first).
 */
START_TEST(test_s2_access_flag_hw)
{
	uint64_t p1 = wfx_s2_page(0x80001000, S2AP_RW, WFX_NO_AF);
	uint64_t p5 = wfx_s2_page(0x80005000, S2AP_RW, WFX_NO_AF);

	build_44();
	wfx_set(&fx.m, S2_L3(1), p1);
	wfx_set(&fx.m, S2_L3(5), p5);
	expect_fault(VA44, EL1R, true, 2, 0, MMU_FAULT_ACCESS_FLAG, true);
	wfx_set(&fx.m, S2_L3(1), p1 | DESC_AF);
	expect_fault(VA44, EL1R, true, 2, 3, MMU_FAULT_ACCESS_FLAG, false);
	wfx_set(&fx.m, S2_L3(1), p1);

	fx.r.vtcr_el2 |= R_VTCR_HA;
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(wfx_get(&fx.m, S2_L3(1)), p1 | DESC_AF);
	ck_assert_uint_eq(wfx_get(&fx.m, S2_L3(5)), p5 | DESC_AF);
	ck_assert_uint_eq(fx.res.writes, 2);
	ck_assert_uint_eq(fx.m.writes, 2);
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(fx.m.writes, 0);
}
END_TEST

/*
 * HD + DBM at both stages on a write: stage-1 leaf AP = 10 + DBM (EL1
 * writable-clean) has AP[2] cleared; stage-2 page of the final IPA S2AP =
 * 01 + DBM gets S2AP[1] set.  A read changes neither.
 */
START_TEST(test_dirty_state_both_stages)
{
	uint64_t s1 = wfx_s1_page(0x5000, AP_EL1_RO, WFX_DBM);
	uint64_t s2 = wfx_s2_page(0x80005000, S2AP_RO, WFX_DBM);

	build_44();
	wfx_set(&fx.m, 0x80004020, s1);
	wfx_set(&fx.m, S2_L3(5), s2);
	expect_fault(VA44, EL1W, true, 1, 3, MMU_FAULT_PERMISSION, false);
	fx.r.tcr_el1 |= R_TCR_HA | R_TCR_HD;
	expect_fault(VA44, EL1W, true, 2, 3, MMU_FAULT_PERMISSION, false);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), s1 & ~DESC_AP_RO);
	wfx_set(&fx.m, 0x80004020, s1);
	fx.r.vtcr_el2 |= R_VTCR_HA | R_VTCR_HD;
	expect_ok(VA44, EL1R, true, 0x80005567);
	ck_assert_uint_eq(fx.m.writes, 0);
	expect_ok(VA44, EL1W, true, 0x80005567);
	ck_assert_uint_eq(wfx_get(&fx.m, 0x80004020), s1 & ~DESC_AP_RO);
	ck_assert_uint_eq(wfx_get(&fx.m, S2_L3(5)), s2 | DESC_S2AP_W);
	ck_assert_uint_eq(fx.m.writes, 2);
}
END_TEST

static Suite *translate_suite(void)
{
	Suite *s = suite_create("translate");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_decode_tg0_tg1);
	tcase_add_test(tc, test_decode_output_size);
	tcase_add_test(tc, test_decode_asid);
	tcase_add_test(tc, test_decode_vmid);
	tcase_add_test(tc, test_decode_epd);
	tcase_add_loop_test(tc, test_decode_s2_legality, 0, (int)ARRAY_SIZE(s2cases));
	tcase_add_loop_test(tc, test_s2_illegal_config_faults, 0, (int)ARRAY_SIZE(s2cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("stage1");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ttbr_halves);
	tcase_add_test(tc, test_gap_between_halves);
	tcase_add_test(tc, test_epd);
	tcase_add_test(tc, test_stage1_disabled);
	suite_add_tcase(s, tc);

	tc = tcase_create("references");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_order_4_plus_4);
	tcase_add_test(tc, test_s1_request_and_stage2_off);
	tcase_add_loop_test(tc, test_ref_count_matrix, 0, 16);
	suite_add_tcase(s, tc);

	tc = tcase_create("two_stage_faults");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ptw_translation_fault);
	tcase_add_test(tc, test_ptw_access_flag_permission_address_size);
	tcase_add_test(tc, test_final_ipa_faults);
	tcase_add_test(tc, test_stage1_fault_under_stage2);
	tcase_add_test(tc, test_hcr_ptw_device);
	tcase_add_test(tc, test_address_size_sizes);
	suite_add_tcase(s, tc);

	tc = tcase_create("hardware_updates");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_s1_access_flag_hw);
	tcase_add_test(tc, test_s1_update_needs_s2_write);
	tcase_add_test(tc, test_s2_access_flag_hw);
	tcase_add_test(tc, test_dirty_state_both_stages);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(translate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
