/*
 * tests/test_virt.c - virtualization scenarios: the workload parser
 * (workloads/workload.c) and workload runs of the replay engine
 * (sim_create_workload(), sim_step() with switch records, sim_run()).
 *
 * Every expected value is derived by hand from workloads/WORKLOADS.md,
 * workloads/workload.h, the model notes of sim/virt.c and sim/sched.c,
 * workloads/asid.h, the Arm ARM (D8.2.1, D8.16-D8.17) and Linux
 * (arch/arm64/mm/context.c, arch/arm64/kvm/vmid.c); the derivation is in
 * the comment next to the check.  Facts the engine derivations use:
 *
 *  - Switch records name spaces, not ASIDs; a space runs with the number
 *    its allocator hands it.  The first switch of a CPU, and of a space
 *    whose id word is 0, takes the allocator's slow path.
 *  - 8-bit ASIDs: numbers 1..255 in a generation (0 is never handed out);
 *    the 256th new space of a generation rolls over; a rollover reserves
 *    the number each CPU runs and owes each CPU one local TLBI VMALLE1 at
 *    its next switch (the switch that rolled over included).
 *  - A record in the kernel half (VA bit 55 set) of a workload run is a
 *    kernel access (EL1); kernel mappings are global unless
 *    policy.kernel_global = 0; user mappings are non-global.
 *  - Native mode: every space is a host process (EL1&0, VMID 0).
 *  - 4K granule, 48-bit VA: 4 stage-1 levels; stage 2 with a 48-bit IPA
 *    starts at level 0 (4 levels), with a 40-bit IPA at level 1 (3 levels,
 *    two concatenated tables).  With nothing cached a nested walk makes
 *    (n+1)(m+1)-1 reads: 24 for 4+4, 19 for 4+3.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config.h"
#include "sim/sim.h"
#include "sim/stats.h"
#include "workloads/gen.h"
#include "workloads/trace.h"
#include "workloads/workload.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* ---- the workload parser ---- */

static int parse(struct workload *wl, const char *text, struct sim_error *err)
{
	return workload_parse_string(wl, text, strlen(text), "w.ini", NULL, err);
}

static void parse_ok(struct workload *wl, const char *text)
{
	struct sim_error err = { 0 };
	int rc = parse(wl, text, &err);

	ck_assert_msg(rc == 0, "parse: %d %s", rc, err.msg);
}

/* The parse fails with @code and a message that starts with @prefix. */
static void parse_bad(const char *text, int code, const char *prefix)
{
	struct workload wl;
	struct sim_error err = { 0 };
	int rc = parse(&wl, text, &err);

	ck_assert_msg(rc == code, "rc %d, expected %d (%s) for:\n%s", rc, code, err.msg, text);
	ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)),
		      "message '%s' does not start with '%s'", err.msg, prefix);
}

START_TEST(test_wl_defaults)
{
	struct workload wl;

	/* An empty text: one CPU, quantum 100k, slice 1000, no VMs or
	 * processes (workload.h, WORKLOADS.md defaults). */
	parse_ok(&wl, "");
	ck_assert_uint_eq(wl.ncpus, 1);
	ck_assert_uint_eq(wl.cpu[0].quantum, 100000);
	ck_assert_uint_eq(wl.slice, 1000);
	ck_assert_uint_eq(wl.accesses, 0);
	ck_assert_uint_eq(wl.nvms, 0);
	ck_assert_uint_eq(wl.nprocs, 0);
	ck_assert_uint_eq(wl.host_kernel.footprint, 8 * MiB);
	ck_assert_int_eq(wl.hyp.pattern, GEN_RANDOM);
	workload_free(&wl);
}
END_TEST

START_TEST(test_wl_builtin)
{
	struct workload wl;

	/* The built-in workload: 2 CPUs, VMs web (id 1) and db (id 2), five
	 * processes; web_front and web_cache get ids 1 and 2 in VM web,
	 * db_query and db_index 1 and 2 in VM db, host_daemon 1 on the host. */
	parse_ok(&wl, workload_default_ini);
	ck_assert_uint_eq(wl.ncpus, 2);
	ck_assert_uint_eq(wl.cpu[1].quantum, 20000);
	ck_assert_uint_eq(wl.nvms, 2);
	ck_assert_str_eq(wl.vms[0].name, "web");
	ck_assert_uint_eq(wl.vms[0].id, 1);
	ck_assert_uint_eq(wl.vms[1].id, 2);
	ck_assert_uint_eq(wl.vms[0].exit_every, 5000);
	ck_assert_int_eq(wl.vms[0].start_level, WL_UNSET);
	ck_assert_uint_eq(wl.vms[0].huge_ppm, UINT32_MAX);
	ck_assert_uint_eq(wl.nprocs, 5);
	ck_assert_int_eq(wl.procs[0].vm, 0);
	ck_assert_uint_eq(wl.procs[1].id, 2);
	ck_assert_int_eq(wl.procs[2].vm, 1);
	ck_assert_uint_eq(wl.procs[2].id, 1);
	ck_assert_int_eq(wl.procs[4].vm, -1);
	ck_assert_uint_eq(wl.procs[4].id, 1);
	ck_assert_int_eq(wl.procs[4].cpu, 1);
	ck_assert_int_eq(wl.procs[0].source, WL_SRC_GEN);
	ck_assert_int_eq(wl.procs[0].gen.pattern, GEN_ZIPF);
	ck_assert_uint_eq(wl.procs[0].gen.footprint, 64 * MiB);
	/* "450k" is a count: 450 x 1000. */
	ck_assert_uint_eq(wl.procs[0].gen.accesses, 450000);
	ck_assert_uint_eq(wl.procs[2].gen.hot_bytes, 4 * MiB);
	workload_free(&wl);
}
END_TEST

