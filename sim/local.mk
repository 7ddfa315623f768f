# sim/: see the top-level Makefile.am for the shared variables.

libmmusim_a_SOURCES += \
	sim/types.h sim/types.c sim/bits.h sim/err.h sim/err.c sim/cmd.h

mmusim_SOURCES += sim/main.c

libmmusim_a_SOURCES += sim/readfile.h sim/readfile.c
mmusim_SOURCES += sim/cmd_walk.c sim/cmd_layout.c
libmmusim_a_SOURCES += sim/ptcache.h sim/ptcache.c sim/cost.h sim/cost.c
libmmusim_a_SOURCES += sim/sim.h sim/sim_impl.h sim/sim.c sim/replay.c sim/fill.c \
	sim/virt.c sim/sched.c
mmusim_SOURCES += sim/cmd_run.c

# The page-table line cache and the cost model.
check_PROGRAMS += tests/test_cost
TESTS += tests/test_cost
tests_test_cost_SOURCES = tests/test_cost.c
tests_test_cost_CFLAGS = $(TEST_CFLAGS)
tests_test_cost_LDADD = $(TEST_LIBS)
