/* cs_colormap.c - colormap tables and value-range normalisation (see cs_colormap.h). Every
 * range and value is made safe here, so no caller can turn an infinite, empty or NaN range
 * into an index outside the table. */
#include "cs_colormap.h"

#include <float.h>
#include <math.h>

#include "cs_colormap_tables.inc"

const uint8_t *cs_colormap_table(cs_colormap_id id)
{
    switch (id) {
    case CS_CMAP_RDBU: return &rdbu_table[0][0];
    case CS_CMAP_GRAY: return &gray_table[0][0];
    case CS_CMAP_BLUEORANGE: return &blueorange_table[0][0];
    default: return &viridis_table[0][0];
    }
}

const char *cs_colormap_name(cs_colormap_id id)
{
    switch (id) {
    case CS_CMAP_RDBU: return "rdbu";
    case CS_CMAP_GRAY: return "gray";
    case CS_CMAP_BLUEORANGE: return "blue-orange";
    default: return "viridis";
    }
}

/* A width around mid that float can represent: relative for large values. */
static cs_value_range widen(float mid)
{
    const float d = fmaxf(5e-7f, fabsf(mid) * 1e-6f);
    float lo = mid - d, hi = mid + d;
    if (!(lo >= -FLT_MAX)) lo = -FLT_MAX;
    if (!(hi <= FLT_MAX)) hi = FLT_MAX;
    return (cs_value_range){lo, hi};
}

cs_value_range cs_value_range_drawable(cs_value_range r)
{
    if (isnan(r.lo) || isnan(r.hi)) return (cs_value_range){0.0f, 1.0f};
    /* halved ends keep hi - lo finite in float (the shader subtracts them) */
    const float big = FLT_MAX / 2;
    float lo = fmaxf(fminf(r.lo, big), -big), hi = fmaxf(fminf(r.hi, big), -big);
    if (!(hi - lo >= 1e-6f * fmaxf(fabsf(lo), fabsf(hi))) || hi <= lo) return widen(0.5f * lo + 0.5f * hi);
    return (cs_value_range){lo, hi};
}

cs_value_range cs_value_range_of(const float *x, size_t n, int symmetric)
{
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    if (lo > hi) lo = hi = 0.0f; /* nothing finite */
    if (symmetric) {
        float m = fmaxf(fabsf(lo), fabsf(hi));
        lo = -m, hi = m;
    }
    return cs_value_range_drawable((cs_value_range){lo, hi});
}

cs_value_range cs_value_range_union(cs_value_range a, cs_value_range b)
{
    return (cs_value_range){fminf(a.lo, b.lo), fmaxf(a.hi, b.hi)};
}

float cs_value_range_normalize(cs_value_range r, float v)
{
    if (isnan(v)) return 0.0f;
    const cs_value_range d = cs_value_range_drawable(r);
    /* in double: v - lo cannot overflow, and infinities clamp to the ends */
    const double t = ((double)v - d.lo) / ((double)d.hi - d.lo);
    return t > 0.0 ? (t < 1.0 ? (float)t : 1.0f) : 0.0f;
}

void cs_colormap_rgb(cs_colormap_id id, cs_value_range r, float v, uint8_t rgb[3])
{
    const uint8_t *t = cs_colormap_table(id);
    /* same rounding as a nearest-filtered 256-texel texture lookup; normalize is in [0, 1] */
    int i = (int)(cs_value_range_normalize(r, v) * 255.0f + 0.5f);
    i = i < 0 ? 0 : i > 255 ? 255 : i;
    rgb[0] = t[3 * i], rgb[1] = t[3 * i + 1], rgb[2] = t[3 * i + 2];
}

void cs_colormap_plane(uint8_t *rgb, const float *x, int h, int w, cs_colormap_id id, cs_value_range r)
{
    const cs_value_range d = cs_value_range_drawable(r);
    for (size_t i = 0; i < (size_t)h * w; i++) cs_colormap_rgb(id, d, x[i], rgb + 3 * i);
}
