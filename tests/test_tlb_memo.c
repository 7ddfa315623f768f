/*
 * tests/test_tlb_memo.c - the TLB's memos (tlb/tlb.h: the last-hit memo and
 * the page memo) against the full probe.
 *
 * Two TLBs of one geometry and seed, one with its memos on and one with
 * them off, take the same random operations: lookups (most of them, at
 * addresses that share pages, blocks and sets), fills after a miss as a
 * simulator makes them, and adversarial fills no simulator makes - of a
 * page already cached, of a block over cached pages, of a global entry
 * beside non-global ones of the same page, refreshes in place - and TLB
 * invalidations of every shape, interleaved, under several contexts
 * (ASIDs, VMIDs, global entries).  Some lookups go through the fast path's
 * batch interface instead (tlb_memo_span(), tlb_memo_hits()).  After every
 * operation the two must agree exactly: the entry a lookup hit (by its
 * place in the arrays), the counters, and every way of every set - so
 * every victim chosen since.  Every replacement policy, the shared and the
 * split organisation, direct-mapped to fully associative.
 *
 * The planted defects break the memo TLB from outside after each
 * operation - forgetting that its contents changed, forgetting that its
 * entries overlap, widening the last-hit memo to the whole entry - and the
 * comparison must report a difference for each, so it is known to be able
 * to fail.
 */
#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/bits.h"
#include "tlb/repl.h"
#include "tlb/tlb.h"
#include "tlb/tlbi.h"

enum broken {
	BROKEN_NONE = 0,
	BROKEN_STALE_GEN,       /* the page memo misses fills and invalidations */
	BROKEN_NO_OVERLAP,      /* the memos believe entries never overlap */
	BROKEN_WIDE_MEMO,       /* the last-hit memo covers its whole entry */
};

struct shape {
	const char *what;
	enum tlb_org org;
	unsigned entries, ways;         /* shared; split: per size */
	unsigned nsizes;
	unsigned shift[3];
};

static const struct shape shapes[] = {
	{ "shared 16x4, 4K/64K/2M", TLB_ORG_SHARED, 16, 4, 3, { 12, 16, 21 } },
	{ "shared 8 fully assoc., 4K/2M", TLB_ORG_SHARED, 8, 8, 2, { 12, 21 } },
	{ "shared 16 direct-mapped, 4K", TLB_ORG_SHARED, 16, 1, 1, { 12 } },
	{ "split 8x2 per size, 4K/2M", TLB_ORG_SPLIT, 8, 2, 2, { 12, 21 } },
	{ "split 4 fully assoc. per size, 4K/64K/2M", TLB_ORG_SPLIT, 4, 4, 3, { 12, 16, 21 } },
};

static const struct tlb_repl_ops *const policies[] = {
	&tlb_repl_lru, &tlb_repl_plru, &tlb_repl_fifo, &tlb_repl_random,
};

static void build(struct tlb *t, const struct shape *sh, const struct tlb_repl_ops *repl)
{
	struct tlb_geom g = {
		.name = "M", .serve = TLB_SERVE_UNIFIED, .org = sh->org,
		.entries = sh->entries, .ways = sh->ways, .nsizes = sh->nsizes,
		.latency = 1, .repl = repl, .seed = 99,
	};
	struct sim_error err;

	for (unsigned i = 0; i < sh->nsizes; i++)
		g.sizes[i] = (struct tlb_size_geom){
			.shift = sh->shift[i], .entries = sh->entries, .ways = sh->ways,
		};
	sim_error_clear(&err);
	ck_assert_msg(tlb_init(t, &g, &err) == 0, "tlb_init: %s", err.msg);
}

/* xorshift64*: the test's own stream, independent of the policies'. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(0x2545f4914f6cdd1d);
}

/* An address in a small space: 4 blocks of 2M, a few pages each, so that
 * lookups share pages, blocks and sets. */
static uint64_t addr(uint64_t *s)
{
	uint64_t r = rnd(s);

	return (UINT64_C(0x40000000) + ((r & 3) << 21)) | ((r >> 2 & 7) << 12) | (r >> 8 & 0xff8);
}

/* A context: VMID 1 or 2, ASID 1..3. */
static uint64_t ctx(uint64_t *s)
{
	uint64_t r = rnd(s);

	return tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S1, (uint16_t)(1 + (r & 1)), (uint16_t)(1 + (r >> 1) % 3),
		       false);
}

/* Where @e lives in @t, as a number comparable across two TLBs. */
static long where(const struct tlb *t, const struct tlb_entry *e)
{
	if (!e)
		return -1;
	for (unsigned i = 0; i < t->narr; i++) {
		size_t n = (size_t)t->arr[i].sets * t->arr[i].ways;

		if (e >= t->arr[i].e && e < t->arr[i].e + n)
			return (long)(i << 20) + (long)(e - t->arr[i].e);
	}
	return -2;
}

