/*
 * tests/test_trace_phys.c - Check suite of the physical-address records of
 * the native format (workloads/FORMAT.md, header flag 1): the writer's
 * rules, the reader's two modes (hand them out or skip them), hand-made
 * byte sequences for each error, and `mmusim convert` keeping them.
 */
#include "autoconfig.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "workloads/trace.h"

struct fixture {
	char dir[256];
	char path[512];
};

static void fx_init(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/test_phys.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
}

static const char *fx_path(struct fixture *fx, const char *name)
{
	snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->dir, name);
	return fx->path;
}

static void fx_fini(struct fixture *fx)
{
	unlink(fx_path(fx, "a.mmt"));
	unlink(fx_path(fx, "b.mmt"));
	unlink(fx_path(fx, "c.mmt"));
	rmdir(fx->dir);
}

/* Accesses on CPUs 0 and 1, each followed by its physical address, as a
 * system emulator records them; one access without (a fetch). */
static size_t sample(struct trace_rec *t)
{
	size_t n = 0;

	t[n++] = trace_rec_access(TRACE_FETCH, 0, 0xffff000010080000u, 4);
	t[n++] = trace_rec_access(TRACE_LOAD, 0, 0xffff000010200008u, 8);
	t[n++] = trace_rec_phys(0, 0x40200008u);
	t[n++] = trace_rec_access(TRACE_STORE, 0, 0xffff000010200010u, 8);
	t[n++] = trace_rec_phys(0, 0x40200010u);           /* same page: delta 0 */
	t[n++] = trace_rec_access(TRACE_LOAD, 1, 0x4000, 4);
	t[n++] = trace_rec_phys(1, 0x80004000u);           /* CPU 1's own prediction */
	t[n++] = trace_rec_ctx_switch(1, 7);
	t[n++] = trace_rec_access(TRACE_STORE, 0, 0xffff000010300000u, 16);
	t[n++] = trace_rec_phys(0, 0x7fe00000u);           /* lower than the VA offset */
	t[n++] = trace_rec_access(TRACE_LOAD, 1, 0x4008, 4);
	t[n++] = trace_rec_phys(1, 0x80004008u);
	return n;
}

static void write_file(const char *path, const struct trace_rec *t, size_t n, bool phys)
{
	struct trace_writer_opts o = { .phys = phys };
	struct trace_writer *w;
	struct sim_error e = { 0 };

	ck_assert_int_eq(trace_writer_open(&w, path, &o, &e), 0);
	ck_assert_msg(trace_write(w, t, n) == 0, "%s", trace_writer_error(w)->msg);
	ck_assert_int_eq(trace_writer_finish(w), 0);
	trace_writer_close(w);
}

static size_t read_file(const char *path, bool phys, struct trace_rec *out, size_t cap,
			struct trace_reader **keep)
{
	struct trace_open_opts o = { .phys = phys };
	struct trace_reader *r;
	struct sim_error e = { 0 };
	size_t n = 0;
	int k;

	ck_assert_msg(trace_reader_open_opts(&r, path, &o, &e) == 0, "%s", e.msg);
	while ((k = trace_read(r, out + n, cap - n)) > 0)
		n += (size_t)k;
	ck_assert_msg(k == 0, "%s", trace_reader_error(r)->msg);
	if (keep)
		*keep = r;
	else
		trace_reader_close(r);
	return n;
}

