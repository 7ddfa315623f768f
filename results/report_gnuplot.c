/*
 * results/report_gnuplot.c - drawing the charts of `mmusim report` with
 * gnuplot: each image is one run of `gnuplot -e VARIABLES SCRIPT` in DIR,
 * its errors in charts/NAME.FMT.log, and the same command goes into
 * DIR/plot.sh; and where gnuplot and the chart scripts are.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/report.h"
#include "sim/installed.h"

/* A gnuplot single-quoted string: ' is written ''. */
static void gp_string(char *out, size_t len, const char *name, const char *v)
{
	size_t n = (size_t)snprintf(out, len, "%s='", name);

	for (; *v && n + 4 < len; v++) {
		if (*v == '\'')
			out[n++] = '\'';
		out[n++] = *v;
	}
	out[n < len - 2 ? n : len - 3] = '\0';
	strcat(out, "'; ");
}

static bool file_ok(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

/* Draw one image of chart @c with gnuplot, in @fmt (svg or png).
 * Return: 0 drawn; 1 not drawn (said so, counted in rp->failed); SIM_E_NOMEM. */
int chart_draw(struct report *rp, struct chart *c, const char *fmt)
{
	size_t cap = 8192 + 2 * strlen(c->series);
	char *e = malloc(cap), part[2048], script[4096], out[1024], log[1024];
	char *argv[5];
	pid_t pid;
	int st;
	bool ok;

	if (!e)
		return SIM_E_NOMEM;
	e[0] = '\0';
	gp_string(part, sizeof(part), "plotdir", rp->plotdir);
	strcat(e, part);
	snprintf(out, sizeof(out), "data/%s.tsv", c->name);
	gp_string(part, sizeof(part), "datafile", out);
	strcat(e, part);
	snprintf(out, sizeof(out), "charts/%s.%s", c->name, fmt);
	gp_string(part, sizeof(part), "outfile", out);
	strcat(e, part);
	gp_string(part, sizeof(part), "fmt", fmt);
	strcat(e, part);
	gp_string(part, sizeof(part), "title", c->title);
	strcat(e, part);
	gp_string(part, sizeof(part), "xlabel", c->xlabel);
	strcat(e, part);
	gp_string(part, sizeof(part), "ylabel", c->ylabel);
	strcat(e, part);
	gp_string(part, sizeof(part), "xcol", c->xcol);
	strcat(e, part);
	{
		size_t n = strlen(e);

		snprintf(e + n, cap - n, "series='%s'", c->series);
	}
	snprintf(script, sizeof(script), "%s/%s.gp", rp->plotdir, c->script);
	argv[0] = (char *)rp->gnuplot;
	argv[1] = "-e";
	argv[2] = e;
	argv[3] = script;
	argv[4] = NULL;
	/* plot.sh: the same command, run from DIR */
	{
		char *shv[5] = { "gnuplot", "-e", e, script, NULL };
		char rel[1200];

		snprintf(rel, sizeof(rel), "\"$plotdir\"/%s.gp", c->script);
		shv[3] = NULL;
		rd_shell_quote(rp->plotsh, shv);
		fprintf(rp->plotsh, " %s\n", rel);
	}
	snprintf(log, sizeof(log), "%s/charts/%s.%s.log", rp->dir, c->name, fmt);
	snprintf(out, sizeof(out), "%s/charts/%s.%s", rp->dir, c->name, fmt);
	unlink(out);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		FILE *lf = fopen(log, "w");

		if (lf)
			dup2(fileno(lf), 2);
		if (chdir(rp->dir))
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st) &&
	     file_ok(out);
	if (ok) {
		unlink(log);
	} else {
		fprintf(stderr, "mmusim report: gnuplot did not draw %s (see %s)\n", out, log);
		rp->failed++;
	}
	free(e);
	return ok ? 0 : 1;
}

