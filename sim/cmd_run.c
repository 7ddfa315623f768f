/*
 * sim/cmd_run.c - `mmusim run`: replay traces through the configured
 * translation hierarchy and report what translation cost.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "results/emit.h"
#include "sim/cmd.h"
#include "sim/config.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "workloads/trace.h"
#include "workloads/workload.h"

#define RUN_BATCH 4096

static void run_usage(FILE *f)
{
	fputs("usage: mmusim run [OPTIONS] TRACE...\n"
	      "       mmusim run [OPTIONS] --workload FILE\n"
	      "\n"
	      "Replay memory traces (Valgrind lackey --trace-mem=yes text, the native\n"
	      "format of 'mmusim convert' and 'mmusim record', or ChampSim records; plain,\n"
	      "gzip, zstd, xz or bzip2; '-' for standard input) through the configured\n"
	      "TLBs, walk caches and page tables, and report what translation cost.\n"
	      "Several traces are replayed in order as one stream, on one CPU in one\n"
	      "address space, or, when they have context or VM switch records, as the\n"
	      "processes and VMs those name, as a workload run would\n"
	      "(workloads/WORKLOADS.md).\n"
	      "\n"
	      "With --workload, replay a virtualization scenario instead (see\n"
	      "workloads/WORKLOADS.md): CPUs, VMs and processes fed by traces or\n"
	      "generators, context switches through the ASID allocator, VM entries\n"
	      "through the VMID allocator, VM exits, system calls and TLB maintenance,\n"
	      "under the [policy] settings of the configuration.  With --workload and\n"
	      "TRACE arguments (a workload whose processes have no source), the traces\n"
	      "drive it record by record: each record runs on the CPU it names, and its\n"
	      "context switches, VM switches and TLBIs act there.\n"
	      "\n"
	      "Configuration (applied in this order):\n"
	      "  --preset NAME     start from a built-in preset: one-level, cortex-a57,\n"
	      "                    cortex-a72, cortex-a76, neoverse-n1 (default: the\n"
	      "                    Neoverse N1 hierarchy, virtualized 4K/48-bit on 40-bit IPA)\n"
	      "  --config FILE     an INI file of settings\n"
	      "  --set S.KEY=VAL   one setting, e.g. --set tlb.L1D.entries=64 (repeatable)\n"
	      "  --help-config     list every setting with its range and default\n"
	      "\n"
	      "Traces:\n"
	      "  --format NAME     how to read every trace: auto (default: ChampSim when the\n"
	      "                    name holds champsimtrace or cloudsuite, else native or\n"
	      "                    lackey by content), native, lackey, champsim (64-byte\n"
	      "                    records), champsim-cloudsuite (96-byte records); with\n"
	      "                    --workload, for the trace = entries without trace_format\n"
	      "\n"
	      "Workload:\n"
	      "  --workload FILE   the scenario to replay\n"
	      "\n"
	      "Output:\n"
	      "  --json FILE       every counter and the configuration, as JSON (written\n"
	      "                    atomically, also for a run cut short by bad input)\n"
	      "  --csv FILE        append one row for this run (header on a new file)\n"
	      "  --quiet           no summary on standard output\n"
	      "  --no-progress     no progress line (shown on a terminal for long runs)\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "Every TRACE is checked before the run starts: one that cannot be opened or\n"
	      "is not a trace (text without a lackey access line in its first 1 MiB, a\n"
	      "lackey log recorded without --trace-mem=yes, binary data, an empty file)\n"
	      "is reported, and nothing is printed or written.\n"
	      "\n"
	      "Exit status: 0 success; 2 bad usage, configuration or trace (for a trace\n"
	      "malformed part way, the statistics up to the bad record are still\n"
	      "reported, marked incomplete).\n", f);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct run_opts {
	const char *json, *csv;
	bool quiet, progress;
	const char *const *argv;        /* the command line, for the JSON */
	int argc;
};

