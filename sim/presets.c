/*
 * sim/presets.c - the built-in presets, as INI text applied over the
 * defaults by cfg_load_preset().  Keeping them as text means a preset is
 * read exactly like a user's file, and `mmusim --help-config` plus this file
 * are all one needs to reproduce one by hand.
 *
 * What is sourced and what is chosen (also in sim/CONFIG.md):
 *
 *  - TLB entries, associativity and held page sizes come from the Arm
 *    Technical Reference Manuals where a TRM text could be read:
 *      Cortex-A76 TRM (Arm 100798, section A5.1 "About the MMU", table A5-1,
 *        and A5.2 "TLB organization"): L1 instruction TLB 48 entries fully
 *        associative holding 4K/16K/64K/2M/32M; L1 data TLB 48 entries fully
 *        associative holding 4K/16K/64K/2M/512M; L2 TLB 1280 entries 5-way
 *        holding every size from 4K to 1G; an L1 TLB hit takes one cycle, an
 *        L2 TLB access "usually" three.
 *      Cortex-A72 TRM (Arm 100095, section 5.2.3 "L2 TLB"): unified L2 TLB of
 *        1024 entries, 4-way, holding 4K/64K and, for AArch64, 2M/1G (4K
 *        granule) and 512M (64K granule); access time "variable".
 *  - Not read from a TRM here, so stated as choices:
 *      Cortex-A72 L1 TLBs (48-entry instruction, 32-entry data, fully
 *        associative, 4K/64K/1M pages) are taken from secondary summaries of
 *        the TRM; 1M is an AArch32 section size and is not modelled.
 *      Cortex-A57 (TRM Arm DDI 0488): the same 48/32/1024x4 organisation as
 *        its derivative A72, from secondary summaries; treat as unverified.
 *      Neoverse N1 (TRM Arm 100616): its core is described as almost
 *        identical to the Cortex-A76; the A76 figures are used.
 *      Walk caches and the stage-2 TLB: the A76 keeps walk intermediates and
 *        IPA->PA blocks in its L2 TLB, and no separate sizes are published
 *        for these cores; 64 entries 4-way is used everywhere, the size the
 *        Cortex-A53/A55 TRMs give for their walk cache and IPA cache.
 *      Replacement policies are not published: LRU throughout.
 *      Cache sizes follow the cores' usual configurations (A57/A72: 32K
 *        2-way L1D; A76/N1: 64K 4-way L1D, 8-way L2); every cache and memory
 *        latency is a plausible round figure, not a measured one.
 *      A57 and A72 are Armv8.0 cores without hardware access-flag or
 *        dirty-state update (FEAT_HAFDBS), so both stages set ha = 0 and
 *        stage 1 hd = 0; they do not implement the 16K granule,
 *        which their TLB size lists make a configuration error.
 */
#include <stddef.h>

#include "sim/config.h"

static const char neoverse_n1_ini[] =
	"# Neoverse N1: Cortex-A76 TLB organisation (TRM 100798 A5.2), see header\n"
	"[tlb]\n"
	"levels = L1I,L1D,L2\n"
	"[tlb.L1I]\n"
	"entries = 48\n"
	"ways = 0\n"
	"repl = lru\n"
	"serves = inst\n"
	"sizes = 4k,16k,64k,2m,32m\n"
	"org = shared\n"
	"latency = 1\n"
	"next = L2\n"
	"[tlb.L1D]\n"
	"entries = 48\n"
	"ways = 0\n"
	"repl = lru\n"
	"serves = data\n"
	"sizes = 4k,16k,64k,2m,512m\n"
	"org = shared\n"
	"latency = 1\n"
	"next = L2\n"
	"[tlb.L2]\n"
	"entries = 1280\n"
	"ways = 5\n"
	"repl = lru\n"
	"serves = unified\n"
	"sizes = 4k,16k,64k,2m,32m,512m,1g\n"
	"org = shared\n"
	"latency = 3\n"
	"next = none\n"
	"# walk caches: not published; A53/A55 walk-cache geometry (a choice)\n"
	"[walkcache.s1]\n"
	"entries = 64\n"
	"ways = 4\n"
	"repl = lru\n"
	"latency = 3\n"
	"[walkcache.s2]\n"
	"entries = 64\n"
	"ways = 4\n"
	"repl = lru\n"
	"latency = 3\n"
	"[s2tlb]\n"
	"entries = 64\n"
	"ways = 4\n"
	"repl = lru\n"
	"latency = 3\n"
	"# caches: usual configuration; latencies are round choices\n"
	"[cache]\n"
	"levels = L1D,L2,LLC\n"
	"[cache.L1D]\n"
	"size = 64k\n"
	"ways = 4\n"
	"line = 64\n"
	"latency = 4\n"
	"[cache.L2]\n"
	"size = 1m\n"
	"ways = 8\n"
	"line = 64\n"
	"latency = 11\n"
	"[cache.LLC]\n"
	"size = 2m\n"
	"ways = 16\n"
	"line = 64\n"
	"latency = 35\n"
	"[memory]\n"
	"latency = 200\n";

