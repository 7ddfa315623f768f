/*
 * workloads/workload.c - the workload file (see workloads/workload.h and
 * workloads/WORKLOADS.md): its sections and keys, read by sim/ini.c (the
 * INI reader of every input file) and parsed by sim/parse.c.
 *
 * Each section kind has a table of keys (struct wl_key) with a parser and
 * a field.  The parser keeps no state outside the struct it fills, which
 * suits the fuzzer.
 */
#include "workloads/workload.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/config.h"
#include "sim/ini.h"
#include "sim/parse.h"
#include "sim/readfile.h"
#include "workloads/trace.h"

/* ---- the built-in default workload ---------------------------------------- */

const char workload_default_ini[] =
	"# The built-in workload of `mmusim compare` (workloads/WORKLOADS.md):\n"
	"# two CPUs; VMs web and db with two processes each and a host process;\n"
	"# Zipf, random, hot/cold and pointer-chasing data with instruction\n"
	"# streams; VM exits, system calls and page invalidations.  CPU 0 runs both\n"
	"# web processes and one of db's, CPU 1 the other db process and the host\n"
	"# process.  About 2 million accesses in all.\n"
	"[workload]\n"
	"cpus = 2\n"
	"quantum = 20k\n"
	"slice = 1000\n"
	"seed = 1\n"
	"\n"
	"[host]\n"
	"kernel_footprint = 8m\n"
	"kernel_pattern = zipf\n"
	"hyp_footprint = 512k\n"
	"hyp_pattern = random\n"
	"\n"
	"[vm.web]\n"
	"exit_every = 5000\n"
	"exit_accesses = 100\n"
	"exit_host_accesses = 50\n"
	"kernel_footprint = 8m\n"
	"\n"
	"[vm.db]\n"
	"exit_every = 10000\n"
	"exit_accesses = 100\n"
	"exit_host_accesses = 50\n"
	"kernel_footprint = 8m\n"
	"\n"
	"[proc.web_front]\n"
	"vm = web\n"
	"cpu = 0\n"
	"pattern = zipf\n"
	"footprint = 64m\n"
	"zipf = 1.0\n"
	"writes = 0.2\n"
	"fetch_ratio = 2\n"
	"code = 4m\n"
	"accesses = 450k\n"
	"syscall_every = 4000\n"
	"syscall_accesses = 100\n"
	"\n"
	"[proc.web_cache]\n"
	"vm = web\n"
	"cpu = 0\n"
	"pattern = random\n"
	"footprint = 4m\n"
	"writes = 0.3\n"
	"accesses = 400k\n"
	"syscall_every = 8000\n"
	"syscall_accesses = 100\n"
	"tlbi_every = 20000\n"
	"\n"
	"[proc.db_query]\n"
	"vm = db\n"
	"cpu = 0\n"
	"pattern = hotcold\n"
	"footprint = 512m\n"
	"hot = 4m\n"
	"hot_frac = 0.95\n"
	"writes = 0.1\n"
	"fetch_ratio = 2\n"
	"code = 2m\n"
	"accesses = 450k\n"
	"syscall_every = 5000\n"
	"syscall_accesses = 100\n"
	"\n"
	"[proc.db_index]\n"
	"vm = db\n"
	"cpu = 1\n"
	"pattern = chase\n"
	"footprint = 8m\n"
	"node = 256\n"
	"accesses = 400k\n"
	"syscall_every = 10000\n"
	"syscall_accesses = 100\n"
	"tlbi_every = 50000\n"
	"\n"
	"[proc.host_daemon]\n"
	"vm = host\n"
	"cpu = 1\n"
	"pattern = zipf\n"
	"footprint = 32m\n"
	"fetch_ratio = 1\n"
	"code = 1m\n"
	"accesses = 300k\n"
	"syscall_every = 3000\n"
	"syscall_accesses = 100\n";

/* ---- names ------------------------------------------------------------------ */

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= WL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* ---- key tables --------------------------------------------------------------- */

