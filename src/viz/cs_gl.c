/* cs_gl.c - batched OpenGL 3.3 core drawing for the live window (see cs_gl.h).
 *
 * Every frame's quads go into client-side arrays and reach the GPU in one buffer upload per
 * batch: the flat/glyph layers are one draw call each, heat quads one draw call per texture. */
#include "cs_gl.h"

#include <epoxy/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_shaders.h"

enum { UI_FLOATS = 8, HEAT_FLOATS = 10 }; /* per vertex: see ui.vert and heat.vert */

typedef struct {
    float *v;          /* UI_FLOATS per vertex, owned */
    size_t n, cap;     /* vertices */
} ui_batch;

typedef struct {
    unsigned tex;
    int rgb;           /* drawn by the RGB variant of the heat shader */
    int order;         /* submission order, to keep the sort stable */
    float v[6 * HEAT_FLOATS];
} heat_quad;

struct cs_gl {
    GLuint ui_prog, flat_prog;         /* 0 when the shader did not compile */
    GLuint heat_prog[2];               /* colormap, and the RGB variant */
    GLint ui_viewport, flat_viewport, ui_atlas;
    GLint heat_viewport[2], heat_values[2], heat_cmap[2];
    GLuint ui_vao, ui_vbo, heat_vao, heat_vbo;
    GLuint atlas, cmap;
    ui_batch layer[CS_GL_LAYERS][2];  /* per layer: flat fills (drawn first), then glyphs */
    heat_quad *heat;                   /* owned */
    size_t n_heat, cap_heat;
    float *heat_verts;                 /* owned scratch for the sorted upload */
    size_t cap_heat_verts;
    int w, h;
    char err[4096];
};

/* ---- shaders --------------------------------------------------------------------------- */

/* The source of a shader file: from CONVSCOPE_SHADER_DIR if set (caller frees *owned), else the
 * embedded copy. */
static const char *shader_text(const char *name, char **owned, char *err, size_t err_size)
{
    *owned = NULL;
    const char *dir = getenv("CONVSCOPE_SHADER_DIR");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        if (!f) {
            snprintf(err, err_size, "cannot open shader %.1000s (CONVSCOPE_SHADER_DIR)", path);
            return NULL;
        }
        char *buf = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
            if (n + 4096 + 1 > cap) {
                cap = cap ? 2 * cap : 16384;
                char *nb = realloc(buf, cap);
                if (!nb) break;
                buf = nb;
            }
            size_t got = fread(buf + n, 1, 4096, f);
            n += got;
            if (got < 4096) break;
        }
        fclose(f);
        if (!buf) return NULL;
        buf[n] = '\0';
        *owned = buf;
        return buf;
    }
    for (const cs_shader_source *s = cs_shader_sources; s->name; s++)
        if (strcmp(s->name, name) == 0) return s->text;
    snprintf(err, err_size, "shader %s is not embedded", name);
    return NULL;
}

/* Compiles shader file `name`; define (may be NULL) is a "#define ..." line put right after the
 * #version line, for a variant of the same file. */
static GLuint compile(GLenum type, const char *name, const char *define, char *err, size_t err_size)
{
    char *owned;
    const char *text = shader_text(name, &owned, err, err_size);
    if (!text) return 0;
    const char *nl = strchr(text, '\n');
    const size_t head = nl ? (size_t)(nl - text) + 1 : strlen(text);
    const char *parts[3] = {text, define ? define : "", text + head};
    const GLint lens[3] = {(GLint)head, (GLint)strlen(parts[1]), (GLint)strlen(parts[2])};
    GLuint sh = glCreateShader(type);
    glShaderSource(sh, 3, parts, lens);
    glCompileShader(sh);
    free(owned);
    GLint ok = 0;
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = "";
        glGetShaderInfoLog(sh, sizeof log, NULL, log);
        snprintf(err, err_size, "shader %s does not compile: %s", name, log);
        glDeleteShader(sh);
        return 0;
    }
    return sh;
}

static GLuint link_program(const char *vs_name, const char *fs_name, const char *define, char *err,
                           size_t err_size)
{
    GLuint vs = compile(GL_VERTEX_SHADER, vs_name, NULL, err, err_size);
    GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fs_name, define, err, err_size) : 0;
    if (!vs || !fs) {
        if (vs) glDeleteShader(vs);
        return 0;
    }
    GLuint p = glCreateProgram();
    glAttachShader(p, vs);
    glAttachShader(p, fs);
    glLinkProgram(p);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = "";
        glGetProgramInfoLog(p, sizeof log, NULL, log);
        snprintf(err, err_size, "shaders %s + %s do not link: %s", vs_name, fs_name, log);
        glDeleteProgram(p);
        return 0;
    }
    return p;
}

