/*
 * tests/test_pmem.c - sparse physical memory and frame allocators.
 *
 * Checks zero-fill, exact read-back, the counters, error reporting, that
 * host memory grows with the frames written (not with the address range),
 * the deterministic placement of the frame allocator, and its free runs
 * and fragmented pages.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/pmem.h"

struct fx {
	struct pmem pm;
	struct sim_error err;
};

static struct fx fx;

static void setup(void)
{
	sim_error_clear(&fx.err);
	ck_assert_int_eq(pmem_init(&fx.pm, &fx.err), 0);
}

static void teardown(void)
{
	pmem_destroy(&fx.pm);
}

/* ---- read/write ---- */

START_TEST(test_unwritten_reads_zero)
{
	uint64_t v = 0xdead;

	ck_assert_int_eq(pmem_read64(&fx.pm, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	v = 0xdead;
	ck_assert_int_eq(pmem_read64(&fx.pm, 0xfffffffffff8ull, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(fx.pm.st.reads, 2);
	ck_assert_uint_eq(fx.pm.st.chunks, 0);
}
END_TEST

START_TEST(test_write_read_back)
{
	uint64_t v;

	ck_assert_int_eq(pmem_write64(&fx.pm, 0x40001008, 0x0123456789abcdefull), 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x40001008, &v), 0);
	ck_assert_uint_eq(v, 0x0123456789abcdefull);
	/* neighbours in the same chunk read zero */
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x40001000, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x40001ff8, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* the next frame is untouched */
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x40002008, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* overwrite */
	ck_assert_int_eq(pmem_write64(&fx.pm, 0x40001008, 7), 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x40001008, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(fx.pm.st.writes, 2);
	ck_assert_uint_eq(fx.pm.st.reads, 5);
	ck_assert_uint_eq(fx.pm.st.chunks, 1);
}
END_TEST

START_TEST(test_zero_write_allocates_nothing)
{
	uint64_t v;

	ck_assert_int_eq(pmem_write64(&fx.pm, 0x5000, 0), 0);
	ck_assert_uint_eq(fx.pm.st.chunks, 0);
	ck_assert_uint_eq(fx.pm.st.writes, 1);
	/* but zero does clear a backed word */
	ck_assert_int_eq(pmem_write64(&fx.pm, 0x5000, 3), 0);
	ck_assert_int_eq(pmem_write64(&fx.pm, 0x5000, 0), 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x5000, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(fx.pm.st.chunks, 1);
}
END_TEST

START_TEST(test_bad_addresses)
{
	uint64_t v;

	ck_assert_int_eq(pmem_read64(&fx.pm, 0x1004, &v), SIM_E_INVAL);
	ck_assert_ptr_nonnull(strstr(fx.pm.err.msg, "aligned"));
	sim_error_clear(&fx.pm.err);
	ck_assert_int_eq(pmem_write64(&fx.pm, 1ull << 52, 1), SIM_E_INVAL);
	ck_assert_ptr_nonnull(strstr(fx.pm.err.msg, "52-bit"));
	ck_assert_int_eq(pmem_write64(&fx.pm, (1ull << 52) - 8, 1), 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, (1ull << 52) - 8, &v), 0);
	ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(test_mmu_mem_callbacks)
{
	struct mmu_mem m = pmem_mem(&fx.pm);
	uint64_t v;

	ck_assert_ptr_eq(m.ctx, &fx.pm);
	ck_assert_int_eq(m.write(m.ctx, 0x123458, 0x77), 0);
	ck_assert_int_eq(m.read(m.ctx, 0x123458, &v), 0);
	ck_assert_uint_eq(v, 0x77);
}
END_TEST

/* ---- scale ---- */

/* 100000 frames spread over the whole 48-bit space, two words each; every
 * word reads back after the hash has grown many times. */
START_TEST(test_many_frames)
{
	const uint64_t n = 100000;
	const uint64_t stride = (1ull << 48) / n & ~0xfffull;
	uint64_t v;

	for (uint64_t i = 0; i < n; i++) {
		ck_assert_int_eq(pmem_write64(&fx.pm, i * stride, i + 1), 0);
		ck_assert_int_eq(pmem_write64(&fx.pm, i * stride + 0xff8, ~i), 0);
	}
	ck_assert_uint_eq(fx.pm.st.chunks, n);
	for (uint64_t i = 0; i < n; i++) {
		ck_assert_int_eq(pmem_read64(&fx.pm, i * stride, &v), 0);
		ck_assert_uint_eq(v, i + 1);
		ck_assert_int_eq(pmem_read64(&fx.pm, i * stride + 0xff8, &v), 0);
		ck_assert_uint_eq(v, ~i);
		ck_assert_int_eq(pmem_read64(&fx.pm, i * stride + 0x1000, &v), 0);
		ck_assert_uint_eq(v, 0);
	}
}
END_TEST

/* Footprint follows the frames written: 1000 frames 1 TiB apart cost about
 * 1000 * 4 KiB plus the hash and slab rounding, not the address range. */
START_TEST(test_memory_grows_with_frames_only)
{
	size_t empty = pmem_bytes(&fx.pm), after1000, after2000;
	uint64_t v;

	for (uint64_t i = 0; i < 1000; i++)
		ck_assert_int_eq(pmem_write64(&fx.pm, i << 40 | 0x10, 1), 0);
	after1000 = pmem_bytes(&fx.pm);
	ck_assert_uint_eq(fx.pm.st.chunks, 1000);
	ck_assert_uint_ge(after1000, 1000 * 4096);
	ck_assert_uint_lt(after1000, empty + 1100 * 4096 + 64 * 1024);
	/* reading elsewhere grows nothing */
	for (uint64_t i = 0; i < 100000; i++)
		ck_assert_int_eq(pmem_read64(&fx.pm, (i << 20) + 8, &v), 0);
	ck_assert_uint_eq(pmem_bytes(&fx.pm), after1000);
	/* rewriting the same frames grows nothing */
	for (uint64_t i = 0; i < 1000; i++)
		ck_assert_int_eq(pmem_write64(&fx.pm, i << 40 | 0x18, 2), 0);
	ck_assert_uint_eq(pmem_bytes(&fx.pm), after1000);
	/* another 1000 frames roughly double it */
	for (uint64_t i = 0; i < 1000; i++)
		ck_assert_int_eq(pmem_write64(&fx.pm, i << 40 | 0x1000, 1), 0);
	after2000 = pmem_bytes(&fx.pm);
	ck_assert_uint_ge(after2000 - after1000, 1000 * 4096);
	ck_assert_uint_lt(after2000 - after1000, 1100 * 4096 + 64 * 1024);
}
END_TEST

/* Two memories in one process do not share anything. */
START_TEST(test_two_memories)
{
	struct pmem other;
	uint64_t v;

	ck_assert_int_eq(pmem_init(&other, NULL), 0);
	ck_assert_int_eq(pmem_write64(&fx.pm, 0x8000, 1), 0);
	ck_assert_int_eq(pmem_write64(&other, 0x8000, 2), 0);
	ck_assert_int_eq(pmem_read64(&fx.pm, 0x8000, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(pmem_read64(&other, 0x8000, &v), 0);
	ck_assert_uint_eq(v, 2);
	pmem_destroy(&other);
}
END_TEST

/* ---- frame allocator ---- */

START_TEST(test_falloc_pages_and_blocks)
{
	struct pmem_falloc fa;
	uint64_t a;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0x40000000, 0x80000000, 0x1000, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x40000000);
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x40001000);
	/* 2 MiB blocks come from the top, aligned */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x200000, 0x200000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7fe00000);
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x200000, 0x200000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7fc00000);
	/* 1 GiB: the top gigabyte is partly used, nothing else is aligned */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x40000000, 0x40000000, &a, &fx.err),
			 SIM_E_NOMEM);
	ck_assert_ptr_nonnull(strstr(fx.err.msg, "exhausted"));
	/* pages still pack after the blocks */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x40002000);
	/* an 8 KiB region aligned to 8 KiB (two concatenated tables) from the top */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x2000, 0x2000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7fbfe000);
	ck_assert_uint_eq(fa.allocs, 6);
	ck_assert_uint_eq(fa.bytes, 3 * 0x1000 + 2 * 0x200000 + 0x2000);
}
END_TEST

