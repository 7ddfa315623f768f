/*
 * results/sweep_emit.c - a sweep as jobs for others to run: Slurm job
 * arrays (with the submission script that cuts them to the cluster's
 * MaxArraySize and queues the merge after them) and a GNU parallel job
 * list.  Every job is `mmusim sweep --cell N OUT`.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "results/sweep.h"
#include "sim/readfile.h"

static int emit_file(const char *out, const char *name, const char *text, mode_t mode,
		     struct sim_error *err)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", out, name);
	return sim_write_file_atomic(path, text, strlen(text), mode, err);
}

/* Write OUT/@name (mode @mode, atomically): the text of @fmt. */
static int emit_filef(const char *out, const char *name, mode_t mode, struct sim_error *err,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int emit_filef(const char *out, const char *name, mode_t mode, struct sim_error *err,
		      const char *fmt, ...)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	va_list ap;
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	rc = fclose(f) ? sim_error_set(err, SIM_E_NOMEM, "out of memory") :
			 emit_file(out, name, text, mode, err);
	free(text);
	return rc;
}

/* The option that passes the time limit on to `--cell`, or "". */
static void limit_option(char *buf, size_t len, unsigned long limit)
{
	if (limit)
		snprintf(buf, len, " --time-limit %lu", limit);
	else
		buf[0] = '\0';
}

/*
 * The sweep as Slurm job arrays.  Slurm refuses an array index above
 * MaxArraySize - 1 (slurm.conf(5); MaxArraySize is 1001 by default) and an
 * array of more than max_array_tasks tasks (SchedulerParameters), so
 * submit-slurm.sh cuts the cells into arrays of at most that many tasks,
 * indices 0..K-1, each given the number of cells before it, and queues the
 * merge after all of them.  The limit is @max_array (--max-array-size), or
 * $MMUSIM_MAX_ARRAY_SIZE, or what `scontrol show config` says where the
 * script is run, or 1001.
 */
