/*
 * bench/gen_bench_trace.c - synthetic traces for 'make bench'.
 *
 * usage: gen_bench_trace hit|walk|pages|mixed N NATIVE_OUT [LACKEY_OUT]
 *
 * Writes N records of one shape as a native trace (through the trace
 * writer) and, when LACKEY_OUT is given, the same accesses as Valgrind
 * lackey text.  The generator is seeded with a constant, so a shape and N
 * always give the same trace.  Shapes:
 *
 *   hit    a hit-dominated program: sequential 4-byte fetches over 64 code
 *          pages with a taken branch every few instructions (mostly short,
 *          sometimes to another function), and for a third of the
 *          instructions a data access (fetches to data 3:1; loads to stores
 *          3:1), on a stack of a few pages or
 *          a heap of 256 pages walked with locality (mostly near the last
 *          heap address, sometimes a jump to another heap page).  About 320
 *          pages in all: every access hits some TLB level.
 *   walk   walk-heavy: loads and stores (3:1) at addresses drawn uniformly
 *          from a 64 GiB region (16 Mi pages, far beyond the L2 TLB's
 *          reach), so nearly every access misses every TLB and walks.
 *   pages  a large footprint: N / 2 distinct 4 KiB pages, in order, each
 *          touched twice (a load, then a store), so that memory use can be
 *          measured against the pages touched.
 *   mixed  not timed: the hit shape with TLB maintenance (a TLBI VAE1 or
 *          VALE1 of a heap or code page about every 500 records, a TLBI
 *          VMALLE1 about every 50000) and some data accesses that cross a
 *          page boundary; for checking that a change to the replay's fast
 *          paths leaves every statistic as it was (bench/same_stats.sh).
 *          Its lackey text has the accesses only.
 *
 * Prints one line: the shape, the accesses written and the file sizes.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace.h"

#define BATCH 4096

#define CODE_BASE  UINT64_C(0x400000)
#define CODE_PAGES 64
#define HEAP_BASE  UINT64_C(0x5555555a0000)
#define HEAP_PAGES 256
#define STACK_TOP  UINT64_C(0x7ffffff00000)
#define WALK_BASE  UINT64_C(0x100000000)        /* 4 GiB */
#define WALK_PAGES (UINT64_C(1) << 24)          /* 64 GiB of 4 KiB pages */
#define PAGES_BASE UINT64_C(0x200000000)        /* 8 GiB */

enum shape { SHAPE_HIT, SHAPE_WALK, SHAPE_PAGES, SHAPE_MIXED };

struct gen {
	enum shape shape;
	uint64_t rng;
	uint64_t pc, sp, heap;
	uint64_t n;                     /* accesses generated so far */
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

/* Loads and stores 3:1. */
static enum trace_kind data_kind(uint64_t x)
{
	return (x & 3) == 3 ? TRACE_STORE : TRACE_LOAD;
}

static struct trace_rec gen_hit(struct gen *g)
{
	static const uint32_t sizes[4] = { 8, 8, 4, 1 };
	uint64_t x = gen_rand(g);

	if (g->pending_data) {
		uint64_t va;

		g->pending_data = 0;
		if ((x >> 2) % 8 < 3) {
			/* the stack: a few hundred bytes below sp */
			va = g->sp - 8 - ((x >> 8) & 0x3f) * 8;
		} else {
			/* the heap: near the last address, or another page */
			if (((x >> 16) & 63) == 0)
				g->heap = HEAP_BASE + ((x >> 24) % HEAP_PAGES) * 4096 +
					  ((x >> 40) & 0xff8);
			else
				g->heap = HEAP_BASE + ((g->heap - HEAP_BASE + ((x >> 8) & 0x38)) %
						       (HEAP_PAGES * 4096));
			va = g->heap;
		}
		return trace_rec_access(data_kind(x), 0, va & ~(uint64_t)(sizes[(x >> 50) & 3] - 1),
					sizes[(x >> 50) & 3]);
	}
	if ((x & 7) == 0) {
		/* a taken branch: mostly within the function, sometimes a call */
		if (((x >> 3) & 15) == 0)
			g->pc = CODE_BASE + ((x >> 16) % (CODE_PAGES * 4096)) / 4 * 4;
		else
			g->pc = CODE_BASE + (g->pc - CODE_BASE + ((x >> 16) & 0x1fc) -
					     0x100) % (CODE_PAGES * 4096);
	} else {
		g->pc = CODE_BASE + (g->pc - CODE_BASE + 4) % (CODE_PAGES * 4096);
	}
	g->pending_data = ((x >> 20) % 3) == 0;
	if (((x >> 24) & 0xfff) == 0)   /* the stack moves a little */
		g->sp = STACK_TOP - ((x >> 36) & 0x3) * 4096 - 512;
	return trace_rec_access(TRACE_FETCH, 0, g->pc, 4);
}

static struct trace_rec gen_walk(struct gen *g)
{
	uint64_t x = gen_rand(g);
	uint64_t page = (x >> 8) % WALK_PAGES;

	return trace_rec_access(data_kind(x), 0, WALK_BASE + page * 4096 + ((x >> 2) & 0xfc0), 8);
}

static struct trace_rec gen_pages(struct gen *g)
{
	uint64_t page = g->n / 2;

