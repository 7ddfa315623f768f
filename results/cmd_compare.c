/*
 * results/cmd_compare.c - `mmusim compare [WORKLOAD.ini]`: the design-review
 * set of configurations on one workload.
 *
 * What it runs: one workload (a file, or the built-in one of
 * workloads/workload.c) under each configuration of compare_set[] below:
 * native; virtualized with stage 2 at 3 and at 4 levels (by the IPA size
 * and by forcing the start level), with and without concatenated start
 * tables, with and without walk caches; stage-2 pages, 2M and 1G blocks;
 * and each [policy] choice (VMID tagging, global kernel mappings, VHE, the
 * EL2 idmap's extra level, local or broadcast maintenance, 8-bit ids).
 * Each configuration is the base configuration (--preset, --config,
 * --set, as for `mmusim run`) with its own settings on top.
 *
 * What it writes, in the output directory (-o DIR):
 *  - workload.ini: the built-in workload, when no file is given;
 *  - NAME.ini: each configuration, complete (the configuration echo), and
 *    NAME.json: its full result, whose "command" reruns it with
 *    `mmusim run --config DIR/NAME.ini --workload WORKLOAD` (the file as
 *    given, or DIR/workload.ini);
 *  - compare.csv (or --csv FILE): one row per configuration, with the
 *    columns of a `mmusim run --csv` result where they apply (mmusim_version,
 *    config_name, workload, config.SECTION.KEY..., counters and ratios by
 *    their registry names), so `mmusim report` reads it as well as the JSON;
 * and it prints a table: walks, references and cycles per walk,
 * translation cycles per access, overhead.
 *
 * Choices: configurations run in child processes of the job pool
 * (results/jobs.h), -j at a time (default: the online CPUs; -j 1 runs them
 * in this process); each child replays the whole workload and hands its
 * figures to the parent through a pipe, so the parent alone writes the CSV
 * and the table, in the order of compare_set[].  A configuration that fails
 * is reported and leaves an empty row; the exit status is then 1.
 */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "results/csv.h"
#include "results/emit.h"
#include "results/jobs.h"
#include "sim/cmd.h"
#include "sim/config.h"
#include "sim/readfile.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "workloads/workload.h"

#define CMP_MAX_SETS 6

struct cmp_config {
	const char *name;
	const char *what;
	const char *sets[CMP_MAX_SETS];         /* NULL-terminated */
};

#define NOWC "walkcache.s1.entries=0", "walkcache.s2.entries=0", "s2tlb.entries=0"

/* The design-review set; "virt" is the default configuration. */
static const struct cmp_config compare_set[] = {
	{ "native", "no virtualization: every process a host process, no exits",
	  { "run.mode=native" } },
	{ "virt", "stage 2: 40-bit IPA, 3 levels from 2 concatenated start tables, 2M "
	  "blocks; VHE, VMID tags, global kernel, broadcast TLBI", { NULL } },
	{ "s2-4lvl-ipa48", "stage 2: 48-bit IPA, 4 levels", { "stage2.ipa_bits=48" } },
	{ "s2-4lvl-sl0", "stage 2: 40-bit IPA started at level 0: 4 levels, no concatenation",
	  { "stage2.start_level=0" } },
	{ "s2-3lvl-ipa39", "stage 2: 39-bit IPA, 3 levels from one start table",
	  { "stage2.ipa_bits=39" } },
	{ "s2-3lvl-nowc", "as virt, without walk caches and stage-2 TLB", { NOWC } },
	{ "s2-4lvl-nowc", "as s2-4lvl-ipa48, without walk caches and stage-2 TLB",
	  { NOWC, "stage2.ipa_bits=48" } },
	{ "s2-pages-4k", "stage 2 maps 4K pages only", { "stage2.blocks=none" } },
	{ "s2-blocks-1g", "stage 2 maps 1G blocks where aligned", { "stage2.blocks=l1" } },
	{ "novmid-flush", "no VMID tags, global kernel: every world switch flushes the CPU's "
	  "TLBs and walk caches", { "policy.vmid_tagging=0" } },
	{ "novmid-kernel-ng", "no VMID tags, non-global kernel: host and guests share ASIDs, "
	  "no stage-1 flush", { "policy.vmid_tagging=0", "policy.kernel_global=0" } },
	{ "kernel-ng", "VMID tags, non-global kernel mappings (one entry per ASID)",
	  { "policy.kernel_global=0" } },
	{ "nvhe", "host at EL1, hypervisor in the EL2 regime with its own tables",
	  { "policy.vhe=0" } },
	{ "nvhe-va39", "nVHE, 39-bit VAs; EL2 tables of 3 levels (the minimum)",
	  { "policy.vhe=0", "stage1.va_bits=39" } },
	{ "nvhe-va39-idmap", "nVHE, 39-bit VAs; EL2 tables of 4 levels (the idmap case)",
	  { "policy.vhe=0", "stage1.va_bits=39", "policy.el2_extra_level=1" } },
	{ "tlbi-local", "maintenance for all CPUs as a local TLBI on each and IPIs",
	  { "policy.tlbi_scope=local" } },
	{ "ids-8bit", "8-bit ASIDs and VMIDs", { "policy.asid_bits=8", "policy.vmid_bits=8" } },
};

