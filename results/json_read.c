/*
 * results/json_read.c - recursive-descent JSON reader (see results/json_read.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/json_read.h"

struct jp {
	const char *s, *end, *origin;
	const char *p;
	struct sim_error *err;
};

static void jp_pos(const struct jp *j, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (const char *q = j->s; q < j->p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int jp_fail(struct jp *j, const char *what)
{
	unsigned line, col;

	jp_pos(j, &line, &col);
	if (j->p >= j->end)
		return sim_error_set(j->err, SIM_E_PARSE, "%s:%u:%u: %s, got the end of the file",
				     j->origin, line, col, what);
	return sim_error_set(j->err, SIM_E_PARSE, "%s:%u:%u: %s, got '%c'", j->origin, line, col,
			     what, (unsigned char)*j->p >= 0x20 && (unsigned char)*j->p < 0x7f ? *j->p : '?');
}

static int jp_nomem(struct jp *j)
{
	return sim_error_set(j->err, SIM_E_NOMEM, "%s: out of memory", j->origin);
}

static void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int jp_hex4(struct jp *j, unsigned *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		int h = j->p < j->end ? hexval(*j->p) : -1;

		if (h < 0)
			return jp_fail(j, "expected four hex digits after \\u");
		*u = *u * 16 + (unsigned)h;
		j->p++;
	}
	return 0;
}

static void put_utf8(char *out, size_t *n, unsigned u)
{
	if (u < 0x80) {
		out[(*n)++] = (char)u;
	} else if (u < 0x800) {
		out[(*n)++] = (char)(0xc0 | (u >> 6));
		out[(*n)++] = (char)(0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (u >> 12));
		out[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (u & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (u >> 18));
		out[(*n)++] = (char)(0x80 | ((u >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (u & 0x3f));
	}
}

/* Parse a string at j->p (which is '"') into a new buffer. */
static int jp_string(struct jp *j, char **out)
{
	const char *q;
	size_t n = 0;
	char *buf;

	j->p++;
	/* the decoded string is never longer than the source */
	for (q = j->p; q < j->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	buf = malloc((size_t)(q - j->p) + 4);
	if (!buf)
		return jp_nomem(j);
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20) {
			free(buf);
			return jp_fail(j, "expected a character (control characters must be escaped)");
		}
		if (c != '\\') {
			buf[n++] = (char)c;
			j->p++;
			continue;
		}
		j->p++;
		if (j->p >= j->end)
			break;
		switch (*j->p++) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			unsigned u, lo;

			if (jp_hex4(j, &u)) {
				free(buf);
				return SIM_E_PARSE;
			}
			if (u >= 0xd800 && u < 0xdc00 && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				if (jp_hex4(j, &lo)) {
					free(buf);
					return SIM_E_PARSE;
				}
				if (lo >= 0xdc00 && lo < 0xe000)
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				else
					u = 0xfffd;
			} else if (u >= 0xd800 && u < 0xe000) {
				u = 0xfffd;
			}
			/* \uXXXX is 6 source bytes, at most 4 output bytes */
			put_utf8(buf, &n, u);
			break;
		}
		default:
			j->p--;
			free(buf);
			return jp_fail(j, "expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
		}
	}
	if (j->p >= j->end) {
		free(buf);
		return jp_fail(j, "expected '\"' closing the string");
	}
	j->p++;
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int jp_number(struct jp *j, struct json_value *v)
{
	const char *start = j->p;
	char *endp;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0') {
		j->p++;
	} else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	} else {
		return jp_fail(j, "expected a digit");
	}
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return jp_fail(j, "expected a digit after '.'");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return jp_fail(j, "expected a digit in the exponent");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	v->type = JSON_NUMBER;
	v->text = strndup(start, (size_t)(j->p - start));
	if (!v->text)
		return jp_nomem(j);
	v->num = strtod(v->text, &endp);
	return 0;
}

static int jp_value(struct jp *j, struct json_value *v, unsigned depth);

/* Append an empty member to an array or object value. */
static struct json_value *jp_grow(struct json_value *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct json_value *ni = realloc(v->items, nc * sizeof(*ni));

		if (!ni)
			return NULL;
		v->items = ni;
		if (v->type == JSON_OBJECT) {
			char **nk = realloc(v->keys, nc * sizeof(*nk));

			if (!nk)
				return NULL;
			v->keys = nk;
		}
		*cap = nc;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->type == JSON_OBJECT)
		v->keys[v->n] = NULL;
	return &v->items[v->n++];
}

static int jp_container(struct jp *j, struct json_value *v, unsigned depth)
{
	bool obj = *j->p == '{';
	char close = obj ? '}' : ']';
	size_t cap = 0;
	int rc;

	if (depth >= JSON_MAX_DEPTH)
		return jp_fail(j, "nesting too deep: expected a simpler value");
	v->type = obj ? JSON_OBJECT : JSON_ARRAY;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		struct json_value *m;

		jp_ws(j);
		m = jp_grow(v, &cap);
		if (!m)
			return jp_nomem(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return jp_fail(j, "expected '\"' starting a member name");
			rc = jp_string(j, &v->keys[v->n - 1]);
			if (rc)
				return rc;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return jp_fail(j, "expected ':' after the member name");
			j->p++;
		}
		rc = jp_value(j, m, depth + 1);
		if (rc)
			return rc;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		return jp_fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int jp_literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return jp_fail(j, "expected a value");
	j->p += n;
	return 0;
}

static int jp_value(struct jp *j, struct json_value *v, unsigned depth)
{
	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "expected a value");
	switch (*j->p) {
	case '{':
	case '[':
		return jp_container(j, v, depth);
	case '"':
		v->type = JSON_STRING;
		return jp_string(j, &v->text);
	case 't':
		v->type = JSON_BOOL;
		v->b = true;
		return jp_literal(j, "true");
	case 'f':
		v->type = JSON_BOOL;
		return jp_literal(j, "false");
	case 'n':
		v->type = JSON_NULL;
		return jp_literal(j, "null");
	default:
		return jp_number(j, v);
	}
}

static void json_clear(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	json_clear(v);
	free(v);
}

int json_parse(const char *text, size_t len, const char *origin,
	       struct json_value **out, struct sim_error *err)
{
	struct jp j = { .s = text, .end = text + len, .origin = origin, .p = text, .err = err };
	struct json_value *v = calloc(1, sizeof(*v));
	int rc;

	*out = NULL;
	if (!v)
		return jp_nomem(&j);
	rc = jp_value(&j, v, 0);
	if (!rc) {
		jp_ws(&j);
		if (j.p < j.end)
			rc = jp_fail(&j, "expected the end of the document");
	}
	if (rc) {
		json_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->keys[i] && !strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}
