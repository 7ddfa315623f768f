/* results/jobs.c - a pool of child processes (see results/jobs.h). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "results/jobs.h"

/* One running job. */
struct slot {
	pid_t pid;              /* 0: free */
	size_t job;
	int fd;                 /* read end of its pipe, or -1 */
	double deadline;        /* jobs_now() at its limit; 0: none */
	bool killed;            /* at its deadline */
};

double jobs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Read up to @len bytes from @fd until its end.  Return: the bytes read. */
static size_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

void jobs_write_result(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;         /* the parent sees a short result */
		p += n;
		len -= (size_t)n;
	}
}

/* Start job @i in @sl; @mask is the signal mask the child gets back.
 * Return: 0, or the errno of the failure. */
static int start(const struct jobs *j, size_t i, struct slot *sl, const sigset_t *mask)
{
	int fds[2] = { -1, -1 };
	pid_t parent = getpid();

	if (j->result_size && pipe(fds))
		return errno;
	fflush(NULL);
	sl->pid = fork();
	if (sl->pid < 0) {
		int e = errno;

		if (j->result_size) {
			close(fds[0]);
			close(fds[1]);
		}
		sl->pid = 0;
		return e;
	}
	if (sl->pid == 0) {
		sigprocmask(SIG_SETMASK, mask, NULL);
#ifdef __linux__
		/* this process's end is its children's: no orphan runs */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
#else
		(void)parent;
#endif
		if (j->result_size)
			close(fds[0]);
		_exit(j->run(j->ctx, i, fds[1]));
	}
	if (j->result_size)
		close(fds[1]);
	sl->job = i;
	sl->fd = fds[0];
	sl->deadline = j->limit ? jobs_now() + (double)j->limit : 0;
	sl->killed = false;
	return 0;
}

/*
 * Wait for a child to end, until @deadline (jobs_now(); 0 for none).
 * SIGCHLD must be blocked: it stays pending between the check and the
 * wait, so no exit is missed.  Return: its pid (status in *@st), 0 at the
 * deadline, -1 when there is no child.
 */
static pid_t wait_child(double deadline, int *st)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t pid = waitpid(-1, st, WNOHANG);

		if (pid != 0 && !(pid < 0 && errno == EINTR))
			return pid;
		if (deadline > 0) {
			double left = deadline - jobs_now();
			struct timespec ts;

			if (left <= 0)
				return 0;
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			sigtimedwait(&chld, NULL, &ts);
		} else {
			sigwaitinfo(&chld, NULL);
		}
	}
}

int jobs_run(const struct jobs *j)
{
	size_t nslots = j->parallel > 0 ? (size_t)j->parallel : 1, next = 0, running = 0;
	struct slot *slots = calloc(nslots, sizeof(*slots));
	void *result = j->result_size <= PIPE_BUF ? malloc(j->result_size ? j->result_size : 1)
						   : NULL;
	sigset_t chld, mask;

	if (!slots || !result) {
		free(slots);
		free(result);
		return -1;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &mask);
	for (;;) {
		double deadline = 0;
		pid_t pid;
		int st;

		/* fill the free slots */
		for (size_t s = 0; s < nslots; s++) {
			while (!slots[s].pid && next < j->n) {
				struct job_end end = { 0 };
				size_t i = next++;

				if (j->skip && j->skip(j->ctx, i))
					continue;
				end.error = start(j, i, &slots[s], &mask);
				if (end.error)
					j->ended(j->ctx, i, &end);      /* the slot is still free */
				else
					running++;
			}
		}
		if (j->progress)
			j->progress(j->ctx, running);
		if (!running)
			break;
		for (size_t s = 0; s < nslots; s++)
			if (slots[s].pid && !slots[s].killed && slots[s].deadline &&
			    (!deadline || slots[s].deadline < deadline))
				deadline = slots[s].deadline;
		pid = wait_child(deadline, &st);
		if (pid < 0)
			break;
		if (pid == 0) {
			/* a deadline passed: stop those jobs, report them when they end */
			double now = jobs_now();

			for (size_t s = 0; s < nslots; s++)
				if (slots[s].pid && !slots[s].killed && slots[s].deadline &&
				    slots[s].deadline <= now) {
					kill(slots[s].pid, SIGKILL);
					slots[s].killed = true;
				}
			continue;
		}
		for (size_t s = 0; s < nslots; s++) {
			struct job_end end = { .started = true, .status = st };

			if (slots[s].pid != pid)
				continue;
			end.killed = slots[s].killed;
			if (slots[s].fd >= 0) {
				end.result = result;
				end.result_len = read_all(slots[s].fd, result, j->result_size);
				close(slots[s].fd);
			}
			slots[s].pid = 0;
			running--;
			j->ended(j->ctx, slots[s].job, &end);
		}
	}
	sigprocmask(SIG_SETMASK, &mask, NULL);
	free(slots);
	free(result);
	return 0;
}
