/* cs_dataset.c - in-memory labelled image sets: allocation, validation, adaptation, batches. */
#include "cs_dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

cs_status cs_dataset_init(cs_dataset *ds, const char *name, int n, int c, int h, int w, int n_classes)
{
    memset(ds, 0, sizeof *ds);
    if (n < 0 || c <= 0 || h <= 0 || w <= 0 || n_classes <= 0 || n_classes > CS_MAX_CLASSES)
        return cs_fail(CS_ERR_ARG, "dataset %s: bad shape %d images of %dx%dx%d, %d classes", name, n, h, w, c,
                       n_classes);
    snprintf(ds->name, sizeof ds->name, "%s", name);
    ds->n = n;
    ds->c = c;
    ds->h = h;
    ds->w = w;
    ds->n_classes = n_classes;
    size_t npix = (size_t)n * (size_t)c * (size_t)h * (size_t)w;
    ds->pixels = malloc(npix ? npix : 1);
    ds->labels = calloc((size_t)(n ? n : 1), sizeof *ds->labels);
    ds->class_names = calloc((size_t)n_classes, sizeof *ds->class_names);
    if (!ds->pixels || !ds->labels || !ds->class_names) {
        cs_dataset_free(ds);
        return cs_fail(CS_ERR_NOMEM, "dataset %s: cannot allocate %zu bytes of pixels", name, npix);
    }
    for (int i = 0; i < n_classes; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", i);
        ds->class_names[i] = dup_string(buf);
        if (!ds->class_names[i]) {
            cs_dataset_free(ds);
            return cs_fail(CS_ERR_NOMEM, "dataset %s: out of memory", name);
        }
    }
    return CS_OK;
}

void cs_dataset_free(cs_dataset *ds)
{
    if (!ds) return;
    if (ds->class_names)
        for (int i = 0; i < ds->n_classes; i++) free(ds->class_names[i]);
    free(ds->class_names);
    free(ds->pixels);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

cs_status cs_dataset_set_class_name(cs_dataset *ds, int i, const char *name)
{
    if (i < 0 || i >= ds->n_classes) return cs_fail(CS_ERR_ARG, "class index %d out of range", i);
    char *d = dup_string(name);
    if (!d) return cs_fail(CS_ERR_NOMEM, "out of memory");
    free(ds->class_names[i]);
    ds->class_names[i] = d;
    return CS_OK;
}

cs_status cs_dataset_validate(const cs_dataset *ds)
{
    for (int i = 0; i < ds->n; i++)
        if (ds->labels[i] < 0 || ds->labels[i] >= ds->n_classes)
            return cs_fail(CS_ERR_FORMAT, "%s: label %d of image %d is out of range (expected 0..%d)", ds->name,
                           ds->labels[i], i, ds->n_classes - 1);
    return CS_OK;
}

/* Bilinear sample of plane (h, w) at continuous position (y, x), edges clamped. */
static float sample_bilinear(const uint8_t *plane, int h, int w, float y, float x)
{
    if (y < 0) y = 0;
    if (x < 0) x = 0;
    if (y > (float)(h - 1)) y = (float)(h - 1);
    if (x > (float)(w - 1)) x = (float)(w - 1);
    int y0 = (int)y, x0 = (int)x;
    int y1 = y0 + 1 < h ? y0 + 1 : y0, x1 = x0 + 1 < w ? x0 + 1 : x0;
    float fy = y - (float)y0, fx = x - (float)x0;
    float top = plane[y0 * w + x0] * (1 - fx) + plane[y0 * w + x1] * fx;
    float bot = plane[y1 * w + x0] * (1 - fx) + plane[y1 * w + x1] * fx;
    return top * (1 - fy) + bot * fy;
}

cs_status cs_dataset_adapt(cs_dataset *dst, const cs_dataset *src, int c, int h, int w)
{
    if (!(src->c == c || (src->c == 1 && c == 3) || (src->c == 3 && c == 1)))
        return cs_fail(CS_ERR_SHAPE, "%s has %d channels and the net expects %d: only 1 <-> 3 can be adapted",
                       src->name, src->c, c);
    cs_status st = cs_dataset_init(dst, src->name, src->n, c, h, w, src->n_classes);
    if (st) return st;
    for (int k = 0; k < src->n_classes; k++)
        if ((st = cs_dataset_set_class_name(dst, k, src->class_names[k]))) {
            cs_dataset_free(dst);
            return st;
        }
    memcpy(dst->labels, src->labels, (size_t)src->n * sizeof *src->labels);
    size_t splane = (size_t)src->h * src->w, dplane = (size_t)h * w;
    float sy = (float)src->h / (float)h, sx = (float)src->w / (float)w;
    for (int i = 0; i < src->n; i++) {
        const uint8_t *s = src->pixels + (size_t)i * src->c * splane;
        uint8_t *d = dst->pixels + (size_t)i * c * dplane;
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    /* pixel centres map onto pixel centres */
                    float fy = ((float)y + 0.5f) * sy - 0.5f, fx = ((float)x + 0.5f) * sx - 0.5f;
                    float v;
                    if (src->c == c)
                        v = sample_bilinear(s + ch * splane, src->h, src->w, fy, fx);
                    else if (src->c == 1)
                        v = sample_bilinear(s, src->h, src->w, fy, fx);
                    else
                        v = 0.299f * sample_bilinear(s, src->h, src->w, fy, fx) +
                            0.587f * sample_bilinear(s + splane, src->h, src->w, fy, fx) +
                            0.114f * sample_bilinear(s + 2 * splane, src->h, src->w, fy, fx);
                    int q = (int)(v + 0.5f);
                    d[ch * dplane + (size_t)y * w + x] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
                }
    }
    return CS_OK;
}

void cs_dataset_fill_batch(const cs_dataset *ds, const int *idx, int n, float *out, int *labels_out)
{
    size_t per = (size_t)ds->c * ds->h * ds->w;
    for (int b = 0; b < n; b++) {
        const uint8_t *s = ds->pixels + (size_t)idx[b] * per;
        float *d = out + (size_t)b * per;
        for (size_t j = 0; j < per; j++) d[j] = (float)s[j] * (1.0f / 255.0f);
        if (labels_out) labels_out[b] = ds->labels[idx[b]];
    }
}
