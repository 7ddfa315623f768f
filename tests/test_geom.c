/*
 * tests/test_geom.c - the geometry arithmetic shared by the walker, the
 * register decoder, the page-table builder and `mmusim layout`, checked
 * against the tables of the Arm ARM (D8-16..D8-41) as summarised in the
 * project's architecture notes (start levels, concatenation, KVM's
 * choices).
 */
#include <check.h>
#include <stdlib.h>

#include "mmu/geom.h"

/* 4K: TnSZ 16-24 -> L0, 25-33 -> L1, 34-39 -> L2 (VA 48..40, 39..31, 30..25). */
START_TEST(s1_start_level_4k)
{
	for (unsigned va = 25; va <= 48; va++) {
		int want = va >= 40 ? 0 : va >= 31 ? 1 : 2;

		ck_assert_int_eq(geom_s1_start_level(12, va), want);
	}
}
END_TEST

/* 16K: 48 -> L0, 47..37 -> L1, 36..26 -> L2, 25 -> L3. */
START_TEST(s1_start_level_16k)
{
	for (unsigned va = 25; va <= 48; va++) {
		int want = va == 48 ? 0 : va >= 37 ? 1 : va >= 26 ? 2 : 3;

		ck_assert_int_eq(geom_s1_start_level(14, va), want);
	}
}
END_TEST

/* 64K: 48..43 -> L1, 42..30 -> L2, 29..25 -> L3. */
START_TEST(s1_start_level_64k)
{
	for (unsigned va = 25; va <= 48; va++) {
		int want = va >= 43 ? 1 : va >= 30 ? 2 : 3;

		ck_assert_int_eq(geom_s1_start_level(16, va), want);
	}
}
END_TEST

