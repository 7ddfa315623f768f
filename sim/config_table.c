/*
 * sim/config_table.c - the option table: every key of every section with
 * its type, field, default, range and help line (sim/config_impl.h says
 * how the module is split), and the per-type code that parses a value into
 * its field and formats a field back as INI text.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mmu/geom.h"
#include "sim/bits.h"
#include "sim/config.h"
#include "sim/config_impl.h"
#include "sim/parse.h"

_Static_assert(sizeof(enum cfg_mode) == sizeof(int), "enum fields are set through int");
_Static_assert(sizeof(enum cfg_repl) == sizeof(int), "enum fields are set through int");
_Static_assert(sizeof(enum cfg_contiguous) == sizeof(int), "enum fields are set through int");

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
static const struct opt_choice contiguous_choices[] = {
	{ "none", CFG_CONT_NONE }, { "last", CFG_CONT_LAST }, { "block", CFG_CONT_BLOCK },
	{ "both", CFG_CONT_BOTH }, { NULL, 0 },
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
const struct opt_choice cfg_serves_choices[] = {
	{ "inst", CFG_SERVES_INST }, { "data", CFG_SERVES_DATA },
	{ "unified", CFG_SERVES_UNIFIED }, { NULL, 0 },
};
static const struct opt_choice org_choices[] = {
	{ "shared", CFG_ORG_SHARED }, { "split", CFG_ORG_SPLIT }, { NULL, 0 },
};
static const struct opt_choice page_choices[] = {
	{ "4k", 12 }, { "16k", 14 }, { "64k", 16 }, { "2m", 21 }, { NULL, 0 },
};
/*
 * Page and block sizes a TLB may hold: every level_shift of every granule
 * where a page or block exists without LPA2 (4t is the 64K granule's
 * level-1 block, which needs a 52-bit PA).
 */
