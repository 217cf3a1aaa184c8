/* cs_pool.c - the fork-join pool of cs_pool.h on POSIX threads: a job is published under a
 * mutex with a generation number, workers take task numbers from an atomic counter, and
 * the last worker to finish wakes the caller. */
#include "cs_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct {
    cs_pool *pool;
    int index; /* thread number, 1.. */
    pthread_t thread;
} worker;

struct cs_pool {
    int threads;
    worker *workers; /* threads - 1 */
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    /* the current job, written under lock before generation is bumped */
    unsigned long generation;
    int quit;
    int job_threads, n_tasks, running;
    cs_pool_fn fn;
    void *arg;
    atomic_int next_task;
};

static void run_tasks(cs_pool *p, cs_pool_fn fn, void *arg, int n_tasks, int thread)
{
    for (int t; (t = atomic_fetch_add_explicit(&p->next_task, 1, memory_order_relaxed)) < n_tasks;)
        fn(arg, t, thread);
}

static void *worker_main(void *data)
{
    worker *w = data;
    cs_pool *p = w->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->generation == seen && !p->quit) pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit) break;
        seen = p->generation;
        if (w->index >= p->job_threads) continue; /* not needed for this job */
        cs_pool_fn fn = p->fn;
        void *arg = p->arg;
        const int n = p->n_tasks;
        pthread_mutex_unlock(&p->lock);
        run_tasks(p, fn, arg, n, w->index);
        pthread_mutex_lock(&p->lock);
        if (--p->running == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

cs_status cs_pool_create(cs_pool **out, int threads)
{
    *out = NULL;
    cs_pool *p = calloc(1, sizeof *p);
    if (!p) return cs_fail(CS_ERR_NOMEM, "out of memory");
    p->threads = threads < 1 ? 1 : threads;
    atomic_init(&p->next_task, 0);
    if (pthread_mutex_init(&p->lock, NULL) || pthread_cond_init(&p->wake, NULL) || pthread_cond_init(&p->done, NULL)) {
        free(p);
        return cs_fail(CS_ERR_NOMEM, "cannot initialise the thread pool's lock");
    }
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof *p->workers);
        if (!p->workers) {
            cs_pool_destroy(p);
            return cs_fail(CS_ERR_NOMEM, "out of memory");
        }
        for (int i = 0; i < p->threads - 1; i++) {
            p->workers[i].pool = p;
            p->workers[i].index = i + 1;
            if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i])) {
                p->threads = i + 1; /* destroy joins the ones that started */
                cs_pool_destroy(p);
                return cs_fail(CS_ERR_NOMEM, "cannot start worker thread %d of %d", i + 2, threads);
            }
        }
    }
    *out = p;
    return CS_OK;
}

void cs_pool_destroy(cs_pool *p)
{
    if (!p) return;
    if (p->workers) {
        pthread_mutex_lock(&p->lock);
        p->quit = 1;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
        for (int i = 0; i < p->threads - 1; i++) pthread_join(p->workers[i].thread, NULL);
        free(p->workers);
    }
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int cs_pool_threads(const cs_pool *p) { return p ? p->threads : 1; }

void cs_pool_run(cs_pool *p, int threads, int n_tasks, cs_pool_fn fn, void *arg)
{
    if (p && threads > p->threads) threads = p->threads;
    if (threads > n_tasks) threads = n_tasks;
    if (!p || threads <= 1) {
        for (int t = 0; t < n_tasks; t++) fn(arg, t, 0);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn, p->arg = arg, p->n_tasks = n_tasks;
    p->job_threads = threads;
    p->running = threads - 1;
    atomic_store_explicit(&p->next_task, 0, memory_order_relaxed);
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    run_tasks(p, fn, arg, n_tasks, 0);
    pthread_mutex_lock(&p->lock);
    while (p->running > 0) pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
