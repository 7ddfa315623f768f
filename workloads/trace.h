/*
 * workloads/trace.h - trace records, trace readers and the native trace
 * writer.
 *
 * A trace is a sequence of struct trace_rec: memory accesses (instruction
 * fetch, load, store) and control records (context switch, VM switch, TLB
 * maintenance).  Readers detect the compression and the native and lackey
 * formats by content, never by name; ChampSim records, which have no magic,
 * are the one format a name or the caller chooses:
 *
 *   - the native binary format (workloads/FORMAT.md), found by its magic;
 *   - gzip (1f 8b), zstd (28 b5 2f fd), xz (fd 37 7a 58 5a 00) or bzip2
 *     ("BZh1".."BZh9") compressed input of any format, decompressed while
 *     streaming, never loaded whole;
 *   - ChampSim traces (workloads/CHAMPSIM.md), which carry no magic: chosen
 *     by the caller (struct trace_open_opts) or by a file name that holds
 *     "champsimtrace" or "cloudsuite";
 *   - anything else is Valgrind lackey text (--tool=lackey --trace-mem=yes).
 *
 * What is accepted, checked when a reader opens, on a bounded prefix so
 * that no input (/dev/zero, /dev/urandom, a huge text file) can keep it
 * busy and nothing is consumed (standard input and pipes work):
 *   - A native trace: the magic, a header this build reads, and a first
 *     record that is not the end record (a trace of no record is refused).
 *   - Lackey text: an access line that parses within the first 1 MiB of
 *     decoded text, and no NUL byte before it.  Otherwise the input is
 *     refused with what it was instead: a lackey log without
 *     --trace-mem=yes (recognised by lackey's banner and summary lines),
 *     another Valgrind tool's log, an INI file, other text, binary data.
 *     After the first access line, lines that are not accesses are ignored
 *     (program output), but a NUL byte anywhere is an error.
 *   - Never an empty input (also an empty compressed stream), a directory,
 *     or a compressed stream cut short, corrupt, followed by garbage, or
 *     decoding to nothing from 64 MiB of input (endless empty members).
 *
 * Semantic choices:
 *   - Records are returned in batches (trace_read()) so the per-record cost
 *     is a few stores; no allocation happens per record.
 *   - A lackey "M" (modify) line becomes two records, a load then a store of
 *     the same address and size.  Lackey traces carry no CPU number, so
 *     every lackey record has cpu 0.
 *   - An access that crosses a page boundary is kept as one record with its
 *     full size; splitting it is the simulator's business.
 *   - A context-switch record names an address space (a process id), not an
 *     ASID: the simulator allocates ASIDs.  Likewise a VM switch names a VM,
 *     not a VMID.
 *   - Errors are sticky.  When a batch meets an error after some good
 *     records, trace_read() returns those records and the next call returns
 *     the error; trace_reader_records() always counts exactly the records
 *     handed out, so a caller knows how far the trace was good.
 */
#ifndef MMUSIM_WORKLOADS_TRACE_H
#define MMUSIM_WORKLOADS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "sim/types.h"

/*
 * Record kinds.  The three access kinds have the values of enum mmu_acc_type
 * so that a record's kind converts to an access type without a table.
 */
enum trace_kind {
	TRACE_LOAD = MMU_ACC_READ,      /* data read */
	TRACE_STORE = MMU_ACC_WRITE,    /* data write */
	TRACE_FETCH = MMU_ACC_FETCH,    /* instruction fetch */
	TRACE_CTX_SWITCH = 3,           /* cpu now runs address space .space */
	TRACE_VM_SWITCH = 4,            /* cpu now runs virtual machine .vm */
	TRACE_TLBI = 5,                 /* TLB maintenance, see .tlbi */
	TRACE_PHYS = 6,                 /* .va: physical address of the access just
					 * before (readers hand these out only when
					 * asked, see struct trace_open_opts) */
	TRACE_KIND__COUNT
};

/**
 * struct trace_rec - one trace record (16 bytes).
 * @va:    TRACE_LOAD/STORE/FETCH: the virtual address accessed.
 *         TRACE_PHYS: the physical address of the previous record (an
 *         access of the same CPU).
 *         TRACE_TLBI: the VA operand of by-VA operations (VAE1, VALE1, ...).
 * @ipa:   TRACE_TLBI: the IPA operand of IPAS2E1/IPAS2LE1 (aliases @va).
 * @size:  access kinds: bytes accessed, at least 1.
 * @space: TRACE_CTX_SWITCH: address-space (process) id now running on @cpu.
 * @vm:    TRACE_VM_SWITCH: virtual machine id now running on @cpu.
 * @tlbi:  TRACE_TLBI: @tlbi.op is an enum tlbi_op, @tlbi.flags a set of
 *         TLBI_F_* flags, @tlbi.asid the ASID operand of by-ASID and by-VA
 *         operations.  Operands an operation does not use are 0.
 * @cpu:   the CPU (PE) the record belongs to.
 * @kind:  an enum trace_kind.
 * @rsvd:  always 0.
 *
 * Readers fill every byte (unused fields and the union's spare bytes are
 * zero), so two records compare equal with memcmp().  Writers should use
 * the trace_rec_*() constructors below for the same reason.
 */
