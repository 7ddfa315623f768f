/*
 * tests/test_asid.c - the ASID and VMID allocators (workloads/asid.h) on
 * hand-made switch sequences, and a randomized invariant test.
 *
 * Notation in the derivations: Pk is the k-th process (address space) of a
 * test, Vk the k-th VM; "gN|n" is the id word of number n in generation N;
 * cur is the allocator's next-fit cursor.  After a rollover each CPU keeps
 * reserved the number it was running (or, if it has not switched since the
 * previous rollover, the one it kept then); every other number is free
 * again, and the search restarts at 1.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/asid.h"
#include "sim/bits.h"

static void make_alloc(struct asid_alloc *a, const struct asid_alloc_cfg *cfg)
{
	struct sim_error err;

	sim_error_clear(&err);
	ck_assert_msg(asid_alloc_init(a, cfg, &err) == 0, "asid_alloc_init: %s",
		      err.msg);
}

static struct asid_alloc_cfg cfg_asid(unsigned bits, unsigned ncpus)
{
	struct asid_alloc_cfg c = {
		.kind = ASID_KIND_ASID, .bits = bits, .ncpus = ncpus,
	};
	return c;
}

static struct asid_alloc_cfg cfg_vmid(unsigned bits, unsigned ncpus)
{
	struct asid_alloc_cfg c = {
		.kind = ASID_KIND_VMID, .bits = bits, .ncpus = ncpus,
	};
	return c;
}

/* Switch @cpu to the space whose id word is *@id; the switch must work. */
static struct asid_switch_result sw(struct asid_alloc *a, unsigned cpu,
				    uint64_t *id)
{
	struct asid_switch_result r;

	ck_assert_int_eq(asid_switch(a, cpu, id, &r), 0);
	return r;
}

/* Expect a switch to give @asid, found @how, with or without a rollover. */
static void expect(const struct asid_switch_result *r, unsigned asid,
		   enum asid_how how, bool rollover)
{
	ck_assert_uint_eq(r->asid, asid);
	ck_assert_int_eq(r->how, how);
	ck_assert_int_eq(r->fast, how == ASID_HOW_FAST);
	ck_assert_int_eq(r->rollover, rollover);
}

static void expect_local_flush(const struct asid_switch_result *r)
{
	ck_assert(r->flush);
	ck_assert_int_eq(r->flush_op, TLBI_VMALLE1);
	ck_assert_uint_eq(r->flush_flags, 0);
	ck_assert(!r->kick_all);
}

static void expect_broadcast_flush(const struct asid_switch_result *r)
{
	ck_assert(r->flush);
	ck_assert_int_eq(r->flush_op, TLBI_ALLE1);
	ck_assert_uint_eq(r->flush_flags, TLBI_F_IS);
}

#define ST(a, id) ((a)->st.c[ASID_C_##id])

/* ---------------------------------------------------------------- ASIDs */

/*
 * 8-bit ASIDs, 1 CPU.  The cursor starts at 1 and each new process takes
 * the first free number at or after it, so P1..P255 get 1..255 in
 * generation 1, each on the slow path (their id word is 0), with no
 * rollover and no flush.
 */
static void first_generation_8bit(struct asid_alloc *a, uint64_t *id)
{
	for (unsigned k = 1; k <= 255; k++) {
		struct asid_switch_result r = sw(a, 0, &id[k]);

		expect(&r, k, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
		ck_assert_uint_eq(r.generation, 1);
		ck_assert_uint_eq(id[k], (UINT64_C(1) << 16) | k);
	}
	ck_assert_uint_eq(ST(a, ALLOC), 255);
	ck_assert_uint_eq(ST(a, SLOW), 255);
	ck_assert_uint_eq(ST(a, FAST), 0);
	ck_assert_uint_eq(ST(a, ROLLOVER), 0);
	ck_assert_uint_eq(ST(a, LOCAL_FLUSH), 0);
}

START_TEST(test_asid8_no_rollover_for_255)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 1);
	uint64_t id[260] = { 0 };

	make_alloc(&a, &c);
	ck_assert_uint_eq(asid_usable(&a), 255);
	first_generation_8bit(&a, id);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * Continuing from P1..P255 = 1..255 (generation 1, cur = 255, CPU 0
 * running P255 = g1|255):
 *  - P256: the search from 255 finds nothing, so the generation becomes 2;
 *    CPU 0's active g1|255 is reserved (bit 255 set, every other bit
 *    clear); the search restarts at 1, so P256 gets 1 (cur = 1).  CPU 0 is
 *    pending and this is its switch: one local VMALLE1 now.
 *  - P257: 2 (cur = 2), no flush: CPU 0 already flushed.
 *  - P255 again: g1|255 is CPU 0's reserved id, so P255 keeps 255 as g2|255
 *    (the "false alarm" re-use).
 *  - P100 again: bit 100 is clear in generation 2, so P100 keeps 100.
 *  - P1 again: bit 1 is P256's, so P1 needs a new number: from cur = 2, 2
 *    is P257's, so 3 (cur = 3).
 *  - P256 again: its id is of generation 2 and CPU 0 is active: fast path.
 *  Generation 2 now holds 1, 2, 3, 100, 255, so exactly the 250 numbers
 *  4..99 and 101..254 are left: P258..P507 get them in that order, and
 *  P508 rolls over again.  The CPU then runs P507 = g2|254, which stays
 *  reserved, so P508 gets 1 in generation 3 and flushes once more.
 */
