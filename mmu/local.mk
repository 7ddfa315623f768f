# mmu/: the architecture: descriptors, geometry, register decoding, the walker.

libmmusim_a_SOURCES += \
	mmu/desc.h \
	mmu/geom.h mmu/geom.c \
	mmu/walk.h mmu/walk.c \
	mmu/regime.h mmu/regime.c \
	mmu/translate.h mmu/translate.c \
	workloads/scenario.h workloads/scenario.c

check_PROGRAMS += tests/test_geom
TESTS += tests/test_geom
tests_test_geom_SOURCES = tests/test_geom.c
tests_test_geom_CFLAGS = $(TEST_CFLAGS)
tests_test_geom_LDADD = $(TEST_LIBS)
