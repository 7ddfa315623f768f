/*
 * workloads/workload.h - a virtualization scenario: CPUs, virtual machines,
 * processes and what feeds them, read from an INI file (WORKLOADS.md).
 *
 * A workload composes what `mmusim run --workload` and `mmusim compare`
 * replay: how many CPUs there are and how each schedules its processes
 * (round-robin, a context switch every `quantum` accesses); the VMs, each
 * with its own stage-2 geometry and the rate at which its guests exit to
 * the hypervisor; the processes of each VM and of the host, each fed by a
 * trace file or a synthetic generator (workloads/gen.h, every parameter);
 * and the kernel entries (system calls) of each process.  The hardware and
 * the hypervisor's policies are not part of a workload: they come from the
 * configuration (sim/config.h, [policy]), so one workload can be replayed
 * under many configurations.
 *
 * Choices:
 *  - This module only parses and checks values one at a time (and that a
 *    generator's parameters are accepted by gen_create()); the geometry of
 *    a VM is checked against the configuration when the simulation is
 *    built, which names the VM's section and line (struct wl_vm.line).
 *  - Everything a message needs to point at a line is kept: the section
 *    header line of each VM and process and the line of each process's
 *    `vm` key.
 *  - Unknown sections and keys, malformed values, out-of-range values, a
 *    key given twice in one section and a section given twice are errors
 *    "ORIGIN:LINE: ...".  Sections may come in any order: a process names
 *    its VM by name, resolved after the whole text is read.
 *  - Trace paths are kept as written, or joined to the directory of the
 *    workload file when relative (workload_parse_file()).  Reading a file,
 *    workload_parse_file() also checks that each trace is one, so a
 *    missing or non-trace file is an error at its `trace` line before
 *    anything runs; workload_parse_string() never touches a file.
 *  - The syntax is sim/ini.h's, the values sim/parse.h's, as in
 *    configuration files.  The parser allocates and never prints;
 *    workload_free() releases.  Input is text of any content (a NUL byte, a
 *    line over INI_LINE_MAX characters are errors), so a fuzzer can feed it
 *    anything.
 */
#ifndef MMUSIM_WORKLOADS_WORKLOAD_H
#define MMUSIM_WORKLOADS_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/err.h"
#include "workloads/gen.h"
#include "workloads/trace.h"

#define WL_NAME_MAX     32      /* VM and process names, NUL included */
#define WL_CPUS_MAX     64
#define WL_VMS_MAX      1024
#define WL_PROCS_MAX    65536
#define WL_UNSET        (-2)    /* an int geometry field not given */

/* A kernel-side access stream: system calls, exit handlers. */
struct wl_kstream {
	uint64_t footprint;             /* bytes touched */
	enum gen_pattern pattern;       /* seq, random, zipf, ... (not none) */
};

/* What a CPU does, besides running processes. */
struct wl_cpu {
	uint64_t quantum;               /* accesses between context switches */
};

/*
 * struct wl_vm - one virtual machine.  Geometry fields left at WL_UNSET
 * (granule_shift, ipa_bits: 0) take the configuration's [stage2] values.
 * @id:            its number in VM-switch records (TRACE_VM_SWITCH), 1..
 * @granule_shift: 12, 14, 16; 0 = [stage2] granule.
 * @ipa_bits:      32..52; 0 = [stage2] ipa_bits.
 * @start_level:   CFG_LEVEL_AUTO (-1), 0..3, or WL_UNSET.
 * @blocks:        enum cfg_blocks, or WL_UNSET.
 * @huge_ppm:      parts per million, or UINT32_MAX for [stage2].
 * @exit_every:    guest accesses on a CPU between VM exits; 0 = none.
 * @exit_accesses: accesses of the hypervisor's exit handler.
 * @exit_host_accesses: accesses of the host kernel during an exit (the
 *                 part of an exit handled outside the hypervisor proper).
 * @kernel:        what a system call of its processes touches.
 * @line:          line of the section header.
 */
struct wl_vm {
	char name[WL_NAME_MAX];
	uint32_t id;
	unsigned granule_shift;
	unsigned ipa_bits;
	int start_level;
	int blocks;
	uint32_t huge_ppm;
	uint64_t exit_every;
	uint64_t exit_accesses;
	uint64_t exit_host_accesses;
	struct wl_kstream kernel;
	unsigned line;
};

enum wl_source {
	WL_SRC_NONE = 0,        /* runs only when a switch record names it */
	WL_SRC_TRACE,
	WL_SRC_GEN,
};

