/*
 * sim/config.h - the one configuration of a mmusim run.
 *
 * struct sim_config holds every setting, nested one sub-struct per INI
 * section.  It is filled in this order and is const once the run starts:
 *
 *   cfg_init_defaults()   option-table defaults plus the Neoverse N1 TLB,
 *                         walk-cache and cache parameters (see sim/CONFIG.md)
 *   cfg_load_preset()     --preset NAME: replaces everything with a preset
 *   cfg_load_file()       an INI file (sim/ini.h), keys applied in file order
 *   cfg_set()             --set section.key=value overrides, in order
 *   cfg_finalize()        derives what depends on other keys (the one-level
 *                         preset's mapping, "ways = 0" -> entries) and
 *                         validates across fields
 *
 * One option table (sim/config_table.c; sim/config_impl.h says how the
 * module's files divide the work) drives parsing, --help-config, the range
 * checks and the configuration echo, so every key has exactly one name,
 * type, default and help line.  The geometry rules are mmu/geom.h's, the
 * INI syntax sim/ini.h's and the value syntax sim/parse.h's.  Per-level sections ([tlb.NAME],
 * [cache.NAME]) use templated rows: the level names come from tlb.levels and
 * cache.levels, which must be set before the level sections are written.
 *
 * Choices made here:
 *  - Fields keep what was asked for ("auto" start levels stay CFG_LEVEL_AUTO);
 *    cfg_start_level() and cfg_block_level() give the effective geometry.
 *  - Fractions are stored in parts per million, never as double, so the
 *    echo is exact and round-trips.
 *  - A failed load leaves the configuration unchanged: files and overrides
 *    are applied to a copy that replaces the original only on success.
 */
#ifndef MMUSIM_SIM_CONFIG_H
#define MMUSIM_SIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/err.h"
#include "sim/parse.h"
#include "sim/types.h"

#define CFG_NAME_MAX            16      /* level names, NUL included */
#define CFG_PRESET_NAME_MAX     32
#define CFG_TLB_LEVELS_MAX      8
#define CFG_CACHE_LEVELS_MAX    4
#define CFG_LEVEL_AUTO          (-1)    /* start_level = auto */
#define CFG_PPM_ONE             PARSE_PPM_ONE   /* fractions: parts per million */

enum cfg_mode {
	CFG_MODE_NATIVE = 0,    /* stage 1 only */
	CFG_MODE_VIRT = 1,      /* stage 1 + stage 2 */
	CFG_MODE_S2ONLY = 2,    /* stage 2 only: trace addresses are IPAs */
};

/* An access that crosses a page boundary. */
enum cfg_crossing {
	CFG_CROSSING_SPLIT = 0, /* look up every page it touches, lowest first */
	CFG_CROSSING_FIRST = 1, /* look up the page of its first byte only */
};

/* The largest mappings the page-table builder uses where alignment allows. */
enum cfg_blocks {
	CFG_BLOCKS_NONE = 0,    /* base pages only */
	CFG_BLOCKS_L2 = 1,      /* level-2 blocks: 2M / 32M / 512M */
	CFG_BLOCKS_L1 = 2,      /* level-1 blocks where legal (1G with 4K), else L2 */
};

/* Contiguous groups the OS (stage 1) or the hypervisor (stage 2) maps. */
enum cfg_contiguous {
	CFG_CONT_NONE = 0,
	CFG_CONT_LAST = 1,      /* groups of last-level pages */
	CFG_CONT_BLOCK = 2,     /* groups of level-2 blocks */
	CFG_CONT_BOTH = 3,
};

enum cfg_repl {
	CFG_REPL_LRU = 0,
	CFG_REPL_PLRU = 1,      /* tree pseudo-LRU: ways must be a power of two */
	CFG_REPL_FIFO = 2,
	CFG_REPL_RANDOM = 3,    /* seeded from run.seed */
};

