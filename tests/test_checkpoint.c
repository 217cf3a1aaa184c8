/* test_checkpoint.c - checkpoints: exact round trip, resuming equals training without a
 * break, every kind of damaged file refused with its name in the message, and a save killed
 * midway leaving the previous file loadable. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bars_dataset.h"

#include "cs_checkpoint.h"

static const char *bars_net = "input 8x8x1, conv 4@3 pad 1, relu, maxpool 2, conv 4@3 pad 1, relu, fc 2, softmax";

typedef struct {
    char dir[200];
    char path[300];
    cs_dataset train;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/cs-ckpt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/run.ckpt", f->dir);
    make_bars(&f->train, 70, 3); /* 70 is not a multiple of the batch: the last batch is short */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d)))
            if (e->d_name[0] != '.') {
                snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
                remove(p);
            }
        closedir(d);
    }
    rmdir(f->dir);
    cs_dataset_free(&f->train);
    free(f);
    return 0;
}

static cs_history_meta meta_of(const cs_trainer *tr)
{
    cs_history_meta m = {tr->step, tr->epoch, tr->step > 0 && tr->pos == 0, tr->images_seen, tr->last_loss, tr->last_accuracy};
    return m;
}

/* Trains until tr->epoch reaches epochs, recording into h (may be NULL). */
static void train_to(cs_trainer *tr, cs_history *h, int epochs)
{
    while (tr->epoch < epochs) {
        assert_int_equal(cs_trainer_step(tr, NULL), CS_OK);
        cs_history_meta m = meta_of(tr);
        if (h) cs_history_observe(h, tr->net, &m);
    }
}

static void make_run(const fixture *f, cs_optim_kind optk, cs_trainer **tr, cs_history **h, size_t records)
{
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cfg.batch = 8;
    cfg.seed = 11;
    cfg.optimizer = optk;
    assert_int_equal(cs_trainer_create(tr, bars_net, &cfg, &f->train, 1), CS_OK);
    assert_int_equal(cs_history_create(h, (*tr)->net, records * cs_history_record_bytes_for((*tr)->net), 2), CS_OK);
    cs_history_meta m = meta_of(*tr);
    cs_history_record(*h, (*tr)->net, &m);
}

static void assert_same_history(const cs_history *a, const cs_history *b)
{
    assert_int_equal(cs_history_count(a), cs_history_count(b));
    assert_int_equal(cs_history_interval(a), cs_history_interval(b));
    assert_int_equal(cs_history_every(a), cs_history_every(b));
    assert_int_equal(cs_history_capacity(a), cs_history_capacity(b));
    for (size_t i = 0; i < cs_history_count(a); i++) {
        const cs_history_meta *x = cs_history_meta_at(a, i), *y = cs_history_meta_at(b, i);
        assert_int_equal(x->step, y->step);
        assert_int_equal(x->epoch, y->epoch);
        assert_int_equal(x->images_seen, y->images_seen);
        assert_memory_equal(&x->loss, &y->loss, sizeof x->loss);
        assert_memory_equal(&x->accuracy, &y->accuracy, sizeof x->accuracy);
        assert_memory_equal(cs_history_record_at(a, i), cs_history_record_at(b, i),
                            cs_history_record_floats(a) * sizeof(float));
    }
}

static void assert_same_trainer(const cs_trainer *a, const cs_trainer *b)
{
    assert_int_equal(a->net->n_params, b->net->n_params);
    assert_memory_equal(a->net->params, b->net->params, a->net->n_params * sizeof(float));
    assert_memory_equal(a->opt.m, b->opt.m, a->opt.n * sizeof(float));
    if (a->opt.v) assert_memory_equal(a->opt.v, b->opt.v, a->opt.n * sizeof(float));
    assert_int_equal(a->opt.t, b->opt.t);
    assert_memory_equal(&a->rng, &b->rng, sizeof a->rng);
    assert_memory_equal(a->order, b->order, (size_t)a->train->n * sizeof(int));
    assert_int_equal(a->pos, b->pos);
    assert_int_equal(a->step, b->step);
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->images_seen, b->images_seen);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    for (int optk = 0; optk < 2; optk++) {
        cs_trainer *tr, *back;
        cs_history *h, *hback;
        make_run(f, (cs_optim_kind)optk, &tr, &h, 50);
        /* stop mid-epoch so the order position matters */
        train_to(tr, h, 3);
        for (int i = 0; i < 4; i++) assert_int_equal(cs_trainer_step(tr, NULL), CS_OK);
        const cs_checkpoint_source src = {"bars", "some/dir", 70};
        assert_int_equal(cs_checkpoint_save(f->path, tr, h, &src), CS_OK);
        cs_checkpoint ck;
        assert_int_equal(cs_checkpoint_read(f->path, &ck), CS_OK);
        assert_string_equal(ck.source_dataset, "bars");
        assert_string_equal(ck.source_data_dir, "some/dir");
        assert_int_equal(ck.source_limit, 70);
        assert_string_equal(ck.dataset_name, "bars");
        assert_int_equal(ck.dataset_crc, cs_checkpoint_dataset_crc(&f->train));
        cs_checkpoint_free(&ck);
        assert_int_equal(cs_checkpoint_load(f->path, &f->train, bars_net, &back, &hback), CS_OK);
        assert_same_trainer(tr, back);
        assert_same_history(h, hback);
        assert_float_equal(back->cfg.lr, tr->cfg.lr, 0.0f);
        assert_int_equal(back->cfg.optimizer, optk);
        /* without a history the file has none */
        cs_trainer_destroy(back);
        cs_history_destroy(hback);
        assert_int_equal(cs_checkpoint_save(f->path, tr, NULL, NULL), CS_OK);
        assert_int_equal(cs_checkpoint_load(f->path, &f->train, NULL, &back, &hback), CS_OK);
        assert_null(hback);
        assert_same_trainer(tr, back);
        cs_trainer_destroy(back);
        cs_trainer_destroy(tr);
        cs_history_destroy(h);
    }
}

