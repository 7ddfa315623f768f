/*
 * sim/cmd_convert.c - "mmusim convert IN OUT": rewrite any trace mmusim can
 * read (lackey text, native or ChampSim; plain, gzip, zstd, xz or bzip2) as
 * a native trace.
 *
 * Semantic choices:
 *   - OUT is written to a temporary file in OUT's directory and renamed over
 *     OUT only after the whole input was read and the end-of-trace record
 *     written, so a failed run never leaves an OUT that looks complete.  On
 *     standard output ("-") that is impossible; there a failed run simply
 *     omits the end-of-trace record, which readers report as truncation.
 *   - Output is zstd-compressed with --zstd or when OUT ends in ".zst".
 *   - Physical-address records of a native input are kept.
 *   - One summary line goes to standard error; --quiet drops it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "workloads/trace.h"

#define CONVERT_BATCH 4096

static void convert_usage(FILE *f)
{
	fprintf(f,
		"usage: mmusim convert [--format NAME] [--zstd] [--level N] [--quiet] IN OUT\n"
		"\n"
		"Convert a memory trace to mmusim's native binary format.\n"
		"\n"
		"IN is Valgrind lackey output (--tool=lackey --trace-mem=yes), a native\n"
		"trace, or a ChampSim trace; plain or gzip, zstd, xz or bzip2 compressed.\n"
		"Compression is detected by content; so is the format, except ChampSim's,\n"
		"which is chosen by a name that holds champsimtrace or cloudsuite, or by\n"
		"--format.  IN or OUT may be '-' for standard input or output.\n"
		"\n"
		"Options:\n"
		"  --format NAME  auto (default), native, lackey, champsim (64-byte\n"
		"                 records) or champsim-cloudsuite (96-byte records)\n"
		"  --zstd         compress OUT with zstd (implied when OUT ends in .zst)\n"
		"  --level N      zstd compression level, 1..19 (default 3)\n"
		"  --quiet        do not print the summary line on standard error\n"
		"  --help         show this help\n");
}

struct convert_args {
	const char *in, *out;
	struct trace_open_opts ropts;
	struct trace_writer_opts wopts;
	bool quiet;
};

static int parse_args(int argc, char **argv, struct convert_args *a)
{
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			convert_usage(stdout);
			return 1;
		} else if (!strcmp(s, "--zstd")) {
			a->wopts.zstd = true;
		} else if (!strcmp(s, "--format")) {
			if (++i == argc || trace_format_parse(argv[i], &a->ropts.format)) {
				fprintf(stderr, "mmusim: convert: --format: expected %s%s%s%s\n",
					TRACE_FORMAT_NAMES, i < argc ? ", got '" : "",
					i < argc ? argv[i] : "", i < argc ? "'" : "");
				return -1;
			}
		} else if (!strcmp(s, "--quiet") || !strcmp(s, "-q")) {
			a->quiet = true;
		} else if (!strcmp(s, "--level")) {
			char *endp;
			long v;

			if (++i == argc) {
				fprintf(stderr, "mmusim: convert: --level needs a number\n");
				return -1;
			}
			v = strtol(argv[i], &endp, 10);
			if (*endp || v < 1 || v > 19) {
				fprintf(stderr, "mmusim: convert: --level: expected 1..19, got '%s'\n",
					argv[i]);
				return -1;
			}
			a->wopts.zstd_level = (int)v;
		} else if (s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "mmusim: convert: unknown option '%s' (try --help)\n", s);
			return -1;
		} else if (npos == 0) {
			a->in = s;
			npos++;
		} else if (npos == 1) {
			a->out = s;
			npos++;
		} else {
			fprintf(stderr, "mmusim: convert: too many arguments (try --help)\n");
			return -1;
		}
	}
	if (npos != 2) {
		convert_usage(stderr);
		return -1;
	}
	return 0;
}

int cmd_convert(int argc, char **argv)
{
	struct convert_args a = { 0 };
	struct trace_reader *r = NULL;
	struct trace_writer *w = NULL;
	struct trace_rec *recs = NULL;
	struct sim_error err;
	int status = EXIT_USAGE;
	int rc;

	sim_error_clear(&err);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (strcmp(a.out, "-") && trace_path_wants_zstd(a.out))
		a.wopts.zstd = true;

	recs = malloc(CONVERT_BATCH * sizeof(*recs));
	if (!recs) {
		fprintf(stderr, "mmusim: convert: out of memory\n");
		goto out;
	}
	a.ropts.phys = true;    /* keep physical addresses */
	if (trace_reader_open_opts(&r, a.in, &a.ropts, &err) < 0) {
		fprintf(stderr, "mmusim: %s\n", err.msg);
		goto out;
	}
	a.wopts.phys = trace_reader_has_phys(r);
	rc = trace_writer_open(&w, a.out, &a.wopts, &err);
	if (rc < 0) {
		fprintf(stderr, "mmusim: %s\n", err.msg);
		goto out;
	}

	while ((rc = trace_read(r, recs, CONVERT_BATCH)) > 0) {
		if (trace_write(w, recs, (size_t)rc) < 0) {
			fprintf(stderr, "mmusim: %s\n", trace_writer_error(w)->msg);
			goto out;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "mmusim: %s\n", trace_reader_error(r)->msg);
		goto out;
	}
	if (trace_writer_finish(w) < 0) {
		fprintf(stderr, "mmusim: %s\n", trace_writer_error(w)->msg);
		goto out;
	}
	if (!a.quiet) {
		char extra[96] = "";

		if (trace_reader_champsim_records(r))
			snprintf(extra, sizeof(extra), " from %" PRIu64 " ChampSim records",
				 trace_reader_champsim_records(r));
		else if (trace_reader_phys_records(r))
			snprintf(extra, sizeof(extra), " and %" PRIu64 " physical addresses",
				 trace_reader_phys_records(r));
		fprintf(stderr, "mmusim: convert: %s (%s, %s) -> %s%s: %" PRIu64 " records%s, %"
			PRIu64 " lines ignored, %" PRIu64 " bytes in, %" PRIu64 " bytes out\n",
			trace_reader_name(r), trace_format_name(trace_reader_format(r)),
			trace_compression_name(trace_reader_compression(r)), a.out,
			a.wopts.zstd ? " (native, zstd)" : " (native)",
			trace_reader_records(r) - trace_reader_phys_records(r), extra,
			trace_reader_ignored_lines(r), trace_reader_bytes_in(r),
			trace_writer_bytes_out(w));
	}
	status = 0;
out:
	trace_writer_close(w);
	trace_reader_close(r);
	free(recs);
	return status;
}
