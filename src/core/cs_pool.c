/* cs_pool.c - the fork-join pool of cs_pool.h on POSIX threads.
 *
 * A job is published under a mutex with a new generation number. All task hand-out goes
 * through one 64-bit atomic word: generation (16 bits), workers inside the job (16 bits)
 * and the next task number (32 bits). A worker joins and takes its first task in one
 * compare-and-swap, and leaves in the one that finds no task left, so the caller, after
 * its own tasks, waits only for workers that are actually running one: a worker that the
 * system has not scheduled yet is not waited for (it finds the job finished, or a newer
 * generation, and does nothing). Waiting threads poll for a short, bounded time before
 * blocking: waking a sleeping thread on another core costs tens to hundreds of
 * microseconds in a virtual machine, as much as a layer of a small net. */
#include "cs_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
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
    unsigned long generation;
    int quit;
    int job_threads, n_tasks;
    cs_pool_fn fn;
    void *arg;
    _Atomic uint64_t word; /* generation:16 | active workers:16 | next task:32 */
};

static uint64_t pack(uint64_t gen, uint64_t active, uint64_t next)
{
    return (gen & 0xffff) << 48 | (active & 0xffff) << 32 | (next & 0xffffffff);
}
static unsigned word_gen(uint64_t w) { return (unsigned)(w >> 48); }
static unsigned word_active(uint64_t w) { return (unsigned)(w >> 32) & 0xffff; }
static unsigned word_next(uint64_t w) { return (unsigned)w; }

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

/* Worker side: runs tasks of generation gen until none is left. Joining and leaving are
 * folded into the claims, so `active` counts exactly the workers holding a task. */
static void worker_tasks(cs_pool *p, unsigned gen, int n_tasks, cs_pool_fn fn, void *arg, int thread)
{
    int joined = 0;
    uint64_t w = atomic_load_explicit(&p->word, memory_order_acquire);
    for (;;) {
        if (word_gen(w) != (gen & 0xffff)) return; /* a newer job: this one finished without us */
        const unsigned next = word_next(w), active = word_active(w);
        uint64_t nw;
        if ((int)next < n_tasks) nw = pack(gen, active + !joined, next + 1);
        else if (joined) nw = pack(gen, active - 1, next);
        else return; /* nothing left and never joined */
        if (!atomic_compare_exchange_weak_explicit(&p->word, &w, nw, memory_order_acq_rel, memory_order_acquire))
            continue;
        if ((int)next >= n_tasks) {
            if (word_active(nw) == 0) {
                /* the last one out wakes the caller, under the lock so the wake is not lost */
                pthread_mutex_lock(&p->lock);
                pthread_cond_signal(&p->done);
                pthread_mutex_unlock(&p->lock);
            }
            return;
        }
        joined = 1;
        fn(arg, (int)next, thread);
        w = atomic_load_explicit(&p->word, memory_order_acquire);
    }
}

static void *worker_main(void *data)
{
    worker *w = data;
    cs_pool *p = w->pool;
    unsigned long seen = 0;
    for (;;) {
        /* poll briefly for the next job before sleeping */
        const double t0 = now_seconds();
        for (int i = 1; word_gen(atomic_load_explicit(&p->word, memory_order_relaxed)) == (seen & 0xffff); i++) {
            cpu_relax();
            if (i % 64 == 0 && now_seconds() - t0 > SPIN_SECONDS) break;
        }
        pthread_mutex_lock(&p->lock);
        while (p->generation == seen && !p->quit) pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        seen = p->generation;
        const int needed = w->index < p->job_threads; /* else sit this job out */
        cs_pool_fn fn = p->fn;
        void *arg = p->arg;
        const int n = p->n_tasks;
        pthread_mutex_unlock(&p->lock);
        if (needed) worker_tasks(p, (unsigned)seen, n, fn, arg, w->index);
    }
    return NULL;
}

cs_status cs_pool_create(cs_pool **out, int threads)
{
    *out = NULL;
    cs_pool *p = calloc(1, sizeof *p);
    if (!p) return cs_fail(CS_ERR_NOMEM, "out of memory");
    p->threads = threads < 1 ? 1 : threads;
    if (p->threads > 0xffff) p->threads = 0xffff;
    atomic_init(&p->word, 0);
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
    const unsigned gen = (unsigned)++p->generation;
    atomic_store_explicit(&p->word, pack(gen, 0, 0), memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    /* the caller takes tasks without joining: it is the one that waits */
    for (;;) {
        const uint64_t w = atomic_fetch_add_explicit(&p->word, 1, memory_order_acq_rel);
        if ((int)word_next(w) >= n_tasks) break;
        fn(arg, (int)word_next(w), 0);
    }
    /* the hand-out is over (next >= n_tasks); wait for the workers still in a task */
    const double t0 = now_seconds();
    for (int i = 1; word_active(atomic_load_explicit(&p->word, memory_order_acquire)) > 0; i++) {
        cpu_relax();
        if (i % 64 == 0 && now_seconds() - t0 > SPIN_SECONDS) break;
    }
    pthread_mutex_lock(&p->lock);
    while (word_active(atomic_load_explicit(&p->word, memory_order_acquire)) > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
