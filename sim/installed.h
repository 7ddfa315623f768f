/*
 * sim/installed.h - finding the files `make install` put beside the
 * program: the QEMU plugin of `mmusim record` in $(pkglibdir), the chart
 * scripts of `mmusim report` in $(pkgdatadir)/plot.  One rule, here, for
 * both.
 *
 * The installation's copy of a configured directory D is found from the
 * running program's own directory (/proc/self/exe) as $(bindir) is to D,
 * lexically: a program run where it was installed finds D itself; one
 * staged with `make install DESTDIR=/stage` (running as
 * /stage/usr/local/bin/mmusim, configured with bindir /usr/local/bin)
 * finds /stage/usr/local/lib/mmusim; an installation moved to another
 * prefix finds its own copy.
 *
 * The program of a build tree is not installed: it is the one file that
 * `make` built as $(abs_top_builddir)/mmusim (the same device and inode; a
 * copy elsewhere is not).  What it uses is its caller's choice: `mmusim
 * report` draws with the source tree's chart scripts, `mmusim record`
 * looks only at the configured $(pkglibdir).
 */
#ifndef MMUSIM_SIM_INSTALLED_H
#define MMUSIM_SIM_INSTALLED_H

#include <stdbool.h>
#include <stddef.h>

/* The installation directories an mmusim file can be in. */
enum installed_dir {
	INSTALLED_PKGLIBDIR,    /* $(pkglibdir): the QEMU plugin */
	INSTALLED_PKGDATADIR,   /* $(pkgdatadir): the chart scripts (plot/) */
};

/* installed_configured() - the directory @d as configure set it. */
const char *installed_configured(enum installed_dir d);

/**
 * installed_dir() - this program's installation's copy of directory @d,
 * by the rule above, followed by "/@sub" when @sub is given.
 * Return: 0; -1 if the program's own path is unknown (no /proc/self/exe):
 * @out is then the configured directory.
 */
int installed_dir(enum installed_dir d, const char *sub, char *out, size_t n);

/**
 * installed_source_tree() - the source tree of the build tree this program
 * was built in, when the running program is that build tree's mmusim;
 * NULL otherwise.
 */
const char *installed_source_tree(void);

/**
 * installed_file() - the path of the installed file @name of directory
 * @d: in this installation's copy of @d, else in the configured @d itself
 * (a staged installation uses its own copy first).  The program of a build
 * tree looks only in the configured @d.
 * @buf: receives the path of the file found, or, when none is, the places
 *       looked at ("A or B") for a message.
 * Return: 0 if found, -1 if not.
 */
int installed_file(enum installed_dir d, const char *name, char *buf, size_t n);

#endif /* MMUSIM_SIM_INSTALLED_H */
