/* cs_pool.h - a small fork-join thread pool: runs numbered tasks on a few threads, the
 * calling thread included, and returns when all are done.
 *
 * Idle workers block on a condition variable instead of spinning: on a machine whose
 * cores are shared with other busy processes a spinning worker takes CPU time from the
 * thread it waits for, and a step of a small net then takes many scheduler slices.
 */
#ifndef CS_POOL_H
#define CS_POOL_H

#include "cs_error.h"

typedef struct cs_pool cs_pool;

/* Task callback: task in [0, n_tasks), thread in [0, threads) (0 = the caller). */
typedef void (*cs_pool_fn)(void *arg, int task, int thread);

/* Starts threads - 1 workers (none for threads <= 1). The caller owns *out: free with
 * cs_pool_destroy. */
cs_status cs_pool_create(cs_pool **out, int threads);
/* Stops and joins the workers; NULL is a no-op. */
void cs_pool_destroy(cs_pool *pool);

/* Threads the pool can use (workers + the caller). */
int cs_pool_threads(const cs_pool *pool);

/* Runs fn(arg, task, thread) for every task in [0, n_tasks) on up to `threads` threads;
 * tasks are taken in increasing order by whichever thread is free. Not reentrant: one
 * run at a time per pool. With threads <= 1 (or a NULL pool) the caller runs every task. */
void cs_pool_run(cs_pool *pool, int threads, int n_tasks, cs_pool_fn fn, void *arg);

#endif