START_TEST(round_trip)
{
	struct trace_rec t[16], got[32], acc[16];
	struct trace_reader *r;
	struct fixture fx;
	size_t n = sample(t), na = 0, k;

	fx_init(&fx);
	write_file(fx_path(&fx, "a.mmt"), t, n, true);
	/* handed out in order, where they were written */
	k = read_file(fx.path, true, got, 32, &r);
	ck_assert_uint_eq(k, n);
	ck_assert_mem_eq(got, t, n * sizeof(*t));
	ck_assert(trace_reader_has_phys(r));
	ck_assert_uint_eq(trace_reader_phys_records(r), 5);
	trace_reader_close(r);
	/* or skipped, counted */
	for (size_t i = 0; i < n; i++)
		if (t[i].kind != TRACE_PHYS)
			acc[na++] = t[i];
	k = read_file(fx.path, false, got, 32, &r);
	ck_assert_uint_eq(k, na);
	ck_assert_mem_eq(got, acc, na * sizeof(*t));
	ck_assert_uint_eq(trace_reader_phys_records(r), 5);
	trace_reader_close(r);
	/* a file without the flag reads the same accesses */
	write_file(fx_path(&fx, "b.mmt"), acc, na, false);
	k = read_file(fx.path, true, got, 32, &r);
	ck_assert_uint_eq(k, na);
	ck_assert(!trace_reader_has_phys(r));
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

/* One record at a time gives the same as a batch (the fast path of the
 * reader ends before a control record). */
START_TEST(batch_of_one)
{
	struct trace_rec t[16], got[32];
	struct trace_open_opts o = { .phys = true };
	struct trace_reader *r;
	struct sim_error e = { 0 };
	struct fixture fx;
	size_t n = sample(t), k = 0;

	fx_init(&fx);
	write_file(fx_path(&fx, "a.mmt"), t, n, true);
	ck_assert_int_eq(trace_reader_open_opts(&r, fx.path, &o, &e), 0);
	while (trace_read(r, got + k, 1) == 1)
		k++;
	ck_assert_uint_eq(k, n);
	ck_assert_mem_eq(got, t, n * sizeof(*t));
	trace_reader_close(r);
	fx_fini(&fx);
}
END_TEST

START_TEST(writer_rules)
{
	static const struct { const char *what; int first; } cases[] = {
		{ "first record", 0 },
		{ "after a context switch", 1 },
		{ "after another physical address", 2 },
		{ "of another CPU", 3 },
	};
	struct fixture fx;

	fx_init(&fx);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct trace_writer_opts o = { .phys = true };
		struct trace_writer *w;
		struct sim_error e = { 0 };
		struct trace_rec t[3];
		size_t n = 0;

		if (cases[c].first == 1)
			t[n++] = trace_rec_ctx_switch(0, 1);
		if (cases[c].first >= 2) {
			t[n++] = trace_rec_access(TRACE_LOAD, 0, 0x10, 1);
			if (cases[c].first == 2)
				t[n++] = trace_rec_phys(0, 0x10);
		}
		t[n++] = trace_rec_phys(cases[c].first == 3 ? 1 : 0, 0x1000);
		ck_assert_int_eq(trace_writer_open(&w, fx_path(&fx, "c.mmt"), &o, &e), 0);
		ck_assert_msg(trace_write(w, t, n) == SIM_E_INVAL, "%s", cases[c].what);
		ck_assert_ptr_nonnull(strstr(trace_writer_error(w)->msg, "does not follow an access"));
		trace_writer_close(w);
		ck_assert_int_ne(access(fx.path, F_OK), 0);     /* nothing left behind */
	}
	/* not without the option */
	{
		struct trace_writer *w;
		struct sim_error e = { 0 };
		struct trace_rec t[2] = { trace_rec_access(TRACE_LOAD, 0, 0x10, 1),
					  trace_rec_phys(0, 0x10) };

		ck_assert_int_eq(trace_writer_open(&w, fx_path(&fx, "c.mmt"), NULL, &e), 0);
		ck_assert_int_eq(trace_write(w, t, 2), SIM_E_INVAL);
		ck_assert_ptr_nonnull(strstr(trace_writer_error(w)->msg, "opened without them"));
		trace_writer_close(w);
	}
	fx_fini(&fx);
}
END_TEST

