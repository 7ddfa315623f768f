/*
 * workloads/trace_writer.c - encoder for the native binary trace format
 * (workloads/FORMAT.md), optionally zstd-compressed as one zstd frame.
 *
 * Semantic choices:
 *   - Each access is encoded in the shortest form: the compact form when its
 *     size has a size code and its zigzag delta fits 7 bytes, else the
 *     escaped form (explicit size and delta as varints).
 *   - A CPU record is emitted only when the CPU changes.
 *   - Records are validated before encoding, so the writer never produces
 *     a file its reader rejects; fields a record kind does not store (the
 *     VA of a context switch, say) must be 0, so what is read back is
 *     byte-for-byte what was written.
 *   - The end-of-trace record is written only by trace_writer_finish(), so
 *     an interrupted producer leaves a file that readers call truncated.
 *   - A physical-address record (only in a file whose header says it may
 *     hold them) must follow an access of its CPU; it stores the change of
 *     PA - VA from the CPU's previous one, so consecutive accesses to one
 *     page cost a byte each.
 *   - A path that names an existing file that is not a regular file (a
 *     FIFO, /dev/null, a terminal) is written directly: renaming a
 *     temporary file over it would replace the device node.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/bits.h"
#include "sim/readfile.h"
#include "workloads/trace_impl.h"

#define WBUF_SIZE (256u << 10)
#define WREC_MAX 32                     /* longest record, CPU select included */

struct trace_writer {
	int fd;
	bool own_fd;
	char *name;
	char *tmp;                      /* trace_writer_open(): the temporary sibling
					 * renamed to name by trace_writer_finish() */
	uint8_t *buf;                   /* encoded, not yet written */
	size_t len;
	ZSTD_CStream *zc;               /* NULL if not compressing */
	uint8_t *zout;
	size_t zout_cap;

	struct trace_native_cpu *cpus;
	size_t ncpus;
	uint16_t cpu;
	uint64_t pred_d, pred_f;
	uint64_t pa_off;                /* current CPU's PA - VA of its last phys record */
	bool phys;                      /* phys records allowed */
	bool after_access;              /* the last record written was an access */
	uint64_t last_va;

	uint64_t nrecs;
	uint64_t bytes_out;
	struct sim_error err;
	int failed;
	bool finished;
};

bool trace_path_wants_zstd(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcmp(path + n - 4, ".zst");
}

static int write_all(struct trace_writer *w, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return w->failed = sim_error_set(&w->err, SIM_E_IO, "%s: write failed: %s",
							 w->name, strerror(errno));
		p += k;
		n -= (size_t)k;
		w->bytes_out += (uint64_t)k;
	}
	return 0;
}

