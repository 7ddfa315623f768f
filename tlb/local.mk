# tlb/: TLBs, walk caches, TLB maintenance and the TLB hierarchy.  Tests:
# tests/local.mk.

libmmusim_a_SOURCES += \
	tlb/tlb_key.h \
	tlb/repl.h tlb/repl.c \
	tlb/setassoc.h tlb/setassoc.c \
	tlb/tlb.h tlb/tlb.c \
	tlb/walkcache.h tlb/walkcache.c \
	tlb/tlbi.h tlb/tlbi.c \
	tlb/hier.h tlb/hier.c

EXTRA_DIST += tlb/README.md
