# tests/: Check suites are listed by the folder whose module they test
# (mmu/local.mk lists tests/test_walk, and so on); this fragment holds the
# shared test data and scripts.

# The one-level preset must give Cachegrind's miss counts exactly, on a
# program the test builds with the configured compiler but none of the
# build's flags (tests/onelevel_workload.c is freestanding and static).
TESTS += tests/run_onelevel_vs_cachegrind.sh
EXTRA_DIST += tests/run_onelevel_vs_cachegrind.sh tests/onelevel_workload.c
AM_TESTS_ENVIRONMENT += WORKLOAD_CC='$(CC)'; export WORKLOAD_CC;