enum wl_type {
	T_COUNT,        /* uint64_t, k/m/g/t = 1000^n (PARSE_COUNT) */
	T_SIZE,         /* uint64_t, k/m/g/t = 1024^n (PARSE_BYTES) */
	T_UINT,         /* unsigned, [min, max], as T_COUNT */
	T_REAL,         /* double, [0, max] (parse_real()) */
	T_PATTERN,      /* enum gen_pattern */
	T_KPATTERN,     /* enum gen_pattern, not none */
	T_GRANULE,      /* unsigned shift: 4k/16k/64k */
	T_LEVEL,        /* int: auto or 0..3 */
	T_BLOCKS,       /* int enum cfg_blocks */
	T_PPM,          /* uint32_t fraction (parse_ppm()) */
	T_U32,          /* uint32_t, [min, max] */
	T_U16,          /* uint16_t, [min, max] */
	T_INT_CPU,      /* int CPU number or "auto" */
	T_VMREF,        /* char[] VM name or "host" */
	T_PATH,         /* char * trace path */
	T_TFORMAT,      /* enum trace_format */
};

struct wl_key {
	const char *name;
	enum wl_type type;
	size_t off;
	uint64_t min, max;
	const char *what;       /* expected-value text for messages */
};

#define K(n, t, st, f, lo, hi, w) \
	{ .name = (n), .type = (t), .off = offsetof(st, f), .min = (lo), .max = (hi), .what = (w) }

static const struct wl_key workload_keys[] = {
	K("cpus", T_UINT, struct workload, ncpus, 1, WL_CPUS_MAX, "a number of CPUs, 1..64"),
	K("quantum", T_COUNT, struct workload, quantum, 1, UINT64_MAX,
	  "a count of accesses, at least 1, such as 100k"),
	K("slice", T_COUNT, struct workload, slice, 1, UINT64_MAX,
	  "a count of accesses, at least 1"),
	K("accesses", T_COUNT, struct workload, accesses, 0, UINT64_MAX,
	  "a count of accesses such as 10m (0: until the sources end)"),
	K("seed", T_COUNT, struct workload, seed, 0, UINT64_MAX, "a number"),
};

static const struct wl_key cpu_keys[] = {
	K("quantum", T_COUNT, struct wl_cpu, quantum, 1, UINT64_MAX,
	  "a count of accesses, at least 1, such as 100k"),
};

static const struct wl_key host_keys[] = {
	K("kernel_footprint", T_SIZE, struct workload, host_kernel.footprint, 4096, UINT64_C(1) << 46,
	  "a size, 4k..64t"),
	K("kernel_pattern", T_KPATTERN, struct workload, host_kernel.pattern, 0, 0,
	  "seq, strided, random, zipf, chase or hotcold"),
	K("hyp_footprint", T_SIZE, struct workload, hyp.footprint, 4096, UINT64_C(1) << 38,
	  "a size, 4k..256g"),
	K("hyp_pattern", T_KPATTERN, struct workload, hyp.pattern, 0, 0,
	  "seq, strided, random, zipf, chase or hotcold"),
};

static const struct wl_key vm_keys[] = {
	K("id", T_U32, struct wl_vm, id, 1, 65535, "a VM number, 1..65535"),
	K("granule", T_GRANULE, struct wl_vm, granule_shift, 0, 0, "4k, 16k or 64k"),
	K("ipa_bits", T_UINT, struct wl_vm, ipa_bits, 32, 52, "an IPA size, 32..52"),
	K("start_level", T_LEVEL, struct wl_vm, start_level, 0, 0, "auto, 0, 1, 2 or 3"),
	K("blocks", T_BLOCKS, struct wl_vm, blocks, 0, 0, "none, l2 or l1"),
	K("huge_fraction", T_PPM, struct wl_vm, huge_ppm, 0, 0, "a fraction 0..1"),
	K("exit_every", T_COUNT, struct wl_vm, exit_every, 0, UINT64_MAX,
	  "a count of guest accesses (0: no exits)"),
	K("exit_accesses", T_COUNT, struct wl_vm, exit_accesses, 0, UINT64_C(1) << 32,
	  "a count of accesses, up to 4g"),
	K("exit_host_accesses", T_COUNT, struct wl_vm, exit_host_accesses, 0, UINT64_C(1) << 32,
	  "a count of accesses, up to 4g"),
	K("kernel_footprint", T_SIZE, struct wl_vm, kernel.footprint, 4096, UINT64_C(1) << 46,
	  "a size, 4k..64t"),
	K("kernel_pattern", T_KPATTERN, struct wl_vm, kernel.pattern, 0, 0,
	  "seq, strided, random, zipf, chase or hotcold"),
};

#define G(n, t, f, lo, hi, w) K(n, t, struct wl_proc, gen.f, lo, hi, w)