START_TEST(test_wl_values)
{
	struct workload wl;

	parse_ok(&wl,
		 "# comment\n"
		 "; comment\n"
		 "[vm.b]\n"
		 "id = 7\n"
		 "granule = 64K\n"
		 "ipa_bits = 42   ; inline comment\n"
		 "start_level = auto\n"
		 "blocks = l1\n"
		 "huge_fraction = 0.25\n"
		 "[vm.a]\n"
		 "start_level = 2\n"
		 "[workload]\n"
		 "cpus = 3\n"
		 "quantum = 2k\n"
		 "accesses = 1m\n"
		 "[cpu.2]\n"
		 "quantum = 0x10\n"
		 "[proc.p]\n"
		 "vm = a\n"
		 "pattern = strided\n"
		 "stride = 8k\n"
		 "footprint = 0x100000\n"
		 "code = 64k\n"
		 "accesses = 0\n"
		 "[proc.q]\n"
		 "vm = a\n"
		 "id = 1\n"
		 "trace = t.mmt\n"
		 "cpu = 2\n"
		 "[proc.r]\n"
		 "vm = b\n"
		 "[proc.s]\n"
		 "vm = host\n");
	/* vm.b has its explicit id 7; vm.a the lowest free number, 1. */
	ck_assert_uint_eq(wl.vms[0].id, 7);
	ck_assert_uint_eq(wl.vms[1].id, 1);
	ck_assert_uint_eq(wl.vms[0].granule_shift, 16);
	ck_assert_uint_eq(wl.vms[0].ipa_bits, 42);
	ck_assert_int_eq(wl.vms[0].start_level, CFG_LEVEL_AUTO);
	ck_assert_int_eq(wl.vms[0].blocks, CFG_BLOCKS_L1);
	/* 0.25 = 250000 ppm */
	ck_assert_uint_eq(wl.vms[0].huge_ppm, 250000);
	ck_assert_int_eq(wl.vms[1].start_level, 2);
	/* quantum 2k = 2000 for CPUs 0 and 1; CPU 2 has its own 0x10 = 16 */
	ck_assert_uint_eq(wl.cpu[0].quantum, 2000);
	ck_assert_uint_eq(wl.cpu[1].quantum, 2000);
	ck_assert_uint_eq(wl.cpu[2].quantum, 16);
	/* q took id 1 in VM a explicitly, so p (no id) gets 2 */
	ck_assert_uint_eq(wl.procs[0].id, 2);
	ck_assert_uint_eq(wl.procs[1].id, 1);
	ck_assert_int_eq(wl.procs[0].source, WL_SRC_GEN);
	/* sizes are powers of 1024: 8k = 8192 */
	ck_assert_uint_eq(wl.procs[0].gen.stride, 8 * KiB);
	/* code without fetch_ratio implies 3 fetches per data access, as
	 * `mmusim gen --code` */
	ck_assert(wl.procs[0].gen.fetch_ratio == 3.0);
	ck_assert_int_eq(wl.procs[1].source, WL_SRC_TRACE);
	ck_assert_str_eq(wl.procs[1].trace, "t.mmt");
	ck_assert_int_eq(wl.procs[1].cpu, 2);
	ck_assert_int_eq(wl.procs[2].source, WL_SRC_NONE);
	ck_assert_int_eq(wl.procs[2].vm, 0);
	ck_assert_int_eq(wl.procs[3].vm, -1);
	workload_free(&wl);

	/* sim/parse.h's syntax: counts in powers of 1000 with t, sizes in powers
	 * of 1024 with t, a leading 0 decimal, reals with an exponent */
	parse_ok(&wl,
		 "[workload]\n"
		 "quantum = 010\n"
		 "accesses = 2t\n"
		 "[vm.v]\n"
		 "huge_fraction = .5\n"
		 "[proc.p]\n"
		 "vm = v\n"
		 "pattern = random\n"
		 "footprint = 1T\n"
		 "writes = 25e-2\n");
	ck_assert_uint_eq(wl.quantum, 10);
	ck_assert_uint_eq(wl.accesses, UINT64_C(2000000000000));
	ck_assert_uint_eq(wl.vms[0].huge_ppm, 500000);
	ck_assert_uint_eq(wl.procs[0].gen.footprint, UINT64_C(1) << 40);
	ck_assert(wl.procs[0].gen.write_frac == 0.25);
	workload_free(&wl);
}
END_TEST

