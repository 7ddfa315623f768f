/*
 * tests/test_champsim.c - Check suite of the ChampSim reader
 * (workloads/trace_champsim.c), the xz and bzip2 decoders
 * (workloads/trace_xdec.c) and the choice of format by name or option.
 *
 * The traces are written here, byte by byte, in the layout of
 * workloads/CHAMPSIM.md, and compressed with the zlib, libzstd, liblzma and
 * libbz2 APIs.  Truncation is tested at every byte: a plain ChampSim file
 * must give exactly the records of its whole records and then, unless it
 * ends on a record boundary, a truncation error naming the next record;
 * a cut compressed stream must give a correct prefix and an error.
 */
#include "autoconfig.h"

#include <bzlib.h>
#include <check.h>
#include <inttypes.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "workloads/trace.h"

#define MAXRECS 8192

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One standard record: ip, then src[4] and dst[2] (0 = empty slot). */
static void std_rec(uint8_t *r, uint64_t ip, const uint64_t src[4], const uint64_t dst[2])
{
	memset(r, 0, 64);
	put64(r, ip);
	r[8] = 1;               /* is_branch, registers: ignored */
	r[10] = 7;
	r[12] = 9;
	for (int i = 0; i < 2; i++)
		put64(r + 16 + 8 * i, dst[i]);
	for (int i = 0; i < 4; i++)
		put64(r + 32 + 8 * i, src[i]);
}

static void cloud_rec(uint8_t *r, uint64_t ip, const uint64_t src[4], const uint64_t dst[4],
		      uint8_t asid)
{
	memset(r, 0, 96);
	put64(r, ip);
	r[9] = 1;
	for (int i = 0; i < 4; i++)
		put64(r + 24 + 8 * i, dst[i]);
	for (int i = 0; i < 4; i++)
		put64(r + 56 + 8 * i, src[i]);
	r[88] = asid;
	r[89] = 0x55;           /* asid[1]: not the process */
}

static void assert_rec(const struct trace_rec *t, unsigned kind, uint64_t va)
{
	ck_assert_uint_eq(t->kind, kind);
	ck_assert_uint_eq(t->cpu, 0);
	if (kind == TRACE_CTX_SWITCH) {
		ck_assert_uint_eq(t->space, va);
	} else {
		ck_assert_uint_eq(t->va, va);
		ck_assert_uint_eq(t->size, 1);
	}
}

static size_t read_all(struct trace_reader *r, struct trace_rec *out, size_t batch, int *rc)
{
	size_t n = 0;
	int k;

	while ((k = trace_read(r, out + n, batch)) > 0) {
		n += (size_t)k;
		ck_assert_uint_le(n + batch, MAXRECS);
	}
	*rc = k;
	return n;
}

static struct trace_reader *open_mem(const void *buf, size_t len, const char *name,
				     enum trace_format fmt)
{
	struct trace_open_opts o = { .format = fmt };
	struct trace_reader *r = NULL;
	struct sim_error e = { 0 };
	int rc = trace_reader_open_mem_opts(&r, buf, len, name, &o, &e);

	ck_assert_msg(rc == 0, "open %s: %s", name, e.msg);
	return r;
}

START_TEST(standard_records)
{
	static const uint64_t s1[4] = { 0x1000, 0, 0x2000, 0x1000 }, d1[2] = { 0, 0x3000 };
	static const uint64_t s2[4] = { 0 }, d2[2] = { 0x5008, 0x5008 };
	static struct trace_rec out[MAXRECS];
	uint8_t buf[128];
	struct trace_reader *r;
	int rc;

	std_rec(buf, 0x400000, s1, d1);
	std_rec(buf + 64, 0x400004, s2, d2);
	r = open_mem(buf, sizeof(buf), "t", TRACE_FMT_CHAMPSIM);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_CHAMPSIM);
	ck_assert_uint_eq(read_all(r, out, 64, &rc), 8);
	ck_assert_int_eq(rc, 0);
	/* fetch, loads in index order (zeros skipped, repeats kept), stores */
	assert_rec(&out[0], TRACE_FETCH, 0x400000);
	assert_rec(&out[1], TRACE_LOAD, 0x1000);
	assert_rec(&out[2], TRACE_LOAD, 0x2000);
	assert_rec(&out[3], TRACE_LOAD, 0x1000);
	assert_rec(&out[4], TRACE_STORE, 0x3000);
	assert_rec(&out[5], TRACE_FETCH, 0x400004);
	assert_rec(&out[6], TRACE_STORE, 0x5008);
	assert_rec(&out[7], TRACE_STORE, 0x5008);
	ck_assert_uint_eq(trace_reader_champsim_records(r), 2);
	ck_assert_uint_eq(trace_reader_records(r), 8);
	trace_reader_close(r);
}
END_TEST

