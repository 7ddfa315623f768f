/*
 * tests/test_jobs.c - the job pool of sweep and compare (results/jobs.h):
 * every job not skipped runs once, in a child, never more than the
 * parallelism at once; its result comes back through the pipe and its exit
 * status through the wait; a job still running at the time limit is killed
 * and reported as such, one that ends first is not.
 *
 * No check depends on the machine's speed: the job that must be stopped
 * waits forever (pause()), and the jobs that must not be stopped end at
 * once, with a limit of 30 s that only a stopped machine would reach.
 */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/jobs.h"

#define NJOBS 12

/* What a child hands back. */
struct out {
	size_t job;
	pid_t pid;
};

/* What the callbacks see, in this process. */
struct seen {
	unsigned ended[NJOBS];
	bool started[NJOBS], killed[NJOBS];
	int status[NJOBS];
	size_t result_len[NJOBS];
	struct out out[NJOBS];
	size_t max_running, progress_calls;
	bool skip_odd, write_nothing, wait_forever;
};

static bool skip(void *ctx, size_t i)
{
	return ((struct seen *)ctx)->skip_odd && (i & 1);
}

/* In the child: hand back who ran the job; job i exits with status i. */
static int run(void *ctx, size_t i, int fd)
{
	const struct seen *s = ctx;
	struct out o = { .job = i, .pid = getpid() };

	if (s->wait_forever)
		for (;;)
			pause();
	if (!s->write_nothing && fd >= 0)
		jobs_write_result(fd, &o, sizeof(o));
	return (int)i;
}

static void ended(void *ctx, size_t i, const struct job_end *e)
{
	struct seen *s = ctx;

	ck_assert_uint_lt(i, NJOBS);
	s->ended[i]++;
	s->started[i] = e->started;
	s->killed[i] = e->killed;
	s->status[i] = e->status;
	s->result_len[i] = e->result_len;
	if (e->result && e->result_len == sizeof(s->out[i]))
		memcpy(&s->out[i], e->result, sizeof(s->out[i]));
}

static void progress(void *ctx, size_t running)
{
	struct seen *s = ctx;

	s->progress_calls++;
	if (running > s->max_running)
		s->max_running = running;
}

static struct jobs pool(struct seen *s, size_t n, long parallel, unsigned long limit)
{
	struct jobs j = { .n = n, .parallel = parallel, .limit = limit, .ctx = s,
			  .result_size = sizeof(struct out), .skip = skip, .run = run,
			  .ended = ended, .progress = progress };

	return j;
}

START_TEST(test_every_job_once)
{
	struct seen s = { 0 };
	struct jobs j = pool(&s, NJOBS, 3, 30);

	ck_assert_int_eq(jobs_run(&j), 0);
	for (size_t i = 0; i < NJOBS; i++) {
		ck_assert_uint_eq(s.ended[i], 1);
		ck_assert(s.started[i]);
		ck_assert(!s.killed[i]);
		ck_assert(WIFEXITED(s.status[i]));
		ck_assert_int_eq(WEXITSTATUS(s.status[i]), (int)i);
		ck_assert_uint_eq(s.result_len[i], sizeof(struct out));
		ck_assert_uint_eq(s.out[i].job, i);
		ck_assert_int_ne(s.out[i].pid, getpid());       /* in a child */
	}
	ck_assert_uint_eq(s.max_running, 3);    /* the first round starts three */
	ck_assert_uint_gt(s.progress_calls, 0);
}
END_TEST

START_TEST(test_skipped_jobs_do_not_run)
{
	struct seen s = { .skip_odd = true };
	struct jobs j = pool(&s, NJOBS, 2, 0);

	ck_assert_int_eq(jobs_run(&j), 0);
	for (size_t i = 0; i < NJOBS; i++)
		ck_assert_uint_eq(s.ended[i], (i & 1) ? 0 : 1);
}
END_TEST

START_TEST(test_no_result_is_short)
{
	struct seen s = { .write_nothing = true };
	struct jobs j = pool(&s, 2, 2, 0);

	ck_assert_int_eq(jobs_run(&j), 0);
	ck_assert_uint_eq(s.ended[0] + s.ended[1], 2);
	ck_assert_uint_eq(s.result_len[0], 0);
	ck_assert_uint_eq(s.result_len[1], 0);
}
END_TEST

START_TEST(test_time_limit_kills)
{
	struct seen s = { .wait_forever = true };
	struct jobs j = pool(&s, 2, 2, 1);

	ck_assert_int_eq(jobs_run(&j), 0);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_uint_eq(s.ended[i], 1);
		ck_assert(s.killed[i]);
		ck_assert(WIFSIGNALED(s.status[i]));
		ck_assert_int_eq(WTERMSIG(s.status[i]), SIGKILL);
		ck_assert_uint_eq(s.result_len[i], 0);
	}
}
END_TEST

START_TEST(test_oversized_result_refused)
{
	struct seen s = { 0 };
	struct jobs j = pool(&s, 1, 1, 0);

	j.result_size = 1 << 20;        /* more than a pipe is sure to hold */
	ck_assert_int_eq(jobs_run(&j), -1);
	ck_assert_uint_eq(s.ended[0], 0);
}
END_TEST

static Suite *jobs_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, test_every_job_once);
	tcase_add_test(tc, test_skipped_jobs_do_not_run);
	tcase_add_test(tc, test_no_result_is_short);
	tcase_add_test(tc, test_time_limit_kills);
	tcase_add_test(tc, test_oversized_result_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jobs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
