/*
 * tests/test_trace.c - Check suite for workloads/: the lackey parser, the
 * native format (writer and reader), compressed inputs and mmusim convert.
 *
 * Every test builds its own fixture (a fresh temporary directory) on the
 * stack; nothing is shared between tests.  Compressed inputs are made here
 * with the zlib and libzstd APIs.  Truncation is tested exhaustively: a
 * small native file, and small gzip and zstd streams, are cut at every byte
 * and each cut must either read the whole trace or report an error after
 * returning a correct prefix of the records.
 */
#include "autoconfig.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "sim/cmd.h"
#include "workloads/trace.h"

#define MAXRECS 4096

struct fixture {
	char dir[256];
	char path[512];
	struct sim_error err;
	struct trace_rec recs[MAXRECS];
};

static void fx_init(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/test_trace.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
	sim_error_clear(&fx->err);
}

static void fx_fini(struct fixture *fx)
{
	DIR *d = opendir(fx->dir);
	struct dirent *de;
	char p[1024];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(fx->dir);
}

/* fx->path = dir/name */
static const char *fx_path(struct fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static uint8_t *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Reads everything with batches of @batch; returns the count, *rc the last
 * trace_read() result (0 or an error). */
static size_t read_all(struct trace_reader *r, struct trace_rec *out, size_t cap, size_t batch,
		       int *rc)
{
	size_t n = 0;
	int k;

	for (;;) {
		size_t want = cap - n < batch ? cap - n : batch;

		if (want == 0) {
			struct trace_rec extra;

			/* Full: the trace must end (or fail) right here. */
			k = trace_read(r, &extra, 1);
			*rc = k > 0 ? 1 : k;
			return n;
		}
		k = trace_read(r, out + n, want);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	*rc = k;
	return n;
}

static struct trace_reader *open_ok(struct fixture *fx, const char *path)
{
	struct trace_reader *r = NULL;
	int rc = trace_reader_open(&r, path, &fx->err);

	ck_assert_msg(rc == 0, "open %s: %s", path, fx->err.msg);
	return r;
}

static void assert_access(const struct trace_rec *rec, unsigned kind, uint64_t va,
			  uint32_t size)
{
	ck_assert_uint_eq(rec->kind, kind);
	ck_assert_uint_eq(rec->va, va);
	ck_assert_uint_eq(rec->size, size);
	ck_assert_uint_eq(rec->cpu, 0);
	ck_assert_uint_eq(rec->rsvd, 0);
}

/* ------------------------------------------------------------------------ */
/* Lackey                                                                    */

static const char lackey_text[] =
	"==1234== Lackey, an example Valgrind tool\n"
	"==1234== Command: ./a.out\n"
	"\n"
	"I  0400d7d4,8\n"
	" L 04222cac,8\n"
	" S 04222cac,8\n"
	" M 0421c7f0,4\n"
	"I  0400d7dc,3\n"
	" L 00000ffe,8\n"            /* crosses a 4 KiB page: kept whole */
	" L 7ff0000ABCDEF010,16\n"
	"==1234== \n";

START_TEST(test_lackey_basic)
{
	struct fixture fx;
	struct trace_reader *r;
	size_t n;
	int rc;

	fx_init(&fx);
	write_bytes(fx_path(&fx, "t.lackey"), lackey_text, sizeof(lackey_text) - 1);
	r = open_ok(&fx, fx.path);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_LACKEY);
	ck_assert_int_eq(trace_reader_compression(r), TRACE_COMP_NONE);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 8);
	assert_access(&fx.recs[0], TRACE_FETCH, 0x0400d7d4, 8);
	assert_access(&fx.recs[1], TRACE_LOAD, 0x04222cac, 8);
	assert_access(&fx.recs[2], TRACE_STORE, 0x04222cac, 8);
	assert_access(&fx.recs[3], TRACE_LOAD, 0x0421c7f0, 4);   /* M: load ... */
	assert_access(&fx.recs[4], TRACE_STORE, 0x0421c7f0, 4);  /* ... then store */
	assert_access(&fx.recs[5], TRACE_FETCH, 0x0400d7dc, 3);
	assert_access(&fx.recs[6], TRACE_LOAD, 0xffe, 8);
	assert_access(&fx.recs[7], TRACE_LOAD, UINT64_C(0x7ff0000abcdef010), 16);
	ck_assert_uint_eq(trace_reader_ignored_lines(r), 4);
	ck_assert_uint_eq(trace_reader_lines(r), 11);
	ck_assert_uint_eq(trace_reader_records(r), 8);
	ck_assert_uint_eq(trace_reader_bytes_in(r), sizeof(lackey_text) - 1);
	/* The end is sticky and not an error. */
	ck_assert_int_eq(trace_read(r, fx.recs, 1), 0);
	ck_assert_int_eq(trace_reader_error(r)->code, 0);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

/* One record per call: the M line's store must come with the next call. */
START_TEST(test_lackey_batch_of_one)
{
	struct fixture fx;
	struct trace_reader *r;
	struct trace_rec all[16];
	size_t n, m;
	int rc;

	fx_init(&fx);
	write_bytes(fx_path(&fx, "t.lackey"), lackey_text, sizeof(lackey_text) - 1);
	r = open_ok(&fx, fx.path);
	n = read_all(r, all, 16, 16, &rc);
	trace_reader_close(r);
	r = open_ok(&fx, fx.path);
	m = read_all(r, fx.recs, MAXRECS, 1, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(m, n);
	ck_assert_int_eq(memcmp(all, fx.recs, n * sizeof(all[0])), 0);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_lackey_last_line_and_crlf)
{
	static const char text[] = "I  00001000,4\r\n S 2000,1  \n L 3000,2";
	struct fixture fx;
	struct trace_reader *r;
	size_t n;
	int rc;

	fx_init(&fx);
	ck_assert_int_eq(trace_reader_open_mem(&r, text, sizeof(text) - 1, "mem", &fx.err), 0);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 3);
	assert_access(&fx.recs[0], TRACE_FETCH, 0x1000, 4);
	assert_access(&fx.recs[1], TRACE_STORE, 0x2000, 1);
	assert_access(&fx.recs[2], TRACE_LOAD, 0x3000, 2);
	ck_assert_uint_eq(trace_reader_lines(r), 3);
	ck_assert_uint_eq(trace_reader_ignored_lines(r), 0);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

/* A real lackey run (valgrind --tool=lackey --trace-mem=yes /bin/true),
 * shortened: 106 I, 7 L, 20 S and 2 M lines, 25 other lines. */
START_TEST(test_lackey_sample_file)
{
	struct fixture fx;
	struct trace_reader *r;
	char path[1024];
	const char *srcdir = getenv("top_srcdir");
	size_t n;
	int rc;

	fx_init(&fx);
	snprintf(path, sizeof(path), "%s/tests/data/trace/true.lackey", srcdir ? srcdir : ".");
	r = open_ok(&fx, path);
	n = read_all(r, fx.recs, MAXRECS, 7, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 106 + 7 + 20 + 2 * 2);
	ck_assert_uint_eq(trace_reader_ignored_lines(r), 25);
	ck_assert_uint_eq(trace_reader_lines(r), 160);
	assert_access(&fx.recs[0], TRACE_FETCH, 0x0401ab70, 3);
	assert_access(&fx.recs[1], TRACE_FETCH, 0x0401ab73, 5);
	assert_access(&fx.recs[2], TRACE_STORE, UINT64_C(0x1fff000628), 8);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

struct bad_line {
	const char *text;
	uint64_t good;          /* records read before the error */
	const char *msg;        /* after "FILE:" */
};

static const struct bad_line bad_lines[] = {
	{ "I  0400d7d4,8\n L xyz,8\n", 1,
	  "2: malformed 'L' line: expected a hexadecimal address" },
	{ "==1== hi\n\n S 1000\n", 0,
	  "3: malformed 'S' line: expected ',' and a size after the address" },
	{ "I  1000,\n", 0, "1: malformed 'I' line: expected a decimal size after ','" },
	{ "I  1000,4\nI  1004,0\n", 1, "2: malformed 'I' line: size must be at least 1" },
	{ " M 1000,4 x\n", 0, "1: malformed 'M' line: unexpected text after the size" },
	{ " L 1000,4,\n", 0, "1: malformed 'L' line: unexpected text after the size" },
	{ " L 10g0,4\n", 0, "1: malformed 'L' line: expected ',' and a size after the address" },
	{ " L 11112222333344445,4\n", 0,
	  "1: malformed 'L' line: address has more than 16 hex digits" },
	{ " S 1000,99999999999\n", 0, "1: malformed 'S' line: size too large" },
	{ " S 1000,4294967296\n", 0, "1: malformed 'S' line: size too large" },
	{ "I  1000,4\n M 1000,4\n S 1000,-1\n", 3,
	  "3: malformed 'S' line: expected a decimal size after ','" },
	{ "I  1000,4\n L 2000", 1,
	  "2: malformed 'L' line: expected ',' and a size after the address" },
};

START_TEST(test_lackey_malformed)
{
	const struct bad_line *b = &bad_lines[_i];
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	size_t n;
	int rc;

	fx_init(&fx);
	write_bytes(fx_path(&fx, "bad.lackey"), b->text, strlen(b->text));
	snprintf(want, sizeof(want), "%s:%s", fx.path, b->msg);
	if (b->good == 0) {
		/* A malformed first access line: refused at open, same message. */
		ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_PARSE);
		ck_assert_ptr_null(r);
		ck_assert_str_eq(fx.err.msg, want);
		fx_fini(&fx);
		return;
	}
	r = open_ok(&fx, fx.path);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_PARSE);
	ck_assert_uint_eq(n, b->good);
	ck_assert_uint_eq(trace_reader_records(r), b->good);
	ck_assert_str_eq(trace_reader_error(r)->msg, want);
	/* The error is sticky. */
	ck_assert_int_eq(trace_read(r, fx.recs, 4), SIM_E_PARSE);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

/* Good records before a bad line come first; the error comes next call. */
START_TEST(test_lackey_error_after_good_records)
{
	static const char text[] = "I  1000,4\nI  1004,4\n L zz,8\n";
	struct fixture fx;
	struct trace_reader *r;

	fx_init(&fx);
	ck_assert_int_eq(trace_reader_open_mem(&r, text, sizeof(text) - 1, "x", &fx.err), 0);
	ck_assert_int_eq(trace_read(r, fx.recs, 10), 2);
	ck_assert_int_eq(trace_read(r, fx.recs, 10), SIM_E_PARSE);
	ck_assert_str_eq(trace_reader_error(r)->msg,
			 "x:3: malformed 'L' line: expected a hexadecimal address");
	ck_assert_uint_eq(trace_reader_records(r), 2);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

/* An ignored line longer than the reader's buffer is skipped whole. */
START_TEST(test_lackey_huge_ignored_line)
{
	size_t big = (3u << 20) + 17, len;
	char *text = malloc(big + 64);
	struct fixture fx;
	struct trace_reader *r;
	size_t n;
	int rc;

	fx_init(&fx);
	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "I  1000,4\n==1== ");
	memset(text + len, 'x', big);
	len += big;
	len += (size_t)sprintf(text + len, "\n S 2000,8\n");
	write_bytes(fx_path(&fx, "big.lackey"), text, len);
	r = open_ok(&fx, fx.path);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 2);
	assert_access(&fx.recs[1], TRACE_STORE, 0x2000, 8);
	ck_assert_uint_eq(trace_reader_ignored_lines(r), 1);
	ck_assert_uint_eq(trace_reader_lines(r), 3);
	trace_reader_close(r);
	free(text);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_lackey_from_pipe)
{
	struct fixture fx;
	struct trace_reader *r;
	int fds[2];
	size_t n;
	int rc;

	fx_init(&fx);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], lackey_text, sizeof(lackey_text) - 1),
			 (ssize_t)sizeof(lackey_text) - 1);
	close(fds[1]);
	ck_assert_int_eq(trace_reader_open_fd(&r, fds[0], true, "<stdin>", &fx.err), 0);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 8);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_open_errors)
{
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];

	fx_init(&fx);
	ck_assert_int_eq(trace_reader_open(&r, fx_path(&fx, "missing"), &fx.err), SIM_E_IO);
	ck_assert_ptr_null(r);
	snprintf(want, sizeof(want), "%s: cannot open: %s", fx.path, strerror(ENOENT));
	ck_assert_str_eq(fx.err.msg, want);

	sim_error_clear(&fx.err);
	write_bytes(fx_path(&fx, "empty"), "", 0);
	ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s: empty input: neither a native trace nor lackey output",
		 fx.path);
	ck_assert_str_eq(fx.err.msg, want);
	fx_fini(&fx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Native format                                                             */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return g->s;
}

