/*
 * workloads/trace_reader.c - opening a trace: the byte source, transparent
 * gzip/zstd decompression, format detection by content, and the batch read
 * entry point that dispatches to the lackey or native parser.
 *
 * Semantic choices:
 *   - Input is streamed through a fixed 1 MiB window (plus a 256 KiB buffer
 *     of compressed bytes), so memory use does not depend on trace size and
 *     standard input works.  A memory source that is not compressed is
 *     decoded in place.
 *   - Compression is detected from the first bytes (gzip 1f 8b, zstd
 *     28 b5 2f fd), then the format from the first decoded bytes: the native
 *     magic, or else lackey text.  A first byte 0x89 is never lackey text, so
 *     a short or wrong magic is reported as a broken native file.
 *   - Concatenated gzip members and zstd frames are read as one stream.  A
 *     compressed stream that ends early, or has garbage after its end, is an
 *     error; the parser adds the line or record it had reached.
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

#include "workloads/trace_impl.h"

static const char *const kind_names[TRACE_KIND__COUNT] = {
	[TRACE_LOAD] = "load",
	[TRACE_STORE] = "store",
	[TRACE_FETCH] = "fetch",
	[TRACE_CTX_SWITCH] = "ctx",
	[TRACE_VM_SWITCH] = "vm",
	[TRACE_TLBI] = "tlbi",
	[TRACE_PHYS] = "phys",
};

const char *trace_kind_name(unsigned kind)
{
	return kind < TRACE_KIND__COUNT ? kind_names[kind] : NULL;
}

static const char *const format_names[TRACE_FMT__COUNT] = {
	[TRACE_FMT_AUTO] = "auto",
	[TRACE_FMT_NATIVE] = "native",
	[TRACE_FMT_LACKEY] = "lackey",
	[TRACE_FMT_CHAMPSIM] = "champsim",
	[TRACE_FMT_CHAMPSIM_CS] = "champsim-cloudsuite",
};

const char *trace_format_name(enum trace_format fmt)
{
	return (unsigned)fmt < TRACE_FMT__COUNT ? format_names[fmt] : "unknown";
}

int trace_format_parse(const char *s, enum trace_format *fmt)
{
	for (unsigned i = 0; i < TRACE_FMT__COUNT; i++)
		if (!strcmp(s, format_names[i])) {
			*fmt = (enum trace_format)i;
			return 0;
		}
	return SIM_E_INVAL;
}

const char *trace_compression_name(enum trace_compression c)
{
	switch (c) {
	case TRACE_COMP_GZIP: return "gzip";
	case TRACE_COMP_ZSTD: return "zstd";
	case TRACE_COMP_XZ: return "xz";
	case TRACE_COMP_BZIP2: return "bzip2";
	case TRACE_COMP_NONE: break;
	}
	return "none";
}

/* ------------------------------------------------------------------------ */
/* The decoded byte stream                                                   */

static int stream_fail(struct trace_stream *s, int code, const char *fmt, const char *arg)
{
	snprintf(s->why, sizeof(s->why), fmt, arg);
	return code;
}

/* One read(2) of at most @room bytes; sets raw_eof at the end of the file. */
static int raw_read(struct trace_stream *s, uint8_t *dst, size_t room, size_t *got)
{
	ssize_t n;

	*got = 0;
	if (s->fd < 0 || s->raw_eof) {
		s->raw_eof = true;
		return 0;
	}
	do
		n = read(s->fd, dst, room);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return stream_fail(s, SIM_E_IO, "read error: %s", strerror(errno));
	if (n == 0)
		s->raw_eof = true;
	*got = (size_t)n;
	s->bytes_in += (uint64_t)n;
	return 0;
}

/* Make sure unread compressed bytes are available unless the source ended. */
static int zfill(struct trace_stream *s)
{
	size_t got;
	int rc;

	if (s->zp != s->zend || s->raw_eof)
		return 0;
	rc = raw_read(s, s->zbuf, TRACE_STREAM_ZBUF, &got);
	s->zp = s->zbuf;
	s->zend = s->zbuf + got;
	return rc;
}

/* More than TRACE_STREAM_DRY_MAX compressed bytes read since @start, and
 * nothing decoded. */
static int dry(struct trace_stream *s, uint64_t start, const char *what)
{
	char msg[96];

	if (s->bytes_in - start <= TRACE_STREAM_DRY_MAX)
		return 0;
	snprintf(msg, sizeof(msg), "%u MiB of %s input decode to nothing", TRACE_STREAM_DRY_MAX >> 20,
		 what);
	return stream_fail(s, SIM_E_CORRUPT, "%s", msg);
}

