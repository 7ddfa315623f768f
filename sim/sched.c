/*
 * sim/sched.c - the schedule of a workload run: the CPUs' turns, their run
 * queues of processes, the handlers of system calls and VM exits, the
 * periodic page invalidations, the control records of a trace-driven run,
 * and the construction of the run (sim_create_workload(),
 * sim_create_spaces()).  The VMs, spaces and switches they use are
 * sim/virt.c's.
 *
 *  - A VM exit (every exit_every guest accesses of a CPU): world switch to
 *    the host, the hypervisor's handler (exit_accesses over [host]
 *    hyp_footprint), the host kernel's part (exit_host_accesses over the
 *    host kernel), and the guest entry back.
 *  - A system call (every syscall_every accesses of a process):
 *    syscall_accesses over its kernel's footprint, in the kernel half
 *    (TTBR1), in the process's context, at EL1.
 *  - A page invalidation (every tlbi_every accesses of a process): TLBI
 *    VALE1IS of the page of its last data access, in its context.
 *  - Scheduling: each CPU runs its run queue round-robin, switching after
 *    quantum accesses of the current process (not when it is alone); the
 *    CPUs take turns of `slice` accesses; a process whose source ends
 *    leaves the queue.  A system call or an exit is a handler that runs in
 *    the same turns (so it counts against the slice and [workload]
 *    accesses, and can be cut short by the latter).  The kernel streams
 *    are the model's own, not processes of the workload.
 *  - Driven by records instead (sim_step()), each record runs on the CPU
 *    it names; a CPU runs the workload's first process until its first
 *    switch record; the scheduler and the periodic events do not run.
 *  - A record in the kernel half (VA bit 55) is a kernel access (EL1).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/bits.h"
#include "sim/sim_impl.h"

/* ---- kernel entries, exits, invalidations ---- */

/* Replay @n accesses of @g on @cpu in its current context. */
static int run_stream(struct sim_cpu *cpu, struct gen *g, uint64_t n, struct sim_error *err)
{
	struct sim_wcpu *wc = &cpu->sim->wl->cpu[cpu->index];
	size_t at;

	while (n) {
		int k = gen_next_batch(g, wc->hbuf, n < WL_HBUF ? (size_t)n : WL_HBUF);
		int rc;

		if (k <= 0)
			break;
		if ((rc = sim_cpu_replay(cpu, wc->hbuf, (size_t)k, &at, err)))
			return rc;
		n -= (uint64_t)k;
	}
	return 0;
}

/*
 * Kernel and hypervisor work is a handler: a stream of accesses in a
 * context, run in turns like the processes' records (so that it counts
 * against the CPU's slice and [workload] accesses, and a long one does not
 * hold up the other CPUs), then what follows it.
 */

/* A system call of the process @cpu runs: its kernel's stream at EL1. */
static int start_syscall(struct sim_cpu *cpu, uint64_t n, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	w->ev[WL_E_SYSCALLS]++;
	if ((rc = sim_vm_kgen(cpu->sim, wc->running->vm, cpu->index, &wc->hgen, err)))
		return rc;
	cpu->el = 1;
	wc->hstate = H_SYSCALL;
	wc->hleft = n;
	return 0;
}

/* A VM exit of the guest @cpu runs: the world switch and the hypervisor's
 * handler (EL2 regime, or the host at EL2&0). */
static int start_exit(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	w->ev[WL_E_EXITS]++;
	sim_world_switch(cpu, NULL);
	sim_enter_context(cpu, w->hyp ? w->hyp : wc->loaded->vmm, 2);
	if (!wc->hyp_gen &&
	    (rc = sim_kgen_create(&w->hyp_stream, w->hyp_base,
			      w->w->seed * 7919 + 65521 + cpu->index, &wc->hyp_gen, err)))
		return rc;
	wc->hgen = wc->hyp_gen;
	wc->hstate = H_EXIT_HYP;
	wc->hleft = wc->loaded->exit_accesses;
	return 0;
}

