/*
 * sim/stats.c - the statistics registry (see sim/stats.h for the model).
 *
 * Representation: one flat array of entries in registration order.  Each
 * counter of a registered block becomes its own entry with its full dotted
 * name, a pointer to the component's counter and the snapshot base.  Ratios
 * refer to their counters by index; histograms keep a copy of their buckets
 * at the snapshot.  Lookups by name are linear: registration happens once,
 * and emitters iterate in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/stats.h"

struct stats_entry {
	char *name;
	enum stats_kind kind;
	/* STATS_COUNTER */
	const uint64_t *value;  /* NULL: absent, reads 0 */
	uint64_t base;
	/* STATS_RATIO */
	size_t num, den;
	uint64_t mul, div;
	/* STATS_HIST */
	const struct stats_hist *hist;
	uint64_t *hbase;        /* limit + 1 buckets at the snapshot, or NULL */
	uint64_t hbase_sum;
};

/* Top-level JSON keys the emitters write themselves. */
static const char *const reserved[] = {
	"config", "mmusim_version", "complete", "incomplete_reason", "command",
};

int stats_hist_init(struct stats_hist *h, uint64_t limit)
{
	memset(h, 0, sizeof(*h));
	if (!limit || limit > (UINT64_C(1) << 32))
		return SIM_E_INVAL;
	h->bucket = calloc(limit + 1, sizeof(*h->bucket));
	if (!h->bucket)
		return SIM_E_NOMEM;
	h->limit = limit;
	return 0;
}

void stats_hist_free(struct stats_hist *h)
{
	free(h->bucket);
	memset(h, 0, sizeof(*h));
}

void stats_init(struct stats_registry *reg)
{
	memset(reg, 0, sizeof(*reg));
}

void stats_free(struct stats_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		free(reg->e[i].name);
		free(reg->e[i].hbase);
	}
	free(reg->e);
	memset(reg, 0, sizeof(*reg));
}

