/*
 * tests/test_report_oom.c - `mmusim report` out of memory at every
 * allocation it makes: never a crash or an abort(), always "out of memory"
 * and exit status 1.
 *
 * This program holds the command itself (results/cmd_report.c and the
 * other files of results/report.h) and the library; the linker wraps
 * malloc, calloc, realloc, strdup and strndup (results/report.mk:
 * -Wl,--wrap=...) so that every call from the report's code, the result
 * readers (results/report_data.c, results/json_read.c, results/csv.c,
 * sim/readfile.c) and the rest of the library goes through the counter
 * below.  A first run counts the allocations of a report of every kind of
 * input (JSON results, a CSV, a sweep directory, a compare directory);
 * then the report is run once per allocation with that one allocation
 * failing.  Under AddressSanitizer (the CI's second build) a leak or a bad
 * access on any of those paths fails the test too.
 *
 * The counter is the test's own global state; it is armed only around the
 * call of cmd_report(), so Check's own allocations never fail.  The C
 * library's internal allocations (stdio buffers, open_memstream) are not
 * wrapped: their failures come back as ordinary I/O errors.
 */
#define _GNU_SOURCE     /* nftw() */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cmd.h"

/* ---- the allocation counter --------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static struct {
	bool armed;
	long count;             /* allocations since armed */
	long fail_at;           /* the one to fail (0-based), -1 for none */
	bool failed;            /* it was reached */
} oom;

