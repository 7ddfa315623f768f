/*
 * sim/config.c - the option table and everything it drives: INI parsing
 * (libinih), --set overrides, --help-config, range checks, cross-field
 * validation and the configuration echo.
 *
 * Model of the table: a section (struct opt_section) is either fixed, and
 * then maps onto one sub-struct of struct sim_config, or templated
 * ("tlb.NAME", "cache.NAME"), and then maps onto the level of that name.
 * Each row (struct opt) names a key, its type, the offset of its field in
 * the section's struct, its default text, its range and its help line.
 * Defaults are applied by parsing the default text, so a default can never
 * bypass the checks a user's value goes through.
 *
 * Line numbers: the Debian libinih is built without INI_HANDLER_LINENO, so
 * the reader handed to ini_parse_stream() counts the lines itself.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "sim/bits.h"
#include "sim/config.h"
#include "sim/err.h"

_Static_assert(sizeof(enum cfg_mode) == sizeof(int), "enum fields are set through int");
_Static_assert(sizeof(enum cfg_repl) == sizeof(int), "enum fields are set through int");

enum opt_type {
	OPT_UINT,               /* unsigned, decimal or 0x hex, [min, max] */
	OPT_U64,                /* uint64_t, [min, max] */
	OPT_SIZE,               /* uint64_t bytes, k/m/g suffixes, [min, max] */
	OPT_BOOL,               /* bool: 0/1, true/false, yes/no, on/off */
	OPT_ENUM,               /* int-sized enum, one of choices[] */
	OPT_PAGESIZES,          /* uint64_t mask of page sizes, "4k,2m" */
	OPT_PPM,                /* uint32_t parts per million, "0.25" */
	OPT_LEVELNAME,          /* char[CFG_NAME_MAX] level name or "none" */
	OPT_TLB_LEVELS,         /* struct cfg_tlb: the list of level names */
	OPT_CACHE_LEVELS,       /* struct cfg_cache: the list, or "none" */
	OPT_PRESET,             /* char[] preset name: setting it loads it */
};

struct opt_choice {
	const char *name;
	int value;
};

struct opt {
	const char *key;
	enum opt_type type;
	size_t off;             /* offset in the section's struct */
	const struct opt_choice *choices;       /* OPT_ENUM, NULL-terminated */
	const char *dflt;
	uint64_t min, max;      /* OPT_UINT, OPT_U64, OPT_SIZE */
	const char *help;
};

enum sec_kind {
	SEC_FIXED,              /* base = offset of the sub-struct */
	SEC_TLB_LEVEL,          /* [tlb.NAME] -> struct cfg_tlb_level */
	SEC_CACHE_LEVEL,        /* [cache.NAME] -> struct cfg_cache_level */
};

struct opt_section {
	const char *name;
	enum sec_kind kind;
	size_t base;
	const struct opt *opts;
	size_t nopts;
};

/* ---- choices ---------------------------------------------------------- */

static const struct opt_choice mode_choices[] = {
	{ "native", CFG_MODE_NATIVE }, { "virt", CFG_MODE_VIRT },
	{ "s2only", CFG_MODE_S2ONLY }, { NULL, 0 },
};
static const struct opt_choice crossing_choices[] = {
	{ "split", CFG_CROSSING_SPLIT }, { "first", CFG_CROSSING_FIRST }, { NULL, 0 },
};
static const struct opt_choice granule_choices[] = {
	{ "4k", 12 }, { "16k", 14 }, { "64k", 16 }, { NULL, 0 },
};
static const struct opt_choice level_choices[] = {
	{ "auto", CFG_LEVEL_AUTO }, { "0", 0 }, { "1", 1 }, { "2", 2 }, { "3", 3 },
	{ NULL, 0 },
};
static const struct opt_choice blocks_choices[] = {
	{ "none", CFG_BLOCKS_NONE }, { "l2", CFG_BLOCKS_L2 }, { "l1", CFG_BLOCKS_L1 },
	{ NULL, 0 },
};
/* The PARange sizes (ID_AA64MMFR0_EL1.PARange). */
static const struct opt_choice pa_choices[] = {
	{ "32", 32 }, { "36", 36 }, { "40", 40 }, { "42", 42 }, { "44", 44 },
	{ "48", 48 }, { "52", 52 }, { NULL, 0 },
};
static const struct opt_choice repl_choices[] = {
	{ "lru", CFG_REPL_LRU }, { "plru", CFG_REPL_PLRU }, { "fifo", CFG_REPL_FIFO },
	{ "random", CFG_REPL_RANDOM }, { NULL, 0 },
};
static const struct opt_choice serves_choices[] = {
	{ "inst", CFG_SERVES_INST }, { "data", CFG_SERVES_DATA },
	{ "unified", CFG_SERVES_UNIFIED }, { NULL, 0 },
};
static const struct opt_choice org_choices[] = {
	{ "shared", CFG_ORG_SHARED }, { "split", CFG_ORG_SPLIT }, { NULL, 0 },
};
static const struct opt_choice page_choices[] = {
	{ "4k", 12 }, { "16k", 14 }, { "64k", 16 }, { "2m", 21 }, { NULL, 0 },
};
/* Page and block sizes a TLB may hold (VMSAv8-64 without 52-bit blocks). */
static const struct opt_choice pagesize_names[] = {
	{ "4k", 12 }, { "16k", 14 }, { "64k", 16 }, { "2m", 21 }, { "32m", 25 },
	{ "512m", 29 }, { "1g", 30 }, { NULL, 0 },
};

static const struct opt_choice idbits_choices[] = {
	{ "8", 8 }, { "16", 16 }, { NULL, 0 },
};
static const struct opt_choice vmid_scheme_choices[] = {
	{ "new", CFG_VMID_NEW }, { "old", CFG_VMID_OLD }, { NULL, 0 },
};
static const struct opt_choice tlbi_scope_choices[] = {
	{ "broadcast", CFG_TLBI_BROADCAST }, { "local", CFG_TLBI_LOCAL }, { NULL, 0 },
};

/* ---- the table -------------------------------------------------------- */

#define ROW(k, t, st, f, ch, d, lo, hi, h) \
	{ .key = (k), .type = (t), .off = offsetof(st, f), .choices = (ch), \
	  .dflt = (d), .min = (lo), .max = (hi), .help = (h) }

static const struct opt run_opts[] = {
	ROW("preset", OPT_PRESET, struct cfg_run, preset, NULL, "none", 0, 0,
	    "preset the configuration started from; setting it loads that preset "
	    "and discards everything set before"),
	ROW("mode", OPT_ENUM, struct cfg_run, mode, mode_choices, "virt", 0, 0,
	    "native = stage 1 only; virt = stage 1 + stage 2; s2only = stage 2 only"),
	ROW("seed", OPT_U64, struct cfg_run, seed, NULL, "1", 0, UINT64_MAX,
	    "seed of every random choice (random replacement, synthetic layouts)"),
	ROW("warmup", OPT_U64, struct cfg_run, warmup, NULL, "0", 0, UINT64_MAX,
	    "accesses simulated before the statistics snapshot"),
	ROW("base_cycles", OPT_U64, struct cfg_run, base_cycles, NULL, "4", 1, 1000000,
	    "base cost of one access in cycles; translation overhead is reported "
	    "relative to accesses x base_cycles"),
	ROW("crossing", OPT_ENUM, struct cfg_run, crossing, crossing_choices, "split", 0, 0,
	    "access crossing a page boundary: split = look up each page, lowest "
	    "first; first = look up the first byte's page only"),
	ROW("fast_path", OPT_BOOL, struct cfg_run, fast_path, NULL, "1", 0, 0,
	    "use the lookup shortcuts (results are identical either way)"),
};

static const struct opt stage1_opts[] = {
	ROW("granule", OPT_ENUM, struct cfg_stage, granule_shift, granule_choices, "4k", 0, 0,
	    "translation granule (TCR_EL1.TG0)"),
	ROW("va_bits", OPT_UINT, struct cfg_stage, ia_bits, NULL, "48", 25, 48,
	    "virtual address size (64 - TCR_EL1.T0SZ)"),
	ROW("start_level", OPT_ENUM, struct cfg_stage, start_level, level_choices, "auto", 0, 0,
	    "first lookup level; auto derives it from va_bits and the granule, "
	    "an explicit value must agree"),
	ROW("blocks", OPT_ENUM, struct cfg_stage, blocks, blocks_choices, "none", 0, 0,
	    "largest mappings used: none = pages; l2 = 2M/32M/512M blocks; "
	    "l1 = 1G blocks with 4K (l2 with 16K/64K)"),
	ROW("pa_bits", OPT_ENUM, struct cfg_stage, pa_bits, pa_choices, "48", 0, 0,
	    "stage-1 output size (TCR_EL1.IPS): the PA in native mode, the IPA in "
	    "virt mode; 52 only with 64k"),
	ROW("ha", OPT_BOOL, struct cfg_stage, ha, NULL, "1", 0, 0,
	    "hardware access-flag update for stage 1 (TCR_EL1.HA); the OS maps "
	    "fault-around pages old only with it (as Linux), so each first access "
	    "to one is a descriptor write (walk_writes)"),
	ROW("fault_around", OPT_SIZE, struct cfg_stage, fault_around, NULL, "64k", 0,
	    UINT64_C(1) << 29,
	    "bytes of the aligned window the OS maps around a process's first "
	    "instruction fetch of a page (Linux fault_around_bytes); 0 or one "
	    "page = none; a power of two, at most one last-level table"),
};