/* A mixed trace exercising every encoding: small and huge deltas, odd
 * sizes (escaped), several CPUs and every control record. */
static size_t make_mixed(struct trace_rec *out, size_t n, uint64_t seed)
{
	struct rng g = { seed };
	static const uint32_t odd_sizes[] = { 3, 12, 128, 4096, 70000, UINT32_MAX };
	uint64_t va[4] = { 0x400000, 0x7fff0000, 0xffff800000001000, 0 };

	for (size_t i = 0; i < n; i++) {
		uint64_t x = rng_next(&g);
		uint16_t cpu = (x >> 60) == 0 ? (uint16_t)((x >> 8) % 3) : (x >> 58) == 1 ? 65535 : 0;
		unsigned what = (unsigned)(x % 100);
		uint64_t a;

		if (what < 85) {
			unsigned kind = (unsigned)((x >> 16) % 3);
			uint32_t size = (x >> 20) % 4 ? (uint32_t)1 << ((x >> 24) % 4) :
				odd_sizes[(x >> 28) % 6];

			switch ((x >> 32) % 4) {
			case 0:
				a = va[kind] + 4;
				break;
			case 1:
				a = va[kind] - ((x >> 36) & 0xfff);
				break;
			case 2:
				a = rng_next(&g);       /* any 64-bit VA: 8-byte deltas */
				break;
			default:
				a = va[kind] + ((x >> 36) & 0xffffff);
				break;
			}
			va[kind] = a;
			if (kind == TRACE_FETCH)
				size = (x >> 20) % 8 ? 4 : size;
			out[i] = trace_rec_access((enum trace_kind)kind, cpu, a, size);
		} else if (what < 90) {
			out[i] = trace_rec_ctx_switch(cpu, (uint32_t)(x >> 20));
		} else if (what < 93) {
			out[i] = trace_rec_vm_switch(cpu, (x >> 40) & 1 ? UINT32_MAX : (uint32_t)(x >> 8));
		} else {
			out[i] = trace_rec_tlbi(cpu, (enum tlbi_op)((x >> 8) % TLBI__COUNT),
						(x >> 16) & 1 ? TLBI_F_IS : 0, (uint16_t)(x >> 24),
						rng_next(&g));
		}
	}
	return n;
}