/* The handler of @cpu has run to its end: what comes next. */
static int handler_done(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct sim_vm *vm = wc->loaded;
	int rc;

	switch (wc->hstate) {
	case H_SYSCALL:
		cpu->el = 0;
		break;
	case H_EXIT_HYP:
		if (vm->exit_host_accesses) {
			/* the host kernel's part, in the VMM's context */
			sim_enter_context(cpu, vm->vmm, w->vhe ? 2 : 1);
			if ((rc = sim_vm_kgen(s, w->vms[0], cpu->index, &wc->hgen, err)))
				return rc;
			wc->hstate = H_EXIT_HOST;
			wc->hleft = vm->exit_host_accesses;
			return 0;
		}
		/* fall through */
	case H_EXIT_HOST:
		if ((rc = sim_guest_entry(cpu, vm, err)))
			return rc;
		sim_enter_context(cpu, wc->running, 0);
		break;
	case H_NONE:
		break;
	}
	wc->hstate = H_NONE;
	return 0;
}


/* The process's page invalidation: TLBI VALE1IS of its last data page. */
static int do_page_tlbi(struct sim_cpu *cpu, uint64_t va, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct tlb_match m;
	int rc;

	w->ev[WL_E_PAGE_TLBI]++;
	if ((rc = sim_tlbi_from(cpu, TLBI_VALE1, cpu->mctx.asid, va, &m, err)))
		return rc;
	sim_maint_all(cpu, &m, true);
	return 0;
}

static int first_space(struct sim_cpu *cpu, struct sim_error *err);

/* The space a CPU runs until its first switch record: the workload's first
 * process, or the host's process 1. */
static void first_proc(const struct sim_wl *w, struct sim_vm **vm, uint32_t *id)
{
	*vm = w->vms[0];
	*id = 1;
	if (w->w->nprocs) {
		const struct wl_proc *pr = &w->w->procs[0];

		*vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		*id = pr->id;
	}
}

int sim_wl_control(struct sim_cpu *cpu, const struct trace_rec *r, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	struct sim_space *sp;
	struct sim_vm *vm;
	uint32_t id;
	int rc;

	s->c[SIM_C_CONTROL]++;
	/* before its first switch a CPU runs the first process */
	first_proc(w, &vm, &id);
	if (wc->running) {
		vm = wc->running->vm;
		id = wc->running->id;
	}
	switch (r->kind) {
	case TRACE_CTX_SWITCH:
		/* stage 1 off: the VM's processes share its IPA space and VMID */
		if (w->s2only) {
			if (!wc->running && (rc = first_space(cpu, err)))
				return rc;
			break;
		}
		if ((rc = sim_space_get(s, vm, r->space, &sp, err)) || (rc = sim_switch_to(cpu, sp, err)))
			return rc;
		break;
	case TRACE_VM_SWITCH:
		if (w->s2only && !r->vm)
			return sim_error_set(err, SIM_E_INVAL, "a switch to VM 0, the host, in "
					     "run.mode = s2only (addresses are IPAs of a VM)");
		if ((rc = sim_vm_get(s, r->vm, &vm, err)) || (rc = sim_space_get(s, vm, id, &sp, err)) ||
		    (rc = sim_switch_to(cpu, sp, err)))
			return rc;
		break;
	case TRACE_TLBI: {
		enum tlbi_op op = (enum tlbi_op)r->tlbi.op;
		uint16_t asid = r->tlbi.asid;
		struct tlb_match m;

		if (!wc->running)
			return sim_error_set(err, SIM_E_INVAL, "CPU %u: a TLBI before any "
					     "context switch", cpu->index);
		/* the operand names a space of the current VM */
		sp = sim_space_find(wc->running->vm, asid);
		if (sp)
			asid = sp->asid;
		if ((rc = sim_tlbi_from(cpu, op, asid, r->va, &m, err)))
			return rc;
		s->c[SIM_C_TLBI]++;
		if (r->tlbi.flags & TLBI_F_IS)
			sim_maint_all(cpu, &m, tlbi_is_last_level(op));
		else
			sim_maint_local(cpu, &m, tlbi_is_last_level(op));
		break;
	}
	default:
		break;
	}
	/* the records of the task being replayed switched: it runs there now */
	if (wc->nrq && wc->running)
		wc->rq[wc->cur]->cur = wc->running;
	return 0;
}

