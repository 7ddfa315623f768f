/*
 * sim/bits.h - bit-field helpers shared by every module (a leaf header).
 *
 * Architecture fields are named once (see mmu/desc.h) as masks built with
 * GENMASK(); FIELD_GET()/FIELD_PREP() move values in and out of them, so no
 * module writes "(x >> 10) & 1" by hand.
 */
#ifndef MMUSIM_SIM_BITS_H
#define MMUSIM_SIM_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define BIT(n)          (UINT64_C(1) << (n))
/* Bits h..l inclusive, 63 >= h >= l >= 0. */
#define GENMASK(h, l)   ((~UINT64_C(0) >> (63 - (h))) & (~UINT64_C(0) << (l)))
#define FIELD_GET(mask, v)  (((uint64_t)(v) & (mask)) >> __builtin_ctzll(mask))
#define FIELD_PREP(mask, v) (((uint64_t)(v) << __builtin_ctzll(mask)) & (mask))

/* Extract bits [lsb + len - 1 : lsb] of v (len may be 0 or 64). */
static inline uint64_t bits_extract(uint64_t v, unsigned lsb, unsigned len)
{
	if (len == 0 || lsb >= 64)
		return 0;
	v >>= lsb;
	return len >= 64 ? v : v & ((UINT64_C(1) << len) - 1);
}

/* A mask of the low n bits, n in 0..64. */
static inline uint64_t bits_low_mask(unsigned n)
{
	return n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
}

static inline bool bits_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* floor(log2(x)); x must be non-zero. */
static inline unsigned bits_log2(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* A 64-bit finaliser (SplitMix64's): every input bit affects every output
 * bit; seeded, reproducible choices hash their inputs through it. */
static inline uint64_t bits_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* MMUSIM_SIM_BITS_H */