/* What a TLB level holds; a bit mask, so "serves everything X serves" is
 * (a & ~b) == 0. */
enum cfg_serves {
	CFG_SERVES_INST = 1,
	CFG_SERVES_DATA = 2,
	CFG_SERVES_UNIFIED = 3,
};

/* How a TLB level stores its page sizes. */
enum cfg_org {
	CFG_ORG_SHARED = 0,     /* one array holds every size in sizes */
	CFG_ORG_SPLIT = 1,      /* one array per size, each entries x ways */
};

struct cfg_run {
	char preset[CFG_PRESET_NAME_MAX];  /* "none" or the preset loaded */
	enum cfg_mode mode;
	uint64_t seed;          /* for every random choice in the run */
	uint64_t warmup;        /* accesses before statistics start */
	uint64_t base_cycles;   /* base cost of an access without translation */
	enum cfg_crossing crossing;
	bool fast_path;         /* memo / MRU shortcuts; must not change results */
};

/* One translation stage.  ia_bits is va_bits (stage 1) or ipa_bits (stage 2). */
struct cfg_stage {
	unsigned granule_shift; /* 12, 14 or 16 */
	unsigned ia_bits;
	int start_level;        /* CFG_LEVEL_AUTO or 0..3 */
	enum cfg_blocks blocks;
	unsigned pa_bits;       /* output size: 32,36,40,42,44,48,52 */
	uint32_t huge_ppm;      /* free memory in block-sized free runs, ppm */
	bool ha;                /* hardware access-flag update */
	uint64_t fault_around;  /* stage 1: the OS's fault-around window, bytes */
	bool hd;                /* hardware dirty-state update */
	enum cfg_contiguous contiguous;
	uint32_t old_ppm;       /* walks of a mapped page that find it aged, ppm */
	bool dirty_log;         /* stage 2: the hypervisor logs dirty pages */
	uint64_t ram_base;      /* stage 2: the guest's RAM base (IPA) */
};

struct cfg_tlb_level {
	char name[CFG_NAME_MAX];
	unsigned entries;
	unsigned ways;          /* 0 until cfg_finalize(): = entries */
	enum cfg_repl repl;
	enum cfg_serves serves;
	uint64_t sizes;         /* bit n set: holds pages of 2^n bytes */
	enum cfg_org org;
	unsigned latency;       /* cycles for a lookup at this level */
	char next[CFG_NAME_MAX];  /* next level's name, "" for none */
};

struct cfg_tlb {
	unsigned nlevels;
	struct cfg_tlb_level level[CFG_TLB_LEVELS_MAX];
};

/* A walk cache or the stage-2 TLB; entries == 0 means absent. */
struct cfg_wcache {
	unsigned entries;
	unsigned ways;          /* 0 until cfg_finalize(): = entries */
	enum cfg_repl repl;
	unsigned latency;
};

struct cfg_cache_level {
	char name[CFG_NAME_MAX];
	uint64_t size;          /* bytes */
	unsigned ways;
	unsigned line;          /* bytes */
	unsigned latency;       /* cycles for a hit at this level */
};

/* The caches a page-table walk's descriptor reads go through. */
struct cfg_cache {
	unsigned nlevels;
	struct cfg_cache_level level[CFG_CACHE_LEVELS_MAX];
};

struct cfg_memory {
	unsigned latency;       /* cycles for a read that misses every cache */
};

/* [policy]: the hypervisor's and OS's choices in a workload run. */
enum cfg_vmid_scheme {
	CFG_VMID_NEW = 0,       /* KVM since about 5.18: reserved VMIDs, one ALLE1IS per rollover */
	CFG_VMID_OLD = 1,       /* the counter scheme before it */
};

enum cfg_tlbi_scope {
	CFG_TLBI_BROADCAST = 0, /* one Inner Shareable TLBI reaches every CPU */
	CFG_TLBI_LOCAL = 1,     /* a local TLBI on each CPU, the others by IPI */
};

