/*
 * tests/fuzz/fuzz_results.c - libFuzzer target of the readers of result
 * files (`mmusim report`, `mmusim sweep`): the JSON reader (results/json_read.c)
 * and the result loader (results/report_data.c), which takes a JSON result of
 * `mmusim run` or a CSV of result rows, then labels the results and writes
 * them as CSV (to /dev/null).
 *
 * Every input goes through json_parse() (the tree is walked and freed).
 * Input that starts like JSON also goes through rd_load_json_text(); other
 * input is written to a scratch file and loaded with rd_load(), the only
 * way in for CSV text.  Each result is loaded twice so that rd_label()
 * compares two results.
 *
 * Static state: the /dev/null stream and the scratch file's name, made
 * once per process (the file is removed at exit).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/json_read.h"
#include "results/report_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_RESULTS_MAX_LEN 65536

static char scratch[64];

static void remove_scratch(void)
{
	if (scratch[0])
		unlink(scratch);
}

static size_t walk(const struct json_value *v, unsigned depth)
{
	size_t n = 1;

	if (depth > JSON_MAX_DEPTH + 1)
		abort();        /* deeper than the reader promises */
	if (v->type == JSON_NUMBER || v->type == JSON_STRING) {
		if (!v->text)
			abort();
		n += strlen(v->text);
	}
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->type == JSON_OBJECT && !json_get(v, v->keys[i]))
				abort();
			n += walk(&v->items[i], depth + 1);
		}
	}
	return n;
}

static int write_scratch(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!scratch[0]) {
		int fd;

		strcpy(scratch, "/tmp/mmusim-fuzz-results.XXXXXX");
		fd = mkstemp(scratch);
		if (fd < 0) {
			scratch[0] = '\0';
			return -1;
		}
		close(fd);
		atexit(remove_scratch);
	}
	if (!(f = fopen(scratch, "wb")))
		return -1;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct json_value *root = NULL;
	struct sim_error e = { 0 };
	struct rd_set set = { 0 };
	const char *text = (const char *)data;
	size_t i = 0;
	int rc = 0;

	if (size > FUZZ_RESULTS_MAX_LEN)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	if (!json_parse(text, size, "fuzz.json", &root, &e)) {
		walk(root, 0);
		json_free(root);
	} else if (e.code >= 0) {
		abort();
	}

	while (i < size && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r'))
		i++;
	for (int copy = 0; copy < 2 && !rc; copy++) {
		if (i < size && text[i] == '{')
			rc = rd_load_json_text(&set, text, size, "fuzz.json", &e);
		else if (!write_scratch(data, size))
			rc = rd_load(&set, scratch, &e);
		else
			rc = -1;
	}
	if (set.n && !rd_label(&set)) {
		const char **names;
		size_t n;

		for (size_t k = 0; k < set.n; k++) {
			double v;

			(void)rd_get(&set.r[k], "accesses");
			(void)rd_num(&set.r[k], "accesses", &v);
			(void)rd_hist_find(&set.r[k], "walk_memory_refs");
			if (set.r[k].argv)
				rd_shell_quote(devnull, set.r[k].argv);
		}
		if (!rd_columns(&set, &names, &n))
			free(names);
		rd_write_csv(devnull, &set, NULL, 0, &e);
	}
	rd_free(&set);
	return 0;
}