START_TEST(cloudsuite_records)
{
	static const uint64_t s[4] = { 0, 0, 0, 0x9000 }, d[4] = { 0, 0, 0, 0xa000 };
	static const uint64_t z[4] = { 0 };
	static struct trace_rec out[MAXRECS];
	uint8_t buf[4 * 96];
	struct trace_reader *r;
	int rc;

	cloud_rec(buf, 0x10, s, d, 0);          /* process 0: no switch first */
	cloud_rec(buf + 96, 0x14, z, z, 3);     /* switch to 3 */
	cloud_rec(buf + 192, 0x18, z, z, 3);    /* no switch */
	cloud_rec(buf + 288, 0x1c, z, z, 0);    /* back to 0 */
	r = open_mem(buf, sizeof(buf), "t", TRACE_FMT_CHAMPSIM_CS);
	ck_assert_uint_eq(read_all(r, out, 1, &rc), 8);
	ck_assert_int_eq(rc, 0);
	assert_rec(&out[0], TRACE_FETCH, 0x10);
	assert_rec(&out[1], TRACE_LOAD, 0x9000);
	assert_rec(&out[2], TRACE_STORE, 0xa000);
	assert_rec(&out[3], TRACE_CTX_SWITCH, 3);
	assert_rec(&out[4], TRACE_FETCH, 0x14);
	assert_rec(&out[5], TRACE_FETCH, 0x18);
	assert_rec(&out[6], TRACE_CTX_SWITCH, 0);
	assert_rec(&out[7], TRACE_FETCH, 0x1c);
	trace_reader_close(r);

	/* a first record of process 5 switches at once */
	cloud_rec(buf, 0x10, z, z, 5);
	r = open_mem(buf, 96, "t", TRACE_FMT_CHAMPSIM_CS);
	ck_assert_uint_eq(read_all(r, out, 16, &rc), 2);
	assert_rec(&out[0], TRACE_CTX_SWITCH, 5);
	assert_rec(&out[1], TRACE_FETCH, 0x10);
	trace_reader_close(r);
}
END_TEST

/* A file of @n pseudo-random standard or cloudsuite records. */
static uint8_t *make_file(unsigned n, bool cloud, size_t *len)
{
	size_t rl = cloud ? 96 : 64;
	uint8_t *b = malloc(n * rl);
	uint64_t x = 88172645463325252u;

	ck_assert_ptr_nonnull(b);
	for (unsigned i = 0; i < n; i++) {
		uint64_t s[4], d[4];

		for (int k = 0; k < 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[k] = x % 3 ? 0x10000 + (x >> 40) : 0;
			d[k] = x % 5 == 0 ? 0x20000 + (x >> 44) : 0;
		}
		if (cloud)
			cloud_rec(b + i * rl, 0x400000 + 4 * i, s, d, (uint8_t)(i / 7 % 3));
		else
			std_rec(b + i * rl, 0x400000 + 4 * i, s, d);
	}
	*len = n * rl;
	return b;
}

/* Every cut of a plain file: the records of the whole records, then a
 * truncation naming the next record (or a clean end on a boundary). */