const struct opt_choice cfg_pagesize_names[] = {
	{ "4k", 12 }, { "16k", 14 }, { "64k", 16 }, { "2m", 21 }, { "32m", 25 },
	{ "512m", 29 }, { "1g", 30 }, { "4t", 42 }, { NULL, 0 },
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
	ROW("va_bits", OPT_UINT, struct cfg_stage, ia_bits, NULL, "48", GEOM_S1_MIN_IA_BITS,
	    GEOM_S1_MAX_IA_BITS,
	    "virtual address size (64 - TCR_EL1.T0SZ)"),
	ROW("start_level", OPT_ENUM, struct cfg_stage, start_level, level_choices, "auto", 0, 0,
	    "first lookup level; auto derives it from va_bits and the granule, "
	    "an explicit value must agree"),
	ROW("blocks", OPT_ENUM, struct cfg_stage, blocks, blocks_choices, "none", 0, 0,
	    "largest mappings used: none = pages; l2 = 2M/32M/512M blocks; "
	    "l1 = 1G blocks with 4K, 4T with 64K and a 52-bit PA, else as l2"),
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
	ROW("hd", OPT_BOOL, struct cfg_stage, hd, NULL, "1", 0, 0,
	    "hardware dirty-state update for stage 1 (TCR_EL1.HD; only with ha = 1): "
	    "the first write to a page the OS mapped writable-clean is a descriptor "
	    "write (walk_writes); 0 = a permission fault the OS fixes "
	    "(os.s1_dirty_faults)"),
	ROW("contiguous", OPT_ENUM, struct cfg_stage, contiguous, contiguous_choices, "none", 0, 0,
	    "groups the OS maps with the Contiguous bit, each to one free run: last = "
	    "pages (64K with 4K), block = level-2 blocks (32M with 4K), both, none"),
	ROW("huge_fraction", OPT_PPM, struct cfg_stage, huge_ppm, NULL, "1", 0, 0,
	    "share 0..1 of the OS's free memory in block-sized free runs: a block or "
	    "contiguous group finds its frames with this probability, else the OS maps "
	    "smaller; below 1 single pages come from fragmented memory"),
	ROW("old_share", OPT_PPM, struct cfg_stage, old_ppm, NULL, "0", 0, 0,
	    "share 0..1 of the walks of a mapped user page that find it old (reclaim's "
	    "aging cleared its access flag): a hardware update with ha = 1, an "
	    "access-flag fault the OS fixes with ha = 0"),
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
	    "largest host mappings: none = pages; l2 = 2M/32M/512M; l1 = 1G with 4K, "
	    "4T with 64K and pa_bits = 52, else as l2"),
	ROW("pa_bits", OPT_ENUM, struct cfg_stage, pa_bits, pa_choices, "48", 0, 0,
	    "host physical address size (VTCR_EL2.PS); 52 only with 64k"),
	ROW("huge_fraction", OPT_PPM, struct cfg_stage, huge_ppm, NULL, "1", 0, 0,
	    "share 0..1 of the host's free memory in block-sized free runs: a stage-2 "
	    "block or contiguous group finds host frames with this probability, else the "
	    "hypervisor maps smaller; below 1 host pages come from fragmented memory; "
	    "up to 6 decimals"),
	ROW("ha", OPT_BOOL, struct cfg_stage, ha, NULL, "1", 0, 0,
	    "hardware access-flag update for stage 2 (VTCR_EL2.HA, which KVM sets "
	    "where the CPU has it); matters where old_share ages stage-2 pages"),
	ROW("hd", OPT_BOOL, struct cfg_stage, hd, NULL, "0", 0, 0,
	    "hardware dirty-state update for stage 2 (VTCR_EL2.HD, only with ha = 1; "
	    "KVM leaves it 0): with dirty_log the guest's first write to a page is a "
	    "descriptor write; 0 = a stage-2 permission fault the hypervisor fixes"),
	ROW("dirty_log", OPT_BOOL, struct cfg_stage, dirty_log, NULL, "0", 0, 0,
	    "the hypervisor logs the pages the guest writes (KVM's dirty logging for "
	    "live migration): stage 2 in pages only, a page first read mapped without "
	    "write permission"),
	ROW("contiguous", OPT_ENUM, struct cfg_stage, contiguous, contiguous_choices, "none", 0, 0,
	    "groups the hypervisor maps with the Contiguous bit, each to one host free "
	    "run (KVM maps none): last, block, both, none"),
	ROW("old_share", OPT_PPM, struct cfg_stage, old_ppm, NULL, "0", 0, 0,
	    "share 0..1 of the walks of a mapped guest page that find its stage-2 entry "
	    "old (the host's reclaim aged it): a hardware update with ha = 1, an "
	    "access-flag fault the hypervisor fixes with ha = 0"),
	ROW("ram_base", OPT_SIZE, struct cfg_stage, ram_base, NULL, "1g", 0, UINT64_C(1) << 52,
	    "IPA of the guest's RAM, a multiple of 64k below 2^ipa_bits (QEMU's virt "
	    "machine: 1 GiB)"),
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
	ROW("serves", OPT_ENUM, struct cfg_tlb_level, serves, cfg_serves_choices, "unified", 0, 0,
	    "accesses this level holds translations for"),
	ROW("sizes", OPT_PAGESIZES, struct cfg_tlb_level, sizes, NULL, "4k", 0, 0,
	    "page sizes it holds, comma-separated: 4k,16k,64k,2m,32m,512m,1g,4t; "
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
	    "capacity in bytes (k, m, g, t suffixes are powers of 1024)"),
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
const struct opt_section cfg_sections[] = {
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

const size_t cfg_nsections = ARRAY_SIZE(cfg_sections);

/* ---- names, choices and lists ------------------------------------------- */

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

static const struct opt_choice *choice_by_name(const struct opt_choice *c, const char *s)
{
	for (; c->name; c++)
		if (!strcasecmp(c->name, s))
			return c;
	return NULL;
}

const char *cfg_choice_name(const struct opt_choice *c, int v)
{
	for (; c->name; c++)
		if (c->value == v)
			return c->name;
	return "?";
}

void cfg_choices_text(const struct opt_choice *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; c->name && used < len; c++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? "|" : "", c->name);
}

static void format_pagesizes(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const struct opt_choice *c = cfg_pagesize_names; c->name && used < len; c++)
		if (mask & BIT(c->value))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? "," : "", c->name);
}

void cfg_set_name(char dst[CFG_NAME_MAX], const char *src)
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
			snprintf(why, CFG_WHY_MAX, "expected a comma list of names of 1..%d "
				 "letters, digits or '_'", CFG_NAME_MAX - 1);
			return -1;
		}
		if (n == max) {
			snprintf(why, CFG_WHY_MAX, "at most %u levels", max);
			return -1;
		}
		for (unsigned i = 0; i < n; i++) {
			if (!strcmp(names[i], name)) {
				snprintf(why, CFG_WHY_MAX, "level '%s' listed twice", name);
				return -1;
			}
		}
		cfg_set_name(names[n++], name);
		if (!end)
			break;
		p = end + 1;
	}
	*count = n;
	return 0;
}

/*
 * Parse value into the field of row o inside base (the section's struct).
 * cfg is the whole configuration, for the rows that rebuild lists or load a
 * preset.  On error, why says what was expected.
 */
