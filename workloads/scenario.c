/* workloads/scenario.c - walk scenario parsing and execution; see workloads/scenario.h. */
#include "workloads/scenario.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmu/pmem.h"
#include "mmu/translate.h"

struct reg_name {
	const char *name;
	size_t off;
};

static const struct reg_name reg_names[] = {
	{ "SCTLR_EL1",        offsetof(struct mmu_regs, sctlr_el1) },
	{ "TCR_EL1",          offsetof(struct mmu_regs, tcr_el1) },
	{ "TTBR0_EL1",        offsetof(struct mmu_regs, ttbr0_el1) },
	{ "TTBR1_EL1",        offsetof(struct mmu_regs, ttbr1_el1) },
	{ "MAIR_EL1",         offsetof(struct mmu_regs, mair_el1) },
	{ "HCR_EL2",          offsetof(struct mmu_regs, hcr_el2) },
	{ "VTCR_EL2",         offsetof(struct mmu_regs, vtcr_el2) },
	{ "VTTBR_EL2",        offsetof(struct mmu_regs, vttbr_el2) },
	{ "ID_AA64MMFR0_EL1", offsetof(struct mmu_regs, id_aa64mmfr0_el1) },
};

static const char *const op_names[] = {
	[SCN_S1E1R] = "s1e1r",   [SCN_S1E1W] = "s1e1w",
	[SCN_S1E0R] = "s1e0r",   [SCN_S1E0W] = "s1e0w",
	[SCN_S12E1R] = "s12e1r", [SCN_S12E1W] = "s12e1w",
	[SCN_S12E0R] = "s12e0r", [SCN_S12E0W] = "s12e0w",
};

struct mmu_access scn_op_access(enum scn_op op)
{
	static const struct mmu_access acc[] = {
		[SCN_S1E1R] = { MMU_ACC_READ, 1 },  [SCN_S1E1W] = { MMU_ACC_WRITE, 1 },
		[SCN_S1E0R] = { MMU_ACC_READ, 0 },  [SCN_S1E0W] = { MMU_ACC_WRITE, 0 },
		[SCN_S12E1R] = { MMU_ACC_READ, 1 }, [SCN_S12E1W] = { MMU_ACC_WRITE, 1 },
		[SCN_S12E0R] = { MMU_ACC_READ, 0 }, [SCN_S12E0W] = { MMU_ACC_WRITE, 0 },
	};
	return acc[op];
}

bool scn_op_two_stage(enum scn_op op)
{
	return op >= SCN_S12E1R;
}

void scn_free(struct scenario *s)
{
	free(s->mem);
	free(s->req);
	memset(s, 0, sizeof(*s));
}

/* A token of a line: [p, p + n). */
struct tok {
	const char *p;
	size_t n;
};

static bool tok_is(const struct tok *t, const char *word)
{
	return strlen(word) == t->n && !strncasecmp(t->p, word, t->n);
}

/* Parse a hex (0x...) or decimal 64-bit number; false if malformed or out of
 * range. */
static bool parse_u64(const struct tok *t, uint64_t *v)
{
	const char *p = t->p, *end = t->p + t->n;
	uint64_t x = 0;

	if (t->n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		for (; p < end; p++) {
			unsigned d;

			if (*p >= '0' && *p <= '9')
				d = (unsigned)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				d = (unsigned)(*p - 'a' + 10);
			else if (*p >= 'A' && *p <= 'F')
				d = (unsigned)(*p - 'A' + 10);
			else
				return false;
			if (x >> 60)
				return false;
			x = x << 4 | d;
		}
	} else {
		if (p == end)
			return false;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
				return false;
			x = x * 10 + (uint64_t)(*p - '0');
		}
	}
	*v = x;
	return true;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *a;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	a = realloc(*arr, ncap * elem);
	if (!a)
		return SIM_E_NOMEM;
	*arr = a;
	*cap = ncap;
	return 0;
}