static const struct opt stage2_opts[] = {
	ROW("granule", OPT_ENUM, struct cfg_stage, granule_shift, granule_choices, "4k", 0, 0,
	    "stage-2 translation granule (VTCR_EL2.TG0)"),
	ROW("ipa_bits", OPT_UINT, struct cfg_stage, ia_bits, NULL, "40", 32, 52,
	    "IPA size (64 - VTCR_EL2.T0SZ); above 48 only with 64k and pa_bits = 52"),
	ROW("start_level", OPT_ENUM, struct cfg_stage, start_level, level_choices, "auto", 0, 0,
	    "first lookup level (VTCR_EL2.SL0); auto = the fewest levels with at "
	    "most 16 concatenated tables, at least two levels (as KVM chooses)"),
	ROW("blocks", OPT_ENUM, struct cfg_stage, blocks, blocks_choices, "l2", 0, 0,
	    "largest host mappings: none = pages; l2 = 2M/32M/512M; l1 = 1G with 4K"),
	ROW("pa_bits", OPT_ENUM, struct cfg_stage, pa_bits, pa_choices, "48", 0, 0,
	    "host physical address size (VTCR_EL2.PS); 52 only with 64k"),
	ROW("huge_fraction", OPT_PPM, struct cfg_stage, huge_ppm, NULL, "1", 0, 0,
	    "fraction 0..1 of guest memory the host backs with blocks (models "
	    "host fragmentation); up to 6 decimals"),
	ROW("ha", OPT_BOOL, struct cfg_stage, ha, NULL, "1", 0, 0,
	    "hardware access-flag update for stage 2 (VTCR_EL2.HA); no effect: KVM maps "
	    "stage 2 young and no page is aged"),
};

static const struct opt tlb_opts[] = {
	ROW("levels", OPT_TLB_LEVELS, struct cfg_tlb, nlevels, NULL, "L1I,L1D,L2", 0, 0,
	    "TLB level names, comma-separated, at most 8; each gets a [tlb.NAME] "
	    "section, which must follow this key"),
};

static const struct opt tlb_level_opts[] = {
	ROW("entries", OPT_UINT, struct cfg_tlb_level, entries, NULL, "64", 1, 1u << 20,
	    "number of entries"),
	ROW("ways", OPT_UINT, struct cfg_tlb_level, ways, NULL, "0", 0, 1u << 20,
	    "associativity; 0 = entries (fully associative); entries/ways sets "
	    "must be a power of two"),
	ROW("repl", OPT_ENUM, struct cfg_tlb_level, repl, repl_choices, "lru", 0, 0,
	    "replacement policy (plru needs a power-of-two ways)"),
	ROW("serves", OPT_ENUM, struct cfg_tlb_level, serves, serves_choices, "unified", 0, 0,
	    "accesses this level holds translations for"),
	ROW("sizes", OPT_PAGESIZES, struct cfg_tlb_level, sizes, NULL, "4k", 0, 0,
	    "page sizes it holds, comma-separated: 4k,16k,64k,2m,32m,512m,1g; "
	    "larger pages are splintered into the largest held size"),
	ROW("org", OPT_ENUM, struct cfg_tlb_level, org, org_choices, "shared", 0, 0,
	    "shared = one array for every size; split = one array per size, "
	    "each entries x ways"),
	ROW("latency", OPT_UINT, struct cfg_tlb_level, latency, NULL, "1", 0, 10000,
	    "cycles for a lookup at this level"),
	ROW("next", OPT_LEVELNAME, struct cfg_tlb_level, next, NULL, "none", 0, 0,
	    "the level a miss goes to, or none (then a miss walks)"),
};

static const struct opt wcache_opts[] = {
	ROW("entries", OPT_UINT, struct cfg_wcache, entries, NULL, "0", 0, 1u << 20,
	    "number of entries; 0 = absent"),
	ROW("ways", OPT_UINT, struct cfg_wcache, ways, NULL, "0", 0, 1u << 20,
	    "associativity; 0 = entries (fully associative)"),
	ROW("repl", OPT_ENUM, struct cfg_wcache, repl, repl_choices, "lru", 0, 0,
	    "replacement policy"),
	ROW("latency", OPT_UINT, struct cfg_wcache, latency, NULL, "1", 0, 10000,
	    "cycles for a lookup"),
};

static const struct opt cache_opts[] = {
	ROW("levels", OPT_CACHE_LEVELS, struct cfg_cache, nlevels, NULL, "L1D,L2,LLC", 0, 0,
	    "caches a walk's descriptor reads go through, nearest first, at most 4, "
	    "or none; each gets a [cache.NAME] section, which must follow this key"),
};

static const struct opt cache_level_opts[] = {
	ROW("size", OPT_SIZE, struct cfg_cache_level, size, NULL, "64k", 64, UINT64_C(1) << 40,
	    "capacity in bytes (k, m, g suffixes are powers of 1024)"),
	ROW("ways", OPT_UINT, struct cfg_cache_level, ways, NULL, "4", 1, 1024,
	    "associativity; size / (ways x line) sets must be a power of two"),
	ROW("line", OPT_UINT, struct cfg_cache_level, line, NULL, "64", 16, 4096,
	    "line size in bytes, a power of two"),
	ROW("latency", OPT_UINT, struct cfg_cache_level, latency, NULL, "4", 0, 100000,
	    "cycles for a hit at this level"),
};

static const struct opt memory_opts[] = {
	ROW("latency", OPT_UINT, struct cfg_memory, latency, NULL, "200", 0, 1000000,
	    "cycles for a descriptor read that misses every cache"),
};

static const struct opt one_level_opts[] = {
	ROW("entries", OPT_UINT, struct cfg_one_level, entries, NULL, "64", 1, 1u << 24,
	    "one-level preset: entries, a power of two"),
	ROW("ways", OPT_UINT, struct cfg_one_level, ways, NULL, "0", 0, 1u << 24,
	    "one-level preset: ways, a power of two dividing entries; 0 = entries"),
	ROW("page", OPT_ENUM, struct cfg_one_level, page_shift, page_choices, "4k", 0, 0,
	    "one-level preset: 4k/16k/64k base pages of that granule, or 2m = 4K "
	    "granule with every page mapped by a 2 MiB block"),
	ROW("split", OPT_BOOL, struct cfg_one_level, split, NULL, "0", 0, 0,
	    "one-level preset: 0 = one unified TLB L1; 1 = L1I and L1D, each with "
	    "this geometry"),
	ROW("crossing", OPT_ENUM, struct cfg_one_level, crossing, crossing_choices, "split", 0, 0,
	    "one-level preset: run.crossing"),
};

static const struct opt policy_opts[] = {
	ROW("asid_bits", OPT_ENUM, struct cfg_policy, asid_bits, idbits_choices, "16", 0, 0,
	    "multi-space runs: ASID width (ID_AA64MMFR0_EL1.ASIDBits, "
	    "TCR_EL1.AS)"),
	ROW("vmid_bits", OPT_ENUM, struct cfg_policy, vmid_bits, idbits_choices, "16", 0, 0,
	    "multi-space runs: VMID width (ID_AA64MMFR1_EL1.VMIDBits, VTCR_EL2.VS)"),
	ROW("vmid_scheme", OPT_ENUM, struct cfg_policy, vmid_scheme, vmid_scheme_choices, "new", 0, 0,
	    "multi-space runs: KVM's VMID allocator: new = reserved VMIDs (Linux 5.18+); "
	    "old = the earlier counter"),
	ROW("vmid_tagging", OPT_BOOL, struct cfg_policy, vmid_tagging, NULL, "1", 0, 0,
	    "multi-space runs: TLB entries tagged by VMID (flush only on a VMID rollover); "
	    "0 = one VMID for all, TLBs flushed on every guest/host switch"),
	ROW("kernel_global", OPT_BOOL, struct cfg_policy, kernel_global, NULL, "1", 0, 0,
	    "multi-space runs: kernel-half mappings global; 0 = non-global (one TLB entry "
	    "per ASID; without VMID tagging no world-switch flush is needed then)"),
	ROW("vhe", OPT_BOOL, struct cfg_policy, vhe, NULL, "1", 0, 0,
	    "multi-space runs: host in the EL2&0 regime with ASIDs; 0 = host at EL1, "
	    "hypervisor in the EL2 regime (its own TTBR0_EL2 tables, no ASID)"),
	ROW("el2_extra_level", OPT_BOOL, struct cfg_policy, el2_extra_level, NULL, "0", 0, 0,
	    "scheduled workloads without VHE: EL2 tables one level deeper than the "
	    "kernel's VA size needs (the idmap case); no effect with 48-bit stage 1"),
	ROW("tlbi_scope", OPT_ENUM, struct cfg_policy, tlbi_scope, tlbi_scope_choices, "broadcast", 0, 0,
	    "multi-space runs: maintenance for every CPU as one broadcast (inner-shareable) "
	    "TLBI, or as a local TLBI on each CPU with an IPI to the others"),
	ROW("tlbi_local_cycles", OPT_UINT, struct cfg_policy, tlbi_local_cycles, NULL, "50", 0, 1000000,
	    "multi-space runs: cycles a local TLBI (with its DSB NSH) costs the CPU that issues it"),
	ROW("tlbi_broadcast_cycles", OPT_UINT, struct cfg_policy, tlbi_broadcast_cycles, NULL, "500",
	    0, 1000000,
	    "multi-space runs: cycles a broadcast TLBI (with its DSB ISH) costs the CPU that issues it"),
	ROW("ipi_cycles", OPT_UINT, struct cfg_policy, ipi_cycles, NULL, "2000", 0, 1000000,
	    "multi-space runs, tlbi_scope = local: cycles each other CPU spends on the "
	    "interrupt that asks it for its local TLBI"),
};

#define SEC(n, k, b, o) { .name = (n), .kind = (k), .base = (b), .opts = (o), \
			  .nopts = ARRAY_SIZE(o) }

