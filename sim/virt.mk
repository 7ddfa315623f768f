# sim/virt.mk: virtualization scenarios - workloads of CPUs, VMs and
# processes (workloads/workload.c), their replay with ASID/VMID allocation
# and TLB flush policies, and the tests of `mmusim compare`
# (results/cmd_compare.c).  See the top-level Makefile.am for the shared
# variables.

libmmusim_a_SOURCES += workloads/workload.h workloads/workload.c

check_PROGRAMS += tests/test_virt
TESTS += tests/test_virt tests/run_compare.sh

tests_test_virt_SOURCES = tests/test_virt.c
tests_test_virt_CFLAGS = $(TEST_CFLAGS)
tests_test_virt_LDADD = $(TEST_LIBS)

EXTRA_DIST += workloads/WORKLOADS.md tests/data/virt tests/run_compare.sh
