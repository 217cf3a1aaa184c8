/* test_i18n.c - the window's UI language (cs_i18n.h) against the built catalogue: language names
 * (--lang and locales), strings looked up in Chinese and left alone in English, the locale's
 * language as gettext chooses it (LC_ALL, LC_MESSAGES, LANG; LANGUAGE when run with the argument
 * "LANGUAGE", meson setting LANGUAGE=fr:zh_CN:en), numbers unchanged by the language (LC_NUMERIC
 * stays "C"), every class name of the built-in datasets translated, and the train and step
 * layouts fitting the Chinese texts as well as the English ones when a Chinese character is
 * measured a full em wide (as a CJK font draws it). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_data.h"
#include "cs_demo_images.h"
#include "cs_filters.h"
#include "cs_i18n.h"
#include "cs_labels.h"
#include "cs_layout.h"
#include "cs_net.h"
#include "cs_run.h"
#include "cs_step_layout.h"

static int language_run; /* the process was started with LANGUAGE=fr:zh_CN:en */

static void test_lang_names(void **state)
{
    (void)state;
    static const struct {
        const char *name, *lang;
    } cases[] = {
        {"en", "en"},        {"en_GB.UTF-8", "en"}, {"C", "en"},           {"POSIX", "en"},     {"C.UTF-8", "en"},
        {"zh", "zh"},        {"zh_CN", "zh"},       {"zh-CN", "zh"},       {"zh_CN.UTF-8", "zh"}, {"zh_cn.utf8", "zh"},
        {"zh_SG", "zh"},     {"zh-Hans", "zh"},     {"zh_CN@latin", "zh"}, {"zh_TW", NULL},     {"zh-Hant", NULL},
        {"zh_HK.UTF-8", NULL}, {"fr", NULL},        {"de_DE", NULL},       {"", NULL},          {"z", NULL},
        {"zhx", NULL},       {"zh_", NULL},         {"zh CN", NULL},       {"english", NULL},   {"1zh", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = cs_i18n_lang_of(cases[i].name);
        if (cases[i].lang) {
            assert_non_null(got);
            assert_string_equal(got, cases[i].lang);
        } else if (got) {
            fail_msg("'%s' should be refused, got '%s'", cases[i].name, got);
        }
    }
    assert_null(cs_i18n_lang_of(NULL));
}

static void test_translations(void **state)
{
    (void)state;
    assert_int_equal(cs_i18n_set_lang("zh"), 0);
    assert_string_equal(cs_i18n_lang(), "zh");
    /* the build tree's catalogue is found by a program of that build */
    assert_true(cs_i18n_dir()[0] != '\0');
    assert_int_equal(cs_i18n_translating(), 1);
    assert_string_equal(_("Pause"), "\u6682\u505C");                 /* 暂停 */
    assert_string_equal(C_("button", "Step"), "\u5355\u6B65");       /* 单步 */
    assert_string_equal(C_("shortest title", "Kernels"), "\u5377\u79EF\u6838"); /* 卷积核 */
    assert_string_equal(P_("%g batch/s", "%g batches/s", 1), "\u6BCF\u79D2 %g \u6279");
    assert_string_equal(P_("%g batch/s", "%g batches/s", 7), "\u6BCF\u79D2 %g \u6279");
    /* a format's directives survive translation, reordered where the sentence needs it */
    char buf[256];
    snprintf(buf, sizeof buf, _("map %s %d"), "conv1", 3);
    assert_string_equal(buf, "conv1 \u7684\u6FC0\u6D3B\u56FE 3"); /* conv1 的激活图 3 */
    cs_label_speed(buf, sizeof buf, 20);
    assert_string_equal(buf, "\u6BCF\u79D2 20 \u6279");
    cs_label_speed(buf, sizeof buf, 0.2);
    assert_string_equal(buf, "\u6BCF 5 \u79D2 1 \u6279"); /* 每 5 秒 1 批 */
    assert_string_equal(cs_label_loss("cross-entropy"), "\u4EA4\u53C9\u71B5"); /* 交叉熵 */
    /* what the catalogue does not have comes back as it was */
    const char *unknown = "a string the catalogue does not hold";
    assert_ptr_equal(_(unknown), unknown);
    assert_ptr_equal(C_("nowhere", "Pause"), "Pause");
    assert_string_equal(_(""), "");
    /* an unknown language changes nothing */
    const unsigned gen = cs_i18n_generation();
    assert_int_equal(cs_i18n_set_lang("fr"), -1);
    assert_int_equal(cs_i18n_set_lang("zh_TW"), -1);
    assert_string_equal(cs_i18n_lang(), "zh");
    assert_int_equal(cs_i18n_generation(), gen);
    assert_string_equal(_("Pause"), "\u6682\u505C");
    /* English: every string as written, English plurals */
    assert_int_equal(cs_i18n_set_lang("en"), 0);
    assert_true(cs_i18n_generation() != gen);
    assert_string_equal(cs_i18n_lang(), "en");
    assert_int_equal(cs_i18n_translating(), 0);
    assert_string_equal(_("Pause"), "Pause");
    assert_string_equal(C_("button", "Step"), "Step");
    assert_string_equal(P_("%g batch/s", "%g batches/s", 1), "%g batch/s");
    assert_string_equal(P_("%g batch/s", "%g batches/s", 2), "%g batches/s");
    cs_label_speed(buf, sizeof buf, 1);
    assert_string_equal(buf, "1 batch/s");
    cs_label_speed(buf, sizeof buf, 0);
    assert_string_equal(buf, "full speed");
    cs_label_speed(buf, sizeof buf, 0.2);
    assert_string_equal(buf, "1 batch every 5 s");
    /* and back, also by the locale's spellings */
    assert_int_equal(cs_i18n_set_lang("zh_CN.UTF-8"), 0);
    assert_string_equal(_("Pause"), "\u6682\u505C");
    assert_int_equal(cs_i18n_set_lang("C"), 0);
    assert_string_equal(_("Pause"), "Pause");
}

/* The language cs_i18n_set_lang(NULL) picks with these variables set ("" unsets one). */
static const char *locale_pick(const char *lc_all, const char *lc_messages, const char *lang)
{
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"}, *values[] = {lc_all, lc_messages, lang};
    for (int i = 0; i < 3; i++) {
        if (*values[i]) setenv(names[i], values[i], 1);
        else unsetenv(names[i]);
    }
    assert_int_equal(cs_i18n_set_lang(NULL), 0);
    return cs_i18n_lang();
}

static void test_locale(void **state)
{
    (void)state;
    if (language_run) {
        /* LANGUAGE=fr:zh_CN:en: its first language with a catalogue, unless the locale is "C" */
        assert_string_equal(locale_pick("", "", "de_DE.UTF-8"), "zh");
        assert_string_equal(_("Pause"), "\u6682\u505C");
        assert_string_equal(locale_pick("", "", "C"), "en");
        assert_string_equal(locale_pick("POSIX", "", "zh_CN.UTF-8"), "en");
        assert_string_equal(locale_pick("", "", ""), "en");
        assert_string_equal(locale_pick("", "", "C.UTF-8"), "zh"); /* not "C": LANGUAGE counts */
        /* English when asked for, and LANGUAGE as it was for anything started afterwards */
        assert_int_equal(cs_i18n_set_lang("en"), 0);
        assert_string_equal(getenv("LANGUAGE"), "fr:zh_CN:en");
        return;
    }
    assert_string_equal(locale_pick("", "", "zh_CN.UTF-8"), "zh");
    assert_string_equal(_("Pause"), "\u6682\u505C");
    assert_string_equal(locale_pick("", "", "en_US.UTF-8"), "en");
    assert_string_equal(_("Pause"), "Pause");
    assert_string_equal(locale_pick("", "", "fr_FR.UTF-8"), "en"); /* no catalogue: English */
    assert_string_equal(locale_pick("", "", "zh_TW.UTF-8"), "en");
    assert_string_equal(locale_pick("", "zh_CN.UTF-8", "C"), "zh"); /* LC_MESSAGES before LANG */
    assert_string_equal(locale_pick("", "en_GB.UTF-8", "zh_CN.UTF-8"), "en");
    assert_string_equal(locale_pick("C", "zh_CN.UTF-8", "zh_CN.UTF-8"), "en"); /* LC_ALL first */
    assert_string_equal(locale_pick("zh_SG.UTF-8", "", "C"), "zh");
    assert_string_equal(locale_pick("", "", ""), "en");
}

static void test_numbers_stay_c(void **state)
{
    (void)state;
    assert_int_equal(cs_i18n_set_lang("zh"), 0);
    assert_string_equal(setlocale(LC_NUMERIC, NULL), "C");
    assert_string_equal(setlocale(LC_CTYPE, NULL), "C");
    assert_true(strcmp(setlocale(LC_MESSAGES, NULL), "C") != 0); /* what gettext needs */
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f %g", 1.5, 0.125);
    assert_string_equal(buf, "1.50 0.125");
    assert_true(strtod("0.25", NULL) == 0.25);
    assert_true(strtod("2,5", NULL) == 2.0); /* ',' is not a decimal point here */
    cs_fmt_sig(buf, sizeof buf, -1.5f, 3);
    assert_string_equal(buf, "\u22121.5");
    assert_int_equal(cs_i18n_set_lang("en"), 0);
    assert_string_equal(setlocale(LC_MESSAGES, NULL), "C");
    assert_string_equal(setlocale(LC_NUMERIC, NULL), "C");
}

/* 1 when s has a character outside ASCII letters (a translation, not the English name). */
static int has_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xE3 && *p <= 0xE9) return 1; /* lead bytes of U+3000..U+9FFF */
    return 0;
}

