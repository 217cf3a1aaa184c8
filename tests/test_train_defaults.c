/* test_train_defaults.c - the trainer's default learning rates and weight decay: the table
 * itself, how a config resolves, and that MSE with its default learning rate learns about as
 * well as cross-entropy on shapes in the same number of epochs (while MSE at cross-entropy's
 * 0.01 does not: the default is what makes the difference). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_data.h"
#include "cs_train.h"

static void test_table_and_resolve(void **state)
{
    (void)state;
    assert_float_equal(cs_train_default_lr("mnist", CS_OPTIM_SGD, CS_LOSS_XENT), 0.01f, 0.0f);
    assert_float_equal(cs_train_default_lr("mnist", CS_OPTIM_SGD, CS_LOSS_MSE), 0.2f, 0.0f);
    assert_float_equal(cs_train_default_lr(NULL, CS_OPTIM_ADAM, CS_LOSS_XENT), 0.001f, 0.0f);
    assert_float_equal(cs_train_default_lr(NULL, CS_OPTIM_ADAM, CS_LOSS_MSE), 0.001f, 0.0f);
    assert_float_equal(cs_train_default_lr("colour", CS_OPTIM_SGD, CS_LOSS_XENT), 0.005f, 0.0f);
    assert_float_equal(cs_train_default_lr("colour", CS_OPTIM_SGD, CS_LOSS_MSE), 0.2f, 0.0f);
    assert_float_equal(cs_train_default_weight_decay("colour"), 0.06f, 0.0f);
    assert_float_equal(cs_train_default_weight_decay("article"), 0.0f, 0.0f);
    assert_float_equal(cs_train_default_weight_decay(NULL), 0.0f, 0.0f);

    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    assert_true(cfg.lr <= 0.0f && cfg.weight_decay < 0.0f);
    cfg.loss = CS_LOSS_MSE;
    cs_train_config_resolve(&cfg, "article");
    assert_float_equal(cfg.lr, 0.2f, 0.0f);
    assert_float_equal(cfg.weight_decay, 0.0f, 0.0f);
    /* given values stay */
    cs_train_config_defaults(&cfg);
    cfg.lr = 0.03f;
    cfg.weight_decay = 0.0f;
    cs_train_config_resolve(&cfg, "colour");
    assert_float_equal(cfg.lr, 0.03f, 0.0f);
    assert_float_equal(cfg.weight_decay, 0.0f, 0.0f);

    /* the trainer resolves at creation and hands the values to the optimizer */
    cs_dataset tr, te;
    assert_int_equal(cs_data_make_colour_shapes(40, 0, 32, 32, 1, &tr, &te), CS_OK);
    cs_train_config_defaults(&cfg);
    cs_trainer *t;
    assert_int_equal(cs_trainer_create(&t, "colour", &cfg, &tr, 1), CS_OK);
    assert_float_equal(t->cfg.lr, 0.005f, 0.0f);
    assert_float_equal(t->opt.weight_decay, 0.06f, 0.0f);
    cs_trainer_destroy(t);
    cs_dataset_free(&tr);
    cs_dataset_free(&te);
}

/* Test accuracy of the mnist net after `epochs` epochs on tr, default settings but loss and lr. */
static float train_and_test(const cs_dataset *tr, const cs_dataset *te, cs_loss_kind loss, float lr, int epochs)
{
    cs_train_config cfg;
    cs_train_config_defaults(&cfg);
    cfg.loss = loss;
    cfg.lr = lr;
    cs_trainer *t;
    assert_int_equal(cs_trainer_create(&t, "mnist", &cfg, tr, 1), CS_OK);
    while (t->epoch < epochs) assert_int_equal(cs_trainer_step(t, NULL), CS_OK);
    float acc;
    cs_trainer_evaluate(t, te, 0, &acc, NULL);
    cs_trainer_destroy(t);
    return acc;
}

static void test_mse_learns_with_defaults(void **state)
{
    (void)state;
    cs_dataset tr, te;
    assert_int_equal(cs_data_make_shapes(1200, 400, 1, 28, 28, 1, &tr, &te), CS_OK);
    const float xent = train_and_test(&tr, &te, CS_LOSS_XENT, 0.0f, 3);
    const float mse = train_and_test(&tr, &te, CS_LOSS_MSE, 0.0f, 3);
    const float mse_old = train_and_test(&tr, &te, CS_LOSS_MSE, 0.01f, 3);
    print_message("shapes, mnist net, 3 epochs of 1200: xent %.1f%%, mse %.1f%% (lr 0.01: %.1f%%)\n", 100 * xent,
                  100 * mse, 100 * mse_old);
    assert_true(xent > 0.8f);
    if (!(mse >= 0.9f * xent)) fail_msg("mse %.3f < 90%% of xent %.3f", (double)mse, (double)xent);
    if (!(mse_old < 0.9f * xent)) fail_msg("mse at lr 0.01 %.3f already >= 90%% of xent %.3f", (double)mse_old,
                                           (double)xent);
    cs_dataset_free(&tr);
    cs_dataset_free(&te);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_and_resolve),
        cmocka_unit_test(test_mse_learns_with_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