/* E1 epochs, save, load, E2 more == E1 + E2 epochs in one go, bit for bit (history too). */
static void test_resume_equals_uninterrupted(void **state)
{
    fixture *f = *state;
    for (int optk = 0; optk < 2; optk++) {
        /* 12 records of budget: the history is thinned several times before and after the save */
        cs_trainer *one, *first, *resumed;
        cs_history *h_one, *h_first, *h_resumed;
        make_run(f, (cs_optim_kind)optk, &one, &h_one, 12);
        train_to(one, h_one, 7);

        make_run(f, (cs_optim_kind)optk, &first, &h_first, 12);
        train_to(first, h_first, 3);
        assert_int_equal(cs_checkpoint_save(f->path, first, h_first, NULL), CS_OK);
        cs_trainer_destroy(first);
        cs_history_destroy(h_first);
        assert_int_equal(cs_checkpoint_load(f->path, &f->train, bars_net, &resumed, &h_resumed), CS_OK);
        assert_int_equal(resumed->epoch, 3);
        train_to(resumed, h_resumed, 7);

        assert_same_trainer(one, resumed);
        assert_same_history(h_one, h_resumed);
        assert_true(cs_history_interval(h_one) > 2);
        cs_trainer_destroy(one);
        cs_trainer_destroy(resumed);
        cs_history_destroy(h_one);
        cs_history_destroy(h_resumed);
    }
}

/* Same command, same seed: same run, history included. */
static void test_replay(void **state)
{
    fixture *f = *state;
    cs_trainer *a, *b;
    cs_history *ha, *hb;
    make_run(f, CS_OPTIM_SGD, &a, &ha, 10);
    make_run(f, CS_OPTIM_SGD, &b, &hb, 10);
    train_to(a, ha, 4);
    train_to(b, hb, 4);
    assert_same_trainer(a, b);
    assert_same_history(ha, hb);
    cs_trainer_destroy(a);
    cs_trainer_destroy(b);
    cs_history_destroy(ha);
    cs_history_destroy(hb);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)n);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return p;
}