START_TEST(test_asid8_rollover_and_reuse)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 1);
	struct asid_switch_result r;
	uint64_t id[510] = { 0 };
	unsigned k, want;

	make_alloc(&a, &c);
	first_generation_8bit(&a, id);

	r = sw(&a, 0, &id[256]);
	expect(&r, 1, ASID_HOW_NEW, true);
	expect_local_flush(&r);
	ck_assert_uint_eq(r.generation, 2);
	ck_assert_uint_eq(id[256], (UINT64_C(2) << 16) | 1);

	r = sw(&a, 0, &id[257]);
	expect(&r, 2, ASID_HOW_NEW, false);
	ck_assert(!r.flush);

	r = sw(&a, 0, &id[255]);
	expect(&r, 255, ASID_HOW_REUSE_RESERVED, false);
	ck_assert(!r.flush);
	ck_assert_uint_eq(id[255], (UINT64_C(2) << 16) | 255);

	r = sw(&a, 0, &id[100]);
	expect(&r, 100, ASID_HOW_REUSE_FREE, false);
	ck_assert_uint_eq(r.generation, 2);

	r = sw(&a, 0, &id[1]);
	expect(&r, 3, ASID_HOW_NEW, false);

	r = sw(&a, 0, &id[256]);
	expect(&r, 1, ASID_HOW_FAST, false);
	ck_assert(!r.flush);

	ck_assert_uint_eq(ST(&a, ROLLOVER), 1);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 1);
	ck_assert_uint_eq(ST(&a, REUSE), 2);
	ck_assert_uint_eq(ST(&a, ALLOC), 255 + 3);
	ck_assert_uint_eq(ST(&a, FAST), 1);

	want = 4;
	for (k = 258; k <= 507; k++, want++) {
		if (want == 100)
			want++;
		r = sw(&a, 0, &id[k]);
		expect(&r, want, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
	}
	ck_assert_uint_eq(want, 255);
	r = sw(&a, 0, &id[508]);
	expect(&r, 1, ASID_HOW_NEW, true);
	expect_local_flush(&r);
	ck_assert_uint_eq(r.generation, 3);
	ck_assert_uint_eq(ST(&a, ROLLOVER), 2);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 2);

	/* P507 was running at that rollover: it keeps 254. */
	r = sw(&a, 0, &id[507]);
	expect(&r, 254, ASID_HOW_REUSE_RESERVED, false);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * Two CPUs, 8-bit ASIDs.  CPU 0 runs P1 (1); CPU 1 runs P2..P255 (2..255)
 * and then P256: a rollover with CPU 0's g1|1 and CPU 1's g1|255 reserved,
 * so P256 gets 2 (1 is taken) and CPU 1 flushes now; CPU 0 stays pending.
 *  - CPU 1, P257: 3, no flush (CPU 1 already did its one flush).
 *  - CPU 1, P258: 4, no flush: other CPUs' switches never settle CPU 0's.
 *  - CPU 0, P259: 5; CPU 0's one flush happens here.
 *  - CPU 0, P260: 6, no flush.
 *  - CPU 0, P1: still reserved by CPU 0: keeps 1.
 *  - CPU 1, P255: still reserved by CPU 1: keeps 255.
 *  - CPU 0, P10: bit 10 is free in generation 2: keeps 10.
 *  - CPU 1, P3: 3 is P257's: new number from cur = 6, so 7.
 */
