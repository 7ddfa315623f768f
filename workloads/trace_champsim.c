/*
 * workloads/trace_champsim.c - parser for the traces of the ChampSim
 * simulator (workloads/CHAMPSIM.md), as the DPC-3 and CRC-2 corpora ship
 * them: fixed-size little-endian records with no header.
 *
 *   standard, 64 bytes:    ip, is_branch, branch_taken, dst_regs[2],
 *                          src_regs[4], dst_mem[2], src_mem[4]
 *   cloudsuite, 96 bytes:  ip, is_branch, branch_taken, dst_regs[4],
 *                          src_regs[4], 6 pad, dst_mem[4], src_mem[4],
 *                          asid[2], 6 pad
 *
 * Semantic choices:
 *   - A record is an instruction fetch at ip, a load per non-zero
 *     source_memory entry and a store per non-zero destination_memory
 *     entry, in index order.  ChampSim records no sizes, so every access is
 *     1 byte (one translation of the page holding the address).  Repeated
 *     addresses are kept: each is a lookup.  Registers and branch fields do
 *     not concern translation and are not checked.
 *   - Cloudsuite: asid[0] names the process.  When it differs from the
 *     previous record's (process 0 before the first record), a context
 *     switch to that process comes before the record's fetch.
 *   - Everything is on CPU 0: a ChampSim trace is one core's.
 *   - A file that is not a whole number of records is truncated: the error
 *     names the record (1-based) that the input ends inside, after every
 *     record before it has been handed out.
 *   - The format is never guessed from content: the caller or the file name
 *     ("champsimtrace", "cloudsuite") chooses it; a file named so that
 *     starts with the native magic is a native trace (a converted copy that
 *     kept its name; as a ChampSim ip the magic is not a canonical address).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "workloads/trace_impl.h"

/* Offsets in a record. */
#define CS_STD_LEN 64
#define CS_STD_DST 16                   /* destination_memory[2] */
#define CS_STD_SRC 32                   /* source_memory[4] */
#define CS_CLOUD_LEN 96
#define CS_CLOUD_DST 24                 /* destination_memory[4] */
#define CS_CLOUD_SRC 56                 /* source_memory[4] */
#define CS_CLOUD_ASID 88                /* asid[2] */

/* Records one ChampSim record can become: switch, fetch, 4 loads, 4 stores. */
#define CS_MAX_OUT 10
_Static_assert(CS_MAX_OUT <= sizeof(((struct trace_reader *)0)->cs_pend) /
	       sizeof(struct trace_rec), "pending buffer too small");

enum trace_format trace_format_by_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strstr(base, "cloudsuite"))
		return TRACE_FMT_CHAMPSIM_CS;
	if (strstr(base, "champsimtrace"))
		return TRACE_FMT_CHAMPSIM;
	return TRACE_FMT_AUTO;
}

static const char *form_name(const struct trace_reader *r)
{
	return r->fmt == TRACE_FMT_CHAMPSIM_CS ? "ChampSim cloudsuite" : "ChampSim";
}

static int cs_fail(struct trace_reader *r, int code, const char *what)
{
	r->failed = sim_error_set(&r->err, code, "%s: record %" PRIu64 " (byte offset %" PRIu64
				  "): %s", r->name, r->cs_nrec + 1,
				  r->cs_nrec * (uint64_t)r->cs_len, what);
	return code;
}

int trace_champsim_choose(struct trace_reader *r, enum trace_format want)
{
	struct trace_stream *s = &r->s;
	bool by_name = false;
	int rc;

	if (want == TRACE_FMT_AUTO) {
		want = trace_format_by_name(r->name);
		by_name = true;
	}
	if (want != TRACE_FMT_CHAMPSIM && want != TRACE_FMT_CHAMPSIM_CS)
		return 0;
	r->fmt = want;
	r->cs_len = want == TRACE_FMT_CHAMPSIM_CS ? CS_CLOUD_LEN : CS_STD_LEN;
	while ((size_t)(s->end - s->p) < TRACE_NATIVE_MAGIC_LEN) {
		rc = trace_stream_more(s);
		if (rc < 0) {
			char msg[200];

			snprintf(msg, sizeof(msg), "at the start of the input: %s", s->why);
			return cs_fail(r, rc, msg);
		}
		if (rc == 0)
			break;
	}
	if (s->p == s->end) {
		r->failed = sim_error_set(&r->err, SIM_E_TRUNCATED,
					  "%s: empty input: no %s record", r->name, form_name(r));
		return r->failed;
	}
	if (by_name && (size_t)(s->end - s->p) >= TRACE_NATIVE_MAGIC_LEN &&
	    !memcmp(s->p, TRACE_NATIVE_MAGIC, TRACE_NATIVE_MAGIC_LEN)) {
		r->fmt = TRACE_FMT_AUTO;
		return 0;
	}
	return 1;
}

/* Decodes the whole record at @p into @out; returns the number of records. */
static unsigned decode(struct trace_reader *r, const uint8_t *p, struct trace_rec *out)
{
	bool cloud = r->cs_len == CS_CLOUD_LEN;
	unsigned ndst = cloud ? 4 : 2, n = 0;
	const uint8_t *src = p + (cloud ? CS_CLOUD_SRC : CS_STD_SRC);
	const uint8_t *dst = p + (cloud ? CS_CLOUD_DST : CS_STD_DST);

	if (cloud && p[CS_CLOUD_ASID] != r->cs_asid) {
		r->cs_asid = p[CS_CLOUD_ASID];
		out[n++] = trace_rec_ctx_switch(0, r->cs_asid);
	}
	out[n++] = trace_rec_access(TRACE_FETCH, 0, trace_load_le64(p), 1);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t a = trace_load_le64(src + 8 * i);

		if (a)
			out[n++] = trace_rec_access(TRACE_LOAD, 0, a, 1);
	}
	for (unsigned i = 0; i < ndst; i++) {
		uint64_t a = trace_load_le64(dst + 8 * i);

		if (a)
			out[n++] = trace_rec_access(TRACE_STORE, 0, a, 1);
	}
	return n;
}

int trace_champsim_read(struct trace_reader *r, struct trace_rec *recs, size_t max)
{
	struct trace_stream *s = &r->s;
	size_t n = 0;
	int rc;

	while (n < max) {
		if (r->cs_ipend < r->cs_npend) {
			recs[n++] = r->cs_pend[r->cs_ipend++];
			continue;
		}
		if ((size_t)(s->end - s->p) >= r->cs_len) {
			unsigned k;

			if (max - n >= CS_MAX_OUT) {
				k = decode(r, s->p, recs + n);
				n += k;
			} else {
				r->cs_npend = decode(r, s->p, r->cs_pend);
				r->cs_ipend = 0;
			}
			s->p += r->cs_len;
			r->cs_nrec++;
			continue;
		}
		if (r->done)
			break;
		rc = trace_stream_more(s);
		if (rc > 0)
			continue;
		if (rc < 0) {
			cs_fail(r, rc, s->why);
			break;
		}
		if (s->p != s->end) {
			char msg[160];

			snprintf(msg, sizeof(msg), "truncated: the input ends %zu bytes into a %u-byte "
				 "%s record", (size_t)(s->end - s->p), r->cs_len, form_name(r));
			cs_fail(r, SIM_E_TRUNCATED, msg);
			break;
		}
		r->done = true;
		break;
	}
	return (int)n;
}