struct cfg_policy {
	unsigned asid_bits;     /* 8 or 16 */
	unsigned vmid_bits;     /* 8 or 16 */
	enum cfg_vmid_scheme vmid_scheme;
	bool vmid_tagging;      /* TLB entries tagged by VMID; else flush on world switches */
	bool kernel_global;     /* kernel-half mappings global (nG = 0) */
	bool vhe;               /* host in the EL2&0 regime (E2H = 1) */
	bool el2_extra_level;   /* nVHE EL2 tables with one level more (idmap) */
	enum cfg_tlbi_scope tlbi_scope;
	unsigned tlbi_local_cycles;
	unsigned tlbi_broadcast_cycles;
	unsigned ipi_cycles;
};

/* The one-level preset's own keys (sim/CONFIG.md, "[one_level]"). */
struct cfg_one_level {
	unsigned entries;
	unsigned ways;          /* 0 until cfg_finalize(): = entries */
	unsigned page_shift;    /* 12, 14, 16, or 21 (2M blocks of the 4K granule) */
	bool split;             /* L1I + L1D instead of one L1 */
	enum cfg_crossing crossing;
};

struct sim_config {
	struct cfg_run run;
	struct cfg_stage stage1;
	struct cfg_stage stage2;
	struct cfg_tlb tlb;
	struct cfg_wcache wc_s1;        /* [walkcache.s1] */
	struct cfg_wcache wc_s2;        /* [walkcache.s2] */
	struct cfg_wcache s2tlb;        /* [s2tlb] */
	struct cfg_cache cache;
	struct cfg_memory memory;
	struct cfg_one_level one_level;
	struct cfg_policy policy;
};

/* A built-in preset: INI text applied over the defaults. */
struct cfg_preset {
	const char *name;
	const char *summary;    /* one line for --help-config */
	const char *ini;
};

/* The presets, terminated by an entry whose name is NULL (sim/presets.c). */
extern const struct cfg_preset cfg_presets[];

/**
 * cfg_preset_find() - look a preset up by name.
 * Return: the preset, or NULL if there is none of that name.
 */
const struct cfg_preset *cfg_preset_find(const char *name);

/**
 * cfg_init_defaults() - fill @cfg with the default configuration.
 * @cfg: overwritten entirely.
 *
 * The defaults are the option table's defaults plus the Neoverse N1 TLB,
 * walk-cache and cache parameters; run.preset is "none".
 * Return: 0, or a negative enum sim_err if a built-in text is broken (a bug).
 */
int cfg_init_defaults(struct sim_config *cfg);

/**
 * cfg_load_preset() - replace @cfg with the defaults plus preset @name.
 * @cfg:  on error left unchanged.
 * @name: a cfg_presets[] name, or "none" for the plain defaults.
 * @err:  filled on error; may be NULL.
 *
 * Equivalent to cfg_set(cfg, "run.preset=NAME", err): everything set before
 * is lost, so load the preset first.
 * Return: 0, or SIM_E_CONFIG for an unknown name.
 */
int cfg_load_preset(struct sim_config *cfg, const char *name, struct sim_error *err);

/**
 * cfg_load_file() - apply an INI file to @cfg, key by key in file order.
 * @cfg:  on error left unchanged.
 * @path: the file ("-" for standard input); its name appears in messages
 *        as "PATH:LINE: ...".
 * @err:  filled on error; may be NULL.
 *
 * The syntax is sim/ini.h's.  Unknown sections (at their header line) and
 * keys, bad and out-of-range values are errors naming PATH:LINE.  [tlb]
 * levels (and [cache] levels) must come before the level sections they
 * name.  Setting run.preset loads that preset at that point.
 * Return: 0, SIM_E_IO if the file cannot be read, SIM_E_PARSE for a
 * malformed line, SIM_E_CONFIG for a bad section, key or value.
 */