/* Table order is echo, help and JSON order. */
static const struct opt_section sections[] = {
	SEC("run", SEC_FIXED, offsetof(struct sim_config, run), run_opts),
	SEC("stage1", SEC_FIXED, offsetof(struct sim_config, stage1), stage1_opts),
	SEC("stage2", SEC_FIXED, offsetof(struct sim_config, stage2), stage2_opts),
	SEC("tlb", SEC_FIXED, offsetof(struct sim_config, tlb), tlb_opts),
	SEC("tlb.NAME", SEC_TLB_LEVEL, 0, tlb_level_opts),
	SEC("walkcache.s1", SEC_FIXED, offsetof(struct sim_config, wc_s1), wcache_opts),
	SEC("walkcache.s2", SEC_FIXED, offsetof(struct sim_config, wc_s2), wcache_opts),
	SEC("s2tlb", SEC_FIXED, offsetof(struct sim_config, s2tlb), wcache_opts),
	SEC("cache", SEC_FIXED, offsetof(struct sim_config, cache), cache_opts),
	SEC("cache.NAME", SEC_CACHE_LEVEL, 0, cache_level_opts),
	SEC("memory", SEC_FIXED, offsetof(struct sim_config, memory), memory_opts),
	SEC("one_level", SEC_FIXED, offsetof(struct sim_config, one_level), one_level_opts),
	SEC("policy", SEC_FIXED, offsetof(struct sim_config, policy), policy_opts),
};

/* ---- small parsers ---------------------------------------------------- */

#define WHY_MAX 320

static bool name_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CFG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Decimal or 0x hex; with suffixes, k/m/g multiply by 2^10/2^20/2^30. */
static bool parse_u64(const char *s, bool suffixes, uint64_t *out)
{
	char *end;
	uint64_t v, mul = 1;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (suffixes && *end) {
		switch (tolower((unsigned char)*end)) {
		case 'k': mul = UINT64_C(1) << 10; break;
		case 'm': mul = UINT64_C(1) << 20; break;
		case 'g': mul = UINT64_C(1) << 30; break;
		default: return false;
		}
		end++;
	}
	if (*end)
		return false;
	if (v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static const struct opt_choice *choice_by_name(const struct opt_choice *c, const char *s)
{
	for (; c->name; c++)
		if (!strcasecmp(c->name, s))
			return c;
	return NULL;
}

static const char *choice_name(const struct opt_choice *c, int v)
{
	for (; c->name; c++)
		if (c->value == v)
			return c->name;
	return "?";
}

static void choices_text(const struct opt_choice *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; c->name && used < len; c++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? "|" : "", c->name);
}

/* "0", "1", "0.25", "1.0": at most 6 decimals, no doubles involved. */
static bool parse_ppm(const char *s, uint32_t *out)
{
	uint64_t ip = 0, frac = 0;
	unsigned digits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p)) {
		ip = ip * 10 + (uint64_t)(*p++ - '0');
		if (ip > 1)
			return false;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (++digits > 6)
				return false;
			frac = frac * 10 + (uint64_t)(*p++ - '0');
		}
		if (!digits)
			return false;
	}
	if (*p)
		return false;
	for (; digits < 6; digits++)
		frac *= 10;
	if (ip * CFG_PPM_ONE + frac > CFG_PPM_ONE)
		return false;
	*out = (uint32_t)(ip * CFG_PPM_ONE + frac);
	return true;
}

static void format_ppm(uint32_t ppm, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u.%06u", ppm / CFG_PPM_ONE, ppm % CFG_PPM_ONE);

	/* trim trailing zeros, keeping one digit after the point */
	while (n > 3 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	if (ppm % CFG_PPM_ONE == 0)
		snprintf(buf, len, "%u", ppm / CFG_PPM_ONE);
}

static void format_size(uint64_t v, char *buf, size_t len)
{
	if (v && !(v % (UINT64_C(1) << 30)))
		snprintf(buf, len, "%" PRIu64 "g", v >> 30);
	else if (v && !(v % (UINT64_C(1) << 20)))
		snprintf(buf, len, "%" PRIu64 "m", v >> 20);
	else if (v && !(v % (UINT64_C(1) << 10)))
		snprintf(buf, len, "%" PRIu64 "k", v >> 10);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static void format_pagesizes(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct opt_choice *c = pagesize_names; c->name && used < len; c++)
		if (mask & BIT(c->value))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "", c->name);
}

static void set_name(char dst[CFG_NAME_MAX], const char *src)
{
	memset(dst, 0, CFG_NAME_MAX);
	if (src)
		memcpy(dst, src, strnlen(src, CFG_NAME_MAX - 1));
}

/*
 * Split a comma list into at most max names, each valid and unique.
 * names must hold max entries of CFG_NAME_MAX chars.
 */
static int parse_namelist(const char *s, char names[][CFG_NAME_MAX], unsigned max,
			  unsigned *count, char *why)
{
	unsigned n = 0;
	const char *p = s;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[64];

		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, p, len);
		name[len] = '\0';
		if (!name_is_valid(name)) {
			snprintf(why, WHY_MAX, "expected a comma list of names of 1..%d "
				 "letters, digits or '_'", CFG_NAME_MAX - 1);
			return -1;
		}
		if (n == max) {
			snprintf(why, WHY_MAX, "at most %u levels", max);
			return -1;
		}
		for (unsigned i = 0; i < n; i++) {
			if (!strcmp(names[i], name)) {
				snprintf(why, WHY_MAX, "level '%s' listed twice", name);
				return -1;
			}
		}
		set_name(names[n++], name);
		if (!end)
			break;
		p = end + 1;
	}
	*count = n;
	return 0;
}

/* ---- setting one value ------------------------------------------------ */

static int cfg_reset_to_preset(struct sim_config *cfg, const char *name, char *why);
static int apply_template_defaults(const struct opt_section *sec, void *base, char *why);
static const struct opt_section *section_by_kind(enum sec_kind kind);

/*
 * Parse value into the field of row o inside base (the section's struct).
 * cfg is the whole configuration, for the rows that rebuild lists or load a
 * preset.  On error, why says what was expected.
 */
static int opt_parse(struct sim_config *cfg, const struct opt *o, void *base,
		     const char *value, char *why)
{
	char *field = (char *)base + o->off;
	char list[96];
	uint64_t v;

	switch (o->type) {
	case OPT_UINT:
	case OPT_U64:
	case OPT_SIZE:
		if (!parse_u64(value, o->type == OPT_SIZE, &v) || v < o->min || v > o->max) {
			snprintf(why, WHY_MAX, "expected %s in %" PRIu64 "..%" PRIu64,
				 o->type == OPT_SIZE ? "a size (k/m/g suffixes)" : "an integer",
				 o->min, o->max);
			return -1;
		}
		if (o->type == OPT_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(uint64_t *)field = v;
		return 0;
	case OPT_BOOL:
		if (!parse_bool(value, (bool *)field)) {
			snprintf(why, WHY_MAX, "expected 0 or 1 (true/false, yes/no, on/off)");
			return -1;
		}
		return 0;
	case OPT_ENUM: {
		const struct opt_choice *c = choice_by_name(o->choices, value);

		if (!c) {
			choices_text(o->choices, list, sizeof(list));
			snprintf(why, WHY_MAX, "expected one of %s", list);
			return -1;
		}
		*(int *)field = c->value;
		return 0;
	}
	case OPT_PAGESIZES: {
		uint64_t mask = 0;
		char tmp[128];
		char *save = NULL, *tok;

		snprintf(tmp, sizeof(tmp), "%s", value);
		for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const struct opt_choice *c;

			while (isspace((unsigned char)*tok))
				tok++;
			for (size_t n = strlen(tok); n && isspace((unsigned char)tok[n - 1]); n--)
				tok[n - 1] = '\0';
			c = choice_by_name(pagesize_names, tok);
			if (!c) {
				mask = 0;
				break;
			}
			mask |= BIT(c->value);
		}
		if (!mask) {
			snprintf(why, WHY_MAX, "expected a comma list of page sizes from "
				 "4k,16k,64k,2m,32m,512m,1g");
			return -1;
		}
		*(uint64_t *)field = mask;
		return 0;
	}
	case OPT_PPM:
		if (!parse_ppm(value, (uint32_t *)field)) {
			snprintf(why, WHY_MAX, "expected a fraction 0..1 with at most 6 decimals");
			return -1;
		}
		return 0;
	case OPT_LEVELNAME:
		if (!strcasecmp(value, "none")) {
			set_name(field, NULL);
			return 0;
		}
		if (!name_is_valid(value)) {
			snprintf(why, WHY_MAX, "expected a level name or none");
			return -1;
		}
		set_name(field, value);
		return 0;
	case OPT_TLB_LEVELS: {
		struct cfg_tlb *tlb = base;
		struct cfg_tlb old = *tlb;
		char names[CFG_TLB_LEVELS_MAX][CFG_NAME_MAX];
		unsigned n;

		if (parse_namelist(value, names, CFG_TLB_LEVELS_MAX, &n, why))
			return -1;
		memset(tlb, 0, sizeof(*tlb));
		for (unsigned i = 0; i < n; i++) {
			int j = cfg_tlb_find(&old, names[i]);

			if (j >= 0) {
				tlb->level[i] = old.level[j];
				continue;
			}
			if (apply_template_defaults(section_by_kind(SEC_TLB_LEVEL),
						    &tlb->level[i], why))
				return -1;
			set_name(tlb->level[i].name, names[i]);
		}
		tlb->nlevels = n;
		return 0;
	}
	case OPT_CACHE_LEVELS: {
		struct cfg_cache *cache = base;
		struct cfg_cache old = *cache;
		char names[CFG_CACHE_LEVELS_MAX][CFG_NAME_MAX];
		unsigned n = 0;

		if (strcasecmp(value, "none") &&
		    parse_namelist(value, names, CFG_CACHE_LEVELS_MAX, &n, why))
			return -1;
		memset(cache, 0, sizeof(*cache));
		for (unsigned i = 0; i < n; i++) {
			unsigned j;

			for (j = 0; j < old.nlevels; j++)
				if (!strcmp(old.level[j].name, names[i]))
					break;
			if (j < old.nlevels) {
				cache->level[i] = old.level[j];
				continue;
			}
			if (apply_template_defaults(section_by_kind(SEC_CACHE_LEVEL),
						    &cache->level[i], why))
				return -1;
			set_name(cache->level[i].name, names[i]);
		}
		cache->nlevels = n;
		return 0;
	}
	case OPT_PRESET:
		return cfg_reset_to_preset(cfg, value, why);
	}
	snprintf(why, WHY_MAX, "internal error: row type %d", (int)o->type);
	return -1;
}