#define NCONFIGS (sizeof(compare_set) / sizeof(compare_set[0]))

/* The figures of one run, by registry name (a ratio or a counter). */
static const char *const metric_names[] = {
	"accesses", "translations", "walks", "walk_memory_refs", "walk_s1_refs", "walk_s2_refs",
	"walk_cycles", "tlb_cycles", "translation_cycles", "walk_faults",
	"derived.refs_per_walk", "derived.cycles_per_walk",
	"derived.translation_cycles_per_access", "derived.translation_overhead_percent",
	"derived.walks_per_kilo_access",
	"events.context_switches", "events.world_switches", "events.vm_exits", "events.syscalls",
	"events.page_invalidations",
	"maintenance.cycles", "maintenance.world_switch_flushes", "maintenance.stage2_flushes",
	"maintenance.asid_rollover_flushes", "maintenance.vmid_rollover_flushes",
	"maintenance.local_tlbis", "maintenance.broadcast_tlbis", "maintenance.ipis",
	"asid.host.rollovers", "asid.guest.rollovers", "vmid.rollovers",
	"os.s1_tables", "os.s2_tables",
};

#define NMETRICS (sizeof(metric_names) / sizeof(metric_names[0]))

enum { M_WALKS = 2, M_REFS_PER_WALK = 10, M_CYC_PER_WALK = 11, M_TC_PER_ACC = 12, M_OVERHEAD = 13 };

/* The columns: metric_names[], then lookups, hits and misses of each TLB
 * level of the configuration (the set changes no TLB level). */
#define CMP_TLB_COLS 3
#define CMP_MAX_COLS (NMETRICS + CMP_TLB_COLS * CFG_TLB_LEVELS_MAX)

struct cmp_cols {
	size_t n;
	char name[CMP_MAX_COLS][64];
};

/* What a run hands to the parent: fixed size, written to a pipe at once. */
struct cmp_result {
	int status;                     /* 0, or the run failed */
	bool have[CMP_MAX_COLS];
	bool ratio[CMP_MAX_COLS];
	uint64_t count[CMP_MAX_COLS];
	double value[CMP_MAX_COLS];
	double seconds;
	char err[512];
};