/* What differs between the two TLBs, or NULL. */
static const char *differs(const struct tlb *a, const struct tlb *b)
{
	if (memcmp(a->st.c, b->st.c, sizeof(a->st.c)))
		return "counters";
	for (unsigned i = 0; i < a->narr; i++)
		if (memcmp(a->arr[i].e, b->arr[i].e,
			   (size_t)a->arr[i].sets * a->arr[i].ways * sizeof(*a->arr[i].e)))
			return "contents (a victim or a fill)";
	return NULL;
}

/* The defect @broken, applied to the memo TLB after an operation. */
static void plant(struct tlb *t, enum broken broken, uint64_t gen_before)
{
	switch (broken) {
	case BROKEN_STALE_GEN:
		t->gen = gen_before;
		break;
	case BROKEN_NO_OVERLAP:
		t->overlap = false;
		break;
	case BROKEN_WIDE_MEMO:
		if (t->memo.e) {
			t->memo.mask = ~bits_low_mask(tlb_tag_shift(t->memo.e->tag));
			t->memo.base &= t->memo.mask;
		}
		break;
	case BROKEN_NONE:
		break;
	}
}

/*
 * @nops operations from @seed on two TLBs of @sh and @repl; return the
 * index of the first operation after which they differ (and what in
 * @what), or -1.
 */
/* Whether @t's memos answer a lookup of (@c, @a) without probing: 1 the
 * last-hit memo, 2 a page memo slot of unchanged contents, 3 one revalidated
 * after a change, 0 neither. */
static int memo_answers(const struct tlb *t, uint64_t c, uint64_t a)
{
	uint64_t base, mask, page = a >> t->shift[0];
	const struct tlb_page_memo *pm = &t->page_memo[page & (TLB_PAGE_MEMO - 1)];
	struct tlb_match m;

	if (tlb_memo_span(t, c, &base, &mask) && !((a ^ base) & mask))
		return 1;
	if (!pm->e || pm->page != page || pm->ctx != c)
		return 0;
	if (pm->gen == t->gen)
		return 2;
	tlb_match_lookup(&m, c, a);
	return !t->overlap && tlb_entry_matches(pm->e, &m) ? 3 : 0;
}

/* Phases of a run: the share of lookups, adversarial fills and TLBIs (the
 * rest), in percent, and whether fills after a miss keep to the smallest
 * size and non-global entries (as a simulator's, which never overlap). */
static const struct phase {
	unsigned lookups, fills;
	bool tame;
} phases[] = {
	{ 70, 15, false },      /* everything */
	{ 97, 0, true },        /* a replay: lookups, fills after misses */
	{ 40, 40, false },      /* adversarial */
	{ 90, 0, true },        /* a replay with TLBIs */
	{ 99, 1, false },       /* few changes */
};

static long run(const struct shape *sh, const struct tlb_repl_ops *repl, uint64_t seed,
		long nops, enum broken broken, const char **what, uint64_t answered[4])
{
	struct tlb on, off;
	uint64_t s = seed | 1, c = ctx(&s), last = addr(&s);
	long bad = -1;

	build(&on, sh, repl);
	build(&off, sh, repl);
	tlb_set_memo(&on, true);
	*what = NULL;
	for (long op = 0; op < nops && bad < 0; op++) {
		const struct phase *ph = &phases[(op / 500) % (sizeof(phases) / sizeof(phases[0]))];
		uint64_t r = rnd(&s) % 100, l = rnd(&s) % 16, gen = on.gen, a;
		struct tlb_match m;

		/* Locality: the context changes now and then; an address is
		 * mostly in the page of the last, else anywhere nearby. */
		if (rnd(&s) % 64 == 0)
			c = ctx(&s);
		a = l < 10 ? (last & ~UINT64_C(0xfff)) | (rnd(&s) & 0xff8) : addr(&s);
		last = a;

		if (r < ph->lookups) {
			/* a lookup, filled on a miss as a simulator does */
			uint64_t base, mask;
			const struct tlb_entry *eo, *ef;

			answered[memo_answers(&on, c, a)]++;
			if (r % 10 == 0 && tlb_memo_span(&on, c, &base, &mask) && !((a ^ base) & mask)) {
				/* the fast path's batch: counted, not made */
				tlb_memo_hits(&on, 1);
				eo = on.memo.e;
			} else {
				eo = tlb_lookup(&on, c, a);
			}
			ef = tlb_lookup(&off, c, a);
			if (where(&on, eo) != where(&off, ef)) {
				*what = "the entry a lookup hit";
				bad = op;
				break;
			}
			if (!ef) {
				unsigned shift = sh->shift[ph->tame ? 0 : rnd(&s) % sh->nsizes];
				struct tlb_fill f = {
					.ctx = c | (!ph->tame && rnd(&s) % 8 == 0 ? TLB_TAG_GLOBAL : 0),
					.in_addr = a, .out_addr = a ^ UINT64_C(0x1000000000), .shift = (uint8_t)shift,
				};

				if (f.ctx & TLB_TAG_GLOBAL)
					f.ctx &= ~TLB_TAG_ASID;
				tlb_fill(&on, &f);
				tlb_fill(&off, &f);
			}
		} else if (r < ph->lookups + ph->fills) {
			/* an adversarial fill: whatever is cached there already,
			 * any size, maybe global, maybe the same page again */
			unsigned shift = sh->shift[rnd(&s) % sh->nsizes];
			struct tlb_fill f = {
				.ctx = c | (rnd(&s) % 3 == 0 ? TLB_TAG_GLOBAL : 0),
				.in_addr = a, .out_addr = a + (rnd(&s) & 0xf000), .shift = (uint8_t)shift,
				.block_shift = (uint8_t)(rnd(&s) % 4 == 0 ? 21 : 0),
			};

			if (f.ctx & TLB_TAG_GLOBAL)
				f.ctx &= ~TLB_TAG_ASID;
			tlb_fill(&on, &f);
			tlb_fill(&off, &f);
		} else {
			/* a TLBI of some shape */
			uint16_t vmid = (uint16_t)(1 + rnd(&s) % 2), asid = (uint16_t)(1 + rnd(&s) % 3);

			switch (rnd(&s) % 6) {
			case 0: tlbi_match_vae1(&m, MMU_REGIME_EL10, vmid, asid, a); break;
			case 1: tlbi_match_vale1(&m, MMU_REGIME_EL10, vmid, asid, a); break;
			case 2: tlbi_match_vaae1(&m, MMU_REGIME_EL10, vmid, a); break;
			case 3: tlbi_match_aside1(&m, MMU_REGIME_EL10, vmid, asid); break;
			case 4: tlbi_match_vmalle1(&m, MMU_REGIME_EL10, vmid); break;
			default: tlbi_match_alle1(&m); break;
			}
			if (tlb_invalidate(&on, &m) != tlb_invalidate(&off, &m)) {
				*what = "the entries a TLBI removed";
				bad = op;
				break;
			}
		}
		plant(&on, broken, gen);
		if ((*what = differs(&on, &off)))
			bad = op;
	}
	tlb_destroy(&on);
	tlb_destroy(&off);
	return bad;
}