/* Links vs + fs; on failure appends the log to gl->err and returns 0. */
static GLuint build(cs_gl *gl, const char *vs, const char *fs, const char *define)
{
    char err[2048] = "";
    GLuint p = link_program(vs, fs, define, err, sizeof err);
    if (!p) {
        size_t n = strlen(gl->err);
        snprintf(gl->err + n, sizeof gl->err - n, "%s%.2000s", n ? "; " : "", err);
    }
    return p;
}

int cs_gl_reload(cs_gl *gl)
{
    gl->err[0] = '\0';
    GLuint ui = build(gl, "ui.vert", "ui.frag", NULL);
    GLuint flat = build(gl, "ui.vert", "flat.frag", NULL);
    GLuint heat[2] = {build(gl, "heat.vert", "heat.frag", NULL), build(gl, "heat.vert", "heat.frag", "#define CS_HEAT_RGB 1\n")};
    /* keep a working program rather than replace it with a broken one */
    if (ui) {
        if (gl->ui_prog) glDeleteProgram(gl->ui_prog);
        gl->ui_prog = ui;
        gl->ui_viewport = glGetUniformLocation(ui, "u_viewport");
        gl->ui_atlas = glGetUniformLocation(ui, "u_atlas");
    }
    if (flat) {
        if (gl->flat_prog) glDeleteProgram(gl->flat_prog);
        gl->flat_prog = flat;
        gl->flat_viewport = glGetUniformLocation(flat, "u_viewport");
    }
    for (int i = 0; i < 2; i++) {
        if (!heat[i]) continue;
        if (gl->heat_prog[i]) glDeleteProgram(gl->heat_prog[i]);
        gl->heat_prog[i] = heat[i];
        gl->heat_viewport[i] = glGetUniformLocation(heat[i], "u_viewport");
        gl->heat_values[i] = glGetUniformLocation(heat[i], "u_values");
        gl->heat_cmap[i] = glGetUniformLocation(heat[i], "u_cmap");
    }
    return ui && flat && heat[0] && heat[1];
}

const char *cs_gl_error(const cs_gl *gl) { return gl->err; }

/* ---- objects --------------------------------------------------------------------------- */

static void attrib(GLuint index, int size, int stride_floats, int offset_floats)
{
    glEnableVertexAttribArray(index);
    glVertexAttribPointer(index, size, GL_FLOAT, GL_FALSE, stride_floats * (GLsizei)sizeof(float),
                          (const void *)(size_t)(offset_floats * sizeof(float)));
}

cs_gl *cs_gl_create(void)
{
    cs_gl *gl = calloc(1, sizeof *gl);
    if (!gl) {
        cs_fail(CS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    glGenVertexArrays(1, &gl->ui_vao);
    glGenBuffers(1, &gl->ui_vbo);
    glBindVertexArray(gl->ui_vao);
    glBindBuffer(GL_ARRAY_BUFFER, gl->ui_vbo);
    attrib(0, 2, UI_FLOATS, 0);
    attrib(1, 2, UI_FLOATS, 2);
    attrib(2, 4, UI_FLOATS, 4);
    glGenVertexArrays(1, &gl->heat_vao);
    glGenBuffers(1, &gl->heat_vbo);
    glBindVertexArray(gl->heat_vao);
    glBindBuffer(GL_ARRAY_BUFFER, gl->heat_vbo);
    attrib(0, 2, HEAT_FLOATS, 0);
    attrib(1, 2, HEAT_FLOATS, 2);
    attrib(2, 4, HEAT_FLOATS, 4);
    attrib(3, 2, HEAT_FLOATS, 8);
    glBindVertexArray(0);

    /* the glyph atlas, with a fully covered corner for flat fills */
    glGenTextures(1, &gl->atlas);
    glBindTexture(GL_TEXTURE_2D, gl->atlas);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    uint8_t *zero = calloc((size_t)CS_GL_ATLAS_SIZE * CS_GL_ATLAS_SIZE, 1);
    if (zero)
        for (int y = 0; y < CS_GL_ATLAS_RESERVED; y++) memset(zero + (size_t)y * CS_GL_ATLAS_SIZE, 255, CS_GL_ATLAS_RESERVED);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, CS_GL_ATLAS_SIZE, CS_GL_ATLAS_SIZE, 0, GL_RED, GL_UNSIGNED_BYTE, zero);
    free(zero);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

    /* the colormap table of cs_colormap.h, one 256-texel row per colormap */
    uint8_t table[CS_CMAP_COUNT][256 * 3];
    for (int i = 0; i < CS_CMAP_COUNT; i++) memcpy(table[i], cs_colormap_table((cs_colormap_id)i), sizeof table[i]);
    glGenTextures(1, &gl->cmap);
    glBindTexture(GL_TEXTURE_2D, gl->cmap);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, 256, CS_CMAP_COUNT, 0, GL_RGB, GL_UNSIGNED_BYTE, table);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);

    GLenum e = glGetError();
    if (e != GL_NO_ERROR) {
        cs_fail(CS_ERR_IO, "OpenGL error 0x%04x while creating buffers and textures", (unsigned)e);
        cs_gl_destroy(gl);
        return NULL;
    }
    cs_gl_reload(gl);
    return gl;
}