/* Pushes the buffer out; with @end also ends the zstd frame. */
static int flush(struct trace_writer *w, bool end)
{
	ZSTD_inBuffer in = { w->buf, w->len, 0 };
	int rc;

	if (!w->zc) {
		rc = write_all(w, w->buf, w->len);
		w->len = 0;
		return rc;
	}
	for (;;) {
		ZSTD_outBuffer out = { w->zout, w->zout_cap, 0 };
		size_t left = ZSTD_compressStream2(w->zc, &out, &in,
						   end ? ZSTD_e_end : ZSTD_e_continue);

		if (ZSTD_isError(left))
			return w->failed = sim_error_set(&w->err, SIM_E_IO, "%s: zstd: %s",
							 w->name, ZSTD_getErrorName(left));
		rc = write_all(w, w->zout, out.pos);
		if (rc)
			return rc;
		if (end ? left == 0 : in.pos == in.size)
			break;
	}
	w->len = 0;
	return 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

int trace_writer_open_fd(struct trace_writer **wp, int fd, bool own_fd, const char *name,
			 const struct trace_writer_opts *opts, struct sim_error *err)
{
	struct trace_writer *w = calloc(1, sizeof(*w));
	uint8_t *h;
	int rc = SIM_E_NOMEM;

	*wp = NULL;
	if (!w)
		goto fail;
	w->fd = fd;
	w->own_fd = own_fd;
	w->name = strdup(name);
	w->buf = malloc(WBUF_SIZE);
	if (!w->name || !w->buf)
		goto fail;
	if (opts && opts->zstd) {
		w->zc = ZSTD_createCStream();
		w->zout_cap = ZSTD_CStreamOutSize();
		w->zout = malloc(w->zout_cap);
		if (!w->zc || !w->zout)
			goto fail;
		if (ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel,
							opts->zstd_level ? opts->zstd_level
									 : ZSTD_CLEVEL_DEFAULT))) {
			rc = SIM_E_INVAL;
			goto fail;
		}
	}
	h = w->buf;
	memcpy(h, TRACE_NATIVE_MAGIC, TRACE_NATIVE_MAGIC_LEN);
	h[8] = TRACE_NATIVE_VERSION & 0xff;
	h[9] = TRACE_NATIVE_VERSION >> 8;
	h[10] = TRACE_NATIVE_HDR_LEN & 0xff;
	h[11] = TRACE_NATIVE_HDR_LEN >> 8;
	memset(h + 12, 0, 4);
	if (opts && opts->phys) {
		w->phys = true;
		h[12] = TRACE_NATIVE_F_PHYS;
	}
	w->len = TRACE_NATIVE_HDR_LEN;
	*wp = w;
	return 0;
fail:
	sim_error_set(err, rc, "%s: %s", name,
		      rc == SIM_E_NOMEM ? "out of memory" : "bad zstd compression level");
	if (!w && own_fd)
		close(fd);
	trace_writer_close(w);  /* closes fd if owned */
	return rc;
}

int trace_writer_open(struct trace_writer **wp, const char *path,
		      const struct trace_writer_opts *opts, struct sim_error *err)
{
	size_t n = strlen(path) + sizeof(".tmpXXXXXX");
	char *tmp;
	int fd;
	mode_t mask;
	int rc;

	*wp = NULL;
	if (!strcmp(path, "-"))
		return trace_writer_open_fd(wp, STDOUT_FILENO, false, "<stdout>", opts, err);
	if (sim_path_is_special(path)) {
		/* a device or FIFO (/dev/null): written in place; renaming a
		 * temporary file over it would replace the node */
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return sim_error_set(err, SIM_E_IO, "%s: cannot open: %s", path,
					     strerror(errno));
		return trace_writer_open_fd(wp, fd, true, path, opts, err);
	}
	/* Written whole or not at all: into a temporary sibling that
	 * trace_writer_finish() renames over @path, so an interrupted or
	 * failed write never leaves a file that looks complete. */
	tmp = malloc(n);
	if (!tmp)
		return sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", path);
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = sim_error_set(err, SIM_E_IO, "%s: cannot create a temporary file beside it: %s",
				   path, strerror(errno));
		free(tmp);
		return rc;
	}
	mask = umask(0);        /* mkstemp() made it 0600; give it what creat() would */
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		rc = sim_error_set(err, SIM_E_IO, "%s: chmod: %s", tmp, strerror(errno));
		goto fail;
	}
	rc = trace_writer_open_fd(wp, fd, true, path, opts, err);
	if (rc)
		goto fail;
	(*wp)->tmp = tmp;
	return 0;
fail:
	close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}