int trace_stream_zfill(struct trace_stream *s)
{
	return zfill(s);
}

static int more_gzip(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced)
{
	uint64_t start = s->bytes_in;
	int rc;

	s->z.next_out = out;
	s->z.avail_out = (uInt)room;
	for (;;) {
		rc = zfill(s);
		if (rc < 0)
			return rc;
		if (s->z_member_done) {
			if (s->zp == s->zend) {
				if (s->raw_eof) {
					s->eof = true;
					break;
				}
				if ((rc = dry(s, start, "gzip")))
					return rc;
				continue;
			}
			/* Another gzip member follows (as from "cat a.gz b.gz"). */
			inflateReset(&s->z);
			s->z_member_done = false;
		}
		s->z.next_in = (Bytef *)(uintptr_t)s->zp;
		s->z.avail_in = (uInt)(s->zend - s->zp);
		rc = inflate(&s->z, Z_NO_FLUSH);
		s->zp = s->z.next_in;
		if (rc == Z_STREAM_END) {
			s->z_member_done = true;
		} else if (rc == Z_MEM_ERROR) {
			return stream_fail(s, SIM_E_NOMEM, "%s", "out of memory in zlib");
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return stream_fail(s, SIM_E_CORRUPT, "corrupt gzip stream: %s",
					   s->z.msg ? s->z.msg : "bad data");
		}
		if (s->z.avail_out < room)
			break;
		if (!s->z_member_done && s->zp == s->zend && s->raw_eof)
			return stream_fail(s, SIM_E_TRUNCATED, "%s",
					   "truncated gzip stream (the input ends inside it)");
		if ((rc = dry(s, start, "gzip")))
			return rc;
	}
	*produced = room - s->z.avail_out;
	return 0;
}

static int more_zstd(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced)
{
	ZSTD_outBuffer ob = { out, room, 0 };
	uint64_t start = s->bytes_in;
	int rc;

	for (;;) {
		ZSTD_inBuffer ib;
		size_t ret;

		rc = zfill(s);
		if (rc < 0)
			return rc;
		/* The last call ended a frame and flushed it, and no input is
		 * left: a clean end (asking zstd again would report the next
		 * frame's header as missing). */
		if (s->zp == s->zend && s->raw_eof && s->zs_hint == 0) {
			s->eof = true;
			break;
		}
		ib.src = s->zp;
		ib.size = (size_t)(s->zend - s->zp);
		ib.pos = 0;
		ret = ZSTD_decompressStream(s->zs, &ob, &ib);
		s->zp += ib.pos;
		if (ZSTD_isError(ret))
			return stream_fail(s, SIM_E_CORRUPT, "corrupt zstd stream: %s",
					   ZSTD_getErrorName(ret));
		s->zs_hint = ret;
		if (ob.pos > 0)
			break;
		if (s->zp == s->zend && s->raw_eof) {
			if (ret != 0)
				return stream_fail(s, SIM_E_TRUNCATED, "%s",
						   "truncated zstd stream (the input ends inside a frame)");
			s->eof = true;
			break;
		}
		if ((rc = dry(s, start, "zstd")))
			return rc;
	}
	*produced = ob.pos;
	return 0;
}

int trace_stream_more(struct trace_stream *s)
{
	size_t left = (size_t)(s->end - s->p);
	size_t produced = 0;
	uint8_t *out;
	int rc;

	if (!s->buf) {          /* borrowed, uncompressed: all of it is there */
		s->eof = true;
		return 0;
	}
	if (s->p != s->buf) {
		memmove(s->buf, s->p, left);
		s->base_off += (uint64_t)(s->p - s->win);
		s->win = s->buf;
		s->p = s->buf;
		s->end = s->buf + left;
	}
	if (s->eof)
		return 0;
	if (left >= s->cap)
		return stream_fail(s, SIM_E_PARSE, "%s", "line or record longer than the 1 MiB buffer");
	out = s->buf + left;
	switch (s->comp) {
	case TRACE_COMP_NONE:
		rc = raw_read(s, out, s->cap - left, &produced);
		if (rc == 0 && produced == 0)
			s->eof = true;
		break;
	case TRACE_COMP_GZIP:
		rc = more_gzip(s, out, s->cap - left, &produced);
		break;
	case TRACE_COMP_ZSTD:
		rc = more_zstd(s, out, s->cap - left, &produced);
		break;
	case TRACE_COMP_XZ:
	case TRACE_COMP_BZIP2:
		rc = trace_xdec_more(s, out, s->cap - left, &produced);
		break;
	default:
		rc = stream_fail(s, SIM_E_INVAL, "%s", "bad compression state");
		break;
	}
	if (rc < 0)
		return rc;
	s->end += produced;
	return produced > 0 ? (int)produced : 0;
}