/* Hand-made files: header (flags byte 12), a load of 8 bytes at 0, records. */
static int read_bytes(const uint8_t *tail, size_t tlen, uint8_t flags, bool phys, size_t *n,
		      char *msg)
{
	uint8_t buf[64] = { 0x89, 'M', 'M', 'U', 'T', 'R', '\r', '\n', 1, 0, 16, 0, 0, 0, 0, 0 };
	struct trace_open_opts o = { .phys = phys };
	struct trace_rec got[8];
	struct trace_reader *r;
	struct sim_error e = { 0 };
	int k;

	buf[12] = flags;
	memcpy(buf + 16, tail, tlen);
	*n = 0;
	k = trace_reader_open_mem_opts(&r, buf, 16 + tlen, "m", &o, &e);
	if (k) {
		snprintf(msg, SIM_ERROR_MSG_MAX, "%s", e.msg);
		return k;
	}
	while ((k = trace_read(r, got + *n, 1)) > 0)
		*n += (size_t)k;
	snprintf(msg, SIM_ERROR_MSG_MAX, "%s", trace_reader_error(r)->msg);
	if (phys && *n >= 2) {
		ck_assert_uint_eq(got[1].kind, TRACE_PHYS);
		ck_assert_uint_eq(got[1].va, 0x1000);
	}
	trace_reader_close(r);
	return k;
}

START_TEST(reader_errors)
{
	/* load 8 at 0; phys: PA - VA = 0x1000, zigzag 0x2000 = 80 40; end of 1 */
	static const uint8_t good[] = { 0x0c, 0x17, 0x80, 0x40, 0x03, 0x01 };
	static const uint8_t first[] = { 0x17, 0x00, 0x0c, 0x03, 0x01 };
	static const uint8_t after_ctx[] = { 0x0c, 0x0b, 0x01, 0x17, 0x00, 0x03, 0x02 };
	static const uint8_t cut[] = { 0x0c, 0x17, 0x80 };
	static const uint8_t counted[] = { 0x0c, 0x17, 0x80, 0x40, 0x03, 0x02 };
	char msg[SIM_ERROR_MSG_MAX];
	size_t n;

	ck_assert_int_eq(read_bytes(good, sizeof(good), 1, true, &n, msg), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(read_bytes(good, sizeof(good), 1, false, &n, msg), 0);
	ck_assert_uint_eq(n, 1);
	/* the opcode is unknown without the header flag */
	ck_assert_int_eq(read_bytes(good, sizeof(good), 0, true, &n, msg), SIM_E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(msg, "unknown opcode 0x17"));
	/* other flag bits are still not understood */
	ck_assert_int_eq(read_bytes(good, sizeof(good), 3, true, &n, msg), SIM_E_UNSUPPORTED);
	ck_assert_int_eq(read_bytes(first, sizeof(first), 1, true, &n, msg), SIM_E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(msg, "does not follow an access"));
	ck_assert_int_eq(read_bytes(after_ctx, sizeof(after_ctx), 1, false, &n, msg),
			 SIM_E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(msg, "record 3"));
	ck_assert_int_eq(read_bytes(cut, sizeof(cut), 1, true, &n, msg), SIM_E_TRUNCATED);
	ck_assert_uint_eq(n, 1);
	/* the end-of-trace count leaves physical addresses out */
	ck_assert_int_eq(read_bytes(counted, sizeof(counted), 1, true, &n, msg), SIM_E_CORRUPT);
	ck_assert_ptr_nonnull(strstr(msg, "counts 2 records but 1 were read"));
}
END_TEST

START_TEST(convert_keeps_them)
{
	struct trace_rec t[16], got[32];
	struct fixture fx;
	char in[512], out[512];
	size_t n = sample(t);

	fx_init(&fx);
	snprintf(in, sizeof(in), "%s", fx_path(&fx, "a.mmt"));
	snprintf(out, sizeof(out), "%s", fx_path(&fx, "b.mmt"));
	write_file(in, t, n, true);
	{
		char *argv[] = { "convert", "--quiet", in, out, NULL };

		ck_assert_int_eq(cmd_convert(4, argv), 0);
	}
	ck_assert_uint_eq(read_file(out, true, got, 32, NULL), n);
	ck_assert_mem_eq(got, t, n * sizeof(*t));
	fx_fini(&fx);
}
END_TEST

static Suite *phys_suite(void)
{
	Suite *s = suite_create("trace_phys");
	TCase *tc = tcase_create("phys");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, batch_of_one);
	tcase_add_test(tc, writer_rules);
	tcase_add_test(tc, reader_errors);
	tcase_add_test(tc, convert_keeps_them);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(phys_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
