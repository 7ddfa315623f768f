/*
 * workloads/gen.h - synthetic workload generators: deterministic, in-memory
 * sources of trace records (struct trace_rec) for one CPU.
 *
 * What is modelled: the memory accesses of one thread of a program, as a
 * data stream following one of a few classic access patterns, optionally
 * interleaved with an instruction-fetch stream walking basic blocks through
 * a code region.  The data patterns are:
 *
 *   GEN_SEQ      sequential: offsets 0, size, 2*size, ... wrapping at the
 *                end of the footprint;
 *   GEN_STRIDED  offsets 0, stride, 2*stride, ... modulo the footprint (a
 *                stride that does not divide the footprint shifts the phase
 *                on each pass);
 *   GEN_RANDOM   uniform over the naturally aligned slots of the footprint;
 *   GEN_ZIPF     Zipf-distributed over the pages of the footprint: the page
 *                of rank r (0-based) has probability proportional to
 *                1/(r+1)^s; ranks map to pages through a seeded permutation,
 *                so hot pages are scattered; the offset within the page is
 *                uniform;
 *   GEN_CHASE    pointer chasing: the footprint is cut into nodes (a cache
 *                line by default) linked in one pseudo-random cycle; each
 *                access is to the node the previous one pointed to;
 *   GEN_HOTCOLD  a fraction of the accesses goes uniformly to a small hot
 *                region at the start of the footprint, the rest uniformly to
 *                the cold remainder;
 *   GEN_NONE     no data stream: instruction fetches only.
 *
 * Semantic choices:
 *   - Everything derives from the seed through PRNG states inside the object
 *     (xoshiro256**, seeded with splitmix64); there is no global state, so
 *     the same parameters always give the same records.  Addresses, the
 *     read/write choice and the instruction stream use separate PRNG states:
 *     changing the write fraction or the fetch ratio does not change the
 *     data addresses.
 *   - Data accesses are naturally aligned (size 1, 2, 4, 8 or 16), so no
 *     access crosses a page unless a misalignment is asked for.
 *   - @accesses counts every record, fetches included; 0 means endless.
 *   - Fetches are 4 bytes (A64 instructions).  With a fetch ratio R, each
 *     data access is preceded by the fetches due to it, so that after n
 *     data accesses exactly floor(n * R) fetches were emitted (to 2^-32).
 *   - Reads and writes are chosen per data access, independently, with
 *     probability @write_frac of a write.
 */
#ifndef MMUSIM_WORKLOADS_GEN_H
#define MMUSIM_WORKLOADS_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "workloads/trace.h"

enum gen_pattern {
	GEN_SEQ = 0,
	GEN_STRIDED,
	GEN_RANDOM,
	GEN_ZIPF,
	GEN_CHASE,
	GEN_HOTCOLD,
	GEN_NONE,
	GEN_PATTERN__COUNT
};

#define GEN_DEFAULT_DATA_BASE   UINT64_C(0x400000000)
#define GEN_DEFAULT_CODE_BASE   UINT64_C(0x400000)
#define GEN_FETCH_SIZE          4u      /* bytes per instruction fetch */
#define GEN_BASE_ALIGN          4096u   /* data and code bases are page aligned */
#define GEN_ZIPF_MAX_EXPONENT   10.0
#define GEN_MAX_FETCH_RATIO     1000000.0

/**
 * struct gen_params - what to generate.  Fill with gen_params_init() first,
 * then change what differs; every field is validated by gen_create().
 * @pattern:     the data access pattern.
 * @seed:        any value; equal parameters give equal records.
 * @accesses:    records to produce, fetches included; 0 for an endless source.
 * @cpu:         the cpu field of every record.
 * @base:        first byte of the data footprint (a multiple of 4 KiB, and of
 *               @page_size for GEN_ZIPF).
 * @footprint:   data bytes touched; a nonzero multiple of @size.
 * @size:        data access size: 1, 2, 4, 8 or 16.
 * @misalign:    0..@size-1 bytes added to every data address (0: aligned).
 *               With a nonzero value the last slot of the footprint is not
 *               used, so every access still lies inside the footprint.
 * @write_frac:  probability that a data access is a store, 0..1.
 * @stride:      GEN_STRIDED: bytes between accesses; a multiple of @size,
 *               at most @footprint.
 * @zipf_s:      GEN_ZIPF: the exponent s, 0..GEN_ZIPF_MAX_EXPONENT (0 is
 *               uniform, about 1 is classic Zipf).
 * @page_size:   GEN_ZIPF: the unit ranked; a power of two >= @size dividing
 *               @footprint.
 * @node_size:   GEN_CHASE: bytes per node; a multiple of @size dividing
 *               @footprint.  The access is to the node's first bytes.
 * @hot_frac:    GEN_HOTCOLD: fraction of the data accesses to the hot region.
 * @hot_bytes:   GEN_HOTCOLD: size of the hot region, a multiple of @size
 *               below @footprint; 0 means footprint/16 (rounded down to a
 *               multiple of @size, at least @size).
 * @fetch_ratio: instruction fetches per data access (0: no fetches; ignored
 *               for GEN_NONE, which produces only fetches).
 * @code_base:   first byte of the code region (a multiple of 4 KiB).
 * @code_bytes:  size of the code region, a nonzero multiple of 4, required
 *               when fetches are generated; must not overlap the data.
 * @branch_prob: probability that an instruction is a taken branch, 0..1.
 * @far_prob:    probability that a taken branch goes anywhere in the code
 *               region (a call or far jump) rather than near, 0..1.
 * @near_bytes:  near branches move by a uniform displacement in
 *               [-near_bytes, +near_bytes], a multiple of 4.
 */
