/*
 * sim/ini.h - the INI reader of every mmusim input file: configuration
 * files and presets (sim/config.c), workload files (workloads/workload.c)
 * and sweep files (`mmusim sweep`).  It splits the text into section
 * headers and key/value pairs and hands each to a callback with its line;
 * what the sections and keys mean, and whether one may be repeated, is the
 * callback's business.
 *
 * The syntax, one for all of them:
 *  - each line is blank, a comment, a section header "[NAME]" or a key
 *    line "KEY = VALUE";
 *  - blanks (spaces and tabs) around a line, a name, a key and a value are
 *    dropped, and so is the CR of a CRLF line end;
 *  - a line whose first non-blank character is '#' or ';' is a comment;
 *    on a key line, a ';' after a blank starts a comment that runs to the
 *    end of the line; after a header's ']' only a comment ('#' or ';') may
 *    follow;
 *  - the value is everything after the first '=', and may be empty or
 *    hold '=', '#' and ';' (not after a blank);
 *  - no continuation lines, quoting or escapes; a UTF-8 byte-order mark
 *    before the first line is skipped.
 *
 * Errors are "ORIGIN:LINE: ..." with SIM_E_PARSE: a NUL byte; a line of
 * more than INI_LINE_MAX characters; a header without its ']', with an
 * empty name or with text after it; a key line without a key; a key before
 * the first header; any other line.  The reader stops at the first error,
 * its own or the callback's, and puts the same "ORIGIN:LINE: " in front of
 * the callback's message.
 */
#ifndef MMUSIM_SIM_INI_H
#define MMUSIM_SIM_INI_H

#include <stddef.h>

#include "sim/err.h"

#define INI_LINE_MAX 4096       /* characters of a line, its line end excluded */

/* What the callback is given: a header, or a key line of @section. */
struct ini_item {
	const char *section;    /* the name between the brackets, trimmed */
	const char *key;        /* NULL for the header line itself */
	const char *value;      /* NULL for a header; "" for "key =" */
	unsigned line;          /* 1-based */
};

/*
 * The callback: 0 to go on, or a negative enum sim_err with @err holding
 * what was wrong, without the file and line (the reader adds them).
 */
typedef int (*ini_fn)(void *ctx, const struct ini_item *item, struct sim_error *err);

/**
 * ini_parse() - read INI text from memory.
 * @text:   @len bytes; need not be NUL-terminated
 * @origin: the name messages use ("ORIGIN:LINE: ...")
 * @fn:     called for each header and key line, in text order
 * @err:    filled on error; may be NULL
 * Return: 0, SIM_E_PARSE for a malformed line, or what @fn returned.
 */
int ini_parse(const char *text, size_t len, const char *origin, ini_fn fn, void *ctx,
	      struct sim_error *err);

/**
 * ini_parse_file() - as ini_parse(), from the file @path ("-" for standard
 * input, named "<stdin>"), read whole first (sim_read_file()).
 * Return: as ini_parse(), or SIM_E_IO / SIM_E_NOMEM / SIM_E_INVAL if the
 * file cannot be read.
 */
int ini_parse_file(const char *path, ini_fn fn, void *ctx, struct sim_error *err);

#endif /* MMUSIM_SIM_INI_H */