/* Text of a field, as written in INI, and its JSON kind. */
static void opt_format(const struct opt *o, const void *base, char *buf, size_t len,
		       enum cfg_item_kind *kind, uint64_t *ival)
{
	const char *field = (const char *)base + o->off;

	*kind = CFG_ITEM_STRING;
	*ival = 0;
	switch (o->type) {
	case OPT_UINT:
		*ival = *(const unsigned *)field;
		*kind = CFG_ITEM_INT;
		snprintf(buf, len, "%" PRIu64, *ival);
		return;
	case OPT_U64:
		*ival = *(const uint64_t *)field;
		*kind = CFG_ITEM_INT;
		snprintf(buf, len, "%" PRIu64, *ival);
		return;
	case OPT_SIZE:
		*ival = *(const uint64_t *)field;
		*kind = CFG_ITEM_INT;
		format_size(*ival, buf, len);
		return;
	case OPT_BOOL:
		*ival = *(const bool *)field;
		*kind = CFG_ITEM_BOOL;
		snprintf(buf, len, "%d", (int)*ival);
		return;
	case OPT_ENUM: {
		const char *name = choice_name(o->choices, *(const int *)field);

		snprintf(buf, len, "%s", name);
		if (isdigit((unsigned char)name[0])) {
			*kind = CFG_ITEM_INT;
			*ival = (uint64_t)*(const int *)field;
		}
		return;
	}
	case OPT_PAGESIZES:
		format_pagesizes(*(const uint64_t *)field, buf, len);
		return;
	case OPT_PPM:
		*kind = CFG_ITEM_NUMBER;
		format_ppm(*(const uint32_t *)field, buf, len);
		return;
	case OPT_LEVELNAME:
		snprintf(buf, len, "%s", field[0] ? field : "none");
		return;
	case OPT_TLB_LEVELS: {
		const struct cfg_tlb *tlb = base;
		size_t used = 0;

		buf[0] = '\0';
		for (unsigned i = 0; i < tlb->nlevels && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i ? "," : "", tlb->level[i].name);
		return;
	}
	case OPT_CACHE_LEVELS: {
		const struct cfg_cache *cache = base;
		size_t used = 0;

		snprintf(buf, len, "none");
		for (unsigned i = 0; i < cache->nlevels && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i ? "," : "", cache->level[i].name);
		return;
	}
	case OPT_PRESET:
		snprintf(buf, len, "%s", field);
		return;
	}
	snprintf(buf, len, "?");
}

static const struct opt_section *section_by_kind(enum sec_kind kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (sections[i].kind == kind)
			return &sections[i];
	return NULL;
}

static int apply_template_defaults(const struct opt_section *sec, void *base, char *why)
{
	for (size_t i = 0; i < sec->nopts; i++)
		if (opt_parse(NULL, &sec->opts[i], base, sec->opts[i].dflt, why))
			return -1;
	return 0;
}

/*
 * Find the struct a section name maps onto.  Returns the section row and
 * sets *base, or NULL with why filled.
 */
static const struct opt_section *section_lookup(struct sim_config *cfg, const char *name,
						void **base, char *why)
{
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		if (sections[i].kind == SEC_FIXED && !strcmp(sections[i].name, name)) {
			*base = (char *)cfg + sections[i].base;
			return &sections[i];
		}
	}
	if (!strncmp(name, "tlb.", 4)) {
		int j = cfg_tlb_find(&cfg->tlb, name + 4);
		char list[96];
		enum cfg_item_kind k;
		uint64_t iv;

		if (j < 0) {
			opt_format(&tlb_opts[0], &cfg->tlb, list, sizeof(list), &k, &iv);
			snprintf(why, WHY_MAX, "no TLB level named '%.40s' (tlb.levels = %s); "
				 "list it in [tlb] levels first", name + 4, list);
			return NULL;
		}
		*base = &cfg->tlb.level[j];
		return section_by_kind(SEC_TLB_LEVEL);
	}
	if (!strncmp(name, "cache.", 6)) {
		char list[96];
		enum cfg_item_kind k;
		uint64_t iv;

		for (unsigned j = 0; j < cfg->cache.nlevels; j++) {
			if (!strcmp(cfg->cache.level[j].name, name + 6)) {
				*base = &cfg->cache.level[j];
				return section_by_kind(SEC_CACHE_LEVEL);
			}
		}
		opt_format(&cache_opts[0], &cfg->cache, list, sizeof(list), &k, &iv);
		snprintf(why, WHY_MAX, "no cache level named '%.40s' (cache.levels = %s); "
			 "list it in [cache] levels first", name + 6, list);
		return NULL;
	}
	snprintf(why, WHY_MAX, "unknown section; expected run, stage1, stage2, tlb, "
		 "tlb.NAME, walkcache.s1, walkcache.s2, s2tlb, cache, cache.NAME, "
		 "memory, one_level or policy");
	return NULL;
}

/*
 * Apply section/key = value.  where is the origin for messages
 * ("file.ini:12" or "--set 'x=y'").
 */
static int cfg_apply(struct sim_config *cfg, const char *section, const char *key,
		     const char *value, const char *where, struct sim_error *err)
{
	const struct opt_section *sec;
	char why[WHY_MAX];
	void *base;

	if (!section[0])
		return sim_error_set(err, SIM_E_CONFIG, "%s: key '%s' outside any section; "
				     "expected a [section] line first", where, key);
	sec = section_lookup(cfg, section, &base, why);
	if (!sec)
		return sim_error_set(err, SIM_E_CONFIG, "%s: [%s]: %s", where, section, why);
	for (size_t i = 0; i < sec->nopts; i++) {
		if (strcmp(sec->opts[i].key, key))
			continue;
		if (opt_parse(cfg, &sec->opts[i], base, value, why))
			return sim_error_set(err, SIM_E_CONFIG, "%s: [%s] %s: %s, got '%s'",
					     where, section, key, why, value);
		return 0;
	}
	{
		char keys[256];
		size_t used = 0;

		keys[0] = '\0';
		for (size_t i = 0; i < sec->nopts && used < sizeof(keys); i++)
			used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s",
						 i ? ", " : "", sec->opts[i].key);
		return sim_error_set(err, SIM_E_CONFIG, "%s: [%s]: unknown key '%s'; "
				     "expected one of %s", where, section, key, keys);
	}
}

/* ---- INI reading ------------------------------------------------------ */

struct ini_ctx {
	struct sim_config *cfg;
	const char *origin;     /* path, or "preset NAME" */
	struct sim_error *err;
	int rc;                 /* first error, 0 if none */
	unsigned line;          /* line the last chunk started on */
	unsigned next_line;     /* line the next chunk starts on */
	bool too_long;
	FILE *f;                /* source: a file ... */
	const char *text;       /* ... or a string */
};

static void ini_count(struct ini_ctx *c, char *str, int num)
{
	size_t n = strlen(str);

	c->line = c->next_line;
	if (n && str[n - 1] == '\n')
		c->next_line++;
	else if ((int)n == num - 1 && !c->too_long)
		c->too_long = true;     /* reported by the handler or at the end */
}

static char *ini_read_file(char *str, int num, void *stream)
{
	struct ini_ctx *c = stream;

	if (!fgets(str, num, c->f))
		return NULL;
	ini_count(c, str, num);
	return str;
}

static char *ini_read_text(char *str, int num, void *stream)
{
	struct ini_ctx *c = stream;
	size_t n = 0;

	if (!*c->text)
		return NULL;
	while (n + 1 < (size_t)num && c->text[n]) {
		n++;
		if (c->text[n - 1] == '\n')
			break;
	}
	memcpy(str, c->text, n);
	str[n] = '\0';
	c->text += n;
	ini_count(c, str, num);
	return str;
}

static int on_ini_pair(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;
	char where[512];

	if (c->rc)
		return 0;
	snprintf(where, sizeof(where), "%s:%u", c->origin, c->line);
	if (c->too_long) {
		c->rc = sim_error_set(c->err, SIM_E_PARSE, "%s: line too long", where);
		return 0;
	}
	c->rc = cfg_apply(c->cfg, section, name, value, where, c->err);
	return c->rc == 0;
}

static int ini_run(struct ini_ctx *c, ini_reader reader)
{
	int rc;

	c->next_line = 1;
	rc = ini_parse_stream(reader, c, on_ini_pair, c);
	if (c->rc)
		return c->rc;
	if (c->too_long)
		return sim_error_set(c->err, SIM_E_PARSE, "%s:%u: line too long",
				     c->origin, c->line);
	if (rc > 0)
		return sim_error_set(c->err, SIM_E_PARSE, "%s:%d: expected '[section]', "
				     "'key = value' or a comment", c->origin, rc);
	if (rc < 0)
		return sim_error_set(c->err, SIM_E_NOMEM, "%s: the INI parser ran out "
				     "of memory", c->origin);
	return 0;
}

/* Apply INI text to cfg in place (the callers work on copies). */
static int apply_text(struct sim_config *cfg, const char *text, const char *origin,
		      struct sim_error *err)
{
	struct ini_ctx c = { .cfg = cfg, .origin = origin, .err = err, .text = text };

	return ini_run(&c, ini_read_text);
}