START_TEST(test_falloc_exhaustion_and_args)
{
	struct pmem_falloc fa;
	uint64_t a;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0x1000, 0x1000, 0x1000, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(pmem_falloc_init(&fa, 0, 0x4000, 0x3000, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(pmem_falloc_init(&fa, 0, 0x4000, 0x1000, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1800, &a, &fx.err), SIM_E_INVAL);
	sim_error_clear(&fx.err);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
		ck_assert_uint_eq(a, (uint64_t)i * 0x1000);
	}
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), SIM_E_NOMEM);
}
END_TEST

/* A free run of a block's size with fraction 1 is what the packed
 * allocator gave a block: the next aligned range below hi. */
START_TEST(test_falloc_try_whole_runs)
{
	struct pmem_falloc fa;
	uint64_t a;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0x40000000, 0x80000000, 0x10000, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_fragment(&fa, 12, 21, false, 1, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x200000, 1.0, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7fe00000);
	/* a 32 MiB group of blocks: its own aligned candidate */
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x2000000, 1.0, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7c000000);
	/* 64 KiB groups are carved upwards from one 2 MiB run, 32 of them */
	for (unsigned i = 0; i < 32; i++) {
		ck_assert_int_eq(pmem_falloc_try(&fa, 0x10000, 1.0, &a, &fx.err), 0);
		ck_assert_uint_eq(a, 0x7be00000 + (uint64_t)i * 0x10000);
	}
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x10000, 1.0, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x7bc00000);
	ck_assert_uint_eq(fa.tries, 35);
	ck_assert_uint_eq(fa.misses, 0);
	/* pages still pack from the bottom */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
	ck_assert_uint_eq(a, 0x40000000);
}
END_TEST

/* With a fraction below 1, each request finds its one candidate free with
 * that probability, and a candidate in use is skipped. */
