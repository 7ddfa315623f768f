/*
 * sim/readfile.h - whole-file input and output: read a (small) input file,
 * or standard input for "-", into memory; write a result file whole or not
 * at all.  For scenario, configuration and result-sized text only; traces
 * are streamed by workloads/.
 */
#ifndef MMUSIM_SIM_READFILE_H
#define MMUSIM_SIM_READFILE_H

#include <stddef.h>

#include "sim/err.h"

/* Upper bound on what sim_read_file() accepts, so bad input cannot make
 * it allocate without limit. */
#define SIM_READ_FILE_MAX ((size_t)256 << 20)

/**
 * sim_read_file() - read @path ("-" for standard input) into a new buffer.
 * @buf, @len: the contents (NUL-terminated for convenience; free() it)
 * Return: 0, or SIM_E_IO / SIM_E_NOMEM / SIM_E_INVAL (too large) with @e set.
 */
int sim_read_file(const char *path, char **buf, size_t *len, struct sim_error *e);

/* The name to use for @path in messages: "<stdin>" for "-". */
const char *sim_input_name(const char *path);

/**
 * sim_write_file_atomic() - replace @path with @len bytes of @text.
 * @mode: permissions of the new file
 *
 * Writes a temporary file beside @path, flushes it to disk and renames it
 * over @path, so an existing file is replaced whole or not at all and an
 * interrupted run never leaves a partial result.  A @path that exists and
 * is no regular file (a device such as /dev/null, a FIFO, a link to one)
 * is opened and written in place instead.
 * Return: 0, or SIM_E_IO / SIM_E_NOMEM with @e naming the path.
 */
int sim_write_file_atomic(const char *path, const char *text, size_t len, unsigned mode,
			  struct sim_error *e);

#endif /* MMUSIM_SIM_READFILE_H */
