/*
 * results/sweep_run.c - running the cells of a sweep on this machine, each
 * as `mmusim run` in a child of the job pool (results/jobs.h), its errors
 * in OUT/logs/ID.log; a cell past its time limit is killed by the pool and
 * its result written here as incomplete; `--cell N`; and the merge of the
 * finished cells into OUT/results.csv.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/emit.h"
#include "results/jobs.h"
#include "results/report_data.h"
#include "results/sweep.h"
#include "sim/cmd.h"
#include "sim/readfile.h"
#include "sim/stats.h"

char *sweep_self_exe(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* The command line of cell @c: "mmusim", "run", its arguments (a new
 * array of pointers into @c, NULL-terminated), or NULL out of memory. */
static char **run_argv(const struct cell *c)
{
	char **argv = calloc(c->args.n + 3, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = "mmusim";
	argv[1] = "run";
	for (size_t i = 0; i < c->args.n; i++)
		argv[i + 2] = c->args.v[i];
	return argv;
}

/*
 * Cell @c was killed at the time limit of @limit seconds: say so in its
 * log, and write its result as incomplete (no counters, the reason, the
 * command), so the merge marks it and a resumed sweep runs it again.
 */
static void record_timeout(const char *out, const struct cell *c, unsigned long limit)
{
	char path[PATH_MAX + 200], reason[256];
	char **argv = run_argv(c);
	struct stats_registry none;
	struct sim_error e = { 0 };
	FILE *log;

	snprintf(reason, sizeof(reason), TIMEOUT_REASON ": still running after %lu s, killed "
		 "(the sweep's time_limit); a resumed sweep runs it again", limit);
	snprintf(path, sizeof(path), "%s/logs/%s.log", out, c->id);
	log = fopen(path, "a");
	if (log) {
		fprintf(log, "mmusim sweep: %s\n", reason);
		fclose(log);
	}
	stats_init(&none);
	{
		struct emit_run er = { .reg = &none, .complete = false, .reason = reason,
				       .argv = (const char *const *)argv,
				       .argc = argv ? (int)c->args.n + 2 : 0 };

		snprintf(path, sizeof(path), "%s/cells/%s.json", out, c->id);
		if (emit_json_file(path, &er, &e))
			fprintf(stderr, "mmusim sweep: %s\n", e.msg);
	}
	stats_free(&none);
	free(argv);
}

struct progress {
	size_t total, done, skipped, failed, timed_out, running;
	bool tty;
};

static void progress_show(const struct progress *p, bool final)
{
	if (!p->tty)
		return;
	fprintf(stderr, "\rmmusim sweep: %zu/%zu cells done (%zu already), %zu running, "
		"%zu failed, %zu timed out   %s", p->done + p->skipped, p->total, p->skipped,
		p->running, p->failed, p->timed_out, final ? "\n" : "");
	fflush(stderr);
}

/* The exit status of a sweep: 0, 1 some cell failed, 3 some cell timed out. */
static int sweep_status(const struct progress *p)
{
	return p->failed ? 1 : p->timed_out ? 3 : 0;
}

/* Cell @c ended with wait status @st (@killed: at the time limit): count it. */
static void cell_ended(const char *out, const struct cell *c, int st, bool killed,
		       unsigned long limit, struct progress *pr)
{
	char log[PATH_MAX + 200];
	struct stat lst;

	snprintf(log, sizeof(log), "%s/logs/%s.log", out, c->id);
	if (cell_done(out, c) && (killed || (WIFEXITED(st) && !WEXITSTATUS(st)))) {
		/* done (a run killed as it finished is done all the same) */
		pr->done++;
		if (!stat(log, &lst) && !lst.st_size)
			unlink(log);
		return;
	}
	if (pr->tty)
		fputc('\n', stderr);
	if (killed) {
		record_timeout(out, c, limit);
		pr->timed_out++;
		fprintf(stderr, "mmusim sweep: cell %s (%s on %s) ran longer than the time limit "
			"of %lu s and was stopped; see %s\n", c->id, c->config, c->workload, limit,
			log);
		return;
	}
	pr->failed++;
	fprintf(stderr, "mmusim sweep: cell %s (%s on %s) failed; see %s\n", c->id, c->config,
		c->workload, log);
}

/* Cells run by the job pool (results/jobs.h): what its callbacks share. */
struct sweep_run {
	const char *out, *exe;
	const struct cells *cs;
	unsigned long limit;
	struct progress pr;
};

/* A cell that is done needs no run (it is counted as done already). */
static bool cell_skip(void *ctx, size_t i)
{
	struct sweep_run *r = ctx;

	if (!cell_done(r->out, &r->cs->c[i]))
		return false;
	r->pr.skipped++;
	return true;
}

/* In the child: `mmusim run` for cell @i, its errors in OUT/logs/ID.log. */
static int cell_run(void *ctx, size_t i, int fd)
{
	const struct sweep_run *r = ctx;
	const struct cell *c = &r->cs->c[i];
	char log[PATH_MAX + 200], **argv = run_argv(c);
	int lfd, nul;

	(void)fd;
	snprintf(log, sizeof(log), "%s/logs/%s.log", r->out, c->id);
	lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
	}
	if (lfd >= 0)
		dup2(lfd, 2);
	if (!argv) {
		fprintf(stderr, "mmusim sweep: cannot run cell %s: out of memory\n", c->id);
		return 1;
	}
	execv(r->exe, argv);
	fprintf(stderr, "mmusim sweep: cannot run %s: %s\n", r->exe, strerror(errno));
	return 127;
}

