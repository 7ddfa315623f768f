/*
 * tests/test_tlbi.c - TLB maintenance (tlb/tlbi.h): for every TLBI form,
 * exactly which entries of a prepared mix survive, in a TLB and in a walk
 * cache; splintered blocks removed whole; operand decoding; regime checks.
 *
 * The mix (A = 0x40201000 and B = 0x80005000 lie in different 1G regions;
 * A's 2M block is 0x40200000..0x403fffff):
 *
 *   TLB                                     walk cache (4K granule)
 *   e0  EL1&0 VMID1 ASID1 nG comb 4K @A      w0 S1 EL1&0 V1 A1 L2 @A
 *   e1  EL1&0 VMID1 ASID2 nG comb 4K @A      w1 S1 EL1&0 V1 A2 L2 @A
 *   e2  EL1&0 VMID1 global comb 2M @A        w2 S1 EL1&0 V1 A1 L1 @A
 *   e3  EL1&0 VMID1 ASID1 nG comb 4K @B      w3 S1 EL1&0 V2 A1 L2 @A
 *   e4  EL1&0 VMID2 ASID1 nG comb 4K @A      w4 S2 V1 L2 @IPA A
 *   e5  EL1&0 VMID2 global comb 4K @A        w5 S2 V2 L2 @IPA A
 *   e6  stage-2 VMID1 4K @IPA A              w6 S1 EL2&0 A1 L2 @A
 *   e7  stage-2 VMID2 4K @IPA A              w7 S1 EL2 L2 @A
 *   e8  EL2&0 ASID1 nG 4K @A                 w8 S1 EL1&0 V1 A1 L2 @B
 *   e9  EL2&0 global 4K @A
 *   e10 EL2 4K @A
 *   e11 EL1&0 VMID1 global S1-only 4K @B
 *   e12 EL2&0 ASID2 nG 4K @A
 *
 * Stage-2 entries sit at the same number as A on purpose: a VA operation
 * must not touch them, nor an IPA operation the VA-indexed entries.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "tlb/tlb.h"
#include "tlb/tlbi.h"
#include "tlb/walkcache.h"

#define A_VA UINT64_C(0x40201000)
#define B_VA UINT64_C(0x80005000)

#define EL10 MMU_REGIME_EL10
#define EL20 MMU_REGIME_EL20
#define EL2  MMU_REGIME_EL2

struct leaf_spec {
	enum mmu_regime regime;
	enum tlb_kind kind;
	uint16_t vmid, asid;
	bool global;
	uint64_t addr;
	unsigned shift;
};

static const struct leaf_spec leaves[] = {
	{ EL10, TLB_KIND_COMBINED, 1, 1, false, A_VA, 12 },     /* e0 */
	{ EL10, TLB_KIND_COMBINED, 1, 2, false, A_VA, 12 },     /* e1 */
	{ EL10, TLB_KIND_COMBINED, 1, 0, true, A_VA, 21 },      /* e2 */
	{ EL10, TLB_KIND_COMBINED, 1, 1, false, B_VA, 12 },     /* e3 */
	{ EL10, TLB_KIND_COMBINED, 2, 1, false, A_VA, 12 },     /* e4 */
	{ EL10, TLB_KIND_COMBINED, 2, 0, true, A_VA, 12 },      /* e5 */
	{ EL10, TLB_KIND_S2, 1, 0, false, A_VA, 12 },           /* e6 */
	{ EL10, TLB_KIND_S2, 2, 0, false, A_VA, 12 },           /* e7 */
	{ EL20, TLB_KIND_S1, 0, 1, false, A_VA, 12 },           /* e8 */
	{ EL20, TLB_KIND_S1, 0, 0, true, A_VA, 12 },            /* e9 */
	{ EL2, TLB_KIND_S1, 0, 0, true, A_VA, 12 },             /* e10 */
	{ EL10, TLB_KIND_S1, 1, 0, true, B_VA, 12 },            /* e11 */
	{ EL20, TLB_KIND_S1, 0, 2, false, A_VA, 12 },           /* e12 */
};

struct table_spec {
	bool stage2;
	enum mmu_regime regime;
	uint16_t vmid, asid;
	int level;
	uint64_t addr;
};