struct cmp_opts {
	struct cmp_cols cols;
	const char *out, *csv, *workload_path;
	const char *preset, *config;
	char **sets;
	int nsets;
	long jobs;
	bool quiet, progress;
	const char *only;
	enum trace_format format;       /* for trace = entries without trace_format */
};

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: mmusim compare [OPTIONS] [WORKLOAD.ini]\n"
		"\n"
		"Replay one workload (workloads/WORKLOADS.md; the built-in one when none is\n"
		"given: 2 CPUs, 2 VMs of 2 processes and a host process, about 2 million\n"
		"accesses) under the design-review set of configurations, and compare what\n"
		"translation costs: native; stage 2 at 3 and 4 levels, with and without\n"
		"concatenated start tables and walk caches; stage-2 pages, 2M and 1G blocks;\n"
		"and the hypervisor's policies (VMID tagging, global kernel mappings, VHE,\n"
		"the EL2 idmap level, local or broadcast TLB maintenance, 8-bit ids).\n"
		"\n"
		"Options:\n"
		"  -o, --output DIR  where results go (default: compare): per configuration\n"
		"                    NAME.ini and NAME.json (and the built-in workload.ini)\n"
		"  --csv FILE        one row per configuration (default: DIR/compare.csv;\n"
		"                    replaced)\n"
		"  -j, --jobs N      configurations run at once (default: the CPUs online)\n"
		"  --only A,B,...    run only these configurations\n"
		"  --list            list the configurations and exit\n"
		"  --preset NAME, --config FILE, --set S.KEY=VAL\n"
		"                    the base configuration, as for 'mmusim run'; each\n"
		"                    configuration's own settings are applied on top\n"
		"  --format NAME     how to read the workload's traces that have no\n"
		"                    trace_format of their own, as for 'mmusim run'\n"
		"  --quiet           no table on standard output\n"
		"  --no-progress     no progress lines on standard error\n"
		"  -h, --help        show this help\n"
		"\n"
		"Exit status: 0 success; 1 a configuration failed or a file could not be\n"
		"written; 2 bad usage, configuration or workload.\n");
}

static int make_dirs(const char *path, struct sim_error *err)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return sim_error_set(err, SIM_E_IO, "%s: path too long", path);
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++)
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return sim_error_set(err, SIM_E_IO, "cannot create %s: %s", buf,
						     strerror(errno));
			buf[i] = c;
		}
	return 0;
}