START_TEST(test_asid8_two_cpus)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 2);
	struct asid_switch_result r;
	uint64_t id[261] = { 0 };

	make_alloc(&a, &c);
	r = sw(&a, 0, &id[1]);
	expect(&r, 1, ASID_HOW_NEW, false);
	for (unsigned k = 2; k <= 255; k++) {
		r = sw(&a, 1, &id[k]);
		expect(&r, k, ASID_HOW_NEW, false);
	}

	r = sw(&a, 1, &id[256]);
	expect(&r, 2, ASID_HOW_NEW, true);
	expect_local_flush(&r);

	r = sw(&a, 1, &id[257]);
	expect(&r, 3, ASID_HOW_NEW, false);
	ck_assert(!r.flush);
	r = sw(&a, 1, &id[258]);
	expect(&r, 4, ASID_HOW_NEW, false);
	ck_assert(!r.flush);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 1);

	r = sw(&a, 0, &id[259]);
	expect(&r, 5, ASID_HOW_NEW, false);
	expect_local_flush(&r);
	r = sw(&a, 0, &id[260]);
	expect(&r, 6, ASID_HOW_NEW, false);
	ck_assert(!r.flush);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 2);

	r = sw(&a, 0, &id[1]);
	expect(&r, 1, ASID_HOW_REUSE_RESERVED, false);
	r = sw(&a, 1, &id[255]);
	expect(&r, 255, ASID_HOW_REUSE_RESERVED, false);
	r = sw(&a, 0, &id[10]);
	expect(&r, 10, ASID_HOW_REUSE_FREE, false);
	r = sw(&a, 1, &id[3]);
	expect(&r, 7, ASID_HOW_NEW, false);

	ck_assert_uint_eq(ST(&a, ROLLOVER), 1);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 2);
	ck_assert_uint_eq(ST(&a, BCAST_FLUSH), 0);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * A process running on two CPUs at a rollover (threads): its old id is
 * reserved twice, and re-validating it must move both reservations to the
 * new generation.  Three CPUs, 8 bits; "away" is CPU 0 or CPU 1 (run
 * both ways), "stay" the other one:
 *  - CPU 0 runs P1 (1); CPU 1 switches to P1 too (slow path: CPU 1 has
 *    never run anything; P1's id is current, so it keeps 1).
 *  - CPU 2 runs P2..P255 (2..255), then P256: rollover to generation 2 with
 *    g1|1 reserved for CPUs 0 and 1 and g1|255 for CPU 2; P256 gets 2.
 *  - CPU 2, P1: g1|1 is reserved: keeps 1 as g2|1; both CPU 0's and CPU
 *    1's reservations become g2|1.
 *  - CPU away switches to P257: 3 (cur = 3), and does its pending flush.
 *  - CPU 2 allocates until the next rollover: generation 2 holds 1, 2, 3
 *    and 255, so 4..254 (251 numbers) go to P258..P508 and P509 rolls over
 *    to generation 3.  CPU stay has not switched, so its reservation
 *    (g2|1) carries over; CPU away's active P257 (3) and CPU 2's active
 *    P508 (254) are reserved; P509 gets 2.
 *  - CPU 2, P1 (id g2|1): reserved by CPU stay: keeps 1.  Had only CPU
 *    away's reservation been renewed, CPU stay's would still say g1|1, and
 *    P1 would lose its number here (bit 1 is taken) while CPU stay still
 *    runs it under ASID 1.
 *  - CPU stay, P1: its id is current, CPU stay is not active: slow path
 *    without a new number, and CPU stay's one pending flush.
 */
START_TEST(test_asid8_shared_space_reserved_twice)
{
	unsigned away = (unsigned)_i, stay = 1 - away;
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 3);
	struct asid_switch_result r;
	uint64_t id[510] = { 0 };
	unsigned k;

	make_alloc(&a, &c);
	r = sw(&a, 0, &id[1]);
	expect(&r, 1, ASID_HOW_NEW, false);
	r = sw(&a, 1, &id[1]);
	expect(&r, 1, ASID_HOW_CURRENT, false);
	for (k = 2; k <= 255; k++)
		sw(&a, 2, &id[k]);
	r = sw(&a, 2, &id[256]);
	expect(&r, 2, ASID_HOW_NEW, true);

	r = sw(&a, 2, &id[1]);
	expect(&r, 1, ASID_HOW_REUSE_RESERVED, false);
	ck_assert_uint_eq(id[1], (UINT64_C(2) << 16) | 1);

	r = sw(&a, away, &id[257]);
	expect(&r, 3, ASID_HOW_NEW, false);
	expect_local_flush(&r);

	for (k = 258; k <= 508; k++) {
		r = sw(&a, 2, &id[k]);
		expect(&r, k - 254, ASID_HOW_NEW, false);
	}
	r = sw(&a, 2, &id[509]);
	expect(&r, 2, ASID_HOW_NEW, true);
	ck_assert_uint_eq(r.generation, 3);

	r = sw(&a, 2, &id[1]);
	expect(&r, 1, ASID_HOW_REUSE_RESERVED, false);
	r = sw(&a, stay, &id[1]);
	expect(&r, 1, ASID_HOW_CURRENT, false);
	expect_local_flush(&r);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * The generation step.  With the default 2^16 the id of P256 (generation
 * 2, number 1) is 0x20001 and bits [15:0] are just the number.  With a
 * step of 2^8 (older kernels) it is 0x201: the number to program is still
 * 1, but an unmasked TTBR1_EL1.ASID would read 0x201 (Linux commit
 * c0900d15d31c, "arm64: Ensure bits ASID[15:8] are masked out when the
 * kernel uses 8-bit ASIDs");
 * already in generation 1, Pk's id is 0x100 | k.
 */
START_TEST(test_asid8_generation_step)
{
	static const struct {
		unsigned step_bits;
		unsigned gen1_bits;     /* bits [15:8] of generation-1 ids */
		uint64_t id256;
		unsigned unmasked256, unmasked255;
	} cases[] = {
		{ 0, 0x000, 0x20001, 0x001, 0x0ff },    /* default: 16 */
		{ 8, 0x100, 0x201, 0x201, 0x2ff },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct asid_alloc a;
		struct asid_alloc_cfg c = cfg_asid(8, 1);
		struct asid_switch_result r;
		uint64_t id[257] = { 0 };

		c.gen_step_bits = cases[i].step_bits;
		make_alloc(&a, &c);
		for (unsigned k = 1; k <= 255; k++) {
			r = sw(&a, 0, &id[k]);
			ck_assert_uint_eq(r.asid, k);
			ck_assert_uint_eq(r.unmasked, cases[i].gen1_bits | k);
		}
		r = sw(&a, 0, &id[256]);
		expect(&r, 1, ASID_HOW_NEW, true);
		ck_assert_uint_eq(id[256], cases[i].id256);
		ck_assert_uint_eq(r.unmasked, cases[i].unmasked256);
		ck_assert_uint_eq(r.generation, 2);
		r = sw(&a, 0, &id[255]);
		expect(&r, 255, ASID_HOW_REUSE_RESERVED, false);
		ck_assert_uint_eq(r.unmasked, cases[i].unmasked255);
		asid_alloc_destroy(&a);
	}
}
END_TEST

/*
 * KPTI, 8 bits: the odd numbers are taken from the start, so P1..P127 get
 * the even numbers 2, 4, ..., 254 (user ASIDs 3, 5, ..., 255), and P128
 * rolls over: 254 (P127, running) is reserved, so P128 gets 2.
 */
START_TEST(test_asid8_kpti)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 1);
	struct asid_switch_result r;
	uint64_t id[130] = { 0 };

	c.kpti = true;
	make_alloc(&a, &c);
	ck_assert_uint_eq(asid_usable(&a), 127);
	for (unsigned k = 1; k <= 127; k++) {
		r = sw(&a, 0, &id[k]);
		expect(&r, 2 * k, ASID_HOW_NEW, false);
		ck_assert_uint_eq(r.user_asid, 2 * k + 1);
	}
	ck_assert_uint_eq(ST(&a, ROLLOVER), 0);
	r = sw(&a, 0, &id[128]);
	expect(&r, 2, ASID_HOW_NEW, true);
	ck_assert_uint_eq(r.user_asid, 3);
	expect_local_flush(&r);
	r = sw(&a, 0, &id[127]);
	expect(&r, 254, ASID_HOW_REUSE_RESERVED, false);
	r = sw(&a, 0, &id[1]);
	expect(&r, 4, ASID_HOW_NEW, false);
	asid_alloc_destroy(&a);
}
END_TEST

