/* json_mini.h - a small JSON reader for tests that check convscope's JSON output: the whole
 * text into a tree (objects, arrays, strings without escapes beyond \" \\ \/ \n \t, numbers,
 * true, false, null). Numbers keep their text's value as a double (strtod) and as a float
 * (strtof), so a float printed with 9 significant digits compares bit for bit. Header-only;
 * every function is static. A parse error returns NULL and names the byte offset. */
#ifndef JSON_MINI_H
#define JSON_MINI_H

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JM_NULL, JM_BOOL, JM_NUM, JM_STR, JM_ARR, JM_OBJ };

typedef struct jm {
    int type;
    double num;       /* JM_NUM (NaN for null inside jm_floats) */
    float f;          /* JM_NUM, read with strtof */
    int b;            /* JM_BOOL */
    char *str;        /* JM_STR, owned */
    struct jm *items; /* JM_ARR and JM_OBJ values, owned */
    char **keys;      /* JM_OBJ keys, owned */
    int n, cap;
} jm;

typedef struct {
    const char *s;
    size_t pos;
    char err[160];
} jm_parser;

static void jm_free(jm *v)
{
    if (!v) return;
    free(v->str);
    for (int i = 0; i < v->n; i++) {
        jm_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

static void jm_ws(jm_parser *p)
{
    while (isspace((unsigned char)p->s[p->pos])) p->pos++;
}

static int jm_fail(jm_parser *p, const char *what)
{
    if (!p->err[0]) snprintf(p->err, sizeof p->err, "JSON: %s at byte %zu", what, p->pos);
    return 0;
}

static int jm_string(jm_parser *p, char **out)
{
    if (p->s[p->pos] != '"') return jm_fail(p, "expected a string");
    size_t start = ++p->pos, len = 0, end = start;
    while (p->s[end] && p->s[end] != '"') end += p->s[end] == '\\' && p->s[end + 1] ? 2 : 1;
    char *buf = malloc(end - start + 1);
    if (!buf) return jm_fail(p, "out of memory");
    while (p->s[p->pos] && p->s[p->pos] != '"') {
        char c = p->s[p->pos++];
        if (c == '\\') {
            c = p->s[p->pos++];
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
        }
        buf[len++] = c;
    }
    if (p->s[p->pos] != '"') {
        free(buf);
        return jm_fail(p, "unterminated string");
    }
    p->pos++;
    buf[len] = 0;
    *out = buf;
    return 1;
}

static int jm_value(jm_parser *p, jm *v);

static int jm_push(jm *v, jm *item, char *key)
{
    if (v->n == v->cap) {
        const int cap = v->cap ? 2 * v->cap : 8;
        jm *items = realloc(v->items, (size_t)cap * sizeof *items);
        if (!items) return 0;
        v->items = items;
        if (v->type == JM_OBJ) {
            char **keys = realloc(v->keys, (size_t)cap * sizeof *keys);
            if (!keys) return 0;
            v->keys = keys;
        }
        v->cap = cap;
    }
    v->items[v->n] = *item;
    if (v->type == JM_OBJ) v->keys[v->n] = key;
    v->n++;
    return 1;
}

static int jm_container(jm_parser *p, jm *v, int obj)
{
    v->type = obj ? JM_OBJ : JM_ARR;
    p->pos++;
    jm_ws(p);
    if (p->s[p->pos] == (obj ? '}' : ']')) {
        p->pos++;
        return 1;
    }
    for (;;) {
        char *key = NULL;
        jm item;
        jm_ws(p);
        if (obj) {
            if (!jm_string(p, &key)) return 0;
            jm_ws(p);
            if (p->s[p->pos] != ':') {
                free(key);
                return jm_fail(p, "expected ':'");
            }
            p->pos++;
        }
        if (!jm_value(p, &item) || !jm_push(v, &item, key)) {
            free(key);
            return jm_fail(p, "bad value");
        }
        jm_ws(p);
        const char c = p->s[p->pos++];
        if (c == (obj ? '}' : ']')) return 1;
        if (c != ',') return jm_fail(p, "expected ',' or the end of a container");
    }
}

static int jm_value(jm_parser *p, jm *v)
{
    memset(v, 0, sizeof *v);
    jm_ws(p);
    const char c = p->s[p->pos];
    if (c == '{' || c == '[') return jm_container(p, v, c == '{');
    if (c == '"') {
        v->type = JM_STR;
        return jm_string(p, &v->str);
    }
    if (strncmp(p->s + p->pos, "null", 4) == 0) {
        p->pos += 4;
        v->type = JM_NULL;
        return 1;
    }
    if (strncmp(p->s + p->pos, "true", 4) == 0 || strncmp(p->s + p->pos, "false", 5) == 0) {
        v->type = JM_BOOL;
        v->b = c == 't';
        p->pos += v->b ? 4 : 5;
        return 1;
    }
    char *end;
    v->num = strtod(p->s + p->pos, &end);
    if (end == p->s + p->pos) return jm_fail(p, "expected a value");
    v->f = strtof(p->s + p->pos, NULL);
    v->type = JM_NUM;
    p->pos = (size_t)(end - p->s);
    return 1;
}

/* Parses text; NULL with *err (if given) naming the offset when it is not JSON. Free with jm_destroy. */
static jm *jm_parse(const char *text, char *err, size_t err_size)
{
    jm_parser p = {text, 0, {0}};
    jm *v = malloc(sizeof *v);
    if (v && jm_value(&p, v)) {
        jm_ws(&p);
        if (!p.s[p.pos]) return v;
        jm_fail(&p, "text after the value");
    }
    if (err) snprintf(err, err_size, "%s", p.err[0] ? p.err : "out of memory");
    if (v) jm_free(v);
    free(v);
    return NULL;
}

static void jm_destroy(jm *v)
{
    jm_free(v);
    free(v);
}

/* The value of key in an object, or NULL. */
static jm *jm_get(const jm *obj, const char *key)
{
    if (!obj || obj->type != JM_OBJ) return NULL;
    for (int i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}

/* An array of numbers (null read as NaN) as floats or doubles; *n gets the count. Caller frees. */
static float *jm_floats(const jm *arr, size_t *n)
{
    *n = 0;
    if (!arr || arr->type != JM_ARR) return NULL;
    float *x = malloc((size_t)(arr->n ? arr->n : 1) * sizeof *x);
    for (int i = 0; x && i < arr->n; i++) x[i] = arr->items[i].type == JM_NUM ? arr->items[i].f : NAN;
    *n = (size_t)arr->n;
    return x;
}

static double *jm_doubles(const jm *arr, size_t *n)
{
    *n = 0;
    if (!arr || arr->type != JM_ARR) return NULL;
    double *x = malloc((size_t)(arr->n ? arr->n : 1) * sizeof *x);
    for (int i = 0; x && i < arr->n; i++) x[i] = arr->items[i].type == JM_NUM ? arr->items[i].num : NAN;
    *n = (size_t)arr->n;
    return x;
}

#endif
