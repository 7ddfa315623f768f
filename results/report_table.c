/*
 * results/report_table.c - the tables of `mmusim report`: text cells with
 * named columns (each chart's data file and every table of the report),
 * label lists, and the pivot that averages values by row and series
 * labels.  See results/report.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/report.h"

/* ---- small helpers -------------------------------------------------------- */

/* realloc() that never asks for 0 bytes (whose NULL would mean nothing). */
void *grow(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

/* A series or column name gnuplot can take in a word list: no blanks or
 * quotes.  NULL when out of memory. */
char *series_name(const char *s)
{
	char *d = strdup(*s ? s : "none");

	for (char *p = d; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.+=:/-,@%", *p)))
			*p = '_';
	return d;
}

/* A category label: anything but tabs and newlines.  NULL when out of memory. */
static char *cat_name(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return d;
}

/* ---- tables --------------------------------------------------------------- */

int table_init(struct table *t, size_t ncol)
{
	memset(t, 0, sizeof(*t));
	t->col = calloc(ncol ? ncol : 1, sizeof(char *));
	if (!t->col)
		return SIM_E_NOMEM;
	t->ncol = ncol;
	return 0;
}

/* Name column @col @name (a new string, taken over; NULL is out of memory). */
int table_name(struct table *t, size_t col, char *name)
{
	if (!name)
		return SIM_E_NOMEM;
	free(t->col[col]);
	t->col[col] = name;
	return 0;
}

int table_add_row(struct table *t)
{
	char **c = grow(t->cell, (t->nrow + 1) * t->ncol * sizeof(char *));

	if (!c)
		return SIM_E_NOMEM;
	t->cell = c;
	for (size_t i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = NULL;
	t->nrow++;
	return 0;
}

int table_set(struct table *t, size_t row, size_t col, const char *v)
{
	char **c = &t->cell[row * t->ncol + col], *d = strdup(v);

	if (!d)
		return SIM_E_NOMEM;
	free(*c);
	*c = d;
	return 0;
}

int table_setf(struct table *t, size_t row, size_t col, double v)
{
	char buf[64];

	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else
		snprintf(buf, sizeof(buf), "%.6g", v);
	return table_set(t, row, col, buf);
}

const char *table_get(const struct table *t, size_t row, size_t col)
{
	const char *c = t->cell[row * t->ncol + col];

	return c ? c : "";
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->ncol; i++)
		free(t->col[i]);
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->col);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

int table_write_tsv(const struct table *t, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t c = 0; c < t->ncol; c++)
		fprintf(f, "%s%s", c ? "\t" : "", t->col[c] ? t->col[c] : "");
	fputc('\n', f);
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t c = 0; c < t->ncol; c++) {
			const char *v = table_get(t, r, c);

			fprintf(f, "%s%s", c ? "\t" : "", *v ? v : "NaN");
		}
		fputc('\n', f);
	}
	return fclose(f) ? -1 : 0;
}

/* ---- label lists ---------------------------------------------------------- */

/*
 * Add @s to the list @v of @n strings unless it is there; *@at (if not
 * NULL) is its index.  Return: 0 or SIM_E_NOMEM (the list is unchanged).
 */
int label_add(char ***v, size_t *n, const char *s, size_t *at)
{
	char **nv, *d;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s)) {
			if (at)
				*at = i;
			return 0;
		}
	d = strdup(s);
	nv = d ? grow(*v, (*n + 1) * sizeof(char *)) : NULL;
	if (!nv) {
		free(d);
		return SIM_E_NOMEM;
	}
	*v = nv;
	(*v)[*n] = d;
	if (at)
		*at = *n;
	(*n)++;
	return 0;
}

void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Append @name to the space-separated list *@list. */
int list_append(char **list, const char *name)
{
	size_t n = *list ? strlen(*list) : 0;
	char *l = grow(*list, n + strlen(name) + 2);

	if (!l)
		return SIM_E_NOMEM;
	if (n)
		l[n++] = ' ';
	strcpy(l + n, name);
	*list = l;
	return 0;
}

/* ---- a pivot: mean of values by (row label, series label) ---------------- */

int pivot_add(struct pivot *p, const char *row, const char *ser, double v)
{
	size_t r, s;

	for (r = 0; r < p->nrow && strcmp(p->row[r], row); r++)
		;
	if (r == p->nrow) {
		/* a new row: room for its sums first, so a failure changes nothing */
		size_t n = (p->nrow + 1) * PIVOT_MAX_SERIES;
		double *sum = grow(p->sum, n * sizeof(double));
		unsigned *cnt;

		if (!sum)
			return SIM_E_NOMEM;
		p->sum = sum;
		cnt = grow(p->cnt, n * sizeof(unsigned));
		if (!cnt)
			return SIM_E_NOMEM;
		p->cnt = cnt;
		if (label_add(&p->row, &p->nrow, row, &r))
			return SIM_E_NOMEM;
		for (size_t i = 0; i < PIVOT_MAX_SERIES; i++) {
			p->sum[r * PIVOT_MAX_SERIES + i] = 0;
			p->cnt[r * PIVOT_MAX_SERIES + i] = 0;
		}
	}
	for (s = 0; s < p->nser && strcmp(p->ser[s], ser); s++)
		;
	if (s == p->nser) {
		if (p->nser == PIVOT_MAX_SERIES)
			return 0;       /* too many series to draw anyway */
		if (label_add(&p->ser, &p->nser, ser, &s))
			return SIM_E_NOMEM;
	}
	p->sum[r * PIVOT_MAX_SERIES + s] += v;
	p->cnt[r * PIVOT_MAX_SERIES + s]++;
	return 0;
}

/* The pivot as a table: first column @xcol, then one column per series. */
int pivot_table(const struct pivot *p, const char *xcol, struct table *t)
{
	if (table_init(t, p->nser + 1) || table_name(t, 0, strdup(xcol)))
		return SIM_E_NOMEM;
	for (size_t s = 0; s < p->nser; s++)
		if (table_name(t, s + 1, series_name(p->ser[s])))
			return SIM_E_NOMEM;
	for (size_t r = 0; r < p->nrow; r++) {
		char *lab = cat_name(p->row[r]);
		int rc = lab && !table_add_row(t) ? table_set(t, r, 0, lab) : SIM_E_NOMEM;

		free(lab);
		if (rc)
			return rc;
		for (size_t s = 0; s < p->nser; s++) {
			unsigned c = p->cnt[r * PIVOT_MAX_SERIES + s];

			if (table_setf(t, r, s + 1, c ? p->sum[r * PIVOT_MAX_SERIES + s] / c : NAN))
				return SIM_E_NOMEM;
		}
	}
	return 0;
}

void pivot_free(struct pivot *p)
{
	free_list(p->row, p->nrow);
	free_list(p->ser, p->nser);
	free(p->sum);
	free(p->cnt);
	memset(p, 0, sizeof(*p));
}

