# qemu-plugin/: the QEMU TCG plugin that records native traces
# (qemu-plugin/README.md), built when configure found QEMU.
#
# A plugin is a shared object that QEMU loads: it is compiled with plain
# $(CC) -shared -fPIC, from the project's native writer and its own source,
# against the plugin API it declares itself (Debian ships no header).  It
# is built without the sanitizers and jemalloc of the program (QEMU is not
# built with them), from CFLAGS as configure found them.

QEMU_PLUGIN_SRCS = $(srcdir)/qemu-plugin/mmusim_trace.c \
	$(srcdir)/workloads/trace_writer.c $(srcdir)/sim/err.c \
	$(srcdir)/sim/readfile.c
QEMU_PLUGIN_HDRS = $(srcdir)/qemu-plugin/qemu_plugin_api.h \
	$(srcdir)/workloads/trace.h $(srcdir)/workloads/trace_impl.h \
	$(srcdir)/sim/err.h $(srcdir)/sim/types.h $(srcdir)/sim/bits.h $(srcdir)/sim/readfile.h

if HAVE_QEMU
qemuplugindir = $(pkglibdir)
qemuplugin_DATA = qemu-plugin/libmmusim-trace.so
endif

qemu-plugin/libmmusim-trace.so: $(QEMU_PLUGIN_SRCS) $(QEMU_PLUGIN_HDRS) autoconfig.h
	@$(MKDIR_P) qemu-plugin
	$(AM_V_CCLD)$(CC) $(QEMU_PLUGIN_CFLAGS) $(WARN_CFLAGS) -shared -fPIC \
		-fvisibility=hidden -pthread -I$(top_srcdir) -I$(top_builddir) \
		$(ZLIB_CFLAGS) $(ZSTD_CFLAGS) -o $@ $(QEMU_PLUGIN_SRCS) $(ZSTD_LIBS)

CLEANFILES += qemu-plugin/libmmusim-trace.so
EXTRA_DIST += qemu-plugin/mmusim_trace.c qemu-plugin/qemu_plugin_api.h
# READMEs of folders keep their folder's name.
plugindocdir = $(docdir)/qemu-plugin
dist_plugindoc_DATA = qemu-plugin/README.md