int sweep_emit_slurm(const char *out, const char *exe, const struct cells *cs,
		      unsigned long limit, unsigned long max_array, struct sim_error *err)
{
	char lim[64], maxs[32] = "";
	int rc;

	limit_option(lim, sizeof(lim), limit);
	if (max_array)
		snprintf(maxs, sizeof(maxs), "%lu", max_array);
	rc = emit_filef(out, "sweep.sbatch", 0755, err, "#!/bin/bash\n"
		"# mmusim sweep as Slurm job arrays: task I of the array submitted with\n"
		"# argument OFFSET runs cell OFFSET + I + 1 of cells.tsv.  Submit with\n"
		"# submit-slurm.sh, which cuts the cells into arrays the cluster accepts\n"
		"# and queues merge.sbatch after them.  A task whose cell is already done\n"
		"# exits at once, so resubmitting finishes an interrupted sweep.\n"
		"#SBATCH --job-name=mmusim-sweep\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/logs/slurm-%%A_%%a.out\n"
		"set -eu\n"
		": \"${SLURM_ARRAY_TASK_ID:?not a job array task: submit with submit-slurm.sh}\"\n"
		"MMUSIM=${MMUSIM:-%s}\n"
		"exec \"$MMUSIM\" sweep%s --cell \"$((${1:-0} + SLURM_ARRAY_TASK_ID + 1))\" '%s'\n",
		out, exe, lim, out);
	if (rc)
		return rc;
	rc = emit_filef(out, "merge.sbatch", 0755, err, "#!/bin/bash\n"
		"# Merge the finished cells of the sweep into results.csv; queued by\n"
		"# submit-slurm.sh to run after every task of the sweep's arrays.\n"
		"#SBATCH --job-name=mmusim-merge\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --output=%s/logs/slurm-merge-%%j.out\n"
		"set -eu\n"
		"MMUSIM=${MMUSIM:-%s}\n"
		"exec \"$MMUSIM\" sweep --merge '%s'\n", out, exe, out);
	if (rc)
		return rc;
	return emit_filef(out, "submit-slurm.sh", 0755, err, "#!/bin/sh\n"
		"# Submit the sweep's %zu cells as Slurm job arrays, then the merge as a\n"
		"# job that depends on all of them.  Extra arguments go to every sbatch.\n"
		"#\n"
		"# An array has at most MAX tasks, indices 0..MAX-1: Slurm takes no index\n"
		"# above MaxArraySize - 1 and no more than max_array_tasks tasks\n"
		"# (SchedulerParameters).  MAX is $MMUSIM_MAX_ARRAY_SIZE if set, else the\n"
		"# value given to 'mmusim sweep --max-array-size', else the smaller of\n"
		"# those two that 'scontrol show config' reports, else 1001 (Slurm's\n"
		"# default MaxArraySize).\n"
		"set -eu\n"
		"cd '%s'\n"
		"cells=%zu\n"
		"max=${MMUSIM_MAX_ARRAY_SIZE:-%s}\n"
		"if [ -z \"$max\" ]; then\n"
		"\tconf=$(scontrol show config 2>/dev/null || :)\n"
		"\tmax=$(printf '%%s\\n' \"$conf\" | sed -n 's/^MaxArraySize *= *\\([0-9][0-9]*\\).*/\\1/p')\n"
		"\ttasks=$(printf '%%s\\n' \"$conf\" | sed -n 's/^SchedulerParameters *=.*max_array_tasks=\\([0-9][0-9]*\\).*/\\1/p')\n"
		"\tmax=${max:-1001}\n"
		"\tif [ -n \"$tasks\" ] && [ \"$tasks\" -lt \"$max\" ]; then max=$tasks; fi\n"
		"fi\n"
		"case $max in\n"
		"''|*[!0-9]*) echo \"submit-slurm.sh: MaxArraySize '$max' is not a number\" >&2; exit 2 ;;\n"
		"esac\n"
		"if [ \"$max\" -lt 1 ]; then\n"
		"\techo \"submit-slurm.sh: job arrays are disabled on this cluster (MaxArraySize = $max)\" >&2\n"
		"\texit 1\n"
		"fi\n"
		"first=0\n"
		"ids=\n"
		"while [ \"$first\" -lt \"$cells\" ]; do\n"
		"\tn=$((cells - first))\n"
		"\tif [ \"$n\" -gt \"$max\" ]; then n=$max; fi\n"
		"\tid=$(sbatch --parsable --array=0-$((n - 1)) \"$@\" sweep.sbatch \"$first\")\n"
		"\tids=\"$ids ${id%%%%;*}\"\n"
		"\tfirst=$((first + n))\n"
		"done\n"
		"deps=$(printf '%%s' \"$ids\" | tr ' ' ':')\n"
		"merge=$(sbatch --parsable --dependency=afterany$deps \"$@\" merge.sbatch)\n"
		"echo \"mmusim sweep: submitted job array(s)$ids ($cells cells, at most $max per array)"
		" and merge job ${merge%%%%;*}\"\n",
		cs->n, out, cs->n, maxs);
}

int sweep_emit_parallel(const char *out, const char *exe, const struct cells *cs,
			 unsigned long limit, struct sim_error *err)
{
	char *t = NULL, lim[64];
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);
	int rc;

	if (!f)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	limit_option(lim, sizeof(lim), limit);
	for (size_t i = 0; i < cs->n; i++)
		fprintf(f, "'%s' sweep%s --cell %zu '%s'\n", exe, lim, i + 1, out);
	rc = fclose(f) ? sim_error_set(err, SIM_E_NOMEM, "out of memory") :
			 emit_file(out, "jobs.txt", t, 0644, err);
	free(t);
	if (rc)
		return rc;
	return emit_filef(out, "parallel.sh", 0755, err, "#!/bin/sh\n"
		"# Run the sweep's cells with GNU parallel (extra arguments go to parallel,\n"
		"# e.g. -S host1,host2 --sshdelay 0.1), then merge them into results.csv.\n"
		"cd '%s' || exit 2\n"
		"parallel --halt never \"$@\" < jobs.txt\n"
		"status=$?\n"
		"'%s' sweep --merge '%s' || exit $?\n"
		"exit $status\n", out, exe, out);
}