static void spit(const char *path, const unsigned char *p, size_t len)
{
    /* a fresh file each time: ext4 flushes a file truncated and rewritten in place on close */
    remove(path);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* The file must be refused with CS_ERR_FORMAT and a message naming it and the problem. */
static void expect_refused(const fixture *f, const char *path, const char *why)
{
    cs_checkpoint ck;
    cs_status st = cs_checkpoint_read(path, &ck);
    if (st != CS_ERR_FORMAT) fail_msg("%s: status %d (%s)", why, st, cs_last_error());
    if (!strstr(cs_last_error(), path)) fail_msg("%s: message does not name the file: %s", why, cs_last_error());
    assert_null(ck.net);
    assert_null(ck.history);
    cs_trainer *tr = NULL;
    cs_history *h = NULL;
    assert_int_equal(cs_checkpoint_load(path, &f->train, NULL, &tr, &h), CS_ERR_FORMAT);
    assert_null(tr);
    assert_null(h);
}

static void test_corruption_refused(void **state)
{
    fixture *f = *state;
    cs_trainer *tr;
    cs_history *h;
    make_run(f, CS_OPTIM_ADAM, &tr, &h, 6);
    train_to(tr, h, 2);
    const cs_checkpoint_source src = {"bars", NULL, 0};
    assert_int_equal(cs_checkpoint_save(f->path, tr, h, &src), CS_OK);
    size_t len;
    unsigned char *good = slurp(f->path, &len);
    unsigned char *bad = malloc(len);
    assert_non_null(bad);
    char path[512];
    snprintf(path, sizeof path, "%s/bad.ckpt", f->dir);
    char why[128];

    /* truncated anywhere, including inside the header and one byte short */
    for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 97) {
        spit(path, good, cut);
        snprintf(why, sizeof why, "truncated to %zu of %zu bytes", cut, len);
        expect_refused(f, path, why);
        if (cut >= 32) assert_non_null(strstr(cs_last_error(), "truncated"));
    }
    spit(path, good, len - 1);
    expect_refused(f, path, "one byte short");

    /* one flipped bit anywhere, and a random byte value at many places */
    cs_rng rng;
    cs_rng_seed(&rng, 5);
    for (size_t i = 0; i < len; i++) {
        memcpy(bad, good, len);
        bad[i] ^= (unsigned char)(1u << (i % 8));
        spit(path, bad, len);
        snprintf(why, sizeof why, "bit %zu of byte %zu flipped", i % 8, i);
        expect_refused(f, path, why);
        if (i % 13 == 0) {
            bad[i] = (unsigned char)(good[i] ^ (1 + cs_rng_below(&rng, 255)));
            spit(path, bad, len);
            snprintf(why, sizeof why, "byte %zu changed", i);
            expect_refused(f, path, why);
        }
    }

    /* an extra byte at the end */
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(good, 1, len, fp), len);
    assert_int_equal(fputc(0, fp), 0);
    fclose(fp);
    expect_refused(f, path, "trailing byte");

    /* a future version, with a header that is otherwise valid */
    cs_checkpoint ck;
    memcpy(bad, good, len);
    bad[8] = CS_CHECKPOINT_VERSION + 1;
    spit(path, bad, len);
    expect_refused(f, path, "future version");
    assert_non_null(strstr(cs_last_error(), "newer"));

    /* not a checkpoint at all */
    spit(path, (const unsigned char *)"hello, world\n", 13);
    expect_refused(f, path, "text file");
    assert_non_null(strstr(cs_last_error(), "magic"));

    /* missing file */
    snprintf(path, sizeof path, "%s/none.ckpt", f->dir);
    assert_int_equal(cs_checkpoint_read(path, &ck), CS_ERR_IO);
    assert_non_null(strstr(cs_last_error(), "none.ckpt"));

    /* the good file still loads */
    assert_int_equal(cs_checkpoint_read(f->path, &ck), CS_OK);
    cs_checkpoint_free(&ck);
    free(good);
    free(bad);
    cs_trainer_destroy(tr);
    cs_history_destroy(h);
}

