/*
 * tests/test_tlb.c - unit tests of the set-associative TLB (tlb/tlb.h) and
 * the TLB hierarchy (tlb/hier.h): geometry checks, replacement policies on
 * hand-made sequences, set indexing, VMID/ASID/nG/regime tagging,
 * splintering, the shared and split organisations, hierarchy fills and the
 * last-hit memo.
 *
 * Sequences are written as strings of page numbers and the expected results
 * as strings of 'H' (hit) and 'M' (miss, followed by a fill), derived by hand
 * in the comment next to each.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "tlb/hier.h"
#include "tlb/repl.h"
#include "tlb/tlb.h"
#include "tlb/tlbi.h"

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)

/* A one-size (4K) shared TLB with the given shape. */
static void geom_simple(struct tlb_geom *g, unsigned entries, unsigned ways,
			const struct tlb_repl_ops *repl)
{
	memset(g, 0, sizeof(*g));
	g->name = "T";
	g->serve = TLB_SERVE_UNIFIED;
	g->org = TLB_ORG_SHARED;
	g->entries = entries;
	g->ways = ways;
	g->nsizes = 1;
	g->sizes[0].shift = 12;
	g->latency = 1;
	g->repl = repl;
	g->seed = 42;
}

static void make_tlb(struct tlb *t, const struct tlb_geom *g)
{
	struct sim_error err;

	sim_error_clear(&err);
	ck_assert_msg(tlb_init(t, g, &err) == 0, "tlb_init: %s", err.msg);
}

/* The default context: EL1&0, VMID 1, ASID 1, stage 1 only. */
static uint64_t ctx_default(void)
{
	return tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S1, 1, 1, false);
}

/* A 4K translation of page p: VA p << 12 -> PA (p + 0x1000) << 12. */
static void fill_page(struct tlb *t, uint64_t ctx, uint64_t page)
{
	struct tlb_fill f = {
		.ctx = ctx,
		.in_addr = page << 12,
		.out_addr = (page + 0x1000) << 12,
		.shift = 12,
	};

	ck_assert_int_eq(tlb_fill(t, &f), 0);
}

/*
 * Access each page of @seq (letters A.. = pages 0.., digits = pages 0..9),
 * filling on a miss; write 'H'/'M' per access into @out.
 */
static void run_seq(struct tlb *t, const char *seq, char *out)
{
	uint64_t ctx = ctx_default();
	size_t i;

	for (i = 0; seq[i]; i++) {
		uint64_t page = seq[i] >= 'A' ? (uint64_t)(seq[i] - 'A') :
			(uint64_t)(seq[i] - '0');
		const struct tlb_entry *e = tlb_lookup(t, ctx, page << 12);

		out[i] = e ? 'H' : 'M';
		if (e)
			ck_assert_uint_eq(tlb_entry_out_addr(e, page << 12),
					  (page + 0x1000) << 12);
		else
			fill_page(t, ctx, page);
	}
	out[i] = '\0';
}

static void check_seq(const struct tlb_repl_ops *repl, unsigned entries,
		      unsigned ways, const char *seq, const char *expect)
{
	struct tlb t;
	struct tlb_geom g;
	char got[128];

	geom_simple(&g, entries, ways, repl);
	make_tlb(&t, &g);
	run_seq(&t, seq, got);
	ck_assert_str_eq(got, expect);
	tlb_destroy(&t);
}

/* ---- Geometry ------------------------------------------------------- */

/* Real cores' geometries: 48 entries fully associative, 1280 entries in
 * 5 ways (256 sets).  Fill more pages than fit and count what stays. */
START_TEST(test_geom_real_cores)
{
	static const struct { unsigned entries, ways; } geo[] = { { 48, 48 }, { 1280, 5 } };

	for (size_t k = 0; k < sizeof(geo) / sizeof(geo[0]); k++) {
		for (int pol = 0; pol < 3; pol++) {
			const struct tlb_repl_ops *ops = pol == 0 ? &tlb_repl_lru :
				pol == 1 ? &tlb_repl_fifo : &tlb_repl_random;
			struct tlb_geom g;
			struct tlb t;

			geom_simple(&g, geo[k].entries, geo[k].ways, ops);
			make_tlb(&t, &g);
			for (uint64_t p = 0; p < 4 * geo[k].entries; p++) {
				struct tlb_fill f = {
					.ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S1, 1, 1, false),
					.in_addr = p << 12, .out_addr = p << 12, .shift = 12,
				};
				tlb_fill(&t, &f);
			}
			/* Full, and never more than its capacity. */
			ck_assert_uint_eq(tlb_count_valid(&t), geo[k].entries);
			tlb_destroy(&t);
		}
	}
}
END_TEST

