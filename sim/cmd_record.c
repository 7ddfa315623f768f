/*
 * sim/cmd_record.c - `mmusim record [-o FILE] [--limit N] -- PROGRAM ARGS...`:
 * run a program and record its memory accesses as a native trace.
 *
 * How, by the program's ELF machine:
 *   - AArch64: under qemu-aarch64 with mmusim's TCG plugin
 *     (qemu-plugin/mmusim_trace.c), which writes the native format itself,
 *     zstd-compressed; the plugin reports its progress through a pipe.
 *   - x86-64: under Valgrind's lackey tool, whose text goes through a pipe
 *     straight into the lackey parser and the native writer: no text file
 *     is ever written.
 *
 * Semantic choices:
 *   - The trace is written whole or not at all (a temporary file renamed
 *     into place), so a failed recording leaves nothing that looks complete.
 *   - With --limit N the recording stops after N records and the program is
 *     ended; the trace is complete and the exit status 0.
 *   - The program keeps the terminal: its standard streams are ours.  An
 *     interrupt reaches it (we ignore SIGINT and SIGQUIT while it runs, as
 *     system() does), and the trace of what ran until then is kept.
 *   - Exit status: 0 a trace was written and the program exited 0 (or the
 *     limit was reached); 1 a trace was written but the program failed or
 *     died of a signal; 2 bad usage, or no trace (program not found, not an
 *     ELF, an architecture we cannot record, QEMU, Valgrind or the plugin
 *     missing, the recorder failed).
 */
#include "autoconfig.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "sim/installed.h"
#include "sim/parse.h"
#include "workloads/trace.h"

#define RECORD_BATCH 4096
#define PLUGIN_NAME "libmmusim-trace.so"

static void record_usage(FILE *f)
{
	fputs("usage: mmusim record [OPTIONS] -- PROGRAM [ARGS...]\n"
	      "\n"
	      "Run PROGRAM with ARGS and record its memory accesses (instruction fetches,\n"
	      "loads and stores, with their sizes) as a native trace, zstd-compressed:\n"
	      "  - an AArch64 program under qemu-aarch64 (Debian package qemu-user) with\n"
	      "    mmusim's QEMU plugin, one CPU number per thread;\n"
	      "  - an x86-64 program under Valgrind's lackey tool (Debian package valgrind),\n"
	      "    its output streamed into the native format.\n"
	      "A dynamically linked AArch64 program needs the arm64 C library\n"
	      "(dpkg --add-architecture arm64; apt-get install libc6:arm64).\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE  the trace (default: PROGRAM.mmt.zst in the current\n"
	      "                     directory)\n"
	      "  --limit N          stop after N records and end the program\n"
	      "  --level N          zstd compression level, 1..19 (default 3)\n"
	      "  --plugin FILE      the QEMU plugin to use (default: the installed\n"
	      "                     " PLUGIN_NAME ")\n"
	      "  --quiet            no summary line\n"
	      "  --no-progress      no progress line (shown on a terminal)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 the trace was written and PROGRAM exited 0 (or --limit was\n"
	      "reached); 1 the trace was written but PROGRAM failed or was killed; 2 bad\n"
	      "usage, or no trace was written.\n", f);
}

struct record_opts {
	const char *out;
	const char *plugin;
	uint64_t limit;
	int level;
	bool quiet, progress;
};

/* The progress line, on a terminal only. */
struct progress {
	bool show;
	bool shown;
	const char *what;
	double t0, next;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_update(struct progress *p, uint64_t records)
{
	double t;

	if (!p->show)
		return;
	t = now_seconds();
	if (t < p->next)
		return;
	fprintf(stderr, "\rmmusim record: %s: %.1f M records, %.1f M/s   ", p->what,
		(double)records / 1e6, (double)records / 1e6 / (t - p->t0));
	p->shown = true;
	p->next = t + 0.5;
}

static void progress_end(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r%70s\r", "");
}

/* Finds @name in $PATH (or takes it as a path if it has a '/'). */
static int find_program(const char *name, char *buf, size_t n)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(name, '/')) {
		snprintf(buf, n, "%s", name);
		return stat(buf, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);

		snprintf(buf, n, "%.*s/%s", (int)len, len ? path : ".", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		path += len + (colon != NULL);
	}
	return -1;
}

enum arch { ARCH_AARCH64, ARCH_X86_64 };

/* Reads @path's ELF header; prints the problem and returns -1 if it is not
 * an ELF program we can record. */
