/*
 * tests/walk_fixture.h - shared helpers for the walker and translation
 * tests: a small sparse word memory that implements struct mmu_mem and
 * logs every access, and constructors for descriptors with named fields.
 *
 * The memory is a fixed array searched linearly: the tests write at most a
 * few hundred words, and a fixed array needs no teardown.  Every read and
 * write is counted and logged in order, so a test can check exactly which
 * descriptor words a walk touched.
 */
#ifndef MMUSIM_TESTS_WALK_FIXTURE_H
#define MMUSIM_TESTS_WALK_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/desc.h"
#include "mmu/walk.h"
#include "sim/bits.h"

#define WFX_WORDS 1024
#define WFX_LOG   128

struct wfx_access {
	uint64_t pa;
	bool write;
};

struct wfx_mem {
	uint64_t pa[WFX_WORDS];
	uint64_t val[WFX_WORDS];
	unsigned n;
	unsigned reads, writes;         /* accesses through the interfaces */
	struct wfx_access log[WFX_LOG]; /* the first WFX_LOG accesses, in order */
	unsigned nlog;
	uint64_t fail_pa;               /* reads of this address fail (SIM_E_IO) */
	bool fail;
};

void wfx_mem_init(struct wfx_mem *m);
/* Store a word directly (not counted, not logged); pa must be aligned. */
void wfx_set(struct wfx_mem *m, uint64_t pa, uint64_t val);
/* Read a word directly (not counted); unwritten words read as zero. */
uint64_t wfx_get(const struct wfx_mem *m, uint64_t pa);
/* Forget the access counters and log (the contents stay). */
void wfx_reset_counts(struct wfx_mem *m);

/* The memory as the translation code sees it. */
struct mmu_mem wfx_mmu_mem(struct wfx_mem *m);
/* Physical fetch/update functions for walk_stage() on this memory. */
struct walk_io wfx_walk_io(struct wfx_mem *m);

/*
 * Descriptors (Arm ARM D8.3).  Field names come from mmu/desc.h; the address
 * is placed in bits [47:g] unchanged, so callers pass aligned addresses.
 */
/* Table descriptor: bits[1:0] = 0b11, next-level table address. */
uint64_t wfx_table(uint64_t next);
/* Stage-1 table descriptor with APTable[1:0], UXNTable and PXNTable. */
uint64_t wfx_table_attrs(uint64_t next, unsigned aptable, bool uxntable, bool pxntable);

/* Leaf flags for the constructors below. */
#define WFX_NO_AF   0x1u        /* leave AF = 0 */
#define WFX_DBM     0x2u        /* set DBM (bit 51) */
#define WFX_DEVICE  0x4u        /* stage 2: MemAttr = 0b0000 (Device-nGnRnE) */
#define WFX_NG      0x8u        /* stage 1: nG */

/* Stage-1 page (level 3, 0b11) or block (0b01): AttrIndx 0, SH inner,
 * AP[2:1] = @ap, AF = 1 unless WFX_NO_AF. */
uint64_t wfx_s1_page(uint64_t oa, unsigned ap, unsigned flags);
uint64_t wfx_s1_block(uint64_t oa, unsigned ap, unsigned flags);
/* Stage-2 page or block: MemAttr 0b1111 (Normal write-back) unless
 * WFX_DEVICE, S2AP[1:0] = @s2ap, AF = 1 unless WFX_NO_AF. */
uint64_t wfx_s2_page(uint64_t oa, unsigned s2ap, unsigned flags);
uint64_t wfx_s2_block(uint64_t oa, unsigned s2ap, unsigned flags);

/* AP[2:1] and S2AP[1:0] values, named. */
#define AP_EL1_RW       0u      /* 00: EL1 RW, EL0 none */
#define AP_RW           1u      /* 01: EL1 RW, EL0 RW */
#define AP_EL1_RO       2u      /* 10: EL1 R, EL0 none */
#define AP_RO           3u      /* 11: EL1 R, EL0 R */
#define S2AP_NONE       0u
#define S2AP_RO         1u
#define S2AP_WO         2u
#define S2AP_RW         3u

/* Accesses. */
static inline struct mmu_access wfx_acc(enum mmu_acc_type type, unsigned el)
{
	struct mmu_access a = { .type = type, .el = (uint8_t)el };

	return a;
}

#define EL1R wfx_acc(MMU_ACC_READ, 1)
#define EL1W wfx_acc(MMU_ACC_WRITE, 1)
#define EL0R wfx_acc(MMU_ACC_READ, 0)
#define EL0W wfx_acc(MMU_ACC_WRITE, 0)

#endif /* MMUSIM_TESTS_WALK_FIXTURE_H */