/* 16-bit ASIDs: 1000 processes take 1..1000, far from a rollover. */
START_TEST(test_asid16_no_rollover)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(16, 1);
	struct asid_switch_result r;
	uint64_t id[1001] = { 0 };

	make_alloc(&a, &c);
	ck_assert_uint_eq(asid_usable(&a), 65535);
	for (unsigned k = 1; k <= 1000; k++) {
		r = sw(&a, 0, &id[k]);
		expect(&r, k, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
	}
	ck_assert_uint_eq(ST(&a, ROLLOVER), 0);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 0);
	ck_assert_uint_eq(ST(&a, ALLOC), 1000);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * The fast path: P1 and P2 alternate on one CPU.  The first two switches
 * allocate (slow); all later ones find a current id on an active CPU.
 * Then a second CPU's first switch to P1 is slow (that CPU was never
 * active) although P1's id is current.
 */
START_TEST(test_asid_fast_path_counts)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(16, 2);
	struct asid_switch_result r;
	uint64_t p1 = 0, p2 = 0;

	make_alloc(&a, &c);
	for (unsigned i = 0; i < 10; i++) {
		r = sw(&a, 0, i % 2 ? &p2 : &p1);
		ck_assert_int_eq(r.fast, i >= 2);
		ck_assert_uint_eq(r.asid, i % 2 ? 2 : 1);
	}
	ck_assert_uint_eq(ST(&a, FAST), 8);
	ck_assert_uint_eq(ST(&a, SLOW), 2);
	r = sw(&a, 1, &p1);
	expect(&r, 1, ASID_HOW_CURRENT, false);
	r = sw(&a, 1, &p2);
	expect(&r, 2, ASID_HOW_FAST, false);
	ck_assert_uint_eq(ST(&a, FAST), 9);
	ck_assert_uint_eq(ST(&a, SLOW), 3);
	ck_assert_uint_eq(ST(&a, ALLOC), 2);
	asid_alloc_destroy(&a);
}
END_TEST

/* ---------------------------------------------------------------- VMIDs */

/*
 * 8-bit VMIDs, 2 CPUs.  V1..V255 on CPU 0 get 1..255; V256 rolls over
 * (CPU 0's g1|255 reserved, CPU 1 never ran: its reservation is 0, which
 * only marks number 0, never handed out anyway) and gets 1, with one
 * broadcast ALLE1IS at once.  Nobody owes a local flush: CPU 1's next
 * entry (V5: bit 5 is free, so V5 keeps 5) and CPU 0's next (V257: 2)
 * flush nothing.
 */