/* The old VMID scheme's kick: a CPU told to leave its guest re-enters it
 * (its VM then takes a number of the new generation). */
static int kick_check(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim_wl *w = cpu->sim->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	if (!wc->kicked || !wc->loaded || !wc->running || wc->running->vm != wc->loaded)
		return 0;
	w->ev[WL_E_KICKS]++;
	sim_world_switch(cpu, NULL);
	if ((rc = sim_guest_entry(cpu, wc->loaded, err)))
		return rc;
	sim_enter_context(cpu, wc->running, 0);
	return 0;
}

/* Before its first switch record, a CPU runs the first process
 * (first_proc()). */
static int first_space(struct sim_cpu *cpu, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_vm *vm;
	uint32_t id;
	struct sim_space *sp;
	int rc;

	first_proc(s->wl, &vm, &id);
	if ((rc = sim_space_get(s, vm, id, &sp, err)))
		return rc;
	return sim_switch_to(cpu, sp, err);
}

int sim_wl_step(struct sim *s, const struct trace_rec *recs, size_t n, struct sim_error *err)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = recs[i].cpu;
		size_t j = i + 1, at = 0;
		int rc;

		if (c >= s->ncpus) {
			s->step_failed_at = i;
			if (s->wl->traced)
				return sim_error_set(err, SIM_E_INVAL, "record for CPU %u: a single "
						     "trace runs on one CPU; give a workload of "
						     "[workload] cpus = %u with --workload", c, c + 1);
			return sim_error_set(err, SIM_E_INVAL, "record for CPU %u; the workload has %u",
					     c, s->ncpus);
		}
		while (j < n && recs[j].cpu == c)
			j++;
		/* an access or a TLBI before any switch: the first process */
		if (!s->wl->cpu[c].running && recs[i].kind != TRACE_CTX_SWITCH &&
		    recs[i].kind != TRACE_VM_SWITCH && (rc = first_space(&s->cpu[c], err))) {
			s->step_failed_at = i;
			return rc;
		}
		if ((rc = kick_check(&s->cpu[c], err))) {
			s->step_failed_at = i;
			return rc;
		}
		if ((rc = sim_cpu_replay(&s->cpu[c], recs + i, j - i, &at, err))) {
			s->step_failed_at = i + at;
			return rc;
		}
		i = j;
	}
	return 0;
}

/* ---- construction of a workload run ---- */

void sim_wl_destroy(struct sim *s)
{
	struct sim_wl *w = s->wl;

	if (!w)
		return;
	for (size_t i = 0; i < w->ntasks; i++) {
		trace_reader_close(w->tasks[i].rd);
		gen_destroy(w->tasks[i].g);
		free(w->tasks[i].buf);
	}
	free(w->tasks);
	if (w->cpu)
		for (unsigned i = 0; i < s->ncpus; i++) {
			free(w->cpu[i].rq);
			free(w->cpu[i].hbuf);
			gen_destroy(w->cpu[i].hyp_gen);
		}
	free(w->cpu);
	sim_virt_destroy(s);
	free(w->tlb_sum);
	if (w->owned) {
		workload_free(w->owned);
		free(w->owned);
	}
	free(w);
	s->wl = NULL;
}

