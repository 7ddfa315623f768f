/* sim/installed.c - finding installed files; see sim/installed.h. */
#include "sim/installed.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The staging root of this program: the directory of the executable less
 * its trailing @bindir ("" for an ordinary install); -1 if the executable
 * is not in a directory that ends with @bindir. */
static int staging_root(const char *bindir, char *root, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t blen = strlen(bindir);
	char *slash;

	if (len <= 0)
		return -1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = slash - exe;
	while (blen > 1 && bindir[blen - 1] == '/')
		blen--;
	if ((size_t)len < blen || strncmp(exe + len - blen, bindir, blen))
		return -1;
	exe[len - blen] = '\0';
	if (strlen(exe) + 1 > n)
		return -1;
	memcpy(root, exe, strlen(exe) + 1);
	return 0;
}

int mmusim_installed_file(const char *bindir, const char *dir, const char *name, char *buf,
			  size_t n)
{
	char root[PATH_MAX], staged[PATH_MAX + 256] = "";

	if (staging_root(bindir, root, sizeof(root)) == 0 && root[0]) {
		snprintf(staged, sizeof(staged), "%s%s/%s", root, dir, name);
		if (is_file(staged)) {
			snprintf(buf, n, "%s", staged);
			return 0;
		}
	}
	snprintf(buf, n, "%s/%s", dir, name);
	if (is_file(buf))
		return 0;
	if (staged[0])
		snprintf(buf, n, "%s or %s/%s", staged, dir, name);
	return -1;
}
