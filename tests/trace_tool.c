/*
 * tests/trace_tool.c - a helper of the shell tests: writes ChampSim traces,
 * derives the lackey trace a ChampSim trace is equivalent to, turns a native
 * trace into ChampSim records, and prints any trace as text.
 *
 *   trace_tool gen [--cloudsuite] [--asids N] SEED RECORDS OUT
 *       pseudo-random ChampSim records (addresses in a few pages, zero slots,
 *       repeated addresses; with --asids N, asid[0] cycles through 0..N-1
 *       every 50 records)
 *   trace_tool to-lackey [--cloudsuite] IN OUT
 *       the lackey text that lists, per record of the plain ChampSim file IN,
 *       "I  ip,1", then " L addr,1" per non-zero source_memory entry, then
 *       " S addr,1" per non-zero destination_memory entry.  It reads the
 *       bytes itself, not through mmusim's ChampSim reader, so the tests
 *       compare two independent readings of the format.
 *   trace_tool from-native [--cloudsuite] IN OUT
 *       a ChampSim file from a native (or lackey) trace of CPU 0: one record
 *       per fetch, holding the loads and stores that follow it (further
 *       records at the same ip when they do not fit: 4 loads, 2 or 4 stores)
 *   trace_tool dump [--phys] IN
 *       one line per record: "cpu kind va size" (access), "cpu ctx N",
 *       "cpu vm N", "cpu tlbi OP", and with --phys "cpu phys PA"
 *
 * Exit status 0, or 1 with a message.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace.h"

#define STD_LEN 64
#define CLOUD_LEN 96

static int die(const char *msg, const char *arg)
{
	fprintf(stderr, "trace_tool: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	return 1;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Offsets of the memory slots: [0] destination, [1] source. */
struct layout {
	size_t len, dst, src, asid;
	unsigned ndst;
};

static struct layout layout_of(int cloud)
{
	struct layout l = { STD_LEN, 16, 32, 0, 2 };

	if (cloud)
		l = (struct layout){ CLOUD_LEN, 24, 56, 88, 4 };
	return l;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int gen(int cloud, unsigned asids, uint64_t seed, uint64_t n, const char *out)
{
	struct layout l = layout_of(cloud);
	uint64_t s = seed * 0x9e3779b97f4a7c15u + 1, ip = 0x400000;
	FILE *f = fopen(out, "wb");

	if (!f)
		return die("cannot create", out);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t r[CLOUD_LEN] = { 0 };
		uint64_t x = rng(&s);

		/* mostly sequential code, sometimes a branch within 64 pages */
		ip = x % 8 ? ip + 4 : 0x400000 + (x >> 8) % (64u << 12);
		put64(r, ip);
		r[8] = (uint8_t)(x >> 3 & 1);
		r[10] = (uint8_t)(x >> 16);             /* registers: noise */
		for (unsigned k = 0; k < 4; k++) {
			uint64_t y = rng(&s);

			if (y % 3)
				put64(r + l.src + 8 * k, 0x7f0000000000u + (y >> 20) % (256u << 12));
		}
		/* a repeated address now and then */
		if (x % 5 == 0)
			memcpy(r + l.src + 8, r + l.src, 8);
		for (unsigned k = 0; k < l.ndst; k++) {
			uint64_t y = rng(&s);

			if (y % 4 == 0)
				put64(r + l.dst + 8 * k, 0x7f0000000000u + (y >> 20) % (256u << 12));
		}
		if (cloud && asids)
			r[l.asid] = (uint8_t)(i / 50 % asids);
		if (fwrite(r, 1, l.len, f) != l.len)
			return die("write failed", out);
	}
	return fclose(f) ? die("write failed", out) : 0;
}

static int to_lackey(int cloud, const char *in, const char *out)
{
	struct layout l = layout_of(cloud);
	FILE *f = fopen(in, "rb"), *o;
	uint8_t r[CLOUD_LEN];

	if (!f)
		return die("cannot open", in);
	o = fopen(out, "w");
	if (!o)
		return die("cannot create", out);
	fprintf(o, "==1== Lackey, equivalent of a ChampSim trace\n");
	while (fread(r, 1, l.len, f) == l.len) {
		fprintf(o, "I  %" PRIx64 ",1\n", get64(r));
		for (unsigned k = 0; k < 4; k++)
			if (get64(r + l.src + 8 * k))
				fprintf(o, " L %" PRIx64 ",1\n", get64(r + l.src + 8 * k));
		for (unsigned k = 0; k < l.ndst; k++)
			if (get64(r + l.dst + 8 * k))
				fprintf(o, " S %" PRIx64 ",1\n", get64(r + l.dst + 8 * k));
	}
	fclose(f);
	return fclose(o) ? die("write failed", out) : 0;
}

struct builder {
	struct layout l;
	FILE *o;
	uint8_t r[CLOUD_LEN];
	bool open;
	unsigned nsrc, ndst;
	uint64_t records;
};

