# tests/fuzz/local.mk: fuzzing of every parser of outside input.
#
#   make fuzz         build the libFuzzer targets (clang + libclang-rt-14-dev)
#                     in a private clang/ASan/UBSan sub-build, $(FUZZ_BUILD);
#                     the normal build is not touched
#   make fuzz-smoke   build them and run each for MMUSIM_FUZZ_SECONDS (30)
#
# 'make check' runs only tests/fuzz/run_regressions.sh, which feeds the
# regression inputs and seeds to the mmusim program and needs no clang.
# See tests/fuzz/README.

FUZZ_BUILD = $(abs_top_builddir)/fuzz-build

fuzz:
	MMUSIM_FUZZ_BUILD='$(FUZZ_BUILD)' MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/fuzz/build.sh

fuzz-smoke:
	MMUSIM_FUZZ_BUILD='$(FUZZ_BUILD)' MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/fuzz/smoke.sh

.PHONY: fuzz fuzz-smoke

TESTS += tests/fuzz/run_regressions.sh
# File by file: a build tree has a tests/fuzz of its own (the test's log),
# which a directory entry would bring into the tarball.
EXTRA_DIST += tests/fuzz/README tests/fuzz/build.sh tests/fuzz/smoke.sh \
	tests/fuzz/targets.sh tests/fuzz/run_regressions.sh \
	tests/fuzz/config.dict tests/fuzz/results.dict tests/fuzz/scenario.dict \
	tests/fuzz/trace.dict tests/fuzz/workload.dict \
	tests/fuzz/fuzz_champsim.c tests/fuzz/fuzz_config.c tests/fuzz/fuzz_results.c \
	tests/fuzz/fuzz_scenario.c tests/fuzz/fuzz_trace.c tests/fuzz/fuzz_workload.c \
	tests/fuzz/corpus tests/fuzz/regressions tests/fuzz/pending