static bool fail_now(void)
{
	if (!oom.armed)
		return false;
	if (oom.count++ != oom.fail_at)
		return false;
	oom.failed = true;
	return true;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

/* ---- the inputs ------------------------------------------------------------ */

static char dir[256];

static void put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void sub(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

/* A result as `mmusim run --json` writes it, reduced to what every chart
 * reads: labels, the configuration, cycle counters, histograms. */
static void put_result(const char *name, const char *mode, unsigned ipa, unsigned l2,
		       unsigned walks)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{\n  \"mmusim_version\": \"0.1.0\",\n  \"complete\": true,\n"
		 "  \"command\": [\"mmusim\", \"run\", \"--set\", \"tlb.L2.entries=%u\", "
		 "\"t%u.lackey\"],\n"
		 "  \"config\": {\"run\": {\"preset\": \"none\", \"mode\": \"%s\", "
		 "\"base_cycles\": 4},\n"
		 "    \"stage1\": {\"granule\": \"4k\", \"va_bits\": 48, \"start_level\": \"auto\"},\n"
		 "    \"stage2\": {\"granule\": \"4k\", \"ipa_bits\": %u, \"start_level\": \"auto\"},\n"
		 "    \"tlb\": {\"levels\": \"L1D,L2\", \"L1D\": {\"entries\": 48}, "
		 "\"L2\": {\"entries\": %u}}},\n"
		 "  \"accesses\": 1000, \"walks\": %u, \"walk_cycles\": %u, \"tlb_cycles\": 300,\n"
		 "  \"translation_cycles\": %u,\n"
		 "  \"tlb\": {\"L2\": {\"lookups\": 100, \"misses\": %u}},\n"
		 "  \"hist\": {\"walk_cycles\": {\"count\": 3, \"sum\": 12, \"mean\": 4.0, "
		 "\"p50\": 3, \"p95\": 6, \"p99\": 6, \"limit\": 8, \"overflow\": 0, "
		 "\"buckets\": [0, 0, 1, 1, 0, 0, 1, 0, 0]},\n"
		 "    \"walk_refs\": {\"count\": 2, \"sum\": 7, \"mean\": 3.5, \"p50\": 3, "
		 "\"p95\": 4, \"p99\": 4, \"limit\": 4, \"overflow\": 1, \"buckets\": [0, 0, 0, 1, 1]},\n"
		 "    \"walk_s1_refs\": {\"count\": 2, \"sum\": 4, \"mean\": 2.0, \"p50\": 2, "
		 "\"p95\": 2, \"p99\": 2, \"limit\": 4, \"overflow\": 0, \"buckets\": [0, 0, 2, 0, 0]}},\n"
		 "  \"derived\": {\"translation_overhead_percent\": 12.5, \"tlb\": {\"L2\": "
		 "{\"miss_rate\": null}}}\n}\n",
		 l2, walks, mode, ipa, l2, walks, walks * 40, walks * 40 + 300, walks);
	put(name, text);
}

static void make_inputs(void)
{
	snprintf(dir, sizeof(dir), "%s/reportoomXXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_result("a.json", "virt", 40, 512, 10);
	put_result("b.json", "native", 40, 1024, 7);
	put("r.csv", "mmusim_version,complete,config.run.mode,config.tlb.levels,"
	    "config.tlb.L2.entries,accesses,walks,walk_cycles,translation_cycles\n"
	    "0.1.0,1,virt,\"L1D,L2\",2048,1000,5,200,250\n"
	    "0.1.0,1,s2only,L2,256,1000,9,,400\n");
	sub("sweep");
	sub("sweep/cells");
	put("sweep/cells.tsv", "# cells\nc1\tsmall\tw\t--quiet\t--json\tx.json\n"
	    "c2\tnot-run\tw\t--quiet\n");
	put_result("sweep/cells/c1.json", "virt", 44, 512, 12);
	sub("cmp");
	put("cmp/compare.csv", "mmusim_version,complete,config_name,workload,walks\n"
	    "0.1.0,1,virt,wl,10\n0.1.0,0,failed,wl,\n");
	put_result("cmp/virt.json", "virt", 48, 512, 14);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_inputs(void)
{
	remove_tree(dir);
}

/* ---- running the report ------------------------------------------------------ */

/* Run `mmusim report ARGS` with the counter armed (and nothing else: Check
 * allocates in every assertion) and its output in files; @err gets its
 * standard error. */
static int report(int argc, char **argv, char *err, size_t errlen)
{
	char path[512];
	int so = dup(1), se = dup(2), fo, fe, rc;
	ssize_t n;

	/* new files each time: overwriting in place is slow on some file
	 * systems (ext4 flushes a truncated file on close) */
	snprintf(path, sizeof(path), "%s/out", dir);
	remove_tree(path);
	snprintf(path, sizeof(path), "%s/stdout", dir);
	unlink(path);
	fo = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	snprintf(path, sizeof(path), "%s/stderr", dir);
	unlink(path);
	fe = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert(so >= 0 && se >= 0 && fo >= 0 && fe >= 0);
	fflush(NULL);
	dup2(fo, 1);
	dup2(fe, 2);
	oom.count = 0;
	oom.failed = false;
	oom.armed = true;
	rc = cmd_report(argc, argv);
	oom.armed = false;
	fflush(NULL);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	n = pread(fe, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fe);
	return rc;
}

/* The report of @argv with each of its allocations failing in turn. */
static void every_allocation(int argc, char **argv, int ok_status)
{
	char err[8192];
	long total;
	int rc;

	oom.fail_at = -1;
	rc = report(argc, argv, err, sizeof(err));
	total = oom.count;
	ck_assert_msg(rc == ok_status, "the report without a failure: status %d: %s", rc, err);
	ck_assert_int_gt(total, 100);
	for (long k = 0; k < total; k++) {
		oom.fail_at = k;
		rc = report(argc, argv, err, sizeof(err));
		ck_assert_msg(oom.failed, "allocation %ld of %ld was not reached", k, total);
		ck_assert_msg(rc == 1, "allocation %ld of %ld failing: status %d (expected 1): %s",
			      k, total, rc, err);
		ck_assert_msg(strstr(err, "out of memory"), "allocation %ld of %ld failing: "
			      "no \"out of memory\" message: %s", k, total, err);
	}
}

START_TEST(oom_tables)
{
	char out[300], a[300], b[300], csv[300], sw[300], cmp[300];
	char *argv[] = { "report", "-o", out, "--no-charts", "--plot", "walks", a, b, csv, sw,
			 cmp, NULL };

	make_inputs();
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	snprintf(csv, sizeof(csv), "%s/r.csv", dir);
	snprintf(sw, sizeof(sw), "%s/sweep", dir);
	snprintf(cmp, sizeof(cmp), "%s/cmp", dir);
	every_allocation(11, argv, 0);
	remove_inputs();
}
END_TEST

/* With charts: the gnuplot commands (a program that draws nothing, so the
 * status is 1 with or without memory). */
START_TEST(oom_charts)
{
	char out[300], a[300], b[300], plotdir[600];
	char *argv[] = { "report", "-o", out, "--format", "svg", a, b, NULL };
	const char *top = getenv("top_srcdir");

	make_inputs();
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	snprintf(plotdir, sizeof(plotdir), "%s/results/plot", top ? top : ".");
	setenv("MMUSIM_PLOTDIR", plotdir, 1);
	setenv("GNUPLOT", "true", 1);
	every_allocation(7, argv, 1);
	remove_inputs();
}
END_TEST

static Suite *oom_suite(void)
{
	Suite *s = suite_create("report_oom");
	TCase *tc = tcase_create("every_allocation");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, oom_tables);
	tcase_add_test(tc, oom_charts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oom_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