static int select_cpu(struct trace_writer *w, uint16_t cpu)
{
	size_t need = (size_t)(cpu > w->cpu ? cpu : w->cpu) + 1;

	if (need > w->ncpus) {
		struct trace_native_cpu *c = realloc(w->cpus, need * sizeof(*c));

		if (!c)
			return w->failed = sim_error_set(&w->err, SIM_E_NOMEM, "%s: out of memory",
							 w->name);
		memset(c + w->ncpus, 0, (need - w->ncpus) * sizeof(*c));
		w->cpus = c;
		w->ncpus = need;
	}
	w->cpus[w->cpu].next[0] = w->pred_d;
	w->cpus[w->cpu].next[1] = w->pred_f;
	w->cpus[w->cpu].pa_off = w->pa_off;
	w->cpu = cpu;
	w->pred_d = w->cpus[cpu].next[0];
	w->pred_f = w->cpus[cpu].next[1];
	w->pa_off = w->cpus[cpu].pa_off;
	w->after_access = false;
	w->buf[w->len++] = TRACE_CTRL_OP(TRACE_CTRL_CPU);
	w->len += put_varint(w->buf + w->len, cpu);
	return 0;
}

/* Size code of an access size in a stream, or TRACE_OP_SIZE_ESC. */
static unsigned size_code(unsigned isf, uint32_t size)
{
	if (isf)
		return size >= 1 && size <= 7 ? size - 1 : TRACE_OP_SIZE_ESC;
	if (size && size <= 64 && bits_is_pow2(size))
		return (unsigned)__builtin_ctz(size);
	return TRACE_OP_SIZE_ESC;
}

static const char *invalid_reason(const struct trace_rec *rec)
{
	if (rec->rsvd)
		return "reserved byte not 0";
	switch (rec->kind) {
	case TRACE_LOAD:
	case TRACE_STORE:
	case TRACE_FETCH:
		return rec->size ? NULL : "access size 0";
	case TRACE_CTX_SWITCH:
	case TRACE_VM_SWITCH:
		return rec->va ? "context or VM switch with a nonzero address field" : NULL;
	case TRACE_TLBI:
		if (rec->tlbi.op >= TLBI__COUNT)
			return "unknown TLBI operation";
		if (rec->tlbi.flags & ~TRACE_TLBI_FLAGS_KNOWN)
			return "unknown TLBI flags";
		return NULL;
	case TRACE_PHYS:
		return rec->size ? "physical-address record with a nonzero size field" : NULL;
	}
	return "unknown record kind";
}

static void encode_access(struct trace_writer *w, const struct trace_rec *rec)
{
	unsigned isf = rec->kind >> 1;
	uint64_t pred = isf ? w->pred_f : w->pred_d;
	uint64_t zz = trace_zigzag(rec->va - pred);
	unsigned sc = size_code(isf, rec->size);
	unsigned nb = zz ? (unsigned)(71 - __builtin_clzll(zz)) / 8 : 0;
	uint8_t *p = w->buf + w->len;

	if (sc != TRACE_OP_SIZE_ESC && nb <= 7) {
		p[0] = (uint8_t)(rec->kind | sc << TRACE_OP_SIZE_SHIFT | nb << TRACE_OP_LEN_SHIFT);
		trace_store_le64(p + 1, zz);    /* WREC_MAX leaves room for 8 */
		w->len += 1 + nb;
	} else {
		size_t k = 1;

		p[0] = (uint8_t)(rec->kind | TRACE_OP_SIZE_ESC << TRACE_OP_SIZE_SHIFT);
		k += put_varint(p + k, rec->size);
		k += put_varint(p + k, zz);
		w->len += k;
	}
	if (isf)
		w->pred_f = rec->va + rec->size;
	else
		w->pred_d = rec->va + rec->size;
	w->after_access = true;
	w->last_va = rec->va;
}

/* A physical-address record for the access just written. */
static int encode_phys(struct trace_writer *w, const struct trace_rec *rec)
{
	const char *bad = invalid_reason(rec);
	uint64_t off = rec->va - w->last_va;

	if (!bad && !w->phys)
		bad = "physical-address record in a trace opened without them";
	if (!bad && (!w->after_access || rec->cpu != w->cpu))
		bad = "physical-address record that does not follow an access of its CPU";
	if (bad)
		return w->failed = sim_error_set(&w->err, SIM_E_INVAL, "%s: record %" PRIu64 ": %s",
						 w->name, w->nrecs + 1, bad);
	w->buf[w->len++] = TRACE_CTRL_OP(TRACE_CTRL_PHYS);
	w->len += put_varint(w->buf + w->len, trace_zigzag(off - w->pa_off));
	w->pa_off = off;
	w->after_access = false;
	return 0;
}