/* ---- defaults and presets --------------------------------------------- */

const struct cfg_preset *cfg_preset_find(const char *name)
{
	for (const struct cfg_preset *p = cfg_presets; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* The preset whose TLB, walk-cache and cache values are the defaults. */
#define DEFAULT_HW_PRESET "neoverse-n1"

static int init_defaults(struct sim_config *cfg, char *why)
{
	const struct cfg_preset *hw = cfg_preset_find(DEFAULT_HW_PRESET);
	struct sim_error e;

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		const struct opt_section *sec = &sections[i];

		if (sec->kind != SEC_FIXED)
			continue;
		for (size_t j = 0; j < sec->nopts; j++) {
			const struct opt *o = &sec->opts[j];

			if (o->type == OPT_PRESET)
				continue;
			if (opt_parse(cfg, o, (char *)cfg + sec->base, o->dflt, why))
				return SIM_E_CONFIG;
		}
	}
	snprintf(cfg->run.preset, sizeof(cfg->run.preset), "none");
	sim_error_clear(&e);
	if (!hw || apply_text(cfg, hw->ini, "preset " DEFAULT_HW_PRESET, &e)) {
		snprintf(why, WHY_MAX, "built-in defaults: %s", hw ? e.msg : "no N1 preset");
		return SIM_E_CONFIG;
	}
	return 0;
}

int cfg_init_defaults(struct sim_config *cfg)
{
	char why[WHY_MAX];

	return init_defaults(cfg, why);
}

/* Replace *cfg with the defaults plus the preset's text. */
static int cfg_reset_to_preset(struct sim_config *cfg, const char *name, char *why)
{
	const struct cfg_preset *p = NULL;
	struct sim_config tmp;
	struct sim_error e;
	char origin[64];

	if (strcmp(name, "none")) {
		p = cfg_preset_find(name);
		if (!p) {
			size_t used = snprintf(why, WHY_MAX, "expected none");

			for (const struct cfg_preset *q = cfg_presets; q->name && used < WHY_MAX; q++)
				used += (size_t)snprintf(why + used, WHY_MAX - used, ", %s", q->name);
			return -1;
		}
	}
	if (init_defaults(&tmp, why))
		return -1;
	if (p) {
		sim_error_clear(&e);
		snprintf(origin, sizeof(origin), "preset %s", p->name);
		if (apply_text(&tmp, p->ini, origin, &e)) {
			snprintf(why, WHY_MAX, "%s", e.msg);
			return -1;
		}
		snprintf(tmp.run.preset, sizeof(tmp.run.preset), "%s", p->name);
	}
	*cfg = tmp;
	return 0;
}

int cfg_load_preset(struct sim_config *cfg, const char *name, struct sim_error *err)
{
	char why[WHY_MAX];

	if (cfg_reset_to_preset(cfg, name, why))
		return sim_error_set(err, SIM_E_CONFIG, "--preset '%s': %s", name, why);
	return 0;
}

int cfg_load_string(struct sim_config *cfg, const char *text, const char *origin,
		    struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	int rc = apply_text(&tmp, text, origin, err);

	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_load_file(struct sim_config *cfg, const char *path, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	struct ini_ctx c = { .cfg = &tmp, .origin = path, .err = err };
	int rc;

	c.f = fopen(path, "r");
	if (!c.f)
		return sim_error_set(err, SIM_E_IO, "%s: cannot open configuration file: %s",
				     path, strerror(errno));
	rc = ini_run(&c, ini_read_file);
	if (!rc && ferror(c.f))
		rc = sim_error_set(err, SIM_E_IO, "%s: read error", path);
	fclose(c.f);
	if (!rc)
		*cfg = tmp;
	return rc;
}

int cfg_set(struct sim_config *cfg, const char *assignment, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	char buf[256], where[300];
	char *eq, *dot, *key, *value, *section;
	int rc;

	snprintf(where, sizeof(where), "--set '%s'", assignment);
	if (strlen(assignment) >= sizeof(buf))
		return sim_error_set(err, SIM_E_PARSE, "%s: too long", where);
	snprintf(buf, sizeof(buf), "%s", assignment);
	eq = strchr(buf, '=');
	if (!eq)
		return sim_error_set(err, SIM_E_PARSE, "%s: expected section.key=value", where);
	*eq = '\0';
	value = eq + 1;
	dot = strrchr(buf, '.');
	if (!dot || dot == buf || !dot[1])
		return sim_error_set(err, SIM_E_PARSE, "%s: expected section.key=value", where);
	*dot = '\0';
	section = buf;
	key = dot + 1;
	/* trim the blanks around key and value, as the INI reader does */
	while (isspace((unsigned char)*section))
		section++;
	for (char *p = key + strlen(key); p > key && isspace((unsigned char)p[-1]); )
		*--p = '\0';
	while (isspace((unsigned char)*value))
		value++;
	for (char *p = value + strlen(value); p > value && isspace((unsigned char)p[-1]); )
		*--p = '\0';
	rc = cfg_apply(&tmp, section, key, value, where, err);
	if (!rc)
		*cfg = tmp;
	return rc;
}

/* ---- geometry --------------------------------------------------------- */

int cfg_start_level(const struct cfg_stage *st, enum mmu_stage stage)
{
	unsigned s = st->granule_shift - 3;
	int start, lvl;

	if (stage == MMU_STAGE1) {
		/* AArch64.S1StartLevel: levels = floor((IA - 4) / s) */
		start = 4 - (int)((st->ia_bits - 4) / s);
		if (st->start_level != CFG_LEVEL_AUTO && st->start_level != start)
			return -1;
		return start;
	}
	/*
	 * Stage 2.  KVM: levels = max(2, floor((IPA - 8) / s)), i.e.
	 * ARM64_HW_PGTABLE_LEVELS(IPA - 4), which lets the start level resolve
	 * up to s + 4 bits (16 concatenated tables).
	 */
	if (st->start_level == CFG_LEVEL_AUTO) {
		int levels = (int)((st->ia_bits - 8) / s);

		start = 4 - (levels < 2 ? 2 : levels);
	} else {
		start = st->start_level;
	}
	/* SL0 encodings that exist without TTST / DS (ARM DDI0487 D8-19/29/38) */
	lvl = start;
	if (st->granule_shift == 12 && (lvl < 0 || lvl > 2))
		return -1;
	if (st->granule_shift != 12 && (lvl < 1 || lvl > 3))
		return -1;
	/* AArch64.S2InvalidSL: the deepest starts need a large enough PAMax */
	if (lvl == 0 && st->pa_bits < 44)
		return -1;
	if (lvl == 1 && st->granule_shift == 14 && st->pa_bits < 42)
		return -1;
	if (lvl == 1 && st->granule_shift == 16 && st->pa_bits < 44)
		return -1;
	{
		/* AArch64.S2InconsistentSL: bits left for the start level, 1..s+4 */
		int below = (3 - lvl) * (int)s + (int)st->granule_shift;
		int r = (int)st->ia_bits - below;

		if (r < 1 || r > (int)s + 4)
			return -1;
	}
	return start;
}

int cfg_block_level(const struct cfg_stage *st, enum mmu_stage stage)
{
	int start = cfg_start_level(st, stage);
	int lvl;

	if (start < 0)
		return 3;
	switch (st->blocks) {
	case CFG_BLOCKS_L1:
		lvl = st->granule_shift == 12 ? 1 : 2;
		break;
	case CFG_BLOCKS_L2:
		lvl = 2;
		break;
	default:
		return 3;
	}
	if (start > lvl)
		lvl = start;
	return lvl;
}

/* log2 of the mapping size a stage uses for every page (see CONFIG.md). */
static unsigned stage_page_shift(const struct cfg_stage *st, enum mmu_stage stage)
{
	int lvl = cfg_block_level(st, stage);
	unsigned s = st->granule_shift - 3;

	if (lvl < 0 || lvl > 3)
		return st->granule_shift;
	/* stage 2 backs only huge_fraction of memory with blocks */
	if (stage == MMU_STAGE2 && st->huge_ppm < CFG_PPM_ONE)
		return st->granule_shift;
	return st->granule_shift + s * (unsigned)(3 - lvl);
}

unsigned cfg_min_page_shift(const struct sim_config *cfg)
{
	unsigned s1 = stage_page_shift(&cfg->stage1, MMU_STAGE1);
	unsigned s2 = stage_page_shift(&cfg->stage2, MMU_STAGE2);

	switch (cfg->run.mode) {
	case CFG_MODE_NATIVE:
		return s1;
	case CFG_MODE_S2ONLY:
		return s2;
	default:
		return s1 < s2 ? s1 : s2;
	}
}

int cfg_tlb_find(const struct cfg_tlb *tlb, const char *name)
{
	for (unsigned i = 0; i < tlb->nlevels; i++)
		if (!strcmp(tlb->level[i].name, name))
			return (int)i;
	return -1;
}

/* ---- validation ------------------------------------------------------- */

static const char *size_name(unsigned shift)
{
	return choice_name(pagesize_names, (int)shift);
}

static int check_assoc(const char *what, unsigned entries, unsigned ways,
		       enum cfg_repl repl, struct sim_error *err)
{
	unsigned w = ways ? ways : entries;

	if (entries % w)
		return sim_error_set(err, SIM_E_CONFIG, "%s: ways = %u does not divide "
				     "entries = %u", what, w, entries);
	if (!bits_is_pow2(entries / w))
		return sim_error_set(err, SIM_E_CONFIG, "%s: entries / ways = %u / %u = %u "
				     "sets; the number of sets must be a power of two",
				     what, entries, w, entries / w);
	if (repl == CFG_REPL_PLRU && !bits_is_pow2(w))
		return sim_error_set(err, SIM_E_CONFIG, "%s: repl = plru needs a power-of-two "
				     "number of ways, got %u", what, w);
	return 0;
}

static int check_stage1(const struct cfg_stage *st, struct sim_error *err)
{
	unsigned s = st->granule_shift - 3;
	int start = 4 - (int)((st->ia_bits - 4) / s);

	if (st->start_level != CFG_LEVEL_AUTO && st->start_level != start)
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] start_level = %d: va_bits = "
				     "%u with the %s granule starts at level %d; use auto",
				     st->start_level, st->ia_bits, size_name(st->granule_shift),
				     start);
	if (st->pa_bits == 52 && st->granule_shift != 16)
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] pa_bits = 52 needs the 64k "
				     "granule (52-bit output with 4k/16k needs LPA2, not modelled)");
	/* Linux refuses a window beyond one last-level table (fault_around_bytes_set()) */
	if (st->fault_around && (!bits_is_pow2(st->fault_around) ||
				 st->fault_around > BIT(2 * st->granule_shift - 3)))
		return sim_error_set(err, SIM_E_CONFIG, "[stage1] fault_around = %" PRIu64 ": must "
				     "be 0 or a power of two no larger than one last-level "
				     "table (%" PRIu64 " bytes with the %s granule)", st->fault_around,
				     (uint64_t)BIT(2 * st->granule_shift - 3),
				     size_name(st->granule_shift));
	return 0;
}