static void stream_release(struct trace_stream *s)
{
	if (s->z_init)
		inflateEnd(&s->z);
	ZSTD_freeDStream(s->zs);
	trace_xdec_free(s);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	free(s->zbuf);
	free(s->buf);
}

/* ------------------------------------------------------------------------ */
/* Opening and detection                                                     */

static int open_fail(struct trace_reader *r, struct sim_error *err, int code, const char *what)
{
	sim_error_set(err, code, "%s: %s", r->name, what);
	trace_reader_close(r);
	return code;
}

static int detect_compression(struct trace_reader *r, struct sim_error *err)
{
	static const uint8_t gz_magic[2] = { 0x1f, 0x8b };
	static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct trace_stream *s = &r->s;
	const uint8_t *head;
	size_t have;

	if (s->fd >= 0) {
		/* Peek at the magics (a pipe may give them one at a time). */
		have = 0;
		while (have < TRACE_XDEC_PEEK && !s->raw_eof) {
			size_t got;

			if (raw_read(s, s->buf + have, TRACE_STREAM_ZBUF - have, &got) < 0)
				return open_fail(r, err, SIM_E_IO, s->why);
			have += got;
		}
		head = s->buf;
	} else {
		head = s->mem;
		have = s->mem_len;
		s->raw_eof = true;
		s->bytes_in = have;
	}

	/* A whole input that is only the start of a magic is a cut stream. */
	if (s->raw_eof && have > 0 &&
	    ((have < 2 && !memcmp(head, gz_magic, have)) ||
	     (have < 4 && !memcmp(head, zstd_magic, have))))
		return open_fail(r, err, SIM_E_TRUNCATED,
				 head[0] == gz_magic[0] ? "truncated gzip stream (the input ends inside it)"
				 : "truncated zstd stream (the input ends inside a frame)");
	if (s->raw_eof && trace_xdec_cut_magic(head, have))
		return open_fail(r, err, SIM_E_TRUNCATED, "truncated xz stream (the input ends inside it)");
	if (have >= 2 && !memcmp(head, gz_magic, 2))
		s->comp = TRACE_COMP_GZIP;
	else if (have >= 4 && !memcmp(head, zstd_magic, 4))
		s->comp = TRACE_COMP_ZSTD;
	else
		s->comp = trace_xdec_detect(head, have);

	if (s->comp == TRACE_COMP_NONE) {
		if (s->fd >= 0) {
			s->win = s->p = s->buf;
			s->end = s->buf + have;
		} else {
			/* Decode in place: the window is the caller's buffer. */
			free(s->buf);
			s->buf = NULL;
			s->win = s->p = s->mem;
			s->end = s->mem + have;
		}
		return 0;
	}

	if (s->fd >= 0) {
		s->zbuf = malloc(TRACE_STREAM_ZBUF);
		if (!s->zbuf)
			return open_fail(r, err, SIM_E_NOMEM, "out of memory");
		memcpy(s->zbuf, s->buf, have);
		s->zp = s->zbuf;
		s->zend = s->zbuf + have;
	} else {
		s->zp = s->mem;
		s->zend = s->mem + have;
	}
	s->win = s->p = s->end = s->buf;

	if (s->comp == TRACE_COMP_XZ || s->comp == TRACE_COMP_BZIP2) {
		if (trace_xdec_init(s) < 0)
			return open_fail(r, err, SIM_E_NOMEM, s->why);
	} else if (s->comp == TRACE_COMP_GZIP) {
		/* 15 + 16: a 32 KiB window, gzip header and trailer expected. */
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			return open_fail(r, err, SIM_E_NOMEM, "cannot initialise zlib");
		s->z_init = true;
	} else {
		s->zs = ZSTD_createDStream();
		s->zs_hint = 1;         /* no frame finished yet */
		if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs)))
			return open_fail(r, err, SIM_E_NOMEM, "cannot initialise zstd");
	}
	return 0;
}