START_TEST(test_wl_errors)
{
	/* Each error names w.ini and the line of the offending text. */
	parse_bad("[workload]\ncpus = 2\n[nonsense]\n", SIM_E_CONFIG, "w.ini:3: unknown section [nonsense]");
	parse_bad("[workload]\n\ncolour = red\n", SIM_E_CONFIG, "w.ini:3: [workload]: unknown key 'colour'");
	parse_bad("[workload]\ncpus = 65\n", SIM_E_CONFIG, "w.ini:2: [workload] cpus: expected");
	parse_bad("[workload]\ncpus = two\n", SIM_E_CONFIG, "w.ini:2: [workload] cpus: expected");
	parse_bad("[workload]\ncpus = 2\ncpus = 3\n", SIM_E_CONFIG, "w.ini:3: [workload] cpus: given twice");
	parse_bad("[vm.a]\n[vm.a]\n", SIM_E_CONFIG, "w.ini:2: section [vm.a] given twice");
	parse_bad("[vm.host]\n", SIM_E_CONFIG, "w.ini:1: [vm.host]: a VM name");
	parse_bad("[vm.a]\ngranule = 8k\n", SIM_E_CONFIG, "w.ini:2: [vm.a] granule: expected 4k, 16k or 64k");
	parse_bad("[vm.a]\nipa_bits = 31\n", SIM_E_CONFIG, "w.ini:2: [vm.a] ipa_bits");
	parse_bad("[vm.a]\nhuge_fraction = 1.5\n", SIM_E_CONFIG, "w.ini:2: [vm.a] huge_fraction");
	parse_bad("cpus = 1\n", SIM_E_PARSE, "w.ini:1: key 'cpus' outside any section");
	parse_bad("[workload\n", SIM_E_PARSE, "w.ini:1: malformed section header");
	parse_bad("[workload]\ncpus\n", SIM_E_PARSE,
		  "w.ini:2: expected '[section]', 'key = value' or a comment, got 'cpus'");
	parse_bad("[workload]\n= 3\n", SIM_E_PARSE, "w.ini:2: a key is missing");
	/* the VM is resolved after the text: the error names the vm line */
	parse_bad("[proc.p]\npattern = seq\n\nvm = nowhere\n", SIM_E_CONFIG,
		  "w.ini:4: [proc.p] vm: no section [vm.nowhere]");
	parse_bad("[proc.p]\ntrace = x\npattern = seq\n", SIM_E_CONFIG,
		  "w.ini:3: [proc.p]: a process is fed by a trace or by a generator");
	parse_bad("[proc.p]\nfootprint = 1m\n", SIM_E_CONFIG,
		  "w.ini:1: [proc.p]: generator keys without a pattern");
	/* gen_create() refuses a footprint that is not a multiple of the
	 * access size; the message names the process's section line */
	parse_bad("\n[proc.p]\npattern = seq\nfootprint = 12\nsize = 8\n", SIM_E_CONFIG,
		  "w.ini:2: [proc.p]: ");
	parse_bad("[proc.p]\npattern = seq\naccesses = 0\n", SIM_E_CONFIG,
		  "w.ini:1: [proc.p] accesses: an endless generator");
	parse_bad("[proc.p]\ncpu = 1\n", SIM_E_CONFIG, "w.ini:1: [proc.p] cpu: CPU 1, but there are only 1");
	parse_bad("[workload]\ncpus = 2\n[cpu.2]\nquantum = 5\n", SIM_E_CONFIG, "w.ini:3: [cpu.2]: there are only 2");
	parse_bad("[cpu.01]\n", SIM_E_CONFIG, "w.ini:1: [cpu.01]: expected [cpu.N]");
	parse_bad("[proc.a]\nid = 4\n[proc.b]\nid = 4\n", SIM_E_CONFIG,
		  "w.ini:3: [proc.b] id: 4 is also [proc.a]'s");
	parse_bad("[vm.a]\nid = 2\n[vm.b]\nid = 2\n", SIM_E_CONFIG, "w.ini:3: [vm.b] id: 2 is also");
	parse_bad("[host]\nkernel_pattern = none\n", SIM_E_CONFIG, "w.ini:2: [host] kernel_pattern");
	parse_bad("[workload]\nslice = 0\n", SIM_E_CONFIG, "w.ini:2: [workload] slice");
	/* the one value syntax (sim/parse.h), the configuration's: huge_fraction
	 * has at most six decimals, no exponent; reals take no sign or hex */
	parse_bad("[vm.a]\nhuge_fraction = 1e-1\n", SIM_E_CONFIG, "w.ini:2: [vm.a] huge_fraction");
	parse_bad("[vm.a]\nhuge_fraction = 0.1234567\n", SIM_E_CONFIG, "w.ini:2: [vm.a] huge_fraction");
	parse_bad("[vm.a]\nhuge_fraction = 1.\n", SIM_E_CONFIG, "w.ini:2: [vm.a] huge_fraction");
	parse_bad("[proc.p]\npattern = seq\nwrites = -0\n", SIM_E_CONFIG, "w.ini:3: [proc.p] writes");
	parse_bad("[proc.p]\npattern = seq\nwrites = 0x1p-1\n", SIM_E_CONFIG, "w.ini:3: [proc.p] writes");
	parse_bad("[workload]\naccesses = 18446744073709551616\n", SIM_E_CONFIG,
		  "w.ini:2: [workload] accesses");
	parse_bad("[workload]\naccesses = 18446745t\n", SIM_E_CONFIG, "w.ini:2: [workload] accesses");
	parse_bad("[proc.p]\npattern = seq\nfootprint = 1mb\n", SIM_E_CONFIG,
		  "w.ini:3: [proc.p] footprint");
	/* a NUL byte is refused, whatever follows */
	{
		struct workload wl;
		struct sim_error err = { 0 };
		static const char text[] = "[workload]\ncp\0us = 2\n";

		ck_assert_int_eq(workload_parse_string(&wl, text, sizeof(text) - 1, "w.ini", NULL, &err),
				 SIM_E_PARSE);
		ck_assert_str_eq(err.msg, "w.ini:2: a NUL byte in the text");
	}
}
END_TEST

START_TEST(test_wl_file)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096];
	struct workload wl;
	struct sim_error err = { 0 };

	/* A relative trace path is taken from the workload file's
	 * directory; an error names the file as given and the line. */
	snprintf(path, sizeof(path), "%s/tests/data/virt/two_traces.ini", srcdir ? srcdir : ".");
	ck_assert_msg(workload_parse_file(&wl, path, TRACE_FMT_AUTO, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(wl.nprocs, 2);
	snprintf(path, sizeof(path), "%s/tests/data/virt/a.lackey", srcdir ? srcdir : ".");
	ck_assert_str_eq(wl.procs[0].trace, path);
	workload_free(&wl);

	snprintf(path, sizeof(path), "%s/tests/data/virt/bad_key.ini", srcdir ? srcdir : ".");
	ck_assert_int_eq(workload_parse_file(&wl, path, TRACE_FMT_AUTO, &err), SIM_E_CONFIG);
	{
		char want[4200];

		snprintf(want, sizeof(want), "%s:5: [vm.guest]: unknown key 'ipa_size'", path);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert_int_eq(workload_parse_file(&wl, "/nonexistent/w.ini", TRACE_FMT_AUTO, &err), SIM_E_IO);
}
END_TEST

/* ---- workload runs: helpers ---- */

/* A user VA, 1 GiB aligned, and a kernel-half VA. */
#define VA_A (UINT64_C(0x0000007f40000000))
#define VA_B (UINT64_C(0x0000007f40001000))
#define VA_K (UINT64_C(0xffff000000010000))

struct wrun {
	struct workload wl;
	struct sim *s;
};

/* Parse @ini, configure defaults + @sets (NULL-terminated "S.K=V" list),
 * build the simulation. */
static void wrun_init(struct wrun *r, const char *ini, const char *const *sets)
{
	struct sim_config c;
	struct sim_error err = { 0 };

	parse_ok(&r->wl, ini);
	ck_assert_int_eq(cfg_init_defaults(&c), 0);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set(&c, *sets, &err) == 0, "%s: %s", *sets, err.msg);
	ck_assert_msg(cfg_finalize(&c, &err) == 0, "cfg_finalize: %s", err.msg);
	ck_assert_msg(sim_create_workload(&r->s, &c, &r->wl, &err) == 0, "sim_create_workload: %s",
		      err.msg);
}

static void wrun_free(struct wrun *r)
{
	sim_destroy(r->s);
	workload_free(&r->wl);
}

static void wstep(struct wrun *r, struct trace_rec rec)
{
	struct sim_error err = { 0 };
	int rc = sim_step(r->s, &rec, 1, &err);

	ck_assert_msg(rc == 0, "sim_step: %d %s", rc, err.msg);
}

static void ctx(struct wrun *r, uint16_t cpu, uint32_t space)
{
	wstep(r, trace_rec_ctx_switch(cpu, space));
}

static void vmsw(struct wrun *r, uint16_t cpu, uint32_t vm)
{
	wstep(r, trace_rec_vm_switch(cpu, vm));
}

static void ld(struct wrun *r, uint16_t cpu, uint64_t va)
{
	wstep(r, trace_rec_access(TRACE_LOAD, cpu, va, 8));
}

static uint64_t wstat(const struct wrun *r, const char *name)
{
	const struct stats_registry *reg = sim_stats(r->s);
	long i = stats_find(reg, name);
	struct stats_item it;

	ck_assert_msg(i >= 0, "no statistic named %s", name);
	stats_get(reg, (size_t)i, &it);
	ck_assert_msg(it.kind == STATS_COUNTER, "%s is not a counter", name);
	return it.value;
}

#define ck_wstat(r, name, expected) do { \
	uint64_t v_ = wstat((r), (name)), e_ = (expected); \
	ck_assert_msg(v_ == e_, "%s = %llu, expected %llu", (name), \
		      (unsigned long long)v_, (unsigned long long)e_); \
} while (0)