START_TEST(test_vmid8_rollover_broadcast)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_vmid(8, 2);
	struct asid_switch_result r;
	uint64_t id[258] = { 0 };

	make_alloc(&a, &c);
	for (unsigned k = 1; k <= 255; k++) {
		r = sw(&a, 0, &id[k]);
		expect(&r, k, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
	}
	r = sw(&a, 0, &id[256]);
	expect(&r, 1, ASID_HOW_NEW, true);
	expect_broadcast_flush(&r);
	ck_assert(!r.kick_all);
	ck_assert_uint_eq(ST(&a, BCAST_FLUSH), 1);

	r = sw(&a, 1, &id[5]);
	expect(&r, 5, ASID_HOW_REUSE_FREE, false);
	ck_assert(!r.flush);
	r = sw(&a, 0, &id[257]);
	expect(&r, 2, ASID_HOW_NEW, false);
	ck_assert(!r.flush);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 0);
	ck_assert_uint_eq(ST(&a, BCAST_FLUSH), 1);
	ck_assert_uint_eq(ST(&a, ROLLOVER), 1);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * Over many rollovers VMID 0 is never handed out, every rollover is one
 * broadcast flush, and no switch ever asks for a local flush.  New VMs on
 * alternating CPUs: 2000 of them.
 */
START_TEST(test_vmid8_zero_never_handed_out)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_vmid(8, 2);
	struct asid_switch_result r;

	make_alloc(&a, &c);
	for (unsigned k = 0; k < 2000; k++) {
		uint64_t vm = 0;

		r = sw(&a, k % 2, &vm);
		ck_assert_uint_ne(r.asid, 0);
		ck_assert_int_eq(r.flush, r.rollover);
		if (r.flush)
			expect_broadcast_flush(&r);
	}
	ck_assert_uint_gt(ST(&a, ROLLOVER), 0);
	ck_assert_uint_eq(ST(&a, BCAST_FLUSH), ST(&a, ROLLOVER));
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 0);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * vcpu_put.  CPU 0 enters V1 (1).  CPU 1 enters and leaves V2..V255
 * (2..255), then enters V256: a rollover.  CPU 1's active value is the
 * "invalid" one left by its put, so it reserves nothing.
 *  - With CPU 0's vCPU of V1 put too: nothing is reserved, V256 gets 1,
 *    and V1, entering again on CPU 0, gets a new VMID: from cur = 1, 2.
 *  - With V1 still running on CPU 0: g1|1 is reserved, V256 gets 2, and
 *    V1's next entry on CPU 0 keeps 1.
 */
START_TEST(test_vmid8_put)
{
	for (int put = 0; put <= 1; put++) {
		struct asid_alloc a;
		struct asid_alloc_cfg c = cfg_vmid(8, 2);
		struct asid_switch_result r;
		uint64_t id[257] = { 0 };

		make_alloc(&a, &c);
		r = sw(&a, 0, &id[1]);
		expect(&r, 1, ASID_HOW_NEW, false);
		if (put)
			ck_assert_int_eq(asid_put(&a, 0), 0);
		for (unsigned k = 2; k <= 255; k++) {
			r = sw(&a, 1, &id[k]);
			expect(&r, k, ASID_HOW_NEW, false);
			ck_assert_int_eq(asid_put(&a, 1), 0);
		}
		r = sw(&a, 1, &id[256]);
		expect(&r, put ? 1 : 2, ASID_HOW_NEW, true);
		expect_broadcast_flush(&r);

		r = sw(&a, 0, &id[1]);
		if (put)
			expect(&r, 2, ASID_HOW_NEW, false);
		else
			expect(&r, 1, ASID_HOW_REUSE_RESERVED, false);
		ck_assert(!r.flush);
		asid_alloc_destroy(&a);
	}
}
END_TEST

/*
 * A put does not cost the fast path: after V1 is put on CPU 0, V1 (or any
 * VM with a current id) enters again without the slow path, because the
 * "invalid" active value is non-zero.
 */
START_TEST(test_vmid_put_keeps_fast_path)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_vmid(16, 1);
	struct asid_switch_result r;
	uint64_t v1 = 0, v2 = 0;

	make_alloc(&a, &c);
	sw(&a, 0, &v1);
	sw(&a, 0, &v2);
	ck_assert_int_eq(asid_put(&a, 0), 0);
	r = sw(&a, 0, &v1);
	expect(&r, 1, ASID_HOW_FAST, false);
	ck_assert_int_eq(asid_put(&a, 0), 0);
	r = sw(&a, 0, &v2);
	expect(&r, 2, ASID_HOW_FAST, false);
	ck_assert_uint_eq(ST(&a, FAST), 2);
	asid_alloc_destroy(&a);
}
END_TEST

/*
 * The old VMID scheme, 8 bits.  V1..V255 get 1..255 from the counter,
 * which then wraps to 0.  V256 starts generation 2 (all vCPUs kicked, one
 * ALLE1IS) and gets 1.  Nothing is reserved, so every VM gets a new VMID:
 * V1 gets 2 (not its old 1), V2 gets 3, ..., V254 gets 255; V255 finds the
 * counter at 0 again: the second rollover comes 255 allocations after the
 * first, and V255 gets 1.  A VM of the current generation enters on the
 * fast path.
 */