int cfg_load_file(struct sim_config *cfg, const char *path, struct sim_error *err);

/**
 * cfg_load_text() - as cfg_load_file(), from @len bytes of INI text in
 * memory (a NUL byte in them is an error).
 * @origin: the name messages use in place of a path.
 */
int cfg_load_text(struct sim_config *cfg, const char *text, size_t len, const char *origin,
		  struct sim_error *err);

/* cfg_load_string() - cfg_load_text() of a NUL-terminated string. */
int cfg_load_string(struct sim_config *cfg, const char *text, const char *origin,
		    struct sim_error *err);

/**
 * cfg_set() - apply one override "section.key=value".
 * @assignment: e.g. "tlb.L1D.entries=64" or "one_level.page=2m"; the
 *              section is everything before the last '.' preceding '='.
 *
 * Messages name the override: "--set 'ASSIGNMENT': ...".
 * Return: 0, SIM_E_PARSE if there is no '=' or no section, SIM_E_CONFIG
 * for an unknown key or a bad value.  On error @cfg is unchanged.
 */
int cfg_set(struct sim_config *cfg, const char *assignment, struct sim_error *err);

/**
 * cfg_finalize() - derive dependent values, then cfg_validate().
 *
 * With run.preset = one-level, maps the [one_level] keys onto run.mode,
 * run.crossing, [stage1] and the TLB levels (replacing what was there) and
 * removes the walk caches.  Every "ways = 0" becomes "ways = entries".
 * Call once, after the last cfg_set(); the result is what the run uses and
 * what the echo prints.
 * Return: 0, or SIM_E_CONFIG with a message naming the offending keys.
 */
int cfg_finalize(struct sim_config *cfg, struct sim_error *err);

/**
 * cfg_validate() - check a configuration across fields.
 *
 * Checks: TLB geometry (ways divide entries into a power-of-two number of
 * sets), next names a defined level, no cycles, every access kind has
 * exactly one first level, serves/sizes consistency, va_bits and the stage-1
 * start level for the granule, stage-2 geometry legal for the IPA and PA
 * sizes (at most 16 concatenated tables), cache geometry.  A ways value of
 * 0 is accepted as "fully associative".  Stage 1 is not checked in s2only
 * mode, stage 2 not in native mode.
 * Return: 0, or SIM_E_CONFIG with a message naming the keys.
 */
int cfg_validate(const struct sim_config *cfg, struct sim_error *err);

/**
 * cfg_start_level() - the effective start level of a stage.
 * @st:    &cfg->stage1 or &cfg->stage2.
 * @stage: which one it is (the auto rules differ).
 *
 * Stage 1: geom_s1_start_level(), 4 - floor((va_bits - 4) / (granule_shift
 * - 3)); an explicit value must agree.  Stage 2: auto is
 * geom_s2_default_start_level(), the fewest levels that need at most 16
 * concatenated tables, never fewer than two (KVM's choice); the level must
 * pass geom_s2_validate() with pa_bits as PAMax.
 * Return: 0..3, or -1 if the start level is illegal.
 */
int cfg_start_level(const struct cfg_stage *st, enum mmu_stage stage);

/**
 * cfg_pamax() - the implemented physical address size of @cfg's CPU
 * (ID_AA64MMFR0_EL1.PARange): [stage1] pa_bits in native mode, [stage2]
 * pa_bits otherwise.  It decides which blocks the granules have.
 */
unsigned cfg_pamax(const struct sim_config *cfg);

/**
 * cfg_block_level() - the shallowest level at which the page-table builder
 * places blocks: 1, 2, or 3 when only pages are used.  blocks = l1 asks for
 * level 1, l2 for level 2; no block is placed above the start level, and a
 * level the granule has no block at on a CPU of @pamax (geom_block_allowed():
 * 16K never, 64K only with a 52-bit PA) gives the next deeper one.
 */