#define NOPS 20000

START_TEST(test_memo_identical)
{
	uint64_t answered[4] = { 0, 0, 0, 0 };

	for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++)
		for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
			for (uint64_t seed = 1; seed <= 4; seed++) {
				const char *what;
				long bad = run(&shapes[i], policies[p], seed * 7919, NOPS, BROKEN_NONE,
					       &what, answered);

				ck_assert_msg(bad < 0, "%s, %s, seed %" PRIu64 ": %s differs after "
					      "operation %ld", shapes[i].what, policies[p]->name, seed,
					      what, bad);
			}
	/* The runs exercised both memos, and the probe. */
	ck_assert_msg(answered[0] > 5000 && answered[1] > 5000 && answered[2] > 5000 &&
		      answered[3] > 5000, "lookups answered by the last-hit memo %" PRIu64
		      ", a page memo slot %" PRIu64 ", one revalidated %" PRIu64 ", neither %"
		      PRIu64, answered[1], answered[2], answered[3], answered[0]);
}
END_TEST

/* A TLB filled only after misses, from one context, never overlaps: the
 * page memo then survives fills (the case a simulator's replay lives in). */
START_TEST(test_no_overlap_after_misses)
{
	struct tlb t;
	uint64_t c = tlb_ctx(MMU_REGIME_EL10, TLB_KIND_S1, 1, 1, false), s = 5;

	build(&t, &shapes[0], &tlb_repl_lru);
	tlb_set_memo(&t, true);
	for (int i = 0; i < 5000; i++) {
		uint64_t a = addr(&s);

		if (!tlb_lookup(&t, c, a)) {
			struct tlb_fill f = { .ctx = c, .in_addr = a, .out_addr = a, .shift = 12 };

			tlb_fill(&t, &f);
		}
	}
	ck_assert(!t.overlap);
	tlb_destroy(&t);
}
END_TEST

/* Each planted defect is caught by the comparison. */
START_TEST(test_memo_planted)
{
	static const enum broken defects[] = {
		BROKEN_STALE_GEN, BROKEN_NO_OVERLAP, BROKEN_WIDE_MEMO,
	};
	uint64_t answered[4] = { 0, 0, 0, 0 };

	for (size_t d = 0; d < sizeof(defects) / sizeof(defects[0]); d++) {
		bool caught = false;

		for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]) && !caught; i++) {
			const char *what;

			caught = run(&shapes[i], &tlb_repl_lru, 12345, NOPS, defects[d], &what,
				     answered) >= 0;
		}
		ck_assert_msg(caught, "planted defect %u went unnoticed", (unsigned)defects[d]);
	}
}
END_TEST

static Suite *memo_suite(void)
{
	Suite *s = suite_create("tlb_memo");
	TCase *tc = tcase_create("identical");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_memo_identical);
	tcase_add_test(tc, test_no_overlap_after_misses);
	suite_add_tcase(s, tc);
	tc = tcase_create("planted");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_memo_planted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
