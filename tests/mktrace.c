/*
 * tests/mktrace.c - write a native trace (workloads/FORMAT.md) from a few
 * lines of text, for the command-line tests that need records lackey text
 * cannot hold (context switches, VM switches, TLB maintenance, CPUs).
 *
 *   usage: mktrace OUT < TEXT
 *
 * One record per line, numbers decimal or 0x hex, '#' starts a comment:
 *
 *   load VA SIZE | store VA SIZE | fetch VA SIZE
 *   ctx SPACE            a context switch to address space SPACE
 *   vm VM                a VM switch
 *   tlbi OP FLAGS ASID ADDR   OP by name (vae1, vmalle1, ...), FLAGS 0 or 1 (IS)
 *   cpu N                the CPU of the records that follow (default 0)
 *
 * Exit status 0, or 1 with a message naming the line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace.h"

static int number(const char *s, uint64_t *v)
{
	char *end;

	if (!s)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

/* The record of one line; 0 = a record, 1 = nothing (blank, cpu), -1 = bad. */
static int parse_line(char *line, uint16_t *cpu, struct trace_rec *r)
{
	char *save = NULL, *kind, *a[4];
	uint64_t v[4] = { 0 };
	int n = 0;

	line[strcspn(line, "#\n")] = '\0';
	kind = strtok_r(line, " \t", &save);
	if (!kind)
		return 1;
	while (n < 4 && (a[n] = strtok_r(NULL, " \t", &save)))
		n++;
	if (strtok_r(NULL, " \t", &save))
		return -1;
	if (!strcmp(kind, "tlbi")) {
		unsigned op;

		for (op = 0; op < TLBI__COUNT; op++)
			if (n == 4 && !strcmp(a[0], tlbi_op_name((enum tlbi_op)op)))
				break;
		if (op == TLBI__COUNT || number(a[1], &v[1]) || number(a[2], &v[2]) ||
		    number(a[3], &v[3]) || v[1] > 1 || v[2] > UINT16_MAX)
			return -1;
		*r = trace_rec_tlbi(*cpu, (enum tlbi_op)op, (uint8_t)v[1], (uint16_t)v[2], v[3]);
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (number(a[i], &v[i]))
			return -1;
	if (!strcmp(kind, "load") || !strcmp(kind, "store") || !strcmp(kind, "fetch")) {
		enum trace_kind k = kind[0] == 'l' ? TRACE_LOAD : kind[0] == 's' ? TRACE_STORE
										  : TRACE_FETCH;

		if (n != 2 || !v[1] || v[1] > UINT32_MAX)
			return -1;
		*r = trace_rec_access(k, *cpu, v[0], (uint32_t)v[1]);
		return 0;
	}
	if (n != 1 || v[0] > UINT32_MAX)
		return -1;
	if (!strcmp(kind, "ctx")) {
		*r = trace_rec_ctx_switch(*cpu, (uint32_t)v[0]);
		return 0;
	}
	if (!strcmp(kind, "vm")) {
		*r = trace_rec_vm_switch(*cpu, (uint32_t)v[0]);
		return 0;
	}
	if (!strcmp(kind, "cpu") && v[0] <= UINT16_MAX) {
		*cpu = (uint16_t)v[0];
		return 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct trace_writer *w;
	struct sim_error err = { 0 };
	char line[512];
	unsigned lineno = 0;
	uint16_t cpu = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mktrace OUT < TEXT\n");
		return 1;
	}
	if (trace_writer_open(&w, argv[1], NULL, &err)) {
		fprintf(stderr, "mktrace: %s\n", err.msg);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		struct trace_rec r;
		int rc;

		lineno++;
		rc = parse_line(line, &cpu, &r);
		if (rc < 0) {
			fprintf(stderr, "mktrace: <stdin>:%u: malformed line\n", lineno);
			trace_writer_close(w);
			return 1;
		}
		if (rc == 0 && trace_write(w, &r, 1)) {
			fprintf(stderr, "mktrace: %s\n", trace_writer_error(w)->msg);
			trace_writer_close(w);
			return 1;
		}
	}
	if (trace_writer_finish(w)) {
		fprintf(stderr, "mktrace: %s\n", trace_writer_error(w)->msg);
		trace_writer_close(w);
		return 1;
	}
	trace_writer_close(w);
	return 0;
}
