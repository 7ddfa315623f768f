/*
 * workloads/bench_trace.c - throughput of the trace readers.
 *
 * Generates N synthetic accesses shaped like a lackey trace of a small
 * program (sequential 4-byte fetches with a taken branch every few
 * instructions; loads and stores split between a stack and a heap), writes
 * them as native, zstd-compressed native and lackey text, then times
 * reading each back: from memory (the decoder alone) and from the file
 * (including read(2) and decompression).  A checksum over every record
 * checks that each reader returned the generated trace.
 *
 * usage: bench_trace [N [DIR]]   (default N = 20000000, DIR = /tmp)
 *        bench_trace -f FILE     (time reading an existing trace, 5 passes)
 * Not part of 'make check'; build it with 'make workloads/bench_trace'.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "workloads/trace.h"

#define BATCH 4096

struct gen {
	uint64_t rng;
	uint64_t pc, sp;
	unsigned pending_data;          /* data accesses owed by the last fetch */
};

static uint64_t gen_rand(struct gen *g)
{
	/* xorshift64* */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * UINT64_C(2685821657736338717);
}

static struct trace_rec gen_next(struct gen *g)
{
	uint64_t x = gen_rand(g);

	if (g->pending_data) {
		static const uint32_t sizes[4] = { 8, 8, 4, 1 };
		uint64_t va;

		g->pending_data--;
		if (x & 1)
			va = g->sp + ((x >> 8) & 0xff) * 8;
		else
			va = UINT64_C(0x5555555a0000) + ((x >> 8) & 0xffffff);
		return trace_rec_access((x >> 40) % 10 < 7 ? TRACE_LOAD : TRACE_STORE, 0, va,
					sizes[(x >> 50) & 3]);
	}
	if ((x & 7) == 0)               /* a taken branch */
		g->pc = UINT64_C(0x400000) + ((x >> 16) & 0xfffc);
	else
		g->pc += 4;
	g->pending_data = ((x >> 20) % 10) < 4;
	if (((x >> 24) & 0x3ff) == 0)
		g->sp -= 64;
	return trace_rec_access(TRACE_FETCH, 0, g->pc, 4);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rec_sum(uint64_t sum, const struct trace_rec *r)
{
	/* Cheap (one add on the dependency chain) but position-sensitive
	 * enough: the kind and size are folded in with the VA. */
	return sum + (r->va ^ ((uint64_t)r->size << 48) ^ ((uint64_t)r->kind << 56)) +
	       (sum >> 61);
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		return -1;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return 0;
}

/* Reads the whole trace, returns records/s; checks count and checksum. */
static double time_reader(struct trace_reader *r, struct trace_rec *recs, uint64_t n,
			  uint64_t want_sum, const char *what)
{
	uint64_t sum = 0, total = 0;
	double t0 = now(), dt;
	int k;

	while ((k = trace_read(r, recs, BATCH)) > 0) {
		for (int i = 0; i < k; i++)
			sum = rec_sum(sum, &recs[i]);
		total += (uint64_t)k;
	}
	dt = now() - t0;
	if (k < 0) {
		fprintf(stderr, "bench_trace: %s: %s\n", what, trace_reader_error(r)->msg);
		return -1;
	}
	if (total != n || sum != want_sum) {
		fprintf(stderr, "bench_trace: %s: read %" PRIu64 " records, checksum %s\n", what,
			total, sum == want_sum ? "ok" : "WRONG");
		return -1;
	}
	return (double)total / dt;
}

static int bench_one(const char *path, bool from_mem, struct trace_rec *recs, uint64_t n,
		     uint64_t sum, const char *what)
{
	struct trace_reader *r;
	struct sim_error err;
	uint8_t *buf = NULL;
	size_t len = 0;
	double rate;
	int rc;

	sim_error_clear(&err);
	if (from_mem) {
		if (read_file(path, &buf, &len) < 0) {
			fprintf(stderr, "bench_trace: %s: %s\n", path, strerror(errno));
			return -1;
		}
		rc = trace_reader_open_mem(&r, buf, len, path, &err);
	} else {
		rc = trace_reader_open(&r, path, &err);
	}
	if (rc < 0) {
		fprintf(stderr, "bench_trace: %s\n", err.msg);
		free(buf);
		return -1;
	}
	rate = time_reader(r, recs, n, sum, what);
	trace_reader_close(r);
	free(buf);
	if (rate < 0)
		return -1;
	printf("%-28s %8.1f M records/s\n", what, rate / 1e6);
	return 0;
}

/* Best of three: the machine may be shared, and the best pass is the one
 * least disturbed. */
static int bench_best(const char *path, bool from_mem, struct trace_rec *recs, uint64_t n,
		      uint64_t sum, const char *what)
{
	for (int i = 0; i < 3; i++)
		if (bench_one(path, from_mem, recs, n, sum, what))
			return -1;
	return 0;
}

/* Reads @path (any format) from memory @passes times; prints the best. */
static int bench_file(const char *path, int passes, struct trace_rec *recs)
{
	uint8_t *buf;
	size_t len;
	double best = 0;
	uint64_t total = 0;

	if (!recs || read_file(path, &buf, &len) < 0) {
		fprintf(stderr, "bench_trace: %s: cannot read\n", path);
		return 1;
	}
	for (int i = 0; i < passes; i++) {
		struct trace_reader *r;
		struct sim_error err;
		double t0, rate;
		int k;

		sim_error_clear(&err);
		if (trace_reader_open_mem(&r, buf, len, path, &err) < 0) {
			fprintf(stderr, "bench_trace: %s\n", err.msg);
			free(buf);
			return 1;
		}
		total = 0;
		t0 = now();
		while ((k = trace_read(r, recs, BATCH)) > 0)
			total += (uint64_t)k;
		rate = (double)total / (now() - t0);
		if (k < 0) {
			fprintf(stderr, "bench_trace: %s\n", trace_reader_error(r)->msg);
			trace_reader_close(r);
			free(buf);
			return 1;
		}
		printf("%s (%s, %s): %" PRIu64 " records, %.2f bytes/record\n", path,
		       trace_format_name(trace_reader_format(r)),
		       trace_compression_name(trace_reader_compression(r)), total,
		       (double)len / (double)total);
		trace_reader_close(r);
		if (rate > best)
			best = rate;
	}
	printf("best of %d passes from memory: %.1f M records/s\n", passes, best / 1e6);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : UINT64_C(20000000);
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	struct gen g = { .rng = UINT64_C(0x9e3779b97f4a7c15), .sp = UINT64_C(0x7ffffff00000) };
	struct trace_writer_opts zopts = { .zstd = true };
	struct trace_writer *w = NULL, *wz = NULL;
	struct trace_rec *recs = malloc(BATCH * sizeof(*recs));
	char native[4096], zst[4096], lackey[4096];
	struct sim_error err;
	uint64_t sum = 0, lackey_bytes = 0;
	double t0, dt;
	FILE *lf;
	int status = 1;

	if (argc == 3 && !strcmp(argv[1], "-f")) {
		status = bench_file(argv[2], 5, recs);
		free(recs);
		return status;
	}
	snprintf(native, sizeof(native), "%s/bench_trace.%d.mmt", dir, (int)getpid());
	snprintf(zst, sizeof(zst), "%s/bench_trace.%d.mmt.zst", dir, (int)getpid());
	snprintf(lackey, sizeof(lackey), "%s/bench_trace.%d.lackey", dir, (int)getpid());
	sim_error_clear(&err);
	lf = fopen(lackey, "w");
	if (!recs || !lf || trace_writer_open(&w, native, NULL, &err) < 0 ||
	    trace_writer_open(&wz, zst, &zopts, &err) < 0) {
		fprintf(stderr, "bench_trace: cannot create outputs: %s\n", err.msg);
		goto out;
	}

	t0 = now();
	for (uint64_t done = 0; done < n;) {
		size_t k = n - done < BATCH ? (size_t)(n - done) : BATCH;

		for (size_t i = 0; i < k; i++) {
			recs[i] = gen_next(&g);
			sum = rec_sum(sum, &recs[i]);
			if (recs[i].kind == TRACE_FETCH)
				fprintf(lf, "I  %08" PRIx64 ",%u\n", recs[i].va, recs[i].size);
			else
				fprintf(lf, " %c %08" PRIx64 ",%u\n",
					recs[i].kind == TRACE_LOAD ? 'L' : 'S', recs[i].va,
					recs[i].size);
		}
		if (trace_write(w, recs, k) < 0 || trace_write(wz, recs, k) < 0) {
			fprintf(stderr, "bench_trace: write failed\n");
			goto out;
		}
		done += k;
	}
	if (trace_writer_finish(w) < 0 || trace_writer_finish(wz) < 0) {
		fprintf(stderr, "bench_trace: finish failed\n");
		goto out;
	}
	lackey_bytes = (uint64_t)ftell(lf);
	if (fclose(lf) != 0) {
		lf = NULL;
		goto out;
	}
	lf = NULL;
	dt = now() - t0;
	printf("%" PRIu64 " records generated and written in %.2f s\n", n, dt);
	printf("native      %12" PRIu64 " bytes  %.2f bytes/record\n",
	       trace_writer_bytes_out(w), (double)trace_writer_bytes_out(w) / (double)n);
	printf("native.zst  %12" PRIu64 " bytes  %.2f bytes/record\n",
	       trace_writer_bytes_out(wz), (double)trace_writer_bytes_out(wz) / (double)n);
	printf("lackey      %12" PRIu64 " bytes  %.2f bytes/record\n", lackey_bytes,
	       (double)lackey_bytes / (double)n);

	if (bench_best(native, true, recs, n, sum, "native, from memory") ||
	    bench_best(native, false, recs, n, sum, "native, from file") ||
	    bench_best(zst, false, recs, n, sum, "native.zst, from file") ||
	    bench_best(lackey, true, recs, n, sum, "lackey, from memory") ||
	    bench_best(lackey, false, recs, n, sum, "lackey, from file"))
		goto out;
	printf("(lackey: one line per record here, so records/s = lines/s)\n");
	printf("decode only, no consumer:\n");
	if (bench_file(native, 3, recs))
		goto out;
	status = 0;
out:
	if (lf)
		fclose(lf);
	trace_writer_close(w);
	trace_writer_close(wz);
	unlink(native);
	unlink(zst);
	unlink(lackey);
	free(recs);
	return status;
}
