/*
 * tests/fuzz/fuzz_champsim.c - libFuzzer target of the ChampSim reader
 * (workloads/trace_champsim.c) and, under it, of every decompressor: the
 * first byte of an input chooses the standard (even) or cloudsuite (odd)
 * form, the rest is the file, read from memory to the end or an error.
 *
 * Checked on every input: records are valid; reading in batches of 1 and of
 * 256 agrees; an uncompressed input gives exactly its whole records and
 * fails as truncated exactly when its length is not a whole number of
 * records; every ChampSim record yields a fetch (at the end; one may still be
 * pending when the run stops at its record cap).  No static state.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "workloads/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CS_MAX_RECS (1u << 20)
/* Not a compression: the input did not open, so its compression is unknown. */
#define TRACE_COMP__UNKNOWN ((enum trace_compression)-1)

static int read_all(const uint8_t *data, size_t size, enum trace_format fmt, size_t batch,
		    uint64_t *nrec, uint64_t *ncs, uint64_t *nfetch, enum trace_compression *comp)
{
	struct trace_open_opts o = { .format = fmt };
	struct trace_rec recs[256];
	struct trace_reader *r;
	struct sim_error e = { 0 };
	int rc;

	*nrec = *ncs = *nfetch = 0;
	*comp = TRACE_COMP__UNKNOWN;
	rc = trace_reader_open_mem_opts(&r, data, size, "fuzz.champsim", &o, &e);
	if (rc) {
		if (rc > 0 || r != NULL || e.code == 0)
			abort();
		return rc;
	}
	if (trace_reader_format(r) != fmt)
		abort();
	*comp = trace_reader_compression(r);
	while ((rc = trace_read(r, recs, batch)) > 0) {
		for (int i = 0; i < rc; i++) {
			const struct trace_rec *t = &recs[i];

			if (t->rsvd || t->cpu ||
			    (t->kind != TRACE_CTX_SWITCH && (!trace_is_access(t) || t->size != 1)))
				abort();
			if (fmt == TRACE_FMT_CHAMPSIM && t->kind == TRACE_CTX_SWITCH)
				abort();
			*nfetch += t->kind == TRACE_FETCH;
		}
		*nrec += (uint64_t)rc;
		if (*nrec >= FUZZ_CS_MAX_RECS)
			break;
	}
	if (rc < 0 && (trace_read(r, recs, batch) != rc || trace_reader_error(r)->code == 0))
		abort();
	*ncs = trace_reader_champsim_records(r);
	/* At the end every ChampSim record read has handed out its fetch; cut
	 * short at the record cap, the last one read may still hold it back
	 * (a batch can end between a record's decoding and its fetch). */
	if (trace_reader_records(r) != *nrec || (rc == 0 && *nfetch != *ncs) ||
	    (rc > 0 && (*ncs < *nfetch || *ncs > *nfetch + 1)))
		abort();
	trace_reader_close(r);
	return *nrec >= FUZZ_CS_MAX_RECS ? 1 : rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum trace_format fmt;
	enum trace_compression comp = TRACE_COMP_NONE;
	uint64_t n1, c1, f1, n256, c256, f256;
	size_t len;
	int rc1, rc256;

	if (size < 1)
		return 0;
	fmt = data[0] & 1 ? TRACE_FMT_CHAMPSIM_CS : TRACE_FMT_CHAMPSIM;
	len = data[0] & 1 ? 96 : 64;
	rc256 = read_all(data + 1, size - 1, fmt, 256, &n256, &c256, &f256, &comp);
	if (rc256 == 1 || n256 > 65536)
		return 0;
	rc1 = read_all(data + 1, size - 1, fmt, 1, &n1, &c1, &f1, &comp);
	if (rc1 != rc256 || n1 != n256 || c1 != c256)
		abort();
	/* Uncompressed and opened: the whole records exactly, truncated exactly
	 * when the length is not a multiple (an empty file does not open). */
	if (comp == TRACE_COMP_NONE) {
		if (c256 != (size - 1) / len)
			abort();
		if ((rc256 == SIM_E_TRUNCATED) != ((size - 1) % len != 0))
			abort();
	}
	return 0;
}
