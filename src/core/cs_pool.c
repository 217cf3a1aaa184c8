/* cs_pool.c - the fork-join pool of cs_pool.h on POSIX threads: a job is published under a
 * mutex with a generation number, workers take task numbers from an atomic counter, and
 * the last worker to finish wakes the caller. Waiting threads first poll for a short,
 * bounded time (SPIN_SECONDS): waking a sleeping thread on another core costs tens to
 * hundreds of microseconds in a virtual machine, as much as a small net's layer. */
#include "cs_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define SPIN_SECONDS 100e-6

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
    atomic_ulong generation;
    int quit;
    int job_threads, n_tasks;
    atomic_int running; /* workers still busy with the current job */
    cs_pool_fn fn;
    void *arg;
    atomic_int next_task;
};

static void run_tasks(cs_pool *p, cs_pool_fn fn, void *arg, int n_tasks, int thread)
{
    for (int t; (t = atomic_fetch_add_explicit(&p->next_task, 1, memory_order_relaxed)) < n_tasks;)
        fn(arg, t, thread);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void cpu_relax(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_ia32_pause();
#endif
}

/* Polls until generation differs from seen, for at most SPIN_SECONDS. */
static void spin_for_job(cs_pool *p, unsigned long seen)
{
    const double t0 = now_seconds();
    for (int i = 1; atomic_load_explicit(&p->generation, memory_order_acquire) == seen; i++) {
        cpu_relax();
        if (i % 64 == 0 && now_seconds() - t0 > SPIN_SECONDS) return;
    }
}

static void *worker_main(void *data)
{
    worker *w = data;
    cs_pool *p = w->pool;
    unsigned long seen = 0;
    for (;;) {
        spin_for_job(p, seen);
        pthread_mutex_lock(&p->lock);
        while (atomic_load(&p->generation) == seen && !p->quit) pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        seen = atomic_load(&p->generation);
        const int needed = w->index < p->job_threads; /* else sit this job out */
        cs_pool_fn fn = p->fn;
        void *arg = p->arg;
        const int n = p->n_tasks;
        pthread_mutex_unlock(&p->lock);
        if (!needed) continue;
        run_tasks(p, fn, arg, n, w->index);
        if (atomic_fetch_sub_explicit(&p->running, 1, memory_order_acq_rel) == 1) {
            /* the last one out wakes the caller, under the lock so the wake cannot be lost */
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
    }
    return NULL;
}

cs_status cs_pool_create(cs_pool **out, int threads)
{
    *out = NULL;
    cs_pool *p = calloc(1, sizeof *p);
    if (!p) return cs_fail(CS_ERR_NOMEM, "out of memory");
    p->threads = threads < 1 ? 1 : threads;
    atomic_init(&p->next_task, 0);
    atomic_init(&p->generation, 0);
    atomic_init(&p->running, 0);
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
    atomic_store_explicit(&p->running, threads - 1, memory_order_relaxed);
    atomic_store_explicit(&p->next_task, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    run_tasks(p, fn, arg, n_tasks, 0);
    const double t0 = now_seconds();
    for (int i = 1; atomic_load_explicit(&p->running, memory_order_acquire) > 0; i++) {
        cpu_relax();
        if (i % 64 == 0 && now_seconds() - t0 > SPIN_SECONDS) break;
    }
    pthread_mutex_lock(&p->lock);
    while (atomic_load_explicit(&p->running, memory_order_acquire) > 0) pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
