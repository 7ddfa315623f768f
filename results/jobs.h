/*
 * results/jobs.h - a pool of child processes: jobs 0..N-1, each run in a
 * child of this process, at most J at once and in order, each stopped if it
 * runs past a wall-clock limit, each able to hand a result back through a
 * pipe.  `mmusim sweep` runs its cells with it (the child execs `mmusim
 * run`), `mmusim compare` its configurations (the child replays the
 * workload and writes its figures to the pipe).
 *
 * While the pool runs, SIGCHLD is blocked and the pool waits with
 * sigtimedwait(), so it sleeps until a child ends or the next deadline
 * passes, and no exit is missed between a check and the wait; each child
 * gets the caller's signal mask back.  A job past its limit is killed
 * (SIGKILL) and reported when it has ended.  On Linux a child is sent
 * SIGTERM when this process ends (PR_SET_PDEATHSIG): a killed sweep or
 * compare takes its children with it.  The pool holds no state of its own
 * beyond the call: everything is in struct jobs and its context.
 */
#ifndef MMUSIM_RESULTS_JOBS_H
#define MMUSIM_RESULTS_JOBS_H

#include <stdbool.h>
#include <stddef.h>

/* How a job ended. */
struct job_end {
	bool started;           /* false: it could not be started (fork or pipe failed) */
	int error;              /* the errno of that failure */
	int status;             /* its wait status (waitpid()) */
	bool killed;            /* stopped at its time limit */
	const void *result;     /* what it wrote to its pipe (NULL without a pipe) */
	size_t result_len;      /* how many bytes of it: short if it ended before writing */
};

struct jobs {
	size_t n;               /* the jobs, 0..n-1, started in this order */
	long parallel;          /* at most this many at once (at least 1) */
	unsigned long limit;    /* seconds each job may run; 0: no limit */
	/*
	 * Bytes a child hands back through its pipe (0: no pipe).  The parent
	 * reads them once the child has ended, so they must fit in a pipe's
	 * buffer: at most PIPE_BUF, which POSIX guarantees.
	 */
	size_t result_size;
	void *ctx;              /* passed to every callback */
	/* Optional: job @i needs no run; it is passed over (neither run nor ended). */
	bool (*skip)(void *ctx, size_t i);
	/*
	 * In the child: run job @i, writing its result (if any) to @fd (-1
	 * without a pipe).  It may exec; what it returns is the child's exit
	 * status.
	 */
	int (*run)(void *ctx, size_t i, int fd);
	/* In this process: job @i is over (or could not start). */
	void (*ended)(void *ctx, size_t i, const struct job_end *end);
	/* Optional: called after each round of starts, with the number running. */
	void (*progress)(void *ctx, size_t running);
};

/**
 * jobs_run() - run every job that is not skipped, until all have ended.
 * Return: 0, or -1 (nothing was started): out of memory, or @result_size
 * above PIPE_BUF.
 */
int jobs_run(const struct jobs *j);

/**
 * jobs_write_result() - in a child: write its result, @len bytes (at most
 * the pool's result_size), to @fd, the pipe run() was given.
 */
void jobs_write_result(int fd, const void *buf, size_t len);

/* jobs_now() - seconds on the monotonic clock (for deadlines and timings). */
double jobs_now(void);

#endif /* MMUSIM_RESULTS_JOBS_H */
