/*
 * tests/fuzz/fuzz_workload.c - libFuzzer target of the workload-file parser
 * (workloads/workload.c): workload_parse_string() and workload_free().  A
 * workload that parses and is fed only by generators (no trace files: the
 * fuzzer must not open files it names) is built with sim_create_workload()
 * on the default configuration and run for a bounded number of accesses
 * with sim_run(), so what the parser accepts is also what the run can do.
 *
 * Static state: the finalized default configuration, made once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/config.h"
#include "sim/sim.h"
#include "workloads/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_WL_MAX_LEN 16384
/* Accesses run per input: enough for switches, exits and system calls. */
#define FUZZ_WL_ACCESSES 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sim_config cfg;
	static bool have_cfg;
	struct workload wl;
	struct sim_error e = { 0 };
	struct sim *s;
	bool done = false;

	if (size > FUZZ_WL_MAX_LEN)
		return 0;
	if (!have_cfg) {
		if (cfg_init_defaults(&cfg) || cfg_finalize(&cfg, &e))
			abort();        /* the built-in defaults are broken */
		have_cfg = true;
	}
	if (workload_parse_string(&wl, (const char *)data, size, "fuzz.wl", NULL, &e)) {
		if (e.code >= 0)
			abort();
		return 0;
	}
	for (size_t i = 0; i < wl.nprocs; i++)
		if (wl.procs[i].source == WL_SRC_TRACE)
			goto out;
	if (!sim_create_workload(&s, &cfg, &wl, &e)) {
		for (uint64_t n = 0; n < FUZZ_WL_ACCESSES && !done; n += FUZZ_WL_ACCESSES / 4)
			if (sim_run(s, FUZZ_WL_ACCESSES / 4, &done, &e))
				break;
		sim_destroy(s);
	}
out:
	workload_free(&wl);
	return 0;
}
