# mmu/pmem.mk: simulated physical memory, the page-table builder and the
# guest-OS/hypervisor mapping model, with their Check suites.

libmmusim_a_SOURCES += \
	mmu/pmem.h mmu/pmem.c \
	mmu/pgtable.h mmu/pgtable.c \
	workloads/os.h workloads/os.c

check_PROGRAMS += tests/test_pmem tests/test_pgtable tests/test_os
TESTS += tests/test_pmem tests/test_pgtable tests/test_os

tests_test_pmem_SOURCES = tests/test_pmem.c
tests_test_pmem_CFLAGS = $(TEST_CFLAGS)
tests_test_pmem_LDADD = $(TEST_LIBS)

tests_test_pgtable_SOURCES = tests/test_pgtable.c
tests_test_pgtable_CFLAGS = $(TEST_CFLAGS)
tests_test_pgtable_LDADD = $(TEST_LIBS)

tests_test_os_SOURCES = tests/test_os.c
tests_test_os_CFLAGS = $(TEST_CFLAGS)
tests_test_os_LDADD = $(TEST_LIBS)