struct gen_params {
	enum gen_pattern pattern;
	uint64_t seed;
	uint64_t accesses;
	uint16_t cpu;

	uint64_t base;
	uint64_t footprint;
	unsigned size;
	unsigned misalign;
	double write_frac;

	uint64_t stride;
	double zipf_s;
	uint64_t page_size;
	uint64_t node_size;
	double hot_frac;
	uint64_t hot_bytes;

	double fetch_ratio;
	uint64_t code_base;
	uint64_t code_bytes;
	double branch_prob;
	double far_prob;
	uint64_t near_bytes;
};

struct gen;

/**
 * gen_params_init() - fill @p with the defaults.
 * @p: the parameters to fill.
 *
 * Defaults: GEN_SEQ, seed 1, 1 000 000 accesses, cpu 0, data at
 * GEN_DEFAULT_DATA_BASE, footprint 1 MiB, 8-byte aligned accesses, no
 * writes, stride 4 KiB, Zipf s = 0.99 over 4 KiB pages, 64-byte chase nodes,
 * 90% of accesses to a hot region of footprint/16, no fetches; when fetches
 * are enabled, 1 MiB of code at GEN_DEFAULT_CODE_BASE, a taken branch every
 * 8 instructions on average, 10% of them far, near ones within 1 KiB.
 */
void gen_params_init(struct gen_params *p);

/**
 * gen_create() - validate @p and build a generator.
 * @gp:  receives the generator, or NULL on failure.
 * @p:   the parameters; copied, so it may be freed afterwards.
 * @err: receives the reason on failure, naming the offending parameter.
 *
 * Allocation is bounded and independent of the footprint except for
 * GEN_ZIPF, whose sampling table has a few thousand entries at most.
 *
 * Return: 0, SIM_E_CONFIG for bad parameters, SIM_E_NOMEM.
 */
int gen_create(struct gen **gp, const struct gen_params *p, struct sim_error *err);

/**
 * gen_next_batch() - produce the next records.
 * @g:    the generator.
 * @recs: room for @max records; every byte of each record is written.
 * @max:  records wanted, at least 1 (values above INT_MAX are treated as
 *        INT_MAX).
 *
 * Return: the number of records stored, @max unless the access count is
 * reached; 0 once it has been.  Never fails.
 */
int gen_next_batch(struct gen *g, struct trace_rec *recs, size_t max);

/**
 * gen_records() - records produced so far.
 * @g: the generator.
 *
 * Return: the total of the counts gen_next_batch() returned.
 */
uint64_t gen_records(const struct gen *g);

/**
 * gen_get_params() - the parameters @g was created with.
 * @g: the generator.
 *
 * Return: a copy owned by @g, with defaults such as @hot_bytes resolved.
 */
const struct gen_params *gen_get_params(const struct gen *g);

/**
 * gen_destroy() - free a generator.
 * @g: the generator; NULL is fine.
 */
void gen_destroy(struct gen *g);

/**
 * gen_pattern_name() - the name of a pattern.
 * @pat: the pattern.
 *
 * Return: "seq", "strided", "random", "zipf", "chase", "hotcold" or "none";
 * NULL if @pat is out of range.
 */
const char *gen_pattern_name(enum gen_pattern pat);

/**
 * gen_pattern_parse() - look a pattern up by name.
 * @name: one of the gen_pattern_name() names; "sequential", "stride",
 *        "uniform" and "pointer-chase" are accepted as aliases.
 * @pat:  receives the pattern.
 *
 * Return: 0, or SIM_E_CONFIG for an unknown name.
 */
int gen_pattern_parse(const char *name, enum gen_pattern *pat);

#endif /* MMUSIM_WORKLOADS_GEN_H */
