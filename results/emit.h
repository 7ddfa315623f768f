/*
 * results/emit.h - result writers over the statistics registry and the
 * configuration echo: a text table, JSON, and CSV rows.
 *
 * No emitter names a counter: they iterate the registry (sim/stats.h) and
 * the configuration (cfg_foreach()), so a new counter or key appears in
 * every format without a change here.  Every result starts with the
 * configuration echo, so each number can be traced to its settings.
 *
 * Formats (results/SCHEMA.md describes them for the plotting side):
 *  - text: "# "-prefixed header and configuration echo, then the registry
 *    as aligned "name value" rows grouped by prefix (top-level names first),
 *    without the absent blocks (structures the run does not have, which
 *    JSON and CSV hold as zeros; sim/stats.h).
 *  - JSON: {"mmusim_version", "complete", ["incomplete_reason"],
 *    ["command"], "config", then the registry}.  "command" is the command
 *    line that produced the result, an array of strings (present only when
 *    the caller gives one).  Dotted names nest ("tlb.L1D.lookups" ->
 *    {"tlb":{"L1D":{"lookups":N}}}), groups in order of first registration.
 *    Counters are integers; ratios are numbers (null when the denominator is
 *    zero); a histogram is an object {count, sum, mean, p50, p95, p99,
 *    limit, overflow, buckets}.  The configuration nests the same way
 *    ("tlb.L1D" section -> "config":{"tlb":{"L1D":{...}}}) with integers,
 *    booleans and numbers typed as such.  Numbers are printed with "%.6f":
 *    deterministic, no exponent.
 *  - CSV: one row per run appended to a file; columns mmusim_version,
 *    complete, incomplete_reason, config.SECTION.KEY..., then each counter
 *    and ratio by name and each histogram as NAME.count/.mean/.p50/.p95/
 *    .p99/.overflow.  Appended by the rule of results/csv.h: a file of other
 *    columns (a TLB level of another name, an older version) takes the
 *    union of both, with empty cells where a run has no such column.
 */
#ifndef MMUSIM_RESULTS_EMIT_H
#define MMUSIM_RESULTS_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "results/csv.h"
#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"

/* What one result holds. */
struct emit_run {
	const struct sim_config *cfg;   /* echoed; NULL leaves the echo out */
	const struct stats_registry *reg;
	bool complete;                  /* false: the run was cut short */
	const char *reason;             /* why, when !complete */
	const char *const *argv;        /* JSON "command"; NULL leaves it out */
	int argc;                       /* number of strings in argv */
};

/**
 * emit_version() - the version string every result carries.
 */
const char *emit_version(void);

/**
 * emit_text() - write the readable summary to @f.
 * Return: 0, or SIM_E_IO (or SIM_E_NOMEM) with @err filled.
 */
int emit_text(FILE *f, const struct emit_run *run, struct sim_error *err);

/**
 * emit_json() - write the JSON object to @f, followed by a newline.
 * Return: 0, or SIM_E_IO / SIM_E_NOMEM with @err filled.
 */
int emit_json(FILE *f, const struct emit_run *run, struct sim_error *err);

/**
 * emit_json_file() - write the JSON to @path atomically: a temporary file
 * in the same directory is written, flushed to disk and renamed over @path,
 * so an existing result is replaced whole or not at all.
 * Return: 0, or SIM_E_IO with @err naming the path and the failing step.
 */
int emit_json_file(const char *path, const struct emit_run *run, struct sim_error *err);

/**
 * emit_csv_append() - append this run's row to the CSV file @path by the
 * rule of csv_append() (results/csv.h): a new file gets the header, a file
 * whose header lacks some of this run's columns is rewritten atomically
 * with the union of the columns.
 * Return: 0; SIM_E_CONFIG if the file is not a CSV of results or is cut
 * inside a row (it is left as it is); SIM_E_IO, SIM_E_NOMEM.
 */
int emit_csv_append(const char *path, const struct emit_run *run, struct sim_error *err);

/**
 * emit_csv_config() - add the configuration echo to the row @c as CSV
 * columns, config.SECTION.KEY, in the order of cfg_foreach() (the columns
 * every CSV of results has).
 */
void emit_csv_config(struct csv_cols *c, const struct sim_config *cfg);

#endif /* MMUSIM_RESULTS_EMIT_H */