static bool component_ok(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool dotted_ok(const char *s)
{
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);

		if (!component_ok(s, n))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/* a is b, or a is a dotted prefix of b */
static bool is_prefix_of(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && b[n] == '.';
}

static int check_name(const struct stats_registry *reg, const char *name,
		      struct sim_error *err)
{
	size_t first = strcspn(name, ".");

	if (!dotted_ok(name))
		return sim_error_set(err, SIM_E_INVAL, "statistic '%s': expected dotted "
				     "components of letters, digits and '_'", name);
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		if (strlen(reserved[i]) == first && !strncmp(name, reserved[i], first))
			return sim_error_set(err, SIM_E_INVAL, "statistic '%s': '%s' is "
					     "reserved for the emitters", name, reserved[i]);
	for (size_t i = 0; i < reg->n; i++) {
		const char *other = reg->e[i].name;

		if (!strcmp(other, name))
			return sim_error_set(err, SIM_E_INVAL, "statistic '%s' registered "
					     "twice", name);
		if (is_prefix_of(other, name) || is_prefix_of(name, other))
			return sim_error_set(err, SIM_E_INVAL, "statistic '%s' conflicts "
					     "with '%s': a name cannot be both a value "
					     "and a group", name, other);
	}
	return 0;
}

static struct stats_entry *add_entry(struct stats_registry *reg, const char *name,
				     struct sim_error *err)
{
	struct stats_entry *e;

	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 32;
		struct stats_entry *ne = realloc(reg->e, cap * sizeof(*ne));

		if (!ne) {
			sim_error_set(err, SIM_E_NOMEM, "statistics registry: out of memory");
			return NULL;
		}
		reg->e = ne;
		reg->cap = cap;
	}
	e = &reg->e[reg->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (!e->name) {
		sim_error_set(err, SIM_E_NOMEM, "statistics registry: out of memory");
		return NULL;
	}
	reg->n++;
	return e;
}

int stats_register(struct stats_registry *reg, const char *prefix,
		   const char *const names[], const uint64_t *values, size_t n,
		   struct sim_error *err)
{
	size_t start = reg->n;
	char full[256];
	int rc;

	if (!prefix)
		prefix = "";
	for (size_t i = 0; i < n; i++) {
		struct stats_entry *e;

		if (strchr(names[i], '.') || !names[i][0]) {
			rc = sim_error_set(err, SIM_E_INVAL, "statistic '%s' in block '%s': "
					   "a counter name is one component", names[i], prefix);
			goto undo;
		}
		if ((size_t)snprintf(full, sizeof(full), "%s%s%s", prefix, prefix[0] ? "." : "",
				     names[i]) >= sizeof(full)) {
			rc = sim_error_set(err, SIM_E_INVAL, "statistic '%s.%s': name too long",
					   prefix, names[i]);
			goto undo;
		}
		rc = check_name(reg, full, err);
		if (rc)
			goto undo;
		e = add_entry(reg, full, err);
		if (!e) {
			rc = SIM_E_NOMEM;
			goto undo;
		}
		e->kind = STATS_COUNTER;
		e->value = values ? &values[i] : NULL;
		e->base = reg->have_snapshot && values ? values[i] : 0;
	}
	return 0;
undo:
	/* a block registers completely or not at all */
	while (reg->n > start)
		free(reg->e[--reg->n].name);
	return rc;
}

int stats_register_hist(struct stats_registry *reg, const char *name,
			const struct stats_hist *h, struct sim_error *err)
{
	struct stats_entry *e;
	int rc;

	if (!h->bucket || !h->limit)
		return sim_error_set(err, SIM_E_INVAL, "histogram '%s': not initialised", name);
	rc = check_name(reg, name, err);
	if (rc)
		return rc;
	e = add_entry(reg, name, err);
	if (!e)
		return SIM_E_NOMEM;
	e->kind = STATS_HIST;
	e->hist = h;
	if (reg->have_snapshot) {
		e->hbase = malloc((h->limit + 1) * sizeof(*e->hbase));
		if (!e->hbase) {
			free(e->name);
			reg->n--;
			return sim_error_set(err, SIM_E_NOMEM, "histogram '%s': out of memory",
					     name);
		}
		memcpy(e->hbase, h->bucket, (h->limit + 1) * sizeof(*e->hbase));
		e->hbase_sum = h->sum;
	}
	return 0;
}

long stats_find(const struct stats_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->n; i++)
		if (!strcmp(reg->e[i].name, name))
			return (long)i;
	return -1;
}

int stats_register_ratio(struct stats_registry *reg, const char *name,
			 const char *num, const char *den, uint64_t mul, uint64_t div,
			 struct sim_error *err)
{
	long in = stats_find(reg, num), id = stats_find(reg, den);
	struct stats_entry *e;
	int rc;

	if (in < 0 || reg->e[in].kind != STATS_COUNTER)
		return sim_error_set(err, SIM_E_INVAL, "ratio '%s': numerator '%s' is not a "
				     "registered counter", name, num);
	if (id < 0 || reg->e[id].kind != STATS_COUNTER)
		return sim_error_set(err, SIM_E_INVAL, "ratio '%s': denominator '%s' is not "
				     "a registered counter", name, den);
	if (!mul || !div)
		return sim_error_set(err, SIM_E_INVAL, "ratio '%s': scale factors must be "
				     "at least 1", name);
	rc = check_name(reg, name, err);
	if (rc)
		return rc;
	e = add_entry(reg, name, err);
	if (!e)
		return SIM_E_NOMEM;
	e->kind = STATS_RATIO;
	e->num = (size_t)in;
	e->den = (size_t)id;
	e->mul = mul;
	e->div = div;
	return 0;
}

int stats_snapshot(struct stats_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct stats_entry *e = &reg->e[i];

		if (e->kind == STATS_COUNTER) {
			e->base = e->value ? *e->value : 0;
		} else if (e->kind == STATS_HIST) {
			size_t nb = (size_t)e->hist->limit + 1;

			if (!e->hbase) {
				e->hbase = malloc(nb * sizeof(*e->hbase));
				if (!e->hbase)
					return SIM_E_NOMEM;
			}
			memcpy(e->hbase, e->hist->bucket, nb * sizeof(*e->hbase));
			e->hbase_sum = e->hist->sum;
		}
	}
	reg->have_snapshot = true;
	return 0;
}

