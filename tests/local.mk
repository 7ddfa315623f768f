# tests/: every Check suite, every test script and their data, and the
# helper programs the scripts use (the fuzzers and the QEMU comparison have
# fragments of their own, tests/fuzz/local.mk and tests/qemu/local.mk).
# Each Check suite tests one module (tests/test_<module>.c) and links
# libmmusim.a; see the top-level Makefile.am for TEST_CFLAGS and TEST_LIBS.

# ---- Check suites, by the folder of the module they test ----

# sim/
check_PROGRAMS += tests/test_stats tests/test_config tests/test_ini tests/test_parse \
	tests/test_cost tests/test_sim tests/test_virt
# results/
check_PROGRAMS += tests/test_emit tests/test_report tests/test_report_oom tests/test_jobs
# mmu/
check_PROGRAMS += tests/test_geom tests/test_walk tests/test_translate tests/test_pmem \
	tests/test_pgtable
# tlb/
check_PROGRAMS += tests/test_tlb tests/test_tlb_memo tests/test_tlbi tests/test_walkcache \
	tests/test_tlb_model tests/test_wc_model
# workloads/
check_PROGRAMS += tests/test_trace tests/test_trace_phys tests/test_champsim tests/test_gen \
	tests/test_os tests/test_asid
TESTS += tests/test_stats tests/test_config tests/test_ini tests/test_parse \
	tests/test_cost tests/test_sim tests/test_virt \
	tests/test_emit tests/test_report tests/test_report_oom tests/test_jobs \
	tests/test_geom tests/test_walk tests/test_translate tests/test_pmem \
	tests/test_pgtable \
	tests/test_tlb tests/test_tlb_memo tests/test_tlbi tests/test_walkcache \
	tests/test_tlb_model tests/test_wc_model \
	tests/test_trace tests/test_trace_phys tests/test_champsim tests/test_gen \
	tests/test_os tests/test_asid

tests_test_stats_SOURCES = tests/test_stats.c
tests_test_stats_CFLAGS = $(TEST_CFLAGS)
tests_test_stats_LDADD = $(TEST_LIBS)

tests_test_config_SOURCES = tests/test_config.c
tests_test_config_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCONFIG_TEST_DATA='"$(abs_top_srcdir)/tests/data/config"'
tests_test_config_CFLAGS = $(TEST_CFLAGS)
tests_test_config_LDADD = $(TEST_LIBS)

tests_test_ini_SOURCES = tests/test_ini.c
tests_test_ini_CFLAGS = $(TEST_CFLAGS)
tests_test_ini_LDADD = $(TEST_LIBS)

tests_test_parse_SOURCES = tests/test_parse.c
tests_test_parse_CFLAGS = $(TEST_CFLAGS)
tests_test_parse_LDADD = $(TEST_LIBS)

tests_test_jobs_SOURCES = tests/test_jobs.c
tests_test_jobs_CFLAGS = $(TEST_CFLAGS)
tests_test_jobs_LDADD = $(TEST_LIBS)

tests_test_emit_SOURCES = tests/test_emit.c
tests_test_emit_CFLAGS = $(TEST_CFLAGS)
tests_test_emit_LDADD = $(TEST_LIBS)

# The page-table line cache and the cost model.
tests_test_cost_SOURCES = tests/test_cost.c
tests_test_cost_CFLAGS = $(TEST_CFLAGS)
tests_test_cost_LDADD = $(TEST_LIBS)

# The replay engine on hand-made records.
tests_test_sim_SOURCES = tests/test_sim.c
tests_test_sim_CFLAGS = $(TEST_CFLAGS)
tests_test_sim_LDADD = $(TEST_LIBS)

# Workloads of CPUs, VMs and processes, their ASID/VMID allocation and
# TLB flush policies.
tests_test_virt_SOURCES = tests/test_virt.c
tests_test_virt_CFLAGS = $(TEST_CFLAGS)
tests_test_virt_LDADD = $(TEST_LIBS)

# `mmusim report`: every chart type, links, errors.
tests_test_report_SOURCES = tests/test_report.c
tests_test_report_CFLAGS = $(TEST_CFLAGS)
tests_test_report_LDADD = $(TEST_LIBS)