START_TEST(test_geom_rejects)
{
	struct tlb_geom g;
	struct tlb t;
	struct sim_error err;

	geom_simple(&g, 48, 4, &tlb_repl_lru);         /* 12 sets */
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);
	ck_assert_int_eq(err.code, SIM_E_CONFIG);
	ck_assert(strstr(err.msg, "power-of-two number of sets") != NULL);

	geom_simple(&g, 1280, 5, &tlb_repl_plru);      /* PLRU needs 2^n ways */
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);
	ck_assert(strstr(err.msg, "tree-PLRU") != NULL);

	geom_simple(&g, 8, 16, &tlb_repl_lru);         /* ways > entries */
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);

	geom_simple(&g, 8, 2, NULL);                   /* no policy */
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);

	geom_simple(&g, 8, 2, &tlb_repl_lru);          /* size listed twice */
	g.nsizes = 2;
	g.sizes[1].shift = 12;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);

	geom_simple(&g, 8, 2, &tlb_repl_lru);          /* split: bad sub-array */
	g.org = TLB_ORG_SPLIT;
	g.sizes[0].entries = 6;
	g.sizes[0].ways = 2;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_init(&t, &g, &err), SIM_E_CONFIG);
}
END_TEST

START_TEST(test_geom_sets)
{
	struct tlb_geom g;
	struct tlb t;

	geom_simple(&g, 64, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	ck_assert_uint_eq(t.arr[0].sets, 16);
	ck_assert_uint_eq(t.arr[0].ways, 4);
	tlb_destroy(&t);

	geom_simple(&g, 64, 64, &tlb_repl_lru);        /* fully associative */
	make_tlb(&t, &g);
	ck_assert_uint_eq(t.arr[0].sets, 1);
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_repl_find)
{
	ck_assert_ptr_eq(tlb_repl_find("lru"), &tlb_repl_lru);
	ck_assert_ptr_eq(tlb_repl_find("plru"), &tlb_repl_plru);
	ck_assert_ptr_eq(tlb_repl_find("fifo"), &tlb_repl_fifo);
	ck_assert_ptr_eq(tlb_repl_find("random"), &tlb_repl_random);
	ck_assert_ptr_null(tlb_repl_find("mru"));
}
END_TEST

/* ---- Replacement ---------------------------------------------------- */

/*
 * 4 entries, fully associative, LRU.  A B C D fill; A hits (LRU order
 * B C D A); E evicts B; B evicts C; C evicts D; A hits.
 */
START_TEST(test_lru_sequence)
{
	check_seq(&tlb_repl_lru, 4, 4, "ABCDAEBCA", "MMMMHMMMH");
}
END_TEST

/*
 * Tree-PLRU, 4 ways: bits [root, pair 0-1, pair 2-3], each pointing at the
 * half to evict (0 = left).  A..D fill ways 0..3: [0,0,0].  A hits way 0:
 * [1,1,0].  E: root right, pair 2-3 left -> way 2 = C evicted (true LRU
 * would evict B); [0,1,1].  B hits way 1: [1,0,1].  C: root right, pair 2-3
 * right -> way 3 = D evicted; [0,0,0].  A hits: [1,1,0].  D: root right,
 * pair 2-3 left -> way 2 = E evicted; [0,1,1].  A hits; E misses.
 */
START_TEST(test_plru_sequence)
{
	check_seq(&tlb_repl_plru, 4, 4, "ABCDAEBCADAE", "MMMMHMHMHMHM");
}
END_TEST

/*
 * FIFO: hits do not reorder.  A..D fill; A hits; E evicts A (oldest); B, C
 * hit; A evicts B; B evicts C; D hits.
 */
START_TEST(test_fifo_sequence)
{
	check_seq(&tlb_repl_fifo, 4, 4, "ABCDAEBCABD", "MMMMHMHHMMH");
}
END_TEST

/* Random: a fixed seed gives the same victims every time. */
START_TEST(test_random_deterministic)
{
	static const char seq[] =
		"ABCDEFGHABCDEFGHAEBFCGDHHGFEDCBAABABCDCDEFEFGHGHACEGBDFH";
	char a[128], b[128], c[128];
	struct tlb_geom g;
	struct tlb t1, t2, t3;

	geom_simple(&g, 4, 4, &tlb_repl_random);
	g.seed = 7;
	make_tlb(&t1, &g);
	make_tlb(&t2, &g);
	g.seed = 8;
	make_tlb(&t3, &g);
	run_seq(&t1, seq, a);
	run_seq(&t2, seq, b);
	run_seq(&t3, seq, c);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	/* The first four fills go to free ways, never evicting. */
	ck_assert(strncmp(a, "MMMM", 4) == 0);
	ck_assert_uint_eq(t1.st.c[TLB_C_EVICT], t1.st.c[TLB_C_MISS] - 4);
	tlb_destroy(&t1);
	tlb_destroy(&t2);
	tlb_destroy(&t3);
}
END_TEST

/*
 * 8 entries, 2 ways: 4 sets, set = page mod 4.  Pages 0, 4, 8 share set 0:
 * 8 evicts 0; page 1 goes to set 1; 0 evicts 4 (LRU of {4, 8}); 8 hits;
 * 4 evicts 0.
 */
START_TEST(test_set_index)
{
	struct tlb_geom g;
	struct tlb t;
	char got[16];

	geom_simple(&g, 8, 2, &tlb_repl_lru);
	make_tlb(&t, &g);
	run_seq(&t, "0481084", got);
	ck_assert_str_eq(got, "MMMMMHM");
	ck_assert_uint_eq(t.st.c[TLB_C_LOOKUP], 7);
	ck_assert_uint_eq(t.st.c[TLB_C_HIT], 1);
	ck_assert_uint_eq(t.st.c[TLB_C_MISS], 6);
	ck_assert_uint_eq(t.st.c[TLB_C_FILL], 6);
	ck_assert_uint_eq(t.st.c[TLB_C_EVICT], 3);
	ck_assert_uint_eq(tlb_count_valid(&t), 3);     /* {8, 4} and {1} */
	tlb_destroy(&t);
}
END_TEST

/*
 * The one-level preset: fully associative LRU of 64 entries.  64 pages
 * cycled twice: 64 misses then 64 hits.  65 pages cycled twice: every access
 * misses (each page is evicted just before it comes back).
 */
START_TEST(test_one_level_lru_cycles)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();

	for (unsigned npages = 64; npages <= 65; npages++) {
		geom_simple(&g, 64, 64, &tlb_repl_lru);
		make_tlb(&t, &g);
		for (unsigned round = 0; round < 2; round++)
			for (uint64_t p = 0; p < npages; p++)
				if (!tlb_lookup(&t, ctx, p << 12))
					fill_page(&t, ctx, p);
		ck_assert_uint_eq(t.st.c[TLB_C_LOOKUP], 2 * npages);
		ck_assert_uint_eq(t.st.c[TLB_C_HIT], npages == 64 ? 64 : 0);
		ck_assert_uint_eq(t.st.c[TLB_C_MISS], npages == 64 ? 64 : 130);
		tlb_destroy(&t);
	}
}
END_TEST

