# mmu/: the architecture: descriptors, geometry, register decoding, the walker.

libmmusim_a_SOURCES += \
	mmu/desc.h \
	mmu/geom.h mmu/geom.c \
	mmu/walk.h mmu/walk.c \
	mmu/regime.h mmu/regime.c \
	mmu/translate.h mmu/translate.c \
	mmu/scenario.h mmu/scenario.c