static const struct table_spec tables[] = {
	{ false, EL10, 1, 1, 2, A_VA },         /* w0 */
	{ false, EL10, 1, 2, 2, A_VA },         /* w1 */
	{ false, EL10, 1, 1, 1, A_VA },         /* w2 */
	{ false, EL10, 2, 1, 2, A_VA },         /* w3 */
	{ true, EL10, 1, 0, 2, A_VA },          /* w4 */
	{ true, EL10, 2, 0, 2, A_VA },          /* w5 */
	{ false, EL20, 0, 1, 2, A_VA },         /* w6 */
	{ false, EL2, 0, 0, 2, A_VA },          /* w7 */
	{ false, EL10, 1, 1, 2, B_VA },         /* w8 */
};

#define NLEAVES ARRAY_SIZE(leaves)
#define NTABLES ARRAY_SIZE(tables)

struct mix {
	struct tlb tlb;
	struct wc wc;
};

static uint64_t leaf_ctx(const struct leaf_spec *l)
{
	return tlb_ctx(l->regime, l->kind, l->vmid, l->asid, l->global);
}

static uint64_t table_ctx(const struct table_spec *t)
{
	return t->stage2 ? wc_ctx_s2(t->vmid) :
		wc_ctx_s1(t->regime, t->vmid, t->asid);
}

static void mix_init(struct mix *x)
{
	struct tlb_geom g = {
		.name = "T", .serve = TLB_SERVE_UNIFIED, .org = TLB_ORG_SHARED,
		.entries = 32, .ways = 32, .nsizes = 2,
		.sizes = { { .shift = 12 }, { .shift = 21 } },
		.latency = 1, .repl = &tlb_repl_lru,
	};
	struct wc_geom wg = {
		.name = "W", .entries = 16, .ways = 16, .latency = 1,
		.repl = &tlb_repl_lru,
	};
	struct sim_error err;

	sim_error_clear(&err);
	ck_assert_msg(tlb_init(&x->tlb, &g, &err) == 0, "%s", err.msg);
	ck_assert_msg(wc_init(&x->wc, &wg, &err) == 0, "%s", err.msg);
	for (unsigned i = 0; i < NLEAVES; i++) {
		struct tlb_fill f = {
			.ctx = leaf_ctx(&leaves[i]),
			.in_addr = leaves[i].addr,
			.out_addr = 0x100000000 + (i << 21),
			.shift = (uint8_t)leaves[i].shift,
		};

		ck_assert_int_eq(tlb_fill(&x->tlb, &f), 0);
	}
	for (unsigned i = 0; i < NTABLES; i++) {
		struct wc_step st = {
			.level = tables[i].level, .table = 0x7000 + i * 0x1000,
		};

		ck_assert_int_eq(wc_fill(&x->wc, table_ctx(&tables[i]), 12,
					 tables[i].addr, &st, 1), 0);
	}
	ck_assert_uint_eq(tlb_count_valid(&x->tlb), NLEAVES);
	ck_assert_uint_eq(wc_count_valid(&x->wc), NTABLES);
}

static void mix_fini(struct mix *x)
{
	tlb_destroy(&x->tlb);
	wc_destroy(&x->wc);
}

struct find_arg {
	uint64_t tag;
	uint64_t page;
	bool found;
};

static void find_cb(void *arg, const struct tlb_entry *e)
{
	struct find_arg *f = arg;

	if (e->tag == f->tag && e->in_page == f->page)
		f->found = true;
}

static bool leaf_present(const struct tlb *t, unsigned i)
{
	const struct leaf_spec *l = &leaves[i];
	struct find_arg f = {
		.tag = leaf_ctx(l) | FIELD_PREP(TLB_TAG_SHIFT, l->shift) |
			FIELD_PREP(TLB_TAG_BLOCK, l->shift),
		.page = l->addr >> l->shift,
	};

	tlb_for_each(t, find_cb, &f);
	return f.found;
}

static bool table_present(const struct wc *w, unsigned i)
{
	return wc_probe(w, table_ctx(&tables[i]), 12, tables[i].level,
			tables[i].addr) != NULL;
}

/* Bit i set = entry i removed. */
#define E(i) (1u << (i))

struct tlbi_case {
	const char *what;
	enum tlbi_op op;
	struct tlbi_args args;
	unsigned leaves_removed;
	unsigned tables_removed;
};

