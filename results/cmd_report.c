/*
 * results/cmd_report.c - `mmusim report`: charts, tables and a design-review
 * report (HTML and Markdown) from result files.
 *
 * Every chart is a small tab-separated data file, written from the results
 * by column name, and a gnuplot script in results/plot/ that reads those
 * columns by name.  The report links the charts, shows the tables behind
 * them, each configuration's parameters, the mmusim versions and the
 * command that reproduces every number, and DIR/plot.sh redraws the charts
 * with the exact gnuplot commands used.  This file is the command: its
 * options, loading the results, and the order of the work; the parts are
 * listed in results/report.h.
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
#include <sys/types.h>

#include "results/report.h"
#include "results/report_data.h"
#include "sim/cmd.h"
#include "sim/installed.h"

static int make_dir(const char *path)
{
	if (!mkdir(path, 0755) || errno == EEXIST)
		return 0;
	fprintf(stderr, "mmusim report: cannot create %s: %s\n", path, strerror(errno));
	return -1;
}

static void report_usage(FILE *f)
{
	fprintf(f, "usage: mmusim report [OPTIONS] RESULT...\n"
	      "\n"
	      "Make a design-review report from results: charts (gnuplot), the tables\n"
	      "behind them, each configuration's parameters, the mmusim version and the\n"
	      "command that reproduces every number.  RESULT is a JSON file of 'mmusim run\n"
	      "--json', a CSV of 'mmusim run --csv', of a sweep or of a compare, or the\n"
	      "output directory of 'mmusim sweep' or 'mmusim compare -o'.  Writes\n"
	      "DIR/index.html, DIR/report.md, DIR/charts/, DIR/data/\n"
	      "(every chart's data, tab-separated, and results.csv) and DIR/plot.sh.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output DIR  where to write (default: report)\n"
	      "  --format F        svg, png or both (default: both)\n"
	      "  --plot COLUMN     also chart any result column by configuration and\n"
	      "                    workload (repeatable), e.g. --plot tlb.L2.misses\n"
	      "  --no-charts       write the tables and data only\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "The chart scripts are those of this program's installation (%s/plot\n"
	      "where it was installed), or of its source tree when it runs from the build\n"
	      "tree it was built in (results/README.md).\n"
	      "\n"
	      "Environment: GNUPLOT (the gnuplot program; default: gnuplot on PATH),\n"
	      "MMUSIM_PLOTDIR (another directory of chart scripts).\n"
	      "\n"
	      "Exit status: 0 success; 1 a chart could not be drawn (gnuplot or the chart\n"
	      "scripts missing, or gnuplot failed: the tables are written all the same),\n"
	      "or out of memory; 2 bad usage or a missing or malformed result file.\n",
		installed_configured(INSTALLED_PKGDATADIR));
}

/* "N runs: W workloads, C configurations" of the set. */
static int describe_set(struct report *rp)
{
	char **w = NULL, **g = NULL;
	size_t nw = 0, ng = 0;
	int rc = 0;

	for (size_t i = 0; i < rp->set->n && !rc; i++)
		if (label_add(&w, &nw, rd_get(&rp->set->r[i], "workload"), NULL) ||
		    label_add(&g, &ng, rd_get(&rp->set->r[i], "config_name"), NULL))
			rc = SIM_E_NOMEM;
	snprintf(rp->what, sizeof(rp->what), "%zu run%s: %zu workload%s, %zu configuration%s",
		 rp->set->n, rp->set->n == 1 ? "" : "s", nw, nw == 1 ? "" : "s", ng,
		 ng == 1 ? "" : "s");
	free_list(w, nw);
	free_list(g, ng);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "plot", required_argument, NULL, 'p' },
		{ "no-charts", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report rp = { .dir = "report", .want_svg = true, .want_png = true };
	struct rd_set set = { 0 };
	struct sim_error err = { 0 };
	char **plots = NULL, **self = NULL, path[PATH_MAX + 16];
	size_t nplots = 0;
	bool charts = true;
	int c, rc, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': rp.dir = optarg; break;
		case 'f':
			if (!strcmp(optarg, "svg") || !strcmp(optarg, "png") || !strcmp(optarg, "both")) {
				rp.want_svg = strcmp(optarg, "png");
				rp.want_png = strcmp(optarg, "svg");
				break;
			}
			fprintf(stderr, "mmusim report: --format: expected svg, png or both, got '%s'\n",
				optarg);
			status = EXIT_USAGE;
			goto out;
		case 'p': {
			char **np = grow(plots, (nplots + 1) * sizeof(char *));

			if (!np)
				goto nomem;
			plots = np;
			plots[nplots++] = optarg;
			break;
		}
		case 'N': charts = false; break;
		case 'h':
			report_usage(stdout);
			goto out;
		default:
			report_usage(stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mmusim report: no result given (try 'mmusim report --help')\n");
		status = EXIT_USAGE;
		goto out;
	}
	for (int i = optind; i < argc; i++)
		if ((rc = rd_load(&set, argv[i], &err))) {
			fprintf(stderr, "mmusim report: %s\n", err.msg);
			status = rc == SIM_E_NOMEM ? 1 : EXIT_USAGE;
			goto out;
		}
	if (!set.n) {
		fprintf(stderr, "mmusim report: %s: no results in it\n", argv[optind]);
		status = EXIT_USAGE;
		goto out;
	}
	rp.set = &set;
	if (rd_label(&set) || describe_set(&rp))
		goto nomem;
	snprintf(path, sizeof(path), "%s/data", rp.dir);
	if (make_dir(rp.dir) || make_dir(path) ||
	    (snprintf(path, sizeof(path), "%s/charts", rp.dir), make_dir(path))) {
		status = EXIT_USAGE;
		goto out;
	}
	/* every column of every result */
	{
		static const char *const lead[] = { "workload", "config_name", "command" };
		FILE *f;

		snprintf(path, sizeof(path), "%s/data/results.csv", rp.dir);
		f = fopen(path, "w");
		rc = f ? rd_write_csv(f, &set, lead, 3, &err) : SIM_E_IO;
		if ((f && fclose(f)) || rc) {
			fprintf(stderr, "mmusim report: cannot write %s: %s\n", path,
				err.msg[0] ? err.msg : strerror(errno));
			status = 1;
			goto out;
		}
	}
	/* Missing tools are an error (exit status 1), reported here; the tables
	 * are written all the same. */
	if (charts && report_find_tools(&rp))
		status = 1;
	if (report_open_plotsh(&rp)) {
		status = 1;
		goto out;
	}
	if (report_charts(&rp, plots, nplots))
		goto nomem;
	rc = fclose(rp.plotsh);
	rp.plotsh = NULL;
	if (rc)
		status = 1;
	snprintf(path, sizeof(path), "%s/plot.sh", rp.dir);
	chmod(path, 0755);
	self = malloc(((size_t)argc + 2) * sizeof(char *));
	if (!self)
		goto nomem;
	self[0] = "mmusim";
	for (int i = 0; i < argc; i++)
		self[i + 1] = argv[i];
	self[argc + 1] = NULL;
	rc = report_write_docs(&rp, self);
	if (rc < 0)
		goto nomem;
	if (rc || rp.failed)
		status = 1;
	printf("mmusim report: wrote %s/index.html and %s/report.md (%zu chart%s, %zu result%s)\n",
	       rp.dir, rp.dir, rp.ncharts, rp.ncharts == 1 ? "" : "s", set.n, set.n == 1 ? "" : "s");
	goto out;
nomem:
	fprintf(stderr, "mmusim report: out of memory%s%s%s\n", rp.set ? "; the report in " : "",
		rp.set ? rp.dir : "", rp.set ? " is incomplete" : "");
	status = 1;
out:
	if (rp.plotsh)
		fclose(rp.plotsh);
	for (size_t i = 0; i < rp.ncharts; i++)
		chart_free(&rp.charts[i]);
	free(rp.charts);
	rd_free(&set);
	free(plots);
	free(self);
	return status;
}