static const struct wl_key proc_keys[] = {
	K("vm", T_VMREF, struct wl_proc, vm_name, 0, 0, "a VM name or host"),
	K("id", T_U32, struct wl_proc, id, 0, UINT32_MAX, "an address-space number"),
	K("cpu", T_INT_CPU, struct wl_proc, cpu, 0, WL_CPUS_MAX - 1, "a CPU number or auto"),
	K("trace", T_PATH, struct wl_proc, trace, 0, 0, "a trace file"),
	K("trace_format", T_TFORMAT, struct wl_proc, trace_format, 0, 0,
	  "a trace format: " TRACE_FORMAT_NAMES),
	K("syscall_every", T_COUNT, struct wl_proc, syscall_every, 0, UINT64_MAX,
	  "a count of accesses (0: no system calls)"),
	K("syscall_accesses", T_COUNT, struct wl_proc, syscall_accesses, 0, UINT64_C(1) << 32,
	  "a count of accesses, up to 4g"),
	K("tlbi_every", T_COUNT, struct wl_proc, tlbi_every, 0, UINT64_MAX,
	  "a count of accesses (0: no invalidations)"),
	/* the generator: the options of `mmusim gen`, '-' written '_' */
	G("pattern", T_PATTERN, pattern, 0, 0,
	  "seq, strided, random, zipf, chase, hotcold or none"),
	G("accesses", T_COUNT, accesses, 0, UINT64_MAX, "a count such as 1m (0: endless)"),
	G("seed", T_COUNT, seed, 0, UINT64_MAX, "a number"),
	G("base", T_SIZE, base, 0, UINT64_MAX, "an address"),
	G("footprint", T_SIZE, footprint, 1, UINT64_MAX, "a size such as 1g"),
	G("size", T_UINT, size, 1, 16, "1, 2, 4, 8 or 16"),
	G("misalign", T_UINT, misalign, 0, 15, "a number of bytes below size"),
	G("writes", T_REAL, write_frac, 0, 1, "a fraction 0..1"),
	G("stride", T_SIZE, stride, 1, UINT64_MAX, "a size"),
	G("zipf", T_REAL, zipf_s, 0, 10, "an exponent 0..10"),
	G("page", T_SIZE, page_size, 1, UINT64_MAX, "a power-of-two size"),
	G("node", T_SIZE, node_size, 1, UINT64_MAX, "a size"),
	G("hot_frac", T_REAL, hot_frac, 0, 1, "a fraction 0..1"),
	G("hot", T_SIZE, hot_bytes, 0, UINT64_MAX, "a size"),
	G("fetch_ratio", T_REAL, fetch_ratio, 0, 1000000, "a ratio 0..1000000"),
	G("code", T_SIZE, code_bytes, 4, UINT64_MAX, "a size"),
	G("code_base", T_SIZE, code_base, 0, UINT64_MAX, "an address"),
	G("branch", T_REAL, branch_prob, 0, 1, "a probability 0..1"),
	G("far", T_REAL, far_prob, 0, 1, "a probability 0..1"),
	G("near", T_SIZE, near_bytes, 0, UINT64_MAX, "a size"),
};

#undef G
#undef K

enum wl_sec {
	SEC_NONE = 0,
	SEC_WORKLOAD,
	SEC_CPU,
	SEC_HOST,
	SEC_VM,
	SEC_PROC,
	SEC__COUNT
};

static const struct {
	const struct wl_key *keys;
	size_t n;
} sec_keys[SEC__COUNT] = {
	[SEC_WORKLOAD] = { workload_keys, sizeof(workload_keys) / sizeof(workload_keys[0]) },
	[SEC_CPU] = { cpu_keys, sizeof(cpu_keys) / sizeof(cpu_keys[0]) },
	[SEC_HOST] = { host_keys, sizeof(host_keys) / sizeof(host_keys[0]) },
	[SEC_VM] = { vm_keys, sizeof(vm_keys) / sizeof(vm_keys[0]) },
	[SEC_PROC] = { proc_keys, sizeof(proc_keys) / sizeof(proc_keys[0]) },
};

/* ---- parser state --------------------------------------------------------------- */

#define MAX_KEYS 32     /* per section table, for the "given twice" check */

