/*
 * results/report_data.h - result sets for `mmusim report` and `mmusim sweep`.
 *
 * A result is a flat list of named columns, the same names the CSV emitter
 * writes (results/SCHEMA.md): "config.SECTION.KEY", every counter and
 * ratio by its dotted name, and each histogram as NAME.count, .sum, .mean,
 * .p50, .p95, .p99, .limit and .overflow.  JSON results also keep the
 * histograms' buckets (for distribution charts) and the command line.
 * Nothing here names a counter: columns are looked up by name, so a
 * counter added to the simulator reaches every table and chart unchanged.
 *
 * The loader also adds labels that the charts group by:
 *  - "workload": the trace files of the run (base names without the
 *    trace suffixes), unless the input already has the column;
 *  - "config_name": the preset, --config file and --set overrides of the
 *    run ("default" if none), unless the input already has the column;
 *    a result without a command line is named by its preset and the
 *    settings in which it differs from the other results;
 *  - "report.s1_levels", "report.s2_levels": translation levels of each
 *    stage in that configuration (0 for a stage that is off).
 */
#ifndef MMUSIM_RESULTS_REPORT_DATA_H
#define MMUSIM_RESULTS_REPORT_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/err.h"

/* One histogram's buckets: bucket[0..limit-1] exact, bucket[limit] overflow. */
struct rd_hist {
	char *name;
	uint64_t limit;
	uint64_t *bucket;       /* limit + 1 counts */
};

struct rd_result {
	char *source;           /* file (and CSV line) it came from */
	size_t n, cap;
	char **name;            /* column names */
	char **value;           /* values as text; "" for null */
	size_t nhist;
	struct rd_hist *hist;
	char **argv;            /* command line, NULL-terminated, or NULL */
};

struct rd_set {
	size_t n, cap;
	struct rd_result *r;
};

/**
 * rd_load() - add the results in @path to @set: a JSON result of `mmusim
 * run`, a CSV of result rows (`mmusim run --csv`, a sweep's results.csv,
 * a compare.csv), a sweep output directory (its cells.tsv and cells/
 * results) or a compare output directory (compare.csv and NAME.json).
 * Files are recognised by content, directories by cells.tsv or compare.csv.
 * Return: 0; SIM_E_IO, SIM_E_PARSE (message names the file, and the line
 * where it can), SIM_E_NOMEM.  On error @set is unchanged.
 */
int rd_load(struct rd_set *set, const char *path, struct sim_error *err);

/**
 * rd_load_json_text() - add the JSON result @text (named @origin).
 * Return: as rd_load().
 */
int rd_load_json_text(struct rd_set *set, const char *text, size_t len, const char *origin,
		      struct sim_error *err);

/**
 * rd_label() - add the label columns described above (and "command", the
 * command line as shell text) to every result that lacks them.  Call it
 * once, after every result is loaded: a configuration's name lists the
 * settings in which it differs from the other results.
 * Return: 0 or SIM_E_NOMEM.
 */
int rd_label(struct rd_set *set);

/**
 * rd_trace_label() - the workload name of a trace file: its base name
 * without format and compression suffixes (".lackey.gz", ".mtr.zst", ...).
 */
void rd_trace_label(const char *path, char *out, size_t len);

/* rd_free() - release every result of @set and empty it. */
void rd_free(struct rd_set *set);

/* rd_get() - the value of column @name in @r, or NULL if it has none. */
const char *rd_get(const struct rd_result *r, const char *name);

/**
 * rd_num() - column @name of @r as a number.
 * Return: 1 and *@v set if the column exists and is a number, else 0.
 */
int rd_num(const struct rd_result *r, const char *name, double *v);

/* rd_put() - set column @name of @r to @value (added if new).  Return 0 or SIM_E_NOMEM. */
int rd_put(struct rd_result *r, const char *name, const char *value);

/* rd_hist_find() - the histogram @name of @r, or NULL. */
const struct rd_hist *rd_hist_find(const struct rd_result *r, const char *name);

/**
 * rd_shell_quote() - write @argv (NULL-terminated) to @f as one shell
 * command line, quoting each word only if it needs it.
 */
void rd_shell_quote(FILE *f, char *const *argv);

/**
 * rd_columns() - the union of the column names of every result, in order
 * of first appearance.  *@names is a new array of pointers into @set (free
 * only the array).  Return: 0 or SIM_E_NOMEM.
 */
int rd_columns(const struct rd_set *set, const char ***names, size_t *n);

/**
 * rd_write_csv() - write @set as CSV to @f: a header of the union of the
 * columns (@first columns, if given, lead), then one row per result.
 * Return: 0 or SIM_E_IO / SIM_E_NOMEM.
 */
int rd_write_csv(FILE *f, const struct rd_set *set, const char *const *first, size_t nfirst,
		 struct sim_error *err);

#endif /* MMUSIM_RESULTS_REPORT_DATA_H */
