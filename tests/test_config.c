/*
 * tests/test_config.c - the configuration: defaults, presets, the one-level
 * mapping, --set overrides, INI files with FILE:LINE errors, range and
 * cross-field checks, the geometry helpers and the echo round trip.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/config.h"
#include "sim/err.h"

#ifndef CONFIG_TEST_DATA
#define CONFIG_TEST_DATA "tests/data/config"
#endif

struct fx {
	struct sim_config cfg;
	struct sim_error err;
};

/* Fresh defaults and a cleared error for each test. */
static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(cfg_init_defaults(&f->cfg), 0);
	sim_error_clear(&f->err);
}

static void set_ok(struct fx *f, const char *a)
{
	int rc = cfg_set(&f->cfg, a, &f->err);

	ck_assert_msg(rc == 0, "cfg_set(%s): %s", a, f->err.msg);
}

/* Apply overrides, finalize, and expect an error whose message has want. */
static void expect_invalid(const char *const *sets, size_t n, const char *want)
{
	struct fx f;
	int rc;

	fx_init(&f);
	for (size_t i = 0; i < n; i++)
		set_ok(&f, sets[i]);
	rc = cfg_finalize(&f.cfg, &f.err);
	ck_assert_int_eq(rc, SIM_E_CONFIG);
	ck_assert_msg(strstr(f.err.msg, want), "message '%s' lacks '%s'", f.err.msg, want);
}

static char *path_of(const char *name)
{
	static const char dir[] = CONFIG_TEST_DATA;
	char *p = malloc(sizeof(dir) + strlen(name) + 2);

	ck_assert_ptr_nonnull(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static char *echo_text(const struct sim_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(mf);
	ck_assert_int_eq(cfg_echo(cfg, mf, NULL), 0);
	fclose(mf);
	return buf;
}

/* ---- defaults ---------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct fx f;
	const struct sim_config *c = &f.cfg;

	fx_init(&f);
	ck_assert_str_eq(c->run.preset, "none");
	ck_assert_int_eq(c->run.mode, CFG_MODE_VIRT);
	ck_assert_uint_eq(c->run.seed, 1);
	ck_assert_uint_eq(c->run.warmup, 0);
	ck_assert_uint_eq(c->run.base_cycles, 4);
	ck_assert_int_eq(c->run.crossing, CFG_CROSSING_SPLIT);
	ck_assert(c->run.fast_path);
	ck_assert_uint_eq(c->stage1.granule_shift, 12);
	ck_assert_uint_eq(c->stage1.ia_bits, 48);
	ck_assert_int_eq(c->stage1.start_level, CFG_LEVEL_AUTO);
	ck_assert_uint_eq(c->stage2.granule_shift, 12);
	ck_assert_uint_eq(c->stage2.ia_bits, 40);
	ck_assert_uint_eq(c->stage2.pa_bits, 48);
	ck_assert_uint_eq(c->stage2.huge_ppm, CFG_PPM_ONE);
	ck_assert_uint_eq(c->tlb.nlevels, 3);
	ck_assert_str_eq(c->tlb.level[0].name, "L1I");
	ck_assert_uint_eq(c->tlb.level[0].entries, 48);
	ck_assert_int_eq(c->tlb.level[0].serves, CFG_SERVES_INST);
	ck_assert_str_eq(c->tlb.level[0].next, "L2");
	ck_assert_str_eq(c->tlb.level[1].name, "L1D");
	ck_assert_uint_eq(c->tlb.level[1].sizes, BIT(12) | BIT(14) | BIT(16) | BIT(21) | BIT(29));
	ck_assert_str_eq(c->tlb.level[2].name, "L2");
	ck_assert_uint_eq(c->tlb.level[2].entries, 1280);
	ck_assert_uint_eq(c->tlb.level[2].ways, 5);
	ck_assert_str_eq(c->tlb.level[2].next, "");
	ck_assert_uint_eq(c->wc_s1.entries, 64);
	ck_assert_uint_eq(c->s2tlb.ways, 4);
	ck_assert_uint_eq(c->cache.nlevels, 3);
	ck_assert_uint_eq(c->cache.level[1].size, 1u << 20);
	ck_assert_uint_eq(c->memory.latency, 200);
	ck_assert_uint_eq(c->one_level.entries, 64);

	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_uint_eq(c->tlb.level[0].ways, 48);   /* 0 -> entries */
	ck_assert_int_eq(cfg_start_level(&c->stage1, MMU_STAGE1), 0);
	ck_assert_int_eq(cfg_start_level(&c->stage2, MMU_STAGE2), 1);
	ck_assert_int_eq(cfg_tlb_find(&c->tlb, "L2"), 2);
	ck_assert_int_eq(cfg_tlb_find(&c->tlb, "L3"), -1);
}
END_TEST

START_TEST(test_help_lists_every_key)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	static const char *const want[] = {
		"run.preset:", "run.mode: native|virt|s2only (default: virt)",
		"run.base_cycles: integer 1..1000000 (default: 4)",
		"stage1.va_bits: integer 25..48 (default: 48)",
		"stage2.huge_fraction: fraction 0..1 (default: 1)",
		"tlb.levels: list of names (default: L1I,L1D,L2)",
		"tlb.NAME.entries: integer 1..1048576 (default: 64)", "tlb.NAME.next:",
		"walkcache.s1.entries: integer 0..1048576 (default: 64)", "s2tlb.latency:",
		"cache.NAME.size:", "memory.latency:", "one_level.crossing: split|first",
		"cortex-a57", "neoverse-n1",
	};

	ck_assert_ptr_nonnull(mf);
	cfg_print_help(mf);
	fclose(mf);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(strstr(buf, want[i]), "help lacks '%s'", want[i]);
	free(buf);
}
END_TEST

/* ---- presets ------------------------------------------------------------ */

START_TEST(test_every_preset_validates)
{
	for (const struct cfg_preset *p = cfg_presets; p->name; p++) {
		struct fx f;
		int rc;

		fx_init(&f);
		rc = cfg_load_preset(&f.cfg, p->name, &f.err);
		ck_assert_msg(rc == 0, "preset %s: %s", p->name, f.err.msg);
		ck_assert_str_eq(f.cfg.run.preset, p->name);
		rc = cfg_finalize(&f.cfg, &f.err);
		ck_assert_msg(rc == 0, "preset %s: %s", p->name, f.err.msg);
		ck_assert_ptr_eq(cfg_preset_find(p->name), p);
	}
}
END_TEST

