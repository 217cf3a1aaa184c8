/* cs_gl.h - the window's OpenGL 3.3 core drawing: batched flat quads, lines and glyphs (one
 * draw call per layer), float textures colour-mapped by the heat shader (one draw call per
 * texture), the colormap texture built from cs_colormap.h, and screenshots.
 *
 * Needs a current GL 3.3 core context (loaded through libepoxy). Coordinates are window pixels
 * with the origin at the top left. A shader that fails to compile does not stop the program:
 * the draw calls that need it are skipped and cs_gl_error() says why. */
#ifndef CS_GL_H
#define CS_GL_H

#include <stdint.h>

#include "cs_colormap.h"
#include "cs_error.h"
#include "cs_style.h"

/* Flat drawing goes to one of three layers: under the heat maps (opaque: drawn without
 * blending), over them, and on top of everything (tooltips, the help overlay). */
enum { CS_GL_UNDER, CS_GL_OVER, CS_GL_TOP, CS_GL_LAYERS };

#define CS_GL_ATLAS_SIZE 2048 /* the glyph atlas is CS_GL_ATLAS_SIZE^2 R8 texels */

typedef struct cs_gl cs_gl;

/* Creates GL objects and compiles the shaders: the embedded sources, or, when the environment
 * variable CONVSCOPE_SHADER_DIR names a directory, the files there (for live editing).
 * Returns NULL only when memory or GL objects are missing (cs_last_error says which); shader
 * compile errors are kept in cs_gl_error(). Destroy with cs_gl_destroy (context current). */
cs_gl *cs_gl_create(void);
void cs_gl_destroy(cs_gl *gl);
/* Recompiles the shaders (from CONVSCOPE_SHADER_DIR when set); 1 when all compiled. */
int cs_gl_reload(cs_gl *gl);
/* The last shader compile or link log, "" when all shaders work. Borrowed. */
const char *cs_gl_error(const cs_gl *gl);

/* A float texture of w x h texels (R32F, nearest filtering), or 0 on failure. */
unsigned cs_gl_texture_create(int w, int h);
/* Replaces the whole texture: data is (h, w) floats. */
void cs_gl_texture_update(unsigned tex, int w, int h, const float *data);
void cs_gl_texture_destroy(unsigned tex);

/* Uploads an 8-bit coverage block into the glyph atlas at (x, y). */
void cs_gl_atlas_upload(cs_gl *gl, int x, int y, int w, int h, const uint8_t *coverage);
/* Texels at the atlas origin kept out of the glyph packing. */
#define CS_GL_ATLAS_RESERVED 4

/* Starts a frame of w x h pixels: clears to `clear` and empties the batches. */
void cs_gl_begin(cs_gl *gl, int w, int h, cs_rgba clear);
void cs_gl_rect(cs_gl *gl, int layer, cs_rect r, cs_rgba c);
/* Outline of r, t pixels thick, inside r. */
void cs_gl_frame(cs_gl *gl, int layer, cs_rect r, float t, cs_rgba c);
void cs_gl_line(cs_gl *gl, int layer, float x0, float y0, float x1, float y1, float width, cs_rgba c);
/* A textured quad from the glyph atlas: texels (u0, v0)-(u1, v1). */
void cs_gl_glyph(cs_gl *gl, int layer, cs_rect r, float u0, float v0, float u1, float v1, cs_rgba c);
/* Draws texels (sx, sy, sw, sh) of a float texture (tex_w x tex_h) into dst through colormap
 * cmap with range r. rgb_plane > 0 draws three planes rgb_plane texel rows apart as red, green
 * and blue (each normalised by r) instead. */
void cs_gl_heat(cs_gl *gl, unsigned tex, int tex_w, int tex_h, cs_rect dst, int sx, int sy, int sw, int sh,
                cs_value_range r, cs_colormap_id cmap, int rgb_plane);
/* Draws everything batched since cs_gl_begin: UNDER, heat maps, OVER, TOP. */
void cs_gl_end(cs_gl *gl);

/* Reads the w x h frame just drawn (before the buffer swap) as top-down RGB: rgb has w*h*3
 * bytes. */
void cs_gl_read_pixels(int w, int h, uint8_t *rgb);

#endif