static int detect_format(struct trace_reader *r, struct sim_error *err)
{
	struct trace_stream *s = &r->s;
	char msg[200];
	size_t have;
	int rc;

	while ((size_t)(s->end - s->p) < TRACE_NATIVE_MAGIC_LEN) {
		rc = trace_stream_more(s);
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "at the start of the input: %s", s->why);
			return open_fail(r, err, rc, msg);
		}
		if (rc == 0)
			break;
	}
	have = (size_t)(s->end - s->p);
	if (have == 0) {
		snprintf(msg, sizeof(msg), "empty input%s: neither a native trace nor lackey output",
			 s->comp == TRACE_COMP_GZIP ? " (a gzip stream of nothing)" :
			 s->comp == TRACE_COMP_ZSTD ? " (a zstd stream of nothing)" : "");
		return open_fail(r, err, SIM_E_TRUNCATED, msg);
	}
	if (s->p[0] == (uint8_t)TRACE_NATIVE_MAGIC[0]) {
		if (have < TRACE_NATIVE_MAGIC_LEN && !memcmp(s->p, TRACE_NATIVE_MAGIC, have)) {
			snprintf(msg, sizeof(msg),
				 "truncated native trace: the file ends inside the header (%zu of %u bytes)",
				 have, TRACE_NATIVE_HDR_LEN);
			return open_fail(r, err, SIM_E_TRUNCATED, msg);
		}
		if (have < TRACE_NATIVE_MAGIC_LEN ||
		    memcmp(s->p, TRACE_NATIVE_MAGIC, TRACE_NATIVE_MAGIC_LEN))
			return open_fail(r, err, SIM_E_CORRUPT, "bad magic: not an mmusim native trace");
		r->fmt = TRACE_FMT_NATIVE;
		rc = trace_native_start(r);
	} else {
		r->fmt = TRACE_FMT_LACKEY;
		rc = trace_lackey_start(r);
	}
	if (rc < 0) {
		sim_error_set(err, rc, "%s", r->err.msg);
		trace_reader_close(r);
		return rc;
	}
	return 0;
}

static int reader_new(struct trace_reader **rp, const char *name, struct sim_error *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	*rp = NULL;
	if (!r)
		goto nomem;
	r->name = strdup(name);
	r->s.fd = -1;
	if (!r->name)
		goto nomem;
	*rp = r;
	return 0;
nomem:
	if (r)
		free(r->name);
	free(r);
	return sim_error_set(err, SIM_E_NOMEM, "%s: out of memory", name);
}

static int reader_start(struct trace_reader **rp, struct trace_reader *r,
			const struct trace_open_opts *o, struct sim_error *err)
{
	enum trace_format want = o ? o->format : TRACE_FMT_AUTO;
	int rc;

	r->keep_phys = o && o->phys;
	rc = detect_compression(r, err);
	if (rc < 0)
		return rc;
	/* ChampSim records have no magic: chosen by the caller or the name. */
	rc = trace_champsim_choose(r, want);
	if (rc < 0) {
		sim_error_set(err, rc, "%s", r->err.msg);
		trace_reader_close(r);
		return rc;
	}
	if (rc == 0) {
		rc = detect_format(r, err);
		if (rc < 0)
			return rc;
		if ((want == TRACE_FMT_NATIVE || want == TRACE_FMT_LACKEY) && r->fmt != want)
			return open_fail(r, err, SIM_E_PARSE, want == TRACE_FMT_NATIVE
					 ? "not a native trace (no native magic), but --format native was given"
					 : "a native trace, but --format lackey was given");
	}
	*rp = r;
	return 0;
}

int trace_reader_open_fd(struct trace_reader **rp, int fd, bool own_fd, const char *name,
			 struct sim_error *err)
{
	return trace_reader_open_fd_opts(rp, fd, own_fd, name, NULL, err);
}

int trace_reader_open_fd_opts(struct trace_reader **rp, int fd, bool own_fd, const char *name,
			      const struct trace_open_opts *o, struct sim_error *err)
{
	struct trace_reader *r;
	int rc;

	rc = reader_new(rp, name, err);
	if (rc < 0) {
		if (own_fd)
			close(fd);
		return rc;
	}
	r = *rp;
	*rp = NULL;
	r->s.fd = fd;
	r->s.own_fd = own_fd;
	r->s.cap = TRACE_STREAM_BUF;
	r->s.buf = malloc(TRACE_STREAM_BUF);
	if (!r->s.buf)
		return open_fail(r, err, SIM_E_NOMEM, "out of memory");
	return reader_start(rp, r, o, err);
}