void cs_gl_destroy(cs_gl *gl)
{
    if (!gl) return;
    if (gl->ui_prog) glDeleteProgram(gl->ui_prog);
    if (gl->flat_prog) glDeleteProgram(gl->flat_prog);
    for (int i = 0; i < 2; i++)
        if (gl->heat_prog[i]) glDeleteProgram(gl->heat_prog[i]);
    glDeleteBuffers(1, &gl->ui_vbo);
    glDeleteBuffers(1, &gl->heat_vbo);
    glDeleteVertexArrays(1, &gl->ui_vao);
    glDeleteVertexArrays(1, &gl->heat_vao);
    glDeleteTextures(1, &gl->atlas);
    glDeleteTextures(1, &gl->cmap);
    for (int i = 0; i < CS_GL_LAYERS; i++) free(gl->layer[i][0].v), free(gl->layer[i][1].v);
    free(gl->heat);
    free(gl->heat_verts);
    free(gl);
}

unsigned cs_gl_texture_create(int w, int h)
{
    GLuint t = 0;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, w, h, 0, GL_RED, GL_FLOAT, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    return t;
}

void cs_gl_texture_update(unsigned tex, int w, int h, const float *data)
{
    glBindTexture(GL_TEXTURE_2D, tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RED, GL_FLOAT, data);
    glBindTexture(GL_TEXTURE_2D, 0);
}

void cs_gl_texture_destroy(unsigned tex)
{
    GLuint t = tex;
    if (t) glDeleteTextures(1, &t);
}

void cs_gl_atlas_upload(cs_gl *gl, int x, int y, int w, int h, const uint8_t *coverage)
{
    glBindTexture(GL_TEXTURE_2D, gl->atlas);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, x, y, w, h, GL_RED, GL_UNSIGNED_BYTE, coverage);
    glBindTexture(GL_TEXTURE_2D, 0);
}

/* ---- batching -------------------------------------------------------------------------- */

void cs_gl_begin(cs_gl *gl, int w, int h, cs_rgba clear)
{
    gl->w = w, gl->h = h;
    for (int i = 0; i < CS_GL_LAYERS; i++) gl->layer[i][0].n = gl->layer[i][1].n = 0;
    gl->n_heat = 0;
    glViewport(0, 0, w, h);
    glClearColor(clear.r, clear.g, clear.b, clear.a);
    glClear(GL_COLOR_BUFFER_BIT);
}

static float *ui_reserve(ui_batch *b, size_t verts)
{
    if (b->n + verts > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + verts) cap *= 2;
        float *nv = realloc(b->v, cap * UI_FLOATS * sizeof(float));
        if (!nv) return NULL;
        b->v = nv, b->cap = cap;
    }
    float *p = b->v + b->n * UI_FLOATS;
    b->n += verts;
    return p;
}

static float *put_ui(float *p, float x, float y, float u, float v, cs_rgba c)
{
    p[0] = x, p[1] = y, p[2] = u, p[3] = v, p[4] = c.r, p[5] = c.g, p[6] = c.b, p[7] = c.a;
    return p + UI_FLOATS;
}

/* A quad from its four corners (a b / d c, clockwise from top left) and atlas coordinates
 * (u0 < 0: a flat fill). */
