/*
 * sim/stats.h - the statistics registry: named uint64_t counters owned by
 * the components, histograms, and the derived metrics computed from them.
 *
 * A component keeps its counters in its own struct and registers them once
 * with a dotted prefix ("tlb.L1D" + {"lookups", "hits", "misses"}); the
 * registry only reads them.  Every output format iterates the registry, so
 * adding a counter never needs an emitter change.
 *
 * Choices:
 *  - Warmup is a snapshot, not a mode: stats_snapshot() records the current
 *    values, and every value reported is "count since the snapshot"; the
 *    snapshot itself is available as the warmup count.  Model code never
 *    branches on warmup.
 *  - Derived metrics (ratios, histogram means and percentiles) are computed
 *    here, on demand, from the snapshot-relative counts; they are never
 *    stored as counters.
 *  - Histograms have exact buckets 0..limit-1 and one overflow bucket for
 *    values >= limit; the exact sum of all values is kept, so the mean is
 *    exact even when values overflow.  Percentiles use the nearest-rank
 *    definition and are bucket values (integers).
 *  - Names are dotted paths of [A-Za-z0-9_] components.  A name may not be
 *    both a leaf and a prefix of another name (JSON nests them), and the
 *    top-level names the emitters use (config, mmusim_version, complete,
 *    incomplete_reason) are reserved.
 *  - Iteration order is registration order.
 *  - A structure a run does not have (walk caches switched off, the
 *    workload counters of a single-trace run) is still registered, as an
 *    absent block: its counters read 0 and are marked absent.  Every run of
 *    one version so has the same fixed names (results/SCHEMA.md); only the
 *    names the configuration chooses (TLB levels, CPUs) vary.
 */
#ifndef MMUSIM_SIM_STATS_H
#define MMUSIM_SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"

/*
 * A histogram a component owns and updates with stats_hist_add().  bucket
 * has limit + 1 elements; bucket[limit] counts values >= limit.
 */
struct stats_hist {
	uint64_t *bucket;
	uint64_t limit;
	uint64_t sum;           /* exact sum of every value added */
};

/**
 * stats_hist_init() - allocate the buckets of a histogram.
 * @limit: values 0..limit-1 get exact buckets, at least 1.
 * Return: 0, SIM_E_INVAL for limit 0, SIM_E_NOMEM.
 */
int stats_hist_init(struct stats_hist *h, uint64_t limit);

/* stats_hist_free() - release the buckets; h may be zeroed or initialised. */
void stats_hist_free(struct stats_hist *h);

static inline void stats_hist_add(struct stats_hist *h, uint64_t v)
{
	h->bucket[v < h->limit ? v : h->limit]++;
	h->sum += v;
}

enum stats_kind {
	STATS_COUNTER = 0,
	STATS_RATIO,            /* derived: num * mul / (den * div) */
	STATS_HIST,
};

struct stats_entry;

/* The registry; fields are private to sim/stats.c. */
struct stats_registry {
	struct stats_entry *e;
	size_t n, cap;
	bool have_snapshot;
};

/* Summary of a histogram since the snapshot. */
struct stats_hist_summary {
	uint64_t count;         /* values recorded */
	uint64_t sum;
	uint64_t limit;
	uint64_t overflow;      /* values >= limit */
	double mean;            /* sum / count; valid if count > 0 */
	uint64_t p50, p95, p99; /* nearest-rank; valid if count > 0 */
	bool p50_over, p95_over, p99_over;  /* percentile is in the overflow bucket */
};

/* One registry entry as the emitters see it. */
struct stats_item {
	const char *name;       /* full dotted name */
	enum stats_kind kind;
	uint64_t value;         /* COUNTER: count since the snapshot */
	uint64_t warmup;        /* COUNTER: count at the snapshot (0 without one) */
	bool defined;           /* RATIO: denominator non-zero; HIST: count > 0 */
	bool absent;            /* COUNTER: of a structure this run does not have */
	double ratio;           /* RATIO */
	struct stats_hist_summary hist;  /* HIST */
};

/* stats_init() - an empty registry. */
void stats_init(struct stats_registry *reg);

/* stats_free() - release the registry (not the counters it points at). */
void stats_free(struct stats_registry *reg);

/**
 * stats_register() - register a block of counters.
 * @prefix: dotted prefix, or NULL/"" for top-level counters.
 * @names:  n counter names (one component each); the strings are copied.
 * @values: n counters owned by the caller; they must outlive the registry.
 *          NULL registers an absent block: n counters that read 0, for a
 *          structure this run does not have.
 * Return: 0; SIM_E_INVAL for a bad, duplicate, reserved or conflicting
 * name (message in @err); SIM_E_NOMEM.
 */
int stats_register(struct stats_registry *reg, const char *prefix,
		   const char *const names[], const uint64_t *values, size_t n,
		   struct sim_error *err);

/**
 * stats_register_hist() - register a histogram under a full dotted name.
 * @h: owned by the caller and initialised; must outlive the registry.
 * Return: as stats_register().
 */
int stats_register_hist(struct stats_registry *reg, const char *name,
			const struct stats_hist *h, struct sim_error *err);

/**
 * stats_register_ratio() - declare a derived metric
 * name = (num x mul) / (den x div), from two registered counters.
 * @mul, @div: scale factors, at least 1 (e.g. 100 and base_cycles for an
 *             overhead percentage).
 * Return: as stats_register(); SIM_E_INVAL also if num or den is not a
 * registered counter.
 */
int stats_register_ratio(struct stats_registry *reg, const char *name,
			 const char *num, const char *den, uint64_t mul, uint64_t div,
			 struct sim_error *err);

/**
 * stats_snapshot() - end of warmup: from now on every value is reported
 * relative to the current counts.  May be called again to move the base.
 * Return: 0, or SIM_E_NOMEM (histogram copies).
 */
int stats_snapshot(struct stats_registry *reg);

/* stats_reset() - forget the snapshot: values are totals again. */
void stats_reset(struct stats_registry *reg);

/* stats_count() - number of entries (counters, ratios, histograms). */
size_t stats_count(const struct stats_registry *reg);

/**
 * stats_get() - entry @i (0 <= i < stats_count()) with its values and
 * derived metrics computed now.  name points into the registry.
 */
void stats_get(const struct stats_registry *reg, size_t i, struct stats_item *out);

/**
 * stats_hist_bucket() - bucket @b (0..limit) of histogram entry @i, since
 * the snapshot.  Returns 0 if @i is not a histogram or @b is out of range.
 */
uint64_t stats_hist_bucket(const struct stats_registry *reg, size_t i, uint64_t b);

/**
 * stats_find() - index of the entry named @name, or -1.
 */
long stats_find(const struct stats_registry *reg, const char *name);

/**
 * stats_percentile() - nearest-rank percentile of bucket counts.
 * @bucket:   nbuckets counts; bucket i stands for value i.
 * @permille: 1..1000 (500 = median, 990 = p99).
 * @value:    the smallest i with at least ceil(permille/1000 * total) values
 *            in buckets 0..i.
 * Return: 0, or SIM_E_INVAL if the buckets are empty or permille is 0 or
 * above 1000.
 */
int stats_percentile(const uint64_t *bucket, size_t nbuckets, unsigned permille,
		     uint64_t *value);

#endif /* MMUSIM_SIM_STATS_H */