static void flush_rec(struct builder *b)
{
	if (b->open) {
		fwrite(b->r, 1, b->l.len, b->o);
		b->records++;
	}
	b->open = false;
}

static void start_rec(struct builder *b, uint64_t ip)
{
	flush_rec(b);
	memset(b->r, 0, sizeof(b->r));
	put64(b->r, ip);
	b->nsrc = b->ndst = 0;
	b->open = true;
}

static int from_native(int cloud, const char *in, const char *out)
{
	struct builder b = { .l = layout_of(cloud) };
	struct trace_reader *rd;
	struct trace_rec recs[4096];
	struct sim_error err = { 0 };
	uint64_t ip = 0;
	int n;

	if (trace_reader_open(&rd, in, &err))
		return die(err.msg, NULL);
	b.o = fopen(out, "wb");
	if (!b.o)
		return die("cannot create", out);
	while ((n = trace_read(rd, recs, 4096)) > 0)
		for (int i = 0; i < n; i++) {
			const struct trace_rec *t = &recs[i];

			if (t->cpu != 0 || !trace_is_access(t))
				return die("only accesses of CPU 0 go into a ChampSim trace", in);
			if (t->kind == TRACE_FETCH) {
				ip = t->va;
				start_rec(&b, ip);
				continue;
			}
			if (t->va == 0)
				continue;       /* ChampSim cannot say "address 0" */
			if (!b.open ||
			    (t->kind == TRACE_LOAD ? b.nsrc == 4 : b.ndst == b.l.ndst) ||
			    (t->kind == TRACE_LOAD && b.ndst > 0))
				start_rec(&b, ip);      /* loads come before stores in a record */
			if (t->kind == TRACE_LOAD)
				put64(b.r + b.l.src + 8 * b.nsrc++, t->va);
			else
				put64(b.r + b.l.dst + 8 * b.ndst++, t->va);
		}
	if (n < 0)
		return die(trace_reader_error(rd)->msg, NULL);
	flush_rec(&b);
	trace_reader_close(rd);
	if (fclose(b.o))
		return die("write failed", out);
	fprintf(stderr, "trace_tool: %s: %" PRIu64 " ChampSim records\n", out, b.records);
	return 0;
}

static int dump(int phys, const char *in)
{
	struct trace_open_opts o = { .phys = phys };
	struct trace_reader *rd;
	struct trace_rec recs[4096];
	struct sim_error err = { 0 };
	int n;

	if (trace_reader_open_opts(&rd, in, &o, &err))
		return die(err.msg, NULL);
	while ((n = trace_read(rd, recs, 4096)) > 0)
		for (int i = 0; i < n; i++) {
			const struct trace_rec *t = &recs[i];

			if (trace_is_access(t))
				printf("%u %s %" PRIx64 " %u\n", t->cpu, trace_kind_name(t->kind), t->va,
				       t->size);
			else if (t->kind == TRACE_CTX_SWITCH || t->kind == TRACE_VM_SWITCH)
				printf("%u %s %u\n", t->cpu, trace_kind_name(t->kind), t->space);
			else if (t->kind == TRACE_TLBI)
				printf("%u tlbi %s\n", t->cpu, tlbi_op_name((enum tlbi_op)t->tlbi.op));
			else
				printf("%u phys %" PRIx64 "\n", t->cpu, t->va);
		}
	if (n < 0)
		return die(trace_reader_error(rd)->msg, NULL);
	trace_reader_close(rd);
	return fclose(stdout) ? die("write failed", "<stdout>") : 0;
}

int main(int argc, char **argv)
{
	int cloud = 0, phys = 0, i = 2;
	unsigned asids = 0;

	if (argc < 2)
		return die("usage: trace_tool gen|to-lackey|from-native|dump ...", NULL);
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--cloudsuite"))
			cloud = 1;
		else if (!strcmp(argv[i], "--phys"))
			phys = 1;
		else if (!strcmp(argv[i], "--asids") && i + 1 < argc)
			asids = (unsigned)strtoul(argv[++i], NULL, 10);
		else
			return die("unknown option", argv[i]);
	}
	if (!strcmp(argv[1], "gen") && argc - i == 3)
		return gen(cloud, asids, strtoull(argv[i], NULL, 10), strtoull(argv[i + 1], NULL, 10),
			   argv[i + 2]);
	if (!strcmp(argv[1], "to-lackey") && argc - i == 2)
		return to_lackey(cloud, argv[i], argv[i + 1]);
	if (!strcmp(argv[1], "from-native") && argc - i == 2)
		return from_native(cloud, argv[i], argv[i + 1]);
	if (!strcmp(argv[1], "dump") && argc - i == 1)
		return dump(phys, argv[i]);
	return die("bad arguments; see tests/trace_tool.c", NULL);
}
