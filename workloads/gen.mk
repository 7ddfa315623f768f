# workloads/gen.mk: synthetic workload generators and "mmusim gen".  See the
# top-level Makefile.am for the shared variables.

libmmusim_a_SOURCES += workloads/gen.h workloads/gen.c
mmusim_SOURCES += sim/cmd_gen.c

check_PROGRAMS += tests/test_gen
TESTS += tests/test_gen
# cmd_gen.c is linked in so the test can run the subcommand in-process.
tests_test_gen_SOURCES = tests/test_gen.c sim/cmd_gen.c
tests_test_gen_CFLAGS = $(TEST_CFLAGS)
tests_test_gen_LDADD = $(TEST_LIBS)

EXTRA_DIST += workloads/GENERATORS.md