static int check_stage2(const struct cfg_stage *st, struct sim_error *err)
{
	unsigned s = st->granule_shift - 3;
	const char *g = size_name(st->granule_shift);

	if (st->pa_bits == 52 && st->granule_shift != 16)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] pa_bits = 52 needs the 64k "
				     "granule (LPA2 is not modelled)");
	if (st->ia_bits > 48 && st->pa_bits != 52)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u needs "
				     "granule = 64k and pa_bits = 52", st->ia_bits);
	if (st->ia_bits > st->pa_bits)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u exceeds "
				     "pa_bits = %u (VTCR_EL2.T0SZ is at least 64 - PAMax)",
				     st->ia_bits, st->pa_bits);
	if (cfg_start_level(st, MMU_STAGE2) < 0) {
		int lvl = st->start_level;

		if (lvl == CFG_LEVEL_AUTO)
			return sim_error_set(err, SIM_E_CONFIG, "[stage2] ipa_bits = %u with the "
					     "%s granule and pa_bits = %u has no legal start "
					     "level", st->ia_bits, g, st->pa_bits);
		if ((st->granule_shift == 12 && lvl > 2) || (st->granule_shift != 12 && lvl < 1))
			return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d does "
					     "not exist for the %s granule (needs TTST or LPA2, "
					     "not modelled)", lvl, g);
		{
			int r = (int)st->ia_bits - ((3 - lvl) * (int)s + (int)st->granule_shift);

			if (r > (int)s + 4)
				return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d "
						     "with ipa_bits = %u and the %s granule needs "
						     "%u concatenated tables; at most 16 are "
						     "allowed", lvl, st->ia_bits, g, 1u << (r - (int)s));
			if (r < 1)
				return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d "
						     "resolves no IPA bit with ipa_bits = %u and "
						     "the %s granule", lvl, st->ia_bits, g);
		}
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] start_level = %d with the %s "
				     "granule needs pa_bits >= %d, got %u", lvl, g,
				     st->granule_shift == 14 ? 42 : 44, st->pa_bits);
	}
	return 0;
}

static int check_tlb(const struct sim_config *cfg, struct sim_error *err)
{
	const struct cfg_tlb *tlb = &cfg->tlb;
	unsigned min_shift = cfg_min_page_shift(cfg);
	bool referenced[CFG_TLB_LEVELS_MAX] = { false };
	unsigned roots = 0;
	char what[64];
	int rc;

	if (!tlb->nlevels)
		return sim_error_set(err, SIM_E_CONFIG, "[tlb] levels: at least one TLB level "
				     "is needed");
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		const struct cfg_tlb_level *l = &tlb->level[i];

		snprintf(what, sizeof(what), "[tlb.%s]", l->name);
		rc = check_assoc(what, l->entries, l->ways, l->repl, err);
		if (rc)
			return rc;
		if (!(l->sizes & BIT(min_shift)))
			return sim_error_set(err, SIM_E_CONFIG, "%s sizes: must include %s, the "
					     "smallest page this configuration's translations "
					     "produce (see stage1/stage2 granule and blocks)", what,
					     size_name(min_shift));
		if (l->next[0]) {
			int j = cfg_tlb_find(tlb, l->next);

			if (j < 0)
				return sim_error_set(err, SIM_E_CONFIG, "%s next = %s: no such level "
						     "in tlb.levels", what, l->next);
			if ((unsigned)j == i)
				return sim_error_set(err, SIM_E_CONFIG, "%s next: a level cannot be "
						     "its own next level", what);
			if (l->serves & ~tlb->level[j].serves)
				return sim_error_set(err, SIM_E_CONFIG, "%s next = %s: serves %s but "
						     "%s serves only %s", what, l->next,
						     choice_name(serves_choices, l->serves),
						     l->next, choice_name(serves_choices,
									  tlb->level[j].serves));
			referenced[j] = true;
		}
	}
	/* no cycles: following next from any level ends within nlevels steps */
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		int j = (int)i;

		for (unsigned step = 0; j >= 0 && tlb->level[j].next[0]; step++) {
			if (step >= tlb->nlevels)
				return sim_error_set(err, SIM_E_CONFIG, "[tlb.%s] next: the chain of "
						     "next levels loops", tlb->level[i].name);
			j = cfg_tlb_find(tlb, tlb->level[j].next);
		}
	}
	/* the first levels (named by no next) serve each access kind once */
	for (unsigned i = 0; i < tlb->nlevels; i++) {
		if (referenced[i])
			continue;
		if (roots & tlb->level[i].serves)
			return sim_error_set(err, SIM_E_CONFIG, "[tlb.%s] serves = %s: another "
					     "first level (one no next names) already serves "
					     "these accesses", tlb->level[i].name,
					     choice_name(serves_choices, tlb->level[i].serves));
		roots |= tlb->level[i].serves;
	}
	if (roots != CFG_SERVES_UNIFIED)
		return sim_error_set(err, SIM_E_CONFIG, "[tlb] levels: no first level serves %s "
				     "accesses", roots & CFG_SERVES_INST ? "data" : "instruction");
	return 0;
}

static int check_caches(const struct sim_config *cfg, struct sim_error *err)
{
	for (unsigned i = 0; i < cfg->cache.nlevels; i++) {
		const struct cfg_cache_level *c = &cfg->cache.level[i];
		uint64_t set_bytes = (uint64_t)c->ways * c->line;

		if (!bits_is_pow2(c->line))
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s] line = %u: must be a "
					     "power of two", c->name, c->line);
		if (c->size % set_bytes)
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s] size = %" PRIu64
					     " is not a multiple of ways x line = %" PRIu64,
					     c->name, c->size, set_bytes);
		if (!bits_is_pow2(c->size / set_bytes))
			return sim_error_set(err, SIM_E_CONFIG, "[cache.%s]: size / (ways x line)"
					     " = %" PRIu64 " sets; must be a power of two",
					     c->name, c->size / set_bytes);
	}
	return 0;
}

int cfg_validate(const struct sim_config *cfg, struct sim_error *err)
{
	static const struct { const char *name; size_t off; } wcs[] = {
		{ "[walkcache.s1]", offsetof(struct sim_config, wc_s1) },
		{ "[walkcache.s2]", offsetof(struct sim_config, wc_s2) },
		{ "[s2tlb]", offsetof(struct sim_config, s2tlb) },
	};
	int rc;

	if (cfg->run.mode != CFG_MODE_S2ONLY && (rc = check_stage1(&cfg->stage1, err)))
		return rc;
	if (cfg->run.mode != CFG_MODE_NATIVE && (rc = check_stage2(&cfg->stage2, err)))
		return rc;
	/* the host's own stage 1 (its kernel, VMMs) outputs host PAs */
	if (cfg->run.mode == CFG_MODE_VIRT && cfg->stage2.pa_bits == 52 &&
	    cfg->stage1.granule_shift != 16)
		return sim_error_set(err, SIM_E_CONFIG, "[stage2] pa_bits = 52 needs [stage1] "
				     "granule = 64k: the host's stage 1 uses the stage-1 granule "
				     "and outputs 52-bit PAs (4k/16k would need LPA2)");
	if ((rc = check_tlb(cfg, err)))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++) {
		const struct cfg_wcache *w =
			(const void *)((const char *)cfg + wcs[i].off);

		if (w->entries && (rc = check_assoc(wcs[i].name, w->entries, w->ways,
						    w->repl, err)))
			return rc;
	}
	return check_caches(cfg, err);
}

