/*
 * sim/cmd_gen.c - "mmusim gen [OPTIONS] OUT": write a synthetic trace made
 * by one of the generators of workloads/gen.h (a data access pattern,
 * optionally interleaved with an instruction-fetch stream).
 *
 * Semantic choices:
 *   - Sizes take binary suffixes (k = 2^10, m = 2^20, g = 2^30, t = 2^40);
 *     counts take decimal ones (k = 10^3, m = 10^6, g = 10^9).  Addresses
 *     and sizes may be given in hex (0x...).
 *   - --code without --fetch-ratio enables the instruction stream with the
 *     default ratio of 3 fetches per data access.
 *   - OUT is written to a temporary file in OUT's directory and renamed over
 *     OUT only once complete; "-" writes to standard output.  Output is
 *     zstd-compressed with --zstd or when OUT ends in ".zst".
 *   - One summary line goes to standard error; --quiet drops it.  Bad usage
 *     and bad parameters exit with status 2.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "sim/parse.h"
#include "workloads/gen.h"
#include "workloads/trace.h"

#define GEN_BATCH 8192
#define GEN_DEFAULT_CLI_FETCH_RATIO 3.0

static void gen_usage(FILE *f)
{
	struct gen_params d;

	gen_params_init(&d);
	fprintf(f,
		"usage: mmusim gen [OPTIONS] OUT\n"
		"\n"
		"Write a synthetic memory trace in mmusim's native format to OUT ('-' for\n"
		"standard output).  The records are a data access pattern, optionally\n"
		"interleaved with instruction fetches; the same options and seed always\n"
		"give the same trace.  See workloads/GENERATORS.md.\n"
		"\n"
		"Data stream:\n"
		"  --pattern P      seq, strided, random, zipf, chase, hotcold, or none (only\n"
		"                   instruction fetches) (default %s)\n"
		"  --footprint SIZE bytes of data touched (default %" PRIu64 ")\n"
		"  --base ADDR      first data address, 4 KiB aligned (default 0x%" PRIx64 ")\n"
		"  --size N         access size, 1, 2, 4, 8 or 16 bytes (default %u)\n"
		"  --writes F       fraction of data accesses that are stores, 0..1 (default %g)\n"
		"  --misalign N     add N (< size) bytes to every data address, making some\n"
		"                   accesses cross pages (default %u)\n"
		"  --stride SIZE    strided: bytes between accesses (default %" PRIu64 ")\n"
		"  --zipf S         zipf: exponent, 0..%g (default %g)\n"
		"  --page SIZE      zipf: the unit ranked, a power of two (default %" PRIu64 ")\n"
		"  --node SIZE      chase: bytes per linked node (default %" PRIu64 ")\n"
		"  --hot-frac F     hotcold: fraction of accesses to the hot region (default %g)\n"
		"  --hot SIZE       hotcold: hot region at the start of the footprint\n"
		"                   (default footprint/16)\n"
		"\n"
		"Instruction stream (off unless --fetch-ratio or --code is given):\n"
		"  --fetch-ratio R  4-byte fetches per data access, e.g. 3 (default 0; %g if\n"
		"                   only --code is given)\n"
		"  --code SIZE      bytes of code walked (default %" PRIu64 ")\n"
		"  --code-base ADDR first code address, 4 KiB aligned (default 0x%" PRIx64 ")\n"
		"  --branch P       probability an instruction is a taken branch (default %g)\n"
		"  --far P          probability a taken branch goes anywhere in the code\n"
		"                   rather than near (default %g)\n"
		"  --near SIZE      reach of near branches, +/- bytes (default %" PRIu64 ")\n"
		"\n"
		"General:\n"
		"  --accesses N     records to write, fetches included (default %" PRIu64 ")\n"
		"  --seed N         PRNG seed (default %" PRIu64 ")\n"
		"  --cpu N          cpu number of every record (default %u)\n"
		"  --zstd           compress OUT with zstd (implied when OUT ends in .zst)\n"
		"  --level N        zstd compression level, 1..19 (default 3)\n"
		"  --quiet          do not print the summary line on standard error\n"
		"  --help           show this help\n"
		"\n"
		"Integers are decimal or 0x hex.  SIZE and ADDR take the suffixes k, m, g,\n"
		"t (powers of 1024); counts (N) take k, m, g, t as powers of 1000.  F, P, R\n"
		"and S are decimal numbers (0.3, 2, 1e-3).\n"
		"Options may be written --opt VALUE or --opt=VALUE.\n",
		gen_pattern_name(d.pattern), d.footprint, d.base, d.size, d.write_frac,
		d.misalign, d.stride, GEN_ZIPF_MAX_EXPONENT, d.zipf_s, d.page_size,
		d.node_size, d.hot_frac, GEN_DEFAULT_CLI_FETCH_RATIO, d.code_bytes,
		d.code_base, d.branch_prob, d.far_prob, d.near_bytes, d.accesses, d.seed,
		(unsigned)d.cpu);
}

struct gen_args {
	struct gen_params p;
	struct trace_writer_opts wopts;
	const char *out;
	bool quiet, ratio_given, code_given;
};

enum opt_type { OPT_SIZE, OPT_COUNT, OPT_REAL, OPT_UINT };

struct gen_opt {
	const char *name;
	enum opt_type type;
	size_t field;   /* offset in struct gen_params */
};

