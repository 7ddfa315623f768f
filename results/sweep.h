/*
 * results/sweep.h - the parts of `mmusim sweep`, shared by its files:
 *  - results/cmd_sweep.c: the command, its options and modes (the file
 *    format, the cells and their IDs are described there);
 *  - results/sweep_file.c: the sweep-file parser;
 *  - results/sweep_cells.c: the cells of a sweep, OUT/cells.tsv, and what
 *    each cell's result says;
 *  - results/sweep_run.c: running the cells on this machine (the job pool
 *    of results/jobs.h, time limits, --cell) and merging their results;
 *  - results/sweep_emit.c: the Slurm job arrays and the GNU parallel list.
 */
#ifndef MMUSIM_RESULTS_SWEEP_H
#define MMUSIM_RESULTS_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/err.h"

/* ---- the sweep file (sweep_file.c) ------------------------------------------ */

/* A growable list of strings, each with its source line. */
struct strv {
	char **v;
	unsigned *line;         /* source line of each entry (0: none) */
	size_t n;
};

int strv_add(struct strv *s, const char *str, unsigned line);
void strv_free(struct strv *s);

struct sw_config {
	char *name;
	unsigned line;
	char *preset, *config;  /* NULL: inherit from [sweep] */
	unsigned preset_line, config_line;
	struct strv sets;
};

struct sw_vary {
	unsigned line;
	struct strv keys;
	struct strv vals;       /* nvals x nkeys, row-major */
	size_t nvals;
};

struct sweep {
	const char *file;
	char *dir;              /* absolute directory of the sweep file */
	struct sw_config base;
	struct sw_config *cfg;
	size_t ncfg;
	struct sw_vary *vary;
	size_t nvary;
	struct strv wl_name, wl_path;
	unsigned long time_limit;       /* seconds a cell may run, 0 for no limit */
};

/**
 * sweep_parse() - read the sweep file @path into @sw, checking every
 * setting, preset, configuration file and workload.
 * Return: 0, or an error whose message is "FILE:LINE: ..."; release @sw
 * with sweep_free() either way.
 */
int sweep_parse(struct sweep *sw, const char *path, struct sim_error *err);
void sweep_free(struct sweep *sw);

/* A duration: N, Ns, Nm, Nh or Nd, N a whole number, at most 30 days; 0
 * means no limit.  Return: 0 and *@secs, or -1. */
int parse_duration(const char *s, unsigned long *secs);

/* ---- cells (sweep_cells.c) --------------------------------------------------- */

struct cell {
	char *id, *config, *workload;
	struct strv args;       /* arguments of `mmusim run` */
};

struct cells {
	struct cell *c;
	size_t n;
};

/* make_cells() - every configuration times every workload of @sw, with
 * results in @out/cells.  Return: 0 or an error (FILE:LINE for an
 * impossible configuration). */
int make_cells(const struct sweep *sw, const char *out, struct cells *cs,
	       struct sim_error *err);
void cells_free(struct cells *cs);

/* write_cells_tsv(), read_cells_tsv() - OUT/cells.tsv (the first written
 * atomically). */
int write_cells_tsv(const char *out, const struct cells *cs, struct sim_error *err);
int read_cells_tsv(const char *out, struct cells *cs, struct sim_error *err);

enum cell_state {
	CELL_TODO,              /* no result, or not one we can read */
	CELL_DONE,              /* a complete result */
	CELL_TIMED_OUT,         /* killed at the time limit (rerun by a resumed sweep) */
	CELL_INCOMPLETE,        /* a result marked incomplete (a bad trace) */
};

/* The reason a cell killed at its time limit is incomplete; `--list` and
 * the merged rows show it. */
#define TIMEOUT_REASON "time limit"

/* cell_state() - what the result of cell @c says; cell_done(): it is complete. */
enum cell_state cell_state(const char *out, const struct cell *c);
bool cell_done(const char *out, const struct cell *c);

/* ---- running and merging (sweep_run.c) ----------------------------------------- */

/* sweep_self_exe() - the path of this program (a new string), or NULL. */
char *sweep_self_exe(void);

/**
 * sweep_run_cells() - run the cells of @cs in @out that are not done,
 * @jobs at a time, each for at most @limit seconds (0: no limit), with a
 * progress line on a terminal if @progress.
 * Return: the exit status: 0, 1 some cell failed, 3 some timed out.
 */
int sweep_run_cells(const char *out, const struct cells *cs, long jobs, bool progress,
		    unsigned long limit);

/**
 * sweep_run_cell() - `mmusim sweep --cell N OUT`: run cell @nstr of
 * @out/cells.tsv unless it is done; with a time limit as a child stopped
 * at the limit, else in this process (exec).
 * Return: the exit status.
 */
int sweep_run_cell(const char *out, const char *nstr, unsigned long limit);

/**
 * sweep_merge() - merge every finished cell of @out into @out/results.csv,
 * atomically; *@nmerged of them.
 */
int sweep_merge(const char *out, size_t *nmerged, struct sim_error *err);

/* ---- cluster job lists (sweep_emit.c) -------------------------------------------- */

/* OUT/sweep.sbatch, merge.sbatch and submit-slurm.sh; @max_array: the
 * --max-array-size (0: the cluster's). */
int sweep_emit_slurm(const char *out, const char *exe, const struct cells *cs,
		     unsigned long limit, unsigned long max_array, struct sim_error *err);
/* OUT/jobs.txt and parallel.sh. */
int sweep_emit_parallel(const char *out, const char *exe, const struct cells *cs,
			unsigned long limit, struct sim_error *err);

#endif /* MMUSIM_RESULTS_SWEEP_H */
