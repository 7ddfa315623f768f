/*
 * results/cmd_sweep.c - `mmusim sweep`: run a matrix of configurations times
 * workloads as `mmusim run` child processes on every local core, resumably,
 * and merge the results; or write the same sweep as a Slurm job array or a
 * GNU parallel job list.
 *
 * The sweep file (results/README.md):
 *
 *     [sweep]
 *     preset = neoverse-n1                  ; optional base of every configuration
 *     config = base.ini                     ; optional, relative to the sweep file
 *     set = run.mode=virt                   ; base overrides, repeatable
 *     vary = tlb.L2.entries: 256, 512, 1024 ; several vary lines: cross product
 *     vary = tlb.L2.entries, tlb.L2.ways: 1280/5, 2048/4   ; keys varied together
 *     workload = traces/gcc.lackey.gz       ; repeatable; "NAME: PATH" names it
 *     time_limit = 2h                       ; optional, per cell
 *
 *     [config a76]                          ; optional explicit configurations
 *     preset = cortex-a76
 *     set = tlb.L2.entries=1024
 *
 * Cells are (configuration, workload).  OUT/cells.tsv lists them (id,
 * configuration name, workload name, the arguments of `mmusim run`); each
 * cell's result is OUT/cells/ID.json, written atomically by `mmusim run`, so
 * a cell is done exactly when that file exists and says "complete": true.
 * IDs are derived from the cell's arguments, so a restarted sweep skips what
 * is done, and an edited sweep never reuses a result of different settings.
 *
 * A cell that runs past the time limit is killed by the parent, which
 * writes its result as incomplete (reason "time limit: ..."): the merge
 * keeps it marked, and a resumed sweep runs it again.  The cells run in the
 * job pool of results/jobs.h, which sleeps until a cell ends or the next
 * deadline.  On a cluster, submit-slurm.sh cuts the cells into job arrays
 * of at most MaxArraySize tasks (see sweep_emit_slurm()).
 *
 * This file is the command: its options and modes; the parts are listed
 * in results/sweep.h.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/sweep.h"
#include "sim/cmd.h"
#include "sim/err.h"

static int make_dir(const char *path, struct sim_error *err)
{
	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	return sim_error_set(err, SIM_E_IO, "cannot create %s: %s", path, strerror(errno));
}

static void sweep_usage(FILE *f)
{
	fputs("usage: mmusim sweep [OPTIONS] SWEEP.ini\n"
	      "       mmusim sweep --cell N OUT\n"
	      "       mmusim sweep --merge OUT\n"
	      "\n"
	      "Run a matrix of configurations (a preset plus overrides; 'vary' lines form a\n"
	      "cross product; [config NAME] sections name configurations) times workloads\n"
	      "(trace files) as 'mmusim run' processes on every core.  Each cell's result\n"
	      "is written atomically to OUT/cells/ID.json; a restarted sweep skips the\n"
	      "cells that are done.  The finished cells are merged into OUT/results.csv\n"
	      "(for 'mmusim report OUT' or 'mmusim report OUT/results.csv').  The file\n"
	      "format is in results/README.md.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output OUT  where to write (default: SWEEP without .ini, plus .out)\n"
	      "  -j, --jobs N      cells run at once (default: the number of cores)\n"
	      "  --time-limit D    stop a cell that runs longer than D (N seconds, or Ns, Nm,\n"
	      "                    Nh, Nd; 0 for none; overrides the file's time_limit): its\n"
	      "                    result is marked incomplete and a resumed sweep reruns it\n"
	      "  --emit slurm      write OUT/sweep.sbatch (job array tasks), merge.sbatch and\n"
	      "                    submit-slurm.sh (submits the cells as arrays of at most\n"
	      "                    MaxArraySize tasks, then the merge after all); run nothing\n"
	      "  --max-array-size N  with --emit slurm: arrays of at most N tasks (default:\n"
	      "                    the cluster's, from 'scontrol show config' at submission,\n"
	      "                    else 1001)\n"
	      "  --emit parallel   write OUT/jobs.txt (GNU parallel) and parallel.sh; run nothing\n"
	      "  --list            list the cells and the state of each (done, todo, timeout,\n"
	      "                    incomplete); run nothing\n"
	      "  --no-progress     no progress line (shown on a terminal)\n"
	      "  --cell N OUT      run cell N (1-based) of OUT/cells.tsv unless it is done\n"
	      "  --merge OUT       merge OUT's finished cells into OUT/results.csv\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "Exit status: 0 every cell done; 1 some cell failed (see OUT/logs/); 2 bad\n"
	      "usage or a malformed sweep file (FILE:LINE: ...); 3 no cell failed but some\n"
	      "ran into the time limit.\n", f);
}

static int merge_cmd(const char *out)
{
	struct sim_error err = { 0 };
	size_t n = 0;
	int rc = sweep_merge(out, &n, &err);

	if (rc) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		return rc == SIM_E_NOMEM ? 1 : EXIT_USAGE;
	}
	printf("mmusim sweep: merged %zu cells into %s/results.csv\n", n, out);
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "emit", required_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "cell", required_argument, NULL, 'c' },
		{ "merge", no_argument, NULL, 'm' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "max-array-size", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outopt = NULL, *emit = NULL, *cell = NULL;
	bool list = false, progress = true, do_merge = false, have_limit = false;
	unsigned long limit = 0, max_array = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct sweep sw;
	struct cells cs = { 0 };
	struct sim_error err = { 0 };
	char *out = NULL, *exe = NULL, sub[PATH_MAX + 16], def[PATH_MAX];
	int c, status = 0;
	size_t merged = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:j:", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'o': outopt = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 4096) {
				fprintf(stderr, "mmusim sweep: -j: expected 1..4096, got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'e':
			if (strcmp(optarg, "slurm") && strcmp(optarg, "parallel")) {
				fprintf(stderr, "mmusim sweep: --emit: expected slurm or parallel, got "
					"'%s'\n", optarg);
				return EXIT_USAGE;
			}
			emit = optarg;
			break;
		case 'l': list = true; break;
		case 'P': progress = false; break;
		case 'c': cell = optarg; break;
		case 'm': do_merge = true; break;
		case 't':
			if (parse_duration(optarg, &limit)) {
				fprintf(stderr, "mmusim sweep: --time-limit: expected a duration (N "
					"seconds, or Ns, Nm, Nh, Nd; 0 for none) of at most 30 days, "
					"got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			have_limit = true;
			break;
		case 'A':
			max_array = strtoul(optarg, &end, 10);
			if (*end || optarg[0] < '0' || optarg[0] > '9' || max_array < 1 ||
			    max_array > 4000001) {
				fprintf(stderr, "mmusim sweep: --max-array-size: expected 1..4000001 "
					"(Slurm's MaxArraySize), got '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			sweep_usage(stdout);
			return 0;
		default:
			sweep_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "mmusim sweep: expected one %s (try 'mmusim sweep --help')\n",
			cell || do_merge ? "OUT directory" : "sweep file");
		return EXIT_USAGE;
	}
	if (jobs < 1)
		jobs = 1;
	if (max_array && (!emit || strcmp(emit, "slurm"))) {
		fprintf(stderr, "mmusim sweep: --max-array-size goes with --emit slurm\n");
		return EXIT_USAGE;
	}
	if (have_limit && (do_merge || list)) {
		fprintf(stderr, "mmusim sweep: --time-limit goes with running cells (or --emit, "
			"--cell), not with --%s\n", do_merge ? "merge" : "list");
		return EXIT_USAGE;
	}
	if (cell)
		return sweep_run_cell(argv[optind], cell, limit);
	if (do_merge)
		return merge_cmd(argv[optind]);

	if (sweep_parse(&sw, argv[optind], &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		sweep_free(&sw);
		return EXIT_USAGE;
	}
	if (!have_limit)
		limit = sw.time_limit;
	/* OUT: absolute, so that the cell commands and job scripts work from anywhere */
	{
		if (!outopt) {
			const char *b = strrchr(argv[optind], '/');
			size_t n;

			b = b ? b + 1 : argv[optind];
			n = strlen(b);
			if (n > 4 && !strcmp(b + n - 4, ".ini"))
				n -= 4;
			snprintf(def, sizeof(def), "%.*s.out", (int)n, b);
			outopt = def;
		}
		if (make_dir(outopt, &err)) {
			fprintf(stderr, "mmusim sweep: %s\n", err.msg);
			sweep_free(&sw);
			return EXIT_USAGE;
		}
		out = realpath(outopt, NULL);
	}
	exe = sweep_self_exe();
	if (!out || !exe) {
		fprintf(stderr, "mmusim sweep: cannot resolve %s or this program's path\n", outopt);
		status = EXIT_USAGE;
		goto done;
	}
	if (make_cells(&sw, out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = EXIT_USAGE;
		goto done;
	}
	snprintf(sub, sizeof(sub), "%s/cells", out);
	if (make_dir(sub, &err) || (snprintf(sub, sizeof(sub), "%s/logs", out), make_dir(sub, &err)) ||
	    write_cells_tsv(out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = 1;
		goto done;
	}
	if (list) {
		static const char *const state[] = { [CELL_TODO] = "todo", [CELL_DONE] = "done",
						     [CELL_TIMED_OUT] = "timeout",
						     [CELL_INCOMPLETE] = "incomplete" };

		for (size_t i = 0; i < cs.n; i++)
			printf("%zu\t%s\t%s\t%s\t%s\n", i + 1, state[cell_state(out, &cs.c[i])],
			       cs.c[i].id, cs.c[i].config, cs.c[i].workload);
		goto done;
	}
	if (emit) {
		if (!strcmp(emit, "slurm") ? sweep_emit_slurm(out, exe, &cs, limit, max_array, &err) :
		    sweep_emit_parallel(out, exe, &cs, limit, &err)) {
			fprintf(stderr, "mmusim sweep: %s\n", err.msg);
			status = 1;
			goto done;
		}
		if (!strcmp(emit, "slurm"))
			printf("mmusim sweep: wrote %s/sweep.sbatch (%zu array tasks), %s/merge.sbatch "
			       "and %s/submit-slurm.sh; submit with: sh %s/submit-slurm.sh\n",
			       out, cs.n, out, out, out);

		else
			printf("mmusim sweep: wrote %s/jobs.txt (%zu jobs); run: parallel < %s/jobs.txt "
			       "&& %s sweep --merge %s (or sh %s/parallel.sh)\n", out, cs.n, out, exe,
			       out, out);
		goto done;
	}
	status = sweep_run_cells(out, &cs, jobs, progress, limit);
	if (sweep_merge(out, &merged, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		status = 1;
	} else {
		printf("mmusim sweep: merged %zu cells into %s/results.csv\n", merged, out);
	}
done:
	cells_free(&cs);
	sweep_free(&sw);
	free(out);
	free(exe);
	return status;
}