START_TEST(test_falloc_try_fraction)
{
	struct pmem_falloc fa;
	uint64_t a, hi, got = 0;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0, UINT64_C(1) << 40, 0x10000, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_fragment(&fa, 12, 21, false, 7, &fx.err), 0);
	hi = fa.hi;
	/* fraction 0: there is no free run; nothing is used up */
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x200000, 0.0, &a, &fx.err), 1);
	ck_assert_uint_eq(fa.hi, hi);
	ck_assert_uint_eq(fa.misses, 1);
	for (unsigned i = 0; i < 4000; i++) {
		int rc = pmem_falloc_try(&fa, 0x200000, 0.3, &a, &fx.err);

		ck_assert_int_ge(rc, 0);
		if (!rc) {
			ck_assert_uint_eq(a & 0x1fffff, 0);
			got++;
		}
	}
	/* 0.3 of 4000 = 1200; the binomial's standard deviation is 29 */
	ck_assert_uint_ge(got, 1100);
	ck_assert_uint_le(got, 1300);
	ck_assert_uint_eq(fa.misses, 1 + 4000 - got);
	ck_assert_uint_eq(fa.hi, hi - 4000 * UINT64_C(0x200000));
	/* a 64 KiB group fails when the new run it needs is in use */
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x10000, 0.0, &a, &fx.err), 1);
}
END_TEST

/* The same seed gives the same frames; another seed others. */
static void try_sequence(uint64_t seed, uint64_t *out, unsigned n)
{
	struct pmem_falloc fa;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0, UINT64_C(1) << 40, 0x10000, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_fragment(&fa, 12, 21, true, seed, &fx.err), 0);
	for (unsigned i = 0; i < n; i++) {
		int rc = i % 2 ? pmem_falloc_try(&fa, 0x200000, 0.5, &out[i], &fx.err)
			       : pmem_falloc_alloc(&fa, 0x1000, 0x1000, &out[i], &fx.err);

		ck_assert_int_ge(rc, 0);
		if (rc)
			out[i] = 0;
	}
}

START_TEST(test_falloc_seeded)
{
	uint64_t a[64], b[64], c[64];

	try_sequence(1, a, 64);
	try_sequence(1, b, 64);
	try_sequence(2, c, 64);
	ck_assert_mem_eq(a, b, sizeof(a));
	ck_assert(memcmp(a, c, sizeof(a)) != 0);
}
END_TEST

/* Fragmented memory: single pages are unit-aligned, increasing, never
 * overlap a free run, and about half of the units are skipped. */
START_TEST(test_falloc_scattered_pages)
{
	struct pmem_falloc fa;
	uint64_t a, prev = 0, gaps = 0, run;

	ck_assert_int_eq(pmem_falloc_init(&fa, 0x40000000, UINT64_C(1) << 40, 0x10000, &fx.err),
			 0);
	ck_assert_int_eq(pmem_falloc_fragment(&fa, 12, 21, true, 3, &fx.err), 0);
	ck_assert_int_eq(pmem_falloc_try(&fa, 0x200000, 1.0, &run, &fx.err), 0);
	for (unsigned i = 0; i < 4096; i++) {
		ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x1000, 0x1000, &a, &fx.err), 0);
		ck_assert_uint_eq(a & 0xfff, 0);
		ck_assert_uint_ge(a, 0x40000000);
		if (i) {
			ck_assert_uint_gt(a, prev);
			gaps += a != prev + 0x1000;
		}
		ck_assert(a + 0x1000 <= run || a >= run + 0x200000);
		prev = a;
	}
	/* 4095 successors, each contiguous with probability 1/2 */
	ck_assert_uint_ge(gaps, 1900);
	ck_assert_uint_le(gaps, 2200);
	/* a table larger than a page is had anyway, aligned */
	ck_assert_int_eq(pmem_falloc_alloc(&fa, 0x2000, 0x2000, &a, &fx.err), 0);
	ck_assert_uint_eq(a & 0x1fff, 0);
	ck_assert_int_eq(pmem_falloc_fragment(&fa, 12, 12, true, 3, &fx.err), SIM_E_INVAL);
}
END_TEST

static Suite *pmem_suite(void)
{
	Suite *s = suite_create("pmem");
	TCase *tc;

	tc = tcase_create("readwrite");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unwritten_reads_zero);
	tcase_add_test(tc, test_write_read_back);
	tcase_add_test(tc, test_zero_write_allocates_nothing);
	tcase_add_test(tc, test_bad_addresses);
	tcase_add_test(tc, test_mmu_mem_callbacks);
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_many_frames);
	tcase_add_test(tc, test_memory_grows_with_frames_only);
	tcase_add_test(tc, test_two_memories);
	suite_add_tcase(s, tc);

	tc = tcase_create("falloc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_falloc_pages_and_blocks);
	tcase_add_test(tc, test_falloc_exhaustion_and_args);
	tcase_add_test(tc, test_falloc_try_whole_runs);
	tcase_add_test(tc, test_falloc_try_fraction);
	tcase_add_test(tc, test_falloc_seeded);
	tcase_add_test(tc, test_falloc_scattered_pages);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pmem_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