/* KVM's stage-2 start level and the number of concatenated tables. */
START_TEST(s2_default_start_and_concat)
{
	static const struct { unsigned g, ipa; int start; unsigned concat; } t[] = {
		{ 12, 32, 2, 4 },  { 12, 33, 2, 8 },  { 12, 34, 2, 16 }, { 12, 35, 1, 1 },
		{ 12, 39, 1, 1 },  { 12, 40, 1, 2 },  { 12, 41, 1, 4 },  { 12, 42, 1, 8 },
		{ 12, 43, 1, 16 }, { 12, 44, 0, 1 },  { 12, 48, 0, 1 },
		{ 14, 32, 2, 1 },  { 14, 36, 2, 1 },  { 14, 37, 2, 2 },  { 14, 40, 2, 16 },
		{ 14, 41, 1, 1 },  { 14, 47, 1, 1 },  { 14, 48, 1, 2 },
		{ 16, 32, 2, 1 },  { 16, 42, 2, 1 },  { 16, 43, 2, 2 },  { 16, 46, 2, 16 },
		{ 16, 47, 1, 1 },  { 16, 48, 1, 1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int start = geom_s2_default_start_level(t[i].g, t[i].ipa);

		ck_assert_msg(start == t[i].start, "granule %u ipa %u: start %d, want %d",
			      t[i].g, t[i].ipa, start, t[i].start);
		ck_assert_uint_eq(geom_concat_tables(t[i].g, t[i].ipa, start), t[i].concat);
		ck_assert_ptr_null(geom_s2_check(t[i].g, t[i].ipa, start, 48));
	}
}
END_TEST

/* VTTBR alignment x = r + 3: 4K 40-bit at L1 -> 8 KiB; 16K 40-bit at L2 ->
 * 256 KiB; 4K 40-bit at L0 -> 16 bytes. */
START_TEST(s2_alignment)
{
	ck_assert_uint_eq(geom_start_table_shift(12, 40, 1), 13);
	ck_assert_uint_eq(geom_start_table_shift(14, 40, 2), 18);
	ck_assert_uint_eq(geom_start_table_shift(12, 40, 0), 4);
	ck_assert_uint_eq(geom_start_table_shift(16, 46, 2), 20);
}
END_TEST

/* Each legality rule of S2InvalidSL / S2InconsistentSL / S2TxSZFaults. */
START_TEST(s2_legality)
{
	/* r < 1: 4K 30-bit IPA cannot start at L1 (L1 resolves nothing). */
	ck_assert_ptr_nonnull(geom_s2_check(12, 30, 1, 48));
	/* r > s + 4: 4K 44-bit IPA at L1 needs 32 tables. */
	ck_assert_ptr_nonnull(geom_s2_check(12, 44, 1, 48));
	ck_assert_ptr_null(geom_s2_check(12, 43, 1, 48));
	/* PAMax gates: 4K L0 needs 44, 16K L1 needs 42, 64K L1 needs 44. */
	ck_assert_ptr_nonnull(geom_s2_check(12, 40, 0, 42));
	ck_assert_ptr_null(geom_s2_check(12, 40, 0, 44));
	ck_assert_ptr_nonnull(geom_s2_check(14, 40, 1, 40));
	ck_assert_ptr_null(geom_s2_check(14, 40, 1, 42));
	ck_assert_ptr_nonnull(geom_s2_check(16, 43, 1, 42));
	ck_assert_ptr_null(geom_s2_check(16, 43, 1, 44));
	/* Reserved SL0 levels: 4K L3 (TTST), 16K/64K L0. */
	ck_assert_ptr_nonnull(geom_s2_check(12, 32, 3, 48));
	ck_assert_ptr_nonnull(geom_s2_check(14, 48, 0, 48));
	ck_assert_ptr_nonnull(geom_s2_check(16, 48, 0, 48));
	/* T0SZ bounds: below 64 - PAMax, above 39. */
	ck_assert_ptr_nonnull(geom_s2_check(12, 42, 1, 40));
	ck_assert_ptr_nonnull(geom_s2_check(12, 24, 2, 48));
	/* 64K may use a 52-bit IPA when PAMax is 52; 4K may not. */
	ck_assert_ptr_null(geom_s2_check(16, 52, 1, 52));
	ck_assert_ptr_nonnull(geom_s2_check(12, 49, 0, 52));
}
END_TEST

/* The rule geom_s2_validate() names, for each rule and at each boundary;
 * where two rules break, the first in enum order. */
START_TEST(s2_validate_reasons)
{
	static const struct { unsigned g, ipa; int start; unsigned pamax; enum geom_s2_why why; } t[] = {
		{ 12, 40, 1, 48, GEOM_S2_OK },
		{ 12, 24, 2, 48, GEOM_S2_IA_SMALL },
		{ 12, 25, 2, 48, GEOM_S2_OK },          /* 25 - 21 = 4 bits at L2 */
		{ 12, 41, 1, 40, GEOM_S2_IA_LARGE },
		{ 12, 40, 1, 40, GEOM_S2_OK },
		{ 12, 49, 0, 52, GEOM_S2_IA_LARGE },    /* 48 at most without LPA2 */
		{ 16, 52, 1, 52, GEOM_S2_OK },
		{ 16, 53, 1, 52, GEOM_S2_IA_LARGE },
		{ 12, 32, 3, 48, GEOM_S2_NO_SL0 },
		{ 14, 48, 0, 48, GEOM_S2_NO_SL0 },
		{ 16, 48, 0, 48, GEOM_S2_NO_SL0 },
		{ 12, 40, 0, 42, GEOM_S2_PAMAX },
		{ 12, 40, 0, 44, GEOM_S2_OK },
		{ 14, 40, 1, 40, GEOM_S2_PAMAX },
		{ 14, 40, 1, 42, GEOM_S2_OK },
		{ 16, 43, 1, 42, GEOM_S2_IA_LARGE },    /* the IPA bound comes first */
		{ 16, 42, 1, 42, GEOM_S2_PAMAX },
		{ 16, 43, 1, 44, GEOM_S2_OK },
		{ 12, 30, 1, 48, GEOM_S2_NO_BITS },     /* L1 resolves bits 38..30 */
		{ 12, 31, 1, 48, GEOM_S2_OK },
		{ 12, 44, 1, 48, GEOM_S2_CONCAT },      /* 32 tables */
		{ 12, 43, 1, 48, GEOM_S2_OK },          /* 16 tables */
		{ 12, 36, 2, 48, GEOM_S2_CONCAT },
		{ 16, 32, 3, 48, GEOM_S2_OK },          /* 8 tables at L3 */
		{ 16, 34, 3, 48, GEOM_S2_CONCAT },
		{ 12, 40, 0, 40, GEOM_S2_PAMAX },       /* PAMax before the bits */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum geom_s2_why why = geom_s2_validate(t[i].g, t[i].ipa, t[i].start, t[i].pamax);

		ck_assert_msg(why == t[i].why, "granule %u ipa %u start %d pamax %u: %d, want %d",
			      t[i].g, t[i].ipa, t[i].start, t[i].pamax, (int)why, (int)t[i].why);
		ck_assert_msg((geom_s2_check(t[i].g, t[i].ipa, t[i].start, t[i].pamax) == NULL) ==
			      (why == GEOM_S2_OK), "geom_s2_check() disagrees on case %zu", i);
	}
}
END_TEST

/* Output sizes without LPA2, and the PAMax each start level needs. */
START_TEST(oa_bits_and_min_pamax)
{
	ck_assert_uint_eq(geom_max_oa_bits(12), 48);
	ck_assert_uint_eq(geom_max_oa_bits(14), 48);
	ck_assert_uint_eq(geom_max_oa_bits(16), 52);
	ck_assert_uint_eq(geom_s2_max_ia_bits(12, 52), 48);
	ck_assert_uint_eq(geom_s2_max_ia_bits(16, 52), 52);
	ck_assert_uint_eq(geom_s2_max_ia_bits(14, 40), 40);
	ck_assert_uint_eq(geom_s2_min_pamax(12, 0), 44);
	ck_assert_uint_eq(geom_s2_min_pamax(12, 1), 0);
	ck_assert_uint_eq(geom_s2_min_pamax(14, 1), 42);
	ck_assert_uint_eq(geom_s2_min_pamax(14, 2), 0);
	ck_assert_uint_eq(geom_s2_min_pamax(16, 1), 44);
	ck_assert_uint_eq(geom_s2_min_pamax(16, 3), 0);
}
END_TEST

START_TEST(sl0_encoding)
{
	ck_assert_int_eq(geom_s2_sl0(12, 0), 2);
	ck_assert_int_eq(geom_s2_sl0(12, 1), 1);
	ck_assert_int_eq(geom_s2_sl0(12, 2), 0);
	ck_assert_int_eq(geom_s2_sl0(12, 3), -1);
	ck_assert_int_eq(geom_s2_sl0(14, 1), 2);
	ck_assert_int_eq(geom_s2_sl0(16, 3), 0);
	ck_assert_int_eq(geom_s2_sl0(16, 0), -1);
	for (unsigned g = 12; g <= 16; g += 2)
		for (unsigned sl0 = 0; sl0 < 3; sl0++)
			ck_assert_int_eq(geom_s2_sl0(g, geom_s2_start_from_sl0(g, sl0)), (int)sl0);
	ck_assert_int_eq(geom_s2_start_from_sl0(12, 3), -1);
}
END_TEST

START_TEST(block_levels)
{
	ck_assert(!geom_block_allowed(12, 0, 52));
	ck_assert(geom_block_allowed(12, 1, 48));
	ck_assert(geom_block_allowed(12, 2, 48));
	ck_assert(!geom_block_allowed(12, 3, 48));
	ck_assert(!geom_block_allowed(14, 1, 52));
	ck_assert(geom_block_allowed(14, 2, 48));
	ck_assert(!geom_block_allowed(16, 1, 48));
	ck_assert(geom_block_allowed(16, 1, 52));
	ck_assert(geom_block_allowed(16, 2, 40));
}
END_TEST

static Suite *geom_suite(void)
{
	Suite *s = suite_create("geom");
	TCase *tc = tcase_create("Stage1");

	tcase_add_test(tc, s1_start_level_4k);
	tcase_add_test(tc, s1_start_level_16k);
	tcase_add_test(tc, s1_start_level_64k);
	suite_add_tcase(s, tc);
	tc = tcase_create("Stage2");
	tcase_add_test(tc, s2_default_start_and_concat);
	tcase_add_test(tc, s2_alignment);
	tcase_add_test(tc, s2_legality);
	tcase_add_test(tc, s2_validate_reasons);
	tcase_add_test(tc, oa_bits_and_min_pamax);
	tcase_add_test(tc, sl0_encoding);
	tcase_add_test(tc, block_levels);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(geom_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
