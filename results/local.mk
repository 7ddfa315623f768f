# results/: everything that writes, reads or presents results (see
# results/README.md): the emitters, the CSV writer and reader, the JSON
# reader, the result loader, the job pool, the report, sweep and compare
# commands, the gnuplot chart scripts and the results schema.  Shared
# variables: the top-level Makefile.am; tests: tests/local.mk.

# The emitters, the CSV writer and reader, the JSON reader, the result
# loader, the job pool of sweep and compare.
libmmusim_a_SOURCES += \
	results/emit.h results/emit.c \
	results/csv.h results/csv.c \
	results/json_read.h results/json_read.c \
	results/report_data.h results/report_data.c \
	results/jobs.h results/jobs.c

# The commands.  `mmusim report` is also built into tests/test_report_oom.
REPORT_SOURCES = results/cmd_report.c results/report.h results/report_table.c \
	results/report_charts.c results/report_gnuplot.c results/report_docs.c
mmusim_SOURCES += $(REPORT_SOURCES) results/cmd_compare.c \
	results/cmd_sweep.c results/sweep.h results/sweep_file.c results/sweep_cells.c \
	results/sweep_run.c results/sweep_emit.c

# The chart scripts: `mmusim report` finds them by the rule of
# sim/installed.h (the installation's $(pkgdatadir)/plot, located from the
# program's own directory; the source tree's for the program of this build
# tree).  See find_plotdir() in results/report_gnuplot.c.
plotdir = $(pkgdatadir)/plot
dist_plot_DATA = results/plot/common.gp results/plot/bars.inc.gp \
	results/plot/walk_by_s2_levels.gp results/plot/overhead_by_config.gp \
	results/plot/missrate_vs_tlb_size.gp results/plot/walk_latency_cdf.gp \
	results/plot/refs_per_walk.gp results/plot/flush_policy.gp \
	results/plot/column_by_config.gp

dist_doc_DATA += results/SCHEMA.md
# READMEs of folders keep their folder's name.
resultsdocdir = $(docdir)/results
dist_resultsdoc_DATA = results/README.md

# same_results.sh: two programs write the same results and reports (for
# changes to this folder's code; not part of make check).
EXTRA_DIST += results/same_results.sh