/* ---- Tagging -------------------------------------------------------- */

static void fill_ctx(struct tlb *t, uint64_t ctx, uint64_t va, uint64_t pa,
		     unsigned shift)
{
	struct tlb_fill f = {
		.ctx = ctx, .in_addr = va, .out_addr = pa, .shift = (uint8_t)shift,
	};

	ck_assert_int_eq(tlb_fill(t, &f), 0);
}

#define EL10 MMU_REGIME_EL10
#define EL20 MMU_REGIME_EL20
#define EL2  MMU_REGIME_EL2

START_TEST(test_tag_global_survives_context_switch)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t va = 0xffff000000001000u;

	geom_simple(&g, 16, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	fill_ctx(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 1, 5, true), va, 0x80001000, 12);
	/* Another ASID, same VMID: the global entry hits. */
	ck_assert_ptr_nonnull(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 1, 9, false), va));
	/* Same ASID, another VMID: never. */
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 2, 5, false), va));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 0, 5, false), va));
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_tag_nonglobal_other_asid_misses)
{
	struct tlb_geom g;
	struct tlb t;

	geom_simple(&g, 16, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	fill_ctx(&t, tlb_ctx(EL10, TLB_KIND_S1, 3, 7, false), 0x400000, 0x9000, 12);
	ck_assert_ptr_nonnull(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 3, 7, false), 0x400abc));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 3, 8, false), 0x400abc));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 3, 0x107, false), 0x400abc));
	/* VMID compared with stage 2 off (kind S1). */
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 4, 7, false), 0x400abc));
	/* Another kind or regime never answers. */
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 3, 7, false), 0x400abc));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S2, 3, 7, false), 0x400abc));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL20, TLB_KIND_S1, 3, 7, false), 0x400abc));
	ck_assert_uint_eq(t.st.c[TLB_C_HIT], 1);
	ck_assert_uint_eq(t.st.c[TLB_C_MISS], 6);
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_tag_regimes)
{
	struct tlb_geom g;
	struct tlb t;

	geom_simple(&g, 16, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	/* EL2: neither ASID nor VMID is part of the tag. */
	fill_ctx(&t, tlb_ctx(EL2, TLB_KIND_S1, 9, 9, false), 0x1000, 0x2000, 12);
	ck_assert_ptr_nonnull(tlb_lookup(&t, tlb_ctx(EL2, TLB_KIND_S1, 1, 2, false), 0x1000));
	/* EL2&0: ASID yes, VMID no. */
	fill_ctx(&t, tlb_ctx(EL20, TLB_KIND_S1, 5, 3, false), 0x5000, 0x6000, 12);
	ck_assert_ptr_nonnull(tlb_lookup(&t, tlb_ctx(EL20, TLB_KIND_S1, 7, 3, false), 0x5000));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL20, TLB_KIND_S1, 5, 4, false), 0x5000));
	/* EL1&0 at the same VA does not see either. */
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 0, 3, false), 0x5000));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 0, 0, false), 0x1000));
	/* Stage-2 entries: VMID only. */
	fill_ctx(&t, tlb_ctx(EL10, TLB_KIND_S2, 4, 0, false), 0x8000, 0x3000, 12);
	ck_assert_ptr_nonnull(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S2, 4, 77, false), 0x8000));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S2, 5, 0, false), 0x8000));
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_COMBINED, 4, 0, false), 0x8000));
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_tag_pack_roundtrip)
{
	struct tlb_key k = {
		.regime = EL10, .kind = TLB_KIND_COMBINED, .vmid = 0xabcd,
		.asid = 0x1234, .global = false, .page_shift = 21, .in_page = 77,
	};
	struct tlb_key u;
	struct tlb_entry e = { 0 };

	e.tag = tlb_key_pack(&k);
	e.in_page = 77;
	tlb_key_unpack(&e, &u);
	ck_assert_int_eq(u.regime, EL10);
	ck_assert_int_eq(u.kind, TLB_KIND_COMBINED);
	ck_assert_uint_eq(u.vmid, 0xabcd);
	ck_assert_uint_eq(u.asid, 0x1234);
	ck_assert(!u.global && !u.table);
	ck_assert_uint_eq(u.page_shift, 21);
	ck_assert_uint_eq(u.in_page, 77);
	/* Normalisation: global stores ASID 0, EL2 drops ASID and VMID. */
	k.global = true;
	e.tag = tlb_key_pack(&k);
	tlb_key_unpack(&e, &u);
	ck_assert(u.global);
	ck_assert_uint_eq(u.asid, 0);
	k.regime = EL2;
	e.tag = tlb_key_pack(&k);
	tlb_key_unpack(&e, &u);
	ck_assert_uint_eq(u.vmid, 0);
	ck_assert_uint_eq(u.asid, 0);
}
END_TEST

