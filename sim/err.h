/*
 * sim/err.h - the project's error convention (a leaf header).
 *
 * Functions return int: 0 on success, a negative enum sim_err on error.  The
 * walker also returns 1, meaning "architectural fault, see the result": a
 * fault is data, not an error; and sim_step() returns SIM_STEP_SPACES (1)
 * when a single-space replay meets a switch record (sim/sim.h).  Library code never prints and never exits;
 * it fills a struct sim_error with a message naming what was wrong and where
 * (file:line or record), and the driver (sim/main.c) prints it.
 */
#ifndef MMUSIM_SIM_ERR_H
#define MMUSIM_SIM_ERR_H

#include <stddef.h>

enum sim_err {
	SIM_OK = 0,
	SIM_E_NOMEM = -1,       /* out of memory */
	SIM_E_IO = -2,          /* a read or write failed */
	SIM_E_PARSE = -3,       /* malformed input text or record */
	SIM_E_CONFIG = -4,      /* unknown key, bad value, impossible geometry */
	SIM_E_TRUNCATED = -5,   /* input ended inside a record */
	SIM_E_CORRUPT = -6,     /* bad magic, checksum, or compressed stream */
	SIM_E_INVAL = -7,       /* a caller passed an impossible argument */
	SIM_E_UNSUPPORTED = -8, /* valid input this build does not model */
};

#define SIM_ERROR_MSG_MAX 512

struct sim_error {
	int code;                       /* enum sim_err, 0 when nothing failed */
	char msg[SIM_ERROR_MSG_MAX];    /* "file:line: what was expected" */
};

/* Short name of an error code, e.g. "parse error". */
const char *sim_strerror(int code);

/*
 * sim_error_set() - record an error and return its code, so callers can write
 * "return sim_error_set(e, SIM_E_PARSE, "%s:%u: ...", ...);".  e may be NULL.
 * The first error recorded wins; later calls keep the earlier message (the
 * place that failed knows best what went wrong).
 */
int sim_error_set(struct sim_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * sim_error_prefix() - add the caller's context in front of the recorded
 * message, "CONTEXT: MESSAGE", and return @code: a caller that knows the
 * file, the process or the record writes
 * "return sim_error_prefix(e, rc, "%s: record %llu", ...);".  With nothing
 * recorded yet the message is "CONTEXT: " and sim_strerror(@code).  The code
 * already recorded is kept.  e may be NULL.  A message that would exceed
 * SIM_ERROR_MSG_MAX loses its end, never its context.
 */
int sim_error_prefix(struct sim_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void sim_error_clear(struct sim_error *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

#endif /* MMUSIM_SIM_ERR_H */
