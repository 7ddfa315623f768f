/*
 * results/csv.c - CSV fields, records and the append rule (see results/csv.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/csv.h"
#include "sim/readfile.h"

/* Write @s to @f as one field (no separator). */
static void csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void csv_put_row(FILE *f, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		csv_put(f, cells[i] ? cells[i] : "");
	}
	fputc('\n', f);
}

void csv_col(struct csv_cols *c, const char *name, const char *value)
{
	if (c->oom)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		char **nn = realloc(c->name, cap * sizeof(*nn)), **nv;

		if (!nn) {
			c->oom = true;
			return;
		}
		c->name = nn;
		nv = realloc(c->value, cap * sizeof(*nv));
		if (!nv) {
			c->oom = true;
			return;
		}
		c->value = nv;
		c->cap = cap;
	}
	c->name[c->n] = strdup(name);
	c->value[c->n] = strdup(value);
	if (!c->name[c->n] || !c->value[c->n]) {
		free(c->name[c->n]);
		free(c->value[c->n]);
		c->oom = true;
		return;
	}
	c->n++;
}

void csv_cols_free(struct csv_cols *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->value[i]);
	}
	free(c->name);
	free(c->value);
	memset(c, 0, sizeof(*c));
}

void csv_fields_free(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	free(fields);
}

int csv_record(const char **p, const char *end, char ***fields, size_t *nf, unsigned *line)
{
	size_t cap = 0;
	char **fv = NULL;
	int rc = SIM_E_PARSE;

	*nf = 0;
	for (;;) {
		const char *s = *p, *q;
		char *out, **nfv;
		size_t n = 0;

		/* the field's length bounds its decoded length */
		if (s < end && *s == '"')
			for (q = s + 1; q < end && (*q != '"' || (q + 1 < end && q[1] == '"')); q++)
				q += *q == '"';
		else
			for (q = s; q < end && *q != ',' && *q != '\n' && *q != '\r'; q++)
				;
		out = malloc((size_t)(q - s) + 1);
		if (!out)
			goto nomem;
		if (s < end && *s == '"') {
			s++;
			for (;;) {
				if (s >= end) {
					free(out);
					goto fail;
				}
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						out[n++] = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					(*line)++;
				out[n++] = *s++;
			}
		} else {
			while (s < end && *s != ',' && *s != '\n' && *s != '\r')
				out[n++] = *s++;
		}
		out[n] = '\0';
		if (*nf == cap) {
			cap = cap ? cap * 2 : 64;
			nfv = realloc(fv, cap * sizeof(*nfv));
			if (!nfv) {
				free(out);
				goto nomem;
			}
			fv = nfv;
		}
		fv[(*nf)++] = out;
		if (s < end && *s == ',') {
			*p = s + 1;
			continue;
		}
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s != '\n')
			goto fail;
		*p = s < end ? s + 1 : s;
		(*line)++;
		*fields = fv;
		return 0;
	}
nomem:
	rc = SIM_E_NOMEM;
fail:
	csv_fields_free(fv, *nf);
	*nf = 0;
	return rc;
}

/* ---- appending ------------------------------------------------------------ */

/* Read from @fd at offset 0: the first record (up to an unquoted newline),
 * or the whole file with @whole.  *@len is what was read. */
