/* sim/readfile.c - whole-file input and output; see sim/readfile.h. */
#include "sim/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *sim_input_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

int sim_read_file(const char *path, char **buf, size_t *len, struct sim_error *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 0, n = 0;
	char *b = NULL;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return sim_error_set(e, SIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (cap - n < 2) {
			char *nb;

			if (cap >= SIM_READ_FILE_MAX) {
				rc = sim_error_set(e, SIM_E_INVAL, "%s: larger than %zu MiB",
						   sim_input_name(path), SIM_READ_FILE_MAX >> 20);
				break;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap);
			if (!nb) {
				rc = sim_error_set(e, SIM_E_NOMEM, "%s: out of memory", sim_input_name(path));
				break;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = sim_error_set(e, SIM_E_IO, "%s: read error: %s",
						   sim_input_name(path), strerror(errno));
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* A device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place:
 * renaming a file over it would replace the node itself. */
static int write_in_place(const char *path, const char *text, size_t len, struct sim_error *e)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return sim_error_set(e, SIM_E_IO, "%s: cannot open: %s", path, strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int rc = sim_error_set(e, SIM_E_IO, "%s: write failed: %s", path,
					       w < 0 ? strerror(errno) : "nothing written");

			close(fd);
			return rc;
		}
		done += (size_t)w;
	}
	if (close(fd))
		return sim_error_set(e, SIM_E_IO, "%s: write failed: %s", path, strerror(errno));
	return 0;
}

bool sim_path_is_special(const char *path)
{
	struct stat st;

	return !stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int sim_write_file_atomic(const char *path, const char *text, size_t len, unsigned mode,
			  struct sim_error *e)
{
	size_t n = strlen(path) + sizeof(".tmp.XXXXXX");
	char *tmp;
	int fd, rc;
	bool ok;

	if (sim_path_is_special(path))
		return write_in_place(path, text, len, e);
	tmp = malloc(n);
	if (!tmp)
		return sim_error_set(e, SIM_E_NOMEM, "%s: out of memory", path);
	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = sim_error_set(e, SIM_E_IO, "%s: cannot create a temporary file beside it: %s",
				   path, strerror(errno));
		free(tmp);
		return rc;
	}
	ok = !fchmod(fd, (mode_t)mode) && write(fd, text, len) == (ssize_t)len && !fsync(fd);
	ok = !close(fd) && ok;
	if (!ok || rename(tmp, path)) {
		rc = sim_error_set(e, SIM_E_IO, "%s: write failed: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	return 0;
}