struct trace_rec {
	union {
		uint64_t va;
		uint64_t ipa;
	};
	union {
		uint32_t size;
		uint32_t space;
		uint32_t vm;
		struct {
			uint16_t asid;
			uint8_t op;
			uint8_t flags;
		} tlbi;
	};
	uint16_t cpu;
	uint8_t kind;
	uint8_t rsvd;
};

static inline bool trace_is_access(const struct trace_rec *rec)
{
	return rec->kind <= TRACE_FETCH;
}

static inline struct trace_rec trace_rec_access(enum trace_kind kind, uint16_t cpu,
						uint64_t va, uint32_t size)
{
	struct trace_rec rec = { .va = va, .size = size, .cpu = cpu, .kind = (uint8_t)kind };

	return rec;
}

static inline struct trace_rec trace_rec_ctx_switch(uint16_t cpu, uint32_t space)
{
	struct trace_rec rec = { .space = space, .cpu = cpu, .kind = TRACE_CTX_SWITCH };

	return rec;
}

static inline struct trace_rec trace_rec_vm_switch(uint16_t cpu, uint32_t vm)
{
	struct trace_rec rec = { .vm = vm, .cpu = cpu, .kind = TRACE_VM_SWITCH };

	return rec;
}

/* addr is the VA or IPA operand (0 if the operation takes none). */
static inline struct trace_rec trace_rec_tlbi(uint16_t cpu, enum tlbi_op op, uint8_t flags,
					      uint16_t asid, uint64_t addr)
{
	struct trace_rec rec = { .va = addr, .cpu = cpu, .kind = TRACE_TLBI };

	rec.tlbi.asid = asid;
	rec.tlbi.op = (uint8_t)op;
	rec.tlbi.flags = flags;
	return rec;
}

static inline struct trace_rec trace_rec_phys(uint16_t cpu, uint64_t pa)
{
	struct trace_rec rec = { .va = pa, .cpu = cpu, .kind = TRACE_PHYS };

	return rec;
}

/* "load", "store", "fetch", "ctx", "vm", "tlbi", "phys"; NULL if out of
 * range. */
const char *trace_kind_name(unsigned kind);

/*
 * Trace formats.  TRACE_FMT_AUTO is a choice when opening, never the format
 * of an open reader: ChampSim by the file name, else native or lackey by
 * content.
 */
enum trace_format {
	TRACE_FMT_AUTO = 0,
	TRACE_FMT_NATIVE = 1,
	TRACE_FMT_LACKEY = 2,
	TRACE_FMT_CHAMPSIM = 3,         /* standard 64-byte records */
	TRACE_FMT_CHAMPSIM_CS = 4,      /* cloudsuite 96-byte records */
	TRACE_FMT__COUNT
};

enum trace_compression {
	TRACE_COMP_NONE = 0,
	TRACE_COMP_GZIP = 1,
	TRACE_COMP_ZSTD = 2,
	TRACE_COMP_XZ = 3,
	TRACE_COMP_BZIP2 = 4,
};

/* "auto", "native", "lackey", "champsim", "champsim-cloudsuite". */
const char *trace_format_name(enum trace_format fmt);
/* "none", "gzip", "zstd", "xz", "bzip2". */
const char *trace_compression_name(enum trace_compression c);

/* The format named @s (as trace_format_name() spells it); 0 or SIM_E_INVAL. */
int trace_format_parse(const char *s, enum trace_format *fmt);

/* The one-line list of format names, for messages and --help. */
#define TRACE_FORMAT_NAMES "auto, native, lackey, champsim, champsim-cloudsuite"

/*
 * The format a file name selects: TRACE_FMT_CHAMPSIM_CS if its last
 * component contains "cloudsuite", else TRACE_FMT_CHAMPSIM if it contains
 * "champsimtrace", else TRACE_FMT_AUTO (decide by content).
 */
enum trace_format trace_format_by_name(const char *path);

/* ------------------------------------------------------------------------ */
/* Readers                                                                   */

struct trace_reader;