/* Print a token into a message safely (bounded, no control characters). */
static void tok_show(const struct tok *t, char *buf, size_t len)
{
	size_t n = t->n < len - 4 ? t->n : len - 4;
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (t->p[i] >= 0x20 && t->p[i] < 0x7f) ? t->p[i] : '?';
	if (n < t->n)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
}

#define PERR(...) sim_error_set(e, SIM_E_PARSE, __VA_ARGS__)

static int parse_line(struct scenario *s, const char *name, unsigned line,
		      struct tok *tk, unsigned ntok, struct sim_error *e)
{
	char shown[64];
	uint64_t a, b;

	tok_show(&tk[0], shown, sizeof(shown));
	if (tok_is(&tk[0], "reg") || tok_is(&tk[0], "mem") || tok_is(&tk[0], "at")) {
		if (ntok != 3)
			return PERR("%s:%u: '%s' takes two operands, got %u", name, line, shown, ntok - 1);
	} else {
		return PERR("%s:%u: unknown directive '%s' (expected reg, mem or at)", name, line, shown);
	}

	if (tok_is(&tk[0], "reg")) {
		const struct reg_name *r = NULL;

		for (size_t i = 0; i < sizeof(reg_names) / sizeof(reg_names[0]); i++)
			if (tok_is(&tk[1], reg_names[i].name))
				r = &reg_names[i];
		if (!r) {
			tok_show(&tk[1], shown, sizeof(shown));
			return PERR("%s:%u: unknown register '%s' (expected SCTLR_EL1, TCR_EL1, TTBR0_EL1, "
				    "TTBR1_EL1, MAIR_EL1, HCR_EL2, VTCR_EL2, VTTBR_EL2 or ID_AA64MMFR0_EL1)",
				    name, line, shown);
		}
		if (!parse_u64(&tk[2], &a)) {
			tok_show(&tk[2], shown, sizeof(shown));
			return PERR("%s:%u: bad value '%s' (expected a 64-bit number, hex 0x... or decimal)",
				    name, line, shown);
		}
		memcpy((char *)&s->regs + r->off, &a, sizeof(a));
		return 0;
	}

	if (tok_is(&tk[0], "mem")) {
		if (!parse_u64(&tk[1], &a)) {
			tok_show(&tk[1], shown, sizeof(shown));
			return PERR("%s:%u: bad address '%s' (expected a 64-bit number, hex 0x... or decimal)",
				    name, line, shown);
		}
		if (a & 7)
			return PERR("%s:%u: mem address 0x%" PRIx64 " is not 8-byte aligned", name, line, a);
		if (a >> PMEM_PA_BITS)
			return PERR("%s:%u: mem address 0x%" PRIx64 " is beyond the 52-bit physical address space",
				    name, line, a);
		if (!parse_u64(&tk[2], &b)) {
			tok_show(&tk[2], shown, sizeof(shown));
			return PERR("%s:%u: bad value '%s' (expected a 64-bit number, hex 0x... or decimal)",
				    name, line, shown);
		}
		if (grow((void **)&s->mem, &s->memcap, s->nmem, sizeof(*s->mem)))
			return sim_error_set(e, SIM_E_NOMEM, "%s:%u: out of memory", name, line);
		s->mem[s->nmem++] = (struct scn_word){ .pa = a, .val = b };
		return 0;
	}

	/* at OP VA */
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (!tok_is(&tk[1], op_names[i]))
			continue;
		if (!parse_u64(&tk[2], &a)) {
			tok_show(&tk[2], shown, sizeof(shown));
			return PERR("%s:%u: bad address '%s' (expected a 64-bit number, hex 0x... or decimal)",
				    name, line, shown);
		}
		if (grow((void **)&s->req, &s->reqcap, s->nreq, sizeof(*s->req)))
			return sim_error_set(e, SIM_E_NOMEM, "%s:%u: out of memory", name, line);
		s->req[s->nreq++] = (struct scn_request){ .op = (enum scn_op)i, .va = a, .line = line };
		return 0;
	}
	tok_show(&tk[1], shown, sizeof(shown));
	return PERR("%s:%u: unknown operation '%s' (expected s1e1r, s1e1w, s1e0r, s1e0w, "
		    "s12e1r, s12e1w, s12e0r or s12e0w)", name, line, shown);
}