/* @traced: the single trace's workload of sim_create_spaces(). */
static int wl_build(struct sim *s, const struct workload *wl, bool traced, struct sim_error *err)
{
	const struct sim_config *c = &s->cfg;
	const struct cfg_policy *pol = &c->policy;
	struct sim_wl *w;
	unsigned k = 0;
	int rc;

	w = s->wl = calloc(1, sizeof(*w));
	if (!w)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	w->w = wl;
	w->traced = traced;
	w->limit = wl->accesses;
	w->slice = wl->slice;
	w->native = c->run.mode == CFG_MODE_NATIVE;
	w->s2only = c->run.mode == CFG_MODE_S2ONLY;
	w->vhe = pol->vhe;
	w->tagging = pol->vmid_tagging || w->native;
	w->kernel_global = pol->kernel_global;
	w->cpu = calloc(s->ncpus, sizeof(*w->cpu));
	w->tlb_sum = calloc(s->cpu[0].tlbs.ntlbs, sizeof(*w->tlb_sum));
	if (!w->cpu || !w->tlb_sum)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if ((rc = sim_virt_build(s, wl, err)))
		return rc;
	for (size_t i = 0; i < wl->nprocs; i++)
		if (wl->procs[i].source != WL_SRC_NONE)
			w->ntasks++;
	/* the CPUs' run queues and handler streams */
	w->tasks = calloc(w->ntasks ? w->ntasks : 1, sizeof(*w->tasks));
	if (!w->tasks)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	for (unsigned i = 0; i < s->ncpus; i++) {
		struct sim_wcpu *wc = &w->cpu[i];

		wc->quantum = wc->quantum_left = wl->cpu[i].quantum;
		wc->rq = calloc(w->ntasks ? w->ntasks : 1, sizeof(*wc->rq));
		wc->hbuf = malloc(WL_HBUF * sizeof(*wc->hbuf));
		if (!wc->rq || !wc->hbuf)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	}
	w->ntasks = 0;
	for (size_t i = 0; i < wl->nprocs; i++) {
		const struct wl_proc *pr = &wl->procs[i];
		struct sim_vm *vm = w->vms[pr->vm < 0 ? 0 : (size_t)pr->vm + 1];
		struct sim_task *t = &w->tasks[w->ntasks];
		unsigned cpu;

		if (pr->source == WL_SRC_NONE)
			continue;
		cpu = pr->cpu >= 0 ? (unsigned)pr->cpu : k++ % s->ncpus;
		w->ntasks++;
		t->name = pr->name;
		t->home = t->cur = sim_space_find(vm, pr->id);
		t->syscall_every = t->syscall_left = pr->syscall_every;
		t->syscall_accesses = pr->syscall_accesses;
		t->tlbi_every = t->tlbi_left = pr->tlbi_every;
		t->buf = malloc(WL_BUF * sizeof(*t->buf));
		if (!t->buf)
			return sim_error_set(err, SIM_E_NOMEM, "out of memory");
		if (pr->source == WL_SRC_TRACE) {
			struct trace_open_opts to = { .format = pr->trace_format };
			struct sim_error te = { 0 };

			t->file = pr->trace;
			if ((rc = trace_reader_open_opts(&t->rd, pr->trace, &to, &te)))
				return sim_error_set(err, rc, "%s:%u: [proc.%s]: %s", wl->origin, pr->line,
						     pr->name, te.msg);
		} else if ((rc = gen_create(&t->g, &pr->gen, err))) {
			return rc;
		}
		w->cpu[cpu].rq[w->cpu[cpu].nrq++] = t;
	}
	return 0;
}

static int create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			   bool traced, struct sim_error *err)
{
	struct sim *s;
	unsigned s2_granules = (unsigned)BIT(cfg->stage2.granule_shift);
	int rc;

	*sp = NULL;
	/* a scheduled workload runs system calls and kernel streams, which
	 * need stage 1; a trace's records do not */
	if (cfg->run.mode == CFG_MODE_S2ONLY && !traced)
		return sim_error_set(err, SIM_E_CONFIG, "a workload runs in run.mode native or virt, "
				     "not s2only");
	for (size_t i = 0; i < wl->nvms; i++)
		if (wl->vms[i].granule_shift)
			s2_granules |= (unsigned)BIT(wl->vms[i].granule_shift);
	if ((rc = sim_alloc(&s, cfg, wl->ncpus, true, err)))
		goto fail;
	for (unsigned i = 0; i < wl->ncpus; i++)
		if ((rc = sim_build_cpu(s, i, s2_granules, err)))
			goto fail;
	s->page_shift = cfg->run.mode == CFG_MODE_S2ONLY ? cfg->stage2.granule_shift
							 : cfg->stage1.granule_shift;
	if ((rc = wl_build(s, wl, traced, err)) || (rc = sim_register_stats(s, err)))
		goto fail;
	*sp = s;
	return 0;
fail:
	sim_destroy(s);
	return rc;
}

