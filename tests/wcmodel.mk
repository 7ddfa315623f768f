# tests/wcmodel.mk: the walk caches against a naive reference model, and
# "references saved equal the levels skipped" on real tables.

check_PROGRAMS += tests/test_wc_model
TESTS += tests/test_wc_model

tests_test_wc_model_SOURCES = tests/test_wc_model.c
tests_test_wc_model_CFLAGS = $(TEST_CFLAGS)
tests_test_wc_model_LDADD = $(TEST_LIBS)