START_TEST(test_preset_values)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "cortex-a72", &f.err), 0);
	ck_assert_uint_eq(f.cfg.tlb.level[0].entries, 48);
	ck_assert_uint_eq(f.cfg.tlb.level[1].entries, 32);
	ck_assert_uint_eq(f.cfg.tlb.level[2].entries, 1024);
	ck_assert_uint_eq(f.cfg.tlb.level[2].ways, 4);
	ck_assert(!f.cfg.stage1.ha);
	ck_assert_uint_eq(f.cfg.cache.nlevels, 2);

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "cortex-a76", &f.err), 0);
	ck_assert_uint_eq(f.cfg.tlb.level[1].entries, 48);
	ck_assert_uint_eq(f.cfg.tlb.level[2].entries, 1280);
	ck_assert_uint_eq(f.cfg.tlb.level[2].sizes, BIT(12) | BIT(14) | BIT(16) | BIT(21) |
			  BIT(25) | BIT(29) | BIT(30));
	ck_assert_uint_eq(f.cfg.cache.level[1].size, 512u << 10);
}
END_TEST

START_TEST(test_preset_errors)
{
	struct fx f;
	struct sim_config before;

	fx_init(&f);
	before = f.cfg;
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "cortex-a99", &f.err), SIM_E_CONFIG);
	ck_assert_ptr_nonnull(strstr(f.err.msg, "--preset 'cortex-a99'"));
	ck_assert_ptr_nonnull(strstr(f.err.msg, "cortex-a76"));
	ck_assert_int_eq(memcmp(&before, &f.cfg, sizeof(before)), 0);

	/* the A57 has no 16K granule: its TLBs do not hold 16K pages */
	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "cortex-a57", &f.err), 0);
	set_ok(&f, "stage1.granule=16k");
	set_ok(&f, "stage2.granule=16k");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "[tlb.L1I] sizes: must include 16k, the smallest page "
			 "this configuration's translations produce (see stage1/stage2 "
			 "granule and blocks)");
	/* stage 2 maps everything with 2M blocks: combined entries are still 16K */
	set_ok(&f, "stage2.granule=4k");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), SIM_E_CONFIG);
	/* with fragmented host memory some combined entries are 4K */
	set_ok(&f, "stage2.huge_fraction=0.5");
	ck_assert_uint_eq(cfg_min_page_shift(&f.cfg), 12);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
}
END_TEST

START_TEST(test_preset_replaces_earlier_settings)
{
	struct fx f;

	fx_init(&f);
	set_ok(&f, "run.seed=99");
	set_ok(&f, "run.preset=cortex-a72");
	ck_assert_uint_eq(f.cfg.run.seed, 1);
	ck_assert_str_eq(f.cfg.run.preset, "cortex-a72");
	set_ok(&f, "run.preset=none");
	ck_assert_uint_eq(f.cfg.tlb.level[1].entries, 48);
}
END_TEST

/* ---- one-level ----------------------------------------------------------- */

START_TEST(test_one_level_default)
{
	struct fx f;
	const struct cfg_tlb_level *l;

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_int_eq(f.cfg.run.mode, CFG_MODE_NATIVE);
	ck_assert_int_eq(f.cfg.run.crossing, CFG_CROSSING_SPLIT);
	ck_assert_uint_eq(f.cfg.tlb.nlevels, 1);
	l = &f.cfg.tlb.level[0];
	ck_assert_str_eq(l->name, "L1");
	ck_assert_uint_eq(l->entries, 64);
	ck_assert_uint_eq(l->ways, 64);
	ck_assert_int_eq(l->repl, CFG_REPL_LRU);
	ck_assert_int_eq(l->serves, CFG_SERVES_UNIFIED);
	ck_assert_uint_eq(l->sizes, BIT(12));
	ck_assert_str_eq(l->next, "");
	ck_assert_uint_eq(f.cfg.stage1.granule_shift, 12);
	ck_assert_int_eq(f.cfg.stage1.blocks, CFG_BLOCKS_NONE);
	ck_assert_uint_eq(f.cfg.wc_s1.entries, 0);
	ck_assert_uint_eq(f.cfg.wc_s2.entries, 0);
	ck_assert_uint_eq(f.cfg.s2tlb.entries, 0);
	ck_assert_uint_eq(f.cfg.one_level.ways, 64);
}
END_TEST

START_TEST(test_one_level_overrides)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	set_ok(&f, "one_level.entries=256");
	set_ok(&f, "one_level.ways=4");
	set_ok(&f, "one_level.page=2m");
	set_ok(&f, "one_level.split=1");
	set_ok(&f, "one_level.crossing=first");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_uint_eq(f.cfg.tlb.nlevels, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct cfg_tlb_level *l = &f.cfg.tlb.level[i];

		ck_assert_str_eq(l->name, i ? "L1D" : "L1I");
		ck_assert_int_eq(l->serves, i ? CFG_SERVES_DATA : CFG_SERVES_INST);
		ck_assert_uint_eq(l->entries, 256);
		ck_assert_uint_eq(l->ways, 4);
		ck_assert_uint_eq(l->sizes, BIT(21));
		ck_assert_str_eq(l->next, "");
	}
	ck_assert_uint_eq(f.cfg.stage1.granule_shift, 12);
	ck_assert_int_eq(f.cfg.stage1.blocks, CFG_BLOCKS_L2);
	ck_assert_int_eq(cfg_block_level(&f.cfg.stage1, MMU_STAGE1, cfg_pamax(&f.cfg)), 2);
	ck_assert_int_eq(f.cfg.run.crossing, CFG_CROSSING_FIRST);

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	set_ok(&f, "one_level.page=64k");
	set_ok(&f, "one_level.entries=16");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_uint_eq(f.cfg.stage1.granule_shift, 16);
	ck_assert_uint_eq(f.cfg.tlb.level[0].sizes, BIT(16));
	ck_assert_uint_eq(f.cfg.tlb.level[0].ways, 16);
	ck_assert_int_eq(cfg_start_level(&f.cfg.stage1, MMU_STAGE1), 1);
}
END_TEST

START_TEST(test_one_level_errors)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	set_ok(&f, "one_level.entries=48");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "[one_level] entries = 48: must be a power of two");

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	set_ok(&f, "one_level.ways=128");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "[one_level] ways = 128: must be a power of two "
			 "dividing entries = 64");

	fx_init(&f);
	ck_assert_int_eq(cfg_set(&f.cfg, "one_level.page=1g", &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "--set 'one_level.page=1g': [one_level] page: expected "
			 "one of 4k|16k|64k|2m, got '1g'");
}
END_TEST

/* ---- --set --------------------------------------------------------------- */