static void write_native(struct fixture *fx, const char *path, const struct trace_rec *recs,
			 size_t n, bool zstd)
{
	struct trace_writer_opts o = { .zstd = zstd };
	struct trace_writer *w;

	ck_assert_msg(trace_writer_open(&w, path, &o, &fx->err) == 0, "%s", fx->err.msg);
	ck_assert_int_eq(trace_write(w, recs, n), 0);
	ck_assert_msg(trace_writer_finish(w) == 0, "%s", trace_writer_error(w)->msg);
	ck_assert_uint_eq(trace_writer_records(w), n);
	trace_writer_close(w);
}

START_TEST(test_native_round_trip)
{
	struct fixture fx;
	struct trace_rec *orig = malloc(MAXRECS * sizeof(*orig));
	struct trace_reader *r;
	size_t n, got;
	int rc;

	fx_init(&fx);
	n = make_mixed(orig, MAXRECS, 0x1234567);
	write_native(&fx, fx_path(&fx, "t.mmt"), orig, n, false);
	r = open_ok(&fx, fx.path);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_NATIVE);
	got = read_all(r, fx.recs, MAXRECS, 333, &rc);
	ck_assert_msg(rc == 0, "%s", trace_reader_error(r)->msg);
	ck_assert_uint_eq(got, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!memcmp(&orig[i], &fx.recs[i], sizeof(orig[i])), "record %zu differs", i);
	ck_assert_uint_eq(trace_reader_ignored_lines(r), 0);
	trace_reader_close(r);
	free(orig);
	fx_fini(&fx);
}
END_TEST

/* Typical accesses are small: sequential fetches take 1 byte, near data 2. */
START_TEST(test_native_sizes)
{
	struct fixture fx;
	struct trace_rec recs[4];
	uint8_t *buf;
	size_t len;

	fx_init(&fx);
	recs[0] = trace_rec_access(TRACE_FETCH, 0, 0, 4);      /* predicted 0: 1 byte */
	recs[1] = trace_rec_access(TRACE_FETCH, 0, 4, 4);      /* sequential: 1 byte */
	recs[2] = trace_rec_access(TRACE_LOAD, 0, 0x40, 8);    /* delta 64: 2 bytes */
	recs[3] = trace_rec_access(TRACE_STORE, 0, 0x40, 8);   /* delta -8: 2 bytes */
	write_native(&fx, fx_path(&fx, "s.mmt"), recs, 4, false);
	buf = read_bytes(fx.path, &len);
	/* header 16 + records 1+1+2+2 + end record 2 */
	ck_assert_uint_eq(len, 16 + 6 + 2);
	ck_assert_int_eq(memcmp(buf, "\x89MMUTR\r\n\x01\x00\x10\x00\x00\x00\x00\x00", 16), 0);
	ck_assert_uint_eq(buf[16], 0x02 | 3 << 2);             /* fetch, size code 3 (4) */
	ck_assert_uint_eq(buf[18], 0x00 | 3 << 2 | 1 << 5);    /* load, 8 bytes, 1 delta byte */
	ck_assert_uint_eq(buf[19], 0x80);                      /* zigzag(64) */
	ck_assert_uint_eq(buf[21], 0x0f);                      /* zigzag(-8) */
	ck_assert_uint_eq(buf[22], 0x03);                      /* END */
	ck_assert_uint_eq(buf[23], 4);                         /* record count */
	free(buf);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_native_control_records)
{
	struct fixture fx;
	struct trace_rec recs[2 * TLBI__COUNT + 8];
	struct trace_reader *r;
	size_t n = 0, got;
	int rc;

	fx_init(&fx);
	for (unsigned op = 0; op < TLBI__COUNT; op++) {
		recs[n++] = trace_rec_tlbi((uint16_t)op, (enum tlbi_op)op, 0, (uint16_t)(op * 7),
					   UINT64_C(0xffff000000000000) >> op);
		recs[n++] = trace_rec_tlbi(1, (enum tlbi_op)op, TLBI_F_IS, 0xffff, UINT64_MAX);
	}
	recs[n++] = trace_rec_ctx_switch(0, 0);
	recs[n++] = trace_rec_ctx_switch(65535, UINT32_MAX);
	recs[n++] = trace_rec_vm_switch(3, 0);
	recs[n++] = trace_rec_vm_switch(3, UINT32_MAX);
	recs[n++] = trace_rec_access(TRACE_LOAD, 65535, UINT64_MAX, UINT32_MAX);
	recs[n++] = trace_rec_access(TRACE_FETCH, 65535, 0, 1);
	recs[n++] = trace_rec_access(TRACE_STORE, 2, UINT64_C(1) << 63, 64);
	recs[n++] = trace_rec_tlbi(0, TLBI_VMALLE1, 0, 0, 0);
	write_native(&fx, fx_path(&fx, "c.mmt"), recs, n, false);
	r = open_ok(&fx, fx.path);
	got = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!memcmp(&recs[i], &fx.recs[i], sizeof(recs[i])), "record %zu differs", i);
	ck_assert_uint_eq(fx.recs[1].kind, TRACE_TLBI);
	ck_assert_uint_eq(fx.recs[1].tlbi.flags, TLBI_F_IS);
	ck_assert_uint_eq(fx.recs[1].tlbi.asid, 0xffff);
	ck_assert_uint_eq(fx.recs[2 * TLBI__COUNT + 1].space, UINT32_MAX);
	ck_assert_uint_eq(fx.recs[2 * TLBI__COUNT + 1].cpu, 65535);
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_writer_rejects_bad_records)
{
	struct fixture fx;
	struct trace_writer *w;
	struct trace_rec bad[5];
	char want[1024];

	fx_init(&fx);
	bad[0] = trace_rec_access(TRACE_LOAD, 0, 0x1000, 0);
	bad[1] = trace_rec_tlbi(0, TLBI__COUNT, 0, 0, 0);
	bad[2] = trace_rec_tlbi(0, TLBI_VAE1, 0x80, 0, 0);
	bad[3] = trace_rec_ctx_switch(0, 1);
	bad[3].va = 5;
	bad[4] = trace_rec_access(TRACE_LOAD, 0, 0x1000, 4);
	bad[4].kind = TRACE_KIND__COUNT;
	static const char *const why[] = {
		"access size 0", "unknown TLBI operation", "unknown TLBI flags",
		"context or VM switch with a nonzero address field", "unknown record kind",
	};
	for (unsigned i = 0; i < 5; i++) {
		struct trace_rec good = trace_rec_access(TRACE_LOAD, 0, 0x1000, 4);

		ck_assert_int_eq(trace_writer_open(&w, fx_path(&fx, "w.mmt"), NULL, &fx.err), 0);
		ck_assert_int_eq(trace_write(w, &good, 1), 0);
		ck_assert_int_eq(trace_write(w, &bad[i], 1), SIM_E_INVAL);
		snprintf(want, sizeof(want), "%s: record 2: %s", fx.path, why[i]);
		ck_assert_str_eq(trace_writer_error(w)->msg, want);
		ck_assert_int_eq(trace_writer_finish(w), SIM_E_INVAL);
		trace_writer_close(w);
	}
	fx_fini(&fx);
}
END_TEST

/*
 * Cuts @buf at every length.  Each cut must either read all @n records or
 * fail (at open or while reading) with one of the allowed codes after
 * returning a correct prefix of @orig.
 */
