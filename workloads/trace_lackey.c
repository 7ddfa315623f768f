/*
 * workloads/trace_lackey.c - parser for Valgrind lackey memory traces
 * (valgrind --tool=lackey --trace-mem=yes), as printed by lackey:
 *
 *     I  0400d7d4,8        instruction fetch of 8 bytes
 *      L 04222cac,8        load
 *      S 04222cac,8        store
 *      M 0421c7f0,4        modify: a load then a store of the same bytes
 *
 * Semantic choices:
 *   - An access line is 'I' followed by a blank, or a blank, one of L S M
 *     and a blank.  Any other line (==pid== banners, program output, blank
 *     lines) is ignored and counted.  An access line must then be exactly:
 *     blanks, 1-16 hex digits, ',', a decimal size 1..4294967295, optional
 *     trailing blanks or '\r'.  Anything else is an error naming file:line.
 *   - M yields two records (load, then store).  Every record is on cpu 0:
 *     lackey serialises threads and does not say which one ran.
 *   - A last line without a newline is still parsed.
 *   - Text that is not lackey output is refused when the reader opens, not
 *     replayed as an empty trace: the first access line must come within
 *     the first TRACE_LACKEY_PREFIX (1 MiB) decoded bytes, and must parse.
 *     The check reads only into the window, so nothing is consumed and
 *     standard input works; its message says what the text was instead (a
 *     lackey log without --trace-mem=yes, another Valgrind tool's log, an
 *     INI file, other text).  Later, any number of ignored lines may come
 *     between access lines (program output).
 *   - A NUL byte anywhere is an error: lackey writes text, and a run of
 *     zeros is binary data or a damaged file (a file system can leave a
 *     crashed writer's last blocks zero-filled).  Access lines reject it
 *     by their syntax, so only ignored lines pay for the check.
 *
 * Speed: the window is scanned in place; memchr() finds each line end and
 * the newline itself stops the digit loops, so no per-character bounds
 * checks or library number parsing run on the hot path.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace_impl.h"

/* Hex digit value plus one; 0 = not a hex digit. */
static const uint8_t hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Lackey letters after the leading blank: kind plus one; 'M' is marked 4. */
#define LK_MODIFY 4
static const uint8_t data_kind1[256] = {
	['L'] = TRACE_LOAD + 1,
	['S'] = TRACE_STORE + 1,
	['M'] = LK_MODIFY,
};

static inline bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Does the line at s (at least 3 readable bytes) start like an access? */
static inline bool access_prefix(const uint8_t *s)
{
	return (s[0] == 'I' && is_blank(s[1])) ||
	       (s[0] == ' ' && data_kind1[s[1]] != 0 && is_blank(s[2]));
}

static int line_error(struct trace_reader *r, int code, const char *what, uint8_t letter)
{
	r->failed = sim_error_set(&r->err, code, "%s:%" PRIu64 ": %s '%c' line: %s",
				  r->name, r->line, "malformed", letter, what);
	return code;
}

static int nul_error(struct trace_reader *r, uint64_t line)
{
	r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s:%" PRIu64 ": a NUL byte in the text: "
				  "binary data or a damaged file, not lackey output", r->name, line);
	return r->failed;
}

/*
 * Classifies and parses the line [s, nl), *nl == '\n'.  Return: 0 ignored,
 * 1 access (kind1 = kind + 1 or LK_MODIFY, va, size filled), <0 error.
 */
static inline int parse_line(struct trace_reader *r, const uint8_t *s, const uint8_t *nl,
			     unsigned *kind1, uint64_t *va, uint32_t *size)
{
	const uint8_t *q, *d0;
	uint64_t v, sz;
	unsigned k, h;
	uint8_t letter;

	if (s[0] == 'I' && is_blank(s[1])) {
		k = TRACE_FETCH + 1;
		q = s + 2;
	} else if (s[0] == ' ' && (k = data_kind1[s[1]]) != 0 && is_blank(s[2])) {
		q = s + 3;
	} else {
		return 0;
	}
	letter = q[-2];
	while (is_blank(*q))
		q++;
	v = 0;
	d0 = q;
	while ((h = hex1[*q]) != 0) {
		v = (v << 4) | (h - 1);
		q++;
	}
	if (q == d0)
		return line_error(r, SIM_E_PARSE, "expected a hexadecimal address", letter);
	if (q - d0 > 16)
		return line_error(r, SIM_E_PARSE, "address has more than 16 hex digits", letter);
	if (*q != ',')
		return line_error(r, SIM_E_PARSE, "expected ',' and a size after the address",
				  letter);
	d0 = ++q;
	sz = 0;
	while ((unsigned)(*q - '0') < 10) {
		sz = sz * 10 + (unsigned)(*q - '0');
		q++;
		if (q - d0 > 10)
			return line_error(r, SIM_E_PARSE, "size too large", letter);
	}
	if (q == d0)
		return line_error(r, SIM_E_PARSE, "expected a decimal size after ','", letter);
	if (sz == 0)
		return line_error(r, SIM_E_PARSE, "size must be at least 1", letter);
	if (sz > UINT32_MAX)
		return line_error(r, SIM_E_PARSE, "size too large", letter);
	while (is_blank(*q) || *q == '\r')
		q++;
	if (q != nl)
		return line_error(r, SIM_E_PARSE, "unexpected text after the size", letter);
	*kind1 = k;
	*va = v;
	*size = (uint32_t)sz;
	return 1;
}