int trace_reader_open(struct trace_reader **rp, const char *path, struct sim_error *err)
{
	return trace_reader_open_opts(rp, path, NULL, err);
}

int trace_reader_open_opts(struct trace_reader **rp, const char *path,
			   const struct trace_open_opts *o, struct sim_error *err)
{
	struct stat st;
	int fd;

	*rp = NULL;
	if (!strcmp(path, "-"))
		return trace_reader_open_fd_opts(rp, STDIN_FILENO, false, "<stdin>", o, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sim_error_set(err, SIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return sim_error_set(err, SIM_E_IO, "%s: a directory, not a trace file", path);
	}
	return trace_reader_open_fd_opts(rp, fd, true, path, o, err);
}

int trace_reader_check(const char *path, const struct trace_open_opts *o,
		       struct trace_reader **keep, struct sim_error *err)
{
	struct trace_reader *r;
	struct stat st;
	bool once = !strcmp(path, "-");
	int rc;

	if (keep)
		*keep = NULL;
	if (!once && stat(path, &st) == 0)
		once = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
		       (keep && S_ISCHR(st.st_mode));
	if (once && !keep)
		return 0;
	rc = trace_reader_open_opts(&r, path, o, err);
	if (rc < 0)
		return rc;
	if (once)
		*keep = r;
	else
		trace_reader_close(r);
	return 0;
}

int trace_reader_open_mem(struct trace_reader **rp, const void *buf, size_t len,
			  const char *name, struct sim_error *err)
{
	return trace_reader_open_mem_opts(rp, buf, len, name, NULL, err);
}

int trace_reader_open_mem_opts(struct trace_reader **rp, const void *buf, size_t len,
			       const char *name, const struct trace_open_opts *o,
			       struct sim_error *err)
{
	struct trace_reader *r;
	int rc;

	rc = reader_new(rp, name, err);
	if (rc < 0)
		return rc;
	r = *rp;
	*rp = NULL;
	r->s.mem = buf;
	r->s.mem_len = len;
	/* An owned window is needed only if the input turns out compressed. */
	r->s.cap = TRACE_STREAM_BUF;
	r->s.buf = malloc(TRACE_STREAM_BUF);
	if (!r->s.buf)
		return open_fail(r, err, SIM_E_NOMEM, "out of memory");
	return reader_start(rp, r, o, err);
}

int trace_read(struct trace_reader *r, struct trace_rec *recs, size_t max)
{
	int n;

	if (r->failed)
		return r->failed;
	if (max == 0)
		return SIM_E_INVAL;
	if (max > INT32_MAX)
		max = INT32_MAX;
	if (r->fmt == TRACE_FMT_NATIVE)
		n = trace_native_read(r, recs, max);
	else if (r->fmt == TRACE_FMT_LACKEY)
		n = trace_lackey_read(r, recs, max);
	else
		n = trace_champsim_read(r, recs, max);
	if (n > 0) {
		r->nrecs += (uint64_t)n;
		return n;
	}
	return r->failed ? r->failed : 0;
}

const struct sim_error *trace_reader_error(const struct trace_reader *r)
{
	return &r->err;
}

uint64_t trace_reader_records(const struct trace_reader *r)
{
	return r->nrecs;
}

uint64_t trace_reader_ignored_lines(const struct trace_reader *r)
{
	return r->ignored;
}

uint64_t trace_reader_lines(const struct trace_reader *r)
{
	return r->line;
}

uint64_t trace_reader_bytes_in(const struct trace_reader *r)
{
	return r->s.bytes_in;
}

uint64_t trace_reader_champsim_records(const struct trace_reader *r)
{
	return r->cs_nrec;
}

uint64_t trace_reader_phys_records(const struct trace_reader *r)
{
	return r->nphys;
}

bool trace_reader_has_phys(const struct trace_reader *r)
{
	return r->phys_ok;
}

enum trace_format trace_reader_format(const struct trace_reader *r)
{
	return r->fmt;
}

enum trace_compression trace_reader_compression(const struct trace_reader *r)
{
	return r->s.comp;
}

const char *trace_reader_name(const struct trace_reader *r)
{
	return r->name;
}

void trace_reader_close(struct trace_reader *r)
{
	if (!r)
		return;
	stream_release(&r->s);
	free(r->cpus);
	free(r->name);
	free(r);
}