int report_open_plotsh(struct report *rp)
{
	char path[PATH_MAX + 16];
	char *pv[2] = { (char *)(rp->plotdir ? rp->plotdir : "results/plot"), NULL };

	snprintf(path, sizeof(path), "%s/plot.sh", rp->dir);
	rp->plotsh = fopen(path, "w");
	if (!rp->plotsh) {
		fprintf(stderr, "mmusim report: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(rp->plotsh, "#!/bin/sh\n# Redraw the charts of this report (written by mmusim "
		"report).\n# plotdir: the mmusim chart scripts (results/plot).\nset -e\n"
		"cd \"$(dirname \"$0\")\"\nplotdir=${MMUSIM_PLOTDIR:-");
	rd_shell_quote(rp->plotsh, pv);
	fputs("}\n", rp->plotsh);
	return 0;
}

/* ---- locating the tools -------------------------------------------------- */

static bool is_dir_with(const char *dir, const char *file)
{
	char p[4400];
	struct stat st;

	snprintf(p, sizeof(p), "%.4096s/%.256s", dir, file);
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/*
 * Where the chart scripts are: one place, chosen by a rule, never guessed.
 *  - $MMUSIM_PLOTDIR, when it is set;
 *  - when this program is the mmusim of the build tree it was built in,
 *    the source tree's results/plot;
 *  - otherwise its installation's $(pkgdatadir)/plot, by the rule of
 *    sim/installed.h: for a program run where it was installed that is
 *    $(pkgdatadir)/plot itself; a staged installation (make install
 *    DESTDIR=...) or a moved prefix finds its own copy.  Without
 *    /proc/self/exe, the configured $(pkgdatadir)/plot.
 * So an installed mmusim never reads a build or source tree, even one still
 * on the disk.  @dir gets the directory; @how says which rule chose it.
 * Return: true if it holds the scripts (common.gp).
 */
static bool find_plotdir(char *dir, size_t len, const char **how)
{
	const char *env = getenv("MMUSIM_PLOTDIR"), *src;

	if (env && *env) {
		*how = "MMUSIM_PLOTDIR";
		snprintf(dir, len, "%s", env);
	} else if ((src = installed_source_tree())) {
		*how = "the source tree of this build";
		snprintf(dir, len, "%s/results/plot", src);
	} else if (installed_dir(INSTALLED_PKGDATADIR, "plot", dir, len)) {
		*how = "the installation directory";
	} else {
		*how = "this installation";
	}
	return is_dir_with(dir, "common.gp");
}

/* gnuplot: $GNUPLOT or "gnuplot", a path or a name looked up in PATH. */
static const char *find_gnuplot(char *buf, size_t len, const char **name)
{
	const char *env = getenv("GNUPLOT"), *path = getenv("PATH");

	*name = env && *env ? env : "gnuplot";
	if (strchr(*name, '/'))
		return access(*name, X_OK) ? NULL : *name;
	while (path && *path) {
		size_t k = strcspn(path, ":");

		snprintf(buf, len, "%.*s/%s", (int)k, path, *name);
		if (k && !access(buf, X_OK))
			return buf;
		path += k + (path[k] == ':');
	}
	return NULL;
}

int report_find_tools(struct report *rp)
{
	const char *how, *gpname;
	bool have_scripts = find_plotdir(rp->plotdir_buf, sizeof(rp->plotdir_buf), &how);
	const char *gp = find_gnuplot(rp->gnuplot_buf, sizeof(rp->gnuplot_buf), &gpname);
	size_t used = 0;

	if (!gp)
		used += (size_t)snprintf(rp->nochart, sizeof(rp->nochart), "gnuplot was not "
					 "found ('%.900s' is not an executable program%s)",
					 gpname, strchr(gpname, '/') ? "" : " on PATH");
	if (!have_scripts && used < sizeof(rp->nochart))
		snprintf(rp->nochart + used, sizeof(rp->nochart) - used, "%sthe chart scripts "
			 "are missing (%.900s, the directory of %s, has no common.gp)",
			 used ? "; " : "", rp->plotdir_buf, how);
	if (rp->nochart[0]) {
		fprintf(stderr, "mmusim report: %s.  %s, or use --no-charts for the tables "
			"alone.\n", rp->nochart, !gp ? "Install gnuplot or set GNUPLOT to "
			"the program" : "Set MMUSIM_PLOTDIR to the directory of mmusim's "
			"chart scripts (results/plot)");
		return 1;
	}
	rp->plotdir = rp->plotdir_buf;
	rp->gnuplot = gp;
	return 0;
}
