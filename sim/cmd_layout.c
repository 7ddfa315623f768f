/*
 * sim/cmd_layout.c - `mmusim layout`: the table layout of one stage for a
 * granule and an address size, and the register values that select it.
 * This is the design-review view of "configure VTCR_EL2 per VM": how many
 * levels a walk takes, how many concatenated start tables that costs, and
 * which alternatives the architecture allows.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/geom.h"
#include "mmu/regime.h"
#include "sim/bits.h"
#include "sim/cmd.h"
#include "sim/parse.h"

struct layout_req {
	int stage;
	unsigned granule_shift;
	unsigned bits;                  /* VA (stage 1) or IPA (stage 2) size */
	unsigned pa_bits;               /* implemented PA size */
	int levels;                     /* 0 = default */
};

static void layout_usage(FILE *f)
{
	fputs("usage: mmusim layout --stage 1|2 --granule 4k|16k|64k --bits N\n"
	      "                     [--levels N] [--pa-bits N]\n"
	      "\n"
	      "Show the translation-table layout of one stage: the levels, the start\n"
	      "level, concatenated start tables (stage 2), the address bits each level\n"
	      "resolves, and the register values that select it (VTCR_EL2 T0SZ/SL0 for\n"
	      "stage 2, TCR_EL1 fields for stage 1).\n"
	      "\n"
	      "  --stage S     1 (VA, TCR_EL1) or 2 (IPA, VTCR_EL2); default 2\n"
	      "  --granule G   4k, 16k or 64k; default 4k\n"
	      "  --bits N      VA or IPA size in bits; default 40\n"
	      "  --levels N    show the layout with N levels instead of the default\n"
	      "                (stage 2: the fewest levels with at most 16 concatenated\n"
	      "                tables, as KVM chooses), or say why it is not possible;\n"
	      "                exit status 1 when it is not\n"
	      "  --pa-bits N   implemented PA size (PARange): 32, 36, 40, 42, 44, 48\n"
	      "                or 52; default 48\n"
	      "  -h, --help    show this help\n", f);
}

static const char *size_str(unsigned shift, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };

	snprintf(buf, len, "%" PRIu64 " %s", UINT64_C(1) << (shift % 10), unit[shift / 10]);
	return buf;
}

static int parse_granule(const char *s)
{
	if (!strcmp(s, "4k") || !strcmp(s, "4K"))
		return 12;
	if (!strcmp(s, "16k") || !strcmp(s, "16K"))
		return 14;
	if (!strcmp(s, "64k") || !strcmp(s, "64K"))
		return 16;
	return -1;
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *v)
{
	uint64_t x;

	if (parse_u64(s, PARSE_PLAIN, &x) || x < lo || x > hi)
		return false;
	*v = (unsigned)x;
	return true;
}

/* Why a stage-1 layout starting at @start is impossible (into @why), or
 * NULL when it is the layout the VA size gives. */
static const char *s1_check(const struct layout_req *rq, int start, char *why, size_t len)
{
	unsigned g = rq->granule_shift, s = geom_stride(g);
	int levels = 4 - start;
	unsigned lo, hi;

	if (start == geom_s1_start_level(g, rq->bits))
		return NULL;
	lo = g + s * (unsigned)(levels - 1) + 1;
	hi = g + s * (unsigned)levels;
	if (lo < GEOM_S1_MIN_IA_BITS)
		lo = GEOM_S1_MIN_IA_BITS;
	if (hi > GEOM_S1_MAX_IA_BITS)
		hi = GEOM_S1_MAX_IA_BITS;
	if (lo > hi)
		snprintf(why, len, "stage 1 has no concatenation, so its levels follow from "
			 "TxSZ, and no VA size from 25 to 48 bits gives %d levels", levels);
	else
		snprintf(why, len, "stage 1 has no concatenation, so its levels follow from "
			 "TxSZ: %d levels means a VA size of %u to %u bits", levels, lo, hi);
	return why;
}