/* Can @path be read again from its start? */
static bool rereadable(const char *path)
{
	struct stat st;

	return strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The single-trace simulation *@sp met a switch record (SIM_STEP_SPACES) in
 * the batch @recs[0..@n) of @rd, trace @cur of @paths: the run becomes the
 * processes and VMs the trace names (sim_create_spaces()).  If that record
 * is the very first, the new simulation carries on from it; otherwise the
 * records before it ran in the single space, and *@restart tells the caller
 * to replay every trace from the start, which needs files that can be read
 * again.  On failure *@failed_at is the index in @recs of the record that
 * failed.
 */
static int to_spaces(struct sim **sp, const struct sim_config *cfg, char **paths, int cur,
		     struct trace_reader *rd, const struct trace_rec *recs, size_t n, bool *restart,
		     size_t *failed_at, struct sim_error *err)
{
	size_t at = sim_step_failed_at(*sp);
	bool first = cur == 0 && trace_reader_records(rd) - n + at == 0;
	struct sim *s;
	int rc;

	*failed_at = at;

	for (int k = 0; !first && k <= cur; k++)
		if (!rereadable(paths[k]))
			return sim_error_set(err, SIM_E_UNSUPPORTED, "the first switch record, "
					     "after other records: a trace with switch records is "
					     "replayed as the processes and VMs it names from its "
					     "first record, and %s cannot be read again (give it as "
					     "a file, or start it with a switch record)",
					     strcmp(paths[k], "-") ? paths[k] : "standard input");
	if ((rc = sim_create_spaces(&s, cfg, err)))
		return rc;
	sim_destroy(*sp);
	*sp = s;
	if (!first) {
		*restart = true;
		return 0;
	}
	rc = sim_step(s, recs + at, n - at, err);
	*failed_at = sim_step_failed_at(s) + at;
	return rc;
}

static void warn_unused(void *ctx, const char *key, const char *value, const char *why)
{
	(void)ctx;
	fprintf(stderr, "mmusim run: warning: %s = %s has no effect: %s\n", key, value, why);
}

static int report(const struct sim_config *cfg, const struct sim *s, const struct run_opts *o,
		  bool complete, const char *reason)
{
	struct emit_run er = { .cfg = cfg, .reg = sim_stats(s), .complete = complete, .reason = reason,
			       .argv = o->argv, .argc = o->argc };
	struct sim_error e = { 0 };
	int status = 0;

	if (!o->quiet && emit_text(stdout, &er, &e)) {
		fprintf(stderr, "mmusim run: %s\n", e.msg);
		status = 1;
	}
	if (o->json && emit_json_file(o->json, &er, &e)) {
		fprintf(stderr, "mmusim run: %s\n", e.msg);
		status = 1;
	}
	sim_error_clear(&e);
	if (o->csv && emit_csv_append(o->csv, &er, &e)) {
		fprintf(stderr, "mmusim run: %s\n", e.msg);
		status = 1;
	}
	return status;
}

/*
 * Every TRACE argument must open and look like a trace before the run
 * prints or writes anything.  An input that cannot be read twice (standard
 * input, a pipe) stays open in kept[], for the run to read.
 */
static int check_traces(char **paths, int n, const struct trace_open_opts *o,
			struct trace_reader **kept, struct sim_error *err)
{
	bool have_stdin = false;

	for (int i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-")) {
			if (have_stdin)
				return sim_error_set(err, SIM_E_INVAL, "standard input ('-') given twice");
			have_stdin = true;
		}
		int rc = trace_reader_check(paths[i], o, &kept[i], err);

		if (rc)
			return rc;
	}
	return 0;
}

static void close_kept(struct trace_reader **kept, int n)
{
	for (int i = 0; kept && i < n; i++)
		trace_reader_close(kept[i]);
	free(kept);
}

int cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "preset", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "csv", required_argument, NULL, 'v' },
		{ "workload", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .progress = true };
	struct sim_config cfg, user;
	struct cfg_use use = { .ncpus = 1 };
	struct sim_error err = { 0 };
	struct sim *s = NULL;
	struct trace_rec *recs = NULL;
	const char *preset = NULL, *config = NULL, *workload = NULL;
	struct workload wl = { 0 };
	struct trace_reader **kept = NULL;
	struct trace_open_opts topts = { .format = TRACE_FMT_AUTO };
	char **sets = NULL;
	int nsets = 0, c, status = 0;
	bool complete = true;
	char reason[SIM_ERROR_MSG_MAX + 16] = "";

	sets = calloc((size_t)argc, sizeof(*sets));
	if (!sets) {
		fprintf(stderr, "mmusim run: out of memory\n");
		return 1;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': preset = optarg; break;
		case 'c': config = optarg; break;
		case 's': sets[nsets++] = optarg; break;
		case 'j': o.json = optarg; break;
		case 'v': o.csv = optarg; break;
		case 'w': workload = optarg; break;
		case 'f':
			if (trace_format_parse(optarg, &topts.format)) {
				fprintf(stderr, "mmusim run: --format: expected %s, got '%s'\n",
					TRACE_FORMAT_NAMES, optarg);
				free(sets);
				return EXIT_USAGE;
			}
			break;
		case 'q': o.quiet = true; break;
		case 'P': o.progress = false; break;
		case 'H':
			cfg_print_help(stdout);
			free(sets);
			return 0;
		case 'h':
			run_usage(stdout);
			free(sets);
			return 0;
		default:
			run_usage(stderr);
			free(sets);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc && !workload) {
		fprintf(stderr, "mmusim run: no trace given (try 'mmusim run --help')\n");
		free(sets);
		return EXIT_USAGE;
	}

	if (cfg_init_defaults(&cfg) ||
	    (preset && cfg_load_preset(&cfg, preset, &err)) ||
	    (config && cfg_load_file(&cfg, config, &err))) {
		fprintf(stderr, "mmusim run: %s\n", err.msg[0] ? err.msg : "bad built-in configuration");
		free(sets);
		return EXIT_USAGE;
	}
	for (int i = 0; i < nsets; i++)
		if (cfg_set(&cfg, sets[i], &err)) {
			fprintf(stderr, "mmusim run: %s\n", err.msg);
			free(sets);
			return EXIT_USAGE;
		}
	free(sets);
	user = cfg;
	if (cfg_finalize(&cfg, &err) ||
	    (workload && workload_parse_file(&wl, workload, topts.format, &err))) {
		fprintf(stderr, "mmusim run: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (workload && optind < argc)
		for (size_t i = 0; i < wl.nprocs; i++)
			if (wl.procs[i].source != WL_SRC_NONE) {
				fprintf(stderr, "mmusim run: %s: process %s has a source; TRACE arguments "
					"go with a workload of processes without one\n", workload,
					wl.procs[i].name);
				workload_free(&wl);
				return EXIT_USAGE;
			}
	kept = calloc((size_t)(argc - optind) + 1, sizeof(*kept));
	if (!kept || check_traces(argv + optind, argc - optind, &topts, kept, &err)) {
		fprintf(stderr, "mmusim run: %s\n", kept ? err.msg : "out of memory");
		close_kept(kept, argc - optind);
		workload_free(&wl);
		return kept ? EXIT_USAGE : 1;
	}
	if (workload ? sim_create_workload(&s, &cfg, &wl, &err) : sim_create(&s, &cfg, &err)) {
		fprintf(stderr, "mmusim run: %s\n", err.msg);
		close_kept(kept, argc - optind);
		workload_free(&wl);
		return EXIT_USAGE;
	}
	recs = malloc(RUN_BATCH * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "mmusim run: out of memory\n");
		close_kept(kept, argc - optind);
		sim_destroy(s);
		workload_free(&wl);
		return 1;
	}
	/* Keys that cannot matter; for a single trace [policy] depends on
	 * whether it has switch records, known at its end. */
	if (workload) {
		use = (struct cfg_use){ .spaces = true, .exits = optind >= argc, .workload = true,
					.ncpus = wl.ncpus };
		cfg_unused(&user, &cfg, &use, CFG_UNUSED_STATIC | CFG_UNUSED_POLICY, warn_unused,
			   NULL);
	} else {
		cfg_unused(&user, &cfg, &use, CFG_UNUSED_STATIC, warn_unused, NULL);
	}

	if (workload && optind >= argc) {
		bool show = o.progress && isatty(STDERR_FILENO), done = false;
		double t0 = now_seconds(), next = t0 + 1.0;

		while (!done) {
			if (sim_run(s, UINT64_C(1) << 20, &done, &err)) {
				snprintf(reason, sizeof(reason), "%s", err.msg);
				complete = false;
				break;
			}
			if (show) {
				double t = now_seconds();

				if (t >= next) {
					const struct stats_registry *r = sim_stats(s);
					struct stats_item it;
					long k = stats_find(r, "accesses");

					if (k >= 0) {
						stats_get(r, (size_t)k, &it);
						fprintf(stderr, "\rmmusim run: %s: %.1f M accesses, %.1f M/s   ",
							workload, (double)(it.value + it.warmup) / 1e6,
							(double)(it.value + it.warmup) / 1e6 / (t - t0));
					}
					next = t + 0.5;
				}
			}
		}
		if (show && now_seconds() >= t0 + 1.0)
			fprintf(stderr, "\r%60s\r", "");
	} else {
		bool show = o.progress && isatty(STDERR_FILENO);
		double t0 = now_seconds(), next = t0 + 1.0;
		uint64_t records = 0;

		for (int i = optind; i < argc && complete; i++) {
			struct trace_reader *rd = kept[i - optind];
			bool restart = false;
			int n, rc;

			kept[i - optind] = NULL;
			if (!rd && trace_reader_open_opts(&rd, argv[i], &topts, &err)) {
				snprintf(reason, sizeof(reason), "%s", err.msg);
				complete = false;
				break;
			}
			while ((n = trace_read(rd, recs, RUN_BATCH)) > 0) {
				size_t failed_at;

				rc = sim_step(s, recs, (size_t)n, &err);
				failed_at = sim_step_failed_at(s);
				if (rc == SIM_STEP_SPACES)
					rc = to_spaces(&s, &cfg, argv + optind, i - optind, rd, recs,
						       (size_t)n, &restart, &failed_at, &err);
				if (restart)
					break;
				if (rc) {
					snprintf(reason, sizeof(reason), "%s: record %" PRIu64 ": %s",
						 trace_reader_name(rd),
						 trace_reader_records(rd) - (uint64_t)n +
						 (uint64_t)failed_at + 1, err.msg);
					complete = false;
					break;
				}
				records += (uint64_t)n;
				if (show && (records & ((1u << 20) - 1)) < RUN_BATCH) {
					double t = now_seconds();

					if (t >= next) {
						fprintf(stderr, "\rmmusim run: %s: %.1f M records, %.1f M/s   ",
							trace_reader_name(rd), (double)records / 1e6,
							(double)records / 1e6 / (t - t0));
						next = t + 0.5;
					}
				}
			}
			if (n < 0 && !restart) {
				snprintf(reason, sizeof(reason), "%s", trace_reader_error(rd)->msg);
				complete = false;
			}
			trace_reader_close(rd);
			if (restart) {
				i = optind - 1;
				records = 0;
			}
		}
		if (show && now_seconds() >= t0 + 1.0)
			fprintf(stderr, "\r%60s\r", "");
		if (!workload) {
			use.spaces = sim_multi_space(s);
			cfg_unused(&user, &cfg, &use, CFG_UNUSED_POLICY, warn_unused, NULL);
		}
		if (sim_control_ignored(s))
			fprintf(stderr, "mmusim run: warning: the one-level preset counts the trace's "
				"%" PRIu64 " control records (context and VM switches, TLB "
				"maintenance) and ignores them: one address space, no flushes\n",
				sim_control_ignored(s));
	}

	if (!complete) {
		fprintf(stderr, "mmusim run: %s\n", reason);
		fprintf(stderr, "mmusim run: the statistics below cover the input up to that point\n");
		status = EXIT_USAGE;
	}
	/* the command that reproduces this result: "mmusim" and our arguments */
	{
		const char **cmd = calloc((size_t)argc + 1, sizeof(*cmd));

		if (cmd) {
			cmd[0] = "mmusim";
			for (int i = 0; i < argc; i++)
				cmd[i + 1] = argv[i];
			o.argv = cmd;
			o.argc = argc + 1;
		}
	}
	if (report(&cfg, s, &o, complete, complete ? NULL : reason) && !status)
		status = 1;
	free((void *)o.argv);
	free(recs);
	close_kept(kept, argc - optind);
	sim_destroy(s);
	workload_free(&wl);
	return status;
}