static void check_classes(const cs_dataset *ds, const char *what)
{
    assert_true(ds->n_classes > 0);
    for (int k = 0; k < ds->n_classes; k++) {
        const char *shown = cs_label_class(ds->class_names[k]);
        if (!has_cjk(shown)) fail_msg("%s class '%s' has no Chinese name (shown as '%s')", what, ds->class_names[k], shown);
    }
}

static void test_class_names(void **state)
{
    (void)state;
    assert_int_equal(cs_i18n_set_lang("zh"), 0);
    cs_dataset train, test;
    assert_int_equal(cs_data_make_shapes(20, 10, 1, 28, 28, 1, &train, &test), CS_OK);
    check_classes(&test, "shapes");
    cs_dataset_free(&train), cs_dataset_free(&test);
    assert_int_equal(cs_data_make_colour_shapes(20, 10, 32, 32, 1, &train, &test), CS_OK);
    check_classes(&test, "colour-shapes");
    cs_dataset_free(&train), cs_dataset_free(&test);
    struct stat sb;
    const char *fashion = "/usr/share/datasets/fashion-mnist";
    if (stat(fashion, &sb) == 0 && cs_data_load_idx(fashion, 1, 20, &train, &test) == CS_OK) {
        check_classes(&test, "fashion-mnist");
        cs_dataset_free(&train), cs_dataset_free(&test);
    } else {
        printf("# fashion-mnist not installed: its class names not checked\n");
    }
    /* a folder's own names stay as they are; English shows every name as it is */
    assert_string_equal(cs_label_class("my own class"), "my own class");
    assert_int_equal(cs_i18n_set_lang("en"), 0);
    assert_string_equal(cs_label_class("circle"), "circle");
}