/* ---- allocators ---- */

START_TEST(test_asid_rollover_8bit)
{
	static const char *const sets8[] = { "run.mode=native", "policy.asid_bits=8", NULL };
	static const char *const sets16[] = { "run.mode=native", NULL };
	struct wrun r;

	for (int bits16 = 0; bits16 <= 1; bits16++) {
		wrun_init(&r, "[workload]\ncpus = 1\n", bits16 ? sets16 : sets8);
		/* Space 1 loads A: a walk, cached under ASID 1. */
		ctx(&r, 0, 1);
		ld(&r, 0, VA_A);
		/* Spaces 2..255 take ASIDs 2..255: the generation's last
		 * numbers (8 bits: 1..255). */
		for (uint32_t k = 2; k <= 255; k++)
			ctx(&r, 0, k);
		/* Back to space 1: fast path (current generation, CPU
		 * active), ASID 1 again, its entry hits. */
		ctx(&r, 0, 1);
		ld(&r, 0, VA_A);
		ck_wstat(&r, "walks", 1);
		/* Space 256 is the 256th new space of the generation: with
		 * 8 bits no number is left, so it rolls over.  The rollover
		 * reserves ASID 1 (the CPU runs space 1), hands space 256
		 * ASID 2, and CPU 0 owes (and does now) one local VMALLE1. */
		ctx(&r, 0, 256);
		/* Space 1: stale generation, but its number was reserved: it
		 * keeps ASID 1 (a reuse), and its entry is gone: a walk. */
		ctx(&r, 0, 1);
		ld(&r, 0, VA_A);
		if (bits16) {
			/* 16 bits: 256 numbers of 65535, no rollover, no flush. */
			ck_wstat(&r, "walks", 1);
			ck_wstat(&r, "asid.host.rollovers", 0);
			ck_wstat(&r, "asid.host.allocations", 256);
			ck_wstat(&r, "maintenance.local_tlbis", 0);
		} else {
			ck_wstat(&r, "walks", 2);
			ck_wstat(&r, "asid.host.rollovers", 1);
			ck_wstat(&r, "asid.host.local_flushes", 1);
			ck_wstat(&r, "maintenance.asid_rollover_flushes", 1);
			ck_wstat(&r, "maintenance.local_tlbis", 1);
			/* 255 in the first generation, space 256 in the second */
			ck_wstat(&r, "asid.host.allocations", 256);
			ck_wstat(&r, "asid.host.reuses", 1);
			/* switches: 1 + 254 + 1 + 1 + 1 = 258; only the return
			 * to space 1 before the rollover was fast */
			ck_wstat(&r, "asid.host.fast_switches", 1);
			ck_wstat(&r, "asid.host.slow_switches", 257);
			/* the VMALLE1 removed the L1D entry of A (ASID 1) */
			ck_assert_uint_ge(wstat(&r, "tlb.L1D.invalidations"), 1);
			/* one local TLBI at tlbi_local_cycles = 50 */
			ck_wstat(&r, "maintenance.cycles", 50);
		}
		ck_wstat(&r, "events.context_switches", 258);
		wrun_free(&r);
	}
}
END_TEST

START_TEST(test_vmid_rollover_8bit)
{
	static const char *const sets_new[] = { "policy.vmid_bits=8", NULL };
	static const char *const sets_old[] = { "policy.vmid_bits=8", "policy.vmid_scheme=old", NULL };

	for (int old = 0; old <= 1; old++) {
		struct wrun r;

		wrun_init(&r, "[workload]\ncpus = 2\n", old ? sets_old : sets_new);
		/* CPU 1 enters VM 1 (VMID 1) and loads A: one walk. */
		vmsw(&r, 1, 1);
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 1);
		/* CPU 0 enters VMs 2..255 in turn: VMIDs 2..255.  VM 256
		 * finds no number: a rollover and one TLBI ALLE1IS, to every
		 * CPU at once.  New scheme: VM 1's VMID (running on CPU 1) is
		 * reserved and VM 256 gets 2.  Old scheme: nothing is
		 * reserved, VM 256 gets 1 and CPU 1 is kicked out of VM 1. */
		for (uint32_t v = 2; v <= 256; v++)
			vmsw(&r, 0, v);
		ck_wstat(&r, "vmid.rollovers", 1);
		ck_wstat(&r, "vmid.broadcast_flushes", 1);
		ck_wstat(&r, "maintenance.vmid_rollover_flushes", 1);
		ck_wstat(&r, "maintenance.broadcast_tlbis", 1);
		/* CPU 1 loads A again: ALLE1 removed its entry.  Old scheme:
		 * first CPU 1 re-enters VM 1, which takes VMID 2 of the new
		 * generation (a 257th allocation). */
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 2);
		ck_wstat(&r, "vmid.allocations", old ? 257 : 256);
		ck_wstat(&r, "events.vm_kicks", old ? 1 : 0);
		wrun_free(&r);
	}
}
END_TEST