START_TEST(test_set_values)
{
	struct fx f;

	fx_init(&f);
	set_ok(&f, "run.mode=native");
	set_ok(&f, " run.warmup = 0x100 ");
	set_ok(&f, "run.fast_path=off");
	set_ok(&f, "stage2.huge_fraction=0.25");
	set_ok(&f, "cache.L2.size=2m");
	set_ok(&f, "tlb.L1D.sizes=4K, 2M");
	set_ok(&f, "tlb.L1D.next=none");
	ck_assert_int_eq(f.cfg.run.mode, CFG_MODE_NATIVE);
	ck_assert_uint_eq(f.cfg.run.warmup, 256);
	ck_assert(!f.cfg.run.fast_path);
	ck_assert_uint_eq(f.cfg.stage2.huge_ppm, 250000);
	ck_assert_uint_eq(f.cfg.cache.level[1].size, 2u << 20);
	ck_assert_uint_eq(f.cfg.tlb.level[1].sizes, BIT(12) | BIT(21));
	ck_assert_str_eq(f.cfg.tlb.level[1].next, "");
	/* later overrides win */
	set_ok(&f, "run.mode=s2only");
	ck_assert_int_eq(f.cfg.run.mode, CFG_MODE_S2ONLY);
	/* the one value syntax (sim/parse.h): a leading 0 is decimal, sizes take
	 * t, fractions may start with '.' */
	set_ok(&f, "run.seed=010");
	ck_assert_uint_eq(f.cfg.run.seed, 10);
	set_ok(&f, "run.seed=18446744073709551615");
	ck_assert_uint_eq(f.cfg.run.seed, UINT64_MAX);
	set_ok(&f, "cache.L2.size=1T");
	ck_assert_uint_eq(f.cfg.cache.level[1].size, UINT64_C(1) << 40);
	set_ok(&f, "stage1.fault_around=0x10k");
	ck_assert_uint_eq(f.cfg.stage1.fault_around, 16u << 10);
	set_ok(&f, "stage2.huge_fraction=.5");
	ck_assert_uint_eq(f.cfg.stage2.huge_ppm, 500000);
}
END_TEST

START_TEST(test_set_levels_keeps_existing)
{
	struct fx f;

	fx_init(&f);
	set_ok(&f, "tlb.levels=L1D,L3,L1I");
	ck_assert_uint_eq(f.cfg.tlb.nlevels, 3);
	ck_assert_str_eq(f.cfg.tlb.level[0].name, "L1D");
	ck_assert_uint_eq(f.cfg.tlb.level[0].entries, 48);      /* kept */
	ck_assert_str_eq(f.cfg.tlb.level[1].name, "L3");
	ck_assert_uint_eq(f.cfg.tlb.level[1].entries, 64);      /* template */
	ck_assert_int_eq(f.cfg.tlb.level[1].serves, CFG_SERVES_UNIFIED);
	ck_assert_str_eq(f.cfg.tlb.level[2].name, "L1I");
	set_ok(&f, "tlb.L1D.next=L3");
	set_ok(&f, "tlb.L1I.next=L3");
	set_ok(&f, "tlb.L3.entries=512");
	set_ok(&f, "tlb.L3.ways=8");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);

	fx_init(&f);
	set_ok(&f, "cache.levels=none");
	ck_assert_uint_eq(f.cfg.cache.nlevels, 0);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
}
END_TEST

struct set_err_case {
	const char *assignment;
	int rc;
	const char *msg;
};

static const struct set_err_case set_errors[] = {
	{ "run.mode", SIM_E_PARSE, "--set 'run.mode': expected section.key=value" },
	{ "mode=virt", SIM_E_PARSE, "--set 'mode=virt': expected section.key=value" },
	{ "run.bogus=1", SIM_E_CONFIG, "--set 'run.bogus=1': [run]: unknown key 'bogus'; "
	  "expected one of preset, mode, seed, warmup, base_cycles, crossing, fast_path" },
	{ "tlb.L1D.entries=abc", SIM_E_CONFIG, "--set 'tlb.L1D.entries=abc': [tlb.L1D] "
	  "entries: expected an integer in 1..1048576, got 'abc'" },
	{ "tlb.L1D.entries=0", SIM_E_CONFIG, "--set 'tlb.L1D.entries=0': [tlb.L1D] "
	  "entries: expected an integer in 1..1048576, got '0'" },
	{ "tlb.L1D.entries=-4", SIM_E_CONFIG, "--set 'tlb.L1D.entries=-4': [tlb.L1D] "
	  "entries: expected an integer in 1..1048576, got '-4'" },
	{ "stage1.va_bits=24", SIM_E_CONFIG, "--set 'stage1.va_bits=24': [stage1] va_bits: "
	  "expected an integer in 25..48, got '24'" },
	{ "stage2.huge_fraction=1.5", SIM_E_CONFIG, "--set 'stage2.huge_fraction=1.5': "
	  "[stage2] huge_fraction: expected a fraction 0..1 with at most 6 decimals, got '1.5'" },
	{ "run.fast_path=maybe", SIM_E_CONFIG, "--set 'run.fast_path=maybe': [run] "
	  "fast_path: expected 0 or 1 (true/false, yes/no, on/off), got 'maybe'" },
	{ "stage2.pa_bits=46", SIM_E_CONFIG, "--set 'stage2.pa_bits=46': [stage2] pa_bits: "
	  "expected one of 32|36|40|42|44|48|52, got '46'" },
	{ "tlb.L3.entries=4", SIM_E_CONFIG, "--set 'tlb.L3.entries=4': [tlb.L3]: no TLB "
	  "level named 'L3' (tlb.levels = L1I,L1D,L2); list it in [tlb] levels first" },
	{ "tlbs.levels=L1", SIM_E_CONFIG, "--set 'tlbs.levels=L1': [tlbs]: unknown section" },
	{ "tlb.levels=L1,L1", SIM_E_CONFIG, "--set 'tlb.levels=L1,L1': [tlb] levels: level "
	  "'L1' listed twice, got 'L1,L1'" },
	{ "tlb.levels=A,B,C,D,E,F,G,H,I", SIM_E_CONFIG, "at most 8 levels" },
	{ "tlb.L1D.sizes=4k,3m", SIM_E_CONFIG, "expected a comma list of page sizes" },
	{ "cache.L2.size=12q", SIM_E_CONFIG, "[cache.L2] size: expected a size (k/m/g/t "
	  "suffixes) in 64..1099511627776, got '12q'" },
	{ "run.seed=18446744073709551616", SIM_E_CONFIG, "[run] seed: expected an integer "
	  "in 0..18446744073709551615, got '18446744073709551616'" },
	{ "run.warmup=1k", SIM_E_CONFIG, "[run] warmup: expected an integer" },
	{ "cache.L2.size=2kb", SIM_E_CONFIG, "[cache.L2] size: expected a size" },
	{ "stage2.huge_fraction=1e-1", SIM_E_CONFIG, "[stage2] huge_fraction: expected a "
	  "fraction" },
	{ "stage2.huge_fraction=0.1234567", SIM_E_CONFIG, "[stage2] huge_fraction: expected "
	  "a fraction" },
	{ "run.preset=cortex-a99", SIM_E_CONFIG, "[run] preset: expected none, one-level, "
	  "cortex-a57, cortex-a72, cortex-a76, neoverse-n1, got 'cortex-a99'" },
};