int sim_create_workload(struct sim **sp, const struct sim_config *cfg, const struct workload *wl,
			struct sim_error *err)
{
	return create_workload(sp, cfg, wl, false, err);
}

/*
 * The workload a single trace with switch records runs as (WORKLOADS.md):
 * one CPU; natively the host's process 1 runs the first records, otherwise
 * process 1 of VM 1, with every geometry from [stage2].
 */
static const char traced_host_ini[] = "[workload]\ncpus = 1\n";
static const char traced_guest_ini[] =
	"[workload]\ncpus = 1\n[vm.vm1]\nid = 1\n[proc.p1]\nvm = vm1\nid = 1\n";

int sim_create_spaces(struct sim **sp, const struct sim_config *cfg, struct sim_error *err)
{
	const char *ini = cfg->run.mode == CFG_MODE_NATIVE ? traced_host_ini : traced_guest_ini;
	struct workload *wl = calloc(1, sizeof(*wl));
	int rc;

	*sp = NULL;
	if (!wl)
		return sim_error_set(err, SIM_E_NOMEM, "out of memory");
	if ((rc = workload_parse_string(wl, ini, strlen(ini), "the single trace's workload", NULL,
					err))) {
		free(wl);
		return rc;
	}
	if ((rc = create_workload(sp, cfg, wl, true, err))) {
		workload_free(wl);
		free(wl);
		return rc;
	}
	(*sp)->wl->owned = wl;
	return 0;
}

/* ---- the schedule ---- */

/* sim_run()'s error for a failure in task @t's record @at of the batch:
 * the process, its trace and the record, then what went wrong. */
static int task_error(struct sim_task *t, uint64_t at, int rc, struct sim_error *err)
{
	unsigned long long rec = (unsigned long long)(t->records + at + 1);

	if (t->file)
		return sim_error_prefix(err, rc, "proc %s: %s: record %llu", t->name, t->file, rec);
	return sim_error_prefix(err, rc, "proc %s: record %llu", t->name, rec);
}

/* sim_run()'s error for a failure in a handler of @cpu. */
static int handler_error(struct sim_cpu *cpu, int rc, struct sim_error *err)
{
	return sim_error_prefix(err, rc, "CPU %u: %s handler", cpu->index,
				cpu->sim->wl->cpu[cpu->index].hstate == H_SYSCALL ? "system call" :
				"VM exit");
}

