/*
 * workloads/trace_xdec.c - xz and bzip2 decompression for the trace
 * reader's stream layer (workloads/trace_impl.h), beside the gzip and zstd
 * decoders of trace_reader.c.  The public ChampSim corpora ship as xz (DPC-3)
 * and their tools also write bzip2 and gzip.
 *
 * Semantic choices, as for gzip and zstd:
 *   - Detected by magic: xz `fd 37 7a 58 5a 00`, bzip2 `BZh` and a block
 *     size digit 1-9.  A whole input that is only the start of the xz magic
 *     is a cut stream; a short "BZ" is not taken for bzip2 (it could be
 *     text).
 *   - Concatenated streams (`cat a.xz b.xz`, `pbzip2` output) are read as
 *     one stream.
 *   - A stream that ends early, even between two blocks, is truncated; bytes
 *     after the last stream that do not start another one are corrupt.
 *   - liblzma is given no memory limit: the trace's own writer chose the
 *     dictionary, and xz -9 needs 64 MiB.
 */
#include "autoconfig.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/trace_impl.h"

static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

struct trace_xdec {
	lzma_stream lz;
	bool lz_init;
	bz_stream bz;
	bool bz_init;
	bool member_done;               /* bzip2: a stream ended; another may follow */
	bool done;                      /* xz: all streams ended */
};

enum trace_compression trace_xdec_detect(const uint8_t *head, size_t have)
{
	if (have >= sizeof(xz_magic) && !memcmp(head, xz_magic, sizeof(xz_magic)))
		return TRACE_COMP_XZ;
	if (have >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' &&
	    head[3] >= '1' && head[3] <= '9')
		return TRACE_COMP_BZIP2;
	return TRACE_COMP_NONE;
}

bool trace_xdec_cut_magic(const uint8_t *head, size_t have)
{
	return have > 0 && have < sizeof(xz_magic) && !memcmp(head, xz_magic, have);
}

static int xfail(struct trace_stream *s, int code, const char *what)
{
	snprintf(s->why, sizeof(s->why), "%s", what);
	return code;
}

static int bz_start(struct trace_stream *s)
{
	struct trace_xdec *x = s->xd;

	memset(&x->bz, 0, sizeof(x->bz));
	if (BZ2_bzDecompressInit(&x->bz, 0, 0) != BZ_OK)
		return xfail(s, SIM_E_NOMEM, "cannot initialise bzip2");
	x->bz_init = true;
	x->member_done = false;
	return 0;
}

int trace_xdec_init(struct trace_stream *s)
{
	struct trace_xdec *x = calloc(1, sizeof(*x));

	if (!x)
		return xfail(s, SIM_E_NOMEM, "out of memory");
	s->xd = x;
	if (s->comp == TRACE_COMP_BZIP2)
		return bz_start(s);
	x->lz = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&x->lz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return xfail(s, SIM_E_NOMEM, "cannot initialise liblzma");
	x->lz_init = true;
	return 0;
}

static const char *lzma_what(lzma_ret ret)
{
	switch (ret) {
	case LZMA_FORMAT_ERROR:  return "corrupt xz stream: not in the xz format";
	case LZMA_OPTIONS_ERROR: return "corrupt xz stream: unsupported options";
	case LZMA_DATA_ERROR:    return "corrupt xz stream: compressed data is corrupt";
	case LZMA_MEMLIMIT_ERROR:
	case LZMA_MEM_ERROR:     return "out of memory in liblzma";
	default:                 return "corrupt xz stream";
	}
}

static int more_xz(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced)
{
	struct trace_xdec *x = s->xd;
	int rc;

	x->lz.next_out = out;
	x->lz.avail_out = room;
	while (!x->done) {
		lzma_action action;
		lzma_ret ret;

		rc = trace_stream_zfill(s);
		if (rc < 0)
			return rc;
		x->lz.next_in = s->zp;
		x->lz.avail_in = (size_t)(s->zend - s->zp);
		/* LZMA_CONCATENATED ends only when told the input has ended. */
		action = s->zp == s->zend && s->raw_eof ? LZMA_FINISH : LZMA_RUN;
		ret = lzma_code(&x->lz, action);
		s->zp = x->lz.next_in;
		if (ret == LZMA_STREAM_END) {
			x->done = true;
		} else if (ret == LZMA_BUF_ERROR) {
			/* No progress possible: the input ended inside a stream. */
			return xfail(s, SIM_E_TRUNCATED, "truncated xz stream (the input ends inside it)");
		} else if (ret != LZMA_OK) {
			return xfail(s, ret == LZMA_MEM_ERROR || ret == LZMA_MEMLIMIT_ERROR ? SIM_E_NOMEM
				     : SIM_E_CORRUPT, lzma_what(ret));
		}
		if (x->lz.avail_out < room)
			break;
	}
	if (x->done && x->lz.avail_out == room)
		s->eof = true;
	*produced = room - x->lz.avail_out;
	return 0;
}

static int more_bzip2(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced)
{
	struct trace_xdec *x = s->xd;
	size_t got = 0;
	int rc;

	for (;;) {
		rc = trace_stream_zfill(s);
		if (rc < 0)
			return rc;
		if (x->member_done) {
			if (s->zp == s->zend) {
				if (s->raw_eof) {
					s->eof = true;
					break;
				}
				continue;
			}
			/* Another bzip2 stream follows. */
			BZ2_bzDecompressEnd(&x->bz);
			x->bz_init = false;
			rc = bz_start(s);
			if (rc < 0)
				return rc;
		}
		/* bzip2 counts in unsigned int; the buffers are far smaller. */
		x->bz.next_in = (char *)(uintptr_t)s->zp;
		x->bz.avail_in = (unsigned)(s->zend - s->zp);
		x->bz.next_out = (char *)out + got;
		x->bz.avail_out = (unsigned)(room - got);
		rc = BZ2_bzDecompress(&x->bz);
		s->zp = (const uint8_t *)x->bz.next_in;
		got = room - x->bz.avail_out;
		if (rc == BZ_STREAM_END)
			x->member_done = true;
		else if (rc == BZ_MEM_ERROR)
			return xfail(s, SIM_E_NOMEM, "out of memory in libbz2");
		else if (rc == BZ_DATA_ERROR_MAGIC)
			return xfail(s, SIM_E_CORRUPT, "corrupt bzip2 stream: bad magic (garbage after "
				     "the end of a stream?)");
		else if (rc != BZ_OK)
			return xfail(s, SIM_E_CORRUPT, "corrupt bzip2 stream: compressed data is corrupt");
		if (got > 0)
			break;
		if (!x->member_done && s->zp == s->zend && s->raw_eof)
			return xfail(s, SIM_E_TRUNCATED,
				     "truncated bzip2 stream (the input ends inside it)");
	}
	*produced = got;
	return 0;
}

int trace_xdec_more(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced)
{
	*produced = 0;
	if (s->comp == TRACE_COMP_XZ)
		return more_xz(s, out, room, produced);
	return more_bzip2(s, out, room, produced);
}

void trace_xdec_free(struct trace_stream *s)
{
	struct trace_xdec *x = s->xd;

	if (!x)
		return;
	if (x->lz_init)
		lzma_end(&x->lz);
	if (x->bz_init)
		BZ2_bzDecompressEnd(&x->bz);
	free(x);
	s->xd = NULL;
}
