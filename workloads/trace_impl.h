/*
 * workloads/trace_impl.h - internals shared by the trace reader, its format
 * parsers and the native writer.  Not for use outside workloads/.
 *
 * A reader is three layers:
 *   source  - a descriptor (read(2) in large blocks) or a memory buffer;
 *   stream  - optional gzip/zstd (trace_reader.c) or xz/bzip2
 *             (trace_xdec.c) decompression into a window of decoded
 *             bytes [p, end) that parsers consume and refill;
 *   parser  - lackey text, the native binary format or ChampSim records
 *             (trace_champsim.c), filling record batches straight from the
 *             window.
 * Parsers never see compression, and the stream never sees records: when
 * the stream fails it gives the reason ("truncated zstd stream"), and the
 * parser adds where it was (line, or record and byte offset).
 */
#ifndef MMUSIM_WORKLOADS_TRACE_IMPL_H
#define MMUSIM_WORKLOADS_TRACE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "sim/err.h"
#include "workloads/trace.h"

/* Decoded-window buffer and compressed-input buffer sizes. */
#define TRACE_STREAM_BUF (1u << 20)
#define TRACE_STREAM_ZBUF (256u << 10)

/* Lackey text must have its first access line in this many decoded bytes
 * (the window: the check at open never consumes input). */
#define TRACE_LACKEY_PREFIX TRACE_STREAM_BUF

/* Compressed bytes one refill may read without decoding a byte (empty
 * gzip members or zstd frames) before the stream is called corrupt, so
 * that no input keeps a reader busy without output. */
#define TRACE_STREAM_DRY_MAX (64u << 20)

struct trace_stream {
	const uint8_t *p, *end;         /* unread decoded bytes */
	uint8_t *buf;                   /* owned window buffer (NULL if borrowed) */
	size_t cap;
	uint64_t base_off;              /* stream offset of the window's start */
	const uint8_t *win;             /* start of the window (buf or borrowed) */

	/* source */
	int fd;                         /* -1 for a memory source */
	bool own_fd;
	bool raw_eof;                   /* the source has no more bytes */
	const uint8_t *mem;             /* memory source */
	size_t mem_len;
	uint64_t bytes_in;

	/* decompression */
	enum trace_compression comp;
	uint8_t *zbuf;                  /* compressed bytes read from an fd */
	const uint8_t *zp, *zend;       /* unread compressed bytes */
	z_stream z;
	bool z_init;
	bool z_member_done;             /* gzip: a member ended; another may follow */
	ZSTD_DStream *zs;
	size_t zs_hint;                 /* last ZSTD_decompressStream() result */
	bool eof;                       /* decoded stream fully delivered */
	struct trace_xdec *xd;          /* xz or bzip2 decoder (trace_xdec.c) */

	char why[160];                  /* reason of the last stream failure */
};

/*
 * trace_stream_more() - keep the unread bytes [p, end), move them to the
 * front of the buffer and append more decoded bytes.
 * Return: number of bytes added (> 0), 0 at the clean end of the stream, or
 * a negative enum sim_err with s->why saying what went wrong (no location).
 */
int trace_stream_more(struct trace_stream *s);

/* Make sure unread compressed bytes [zp, zend) are there unless the source
 * ended.  Return: 0, or a negative enum sim_err with s->why set. */
int trace_stream_zfill(struct trace_stream *s);

/* xz and bzip2 (trace_xdec.c).  Magic lengths: xz 6 bytes, bzip2 4. */
#define TRACE_XDEC_PEEK 6
/* The compression whose magic @head (@have bytes) starts with, or NONE. */
enum trace_compression trace_xdec_detect(const uint8_t *head, size_t have);
/* True if @head (@have bytes, the whole input) is a cut xz magic. */
bool trace_xdec_cut_magic(const uint8_t *head, size_t have);
/* Sets up s->xd for s->comp.  Return: 0 or SIM_E_NOMEM (s->why set). */
int trace_xdec_init(struct trace_stream *s);
/* As more_gzip() in trace_reader.c: up to @room decoded bytes to @out. */
int trace_xdec_more(struct trace_stream *s, uint8_t *out, size_t room, size_t *produced);
void trace_xdec_free(struct trace_stream *s);

/* Decoded-stream offset of a pointer into the window. */
static inline uint64_t trace_stream_off(const struct trace_stream *s, const uint8_t *q)
{
	return s->base_off + (uint64_t)(q - s->win);
}

struct trace_native_cpu {
	uint64_t next[2];               /* predicted VA: [0] data, [1] fetch */
	uint64_t pa_off;                /* predicted PA - VA of a phys record */
};

/* Per access opcode: the record's upper 8 bytes and the size (0 = not a
 * plain access: control record or escaped access). */
struct trace_native_op {
	uint64_t hi;
	uint64_t size;
};