static const struct tlbi_case cases[] = {
	{ "vmalle1 el10 vmid1", TLBI_VMALLE1, { EL10, 1, 0, 0 },
	  E(0) | E(1) | E(2) | E(3) | E(11), E(0) | E(1) | E(2) | E(8) },
	{ "vmalle1 el20 (E2H=TGE=1)", TLBI_VMALLE1, { EL20, 1, 0, 0 },
	  E(8) | E(9) | E(12), E(6) },
	{ "vmalls12e1 vmid1", TLBI_VMALLS12E1, { EL10, 1, 0, 0 },
	  E(0) | E(1) | E(2) | E(3) | E(6) | E(11),
	  E(0) | E(1) | E(2) | E(4) | E(8) },
	{ "alle1", TLBI_ALLE1, { EL10, 1, 0, 0 },
	  E(0) | E(1) | E(2) | E(3) | E(4) | E(5) | E(6) | E(7) | E(11),
	  E(0) | E(1) | E(2) | E(3) | E(4) | E(5) | E(8) },
	{ "aside1 el10 vmid1 asid1", TLBI_ASIDE1, { EL10, 1, 1, 0 },
	  E(0) | E(3), E(0) | E(2) | E(8) },
	{ "aside1 el20 asid1", TLBI_ASIDE1, { EL20, 1, 1, 0 },
	  E(8), E(6) },
	{ "vae1 el10 vmid1 asid1 A", TLBI_VAE1, { EL10, 1, 1, A_VA },
	  E(0) | E(2), E(0) | E(2) },
	{ "vale1 el10 vmid1 asid1 A", TLBI_VALE1, { EL10, 1, 1, A_VA },
	  E(0) | E(2), 0 },
	{ "vaae1 el10 vmid1 A", TLBI_VAAE1, { EL10, 1, 0, A_VA },
	  E(0) | E(1) | E(2), E(0) | E(1) | E(2) },
	{ "vaale1 el10 vmid1 A", TLBI_VAALE1, { EL10, 1, 0, A_VA },
	  E(0) | E(1) | E(2), 0 },
	{ "vae1 el10 vmid1 asid1, elsewhere in A's 2M block", TLBI_VAE1,
	  { EL10, 1, 1, A_VA + 0x80000 }, E(2), E(0) | E(2) },
	{ "vae1 el10 vmid2 asid1 A", TLBI_VAE1, { EL10, 2, 1, A_VA },
	  E(4) | E(5), E(3) },
	{ "vae1 el20 asid1 A", TLBI_VAE1, { EL20, 7, 1, A_VA },
	  E(8) | E(9), E(6) },
	{ "vaae1 el20 A", TLBI_VAAE1, { EL20, 7, 0, A_VA },
	  E(8) | E(9) | E(12), E(6) },
	{ "vale1 el10 vmid1 asid1 B", TLBI_VALE1, { EL10, 1, 1, B_VA },
	  E(3) | E(11), 0 },
	{ "ipas2e1 vmid1 A", TLBI_IPAS2E1, { EL10, 1, 0, A_VA },
	  E(6), E(4) },
	{ "ipas2le1 vmid1 A", TLBI_IPAS2LE1, { EL10, 1, 0, A_VA },
	  E(6), 0 },
	{ "ipas2e1 vmid1 B", TLBI_IPAS2E1, { EL10, 1, 0, B_VA }, 0, 0 },
	{ "alle2 el2", TLBI_ALLE2, { EL2, 1, 0, 0 }, E(10), E(7) },
	{ "alle2 el20", TLBI_ALLE2, { EL20, 1, 0, 0 },
	  E(8) | E(9) | E(12), E(6) },
	{ "vae2 el2 A", TLBI_VAE2, { EL2, 1, 5, A_VA }, E(10), E(7) },
	{ "vae2 el20 asid1 A", TLBI_VAE2, { EL20, 1, 1, A_VA },
	  E(8) | E(9), E(6) },
	{ "vale2 el2 A", TLBI_VALE2, { EL2, 1, 0, A_VA }, E(10), 0 },
	{ "vale2 el20 asid2 A", TLBI_VALE2, { EL20, 1, 2, A_VA },
	  E(9) | E(12), 0 },
};