static bool selected(const struct cmp_opts *o, const char *name)
{
	const char *p = o->only;
	size_t n = strlen(name);

	if (!p)
		return true;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* The base configuration plus @cc's settings, finalized. */
static int build_config(const struct cmp_opts *o, const struct cmp_config *cc,
			struct sim_config *cfg, struct sim_error *err)
{
	int rc;

	if ((rc = cfg_init_defaults(cfg)) ||
	    (o->preset && (rc = cfg_load_preset(cfg, o->preset, err))) ||
	    (o->config && (rc = cfg_load_file(cfg, o->config, err))))
		return rc;
	for (int i = 0; i < o->nsets; i++)
		if ((rc = cfg_set(cfg, o->sets[i], err)))
			return rc;
	for (size_t i = 0; i < CMP_MAX_SETS && cc->sets[i]; i++)
		if ((rc = cfg_set(cfg, cc->sets[i], err)))
			return rc;
	return cfg_finalize(cfg, err);
}

/* Run @cc; fill @r (and write DIR/NAME.json).  In a child or in-process. */
static void run_one(const struct cmp_opts *o, const struct cmp_config *cc,
		    const struct sim_config *cfg, const struct workload *wl, struct cmp_result *r)
{
	struct sim_error err = { 0 };
	struct sim *s = NULL;
	bool done = false;
	double t0 = jobs_now();
	char json[4096], ini[4096], wlp[4096];

	memset(r, 0, sizeof(*r));
	snprintf(json, sizeof(json), "%s/%s.json", o->out, cc->name);
	snprintf(ini, sizeof(ini), "%s/%s.ini", o->out, cc->name);
	if (o->workload_path)
		snprintf(wlp, sizeof(wlp), "%s", o->workload_path);
	else
		snprintf(wlp, sizeof(wlp), "%s/workload.ini", o->out);
	if (sim_create_workload(&s, cfg, wl, &err)) {
		r->status = 2;
		snprintf(r->err, sizeof(r->err), "%s", err.msg);
		return;
	}
	while (!done)
		if (sim_run(s, UINT64_C(1) << 22, &done, &err)) {
			r->status = 1;
			snprintf(r->err, sizeof(r->err), "%s", err.msg);
			break;
		}
	r->seconds = jobs_now() - t0;
	for (size_t i = 0; i < o->cols.n; i++) {
		long k = stats_find(sim_stats(s), o->cols.name[i]);
		struct stats_item it;

		if (k < 0)
			continue;
		stats_get(sim_stats(s), (size_t)k, &it);
		if (it.kind == STATS_COUNTER) {
			r->have[i] = true;
			r->count[i] = it.value;
		} else if (it.kind == STATS_RATIO && it.defined) {
			r->have[i] = true;
			r->ratio[i] = true;
			r->value[i] = it.ratio;
		}
	}
	{
		const char *argv[] = { "mmusim", "run", "--config", ini, "--workload", wlp,
				       "--json", json, "--format", trace_format_name(o->format) };
		struct emit_run er = { .cfg = cfg, .reg = sim_stats(s), .complete = !r->status,
				       .reason = r->status ? r->err : NULL, .argv = argv,
				       .argc = (int)(sizeof(argv) / sizeof(argv[0])) -
					       (o->format == TRACE_FMT_AUTO ? 2 : 0) };

		if (emit_json_file(json, &er, &err) && !r->status) {
			r->status = 1;
			snprintf(r->err, sizeof(r->err), "%s", err.msg);
		}
	}
	sim_destroy(s);
}

/* ---- output ---------------------------------------------------------------- */

/* The CSV row of configuration @cc: the columns of a `mmusim run --csv`
 * result where they apply, and those of the comparison. */
static void csv_row(struct csv_cols *c, const struct cmp_opts *o, const struct cmp_config *cc,
		    const struct sim_config *cfg, const char *workload, const struct cmp_result *r)
{
	char buf[1024];
	size_t used = 0;

	csv_col(c, "mmusim_version", emit_version());
	csv_col(c, "complete", r->status ? "0" : "1");
	csv_col(c, "config_name", cc->name);
	csv_col(c, "workload", workload);
	csv_col(c, "description", cc->what);
	buf[0] = '\0';
	for (size_t i = 0; i < CMP_MAX_SETS && cc->sets[i] && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? " " : "",
					 cc->sets[i]);
	csv_col(c, "settings", buf);
	snprintf(buf, sizeof(buf), "%s/%s.json", o->out, cc->name);
	csv_col(c, "json", buf);
	snprintf(buf, sizeof(buf), "%.3f", r->seconds);
	csv_col(c, "seconds", buf);
	emit_csv_config(c, cfg);
	for (size_t i = 0; i < o->cols.n; i++) {
		if (!r->have[i])
			buf[0] = '\0';
		else if (r->ratio[i])
			snprintf(buf, sizeof(buf), "%.6f", r->value[i]);
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, r->count[i]);
		csv_col(c, o->cols.name[i], buf);
	}
}

static void table_header(void)
{
	printf("%-18s %12s %10s %11s %12s %10s\n", "configuration", "walks", "refs/walk",
	       "cycles/walk", "cycles/acc", "overhead%");
}

static void table_row(const struct cmp_config *cc, const struct cmp_result *r)
{
	if (r->status) {
		printf("%-18s failed: %s\n", cc->name, r->err);
		return;
	}
	printf("%-18s %12" PRIu64 " %10.5f %11.2f %12.4f %10.2f\n", cc->name, r->count[M_WALKS],
	       r->have[M_REFS_PER_WALK] ? r->value[M_REFS_PER_WALK] : 0.0,
	       r->have[M_CYC_PER_WALK] ? r->value[M_CYC_PER_WALK] : 0.0,
	       r->have[M_TC_PER_ACC] ? r->value[M_TC_PER_ACC] : 0.0,
	       r->have[M_OVERHEAD] ? r->value[M_OVERHEAD] : 0.0);
}

static int write_text(const char *path, const char *text, size_t len, struct sim_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return sim_error_set(err, SIM_E_IO, "cannot write %s: %s", path, strerror(errno));
	if (fwrite(text, 1, len, f) != len || fclose(f))
		return sim_error_set(err, SIM_E_IO, "cannot write %s", path);
	return 0;
}