/* ---- world switches ---- */

START_TEST(test_world_switch_flush)
{
	static const char *const tagged[] = { NULL };
	static const char *const flush[] = { "policy.vmid_tagging=0", NULL };
	static const char *const ng[] = { "policy.vmid_tagging=0", "policy.kernel_global=0", NULL };
	const char *const *cases[] = { tagged, flush, ng };
	/* Guest space 1 loads A, the host's space 1 loads B, the guest
	 * loads A again: walks 1, 2, and then
	 *  - VMID tagging: a hit (the guest's entry is tagged VMID 1);
	 *  - no tagging, global kernel: every world switch flushed the CPU
	 *    (entry, exit, entry: 3 flushes), so a walk;
	 *  - no tagging, non-global kernel: host and guest share one ASID
	 *    allocator (guest space 1 has ASID 2, after the VM's VMM took 1;
	 *    the host's space 1 has ASID 3), no stage-1 flush, one stage-2
	 *    flush at the first entry into the VM: a hit. */
	static const uint64_t walks[] = { 2, 3, 2 };
	static const uint64_t flushes[] = { 0, 3, 0 };
	static const uint64_t s2_flushes[] = { 0, 0, 1 };

	for (int i = 0; i < 3; i++) {
		struct wrun r;

		wrun_init(&r, "[workload]\ncpus = 1\n[vm.g]\n", cases[i]);
		vmsw(&r, 0, 1);
		ld(&r, 0, VA_A);
		vmsw(&r, 0, 0);
		ld(&r, 0, VA_B);
		vmsw(&r, 0, 1);
		ld(&r, 0, VA_A);
		ck_wstat(&r, "walks", walks[i]);
		ck_wstat(&r, "events.world_switches", 3);
		ck_wstat(&r, "maintenance.world_switch_flushes", flushes[i]);
		ck_wstat(&r, "maintenance.stage2_flushes", s2_flushes[i]);
		if (i == 2)
			ck_wstat(&r, "asid.host.allocations", 3);
		wrun_free(&r);
	}
}
END_TEST

/* ---- global and non-global entries ---- */

START_TEST(test_global_kernel_entries)
{
	static const char *const global[] = { "run.mode=native", NULL };
	static const char *const ng[] = { "run.mode=native", "policy.kernel_global=0", NULL };

	for (int i = 0; i < 2; i++) {
		struct wrun r;

		wrun_init(&r, "[workload]\ncpus = 1\n", i ? ng : global);
		/* Space 1 loads the kernel page K (a walk; global unless
		 * kernel_global = 0). */
		ctx(&r, 0, 1);
		ld(&r, 0, VA_K);
		ck_wstat(&r, "walks", 1);
		/* Space 2 (another ASID) loads K: the global entry matches
		 * every ASID, a non-global one only ASID 1. */
		ctx(&r, 0, 2);
		ld(&r, 0, VA_K);
		ck_wstat(&r, "walks", i ? 2 : 1);
		/* Space 2 loads user page A (non-global, ASID 2); space 3
		 * loads A: never a hit of ASID 2's entry. */
		ld(&r, 0, VA_A);
		ctx(&r, 0, 3);
		ld(&r, 0, VA_A);
		ck_wstat(&r, "walks", i ? 4 : 3);
		/* Back in space 2, its own entry for A still hits. */
		ctx(&r, 0, 2);
		ld(&r, 0, VA_A);
		ck_wstat(&r, "walks", i ? 4 : 3);
		ck_wstat(&r, "walk_faults", 0);
		wrun_free(&r);
	}
}
END_TEST

/* ---- TLB maintenance across CPUs ---- */

START_TEST(test_broadcast_tlbi)
{
	static const char *const bcast[] = { "run.mode=native", NULL };
	static const char *const local[] = { "run.mode=native", "policy.tlbi_scope=local", NULL };

	for (int i = 0; i < 2; i++) {
		struct wrun r;

		wrun_init(&r, "[workload]\ncpus = 2\n", i ? local : bcast);
		/* Space 1 runs on both CPUs (two threads): each CPU walks A
		 * once into its own TLBs. */
		ctx(&r, 0, 1);
		ld(&r, 0, VA_A);
		ctx(&r, 1, 1);
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 2);
		ld(&r, 0, VA_A);
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 2);
		/* CPU 0: TLBI VAE1IS of A for space 1's ASID: both CPUs lose
		 * A, whatever the scope; each walks again. */
		wstep(&r, trace_rec_tlbi(0, TLBI_VAE1, TLBI_F_IS, 1, VA_A));
		ld(&r, 0, VA_A);
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 4);
		/* CPU 0: a local TLBI VAE1: only CPU 0 walks again. */
		wstep(&r, trace_rec_tlbi(0, TLBI_VAE1, 0, 1, VA_A));
		ld(&r, 0, VA_A);
		ld(&r, 1, VA_A);
		ck_wstat(&r, "walks", 5);
		ck_wstat(&r, "tlbi", 2);
		if (i) {
			/* local scope: the IS one is a local TLBI on each of the
			 * 2 CPUs and an IPI to CPU 1, plus the local one:
			 * 3 x 50 + 2000 cycles */
			ck_wstat(&r, "maintenance.broadcast_tlbis", 0);
			ck_wstat(&r, "maintenance.local_tlbis", 3);
			ck_wstat(&r, "maintenance.ipis", 1);
			ck_wstat(&r, "maintenance.cycles", 3 * 50 + 2000);
		} else {
			/* broadcast: 500 + 50 cycles */
			ck_wstat(&r, "maintenance.broadcast_tlbis", 1);
			ck_wstat(&r, "maintenance.local_tlbis", 1);
			ck_wstat(&r, "maintenance.ipis", 0);
			ck_wstat(&r, "maintenance.cycles", 500 + 50);
		}
		/* per-CPU detail: each CPU's L1D saw 4 lookups of A */
		ck_wstat(&r, "cpu.0.tlb.L1D.lookups", 4);
		ck_wstat(&r, "cpu.1.tlb.L1D.lookups", 4);
		ck_wstat(&r, "tlb.L1D.lookups", 8);
		wrun_free(&r);
	}
}
END_TEST