START_TEST(test_set_errors)
{
	const struct set_err_case *c = &set_errors[_i];
	struct fx f;
	struct sim_config before;

	fx_init(&f);
	before = f.cfg;
	ck_assert_int_eq(cfg_set(&f.cfg, c->assignment, &f.err), c->rc);
	ck_assert_int_eq(f.err.code, c->rc);
	ck_assert_msg(strstr(f.err.msg, c->msg), "'%s': message '%s' lacks '%s'",
		      c->assignment, f.err.msg, c->msg);
	ck_assert_int_eq(memcmp(&before, &f.cfg, sizeof(before)), 0);
}
END_TEST

/* ---- files ---------------------------------------------------------------- */

START_TEST(test_file_good)
{
	struct fx f;
	char *p = path_of("good.ini");

	fx_init(&f);
	ck_assert_msg(cfg_load_file(&f.cfg, p, &f.err) == 0, "%s", f.err.msg);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_int_eq(f.cfg.run.mode, CFG_MODE_NATIVE);
	ck_assert_uint_eq(f.cfg.run.seed, 42);
	ck_assert_uint_eq(f.cfg.stage1.granule_shift, 14);
	ck_assert_int_eq(cfg_start_level(&f.cfg.stage1, MMU_STAGE1), 1);
	ck_assert_int_eq(cfg_block_level(&f.cfg.stage1, MMU_STAGE1, cfg_pamax(&f.cfg)), 2);
	ck_assert_uint_eq(f.cfg.tlb.nlevels, 3);
	ck_assert_str_eq(f.cfg.tlb.level[1].name, "DTLB");
	ck_assert_int_eq(f.cfg.tlb.level[1].repl, CFG_REPL_PLRU);
	ck_assert_uint_eq(f.cfg.tlb.level[1].ways, 8);
	ck_assert_uint_eq(f.cfg.tlb.level[0].ways, 32);
	ck_assert_uint_eq(f.cfg.tlb.level[2].latency, 7);
	ck_assert_uint_eq(f.cfg.cache.nlevels, 2);
	ck_assert_uint_eq(f.cfg.cache.level[0].size, 64u << 10);        /* kept */
	ck_assert_uint_eq(f.cfg.cache.level[1].size, 512u << 10);
	free(p);
}
END_TEST

struct file_err_case {
	const char *file;
	int rc;
	const char *msg;        /* after "DIR/" */
};

static const struct file_err_case file_errors[] = {
	{ "unknown_key.ini", SIM_E_CONFIG, "unknown_key.ini:4: [run]: unknown key 'warmpu'" },
	/* a section is checked at its header line */
	{ "unknown_section.ini", SIM_E_CONFIG, "unknown_section.ini:4: [tlbs]: unknown section" },
	{ "out_of_range.ini", SIM_E_CONFIG, "out_of_range.ini:3: [stage1] va_bits: expected "
	  "an integer in 25..48, got '52'" },
	{ "syntax.ini", SIM_E_PARSE, "syntax.ini:3: expected '[section]', 'key = value' or "
	  "a comment" },
	{ "level_before_list.ini", SIM_E_CONFIG, "level_before_list.ini:1: [tlb.L3]: no TLB "
	  "level named 'L3'" },
	{ "no_such_file.ini", SIM_E_IO, "no_such_file.ini: cannot open: " },
};

START_TEST(test_file_errors)
{
	const struct file_err_case *c = &file_errors[_i];
	struct fx f;
	struct sim_config before;
	char *p = path_of(c->file);
	char want[512];

	fx_init(&f);
	before = f.cfg;
	ck_assert_int_eq(cfg_load_file(&f.cfg, p, &f.err), c->rc);
	snprintf(want, sizeof(want), "%s/%s", CONFIG_TEST_DATA, c->msg);
	ck_assert_msg(!strncmp(f.err.msg, want, strlen(want)), "message '%s' is not '%s...'",
		      f.err.msg, want);
	ck_assert_int_eq(memcmp(&before, &f.cfg, sizeof(before)), 0);
	free(p);
}
END_TEST

START_TEST(test_file_then_finalize_error)
{
	struct fx f;
	char *p = path_of("bad_geometry.ini");

	fx_init(&f);
	ck_assert_int_eq(cfg_load_file(&f.cfg, p, &f.err), 0);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "[tlb.L1D]: ways = 32 does not divide entries = 48");
	free(p);
}
END_TEST

START_TEST(test_string_line_numbers)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(cfg_load_string(&f.cfg, "[run]\nseed = 3\n\n[memory]\nlatency = x\n",
					 "inline", &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "inline:5: [memory] latency: expected an integer in "
			 "0..1000000, got 'x'");
	fx_init(&f);
	ck_assert_int_eq(cfg_load_string(&f.cfg, "seed = 3\n", "inline", &f.err), SIM_E_PARSE);
	ck_assert_str_eq(f.err.msg, "inline:1: key 'seed' outside any section; expected a "
			 "[section] line first");
}
END_TEST

/* The INI syntax of sim/ini.h as the configuration sees it (the reader's
 * own cases are in test_ini.c). */
START_TEST(test_ini_syntax)
{
	static const char nul[] = "[run]\nseed = 3\n\0\n";
	struct fx f;
	struct sim_config before;

	/* an unknown section is an error at its header, even without keys */
	fx_init(&f);
	ck_assert_int_eq(cfg_load_string(&f.cfg, "[run]\nseed = 3\n[bogus]\n", "inline", &f.err),
			 SIM_E_CONFIG);
	ck_assert_msg(!strncmp(f.err.msg, "inline:3: [bogus]: unknown section; expected run, ",
			       50), "%s", f.err.msg);
	ck_assert_uint_eq(f.cfg.run.seed, 1);           /* unchanged */
	/* an indented line is a line of its own, not a continuation */
	fx_init(&f);
	ck_assert_msg(cfg_load_string(&f.cfg, "[run]\nseed = 3\n  warmup = 7\n\t[memory]\n"
				      "  latency = 9 ; cycles\n", "inline", &f.err) == 0,
		      "%s", f.err.msg);
	ck_assert_uint_eq(f.cfg.run.seed, 3);
	ck_assert_uint_eq(f.cfg.run.warmup, 7);
	ck_assert_uint_eq(f.cfg.memory.latency, 9);
	/* "key: value" is not a key line; ';' needs a blank before it */
	fx_init(&f);
	ck_assert_int_eq(cfg_load_string(&f.cfg, "[run]\nseed: 3\n", "inline", &f.err),
			 SIM_E_PARSE);
	ck_assert_str_eq(f.err.msg, "inline:2: expected '[section]', 'key = value' or a "
			 "comment, got 'seed: 3'");
	fx_init(&f);
	ck_assert_int_eq(cfg_load_string(&f.cfg, "[run]\nseed = 3;4\n", "inline", &f.err),
			 SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "inline:2: [run] seed: expected an integer in "
			 "0..18446744073709551615, got '3;4'");
	/* a NUL byte is an error, not the end of the text */
	fx_init(&f);
	before = f.cfg;
	ck_assert_int_eq(cfg_load_text(&f.cfg, nul, sizeof(nul) - 1, "inline", &f.err),
			 SIM_E_PARSE);
	ck_assert_str_eq(f.err.msg, "inline:3: a NUL byte in the text");
	ck_assert_int_eq(memcmp(&before, &f.cfg, sizeof(before)), 0);
	/* CRLF line ends */
	fx_init(&f);
	ck_assert_msg(cfg_load_string(&f.cfg, "[run]\r\nseed = 5\r\n", "inline", &f.err) == 0,
		      "%s", f.err.msg);
	ck_assert_uint_eq(f.cfg.run.seed, 5);
}
END_TEST