#define P_OFF(f) offsetof(struct gen_params, f)

static const struct gen_opt value_opts[] = {
	{ "footprint", OPT_SIZE, P_OFF(footprint) },
	{ "base", OPT_SIZE, P_OFF(base) },
	{ "size", OPT_UINT, P_OFF(size) },
	{ "writes", OPT_REAL, P_OFF(write_frac) },
	{ "misalign", OPT_UINT, P_OFF(misalign) },
	{ "stride", OPT_SIZE, P_OFF(stride) },
	{ "zipf", OPT_REAL, P_OFF(zipf_s) },
	{ "page", OPT_SIZE, P_OFF(page_size) },
	{ "node", OPT_SIZE, P_OFF(node_size) },
	{ "hot-frac", OPT_REAL, P_OFF(hot_frac) },
	{ "hot", OPT_SIZE, P_OFF(hot_bytes) },
	{ "fetch-ratio", OPT_REAL, P_OFF(fetch_ratio) },
	{ "code", OPT_SIZE, P_OFF(code_bytes) },
	{ "code-base", OPT_SIZE, P_OFF(code_base) },
	{ "branch", OPT_REAL, P_OFF(branch_prob) },
	{ "far", OPT_REAL, P_OFF(far_prob) },
	{ "near", OPT_SIZE, P_OFF(near_bytes) },
	{ "accesses", OPT_COUNT, P_OFF(accesses) },
	{ "seed", OPT_COUNT, P_OFF(seed) },
};