/* The run's English message m shown in Chinese: translated, with each of its numbers (and the
 * path, if any) as written. */
static void check_run_text(const char *m, const char *path)
{
    char buf[600];
    assert_int_equal(cs_i18n_set_lang("en"), 0);
    assert_ptr_equal(cs_label_run_text(m, buf, sizeof buf), m); /* English: the message itself */
    assert_int_equal(cs_i18n_set_lang("zh"), 0);
    const char *zh = cs_label_run_text(m, buf, sizeof buf);
    if (zh == m || !has_cjk(zh)) fail_msg("not translated: %s", m);
    for (const char *p = m; *p;) {
        if (!(*p >= '0' && *p <= '9')) {
            p++;
            continue;
        }
        char num[64];
        size_t n = 0;
        while (n + 1 < sizeof num && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.' || p[n] == 'e' || p[n] == '+')) n++;
        snprintf(num, sizeof num, "%.*s", (int)n, p);
        if (!strstr(zh, num)) fail_msg("'%s' lost the number %s: %s", m, num, zh);
        p += n;
    }
    if (path && !strstr(zh, path)) fail_msg("'%s' lost the path: %s", m, zh);
    printf("# %s\n#   %s\n", m, zh);
}

static void test_run_messages(void **state)
{
    (void)state;
    cs_run_spec spec;
    cs_run_spec_defaults(&spec);
    spec.dataset = "shapes";
    spec.net = "input 28x28x1, fc 8";
    spec.limit = 200;
    spec.cfg.seed = 7;
    spec.cfg.lr = 1000.0f;
    spec.cfg.loss = CS_LOSS_MSE;
    cs_run *run;
    if (cs_run_open(&run, &spec) != CS_OK) fail_msg("cs_run_open: %s", cs_last_error());
    int ev = 0;
    for (int n = 0; n < 100 && !(ev & CS_RUN_DIVERGED); n++) ev = cs_run_step(run, 0);
    assert_true(ev & CS_RUN_DIVERGED);
    check_run_text(run->message, NULL);
    assert_true(cs_run_restart(run) & CS_RUN_RESTARTED); /* at a tenth of the rate */
    check_run_text(run->event, NULL);
    assert_true(cs_run_restart(run) & CS_RUN_RESTARTED); /* no divergence: the same rate */
    check_run_text(run->event, NULL);
    /* a path with spaces and parentheses of its own */
    char dir[] = "/tmp/convscope-i18n-XXXXXX", path[256], sub[200];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/run (copy)", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/a (1).ckpt", sub);
    cs_run_step(run, 0);
    assert_true(cs_run_save(run, path) & CS_RUN_SAVED);
    check_run_text(run->event, path);
    remove(path);
    rmdir(sub);
    snprintf(path, sizeof path, "%s/no such dir/a.ckpt", dir);
    assert_true(cs_run_save(run, path) & CS_RUN_SAVE_FAILED);
    check_run_text(run->event, NULL);
    rmdir(dir);
    cs_run_close(run);
    /* a message the window does not know stays as written */
    char buf[64];
    assert_int_equal(cs_i18n_set_lang("zh"), 0);
    const char *other = "training diverged at step 3 (epoch 1): something new";
    assert_ptr_equal(cs_label_run_text(other, buf, sizeof buf), other);
    assert_int_equal(cs_i18n_set_lang("en"), 0);
}