static void print_levels(const struct layout_req *rq, int start)
{
	unsigned g = rq->granule_shift;
	char b1[32], b2[64];

	printf("  level  %s bits   entries  one entry maps  descriptor kinds\n",
	       rq->stage == 2 ? "IPA" : " VA");
	for (int l = start; l <= 3; l++) {
		unsigned lo = geom_level_shift(g, l);
		unsigned nb = geom_index_bits(g, rq->bits, start, l);
		unsigned hi = lo + nb - 1;
		char range[16];

		snprintf(range, sizeof(range), "[%u:%u]", hi, lo);
		size_str(lo, b1, sizeof(b1));
		if (l == 3)
			snprintf(b2, sizeof(b2), "page");
		else if (geom_block_allowed(g, l, rq->pa_bits))
			snprintf(b2, sizeof(b2), "table, %s block", b1);
		else
			snprintf(b2, sizeof(b2), "table");
		printf("  %5d  %-9s %8" PRIu64 "  %-14s  %s\n", l, range, UINT64_C(1) << nb, b1, b2);
	}
}

static void print_s2(const struct layout_req *rq, int start)
{
	unsigned g = rq->granule_shift;
	unsigned concat = geom_concat_tables(g, rq->bits, start);
	unsigned tshift = geom_start_table_shift(g, rq->bits, start);
	int ps = geom_pa_enc_from_bits(rq->pa_bits);
	unsigned sl0 = (unsigned)geom_s2_sl0(g, start);
	uint64_t vtcr = FIELD_PREP(VTCR_T0SZ, 64 - rq->bits) | FIELD_PREP(VTCR_SL0, sl0) |
			FIELD_PREP(VTCR_TG0, (unsigned)mmu_tg0_encode(g)) |
			FIELD_PREP(VTCR_PS, (unsigned)ps) | BIT(31);
	char b1[32], b2[32];

	printf("start level %d, %d levels; %u start table%s of %s (VTTBR_EL2.BADDR aligned to %s)\n",
	       start, 4 - start, concat, concat > 1 ? "s concatenated, each" : "",
	       size_str(tshift > g ? g : tshift, b1, sizeof(b1)), size_str(tshift, b2, sizeof(b2)));
	print_levels(rq, start);
	printf("VTCR_EL2: T0SZ=%u SL0=%u TG0=%d PS=%d (value 0x%" PRIx64 " with RES1 bit 31)\n",
	       64 - rq->bits, sl0, mmu_tg0_encode(g), ps, vtcr);
	printf("a stage-2 walk reads %d descriptors; nested under a 4-level stage 1 a TLB miss\n"
	       "makes (4+1)(%d+1)-1 = %d references, under 3 levels (3+1)(%d+1)-1 = %d\n",
	       4 - start, 4 - start, 5 * (5 - start) - 1, 4 - start, 4 * (5 - start) - 1);
}

static void print_s1(const struct layout_req *rq, int start)
{
	unsigned g = rq->granule_shift;
	int ips = geom_pa_enc_from_bits(rq->pa_bits);
	unsigned tshift = geom_start_table_shift(g, rq->bits, start);
	char b1[32];

	printf("start level %d, %d levels; start table of %s\n", start, 4 - start,
	       size_str(tshift, b1, sizeof(b1)));
	print_levels(rq, start);
	printf("TCR_EL1: T0SZ=%u TG0=%d (TTBR0 half), T1SZ=%u TG1=%d (TTBR1 half), IPS=%d\n",
	       64 - rq->bits, mmu_tg0_encode(g), 64 - rq->bits, mmu_tg1_encode(g), ips);
	printf("a stage-1 walk reads %d descriptors\n", 4 - start);
}