void stats_reset(struct stats_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct stats_entry *e = &reg->e[i];

		e->base = 0;
		free(e->hbase);
		e->hbase = NULL;
		e->hbase_sum = 0;
	}
	reg->have_snapshot = false;
}

size_t stats_count(const struct stats_registry *reg)
{
	return reg->n;
}

static uint64_t counter_since(const struct stats_entry *e)
{
	return e->value ? *e->value - e->base : 0;
}

uint64_t stats_hist_bucket(const struct stats_registry *reg, size_t i, uint64_t b)
{
	const struct stats_entry *e;

	if (i >= reg->n || reg->e[i].kind != STATS_HIST)
		return 0;
	e = &reg->e[i];
	if (b > e->hist->limit)
		return 0;
	return e->hist->bucket[b] - (e->hbase ? e->hbase[b] : 0);
}

int stats_percentile(const uint64_t *bucket, size_t nbuckets, unsigned permille,
		     uint64_t *value)
{
	unsigned __int128 total = 0, rank, seen = 0;

	if (!permille || permille > 1000)
		return SIM_E_INVAL;
	for (size_t i = 0; i < nbuckets; i++)
		total += bucket[i];
	if (!total)
		return SIM_E_INVAL;
	/* nearest rank: ceil(permille * total / 1000), at least 1 */
	rank = (total * permille + 999) / 1000;
	if (!rank)
		rank = 1;
	for (size_t i = 0; i < nbuckets; i++) {
		seen += bucket[i];
		if (seen >= rank) {
			*value = i;
			return 0;
		}
	}
	return SIM_E_INVAL;     /* not reached: seen == total >= rank */
}

/* Nearest-rank percentile of histogram entry i, whose total count is n > 0. */
static uint64_t hist_percentile(const struct stats_registry *reg, size_t i, uint64_t n,
				unsigned permille)
{
	uint64_t limit = reg->e[i].hist->limit;
	unsigned __int128 rank = ((unsigned __int128)n * permille + 999) / 1000, seen = 0;

	for (uint64_t b = 0; b <= limit; b++) {
		seen += stats_hist_bucket(reg, i, b);
		if (seen >= rank)
			return b;
	}
	return limit;
}

static void hist_summary(const struct stats_registry *reg, size_t i,
			 struct stats_hist_summary *s, bool *defined)
{
	const struct stats_entry *e = &reg->e[i];

	memset(s, 0, sizeof(*s));
	s->limit = e->hist->limit;
	s->sum = e->hist->sum - e->hbase_sum;
	for (uint64_t b = 0; b <= s->limit; b++)
		s->count += stats_hist_bucket(reg, i, b);
	s->overflow = stats_hist_bucket(reg, i, s->limit);
	*defined = s->count != 0;
	if (!*defined)
		return;
	s->mean = (double)s->sum / (double)s->count;
	s->p50 = hist_percentile(reg, i, s->count, 500);
	s->p95 = hist_percentile(reg, i, s->count, 950);
	s->p99 = hist_percentile(reg, i, s->count, 990);
	s->p50_over = s->p50 == s->limit;
	s->p95_over = s->p95 == s->limit;
	s->p99_over = s->p99 == s->limit;
}

void stats_get(const struct stats_registry *reg, size_t i, struct stats_item *out)
{
	const struct stats_entry *e = &reg->e[i];

	memset(out, 0, sizeof(*out));
	out->name = e->name;
	out->kind = e->kind;
	switch (e->kind) {
	case STATS_COUNTER:
		out->value = counter_since(e);
		out->warmup = e->base;
		out->defined = true;
		out->absent = !e->value;
		break;
	case STATS_RATIO: {
		uint64_t num = counter_since(&reg->e[e->num]);
		uint64_t den = counter_since(&reg->e[e->den]);

		out->defined = den != 0;
		if (out->defined)
			out->ratio = ((double)num * (double)e->mul) /
				     ((double)den * (double)e->div);
		break;
	}
	case STATS_HIST:
		hist_summary(reg, i, &out->hist, &out->defined);
		break;
	}
}