/* ---- Splintering and organisations ---------------------------------- */

START_TEST(test_splinter_2m_in_4k_tlb)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();
	const struct tlb_entry *e;

	geom_simple(&g, 16, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	/* 2M block VA 0x40200000 -> PA 0x80200000, accessed at 0x40212345. */
	fill_ctx(&t, ctx, 0x40212345, 0x80212345, 21);
	e = tlb_lookup(&t, ctx, 0x40212ff8);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tlb_tag_shift(e->tag), 12);
	ck_assert_uint_eq(e->in_page, 0x40212);
	ck_assert_uint_eq(e->out_addr, 0x80212000);
	ck_assert_uint_eq(tlb_entry_out_addr(e, 0x40212ff8), 0x80212ff8);
	/* Only that 4K piece is cached. */
	ck_assert_ptr_null(tlb_lookup(&t, ctx, 0x40213000));
	ck_assert_ptr_null(tlb_lookup(&t, ctx, 0x40211fff));
	ck_assert_ptr_null(tlb_lookup(&t, ctx, 0x40200000));
	ck_assert_uint_eq(tlb_count_valid(&t), 1);
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_splinter_largest_held)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();
	const struct tlb_entry *e;

	geom_simple(&g, 16, 4, &tlb_repl_lru);
	g.nsizes = 3;
	g.sizes[0].shift = 21;                          /* listed unsorted */
	g.sizes[1].shift = 12;
	g.sizes[2].shift = 16;
	make_tlb(&t, &g);
	/* 2M held: one entry covers the whole block. */
	fill_ctx(&t, ctx, 0x40212345, 0x80212345, 21);
	e = tlb_lookup(&t, ctx, 0x403ffff0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tlb_entry_out_addr(e, 0x403ffff0), 0x803ffff0);
	/* 1G block: stored at 2M, the piece around the access. */
	fill_ctx(&t, ctx, 0x80654321, 0x100654321, 30);
	e = tlb_probe(&t, ctx, 0x80654321);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tlb_tag_shift(e->tag), 21);
	ck_assert_uint_eq(e->out_addr, 0x100600000);
	ck_assert_ptr_null(tlb_probe(&t, ctx, 0x80800000));
	/* 128K (a contiguous run of 4K pages) with 64K held: stored at 64K. */
	fill_ctx(&t, ctx, 0xc0020000, 0x20020000, 17);
	e = tlb_probe(&t, ctx, 0xc0020000);
	ck_assert_uint_eq(tlb_tag_shift(e->tag), 16);
	ck_assert_ptr_nonnull(tlb_probe(&t, ctx, 0xc002ffff));
	ck_assert_ptr_null(tlb_probe(&t, ctx, 0xc0030000));
	tlb_destroy(&t);

	/* Smaller than every held size: not stored, nothing counted. */
	geom_simple(&g, 16, 4, &tlb_repl_lru);
	g.sizes[0].shift = 21;
	make_tlb(&t, &g);
	{
		struct tlb_fill f = { .ctx = ctx, .in_addr = 0x1000, .out_addr = 0x2000, .shift = 12 };

		ck_assert_int_eq(tlb_fill(&t, &f), 1);
	}
	ck_assert_uint_eq(t.st.c[TLB_C_FILL], 0);
	ck_assert_uint_eq(tlb_count_valid(&t), 0);
	tlb_destroy(&t);
}
END_TEST

