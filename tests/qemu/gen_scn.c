/*
 * tests/qemu/gen_scn.c - random walk scenarios for the QEMU comparison.
 *
 *   gen_scn -c a57|max [-x] [-s SEED] [-n COUNT] -o DIR
 *
 * Writes DIR/SEED.scn for SEED, SEED+1, ... (COUNT files).  Each scenario is
 * a function of its seed and CPU profile alone.  A scenario draws a
 * translation context (both stages, every granule the CPU implements,
 * legal and illegal TnSZ/SL0, concatenated stage-2 start tables, EPD,
 * hierarchical attributes, HA/HD where implemented) and then builds the
 * tables lazily along the walks of its requests, drawing each descriptor
 * as it is first needed: tables, blocks at every legal level, pages,
 * invalid and reserved encodings, access-flag-clear leaves, permissions,
 * output addresses beyond IPS/PS, stage-2 faults on the pages that hold
 * stage-1 tables.
 *
 * Invariant: every physical address either walk can fetch lies in the
 * prober's table window (0x50000000-0x5fffffff, RAM of QEMU's virt
 * machine), so QEMU never takes an external abort on a walk, and memory
 * not listed in the scenario reads as zero on both sides.  To keep it:
 * stage-1 tables live in an IPA "table region" that every stage-2 leaf
 * maps with one fixed offset (delta) onto the window, or that faults;
 * stage-2 blocks over the region must agree with that offset; stage-2
 * tables are allocated in the window.
 *
 * Configurations where QEMU 7.2 departs from the Arm ARM are not drawn
 * (see README.md, "Exclusions"); each such rule is marked QEMU-EXCL here.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CPU profiles: the ID_AA64MMFR0_EL1 each QEMU -cpu model reports ---- */

struct profile {
	const char *name;
	uint64_t mmfr0;
	unsigned pamax;
	bool gran_impl[3];      /* 4K, 16K, 64K (same at both stages) */
	bool hafdbs, hpd, fwb, cnp;
	bool ttst_lva;          /* QEMU implements TTST and LVA (mmusim does not) */
};

static const struct profile profiles[] = {
	/* Armv8.0: 44-bit PA, 16-bit ASID, 4K and 64K only. */
	{ "a57", 0x1124, 44, { true, false, true }, false, false, false, false, false },
	/* QEMU's "max": 52-bit PA (LPA), every granule, HAFDBS, HPDS, FWB,
	 * CnP; also TTST/LVA/LPA2, which the generator avoids. */
	{ "max", 0x32310201126ULL, 52, { true, true, true }, true, true, true, true, true },
};

/* ---- random numbers ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* true with probability pct/100 */
static bool chance(unsigned pct)
{
	return below(100) < pct;
}