/**
 * trace_reader_open() - open a trace file and detect its format.
 * @rp:   receives the reader on success, NULL on failure.
 * @path: a file name, or "-" for standard input (named "<stdin>" in
 *        messages).  Pipes work: the input is read strictly sequentially.
 * @err:  receives the message on failure ("FILE: what was wrong").
 *
 * Reads just enough of the input to detect compression and format and to
 * check it is a trace (above): for lackey text up to its first access
 * line.  An empty input is an error (SIM_E_TRUNCATED): it is neither a
 * native trace nor the output of a lackey run, which always has banner
 * lines.  Input that is not a trace is SIM_E_PARSE (text, binary data, a
 * native trace of no record), or SIM_E_CORRUPT (a bad native magic); a
 * malformed first access line is reported as trace_read() would, with its
 * line.
 *
 * Return: 0, or a negative enum sim_err.
 */
int trace_reader_open(struct trace_reader **rp, const char *path, struct sim_error *err);

/**
 * trace_reader_check() - check, before a run starts, that @path is a trace.
 * @path: as for trace_reader_open().
 * @o:    as for trace_reader_open_opts() (NULL: the defaults), so that the
 *        check reads the input in the format the run will.
 * @keep: NULL, or where the reader of an input that cannot be read twice
 *        is handed back.
 * @err:  receives the message of trace_reader_open() on failure.
 *
 * Opens @path as trace_reader_open() does and closes it again, so that a
 * command can refuse every bad input before it prints or writes anything;
 * the run then opens the file again.  Standard input ("-"), FIFOs and
 * sockets cannot be read twice: with @keep, such an input (and a character
 * device) is opened and its reader stored in *keep, for the run to read
 * and close; without @keep, it is not opened at all (nothing is consumed;
 * the run's own trace_reader_open() checks it).  *keep is NULL otherwise.
 *
 * Return: 0, or a negative enum sim_err.
 */
struct trace_open_opts;
int trace_reader_check(const char *path, const struct trace_open_opts *o,
		       struct trace_reader **keep, struct sim_error *err);

/**
 * trace_reader_open_fd() - as trace_reader_open(), over an open descriptor.
 * @fd:   read sequentially; closed by trace_reader_close() (or at once if
 *        opening fails) when @own_fd.
 * @name: used in messages; copied.
 */
int trace_reader_open_fd(struct trace_reader **rp, int fd, bool own_fd, const char *name,
			 struct sim_error *err);

/**
 * trace_reader_open_mem() - as trace_reader_open(), over bytes in memory.
 * @buf, @len: the whole input (possibly compressed); must stay valid and
 *             unchanged until trace_reader_close().  Uncompressed input is
 *             decoded in place, without copying.
 * @name:      used in messages; copied.
 */
int trace_reader_open_mem(struct trace_reader **rp, const void *buf, size_t len,
			  const char *name, struct sim_error *err);

/**
 * struct trace_open_opts - how to open a trace (all zero: the defaults).
 * @format: TRACE_FMT_AUTO: ChampSim if the name says so (but a file that
 *          starts with the native magic is native), else by content.
 *          TRACE_FMT_CHAMPSIM or _CS: read as ChampSim records whatever the
 *          content.  TRACE_FMT_NATIVE or _LACKEY: detect by content, and
 *          fail if the content is the other format.
 * @phys:   hand out TRACE_PHYS records (native traces that carry physical
 *          addresses); without it they are checked, counted
 *          (trace_reader_phys_records()) and skipped.
 */
struct trace_open_opts {
	enum trace_format format;
	bool phys;
};

/* trace_reader_open(), _open_fd(), with options (@o NULL: the defaults).
 * The name-based choice looks at @path or @name. */
int trace_reader_open_opts(struct trace_reader **rp, const char *path,
			   const struct trace_open_opts *o, struct sim_error *err);
int trace_reader_open_fd_opts(struct trace_reader **rp, int fd, bool own_fd, const char *name,
			      const struct trace_open_opts *o, struct sim_error *err);
int trace_reader_open_mem_opts(struct trace_reader **rp, const void *buf, size_t len,
			       const char *name, const struct trace_open_opts *o,
			       struct sim_error *err);

/**
 * trace_read() - read the next batch of records.
 * @r:    the reader.
 * @recs: room for @max records.
 * @max:  at least 1.
 *
 * Return: the number of records stored (1..@max), 0 at the end of the
 * trace, or a negative enum sim_err; trace_reader_error() then holds the
 * message, naming the file and the line (text) or the record number and
 * byte offset (native; offsets count decompressed bytes) and what was
 * expected.  A batch that meets an error after good records returns those
 * records; the error comes with the next call, and with every call after.
 */
