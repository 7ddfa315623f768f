/*
 * tests/test_virt.c - virtualization scenarios: the workload parser
 * (workloads/workload.c).
 *
 * Every expected value is derived by hand from workloads/WORKLOADS.md and
 * workloads/workload.h; the derivation is in the comment next to the check.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config.h"
#include "workloads/gen.h"
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
	ck_assert_int_eq(wl.procs[4].cpu, -1);
	ck_assert_int_eq(wl.procs[0].source, WL_SRC_GEN);
	ck_assert_int_eq(wl.procs[0].gen.pattern, GEN_ZIPF);
	ck_assert_uint_eq(wl.procs[0].gen.footprint, 256 * MiB);
	/* "700k" is a count: 700 x 1000. */
	ck_assert_uint_eq(wl.procs[0].gen.accesses, 700000);
	ck_assert_uint_eq(wl.procs[2].gen.hot_bytes, 8 * MiB);
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
	parse_bad("[workload]\ncpus\n", SIM_E_PARSE, "w.ini:2: expected 'key = value'");
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
	ck_assert_msg(workload_parse_file(&wl, path, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(wl.nprocs, 2);
	snprintf(path, sizeof(path), "%s/tests/data/virt/a.lackey", srcdir ? srcdir : ".");
	ck_assert_str_eq(wl.procs[0].trace, path);
	workload_free(&wl);

	snprintf(path, sizeof(path), "%s/tests/data/virt/bad_key.ini", srcdir ? srcdir : ".");
	ck_assert_int_eq(workload_parse_file(&wl, path, &err), SIM_E_CONFIG);
	{
		char want[4200];

		snprintf(want, sizeof(want), "%s:5: [vm.guest]: unknown key 'ipa_size'", path);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert_int_eq(workload_parse_file(&wl, "/nonexistent/w.ini", &err), SIM_E_IO);
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
