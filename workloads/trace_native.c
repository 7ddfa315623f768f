/*
 * workloads/trace_native.c - decoder for the native binary trace format
 * (specified in workloads/FORMAT.md; encoder in trace_writer.c).
 *
 * The format predicts each access's VA as the end of the previous access
 * of the same CPU and stream (data or instruction) and stores the
 * zigzag-encoded difference in 0-7 little-endian bytes whose count is in the
 * opcode.  Sequential code and streaming data thus cost one byte a record.
 *
 * Semantic choices:
 *   - Control records apply to the CPU selected by the last CPU record
 *     (CPU 0 at the start); the CPU select itself yields no trace record.
 *   - The trace must end with an end-of-trace record carrying the number of
 *     trace records; a missing or wrong end record, or any byte after it,
 *     is an error, so truncation and concatenation are always detected.
 *   - "record N" in messages is the 1-based number of the trace record being
 *     decoded; byte offsets count bytes of the decompressed stream.
 *   - A trace without a single record (the end record right after the
 *     header) is refused when the reader opens: an empty result is never
 *     a measurement.
 *   - Physical-address records (header flag TRACE_NATIVE_F_PHYS) annotate
 *     the access just before them.  They are not trace records: the END
 *     count leaves them out, and they are handed out only when the caller
 *     asked (struct trace_open_opts.phys).
 *
 * Speed: the fast loop decodes plain access records with one unaligned
 * 8-byte load, a mask and two selects, keeping both predictors in
 * registers; the loop-carried dependency is only p += 1 + (op >> 5).  It
 * runs while 16 bytes remain in the window; control records, escaped
 * accesses and the window's tail go through the checked one-record path.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace_impl.h"

const uint8_t trace_native_sizes[2][8] = {
	{ 1, 2, 4, 8, 16, 32, 64, 0 },  /* data: powers of two */
	{ 1, 2, 3, 4, 5, 6, 7, 0 },     /* fetch: common instruction lengths */
};

_Static_assert(sizeof(struct trace_rec) == 16 && offsetof(struct trace_rec, va) == 0,
	       "decode_fast() stores a record as two 8-byte words");

#define NEED_MORE 2                     /* the record is not all in the window */
#define PHYS_OUT 3                      /* a phys record was stored (not counted) */

static int native_fail(struct trace_reader *r, int code, const uint8_t *at, const char *what)
{
	r->failed = sim_error_set(&r->err, code, "%s: record %" PRIu64 " (byte offset %" PRIu64
				  "): %s", r->name, r->nfile + 1, trace_stream_off(&r->s, at), what);
	return code;
}

/* Unsigned LEB128.  Return: 0 ok, NEED_MORE, or -1 if longer than 64 bits. */
static int get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *pp;
	uint64_t x = 0;
	unsigned shift = 0;

	for (;;) {
		uint8_t b;

		if (q == end)
			return NEED_MORE;
		b = *q++;
		if (shift == 63 && b > 1)
			return -1;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
		if (shift > 63)
			return -1;
	}
	*pp = q;
	*v = x;
	return 0;
}

/* Reads a varint no larger than max; on failure reports and returns <0 or
 * NEED_MORE. */
static int get_field(struct trace_reader *r, const uint8_t *rec, const uint8_t **pp,
		     const uint8_t *end, uint64_t max, uint64_t *v, const char *what)
{
	char msg[120];
	int rc = get_varint(pp, end, v);

	if (rc == NEED_MORE)
		return rc;
	if (rc < 0 || *v > max) {
		snprintf(msg, sizeof(msg), "%s out of range", what);
		return native_fail(r, SIM_E_CORRUPT, rec, msg);
	}
	return 0;
}

static void set_cpu_hi(struct trace_reader *r);

static int select_cpu(struct trace_reader *r, const uint8_t *rec, uint16_t cpu)
{
	size_t need = (size_t)(cpu > r->cpu ? cpu : r->cpu) + 1;

	if (need > r->ncpus) {
		struct trace_native_cpu *c = realloc(r->cpus, need * sizeof(*c));

		if (!c)
			return native_fail(r, SIM_E_NOMEM, rec, "out of memory");
		memset(c + r->ncpus, 0, (need - r->ncpus) * sizeof(*c));
		r->cpus = c;
		r->ncpus = need;
	}
	r->cpus[r->cpu].next[0] = r->pred_d;
	r->cpus[r->cpu].next[1] = r->pred_f;
	r->cpus[r->cpu].pa_off = r->pa_off;
	r->cpu = cpu;
	r->pred_d = r->cpus[cpu].next[0];
	r->pred_f = r->cpus[cpu].next[1];
	r->pa_off = r->cpus[cpu].pa_off;
	set_cpu_hi(r);
	return 0;
}