/* ---- nested walk costs per VM geometry ---- */

START_TEST(test_nested_walk_refs)
{
	static const char *const sets[] = {
		"walkcache.s1.entries=0", "walkcache.s2.entries=0", "s2tlb.entries=0",
		"stage2.blocks=none", NULL,
	};
	struct wrun r;

	/* VM 1 has a 48-bit IPA (stage 2 from level 0: 4 levels), VM 2 a
	 * 40-bit one (level 1: 3 levels).  With no walk cache and no
	 * stage-2 TLB, and stage-2 pages only, a cold walk of a guest page
	 * makes (4+1)(4+1)-1 = 24 reads in VM 1 and (4+1)(3+1)-1 = 19 in
	 * VM 2: 4 stage-1 reads, and 20 or 15 stage-2 reads (5 stage-2
	 * walks: 4 table IPAs and the output IPA). */
	wrun_init(&r, "[vm.big]\nipa_bits = 48\n[vm.small]\nipa_bits = 40\n", sets);
	vmsw(&r, 0, 1);
	ld(&r, 0, VA_A);
	ck_wstat(&r, "walks", 1);
	ck_wstat(&r, "walk_memory_refs", 24);
	ck_wstat(&r, "walk_s1_refs", 4);
	ck_wstat(&r, "walk_s2_refs", 20);
	vmsw(&r, 0, 2);
	ld(&r, 0, VA_A);
	ck_wstat(&r, "walks", 2);
	ck_wstat(&r, "walk_memory_refs", 24 + 19);
	ck_wstat(&r, "walk_s2_refs", 20 + 15);
	wrun_free(&r);
}
END_TEST

START_TEST(test_vm_huge_fraction)
{
	struct wrun r;

	/* VM 1 has huge_fraction 0: every stage-2 mapping a 4K page, from
	 * its creation on (creating a VM and a process maps their first
	 * tables).  VM 2 takes [stage2] huge_fraction = 1 with 2M blocks:
	 * all its guest frames (a bump allocator from IPA 0: a few tables
	 * and one page) lie in its first 2 MiB, one level-2 block. */
	wrun_init(&r, "[vm.a]\nhuge_fraction = 0\n[vm.b]\n", NULL);
	vmsw(&r, 0, 1);
	ld(&r, 0, VA_A);
	vmsw(&r, 0, 2);
	ld(&r, 0, VA_A);
	ck_wstat(&r, "os.s2_blocks_l2", 1);
	ck_wstat(&r, "os.s2_blocks_l1", 0);
	ck_assert_uint_gt(wstat(&r, "os.s2_pages"), 0);
	wrun_free(&r);
}
END_TEST

/* ---- construction errors ---- */

START_TEST(test_vm_geometry_error)
{
	struct workload wl;
	struct sim_config c;
	struct sim_error err = { 0 };
	struct sim *s = NULL;

	/* A 52-bit IPA needs the 64K granule and a 52-bit PA
	 * (sim/CONFIG.md): the VM's section line is named. */
	parse_ok(&wl, "[workload]\ncpus = 1\n\n[vm.huge]\nipa_bits = 52\n");
	ck_assert_int_eq(cfg_init_defaults(&c), 0);
	ck_assert_int_eq(cfg_finalize(&c, &err), 0);
	ck_assert_int_eq(sim_create_workload(&s, &c, &wl, &err), SIM_E_CONFIG);
	ck_assert_ptr_null(s);
	ck_assert_msg(!strncmp(err.msg, "w.ini:4: [vm.huge]: ", 20), "%s", err.msg);
	/* s2only is refused */
	ck_assert_int_eq(cfg_set(&c, "run.mode=s2only", &err), 0);
	ck_assert_int_eq(sim_create_workload(&s, &c, &wl, &err), SIM_E_CONFIG);
	workload_free(&wl);
}
END_TEST

/* ---- the scheduler ---- */

START_TEST(test_run_two_traces)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096];
	struct wrun r;
	struct sim_config c;
	struct sim_error err = { 0 };
	bool done = false;

	snprintf(path, sizeof(path), "%s/tests/data/virt/two_traces.ini", srcdir ? srcdir : ".");
	ck_assert_msg(workload_parse_file(&r.wl, path, TRACE_FMT_AUTO, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cfg_init_defaults(&c), 0);
	ck_assert_int_eq(cfg_finalize(&c, &err), 0);
	ck_assert_msg(sim_create_workload(&r.s, &c, &r.wl, &err) == 0, "%s", err.msg);
	while (!done)
		ck_assert_msg(sim_run(r.s, 1000, &done, &err) == 0, "%s", err.msg);
	/* a.lackey has 6 accesses, b.lackey 4.  Quantum 4 on one CPU: a
	 * runs 4 (switch 1), b runs 4 (switch 2), a its last 2 (switch 3);
	 * then both sources end. */
	ck_wstat(&r, "accesses", 10);
	ck_wstat(&r, "events.context_switches", 3);
	/* Both are processes of VM guest: one guest entry, no exits (the
	 * switch between them is the guest's own). */
	ck_wstat(&r, "events.world_switches", 1);
	ck_wstat(&r, "vmid.allocations", 1);
	ck_wstat(&r, "asid.guest.allocations", 2);
	ck_wstat(&r, "asid.host.allocations", 1);
	wrun_free(&r);
}
END_TEST

