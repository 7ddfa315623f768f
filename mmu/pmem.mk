# mmu/pmem.mk: simulated physical memory, the page-table builder and the
# guest-OS/hypervisor mapping model, with their Check suites.

libmmusim_a_SOURCES += \
	mmu/pmem.h mmu/pmem.c

check_PROGRAMS += tests/test_pmem
TESTS += tests/test_pmem

tests_test_pmem_SOURCES = tests/test_pmem.c
tests_test_pmem_CFLAGS = $(TEST_CFLAGS)
tests_test_pmem_LDADD = $(TEST_LIBS)