/* Stores the records of one access line; returns how many slots it used. */
static inline size_t emit(struct trace_reader *r, struct trace_rec *out, size_t room,
			  unsigned kind1, uint64_t va, uint32_t size)
{
	if (kind1 != LK_MODIFY) {
		out[0] = trace_rec_access((enum trace_kind)(kind1 - 1), 0, va, size);
		return 1;
	}
	out[0] = trace_rec_access(TRACE_LOAD, 0, va, size);
	if (room >= 2) {
		out[1] = trace_rec_access(TRACE_STORE, 0, va, size);
		return 2;
	}
	r->pending = trace_rec_access(TRACE_STORE, 0, va, size);
	r->have_pending = true;
	return 1;
}

/* The input ended with an unterminated line [p, end): parse a copy ending
 * in '\n'.  Return: records stored (0 or more), or <0 error. */
static int last_line(struct trace_reader *r, const uint8_t *p, const uint8_t *end,
		     struct trace_rec *out, size_t room)
{
	size_t len = (size_t)(end - p);
	uint8_t *copy = malloc(len + 3);
	unsigned kind1;
	uint64_t va;
	uint32_t size;
	int rc;

	if (!copy) {
		r->failed = sim_error_set(&r->err, SIM_E_NOMEM, "%s: out of memory", r->name);
		return r->failed;
	}
	memcpy(copy, p, len);
	copy[len] = '\n';
	copy[len + 1] = copy[len + 2] = 0;
	r->line++;
	rc = parse_line(r, copy, copy + len, &kind1, &va, &size);
	free(copy);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (memchr(p, 0, len))
			return nul_error(r, r->line);
		r->ignored++;
		return 0;
	}
	return (int)emit(r, out, room, kind1, va, size);
}

int trace_lackey_read(struct trace_reader *r, struct trace_rec *recs, size_t max)
{
	struct trace_stream *s = &r->s;
	const uint8_t *p = s->p, *end = s->end;
	uint64_t line = r->line, ignored = r->ignored;
	size_t n = 0;
	int rc;

	if (r->have_pending) {
		recs[n++] = r->pending;
		r->have_pending = false;
	}
	while (n < max && !r->done) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		unsigned kind1;
		uint64_t va;
		uint32_t size;

		if (nl) {
			const uint8_t *start = p;

			line++;
			p = nl + 1;
			if (r->skipping) {      /* the end of an over-long ignored line */
				r->skipping = false;
				if (memchr(start, 0, (size_t)(nl - start))) {
					r->line = line;
					nul_error(r, line);
					break;
				}
				ignored++;
				continue;
			}
			r->line = line;
			rc = parse_line(r, start, nl, &kind1, &va, &size);
			if (rc == 1) {
				n += emit(r, recs + n, max - n, kind1, va, size);
			} else if (rc == 0) {
				if (memchr(start, 0, (size_t)(nl - start))) {
					nul_error(r, line);
					break;
				}
				ignored++;
			} else {
				break;
			}
			continue;
		}

		/* No complete line left in the window. */
		if (s->buf && (size_t)(end - p) >= s->cap) {
			/* A line fills the whole buffer: skip it if it is not an access. */
			if (!r->skipping && access_prefix(p)) {
				r->line = line + 1;
				r->failed = sim_error_set(&r->err, SIM_E_PARSE,
							  "%s:%" PRIu64 ": access line too long",
							  r->name, r->line);
				break;
			}
			r->skipping = true;
		}
		if (r->skipping) {
			if (memchr(p, 0, (size_t)(end - p))) {
				r->line = line + 1;
				nul_error(r, line + 1);
				break;
			}
			p = end;
		}
		s->p = p;
		rc = trace_stream_more(s);
		p = s->p;
		end = s->end;
		if (rc > 0)
			continue;
		if (rc < 0) {
			r->line = line;
			r->failed = sim_error_set(&r->err, rc, "%s:%" PRIu64 ": %s", r->name,
						  line + 1, s->why);
			break;
		}
		/* Clean end of input. */
		r->done = true;
		r->line = line;
		if (r->skipping) {
			r->line = ++line;
			ignored++;
		} else if (p != end) {
			r->ignored = ignored;
			rc = last_line(r, p, end, recs + n, max - n);
			line = r->line;
			ignored = r->ignored;
			if (rc < 0)
				break;
			n += (size_t)rc;
		}
		p = end;
	}
	s->p = p;
	if (!r->failed)
		r->line = line;
	r->ignored = ignored;
	return (int)n;
}

