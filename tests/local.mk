# tests/: Check suites are listed by the folder whose module they test
# (mmu/local.mk lists tests/test_walk, and so on); this fragment holds the
# shared test data and scripts.

# The one-level preset must give Cachegrind's miss counts exactly.
TESTS += tests/run_onelevel_vs_cachegrind.sh
EXTRA_DIST += tests/run_onelevel_vs_cachegrind.sh