START_TEST(test_tlbi_form)
{
	const struct tlbi_case *c = &cases[_i];
	struct mix x;
	struct tlb_match m;
	struct sim_error err;
	unsigned nl = 0, nt = 0;

	mix_init(&x);
	sim_error_clear(&err);
	ck_assert_msg(tlbi_match(c->op, &c->args, &m, &err) == 0, "%s: %s",
		      c->what, err.msg);
	for (unsigned i = 0; i < NLEAVES; i++)
		nl += (c->leaves_removed >> i) & 1;
	for (unsigned i = 0; i < NTABLES; i++)
		nt += (c->tables_removed >> i) & 1;
	ck_assert_uint_eq(tlb_invalidate(&x.tlb, &m), nl);
	ck_assert_uint_eq(wc_invalidate(&x.wc, &m), nt);
	for (unsigned i = 0; i < NLEAVES; i++)
		ck_assert_msg(leaf_present(&x.tlb, i) == !((c->leaves_removed >> i) & 1),
			      "%s: e%u %s", c->what, i,
			      leaf_present(&x.tlb, i) ? "survived" : "was removed");
	for (unsigned i = 0; i < NTABLES; i++)
		ck_assert_msg(table_present(&x.wc, i) == !((c->tables_removed >> i) & 1),
			      "%s: w%u %s", c->what, i,
			      table_present(&x.wc, i) ? "survived" : "was removed");
	ck_assert_uint_eq(x.tlb.st.c[TLB_C_INVAL], nl);
	ck_assert_uint_eq(x.wc.st.c[WC_C_INVAL], nt);
	mix_fini(&x);
}
END_TEST

static void assert_match_eq(const struct tlb_match *a, const struct tlb_match *b)
{
	ck_assert_uint_eq(a->tag, b->tag);
	ck_assert_uint_eq(a->tag_mask, b->tag_mask);
	ck_assert_uint_eq(a->addr, b->addr);
	ck_assert_uint_eq(a->addr_mask, b->addr_mask);
	ck_assert_uint_eq(a->block_sel, b->block_sel);
}

/* The per-operation constructors and the dispatcher agree. */
START_TEST(test_constructors_match_dispatcher)
{
	struct tlb_match a, b;
	struct tlbi_args args = { EL10, 3, 4, 0x1234000 };

	tlbi_match(TLBI_VAE1, &args, &a, NULL);
	tlbi_match_vae1(&b, EL10, 3, 4, 0x1234000);
	assert_match_eq(&a, &b);
	tlbi_match(TLBI_IPAS2LE1, &args, &a, NULL);
	tlbi_match_ipas2le1(&b, 3, 0x1234000);
	assert_match_eq(&a, &b);
	tlbi_match(TLBI_ASIDE1, &args, &a, NULL);
	tlbi_match_aside1(&b, EL10, 3, 4);
	assert_match_eq(&a, &b);
}
END_TEST

START_TEST(test_tlbi_bad_regime)
{
	struct tlb_match m;
	struct sim_error err;
	struct tlbi_args a = { EL20, 1, 1, 0 };

	sim_error_clear(&err);
	ck_assert_int_eq(tlbi_match(TLBI_VMALLS12E1, &a, &m, &err), SIM_E_INVAL);
	ck_assert(strstr(err.msg, "cannot target") != NULL);
	a.regime = EL2;
	ck_assert_int_eq(tlbi_match(TLBI_VAE1, &a, &m, NULL), SIM_E_INVAL);
	a.regime = EL10;
	ck_assert_int_eq(tlbi_match(TLBI_ALLE2, &a, &m, NULL), SIM_E_INVAL);
	ck_assert_int_eq(tlbi_match(TLBI__COUNT, &a, &m, NULL), SIM_E_INVAL);
}
END_TEST

START_TEST(test_target_regime)
{
	ck_assert_int_eq(tlbi_target_regime(TLBI_VMALLE1, false, false), EL10);
	ck_assert_int_eq(tlbi_target_regime(TLBI_VMALLE1, true, false), EL10);
	ck_assert_int_eq(tlbi_target_regime(TLBI_VMALLE1, true, true), EL20);
	ck_assert_int_eq(tlbi_target_regime(TLBI_VAE1, true, true), EL20);
	ck_assert_int_eq(tlbi_target_regime(TLBI_ASIDE1, true, true), EL20);
	ck_assert_int_eq(tlbi_target_regime(TLBI_VMALLS12E1, true, true), EL10);
	ck_assert_int_eq(tlbi_target_regime(TLBI_ALLE1, true, true), EL10);
	ck_assert_int_eq(tlbi_target_regime(TLBI_IPAS2E1, true, true), EL10);
	ck_assert_int_eq(tlbi_target_regime(TLBI_ALLE2, false, false), EL2);
	ck_assert_int_eq(tlbi_target_regime(TLBI_VAE2, true, false), EL20);
	ck_assert(tlbi_is_last_level(TLBI_VALE1));
	ck_assert(tlbi_is_last_level(TLBI_IPAS2LE1));
	ck_assert(!tlbi_is_last_level(TLBI_VAE1));
	ck_assert(!tlbi_is_last_level(TLBI_VMALLE1));
}
END_TEST