/* ---- layouts, measured as a CJK font draws: Latin 0.6 em, Chinese a full em ----------------- */

static float measure_wide(void *ctx, cs_face face, int px, const char *text)
{
    (void)ctx, (void)face;
    float w = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        const int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
        w += (n == 3 && *p >= 0xE3) ? 1.0f : 0.6f; /* U+3000 and up: CJK and fullwidth */
        p += n;
        while (*p && (*p & 0xC0) == 0x80) p++;
    }
    return w * (float)px;
}

static const cs_measure WIDE = {measure_wide, NULL};

static void train_layout(cs_layout *L, const char *preset, int w, int h, float scale)
{
    cs_net *net;
    assert_int_equal(cs_net_create(&net, cs_net_preset_spec(preset), 1, 1), CS_OK);
    cs_snap_layer layers[CS_SNAP_MAX_LAYERS];
    const int n = net->n_layers;
    for (int l = 0; l < n; l++) cs_snap_layer_from_net(&layers[l], net, l);
    const char *names[10];
    for (int i = 0; i < 10; i++) names[i] = cs_label_class(i % 2 ? "Ankle boot" : "T-shirt/top");
    const cs_layout_in in = {w, h, scale, 0, &WIDE, layers, n, net->in_c, net->in_h, net->in_w, net->n_classes, names, 10, 0, 0};
    cs_layout_compute(L, &in);
    cs_net_destroy(net);
}

