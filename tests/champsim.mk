# tests/champsim.mk - the ChampSim reader, the xz and bzip2 decoders, the
# physical-address records of the native format, and the command-line
# checks of ChampSim input, `mmusim record` and the man page.

check_PROGRAMS += tests/test_champsim tests/test_trace_phys tests/trace_tool
TESTS += tests/test_champsim tests/test_trace_phys tests/run_champsim.sh \
	tests/run_record.sh tests/run_record_system.sh

tests_test_champsim_SOURCES = tests/test_champsim.c
tests_test_champsim_CFLAGS = $(TEST_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) $(LZMA_CFLAGS)
tests_test_champsim_LDADD = $(TEST_LIBS)

tests_test_trace_phys_SOURCES = tests/test_trace_phys.c sim/cmd_convert.c
tests_test_trace_phys_CFLAGS = $(TEST_CFLAGS)
tests_test_trace_phys_LDADD = $(TEST_LIBS)

# The shell tests' helper: ChampSim files, their lackey equivalents, dumps.
tests_trace_tool_SOURCES = tests/trace_tool.c
tests_trace_tool_LDADD = $(MMUSIM_LIBS)

EXTRA_DIST += tests/run_champsim.sh tests/run_record.sh tests/run_record_system.sh \
	tests/data/record/guest.S
