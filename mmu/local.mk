# mmu/: the architecture, and nothing else: descriptors, geometry, register
# decoding, the walker, complete translations, simulated physical memory
# and the page-table builder.  Tests: tests/local.mk.

libmmusim_a_SOURCES += \
	mmu/desc.h \
	mmu/geom.h mmu/geom.c \
	mmu/walk.h mmu/walk.c \
	mmu/regime.h mmu/regime.c \
	mmu/translate.h mmu/translate.c \
	mmu/pmem.h mmu/pmem.c \
	mmu/pgtable.h mmu/pgtable.c

EXTRA_DIST += mmu/README.md