	return trace_rec_access(g->n & 1 ? TRACE_STORE : TRACE_LOAD, 0,
				PAGES_BASE + page * 4096 + 64, 8);
}

static struct trace_rec gen_mixed(struct gen *g)
{
	uint64_t x = gen_rand(g);
	struct trace_rec r;

	if (x % 50000 == 0)
		return trace_rec_tlbi(0, TLBI_VMALLE1, 0, 0, 0);
	if ((x >> 20) % 500 == 0) {
		uint64_t va = (x >> 40) & 1 ?
			HEAP_BASE + ((x >> 42) % HEAP_PAGES) * 4096 :
			CODE_BASE + ((x >> 42) % CODE_PAGES) * 4096;

		return trace_rec_tlbi(0, (x >> 41) & 1 ? TLBI_VAE1 : TLBI_VALE1, 0, 1, va);
	}
	r = gen_hit(g);
	if (r.kind != TRACE_FETCH && (x >> 30) % 200 == 0) {
		r.va = (r.va | 0xfff) - 3;      /* the last 4 bytes of the page */
		r.size = 8;
	}
	return r;
}

static struct trace_rec gen_next(struct gen *g)
{
	struct trace_rec r;

	switch (g->shape) {
	case SHAPE_HIT:  r = gen_hit(g); break;
	case SHAPE_WALK: r = gen_walk(g); break;
	case SHAPE_MIXED: r = gen_mixed(g); break;
	default:         r = gen_pages(g); break;
	}
	g->n++;
	return r;
}

static void usage(void)
{
	fputs("usage: gen_bench_trace hit|walk|pages|mixed N NATIVE_OUT [LACKEY_OUT]\n", stderr);
}

int main(int argc, char **argv)
{
	struct gen g = { .rng = UINT64_C(0x9e3779b97f4a7c15), .pc = CODE_BASE,
			 .sp = STACK_TOP - 512, .heap = HEAP_BASE };
	struct trace_writer *w = NULL;
	struct trace_rec *recs = NULL;
	struct sim_error err;
	uint64_t n, lackey_bytes = 0;
	char *end;
	FILE *lf = NULL;
	int status = 1;

	if (argc < 4 || argc > 5) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "hit"))
		g.shape = SHAPE_HIT;
	else if (!strcmp(argv[1], "walk"))
		g.shape = SHAPE_WALK;
	else if (!strcmp(argv[1], "pages"))
		g.shape = SHAPE_PAGES;
	else if (!strcmp(argv[1], "mixed"))
		g.shape = SHAPE_MIXED;
	else {
		usage();
		return 2;
	}
	n = strtoull(argv[2], &end, 10);
	if (!*argv[2] || *end || !n) {
		usage();
		return 2;
	}

	sim_error_clear(&err);
	recs = malloc(BATCH * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "gen_bench_trace: out of memory\n");
		goto out;
	}
	if (trace_writer_open(&w, argv[3], NULL, &err) < 0) {
		fprintf(stderr, "gen_bench_trace: %s\n", err.msg);
		goto out;
	}
	if (argc == 5) {
		lf = fopen(argv[4], "w");
		if (!lf) {
			perror(argv[4]);
			goto out;
		}
		/* Large stdio buffer: the text is hundreds of megabytes. */
		setvbuf(lf, NULL, _IOFBF, 1 << 20);
		fputs("==1== Lackey, an example Valgrind tool\n", lf);
	}

	for (uint64_t done = 0; done < n;) {
		size_t k = n - done < BATCH ? (size_t)(n - done) : BATCH;

		for (size_t i = 0; i < k; i++)
			recs[i] = gen_next(&g);
		if (trace_write(w, recs, k) < 0) {
			fprintf(stderr, "gen_bench_trace: %s\n", trace_writer_error(w)->msg);
			goto out;
		}
		if (lf)
			for (size_t i = 0; i < k; i++) {
				if (!trace_is_access(&recs[i]))
					continue;
				else if (recs[i].kind == TRACE_FETCH)
					fprintf(lf, "I  %08" PRIx64 ",%u\n", recs[i].va, recs[i].size);
				else
					fprintf(lf, " %c %08" PRIx64 ",%u\n",
						recs[i].kind == TRACE_LOAD ? 'L' : 'S', recs[i].va,
						recs[i].size);
			}
		done += k;
	}
	if (trace_writer_finish(w) < 0) {
		fprintf(stderr, "gen_bench_trace: %s\n", trace_writer_error(w)->msg);
		goto out;
	}
	if (lf) {
		fputs("==1== \n", lf);
		lackey_bytes = (uint64_t)ftell(lf);
		if (fclose(lf) != 0) {
			lf = NULL;
			perror(argv[4]);
			goto out;
		}
		lf = NULL;
	}
	printf("%s: %" PRIu64 " records, native %" PRIu64 " bytes", argv[1], n,
	       trace_writer_bytes_out(w));
	if (argc == 5)
		printf(", lackey %" PRIu64 " bytes", lackey_bytes);
	putchar('\n');
	status = 0;
out:
	if (lf)
		fclose(lf);
	trace_writer_close(w);
	free(recs);
	return status;
}