/*
 * Shared organisation, 8 entries x 2 ways (4 sets), sizes 4K and 2M: a 2M
 * entry lives in set (va >> 21) mod 4 and is found by the 2M probe of any
 * address it covers.  Its 4K-indexed neighbours share the array.
 */
START_TEST(test_shared_org)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();

	geom_simple(&g, 8, 2, &tlb_repl_lru);
	g.nsizes = 2;
	g.sizes[1].shift = 21;
	make_tlb(&t, &g);
	fill_ctx(&t, ctx, 0x200000, 0x40000000, 21);    /* 2M page 1: set 1 */
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x3ff000));
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x200000));
	ck_assert_uint_eq(t.st.c[TLB_C_LOOKUP], 2);
	ck_assert_uint_eq(t.st.c[TLB_C_HIT], 2);
	/* Two 4K pages of set 1 (pages 1 and 5) evict the 2M entry (LRU). */
	fill_ctx(&t, ctx, 0x1000, 0x9000, 12);
	fill_ctx(&t, ctx, 0x5000, 0xa000, 12);
	ck_assert_uint_eq(t.st.c[TLB_C_EVICT], 1);
	ck_assert_ptr_null(tlb_lookup(&t, ctx, 0x3ff000));
	tlb_destroy(&t);
}
END_TEST

/* Split: 4K sub-array 8x2, 2M sub-array 4x4, separate capacity. */
START_TEST(test_split_org)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();

	geom_simple(&g, 0, 0, &tlb_repl_lru);
	g.org = TLB_ORG_SPLIT;
	g.nsizes = 2;
	g.sizes[0] = (struct tlb_size_geom){ .shift = 21, .entries = 4, .ways = 4 };
	g.sizes[1] = (struct tlb_size_geom){ .shift = 12, .entries = 8, .ways = 2 };
	make_tlb(&t, &g);
	ck_assert_uint_eq(t.narr, 2);
	ck_assert_uint_eq(t.shift[0], 12);
	ck_assert_uint_eq(t.arr[0].sets, 4);
	ck_assert_uint_eq(t.arr[1].sets, 1);
	fill_ctx(&t, ctx, 0x1000, 0x9000, 12);
	for (uint64_t i = 0; i < 5; i++)
		fill_ctx(&t, ctx, MiB(2) * (i + 1), MiB(2) * (i + 100), 21);
	ck_assert_uint_eq(t.st.c[TLB_C_EVICT], 1);      /* 5 blocks, 4 ways */
	ck_assert_uint_eq(tlb_sa_count_valid(&t.arr[0]), 1);
	ck_assert_uint_eq(tlb_sa_count_valid(&t.arr[1]), 4);
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x1abc));
	ck_assert_ptr_null(tlb_lookup(&t, ctx, MiB(2)));        /* the LRU one */
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, MiB(10) + 5));
	tlb_destroy(&t);
}
END_TEST

START_TEST(test_refill_same_tag_in_place)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();

	geom_simple(&g, 4, 4, &tlb_repl_lru);
	make_tlb(&t, &g);
	fill_ctx(&t, ctx, 0x1000, 0x9000, 12);
	fill_ctx(&t, ctx, 0x1000, 0xa000, 12);
	ck_assert_uint_eq(tlb_count_valid(&t), 1);
	ck_assert_uint_eq(tlb_probe(&t, ctx, 0x1000)->out_addr, 0xa000);
	ck_assert_uint_eq(t.st.c[TLB_C_FILL], 2);
	ck_assert_uint_eq(t.st.c[TLB_C_EVICT], 0);
	tlb_destroy(&t);
}
END_TEST

/* ---- Hierarchy ------------------------------------------------------ */

struct hier_fix {
	struct tlb_hier h;
	struct tlb *l1i, *l1d, *l2;
};