int scn_parse(struct scenario *s, const char *name, const char *text, size_t len,
	      struct sim_error *e)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	while (p < end && !rc) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *stop = eol ? eol : end;
		struct tok tk[4];
		unsigned ntok = 0;

		line++;
		while (p < stop && ntok < 4) {
			while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r'))
				p++;
			if (p == stop || *p == '#')
				break;
			tk[ntok].p = p;
			while (p < stop && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#') {
				if (*p == '\0') {
					rc = PERR("%s:%u: unexpected NUL byte (a scenario is text)", name, line);
					break;
				}
				p++;
			}
			tk[ntok].n = (size_t)(p - tk[ntok].p);
			ntok++;
		}
		if (rc)
			break;
		if (ntok == 4)
			rc = PERR("%s:%u: too many fields (expected DIRECTIVE OPERAND OPERAND)", name, line);
		else if (ntok)
			rc = parse_line(s, name, line, tk, ntok, e);
		p = eol ? eol + 1 : end;
	}
	if (rc)
		scn_free(s);
	return rc;
}

static void print_refs(FILE *out, const struct mmu_refs *refs)
{
	for (unsigned i = 0; i < refs->n; i++) {
		const struct mmu_ref *r = &refs->ref[i];

		fprintf(out, "  ref %u s%u L%d %s 0x%" PRIx64, i + 1, r->stage, r->level,
			r->write ? "write" : "read", r->pa);
		if (r->stage == 2) {
			if (r->for_s1 == MMU_REF_FOR_FINAL)
				fprintf(out, " for=final");
			else
				fprintf(out, " for=s1L%d", r->for_s1);
		}
		fputc('\n', out);
	}
}

int scn_run(const struct scenario *s, bool refs, FILE *out, struct sim_error *e)
{
	struct pmem pm;
	struct mmu_mem mem = { .read = pmem_read64, .write = pmem_write64, .ctx = &pm };
	struct mmu_ctx ctx;
	struct mmu_result res;
	struct mmu_refs *rl = NULL;
	int rc;

	rc = mmu_ctx_decode(&ctx, &s->regs, e);
	if (rc)
		return rc;
	rc = pmem_init(&pm, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < s->nmem && !rc; i++)
		rc = pmem_write64(&pm, s->mem[i].pa, s->mem[i].val);
	if (!rc && refs && !(rl = malloc(sizeof(*rl))))
		rc = SIM_E_NOMEM;

	for (size_t i = 0; i < s->nreq && !rc; i++) {
		const struct scn_request *q = &s->req[i];

		rc = mmu_translate(&ctx, &mem, q->va, scn_op_access(q->op), scn_op_two_stage(q->op),
				   &res, rl);
		if (rc < 0)
			break;
		if (rc == 0) {
			fprintf(out, "0x%" PRIx64 " ok 0x%" PRIx64 "\n", q->va, res.oa);
		} else {
			fprintf(out, "0x%" PRIx64 " fault stage=%u level=%d type=%s ptw=%d\n", q->va,
				res.fault.stage, res.fault.level, mmu_fault_type_name(res.fault.type),
				res.fault.s1ptw ? 1 : 0);
		}
		rc = 0;
		if (rl)
			print_refs(out, rl);
	}
	if (rc < 0 && e && !e->code)
		sim_error_set(e, rc, "%s", rc == SIM_E_NOMEM ? "out of memory" : pm.err.msg);
	free(rl);
	pmem_destroy(&pm);
	return rc;
}