static int read_start(int fd, bool whole, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	bool quoted = false;
	char *b = NULL;

	for (;;) {
		ssize_t got;

		if (cap - n < 65536) {
			char *nb = realloc(b, cap + 65536 + 1);

			if (!nb) {
				free(b);
				return SIM_E_NOMEM;
			}
			b = nb;
			cap += 65536;
		}
		got = pread(fd, b + n, cap - n, (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(b);
			return SIM_E_IO;
		}
		if (!got)
			break;
		if (!whole) {
			for (size_t i = n; i < n + (size_t)got; i++) {
				if (b[i] == '"')
					quoted = !quoted;
				else if (b[i] == '\n' && !quoted) {
					n = i + 1;
					goto done;
				}
			}
		}
		n += (size_t)got;
	}
done:
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* Close a memory stream: 0, or -1 if any write to it failed. */
static int mem_close(FILE *f)
{
	bool bad = ferror(f);

	return fclose(f) || bad ? -1 : 0;
}

struct append {
	const char *path;
	int fd;
	struct stat st;
	char **head;            /* the file's header */
	size_t nh;
	long *pos;              /* column of the row -> column of the header, or -1 */
	size_t nnew;            /* columns of the row not in the header */
	struct sim_error *err;
};

/* Open and lock @path, the file that is at @path once the lock is held. */
static int open_locked(struct append *a)
{
	for (unsigned tries = 0;; tries++) {
		struct stat now;

		a->fd = open(a->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (a->fd < 0)
			return sim_error_set(a->err, SIM_E_IO, "%s: cannot open for appending: %s",
					     a->path, strerror(errno));
		while (flock(a->fd, LOCK_EX))
			if (errno != EINTR)
				return sim_error_set(a->err, SIM_E_IO, "%s: cannot lock: %s",
						     a->path, strerror(errno));
		if (fstat(a->fd, &a->st))
			return sim_error_set(a->err, SIM_E_IO, "%s: %s", a->path, strerror(errno));
		if (!stat(a->path, &now) && now.st_dev == a->st.st_dev && now.st_ino == a->st.st_ino)
			return 0;
		/* another run replaced the file while we waited: lock the new one */
		close(a->fd);
		a->fd = -1;
		if (tries == 1000)
			return sim_error_set(a->err, SIM_E_IO, "%s: keeps being replaced; not "
					     "appending", a->path);
	}
}

/* Write the whole file anew: the union of the columns, then the row. */
static int rewrite(struct append *a, const char *const *names, const char *const *values,
		   size_t n)
{
	char *old = NULL, *text = NULL, **f = NULL;
	const char *p, *end;
	size_t len, tlen = 0, nf;
	unsigned line = 1, at;
	FILE *mf;
	int rc;

	rc = read_start(a->fd, true, &old, &len);
	if (rc)
		return sim_error_set(a->err, rc, "%s: %s", a->path,
				     rc == SIM_E_NOMEM ? "out of memory" : strerror(errno));
	mf = open_memstream(&text, &tlen);
	if (!mf) {
		free(old);
		return sim_error_set(a->err, SIM_E_NOMEM, "%s: out of memory", a->path);
	}
	p = old;
	end = old + len;
	rc = csv_record(&p, end, &f, &nf, &line);       /* the header, as parsed before */
	if (rc)
		rc = sim_error_set(a->err, rc == SIM_E_NOMEM ? SIM_E_NOMEM : SIM_E_CONFIG,
				   "%s:1: %s; not appending", a->path, rc == SIM_E_NOMEM ?
				   "out of memory" : "malformed CSV header");
	if (!rc) {
		const char **head = calloc(a->nh + a->nnew + 1, sizeof(*head));
		size_t k = a->nh;

		csv_fields_free(f, nf);
		if (!head) {
			rc = sim_error_set(a->err, SIM_E_NOMEM, "%s: out of memory", a->path);
		} else {
			/* the file's columns, then the row's new ones */
			memcpy(head, a->head, a->nh * sizeof(*head));
			for (size_t i = 0; i < n; i++)
				if (a->pos[i] < 0)
					head[k++] = names[i];
			csv_put_row(mf, head, k);
			free(head);
		}
	}
	while (!rc && p < end) {
		const char *start = p, *stop;

		at = line;
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			p += *p == '\r' ? 2 : 1;        /* an empty line holds no row */
			line++;
			continue;
		}
		rc = csv_record(&p, end, &f, &nf, &line);
		if (rc) {
			rc = sim_error_set(a->err, rc == SIM_E_NOMEM ? SIM_E_NOMEM : SIM_E_CONFIG,
					   "%s:%u: %s; not appending", a->path, at,
					   rc == SIM_E_NOMEM ? "out of memory" : "malformed CSV record");
			break;
		}
		csv_fields_free(f, nf);
		if (nf != a->nh) {
			rc = sim_error_set(a->err, SIM_E_CONFIG, "%s:%u: %zu fields, the header has "
					   "%zu; not appending", a->path, at, nf, a->nh);
			break;
		}
		/* the row's own text, then empty cells in the new columns */
		stop = p;
		if (stop > start && stop[-1] == '\n')
			stop--;
		if (stop > start && stop[-1] == '\r')
			stop--;
		fwrite(start, 1, (size_t)(stop - start), mf);
		for (size_t i = 0; i < a->nnew; i++)
			fputc(',', mf);
		fputc('\n', mf);
	}
	if (!rc) {
		const char **cells = calloc(a->nh + a->nnew + 1, sizeof(*cells));
		size_t k = a->nh;

		if (!cells) {
			rc = sim_error_set(a->err, SIM_E_NOMEM, "%s: out of memory", a->path);
		} else {
			for (size_t i = 0; i < n; i++)
				cells[a->pos[i] >= 0 ? (size_t)a->pos[i] : k++] = values[i];
			csv_put_row(mf, cells, a->nh + a->nnew);
			free(cells);
		}
	}
	if (mem_close(mf) && !rc)
		rc = sim_error_set(a->err, SIM_E_NOMEM, "%s: out of memory", a->path);
	if (!rc)
		rc = sim_write_file_atomic(a->path, text, tlen, (unsigned)(a->st.st_mode & 07777),
					   a->err);
	free(text);
	free(old);
	return rc;
}

/* Write @text at the end of the file; on a short write, cut it back. */
static int append_text(struct append *a, const char *text, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(a->fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;

			if (ftruncate(a->fd, a->st.st_size)) {
				/* nothing more to do: the next append will see the cut row */
			}
			return sim_error_set(a->err, SIM_E_IO, "%s: write failed: %s", a->path,
					     strerror(e));
		}
		done += (size_t)w;
	}
	return 0;
}

int csv_append(const char *path, const char *const *names, const char *const *values,
	       size_t n, struct sim_error *err)
{
	struct append a = { .path = path, .fd = -1, .err = err };
	char *buf = NULL, *text = NULL;
	const char **cells = NULL;
	size_t len, tlen = 0;
	unsigned line = 1;
	FILE *mf;
	int rc;

	rc = open_locked(&a);
	if (rc)
		goto out;
	if (a.st.st_size == 0) {
		/* a new file: the header, then the row */
		mf = open_memstream(&text, &tlen);
		if (mf) {
			csv_put_row(mf, names, n);
			csv_put_row(mf, values, n);
		}
		if (!mf || mem_close(mf)) {
			rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
			goto out;
		}
		rc = append_text(&a, text, tlen);
		goto out;
	}
	{
		char last;

		if (pread(a.fd, &last, 1, a.st.st_size - 1) != 1 || last != '\n') {
			rc = sim_error_set(err, SIM_E_CONFIG, "%s: does not end with a newline "
					   "(an interrupted write?); not appending", path);
			goto out;
		}
	}
	rc = read_start(a.fd, false, &buf, &len);
	if (rc) {
		rc = sim_error_set(err, rc, "%s: cannot read the header: %s", path,
				   rc == SIM_E_NOMEM ? "out of memory" : strerror(errno));
		goto out;
	}
	{
		const char *p = buf;

		rc = csv_record(&p, buf + len, &a.head, &a.nh, &line);
	}
	if (rc == SIM_E_NOMEM) {
		rc = sim_error_set(err, rc, "%s: out of memory", path);
		goto out;
	}
	if (rc || !a.nh || strcmp(a.head[0], "mmusim_version")) {
		rc = sim_error_set(err, SIM_E_CONFIG, "%s:1: not a CSV of mmusim results (the "
				   "first column is not mmusim_version); not appending", path);
		goto out;
	}
	a.pos = malloc((n ? n : 1) * sizeof(*a.pos));
	cells = calloc(a.nh + 1, sizeof(*cells));
	if (!a.pos || !cells) {
		rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < a.nh && strcmp(a.head[j], names[i]); j++)
			;
		a.pos[i] = j < a.nh ? (long)j : -1;
		if (j < a.nh)
			cells[j] = values[i];
		else
			a.nnew++;
	}
	if (a.nnew) {
		rc = rewrite(&a, names, values, n);
		goto out;
	}
	mf = open_memstream(&text, &tlen);
	if (mf)
		csv_put_row(mf, cells, a.nh);
	if (!mf || mem_close(mf)) {
		rc = sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = append_text(&a, text, tlen);
out:
	if (a.fd >= 0 && close(a.fd) && !rc)
		rc = sim_error_set(err, SIM_E_IO, "%s: close failed: %s", path, strerror(errno));
	if (a.head)
		csv_fields_free(a.head, a.nh);
	free(a.pos);
	free(cells);
	free(buf);
	free(text);
	return rc;
}