/* L1I (4K, 8x2, 1 cycle), L1D (4K, 8x2, 1 cycle), L2 (4K+2M, 64x4, 8). */
static void hier_fix_init(struct hier_fix *f, bool memo,
			  const struct tlb_repl_ops *repl)
{
	struct tlb_hier_tlb tl[3];
	struct tlb_hier_config c = { .ntlbs = 3, .tlbs = tl, .memo = memo };
	struct sim_error err;

	memset(tl, 0, sizeof(tl));
	geom_simple(&tl[0].geom, 8, 2, repl);
	tl[0].geom.name = "L1I";
	tl[0].geom.serve = TLB_SERVE_INSTR;
	tl[0].next = 2;
	geom_simple(&tl[1].geom, 8, 2, repl);
	tl[1].geom.name = "L1D";
	tl[1].geom.serve = TLB_SERVE_DATA;
	tl[1].next = 2;
	geom_simple(&tl[2].geom, 64, 4, repl);
	tl[2].geom.name = "L2";
	tl[2].geom.nsizes = 2;
	tl[2].geom.sizes[1].shift = 21;
	tl[2].geom.latency = 8;
	tl[2].next = TLB_HIER_WALK;
	sim_error_clear(&err);
	ck_assert_msg(tlb_hier_init(&f->h, &c, &err) == 0, "%s", err.msg);
	f->l1i = tlb_hier_find(&f->h, "L1I");
	f->l1d = tlb_hier_find(&f->h, "L1D");
	f->l2 = tlb_hier_find(&f->h, "L2");
	ck_assert(f->l1i && f->l1d && f->l2);
}

START_TEST(test_hier_paths_and_upward_fill)
{
	struct hier_fix f;
	struct tlb_hier_result r;
	uint64_t ctx = ctx_default();
	struct tlb_fill fl = {
		.ctx = ctx, .in_addr = 0x40212345, .out_addr = 0x80212345, .shift = 21,
	};

	hier_fix_init(&f, false, &tlb_repl_lru);
	ck_assert_uint_eq(f.h.depth[TLB_SIDE_DATA], 2);
	ck_assert_ptr_eq(f.h.path[TLB_SIDE_DATA][0], f.l1d);
	ck_assert_ptr_eq(f.h.path[TLB_SIDE_INSTR][0], f.l1i);
	ck_assert_ptr_eq(f.h.path[TLB_SIDE_INSTR][1], f.l2);

	/* Cold data access: walk needed after looking in L1D and L2. */
	ck_assert(!tlb_hier_lookup(&f.h, TLB_SIDE_DATA, ctx, 0x40212345, &r));
	ck_assert_int_eq(r.depth, -1);
	ck_assert_uint_eq(r.looked, 2);
	ck_assert_uint_eq(tlb_hier_fill(&f.h, TLB_SIDE_DATA, &fl), 2);
	ck_assert_uint_eq(tlb_count_valid(f.l1i), 0);

	/* Same page: L1D hit, after looking in L1D only. */
	ck_assert(tlb_hier_lookup(&f.h, TLB_SIDE_DATA, ctx, 0x40212000, &r));
	ck_assert_int_eq(r.depth, 0);
	ck_assert_uint_eq(r.looked, 1);
	ck_assert_uint_eq(r.out_addr, 0x80212000);

	/* Another 4K of the block: L1D (4K only) misses, L2 (2M) hits, and
	 * L1D gets the 4K piece. */
	ck_assert(tlb_hier_lookup(&f.h, TLB_SIDE_DATA, ctx, 0x40300010, &r));
	ck_assert_int_eq(r.depth, 1);
	ck_assert_ptr_eq(r.tlb, f.l2);
	ck_assert_uint_eq(r.looked, 2);
	ck_assert_uint_eq(r.out_addr, 0x80300010);
	ck_assert_uint_eq(tlb_count_valid(f.l1d), 2);
	ck_assert(tlb_hier_lookup(&f.h, TLB_SIDE_DATA, ctx, 0x40300ff0, &r));
	ck_assert_int_eq(r.depth, 0);

	/* Instruction side: L1I misses, L2 hits, fills L1I only. */
	ck_assert(tlb_hier_lookup(&f.h, TLB_SIDE_INSTR, ctx, 0x40212000, &r));
	ck_assert_int_eq(r.depth, 1);
	ck_assert_uint_eq(tlb_count_valid(f.l1i), 1);
	ck_assert(tlb_hier_lookup(&f.h, TLB_SIDE_INSTR, ctx, 0x40212004, &r));
	ck_assert_int_eq(r.depth, 0);
	ck_assert_uint_eq(r.looked, 1);

	ck_assert_uint_eq(f.l1d->st.c[TLB_C_LOOKUP], 4);
	ck_assert_uint_eq(f.l1d->st.c[TLB_C_HIT], 2);
	ck_assert_uint_eq(f.l1d->st.c[TLB_C_FILL], 2);
	ck_assert_uint_eq(f.l2->st.c[TLB_C_LOOKUP], 3);
	ck_assert_uint_eq(f.l2->st.c[TLB_C_HIT], 2);
	ck_assert_uint_eq(f.l2->st.c[TLB_C_FILL], 1);
	ck_assert_uint_eq(f.l1i->st.c[TLB_C_FILL], 1);

	/* A TLBI reaches every level. */
	{
		struct tlb_match m;

		tlbi_match_vmalle1(&m, MMU_REGIME_EL10, 1);
		ck_assert_uint_eq(tlb_hier_invalidate(&f.h, &m), 4);
	}
	ck_assert(!tlb_hier_lookup(&f.h, TLB_SIDE_DATA, ctx, 0x40212000, &r));
	tlb_hier_destroy(&f.h);
}
END_TEST

