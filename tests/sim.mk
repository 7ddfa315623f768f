# tests/sim.mk: the replay engine's Check suite (sim_create()/sim_step() on
# hand-made records) and the command-line checks of `mmusim run`.

check_PROGRAMS += tests/test_sim
TESTS += tests/test_sim tests/run_cli_run.sh

tests_test_sim_SOURCES = tests/test_sim.c
tests_test_sim_CFLAGS = $(TEST_CFLAGS)
tests_test_sim_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/run_cli_run.sh tests/data/run
