/* tests/walk_fixture.c - see walk_fixture.h. */
#include "tests/walk_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "sim/err.h"

void wfx_mem_init(struct wfx_mem *m)
{
	memset(m, 0, sizeof(*m));
}

static int find(const struct wfx_mem *m, uint64_t pa)
{
	for (unsigned i = 0; i < m->n; i++)
		if (m->pa[i] == pa)
			return (int)i;
	return -1;
}

void wfx_set(struct wfx_mem *m, uint64_t pa, uint64_t val)
{
	int i = find(m, pa);

	if (pa & 7)
		abort();        /* a broken test, not a finding */
	if (i < 0) {
		if (m->n >= WFX_WORDS)
			abort();
		i = (int)m->n++;
		m->pa[i] = pa;
	}
	m->val[i] = val;
}

uint64_t wfx_get(const struct wfx_mem *m, uint64_t pa)
{
	int i = find(m, pa);

	return i < 0 ? 0 : m->val[i];
}

void wfx_reset_counts(struct wfx_mem *m)
{
	m->reads = m->writes = m->nlog = 0;
}

static void log_access(struct wfx_mem *m, uint64_t pa, bool write)
{
	if (m->nlog < WFX_LOG) {
		m->log[m->nlog].pa = pa;
		m->log[m->nlog].write = write;
		m->nlog++;
	}
}

static int mem_read(void *ctx, uint64_t pa, uint64_t *val)
{
	struct wfx_mem *m = ctx;

	if (pa & 7)
		return SIM_E_INVAL;
	if (m->fail && pa == m->fail_pa)
		return SIM_E_IO;
	m->reads++;
	log_access(m, pa, false);
	*val = wfx_get(m, pa);
	return 0;
}

static int mem_write(void *ctx, uint64_t pa, uint64_t val)
{
	struct wfx_mem *m = ctx;

	if (pa & 7)
		return SIM_E_INVAL;
	m->writes++;
	log_access(m, pa, true);
	wfx_set(m, pa, val);
	return 0;
}

struct mmu_mem wfx_mmu_mem(struct wfx_mem *m)
{
	struct mmu_mem mm = { .read = mem_read, .write = mem_write, .ctx = m };

	return mm;
}

static int io_fetch(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		    uint64_t *desc, struct mmu_fault *f)
{
	(void)p, (void)level, (void)f;
	return mem_read(ctx, addr, desc);
}

static int io_update(void *ctx, const struct walk_params *p, int level, uint64_t addr,
		     uint64_t val, struct mmu_fault *f)
{
	(void)p, (void)level, (void)f;
	return mem_write(ctx, addr, val);
}

struct walk_io wfx_walk_io(struct wfx_mem *m)
{
	struct walk_io io = { .fetch = io_fetch, .update = io_update, .ctx = m };

	return io;
}

uint64_t wfx_table(uint64_t next)
{
	return next | DESC_TYPE_TABLE;
}

uint64_t wfx_table_attrs(uint64_t next, unsigned aptable, bool uxntable, bool pxntable)
{
	uint64_t d = wfx_table(next) | FIELD_PREP(DESC_APTABLE, aptable);

	if (uxntable)
		d |= DESC_UXNTABLE;
	if (pxntable)
		d |= DESC_PXNTABLE;
	return d;
}

static uint64_t leaf_common(uint64_t oa, unsigned flags)
{
	uint64_t d = oa | FIELD_PREP(DESC_SH, 3);

	if (!(flags & WFX_NO_AF))
		d |= DESC_AF;
	if (flags & WFX_DBM)
		d |= DESC_DBM;
	return d;
}

static uint64_t s1_leaf(uint64_t oa, unsigned ap, unsigned flags)
{
	uint64_t d = leaf_common(oa, flags) | FIELD_PREP(DESC_AP, ap);

	if (flags & WFX_NG)
		d |= DESC_NG;
	return d;
}

static uint64_t s2_leaf(uint64_t oa, unsigned s2ap, unsigned flags)
{
	return leaf_common(oa, flags) | FIELD_PREP(DESC_S2AP, s2ap) |
	       FIELD_PREP(DESC_S2_MEMATTR, (flags & WFX_DEVICE) ? 0x0 : 0xf);
}

uint64_t wfx_s1_page(uint64_t oa, unsigned ap, unsigned flags)
{
	return s1_leaf(oa, ap, flags) | DESC_TYPE_TABLE;
}

uint64_t wfx_s1_block(uint64_t oa, unsigned ap, unsigned flags)
{
	return s1_leaf(oa, ap, flags) | DESC_TYPE_BLOCK;
}

uint64_t wfx_s2_page(uint64_t oa, unsigned s2ap, unsigned flags)
{
	return s2_leaf(oa, s2ap, flags) | DESC_TYPE_TABLE;
}

uint64_t wfx_s2_block(uint64_t oa, unsigned s2ap, unsigned flags)
{
	return s2_leaf(oa, s2ap, flags) | DESC_TYPE_BLOCK;
}
