# doc/: the manual page, and the documents installed under $(docdir) (the
# README and the format documents, wherever they live in the tree).

dist_man_MANS = doc/mmusim.1
dist_doc_DATA = README workloads/FORMAT.md workloads/CHAMPSIM.md \
	workloads/WORKLOADS.md workloads/GENERATORS.md sim/CONFIG.md \
	results/SCHEMA.md doc/walk-scenario.md
# READMEs of folders keep their folder's name.
resultsdocdir = $(docdir)/results
dist_resultsdoc_DATA = results/README.md
plugindocdir = $(docdir)/qemu-plugin
dist_plugindoc_DATA = qemu-plugin/README.md

# The manual against the program: every command, option, configuration
# section and key; rendering without warnings.
TESTS += tests/run_manpage.sh
EXTRA_DIST += tests/run_manpage.sh tests/install_check.sh
