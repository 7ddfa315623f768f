/*
 * sim/installed.h - finding the files `make install` put beside the program
 * (the QEMU plugin in $(pkglibdir), for one).
 *
 * An installed mmusim looks for them where it was configured to install
 * them, and also relative to its own executable, so that a staged install
 * (`make install DESTDIR=/stage`) works as it stands: a program that runs as
 * /stage/usr/local/bin/mmusim and was configured with bindir /usr/local/bin
 * looks in /stage/usr/local/lib/mmusim before /usr/local/lib/mmusim.  A
 * program run from a build tree finds only the installed files.
 */
#ifndef MMUSIM_SIM_INSTALLED_H
#define MMUSIM_SIM_INSTALLED_H

#include <stddef.h>

/**
 * mmusim_installed_file() - the path of an installed file.
 * @bindir: the configured bindir (where this program is installed).
 * @dir:    the configured directory of the file, e.g. $(pkglibdir).
 * @name:   the file's name in @dir.
 * @buf:    receives the path of the file found, or, when none is, the
 *          places looked at ("A or B") for a message.
 *
 * Return: 0 if found, -1 if not.
 */
int mmusim_installed_file(const char *bindir, const char *dir, const char *name, char *buf,
			  size_t n);

#endif /* MMUSIM_SIM_INSTALLED_H */