/*
 * Decodes the record at s->p with bounds checks.  Return: 1 a trace record
 * was stored in *out, 0 a record without output (CPU, END, a phys record
 * not asked for) was consumed, PHYS_OUT a phys record was stored in *out,
 * NEED_MORE if the window ends inside the record, <0 error (reported).
 * Nothing is consumed unless the record is complete.
 */
static int decode_one(struct trace_reader *r, struct trace_rec *out)
{
	const uint8_t *rec = r->s.p, *end = r->s.end, *q = rec + 1;
	unsigned op = rec[0], kind = op & TRACE_OP_KIND_MASK;
	bool after_access = r->after_access;
	uint64_t a, b;
	int rc;

	if (kind != TRACE_OP_CTRL) {
		unsigned isf = kind >> 1, sc = (op & TRACE_OP_SIZE_MASK) >> TRACE_OP_SIZE_SHIFT;
		unsigned len = op >> TRACE_OP_LEN_SHIFT;
		uint64_t zz = 0, size, va;

		if (sc != TRACE_OP_SIZE_ESC) {
			if ((size_t)(end - q) < len)
				return NEED_MORE;
			for (unsigned i = 0; i < len; i++)
				zz |= (uint64_t)q[i] << (8 * i);
			q += len;
			size = trace_native_sizes[isf][sc];
		} else {
			if (len != 0)
				return native_fail(r, SIM_E_CORRUPT, rec,
						   "escaped access with nonzero length bits");
			rc = get_field(r, rec, &q, end, UINT32_MAX, &size, "access size");
			if (rc)
				return rc;
			if (size == 0)
				return native_fail(r, SIM_E_CORRUPT, rec, "access size 0");
			rc = get_field(r, rec, &q, end, UINT64_MAX, &zz, "address delta");
			if (rc)
				return rc;
		}
		if (isf) {
			va = r->pred_f + trace_unzigzag(zz);
			r->pred_f = va + size;
		} else {
			va = r->pred_d + trace_unzigzag(zz);
			r->pred_d = va + size;
		}
		*out = trace_rec_access((enum trace_kind)kind, r->cpu, va, (uint32_t)size);
		r->s.p = q;
		r->after_access = true;
		r->last_va = va;
		return 1;
	}

	r->after_access = false;
	switch (op >> 2) {
	case TRACE_CTRL_END:
		rc = get_field(r, rec, &q, end, UINT64_MAX, &a, "record count");
		if (rc)
			return rc;
		if (a != r->nfile) {
			char msg[160];

			snprintf(msg, sizeof(msg), "end-of-trace record counts %" PRIu64
				 " records but %" PRIu64 " were read", a, r->nfile);
			return native_fail(r, SIM_E_CORRUPT, rec, msg);
		}
		r->ended = true;
		r->s.p = q;
		return 0;
	case TRACE_CTRL_CPU:
		rc = get_field(r, rec, &q, end, UINT16_MAX, &a, "CPU number");
		if (rc)
			return rc;
		rc = select_cpu(r, rec, (uint16_t)a);
		if (rc)
			return rc;
		r->s.p = q;
		return 0;
	case TRACE_CTRL_CTX:
	case TRACE_CTRL_VM:
		rc = get_field(r, rec, &q, end, UINT32_MAX, &a,
			       (op >> 2) == TRACE_CTRL_CTX ? "address-space id" : "VM id");
		if (rc)
			return rc;
		*out = (op >> 2) == TRACE_CTRL_CTX ? trace_rec_ctx_switch(r->cpu, (uint32_t)a)
						   : trace_rec_vm_switch(r->cpu, (uint32_t)a);
		r->s.p = q;
		return 1;
	case TRACE_CTRL_TLBI: {
		uint8_t tlbi_op, flags;

		if (end - q < 2)
			return NEED_MORE;
		tlbi_op = q[0];
		flags = q[1];
		q += 2;
		if (tlbi_op >= TLBI__COUNT)
			return native_fail(r, SIM_E_CORRUPT, rec, "unknown TLBI operation");
		if (flags & ~TRACE_TLBI_FLAGS_KNOWN)
			return native_fail(r, SIM_E_CORRUPT, rec, "unknown TLBI flags");
		rc = get_field(r, rec, &q, end, UINT16_MAX, &a, "TLBI ASID");
		if (rc)
			return rc;
		rc = get_field(r, rec, &q, end, UINT64_MAX, &b, "TLBI address");
		if (rc)
			return rc;
		*out = trace_rec_tlbi(r->cpu, (enum tlbi_op)tlbi_op, flags, (uint16_t)a, b);
		r->s.p = q;
		return 1;
	}
	case TRACE_CTRL_PHYS:
		if (!r->phys_ok)
			goto unknown;
		if (!after_access)
			return native_fail(r, SIM_E_CORRUPT, rec, "physical-address record "
					   "that does not follow an access");
		rc = get_field(r, rec, &q, end, UINT64_MAX, &a, "physical address delta");
		if (rc) {
			r->after_access = true;         /* NEED_MORE: decoded again after a refill */
			return rc;
		}
		r->pa_off += trace_unzigzag(a);
		r->nphys++;
		r->s.p = q;
		if (!r->keep_phys)
			return 0;
		*out = trace_rec_phys(r->cpu, r->last_va + r->pa_off);
		return PHYS_OUT;
	unknown:
	default: {
		char msg[64];

		snprintf(msg, sizeof(msg), "unknown opcode 0x%02x", op);
		return native_fail(r, SIM_E_CORRUPT, rec, msg);
	}
	}
}