static int program_arch(const char *path, enum arch *arch)
{
	unsigned char h[EI_NIDENT + 4];
	unsigned machine;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "mmusim record: %s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	got = read(fd, h, sizeof(h));
	close(fd);
	if (got < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG)) {
		fprintf(stderr, "mmusim record: %s: not an ELF executable%s\n", path,
			got >= 2 && h[0] == '#' && h[1] == '!'
			? " (a script: record its interpreter, e.g. mmusim record -- /bin/sh SCRIPT)"
			: "");
		return -1;
	}
	machine = h[EI_NIDENT + 2] | (unsigned)h[EI_NIDENT + 3] << 8;
	if (h[EI_DATA] == ELFDATA2LSB && h[EI_CLASS] == ELFCLASS64 && machine == EM_AARCH64) {
		*arch = ARCH_AARCH64;
		return 0;
	}
	if (h[EI_DATA] == ELFDATA2LSB && h[EI_CLASS] == ELFCLASS64 && machine == EM_X86_64) {
		*arch = ARCH_X86_64;
		return 0;
	}
	fprintf(stderr, "mmusim record: %s: unsupported architecture (ELF%s machine %u%s); "
		"mmusim record runs AArch64 programs under qemu-aarch64 and x86-64 programs "
		"under Valgrind\n", path, h[EI_CLASS] == ELFCLASS32 ? "32" : "64", machine,
		machine == EM_ARM ? ", 32-bit Arm" : machine == EM_386 ? ", 32-bit x86" :
		machine == EM_RISCV ? ", RISC-V" : "");
	return -1;
}

/* Appends @s to @b (capacity @n), doubling commas, as QEMU's option parser
 * wants inside a -plugin argument. */
static void append_opt(char *b, size_t n, const char *s)
{
	size_t len = strlen(b);

	for (; *s && len + 2 < n; s++) {
		b[len++] = *s;
		if (*s == ',')
			b[len++] = ',';
	}
	b[len] = '\0';
}

/* A pipe whose ends are closed on exec (the child keeps the one it needs). */
static int cloexec_pipe(int fd[2])
{
	if (pipe(fd) < 0)
		return -1;
	fcntl(fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

struct child {
	pid_t pid;
	struct sigaction old_int, old_quit;
};

/* Runs @tool (its path and options, NULL-terminated), then @prog with
 * args[1..], in a child that keeps descriptor @keep_fd. */
static int start_child(struct child *c, char *const tool[], const char *prog, char **args,
		       int keep_fd)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	size_t nt = 0, na = 0;
	char **argv;

	while (tool[nt])
		nt++;
	while (args[na])
		na++;
	argv = calloc(nt + na + 1, sizeof(*argv));
	if (!argv) {
		fprintf(stderr, "mmusim record: out of memory\n");
		return -1;
	}
	memcpy(argv, tool, nt * sizeof(*argv));
	argv[nt] = (char *)prog;
	for (size_t i = 1; i < na; i++)
		argv[nt + i] = args[i];
	fflush(NULL);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &c->old_int);
	sigaction(SIGQUIT, &ign, &c->old_quit);
	c->pid = fork();
	if (c->pid < 0) {
		fprintf(stderr, "mmusim record: fork: %s\n", strerror(errno));
		free(argv);
		return -1;
	}
	if (c->pid == 0) {
		sigaction(SIGINT, &c->old_int, NULL);
		sigaction(SIGQUIT, &c->old_quit, NULL);
		if (keep_fd >= 0)
			fcntl(keep_fd, F_SETFD, 0);
		execv(argv[0], argv);
		fprintf(stderr, "mmusim record: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(argv);
	return 0;
}

/* Waits for the child; returns its wait status. */
static int wait_child(struct child *c)
{
	int status = 0;

	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &c->old_int, NULL);
	sigaction(SIGQUIT, &c->old_quit, NULL);
	return status;
}

static void describe_status(char *buf, size_t n, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "ended with wait status %d", status);
}

/* The result of a recording, for the summary. */
struct recorded {
	uint64_t records, bytes;
	bool complete, limited;
	int status;                     /* the program's (its recorder's) wait status */
	char how[2 * PATH_MAX + 64];    /* for the summary: under what, with what */
};

static int record_qemu(const struct record_opts *o, const char *prog, char **args,
		       struct recorded *res)
{
	char qemu[PATH_MAX], plugin[2 * PATH_MAX], arg[4 * PATH_MAX + 128], num[32];
	struct progress pr = { .show = o->progress && isatty(STDERR_FILENO), .what = prog };
	struct child c;
	int pfd[2];
	FILE *in;
	char line[128];