/*
 * struct wl_proc - one process (an address space).
 * @vm:       index in workload.vms, or -1 for the host.
 * @id:       its number in context-switch records (TRACE_CTX_SWITCH),
 *            unique within its VM.
 * @cpu:      the CPU whose run queue holds it; -1 = by declaration order.
 * @source:   what feeds it.
 * @trace:    WL_SRC_TRACE: the file (owned).
 * @trace_format: how to read it (TRACE_FMT_AUTO: by its name and content).
 * @gen:      WL_SRC_GEN: the generator's parameters.
 * @syscall_every:    its accesses between system calls; 0 = none.
 * @syscall_accesses: kernel accesses per system call.
 * @tlbi_every:       its accesses between TLB invalidations of the page it
 *                    last accessed (TLBI VALE1IS, as munmap of one page);
 *                    0 = none.
 * @line, @vm_line, @trace_line: lines of the section header and of its
 *                    `vm` and `trace` keys.
 */
struct wl_proc {
	char name[WL_NAME_MAX];
	int vm;
	uint32_t id;
	int cpu;
	enum wl_source source;
	char *trace;
	enum trace_format trace_format;
	struct gen_params gen;
	uint64_t syscall_every;
	uint64_t syscall_accesses;
	uint64_t tlbi_every;
	unsigned line, vm_line, trace_line;
	/* parser bookkeeping */
	char vm_name[WL_NAME_MAX];
	bool id_set, seed_set, ratio_set, code_set, pattern_set, gen_keys_set;
};

/*
 * struct workload - a parsed scenario.
 * @ncpus:    CPUs, 1..WL_CPUS_MAX.
 * @quantum:  the default of every CPU's quantum.
 * @slice:    accesses one CPU runs before the next CPU's turn (how finely
 *            the CPUs' streams interleave).
 * @accesses: stop after this many accesses in all (0: when every source
 *            has ended; required when a generator is endless).
 * @seed:     base of the generators' default seeds.
 * @host_kernel: what a host process's system call touches (host kernel).
 * @hyp:      what the hypervisor's exit handler touches.
 */
struct workload {
	char *origin;
	unsigned ncpus;
	uint64_t quantum;
	uint64_t slice;
	uint64_t accesses;
	uint64_t seed;
	struct wl_cpu cpu[WL_CPUS_MAX];
	struct wl_kstream host_kernel;
	struct wl_kstream hyp;
	size_t nvms;
	struct wl_vm *vms;
	size_t nprocs;
	struct wl_proc *procs;
};

/**
 * workload_parse_string() - parse a workload from text in memory.
 * @wl:       filled on success (free with workload_free()); zeroed on error.
 * @text:     the INI text, @len bytes (need not be NUL-terminated).
 * @origin:   the name messages use ("FILE" of "FILE:LINE: ...").
 * @base_dir: directory relative trace paths are joined to; NULL keeps them.
 * @err:      filled on error; may be NULL.
 *
 * Return: 0; SIM_E_PARSE for a malformed line (sim/ini.h); SIM_E_CONFIG for an unknown
 * section or key, a bad or out-of-range value, a key or section given
 * twice, an unknown VM name, duplicate ids, impossible generator
 * parameters or an endless generator without [workload] accesses;
 * SIM_E_NOMEM.
 */
int workload_parse_string(struct workload *wl, const char *text, size_t len,
			  const char *origin, const char *base_dir, struct sim_error *err);

/**
 * workload_parse_file() - as workload_parse_string(), from @path, with
 * relative trace paths taken from @path's directory; @format is the
 * trace_format of every process with a trace and none of its own (the
 * command's --format; TRACE_FMT_AUTO: by name and content); then
 * workload_check_traces().
 * Return: as workload_parse_string(), or SIM_E_IO if @path cannot be read,
 * or the error of a trace file.
 */
int workload_parse_file(struct workload *wl, const char *path, enum trace_format format,
			struct sim_error *err);

/**
 * workload_check_traces() - check that every process's trace file opens
 * and is a trace (trace_reader_check(): not a missing file, text that is
 * not a trace, binary data...), so that a bad one is refused once, before
 * any simulation starts.  Standard input, FIFOs and sockets are not opened
 * (nothing is read from them twice); the run checks them when it opens
 * them.
 * Return: 0, or the trace's error as "ORIGIN:LINE: [proc.NAME] trace:
 * MESSAGE", LINE that of the `trace` key.
 */
int workload_check_traces(const struct workload *wl, struct sim_error *err);

/* workload_free() - release what a successful parse allocated. */
void workload_free(struct workload *wl);

/**
 * workload_vm_find() - index of the VM named @name, or -1.
 */
int workload_vm_find(const struct workload *wl, const char *name);

/* The built-in default workload of `mmusim compare` (WORKLOADS.md). */
extern const char workload_default_ini[];

#endif /* MMUSIM_WORKLOADS_WORKLOAD_H */