static void ui_quad(cs_gl *gl, int layer, const float xy[8], float u0, float v0, float u1, float v1, cs_rgba c)
{
    float *p = ui_reserve(&gl->layer[layer][u0 >= 0], 6);
    if (!p) return;
    p = put_ui(p, xy[0], xy[1], u0, v0, c);
    p = put_ui(p, xy[2], xy[3], u1, v0, c);
    p = put_ui(p, xy[4], xy[5], u1, v1, c);
    p = put_ui(p, xy[0], xy[1], u0, v0, c);
    p = put_ui(p, xy[4], xy[5], u1, v1, c);
    put_ui(p, xy[6], xy[7], u0, v1, c);
}

void cs_gl_glyph(cs_gl *gl, int layer, cs_rect r, float u0, float v0, float u1, float v1, cs_rgba c)
{
    const float xy[8] = {r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h};
    ui_quad(gl, layer, xy, u0, v0, u1, v1, c); /* texel units: the shader uses texelFetch */
}

void cs_gl_rect(cs_gl *gl, int layer, cs_rect r, cs_rgba c)
{
    /* u < 0: a flat fill, drawn by the flat shader */
    const float xy[8] = {r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h};
    ui_quad(gl, layer, xy, -1, -1, -1, -1, c);
}

void cs_gl_frame(cs_gl *gl, int layer, cs_rect r, float t, cs_rgba c)
{
    cs_gl_rect(gl, layer, (cs_rect){r.x, r.y, r.w, t}, c);
    cs_gl_rect(gl, layer, (cs_rect){r.x, r.y + r.h - t, r.w, t}, c);
    cs_gl_rect(gl, layer, (cs_rect){r.x, r.y + t, t, r.h - 2 * t}, c);
    cs_gl_rect(gl, layer, (cs_rect){r.x + r.w - t, r.y + t, t, r.h - 2 * t}, c);
}

void cs_gl_line(cs_gl *gl, int layer, float x0, float y0, float x1, float y1, float width, cs_rgba c)
{
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (len <= 0) return;
    float nx = -dy / len * 0.5f * width, ny = dx / len * 0.5f * width;
    const float xy[8] = {x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny};
    ui_quad(gl, layer, xy, -1, -1, -1, -1, c);
}

void cs_gl_heat(cs_gl *gl, unsigned tex, int tex_w, int tex_h, cs_rect dst, int sx, int sy, int sw, int sh,
                cs_value_range r, cs_colormap_id cmap, int rgb_plane)
{
    if (gl->n_heat == gl->cap_heat) {
        size_t cap = gl->cap_heat ? 2 * gl->cap_heat : 1024;
        heat_quad *nq = realloc(gl->heat, cap * sizeof *nq);
        if (!nq) return;
        gl->heat = nq, gl->cap_heat = cap;
    }
    heat_quad *q = &gl->heat[gl->n_heat];
    q->tex = tex;
    q->rgb = rgb_plane > 0;
    q->order = (int)gl->n_heat++;
    (void)tex_w, (void)tex_h; /* texel units: the shader uses texelFetch */
    const float u0 = (float)sx, u1 = (float)(sx + sw), v0 = (float)sy, v1 = (float)(sy + sh);
    const float plane = (float)rgb_plane;
    r = cs_value_range_drawable(r); /* finite, non-empty: the shader divides by hi - lo */
    const float corner[6][4] = {
        {dst.x, dst.y, u0, v0}, {dst.x + dst.w, dst.y, u1, v0}, {dst.x + dst.w, dst.y + dst.h, u1, v1},
        {dst.x, dst.y, u0, v0}, {dst.x + dst.w, dst.y + dst.h, u1, v1}, {dst.x, dst.y + dst.h, u0, v1},
    };
    for (int i = 0; i < 6; i++) {
        float *p = q->v + i * HEAT_FLOATS;
        p[0] = corner[i][0], p[1] = corner[i][1], p[2] = corner[i][2], p[3] = corner[i][3];
        p[4] = r.lo, p[5] = r.hi, p[6] = (float)cmap, p[7] = rgb_plane > 0 ? 1.0f : 0.0f, p[8] = plane;
        p[9] = sw > 0 ? fminf(dst.w / (float)sw, dst.h / (float)(sh > 0 ? sh : 1)) : 0; /* pixels per cell */
    }
}

