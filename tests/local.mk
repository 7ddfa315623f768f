# tests/: Check suites are listed by the folder whose module they test
# (mmu/local.mk lists tests/test_walk, and so on); this fragment holds the
# shared test data and scripts.

# The one-level preset must give Cachegrind's miss counts exactly, on a
# program the test builds with the configured compiler but none of the
# build's flags (tests/onelevel_workload.c is freestanding and static).
TESTS += tests/run_onelevel_vs_cachegrind.sh
EXTRA_DIST += tests/run_onelevel_vs_cachegrind.sh tests/onelevel_workload.c
AM_TESTS_ENVIRONMENT += WORKLOAD_CC='$(CC)'; export WORKLOAD_CC;

# Every test sees the same environment, whatever the caller's: the C
# locale; no Check variable that would run only some suites or cases
# (CK_RUN_SUITE, CK_RUN_CASE, tags) or change how they run; the sanitizer
# options the CI relies on (leaks reported, the first error fatal).
AM_TESTS_ENVIRONMENT += LC_ALL=C; export LC_ALL; \
	unset CK_RUN_SUITE CK_RUN_CASE CK_INCLUDE_TAGS CK_EXCLUDE_TAGS CK_FORK \
		CK_TIMEOUT_MULTIPLIER CK_VERBOSITY CK_LOG_FILE_NAME CK_XML_LOG_FILE_NAME \
		CK_TAP_LOG_FILE_NAME CK_TEST_FILE_NAME; \
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1; export ASAN_OPTIONS; \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1; export UBSAN_OPTIONS;
