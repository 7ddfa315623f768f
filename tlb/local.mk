# tlb/: see the top-level Makefile.am for the shared variables.
# TLBs, walk caches, TLB maintenance and the TLB hierarchy.

EXTRA_DIST += tlb/README.md

libmmusim_a_SOURCES += \
	tlb/tlb_key.h \
	tlb/repl.h tlb/repl.c \
	tlb/setassoc.h tlb/setassoc.c \
	tlb/tlb.h tlb/tlb.c \
	tlb/walkcache.h tlb/walkcache.c \
	tlb/tlbi.h tlb/tlbi.c \
	tlb/hier.h tlb/hier.c

check_PROGRAMS += tests/test_tlb tests/test_tlbi tests/test_walkcache \
	tests/test_tlb_model
TESTS += tests/test_tlb tests/test_tlbi tests/test_walkcache \
	tests/test_tlb_model

tests_test_tlb_SOURCES = tests/test_tlb.c
tests_test_tlb_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_LDADD = $(TEST_LIBS)

tests_test_tlbi_SOURCES = tests/test_tlbi.c
tests_test_tlbi_CFLAGS = $(TEST_CFLAGS)
tests_test_tlbi_LDADD = $(TEST_LIBS)

tests_test_walkcache_SOURCES = tests/test_walkcache.c
tests_test_walkcache_CFLAGS = $(TEST_CFLAGS)
tests_test_walkcache_LDADD = $(TEST_LIBS)

tests_test_tlb_model_SOURCES = tests/test_tlb_model.c
tests_test_tlb_model_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_model_LDADD = $(TEST_LIBS)

# The TLB's memos against the full probe, with planted defects.
check_PROGRAMS += tests/test_tlb_memo
TESTS += tests/test_tlb_memo
tests_test_tlb_memo_SOURCES = tests/test_tlb_memo.c
tests_test_tlb_memo_CFLAGS = $(TEST_CFLAGS)
tests_test_tlb_memo_LDADD = $(TEST_LIBS)
