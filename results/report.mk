# results/report.mk - the tests of `mmusim report`, `mmusim sweep` and the
# job pool.  See results/README.md.

check_PROGRAMS += tests/test_jobs
TESTS += tests/test_jobs
tests_test_jobs_SOURCES = tests/test_jobs.c
tests_test_jobs_CFLAGS = $(TEST_CFLAGS)
tests_test_jobs_LDADD = $(TEST_LIBS)

# Tests: the report (every chart type, links, errors) and the sweep (resume
# after a kill, Slurm / GNU parallel job lists, FILE:LINE errors); the
# real single-node Slurm run skips itself where Slurm is not installed.
check_PROGRAMS += tests/test_report
TESTS += tests/test_report tests/run_results.sh tests/run_sweep.sh tests/run_slurm.sh
tests_test_report_SOURCES = tests/test_report.c
tests_test_report_CFLAGS = $(TEST_CFLAGS)
tests_test_report_LDADD = $(TEST_LIBS)

# Out of memory at every allocation of `mmusim report`: the command built
# into the test, with the allocators wrapped by the linker so the test can
# fail any one call (tests/test_report_oom.c).
check_PROGRAMS += tests/test_report_oom
TESTS += tests/test_report_oom
tests_test_report_oom_SOURCES = tests/test_report_oom.c $(REPORT_SOURCES)
tests_test_report_oom_CFLAGS = $(TEST_CFLAGS)
tests_test_report_oom_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	-Wl,--wrap=strdup,--wrap=strndup
tests_test_report_oom_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/run_results.sh tests/run_sweep.sh tests/run_slurm.sh \
	tests/data/sweep/loads-65536.lackey.zst