static void check_every_cut(struct fixture *fx, const uint8_t *buf, size_t len,
			    const struct trace_rec *orig, size_t n, int allowed1, int allowed2)
{
	for (size_t cut = 0; cut <= len; cut++) {
		struct trace_reader *r;
		size_t got;
		int rc;

		sim_error_clear(&fx->err);
		rc = trace_reader_open_mem(&r, buf, cut, "cut", &fx->err);
		if (rc < 0) {
			ck_assert_msg(cut < len, "full input failed to open: %s", fx->err.msg);
			ck_assert_msg(rc == allowed1 || rc == allowed2, "cut %zu: open: %s", cut,
				      fx->err.msg);
			continue;
		}
		got = read_all(r, fx->recs, MAXRECS, 61, &rc);
		ck_assert_uint_le(got, n);
		ck_assert_msg(!memcmp(fx->recs, orig, got * sizeof(*orig)),
			      "cut %zu: wrong records", cut);
		if (cut == len) {
			ck_assert_msg(rc == 0, "full input: %s", trace_reader_error(r)->msg);
			ck_assert_uint_eq(got, n);
		} else {
			ck_assert_msg(rc == allowed1 || rc == allowed2,
				      "cut %zu of %zu: rc %d after %zu records (%s)", cut, len, rc, got,
				      trace_reader_error(r)->msg);
			ck_assert_uint_eq(trace_reader_records(r), got);
		}
		trace_reader_close(r);
	}
}

START_TEST(test_native_truncated_every_byte)
{
	struct fixture fx;
	struct trace_rec orig[60];
	uint8_t *buf;
	size_t len;

	fx_init(&fx);
	make_mixed(orig, 60, 99);
	write_native(&fx, fx_path(&fx, "t.mmt"), orig, 60, false);
	buf = read_bytes(fx.path, &len);
	check_every_cut(&fx, buf, len, orig, 60, SIM_E_TRUNCATED, SIM_E_TRUNCATED);
	free(buf);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_native_truncated_messages)
{
	struct fixture fx;
	struct trace_rec recs[3];
	struct trace_reader *r;
	char want[1024];
	uint8_t *buf;
	size_t len;
	int rc;

	fx_init(&fx);
	recs[0] = trace_rec_access(TRACE_FETCH, 0, 0x1000, 4);
	recs[1] = trace_rec_access(TRACE_LOAD, 0, UINT64_C(0x7fff00001000), 8);
	recs[2] = trace_rec_access(TRACE_LOAD, 0, UINT64_C(0x7fff00001008), 8);
	write_native(&fx, fx_path(&fx, "t.mmt"), recs, 3, false);
	buf = read_bytes(fx.path, &len);

	/* Without the end record (2 bytes). */
	write_bytes(fx_path(&fx, "noend.mmt"), buf, len - 2);
	r = open_ok(&fx, fx.path);
	read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s: record 4 (byte offset %zu): truncated: the input ends "
		 "without an end-of-trace record", fx.path, len - 2);
	ck_assert_str_eq(trace_reader_error(r)->msg, want);
	ck_assert_uint_eq(trace_reader_records(r), 3);
	trace_reader_close(r);

	/* Inside record 2 (fetch 3 bytes at 16, then the load's opcode at 19). */
	write_bytes(fx_path(&fx, "cut.mmt"), buf, 21);
	r = open_ok(&fx, fx.path);
	read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s: record 2 (byte offset 19): truncated: the input ends "
		 "inside a record", fx.path);
	ck_assert_str_eq(trace_reader_error(r)->msg, want);
	trace_reader_close(r);

	/* Inside the header. */
	write_bytes(fx_path(&fx, "hdr.mmt"), buf, 11);
	ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s: truncated native trace: the file ends inside the header "
		 "(11 of 16 bytes)", fx.path);
	ck_assert_str_eq(fx.err.msg, want);
	free(buf);
	fx_fini(&fx);
}
END_TEST

