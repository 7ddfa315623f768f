# bench/: 'make bench' - replay throughput and peak memory of 'mmusim run'
# on synthetic traces (not part of 'make check').  Run it in a build tree
# configured with the default optimisation (-O2); it configures nothing.
# Knobs (environment or make variables): BENCH_HIT_N, BENCH_HIT_LACKEY_N,
# BENCH_WALK_N, BENCH_PAGES, BENCH_RUNS, BENCH_OUT, BENCH_KEEP=1.
# bench/same_stats.sh and bench/same_compare.sh compare two builds' results
# (bench/README.md).

EXTRA_PROGRAMS += bench/gen_bench_trace
bench_gen_bench_trace_SOURCES = bench/gen_bench_trace.c
bench_gen_bench_trace_LDADD = $(MMUSIM_LIBS)
CLEANFILES += bench/gen_bench_trace
EXTRA_DIST += bench/README.md bench/run_bench.sh bench/same_stats.sh bench/same_compare.sh

.PHONY: bench
bench: mmusim$(EXEEXT) bench/gen_bench_trace$(EXEEXT)
	MMUSIM='$(abs_top_builddir)/mmusim$(EXEEXT)' \
	GEN='$(abs_top_builddir)/bench/gen_bench_trace$(EXEEXT)' \
	BENCH_OUT="$${BENCH_OUT:-$(abs_top_builddir)/bench/out}" \
	$(SHELL) $(srcdir)/bench/run_bench.sh

clean-local: clean-bench
.PHONY: clean-bench
clean-bench:
	-rm -rf bench/out
