/*
 * sim/sim.h - the replay engine: simulated CPUs' translation hierarchies
 * driven by memory traces.  The public interface; the engine's own
 * structures are in sim/sim_impl.h, for its files only.
 *
 * A struct sim owns everything a run needs and nothing is global, so two
 * simulations can run side by side in one process: the configuration
 * (const once created), simulated physical memory holding the real page
 * tables, the guest-OS/hypervisor model that builds them on first touch
 * (workloads/os.h), the CPUs (each with its TLB hierarchy, stage-1 and
 * stage-2 walk caches, stage-2 TLB and the page-table line cache that
 * prices each walk reference) and the statistics.  A run from a single
 * trace (sim_create()) has one CPU and one address space; a trace whose
 * switch records name several runs on sim_create_spaces().  A workload run
 * (sim_create_workload(), workloads/WORKLOADS.md) has several CPUs, VMs
 * and processes, context switches through the ASID allocator, guest
 * entries through the VMID allocator, VM exits, system calls and TLB
 * maintenance under the [policy] choices; sim/virt.c and sim/sched.c
 * describe that model where they implement it.  The page tables are shared
 * by every CPU; the TLBs, walk caches and line caches are each CPU's own.
 *
 * Per access: look the page up in the TLB hierarchy (instruction or data
 * side); on a miss everywhere, make sure the OS model has mapped the page,
 * walk it with the exact walker (mmu/translate.c) starting from the deepest
 * walk-cache hit and taking stage-2 translations from the stage-2 TLB where
 * it has them, charge every memory reference of the walk through the line
 * cache, and fill the TLBs with the combined translation (its size is the
 * smaller of the two stages' mappings).  A TLB hit whose permissions refuse
 * the access is no hit: a write to a writable-clean page walks again for
 * the hardware dirty update (stage HD), or takes a permission fault.  An
 * access-flag or dirty-state fault that the OS or the hypervisor resolves
 * is followed by its TLB maintenance and by the access again, from its
 * lookup.  An access that crosses a page boundary translates each page it
 * touches (run.crossing = split) or only its first (first).  Only the
 * walks are charged: the demand-paging fault that maps a page on first
 * touch and the faults the OS fixes are counted (os.* counters), not
 * priced.
 *
 * The engine's files: sim.c builds a simulation and registers its
 * statistics; replay.c is the per-access path (with the fast path);
 * fill.c turns a walk into walk-cache, stage-2 TLB and TLB fills (and
 * applies invalidations); fault.c the faults the OS fixes; virt.c is the
 * virtualization model (VMs, address spaces, world switches, flush policy,
 * maintenance); sched.c schedules CPUs, processes, handlers and control
 * records.
 */
#ifndef MMUSIM_SIM_SIM_H
#define MMUSIM_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/config.h"
#include "sim/err.h"
#include "sim/stats.h"
#include "workloads/trace.h"

struct sim;
struct workload;

/**
 * sim_create() - build a simulation for a finalized configuration.
 * @sp:  the new simulation, freed with sim_destroy()
 * @cfg: copied; must have passed cfg_finalize()
 * @err: why not
 * Return: 0, SIM_E_CONFIG (geometry the model cannot build), SIM_E_NOMEM.
 */
int sim_create(struct sim **sp, const struct sim_config *cfg, struct sim_error *err);

void sim_destroy(struct sim *s);

/* sim_step(): a single-trace simulation met a switch record (below). */
#define SIM_STEP_SPACES 1

/**
 * sim_step() - replay a batch of trace records.
 *
 * A simulation of sim_create() has one address space.  Its TLBI records
 * act on that space's CPU (the ASID operand as given: the space runs with
 * ASID 1), unpriced, and with stage 1 off (run.mode = s2only) a context
 * switch changes nothing and is only counted.  Any other context switch,
 * and any VM switch, needs the processes and VMs the trace names: sim_step()
 * stops before that record and returns SIM_STEP_SPACES, and the caller
 * replays the trace from its first record on sim_create_spaces().
 *
 * Return: 0; SIM_STEP_SPACES with sim_step_failed_at() the index of the
 * switch record; or a negative enum sim_err (out of simulated or real
 * memory, an address the OS model cannot map) with @err filled and
 * sim_step_failed_at() the index of the record that failed; the statistics
 * so far stay valid.
 */