/* Native files damaged in ways other than truncation. */
START_TEST(test_native_corrupt)
{
	struct fixture fx;
	struct trace_rec recs[2];
	struct trace_reader *r;
	uint8_t *buf, *copy;
	size_t len;
	int rc;

	fx_init(&fx);
	recs[0] = trace_rec_access(TRACE_FETCH, 0, 0x1000, 4);
	recs[1] = trace_rec_access(TRACE_FETCH, 0, 0x1004, 4);
	write_native(&fx, fx_path(&fx, "t.mmt"), recs, 2, false);
	buf = read_bytes(fx.path, &len);
	ck_assert_uint_eq(len, 22);  /* header, 3 + 1 record bytes, END 2 */
	copy = malloc(len + 4);

	memcpy(copy, buf, len);
	copy[3] = 'X';          /* magic */
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), SIM_E_CORRUPT);
	ck_assert_str_eq(fx.err.msg, "m: bad magic: not an mmusim native trace");

	memcpy(copy, buf, len);
	copy[8] = 2;            /* version */
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), SIM_E_UNSUPPORTED);
	ck_assert_str_eq(fx.err.msg, "m: native trace format version 2; this build reads version 1");

	memcpy(copy, buf, len);
	copy[13] = 1;           /* header flags */
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), SIM_E_UNSUPPORTED);
	ck_assert_str_eq(fx.err.msg, "m: native trace header flags 0x00000100 not understood");

	memcpy(copy, buf, len);
	copy[19] = 0x03 | 9 << 2;       /* unknown control opcode as record 2 */
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), 0);
	ck_assert_int_eq(trace_read(r, fx.recs, 10), 1);
	ck_assert_int_eq(trace_read(r, fx.recs, 10), SIM_E_CORRUPT);
	ck_assert_str_eq(trace_reader_error(r)->msg,
			 "m: record 2 (byte offset 19): unknown opcode 0x27");
	trace_reader_close(r);

	memcpy(copy, buf, len);
	copy[21] = 3;           /* END says 3 records */
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), 0);
	read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_CORRUPT);
	ck_assert_str_eq(trace_reader_error(r)->msg, "m: record 3 (byte offset 20): "
			 "end-of-trace record counts 3 records but 2 were read");
	trace_reader_close(r);

	memcpy(copy, buf, len);
	copy[len] = 0x0e;       /* a byte after END */
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len + 1, "m", &fx.err), 0);
	read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_CORRUPT);
	ck_assert_str_eq(trace_reader_error(r)->msg,
			 "m: record 3 (byte offset 22): data after the end-of-trace record");
	trace_reader_close(r);

	memcpy(copy, buf, len);
	copy[16] = 0x02 | 7 << 2 | 1 << 5;      /* escaped access with length bits */
	ck_assert_int_eq(trace_reader_open_mem(&r, copy, len, "m", &fx.err), 0);
	read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, SIM_E_CORRUPT);
	ck_assert_str_eq(trace_reader_error(r)->msg,
			 "m: record 1 (byte offset 16): escaped access with nonzero length bits");
	trace_reader_close(r);

	free(copy);
	free(buf);
	fx_fini(&fx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Compressed input                                                          */

/* gzip-compresses @src (one member) into a malloc'd buffer. */
static uint8_t *gzip_buf(const void *src, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 64;
	uint8_t *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static uint8_t *zstd_buf(const void *src, size_t len, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(len);
	uint8_t *out = malloc(cap);
	size_t n = ZSTD_compress(out, cap, src, len, 3);

	ck_assert(!ZSTD_isError(n));
	*out_len = n;
	return out;
}

START_TEST(test_compressed_lackey)
{
	struct fixture fx;
	struct trace_rec plain[16];
	struct trace_reader *r;
	size_t n, clen, got;
	uint8_t *c;
	int rc;

	fx_init(&fx);
	ck_assert_int_eq(trace_reader_open_mem(&r, lackey_text, sizeof(lackey_text) - 1, "p",
					       &fx.err), 0);
	n = read_all(r, plain, 16, 16, &rc);
	trace_reader_close(r);
	ck_assert_uint_eq(n, 8);

	for (int z = 0; z < 2; z++) {
		c = z ? zstd_buf(lackey_text, sizeof(lackey_text) - 1, &clen)
		      : gzip_buf(lackey_text, sizeof(lackey_text) - 1, &clen);
		write_bytes(fx_path(&fx, z ? "t.zst" : "t.gz"), c, clen);
		r = open_ok(&fx, fx.path);
		ck_assert_int_eq(trace_reader_compression(r), z ? TRACE_COMP_ZSTD : TRACE_COMP_GZIP);
		ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_LACKEY);
		got = read_all(r, fx.recs, MAXRECS, 4, &rc);
		ck_assert_msg(rc == 0, "%s", trace_reader_error(r)->msg);
		ck_assert_uint_eq(got, n);
		ck_assert_int_eq(memcmp(plain, fx.recs, n * sizeof(plain[0])), 0);
		ck_assert_uint_eq(trace_reader_ignored_lines(r), 4);
		ck_assert_uint_eq(trace_reader_bytes_in(r), clen);
		trace_reader_close(r);

		/* The same from memory, cut at every byte: never a crash, never a
		 * wrong record, always an error unless complete. */
		check_every_cut(&fx, c, clen, plain, n, SIM_E_TRUNCATED, SIM_E_CORRUPT);
		free(c);
	}
	fx_fini(&fx);
}
END_TEST

/* A compressed stream missing its end names the file and the line reached. */
START_TEST(test_compressed_truncated_message)
{
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	size_t clen, got;
	uint8_t *c;
	int rc;

	fx_init(&fx);
	c = gzip_buf(lackey_text, sizeof(lackey_text) - 1, &clen);
	/* Drop the 8-byte gzip trailer: all text decodes, the stream is cut. */
	write_bytes(fx_path(&fx, "t.gz"), c, clen - 8);
	r = open_ok(&fx, fx.path);
	got = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_uint_eq(got, 8);
	ck_assert_int_eq(rc, SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s:12: truncated gzip stream (the input ends inside it)",
		 fx.path);
	ck_assert_str_eq(trace_reader_error(r)->msg, want);
	trace_reader_close(r);
	free(c);

	c = zstd_buf(lackey_text, sizeof(lackey_text) - 1, &clen);
	/* A small zstd frame is one block: cut, it yields nothing at all. */
	write_bytes(fx_path(&fx, "t.zst"), c, clen / 2);
	ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_TRUNCATED);
	snprintf(want, sizeof(want), "%s: at the start of the input: truncated zstd stream "
		 "(the input ends inside a frame)", fx.path);
	ck_assert_str_eq(fx.err.msg, want);
	free(c);

	/* Corrupt deflate data: an error, never a crash. */
	c = gzip_buf(lackey_text, sizeof(lackey_text) - 1, &clen);
	for (size_t i = 12; i < clen - 8; i += 3)
		c[i] ^= 0x5a;
	sim_error_clear(&fx.err);
	rc = trace_reader_open_mem(&r, c, clen, "g", &fx.err);
	ck_assert_msg(rc == 0 || rc == SIM_E_CORRUPT, "%d %s", rc, fx.err.msg);
	if (rc == 0) {
		read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
		ck_assert_int_lt(rc, 0);
		trace_reader_close(r);
	}
	free(c);
	fx_fini(&fx);
}
END_TEST

START_TEST(test_compressed_native)
{
	struct fixture fx;
	struct trace_rec *orig = malloc(MAXRECS * sizeof(*orig));
	struct trace_reader *r;
	uint8_t *raw, *c, *two;
	size_t len, clen, got;
	int rc;

	fx_init(&fx);
	make_mixed(orig, 500, 7);
	write_native(&fx, fx_path(&fx, "t.mmt"), orig, 500, false);
	raw = read_bytes(fx.path, &len);

	/* The writer's own zstd output. */
	write_native(&fx, fx_path(&fx, "w.mmt.zst"), orig, 500, true);
	r = open_ok(&fx, fx.path);
	ck_assert_int_eq(trace_reader_compression(r), TRACE_COMP_ZSTD);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_NATIVE);
	got = read_all(r, fx.recs, MAXRECS, 100, &rc);
	ck_assert_msg(rc == 0, "%s", trace_reader_error(r)->msg);
	ck_assert_uint_eq(got, 500);
	ck_assert_int_eq(memcmp(orig, fx.recs, 500 * sizeof(*orig)), 0);
	trace_reader_close(r);

	/* gzip of a native trace, cut everywhere. */
	c = gzip_buf(raw, len, &clen);
	check_every_cut(&fx, c, clen, orig, 500, SIM_E_TRUNCATED, SIM_E_CORRUPT);

	/* Two gzip members in a row are one stream: here a native trace split
	 * in two, so only the concatenation is complete. */
	{
		size_t c1len, c2len;
		uint8_t *c1 = gzip_buf(raw, len / 2, &c1len);
		uint8_t *c2 = gzip_buf(raw + len / 2, len - len / 2, &c2len);

		two = malloc(c1len + c2len);
		memcpy(two, c1, c1len);
		memcpy(two + c1len, c2, c2len);
		ck_assert_int_eq(trace_reader_open_mem(&r, two, c1len + c2len, "two", &fx.err), 0);
		got = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
		ck_assert_msg(rc == 0, "%s", trace_reader_error(r)->msg);
		ck_assert_uint_eq(got, 500);
		ck_assert_int_eq(memcmp(orig, fx.recs, 500 * sizeof(*orig)), 0);
		trace_reader_close(r);
		free(c1);
		free(c2);
		free(two);
	}
	free(c);

	/* zstd (library-made) of a native trace, cut everywhere. */
	c = zstd_buf(raw, len, &clen);
	check_every_cut(&fx, c, clen, orig, 500, SIM_E_TRUNCATED, SIM_E_CORRUPT);
	free(c);
	free(raw);
	free(orig);
	fx_fini(&fx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* mmusim convert                                                            */

static int run_convert(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[6] = { (char *)"convert", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	int argc = 1;

	while (argc < 5 && argv[argc])
		argc++;
	return cmd_convert(argc, argv);
}

static unsigned count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_convert)
{
	struct fixture fx;
	struct trace_reader *r;
	char in[600], out[600];
	size_t n;
	int rc;

	fx_init(&fx);
	snprintf(in, sizeof(in), "%s", fx_path(&fx, "in.lackey"));
	write_bytes(in, lackey_text, sizeof(lackey_text) - 1);
	snprintf(out, sizeof(out), "%s", fx_path(&fx, "out.mmt"));
	ck_assert_int_eq(run_convert("--quiet", in, out, NULL), 0);
	r = open_ok(&fx, out);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_NATIVE);
	ck_assert_int_eq(trace_reader_compression(r), TRACE_COMP_NONE);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 8);
	assert_access(&fx.recs[4], TRACE_STORE, 0x0421c7f0, 4);
	trace_reader_close(r);

	/* By name: zstd output. */
	snprintf(out, sizeof(out), "%s", fx_path(&fx, "out.mmt.zst"));
	ck_assert_int_eq(run_convert("-q", in, out, NULL), 0);
	r = open_ok(&fx, out);
	ck_assert_int_eq(trace_reader_compression(r), TRACE_COMP_ZSTD);
	ck_assert_uint_eq(read_all(r, fx.recs, MAXRECS, MAXRECS, &rc), 8);
	trace_reader_close(r);
	ck_assert_uint_eq(count_files(fx.dir), 3);

	/* Bad input: exit 2, no output, no temporary file left behind. */
	write_bytes(in, "I  1000,4\n L 12,x\n", 18);
	snprintf(out, sizeof(out), "%s", fx_path(&fx, "bad.mmt"));
	ck_assert_int_eq(run_convert(in, out, NULL, NULL), EXIT_USAGE);
	ck_assert_int_eq(access(out, F_OK), -1);
	ck_assert_uint_eq(count_files(fx.dir), 3);

	/* Usage. */
	ck_assert_int_eq(run_convert("--help", NULL, NULL, NULL), 0);
	ck_assert_int_eq(run_convert(in, NULL, NULL, NULL), EXIT_USAGE);
	ck_assert_int_eq(run_convert("--bogus", in, out, NULL), EXIT_USAGE);
	ck_assert_int_eq(run_convert("--level", "99", in, out), EXIT_USAGE);
	ck_assert_int_eq(run_convert(fx_path(&fx, "missing"), out, NULL, NULL), EXIT_USAGE);
	ck_assert_uint_eq(count_files(fx.dir), 3);
	fx_fini(&fx);
}
END_TEST

