/*
 * tests/fuzz/fuzz_trace.c - libFuzzer target of the trace readers
 * (workloads/trace_*.c): format detection, native records, lackey text and
 * their gzip and zstd forms, read from memory until the end or an error.
 *
 * Each input is read twice, in batches of 1 and of 256 records, and the two
 * readings must agree on the record count and the error code: the reader
 * promises that batching changes nothing.  No static state.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records read per input at most: a small compressed input can expand to
 * a great many records, and the fuzzer's timeout is per input. */
#define FUZZ_TRACE_MAX_RECS (1u << 20)

static void check_rec(const struct trace_rec *r)
{
	/* Readers hand out only valid records (see workloads/trace.h). */
	if (r->kind >= TRACE_KIND__COUNT || r->rsvd != 0)
		abort();
	if (trace_is_access(r) && r->size == 0)
		abort();
}

static int read_all(const uint8_t *data, size_t size, size_t batch, uint64_t *nrec)
{
	struct trace_rec recs[256];
	struct trace_reader *r;
	struct sim_error e = { 0 };
	int rc;

	*nrec = 0;
	rc = trace_reader_open_mem(&r, data, size, "fuzz.trace", &e);
	if (rc) {
		if (rc > 0 || r != NULL || e.code == 0)
			abort();
		return rc;
	}
	while ((rc = trace_read(r, recs, batch)) > 0) {
		if ((size_t)rc > batch)
			abort();
		for (int i = 0; i < rc; i++)
			check_rec(&recs[i]);
		*nrec += (uint64_t)rc;
		if (*nrec >= FUZZ_TRACE_MAX_RECS)
			break;
	}
	if (rc < 0) {
		/* Sticky errors: the next call returns the same error. */
		if (trace_read(r, recs, batch) != rc || trace_reader_error(r)->code == 0)
			abort();
	}
	if (trace_reader_records(r) != *nrec)
		abort();
	/* Exercise the accessors a driver prints. */
	(void)trace_reader_ignored_lines(r);
	(void)trace_reader_lines(r);
	(void)trace_reader_bytes_in(r);
	(void)trace_format_name(trace_reader_format(r));
	(void)trace_compression_name(trace_reader_compression(r));
	(void)trace_reader_name(r);
	trace_reader_close(r);
	return *nrec >= FUZZ_TRACE_MAX_RECS ? 1 : rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t n1, n256;
	int rc1, rc256;

	rc256 = read_all(data, size, 256, &n256);
	if (rc256 == 1 || n256 > 65536)
		return 0;       /* too long to read one at a time as well */
	rc1 = read_all(data, size, 1, &n1);
	if (rc1 != rc256 || n1 != n256)
		abort();
	return 0;
}
