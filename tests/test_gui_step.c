/* test_gui_step.c - the step view's logic without a window (gui_step.h; no GL is touched before
 * gui_step_attach): term-by-term stepping starts with the current window's first term, a key
 * starts the sum again, zero terms can be skipped, and the grey output picture (on by itself for
 * smoothing kernels) is the output map at the input's scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_stepper.h"
#include "gui_step.h"

/* The speed one multiply-add at a time: the finest, 9 presses below anything. */
static void to_term_speed(gui_step *g) { gui_step_speed(g, -20); }

/* From the article's 6600 window (the view opens there), the first '.' at term speed starts that
 * window's sum with its first term instead of moving on; Backspace starts it again; with zero
 * terms skipped each '.' adds the next of its five non-zero terms. */
static void test_term_stepping(void **state)
{
    (void)state;
    gui_step_options o;
    gui_step_options_defaults(&o);
    gui_step *g;
    assert_int_equal(gui_step_create(&g, &o), CS_OK);
    const cs_stepper *st = gui_step_stepper(g);
    const int ox = st->ox, oy = st->oy;
    assert_int_equal(st->term, st->n_terms);
    assert_float_equal(st->sum, 6600, 0);
    to_term_speed(g);
    gui_step_advance(g, 1);
    assert_int_equal(st->ox, ox), assert_int_equal(st->oy, oy); /* the same window ... */
    assert_int_equal(st->term, 1);                              /* ... with its first term */
    gui_step_advance(g, 1);
    assert_int_equal(st->term, 2);
    gui_step_restart_sum(g);
    assert_int_equal(st->term, 0);
    assert_int_equal(st->ox, ox);
    /* skipping the 44 zero terms: five presses show the five products of the curve */
    gui_step_toggle_skip_zeros(g);
    float partial[5];
    for (int i = 0; i < 5; i++) {
        gui_step_advance(g, 1);
        assert_true(st->products[st->term - 1] != 0.0f);
        partial[i] = st->partial;
    }
    assert_float_equal(partial[0], 1500, 0);
    assert_float_equal(partial[4], 6600, 0);
    assert_int_equal(st->ox, ox);
    /* a window reached by an arrow starts its own sum too */
    gui_step_move(g, 0, 1);
    assert_int_equal(st->term, st->n_terms);
    gui_step_advance(g, 1);
    assert_int_equal(st->ox, ox + 1);
    assert_true(st->term >= 1 && st->term <= st->n_terms);
    gui_step_destroy(g);
}

/* The box blur over an image file: the grey picture is on by itself, and it is the output at the
 * input's 0..255 scale; the kernel keeps its fraction form (ninths). The curve detector's output
 * is no image: no grey picture until asked for. */
static void test_grey_output(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char path[300];
    snprintf(path, sizeof path, "%s/cs-gui-step-%d.pgm", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "P2\n6 6\n255\n");
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 6; x++) fprintf(f, "%d%c", y >= 1 && y <= 3 && x >= 1 && x <= 3 ? 255 : 0, x == 5 ? '\n' : ' ');
    fclose(f);
    gui_step_options o;
    gui_step_options_defaults(&o);
    o.image = path;
    o.kernel = "box";
    gui_step *g;
    assert_int_equal(gui_step_create(&g, &o), CS_OK);
    const cs_stepper *st = gui_step_stepper(g);
    assert_int_equal(st->frac_den, 9);
    assert_true(gui_step_grey_on(g));
    gui_step_end(g);
    float grey[16];
    gui_step_grey(g, grey);
    assert_float_equal(grey[1 * 4 + 1], 1.0f, 0);           /* all nine white: 255 of 255 */
    assert_float_equal(grey[0], 113.0f / 255.0f, 1e-7);      /* four: 113 */
    assert_float_equal(grey[1 * 4 + 0], 170.0f / 255.0f, 1e-7); /* six: 170 */
    gui_step_toggle_grey(g);
    assert_false(gui_step_grey_on(g));
    gui_step_destroy(g);
    remove(path);

    gui_step_options_defaults(&o);
    assert_int_equal(gui_step_create(&g, &o), CS_OK);
    assert_false(gui_step_grey_on(g)); /* the curve detector is no smoothing */
    assert_int_equal(gui_step_stepper(g)->frac_den, 0);
    gui_step_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_stepping),
        cmocka_unit_test(test_grey_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