START_TEST(test_vmid8_old_scheme)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_vmid(8, 2);
	struct asid_switch_result r;
	uint64_t id[257] = { 0 };
	unsigned k;

	c.old_vmid_scheme = true;
	make_alloc(&a, &c);
	for (k = 1; k <= 255; k++) {
		r = sw(&a, k % 2, &id[k]);
		expect(&r, k, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
	}
	r = sw(&a, 0, &id[256]);
	expect(&r, 1, ASID_HOW_NEW, true);
	expect_broadcast_flush(&r);
	ck_assert(r.kick_all);
	ck_assert_uint_eq(r.generation, 2);
	ck_assert_uint_eq(ST(&a, ALLOC), 256);

	for (k = 1; k <= 254; k++) {
		r = sw(&a, k % 2, &id[k]);
		expect(&r, k + 1, ASID_HOW_NEW, false);
		ck_assert(!r.flush);
	}
	r = sw(&a, 1, &id[256]);
	expect(&r, 1, ASID_HOW_FAST, false);
	r = sw(&a, 1, &id[255]);
	expect(&r, 1, ASID_HOW_NEW, true);
	expect_broadcast_flush(&r);
	ck_assert(r.kick_all);

	ck_assert_uint_eq(ST(&a, ROLLOVER), 2);
	ck_assert_uint_eq(ST(&a, BCAST_FLUSH), 2);
	ck_assert_uint_eq(ST(&a, ALLOC), 256 + 255);
	ck_assert_uint_eq(ST(&a, REUSE), 0);
	ck_assert_uint_eq(ST(&a, FAST), 1);
	ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 0);
	ck_assert_int_eq(asid_put(&a, 0), 0);
	asid_alloc_destroy(&a);
}
END_TEST

/* --------------------------------------------------------------- config */

static const struct {
	struct asid_alloc_cfg cfg;
	int rc;
} cfg_cases[] = {
	{ { .kind = ASID_KIND_ASID }, 0 },                       /* 16 bits, 1 CPU */
	{ { .kind = ASID_KIND_ASID, .bits = 12 }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .bits = 8, .gen_step_bits = 7 }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .bits = 16, .gen_step_bits = 8 }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .gen_step_bits = 33 }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .old_vmid_scheme = true }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_VMID, .kpti = true }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .bits = 8, .ncpus = 254 }, 0 },
	{ { .kind = ASID_KIND_ASID, .bits = 8, .ncpus = 255 }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_ASID, .bits = 8, .ncpus = 126, .kpti = true }, 0 },
	{ { .kind = ASID_KIND_ASID, .bits = 8, .ncpus = 127, .kpti = true }, SIM_E_CONFIG },
	{ { .kind = ASID_KIND_VMID, .bits = 8, .ncpus = 300, .old_vmid_scheme = true }, 0 },
	{ { .kind = ASID_KIND_VMID, .ncpus = ASID_MAX_CPUS + 1 }, SIM_E_CONFIG },
	{ { .kind = (enum asid_kind)7 }, SIM_E_CONFIG },
};

START_TEST(test_config)
{
	struct asid_alloc a;
	struct sim_error err;
	int rc;

	sim_error_clear(&err);
	rc = asid_alloc_init(&a, &cfg_cases[_i].cfg, &err);
	ck_assert_int_eq(rc, cfg_cases[_i].rc);
	if (rc == 0) {
		ck_assert_uint_eq(err.code, 0);
		asid_alloc_destroy(&a);
		asid_alloc_destroy(&a);         /* twice is harmless */
	} else {
		ck_assert_int_eq(err.code, rc);
		ck_assert_uint_gt(strlen(err.msg), 0);
	}
}
END_TEST

START_TEST(test_defaults)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = { .kind = ASID_KIND_ASID };

	make_alloc(&a, &c);
	ck_assert_uint_eq(a.cfg.bits, 16);
	ck_assert_uint_eq(a.cfg.ncpus, 1);
	ck_assert_uint_eq(a.cfg.gen_step_bits, ASID_GEN_STEP_BITS_DEFAULT);
	ck_assert_str_eq(asid_counter_names[ASID_C_ROLLOVER], "rollovers");
	ck_assert_str_eq(asid_counter_names[ASID_C__COUNT - 1],
			 "broadcast_flushes");
	asid_alloc_destroy(&a);
}
END_TEST