# Out of memory at every allocation of `mmusim report`: the command built
# into the test, with the allocators wrapped by the linker so the test can
# fail any one call (tests/test_report_oom.c).
tests_test_report_oom_SOURCES = tests/test_report_oom.c $(REPORT_SOURCES)
tests_test_report_oom_CFLAGS = $(TEST_CFLAGS)
tests_test_report_oom_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	-Wl,--wrap=strdup,--wrap=strndup
tests_test_report_oom_LDADD = $(TEST_LIBS)

tests_test_geom_SOURCES = tests/test_geom.c
tests_test_geom_CFLAGS = $(TEST_CFLAGS)
tests_test_geom_LDADD = $(TEST_LIBS)

# The walker (single stage), register decoding and complete translations.
tests_test_walk_SOURCES = tests/test_walk.c tests/walk_fixture.c tests/walk_fixture.h
tests_test_walk_CFLAGS = $(TEST_CFLAGS)
tests_test_walk_LDADD = $(TEST_LIBS)

tests_test_translate_SOURCES = tests/test_translate.c tests/walk_fixture.c tests/walk_fixture.h
tests_test_translate_CFLAGS = $(TEST_CFLAGS)
tests_test_translate_LDADD = $(TEST_LIBS)

tests_test_pmem_SOURCES = tests/test_pmem.c
tests_test_pmem_CFLAGS = $(TEST_CFLAGS)
tests_test_pmem_LDADD = $(TEST_LIBS)

tests_test_pgtable_SOURCES = tests/test_pgtable.c
tests_test_pgtable_CFLAGS = $(TEST_CFLAGS)
tests_test_pgtable_LDADD = $(TEST_LIBS)

tests_test_tlb_SOURCES = tests/test_tlb.c
tests_test_tlb_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_LDADD = $(TEST_LIBS)

# The TLB's memos against the full probe, with planted defects.
tests_test_tlb_memo_SOURCES = tests/test_tlb_memo.c
tests_test_tlb_memo_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_memo_LDADD = $(TEST_LIBS)

tests_test_tlbi_SOURCES = tests/test_tlbi.c
tests_test_tlbi_CFLAGS = $(TEST_CFLAGS)
tests_test_tlbi_LDADD = $(TEST_LIBS)

tests_test_walkcache_SOURCES = tests/test_walkcache.c
tests_test_walkcache_CFLAGS = $(TEST_CFLAGS)
tests_test_walkcache_LDADD = $(TEST_LIBS)

tests_test_tlb_model_SOURCES = tests/test_tlb_model.c
tests_test_tlb_model_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_model_LDADD = $(TEST_LIBS)

# The walk caches against a naive reference model, and "references saved
# equal the levels skipped" on real tables.
tests_test_wc_model_SOURCES = tests/test_wc_model.c
tests_test_wc_model_CFLAGS = $(TEST_CFLAGS)
tests_test_wc_model_LDADD = $(TEST_LIBS)

# cmd_convert.c is linked in so the test can run the subcommand in-process.
tests_test_trace_SOURCES = tests/test_trace.c sim/cmd_convert.c
tests_test_trace_CFLAGS = $(TEST_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS)
tests_test_trace_LDADD = $(TEST_LIBS)

# The physical-address records of the native format.
tests_test_trace_phys_SOURCES = tests/test_trace_phys.c sim/cmd_convert.c
tests_test_trace_phys_CFLAGS = $(TEST_CFLAGS)
tests_test_trace_phys_LDADD = $(TEST_LIBS)

# The ChampSim reader, the xz and bzip2 decoders.
tests_test_champsim_SOURCES = tests/test_champsim.c
tests_test_champsim_CFLAGS = $(TEST_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) $(LZMA_CFLAGS)
tests_test_champsim_LDADD = $(TEST_LIBS)

# cmd_gen.c is linked in so the test can run the subcommand in-process.
tests_test_gen_SOURCES = tests/test_gen.c sim/cmd_gen.c
tests_test_gen_CFLAGS = $(TEST_CFLAGS)
tests_test_gen_LDADD = $(TEST_LIBS)

