/*
 * tests/fuzz/fuzz_scenario.c - libFuzzer target of the walk-scenario parser
 * (workloads/scenario.c) and, for what parses, of the walker driven by the fuzzed
 * registers and page-table memory (scn_run(), with and without the list of
 * walk references).
 *
 * Static state: the /dev/null stream is opened once and kept for the life
 * of the process, only to avoid an open/close per input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "workloads/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Requests answered per input are bounded so that one input cannot take
 * longer than the fuzzer's timeout; real scenarios hold a few dozen. */
#define FUZZ_SCN_MAX_REQ 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct scenario s;
	struct sim_error e = { 0 };

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	if (scn_parse(&s, "fuzz.scn", (const char *)data, size, &e))
		return 0;
	if (s.nreq <= FUZZ_SCN_MAX_REQ) {
		scn_run(&s, false, devnull, &e);
		scn_run(&s, true, devnull, &e);
	}
	scn_free(&s);
	return 0;
}
