/* mmu/geom.c - stage-2 legality and address-size encodings; see geom.h. */
#include "mmu/geom.h"

static const unsigned pa_bits_table[] = { 32, 36, 40, 42, 44, 48, 52 };

unsigned geom_pa_bits_from_enc(unsigned enc)
{
	if (enc >= sizeof(pa_bits_table) / sizeof(pa_bits_table[0]))
		enc = sizeof(pa_bits_table) / sizeof(pa_bits_table[0]) - 1;
	return pa_bits_table[enc];
}

int geom_pa_enc_from_bits(unsigned bits)
{
	for (unsigned i = 0; i < sizeof(pa_bits_table) / sizeof(pa_bits_table[0]); i++)
		if (pa_bits_table[i] == bits)
			return (int)i;
	return -1;
}

unsigned geom_s2_min_ia_bits(void)
{
	return 64 - 39;         /* maximum T0SZ without FEAT_TTST */
}

unsigned geom_s2_max_ia_bits(unsigned granule_shift, unsigned pamax)
{
	/* AArch64.S2MinTxSZ: 64 - PAMax, PAMax capped at 48 unless the 64K
	 * granule (FEAT_LPA) or DS (not modelled) allows 52. */
	if (granule_shift != 16 && pamax > 48)
		return 48;
	return pamax;
}

const char *geom_s2_check(unsigned granule_shift, unsigned ia_bits, int start_level,
			  unsigned pamax)
{
	unsigned s = geom_stride(granule_shift);
	int r;

	if (ia_bits < geom_s2_min_ia_bits())
		return "IPA size below 25 bits (T0SZ above its maximum of 39)";
	if (ia_bits > geom_s2_max_ia_bits(granule_shift, pamax))
		return "IPA size above the implemented PA size (T0SZ below 64 - PAMax)";
	if (geom_s2_sl0(granule_shift, start_level) < 0)
		return granule_shift == 12
			? "4K stage 2 can start at level 0, 1 or 2 (level 3 needs FEAT_TTST)"
			: "16K/64K stage 2 can start at level 1, 2 or 3";
	/* AArch64.S2InvalidSL: the deepest start levels need a large PAMax. */
	if (granule_shift == 12 && start_level == 0 && pamax < 44)
		return "a 4K level-0 start needs an implemented PA size of at least 44 bits";
	if (granule_shift == 14 && start_level == 1 && pamax < 42)
		return "a 16K level-1 start needs an implemented PA size of at least 42 bits";
	if (granule_shift == 16 && start_level == 1 && pamax < 44)
		return "a 64K level-1 start needs an implemented PA size of at least 44 bits";
	/* AArch64.S2InconsistentSL: the start level resolves 1 to s + 4 bits. */
	r = geom_start_bits(granule_shift, ia_bits, start_level);
	if (r < 1)
		return "the start level resolves no IPA bits (start deeper, or use a larger IPA)";
	if (r > (int)(s + GEOM_MAX_CONCAT_BITS))
		return "the start level would need more than 16 concatenated tables";
	return 0;
}
