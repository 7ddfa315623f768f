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
#include <time.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "sim/config.h"
#include "sim/emit.h"
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
	      "address space.\n"
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
	      "Exit status: 0 success; 2 bad usage, configuration or trace (the\n"
	      "statistics up to the bad record are still reported, marked incomplete).\n", f);
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
	struct sim_config cfg;
	struct sim_error err = { 0 };
	struct sim *s = NULL;
	struct trace_rec *recs = NULL;
	const char *preset = NULL, *config = NULL, *workload = NULL;
	struct workload wl = { 0 };
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
	if (cfg_finalize(&cfg, &err) || (workload && workload_parse_file(&wl, workload, &err))) {
		fprintf(stderr, "mmusim run: %s\n", err.msg);
		return EXIT_USAGE;
	}
	for (size_t i = 0; workload && i < wl.nprocs; i++)
		if (wl.procs[i].trace && wl.procs[i].trace_format == TRACE_FMT_AUTO)
			wl.procs[i].trace_format = topts.format;
	if (workload && optind < argc)
		for (size_t i = 0; i < wl.nprocs; i++)
			if (wl.procs[i].source != WL_SRC_NONE) {
				fprintf(stderr, "mmusim run: %s: process %s has a source; TRACE arguments "
					"go with a workload of processes without one\n", workload,
					wl.procs[i].name);
				workload_free(&wl);
				return EXIT_USAGE;
			}
	if (workload ? sim_create_workload(&s, &cfg, &wl, &err) : sim_create(&s, &cfg, &err)) {
		fprintf(stderr, "mmusim run: %s\n", err.msg);
		workload_free(&wl);
		return EXIT_USAGE;
	}
	recs = malloc(RUN_BATCH * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "mmusim run: out of memory\n");
		sim_destroy(s);
		workload_free(&wl);
		return 1;
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
			struct trace_reader *rd;
			int n;

			if (trace_reader_open_opts(&rd, argv[i], &topts, &err)) {
				snprintf(reason, sizeof(reason), "%s", err.msg);
				complete = false;
				break;
			}
			while ((n = trace_read(rd, recs, RUN_BATCH)) > 0) {
				if (sim_step(s, recs, (size_t)n, &err)) {
					snprintf(reason, sizeof(reason), "%s: record %" PRIu64 ": %s",
						 trace_reader_name(rd),
						 trace_reader_records(rd) - (uint64_t)n +
						 (uint64_t)s->step_failed_at + 1, err.msg);
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
			if (n < 0) {
				snprintf(reason, sizeof(reason), "%s", trace_reader_error(rd)->msg);
				complete = false;
			}
			trace_reader_close(rd);
		}
		if (show && now_seconds() >= t0 + 1.0)
			fprintf(stderr, "\r%60s\r", "");
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
	sim_destroy(s);
	workload_free(&wl);
	return status;
}