static void test_other_spec_or_data_refused(void **state)
{
    fixture *f = *state;
    cs_trainer *tr, *back = NULL;
    cs_history *h, *hback = NULL;
    make_run(f, CS_OPTIM_SGD, &tr, &h, 6);
    train_to(tr, h, 1);
    assert_int_equal(cs_checkpoint_save(f->path, tr, h, NULL), CS_OK);
    /* a different net */
    const char *other = "input 8x8x1, conv 5@3 pad 1, relu, maxpool 2, conv 4@3 pad 1, relu, fc 2, softmax";
    assert_int_equal(cs_checkpoint_load(f->path, &f->train, other, &back, &hback), CS_ERR_SPEC);
    assert_null(back);
    assert_null(hback);
    assert_non_null(strstr(cs_last_error(), f->path));
    assert_non_null(strstr(cs_last_error(), "conv 5@3"));
    assert_non_null(strstr(cs_last_error(), "conv 4@3 pad 1, relu, maxpool"));
    /* the same net written differently is accepted */
    const char *same = "INPUT 8x8x1 -> conv 4@3x3 pad 1 -> relu -> pool 2 -> conv 4@3 pad 1 -> relu -> dense 2 -> softmax";
    assert_int_equal(cs_checkpoint_load(f->path, &f->train, same, &back, &hback), CS_OK);
    cs_trainer_destroy(back);
    cs_history_destroy(hback);
    /* a different dataset */
    cs_dataset other_set;
    make_bars(&other_set, 71, 3);
    assert_int_equal(cs_checkpoint_load(f->path, &other_set, NULL, &back, &hback), CS_ERR_ARG);
    assert_null(back);
    assert_non_null(strstr(cs_last_error(), "71 images"));
    cs_dataset_free(&other_set);
    /* same name and size, other pixels */
    make_bars(&other_set, 70, 4);
    assert_int_equal(cs_checkpoint_load(f->path, &other_set, NULL, &back, &hback), CS_ERR_ARG);
    assert_non_null(strstr(cs_last_error(), "other images"));
    cs_dataset_free(&other_set);
    cs_trainer_destroy(tr);
    cs_history_destroy(h);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A child saves a large checkpoint over the same file in a loop and is killed at random
 * moments; every time, the file must still be a complete, loadable checkpoint. */
static void test_killed_save_keeps_previous(void **state)
{
    fixture *f = *state;
    cs_dataset big;
    assert_int_equal(cs_dataset_init(&big, "noise", 2000, 1, 28, 28, 10), CS_OK);
    cs_rng rng;
    cs_rng_seed(&rng, 9);
    for (size_t i = 0; i < (size_t)2000 * 28 * 28; i++) big.pixels[i] = (uint8_t)cs_rng_below(&rng, 256);
    for (int i = 0; i < 2000; i++) big.labels[i] = (int)cs_rng_below(&rng, 10);
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cs_trainer *tr;
    assert_int_equal(cs_trainer_create(&tr, "mnist", &cfg, &big, 1), CS_OK);
    cs_history *h;
    /* about 8 MB of history: a save takes long enough to be killed in the middle */
    assert_int_equal(cs_history_create(&h, tr->net, (size_t)8 << 20, 1), CS_OK);
    for (size_t i = 0; i < cs_history_capacity(h); i++) {
        cs_history_meta m = {(int64_t)i, 0, 0, (int64_t)i, 1.0f, 0.0f};
        cs_history_record(h, tr->net, &m);
    }
    const long base_step = (long)cs_history_capacity(h);
    tr->step = base_step;
    assert_int_equal(cs_checkpoint_save(f->path, tr, h, NULL), CS_OK);
    const double t0 = now();
    assert_int_equal(cs_checkpoint_save(f->path, tr, h, NULL), CS_OK);
    const double save_seconds = now() - t0;

    int kills_mid_save = 0;
    /* at least 12 rounds, and more (up to 60) until 4 kills landed inside a save: on a loaded
     * machine a child may be killed before its first save starts */
    for (int round = 0; round < 60 && (round < 12 || kills_mid_save < 4); round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (long i = 1;; i++) {
                tr->step = base_step + i; /* each save differs */
                if (cs_checkpoint_save(f->path, tr, h, NULL) != CS_OK) _exit(3);
            }
        }
        /* random moments spread over a few saves */
        const double wait = save_seconds * (0.2 + 3.0 * cs_rng_uniform(&rng));
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        cs_checkpoint ck;
        if (cs_checkpoint_read(f->path, &ck) != CS_OK) fail_msg("round %d: %s", round, cs_last_error());
        assert_int_equal(cs_history_count(ck.history), cs_history_count(h));
        cs_checkpoint_free(&ck);
        /* the killed save's temporary file (if any) is what was interrupted */
        char tmp[400];
        snprintf(tmp, sizeof tmp, "%s.tmp.%ld", f->path, (long)pid);
        if (access(tmp, F_OK) == 0) {
            kills_mid_save++;
            remove(tmp);
        }
    }
    /* the test must actually have interrupted saves to mean anything */
    if (kills_mid_save == 0) fail_msg("no kill landed during a save (a save takes %.3f s)", save_seconds);
    print_message("killed %d of 12 saves midway (one save: %.1f ms)\n", kills_mid_save, save_seconds * 1e3);
    cs_trainer_destroy(tr);
    cs_history_destroy(h);
    cs_dataset_free(&big);
}

/* A save removes the temporaries of killed saves (their process gone) and nothing else. */
static void test_stale_temporaries_removed(void **state)
{
    fixture *f = *state;
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cs_trainer *tr;
    assert_int_equal(cs_trainer_create(&tr, bars_net, &cfg, &f->train, 1), CS_OK);
    pid_t dead = fork();
    assert_true(dead >= 0);
    if (dead == 0) _exit(0);
    assert_int_equal(waitpid(dead, NULL, 0), dead);
    char stale[400], alive[400], other[400], unrelated[400];
    snprintf(stale, sizeof stale, "%s.tmp.%ld", f->path, (long)dead);
    snprintf(alive, sizeof alive, "%s.tmp.%ld", f->path, (long)getppid()); /* a save in progress elsewhere */
    snprintf(other, sizeof other, "%s.tmp.notapid", f->path);
    snprintf(unrelated, sizeof unrelated, "%s/other.ckpt.tmp.%ld", f->dir, (long)dead);
    const char *files[] = {stale, alive, other, unrelated};
    for (int i = 0; i < 4; i++) {
        FILE *fp = fopen(files[i], "wb");
        assert_non_null(fp);
        fputs("half a checkpoint", fp);
        fclose(fp);
    }
    assert_int_equal(cs_checkpoint_save(f->path, tr, NULL, NULL), CS_OK);
    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(alive, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    assert_int_equal(access(unrelated, F_OK), 0);
    cs_trainer_destroy(tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_equals_uninterrupted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corruption_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_spec_or_data_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_save_keeps_previous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temporaries_removed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
