/*
 * results/report_docs.c - the documents of `mmusim report`: index.html and
 * report.md, the same report in HTML and in Markdown: every chart with its
 * description and the table behind it, the derived metrics of every
 * result, the settings in which the configurations differ and every
 * parameter of each, the mmusim versions, and the command that reproduces
 * each result.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/emit.h"
#include "results/report.h"

static void html_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void md_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' ||
		    *s == '[' || *s == ']')
			fputc('\\', f);
		fputc(*s, f);
	}
}

/* A table cell as shown: no value (NaN in the data file) is a dash. */
static const char *shown(const char *v)
{
	return !strcmp(v, "NaN") ? "-" : v;
}

static void html_table(FILE *f, const struct table *t)
{
	fputs("<table>\n<tr>", f);
	for (size_t c = 0; c < t->ncol; c++) {
		fputs("<th>", f);
		html_esc(f, t->col[c]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t r = 0; r < t->nrow; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < t->ncol; c++) {
			fputs(c ? "<td class=\"n\">" : "<td>", f);
			html_esc(f, shown(table_get(t, r, c)));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void md_table(FILE *f, const struct table *t)
{
	fputs("|", f);
	for (size_t c = 0; c < t->ncol; c++) {
		fputc(' ', f);
		md_esc(f, t->col[c]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (size_t c = 0; c < t->ncol; c++)
		fputs(c ? "---:|" : "---|", f);
	fputc('\n', f);
	for (size_t r = 0; r < t->nrow; r++) {
		fputs("|", f);
		for (size_t c = 0; c < t->ncol; c++) {
			fputc(' ', f);
			md_esc(f, shown(table_get(t, r, c)));
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* The summary table: per result, its labels and every derived metric. */
static int summary_table(const struct rd_set *set, struct table *t)
{
	const char **cols, **sel;
	size_t nc;
	const char *lead[] = { "workload", "config_name", "report.s1_levels", "report.s2_levels",
			       "accesses", "walks" };
	size_t nlead = sizeof(lead) / sizeof(lead[0]), nsel = 0;
	int rc = SIM_E_NOMEM;

	memset(t, 0, sizeof(*t));
	if (rd_columns(set, &cols, &nc))
		return SIM_E_NOMEM;
	sel = malloc((nc + nlead) * sizeof(*sel));
	if (!sel)
		goto out;
	for (size_t i = 0; i < nlead; i++)
		sel[nsel++] = lead[i];
	for (size_t i = 0; i < nc; i++)
		if (!strncmp(cols[i], "derived.", 8))
			sel[nsel++] = cols[i];
	if (table_init(t, nsel))
		goto out;
	for (size_t c = 0; c < nsel; c++)
		if (table_name(t, c, strdup(!strncmp(sel[c], "derived.", 8) ? sel[c] + 8 : sel[c])))
			goto out;
	for (size_t r = 0; r < set->n; r++) {
		if (table_add_row(t))
			goto out;
		for (size_t c = 0; c < nsel; c++) {
			const char *v = rd_get(&set->r[r], sel[c]);

			if (table_set(t, r, c, v ? v : ""))
				goto out;
		}
	}
	rc = 0;
out:
	free(sel);
	free(cols);
	return rc;
}

/* Configurations: the settings that differ (rows) by configuration (columns);
 * *@cfgs the configuration names, *@first the first result of each. */
static int config_tables(const struct rd_set *set, struct table *diff, char ***cfgs,
			 size_t *ncfg, size_t **first)
{
	const char **cols = NULL, **dk = NULL;
	size_t nc = 0, nd = 0;
	int rc = SIM_E_NOMEM;

	*cfgs = NULL;
	*ncfg = 0;
	*first = NULL;
	memset(diff, 0, sizeof(*diff));
	for (size_t i = 0; i < set->n; i++) {
		size_t before = *ncfg, *nf = grow(*first, (*ncfg + 1) * sizeof(size_t));

		if (!nf)
			return SIM_E_NOMEM;
		*first = nf;
		if (label_add(cfgs, ncfg, rd_get(&set->r[i], "config_name"), NULL))
			return SIM_E_NOMEM;
		if (*ncfg != before)
			(*first)[*ncfg - 1] = i;
	}
	if (rd_columns(set, &cols, &nc))
		return SIM_E_NOMEM;
	dk = malloc((nc ? nc : 1) * sizeof(*dk));
	if (!dk)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		const char *v0;
		bool varies = false;

		if (strncmp(cols[i], "config.", 7))
			continue;
		v0 = rd_get(&set->r[(*first)[0]], cols[i]);
		for (size_t g = 1; g < *ncfg && !varies; g++) {
			const char *v = rd_get(&set->r[(*first)[g]], cols[i]);

			varies = !v0 != !v || (v && strcmp(v, v0));
		}
		if (varies)
			dk[nd++] = cols[i];
	}
	if (table_init(diff, *ncfg + 1) || table_name(diff, 0, strdup("setting")))
		goto out;
	for (size_t g = 0; g < *ncfg; g++)
		if (table_name(diff, g + 1, strdup((*cfgs)[g])))
			goto out;
	for (size_t k = 0; k < nd; k++) {
		if (table_add_row(diff) || table_set(diff, k, 0, dk[k] + 7))
			goto out;
		for (size_t g = 0; g < *ncfg; g++) {
			const char *v = rd_get(&set->r[(*first)[g]], dk[k]);

			if (table_set(diff, k, g + 1, v && *v ? v : "-"))
				goto out;
		}
	}
	rc = 0;
out:
	free(dk);
	free(cols);
	return rc;
}

/* The versions of mmusim that made the results, comma-separated. */
static int versions(const struct rd_set *set, char *buf, size_t len)
{
	char **v = NULL;
	size_t n = 0, used = 0;

	for (size_t i = 0; i < set->n; i++) {
		const char *s = rd_get(&set->r[i], "mmusim_version");

		if (label_add(&v, &n, s ? s : "unknown", NULL)) {
			free_list(v, n);
			return SIM_E_NOMEM;
		}
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 i ? ", " : "", v[i]);
	free_list(v, n);
	return 0;
}

/* @argv as one shell command line, a new string; NULL when out of memory. */
static char *command_text(char *const *argv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	bool bad;

	if (!mf)
		return NULL;
	rd_shell_quote(mf, argv);
	bad = ferror(mf);
	if (fclose(mf) || bad) {
		free(text);
		return NULL;
	}
	return text;
}

/* index.html and report.md.  Return: 0; 1 a write failed (said so); SIM_E_NOMEM. */
int report_write_docs(struct report *rp, char *const *argv)
{
	char path[1024], vers[512];
	struct table sum = { 0 }, diff = { 0 };
	char **cfgs = NULL;
	size_t ncfg = 0, *first = NULL;
	char *self = command_text(argv);
	FILE *h, *m;
	int rc = 0;

	if (!self || versions(rp->set, vers, sizeof(vers)) || summary_table(rp->set, &sum) ||
	    config_tables(rp->set, &diff, &cfgs, &ncfg, &first)) {
		rc = SIM_E_NOMEM;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/index.html", rp->dir);
	h = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/report.md", rp->dir);
	m = fopen(path, "w");
	if (!h || !m) {
		fprintf(stderr, "mmusim report: cannot write in %s: %s\n", rp->dir, strerror(errno));
		if (h)
			fclose(h);
		if (m)
			fclose(m);
		rc = 1;
		goto out;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>mmusim report</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}\n"
	      "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
	      "td,th{border:1px solid #bbb;padding:0.2em 0.5em;font-size:90%}\n"
	      "td.n{text-align:right;font-family:monospace}\n"
	      "pre{background:#f4f4f4;padding:0.5em;overflow-x:auto}\n"
	      "img{max-width:100%}\n</style>\n</head>\n<body>\n", h);
	fputs("<h1>mmusim report</h1>\n<p>", h);
	html_esc(h, rp->what);
	fputs(". Results from mmusim ", h);
	html_esc(h, vers);
	fprintf(h, "; report by mmusim %s.</p>\n<p>Data: <a href=\"data/results.csv\">"
		"data/results.csv</a> (every column of every result); charts redrawn by "
		"<a href=\"plot.sh\">plot.sh</a>.</p>\n<p>This report was made with:</p>\n<pre>",
		emit_version());
	html_esc(h, self);
	fputs("</pre>\n", h);
	fprintf(m, "# mmusim report\n\n%s. Results from mmusim %s; report by mmusim %s.\n\n"
		"Data: [data/results.csv](data/results.csv) (every column of every result); "
		"charts redrawn by [plot.sh](plot.sh).\n\nThis report was made with:\n\n    %s\n\n",
		rp->what, vers, emit_version(), self);

	fputs("<h2>Charts</h2>\n", h);
	fputs("## Charts\n\n", m);
	if (rp->nochart[0]) {
		fputs("<p>The charts were not drawn: ", h);
		html_esc(h, rp->nochart);
		fputs(". Their data is below.</p>\n", h);
		fputs("The charts were not drawn: ", m);
		md_esc(m, rp->nochart);
		fputs(". Their data is below.\n\n", m);
	} else if (!rp->gnuplot) {
		fputs("<p>The charts were not drawn (--no-charts); their data is below.</p>\n", h);
		fputs("The charts were not drawn (--no-charts); their data is below.\n\n", m);
	}
	for (size_t i = 0; i < rp->ncharts; i++) {
		struct chart *c = &rp->charts[i];

		fputs("<h3>", h);
		html_esc(h, c->title);
		fputs("</h3>\n", h);
		fprintf(m, "### %s\n\n", c->title);
		if (c->svg || c->png)
			fprintf(h, "<p><img src=\"charts/%s.%s\" alt=\"%s\"></p>\n", c->name,
				c->svg ? "svg" : "png", c->name);
		if (c->png)
			fprintf(m, "![%s](charts/%s.png)\n\n", c->name, c->name);
		else if (c->svg)
			fprintf(m, "![%s](charts/%s.svg)\n\n", c->name, c->name);
		fputs("<p>", h);
		html_esc(h, c->desc);
		fprintf(h, " Data: <a href=\"data/%s.tsv\">data/%s.tsv</a>", c->name, c->name);
		if (c->svg)
			fprintf(h, "; <a href=\"charts/%s.svg\">SVG</a>", c->name);
		if (c->png)
			fprintf(h, "; <a href=\"charts/%s.png\">PNG</a>", c->name);
		fputs(".</p>\n", h);
		fprintf(m, "%s Data: [data/%s.tsv](data/%s.tsv).\n\n", c->desc, c->name, c->name);
		html_table(h, &c->data);
		md_table(m, &c->data);
	}
	if (!rp->ncharts) {
		fputs("<p>No chart applies to these results.</p>\n", h);
		fputs("No chart applies to these results.\n\n", m);
	}

	fputs("<h2>Results</h2>\n<p>One row per result; the derived metrics "
	      "(derived.*) of each.</p>\n", h);
	fputs("## Results\n\nOne row per result; the derived metrics (derived.\\*) of each.\n\n", m);
	html_table(h, &sum);
	md_table(m, &sum);

	fputs("<h2>Configurations</h2>\n", h);
	fputs("## Configurations\n\n", m);
	if (diff.nrow) {
		fputs("<p>The settings in which the configurations differ:</p>\n", h);
		fputs("The settings in which the configurations differ:\n\n", m);
		html_table(h, &diff);
		md_table(m, &diff);
	}
	for (size_t g = 0; g < ncfg; g++) {
		const struct rd_result *r = &rp->set->r[first[g]];

		fputs("<details><summary>Every parameter of <b>", h);
		html_esc(h, cfgs[g]);
		fputs("</b></summary>\n<pre>", h);
		fprintf(m, "<details><summary>Every parameter of %s</summary>\n\n```\n", cfgs[g]);
		for (size_t k = 0; k < r->n; k++)
			if (!strncmp(r->name[k], "config.", 7)) {
				html_esc(h, r->name[k] + 7);
				fputs(" = ", h);
				html_esc(h, r->value[k]);
				fputc('\n', h);
				fprintf(m, "%s = %s\n", r->name[k] + 7, r->value[k]);
			}
		fputs("</pre></details>\n", h);
		fputs("```\n\n</details>\n\n", m);
	}

	fputs("<h2>Reproduce</h2>\n<p>The command that produced each result (run it where "
	      "the result was produced: trace paths are as given).</p>\n", h);
	fputs("## Reproduce\n\nThe command that produced each result (run it where the result was "
	      "produced: trace paths are as given).\n\n", m);
	for (size_t i = 0; i < rp->set->n; i++) {
		const struct rd_result *r = &rp->set->r[i];
		const char *cmd = rd_get(r, "command");

		fputs("<p>", h);
		html_esc(h, rd_get(r, "workload"));
		fputs(" / ", h);
		html_esc(h, rd_get(r, "config_name"));
		fputs(" (", h);
		html_esc(h, r->source);
		fputs("):</p>\n<pre>", h);
		html_esc(h, cmd && *cmd ? cmd : "(not recorded in this result)");
		fputs("</pre>\n", h);
		fputs("- ", m);
		md_esc(m, rd_get(r, "workload"));
		fputs(" / ", m);
		md_esc(m, rd_get(r, "config_name"));
		fputs(" (", m);
		md_esc(m, r->source);
		fprintf(m, "):\n\n      %s\n\n", cmd && *cmd ? cmd : "(not recorded in this result)");
	}
	fputs("</body>\n</html>\n", h);
	if (fclose(h) | fclose(m)) {
		fprintf(stderr, "mmusim report: write failed in %s: %s\n", rp->dir, strerror(errno));
		rc = 1;
	}
out:
	table_free(&sum);
	table_free(&diff);
	free_list(cfgs, ncfg);
	free(first);
	free(self);
	return rc;
}