/* The one-level preset: [one_level] -> mode, stage 1 and one TLB level. */
static int map_one_level(struct sim_config *cfg, struct sim_error *err)
{
	const struct cfg_one_level *ol = &cfg->one_level;
	unsigned ways = ol->ways ? ol->ways : ol->entries;
	static const char *const split_names[] = { "L1I", "L1D" };
	static const enum cfg_serves split_serves[] = { CFG_SERVES_INST, CFG_SERVES_DATA };
	char why[WHY_MAX];

	if (!bits_is_pow2(ol->entries))
		return sim_error_set(err, SIM_E_CONFIG, "[one_level] entries = %u: must be a "
				     "power of two", ol->entries);
	if (!bits_is_pow2(ways) || ol->entries % ways)
		return sim_error_set(err, SIM_E_CONFIG, "[one_level] ways = %u: must be a power "
				     "of two dividing entries = %u", ways, ol->entries);
	cfg->run.mode = CFG_MODE_NATIVE;
	cfg->run.crossing = ol->crossing;
	cfg->stage1.granule_shift = ol->page_shift == 21 ? 12 : ol->page_shift;
	cfg->stage1.blocks = ol->page_shift == 21 ? CFG_BLOCKS_L2 : CFG_BLOCKS_NONE;
	cfg->stage1.start_level = CFG_LEVEL_AUTO;
	memset(&cfg->tlb, 0, sizeof(cfg->tlb));
	cfg->tlb.nlevels = ol->split ? 2 : 1;
	for (unsigned i = 0; i < cfg->tlb.nlevels; i++) {
		struct cfg_tlb_level *l = &cfg->tlb.level[i];

		if (apply_template_defaults(section_by_kind(SEC_TLB_LEVEL), l, why))
			return sim_error_set(err, SIM_E_CONFIG, "one-level: %s", why);
		set_name(l->name, ol->split ? split_names[i] : "L1");
		l->entries = ol->entries;
		l->ways = ways;
		l->repl = CFG_REPL_LRU;
		l->serves = ol->split ? split_serves[i] : CFG_SERVES_UNIFIED;
		l->sizes = BIT(ol->page_shift);
		l->org = CFG_ORG_SHARED;
	}
	cfg->one_level.ways = ways;
	cfg->wc_s1.entries = 0;
	cfg->wc_s2.entries = 0;
	cfg->s2tlb.entries = 0;
	return 0;
}

int cfg_finalize(struct sim_config *cfg, struct sim_error *err)
{
	struct sim_config tmp = *cfg;
	struct cfg_wcache *wcs[] = { &tmp.wc_s1, &tmp.wc_s2, &tmp.s2tlb };
	int rc;

	if (!strcmp(tmp.run.preset, "one-level") && (rc = map_one_level(&tmp, err)))
		return rc;
	for (unsigned i = 0; i < tmp.tlb.nlevels; i++)
		if (!tmp.tlb.level[i].ways)
			tmp.tlb.level[i].ways = tmp.tlb.level[i].entries;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++)
		if (!wcs[i]->ways)
			wcs[i]->ways = wcs[i]->entries;
	if (!tmp.one_level.ways)
		tmp.one_level.ways = tmp.one_level.entries;
	rc = cfg_validate(&tmp, err);
	if (!rc)
		*cfg = tmp;
	return rc;
}

/*
 * The rules of cfg_unused(), in the words --help-config and sim/CONFIG.md
 * use.  Each rule names a condition of the finalized configuration (or of
 * the run) under which a key's value cannot change any result.
 */
static const char unused_help[] =
	"Keys without effect.  mmusim run warns when a key is set away from its\n"
	"default (or its preset's value) where it cannot change any result:\n"
	"  one_level.*            without run.preset = one-level\n"
	"  with run.preset = one-level: run.mode, run.crossing, stage1.granule,\n"
	"                         stage1.blocks, stage1.start_level, tlb.*, walkcache.*,\n"
	"                         s2tlb.* (the preset replaces them)\n"
	"  stage1.*, walkcache.s1.*  in run.mode = s2only (no stage 1)\n"
	"  stage2.*, walkcache.s2.*, s2tlb.*  in run.mode = native (no stage 2)\n"
	"  s2tlb.*                in run.mode = s2only (the TLBs hold stage-2 entries)\n"
	"  walkcache.*.ways/repl/latency, s2tlb.ways/repl/latency  with entries = 0\n"
	"  tlb.NAME.org           when the level holds one page size\n"
	"  *.repl                 with ways = 1 (nothing to choose)\n"
	"  run.seed               when nothing is random: no repl = random in a\n"
	"                         structure that exists, no stage2.huge_fraction\n"
	"                         strictly between 0 and 1 with stage-2 blocks\n"
	"  stage2.huge_fraction   with stage2.blocks = none\n"
	"  stage2.ha              always: KVM maps stage 2 young and no page is aged\n"
	"  stage1.ha, stage1.fault_around  with stage-1 blocks (a fault maps a block);\n"
	"                         stage1.ha also without fault-around (no page is old)\n"
	"  policy.*               for a single trace without context- or VM-switch\n"
	"                         records (one address space); [policy] applies to\n"
	"                         multi-space runs: workloads, traces with switches\n"
	"  policy.vmid_bits, vmid_scheme, vmid_tagging, vhe, el2_extra_level  in\n"
	"                         run.mode = native (no VMs)\n"
	"  policy.vmid_bits, vmid_scheme  with policy.vmid_tagging = 0 (no VMIDs)\n"
	"  policy.el2_extra_level with policy.vhe = 1, with stage1.va_bits plus one\n"
	"                         level's bits above 48, and in runs driven by trace\n"
	"                         records (no VM exits, so no EL2-regime walks)\n"
	"  policy.tlbi_broadcast_cycles  with policy.tlbi_scope = local\n"
	"  policy.ipi_cycles      with policy.tlbi_scope = broadcast, or one CPU\n"
	"Identical results by design: run.fast_path; stage1.start_level (an\n"
	"explicit value must equal the derived one).\n";

/* ---- echo and help ---------------------------------------------------- */

static int foreach_section(const struct sim_config *cfg, const struct opt_section *sec,
			   const char *name, const void *base,
			   int (*fn)(void *, const struct cfg_item *), void *ctx)
{
	char value[128];
	struct cfg_item it = { .section = name, .value = value };
	int rc;

	(void)cfg;
	for (size_t i = 0; i < sec->nopts; i++) {
		it.key = sec->opts[i].key;
		opt_format(&sec->opts[i], base, value, sizeof(value), &it.kind, &it.ival);
		rc = fn(ctx, &it);
		if (rc)
			return rc;
	}
	return 0;
}

int cfg_foreach(const struct sim_config *cfg,
		int (*fn)(void *ctx, const struct cfg_item *item), void *ctx)
{
	char name[CFG_NAME_MAX + 8];
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sections) && !rc; i++) {
		const struct opt_section *sec = &sections[i];

		switch (sec->kind) {
		case SEC_FIXED:
			rc = foreach_section(cfg, sec, sec->name,
					     (const char *)cfg + sec->base, fn, ctx);
			break;
		case SEC_TLB_LEVEL:
			for (unsigned j = 0; j < cfg->tlb.nlevels && !rc; j++) {
				snprintf(name, sizeof(name), "tlb.%s", cfg->tlb.level[j].name);
				rc = foreach_section(cfg, sec, name, &cfg->tlb.level[j], fn, ctx);
			}
			break;
		case SEC_CACHE_LEVEL:
			for (unsigned j = 0; j < cfg->cache.nlevels && !rc; j++) {
				snprintf(name, sizeof(name), "cache.%s", cfg->cache.level[j].name);
				rc = foreach_section(cfg, sec, name, &cfg->cache.level[j], fn, ctx);
			}
			break;
		}
	}
	return rc;
}

struct echo_ctx {
	FILE *f;
	const char *prefix;
	char section[CFG_NAME_MAX + 16];
};

static int echo_item(void *p, const struct cfg_item *it)
{
	struct echo_ctx *e = p;

	if (strcmp(e->section, it->section)) {
		snprintf(e->section, sizeof(e->section), "%s", it->section);
		if (fprintf(e->f, "%s[%s]\n", e->prefix, it->section) < 0)
			return SIM_E_IO;
	}
	if (fprintf(e->f, "%s%s = %s\n", e->prefix, it->key, it->value) < 0)
		return SIM_E_IO;
	return 0;
}

int cfg_echo(const struct sim_config *cfg, FILE *f, const char *prefix)
{
	struct echo_ctx e = { .f = f, .prefix = prefix ? prefix : "" };

	return cfg_foreach(cfg, echo_item, &e);
}

void cfg_print_help(FILE *f)
{
	struct sim_config d;
	bool have_defaults = cfg_init_defaults(&d) == 0;

	fprintf(f, "Configuration keys (INI [section] key = value, or --set section.key=value).\n"
		"tlb.NAME and cache.NAME stand for each name listed in tlb.levels and\n"
		"cache.levels; their defaults apply to a newly listed level.\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
		const struct opt_section *sec = &sections[i];

		fprintf(f, "[%s]\n", sec->name);
		for (size_t j = 0; j < sec->nopts; j++) {
			const struct opt *o = &sec->opts[j];
			char type[128];

			switch (o->type) {
			case OPT_UINT:
			case OPT_U64:
				snprintf(type, sizeof(type), "integer %" PRIu64 "..%" PRIu64,
					 o->min, o->max);
				break;
			case OPT_SIZE:
				snprintf(type, sizeof(type), "size %" PRIu64 "..%" PRIu64
					 " bytes, k/m/g suffixes", o->min, o->max);
				break;
			case OPT_BOOL:
				snprintf(type, sizeof(type), "boolean 0|1");
				break;
			case OPT_ENUM:
				choices_text(o->choices, type, sizeof(type));
				break;
			case OPT_PAGESIZES:
				snprintf(type, sizeof(type), "list of 4k|16k|64k|2m|32m|512m|1g");
				break;
			case OPT_PPM:
				snprintf(type, sizeof(type), "fraction 0..1");
				break;
			case OPT_LEVELNAME:
				snprintf(type, sizeof(type), "level name|none");
				break;
			case OPT_TLB_LEVELS:
			case OPT_CACHE_LEVELS:
				snprintf(type, sizeof(type), "list of names");
				break;
			case OPT_PRESET: {
				size_t used = (size_t)snprintf(type, sizeof(type), "none");

				for (const struct cfg_preset *p = cfg_presets;
				     p->name && used < sizeof(type); p++)
					used += (size_t)snprintf(type + used, sizeof(type) - used,
								 "|%s", p->name);
				break;
			}
			}
			{
				/* fixed keys: the effective default, N1 values included */
				char dflt[128];
				enum cfg_item_kind k;
				uint64_t iv;

				if (sec->kind == SEC_FIXED && have_defaults && o->type != OPT_PRESET)
					opt_format(o, (const char *)&d + sec->base, dflt,
						   sizeof(dflt), &k, &iv);
				else
					snprintf(dflt, sizeof(dflt), "%s", o->dflt);
				fprintf(f, "  %s.%s: %s (default: %s)\n      %s\n", sec->name,
					o->key, type, dflt, o->help);
			}
		}
		fputc('\n', f);
	}
	fputs(unused_help, f);
	fputc('\n', f);
	fprintf(f, "Presets (--preset NAME; the defaults use the %s parameters):\n",
		DEFAULT_HW_PRESET);
	for (const struct cfg_preset *p = cfg_presets; p->name; p++)
		fprintf(f, "  %-12s %s\n", p->name, p->summary);
}