/* Bad arguments are refused and change nothing. */
START_TEST(test_bad_arguments)
{
	struct asid_alloc a;
	struct asid_alloc_cfg c = cfg_asid(8, 2);
	struct asid_switch_result r;
	uint64_t p = 0, bogus;

	c.kpti = true;
	make_alloc(&a, &c);
	ck_assert_int_eq(asid_switch(&a, 2, &p, &r), SIM_E_INVAL);
	ck_assert_uint_eq(p, 0);
	bogus = (UINT64_C(5) << 16) | 2;        /* a generation not yet reached */
	ck_assert_int_eq(asid_switch(&a, 0, &bogus, &r), SIM_E_INVAL);
	bogus = (UINT64_C(1) << 16) | 3;        /* odd under KPTI */
	ck_assert_int_eq(asid_switch(&a, 0, &bogus, &r), SIM_E_INVAL);
	bogus = UINT64_C(1) << 16;              /* number 0 */
	ck_assert_int_eq(asid_switch(&a, 0, &bogus, &r), SIM_E_INVAL);
	bogus = (UINT64_C(1) << 16) | 0x102;    /* bits between B and the step */
	ck_assert_int_eq(asid_switch(&a, 0, &bogus, &r), SIM_E_INVAL);
	ck_assert_int_eq(asid_put(&a, 0), SIM_E_INVAL);  /* ASIDs have no put */
	for (unsigned i = 0; i < ASID_C__COUNT; i++)
		ck_assert_uint_eq(a.st.c[i], 0);
	r = sw(&a, 0, &p);
	expect(&r, 2, ASID_HOW_NEW, false);
	asid_alloc_destroy(&a);

	c = cfg_vmid(8, 1);
	make_alloc(&a, &c);
	ck_assert_int_eq(asid_put(&a, 1), SIM_E_INVAL);
	asid_alloc_destroy(&a);
}
END_TEST

/* ----------------------------------------------------- random invariants */

#define RND_CPUS 4
#define RND_SPACES 300
#define RND_SWITCHES 100000

/*
 * A model of what the allocator's numbers are for: per CPU, which space
 * it runs under which number, and which space each number's TLB entries
 * on that CPU belong to.  A local flush empties one CPU's entries, a
 * broadcast flush every CPU's.
 */
struct rnd_model {
	int running[RND_CPUS];                  /* space, or -1 */
	unsigned asid[RND_CPUS];
	int tlb[RND_CPUS][256];                 /* space owning entries, or -1 */
	uint64_t flushed_gen[RND_CPUS];         /* generation of the last flush */
	bool owes[RND_CPUS];                    /* a local flush is due */
};

/* Violations found, by kind; all must stay 0 for a correct allocator. */
struct rnd_report {
	unsigned shared_number;         /* two CPUs, two spaces, one number */
	unsigned stale_tlb;             /* a number with another space's entries */
	unsigned unflushed_gen;         /* ran a generation without its flush */
	unsigned flush_mismatch;        /* a flush not exactly when owed */
	unsigned bad_number;            /* 0, odd under KPTI, beyond 8 bits */
	uint64_t switches;
};

static uint64_t rnd_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void tlb_use(struct rnd_model *m, struct rnd_report *rep, unsigned cpu,
		    unsigned n, int space)
{
	if (m->tlb[cpu][n] != -1 && m->tlb[cpu][n] != space)
		rep->stale_tlb++;
	m->tlb[cpu][n] = space;
}

/*
 * @ignore_flushes: the model drops every flush the allocator asks for, so
 * the stale-TLB check must fire: proof that it can.
 */
static void run_random(const struct asid_alloc_cfg *cfg, uint64_t seed,
		       bool ignore_flushes, struct asid_alloc *a,
		       struct rnd_report *rep)
{
	static struct rnd_model m;
	uint64_t ids[RND_SPACES] = { 0 };
	bool vmid = cfg->kind == ASID_KIND_VMID;

	memset(rep, 0, sizeof(*rep));
	memset(&m, 0, sizeof(m));
	memset(m.tlb, -1, sizeof(m.tlb));
	for (unsigned c = 0; c < RND_CPUS; c++) {
		m.running[c] = -1;
		m.flushed_gen[c] = 1;           /* clean TLBs at boot */
	}
	make_alloc(a, cfg);

	for (unsigned i = 0; i < RND_SWITCHES; i++) {
		uint64_t x = rnd_next(&seed);
		unsigned cpu = (unsigned)(x % RND_CPUS);
		int s = (int)((x >> 8) % RND_SPACES);
		struct asid_switch_result r;

		if (vmid && (x >> 32) % 8 == 0) {       /* vcpu_put */
			ck_assert_int_eq(asid_put(a, cpu), 0);
			m.running[cpu] = -1;
			continue;
		}
		ck_assert_int_eq(asid_switch(a, cpu, &ids[s], &r), 0);
		rep->switches++;

		if (r.rollover && !vmid)
			for (unsigned c = 0; c < RND_CPUS; c++)
				m.owes[c] = true;
		if (r.flush != (vmid ? r.rollover : m.owes[cpu]))
			rep->flush_mismatch++;
		m.owes[cpu] = false;
		if (r.flush && !ignore_flushes) {
			bool all = r.flush_flags & TLBI_F_IS;

			for (unsigned c = 0; c < RND_CPUS; c++) {
				if (!all && c != cpu)
					continue;
				memset(m.tlb[c], -1, sizeof(m.tlb[c]));
				m.flushed_gen[c] = r.generation;
			}
		}
		if (r.kick_all)
			for (unsigned c = 0; c < RND_CPUS; c++)
				if (c != cpu)
					m.running[c] = -1;

		if (r.asid == 0 || r.asid > 255 ||
		    (cfg->kpti && (r.asid & 1)) || r.user_asid > 255)
			rep->bad_number++;
		if (m.flushed_gen[cpu] < r.generation)
			rep->unflushed_gen++;
		for (unsigned c = 0; c < RND_CPUS; c++)
			if (c != cpu && m.running[c] >= 0 &&
			    m.running[c] != s && m.asid[c] == r.asid)
				rep->shared_number++;
		tlb_use(&m, rep, cpu, r.asid & 0xff, s);
		if (r.user_asid != r.asid)
			tlb_use(&m, rep, cpu, r.user_asid & 0xff, s);
		m.running[cpu] = s;
		m.asid[cpu] = r.asid;
	}
}

