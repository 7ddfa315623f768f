# tests/: Check suites are listed by the folder whose module they test
# (mmu/local.mk lists tests/test_walk, and so on); this fragment holds the
# shared test data and scripts.
