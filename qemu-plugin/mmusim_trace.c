/*
 * qemu-plugin/mmusim_trace.c - a QEMU TCG plugin that records the memory
 * accesses of an emulated program or machine as an mmusim native trace
 * (workloads/FORMAT.md), zstd-compressed, with no text stage.
 *
 *   qemu-aarch64 -plugin libmmusim-trace.so,out=ls.mmt.zst /bin/ls
 *   qemu-system-aarch64 ... -plugin libmmusim-trace.so,out=boot.mmt.zst
 *
 * What it records: for every executed instruction, a fetch of its size at
 * its address, then each of its loads and stores with its size, in the
 * order QEMU performs them; each record carries the vCPU (in user mode, the
 * thread) that made it.  Under a system emulator each load and store is
 * followed by a physical-address record with the guest physical address
 * QEMU resolved for it (after both stages of translation when the guest
 * runs a hypervisor); QEMU's API gives none for instruction fetches.
 *
 * Arguments (key=value, after the plugin's file name):
 *   out=FILE       the trace (required); written beside FILE under a
 *                  temporary name and renamed over FILE when complete
 *   limit=N        stop after N records: finish the trace and end the
 *                  emulator (exit status 0)
 *   zstd=on|off    compress (default on)
 *   level=N        zstd level 1..19 (default 3)
 *   progress=FD    write "records N" lines to descriptor FD while running
 *                  and "end N BYTES" once the trace is complete (for
 *                  `mmusim record`, which shows a progress line)
 *
 * Semantic choices:
 *   - Records go through the project's native writer (trace_writer.c),
 *     linked into this object, under one lock: vCPUs run in parallel, the
 *     trace is one stream, and each vCPU's records stay in its order.
 *   - The trace is finished when the emulated program exits (or the
 *     machine powers off), also when the program dies of a signal; a
 *     process the guest forks records nothing, and programs it execs run
 *     outside QEMU.
 *   - An access QEMU makes while the guest is stopped in the middle of an
 *     instruction (a fault) is recorded as QEMU reports it: the fetch of
 *     the faulting instruction and the accesses performed before the fault.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin/qemu_plugin_api.h"
#include "workloads/trace.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = MMUSIM_QEMU_PLUGIN_VERSION;

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv);

#define PROGRESS_EVERY (UINT64_C(1) << 20)     /* records between progress lines */
#define INSN_CHUNK 4096                         /* instruction descriptors per allocation */

/* What an instruction's fetch record needs, kept for QEMU to hand back. */
struct insn_info {
	uint64_t va;
	uint32_t size;
};

struct insn_chunk {
	struct insn_chunk *next;
	size_t used;
	struct insn_info v[INSN_CHUNK];
};

/*
 * The plugin's one context.  QEMU's callbacks carry no plugin context of
 * their own (only per-registration user data), so the state lives here,
 * reached through ctx() alone.
 */
struct recorder {
	pthread_mutex_t lock;
	struct trace_writer *w;
	char *out;
	bool system;                    /* system emulation: record physical addresses */
	bool recording;                 /* false once finished, or in a forked child */
	uint64_t limit;                 /* 0: none */
	uint64_t records;
	uint64_t next_progress;
	int progress_fd;                /* -1: none */
	struct insn_chunk *chunks;
};

static struct recorder *ctx(void)
{
	static struct recorder rec = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.progress_fd = -1,
	};

	return &rec;
}

