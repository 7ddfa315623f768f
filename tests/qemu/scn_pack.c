/*
 * tests/qemu/scn_pack.c - pack walk scenarios into the blob the QEMU
 * prober reads (layout in blob.h).
 *
 *   scn_pack [-m MMFR0] OUT.bin FILE.scn...
 *
 * Scenario ids are the files' positions on the command line (0, 1, ...).
 * With -m, every scenario's ID_AA64MMFR0_EL1 must equal MMFR0: QEMU cannot
 * change its CPU's ID registers, so a scenario written for another CPU
 * cannot be compared.  Exit status 2 on any error.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blob.h"

static const char *const reg_names[BLOB_NREGS] = {
	"SCTLR_EL1", "TCR_EL1", "TTBR0_EL1", "TTBR1_EL1", "MAIR_EL1",
	"HCR_EL2", "VTCR_EL2", "VTTBR_EL2",
};

static const char *const op_names[BLOB_NOPS] = {
	"s1e1r", "s1e1w", "s1e0r", "s1e0w", "s12e1r", "s12e1w", "s12e0r", "s12e0w",
};

struct vec {
	uint64_t *v;
	size_t n, cap;
};

static void push(struct vec *v, uint64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 256;
		v->v = realloc(v->v, v->cap * sizeof(*v->v));
		if (!v->v) {
			perror("scn_pack");
			exit(2);
		}
	}
	v->v[v->n++] = x;
}

static int parse_num(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int pack_one(FILE *out, const char *path, uint64_t id, int check_mmfr0,
		    uint64_t mmfr0)
{
	uint64_t regs[BLOB_NREGS] = { 0 }, idreg = 0, hdr[3];
	struct vec mem = { 0 }, req = { 0 };
	char line[512];
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "scn_pack: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tok[4], *save = NULL, *hash = strchr(line, '#');
		unsigned nt = 0;
		uint64_t a, b;

		lineno++;
		if (hash)
			*hash = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nt < 4;
		     t = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = t;
		if (nt == 0)
			continue;
		if (nt != 3)
			goto bad;
		if (!strcasecmp(tok[0], "reg")) {
			unsigned k;

			if (parse_num(tok[2], &a))
				goto bad;
			if (!strcasecmp(tok[1], "ID_AA64MMFR0_EL1")) {
				idreg = a;
				continue;
			}
			for (k = 0; k < BLOB_NREGS; k++)
				if (!strcasecmp(tok[1], reg_names[k]))
					break;
			if (k == BLOB_NREGS)
				goto bad;
			regs[k] = a;
		} else if (!strcasecmp(tok[0], "mem")) {
			if (parse_num(tok[1], &a) || parse_num(tok[2], &b) || (a & 7))
				goto bad;
			/* Only the prober's table window may be written. */
			if (a < 0x50000000ULL || a >= 0x60000000ULL) {
				fprintf(stderr, "%s:%u: PA outside 0x50000000-0x5fffffff\n",
					path, lineno);
				goto out;
			}
			push(&mem, a);
			push(&mem, b);
		} else if (!strcasecmp(tok[0], "at")) {
			unsigned k;

			for (k = 0; k < BLOB_NOPS; k++)
				if (!strcasecmp(tok[1], op_names[k]))
					break;
			if (k == BLOB_NOPS || parse_num(tok[2], &a))
				goto bad;
			push(&req, k);
			push(&req, a);
		} else {
			goto bad;
		}
	}
	if (check_mmfr0 && idreg != mmfr0) {
		fprintf(stderr, "%s: ID_AA64MMFR0_EL1 %#llx is not the CPU's %#llx\n",
			path, (unsigned long long)idreg, (unsigned long long)mmfr0);
		goto out;
	}
	hdr[0] = id;
	hdr[1] = mem.n / 2;
	hdr[2] = req.n / 2;
	fwrite(hdr, sizeof(hdr), 1, out);
	fwrite(regs, sizeof(regs), 1, out);
	if (mem.n)
		fwrite(mem.v, sizeof(uint64_t), mem.n, out);
	if (req.n)
		fwrite(req.v, sizeof(uint64_t), req.n, out);
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "%s:%u: malformed line\n", path, lineno);
out:
	free(mem.v);
	free(req.v);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	uint64_t mmfr0 = 0, hdr[2];
	int check = 0, i = 1;
	FILE *out;

	if (argc > 2 && !strcmp(argv[1], "-m")) {
		if (parse_num(argv[2], &mmfr0)) {
			fprintf(stderr, "scn_pack: bad -m value\n");
			return 2;
		}
		check = 1;
		i = 3;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: scn_pack [-m MMFR0] OUT.bin FILE.scn...\n");
		return 2;
	}
	out = fopen(argv[i], "wb");
	if (!out) {
		fprintf(stderr, "scn_pack: %s: %s\n", argv[i], strerror(errno));
		return 2;
	}
	hdr[0] = BLOB_MAGIC;
	hdr[1] = (uint64_t)(argc - i - 1);
	fwrite(hdr, sizeof(hdr), 1, out);
	for (int k = i + 1; k < argc; k++)
		if (pack_one(out, argv[k], (uint64_t)(k - i - 1), check, mmfr0))
			return 2;
	if (fclose(out)) {
		fprintf(stderr, "scn_pack: %s: write error\n", argv[i]);
		return 2;
	}
	return 0;
}