struct parser {
	struct workload *wl;
	const char *origin;
	const char *base_dir;
	struct sim_error *err;
	unsigned line;
	enum wl_sec sec;
	void *obj;                      /* the struct the section's keys fill */
	unsigned cpu_index;
	bool seen[MAX_KEYS];
	bool cpu_seen[WL_CPUS_MAX];
	unsigned cpu_line[WL_CPUS_MAX];
	bool workload_seen, host_seen;
	bool quantum_set[WL_CPUS_MAX];
};

static int perr(struct parser *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error of the current line; sim/ini.c puts "ORIGIN:LINE: " in front. */
static int perr(struct parser *p, int code, const char *fmt, ...)
{
	char msg[SIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sim_error_set(p->err, code, "%s", msg);
}

static char *join_path(const char *dir, const char *path)
{
	size_t dl, pl = strlen(path);
	char *s;

	if (!dir || !*dir || path[0] == '/' || !strcmp(path, "-"))
		return strdup(path);
	dl = strlen(dir);
	s = malloc(dl + pl + 2);
	if (!s)
		return NULL;
	memcpy(s, dir, dl);
	s[dl] = '/';
	memcpy(s + dl + 1, path, pl + 1);
	return s;
}

/* Store @val for key @k into @obj. */
static int set_key(struct parser *p, const struct wl_key *k, void *obj, const char *sec,
		   const char *val)
{
	char *f = (char *)obj + k->off;
	uint64_t u;
	double d;
	enum gen_pattern pat;

	switch (k->type) {
	case T_COUNT:
	case T_SIZE:
		if (parse_u64(val, k->type == T_SIZE ? PARSE_BYTES : PARSE_COUNT, &u) ||
		    u < k->min || u > k->max)
			goto bad;
		*(uint64_t *)(void *)f = u;
		return 0;
	case T_UINT:
	case T_U32:
	case T_U16:
		if (parse_u64(val, PARSE_COUNT, &u) || u < k->min || u > k->max)
			goto bad;
		if (k->type == T_UINT)
			*(unsigned *)(void *)f = (unsigned)u;
		else if (k->type == T_U32)
			*(uint32_t *)(void *)f = (uint32_t)u;
		else
			*(uint16_t *)(void *)f = (uint16_t)u;
		return 0;
	case T_REAL:
		if (parse_real(val, &d) || d > (double)k->max)
			goto bad;
		*(double *)(void *)f = d;
		return 0;
	case T_PATTERN:
	case T_KPATTERN:
		if (gen_pattern_parse(val, &pat) || (k->type == T_KPATTERN && pat == GEN_NONE))
			goto bad;
		*(enum gen_pattern *)(void *)f = pat;
		return 0;
	case T_GRANULE:
		if (!strcasecmp(val, "4k"))
			*(unsigned *)(void *)f = 12;
		else if (!strcasecmp(val, "16k"))
			*(unsigned *)(void *)f = 14;
		else if (!strcasecmp(val, "64k"))
			*(unsigned *)(void *)f = 16;
		else
			goto bad;
		return 0;
	case T_LEVEL:
		if (!strcasecmp(val, "auto"))
			*(int *)(void *)f = CFG_LEVEL_AUTO;
		else if (val[0] >= '0' && val[0] <= '3' && !val[1])
			*(int *)(void *)f = val[0] - '0';
		else
			goto bad;
		return 0;
	case T_BLOCKS:
		if (!strcasecmp(val, "none"))
			*(int *)(void *)f = CFG_BLOCKS_NONE;
		else if (!strcasecmp(val, "l2"))
			*(int *)(void *)f = CFG_BLOCKS_L2;
		else if (!strcasecmp(val, "l1"))
			*(int *)(void *)f = CFG_BLOCKS_L1;
		else
			goto bad;
		return 0;
	case T_PPM:
		if (parse_ppm(val, (uint32_t *)(void *)f))
			goto bad;
		return 0;
	case T_INT_CPU:
		if (!strcasecmp(val, "auto")) {
			*(int *)(void *)f = -1;
			return 0;
		}
		if (parse_u64(val, PARSE_COUNT, &u) || u > k->max)
			goto bad;
		*(int *)(void *)f = (int)u;
		return 0;
	case T_VMREF:
		if (!strcasecmp(val, "host"))
			snprintf(f, WL_NAME_MAX, "%s", "host");
		else if (name_ok(val))
			snprintf(f, WL_NAME_MAX, "%s", val);
		else
			goto bad;
		return 0;
	case T_PATH: {
		char **dst = (char **)(void *)f;

		if (!*val)
			goto bad;
		free(*dst);
		*dst = join_path(p->base_dir, val);
		if (!*dst)
			return perr(p, SIM_E_NOMEM, "out of memory");
		return 0;
	}
	case T_TFORMAT:
		if (trace_format_parse(val, (enum trace_format *)(void *)f))
			goto bad;
		return 0;
	}
bad:
	return perr(p, SIM_E_CONFIG, "[%s] %s: expected %s, got '%s'", sec, k->name, k->what, val);
}

/* ---- sections ------------------------------------------------------------------- */

static void vm_defaults(struct wl_vm *v, unsigned line)
{
	memset(v, 0, sizeof(*v));
	v->start_level = WL_UNSET;
	v->blocks = WL_UNSET;
	v->huge_ppm = UINT32_MAX;
	v->kernel.footprint = UINT64_C(8) << 20;
	v->kernel.pattern = GEN_ZIPF;
	v->line = line;
}

static void proc_defaults(struct wl_proc *pr, unsigned line)
{
	memset(pr, 0, sizeof(*pr));
	pr->vm = -1;
	pr->cpu = -1;
	snprintf(pr->vm_name, sizeof(pr->vm_name), "host");
	gen_params_init(&pr->gen);
	pr->line = line;
}

static void workload_defaults(struct workload *wl)
{
	memset(wl, 0, sizeof(*wl));
	wl->ncpus = 1;
	wl->quantum = 100000;
	wl->slice = 1000;
	wl->seed = 1;
	wl->host_kernel = (struct wl_kstream){ .footprint = UINT64_C(8) << 20, .pattern = GEN_ZIPF };
	wl->hyp = (struct wl_kstream){ .footprint = UINT64_C(1) << 20, .pattern = GEN_RANDOM };
}

/* Grow *@arr (of @size-byte elements) to hold @n + 1. */
static int grow(struct parser *p, void **arr, size_t n, size_t size)
{
	void *q = realloc(*arr, (n + 1) * size);

	if (!q)
		return perr(p, SIM_E_NOMEM, "out of memory");
	*arr = q;
	return 0;
}

/* A "[...]" line: @name is what is between the brackets. */
static int open_section(struct parser *p, const char *name)
{
	struct workload *wl = p->wl;
	const char *dot = strchr(name, '.');
	size_t plen = dot ? (size_t)(dot - name) : strlen(name);
	const char *sub = dot ? dot + 1 : NULL;

	memset(p->seen, 0, sizeof(p->seen));
	if (!dot && !strcmp(name, "workload")) {
		if (p->workload_seen)
			return perr(p, SIM_E_CONFIG, "section [workload] given twice");
		p->workload_seen = true;
		p->sec = SEC_WORKLOAD;
		p->obj = wl;
		return 0;
	}
	if (!dot && !strcmp(name, "host")) {
		if (p->host_seen)
			return perr(p, SIM_E_CONFIG, "section [host] given twice");
		p->host_seen = true;
		p->sec = SEC_HOST;
		p->obj = wl;
		return 0;
	}
	if (dot && plen == 3 && !strncmp(name, "cpu", 3)) {
		uint64_t n;

		if (!sub[0] || strspn(sub, "0123456789") != strlen(sub) || strlen(sub) > 3 ||
		    (sub[0] == '0' && sub[1]) || parse_u64(sub, PARSE_PLAIN, &n) || n >= WL_CPUS_MAX)
			return perr(p, SIM_E_CONFIG, "[%s]: expected [cpu.N] with N a CPU number "
				    "0..%d", name, WL_CPUS_MAX - 1);
		if (p->cpu_seen[n])
			return perr(p, SIM_E_CONFIG, "section [%s] given twice", name);
		p->cpu_seen[n] = true;
		p->cpu_line[n] = p->line;
		p->cpu_index = (unsigned)n;
		p->sec = SEC_CPU;
		p->obj = &wl->cpu[n];
		return 0;
	}
	if (dot && plen == 2 && !strncmp(name, "vm", 2)) {
		int rc;

		if (!name_ok(sub) || !strcasecmp(sub, "host"))
			return perr(p, SIM_E_CONFIG, "[%s]: a VM name is 1 to %d letters, digits "
				    "or '_', and not 'host'", name, WL_NAME_MAX - 1);
		if (workload_vm_find(wl, sub) >= 0)
			return perr(p, SIM_E_CONFIG, "section [%s] given twice", name);
		if (wl->nvms >= WL_VMS_MAX)
			return perr(p, SIM_E_CONFIG, "[%s]: more than %d VMs", name, WL_VMS_MAX);
		if ((rc = grow(p, (void **)&wl->vms, wl->nvms, sizeof(*wl->vms))))
			return rc;
		vm_defaults(&wl->vms[wl->nvms], p->line);
		snprintf(wl->vms[wl->nvms].name, WL_NAME_MAX, "%s", sub);
		p->obj = &wl->vms[wl->nvms++];
		p->sec = SEC_VM;
		return 0;
	}
	if (dot && plen == 4 && !strncmp(name, "proc", 4)) {
		int rc;

		if (!name_ok(sub))
			return perr(p, SIM_E_CONFIG, "[%s]: a process name is 1 to %d letters, "
				    "digits or '_'", name, WL_NAME_MAX - 1);
		for (size_t i = 0; i < wl->nprocs; i++)
			if (!strcmp(wl->procs[i].name, sub))
				return perr(p, SIM_E_CONFIG, "section [%s] given twice", name);
		if (wl->nprocs >= WL_PROCS_MAX)
			return perr(p, SIM_E_CONFIG, "[%s]: more than %d processes", name,
				    WL_PROCS_MAX);
		if ((rc = grow(p, (void **)&wl->procs, wl->nprocs, sizeof(*wl->procs))))
			return rc;
		proc_defaults(&wl->procs[wl->nprocs], p->line);
		snprintf(wl->procs[wl->nprocs].name, WL_NAME_MAX, "%s", sub);
		p->obj = &wl->procs[wl->nprocs++];
		p->sec = SEC_PROC;
		return 0;
	}
	return perr(p, SIM_E_CONFIG, "unknown section [%s] (expected [workload], [host], "
		    "[cpu.N], [vm.NAME] or [proc.NAME])", name);
}

static const char *sec_name(const struct parser *p, char *buf, size_t len)
{
	switch (p->sec) {
	case SEC_WORKLOAD: return "workload";
	case SEC_HOST: return "host";
	case SEC_CPU: snprintf(buf, len, "cpu.%u", p->cpu_index); return buf;
	case SEC_VM: snprintf(buf, len, "vm.%s", ((struct wl_vm *)p->obj)->name); return buf;
	case SEC_PROC: snprintf(buf, len, "proc.%s", ((struct wl_proc *)p->obj)->name); return buf;
	default: return "?";
	}
}

static int do_key(struct parser *p, const char *key, const char *val)
{
	char sb[WL_NAME_MAX + 8];
	const char *sec;
	size_t i, n;
	int rc;

	sec = sec_name(p, sb, sizeof(sb));
	n = sec_keys[p->sec].n;
	for (i = 0; i < n; i++)
		if (!strcmp(sec_keys[p->sec].keys[i].name, key))
			break;
	if (i == n)
		return perr(p, SIM_E_CONFIG, "[%s]: unknown key '%s'", sec, key);
	if (p->seen[i])
		return perr(p, SIM_E_CONFIG, "[%s] %s: given twice", sec, key);
	p->seen[i] = true;
	if ((rc = set_key(p, &sec_keys[p->sec].keys[i], p->obj, sec, val)))
		return rc;
	if (p->sec == SEC_CPU)
		p->quantum_set[p->cpu_index] = true;
	if (p->sec == SEC_PROC) {
		struct wl_proc *pr = p->obj;

		if (!strcmp(key, "vm"))
			pr->vm_line = p->line;
		else if (!strcmp(key, "trace"))
			pr->trace_line = p->line;
		else if (!strcmp(key, "id"))
			pr->id_set = true;
		else if (!strcmp(key, "seed"))
			pr->seed_set = true;
		else if (!strcmp(key, "fetch_ratio"))
			pr->ratio_set = true;
		else if (!strcmp(key, "code"))
			pr->code_set = true;
		else if (!strcmp(key, "pattern"))
			pr->pattern_set = true;
		if (sec_keys[p->sec].keys[i].off >= offsetof(struct wl_proc, gen) &&
		    sec_keys[p->sec].keys[i].off < offsetof(struct wl_proc, gen) + sizeof(pr->gen) &&
		    strcmp(key, "pattern"))
			pr->gen_keys_set = true;
		if (pr->pattern_set && pr->trace) {
			return perr(p, SIM_E_CONFIG, "[%s]: a process is fed by a trace or by a "
				    "generator (pattern), not both", sec);
		}
	}
	return 0;
}

/* ---- after the last line ------------------------------------------------------- */

static int fin_err(struct parser *p, unsigned line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fin_err(struct parser *p, unsigned line, int code, const char *fmt, ...)
{
	char msg[SIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sim_error_set(p->err, code, "%s:%u: %s", p->origin, line, msg);
}

static uint64_t mix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static int finish(struct parser *p)
{
	struct workload *wl = p->wl;

	for (unsigned c = 0; c < WL_CPUS_MAX; c++) {
		if (p->cpu_seen[c] && c >= wl->ncpus)
			return fin_err(p, p->cpu_line[c], SIM_E_CONFIG, "[cpu.%u]: there are only %u CPUs "
				       "([workload] cpus)", c, wl->ncpus);
		if (!p->quantum_set[c])
			wl->cpu[c].quantum = wl->quantum;
	}
	/* VM ids: explicit ones first, then the lowest free numbers */
	for (size_t i = 0; i < wl->nvms; i++)
		for (size_t j = 0; j < i; j++)
			if (wl->vms[i].id && wl->vms[i].id == wl->vms[j].id)
				return fin_err(p, wl->vms[i].line, SIM_E_CONFIG,
					       "[vm.%s] id: %u is also [vm.%s]'s", wl->vms[i].name,
					       wl->vms[i].id, wl->vms[j].name);
	for (size_t i = 0; i < wl->nvms; i++) {
		uint32_t id = 1;
		bool used = true;

		if (wl->vms[i].id)
			continue;
		while (used) {
			used = false;
			for (size_t j = 0; j < wl->nvms; j++)
				if (wl->vms[j].id == id) {
					used = true;
					id++;
					break;
				}
		}
		wl->vms[i].id = id;
	}
	for (size_t i = 0; i < wl->nprocs; i++) {
		struct wl_proc *pr = &wl->procs[i];

		if (strcmp(pr->vm_name, "host")) {
			pr->vm = workload_vm_find(wl, pr->vm_name);
			if (pr->vm < 0)
				return fin_err(p, pr->vm_line, SIM_E_CONFIG,
					       "[proc.%s] vm: no section [vm.%s]", pr->name,
					       pr->vm_name);
		}
		if (pr->cpu >= (int)wl->ncpus)
			return fin_err(p, pr->line, SIM_E_CONFIG, "[proc.%s] cpu: CPU %d, but there "
				       "are only %u CPUs ([workload] cpus)", pr->name, pr->cpu,
				       wl->ncpus);
	}
	/* process ids: unique within a VM; explicit ones first */
	for (size_t i = 0; i < wl->nprocs; i++)
		for (size_t j = 0; j < i; j++)
			if (wl->procs[i].id_set && wl->procs[j].id_set &&
			    wl->procs[i].vm == wl->procs[j].vm && wl->procs[i].id == wl->procs[j].id)
				return fin_err(p, wl->procs[i].line, SIM_E_CONFIG,
					       "[proc.%s] id: %u is also [proc.%s]'s in the same VM",
					       wl->procs[i].name, wl->procs[i].id, wl->procs[j].name);
	for (size_t i = 0; i < wl->nprocs; i++) {
		struct wl_proc *pr = &wl->procs[i];
		uint32_t id = 1;
		bool used = true;

		if (pr->id_set)
			continue;
		while (used) {
			used = false;
			for (size_t j = 0; j < wl->nprocs; j++)
				if ((wl->procs[j].id_set || j < i) && wl->procs[j].vm == pr->vm &&
				    wl->procs[j].id == id) {
					used = true;
					id++;
					break;
				}
		}
		pr->id = id;
	}
	/* sources */
	for (size_t i = 0; i < wl->nprocs; i++) {
		struct wl_proc *pr = &wl->procs[i];
		struct sim_error ge = { 0 };
		struct gen *g;

		if (pr->gen_keys_set && !pr->pattern_set)
			return fin_err(p, pr->line, SIM_E_CONFIG, "[proc.%s]: generator keys "
				       "without a pattern%s", pr->name,
				       pr->trace ? " (the process is fed by its trace)" : "");
		if (pr->trace_format != TRACE_FMT_AUTO && !pr->trace)
			return fin_err(p, pr->line, SIM_E_CONFIG, "[proc.%s] trace_format: the "
				       "process has no trace", pr->name);
		if (pr->trace) {
			pr->source = WL_SRC_TRACE;
			continue;
		}
		if (!pr->pattern_set) {
			pr->source = WL_SRC_NONE;
			continue;
		}
		pr->source = WL_SRC_GEN;
		if (!pr->seed_set)
			pr->gen.seed = mix64(wl->seed * UINT64_C(0x100000001b3) + i);
		if (pr->code_set && !pr->ratio_set && pr->gen.pattern != GEN_NONE)
			pr->gen.fetch_ratio = 3;
		if (gen_create(&g, &pr->gen, &ge))
			return fin_err(p, pr->line, SIM_E_CONFIG, "[proc.%s]: %s", pr->name, ge.msg);
		gen_destroy(g);
		if (!pr->gen.accesses && !wl->accesses)
			return fin_err(p, pr->line, SIM_E_CONFIG, "[proc.%s] accesses: an endless "
				       "generator (accesses = 0) needs [workload] accesses", pr->name);
	}
	return 0;
}

/* ---- lines ----------------------------------------------------------------------- */

/* sim/ini.c's callback: a header opens a section, a key line sets a key. */
static int on_ini_item(void *ctx, const struct ini_item *it, struct sim_error *err)
{
	struct parser *p = ctx;

	(void)err;              /* p->err is the same */
	p->line = it->line;
	if (!it->key)
		return open_section(p, it->section);
	return do_key(p, it->key, it->value);
}

int workload_parse_string(struct workload *wl, const char *text, size_t len,
			  const char *origin, const char *base_dir, struct sim_error *err)
{
	struct parser p = { .wl = wl, .origin = origin ? origin : "<workload>",
			    .base_dir = base_dir, .err = err };
	int rc;

	workload_defaults(wl);
	wl->origin = strdup(p.origin);
	if (!wl->origin)
		rc = sim_error_set(err, SIM_E_NOMEM, "out of memory");
	else
		rc = ini_parse(text, len, p.origin, on_ini_item, &p, err);
	if (!rc)
		rc = finish(&p);
	if (rc)
		workload_free(wl);
	return rc;
}

int workload_parse_file(struct workload *wl, const char *path, enum trace_format format,
			struct sim_error *err)
{
	char *text = NULL, *dir = NULL, *slash;
	size_t len = 0;
	int rc;

	memset(wl, 0, sizeof(*wl));
	if ((rc = sim_read_file(path, &text, &len, err)))
		return rc;
	slash = strrchr(path, '/');
	if (slash) {
		dir = strndup(path, (size_t)(slash - path) + (slash == path));
		if (!dir) {
			free(text);
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		}
	}
	rc = workload_parse_string(wl, text, len, sim_input_name(path), dir, err);
	free(dir);
	free(text);
	for (size_t i = 0; !rc && i < wl->nprocs; i++)
		if (wl->procs[i].trace && wl->procs[i].trace_format == TRACE_FMT_AUTO)
			wl->procs[i].trace_format = format;
	if (!rc && (rc = workload_check_traces(wl, err)))
		workload_free(wl);
	return rc;
}

int workload_check_traces(const struct workload *wl, struct sim_error *err)
{
	for (size_t i = 0; i < wl->nprocs; i++) {
		const struct wl_proc *pr = &wl->procs[i];
		struct sim_error te = { 0 };
		int rc;

		if (pr->source != WL_SRC_TRACE)
			continue;
		struct trace_open_opts to = { .format = pr->trace_format };

		rc = trace_reader_check(pr->trace, &to, NULL, &te);
		if (rc)
			return sim_error_set(err, rc, "%s:%u: [proc.%s] trace: %s", wl->origin,
					     pr->trace_line, pr->name, te.msg);
	}
	return 0;
}

void workload_free(struct workload *wl)
{
	if (!wl)
		return;
	for (size_t i = 0; i < wl->nprocs; i++)
		free(wl->procs[i].trace);
	free(wl->procs);
	free(wl->vms);
	free(wl->origin);
	memset(wl, 0, sizeof(*wl));
}

int workload_vm_find(const struct workload *wl, const char *name)
{
	for (size_t i = 0; i < wl->nvms; i++)
		if (!strcmp(wl->vms[i].name, name))
			return (int)i;
	return -1;
}