/* ---- cross-field validation ---------------------------------------------- */

START_TEST(test_validate_tlb)
{
	{
		const char *s[] = { "tlb.L1D.ways=5" };
		expect_invalid(s, 1, "[tlb.L1D]: ways = 5 does not divide entries = 48");
	}
	{
		const char *s[] = { "tlb.L1D.ways=2" };
		expect_invalid(s, 1, "[tlb.L1D]: entries / ways = 48 / 2 = 24 sets; the "
			       "number of sets must be a power of two");
	}
	{
		const char *s[] = { "tlb.L2.repl=plru" };
		expect_invalid(s, 1, "[tlb.L2]: repl = plru needs a power-of-two number of "
			       "ways, got 5");
	}
	{
		const char *s[] = { "tlb.L1D.next=L9" };
		expect_invalid(s, 1, "[tlb.L1D] next = L9: no such level in tlb.levels");
	}
	{
		const char *s[] = { "tlb.L2.next=L2" };
		expect_invalid(s, 1, "[tlb.L2] next: a level cannot be its own next level");
	}
	{
		const char *s[] = { "tlb.levels=L1I,L1D,L2,L3", "tlb.L2.next=L3", "tlb.L3.next=L2" };
		expect_invalid(s, 3, "next: the chain of next levels loops");
	}
	{
		const char *s[] = { "tlb.L2.next=L1D" };
		expect_invalid(s, 1, "[tlb.L2] next = L1D: serves unified but L1D serves only data");
	}
	{
		const char *s[] = { "tlb.L1I.serves=data" };
		expect_invalid(s, 1, "[tlb.L1D] serves = data: another first level");
	}
	{
		const char *s[] = { "tlb.levels=L1D,L2" };
		expect_invalid(s, 1, "[tlb] levels: no first level serves instruction accesses");
	}
	{
		const char *s[] = { "tlb.L2.sizes=2m,1g" };
		expect_invalid(s, 1, "[tlb.L2] sizes: must include 4k");
	}
	{
		const char *s[] = { "walkcache.s1.ways=3" };
		expect_invalid(s, 1, "[walkcache.s1]: ways = 3 does not divide entries = 64");
	}
	{
		const char *s[] = { "cache.L2.size=1000k" };
		expect_invalid(s, 1, "[cache.L2]: size / (ways x line) = 2000 sets; must be a "
			       "power of two");
	}
	{
		const char *s[] = { "cache.L2.size=100000" };
		expect_invalid(s, 1, "[cache.L2] size = 100000 is not a multiple of ways x "
			       "line = 512");
	}
}
END_TEST

START_TEST(test_validate_stages)
{
	{
		const char *s[] = { "stage2.ipa_bits=48", "stage2.start_level=2" };
		expect_invalid(s, 2, "[stage2] start_level = 2 with ipa_bits = 48 and the 4k "
			       "granule needs 262144 concatenated tables; at most 16 are allowed");
	}
	{
		const char *s[] = { "stage2.start_level=3" };
		expect_invalid(s, 1, "[stage2] start_level = 3 does not exist for the 4k granule");
	}
	{
		const char *s[] = { "stage2.ipa_bits=44", "stage2.pa_bits=40" };
		expect_invalid(s, 2, "[stage2] ipa_bits = 44 exceeds pa_bits = 40");
	}
	{
		const char *s[] = { "stage2.ipa_bits=52" };
		expect_invalid(s, 1, "[stage2] ipa_bits = 52 needs granule = 64k and pa_bits = 52");
	}
	{
		const char *s[] = { "stage2.pa_bits=52" };
		expect_invalid(s, 1, "[stage2] pa_bits = 52 needs the 64k granule");
	}
	{
		const char *s[] = { "stage2.pa_bits=40", "stage2.start_level=0" };
		expect_invalid(s, 2, "[stage2] start_level = 0 with the 4k granule needs "
			       "pa_bits >= 44, got 40");
	}
	{
		const char *s[] = { "stage2.granule=16k", "stage2.ipa_bits=42",
				    "stage2.pa_bits=40", "stage2.start_level=1" };
		expect_invalid(s, 4, "ipa_bits = 42 exceeds pa_bits = 40");
	}
	{
		const char *s[] = { "stage2.granule=16k", "stage2.ipa_bits=40",
				    "stage2.pa_bits=40", "stage2.start_level=1" };
		expect_invalid(s, 4, "[stage2] start_level = 1 with the 16k granule needs "
			       "pa_bits >= 42, got 40");
	}
	{
		const char *s[] = { "stage1.va_bits=39", "stage1.start_level=0" };
		expect_invalid(s, 2, "[stage1] start_level = 0: va_bits = 39 with the 4k "
			       "granule starts at level 1; use auto");
	}
	{
		/* the host's own stage 1 outputs the 52-bit PAs too */
		const char *s[] = { "stage2.granule=64k", "stage2.pa_bits=52" };
		expect_invalid(s, 2, "[stage2] pa_bits = 52 needs [stage1] granule = 64k");
	}
	{
		const char *s[] = { "stage1.fault_around=48k" };
		expect_invalid(s, 1, "[stage1] fault_around = 49152: must be 0 or a power of two");
	}
	{
		const char *s[] = { "stage1.fault_around=4m" };
		expect_invalid(s, 1, "no larger than one last-level table (2097152 bytes with "
			       "the 4k granule)");
	}
}
END_TEST

START_TEST(test_validate_mode_scopes)
{
	struct fx f;

	/* stage 2 is not checked in native mode, stage 1 not in s2only mode */
	fx_init(&f);
	set_ok(&f, "run.mode=native");
	set_ok(&f, "stage2.start_level=3");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	fx_init(&f);
	set_ok(&f, "run.mode=s2only");
	set_ok(&f, "stage1.va_bits=39");
	set_ok(&f, "stage1.start_level=0");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	/* 64K stage 2 with a 52-bit IPA is legal */
	fx_init(&f);
	set_ok(&f, "stage2.granule=64k");
	set_ok(&f, "stage2.pa_bits=52");
	set_ok(&f, "stage2.ipa_bits=52");
	set_ok(&f, "stage1.granule=64k");
	ck_assert_msg(cfg_finalize(&f.cfg, &f.err) == 0, "%s", f.err.msg);
	ck_assert_int_eq(cfg_start_level(&f.cfg.stage2, MMU_STAGE2), 1);
	ck_assert_uint_eq(cfg_min_page_shift(&f.cfg), 16);
}
END_TEST

