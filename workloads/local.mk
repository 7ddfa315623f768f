# workloads/: trace records, readers (native, lackey, ChampSim; gzip, zstd,
# xz, bzip2) and the native writer.  See the top-level Makefile.am for the
# shared variables.

libmmusim_a_SOURCES += \
	workloads/trace.h workloads/trace_impl.h \
	workloads/trace_reader.c workloads/trace_lackey.c \
	workloads/trace_native.c workloads/trace_writer.c \
	workloads/trace_xdec.c workloads/trace_champsim.c

mmusim_SOURCES += sim/cmd_convert.c

check_PROGRAMS += tests/test_trace
TESTS += tests/test_trace
# cmd_convert.c is linked in so the test can run the subcommand in-process.
tests_test_trace_SOURCES = tests/test_trace.c sim/cmd_convert.c
tests_test_trace_CFLAGS = $(TEST_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS)
tests_test_trace_LDADD = $(TEST_LIBS)

# Throughput of the readers; not run by 'make check': make workloads/bench_trace
EXTRA_PROGRAMS += workloads/bench_trace
workloads_bench_trace_SOURCES = workloads/bench_trace.c
workloads_bench_trace_LDADD = $(MMUSIM_LIBS)
CLEANFILES += workloads/bench_trace

EXTRA_DIST += workloads/FORMAT.md \
	tests/data/trace/true.lackey tests/data/trace/true.mmt \
	tests/data/trace/true-counts.lackey