/* ------------------------------------------------------------------------ */
/* The check at open                                                         */

/* What the lines before the first access were, for the message if no access
 * comes. */
struct lk_survey {
	uint64_t lines;
	bool lackey;            /* lackey's banner or summary lines */
	bool valgrind;          /* ==PID== lines */
	char tool[24];          /* the tool named by another Valgrind banner */
	uint64_t ini_line;      /* the first INI section header, if any */
	char ini[48];
	uint64_t first_line;    /* the first line that is not blank */
	char first[48];
};

/* @dst = a printable excerpt of [s, e), "..." if cut. */
static void excerpt(char *dst, size_t cap, const uint8_t *s, const uint8_t *e)
{
	size_t n = 0;

	while (e > s && (e[-1] == '\r' || is_blank(e[-1])))
		e--;
	for (; s < e && n + 4 < cap; s++)
		dst[n++] = *s >= 0x20 && *s < 0x7f ? (char)*s : '?';
	if (s < e) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static bool starts(const uint8_t *s, const uint8_t *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) >= n && !memcmp(s, word, n);
}

/* The lines lackey itself writes: its banner and the summary of the counts
 * it prints at exit (--basic-counts=yes, its default). */
static bool lackey_own_line(const uint8_t *s, const uint8_t *e)
{
	static const char *const own[] = {
		"Lackey, an example Valgrind tool", "Counted ", "Jccs:", "Executed:",
		"SBs entered:", "guest instrs:", "IRStmts:", "Exit code:",
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (starts(s, e, own[i]))
			return true;
	return false;
}

/* Takes note of the ignored line [s, e), line number @line. */
static void survey(struct lk_survey *sv, const uint8_t *s, const uint8_t *e, uint64_t line)
{
	const uint8_t *q = s, *t;

	while (q < e && (is_blank(*q) || *q == '\r'))
		q++;
	if (q == e)
		return;
	if (!sv->first_line) {
		sv->first_line = line;
		excerpt(sv->first, sizeof(sv->first), q, e);
	}
	/* Valgrind's "==PID== text" */
	if (e - s >= 5 && s[0] == '=' && s[1] == '=' && (unsigned)(s[2] - '0') < 10) {
		for (t = s + 2; t < e && (unsigned)(*t - '0') < 10; t++)
			;
		if (e - t >= 2 && t[0] == '=' && t[1] == '=') {
			sv->valgrind = true;
			for (t += 2; t < e && is_blank(*t); t++)
				;
			if (lackey_own_line(t, e)) {
				sv->lackey = true;
			} else if (!sv->tool[0] && t < e && *t >= 'A' && *t <= 'Z') {
				/* another tool's banner: "Memcheck, a memory error detector" */
				const uint8_t *w = t;

				while (w < e && ((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z')))
					w++;
				if (w < e && *w == ',' && (size_t)(w - t) < sizeof(sv->tool))
					excerpt(sv->tool, sizeof(sv->tool), t, w);
			}
			return;
		}
	}
	if (!sv->ini_line && *q == '[') {
		t = e;
		while (t > q && (t[-1] == '\r' || is_blank(t[-1])))
			t--;
		if (t - q >= 3 && t[-1] == ']') {
			sv->ini_line = line;
			excerpt(sv->ini, sizeof(sv->ini), q, t);
		}
	}
}

/*
 * Examines the line [s, nl), *nl == '\n', number @line.  Return: 1 an
 * access line that parses, 0 an ignored line, <0 a malformed access line.
 */
static int start_line(struct trace_reader *r, struct lk_survey *sv, const uint8_t *s,
		      const uint8_t *nl, uint64_t line)
{
	unsigned kind1;
	uint64_t va;
	uint32_t size;
	int rc;

	sv->lines = line;
	r->line = line;         /* for parse_line()'s message */
	rc = parse_line(r, s, nl, &kind1, &va, &size);
	r->line = 0;
	if (rc == 0)
		survey(sv, s, nl, line);
	return rc;
}

/* A NUL byte at @z in the window, before any access line. */
static int binary(struct trace_reader *r, const uint8_t *z)
{
	const struct trace_stream *s = &r->s;

	r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: binary data, not a trace (a NUL byte "
				  "at byte %" PRIu64 "%s): expected Valgrind lackey text or an "
				  "mmusim native trace", r->name, trace_stream_off(s, z),
				  s->comp == TRACE_COMP_NONE ? "" : s->comp == TRACE_COMP_GZIP ?
				  " of the gunzipped input" : " of the decompressed zstd input");
	return r->failed;
}

/* No access line in the first @lines lines (the first 1 MiB if @bounded). */
static int no_access(struct trace_reader *r, const struct lk_survey *sv, bool bounded)
{
	static const char expected[] = "expected Valgrind lackey output (valgrind --tool=lackey "
		"--trace-mem=yes) or an mmusim native trace";
	char where[96];

	if (bounded)
		snprintf(where, sizeof(where), "in the first %u MiB (%" PRIu64 " complete lines)",
			 TRACE_LACKEY_PREFIX >> 20, sv->lines);
	else
		snprintf(where, sizeof(where), "in %" PRIu64 " line%s", sv->lines,
			 sv->lines == 1 ? "" : "s");
	if (sv->lackey)
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: Valgrind lackey output without "
					  "a memory access %s: recorded without --trace-mem=yes?",
					  r->name, where);
	else if (sv->tool[0])
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: Valgrind %s output, not a memory "
					  "trace: expected the output of valgrind --tool=lackey "
					  "--trace-mem=yes", r->name, sv->tool);
	else if (sv->valgrind)
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: Valgrind output without a "
					  "memory access %s: expected the output of valgrind "
					  "--tool=lackey --trace-mem=yes", r->name, where);
	else if (sv->ini_line)
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: no trace record %s of an INI "
					  "file (line %" PRIu64 ": '%s'; a workload or a "
					  "configuration?): %s", r->name, where, sv->ini_line,
					  sv->ini, expected);
	else if (sv->first_line)
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: no trace record %s of text "
					  "(line %" PRIu64 ": '%s'): %s", r->name, where,
					  sv->first_line, sv->first, expected);
	else
		r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: no trace record %s, all blank: "
					  "%s", r->name, where, expected);
	return r->failed;
}