int cfg_opt_parse(struct sim_config *cfg, const struct opt *o, void *base,
		     const char *value, char *why)
{
	char *field = (char *)base + o->off;
	char list[96];
	uint64_t v;

	switch (o->type) {
	case OPT_UINT:
	case OPT_U64:
	case OPT_SIZE:
		if (parse_u64(value, o->type == OPT_SIZE ? PARSE_BYTES : PARSE_PLAIN, &v) ||
		    v < o->min || v > o->max) {
			snprintf(why, CFG_WHY_MAX, "expected %s in %" PRIu64 "..%" PRIu64,
				 o->type == OPT_SIZE ? "a size (k/m/g/t suffixes)" : "an integer",
				 o->min, o->max);
			return -1;
		}
		if (o->type == OPT_UINT)
			*(unsigned *)field = (unsigned)v;
		else
			*(uint64_t *)field = v;
		return 0;
	case OPT_BOOL:
		if (parse_bool(value, (bool *)field)) {
			snprintf(why, CFG_WHY_MAX, "expected 0 or 1 (true/false, yes/no, on/off)");
			return -1;
		}
		return 0;
	case OPT_ENUM: {
		const struct opt_choice *c = choice_by_name(o->choices, value);

		if (!c) {
			cfg_choices_text(o->choices, list, sizeof(list));
			snprintf(why, CFG_WHY_MAX, "expected one of %s", list);
			return -1;
		}
		*(int *)field = c->value;
		return 0;
	}
	case OPT_PAGESIZES: {
		uint64_t mask = 0;
		char tmp[128];
		char *save = NULL, *tok;

		/* a list too long for tmp is refused, never parsed truncated */
		snprintf(tmp, sizeof(tmp), "%s", strlen(value) < sizeof(tmp) ? value : "");
		for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const struct opt_choice *c;

			while (isspace((unsigned char)*tok))
				tok++;
			for (size_t n = strlen(tok); n && isspace((unsigned char)tok[n - 1]); n--)
				tok[n - 1] = '\0';
			c = choice_by_name(cfg_pagesize_names, tok);
			if (!c) {
				mask = 0;
				break;
			}
			mask |= BIT(c->value);
		}
		if (!mask) {
			cfg_choices_text(cfg_pagesize_names, list, sizeof(list));
			snprintf(why, CFG_WHY_MAX, "expected a comma list of page sizes, each "
				 "one of %s", list);
			return -1;
		}
		*(uint64_t *)field = mask;
		return 0;
	}
	case OPT_PPM:
		if (parse_ppm(value, (uint32_t *)field)) {
			snprintf(why, CFG_WHY_MAX, "expected a fraction 0..1 with at most 6 decimals");
			return -1;
		}
		return 0;
	case OPT_LEVELNAME:
		if (!strcasecmp(value, "none")) {
			cfg_set_name(field, NULL);
			return 0;
		}
		if (!name_is_valid(value)) {
			snprintf(why, CFG_WHY_MAX, "expected a level name or none");
			return -1;
		}
		cfg_set_name(field, value);
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
			if (cfg_template_defaults(cfg_section_by_kind(SEC_TLB_LEVEL),
						    &tlb->level[i], why))
				return -1;
			cfg_set_name(tlb->level[i].name, names[i]);
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
			if (cfg_template_defaults(cfg_section_by_kind(SEC_CACHE_LEVEL),
						    &cache->level[i], why))
				return -1;
			cfg_set_name(cache->level[i].name, names[i]);
		}
		cache->nlevels = n;
		return 0;
	}
	case OPT_PRESET:
		return cfg_reset_to_preset(cfg, value, why);
	}
	snprintf(why, CFG_WHY_MAX, "internal error: row type %d", (int)o->type);
	return -1;
}

/* Text of a field, as written in INI, and its JSON kind. */
void cfg_opt_format(const struct opt *o, const void *base, char *buf, size_t len,
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
		parse_format_size(*ival, buf, len);
		return;
	case OPT_BOOL:
		*ival = *(const bool *)field;
		*kind = CFG_ITEM_BOOL;
		snprintf(buf, len, "%d", (int)*ival);
		return;
	case OPT_ENUM: {
		const char *name = cfg_choice_name(o->choices, *(const int *)field);

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
		parse_format_ppm(*(const uint32_t *)field, buf, len);
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

const struct opt_section *cfg_section_by_kind(enum sec_kind kind)
{
	for (size_t i = 0; i < cfg_nsections; i++)
		if (cfg_sections[i].kind == kind)
			return &cfg_sections[i];
	return NULL;
}

int cfg_template_defaults(const struct opt_section *sec, void *base, char *why)
{
	for (size_t i = 0; i < sec->nopts; i++)
		if (cfg_opt_parse(NULL, &sec->opts[i], base, sec->opts[i].dflt, why))
			return -1;
	return 0;
}
