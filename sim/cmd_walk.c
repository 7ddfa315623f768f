/*
 * sim/cmd_walk.c - `mmusim walk`: answer the translation requests of walk
 * scenarios, one line per request, as the walk-scenario spec defines.
 */
#include "autoconfig.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "workloads/scenario.h"
#include "sim/cmd.h"
#include "sim/readfile.h"

static void walk_usage(FILE *f)
{
	fputs("usage: mmusim walk [--refs] FILE.scn...\n"
	      "\n"
	      "Answer each 'at' request of a walk scenario the way the AArch64 AT\n"
	      "instruction of the same name would, one line per request:\n"
	      "  VA ok OA\n"
	      "  VA fault stage=S level=L type=T ptw=P\n"
	      "FILE may be '-' for standard input.  A malformed scenario is reported\n"
	      "as FILE:LINE: message on standard error, nothing is printed for that\n"
	      "file, and the exit status is 2.\n"
	      "\n"
	      "Options:\n"
	      "  --refs     also list, under each result, the memory references of the\n"
	      "             walk in order: 'ref N sS LL read|write PA [for=s1LK|final]'\n"
	      "             (for= names the stage-1 step a stage-2 reference serves)\n"
	      "  -h, --help show this help\n", f);
}

int cmd_walk(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "refs", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool refs = false;
	int status = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			refs = true;
			break;
		case 'h':
			walk_usage(stdout);
			return 0;
		default:
			walk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "mmusim walk: no scenario file given\n");
		walk_usage(stderr);
		return EXIT_USAGE;
	}

	for (int i = optind; i < argc; i++) {
		struct sim_error err = { 0 };
		struct scenario scn;
		char *text;
		size_t len;

		if (sim_read_file(argv[i], &text, &len, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			status = EXIT_USAGE;
			continue;
		}
		if (scn_parse(&scn, sim_input_name(argv[i]), text, len, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			free(text);
			status = EXIT_USAGE;
			continue;
		}
		free(text);
		if (scn_run(&scn, refs, stdout, &err)) {
			fprintf(stderr, "%s: %s\n", sim_input_name(argv[i]), err.msg);
			status = EXIT_USAGE;
		}
		scn_free(&scn);
	}
	if (fflush(stdout)) {
		perror("mmusim walk: writing results");
		status = 1;
	}
	return status;
}