static void cut_everywhere(bool cloud)
{
	static struct trace_rec all[MAXRECS], got[MAXRECS];
	enum trace_format fmt = cloud ? TRACE_FMT_CHAMPSIM_CS : TRACE_FMT_CHAMPSIM;
	size_t rl = cloud ? 96 : 64, len, nall;
	uint8_t *buf = make_file(12, cloud, &len);
	uint64_t prefix[13];
	struct trace_reader *r;
	int rc;

	/* the records of the whole file, and of each prefix of whole records */
	r = open_mem(buf, len, "whole", fmt);
	prefix[0] = 0;
	nall = read_all(r, all, 3, &rc);
	ck_assert_int_eq(rc, 0);
	trace_reader_close(r);
	for (unsigned k = 1; k <= 12; k++) {
		r = open_mem(buf, k * rl, "prefix", fmt);
		prefix[k] = read_all(r, got, 64, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_mem_eq(got, all, prefix[k] * sizeof(*got));
		ck_assert_uint_eq(trace_reader_champsim_records(r), k);
		trace_reader_close(r);
	}
	ck_assert_uint_eq(prefix[12], nall);
	for (size_t cut = 1; cut < len; cut++) {
		struct sim_error e = { 0 };
		struct trace_open_opts o = { .format = fmt };
		size_t whole = cut / rl;
		char want[64];
		size_t n;

		ck_assert_int_eq(trace_reader_open_mem_opts(&r, buf, cut, "cut", &o, &e), 0);
		for (size_t batch = 1; batch <= 7; batch += 6) {
			if (batch == 7) {
				trace_reader_close(r);
				ck_assert_int_eq(trace_reader_open_mem_opts(&r, buf, cut, "cut", &o, &e), 0);
			}
			n = read_all(r, got, batch, &rc);
			ck_assert_uint_eq(n, prefix[whole]);
			ck_assert_mem_eq(got, all, n * sizeof(*got));
			ck_assert_uint_eq(trace_reader_champsim_records(r), whole);
			if (cut % rl == 0) {
				ck_assert_int_eq(rc, 0);
			} else {
				ck_assert_int_eq(rc, SIM_E_TRUNCATED);
				snprintf(want, sizeof(want), "cut: record %zu ", whole + 1);
				ck_assert_msg(strstr(trace_reader_error(r)->msg, want),
					      "cut %zu: %s", cut, trace_reader_error(r)->msg);
				ck_assert_ptr_nonnull(strstr(trace_reader_error(r)->msg, "truncated"));
				/* sticky */
				ck_assert_int_eq(trace_read(r, got, 4), SIM_E_TRUNCATED);
			}
		}
		trace_reader_close(r);
	}
	/* no bytes at all */
	{
		struct sim_error e = { 0 };
		struct trace_open_opts o = { .format = fmt };

		ck_assert_int_eq(trace_reader_open_mem_opts(&r, buf, 0, "empty", &o, &e),
				 SIM_E_TRUNCATED);
		ck_assert_ptr_nonnull(strstr(e.msg, "empty"));
		ck_assert_ptr_null(r);
	}
	free(buf);
}

START_TEST(truncated_standard)
{
	cut_everywhere(false);
}
END_TEST

START_TEST(truncated_cloudsuite)
{
	cut_everywhere(true);
}
END_TEST

/* ---- compression ---------------------------------------------------------- */

enum comp { C_NONE, C_GZIP, C_ZSTD, C_XZ, C_BZIP2, C__COUNT };

static uint8_t *compress_buf(enum comp c, const uint8_t *in, size_t len, size_t *olen)
{
	size_t cap = len + len / 2 + 1024;
	uint8_t *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	switch (c) {
	case C_NONE:
		memcpy(out, in, len);
		*olen = len;
		break;
	case C_GZIP: {
		z_stream z = { 0 };

		ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
		*olen = cap - z.avail_out;
		deflateEnd(&z);
		break;
	}
	case C_ZSTD:
		*olen = ZSTD_compress(out, cap, in, len, 3);
		ck_assert(!ZSTD_isError(*olen));
		break;
	case C_XZ:
		*olen = 0;
		ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, in, len, out,
							 olen, cap), LZMA_OK);
		break;
	case C_BZIP2: {
		unsigned int n = (unsigned)cap;

		ck_assert_int_eq(BZ2_bzBuffToBuffCompress((char *)out, &n, (char *)(uintptr_t)in,
							  (unsigned)len, 9, 0, 0), BZ_OK);
		*olen = n;
		break;
	}
	default:
		ck_abort();
	}
	return out;
}