static int write_config_ini(const char *path, const struct cmp_config *cc,
			    const struct sim_config *cfg, struct sim_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return sim_error_set(err, SIM_E_IO, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "# mmusim compare: configuration %s\n# %s\n", cc->name, cc->what);
	for (size_t i = 0; i < CMP_MAX_SETS && cc->sets[i]; i++)
		fprintf(f, "# --set %s\n", cc->sets[i]);
	if (cfg_echo(cfg, f, NULL) | fclose(f))
		return sim_error_set(err, SIM_E_IO, "cannot write %s", path);
	return 0;
}

/* ---- running the set ----------------------------------------------------------- */

static void progress_line(const struct cmp_opts *o, size_t done, size_t total,
			  const struct cmp_config *cc, const struct cmp_result *r)
{
	if (!o->progress)
		return;
	if (r->status)
		fprintf(stderr, "mmusim compare: [%zu/%zu] %s failed: %s\n", done, total, cc->name,
			r->err);
	else
		fprintf(stderr, "mmusim compare: [%zu/%zu] %s: %.1f s\n", done, total, cc->name,
			r->seconds);
}

/* The configurations run by the job pool (results/jobs.h), in children:
 * what its callbacks share. */
struct cmp_run {
	const struct cmp_opts *o;
	const struct sim_config *cfgs;
	const struct workload *wl;
	struct cmp_result *res;
	size_t done, total;
};

/* The result of a run goes through a pipe, read once the child has ended. */
_Static_assert(sizeof(struct cmp_result) <= PIPE_BUF, "a result must fit in a pipe");

static bool cmp_skip(void *ctx, size_t i)
{
	const struct cmp_run *r = ctx;

	return !selected(r->o, compare_set[i].name);
}

/* In the child: run configuration @i, hand the figures over. */
static int cmp_job(void *ctx, size_t i, int fd)
{
	const struct cmp_run *r = ctx;
	static struct cmp_result res;

	run_one(r->o, &compare_set[i], &r->cfgs[i], r->wl, &res);
	jobs_write_result(fd, &res, sizeof(res));
	return 0;
}

