# sim/config.mk: configuration, presets, the INI reader and the value
# parser of every input file, and the statistics registry (sim/config.*,
# sim/presets.c, sim/ini.*, sim/parse.*, sim/stats.*), their tests and
# those of the emitters (results/emit.*).

libmmusim_a_SOURCES += \
	sim/config.h sim/config_impl.h sim/config.c sim/config_table.c \
	sim/config_check.c sim/config_echo.c sim/presets.c \
	sim/ini.h sim/ini.c sim/parse.h sim/parse.c \
	sim/stats.h sim/stats.c

EXTRA_DIST += sim/CONFIG.md \
	tests/data/config/good.ini tests/data/config/unknown_key.ini \
	tests/data/config/unknown_section.ini tests/data/config/out_of_range.ini \
	tests/data/config/syntax.ini tests/data/config/level_before_list.ini \
	tests/data/config/bad_geometry.ini

check_PROGRAMS += tests/test_config tests/test_stats tests/test_emit \
	tests/test_ini tests/test_parse
TESTS += tests/test_config tests/test_stats tests/test_emit \
	tests/test_ini tests/test_parse

tests_test_ini_SOURCES = tests/test_ini.c
tests_test_ini_CFLAGS = $(TEST_CFLAGS)
tests_test_ini_LDADD = $(TEST_LIBS)

tests_test_parse_SOURCES = tests/test_parse.c
tests_test_parse_CFLAGS = $(TEST_CFLAGS)
tests_test_parse_LDADD = $(TEST_LIBS)

tests_test_config_SOURCES = tests/test_config.c
tests_test_config_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCONFIG_TEST_DATA='"$(abs_top_srcdir)/tests/data/config"'
tests_test_config_CFLAGS = $(TEST_CFLAGS)
tests_test_config_LDADD = $(TEST_LIBS)

tests_test_stats_SOURCES = tests/test_stats.c
tests_test_stats_CFLAGS = $(TEST_CFLAGS)
tests_test_stats_LDADD = $(TEST_LIBS)

tests_test_emit_SOURCES = tests/test_emit.c
tests_test_emit_CFLAGS = $(TEST_CFLAGS)
tests_test_emit_LDADD = $(TEST_LIBS)