/* The checked-in native sample must keep decoding to the lackey sample's
 * records: it pins the format (a decoder change that breaks old files
 * fails here). */
START_TEST(test_native_sample_file)
{
	struct fixture fx;
	struct trace_rec *a = malloc(MAXRECS * sizeof(*a));
	struct trace_reader *r;
	const char *srcdir = getenv("top_srcdir");
	char path[1024];
	size_t n, m;
	int rc;

	fx_init(&fx);
	snprintf(path, sizeof(path), "%s/tests/data/trace/true.lackey", srcdir ? srcdir : ".");
	r = open_ok(&fx, path);
	n = read_all(r, a, MAXRECS, MAXRECS, &rc);
	trace_reader_close(r);
	snprintf(path, sizeof(path), "%s/tests/data/trace/true.mmt", srcdir ? srcdir : ".");
	r = open_ok(&fx, path);
	ck_assert_int_eq(trace_reader_format(r), TRACE_FMT_NATIVE);
	m = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(m, n);
	ck_assert_int_eq(memcmp(a, fx.recs, n * sizeof(*a)), 0);
	trace_reader_close(r);
	free(a);
	fx_fini(&fx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Input that is not a trace                                                 */

#define EXPECTED_TRACE "expected Valgrind lackey output (valgrind --tool=lackey " \
	"--trace-mem=yes) or an mmusim native trace"
#define EXPECTED_LACKEY "expected the output of valgrind --tool=lackey --trace-mem=yes"

struct not_trace {
	const char *text;
	size_t len;             /* 0: strlen(text) */
	const char *msg;        /* after the name */
	const char *gz_msg;     /* gzip-compressed, if it differs */
};

static const struct not_trace not_traces[] = {
	{ "mmusim - a simulator\n\nSome words.\n", 0,
	  ": no trace record in 3 lines of text (line 1: 'mmusim - a simulator'): "
	  EXPECTED_TRACE, NULL },
	{ "# A workload\n\n[workload]\ncpus = 1\n", 0,
	  ": no trace record in 4 lines of an INI file (line 3: '[workload]'; a workload or a "
	  "configuration?): " EXPECTED_TRACE, NULL },
	/* lackey's own summary lines, its banner cut off */
	{ "==5== Counted 0 calls to main()\n==5==   guest instrs:  128,772\n", 0,
	  ": Valgrind lackey output without a memory access in 2 lines: recorded without "
	  "--trace-mem=yes?", NULL },
	{ "==9== Memcheck, a memory error detector\n==9== Command: /bin/true\n", 0,
	  ": Valgrind Memcheck output, not a memory trace: " EXPECTED_LACKEY, NULL },
	{ "==9== \n==9== HEAP SUMMARY:\n", 0,
	  ": Valgrind output without a memory access in 2 lines: " EXPECTED_LACKEY, NULL },
	{ "\n \t\n\r\n", 0, ": no trace record in 3 lines, all blank: " EXPECTED_TRACE, NULL },
	{ "hello", 0, ": no trace record in 1 line of text (line 1: 'hello'): " EXPECTED_TRACE,
	  NULL },
	{ "\x01\x02\xff\n", 0, ": no trace record in 1 line of text (line 1: '?\?\?'): "
	  EXPECTED_TRACE, NULL },
	{ "==1== x\n\0\0\0I  1000,4\n", 21,
	  ": binary data, not a trace (a NUL byte at byte 8): expected Valgrind lackey text or "
	  "an mmusim native trace",
	  ": binary data, not a trace (a NUL byte at byte 8 of the gunzipped input): expected "
	  "Valgrind lackey text or an mmusim native trace" },
	/* text whose first access-like line is not one */
	{ "Intro\nI think, therefore\n", 0,
	  ":2: malformed 'I' line: expected a hexadecimal address", NULL },
};

/* Each is refused at open, from a file, from memory and gzip-compressed,
 * with a message saying what it is. */
START_TEST(test_not_a_trace)
{
	const struct not_trace *t = &not_traces[_i];
	size_t len = t->len ? t->len : strlen(t->text), clen;
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	uint8_t *c;

	fx_init(&fx);
	write_bytes(fx_path(&fx, "t.txt"), t->text, len);
	ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_PARSE);
	ck_assert_ptr_null(r);
	snprintf(want, sizeof(want), "%s%s", fx.path, t->msg);
	ck_assert_str_eq(fx.err.msg, want);

	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open_mem(&r, t->text, len, "m", &fx.err), SIM_E_PARSE);
	snprintf(want, sizeof(want), "m%s", t->msg);
	ck_assert_str_eq(fx.err.msg, want);

	sim_error_clear(&fx.err);
	c = gzip_buf(t->text, len, &clen);
	ck_assert_int_eq(trace_reader_open_mem(&r, c, clen, "g", &fx.err), SIM_E_PARSE);
	snprintf(want, sizeof(want), "g%s", t->gz_msg ? t->gz_msg : t->msg);
	ck_assert_str_eq(fx.err.msg, want);
	free(c);
	fx_fini(&fx);
}
END_TEST

/* A real lackey run without --trace-mem=yes (valgrind --tool=lackey
 * /bin/true): only the banner and the summary of counts. */
START_TEST(test_lackey_without_trace_mem)
{
	struct fixture fx;
	struct trace_reader *r;
	const char *srcdir = getenv("top_srcdir");
	char path[1024], want[1200];

	fx_init(&fx);
	snprintf(path, sizeof(path), "%s/tests/data/trace/true-counts.lackey",
		 srcdir ? srcdir : ".");
	ck_assert_int_eq(trace_reader_open(&r, path, &fx.err), SIM_E_PARSE);
	snprintf(want, sizeof(want), "%s: Valgrind lackey output without a memory access in 24 "
		 "lines: recorded without --trace-mem=yes?", path);
	ck_assert_str_eq(fx.err.msg, want);
	fx_fini(&fx);
}
END_TEST