int sim_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err);

/* sim_step_failed_at() - after sim_step() returned non-zero: the index in
 * its batch of the record it stopped at. */
size_t sim_step_failed_at(const struct sim *s);

/**
 * sim_create_spaces() - build a simulation for a single trace with switch
 * records: the workload model of sim_create_workload() on one CPU, driven by
 * sim_step(), with the workload workloads/WORKLOADS.md gives ("A single
 * trace with switch records"): natively, the host's processes (the first
 * records run in process 1); in virt and s2only mode VM 1, whose process 1
 * runs the first records, with every VM's geometry from [stage2].  [policy]
 * applies.  In s2only mode a context switch changes nothing (no stage 1,
 * no ASIDs), a VM switch enters that VM's IPA space, and a switch to VM 0
 * (the host) is an error.  A record of a CPU other than 0 is an error.
 * Return: as sim_create_workload().
 */
int sim_create_spaces(struct sim **sp, const struct sim_config *cfg, struct sim_error *err);

/**
 * sim_create_workload() - build a simulation of a workload (workloads/
 * workload.h, WORKLOADS.md): its CPUs, each with its own TLBs and walk
 * caches, the host, its VMs and processes, and the sources that feed them.
 * @sp:  the new simulation, freed with sim_destroy()
 * @cfg: copied; must have passed cfg_finalize(); [policy] applies
 * @wl:  borrowed: must outlive the simulation
 * @err: why not
 *
 * The run is driven by sim_run(), or record by record with sim_step(),
 * which then replays each record on the CPU it names and honours context
 * and VM switches.  Statistics: the single-trace set, with tlb.*,
 * walkcache.* and s2tlb counters summed over the CPUs (and per CPU under
 * cpu.N.tlb.* when there are several), plus events.*, maintenance.*,
 * asid.host.*, asid.guest.* (every VM's allocator) and vmid.*.
 *
 * Return: 0; SIM_E_CONFIG (s2only mode, a VM geometry the configuration
 * cannot build, naming its section and line; a footprint outside its VA
 * range), SIM_E_IO and the trace readers' errors for a trace that cannot
 * be opened, SIM_E_NOMEM.
 */
int sim_create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			struct sim_error *err);

/**
 * sim_run() - advance a workload run by about @max_accesses accesses (all
 * CPUs together; at least one turn of the CPUs).
 * @done: set when every source has ended or [workload] accesses is reached
 *
 * Return: 0, or a negative enum sim_err with @err naming the process, its
 * trace and the record; the statistics so far stay valid.
 */
int sim_run(struct sim *s, uint64_t max_accesses, bool *done, struct sim_error *err);

/* sim_stats() - the registry every emitter reads (counters since the
 * warmup snapshot). */
const struct stats_registry *sim_stats(const struct sim *s);

/* sim_config() - the configuration the simulation runs (its own copy). */
const struct sim_config *sim_config(const struct sim *s);

/* sim_ncpus() - the number of simulated CPUs. */
unsigned sim_ncpus(const struct sim *s);

/* sim_multi_space() - whether the simulation runs the model of processes
 * and VMs (sim_create_spaces(), sim_create_workload()) rather than one
 * address space. */
bool sim_multi_space(const struct sim *s);

/* sim_control_ignored() - the control records (switches, TLBIs) the
 * simulation counted without acting on them: those of a trace under the
 * one-level preset, which has one address space and no flushes. */
uint64_t sim_control_ignored(const struct sim *s);

#endif /* MMUSIM_SIM_SIM_H */
