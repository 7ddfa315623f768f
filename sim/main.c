/*
 * sim/main.c - the mmusim command: dispatches to a subcommand.  This is the
 * only file that calls exit(); library code reports errors upward.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cmd.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "run",    cmd_run,    "replay memory traces through the TLBs and page tables and report the cost" },
	{ "walk",   cmd_walk,   "answer the translation requests of a walk scenario" },
	{ "layout", cmd_layout, "show the table layout and register values for an address size" },
	{ "convert", cmd_convert, "convert a lackey or native trace (plain, gzip, zstd) to the native format" },
	{ "report", cmd_report, "charts, tables and a design-review report (HTML, Markdown) from results" },
	{ "sweep",  cmd_sweep,  "run a matrix of configurations x workloads on every core (or emit Slurm / GNU parallel jobs)" },
	{ "gen", cmd_gen, "write a synthetic trace (sequential, strided, random, zipf, chase, hotcold; with an instruction stream)" },
	{ "compare", cmd_compare, "replay a virtualization workload under the design-review configurations and compare" },
	{ "record", cmd_record, "run a program (AArch64 under QEMU, x86-64 under Valgrind) and record its trace" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mmusim COMMAND [OPTIONS] [ARGS]\n"
		"       mmusim COMMAND --help\n\n"
		"mmusim %s: a trace-driven AArch64 MMU/TLB simulator.\n\n"
		"Commands:\n", PACKAGE_VERSION);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
}

/*
 * `mmusim COMMAND ... --version`: every command prints the version.  The
 * options end at "--", and for `record` also at the program's name: what
 * follows belongs to someone else.
 */
static bool asks_version(int argc, char **argv, bool stop_at_operand)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--version"))
			return true;
		if (stop_at_operand && argv[i][0] != '-')
			break;
	}
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		exit(EXIT_USAGE);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		exit(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmusim %s\n", PACKAGE_VERSION);
		exit(0);
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name)) {
			if (asks_version(argc - 1, argv + 1, subcommands[i].fn == cmd_record)) {
				printf("mmusim %s\n", PACKAGE_VERSION);
				exit(0);
			}
			exit(subcommands[i].fn(argc - 1, argv + 1));
		}
	fprintf(stderr, "mmusim: unknown command '%s' (try 'mmusim --help')\n", argv[1]);
	exit(EXIT_USAGE);
}