int trace_read(struct trace_reader *r, struct trace_rec *recs, size_t max);

/* The error that stopped @r (code 0 if none). */
const struct sim_error *trace_reader_error(const struct trace_reader *r);

/* Records handed out by trace_read() so far, including after an error. */
uint64_t trace_reader_records(const struct trace_reader *r);

/* Lackey: lines skipped as not being accesses (banners, blank lines).  0 for
 * native traces. */
uint64_t trace_reader_ignored_lines(const struct trace_reader *r);

/* Lackey: lines read so far (the number of the last line read). */
uint64_t trace_reader_lines(const struct trace_reader *r);

/* Bytes read from the file so far, before decompression. */
uint64_t trace_reader_bytes_in(const struct trace_reader *r);

/* ChampSim: whole input records decoded so far.  0 for other formats. */
uint64_t trace_reader_champsim_records(const struct trace_reader *r);

/* Native: physical-address records met so far (handed out or not); whether
 * the header allows them. */
uint64_t trace_reader_phys_records(const struct trace_reader *r);
bool trace_reader_has_phys(const struct trace_reader *r);

enum trace_format trace_reader_format(const struct trace_reader *r);
enum trace_compression trace_reader_compression(const struct trace_reader *r);
const char *trace_reader_name(const struct trace_reader *r);

/* Frees @r (NULL is fine) and closes its descriptor if it owns it. */
void trace_reader_close(struct trace_reader *r);

/* ------------------------------------------------------------------------ */
/* The native-format writer                                                  */

struct trace_writer;

/**
 * struct trace_writer_opts - how to write.
 * @zstd:       compress the output with zstd (a single zstd frame).
 * @zstd_level: zstd compression level; 0 means the library default (3).
 * @phys:       the trace may carry TRACE_PHYS records (a header flag that
 *              readers without the extension reject); without it,
 *              trace_write() refuses them.
 */
struct trace_writer_opts {
	bool zstd;
	int zstd_level;
	bool phys;
};

/* True if @path ends in ".zst", the name convention for zstd output. */
bool trace_path_wants_zstd(const char *path);

/**
 * trace_writer_open() - create a native trace file.
 * @path: a file name, or "-" for standard output.
 * @opts: NULL for uncompressed output with default settings.
 *
 * The header is written at once; records go through a buffer.  A file is
 * written whole or not at all: into a temporary file beside @path, which
 * trace_writer_finish() renames over @path after writing the end-of-trace
 * record, and trace_writer_close() of an unfinished writer removes.  (On
 * standard output a reader reports a stream without the end record as
 * truncated.)  A @path that exists and is no regular file (a device such
 * as /dev/null, a FIFO, a link to one) is written in place.
 *
 * Return: 0, or a negative enum sim_err with @err filled.
 */
int trace_writer_open(struct trace_writer **wp, const char *path,
		      const struct trace_writer_opts *opts, struct sim_error *err);

/* As trace_writer_open(), over an open descriptor, which is closed by
 * trace_writer_finish() or trace_writer_close() (or at once if opening
 * fails) when @own_fd; @name is used in messages. */
int trace_writer_open_fd(struct trace_writer **wp, int fd, bool own_fd, const char *name,
			 const struct trace_writer_opts *opts, struct sim_error *err);

/**
 * trace_write() - append records.
 *
 * Validates each record: a known kind, access size >= 1, a known TLBI op
 * and flags, rsvd == 0, a TRACE_PHYS record only right after an access of
 * its CPU (and only with opts->phys).  Records before an invalid one are
 * written.
 *
 * Return: 0, or a negative enum sim_err (SIM_E_INVAL for a bad record,
 * SIM_E_IO for a failed write); trace_writer_error() has the message and
 * the writer refuses further records.
 */
int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n);

/**
 * trace_writer_finish() - write the end-of-trace record and flush.
 *
 * Ends the zstd frame if compressing and closes the descriptor if owned;
 * the writer must still be freed with trace_writer_close().
 *
 * Return: 0, or a negative enum sim_err (then the output is incomplete).
 */
int trace_writer_finish(struct trace_writer *w);

const struct sim_error *trace_writer_error(const struct trace_writer *w);
uint64_t trace_writer_records(const struct trace_writer *w);
/* Bytes written to the file (after compression). */
uint64_t trace_writer_bytes_out(const struct trace_writer *w);

/* Frees @w (NULL is fine).  Without a successful trace_writer_finish() the
 * output lacks its end record, so readers will report it as truncated. */
void trace_writer_close(struct trace_writer *w);

#endif /* MMUSIM_WORKLOADS_TRACE_H */