static void cell_over(void *ctx, size_t i, const struct job_end *e)
{
	struct sweep_run *r = ctx;

	if (!e->started) {
		fprintf(stderr, "mmusim sweep: cannot start a run: %s\n", strerror(e->error));
		r->pr.failed++;
		return;
	}
	cell_ended(r->out, &r->cs->c[i], e->status, e->killed, r->limit, &r->pr);
}

static void cell_progress(void *ctx, size_t running)
{
	struct sweep_run *r = ctx;

	r->pr.running = running;
	progress_show(&r->pr, false);
}

/*
 * Run the cells of @cs that are not done, @jobs at a time, each for at most
 * @limit seconds (0: no limit), with a progress line on a terminal if
 * @progress.  Return: the exit status (sweep_status()).
 */
int sweep_run_cells(const char *out, const struct cells *cs, long jobs, bool progress,
		     unsigned long limit)
{
	struct sweep_run r = { .out = out, .cs = cs, .limit = limit,
			       .pr = { .total = cs->n, .tty = progress && isatty(STDERR_FILENO) } };
	struct jobs j = { .n = cs->n, .parallel = jobs, .limit = limit, .ctx = &r,
			  .skip = cell_skip, .run = cell_run, .ended = cell_over,
			  .progress = cell_progress };
	char *exe = sweep_self_exe();

	if (!exe) {
		fprintf(stderr, "mmusim sweep: cannot find this program (/proc/self/exe)\n");
		return 1;
	}
	r.exe = exe;
	progress_show(&r.pr, false);
	if (jobs_run(&j)) {
		fprintf(stderr, "mmusim sweep: out of memory\n");
		free(exe);
		return 1;
	}
	progress_show(&r.pr, true);
	printf("mmusim sweep: %zu cells: %zu run now, %zu already done, %zu failed, %zu timed "
	       "out\n", r.pr.total, r.pr.done, r.pr.skipped, r.pr.failed, r.pr.timed_out);
	free(exe);
	return sweep_status(&r.pr);
}

/* Merge every finished cell into OUT/results.csv, atomically. */
int sweep_merge(const char *out, size_t *nmerged, struct sim_error *err)
{
	static const char *const lead[] = { "sweep.cell", "config_name", "workload", "command" };
	struct rd_set set = { 0 };
	char path[PATH_MAX + 32], *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	rc = rd_load(&set, out, err);
	if (!rc && rd_label(&set))
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if (rc) {
		rd_free(&set);
		return rc;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		rd_free(&set);
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	rc = rd_write_csv(f, &set, lead, 4, err);
	if (fclose(f) && !rc)
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/results.csv", out);
	if (!rc)
		rc = sim_write_file_atomic(path, text, len, 0644, err);
	*nmerged = set.n;
	free(text);
	rd_free(&set);
	return rc;
}

/* `mmusim sweep --cell N OUT`: run one cell; with a time limit as a child
 * stopped at the limit, else in this process. */
int sweep_run_cell(const char *out, const char *nstr, unsigned long limit)
{
	struct cells cs = { 0 };
	struct sim_error err = { 0 };
	char *end, *exe, **argv;
	unsigned long n = strtoul(nstr, &end, 10);
	const struct cell *c;
	int status = 1;

	if (read_cells_tsv(out, &cs, &err)) {
		fprintf(stderr, "mmusim sweep: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (*end || !n || n > cs.n) {
		fprintf(stderr, "mmusim sweep: --cell: expected 1..%zu, got '%s'\n", cs.n, nstr);
		cells_free(&cs);
		return EXIT_USAGE;
	}
	c = &cs.c[n - 1];
	if (cell_done(out, c)) {
		printf("mmusim sweep: cell %lu (%s) is already done\n", n, c->id);
		cells_free(&cs);
		return 0;
	}
	exe = sweep_self_exe();
	if (!exe) {
		fprintf(stderr, "mmusim sweep: cannot run cell %lu (/proc/self/exe)\n", n);
		cells_free(&cs);
		return 1;
	}
	if (limit) {
		/* one job for the pool: the cell, stopped at its limit */
		struct cells one = { .c = &cs.c[n - 1], .n = 1 };
		struct sweep_run r = { .out = out, .exe = exe, .cs = &one, .limit = limit,
				       .pr = { .total = 1 } };
		struct jobs j = { .n = 1, .parallel = 1, .limit = limit, .ctx = &r,
				  .run = cell_run, .ended = cell_over };

		if (jobs_run(&j))
			fprintf(stderr, "mmusim sweep: cannot run cell %lu: out of memory\n", n);
		else
			status = sweep_status(&r.pr);
		free(exe);
		cells_free(&cs);
		return status;
	}
	argv = run_argv(c);
	if (!argv) {
		fprintf(stderr, "mmusim sweep: cannot run cell %lu: out of memory\n", n);
		free(exe);
		cells_free(&cs);
		return 1;
	}
	fflush(NULL);
	execv(exe, argv);
	fprintf(stderr, "mmusim sweep: cannot run %s: %s\n", exe, strerror(errno));
	free(exe);
	free(argv);
	cells_free(&cs);
	return 1;
}
