/* mmu/geom.c - stage-2 legality and address-size encodings; see geom.h. */
#include "mmu/geom.h"

#include <stddef.h>

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
	unsigned max = geom_max_oa_bits(granule_shift);

	return pamax < max ? pamax : max;
}

enum geom_s2_why geom_s2_validate(unsigned granule_shift, unsigned ia_bits, int start_level,
				  unsigned pamax)
{
	int r;

	if (ia_bits < geom_s2_min_ia_bits())
		return GEOM_S2_IA_SMALL;
	if (ia_bits > geom_s2_max_ia_bits(granule_shift, pamax))
		return GEOM_S2_IA_LARGE;
	if (geom_s2_sl0(granule_shift, start_level) < 0)
		return GEOM_S2_NO_SL0;
	/* AArch64.S2InvalidSL: the deepest start levels need a large PAMax. */
	if (pamax < geom_s2_min_pamax(granule_shift, start_level))
		return GEOM_S2_PAMAX;
	/* AArch64.S2InconsistentSL: the start level resolves 1 to s + 4 bits. */
	r = geom_start_bits(granule_shift, ia_bits, start_level);
	if (r < 1)
		return GEOM_S2_NO_BITS;
	if (r > (int)(geom_stride(granule_shift) + GEOM_MAX_CONCAT_BITS))
		return GEOM_S2_CONCAT;
	return GEOM_S2_OK;
}

const char *geom_s2_check(unsigned granule_shift, unsigned ia_bits, int start_level,
			  unsigned pamax)
{
	switch (geom_s2_validate(granule_shift, ia_bits, start_level, pamax)) {
	case GEOM_S2_OK:
		return NULL;
	case GEOM_S2_IA_SMALL:
		return "IPA size below 25 bits (T0SZ above its maximum of 39)";
	case GEOM_S2_IA_LARGE:
		return "IPA size above the implemented PA size (T0SZ below 64 - PAMax)";
	case GEOM_S2_NO_SL0:
		return granule_shift == 12
			? "4K stage 2 can start at level 0, 1 or 2 (level 3 needs FEAT_TTST)"
			: "16K/64K stage 2 can start at level 1, 2 or 3";
	case GEOM_S2_PAMAX:
		switch (granule_shift) {
		case 12: return "a 4K level-0 start needs an implemented PA size of at least 44 bits";
		case 14: return "a 16K level-1 start needs an implemented PA size of at least 42 bits";
		default: return "a 64K level-1 start needs an implemented PA size of at least 44 bits";
		}
	case GEOM_S2_NO_BITS:
		return "the start level resolves no IPA bits (start deeper, or use a larger IPA)";
	case GEOM_S2_CONCAT:
		return "the start level would need more than 16 concatenated tables";
	}
	return "?";
}
