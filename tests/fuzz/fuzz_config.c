/*
 * tests/fuzz/fuzz_config.c - libFuzzer target of the configuration loader
 * (sim/config.c, sim/ini.c): INI text, NUL bytes and all, through
 * cfg_load_text() and cfg_finalize().
 * A configuration that validates is built with sim_create() and driven by
 * a fixed handful of accesses, switches and TLB maintenance through
 * sim_step() (the switches move it to sim_create_spaces()), so geometry that validation let through but the model cannot
 * handle shows up as a crash, a sanitizer report or a runaway allocation.
 *
 * Static state: the synthetic records, built once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/config.h"
#include "sim/sim.h"
#include "workloads/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* INI text longer than this says nothing new and slows the fuzzer. */
#define FUZZ_CFG_MAX_LEN 16384

static size_t make_records(struct trace_rec *r)
{
	static const uint64_t vas[] = {
		0x0, 0x1000, 0x400000, 0x400ffc, 0x12345678, 0x7fff0000,
		0x7ffffffff000, 0xffffffffe000, 0x200000, 0x40000000,
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		r[n++] = trace_rec_access(TRACE_LOAD, 0, vas[i], 8);
		r[n++] = trace_rec_access(TRACE_STORE, 0, vas[i] + 0x2000, 4);
		r[n++] = trace_rec_access(TRACE_FETCH, 0, vas[i] + 0x10000, 4);
	}
	/* Crossing a page boundary (of any granule). */
	r[n++] = trace_rec_access(TRACE_LOAD, 0, 0x3fffc, 16);
	r[n++] = trace_rec_access(TRACE_STORE, 0, 0x7ffffff8, 64);
	r[n++] = trace_rec_ctx_switch(0, 1);
	r[n++] = trace_rec_access(TRACE_LOAD, 0, 0x1000, 8);
	r[n++] = trace_rec_vm_switch(0, 1);
	r[n++] = trace_rec_access(TRACE_LOAD, 0, 0x1000, 8);
	for (unsigned op = 0; op < TLBI__COUNT; op++) {
		r[n++] = trace_rec_tlbi(0, (enum tlbi_op)op, op & 1 ? TLBI_F_IS : 0, 1, 0x1000);
		r[n++] = trace_rec_access(TRACE_LOAD, 0, 0x1000, 8);
		r[n++] = trace_rec_access(TRACE_FETCH, 0, 0x400000, 4);
	}
	r[n++] = trace_rec_ctx_switch(0, 0);
	for (uint64_t va = 0; va < 0x40000; va += 0x1000)
		r[n++] = trace_rec_access(TRACE_LOAD, 0, va, 8);
	return n;
}

/* The records twice (the second pass hits in what the first filled), in
 * batches of 16; stops at the first non-zero sim_step(). */
static int replay(struct sim *s, const struct trace_rec *recs, size_t nrecs, struct sim_error *e)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nrecs; i += 16) {
			int rc = sim_step(s, recs + i, nrecs - i < 16 ? nrecs - i : 16, e);

			if (rc)
				return rc;
		}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_rec recs[256];
	static size_t nrecs;
	struct sim_config cfg;
	struct sim_error e = { 0 };
	struct sim *s;

	if (!nrecs)
		nrecs = make_records(recs);
	if (size > FUZZ_CFG_MAX_LEN)
		return 0;
	if (cfg_init_defaults(&cfg))
		abort();        /* the built-in defaults are broken */
	if (cfg_load_text(&cfg, (const char *)data, size, "fuzz.ini", &e) ||
	    cfg_finalize(&cfg, &e)) {
		if (e.code >= 0)
			abort();
		return 0;
	}
	if (sim_create(&s, &cfg, &e))
		return 0;
	/* The switch records make it the multi-space model, from the first
	 * record, as `mmusim run` does. */
	if (replay(s, recs, nrecs, &e) == SIM_STEP_SPACES) {
		sim_destroy(s);
		if (sim_create_spaces(&s, &cfg, &e))
			return 0;
		replay(s, recs, nrecs, &e);
	}
	sim_destroy(s);
	return 0;
}