/* Stores @val into the option's field; -1 (after a message) if malformed. */
static int set_value(struct gen_args *a, const struct gen_opt *o, const char *val)
{
	char *field = (char *)&a->p + o->field;
	uint64_t u;
	double d;

	switch (o->type) {
	case OPT_SIZE:
	case OPT_COUNT:
		if (parse_u64(val, o->type == OPT_SIZE ? PARSE_BYTES : PARSE_COUNT, &u)) {
			fprintf(stderr, "mmusim: gen: --%s: expected a %s, got '%s'\n", o->name,
				o->type == OPT_SIZE ? "size such as 4096, 2m or 0x1000" :
				"count such as 1000 or 10m", val);
			return -1;
		}
		memcpy(field, &u, sizeof(u));
		return 0;
	case OPT_UINT: {
		unsigned v;

		if (parse_u64(val, PARSE_COUNT, &u) || u > 4096) {
			fprintf(stderr, "mmusim: gen: --%s: expected a small number, got '%s'\n",
				o->name, val);
			return -1;
		}
		v = (unsigned)u;
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	case OPT_REAL:
		if (parse_real(val, &d)) {
			fprintf(stderr, "mmusim: gen: --%s: expected a number, got '%s'\n", o->name,
				val);
			return -1;
		}
		memcpy(field, &d, sizeof(d));
		return 0;
	}
	return -1;
}

/* 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_args(int argc, char **argv, struct gen_args *a)
{
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *val = NULL, *eq;
		char name[32];
		size_t len;

		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			gen_usage(stdout);
			return 1;
		}
		if (!strcmp(s, "--zstd")) {
			a->wopts.zstd = true;
			continue;
		}
		if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
			a->quiet = true;
			continue;
		}
		if (s[0] != '-' || s[1] == '\0') {
			if (npos++) {
				fprintf(stderr, "mmusim: gen: too many arguments (try --help)\n");
				return -1;
			}
			a->out = s;
			continue;
		}
		if (s[1] != '-') {
			fprintf(stderr, "mmusim: gen: unknown option '%s' (try --help)\n", s);
			return -1;
		}
		s += 2;
		eq = strchr(s, '=');
		len = eq ? (size_t)(eq - s) : strlen(s);
		if (len >= sizeof(name)) {
			fprintf(stderr, "mmusim: gen: unknown option '--%s' (try --help)\n", s);
			return -1;
		}
		memcpy(name, s, len);
		name[len] = '\0';
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, "mmusim: gen: --%s needs a value (try --help)\n", name);
			return -1;
		}

		if (!strcmp(name, "pattern")) {
			if (gen_pattern_parse(val, &a->p.pattern) < 0) {
				fprintf(stderr, "mmusim: gen: --pattern: unknown pattern '%s' (expected "
					"seq, strided, random, zipf, chase, hotcold or none)\n", val);
				return -1;
			}
			continue;
		}
		if (!strcmp(name, "cpu")) {
			uint64_t u;

			if (parse_u64(val, PARSE_COUNT, &u) || u > UINT16_MAX) {
				fprintf(stderr, "mmusim: gen: --cpu: expected 0..65535, got '%s'\n", val);
				return -1;
			}
			a->p.cpu = (uint16_t)u;
			continue;
		}
		if (!strcmp(name, "level")) {
			uint64_t u;

			if (parse_u64(val, PARSE_COUNT, &u) || u < 1 || u > 19) {
				fprintf(stderr, "mmusim: gen: --level: expected 1..19, got '%s'\n", val);
				return -1;
			}
			a->wopts.zstd_level = (int)u;
			continue;
		}
		{
			const struct gen_opt *o = NULL;

			for (size_t k = 0; k < sizeof(value_opts) / sizeof(value_opts[0]); k++)
				if (!strcmp(name, value_opts[k].name))
					o = &value_opts[k];
			if (!o) {
				fprintf(stderr, "mmusim: gen: unknown option '--%s' (try --help)\n", name);
				return -1;
			}
			if (set_value(a, o, val) < 0)
				return -1;
			if (!strcmp(name, "fetch-ratio"))
				a->ratio_given = true;
			if (!strcmp(name, "code"))
				a->code_given = true;
		}
	}
	if (!a->out) {
		gen_usage(stderr);
		return -1;
	}
	if (a->p.accesses == 0) {
		fprintf(stderr, "mmusim: gen: --accesses must be at least 1\n");
		return -1;
	}
	if (a->code_given && !a->ratio_given)
		a->p.fetch_ratio = GEN_DEFAULT_CLI_FETCH_RATIO;
	return 0;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_args a = { 0 };
	struct trace_writer *w = NULL;
	struct trace_rec *recs = NULL;
	struct gen *g = NULL;
	struct sim_error err;
	uint64_t kinds[3] = { 0 };
	int status = EXIT_USAGE;
	int rc;

	sim_error_clear(&err);
	gen_params_init(&a.p);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (strcmp(a.out, "-") && trace_path_wants_zstd(a.out))
		a.wopts.zstd = true;

	if (gen_create(&g, &a.p, &err) < 0) {
		fprintf(stderr, "mmusim: %s\n", err.msg);
		goto out;
	}
	recs = malloc(GEN_BATCH * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "mmusim: gen: out of memory\n");
		goto out;
	}
	rc = trace_writer_open(&w, a.out, &a.wopts, &err);
	if (rc < 0) {
		fprintf(stderr, "mmusim: %s\n", err.msg);
		goto out;
	}

	while ((rc = gen_next_batch(g, recs, GEN_BATCH)) > 0) {
		for (int i = 0; i < rc; i++)
			kinds[recs[i].kind]++;
		if (trace_write(w, recs, (size_t)rc) < 0) {
			fprintf(stderr, "mmusim: %s\n", trace_writer_error(w)->msg);
			goto out;
		}
	}
	if (trace_writer_finish(w) < 0) {
		fprintf(stderr, "mmusim: %s\n", trace_writer_error(w)->msg);
		goto out;
	}
	if (!a.quiet) {
		const struct gen_params *p = gen_get_params(g);

		fprintf(stderr, "mmusim: gen: %s", gen_pattern_name(p->pattern));
		if (p->pattern != GEN_NONE)
			fprintf(stderr, " over %" PRIu64 " bytes at 0x%" PRIx64, p->footprint,
				p->base);
		if (kinds[TRACE_FETCH])
			fprintf(stderr, ", code %" PRIu64 " bytes at 0x%" PRIx64, p->code_bytes,
				p->code_base);
		fprintf(stderr, ", seed %" PRIu64 " -> %s%s: %" PRIu64 " records (%" PRIu64
			" loads, %" PRIu64 " stores, %" PRIu64 " fetches), %" PRIu64 " bytes\n",
			p->seed, a.out, a.wopts.zstd ? " (native, zstd)" : " (native)",
			gen_records(g), kinds[TRACE_LOAD], kinds[TRACE_STORE], kinds[TRACE_FETCH],
			trace_writer_bytes_out(w));
	}
	status = 0;
out:
	trace_writer_close(w);
	gen_destroy(g);
	free(recs);
	return status;
}
