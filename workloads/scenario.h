/*
 * workloads/scenario.h - walk scenarios: register values, physical memory
 * words and AT-style translation requests (the input of `mmusim walk`).
 *
 * The text format is specified in the project's walk-scenario spec (see the
 * README): `reg NAME VALUE`, `mem PA VALUE`, `at OP VA`, `#` comments,
 * numbers in hex (0x...) or decimal.  Parsing is all-or-nothing: the first
 * malformed line is reported as "NAME:LINE: message" and nothing is run.
 * All reg and mem directives take effect before the first request, as when
 * a test program loads the registers and tables and then executes each AT
 * instruction in turn; hardware access-flag and dirty updates made by one
 * request are visible to the next.
 */
#ifndef MMUSIM_WORKLOADS_SCENARIO_H
#define MMUSIM_WORKLOADS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/regime.h"
#include "sim/err.h"

enum scn_op {
	SCN_S1E1R, SCN_S1E1W, SCN_S1E0R, SCN_S1E0W,
	SCN_S12E1R, SCN_S12E1W, SCN_S12E0R, SCN_S12E0W,
};

struct scn_request {
	enum scn_op op;
	uint64_t va;
	unsigned line;
};

struct scn_word {
	uint64_t pa, val;
};

struct scenario {
	struct mmu_regs regs;
	struct scn_word *mem;           /* in file order; a later word wins */
	size_t nmem, memcap;
	struct scn_request *req;
	size_t nreq, reqcap;
};

/**
 * scn_parse() - parse scenario text.
 * @s:    filled on success (caller frees with scn_free(); on failure nothing
 *        needs freeing)
 * @name: the file name used in messages ("-" reads as "<stdin>")
 * @text: the whole text, @len bytes (need not be NUL-terminated)
 * @e:    "name:line: message" on failure
 *
 * Return: 0, SIM_E_PARSE for malformed input, SIM_E_NOMEM.
 */
int scn_parse(struct scenario *s, const char *name, const char *text, size_t len,
	      struct sim_error *e);

void scn_free(struct scenario *s);

/* The AT operation's access and whether stage 2 applies. */
struct mmu_access scn_op_access(enum scn_op op);
bool scn_op_two_stage(enum scn_op op);

/**
 * scn_run() - answer every request, one line each (and, with @refs, the
 * memory references of each walk under it), on @out.
 * Return: 0, or a negative enum sim_err with @e filled (an unmodelled
 * feature selected by the registers, or out of memory).
 */
int scn_run(const struct scenario *s, bool refs, FILE *out, struct sim_error *e);

#endif /* MMUSIM_WORKLOADS_SCENARIO_H */
