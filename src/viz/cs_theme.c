/* cs_theme.c - what the window's views share: the help overlay, legend ramps, number format
 * (see cs_theme.h). */
#include "cs_theme.h"

#include <stdio.h>
#include <string.h>

#include "cs_layout.h"

void cs_theme_draw_help(cs_gl *gl, cs_text *text, cs_rect box, int win_w, int win_h, float scale, const char *title,
                        const char *const *rows, int n_rows)
{
    static const cs_rgba text_c = CS_THEME_TEXT, key_c = CS_THEME_HILITE, frame_c = CS_THEME_BUTTON_ON;
    cs_gl_rect(gl, CS_GL_TOP, (cs_rect){0, 0, (float)win_w, (float)win_h}, (cs_rgba){0, 0, 0, 0.55f});
    cs_gl_rect(gl, CS_GL_TOP, box, (cs_rgba){0.13f, 0.14f, 0.17f, 0.98f});
    cs_gl_frame(gl, CS_GL_TOP, box, 2, frame_c);
    float y = box.y + 12 * scale;
    cs_text_draw(text, CS_GL_TOP, CS_FONT_BIG, box.x + 16 * scale, y, text_c, title);
    y += cs_layout_line_h(CS_FONT_BIG, scale) + 8 * scale;
    const float lh = cs_layout_line_h(CS_FONT_NORMAL, scale) * 1.1f;
    for (int i = 0; i < n_rows; i++) {
        const char *row = rows[i], *tab = strchr(row, '\t');
        char key[64];
        size_t n = tab ? (size_t)(tab - row) : strlen(row);
        if (n >= sizeof key) n = sizeof key - 1;
        memcpy(key, row, n);
        key[n] = '\0';
        cs_text_draw(text, CS_GL_TOP, CS_FONT_NORMAL, box.x + 24 * scale, y, key_c, key);
        if (tab) cs_text_draw(text, CS_GL_TOP, CS_FONT_NORMAL, box.x + 220 * scale, y, text_c, tab + 1);
        y += lh;
    }
}

void cs_theme_create_ramps(unsigned *ramp_h, unsigned *ramp_v)
{
    float ramp[256];
    for (int i = 0; i < 256; i++) ramp[i] = (float)i / 255.0f;
    *ramp_h = cs_gl_texture_create(256, 1);
    cs_gl_texture_update(*ramp_h, 256, 1, ramp);
    for (int i = 0; i < 256; i++) ramp[i] = 1.0f - (float)i / 255.0f;
    *ramp_v = cs_gl_texture_create(1, 256);
    cs_gl_texture_update(*ramp_v, 1, 256, ramp);
}

void cs_theme_format_count(char *buf, size_t size, long long n)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", n < 0 ? -n : n);
    size_t len = strlen(tmp), o = 0;
    if (n < 0 && o + 1 < size) buf[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        buf[o++] = tmp[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len) buf[o++] = ',';
    }
    buf[o] = '\0';
}
