/*
 * sim/ini.c - the INI reader; the syntax is in sim/ini.h.
 *
 * The text is read from memory, one line at a time into a buffer of
 * INI_LINE_MAX characters, so a line's length, a NUL byte and the line
 * number are known exactly (libinih, which the configuration used before,
 * truncates at a NUL byte, folds indented lines into the previous value and
 * is built without line numbers on Debian).
 */
#include "sim/ini.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/readfile.h"

struct reader {
	const char *origin;
	unsigned line;
	ini_fn fn;
	void *ctx;
	struct sim_error *err;
	bool have_section;
	char section[INI_LINE_MAX + 1];
	char buf[INI_LINE_MAX + 1];     /* the line being read */
};

static int syntax_error(const struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int syntax_error(const struct reader *r, const char *fmt, ...)
{
	char msg[SIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sim_error_set(r->err, SIM_E_PARSE, "%s:%u: %s", r->origin, r->line, msg);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
	char *e;

	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	return s;
}

static int call(struct reader *r, const char *key, const char *value)
{
	struct ini_item it = { .section = r->section, .key = key, .value = value,
			       .line = r->line };
	int rc = r->fn(r->ctx, &it, r->err);

	if (rc)
		return sim_error_prefix(r->err, rc, "%s:%u", r->origin, r->line);
	return 0;
}

static int header_line(struct reader *r, char *s)
{
	char *close = strchr(s, ']'), *rest, *name;

	if (close) {
		for (rest = close + 1; is_blank(*rest); rest++)
			;
		*close = '\0';
		name = trim(s + 1);
		if (*name && (!*rest || *rest == '#' || *rest == ';')) {
			memcpy(r->section, name, strlen(name) + 1);
			r->have_section = true;
			return call(r, NULL, NULL);
		}
		*close = ']';
	}
	return syntax_error(r, "malformed section header '%.60s' (expected '[NAME]', "
			    "then nothing but a comment)", s);
}

static int key_line(struct reader *r, char *s)
{
	char *eq = strchr(s, '='), *key, *c;

	if (!eq)
		return syntax_error(r, "expected '[section]', 'key = value' or a comment, "
				    "got '%.60s'", s);
	/* an inline comment: ';' after a blank */
	for (c = eq + 1; *c; c++)
		if (*c == ';' && is_blank(c[-1])) {
			*c = '\0';
			break;
		}
	*eq = '\0';
	key = trim(s);
	if (!*key)
		return syntax_error(r, "a key is missing before '='");
	if (!r->have_section)
		return syntax_error(r, "key '%.60s' outside any section; expected a "
				    "[section] line first", key);
	return call(r, key, trim(eq + 1));
}

static int one_line(struct reader *r, char *line)
{
	char *s = trim(line);

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return header_line(r, s);
	return key_line(r, s);
}

int ini_parse(const char *text, size_t len, const char *origin, ini_fn fn, void *ctx,
	      struct sim_error *err)
{
	struct reader *r = malloc(sizeof(*r));   /* 8 KiB: not on the stack */
	size_t pos = 0;
	int rc = 0;

	if (!r)
		return sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", origin);
	*r = (struct reader){ .origin = origin, .fn = fn, .ctx = ctx, .err = err };
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;                /* a UTF-8 byte-order mark */
	while (pos < len && !rc) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		r->line++;
		pos += n + (nl != NULL);
		if (memchr(start, '\0', n)) {
			rc = syntax_error(r, "a NUL byte in the text");
			break;
		}
		if (n && start[n - 1] == '\r')
			n--;
		if (n > INI_LINE_MAX) {
			rc = syntax_error(r, "line longer than %d characters", INI_LINE_MAX);
			break;
		}
		memcpy(r->buf, start, n);
		r->buf[n] = '\0';
		rc = one_line(r, r->buf);
	}
	free(r);
	return rc;
}

int ini_parse_file(const char *path, ini_fn fn, void *ctx, struct sim_error *err)
{
	char *text;
	size_t len;
	int rc = sim_read_file(path, &text, &len, err);

	if (rc)
		return rc;
	rc = ini_parse(text, len, sim_input_name(path), fn, ctx, err);
	free(text);
	return rc;
}
