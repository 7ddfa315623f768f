/*
 * results/csv.h - CSV for result files: RFC 4180 fields, records, and the
 * append of one result row to a file whose columns may differ from it.
 *
 * Every CSV mmusim writes goes through csv_put_row() (the emitters, the
 * compare table, the sweep's merge and the report's results.csv), and every
 * CSV it reads through csv_record(), so quoting is the same everywhere: a
 * field is quoted only if it holds a comma, a quote, CR or LF, and quotes
 * double inside.  A row is built as a list of named columns (struct
 * csv_cols), whose names are the header.
 *
 * Appending (csv_append(), the rule results/SCHEMA.md documents): a row
 * goes into a file of rows of other runs whatever columns either has.
 *  - A new or empty file gets the row's columns as its header, then the row.
 *  - If every column of the row is in the file's header, the row is
 *    appended in the header's order, with empty cells in the columns the
 *    row lacks.  Nothing else in the file changes.
 *  - Otherwise the file is rewritten, atomically (a new file beside it,
 *    renamed over it), with the union of the columns: the file's columns in
 *    their order, then the row's new ones in the row's order.  Every row
 *    already there keeps its text and gets empty cells in the new columns;
 *    then the new row follows.
 * An empty cell is a value the run does not have (a TLB level of another
 * name, a ratio of nothing).  The file is locked (flock) from the read of
 * its header to the end of the write, so runs appending at once lose no row.
 * A file that is not a CSV of results (its first column is not
 * mmusim_version), is cut inside a row, or has a row with the wrong number
 * of fields is left as it is and the append is an error.
 */
#ifndef MMUSIM_RESULTS_CSV_H
#define MMUSIM_RESULTS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/err.h"

/* csv_put_row() - write the @n fields @cells (NULL: an empty field) to @f
 * as one record, with its newline. */
void csv_put_row(FILE *f, const char *const *cells, size_t n);

/* The columns of one row: names and values, new strings, in order. */
struct csv_cols {
	char **name, **value;
	size_t n, cap;
	bool oom;               /* an allocation failed: the row is incomplete */
};

/* csv_col() - add the column @name = @value to @c (nothing once @c->oom). */
void csv_col(struct csv_cols *c, const char *name, const char *value);

/* csv_cols_free() - release the columns of @c and empty it. */
void csv_cols_free(struct csv_cols *c);

/**
 * csv_record() - split the record that starts at *@p (before @end) into
 * new strings.
 * @fields, @nf: the fields (free with csv_fields_free())
 * @line:        incremented for every newline consumed (also in quotes)
 * On return *@p is past the record's newline.
 * Return: 0, SIM_E_PARSE (an unclosed quote, text after a closing quote)
 * or SIM_E_NOMEM; on error nothing is allocated.
 */
int csv_record(const char **p, const char *end, char ***fields, size_t *nf, unsigned *line);

void csv_fields_free(char **fields, size_t n);

/**
 * csv_append() - append one row (@n columns @names with @values) to the
 * file @path by the rule above.
 * Return: 0; SIM_E_CONFIG for a file that is not a CSV of results, is cut
 * inside a row or has a malformed row (the message names the file and the
 * line; the file is left as it is); SIM_E_IO, SIM_E_NOMEM.
 */
int csv_append(const char *path, const char *const *names, const char *const *values,
	       size_t n, struct sim_error *err);

#endif /* MMUSIM_RESULTS_CSV_H */