START_TEST(test_hier_config_errors)
{
	struct tlb_hier_tlb tl[2];
	struct tlb_hier_config c = { .ntlbs = 2, .tlbs = tl };
	struct tlb_hier h;
	struct sim_error err;

	memset(tl, 0, sizeof(tl));
	geom_simple(&tl[0].geom, 8, 2, &tlb_repl_lru);
	tl[0].geom.name = "A";
	tl[0].next = TLB_HIER_WALK;
	tl[1] = tl[0];
	tl[1].geom.name = "B";
	tl[1].geom.serve = TLB_SERVE_DATA;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);
	ck_assert(strstr(err.msg, "both serve data") != NULL);

	/* a next out of range, or itself */
	tl[1].next = 2;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);
	tl[1].next = 1;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);

	/* data misses of the unified A go to B, which serves data only */
	tl[0].next = 1;
	tl[1].next = TLB_HIER_WALK;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);
	ck_assert(strstr(err.msg, "instruction misses go to it") != NULL);

	/* a loop */
	tl[1].geom.serve = TLB_SERVE_UNIFIED;
	tl[1].next = 0;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);
	ck_assert(strstr(err.msg, "loops") != NULL);

	c.ntlbs = 0;
	sim_error_clear(&err);
	ck_assert_int_eq(tlb_hier_init(&h, &c, &err), SIM_E_CONFIG);
}
END_TEST

/* xorshift64 for the random sequences (state passed explicitly). */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * Drive a hierarchy with a random but hit-dominated mix of accesses (two
 * sides, three ASIDs, 4K and 2M translations, occasional TLBIs) and record
 * every result in @log (depth, TLBs looked in, output address per access).
 */
static void hier_random_run(struct hier_fix *f, uint64_t seed, uint64_t *log,
			    unsigned n)
{
	uint64_t s = seed;
	uint64_t va = 0x10000;

	for (unsigned i = 0; i < n; i++) {
		uint64_t x = rnd(&s);
		uint16_t asid = (uint16_t)(1 + (x >> 40) % 3);
		enum tlb_side side = (x >> 50) & 1 ? TLB_SIDE_INSTR : TLB_SIDE_DATA;
		uint64_t ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_COMBINED, 1, asid, false);
		struct tlb_hier_result r;

		/* Mostly the same or the next word; sometimes a jump. */
		switch (x % 16) {
		case 0: va = (x >> 8) & 0x3fffff000; break;
		case 1: va += 0x1000; break;
		default: va += 8; break;
		}
		if ((x >> 20) % 97 == 0) {
			struct tlb_match m;

			tlbi_match_vae1(&m, MMU_REGIME_EL10, 1, asid, va);
			tlb_hier_invalidate(&f->h, &m);
		}
		if (tlb_hier_lookup(&f->h, side, ctx, va, &r)) {
			log[i] = ((uint64_t)r.depth << 60) | ((uint64_t)r.looked << 48) |
				(r.out_addr & GENMASK(47, 0));
		} else {
			/* Blocks in the upper half of the space, pages below. */
			unsigned shift = va & BIT(33) ? 21 : 12;
			struct tlb_fill fl = {
				.ctx = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_COMBINED, 1,
					       asid, (va >> 30) & 1),
				.in_addr = va,
				.out_addr = (va ^ 0x5500000000) + asid * MiB(4),
				.shift = (uint8_t)shift,
			};

			tlb_hier_fill(&f->h, side, &fl);
			log[i] = UINT64_C(0xf) << 60 | r.looked;
		}
	}
}