START_TEST(test_run_limit_cuts_handlers)
{
	static const char *const ini[] = {
		/* a system call of 2^32 accesses every 10 accesses */
		"[workload]\naccesses = 1k\n[proc.p]\npattern = seq\nfootprint = 64k\n"
		"syscall_every = 10\nsyscall_accesses = 4294967296\n",
		/* a VM exit of 10 million accesses every 10 guest accesses */
		"[workload]\naccesses = 1k\n[vm.v]\nexit_every = 10\nexit_accesses = 10m\n"
		"[proc.p]\nvm = v\npattern = seq\nfootprint = 64k\n",
	};

	for (int i = 0; i < 2; i++) {
		struct wrun r;
		struct sim_error err = { 0 };
		bool done = false;
		unsigned calls = 0;

		/* Handlers run in turns of [workload] slice (1000) accesses
		 * and count against [workload] accesses: the process's 10
		 * accesses, then 990 of the handler's, and the run is done
		 * after exactly 1000, in one sim_run() call. */
		wrun_init(&r, ini[i], NULL);
		while (!done) {
			ck_assert_msg(sim_run(r.s, 100000, &done, &err) == 0, "%s", err.msg);
			calls++;
		}
		ck_wstat(&r, "accesses", 1000);
		ck_assert_uint_eq(calls, 1);
		ck_wstat(&r, i ? "events.vm_exits" : "events.syscalls", 1);
		wrun_free(&r);
	}
}
END_TEST

/* The page-table line caches are each CPU's own; their counters are
 * summed over the CPUs like the TLBs': every reference of every CPU's
 * walks reaches some CPU's first level, and what each level misses
 * reaches the next. */
START_TEST(test_ptcache_sums)
{
	struct wrun r;
	struct sim_error err = { 0 };
	bool done = false;

	wrun_init(&r, "[workload]\ncpus = 2\n[vm.v]\nexit_every = 0\n"
		  "[proc.a]\nvm = v\ncpu = 0\npattern = random\nfootprint = 64m\naccesses = 20k\n"
		  "[proc.b]\nvm = v\ncpu = 1\npattern = random\nfootprint = 64m\naccesses = 20k\n",
		  NULL);
	while (!done)
		ck_assert_msg(sim_run(r.s, 100000, &done, &err) == 0, "%s", err.msg);
	ck_assert_uint_gt(wstat(&r, "walks"), 10000);
	ck_assert_uint_eq(wstat(&r, "ptcache.L1D.lookups"),
			  wstat(&r, "walk_memory_refs") + wstat(&r, "walk_writes"));
	ck_assert_uint_eq(wstat(&r, "ptcache.L2.lookups"),
			  wstat(&r, "ptcache.L1D.lookups") - wstat(&r, "ptcache.L1D.hits"));
	ck_assert_uint_eq(wstat(&r, "ptcache.LLC.lookups"),
			  wstat(&r, "ptcache.L2.lookups") - wstat(&r, "ptcache.L2.hits"));
	ck_assert_uint_eq(wstat(&r, "ptcache.memory_reads"),
			  wstat(&r, "ptcache.LLC.lookups") - wstat(&r, "ptcache.LLC.hits"));
	wrun_free(&r);
}
END_TEST

START_TEST(test_two_runs_identical)
{
	struct wrun a, b;
	struct sim_error err = { 0 };
	bool da = false, db = false;
	const struct stats_registry *ra, *rb;

	/* Two simulations of the built-in workload side by side, stepped in
	 * alternation: they share nothing, so their statistics are equal. */
	wrun_init(&a, workload_default_ini, NULL);
	wrun_init(&b, workload_default_ini, NULL);
	while (!da || !db) {
		if (!da)
			ck_assert_msg(sim_run(a.s, 100000, &da, &err) == 0, "%s", err.msg);
		if (!db)
			ck_assert_msg(sim_run(b.s, 250000, &db, &err) == 0, "%s", err.msg);
	}
	ra = sim_stats(a.s);
	rb = sim_stats(b.s);
	ck_assert_uint_eq(stats_count(ra), stats_count(rb));
	for (size_t i = 0; i < stats_count(ra); i++) {
		struct stats_item x, y;

		stats_get(ra, i, &x);
		stats_get(rb, i, &y);
		ck_assert_str_eq(x.name, y.name);
		ck_assert_msg(x.value == y.value, "%s: %llu vs %llu", x.name,
			      (unsigned long long)x.value, (unsigned long long)y.value);
	}
	/* the built-in workload has VM exits, system calls and invalidations */
	ck_assert_uint_gt(wstat(&a, "events.vm_exits"), 0);
	ck_assert_uint_gt(wstat(&a, "events.syscalls"), 0);
	ck_assert_uint_gt(wstat(&a, "events.page_invalidations"), 0);
	wrun_free(&a);
	wrun_free(&b);
}
END_TEST

/* ---- a single trace with switch records (sim_create_spaces()) ---- */

static struct sim *spaces_sim(const char *const *sets)
{
	struct sim_config c;
	struct sim_error err = { 0 };
	struct sim *s = NULL;

	ck_assert_int_eq(cfg_init_defaults(&c), 0);
	for (; sets && *sets; sets++)
		ck_assert_msg(cfg_set(&c, *sets, &err) == 0, "%s: %s", *sets, err.msg);
	ck_assert_msg(cfg_finalize(&c, &err) == 0, "cfg_finalize: %s", err.msg);
	ck_assert_msg(sim_create_spaces(&s, &c, &err) == 0, "sim_create_spaces: %s", err.msg);
	return s;
}

static void sstep(struct sim *s, struct trace_rec rec)
{
	struct wrun r = { .s = s };

	wstep(&r, rec);
}

static uint64_t sstat(struct sim *s, const char *name)
{
	struct wrun r = { .s = s };

	return wstat(&r, name);
}

/*
 * virt: the first records run in process 1 of VM 1 (one guest entry:
 * the VMM's host ASID, VMID 1, guest ASID 1).  A TLBI before any switch
 * acts there too: TLBI ASIDE1 of process 1 (operand 1) removes the entry of
 * A, so A walks again.  ctx 2: process 2 of VM 1 (guest ASID 2), a walk.
 * vm 0: the host's process 2 (the same number), outside the guest: a
 * world switch, a host ASID, a walk of its own tables.  vm 1: back to
 * process 2 of VM 1: a world switch, its entry still there: a hit.
 */
