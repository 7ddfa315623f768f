# tests/records.mk: what `mmusim run` makes of a trace's records and of its
# configuration keys: switch and TLBI records of a single trace, errors that
# name the file and the record, and every --help-config key checked for an
# effect.  tests/mktrace writes the native traces these scripts need.

check_PROGRAMS += tests/mktrace
TESTS += tests/run_trace_records.sh tests/run_config_keys.sh

tests_mktrace_SOURCES = tests/mktrace.c
tests_mktrace_LDADD = $(MMUSIM_LIBS)

EXTRA_DIST += tests/run_trace_records.sh tests/run_config_keys.sh