/* The memo on and off: identical results and counters, every policy. */
START_TEST(test_hier_memo_identical)
{
	static const struct tlb_repl_ops *const pol[] = {
		&tlb_repl_lru, &tlb_repl_plru, &tlb_repl_fifo, &tlb_repl_random,
	};
	enum { N = 200000 };
	uint64_t *a = malloc(N * sizeof(*a));
	uint64_t *b = malloc(N * sizeof(*b));

	ck_assert(a && b);
	for (unsigned p = 0; p < ARRAY_SIZE(pol); p++) {
		struct hier_fix off, on;
		uint64_t hits = 0;

		hier_fix_init(&off, false, pol[p]);
		hier_fix_init(&on, true, pol[p]);
		ck_assert(on.l1d->memo_on && on.l1i->memo_on && !on.l2->memo_on);
		ck_assert(!off.l1d->memo_on);
		hier_random_run(&off, 0x1234567 + p, a, N);
		hier_random_run(&on, 0x1234567 + p, b, N);
		for (unsigned i = 0; i < N; i++)
			ck_assert_msg(a[i] == b[i], "%s: access %u differs",
				      pol[p]->name, i);
		for (unsigned t = 0; t < off.h.ntlbs; t++)
			for (unsigned c = 0; c < TLB_C__COUNT; c++)
				ck_assert_msg(off.h.tlb[t].st.c[c] == on.h.tlb[t].st.c[c],
					      "%s: %s.%s %llu vs %llu", pol[p]->name,
					      off.h.tlb[t].name, tlb_counter_names[c],
					      (unsigned long long)off.h.tlb[t].st.c[c],
					      (unsigned long long)on.h.tlb[t].st.c[c]);
		hits = off.l1d->st.c[TLB_C_HIT] + off.l1i->st.c[TLB_C_HIT];
		/* The run is hit-dominated and exercised every path. */
		ck_assert_uint_gt(hits, N / 2);
		ck_assert_uint_gt(off.l2->st.c[TLB_C_HIT], 0);
		ck_assert_uint_gt(off.l2->st.c[TLB_C_MISS], 0);
		ck_assert_uint_gt(off.l1d->st.c[TLB_C_INVAL], 0);
		tlb_hier_destroy(&off.h);
		tlb_hier_destroy(&on.h);
	}
	free(a);
	free(b);
}
END_TEST

/* The memo is dropped when its entry is invalidated. */
START_TEST(test_memo_invalidation)
{
	struct tlb_geom g;
	struct tlb t;
	uint64_t ctx = ctx_default();
	struct tlb_match m;

	geom_simple(&g, 8, 2, &tlb_repl_lru);
	make_tlb(&t, &g);
	tlb_set_memo(&t, true);
	fill_page(&t, ctx, 5);
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x5000));
	ck_assert_ptr_nonnull(t.memo.e);
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x5008));
	/* Another context does not use the memo. */
	ck_assert_ptr_null(tlb_lookup(&t, tlb_ctx(EL10, TLB_KIND_S1, 1, 2, false), 0x5008));
	ck_assert_ptr_nonnull(tlb_lookup(&t, ctx, 0x5010));
	tlbi_match_vale1(&m, EL10, 1, 1, 0x5000);
	ck_assert_uint_eq(tlb_invalidate(&t, &m), 1);
	ck_assert_ptr_null(t.memo.e);
	ck_assert_ptr_null(tlb_lookup(&t, ctx, 0x5010));
	ck_assert_uint_eq(t.st.c[TLB_C_LOOKUP], 5);
	ck_assert_uint_eq(t.st.c[TLB_C_HIT], 3);
	ck_assert_uint_eq(t.st.c[TLB_C_INVAL], 1);
	tlb_destroy(&t);
}
END_TEST

static Suite *tlb_suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *tc;

	tc = tcase_create("geometry");
	tcase_add_test(tc, test_geom_rejects);
	tcase_add_test(tc, test_geom_real_cores);
	tcase_add_test(tc, test_geom_sets);
	tcase_add_test(tc, test_repl_find);
	suite_add_tcase(s, tc);

	tc = tcase_create("replacement");
	tcase_add_test(tc, test_lru_sequence);
	tcase_add_test(tc, test_plru_sequence);
	tcase_add_test(tc, test_fifo_sequence);
	tcase_add_test(tc, test_random_deterministic);
	tcase_add_test(tc, test_set_index);
	tcase_add_test(tc, test_one_level_lru_cycles);
	suite_add_tcase(s, tc);

	tc = tcase_create("tagging");
	tcase_add_test(tc, test_tag_global_survives_context_switch);
	tcase_add_test(tc, test_tag_nonglobal_other_asid_misses);
	tcase_add_test(tc, test_tag_regimes);
	tcase_add_test(tc, test_tag_pack_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("sizes");
	tcase_add_test(tc, test_splinter_2m_in_4k_tlb);
	tcase_add_test(tc, test_splinter_largest_held);
	tcase_add_test(tc, test_shared_org);
	tcase_add_test(tc, test_split_org);
	tcase_add_test(tc, test_refill_same_tag_in_place);
	suite_add_tcase(s, tc);

	tc = tcase_create("hierarchy");
	tcase_add_test(tc, test_hier_paths_and_upward_fill);
	tcase_add_test(tc, test_hier_config_errors);
	tcase_add_test(tc, test_hier_memo_identical);
	tcase_add_test(tc, test_memo_invalidation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tlb_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