tests_test_os_SOURCES = tests/test_os.c
tests_test_os_CFLAGS = $(TEST_CFLAGS)
tests_test_os_LDADD = $(TEST_LIBS)

# The generation-based ASID and VMID allocators (Linux arm64 context.c,
# KVM vmid.c and its older counter scheme).
tests_test_asid_SOURCES = tests/test_asid.c
tests_test_asid_CFLAGS = $(TEST_CFLAGS)
tests_test_asid_LDADD = $(TEST_LIBS)

# ---- the command-line tests ----

# mmusim run: its options, the records of a single trace (switches, TLBIs,
# errors that name the file and the record), every --help-config key
# checked for an effect; mmusim walk against golden outputs; mmusim
# compare, report, sweep (resume after a kill, Slurm / GNU parallel job
# lists; the real single-node Slurm run skips itself where Slurm is not
# installed); ChampSim input, mmusim record, the man page.
TESTS += tests/run_cli_run.sh tests/run_trace_records.sh tests/run_config_keys.sh \
	tests/run_walk_golden.sh tests/run_compare.sh tests/run_results.sh \
	tests/run_sweep.sh tests/run_slurm.sh tests/run_champsim.sh tests/run_record.sh \
	tests/run_record_system.sh tests/run_manpage.sh

# The one-level preset must give Cachegrind's miss counts exactly, on a
# program the test builds with the configured compiler but none of the
# build's flags (tests/onelevel_workload.c is freestanding and static).
TESTS += tests/run_onelevel_vs_cachegrind.sh
AM_TESTS_ENVIRONMENT += WORKLOAD_CC='$(CC)'; export WORKLOAD_CC;

# Helpers of the scripts: native traces from a few lines of text (switch
# and TLBI records lackey text cannot hold); ChampSim files, their lackey
# equivalents, dumps.
check_PROGRAMS += tests/mktrace tests/trace_tool
tests_mktrace_SOURCES = tests/mktrace.c
tests_mktrace_LDADD = $(MMUSIM_LIBS)
tests_trace_tool_SOURCES = tests/trace_tool.c
tests_trace_tool_LDADD = $(MMUSIM_LIBS)

EXTRA_DIST += tests/run_cli_run.sh tests/run_trace_records.sh tests/run_config_keys.sh \
	tests/run_walk_golden.sh tests/run_compare.sh tests/run_results.sh \
	tests/run_sweep.sh tests/run_slurm.sh tests/run_champsim.sh tests/run_record.sh \
	tests/run_record_system.sh tests/run_manpage.sh tests/run_onelevel_vs_cachegrind.sh \
	tests/onelevel_workload.c tests/install_check.sh tests/memcheck/long_replay.sh \
	tests/golden/walk tests/bad/walk \
	tests/data/config/good.ini tests/data/config/unknown_key.ini \
	tests/data/config/unknown_section.ini tests/data/config/out_of_range.ini \
	tests/data/config/syntax.ini tests/data/config/level_before_list.ini \
	tests/data/config/bad_geometry.ini \
	tests/data/trace/true.lackey tests/data/trace/true.mmt \
	tests/data/trace/true-counts.lackey \
	tests/data/run tests/data/virt tests/data/sweep/loads-65536.lackey.zst \
	tests/data/record/guest.S

# Every test sees the same environment, whatever the caller's: the C
# locale; no Check variable that would run only some suites or cases
# (CK_RUN_SUITE, CK_RUN_CASE, tags) or change how they run; the sanitizer
# options the CI relies on (leaks reported, the first error fatal).
AM_TESTS_ENVIRONMENT += LC_ALL=C; export LC_ALL; \
	unset CK_RUN_SUITE CK_RUN_CASE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS CK_FORK \
		CK_TIMEOUT_MULTIPLIER CK_VERBOSITY CK_LOG_FILE_NAME CK_XML_LOG_FILE_NAME \
		CK_TAP_LOG_FILE_NAME CK_TEST_FILE_NAME; \
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1; export ASAN_OPTIONS; \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1; export UBSAN_OPTIONS;
