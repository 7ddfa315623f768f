/*
 * results/json_read.h - a small JSON reader for mmusim's own result files.
 *
 * Parses a whole document (RFC 8259) into a tree of values.  Numbers keep
 * the text they were written with, so a counter is reported exactly as the
 * simulator printed it.  Errors name the origin, line and column.  Nesting
 * is limited (JSON_MAX_DEPTH) so that hostile input cannot exhaust the
 * stack.
 */
#ifndef MMUSIM_RESULTS_JSON_READ_H
#define MMUSIM_RESULTS_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/err.h"

#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL = 0,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	bool b;                         /* BOOL */
	double num;                     /* NUMBER */
	char *text;                     /* NUMBER: the literal; STRING: decoded, NUL-terminated */
	size_t n;                       /* ARRAY, OBJECT: number of members */
	char **keys;                    /* OBJECT: member names, in file order */
	struct json_value *items;       /* ARRAY, OBJECT: the members */
};

/**
 * json_parse() - parse the JSON document @text (@len bytes).
 * @origin: name used in error messages (a file name).
 * @out:    the root value on success; release it with json_free().
 * Return: 0; SIM_E_PARSE with "origin:LINE:COL: ..." in @err; SIM_E_NOMEM.
 */
int json_parse(const char *text, size_t len, const char *origin,
	       struct json_value **out, struct sim_error *err);

/* json_free() - release a value returned by json_parse(); NULL is fine. */
void json_free(struct json_value *v);

/**
 * json_get() - the member @key of object @obj, or NULL if @obj is not an
 * object or has no such member.
 */
const struct json_value *json_get(const struct json_value *obj, const char *key);

#endif /* MMUSIM_RESULTS_JSON_READ_H */