static int cmp_heat(const void *a, const void *b)
{
    const heat_quad *x = a, *y = b;
    if (x->rgb != y->rgb) return x->rgb - y->rgb;
    if (x->tex != y->tex) return x->tex < y->tex ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static void draw_batch(cs_gl *gl, const ui_batch *b, int glyphs)
{
    const GLuint prog = glyphs ? gl->ui_prog : gl->flat_prog;
    if (!b->n || !prog) return;
    glUseProgram(prog);
    glUniform2f(glyphs ? gl->ui_viewport : gl->flat_viewport, (float)gl->w, (float)gl->h);
    if (glyphs) {
        glUniform1i(gl->ui_atlas, 0);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, gl->atlas);
    }
    glBindVertexArray(gl->ui_vao);
    glBindBuffer(GL_ARRAY_BUFFER, gl->ui_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(b->n * UI_FLOATS * sizeof(float)), b->v, GL_STREAM_DRAW);
    glDrawArrays(GL_TRIANGLES, 0, (GLsizei)b->n);
}

static void draw_ui_layer(cs_gl *gl, int layer)
{
    draw_batch(gl, &gl->layer[layer][0], 0);
    draw_batch(gl, &gl->layer[layer][1], 1);
}

void cs_gl_end(cs_gl *gl)
{
    /* the bottom layer is opaque panels: no blending, which is costly on software rasterisers */
    glDisable(GL_BLEND);
    draw_ui_layer(gl, CS_GL_UNDER);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    if (gl->n_heat) {
        qsort(gl->heat, gl->n_heat, sizeof *gl->heat, cmp_heat);
        const size_t floats = gl->n_heat * 6 * HEAT_FLOATS;
        if (floats > gl->cap_heat_verts) {
            float *nv = realloc(gl->heat_verts, floats * sizeof *nv);
            if (nv) gl->heat_verts = nv, gl->cap_heat_verts = floats;
        }
        if (floats <= gl->cap_heat_verts) {
            for (size_t i = 0; i < gl->n_heat; i++)
                memcpy(gl->heat_verts + i * 6 * HEAT_FLOATS, gl->heat[i].v, sizeof gl->heat[i].v);
            glDisable(GL_BLEND);
            glActiveTexture(GL_TEXTURE1);
            glBindTexture(GL_TEXTURE_2D, gl->cmap);
            glActiveTexture(GL_TEXTURE0);
            glBindVertexArray(gl->heat_vao);
            glBindBuffer(GL_ARRAY_BUFFER, gl->heat_vbo);
            glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(floats * sizeof(float)), gl->heat_verts, GL_STREAM_DRAW);
            int bound = -1;
            size_t first = 0;
            while (first < gl->n_heat) {
                size_t end = first;
                while (end < gl->n_heat && gl->heat[end].tex == gl->heat[first].tex && gl->heat[end].rgb == gl->heat[first].rgb)
                    end++;
                const int v = gl->heat[first].rgb;
                if (gl->heat_prog[v]) {
                    if (bound != v) {
                        glUseProgram(gl->heat_prog[v]);
                        glUniform2f(gl->heat_viewport[v], (float)gl->w, (float)gl->h);
                        glUniform1i(gl->heat_values[v], 0);
                        glUniform1i(gl->heat_cmap[v], 1);
                        bound = v;
                    }
                    glBindTexture(GL_TEXTURE_2D, gl->heat[first].tex);
                    glDrawArrays(GL_TRIANGLES, (GLint)(first * 6), (GLsizei)((end - first) * 6));
                }
                first = end;
            }
            glEnable(GL_BLEND);
        }
    }
    draw_ui_layer(gl, CS_GL_OVER);
    draw_ui_layer(gl, CS_GL_TOP);
    glBindVertexArray(0);
    glUseProgram(0);
}

void cs_gl_read_pixels(int w, int h, uint8_t *rgb)
{
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb);
    /* GL rows run bottom-up; images top-down */
    const size_t row = (size_t)w * 3;
    uint8_t *tmp = malloc(row);
    if (!tmp) return;
    for (int y = 0; y < h / 2; y++) {
        memcpy(tmp, rgb + (size_t)y * row, row);
        memcpy(rgb + (size_t)y * row, rgb + (size_t)(h - 1 - y) * row, row);
        memcpy(rgb + (size_t)(h - 1 - y) * row, tmp, row);
    }
    free(tmp);
}