/* @pad bytes of ignored 100-byte lines (the last one shorter), then one
 * access line; *len gets the length. */
static char *padded_trace(size_t pad, size_t *len)
{
	static const char rec[] = "I  1000,4\n";
	char *t = malloc(pad + sizeof(rec));
	size_t n = 0;

	ck_assert_ptr_nonnull(t);
	while (n < pad) {
		size_t k = pad - n < 100 ? pad - n : 100;

		memset(t + n, 'x', k - 1);
		t[n + k - 1] = '\n';
		n += k;
	}
	memcpy(t + n, rec, sizeof(rec));
	*len = n + sizeof(rec) - 1;
	return t;
}

/* The first access line must end within the first 1 MiB: a file, memory
 * and gzip, just inside and just outside the bound. */
START_TEST(test_not_a_trace_bound)
{
	const size_t mib = 1u << 20;
	struct fixture fx;
	struct trace_reader *r;
	size_t len, clen, n;
	uint8_t *c;
	char *t;
	int rc;

	fx_init(&fx);
	for (int over = 0; over < 2; over++) {
		t = padded_trace(mib - 10 + (size_t)over, &len);
		write_bytes(fx_path(&fx, "pad.lk"), t, len);
		c = gzip_buf(t, len, &clen);
		for (int src = 0; src < 3; src++) {
			sim_error_clear(&fx.err);
			rc = src == 0 ? trace_reader_open(&r, fx.path, &fx.err)
			   : src == 1 ? trace_reader_open_mem(&r, t, len, "m", &fx.err)
			   : trace_reader_open_mem(&r, c, clen, "g", &fx.err);
			if (!over) {
				ck_assert_msg(rc == 0, "source %d: %s", src, fx.err.msg);
				n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
				ck_assert_int_eq(rc, 0);
				ck_assert_uint_eq(n, 1);
				ck_assert_uint_eq(trace_reader_ignored_lines(r), (mib - 10 + 99) / 100);
				trace_reader_close(r);
			} else {
				ck_assert_int_eq(rc, SIM_E_PARSE);
				ck_assert_msg(strstr(fx.err.msg, ": no trace record in the first 1 MiB "
						     "(10486 complete lines) of text (line 1: 'xxx"),
					      "source %d: %s", src, fx.err.msg);
				ck_assert_msg(strstr(fx.err.msg, EXPECTED_TRACE), "%s", fx.err.msg);
			}
		}
		free(c);
		free(t);
	}
	fx_fini(&fx);
}
END_TEST

/* A child writes @chunk (@len bytes) to the pipe's write end forever,
 * after @head (@hlen bytes); the pipe's read end is returned. */
static int endless_writer(const void *head, size_t hlen, const void *chunk, size_t len,
			  pid_t *pid)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(fds[0]);
		signal(SIGPIPE, SIG_IGN);
		if (hlen && write(fds[1], head, hlen) != (ssize_t)hlen)
			_exit(0);
		for (;;) {
			uint8_t buf[65536];
			size_t n = 0;

			while (n + len <= sizeof(buf)) {
				memcpy(buf + n, chunk, len);
				n += len;
			}
			if (write(fds[1], buf, n) < 0)
				_exit(0);
		}
	}
	close(fds[1]);
	return fds[0];
}

static void endless_done(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Endless inputs end in an error after a bounded prefix, never a hang. */
START_TEST(test_endless_inputs)
{
	/* gzip header, then empty non-final stored deflate blocks forever */
	static const uint8_t gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	static const uint8_t stored0[5] = { 0, 0, 0, 0xff, 0xff };
	/* an empty zstd frame, then a skippable frame of 4 GiB: decodes to nothing */
	static const uint8_t skip_head[8] = { 0x50, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zeros[64];
	uint8_t zs_head[64];
	struct fixture fx;
	struct trace_reader *r;
	size_t zlen;
	uint8_t *z0;
	pid_t pid;
	int fd;

	fx_init(&fx);
	fd = endless_writer(NULL, 0, zeros, sizeof(zeros), &pid);
	ck_assert_int_eq(trace_reader_open_fd(&r, fd, true, "<stdin>", &fx.err), SIM_E_PARSE);
	endless_done(pid);
	ck_assert_str_eq(fx.err.msg, "<stdin>: binary data, not a trace (a NUL byte at byte 0): "
			 "expected Valgrind lackey text or an mmusim native trace");

	sim_error_clear(&fx.err);
	fd = endless_writer(NULL, 0, "hello\n", 6, &pid);
	ck_assert_int_eq(trace_reader_open_fd(&r, fd, true, "<stdin>", &fx.err), SIM_E_PARSE);
	endless_done(pid);
	ck_assert_str_eq(fx.err.msg, "<stdin>: no trace record in the first 1 MiB (174762 complete "
			 "lines) of text (line 1: 'hello'): " EXPECTED_TRACE);

	sim_error_clear(&fx.err);
	fd = endless_writer(gz_head, sizeof(gz_head), stored0, sizeof(stored0), &pid);
	ck_assert_int_eq(trace_reader_open_fd(&r, fd, true, "<stdin>", &fx.err), SIM_E_CORRUPT);
	endless_done(pid);
	ck_assert_str_eq(fx.err.msg, "<stdin>: at the start of the input: 64 MiB of gzip input "
			 "decode to nothing");

	sim_error_clear(&fx.err);
	z0 = zstd_buf("", 0, &zlen);
	ck_assert_uint_le(zlen + sizeof(skip_head), sizeof(zs_head));
	memcpy(zs_head, z0, zlen);
	memcpy(zs_head + zlen, skip_head, sizeof(skip_head));
	free(z0);
	fd = endless_writer(zs_head, zlen + sizeof(skip_head), zeros, sizeof(zeros), &pid);
	ck_assert_int_eq(trace_reader_open_fd(&r, fd, true, "<stdin>", &fx.err), SIM_E_CORRUPT);
	endless_done(pid);
	ck_assert_str_eq(fx.err.msg, "<stdin>: at the start of the input: 64 MiB of zstd input "
			 "decode to nothing");
	fx_fini(&fx);
}
END_TEST

/* After the first access, a NUL byte in any line is an error at its line:
 * in a short line, a last line without a newline, and an over-long
 * ignored line (in the part that fills the buffer and in its tail). */
START_TEST(test_lackey_nul_mid_file)
{
	static const char t1[] = "I  1000,4\n==1== a\0b\n L 2000,8\n";
	static const char t2[] = "I  1000,4\nab\0c";
	const size_t big = 3u << 20;
	const size_t at[2] = { 3u << 19, big - 3 };
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	size_t n;
	char *t;
	int rc;

	fx_init(&fx);
	ck_assert_int_eq(trace_reader_open_mem(&r, t1, sizeof(t1) - 1, "x", &fx.err), 0);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rc, SIM_E_PARSE);
	ck_assert_str_eq(trace_reader_error(r)->msg, "x:2: a NUL byte in the text: binary data or "
			 "a damaged file, not lackey output");
	trace_reader_close(r);

	ck_assert_int_eq(trace_reader_open_mem(&r, t2, sizeof(t2) - 1, "x", &fx.err), 0);
	n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rc, SIM_E_PARSE);
	ck_assert_str_eq(trace_reader_error(r)->msg, "x:2: a NUL byte in the text: binary data or "
			 "a damaged file, not lackey output");
	trace_reader_close(r);

	t = malloc(big + 32);
	ck_assert_ptr_nonnull(t);
	for (int k = 0; k < 2; k++) {
		size_t len = (size_t)sprintf(t, "I  1000,4\n");

		memset(t + len, 'x', big);
		t[len + at[k]] = '\0';
		len += big;
		len += (size_t)sprintf(t + len, "\n L 2000,8\n");
		write_bytes(fx_path(&fx, "big.lk"), t, len);
		r = open_ok(&fx, fx.path);
		n = read_all(r, fx.recs, MAXRECS, MAXRECS, &rc);
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(rc, SIM_E_PARSE);
		snprintf(want, sizeof(want), "%s:2: a NUL byte in the text: binary data or a damaged "
			 "file, not lackey output", fx.path);
		ck_assert_str_eq(trace_reader_error(r)->msg, want);
		trace_reader_close(r);
	}
	free(t);
	fx_fini(&fx);
}
END_TEST