START_TEST(test_decode_xt)
{
	uint16_t asid;
	uint64_t addr;

	/* ASID 0x1234, TTL 0x5 (ignored), VA[55:12] = 0x40201. */
	tlbi_decode_xt(TLBI_VAE1, UINT64_C(0x1234500000040201), &asid, &addr);
	ck_assert_uint_eq(asid, 0x1234);
	ck_assert_uint_eq(addr, 0x40201000);
	/* VA[55] set: upper half, VA[63:56] = 0xff. */
	tlbi_decode_xt(TLBI_VALE1, UINT64_C(0x00010ffff0000123), &asid, &addr);
	ck_assert_uint_eq(asid, 1);
	ck_assert_uint_eq(addr, UINT64_C(0xffffff0000123000));
	/* VAA forms take no ASID. */
	tlbi_decode_xt(TLBI_VAAE1, UINT64_C(0xabcd000000000001), &asid, &addr);
	ck_assert_uint_eq(asid, 0);
	ck_assert_uint_eq(addr, 0x1000);
	tlbi_decode_xt(TLBI_ASIDE1, UINT64_C(0x00ff000000000777), &asid, &addr);
	ck_assert_uint_eq(asid, 0xff);
	ck_assert_uint_eq(addr, 0);
	/* IPA[51:12] = Xt[39:0]; bits above are RES0 here. */
	tlbi_decode_xt(TLBI_IPAS2E1, UINT64_C(0xffffff0123456789), &asid, &addr);
	ck_assert_uint_eq(addr, UINT64_C(0x0123456789000));
	tlbi_decode_xt(TLBI_VMALLE1, ~UINT64_C(0), &asid, &addr);
	ck_assert_uint_eq(asid, 0);
	ck_assert_uint_eq(addr, 0);
}
END_TEST

/*
 * A 2M block cached in a 4K-only TLB as three 4K pieces (three accesses),
 * and a combined entry of 4K under a 2M stage-1 block: one VAE1 at any
 * address of the block removes every piece; another block is untouched.
 */
START_TEST(test_pieces_removed_whole)
{
	struct tlb_geom g = {
		.name = "T4K", .serve = TLB_SERVE_UNIFIED, .org = TLB_ORG_SHARED,
		.entries = 16, .ways = 2, .nsizes = 1, .sizes = { { .shift = 12 } },
		.latency = 1, .repl = &tlb_repl_lru,
	};
	uint64_t ctx = tlb_ctx(EL10, TLB_KIND_COMBINED, 1, 1, false);
	struct tlb t;
	struct tlb_match m;
	static const uint64_t va[] = { 0x40200000, 0x40234000, 0x403ff000 };

	ck_assert_int_eq(tlb_init(&t, &g, NULL), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(va); i++) {
		struct tlb_fill f = {
			.ctx = ctx, .in_addr = va[i], .out_addr = va[i] + 0x40000000,
			.shift = 21,
		};

		ck_assert_int_eq(tlb_fill(&t, &f), 0);
	}
	{
		/* Combined: stage 1 maps 2M at 0x60000000, stage 2 4K. */
		struct tlb_fill f = {
			.ctx = ctx, .in_addr = 0x60011000, .out_addr = 0x9000,
			.shift = 12, .block_shift = 21,
		};

		ck_assert_int_eq(tlb_fill(&t, &f), 0);
	}
	ck_assert_uint_eq(tlb_count_valid(&t), 4);
	/* A lookup still sees only the piece's own 4K. */
	ck_assert_ptr_null(tlb_probe(&t, ctx, 0x40201000));
	tlbi_match_vale1(&m, EL10, 1, 1, 0x40201000);
	ck_assert_uint_eq(tlb_invalidate(&t, &m), 3);
	ck_assert_uint_eq(tlb_count_valid(&t), 1);
	tlbi_match_vae1(&m, EL10, 1, 1, 0x601ff000);
	ck_assert_uint_eq(tlb_invalidate(&t, &m), 1);
	ck_assert_uint_eq(tlb_count_valid(&t), 0);
	tlb_destroy(&t);
}
END_TEST

static Suite *tlbi_suite(void)
{
	Suite *s = suite_create("tlbi");
	TCase *tc;

	tc = tcase_create("forms");
	tcase_add_loop_test(tc, test_tlbi_form, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, test_pieces_removed_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("operands");
	tcase_add_test(tc, test_constructors_match_dispatcher);
	tcase_add_test(tc, test_tlbi_bad_regime);
	tcase_add_test(tc, test_target_regime);
	tcase_add_test(tc, test_decode_xt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tlbi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