/* blocks = l1 follows geom_block_allowed(): the 64K granule's 4T level-1
 * block exists with a 52-bit PA (FEAT_LPA), as the page-table builder
 * places it, so every TLB level must hold 4t. */
START_TEST(test_validate_64k_l1_blocks)
{
	static const char *const base[] = {
		"run.mode=native", "stage1.granule=64k", "stage1.pa_bits=52", "stage1.blocks=l1",
	};
	struct fx f;

	expect_invalid(base, 4, "[tlb.L1I] sizes: must include 4t");
	fx_init(&f);
	for (size_t i = 0; i < 4; i++)
		set_ok(&f, base[i]);
	set_ok(&f, "tlb.L1I.sizes=64k,4t");
	set_ok(&f, "tlb.L1D.sizes=64k, 4t");
	set_ok(&f, "tlb.L2.sizes=4t,64k");
	ck_assert_msg(cfg_finalize(&f.cfg, &f.err) == 0, "%s", f.err.msg);
	ck_assert_uint_eq(cfg_min_page_shift(&f.cfg), 42);
	ck_assert_uint_eq(f.cfg.tlb.level[0].sizes, (UINT64_C(1) << 16) | (UINT64_C(1) << 42));
	/* with a 48-bit PA the same asks for 512M level-2 blocks */
	set_ok(&f, "stage1.pa_bits=48");
	set_ok(&f, "tlb.L1I.sizes=512m");
	set_ok(&f, "tlb.L1D.sizes=512m");
	set_ok(&f, "tlb.L2.sizes=512m");
	ck_assert_msg(cfg_finalize(&f.cfg, &f.err) == 0, "%s", f.err.msg);
	ck_assert_uint_eq(cfg_min_page_shift(&f.cfg), 29);
	/* a size list longer than the parser holds is refused, not cut short:
	 * 127 characters end after "16k,", so a cut list would lose 2m */
	fx_init(&f);
	{
		char set[200] = "tlb.L1D.sizes=";

		for (int i = 0; i < 41; i++)
			strcat(set, "4k,");
		strcat(set, "16k,2m");
		ck_assert_int_eq(cfg_set(&f.cfg, set, &f.err), SIM_E_CONFIG);
	}
	ck_assert_msg(strstr(f.err.msg, "each one of 4k|16k|64k|2m|32m|512m|1g|4t"), "%s",
		      f.err.msg);
}
END_TEST

/* ---- geometry helpers ----------------------------------------------------- */

struct level_case {
	unsigned granule, ia, pa;
	int start;              /* CFG_LEVEL_AUTO or explicit */
	enum mmu_stage stage;
	int want;
};

/* Expected values from the Arm ARM's start-level tables (D8-18, D8-28, D8-37;
 * AArch64.S1StartLevel) and KVM's choice (arch/arm64/include/asm/
 * stage2_pgtable.h, stage2_pgtable_levels()). */
static const struct level_case level_cases[] = {
	{ 12, 48, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 0 },
	{ 12, 39, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 1 },
	{ 12, 30, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 2 },
	{ 14, 48, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 0 },
	{ 14, 47, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 1 },
	{ 14, 36, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 2 },
	{ 16, 48, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 1 },
	{ 16, 42, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 2 },
	{ 16, 25, 48, CFG_LEVEL_AUTO, MMU_STAGE1, 3 },
	{ 12, 32, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 12, 34, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 12, 35, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 12, 40, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 12, 43, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 12, 44, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 0 },
	{ 12, 48, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 0 },
	{ 14, 32, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 14, 40, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 14, 41, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 14, 48, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 16, 32, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 16, 46, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 2 },
	{ 16, 47, 48, CFG_LEVEL_AUTO, MMU_STAGE2, 1 },
	{ 12, 40, 48, 0, MMU_STAGE2, 0 },               /* L0 x1, PAMax >= 44 */
	{ 12, 40, 40, 0, MMU_STAGE2, -1 },              /* L0 needs PAMax >= 44 */
	{ 12, 36, 48, 2, MMU_STAGE2, -1 },              /* 32 tables */
	{ 16, 32, 48, 3, MMU_STAGE2, 3 },               /* L3 x8 */
	{ 12, 39, 48, 1, MMU_STAGE1, 1 },
	{ 12, 39, 48, 2, MMU_STAGE1, -1 },
};

START_TEST(test_start_levels)
{
	const struct level_case *c = &level_cases[_i];
	struct cfg_stage st = { .granule_shift = c->granule, .ia_bits = c->ia,
				.pa_bits = c->pa, .start_level = c->start };

	ck_assert_int_eq(cfg_start_level(&st, c->stage), c->want);
}
END_TEST

START_TEST(test_block_levels)
{
	struct cfg_stage st = { .granule_shift = 12, .ia_bits = 48, .pa_bits = 48,
				.start_level = CFG_LEVEL_AUTO, .blocks = CFG_BLOCKS_L1 };

	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 48), 1);
	st.granule_shift = 14;
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 52), 2);  /* no L1 blocks */
	/* 64K has level-1 (4T) blocks with a 52-bit PA only (FEAT_LPA) */
	st.granule_shift = 16;
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 48), 2);
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 52), 1);
	st.granule_shift = 14;
	st.blocks = CFG_BLOCKS_NONE;
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 48), 3);
	st.granule_shift = 16;
	st.ia_bits = 25;                                         /* starts at L3 */
	st.blocks = CFG_BLOCKS_L2;
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 48), 3);
	/* 4K starting at level 2 (VA 30): no level-1 block above it */
	st.granule_shift = 12;
	st.ia_bits = 30;
	st.blocks = CFG_BLOCKS_L1;
	ck_assert_int_eq(cfg_block_level(&st, MMU_STAGE1, 48), 2);
}
END_TEST

/* ---- echo ------------------------------------------------------------------ */

static void round_trip(const struct sim_config *orig)
{
	struct sim_config back;
	struct sim_error err;
	char *text = echo_text(orig), *text2;
	int rc;

	sim_error_clear(&err);
	ck_assert_int_eq(cfg_init_defaults(&back), 0);
	rc = cfg_load_string(&back, text, "echo", &err);
	ck_assert_msg(rc == 0, "%s\n%s", err.msg, text);
	ck_assert_msg(cfg_finalize(&back, &err) == 0, "%s", err.msg);
	text2 = echo_text(&back);
	ck_assert_str_eq(text2, text);
	ck_assert_int_eq(memcmp(&back, orig, sizeof(back)), 0);
	free(text);
	free(text2);
}