struct trace_reader {
	struct trace_stream s;
	enum trace_format fmt;
	char *name;
	struct sim_error err;
	int failed;                     /* sticky error code, 0 if none */
	uint64_t nrecs;                 /* records handed out */

	/* lackey */
	uint64_t line;                  /* lines consumed */
	uint64_t ignored;
	bool have_pending;              /* the store half of an M line */
	struct trace_rec pending;
	bool skipping;                  /* inside an over-long ignored line */
	bool done;

	/* native */
	struct trace_native_cpu *cpus;  /* per-CPU predictors, grown on demand */
	size_t ncpus;
	uint16_t cpu;                   /* current CPU */
	uint64_t pred_d, pred_f;        /* current CPU's predictors, live copy */
	uint64_t nfile;                 /* trace records decoded (END's count) */
	uint64_t cpu_hi;                /* upper 8 bytes of a record of this cpu */
	struct trace_native_op op_tab[256];
	bool ended;                     /* END record seen */
	bool phys_ok;                   /* header flag: phys records allowed */
	bool keep_phys;                 /* hand TRACE_PHYS records out */
	bool after_access;              /* the last record was an access */
	uint64_t last_va;               /* ... at this VA */
	uint64_t nphys;                 /* phys records met */
	uint64_t pa_off;                /* current CPU's predicted PA - VA */

	/* ChampSim (trace_champsim.c) */
	unsigned cs_len;                /* record length: 64 or 96 bytes */
	uint64_t cs_nrec;               /* whole records decoded */
	uint8_t cs_asid;                /* cloudsuite: asid[0] of the last record */
	unsigned cs_npend, cs_ipend;    /* records of the last one not handed out */
	struct trace_rec cs_pend[10];
};

int trace_lackey_start(struct trace_reader *r);
int trace_lackey_read(struct trace_reader *r, struct trace_rec *recs, size_t max);
int trace_native_start(struct trace_reader *r);
int trace_native_read(struct trace_reader *r, struct trace_rec *recs, size_t max);
/* ChampSim: if @want (or, for TRACE_FMT_AUTO, the name) selects it, set
 * r->fmt and check the input is not empty.  Return: 1 ChampSim, 0 not
 * (detect by content), or a negative enum sim_err with r->err set. */
int trace_champsim_choose(struct trace_reader *r, enum trace_format want);
int trace_champsim_read(struct trace_reader *r, struct trace_rec *recs, size_t max);

/* ------------------------------------------------------------------------ */
/* Native format constants (see workloads/FORMAT.md)                         */

#define TRACE_NATIVE_MAGIC "\x89MMUTR\r\n"
#define TRACE_NATIVE_MAGIC_LEN 8
#define TRACE_NATIVE_VERSION 1
#define TRACE_NATIVE_HDR_LEN 16
/* Header flag bit 0: the trace may hold physical-address records. */
#define TRACE_NATIVE_F_PHYS 1u

/* Opcode byte of an access: bits 1:0 kind (0 load, 1 store, 2 fetch),
 * bits 4:2 size code, bits 7:5 delta length in bytes (0..7). */
#define TRACE_OP_KIND_MASK 0x03u
#define TRACE_OP_SIZE_SHIFT 2
#define TRACE_OP_SIZE_MASK 0x1cu
#define TRACE_OP_LEN_SHIFT 5
#define TRACE_OP_SIZE_ESC 7u            /* size code: explicit size + delta follow */
#define TRACE_OP_CTRL 3u                /* kind bits 11: a control record */

/* Control opcodes: TRACE_OP_CTRL | code << 2. */
enum trace_ctrl {
	TRACE_CTRL_END = 0,
	TRACE_CTRL_CPU = 1,
	TRACE_CTRL_CTX = 2,
	TRACE_CTRL_VM = 3,
	TRACE_CTRL_TLBI = 4,
	TRACE_CTRL_PHYS = 5,            /* only with TRACE_NATIVE_F_PHYS */
	TRACE_CTRL__COUNT
};

#define TRACE_CTRL_OP(code) ((uint8_t)(TRACE_OP_CTRL | ((code) << 2)))

/* TLBI flag bits this version knows; others are rejected. */
#define TRACE_TLBI_FLAGS_KNOWN TLBI_F_IS

/* Sizes of the access size codes 0..6, per stream ([0] data, [1] fetch). */
extern const uint8_t trace_native_sizes[2][8];

static inline uint64_t trace_zigzag(uint64_t delta)
{
	return (delta << 1) ^ (uint64_t)((int64_t)delta >> 63);
}

static inline uint64_t trace_unzigzag(uint64_t zz)
{
	return (zz >> 1) ^ (0 - (zz & 1));
}

static inline uint64_t trace_load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void trace_store_le64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

#endif /* MMUSIM_WORKLOADS_TRACE_IMPL_H */