/* A native trace of no record is refused at open; so is one that ends
 * right after its header. */
START_TEST(test_native_empty)
{
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	uint8_t *buf;
	size_t len;

	fx_init(&fx);
	for (int z = 0; z < 2; z++) {
		write_native(&fx, fx_path(&fx, z ? "e.mmt.zst" : "e.mmt"), NULL, 0, z);
		sim_error_clear(&fx.err);
		ck_assert_int_eq(trace_reader_open(&r, fx.path, &fx.err), SIM_E_PARSE);
		snprintf(want, sizeof(want), "%s: a native trace without a single record (its "
			 "end-of-trace record comes first): nothing to simulate", fx.path);
		ck_assert_str_eq(fx.err.msg, want);
	}
	buf = read_bytes(fx_path(&fx, "e.mmt"), &len);
	ck_assert_uint_eq(len, 18);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open_mem(&r, buf, 16, "h", &fx.err), SIM_E_TRUNCATED);
	ck_assert_str_eq(fx.err.msg, "h: record 1 (byte offset 16): truncated: the input ends "
			 "without an end-of-trace record");
	free(buf);
	fx_fini(&fx);
}
END_TEST

/* Empty compressed streams, and a directory. */
START_TEST(test_open_errors_more)
{
	struct fixture fx;
	struct trace_reader *r;
	char want[1024];
	size_t clen;
	uint8_t *c;

	fx_init(&fx);
	c = gzip_buf("", 0, &clen);
	ck_assert_int_eq(trace_reader_open_mem(&r, c, clen, "e.gz", &fx.err), SIM_E_TRUNCATED);
	ck_assert_str_eq(fx.err.msg, "e.gz: empty input (a gzip stream of nothing): neither a "
			 "native trace nor lackey output");
	free(c);
	sim_error_clear(&fx.err);
	c = zstd_buf("", 0, &clen);
	ck_assert_int_eq(trace_reader_open_mem(&r, c, clen, "e.zst", &fx.err), SIM_E_TRUNCATED);
	ck_assert_str_eq(fx.err.msg, "e.zst: empty input (a zstd stream of nothing): neither a "
			 "native trace nor lackey output");
	free(c);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_open(&r, fx.dir, &fx.err), SIM_E_IO);
	snprintf(want, sizeof(want), "%s: a directory, not a trace file", fx.dir);
	ck_assert_str_eq(fx.err.msg, want);
	fx_fini(&fx);
}
END_TEST

/* trace_reader_check(): a regular file is checked and closed; a FIFO is
 * left alone without @keep (nothing read, no wait for a writer) and kept
 * open with it. */
START_TEST(test_trace_check)
{
	struct fixture fx;
	struct trace_reader *keep = (struct trace_reader *)&fx;
	char fifo[600];
	size_t n;
	pid_t pid;
	int rc;

	fx_init(&fx);
	write_bytes(fx_path(&fx, "t.lk"), lackey_text, sizeof(lackey_text) - 1);
	ck_assert_int_eq(trace_reader_check(fx.path, NULL, &keep, &fx.err), 0);
	ck_assert_ptr_null(keep);
	ck_assert_int_eq(trace_reader_check(fx.path, NULL, NULL, &fx.err), 0);
	write_bytes(fx_path(&fx, "t.txt"), "text\n", 5);
	ck_assert_int_eq(trace_reader_check(fx.path, NULL, &keep, &fx.err), SIM_E_PARSE);
	ck_assert_ptr_null(keep);
	sim_error_clear(&fx.err);
	ck_assert_int_eq(trace_reader_check(fx_path(&fx, "missing"), NULL, NULL, &fx.err), SIM_E_IO);

	snprintf(fifo, sizeof(fifo), "%s", fx_path(&fx, "fifo"));
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(trace_reader_check(fifo, NULL, NULL, &fx.err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(fifo, O_WRONLY);

		_exit(fd >= 0 && write(fd, lackey_text, sizeof(lackey_text) - 1) ==
		      (ssize_t)sizeof(lackey_text) - 1 ? 0 : 1);
	}
	ck_assert_int_eq(trace_reader_check(fifo, NULL, &keep, &fx.err), 0);
	ck_assert_ptr_nonnull(keep);
	n = read_all(keep, fx.recs, MAXRECS, MAXRECS, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(n, 8);
	trace_reader_close(keep);
	ck_assert_int_eq(waitpid(pid, &rc, 0), pid);
	ck_assert_int_eq(rc, 0);
	fx_fini(&fx);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc;

	tc = tcase_create("lackey");
	tcase_add_test(tc, test_lackey_basic);
	tcase_add_test(tc, test_lackey_batch_of_one);
	tcase_add_test(tc, test_lackey_last_line_and_crlf);
	tcase_add_test(tc, test_lackey_sample_file);
	tcase_add_loop_test(tc, test_lackey_malformed, 0, (int)(sizeof(bad_lines) / sizeof(bad_lines[0])));
	tcase_add_test(tc, test_lackey_error_after_good_records);
	tcase_add_test(tc, test_lackey_huge_ignored_line);
	tcase_add_test(tc, test_lackey_from_pipe);
	tcase_add_test(tc, test_open_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("native");
	tcase_add_test(tc, test_native_round_trip);
	tcase_add_test(tc, test_native_sizes);
	tcase_add_test(tc, test_native_control_records);
	tcase_add_test(tc, test_writer_rejects_bad_records);
	tcase_add_test(tc, test_native_truncated_every_byte);
	tcase_add_test(tc, test_native_truncated_messages);
	tcase_add_test(tc, test_native_corrupt);
	tcase_add_test(tc, test_native_sample_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("compressed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_compressed_lackey);
	tcase_add_test(tc, test_compressed_truncated_message);
	tcase_add_test(tc, test_compressed_native);
	suite_add_tcase(s, tc);

	tc = tcase_create("convert");
	tcase_add_test(tc, test_convert);
	suite_add_tcase(s, tc);

	tc = tcase_create("not a trace");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_not_a_trace, 0, (int)(sizeof(not_traces) / sizeof(not_traces[0])));
	tcase_add_test(tc, test_lackey_without_trace_mem);
	tcase_add_test(tc, test_not_a_trace_bound);
	tcase_add_test(tc, test_endless_inputs);
	tcase_add_test(tc, test_lackey_nul_mid_file);
	tcase_add_test(tc, test_native_empty);
	tcase_add_test(tc, test_open_errors_more);
	tcase_add_test(tc, test_trace_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(trace_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