static const enum trace_compression comp_of[C__COUNT] = {
	TRACE_COMP_NONE, TRACE_COMP_GZIP, TRACE_COMP_ZSTD, TRACE_COMP_XZ, TRACE_COMP_BZIP2,
};

START_TEST(every_compression)
{
	static struct trace_rec ref[MAXRECS], got[MAXRECS];
	size_t len, nref;
	uint8_t *buf = make_file(300, _i & 1, &len);
	enum trace_format fmt = _i & 1 ? TRACE_FMT_CHAMPSIM_CS : TRACE_FMT_CHAMPSIM;
	struct trace_reader *r = open_mem(buf, len, "plain", fmt);
	int rc;

	nref = read_all(r, ref, 256, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_gt(nref, 600);
	trace_reader_close(r);
	for (int c = C_GZIP; c < C__COUNT; c++) {
		size_t clen, n;
		uint8_t *z = compress_buf((enum comp)c, buf, len, &clen);

		r = open_mem(z, clen, "z", fmt);
		ck_assert_int_eq(trace_reader_compression(r), comp_of[c]);
		n = read_all(r, got, 100, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(n, nref);
		ck_assert_mem_eq(got, ref, n * sizeof(*got));
		ck_assert_uint_eq(trace_reader_bytes_in(r), clen);
		trace_reader_close(r);
		free(z);
	}
	free(buf);
}
END_TEST

/* Two streams in a row read as one (cat a.xz b.xz), for xz and bzip2. */
START_TEST(concatenated_streams)
{
	static struct trace_rec ref[MAXRECS], got[MAXRECS];
	enum comp c = _i ? C_BZIP2 : C_XZ;
	size_t len, l1, l2, nref;
	uint8_t *buf = make_file(40, false, &len);
	uint8_t *a = compress_buf(c, buf, 64 * 25, &l1);
	uint8_t *b = compress_buf(c, buf + 64 * 25, len - 64 * 25, &l2);
	uint8_t *both = malloc(l1 + l2);
	struct trace_reader *r = open_mem(buf, len, "plain", TRACE_FMT_CHAMPSIM);
	int rc;

	nref = read_all(r, ref, 64, &rc);
	trace_reader_close(r);
	memcpy(both, a, l1);
	memcpy(both + l1, b, l2);
	r = open_mem(both, l1 + l2, "two", TRACE_FMT_CHAMPSIM);
	ck_assert_uint_eq(read_all(r, got, 64, &rc), nref);
	ck_assert_int_eq(rc, 0);
	ck_assert_mem_eq(got, ref, nref * sizeof(*got));
	trace_reader_close(r);
	/* garbage after the last stream is corrupt */
	{
		static const char junk[] = "garbage after the stream, not a new one";
		uint8_t *g = malloc(l1 + sizeof(junk));

		memcpy(g, a, l1);
		memcpy(g + l1, junk, sizeof(junk));
		struct trace_open_opts o = { .format = TRACE_FMT_CHAMPSIM };
		struct sim_error e = { 0 };

		rc = trace_reader_open_mem_opts(&r, g, l1 + sizeof(junk), "g", &o, &e);
		if (rc == 0) {
			read_all(r, got, 64, &rc);
			trace_reader_close(r);
		}
		ck_assert_int_eq(rc, SIM_E_CORRUPT);
		free(g);
	}
	free(a);
	free(b);
	free(both);
	free(buf);
}
END_TEST

/* Every cut of an xz and a bzip2 stream: a correct prefix, then an error
 * (a cut stream is never a clean end, even on a record boundary). */
START_TEST(truncated_compressed)
{
	static struct trace_rec ref[MAXRECS], got[MAXRECS];
	enum comp c = _i ? C_BZIP2 : C_XZ;
	size_t len, clen, nref;
	uint8_t *buf = make_file(30, false, &len);
	uint8_t *z = compress_buf(c, buf, len, &clen);
	struct trace_reader *r = open_mem(buf, len, "plain", TRACE_FMT_CHAMPSIM);
	int rc;

	nref = read_all(r, ref, 64, &rc);
	trace_reader_close(r);
	for (size_t cut = 1; cut < clen; cut++) {
		struct trace_open_opts o = { .format = TRACE_FMT_CHAMPSIM };
		struct sim_error e = { 0 };
		size_t n;

		rc = trace_reader_open_mem_opts(&r, z, cut, "cut", &o, &e);
		if (rc) {
			ck_assert_msg(rc == SIM_E_TRUNCATED || rc == SIM_E_CORRUPT, "cut %zu: %s", cut,
				      e.msg);
			ck_assert_ptr_nonnull(strstr(e.msg, c == C_XZ ? "xz" : "bzip2"));
			continue;
		}
		n = read_all(r, got, 64, &rc);
		ck_assert_msg(rc == SIM_E_TRUNCATED || rc == SIM_E_CORRUPT, "cut %zu of %zu: rc %d",
			      cut, clen, rc);
		ck_assert_uint_le(n, nref);
		ck_assert_mem_eq(got, ref, n * sizeof(*got));
		ck_assert_ptr_nonnull(strstr(trace_reader_error(r)->msg, "cut: record "));
		trace_reader_close(r);
	}
	free(z);
	free(buf);
}
END_TEST

START_TEST(corrupt_compressed)
{
	static struct trace_rec got[MAXRECS];
	enum comp c = _i ? C_BZIP2 : C_XZ;
	size_t len, clen;
	uint8_t *buf = make_file(30, false, &len);
	uint8_t *z = compress_buf(c, buf, len, &clen);
	struct trace_reader *r;
	int rc;

	z[clen / 2] ^= 0x5a;
	{
		struct trace_open_opts o = { .format = TRACE_FMT_CHAMPSIM };
		struct sim_error e = { 0 };

		/* the first window is decoded at open: the error may come there */
		rc = trace_reader_open_mem_opts(&r, z, clen, "bad", &o, &e);
		if (rc == 0) {
			read_all(r, got, 64, &rc);
			snprintf(e.msg, sizeof(e.msg), "%s", trace_reader_error(r)->msg);
			trace_reader_close(r);
		}
		ck_assert_int_eq(rc, SIM_E_CORRUPT);
		ck_assert_ptr_nonnull(strstr(e.msg, c == C_XZ ? "corrupt xz" : "corrupt bzip2"));
		ck_assert_ptr_nonnull(strstr(e.msg, "bad: record "));
	}
	free(z);
	free(buf);
}
END_TEST

/* ---- choosing the format -------------------------------------------------- */

START_TEST(format_by_name)
{
	static const struct { const char *name; enum trace_format fmt; } cases[] = {
		{ "600.perlbench_s-210B.champsimtrace.xz", TRACE_FMT_CHAMPSIM },
		{ "/data/dpc3/traces/605.mcf_s-472B.champsimtrace.xz", TRACE_FMT_CHAMPSIM },
		{ "cassandra_phase0_core0.cloudsuite.champsimtrace.xz", TRACE_FMT_CHAMPSIM_CS },
		{ "/traces/cloudsuite/nutch_phase1_core2.trace.xz", TRACE_FMT_AUTO },
		{ "nutch.cloudsuite.xz", TRACE_FMT_CHAMPSIM_CS },
		{ "/champsimtrace/ls.lk", TRACE_FMT_AUTO },     /* the directory does not count */
		{ "ls.lk", TRACE_FMT_AUTO },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(trace_format_by_name(cases[i].name) == cases[i].fmt, "%s",
			      cases[i].name);
}
END_TEST

START_TEST(format_names)
{
	for (int f = TRACE_FMT_AUTO; f < TRACE_FMT__COUNT; f++) {
		enum trace_format g;

		ck_assert_int_eq(trace_format_parse(trace_format_name((enum trace_format)f), &g), 0);
		ck_assert_int_eq(g, f);
	}
	{
		enum trace_format g = TRACE_FMT_NATIVE;

		ck_assert_int_eq(trace_format_parse("ChampSim", &g), SIM_E_INVAL);
		ck_assert_int_eq(g, TRACE_FMT_NATIVE);
	}
	ck_assert_str_eq(trace_compression_name(TRACE_COMP_XZ), "xz");
	ck_assert_str_eq(trace_compression_name(TRACE_COMP_BZIP2), "bzip2");
}
END_TEST

/* Open by name, through the file system and trace_reader_open(). */
START_TEST(open_by_name)
{
	static const uint64_t s[4] = { 0x1234, 0, 0, 0 }, d[2] = { 0 };
	static struct trace_rec got[MAXRECS];
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[512];
	uint8_t rec[64];
	struct trace_reader *r;
	struct trace_writer *w;
	struct sim_error e = { 0 };
	FILE *f;
	int rc;

	snprintf(dir, sizeof(dir), "%s/test_champsim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	std_rec(rec, 0x400000, s, d);
	snprintf(path, sizeof(path), "%s/x.champsimtrace", dir);
	f = fopen(path, "wb");
	fwrite(rec, 1, 64, f);
	fclose(f);
	ck_assert_int_eq(trace_reader_open(&r, path, &e), 0);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_CHAMPSIM);
	ck_assert_uint_eq(read_all(r, got, 8, &rc), 2);
	trace_reader_close(r);
	/* the same bytes under a neutral name are lackey text to the reader,
	 * which rejects them (binary, no record line) or finds no access */
	unlink(path);
	/* a native trace named like a ChampSim one is native */
	ck_assert_int_eq(trace_writer_open(&w, path, NULL, &e), 0);
	got[0] = trace_rec_access(TRACE_LOAD, 0, 0x40, 8);
	ck_assert_int_eq(trace_write(w, got, 1), 0);
	ck_assert_int_eq(trace_writer_finish(w), 0);
	trace_writer_close(w);
	ck_assert_int_eq(trace_reader_open(&r, path, &e), 0);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_NATIVE);
	ck_assert_uint_eq(read_all(r, got, 8, &rc), 1);
	trace_reader_close(r);
	/* but forced, it is read as ChampSim records */
	{
		struct trace_open_opts o = { .format = TRACE_FMT_CHAMPSIM };

		ck_assert_int_eq(trace_reader_open_opts(&r, path, &o, &e), 0);
		ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_CHAMPSIM);
		read_all(r, got, 8, &rc);
		ck_assert_int_eq(rc, SIM_E_TRUNCATED);
		trace_reader_close(r);
	}
	/* forcing native or lackey checks the content */
	{
		static const char text[] = "==1== x\nI  400000,4\n";
		struct trace_open_opts o = { .format = TRACE_FMT_LACKEY };

		sim_error_clear(&e);
		ck_assert_int_eq(trace_reader_open_opts(&r, path, &o, &e), SIM_E_PARSE);
		ck_assert_ptr_nonnull(strstr(e.msg, "--format lackey"));
		o.format = TRACE_FMT_NATIVE;
		sim_error_clear(&e);
		ck_assert_int_eq(trace_reader_open_mem_opts(&r, text, sizeof(text) - 1, "t", &o, &e),
				 SIM_E_PARSE);
		ck_assert_ptr_nonnull(strstr(e.msg, "--format native"));
		o.format = TRACE_FMT_LACKEY;
		ck_assert_int_eq(trace_reader_open_mem_opts(&r, text, sizeof(text) - 1, "t", &o, &e),
				 0);
		trace_reader_close(r);
	}
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *champsim_suite(void)
{
	Suite *s = suite_create("champsim");
	TCase *tc = tcase_create("reader");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, standard_records);
	tcase_add_test(tc, cloudsuite_records);
	tcase_add_test(tc, truncated_standard);
	tcase_add_test(tc, truncated_cloudsuite);
	tcase_add_loop_test(tc, every_compression, 0, 2);
	tcase_add_loop_test(tc, concatenated_streams, 0, 2);
	tcase_add_loop_test(tc, truncated_compressed, 0, 2);
	tcase_add_loop_test(tc, corrupt_compressed, 0, 2);
	tcase_add_test(tc, format_by_name);
	tcase_add_test(tc, format_names);
	tcase_add_test(tc, open_by_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(champsim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