static void cmp_ended(void *ctx, size_t i, const struct job_end *e)
{
	struct cmp_run *r = ctx;
	struct cmp_result *res = &r->res[i];

	if (!e->started) {
		/* no child: run it here */
		run_one(r->o, &compare_set[i], &r->cfgs[i], r->wl, res);
	} else if (e->result_len == sizeof(*res)) {
		memcpy(res, e->result, sizeof(*res));
	} else {
		res->status = 1;
		snprintf(res->err, sizeof(res->err), "the run ended without a result (status %d)",
			 e->status);
	}
	progress_line(r->o, ++r->done, r->total, &compare_set[i], res);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "csv", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'O' },
		{ "list", no_argument, NULL, 'L' },
		{ "preset", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'C' },
		{ "set", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp_opts o = { .out = "compare", .progress = true };
	struct sim_config *cfgs = NULL;
	struct cmp_result *res = NULL;
	struct workload wl = { 0 };
	struct sim_error err = { 0 };
	char *wl_text = NULL, csvpath[4096], path[4096];
	const char *wl_label = "default";
	size_t wl_len = 0, total = 0, done = 0;
	int c, status = 0;
	bool list = false;

	o.sets = calloc((size_t)argc + 1, sizeof(*o.sets));
	if (!o.sets) {
		fprintf(stderr, "mmusim compare: out of memory\n");
		return 1;
	}
	o.jobs = sysconf(_SC_NPROCESSORS_ONLN);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:h", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'o': o.out = optarg; break;
		case 'c': o.csv = optarg; break;
		case 'j':
			o.jobs = strtol(optarg, &end, 10);
			if (*end || end == optarg || o.jobs < 1 || o.jobs > 1024) {
				fprintf(stderr, "mmusim compare: -j: expected 1..1024, got '%s'\n", optarg);
				free(o.sets);
				return EXIT_USAGE;
			}
			break;
		case 'O': o.only = optarg; break;
		case 'L': list = true; break;
		case 'p': o.preset = optarg; break;
		case 'C': o.config = optarg; break;
		case 's': o.sets[o.nsets++] = optarg; break;
		case 'q': o.quiet = true; break;
		case 'P': o.progress = false; break;
		case 'f':
			if (trace_format_parse(optarg, &o.format)) {
				fprintf(stderr, "mmusim compare: --format: expected %s, got '%s'\n",
					TRACE_FORMAT_NAMES, optarg);
				free(o.sets);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			compare_usage(stdout);
			free(o.sets);
			return 0;
		default:
			compare_usage(stderr);
			free(o.sets);
			return EXIT_USAGE;
		}
	}
	if (o.jobs < 1)
		o.jobs = 1;
	if (list) {
		for (size_t i = 0; i < NCONFIGS; i++) {
			printf("%-18s %s\n", compare_set[i].name, compare_set[i].what);
			for (size_t k = 0; k < CMP_MAX_SETS && compare_set[i].sets[k]; k++)
				printf("%-18s   --set %s\n", "", compare_set[i].sets[k]);
		}
		free(o.sets);
		return 0;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "mmusim compare: one workload at most (try 'mmusim compare --help')\n");
		free(o.sets);
		return EXIT_USAGE;
	}
	if (o.only)
		for (const char *p = o.only; *p;) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			bool found = false;

			for (size_t i = 0; i < NCONFIGS; i++)
				if (strlen(compare_set[i].name) == len &&
				    !strncmp(compare_set[i].name, p, len))
					found = true;
			if (!found) {
				fprintf(stderr, "mmusim compare: --only: no configuration '%.*s' (try "
					"--list)\n", (int)len, p);
				free(o.sets);
				return EXIT_USAGE;
			}
			if (!e)
				break;
			p = e + 1;
		}

	/* the workload */
	if (optind < argc) {
		const char *slash;

		o.workload_path = argv[optind];
		if (sim_read_file(o.workload_path, &wl_text, &wl_len, &err) ||
		    workload_parse_file(&wl, o.workload_path, o.format, &err)) {
			fprintf(stderr, "mmusim compare: %s\n", err.msg);
			free(wl_text);
			free(o.sets);
			return EXIT_USAGE;
		}
		slash = strrchr(o.workload_path, '/');
		wl_label = slash ? slash + 1 : o.workload_path;
	} else {
		wl_len = strlen(workload_default_ini);
		wl_text = strdup(workload_default_ini);
		if (!wl_text || workload_parse_string(&wl, workload_default_ini, wl_len,
						      "<built-in workload>", NULL, &err)) {
			fprintf(stderr, "mmusim compare: %s\n", wl_text ? err.msg : "out of memory");
			free(wl_text);
			free(o.sets);
			return wl_text ? EXIT_USAGE : 1;
		}
	}

	/* every configuration, checked before anything runs */
	cfgs = calloc(NCONFIGS, sizeof(*cfgs));
	res = calloc(NCONFIGS, sizeof(*res));
	if (!cfgs || !res) {
		fprintf(stderr, "mmusim compare: out of memory\n");
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < NCONFIGS; i++) {
		if (!selected(&o, compare_set[i].name))
			continue;
		if (build_config(&o, &compare_set[i], &cfgs[i], &err)) {
			fprintf(stderr, "mmusim compare: configuration %s: %s\n", compare_set[i].name,
				err.msg);
			status = EXIT_USAGE;
			goto out;
		}
		if (!total) {
			/* the columns, from the first configuration's TLB levels */
			for (size_t k = 0; k < NMETRICS; k++)
				snprintf(o.cols.name[o.cols.n++], sizeof(o.cols.name[0]), "%s",
					 metric_names[k]);
			for (unsigned l = 0; l < cfgs[i].tlb.nlevels; l++) {
				static const char *const what[CMP_TLB_COLS] = { "lookups", "hits", "misses" };

				for (unsigned k = 0; k < CMP_TLB_COLS; k++)
					snprintf(o.cols.name[o.cols.n++], sizeof(o.cols.name[0]),
						 "tlb.%s.%s", cfgs[i].tlb.level[l].name, what[k]);
			}
		}
		total++;
	}
	if (make_dirs(o.out, &err)) {
		fprintf(stderr, "mmusim compare: %s\n", err.msg);
		status = 1;
		goto out;
	}
	/* the built-in workload as a file, for the commands that rerun a result
	 * (a workload file is named as given: its traces are relative to it) */
	snprintf(path, sizeof(path), "%s/workload.ini", o.out);
	if (!o.workload_path && write_text(path, wl_text, wl_len, &err)) {
		fprintf(stderr, "mmusim compare: %s\n", err.msg);
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < NCONFIGS; i++) {
		if (!selected(&o, compare_set[i].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s.ini", o.out, compare_set[i].name);
		if (write_config_ini(path, &compare_set[i], &cfgs[i], &err)) {
			fprintf(stderr, "mmusim compare: %s\n", err.msg);
			status = 1;
			goto out;
		}
	}

	/* run them */
	if (o.progress)
		fprintf(stderr, "mmusim compare: %zu configurations of %s, %ld at a time, into %s/\n",
			total, o.workload_path ? o.workload_path : "the built-in workload",
			o.jobs, o.out);
	if (o.jobs == 1) {
		for (size_t i = 0; i < NCONFIGS; i++) {
			if (!selected(&o, compare_set[i].name))
				continue;
			run_one(&o, &compare_set[i], &cfgs[i], &wl, &res[i]);
			progress_line(&o, ++done, total, &compare_set[i], &res[i]);
		}
	} else {
		struct cmp_run r = { .o = &o, .cfgs = cfgs, .wl = &wl, .res = res, .total = total };
		struct jobs j = { .n = NCONFIGS, .parallel = o.jobs, .ctx = &r,
				  .result_size = sizeof(*res), .skip = cmp_skip, .run = cmp_job,
				  .ended = cmp_ended };

		if (jobs_run(&j)) {
			fprintf(stderr, "mmusim compare: out of memory\n");
			status = 1;
			goto out;
		}
	}

	/* the CSV and the table, in set order */
	if (o.csv)
		snprintf(csvpath, sizeof(csvpath), "%s", o.csv);
	else
		snprintf(csvpath, sizeof(csvpath), "%s/compare.csv", o.out);
	{
		FILE *f = fopen(csvpath, "w");
		bool first = true;

		if (!f) {
			fprintf(stderr, "mmusim compare: cannot write %s: %s\n", csvpath,
				strerror(errno));
			status = 1;
		}
		if (!o.quiet)
			table_header();
		for (size_t i = 0; i < NCONFIGS; i++) {
			if (!selected(&o, compare_set[i].name))
				continue;
			if (f) {
				struct csv_cols row = { 0 };

				csv_row(&row, &o, &compare_set[i], &cfgs[i], wl_label, &res[i]);
				if (row.oom) {
					fprintf(stderr, "mmusim compare: cannot write %s: out of "
						"memory\n", csvpath);
					status = 1;
					fclose(f);
					f = NULL;
				} else {
					if (first)
						csv_put_row(f, (const char *const *)row.name, row.n);
					csv_put_row(f, (const char *const *)row.value, row.n);
				}
				csv_cols_free(&row);
			}
			first = false;
			if (!o.quiet)
				table_row(&compare_set[i], &res[i]);
			if (res[i].status && !status)
				status = 1;
		}
		if (f && fclose(f)) {
			fprintf(stderr, "mmusim compare: cannot write %s\n", csvpath);
			status = 1;
		}
	}
	if (!o.quiet)
		printf("\nrefs/walk, cycles/walk: descriptor reads and cycles per walk; cycles/acc: "
		       "translation cycles\nper access (TLB lookups, walks, maintenance); "
		       "overhead%%: cycles/acc over\nrun.base_cycles.  Results: %s, %s/NAME.json.\n",
		       csvpath, o.out);
out:
	free(cfgs);
	free(res);
	workload_free(&wl);
	free(wl_text);
	free(o.sets);
	return status;
}
