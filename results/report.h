/*
 * results/report.h - the parts of `mmusim report`, shared by its files:
 *  - results/cmd_report.c: the command, its options, loading the results;
 *  - results/report_table.c: tables, label lists and pivots (the data
 *    behind every chart and table);
 *  - results/report_charts.c: which charts the results call for, and the
 *    data of each, by column name;
 *  - results/report_gnuplot.c: drawing a chart with gnuplot, plot.sh, and
 *    where gnuplot and the chart scripts are;
 *  - results/report_docs.c: index.html and report.md.
 *
 * Memory: every allocation is checked.  A helper that cannot allocate
 * returns SIM_E_NOMEM (or NULL), its caller passes that on, and the command
 * says "out of memory" and exits with status 1; what it wrote so far stays.
 */
#ifndef MMUSIM_RESULTS_REPORT_H
#define MMUSIM_RESULTS_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results/report_data.h"

/* ---- tables, label lists, pivots (report_table.c) ------------------------- */

/* A table of text cells; a NULL cell is empty. */
struct table {
	size_t ncol, nrow;
	char **col;
	char **cell;            /* nrow x ncol */
};

/* realloc() that never asks for 0 bytes (whose NULL would mean nothing). */
void *grow(void *p, size_t n);

/* A series or column name gnuplot can take in a word list: no blanks or
 * quotes.  NULL when out of memory. */
char *series_name(const char *s);

int table_init(struct table *t, size_t ncol);
/* Name column @col @name (a new string, taken over; NULL is out of memory). */
int table_name(struct table *t, size_t col, char *name);
int table_add_row(struct table *t);
int table_set(struct table *t, size_t row, size_t col, const char *v);
/* A number as "%.6g", NaN as "NaN". */
int table_setf(struct table *t, size_t row, size_t col, double v);
/* The cell's text ("" for an empty cell). */
const char *table_get(const struct table *t, size_t row, size_t col);
void table_free(struct table *t);
/* The table as a TSV file: the column names, then the rows (NaN for an
 * empty cell).  Return: 0, or -1 with errno. */
int table_write_tsv(const struct table *t, const char *path);

/*
 * Add @s to the list @v of @n strings unless it is there; *@at (if not
 * NULL) is its index.  Return: 0 or SIM_E_NOMEM (the list is unchanged).
 */
int label_add(char ***v, size_t *n, const char *s, size_t *at);
void free_list(char **v, size_t n);
/* Append @name to the space-separated list *@list. */
int list_append(char **list, const char *name);

/* A pivot: the mean of values by (row label, series label). */
struct pivot {
	size_t nrow, nser;
	char **row, **ser;
	double *sum;            /* nrow x PIVOT_MAX_SERIES, grown by rows */
	unsigned *cnt;
};

#define PIVOT_MAX_SERIES 256

/* Add @v at (@row, @ser); a series beyond PIVOT_MAX_SERIES is left out. */
int pivot_add(struct pivot *p, const char *row, const char *ser, double v);
/* The pivot as a table: first column @xcol, then one column per series. */
int pivot_table(const struct pivot *p, const char *xcol, struct table *t);
void pivot_free(struct pivot *p);

/* ---- the report ------------------------------------------------------------ */

struct chart {
	char *name;             /* file stem: data/NAME.tsv, charts/NAME.svg */
	const char *script;     /* results/plot/SCRIPT.gp */
	char *title, *xlabel, *ylabel, *desc;
	const char *xcol;       /* x / category column of the data */
	char *series;           /* space-separated series names */
	struct table data;
	bool svg, png;          /* images written */
};

struct report {
	const char *dir, *plotdir, *gnuplot;
	struct rd_set *set;
	bool want_svg, want_png;
	struct chart *charts;
	size_t ncharts;
	FILE *plotsh;
	int failed;             /* charts gnuplot did not draw */
	char nochart[2048];     /* why no chart is drawn, when charts were wanted */
	char what[256];         /* "N runs, W workloads, C configurations" */
	char plotdir_buf[PATH_MAX], gnuplot_buf[PATH_MAX];
};

/**
 * report_charts() - every chart the results call for, and one of each
 * column of @plots (--plot): its data in DIR/data, and (with rp->gnuplot)
 * its images.  Return: 0 or SIM_E_NOMEM.
 */
int report_charts(struct report *rp, char *const *plots, size_t nplots);

void chart_free(struct chart *c);

/**
 * report_find_tools() - find gnuplot and the chart scripts (see
 * find_plotdir()) and set rp->gnuplot and rp->plotdir.
 * Return: 0; 1 if either is missing: then rp->nochart says why (the tables
 * are written all the same) and so does a message on standard error.
 */
int report_find_tools(struct report *rp);

/**
 * report_open_plotsh() - start DIR/plot.sh, the script that redraws the
 * charts, in rp->plotsh.  Return: 0, or -1 (said so).
 */
int report_open_plotsh(struct report *rp);

/**
 * chart_draw() - draw one image of chart @c with gnuplot, in @fmt (svg or
 * png), and add the command to plot.sh.
 * Return: 0 drawn; 1 not drawn (said so, counted in rp->failed); SIM_E_NOMEM.
 */
int chart_draw(struct report *rp, struct chart *c, const char *fmt);

/**
 * report_write_docs() - index.html and report.md; @argv is the command
 * line that made the report.
 * Return: 0; 1 a write failed (said so); SIM_E_NOMEM.
 */
int report_write_docs(struct report *rp, char *const *argv);

#endif /* MMUSIM_RESULTS_REPORT_H */