static void progress(struct recorder *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(struct recorder *r, const char *fmt, ...)
{
	char line[80];
	va_list ap;
	int n;

	if (r->progress_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Non-blocking: a reader that falls behind loses lines, never stalls us. */
	if (write(r->progress_fd, line, (size_t)n) < 0 && errno != EAGAIN)
		r->progress_fd = -1;
}

/* Ends the trace: the end-of-trace record, the rename into place.  Called
 * with the lock held. */
static void finish(struct recorder *r)
{
	if (!r->recording)
		return;
	r->recording = false;
	if (trace_writer_finish(r->w) < 0) {
		fprintf(stderr, "mmusim plugin: %s\n", trace_writer_error(r->w)->msg);
		progress(r, "failed %" PRIu64 "\n", r->records);
	} else {
		progress(r, "end %" PRIu64 " %" PRIu64 "\n", r->records,
			 trace_writer_bytes_out(r->w));
	}
	trace_writer_close(r->w);
	r->w = NULL;
}

/* Appends one access and its physical-address record, if any (@n is 1 or
 * 2), with the lock held; stops at a write error or the limit.  Only the
 * access counts as a record. */
static void put(struct recorder *r, const struct trace_rec *recs, size_t n)
{
	if (trace_write(r->w, recs, n) < 0) {
		fprintf(stderr, "mmusim plugin: %s; recording stopped\n",
			trace_writer_error(r->w)->msg);
		r->recording = false;
		trace_writer_close(r->w);       /* removes the incomplete file */
		r->w = NULL;
		return;
	}
	r->records++;
	if (r->records >= r->next_progress) {
		progress(r, "records %" PRIu64 "\n", r->records);
		r->next_progress += PROGRESS_EVERY;
	}
	if (r->limit && r->records >= r->limit) {
		finish(r);
		_exit(0);
	}
}

/* The native format numbers CPUs 0..65535. */
static bool check_vcpu(struct recorder *r, unsigned int vcpu)
{
	if (vcpu <= UINT16_MAX)
		return true;
	fprintf(stderr, "mmusim plugin: vCPU %u: the trace format numbers CPUs up to 65535; "
		"recording stopped\n", vcpu);
	finish(r);
	return false;
}

static void on_fetch(unsigned int vcpu, void *udata)
{
	struct recorder *r = ctx();
	const struct insn_info *in = udata;
	struct trace_rec rec = trace_rec_access(TRACE_FETCH, (uint16_t)vcpu, in->va, in->size);

	pthread_mutex_lock(&r->lock);
	if (r->recording && check_vcpu(r, vcpu))
		put(r, &rec, 1);
	pthread_mutex_unlock(&r->lock);
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	struct recorder *r = ctx();
	struct trace_rec rec[2];
	size_t n = 1;

	(void)udata;
	rec[0] = trace_rec_access(qemu_plugin_mem_is_store(info) ? TRACE_STORE : TRACE_LOAD,
				  (uint16_t)vcpu, vaddr, 1u << qemu_plugin_mem_size_shift(info));
	if (r->system) {
		struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);

		if (hw)
			rec[n++] = trace_rec_phys((uint16_t)vcpu, qemu_plugin_hwaddr_phys_addr(hw));
	}
	pthread_mutex_lock(&r->lock);
	if (r->recording && check_vcpu(r, vcpu))
		put(r, rec, n);
	pthread_mutex_unlock(&r->lock);
}

/* A descriptor for one instruction; NULL if out of memory.  Translation may
 * run on several vCPUs at once, so this takes the lock. */
static struct insn_info *new_insn(struct recorder *r)
{
	struct insn_info *in = NULL;

	pthread_mutex_lock(&r->lock);
	if (!r->chunks || r->chunks->used == INSN_CHUNK) {
		struct insn_chunk *c = malloc(sizeof(*c));

		if (c) {
			c->next = r->chunks;
			c->used = 0;
			r->chunks = c;
		}
	}
	if (r->chunks && r->chunks->used < INSN_CHUNK)
		in = &r->chunks->v[r->chunks->used++];
	pthread_mutex_unlock(&r->lock);
	return in;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct recorder *r = ctx();
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		struct insn_info *in = new_insn(r);
		size_t size = qemu_plugin_insn_size(insn);

		if (!in) {
			fprintf(stderr, "mmusim plugin: out of memory\n");
			abort();
		}
		in->va = qemu_plugin_insn_vaddr(insn);
		in->size = size ? (uint32_t)size : 1;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_fetch, QEMU_PLUGIN_CB_NO_REGS, in);
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, NULL);
	}
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
	struct recorder *r = ctx();

	(void)id;
	(void)udata;
	pthread_mutex_lock(&r->lock);
	finish(r);
	pthread_mutex_unlock(&r->lock);
}

/* A guest fork() is a host fork(): the child must neither write nor finish
 * the parent's trace. */
static void on_fork_child(void)
{
	struct recorder *r = ctx();

	r->recording = false;
	r->w = NULL;
	r->progress_fd = -1;
	pthread_mutex_init(&r->lock, NULL);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || x > max)
		return -1;
	*v = x;
	return 0;
}

static int usage_error(const char *arg, const char *what)
{
	fprintf(stderr, "mmusim plugin: %s: %s\n", arg, what);
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	struct recorder *r = ctx();
	struct trace_writer_opts wo = { .zstd = true };
	struct sim_error err = { 0 };
	uint64_t v;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		const char *val = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - a) : strlen(a);

		if (klen == 3 && !strncmp(a, "out", 3) && *val) {
			r->out = strdup(val);
		} else if (klen == 5 && !strncmp(a, "limit", 5)) {
			if (parse_u64(val, UINT64_MAX, &r->limit))
				return usage_error(a, "expected a number of records");
		} else if (klen == 4 && !strncmp(a, "zstd", 4)) {
			if (!strcmp(val, "on"))
				wo.zstd = true;
			else if (!strcmp(val, "off"))
				wo.zstd = false;
			else
				return usage_error(a, "expected on or off");
		} else if (klen == 5 && !strncmp(a, "level", 5)) {
			if (parse_u64(val, 19, &v) || v < 1)
				return usage_error(a, "expected a zstd level 1..19");
			wo.zstd_level = (int)v;
		} else if (klen == 8 && !strncmp(a, "progress", 8)) {
			if (parse_u64(val, 1 << 20, &v))
				return usage_error(a, "expected a file descriptor number");
			r->progress_fd = (int)v;
			if (fcntl(r->progress_fd, F_SETFL, O_NONBLOCK) < 0 ||
			    fcntl(r->progress_fd, F_SETFD, FD_CLOEXEC) < 0)
				return usage_error(a, strerror(errno));
		} else {
			return usage_error(a, "unknown argument (expected out=FILE, limit=N, "
					   "zstd=on|off, level=N, progress=FD)");
		}
	}
	if (!r->out)
		return usage_error("out", "the trace file is required: -plugin "
				   "libmmusim-trace.so,out=FILE");
	if (info->version.min > MMUSIM_QEMU_PLUGIN_VERSION)
		return usage_error(r->out, "this QEMU no longer offers plugin API version 1");
	r->system = info->system_emulation;
	wo.phys = r->system;
	if (trace_writer_open(&r->w, r->out, &wo, &err) < 0) {
		fprintf(stderr, "mmusim plugin: %s\n", err.msg);
		return -1;
	}
	r->recording = true;
	r->next_progress = PROGRESS_EVERY;
	pthread_atfork(NULL, NULL, on_fork_child);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