START_TEST(test_spaces_virt)
{
	struct sim *s = spaces_sim(NULL);

	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	sstep(s, trace_rec_tlbi(0, TLBI_ASIDE1, 0, 1, 0));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 2);
	ck_assert_uint_eq(sstat(s, "vmid.allocations"), 1);
	ck_assert_uint_eq(sstat(s, "asid.guest.allocations"), 1);
	ck_assert_uint_eq(sstat(s, "asid.host.allocations"), 1);
	sstep(s, trace_rec_ctx_switch(0, 2));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 3);
	ck_assert_uint_eq(sstat(s, "asid.guest.allocations"), 2);
	sstep(s, trace_rec_vm_switch(0, 0));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 4);
	ck_assert_uint_eq(sstat(s, "asid.host.allocations"), 2);
	sstep(s, trace_rec_vm_switch(0, 1));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 4);
	ck_assert_uint_eq(sstat(s, "events.world_switches"), 3);
	ck_assert_uint_eq(sstat(s, "events.context_switches"), 4);
	ck_assert_uint_eq(sstat(s, "control_records"), 4);
	ck_assert_uint_eq(sstat(s, "maintenance.local_tlbis"), 1);
	sim_destroy(s);
}
END_TEST

/*
 * s2only: VM 1 runs the first records; a context switch changes nothing
 * (a hit, no ASID); VM 2 is another IPA space with VMID 2 (a walk); a
 * switch to VM 0, the host, is an error.
 */
START_TEST(test_spaces_s2only)
{
	static const char *const sets[] = { "run.mode=s2only", NULL };
	struct sim *s = spaces_sim(sets);
	struct trace_rec host = trace_rec_vm_switch(0, 0);
	struct sim_error err = { 0 };

	sstep(s, trace_rec_access(TRACE_LOAD, 0, 0x1000, 8));
	sstep(s, trace_rec_ctx_switch(0, 7));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, 0x1000, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 1);
	ck_assert_uint_eq(sstat(s, "events.context_switches"), 1);
	sstep(s, trace_rec_vm_switch(0, 2));
	sstep(s, trace_rec_access(TRACE_LOAD, 0, 0x1000, 8));
	ck_assert_uint_eq(sstat(s, "walks"), 2);
	ck_assert_uint_eq(sstat(s, "vmid.allocations"), 2);
	ck_assert_uint_eq(sstat(s, "asid.guest.allocations"), 0);
	ck_assert_int_eq(sim_step(s, &host, 1, &err), SIM_E_INVAL);
	ck_assert_str_eq(err.msg, "a switch to VM 0, the host, in run.mode = s2only "
			 "(addresses are IPAs of a VM)");
	sim_destroy(s);
}
END_TEST

/* natively the first records run in the host's process 1; a record of
 * CPU 1 is an error that says how to give the trace its CPUs */
START_TEST(test_spaces_native_one_cpu)
{
	static const char *const sets[] = { "run.mode=native", NULL };
	struct sim *s = spaces_sim(sets);
	struct trace_rec r = trace_rec_access(TRACE_LOAD, 1, VA_A, 8);
	struct sim_error err = { 0 };

	sstep(s, trace_rec_access(TRACE_LOAD, 0, VA_A, 8));
	sstep(s, trace_rec_ctx_switch(0, 1));
	ck_assert_uint_eq(sstat(s, "events.context_switches"), 1);
	ck_assert_uint_eq(sstat(s, "asid.host.allocations"), 1);
	ck_assert_uint_eq(sstat(s, "events.world_switches"), 0);
	ck_assert_int_eq(sim_step(s, &r, 1, &err), SIM_E_INVAL);
	ck_assert_str_eq(err.msg, "record for CPU 1: a single trace runs on one CPU; give a "
			 "workload of [workload] cpus = 2 with --workload");
	sim_destroy(s);
}
END_TEST

/* ---- errors ---- */

/*
 * A process's trace with a VA in neither half of a 48-bit stage 1 (bit 48
 * set, bit 55 clear): sim_run() fails naming the process, its trace file
 * and the record (the fetch is record 1, the bad load record 2), then what
 * the OS model found wrong.
 */
START_TEST(test_run_error_names_record)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[300], ini[600], want[800];
	struct wrun r;
	struct sim_error err = { 0 };
	bool done = false;
	int rc = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/mmusim-virt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.lk", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("==1== Lackey\nI  00400000,4\n L 1000000000000,8\nI  00400004,4\n", f);
	fclose(f);
	snprintf(ini, sizeof(ini), "[vm.g]\n[proc.app]\nvm = g\ntrace = %s\n", path);
	wrun_init(&r, ini, NULL);
	while (!done && !rc)
		rc = sim_run(r.s, 1000, &done, &err);
	ck_assert_int_eq(rc, SIM_E_INVAL);
	snprintf(want, sizeof(want), "proc app: %s: record 2: VA 0x1000000000000 is in neither "
		 "translation range (TTBR0 below 0x1000000000000, TTBR1 from 0xffff000000000000)",
		 path);
	ck_assert_str_eq(err.msg, want);
	/* the fetch and the load that failed; the second fetch never ran */
	ck_wstat(&r, "accesses", 2);
	wrun_free(&r);
	remove(path);
	rmdir(dir);
}
END_TEST

/* ---- the suite ---- */

static Suite *virt_suite(void)
{
	Suite *s = suite_create("virt");
	TCase *tc = tcase_create("workload");

	tcase_add_test(tc, test_wl_defaults);
	tcase_add_test(tc, test_wl_builtin);
	tcase_add_test(tc, test_wl_values);
	tcase_add_test(tc, test_wl_errors);
	tcase_add_test(tc, test_wl_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_asid_rollover_8bit);
	tcase_add_test(tc, test_vmid_rollover_8bit);
	tcase_add_test(tc, test_world_switch_flush);
	tcase_add_test(tc, test_global_kernel_entries);
	tcase_add_test(tc, test_broadcast_tlbi);
	tcase_add_test(tc, test_nested_walk_refs);
	tcase_add_test(tc, test_vm_huge_fraction);
	tcase_add_test(tc, test_vm_geometry_error);
	tcase_add_test(tc, test_run_two_traces);
	tcase_add_test(tc, test_run_limit_cuts_handlers);
	tcase_add_test(tc, test_two_runs_identical);
	tcase_add_test(tc, test_ptcache_sums);
	tcase_add_test(tc, test_run_error_names_record);
	tcase_add_test(tc, test_spaces_virt);
	tcase_add_test(tc, test_spaces_s2only);
	tcase_add_test(tc, test_spaces_native_one_cpu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(virt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