START_TEST(test_echo_round_trip)
{
	struct fx f;

	fx_init(&f);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	round_trip(&f.cfg);

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "cortex-a72", &f.err), 0);
	set_ok(&f, "stage2.huge_fraction=0.125");
	set_ok(&f, "run.seed=18446744073709551615");
	set_ok(&f, "tlb.levels=L1I,L1D,L2,L3");
	set_ok(&f, "tlb.L2.next=L3");
	set_ok(&f, "tlb.L3.entries=4096");
	set_ok(&f, "tlb.L3.ways=8");
	set_ok(&f, "tlb.L3.org=split");
	set_ok(&f, "tlb.L3.sizes=4k,64k,2m");
	set_ok(&f, "cache.levels=L1D");
	set_ok(&f, "cache.L1D.size=48k");
	set_ok(&f, "cache.L1D.ways=3");
	ck_assert_msg(cfg_finalize(&f.cfg, &f.err) == 0, "%s", f.err.msg);
	round_trip(&f.cfg);

	fx_init(&f);
	ck_assert_int_eq(cfg_load_preset(&f.cfg, "one-level", &f.err), 0);
	set_ok(&f, "one_level.split=1");
	set_ok(&f, "one_level.page=16k");
	set_ok(&f, "one_level.entries=128");
	set_ok(&f, "one_level.ways=2");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	round_trip(&f.cfg);
}
END_TEST

START_TEST(test_echo_format)
{
	struct fx f;
	char *text;

	fx_init(&f);
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	text = echo_text(&f.cfg);
	ck_assert_msg(!strncmp(text, "[run]\npreset = none\nmode = virt\nseed = 1\n"
			       "warmup = 0\nbase_cycles = 4\ncrossing = split\n"
			       "fast_path = 1\n[stage1]\ngranule = 4k\n", 120), "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "[tlb]\nlevels = L1I,L1D,L2\n[tlb.L1I]\n"
				     "entries = 48\nways = 48\nrepl = lru\nserves = inst\n"
				     "sizes = 4k,16k,64k,2m,32m\norg = shared\nlatency = 1\n"
				     "next = L2\n[tlb.L1D]\n"));
	ck_assert_ptr_nonnull(strstr(text, "[cache.L2]\nsize = 1m\nways = 8\nline = 64\n"));
	ck_assert_ptr_nonnull(strstr(text, "huge_fraction = 1\n"));
	free(text);
}
END_TEST

START_TEST(test_two_configs_are_independent)
{
	struct fx a, b;

	fx_init(&a);
	fx_init(&b);
	set_ok(&a, "tlb.L1D.entries=16");
	ck_assert_uint_eq(b.cfg.tlb.level[1].entries, 48);
	ck_assert_int_eq(cfg_load_preset(&b.cfg, "one-level", &b.err), 0);
	ck_assert_uint_eq(a.cfg.tlb.nlevels, 3);
}
END_TEST

/* ---- [policy] ------------------------------------------------------------ */

START_TEST(test_policy_keys)
{
	struct fx f;
	const struct cfg_policy *p = &f.cfg.policy;
	char *echo;

	/* Defaults (sim/CONFIG.md [policy]): 16-bit ASIDs and VMIDs, the new
	 * VMID scheme, VMID tagging, global kernel mappings, VHE, minimal EL2
	 * tables, broadcast maintenance at 50 / 500 / 2000 cycles. */
	fx_init(&f);
	ck_assert_uint_eq(p->asid_bits, 16);
	ck_assert_uint_eq(p->vmid_bits, 16);
	ck_assert_int_eq(p->vmid_scheme, CFG_VMID_NEW);
	ck_assert(p->vmid_tagging && p->kernel_global && p->vhe && !p->el2_extra_level);
	ck_assert_int_eq(p->tlbi_scope, CFG_TLBI_BROADCAST);
	ck_assert_uint_eq(p->tlbi_local_cycles, 50);
	ck_assert_uint_eq(p->tlbi_broadcast_cycles, 500);
	ck_assert_uint_eq(p->ipi_cycles, 2000);

	set_ok(&f, "policy.asid_bits=8");
	set_ok(&f, "policy.vmid_bits=8");
	set_ok(&f, "policy.vmid_scheme=old");
	set_ok(&f, "policy.vmid_tagging=0");
	set_ok(&f, "policy.kernel_global=no");
	set_ok(&f, "policy.vhe=off");
	set_ok(&f, "policy.el2_extra_level=1");
	set_ok(&f, "policy.tlbi_scope=local");
	set_ok(&f, "policy.ipi_cycles=0");
	ck_assert_int_eq(cfg_finalize(&f.cfg, &f.err), 0);
	ck_assert_uint_eq(p->asid_bits, 8);
	ck_assert_int_eq(p->vmid_scheme, CFG_VMID_OLD);
	ck_assert(!p->vmid_tagging && !p->kernel_global && !p->vhe && p->el2_extra_level);
	ck_assert_int_eq(p->tlbi_scope, CFG_TLBI_LOCAL);
	ck_assert_uint_eq(p->ipi_cycles, 0);
	/* the echo carries the section and reads back */
	echo = echo_text(&f.cfg);
	ck_assert_ptr_nonnull(strstr(echo, "[policy]\nasid_bits = 8\nvmid_bits = 8\n"));
	{
		struct fx g;

		fx_init(&g);
		ck_assert_int_eq(cfg_load_string(&g.cfg, echo, "echo", &g.err), 0);
		ck_assert_int_eq(cfg_finalize(&g.cfg, &g.err), 0);
		ck_assert(!memcmp(&g.cfg.policy, &f.cfg.policy, sizeof(f.cfg.policy)));
	}
	free(echo);

	ck_assert_int_eq(cfg_set(&f.cfg, "policy.asid_bits=12", &f.err), SIM_E_CONFIG);
	ck_assert_str_eq(f.err.msg, "--set 'policy.asid_bits=12': [policy] asid_bits: expected "
			 "one of 8|16, got '12'");
	ck_assert_int_eq(cfg_set(&f.cfg, "policy.tlbi_scope=global", &f.err), SIM_E_CONFIG);
	ck_assert_int_eq(cfg_set(&f.cfg, "policy.tlbi_local_cycles=1000001", &f.err), SIM_E_CONFIG);
	ck_assert_int_eq(cfg_set(&f.cfg, "policy.colour=red", &f.err), SIM_E_CONFIG);
}
END_TEST

START_TEST(test_policy_help)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	static const char *const want[] = {
		"policy.asid_bits: 8|16 (default: 16)", "policy.vmid_scheme: new|old (default: new)",
		"policy.vmid_tagging: boolean 0|1 (default: 1)", "policy.tlbi_scope: broadcast|local",
		"policy.ipi_cycles: integer 0..1000000 (default: 2000)",
	};

	ck_assert_ptr_nonnull(mf);
	cfg_print_help(mf);
	fclose(mf);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_msg(strstr(buf, want[i]), "help lacks '%s'", want[i]);
	free(buf);
}
END_TEST

/* ---- keys without effect ---- */

struct unused_seen {
	char keys[1024];
	unsigned n;
};

