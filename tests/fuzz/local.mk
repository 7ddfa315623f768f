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
EXTRA_DIST += tests/fuzz

