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
 *
 * Speed: the window is scanned in place; memchr() finds each line end and
 * the newline itself stops the digit loops, so no per-character bounds
 * checks or library number parsing run on the hot path.
 */
#include "autoconfig.h"

#include <inttypes.h>
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
			line++;
			if (r->skipping) {      /* the end of an over-long ignored line */
				r->skipping = false;
				ignored++;
				p = nl + 1;
				continue;
			}
			r->line = line;
			rc = parse_line(r, p, nl, &kind1, &va, &size);
			p = nl + 1;
			if (rc == 1)
				n += emit(r, recs + n, max - n, kind1, va, size);
			else if (rc == 0)
				ignored++;
			else
				break;
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
			p = end;
		}
		if (r->skipping)
			p = end;
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