static void unused_note(void *ctx, const char *key, const char *value, const char *why)
{
	struct unused_seen *u = ctx;
	size_t len = strlen(u->keys);

	ck_assert(why && *why);
	snprintf(u->keys + len, sizeof(u->keys) - len, "%s=%s ", key, value);
	u->n++;
}

/* The keys cfg_unused() reports for @preset (NULL: none) and @sets, as
 * "key=value " in configuration order. */
static const char *unused_of(const char *preset, const char *const *sets,
			     const struct cfg_use *use, unsigned what)
{
	static struct unused_seen u;
	struct sim_config user, fin;
	struct sim_error err = { 0 };

	memset(&u, 0, sizeof(u));
	ck_assert_int_eq(cfg_init_defaults(&user), 0);
	if (preset)
		ck_assert_int_eq(cfg_load_preset(&user, preset, &err), 0);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set(&user, *sets, &err) == 0, "%s: %s", *sets, err.msg);
	fin = user;
	ck_assert_msg(cfg_finalize(&fin, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg_unused(&user, &fin, use, what, unused_note, &u), u.n);
	return u.keys;
}

START_TEST(test_unused_keys)
{
	static const struct cfg_use single = { .ncpus = 1 };
	static const struct cfg_use traced = { .spaces = true, .ncpus = 1 };
	static const struct cfg_use sched2 = { .spaces = true, .exits = true, .workload = true,
					       .ncpus = 2 };
	const unsigned all = CFG_UNUSED_STATIC | CFG_UNUSED_POLICY;
	static const char *const native[] = {
		"run.mode=native", "stage2.granule=16k", "stage2.blocks=l2", "walkcache.s2.ways=2",
		"stage1.granule=16k", "tlb.L1D.entries=32", "policy.vhe=0", NULL,
	};
	static const char *const absent[] = {
		"walkcache.s1.entries=0", "walkcache.s1.repl=fifo", "s2tlb.latency=5",
		"tlb.L1D.sizes=4k", "tlb.L1D.org=split", "tlb.L1I.org=split", "run.seed=3", NULL,
	};
	static const char *const random[] = { "run.seed=3", "tlb.L2.repl=random", NULL };
	static const char *const one_level[] = {
		"tlb.L1.entries=8", "run.mode=virt", "one_level.entries=8", "stage2.ipa_bits=48",
		NULL,
	};
	static const char *const policy[] = {
		"policy.tlbi_scope=local", "policy.tlbi_broadcast_cycles=1", "policy.ipi_cycles=1",
		"policy.el2_extra_level=1", "policy.asid_bits=8", NULL,
	};

	/* Nothing changed, or a preset's own values (the A72 sets ha = 0
	 * for stage 2, which would have no effect): nothing to say. */
	ck_assert_str_eq(unused_of(NULL, NULL, &single, all), "");
	ck_assert_str_eq(unused_of("cortex-a72", NULL, &single, all), "");
	/* native: stage 2 and its caches; a value equal to the default
	 * (stage2.blocks = l2) is not reported; stage-1 and TLB keys apply */
	ck_assert_str_eq(unused_of(NULL, native, &single, CFG_UNUSED_STATIC),
			 "stage2.granule=16k walkcache.s2.ways=2 ");
	ck_assert_str_eq(unused_of(NULL, native, &traced, CFG_UNUSED_POLICY), "policy.vhe=0 ");
	ck_assert_str_eq(unused_of(NULL, native, &single, CFG_UNUSED_POLICY), "policy.vhe=0 ");
	/* absent structures, one page size, nothing random; L1I holds
	 * several sizes */
	ck_assert_str_eq(unused_of(NULL, absent, &single, all),
			 "run.seed=3 tlb.L1D.org=split walkcache.s1.repl=fifo ");
	ck_assert_str_eq(unused_of(NULL, random, &single, all), "");
	/* the one-level preset replaces the TLBs and the mode (so stage 2
	 * is off); its own keys apply */
	ck_assert_str_eq(unused_of("one-level", one_level, &single, all),
			 "run.mode=virt stage2.ipa_bits=48 tlb.L1.entries=8 ");
	ck_assert_str_eq(unused_of(NULL, one_level + 2, &single, all),
			 "one_level.entries=8 ");
	/* [policy]: one address space; then a traced run (one CPU, no
	 * exits) and a scheduled 2-CPU workload */
	ck_assert_str_eq(unused_of(NULL, policy, &single, all),
			 "policy.asid_bits=8 policy.el2_extra_level=1 policy.tlbi_scope=local "
			 "policy.tlbi_broadcast_cycles=1 policy.ipi_cycles=1 ");
	ck_assert_str_eq(unused_of(NULL, policy, &traced, all),
			 "policy.el2_extra_level=1 policy.tlbi_broadcast_cycles=1 "
			 "policy.ipi_cycles=1 ");
	ck_assert_str_eq(unused_of(NULL, policy, &sched2, all),
			 "policy.el2_extra_level=1 policy.tlbi_broadcast_cycles=1 ");
	/* stage-2 HA: never */
	{
		static const char *const ha[] = { "stage2.ha=0", "stage1.ha=0", NULL };

		ck_assert_str_eq(unused_of(NULL, ha, &single, all), "stage2.ha=0 ");
	}
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_help_lists_every_key);
	tcase_add_test(tc, test_two_configs_are_independent);
	suite_add_tcase(s, tc);

	tc = tcase_create("presets");
	tcase_add_test(tc, test_every_preset_validates);
	tcase_add_test(tc, test_preset_values);
	tcase_add_test(tc, test_preset_errors);
	tcase_add_test(tc, test_preset_replaces_earlier_settings);
	suite_add_tcase(s, tc);

	tc = tcase_create("one_level");
	tcase_add_test(tc, test_one_level_default);
	tcase_add_test(tc, test_one_level_overrides);
	tcase_add_test(tc, test_one_level_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_test(tc, test_set_values);
	tcase_add_test(tc, test_set_levels_keeps_existing);
	tcase_add_loop_test(tc, test_set_errors, 0, (int)ARRAY_SIZE(set_errors));
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_file_good);
	tcase_add_loop_test(tc, test_file_errors, 0, (int)ARRAY_SIZE(file_errors));
	tcase_add_test(tc, test_file_then_finalize_error);
	tcase_add_test(tc, test_string_line_numbers);
	tcase_add_test(tc, test_ini_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_test(tc, test_validate_tlb);
	tcase_add_test(tc, test_validate_stages);
	tcase_add_test(tc, test_validate_mode_scopes);
	tcase_add_test(tc, test_validate_64k_l1_blocks);
	tcase_add_loop_test(tc, test_start_levels, 0, (int)ARRAY_SIZE(level_cases));
	tcase_add_test(tc, test_block_levels);
	suite_add_tcase(s, tc);

	tc = tcase_create("echo");
	tcase_add_test(tc, test_echo_round_trip);
	tcase_add_test(tc, test_echo_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_test(tc, test_policy_keys);
	tcase_add_test(tc, test_policy_help);
	tcase_add_test(tc, test_unused_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