int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct trace_rec *rec = &recs[i];
		const char *bad;
		uint8_t *p;
		int rc;

		if (w->failed)
			return w->failed;
		if (w->finished)
			return sim_error_set(&w->err, SIM_E_INVAL, "%s: write after finish", w->name);
		if (w->len > WBUF_SIZE - 2 * WREC_MAX) {
			rc = flush(w, false);
			if (rc)
				return rc;
		}
		if (rec->kind == TRACE_PHYS) {
			rc = encode_phys(w, rec);
			if (rc)
				return rc;
			continue;
		}
		if (rec->cpu != w->cpu) {
			rc = select_cpu(w, rec->cpu);
			if (rc)
				return rc;
		}
		if (rec->kind <= TRACE_FETCH && rec->size && !rec->rsvd) {
			encode_access(w, rec);
			w->nrecs++;
			continue;
		}
		bad = invalid_reason(rec);
		if (bad)
			return w->failed = sim_error_set(&w->err, SIM_E_INVAL,
							 "%s: record %" PRIu64 ": %s", w->name,
							 w->nrecs + 1, bad);
		p = w->buf + w->len;
		w->after_access = false;
		switch (rec->kind) {
		case TRACE_CTX_SWITCH:
			p[0] = TRACE_CTRL_OP(TRACE_CTRL_CTX);
			w->len += 1 + put_varint(p + 1, rec->space);
			break;
		case TRACE_VM_SWITCH:
			p[0] = TRACE_CTRL_OP(TRACE_CTRL_VM);
			w->len += 1 + put_varint(p + 1, rec->vm);
			break;
		default:        /* TRACE_TLBI, validated above */
			p[0] = TRACE_CTRL_OP(TRACE_CTRL_TLBI);
			p[1] = rec->tlbi.op;
			p[2] = rec->tlbi.flags;
			w->len += 3;
			w->len += put_varint(w->buf + w->len, rec->tlbi.asid);
			w->len += put_varint(w->buf + w->len, rec->va);
			break;
		}
		w->nrecs++;
	}
	return w->failed;
}

int trace_writer_finish(struct trace_writer *w)
{
	int rc;

	if (w->failed)
		return w->failed;
	if (w->finished)
		return 0;
	w->buf[w->len++] = TRACE_CTRL_OP(TRACE_CTRL_END);
	w->len += put_varint(w->buf + w->len, w->nrecs);
	rc = flush(w, true);
	if (rc)
		return rc;
	w->finished = true;
	if (w->own_fd) {
		w->own_fd = false;
		if (close(w->fd) < 0)
			return w->failed = sim_error_set(&w->err, SIM_E_IO, "%s: close failed: %s",
							 w->name, strerror(errno));
	}
	if (w->tmp) {
		if (rename(w->tmp, w->name) < 0)
			return w->failed = sim_error_set(&w->err, SIM_E_IO,
							 "%s: cannot rename %s into place: %s",
							 w->name, w->tmp, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
	}
	return 0;
}

const struct sim_error *trace_writer_error(const struct trace_writer *w)
{
	return &w->err;
}

uint64_t trace_writer_records(const struct trace_writer *w)
{
	return w->nrecs;
}

uint64_t trace_writer_bytes_out(const struct trace_writer *w)
{
	return w->bytes_out;
}

void trace_writer_close(struct trace_writer *w)
{
	if (!w)
		return;
	if (w->own_fd)
		close(w->fd);
	if (w->tmp) {           /* never finished: leave nothing behind */
		unlink(w->tmp);
		free(w->tmp);
	}
	ZSTD_freeCStream(w->zc);
	free(w->zout);
	free(w->cpus);
	free(w->buf);
	free(w->name);
	free(w);
}