/* ---- keys without effect ---------------------------------------------- */

static bool any_random(const struct sim_config *f, const struct cfg_use *use)
{
	const struct cfg_wcache *wcs[] = { &f->wc_s1, &f->wc_s2, &f->s2tlb };
	const bool present[] = {
		f->wc_s1.entries && f->run.mode != CFG_MODE_S2ONLY,
		f->wc_s2.entries && f->run.mode != CFG_MODE_NATIVE,
		f->s2tlb.entries && f->run.mode == CFG_MODE_VIRT,
	};

	/* a workload's [vm.NAME] may set its own huge_fraction and blocks */
	if (use->workload)
		return true;
	for (unsigned i = 0; i < f->tlb.nlevels; i++)
		if (f->tlb.level[i].repl == CFG_REPL_RANDOM)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(wcs); i++)
		if (present[i] && wcs[i]->repl == CFG_REPL_RANDOM)
			return true;
	return f->run.mode != CFG_MODE_NATIVE && f->stage2.blocks != CFG_BLOCKS_NONE &&
	       f->stage2.huge_ppm > 0 && f->stage2.huge_ppm < CFG_PPM_ONE;
}

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* The ways and entries of the cache-like structure of section @sec, if it
 * is one ([tlb.NAME], [walkcache.*], [s2tlb]). */
static bool structure_geom(const struct sim_config *f, const char *sec, unsigned *entries,
			   unsigned *ways)
{
	const struct cfg_wcache *w = is(sec, "walkcache.s1") ? &f->wc_s1 :
				     is(sec, "walkcache.s2") ? &f->wc_s2 :
				     is(sec, "s2tlb") ? &f->s2tlb : NULL;

	if (w) {
		*entries = w->entries;
		*ways = w->ways;
		return true;
	}
	if (!strncmp(sec, "tlb.", 4)) {
		int j = cfg_tlb_find(&f->tlb, sec + 4);

		if (j < 0)
			return false;
		*entries = f->tlb.level[j].entries;
		*ways = f->tlb.level[j].ways;
		return true;
	}
	return false;
}

/* Why key @key of section @sec cannot change the run, or NULL. */
static const char *policy_unused(const char *key, const struct sim_config *f,
				 const struct cfg_use *use)
{
	const struct cfg_policy *p = &f->policy;
	bool vmkey = is(key, "vmid_bits") || is(key, "vmid_scheme") || is(key, "vmid_tagging") ||
		     is(key, "vhe") || is(key, "el2_extra_level");

	if (!use->spaces)
		return "a single trace without context- or VM-switch records runs in one "
		       "address space";
	if (f->run.mode == CFG_MODE_NATIVE && vmkey)
		return "run.mode = native has no VMs";
	if ((is(key, "vmid_bits") || is(key, "vmid_scheme")) && !p->vmid_tagging)
		return "policy.vmid_tagging = 0: no VMIDs are allocated";
	if (is(key, "el2_extra_level")) {
		if (p->vhe)
			return "policy.vhe = 1: there are no EL2-regime tables";
		if (f->stage1.ia_bits + f->stage1.granule_shift - 3 > 48)
			return "stage1.va_bits plus one level's bits is above 48: no level "
			       "can be added";
		if (!use->exits)
			return "a run driven by trace records has no VM exits, so the EL2 "
			       "tables are never walked";
	}
	if (is(key, "tlbi_broadcast_cycles") && p->tlbi_scope == CFG_TLBI_LOCAL)
		return "policy.tlbi_scope = local: no broadcast TLBI";
	if (is(key, "ipi_cycles")) {
		if (p->tlbi_scope == CFG_TLBI_BROADCAST)
			return "policy.tlbi_scope = broadcast: no IPI";
		if (use->ncpus < 2)
			return "one CPU: no other CPU to interrupt";
	}
	return NULL;
}

static const char *key_unused(const char *sec, const char *key, const struct sim_config *f,
			      const struct cfg_use *use)
{
	bool one_level = is(f->run.preset, "one-level");
	enum cfg_mode mode = f->run.mode;
	unsigned entries, ways;

	if (is(sec, "one_level"))
		return one_level ? NULL : "it is read only with run.preset = one-level";
	if (is(sec, "policy"))
		return policy_unused(key, f, use);
	if (one_level &&
	    (is(sec, "tlb") || !strncmp(sec, "tlb.", 4) || !strncmp(sec, "walkcache.", 10) ||
	     is(sec, "s2tlb") || (is(sec, "run") && (is(key, "mode") || is(key, "crossing"))) ||
	     (is(sec, "stage1") && (is(key, "granule") || is(key, "blocks") ||
				    is(key, "start_level")))))
		return "the one-level preset replaces it (see [one_level])";
	if (mode == CFG_MODE_S2ONLY && (is(sec, "stage1") || is(sec, "walkcache.s1")))
		return "run.mode = s2only has no stage 1";
	if (mode == CFG_MODE_NATIVE &&
	    (is(sec, "stage2") || is(sec, "walkcache.s2") || is(sec, "s2tlb")))
		return "run.mode = native has no stage 2";
	if (mode == CFG_MODE_S2ONLY && is(sec, "s2tlb"))
		return "run.mode = s2only: the TLBs hold the stage-2 translations";
	if ((!strncmp(sec, "walkcache.", 10) || is(sec, "s2tlb")) && !is(key, "entries") &&
	    structure_geom(f, sec, &entries, &ways) && !entries)
		return "entries = 0: the structure is absent";
	if (is(key, "repl") && structure_geom(f, sec, &entries, &ways) && ways == 1)
		return "ways = 1: there is nothing to choose";
	if (!strncmp(sec, "tlb.", 4) && is(key, "org")) {
		int j = cfg_tlb_find(&f->tlb, sec + 4);

		if (j >= 0 && bits_is_pow2(f->tlb.level[j].sizes))
			return "the level holds one page size: one array either way";
	}
	if (is(sec, "run") && is(key, "seed") && !any_random(f, use))
		return "nothing is random: no repl = random, no stage2.huge_fraction "
		       "strictly between 0 and 1";
	if (is(sec, "stage2") && is(key, "huge_fraction") && f->stage2.blocks == CFG_BLOCKS_NONE &&
	    !use->workload)
		return "stage2.blocks = none: no stage-2 blocks";
	if (is(sec, "stage2") && is(key, "ha"))
		return "KVM maps every stage-2 page young and no page is aged here, so no "
		       "stage-2 descriptor is ever old (sim/CONFIG.md)";
	if (is(sec, "stage1") && (is(key, "ha") || is(key, "fault_around"))) {
		if (cfg_block_level(&f->stage1, MMU_STAGE1) < 3)
			return "stage-1 faults map blocks (stage1.blocks): fault-around maps "
			       "no page";
		if (is(key, "ha") && f->stage1.fault_around <= BIT(f->stage1.granule_shift))
			return "stage1.fault_around maps no page, so no page is mapped old";
	}
	return NULL;
}

struct unused_item {
	char name[CFG_NAME_MAX + 40];   /* "section.key" */
	char value[128];
};

struct unused_list {
	struct unused_item *v;
	size_t n, cap;
};

static int unused_collect(void *ctx, const struct cfg_item *it)
{
	struct unused_list *l = ctx;

	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 256;
		struct unused_item *q = realloc(l->v, nc * sizeof(*q));

		if (!q)
			return SIM_E_NOMEM;
		l->v = q;
		l->cap = nc;
	}
	snprintf(l->v[l->n].name, sizeof(l->v[l->n].name), "%s.%s", it->section, it->key);
	snprintf(l->v[l->n].value, sizeof(l->v[l->n].value), "%s", it->value);
	l->n++;
	return 0;
}

unsigned cfg_unused(const struct sim_config *user, const struct sim_config *final,
		    const struct cfg_use *use, unsigned what,
		    void (*fn)(void *ctx, const char *key, const char *value, const char *why),
		    void *ctx)
{
	static const struct cfg_use none;
	struct unused_list u = { 0 }, r = { 0 };
	struct sim_config ref;
	char why[WHY_MAX];
	unsigned count = 0;

	if (!use)
		use = &none;
	if (cfg_reset_to_preset(&ref, user->run.preset, why) ||
	    cfg_foreach(user, unused_collect, &u) || cfg_foreach(&ref, unused_collect, &r))
		goto out;
	for (size_t i = 0; i < u.n; i++) {
		const struct unused_item *it = &u.v[i];
		const char *dot = strrchr(it->name, '.'), *reason;
		char sec[sizeof(it->name)];
		bool same = false, policy;

		for (size_t j = 0; j < r.n && !same; j++)
			same = is(it->name, r.v[j].name) && is(it->value, r.v[j].value);
		if (same || !dot)
			continue;
		snprintf(sec, sizeof(sec), "%.*s", (int)(dot - it->name), it->name);
		policy = is(sec, "policy");
		if (!(what & (policy ? CFG_UNUSED_POLICY : CFG_UNUSED_STATIC)))
			continue;
		reason = key_unused(sec, dot + 1, final, use);
		if (reason) {
			fn(ctx, it->name, it->value, reason);
			count++;
		}
	}
out:
	free(u.v);
	free(r.v);
	return count;
}