	if (find_program("qemu-aarch64", qemu, sizeof(qemu))) {
		fprintf(stderr, "mmusim record: qemu-aarch64 not found in PATH: AArch64 programs "
			"are recorded under it (Debian package qemu-user)\n");
		return -1;
	}
	if (o->plugin) {
		struct stat st;

		snprintf(plugin, sizeof(plugin), "%s", o->plugin);
		if (stat(plugin, &st) || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "mmusim record: %s: the QEMU plugin is not there\n", plugin);
			return -1;
		}
	} else if (installed_file(INSTALLED_PKGLIBDIR, PLUGIN_NAME, plugin, sizeof(plugin))) {
		fprintf(stderr, "mmusim record: the QEMU plugin is not installed (looked for %s); "
			"it is built when configure finds QEMU, and installed by make install\n",
			plugin);
		return -1;
	}
	if (cloexec_pipe(pfd) < 0) {
		fprintf(stderr, "mmusim record: pipe: %s\n", strerror(errno));
		return -1;
	}
	snprintf(res->how, sizeof(res->how), "AArch64, qemu-aarch64 with the plugin %s", plugin);
	arg[0] = '\0';
	append_opt(arg, sizeof(arg), plugin);
	strcat(arg, ",out=");
	append_opt(arg, sizeof(arg), o->out);
	snprintf(num, sizeof(num), "%d", pfd[1]);
	strcat(arg, ",progress=");
	strcat(arg, num);
	if (o->limit) {
		snprintf(num, sizeof(num), ",limit=%" PRIu64, o->limit);
		strcat(arg, num);
	}
	if (o->level) {
		snprintf(num, sizeof(num), ",level=%d", o->level);
		strcat(arg, num);
	}
	pr.t0 = now_seconds();
	pr.next = pr.t0 + 1.0;
	if (start_child(&c, (char *[]){ qemu, "-plugin", arg, NULL }, prog, args, pfd[1])) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		uint64_t a, b;

		if (sscanf(line, "records %" SCNu64, &a) == 1) {
			progress_update(&pr, a);
		} else if (sscanf(line, "end %" SCNu64 " %" SCNu64, &a, &b) == 2) {
			res->complete = true;
			res->records = a;
			res->bytes = b;
		}
	}
	if (in)
		fclose(in);
	else
		close(pfd[0]);
	res->status = wait_child(&c);
	progress_end(&pr);
	res->limited = res->complete && o->limit && res->records >= o->limit;
	return 0;
}

static int record_valgrind(const struct record_opts *o, const char *prog, char **args,
			   struct recorded *res)
{
	char vg[PATH_MAX], logfd[32];
	struct progress pr = { .show = o->progress && isatty(STDERR_FILENO), .what = prog };
	struct trace_open_opts ro = { .format = TRACE_FMT_LACKEY };
	struct trace_writer_opts wo = { .zstd = true, .zstd_level = o->level };
	struct trace_writer *w = NULL;
	struct trace_reader *r = NULL;
	struct trace_rec *recs = NULL;
	struct sim_error err = { 0 };
	struct child c;
	char why[SIM_ERROR_MSG_MAX] = "";
	int lfd[2], n, rc = -1;
	bool killed = false;

	if (find_program("valgrind", vg, sizeof(vg))) {
		fprintf(stderr, "mmusim record: valgrind not found in PATH: x86-64 programs are "
			"recorded under its lackey tool (Debian package valgrind)\n");
		return -1;
	}
	snprintf(res->how, sizeof(res->how), "x86-64, Valgrind lackey");
	if (trace_writer_open(&w, o->out, &wo, &err) < 0) {
		fprintf(stderr, "mmusim record: %s\n", err.msg);
		return -1;
	}
	recs = malloc(RECORD_BATCH * sizeof(*recs));
	if (!recs || cloexec_pipe(lfd) < 0) {
		fprintf(stderr, "mmusim record: %s\n", recs ? strerror(errno) : "out of memory");
		goto out;
	}
	snprintf(logfd, sizeof(logfd), "--log-fd=%d", lfd[1]);
	pr.t0 = now_seconds();
	pr.next = pr.t0 + 1.0;
	if (start_child(&c, (char *[]){ vg, "--tool=lackey", "--trace-mem=yes", logfd, NULL },
			prog, args, lfd[1])) {
		close(lfd[0]);
		close(lfd[1]);
		goto out;
	}
	close(lfd[1]);
	if (trace_reader_open_fd_opts(&r, lfd[0], true, "the lackey output", &ro, &err) < 0) {
		/* Nothing came: Valgrind could not start (it said why). */
		res->status = wait_child(&c);
		goto out;
	}
	while ((n = trace_read(r, recs, RECORD_BATCH)) > 0) {
		size_t k = (size_t)n;

		if (o->limit && res->records + k >= o->limit) {
			k = (size_t)(o->limit - res->records);
			res->limited = true;
		}
		if (trace_write(w, recs, k) < 0) {
			fprintf(stderr, "mmusim record: %s\n", trace_writer_error(w)->msg);
			break;
		}
		res->records += k;
		progress_update(&pr, res->records);
		if (res->limited)
			break;
	}
	if (res->limited || n != 0) {
		/* Done early (or the text went wrong): end the program. */
		kill(c.pid, SIGKILL);
		killed = true;
	}
	if (n < 0)
		snprintf(why, sizeof(why), "%s", trace_reader_error(r)->msg);
	trace_reader_close(r);          /* closes the pipe: Valgrind cannot block on it */
	res->status = wait_child(&c);
	progress_end(&pr);
	if (n < 0) {
		fprintf(stderr, "mmusim record: %s\n", why);
		goto out;
	}
	if (!res->limited && n != 0)
		goto out;
	if (!res->limited && !killed && res->records == 0) {
		fprintf(stderr, "mmusim record: Valgrind produced no trace\n");
		goto out;
	}
	if (trace_writer_finish(w) < 0) {
		fprintf(stderr, "mmusim record: %s\n", trace_writer_error(w)->msg);
		goto out;
	}
	res->complete = true;
	res->bytes = trace_writer_bytes_out(w);
	rc = 0;
out:
	trace_writer_close(w);
	free(recs);
	return rc;
}