static uint64_t mask(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* ---- physical memory of the scenario ---- */

#define MEM_SLOTS 65536

static struct mword {
	uint64_t pa, val;
	bool used;
} mem[MEM_SLOTS];
static uint64_t mem_order[MEM_SLOTS];
static unsigned mem_n;

static struct mword *mem_slot(uint64_t pa)
{
	uint64_t h = (pa >> 3) * 0x9e3779b97f4a7c15ULL;

	for (unsigned i = (unsigned)(h >> 48) % MEM_SLOTS;; i = (i + 1) % MEM_SLOTS)
		if (!mem[i].used || mem[i].pa == pa)
			return &mem[i];
}

static bool mem_known(uint64_t pa)
{
	return mem_slot(pa)->used;
}

static uint64_t mem_get(uint64_t pa)
{
	struct mword *w = mem_slot(pa);

	return w->used ? w->val : 0;
}

static void mem_set(uint64_t pa, uint64_t val)
{
	struct mword *w = mem_slot(pa);

	if (pa < 0x50000000ULL || pa >= 0x60000000ULL) {
		fprintf(stderr, "gen_scn: internal error: PA %#" PRIx64 " outside the window\n", pa);
		exit(2);
	}
	if (!w->used) {
		if (mem_n >= MEM_SLOTS / 2) {
			fprintf(stderr, "gen_scn: internal error: too many words\n");
			exit(2);
		}
		w->used = true;
		w->pa = pa;
		mem_order[mem_n++] = pa;
	}
	w->val = val;
}

/* ---- geometry ---- */

static unsigned gidx(unsigned g)
{
	return g == 12 ? 0 : g == 14 ? 1 : 2;
}

static unsigned lshift(unsigned g, int level)
{
	return g + (g - 3) * (unsigned)(3 - level);
}

static int s1_start(unsigned g, unsigned ia)
{
	return 4 - (int)((ia - 4) / (g - 3));
}

/* Block descriptors the architecture allows (DS = 0). */
static bool block_ok(unsigned g, int level, unsigned pamax)
{
	if (level == 2)
		return true;
	if (level == 1)
		return g == 12 || (g == 16 && pamax >= 52);
	return false;
}

static unsigned pa_bits_enc(unsigned enc)
{
	static const unsigned b[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

	return b[enc & 7];
}

static unsigned eff_oa(unsigned enc, unsigned pamax, unsigned g)
{
	unsigned oa = pa_bits_enc(enc);

	if (oa > pamax)
		oa = pamax;
	if (oa > 48 && g != 16)
		oa = 48;
	return oa;
}

/* Output-address bits of a descriptor; 64K with a 52-bit OA keeps
 * OA[51:48] in bits [15:12]. */
static uint64_t desc_oa(uint64_t oa, bool lpa64k)
{
	uint64_t d = oa & (mask(48) & ~mask(12));

	if (lpa64k)
		d = (oa & (mask(48) & ~mask(16))) | (((oa >> 48) & 0xf) << 12);
	return d;
}

/* ---- the context ---- */

static const struct profile *P;
static bool xflag;      /* -x: also draw the QEMU-EXCL constructs */

static struct {
	bool s1_on, s2_on;
	/* stage 1, per half */
	struct {
		bool cfg_ok;    /* TnSZ legal and EPD clear */
		unsigned g, ia;
		int start;
		uint64_t ttbr;  /* start table IPA, as written */
		bool ttbr_bad;  /* beyond the OA size: Address size fault */
	} h[2];
	unsigned oa1;           /* effective stage-1 OA size */
	bool ha1, hd1;
	/* stage 2 */
	bool s2_ok;
	unsigned g2, ia2, oa2, ps_enc;
	int start2;
	uint64_t vttbr;
	bool vttbr_bad, ha2, hd2, ptw;
	/* table region: IPA [tab_ipa, tab_ipa + tab_size) -> PA + delta */
	uint64_t tab_ipa, tab_size;
	int64_t delta;
	uint64_t s1_next;       /* next free IPA in the table region */
	uint64_t s2_next;       /* next free PA for stage-2 tables */
} C;

#define S1_PA_BASE 0x50000000ULL
#define S2_PA_BASE 0x58000000ULL
#define S2_PA_END 0x60000000ULL

static uint64_t alloc_s1_table(unsigned g)
{
	uint64_t a = (C.s1_next + mask(g)) & ~mask(g);

	if (a + (1ULL << g) > C.tab_ipa + C.tab_size)
		return 0;
	C.s1_next = a + (1ULL << g);
	return a;
}

static uint64_t alloc_s2_table(uint64_t bytes)
{
	uint64_t align = bytes < 4096 ? 4096 : bytes;
	uint64_t a = (C.s2_next + align - 1) & ~(align - 1);

	if (a + bytes > S2_PA_END)
		return 0;
	C.s2_next = a + bytes;
	return a;
}

static bool in_region(uint64_t ipa)
{
	return ipa >= C.tab_ipa && ipa - C.tab_ipa < C.tab_size;
}

static bool overlaps_region(uint64_t base, uint64_t size)
{
	return base < C.tab_ipa + C.tab_size && C.tab_ipa < base + size;
}

/* ---- stage 2 ---- */

/* A stage-2 leaf attribute word (no address): MemAttr, S2AP, SH, AF, XN. */
static uint64_t s2_leaf_attrs(bool for_table)
{
	uint64_t d = 0;
	unsigned ap;

	/* MemAttr: Normal WB mostly; Device (0b00xx) sometimes, which with
	 * HCR_EL2.PTW makes a stage-1 table fetch a Permission fault. */
	d |= (uint64_t)(chance(85) ? 0xf : below(16)) << 2;
	ap = chance(for_table ? 85 : 65) ? 3 : (unsigned)below(4);
	d |= (uint64_t)ap << 6;
	d |= (uint64_t)(chance(70) ? 3 : below(4)) << 8;
	if (chance(for_table ? 92 : 88))
		d |= 1ULL << 10;                        /* AF */
	if (chance(30))
		d |= 1ULL << 54;                        /* XN */
	if (C.hd2 && chance(40))
		d |= 1ULL << 51;                        /* DBM */
	if (chance(10))
		d |= below(16) << 55;                   /* software bits */
	return d;
}

/*
 * Make sure the stage-2 walk of @ipa has its descriptors drawn.  Leaves
 * over the table region map it with the region's delta (or fault);
 * elsewhere they map anywhere.
 */
static void s2_build(uint64_t ipa)
{
	unsigned g = C.g2, s = g - 3;
	int level = C.start2;
	uint64_t table = C.vttbr & mask(48);

	if (!C.s2_on || !C.s2_ok || C.vttbr_bad || (ipa >> C.ia2))
		return;
	for (;;) {
		unsigned sh = lshift(g, level);
		unsigned nbits = level == C.start2 ? C.ia2 - sh : s;
		uint64_t daddr = table + 8 * ((ipa >> sh) & mask(nbits));
		uint64_t d, size = 1ULL << sh, base = ipa & ~mask(sh);
		bool region = overlaps_region(base, size);

		if (mem_known(daddr)) {
			d = mem_get(daddr);
			if ((d & 3) == 3 && level < 3) {
				uint64_t next = d & mask(48) & ~mask(g);

				if (next < S2_PA_BASE || next >= S2_PA_END)
					return;         /* a deliberately bad pointer */
				table = next;
				level++;
				continue;
			}
			return;
		}
		/* Draw this descriptor. */
		if (chance(4)) {
			mem_set(daddr, 0);                      /* invalid */
			return;
		}
		if (level < 3 && chance(2)) {
			/* Invalid with other bits set: still invalid. */
			mem_set(daddr, (rnd() & ~3ULL) | (chance(50) ? 0 : 2));
			return;
		}
		if (level < 3) {
			bool can_block = block_ok(g, level, P->pamax) ||
					 (xflag && chance(10));  /* QEMU-EXCL(block-level) */
			int64_t oa_base = (int64_t)base + C.delta;

			/* A block over the table region must keep its offset. */
			if (region && (oa_base < 0 || ((uint64_t)C.delta & mask(sh))))
				can_block = false;
			if (!can_block || !chance(level == 1 ? 25 : 30)) {
				uint64_t next;

				if (chance(2) && C.oa2 < 48) {
					/* Next-level table beyond PS: Address size fault. */
					mem_set(daddr, (1ULL << (C.oa2 + below(48 - C.oa2))) | 3);
					return;
				}
				next = alloc_s2_table(1ULL << g);
				if (!next) {
					mem_set(daddr, 0);
					return;
				}
				mem_set(daddr, next | 3 | (chance(10) ? below(256) << 51 : 0));
				table = next;
				level++;
				continue;
			}
		}
		/* A leaf: block (level < 3) or page. */
		{
			bool lpa = C.oa2 == 52;
			uint64_t oa, attrs = s2_leaf_attrs(region);

			if (region) {
				oa = (uint64_t)((int64_t)base + C.delta);
			} else {
				unsigned bits = C.oa2 < 48 || lpa ? C.oa2 : 48;

				oa = rnd() & mask(bits) & ~mask(sh);
				/* Mostly low addresses, which read naturally. */
				if (chance(50))
					oa &= mask(bits < 40 ? bits : 40);
			}
			if (chance(4) && C.oa2 < 48)
				oa |= 1ULL << (C.oa2 + below(48 - C.oa2));   /* beyond PS */
			if (level == 3 && chance(2))
				mem_set(daddr, desc_oa(oa, lpa) | attrs | 1);  /* reserved 0b01 */
			else
				mem_set(daddr, desc_oa(oa, lpa) | attrs | (level == 3 ? 3 : 1));
			return;
		}
	}
}

/* ---- stage 1 ---- */

static uint64_t s1_leaf_attrs(void)
{
	uint64_t d = 0;

	d |= below(8) << 2;                             /* AttrIndx */
	d |= below(4) << 6;                             /* AP[2:1] */
	d |= (uint64_t)(chance(70) ? 3 : below(4)) << 8;
	if (chance(90))
		d |= 1ULL << 10;                        /* AF */
	if (chance(50))
		d |= 1ULL << 11;                        /* nG */
	if (chance(30))
		d |= 1ULL << 53;                        /* PXN */
	if (chance(30))
		d |= 1ULL << 54;                        /* UXN */
	if (C.hd1 && chance(40))
		d |= 1ULL << 51;                        /* DBM */
	if (chance(10))
		d |= below(16) << 55;                   /* software bits */
	return d;
}

/* The IPA a stage-1 leaf outputs, aligned to @sh. */
static uint64_t s1_leaf_oa(unsigned sh)
{
	unsigned bits = C.oa1;
	uint64_t oa;

	if (C.s2_on && C.s2_ok && chance(85)) {
		if (chance(15))
			oa = C.tab_ipa + below(C.tab_size);     /* onto the tables */
		else
			oa = rnd() & mask(C.ia2 < bits ? C.ia2 : bits);
	} else {
		oa = rnd() & mask(bits);
		if (chance(50))
			oa &= mask(bits < 36 ? bits : 36);
	}
	oa &= ~mask(sh);
	if (chance(4) && C.oa1 < 48)
		oa |= 1ULL << (C.oa1 + below(48 - C.oa1));           /* beyond IPS */
	return oa;
}

/*
 * Fetch-side view of a stage-1 descriptor at @ipa: make sure stage 2 has
 * drawn its translation; return false when the walk cannot read it here
 * (stage-2 fault or not in the table region).
 */
static bool s1_desc_pa(uint64_t ipa, uint64_t *pa)
{
	if (!in_region(ipa))
		return false;
	if (C.s2_on)
		s2_build(ipa);
	*pa = (uint64_t)((int64_t)ipa + C.delta);
	return true;
}

static void s1_build(uint64_t va)
{
	unsigned half = (va >> 55) & 1;
	unsigned g = C.h[half].g, s = g - 3, ia = C.h[half].ia;
	int level = C.h[half].start;
	uint64_t table = C.h[half].ttbr & mask(48) & ~1ULL, top;

	if (!C.s1_on || !C.h[half].cfg_ok || C.h[half].ttbr_bad)
		return;
	top = half ? (va >> ia) ^ mask(64 - ia) : va >> ia;
	if (top)
		return;                                 /* outside the range */
	for (;;) {
		unsigned sh = lshift(g, level);
		unsigned nbits = level == C.h[half].start ? ia - sh : s;
		uint64_t dipa = table + 8 * ((va >> sh) & mask(nbits)), pa, d;

		if (!s1_desc_pa(dipa, &pa))
			break;
		if (mem_known(pa)) {
			d = mem_get(pa);
			if ((d & 3) == 3 && level < 3) {
				table = d & mask(48) & ~mask(g);
				level++;
				continue;
			}
			break;
		}
		if (chance(5)) {
			/* Invalid, possibly with other bits set. */
			mem_set(pa, chance(70) ? 0 : rnd() & ~1ULL);
			break;
		}
		if (level < 3) {
			bool blk = block_ok(g, level, P->pamax) && chance(level == 1 ? 25 : 30);

			/* QEMU-EXCL(block-level): a block where the granule
			 * allows none; QEMU 7.2 accepts some. */
			if (xflag && !block_ok(g, level, P->pamax) && chance(10))
				blk = true;

			if (!blk) {
				uint64_t next, d2;

				if (chance(3) && C.oa1 < 48) {
					/* Next-level table beyond IPS: Address size fault. */
					mem_set(pa, (1ULL << (C.oa1 + below(48 - C.oa1))) | 3);
					break;
				}
				if (chance(4)) {
					/* An unused page of the region: its entries read 0. */
					next = (C.tab_ipa + below(C.tab_size)) & ~mask(g);
				} else {
					next = alloc_s1_table(g);
					if (!next) {
						mem_set(pa, 0);
						break;
					}
				}
				d2 = next | 3;
				if (chance(20))
					d2 |= below(16) << 59;  /* PXNTable, UXNTable, APTable */
				if (chance(10))
					d2 |= below(256) << 51; /* ignored */
				mem_set(pa, d2);
				table = next;
				level++;
				continue;
			}
		}
		/* Leaf. */
		{
			uint64_t oa = s1_leaf_oa(sh);
			bool lpa = C.oa1 == 52;

			if (level == 3 && chance(3))
				d = 1;                          /* reserved at level 3 */
			else
				d = level == 3 ? 3 : 1;
			mem_set(pa, desc_oa(oa, lpa) | s1_leaf_attrs() | d);
			if (C.s2_on && (oa & ~mask(C.oa1)) == 0)
				s2_build(oa | (va & mask(sh)));
		}
		break;
	}
}

/* ---- context drawing ---- */

static unsigned pick_gran(void)
{
	static const unsigned gs[3] = { 12, 14, 16 };
	unsigned g;

	do
		g = gs[below(3)];
	while (!P->gran_impl[gidx(g)]);
	return g;
}

static unsigned tg0_enc(unsigned g)
{
	return g == 12 ? 0 : g == 16 ? 1 : 2;
}

static unsigned tg1_enc(unsigned g)
{
	return g == 12 ? 2 : g == 14 ? 1 : 3;
}

/* Smallest implemented granule: what both QEMU and mmusim use for a
 * reserved or unimplemented TGn encoding. */
static unsigned fallback_gran(void)
{
	return P->gran_impl[0] ? 12 : P->gran_impl[1] ? 14 : 16;
}

static uint64_t tcr_half(unsigned half)
{
	unsigned g, tsz, enc;
	uint64_t t = 0;
	bool epd;

	g = pick_gran();
	enc = half ? tg1_enc(g) : tg0_enc(g);
	if (chance(3)) {
		/* Reserved encoding (or an unimplemented granule). */
		unsigned bad = half ? 0 : 3;

		if (!P->gran_impl[1] && chance(50))
			bad = half ? 1 : 2;
		enc = bad;
		g = fallback_gran();
	}
	if (chance(90)) {
		tsz = 16 + (unsigned)below(24);
	} else {
		/* Out of range.  The max CPU implements TTST (TnSZ up to 48,
		 * 47 for 64K) and LVA (64K down to 12), which mmusim does
		 * not: draw only values illegal for it too. */
		do
			tsz = (unsigned)below(64);
		while ((tsz >= 16 && tsz <= 39) ||
		       (P->ttst_lva && tsz >= 40 && tsz <= (g == 16 ? 47u : 48u)) ||
		       (P->ttst_lva && g == 16 && tsz >= 12 && tsz < 16));
	}
	epd = chance(half ? 25 : 5);
	C.h[half].g = g;
	C.h[half].ia = 64 - (tsz < 16 ? 16 : tsz > 39 ? 39 : tsz);
	C.h[half].start = s1_start(g, C.h[half].ia);
	C.h[half].cfg_ok = tsz >= 16 && tsz <= 39 && !epd;
	if (half)
		t = (uint64_t)tsz << 16 | (epd ? 1ULL << 23 : 0) | (uint64_t)enc << 30;
	else
		t = tsz | (epd ? 1ULL << 7 : 0) | (uint64_t)enc << 14;
	return t;
}

static bool s2_legal(unsigned g, unsigned ia, int start)
{
	unsigned s = g - 3, pam = P->pamax > 48 && g != 16 ? 48 : P->pamax;
	int r = (int)ia - (int)((unsigned)(3 - start) * s + g);

	if (r < 1 || r > (int)s + 4)
		return false;
	if (ia > pam || ia < 25)
		return false;
	if (g == 12 && start == 0 && P->pamax < 44)
		return false;
	if (g == 14 && start == 1 && P->pamax < 42)
		return false;
	if (g == 16 && start == 1 && P->pamax < 44)
		return false;
	if (start == 3 && g == 12)
		return false;                   /* needs TTST */
	if (start == 0 && g != 12)
		return false;
	return true;
}

static unsigned sl0_enc(unsigned g, int start)
{
	return g == 12 ? (unsigned)(2 - start) : (unsigned)(3 - start);
}

/* PAMax gate of a start level (S2InvalidSL), 0 if none. */
static unsigned sl_gate(unsigned g, int start)
{
	if (g == 12 && start == 0)
		return 44;
	if (g == 14 && start == 1)
		return 42;
	if (g == 16 && start == 1)
		return 44;
	return 0;
}

/*
 * Is (g, T0SZ, SL0, PS) one where QEMU 7.2 and the Arm ARM disagree?
 * QEMU-EXCL(s2-ipa-ps): QEMU faults every stage-2 walk when the IPA size
 * exceeds the output size VTCR_EL2.PS (bounded by PAMax); the architecture
 * bounds T0SZ by PAMax only.  QEMU-EXCL(s2-sl-ps): QEMU checks a start
 * level's PAMax gate against PS.
 */
static bool s2_qemu_excluded(unsigned g, unsigned tsz, unsigned sl0, unsigned ps)
{
	int start = g == 12 ? (sl0 == 3 ? 3 : 2 - (int)sl0) : 3 - (int)sl0;
	bool legal = sl0 != 3 && tsz <= 63 && s2_legal(g, 64 - tsz, start);

	if (legal && sl_gate(g, start) && pa_bits_enc(ps) < sl_gate(g, start))
		return true;
	if (legal && 64 - tsz > eff_oa(ps, P->pamax, g))
		return true;
	return false;
}

static uint64_t draw_vtcr(void)
{
	unsigned g, sl0, tsz, ps;
	uint64_t v;

	for (;;) {
		g = pick_gran();
		ps = (unsigned)below(P->pamax >= 52 ? 7 : 6);
		if (chance(88)) {
			/* Legal: an IPA size and a start level that fit. */
			unsigned pam = P->pamax > 48 && g != 16 ? 48 : P->pamax;
			unsigned ia = 25 + (unsigned)below(pam - 25 + 1);
			int start = (int)below(4);

			if (!s2_legal(g, ia, start))
				continue;
			tsz = 64 - ia;
			sl0 = sl0_enc(g, start);
		} else {
			/* Anything, mostly illegal.  mmusim has no TTST, the max
			 * CPU has: there 4K SL0=3 and T0SZ 40..48 are legal. */
			sl0 = (unsigned)below(4);
			tsz = (unsigned)below(64);
			if (P->ttst_lva && ((g == 12 && sl0 == 3) || (tsz > 39 && tsz <= 48)))
				continue;
		}
		if (!xflag && s2_qemu_excluded(g, tsz, sl0, ps))
			continue;
		break;
	}
	C.g2 = g;
	C.ps_enc = ps;
	C.oa2 = eff_oa(ps, P->pamax, g);
	{
		int start = g == 12 ? (sl0 == 3 ? 3 : 2 - (int)sl0) : 3 - (int)sl0;

		C.s2_ok = sl0 != 3 && s2_legal(g, 64 - tsz, start);
		C.ia2 = 64 - tsz;
		C.start2 = start;
	}
	v = tsz | (uint64_t)sl0 << 6 | (uint64_t)tg0_enc(g) << 14 | (uint64_t)ps << 16;
	v |= below(64) << 8;                            /* IRGN0, ORGN0, SH0 */
	v |= 1ULL << 31;                                /* RES1 */
	if (chance(50))
		v |= 1ULL << 19;                        /* VS */
	if (P->hafdbs && chance(30)) {
		C.ha2 = true;
		v |= 1ULL << 21;
		if (chance(50)) {
			C.hd2 = true;
			v |= 1ULL << 22;
		}
	}
	return v;
}

static void emit(FILE *f, uint64_t seed, uint64_t regs[8], const char *const names[8],
		 uint64_t (*req)[2], unsigned nreq)
{
	static const char *const ops[8] = {
		"s1e1r", "s1e1w", "s1e0r", "s1e0w", "s12e1r", "s12e1w", "s12e0r", "s12e0w",
	};

	fprintf(f, "# gen_scn -c %s -s %" PRIu64 "\n", P->name, seed);
	fprintf(f, "# stage 1 %s", C.s1_on ? "on" : "off");
	for (unsigned h = 0; h < 2; h++)
		fprintf(f, "; TTBR%u %uK %u-bit start L%d%s", h, 1u << (C.h[h].g - 10),
			C.h[h].ia, C.h[h].start, C.h[h].cfg_ok ? "" : " (faults)");
	fprintf(f, "; OA %u\n", C.oa1);
	if (C.s2_on && C.s2_ok)
		fprintf(f, "# stage 2 on; %uK %u-bit IPA start L%d; OA %u; tables at IPA %#" PRIx64
			" = PA %#" PRIx64 "\n", 1u << (C.g2 - 10), C.ia2, C.start2, C.oa2,
			C.tab_ipa, C.tab_ipa + (uint64_t)C.delta);
	else
		fprintf(f, "# stage 2 %s\n", C.s2_on ? "on, illegal configuration" : "off");
	fprintf(f, "reg ID_AA64MMFR0_EL1 %#" PRIx64 "\n", P->mmfr0);
	for (unsigned i = 0; i < 8; i++)
		fprintf(f, "reg %s %#" PRIx64 "\n", names[i], regs[i]);
	for (unsigned i = 0; i < mem_n; i++) {
		uint64_t v = mem_get(mem_order[i]);

		if (v)
			fprintf(f, "mem %#" PRIx64 " %#" PRIx64 "\n", mem_order[i], v);
	}
	for (unsigned i = 0; i < nreq; i++)
		fprintf(f, "at %s %#" PRIx64 "\n", ops[req[i][0]], req[i][1]);
}

static uint64_t draw_va(uint64_t (*req)[2], unsigned n)
{
	unsigned half = chance(C.h[1].cfg_ok ? 35 : 10) ? 1 : 0;
	uint64_t va;

	if (!C.s1_on) {
		unsigned bits = C.s2_on && C.s2_ok && chance(80) ? C.ia2 : P->pamax;

		if (chance(8))
			bits = 48 + (unsigned)below(16);
		va = rnd() & mask(bits);
		if (n && chance(40))
			va = (req[below(n)][1] & ~mask(12 + (unsigned)below(20))) | (va & mask(12));
		return va;
	}
	if (n && chance(55)) {
		/* Near an earlier request: shares its upper tables. */
		uint64_t old = req[below(n)][1];
		unsigned keep = 12 + (unsigned)below(30);

		if (chance(20))
			return old;
		return (old & ~mask(keep)) | (rnd() & mask(keep));
	}
	va = rnd() & mask(C.h[half].ia);
	if (chance(40))
		va &= mask(C.h[half].ia < 32 ? C.h[half].ia : 32);
	if (half)
		va |= ~mask(C.h[half].ia);
	if (chance(6))
		va ^= 1ULL << (C.h[half].ia + below(64 - C.h[half].ia));     /* out of range */
	return va;
}

static void gen_one(uint64_t seed, FILE *f)
{
	static const char *const names[8] = {
		"SCTLR_EL1", "TCR_EL1", "TTBR0_EL1", "TTBR1_EL1", "MAIR_EL1",
		"HCR_EL2", "VTCR_EL2", "VTTBR_EL2",
	};
	uint64_t regs[8] = { 0 }, tcr, req[32][2];
	unsigned nreq, ips;

	memset(&C, 0, sizeof(C));
	memset(mem, 0, sizeof(mem));
	mem_n = 0;
	rng_state = seed * 0x2545f4914f6cdd1dULL + (P->pamax << 8);
	rnd();

	C.s1_on = chance(90);
	C.s2_on = chance(70);

	/* Stage 1. */
	tcr = tcr_half(0) | tcr_half(1);
	ips = (unsigned)below(P->pamax >= 52 ? 7 : 6);
	tcr |= (uint64_t)ips << 32;
	tcr |= below(64) << 8 | below(64) << 24;       /* cacheability, shareability */
	if (chance(50))
		tcr |= 1ULL << 22;                      /* A1 */
	if (chance(50))
		tcr |= 1ULL << 36;                      /* AS */
	if (P->hafdbs && chance(30)) {
		C.ha1 = true;
		tcr |= 1ULL << 39;
		if (chance(50)) {
			C.hd1 = true;
			tcr |= 1ULL << 40;
		}
	} else if (P->hafdbs && chance(5)) {
		tcr |= 1ULL << 40;                      /* HD without HA: no effect */
	}
	if (P->hpd && chance(20))
		tcr |= 1ULL << 41;
	if (P->hpd && chance(20))
		tcr |= 1ULL << 42;
	/* Both halves use the OA size of their own granule; keep one value
	 * (64K at 52 bits only when both halves are 64K). */
	C.oa1 = eff_oa(ips, P->pamax, C.h[0].g);
	if (eff_oa(ips, P->pamax, C.h[1].g) < C.oa1)
		C.oa1 = eff_oa(ips, P->pamax, C.h[1].g);
	if (C.oa1 == 52 && (C.h[0].g != 16 || C.h[1].g != 16)) {
		/* Mixed granules at IPS=52: use 48 for both by lowering IPS. */
		tcr &= ~(7ULL << 32);
		tcr |= 5ULL << 32;
		C.oa1 = 48;
	}

	/* Stage 2. */
	regs[6] = draw_vtcr();
	regs[5] = C.s2_on ? 1 : 0;
	/* QEMU-EXCL(ptw-vm0): with stage 2 off QEMU 7.2 still applies
	 * HCR_EL2.PTW to the stage-1 walks of AT S1E*, as if the table
	 * were Device memory. */
	if ((C.s2_on || xflag) && chance(30)) {
		regs[5] |= 1ULL << 2;                   /* PTW */
		C.ptw = true;
	}
	if (P->fwb && chance(20))
		regs[5] |= 1ULL << 46;                  /* FWB */
	C.s2_next = S2_PA_BASE;

	/* Table region. */
	C.tab_size = 64ULL << 20;
	if (!C.s2_on || !C.s2_ok) {
		C.tab_ipa = S1_PA_BASE;
		C.delta = 0;
	} else {
		if (C.tab_size > (1ULL << C.ia2) / 2)
			C.tab_size = (1ULL << C.ia2) / 2;
		if ((S1_PA_BASE + C.tab_size) <= (1ULL << C.ia2) && chance(35))
			C.tab_ipa = S1_PA_BASE;
		else
			C.tab_ipa = below(((1ULL << C.ia2) - C.tab_size) >> 21) << 21;
		C.delta = (int64_t)S1_PA_BASE - (int64_t)C.tab_ipa;
	}
	C.s1_next = C.tab_ipa;

	/* Start tables. */
	for (unsigned h = 0; h < 2; h++) {
		unsigned g = C.h[h].g;
		uint64_t t = alloc_s1_table(g);

		if (chance(3) && C.oa1 < 48) {
			t |= 1ULL << (C.oa1 + below(48 - C.oa1));
			C.h[h].ttbr_bad = true;
		}
		C.h[h].ttbr = t;
		regs[2 + h] = t | (rnd() & 0xffff000000000000ULL);
		if (P->cnp && chance(10))
			regs[2 + h] |= 1;
	}
	if (C.s2_on || chance(50)) {
		unsigned g = C.g2;
		uint64_t bytes = 1ULL << g;

		if (C.s2_ok)
			bytes = 8ULL << (C.ia2 - lshift(g, C.start2));
		C.vttbr = alloc_s2_table(bytes);
		if (chance(3) && C.oa2 < 48) {
			C.vttbr |= 1ULL << (C.oa2 + below(48 - C.oa2));
			C.vttbr_bad = true;
		}
		regs[7] = C.vttbr | (rnd() & 0xffff000000000000ULL);
		if (P->cnp && chance(10))
			regs[7] |= 1;
	}
	regs[0] = C.s1_on ? 1 : 0;
	regs[1] = tcr;
	regs[4] = 0x44ff04ff00ULL | (rnd() & 0xff);

	nreq = 6 + (unsigned)below(20);
	for (unsigned i = 0; i < nreq; i++) {
		uint64_t va = draw_va(req, i);

		req[i][0] = below(8);
		req[i][1] = va;
		if (C.s1_on) {
			s1_build(va);
		} else if (C.s2_on) {
			s2_build(va);
		}
	}
	emit(f, seed, regs, names, req, nreq);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, count = 1;
	const char *dir = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-x")) {
			xflag = true;
			continue;
		}
		if (i + 1 >= argc || a[0] != '-' || !a[1] || a[2])
			goto usage;
		switch (a[1]) {
		case 'c':
			for (size_t k = 0; k < sizeof(profiles) / sizeof(profiles[0]); k++)
				if (!strcmp(argv[i + 1], profiles[k].name))
					P = &profiles[k];
			break;
		case 's':
			seed = strtoull(argv[i + 1], NULL, 0);
			break;
		case 'n':
			count = strtoull(argv[i + 1], NULL, 0);
			break;
		case 'o':
			dir = argv[i + 1];
			break;
		default:
			goto usage;
		}
		i++;
	}
	if (!P || !dir)
		goto usage;
	for (uint64_t k = 0; k < count; k++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%" PRIu64 ".scn", dir, seed + k);
		f = fopen(path, "w");
		if (!f) {
			perror(path);
			return 2;
		}
		gen_one(seed + k, f);
		if (fclose(f)) {
			perror(path);
			return 2;
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: gen_scn -c a57|max [-x] [-s SEED] [-n COUNT] -o DIR\n");
	return 2;
}
