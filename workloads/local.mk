# workloads/: what a run replays and the models of the software that builds
# its page tables: trace records, readers (native, lackey, ChampSim; gzip,
# zstd, xz, bzip2) and the native writer, the synthetic generators, the
# workload (scenario) format, the guest-OS/hypervisor mapping model, the
# ASID/VMID allocators, the walk-scenario format of `mmusim walk`, and the
# bundled scenarios.  Tests: tests/local.mk.

libmmusim_a_SOURCES += \
	workloads/trace.h workloads/trace_impl.h \
	workloads/trace_reader.c workloads/trace_lackey.c \
	workloads/trace_native.c workloads/trace_writer.c \
	workloads/trace_xdec.c workloads/trace_champsim.c \
	workloads/gen.h workloads/gen.c \
	workloads/workload.h workloads/workload.c \
	workloads/os.h workloads/os.c \
	workloads/asid.h workloads/asid.c \
	workloads/scenario.h workloads/scenario.c

# Throughput of the readers; not run by 'make check': make workloads/bench_trace
EXTRA_PROGRAMS += workloads/bench_trace
workloads_bench_trace_SOURCES = workloads/bench_trace.c
workloads_bench_trace_LDADD = $(MMUSIM_LIBS)
CLEANFILES += workloads/bench_trace

dist_doc_DATA += workloads/FORMAT.md workloads/CHAMPSIM.md workloads/WORKLOADS.md \
	workloads/GENERATORS.md
EXTRA_DIST += workloads/README.md workloads/scenarios