/*
 * The fast loop: plain accesses while at least 16 bytes are in the window.
 *
 * Its cost is set by two dependency chains.  The record position: p moves
 * by 1 + (op >> 5), so the next opcode load waits only for a load and two
 * ALU ops.  The predictors: instead of selecting the predictor, adding the
 * delta and writing it back (a chain of about eight operations through the
 * selects), each predictor advances by delta + size masked to its stream,
 * one add per record; the VA is taken from the old values off the chain.
 * Per opcode, the record's upper eight bytes (size and kind) and the size
 * come from r->op_tab, so a record is two 8-byte stores.
 */
static size_t decode_fast(struct trace_reader *r, struct trace_rec *out, size_t max)
{
	const struct trace_native_op *tab = r->op_tab;
	const uint8_t *p = r->s.p, *lim;
	uint64_t pd = r->pred_d, pf = r->pred_f;
	const uint64_t cpu_hi = r->cpu_hi;
	size_t n = 0;

	if (r->s.end - p < 16)
		return 0;
	lim = r->s.end - 16;
	while (n < max && p < lim) {
		unsigned op = p[0];
		unsigned len = op >> TRACE_OP_LEN_SHIFT;
		const struct trace_native_op *e = &tab[op];
		uint64_t zz, m, delta, inc, va, hi;

		if (!e->size)           /* control record or escaped access */
			break;
		zz = trace_load_le64(p + 1) & ((UINT64_C(1) << (8 * len)) - 1);
		delta = trace_unzigzag(zz);
		m = 0 - (uint64_t)((op >> 1) & 1);      /* all ones for fetch */
		va = (pd ^ ((pd ^ pf) & m)) + delta;
		inc = delta + e->size;
		pf += inc & m;
		pd += inc & ~m;
		hi = e->hi | cpu_hi;
		memcpy(&out[n], &va, sizeof(va));
		memcpy((uint8_t *)&out[n] + 8, &hi, sizeof(hi));
		n++;
		p += 1 + len;
	}
	r->s.p = p;
	r->pred_d = pd;
	r->pred_f = pf;
	return n;
}

/* The upper 8 bytes of a record holding only what is set in @rec. */
static uint64_t rec_hi(const struct trace_rec *rec)
{
	uint64_t hi;

	memcpy(&hi, (const uint8_t *)rec + 8, sizeof(hi));
	return hi;
}

static void build_op_tab(struct trace_reader *r)
{
	for (unsigned op = 0; op < 256; op++) {
		unsigned kind = op & TRACE_OP_KIND_MASK;
		unsigned sc = (op & TRACE_OP_SIZE_MASK) >> TRACE_OP_SIZE_SHIFT;
		struct trace_rec t;

		r->op_tab[op].size = 0;
		r->op_tab[op].hi = 0;
		if (kind == TRACE_OP_CTRL || sc == TRACE_OP_SIZE_ESC)
			continue;
		t = trace_rec_access((enum trace_kind)kind, 0, 0,
				     trace_native_sizes[kind >> 1][sc]);
		r->op_tab[op].size = t.size;
		r->op_tab[op].hi = rec_hi(&t);
	}
}

static void set_cpu_hi(struct trace_reader *r)
{
	struct trace_rec t = { .cpu = r->cpu };

	r->cpu_hi = rec_hi(&t);
}