/* Remove the current task of @wc from its queue. */
static void rq_drop(struct sim_wcpu *wc)
{
	memmove(&wc->rq[wc->cur], &wc->rq[wc->cur + 1], (wc->nrq - wc->cur - 1) * sizeof(*wc->rq));
	wc->nrq--;
	if (wc->cur >= wc->nrq)
		wc->cur = 0;
	wc->quantum_left = wc->quantum;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* CPU @cpu's turn: up to @budget records of its run queue and handlers. */
static int cpu_turn(struct sim_cpu *cpu, uint64_t budget, bool *ran, struct sim_error *err)
{
	struct sim *s = cpu->sim;
	struct sim_wl *w = s->wl;
	struct sim_wcpu *wc = &w->cpu[cpu->index];
	int rc;

	while (budget && (wc->nrq || wc->hstate != H_NONE)) {
		struct sim_task *t;
		uint64_t lim, before, acc;
		bool in_guest;
		size_t at = 0;

		if (w->limit && s->c[SIM_C_ACCESSES] >= w->limit)
			break;
		if (wc->hstate != H_NONE) {
			/* a handler runs before anything else */
			lim = min_u64(wc->hleft, budget);
			if (w->limit)
				lim = min_u64(lim, w->limit - s->c[SIM_C_ACCESSES]);
			if ((rc = run_stream(cpu, wc->hgen, lim, err)))
				return handler_error(cpu, rc, err);
			wc->hleft -= lim;
			budget -= lim;
			*ran = true;
			if (!wc->hleft && (rc = handler_done(cpu, err)))
				return handler_error(cpu, rc, err);
			continue;
		}
		t = wc->rq[wc->cur];
		/* what is due after the current process's last accesses */
		in_guest = wc->loaded && wc->running && wc->running->vm == wc->loaded;
		if (t->syscall_every && !t->syscall_left && wc->running == t->cur) {
			t->syscall_left = t->syscall_every;
			if ((rc = start_syscall(cpu, t->syscall_accesses, err)))
				return task_error(t, 0, rc, err);
			continue;
		}
		if (t->tlbi_every && !t->tlbi_left && wc->running == t->cur) {
			t->tlbi_left = t->tlbi_every;
			if (t->last_va && (rc = do_page_tlbi(cpu, t->last_va, err)))
				return task_error(t, 0, rc, err);
		}
		if (in_guest && wc->loaded->exit_every && !wc->exit_left) {
			wc->exit_left = wc->loaded->exit_every;
			if ((rc = start_exit(cpu, err)))
				return task_error(t, 0, rc, err);
			continue;
		}
		if (!wc->quantum_left) {
			wc->quantum_left = wc->quantum;
			wc->cur = (wc->cur + 1) % wc->nrq;
			continue;
		}
		if (t->pos == t->len) {
			int n = t->rd ? trace_read(t->rd, t->buf, WL_BUF) : gen_next_batch(t->g, t->buf, WL_BUF);

			if (n < 0) {
				const struct sim_error *te = trace_reader_error(t->rd);

				return sim_error_set(err, n, "proc %s: %s", t->name, te->msg);
			}
			if (n == 0) {
				t->done = true;
				rq_drop(wc);
				continue;
			}
			t->pos = 0;
			t->len = (size_t)n;
		}
		if (wc->running != t->cur && (rc = sim_switch_to(cpu, t->cur, err)))
			return task_error(t, 0, rc, err);
		if ((rc = kick_check(cpu, err)))
			return task_error(t, 0, rc, err);
		in_guest = wc->loaded && wc->running->vm == wc->loaded;
		lim = min_u64(t->len - t->pos, budget);
		lim = min_u64(lim, wc->quantum_left);
		if (t->syscall_every)
			lim = min_u64(lim, t->syscall_left);
		if (t->tlbi_every)
			lim = min_u64(lim, t->tlbi_left);
		if (in_guest && wc->loaded->exit_every)
			lim = min_u64(lim, wc->exit_left);
		if (w->limit)
			lim = min_u64(lim, w->limit - s->c[SIM_C_ACCESSES]);
		before = s->c[SIM_C_ACCESSES];
		if ((rc = sim_cpu_replay(cpu, t->buf + t->pos, (size_t)lim, &at, err)))
			return task_error(t, at, rc, err);
		acc = s->c[SIM_C_ACCESSES] - before;
		for (size_t i = t->pos + (size_t)lim; i > t->pos; i--)
			if (t->buf[i - 1].kind == TRACE_LOAD || t->buf[i - 1].kind == TRACE_STORE) {
				t->last_va = t->buf[i - 1].va;
				break;
			}
		t->pos += (size_t)lim;
		t->records += lim;
		budget -= lim;
		*ran = true;
		if (t->syscall_every)
			t->syscall_left -= acc;
		if (t->tlbi_every)
			t->tlbi_left -= acc;
		if (in_guest && wc->loaded && wc->loaded->exit_every)
			wc->exit_left -= acc;
		wc->quantum_left -= acc;
	}
	return 0;
}

int sim_run(struct sim *s, uint64_t max_accesses, bool *done, struct sim_error *err)
{
	struct sim_wl *w = s->wl;
	uint64_t start = s->c[SIM_C_ACCESSES];
	int rc = 0;

	*done = false;
	if (!w)
		return sim_error_set(err, SIM_E_INVAL, "sim_run() needs a workload");
	for (;;) {
		bool ran = false;

		for (unsigned i = 0; i < s->ncpus && !rc; i++)
			rc = cpu_turn(&s->cpu[i], w->slice, &ran, err);
		if (rc)
			break;
		if (!ran || (w->limit && s->c[SIM_C_ACCESSES] >= w->limit)) {
			*done = true;
			break;
		}
		if (s->c[SIM_C_ACCESSES] - start >= max_accesses)
			break;
	}
	sim_sync_stats(s);
	return rc;
}