int cmd_layout(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stage", required_argument, NULL, 's' },
		{ "granule", required_argument, NULL, 'g' },
		{ "bits", required_argument, NULL, 'b' },
		{ "levels", required_argument, NULL, 'l' },
		{ "pa-bits", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct layout_req rq = { .stage = 2, .granule_shift = 12, .bits = 40, .pa_bits = 48 };
	unsigned v;
	int c, g, start;
	const char *why;
	char gname[16], whybuf[160];

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!parse_uint(optarg, 1, 2, &v))
				goto bad;
			rq.stage = (int)v;
			break;
		case 'g':
			if ((g = parse_granule(optarg)) < 0)
				goto bad;
			rq.granule_shift = (unsigned)g;
			break;
		case 'b':
			if (!parse_uint(optarg, 1, 64, &rq.bits))
				goto bad;
			break;
		case 'l':
			if (!parse_uint(optarg, 1, 4, &v))
				goto bad;
			rq.levels = (int)v;
			break;
		case 'p':
			if (!parse_uint(optarg, 32, 52, &rq.pa_bits) || geom_pa_enc_from_bits(rq.pa_bits) < 0)
				goto bad;
			break;
		case 'h':
			layout_usage(stdout);
			return 0;
		default:
			layout_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mmusim layout: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	snprintf(gname, sizeof(gname), "%uK", 1u << (rq.granule_shift - 10));

	if (rq.stage == 1) {
		if (rq.bits < GEOM_S1_MIN_IA_BITS || rq.bits > GEOM_S1_MAX_IA_BITS) {
			fprintf(stderr, "mmusim layout: a stage-1 VA size must be 25 to 48 bits "
				"(T0SZ 16 to 39), not %u\n", rq.bits);
			return EXIT_USAGE;
		}
		start = rq.levels ? 4 - rq.levels : geom_s1_start_level(rq.granule_shift, rq.bits);
		printf("stage 1, %s granule, %u-bit VA, %u-bit IPS\n", gname, rq.bits, rq.pa_bits);
		why = s1_check(&rq, start, whybuf, sizeof(whybuf));
		if (why) {
			int nat = geom_s1_start_level(rq.granule_shift, rq.bits);

			printf("%d level%s: not possible: %s; a %u-bit VA walks %d levels\n",
			       rq.levels, rq.levels > 1 ? "s" : "", why, rq.bits, 4 - nat);
			return 1;
		}
		print_s1(&rq, start);
		return 0;
	}

	start = rq.levels ? 4 - rq.levels : geom_s2_default_start_level(rq.granule_shift, rq.bits);
	printf("stage 2, %s granule, %u-bit IPA, %u-bit PA\n", gname, rq.bits, rq.pa_bits);
	why = geom_s2_check(rq.granule_shift, rq.bits, start, rq.pa_bits);
	if (why) {
		if (rq.levels)
			printf("%d levels (start level %d): not possible: %s\n", rq.levels, start, why);
		else
			printf("not possible: %s\n", why);
		return 1;
	}
	print_s2(&rq, start);
	printf("other start levels:");
	for (int l = 0; l <= 3; l++) {
		if (l == start)
			continue;
		why = geom_s2_check(rq.granule_shift, rq.bits, l, rq.pa_bits);
		if (why)
			printf("\n  level %d (%d level%s): not possible: %s", l, 4 - l,
			       l < 3 ? "s" : "", why);
		else
			printf("\n  level %d (%d level%s): %u start table%s, SL0=%d", l, 4 - l,
			       l < 3 ? "s" : "",
			       geom_concat_tables(rq.granule_shift, rq.bits, l),
			       geom_concat_tables(rq.granule_shift, rq.bits, l) > 1 ? "s" : "",
			       geom_s2_sl0(rq.granule_shift, l));
	}
	printf("\n");
	return 0;

bad:
	fprintf(stderr, "mmusim layout: bad value '%s' for --%s\n", optarg,
		longopts[c == 's' ? 0 : c == 'g' ? 1 : c == 'b' ? 2 : c == 'l' ? 3 : 4].name);
	return EXIT_USAGE;
}
