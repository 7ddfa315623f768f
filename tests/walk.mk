# tests/walk.mk: Check suites of the walker (single stage) and of register
# decoding plus complete translations, and the golden `mmusim walk` checks.

check_PROGRAMS += tests/test_walk tests/test_translate
TESTS += tests/test_walk tests/test_translate tests/run_walk_golden.sh

tests_test_walk_SOURCES = tests/test_walk.c tests/walk_fixture.c tests/walk_fixture.h
tests_test_walk_CFLAGS = $(TEST_CFLAGS)
tests_test_walk_LDADD = $(TEST_LIBS)

tests_test_translate_SOURCES = tests/test_translate.c tests/walk_fixture.c tests/walk_fixture.h
tests_test_translate_CFLAGS = $(TEST_CFLAGS)
tests_test_translate_LDADD = $(TEST_LIBS)

EXTRA_DIST += tests/run_walk_golden.sh tests/golden/walk tests/bad/walk