int cfg_block_level(const struct cfg_stage *st, enum mmu_stage stage, unsigned pamax);

/**
 * cfg_min_page_shift() - log2 of the smallest page a TLB entry describes in
 * @cfg's mode.  Stage 1 maps every page with its block size when blocks is
 * not none (that is what the one-level preset's page = 2m needs); stage 2
 * does so only when huge_fraction is 1; a combined entry has the smaller of
 * the two stages' sizes.  Every TLB level must hold this size.
 */
unsigned cfg_min_page_shift(const struct sim_config *cfg);

/**
 * cfg_tlb_find() - index of the TLB level named @name, or -1.
 */
int cfg_tlb_find(const struct cfg_tlb *tlb, const char *name);

/* How an echoed value is typed in JSON. */
enum cfg_item_kind {
	CFG_ITEM_STRING = 0,
	CFG_ITEM_INT,           /* ival holds it */
	CFG_ITEM_BOOL,          /* ival is 0 or 1 */
	CFG_ITEM_NUMBER,        /* value is a decimal number, e.g. "0.25" */
};

/* One key of the configuration echo. */
struct cfg_item {
	const char *section;    /* "run", "tlb.L1D", ... */
	const char *key;
	const char *value;      /* as it would be written in an INI file */
	enum cfg_item_kind kind;
	uint64_t ival;
};

/**
 * cfg_foreach() - call @fn for every key with its effective value, in the
 * stable order of the option table (sections in table order, TLB and cache
 * levels in list order).  Stops at the first non-zero return of @fn.
 * Return: 0, or what @fn returned.
 */
int cfg_foreach(const struct sim_config *cfg,
		int (*fn)(void *ctx, const struct cfg_item *item), void *ctx);

/**
 * cfg_echo() - write the configuration as INI text that cfg_load_string()
 * reads back to the same configuration.
 * @prefix: written before every line ("# " to embed it as comments); may be
 *          NULL.
 * Return: 0, or SIM_E_IO if writing failed.
 */
int cfg_echo(const struct sim_config *cfg, FILE *f, const char *prefix);

/**
 * cfg_print_help() - --help-config: every key with its type, range,
 * default and help line, the keys that have no effect in some runs, then
 * the presets.
 */
void cfg_print_help(FILE *f);

/* How a configuration is run, for cfg_unused(). */
struct cfg_use {
	bool spaces;            /* several address spaces: a workload, or a
				 * trace with switch records ([policy] applies) */
	bool exits;             /* a scheduled workload: VM exits and system
				 * calls can happen (not a record-driven run) */
	bool workload;          /* a workload file, whose [vm.NAME] keys may
				 * override [stage2] */
	unsigned ncpus;
};

/* What cfg_unused() checks. */
#define CFG_UNUSED_STATIC 0x1   /* every key but [policy]: needs no cfg_use */
#define CFG_UNUSED_POLICY 0x2   /* [policy]: needs a cfg_use */

/**
 * cfg_unused() - the keys set away from their reference value that have no
 * effect on the run: each is reported once through @fn with its dotted name
 * ("stage2.granule", "tlb.L1D.org"), its value and why.  The reference is
 * the defaults plus @user's run.preset, so a preset's own values are never
 * reported.  The rules are those --help-config and sim/CONFIG.md list
 * ("Keys without effect").
 * @user:  the configuration as loaded, before cfg_finalize()
 * @final: the same after cfg_finalize()
 * @use:   how it runs; may be NULL without CFG_UNUSED_POLICY
 * @what:  CFG_UNUSED_* bits
 * Return: the number of keys reported.
 */
unsigned cfg_unused(const struct sim_config *user, const struct sim_config *final,
		    const struct cfg_use *use, unsigned what,
		    void (*fn)(void *ctx, const char *key, const char *value, const char *why),
		    void *ctx);

#endif /* MMUSIM_SIM_CONFIG_H */
