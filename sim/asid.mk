# sim/asid.mk: the generation-based ASID and VMID allocators (Linux arm64
# context.c, KVM vmid.c and its older counter scheme) and their Check suite.

libmmusim_a_SOURCES += workloads/asid.h workloads/asid.c

check_PROGRAMS += tests/test_asid
TESTS += tests/test_asid

tests_test_asid_SOURCES = tests/test_asid.c
tests_test_asid_CFLAGS = $(TEST_CFLAGS)
tests_test_asid_LDADD = $(TEST_LIBS)