/* The trace is created beside @out: its directory must be writable. */
static int check_output_dir(const char *out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(out, '/');

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - out) + (slash == out), out);
	if (access(dir, W_OK) < 0) {
		fprintf(stderr, "mmusim record: %s: cannot write in %s: %s\n", out, dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_count(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x;

	if (parse_u64(s, PARSE_PLAIN, &x) || x < min || x > max) {
		fprintf(stderr, "mmusim record: %s: expected a number %" PRIu64 "..%" PRIu64
			", got '%s'\n", opt, min, max, s);
		return -1;
	}
	*v = x;
	return 0;
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "level", required_argument, NULL, 'L' },
		{ "plugin", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-progress", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct record_opts o = { .progress = true };
	struct recorded res = { 0 };
	char prog[PATH_MAX], defout[PATH_MAX + 16];
	enum arch arch;
	uint64_t v;
	int c;

	optind = 1;
	/* "+": stop at the program's name, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'l':
			if (parse_count("--limit", optarg, 1, UINT64_MAX, &o.limit))
				return EXIT_USAGE;
			break;
		case 'L':
			if (parse_count("--level", optarg, 1, 19, &v))
				return EXIT_USAGE;
			o.level = (int)v;
			break;
		case 'p': o.plugin = optarg; break;
		case 'q': o.quiet = true; break;
		case 'P': o.progress = false; break;
		case 'h':
			record_usage(stdout);
			return 0;
		default:
			record_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mmusim record: no program given (try 'mmusim record --help')\n");
		return EXIT_USAGE;
	}
	if (find_program(argv[optind], prog, sizeof(prog))) {
		fprintf(stderr, "mmusim record: %s: program not found%s\n", argv[optind],
			strchr(argv[optind], '/') ? "" : " in PATH");
		return EXIT_USAGE;
	}
	if (program_arch(prog, &arch))
		return EXIT_USAGE;
	if (!o.out) {
		const char *base = strrchr(prog, '/');

		snprintf(defout, sizeof(defout), "%s.mmt.zst", base ? base + 1 : prog);
		o.out = defout;
	}
	if (!strcmp(o.out, "-")) {
		fprintf(stderr, "mmusim record: the trace goes to a file, not standard output "
			"(the program keeps its own)\n");
		return EXIT_USAGE;
	}
	if (check_output_dir(o.out))
		return EXIT_USAGE;
	if (arch == ARCH_AARCH64 ? record_qemu(&o, prog, argv + optind, &res)
				 : record_valgrind(&o, prog, argv + optind, &res))
		return EXIT_USAGE;
	if (!res.complete) {
		char st[96];

		describe_status(st, sizeof(st), res.status);
		fprintf(stderr, "mmusim record: no trace written: the recorder %s\n", st);
		return EXIT_USAGE;
	}
	if (!o.quiet) {
		char st[96];

		if (res.limited)
			snprintf(st, sizeof(st), "stopped at the limit");
		else
			describe_status(st, sizeof(st), res.status);
		fprintf(stderr, "mmusim record: %s: %" PRIu64 " records, %" PRIu64 " bytes (%s); "
			"%s %s\n", o.out, res.records, res.bytes, res.how, argv[optind], st);
	}
	if (res.limited)
		return 0;
	if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0) {
		char st[96];

		describe_status(st, sizeof(st), res.status);
		fprintf(stderr, "mmusim record: %s %s (the trace of what ran is kept)\n",
			argv[optind], st);
		return 1;
	}
	return 0;
}