static const char cortex_a76_ini[] =
	"# Cortex-A76: TRM 100798 A5.1 table A5-1 and A5.2\n"
	"[tlb]\n"
	"levels = L1I,L1D,L2\n"
	"[tlb.L1I]\n"
	"entries = 48\n"
	"ways = 0\n"
	"serves = inst\n"
	"sizes = 4k,16k,64k,2m,32m\n"
	"latency = 1\n"
	"next = L2\n"
	"[tlb.L1D]\n"
	"entries = 48\n"
	"ways = 0\n"
	"serves = data\n"
	"sizes = 4k,16k,64k,2m,512m\n"
	"latency = 1\n"
	"next = L2\n"
	"[tlb.L2]\n"
	"entries = 1280\n"
	"ways = 5\n"
	"serves = unified\n"
	"sizes = 4k,16k,64k,2m,32m,512m,1g\n"
	"latency = 3\n"
	"next = none\n"
	"[walkcache.s1]\n"
	"entries = 64\n"
	"ways = 4\n"
	"latency = 3\n"
	"[walkcache.s2]\n"
	"entries = 64\n"
	"ways = 4\n"
	"latency = 3\n"
	"[s2tlb]\n"
	"entries = 64\n"
	"ways = 4\n"
	"latency = 3\n"
	"[cache]\n"
	"levels = L1D,L2,LLC\n"
	"[cache.L1D]\n"
	"size = 64k\n"
	"ways = 4\n"
	"latency = 4\n"
	"[cache.L2]\n"
	"size = 512k\n"
	"ways = 8\n"
	"latency = 9\n"
	"[cache.LLC]\n"
	"size = 2m\n"
	"ways = 16\n"
	"latency = 31\n"
	"[memory]\n"
	"latency = 200\n";

/*
 * Cortex-A72 and Cortex-A57 share this organisation; only the L2 data
 * cache latency differs below.  A72: L2 TLB from TRM 100095 5.2.3, L1
 * TLBs from summaries.  A57: TRM DDI 0488 not read, figures unverified.
 */
#define CORTEX_A57_A72_COMMON \
	"[stage1]\n" \
	"ha = 0\n" \
	"hd = 0\n" \
	"[stage2]\n" \
	"ha = 0\n" \
	"[tlb]\n" \
	"levels = L1I,L1D,L2\n" \
	"[tlb.L1I]\n" \
	"entries = 48\n" \
	"ways = 0\n" \
	"serves = inst\n" \
	"sizes = 4k,64k\n" \
	"latency = 1\n" \
	"next = L2\n" \
	"[tlb.L1D]\n" \
	"entries = 32\n" \
	"ways = 0\n" \
	"serves = data\n" \
	"sizes = 4k,64k\n" \
	"latency = 1\n" \
	"next = L2\n" \
	"[tlb.L2]\n" \
	"entries = 1024\n" \
	"ways = 4\n" \
	"serves = unified\n" \
	"sizes = 4k,64k,2m,512m,1g\n" \
	"latency = 3\n" \
	"next = none\n" \
	"[walkcache.s1]\n" \
	"entries = 64\n" \
	"ways = 4\n" \
	"latency = 3\n" \
	"[walkcache.s2]\n" \
	"entries = 64\n" \
	"ways = 4\n" \
	"latency = 3\n" \
	"[s2tlb]\n" \
	"entries = 64\n" \
	"ways = 4\n" \
	"latency = 3\n" \
	"[cache]\n" \
	"levels = L1D,L2\n" \
	"[cache.L1D]\n" \
	"size = 32k\n" \
	"ways = 2\n" \
	"latency = 4\n" \
	"[cache.L2]\n" \
	"size = 1m\n" \
	"ways = 16\n" \
	/* [cache.L2] latency follows */

static const char cortex_a72_ini[] =
	"# Cortex-A72: L2 TLB from TRM 100095 5.2.3; L1 TLBs from summaries\n"
	CORTEX_A57_A72_COMMON
	"latency = 15\n"
	"[memory]\n"
	"latency = 200\n";

static const char cortex_a57_ini[] =
	"# Cortex-A57: organisation as the A72 (TRM DDI 0488 not read; unverified)\n"
	CORTEX_A57_A72_COMMON
	"latency = 18\n"
	"[memory]\n"
	"latency = 200\n";

/*
 * The one-level preset (sim/CONFIG.md, [one_level]).  cfg_finalize()
 * derives run.mode, run.crossing, [stage1] and the TLB from [one_level]
 * whenever run.preset = one-level; this text only makes the configuration
 * look like the result before that.
 */
static const char one_level_ini[] =
	"[run]\n"
	"mode = native\n"
	"[stage1]\n"
	"blocks = none\n"
	"[tlb]\n"
	"levels = L1\n"
	"[tlb.L1]\n"
	"entries = 64\n"
	"ways = 0\n"
	"repl = lru\n"
	"serves = unified\n"
	"sizes = 4k\n"
	"next = none\n"
	"[walkcache.s1]\n"
	"entries = 0\n"
	"[walkcache.s2]\n"
	"entries = 0\n"
	"[s2tlb]\n"
	"entries = 0\n";

const struct cfg_preset cfg_presets[] = {
	{ "one-level", "one LRU TLB level from [one_level], native, no walk caches",
	  one_level_ini },
	{ "cortex-a57", "Arm Cortex-A57 TLBs (48I/32D fully assoc., 1024x4 L2)",
	  cortex_a57_ini },
	{ "cortex-a72", "Arm Cortex-A72 TLBs (48I/32D fully assoc., 1024x4 L2)",
	  cortex_a72_ini },
	{ "cortex-a76", "Arm Cortex-A76 TLBs (48I/48D fully assoc., 1280x5 L2)",
	  cortex_a76_ini },
	{ "neoverse-n1", "Arm Neoverse N1 TLBs (as A76); the default hardware",
	  neoverse_n1_ini },
	{ NULL, NULL, NULL },
};