/*
 * trace_lackey_start() - check that the input is lackey text: its first
 * access line comes within TRACE_LACKEY_PREFIX decoded bytes and parses,
 * and no NUL byte comes before it.  Reads into the window without consuming
 * anything, so trace_lackey_read() then parses from the first byte.
 * Return: 0, or a negative enum sim_err with r->err filled.
 */
int trace_lackey_start(struct trace_reader *r)
{
	struct trace_stream *s = &r->s;
	struct lk_survey sv;
	size_t lined = 0, nul_free = 0;         /* offsets from s->p checked so far */
	uint64_t line = 0;
	bool eof = !s->buf;                     /* a memory source is all there */
	const uint8_t *z;
	int rc;

	memset(&sv, 0, sizeof(sv));
	for (;;) {
		size_t avail = (size_t)(s->end - s->p);
		size_t lim = avail < TRACE_LACKEY_PREFIX ? avail : TRACE_LACKEY_PREFIX;

		while (lined < lim) {
			const uint8_t *l = s->p + lined, *nl = memchr(l, '\n', lim - lined);

			if (!nl)
				break;
			if ((z = memchr(l, 0, (size_t)(nl - l))))
				return binary(r, z);
			rc = start_line(r, &sv, l, nl, ++line);
			if (rc)
				return rc < 0 ? rc : 0;
			lined = (size_t)(nl + 1 - s->p);
		}
		/* the line not yet complete: binary data shows without its end */
		if (nul_free < lined)
			nul_free = lined;
		if ((z = memchr(s->p + nul_free, 0, lim - nul_free)))
			return binary(r, z);
		nul_free = lim;
		if (lim == TRACE_LACKEY_PREFIX) {
			if (lined < lim)        /* describe the line cut at the bound too */
				survey(&sv, s->p + lined, s->p + lim, line + 1);
			return no_access(r, &sv, true);
		}
		if (eof) {
			if (lined < avail) {    /* a last line without a newline */
				size_t len = avail - lined;
				uint8_t *copy = malloc(len + 3);

				if (!copy)
					return r->failed = sim_error_set(&r->err, SIM_E_NOMEM,
									 "%s: out of memory", r->name);
				memcpy(copy, s->p + lined, len);
				copy[len] = '\n';
				copy[len + 1] = copy[len + 2] = 0;
				rc = start_line(r, &sv, copy, copy + len, ++line);
				free(copy);
				if (rc)
					return rc < 0 ? rc : 0;
			}
			return no_access(r, &sv, false);
		}
		rc = trace_stream_more(s);
		if (rc < 0)
			return r->failed = sim_error_set(&r->err, rc, "%s:%" PRIu64 ": %s", r->name,
							 line + 1, s->why);
		if (rc == 0)
			eof = true;
	}
}