static void step_layout(cs_step_layout *L, int w, int h, float scale)
{
    cs_demo_image img;
    cs_filter k;
    assert_int_equal(cs_demo_make(&img, "curve", 1), CS_OK);
    assert_int_equal(cs_filter_preset(&k, "curve"), CS_OK);
    cs_stepper st;
    assert_int_equal(cs_stepper_init(&st, img.pixels, 1, img.h, img.w, k.w, k.k, 0, 1, 0, CS_STEPPER_ACT_NONE), CS_OK);
    cs_step_layout_compute(L, w, h, scale, 0, &WIDE, &st);
    cs_stepper_free(&st);
    cs_filter_free(&k);
    cs_demo_image_free(&img);
}

static void test_layouts_fit_chinese(void **state)
{
    (void)state;
    static const struct {
        int w, h;
        float scale;
    } sizes[] = {{1280, 720, 1}, {1920, 1080, 1}, {1920, 1080, 1.5f}, {1280, 720, 2}};
    static const char *const presets[] = {"mnist", "article", "cifar"};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
            cs_layout en, zh;
            assert_int_equal(cs_i18n_set_lang("en"), 0);
            train_layout(&en, presets[p], sizes[s].w, sizes[s].h, sizes[s].scale);
            assert_int_equal(cs_i18n_set_lang("zh"), 0);
            train_layout(&zh, presets[p], sizes[s].w, sizes[s].h, sizes[s].scale);
            /* the Chinese texts leave out no panel English keeps, and take no smaller type */
            if ((zh.hidden & ~en.hidden) || zh.st.scale < en.st.scale - 1e-6f)
                fail_msg("%s at %dx%d scale %.1f: hidden %d (English %d), scale %.3f (English %.3f)", presets[p], sizes[s].w,
                         sizes[s].h, (double)sizes[s].scale, zh.hidden, en.hidden, (double)zh.st.scale,
                         (double)en.st.scale);
            assert_int_equal(zh.counter_lines <= 2, 1);
        }
        cs_step_layout en, zh;
        assert_int_equal(cs_i18n_set_lang("en"), 0);
        step_layout(&en, sizes[s].w, sizes[s].h, sizes[s].scale);
        assert_int_equal(cs_i18n_set_lang("zh"), 0);
        step_layout(&zh, sizes[s].w, sizes[s].h, sizes[s].scale);
        if ((zh.hidden & ~en.hidden) || zh.st.scale < en.st.scale - 1e-6f)
            fail_msg("step view at %dx%d scale %.1f: hidden %d (English %d), scale %.3f (English %.3f)", sizes[s].w,
                     sizes[s].h, (double)sizes[s].scale, zh.hidden, en.hidden, (double)zh.st.scale, (double)en.st.scale);
    }
    assert_int_equal(cs_i18n_set_lang("en"), 0);
}

int main(int argc, char **argv)
{
    language_run = argc > 1 && strcmp(argv[1], "LANGUAGE") == 0;
    if (language_run) {
        const struct CMUnitTest tests[] = {cmocka_unit_test(test_locale)};
        return cmocka_run_group_tests_name("i18n (LANGUAGE)", tests, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_names),  cmocka_unit_test(test_translations),
        cmocka_unit_test(test_locale),      cmocka_unit_test(test_numbers_stay_c),
        cmocka_unit_test(test_class_names), cmocka_unit_test(test_run_messages),
        cmocka_unit_test(test_layouts_fit_chinese),
    };
    return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