static const struct asid_alloc_cfg rnd_cfgs[] = {
	{ .kind = ASID_KIND_ASID, .bits = 8, .ncpus = RND_CPUS },
	{ .kind = ASID_KIND_ASID, .bits = 8, .ncpus = RND_CPUS, .kpti = true },
	{ .kind = ASID_KIND_ASID, .bits = 8, .ncpus = RND_CPUS, .gen_step_bits = 8 },
	{ .kind = ASID_KIND_VMID, .bits = 8, .ncpus = RND_CPUS },
	{ .kind = ASID_KIND_VMID, .bits = 8, .ncpus = RND_CPUS, .old_vmid_scheme = true },
};

START_TEST(test_random_invariants)
{
	struct asid_alloc a;
	struct rnd_report rep;
	const struct asid_alloc_cfg *cfg = &rnd_cfgs[_i];

	run_random(cfg, 0x5eed + (uint64_t)_i, false, &a, &rep);
	ck_assert_uint_eq(rep.shared_number, 0);
	ck_assert_uint_eq(rep.stale_tlb, 0);
	ck_assert_uint_eq(rep.unflushed_gen, 0);
	ck_assert_uint_eq(rep.flush_mismatch, 0);
	ck_assert_uint_eq(rep.bad_number, 0);

	/* The run exercised what it claims to. */
	ck_assert_uint_gt(ST(&a, ROLLOVER), 10);
	ck_assert_uint_gt(ST(&a, FAST), 1000);
	ck_assert_uint_eq(ST(&a, FAST) + ST(&a, SLOW), rep.switches);
	if (!cfg->old_vmid_scheme)
		ck_assert_uint_gt(ST(&a, REUSE), 1000);
	if (cfg->kind == ASID_KIND_ASID) {
		ck_assert_uint_le(ST(&a, LOCAL_FLUSH),
				  ST(&a, ROLLOVER) * RND_CPUS);
		ck_assert_uint_ge(ST(&a, LOCAL_FLUSH), ST(&a, ROLLOVER));
		ck_assert_uint_eq(ST(&a, BCAST_FLUSH), 0);
	} else {
		ck_assert_uint_eq(ST(&a, BCAST_FLUSH), ST(&a, ROLLOVER));
		ck_assert_uint_eq(ST(&a, LOCAL_FLUSH), 0);
	}
	asid_alloc_destroy(&a);
}
END_TEST

/* The checker has teeth: dropping the flushes leaves stale entries. */
START_TEST(test_random_checker_detects_missing_flush)
{
	struct asid_alloc a;
	struct rnd_report rep;

	run_random(&rnd_cfgs[_i], 0x5eed + (uint64_t)_i, true, &a, &rep);
	ck_assert_uint_gt(rep.stale_tlb, 0);
	ck_assert_uint_gt(rep.unflushed_gen, 0);
	asid_alloc_destroy(&a);
}
END_TEST

static Suite *asid_suite(void)
{
	Suite *s = suite_create("asid");
	TCase *tc;

	tc = tcase_create("asid");
	tcase_add_test(tc, test_asid8_no_rollover_for_255);
	tcase_add_test(tc, test_asid8_rollover_and_reuse);
	tcase_add_test(tc, test_asid8_two_cpus);
	tcase_add_loop_test(tc, test_asid8_shared_space_reserved_twice, 0, 2);
	tcase_add_test(tc, test_asid8_generation_step);
	tcase_add_test(tc, test_asid8_kpti);
	tcase_add_test(tc, test_asid16_no_rollover);
	tcase_add_test(tc, test_asid_fast_path_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("vmid");
	tcase_add_test(tc, test_vmid8_rollover_broadcast);
	tcase_add_test(tc, test_vmid8_zero_never_handed_out);
	tcase_add_test(tc, test_vmid8_put);
	tcase_add_test(tc, test_vmid_put_keeps_fast_path);
	tcase_add_test(tc, test_vmid8_old_scheme);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_loop_test(tc, test_config, 0, (int)ARRAY_SIZE(cfg_cases));
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_add_loop_test(tc, test_random_invariants, 0,
			    (int)ARRAY_SIZE(rnd_cfgs));
	tcase_add_loop_test(tc, test_random_checker_detects_missing_flush, 0,
			    (int)ARRAY_SIZE(rnd_cfgs));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(asid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