int trace_native_start(struct trace_reader *r)
{
	struct trace_stream *s = &r->s;
	const uint8_t *h;
	unsigned version, hdr_len;
	uint32_t flags;
	int rc;

	while ((size_t)(s->end - s->p) < TRACE_NATIVE_HDR_LEN) {
		rc = trace_stream_more(s);
		if (rc < 0)
			return r->failed = sim_error_set(&r->err, rc, "%s: %s", r->name, s->why);
		if (rc == 0)
			return r->failed = sim_error_set(&r->err, SIM_E_TRUNCATED,
				"%s: truncated native trace: the file ends inside the header (%zu of %u bytes)",
				r->name, (size_t)(s->end - s->p), TRACE_NATIVE_HDR_LEN);
	}
	h = s->p;
	version = h[8] | (unsigned)h[9] << 8;
	hdr_len = h[10] | (unsigned)h[11] << 8;
	flags = h[12] | (uint32_t)h[13] << 8 | (uint32_t)h[14] << 16 | (uint32_t)h[15] << 24;
	if (version != TRACE_NATIVE_VERSION)
		return r->failed = sim_error_set(&r->err, SIM_E_UNSUPPORTED,
			"%s: native trace format version %u; this build reads version %u",
			r->name, version, TRACE_NATIVE_VERSION);
	if (hdr_len != TRACE_NATIVE_HDR_LEN)
		return r->failed = sim_error_set(&r->err, SIM_E_CORRUPT,
			"%s: native trace header length %u; version 1 has %u",
			r->name, hdr_len, TRACE_NATIVE_HDR_LEN);
	if (flags & ~TRACE_NATIVE_F_PHYS)
		return r->failed = sim_error_set(&r->err, SIM_E_UNSUPPORTED,
			"%s: native trace header flags 0x%08" PRIx32 " not understood",
			r->name, flags);
	r->phys_ok = flags & TRACE_NATIVE_F_PHYS;
	s->p += TRACE_NATIVE_HDR_LEN;
	build_op_tab(r);
	set_cpu_hi(r);
	/* A trace of no record at all (the end record first) is refused: it is
	 * nothing to simulate, and a result of zeros would look like one. */
	while (s->p == s->end) {
		rc = trace_stream_more(s);
		if (rc < 0)
			return native_fail(r, rc, s->p, s->why);
		if (rc == 0)
			return native_fail(r, SIM_E_TRUNCATED, s->p,
					   "truncated: the input ends without an end-of-trace record");
	}
	if (s->p[0] == TRACE_CTRL_OP(TRACE_CTRL_END))
		return r->failed = sim_error_set(&r->err, SIM_E_PARSE, "%s: a native trace without "
						 "a single record (its end-of-trace record comes "
						 "first): nothing to simulate", r->name);
	return 0;
}

/* After the END record: the stream must end here. */
static int check_tail(struct trace_reader *r)
{
	struct trace_stream *s = &r->s;
	int rc;

	while (s->p == s->end) {
		rc = trace_stream_more(s);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return native_fail(r, rc, s->p, s->why);
	}
	return native_fail(r, SIM_E_CORRUPT, s->p, "data after the end-of-trace record");
}

int trace_native_read(struct trace_reader *r, struct trace_rec *recs, size_t max)
{
	struct trace_stream *s = &r->s;
	size_t n = 0;
	int rc;

	while (n < max && !r->ended) {
		size_t k = decode_fast(r, recs + n, max - n);

		n += k;
		r->nfile += k;
		if (k) {
			r->after_access = true;
			r->last_va = recs[n - 1].va;
		}
		if (n == max)
			break;
		if (s->p < s->end) {
			rc = decode_one(r, recs + n);
			if (rc == 1) {
				n++;
				r->nfile++;
				continue;
			}
			if (rc == PHYS_OUT) {
				n++;
				continue;
			}
			if (rc == 0) {
				if (r->ended && check_tail(r) < 0)
					break;
				continue;
			}
			if (rc < 0)
				break;
		}
		/* The window ends inside a record, or is empty: refill. */
		rc = trace_stream_more(s);
		if (rc > 0)
			continue;
		if (rc < 0) {
			native_fail(r, rc, s->p, s->why);
			break;
		}
		if (s->p < s->end)
			native_fail(r, SIM_E_TRUNCATED, s->p,
				    "truncated: the input ends inside a record");
		else
			native_fail(r, SIM_E_TRUNCATED, s->p,
				    "truncated: the input ends without an end-of-trace record");
		break;
	}
	return (int)n;
}
