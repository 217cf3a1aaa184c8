/* cs_gradcurve.c - per-layer weight-gradient norms over a run (see cs_gradcurve.h). */
#include "cs_gradcurve.h"

#include <math.h>
#include <string.h>

void cs_gradcurve_init(cs_gradcurve *g, const cs_net *net)
{
    memset(g, 0, sizeof *g);
    for (int l = 0; l < net->n_layers && g->n_layers < CS_GRADCURVE_LAYERS; l++)
        if (net->layers[l].w && net->layers[l].w_count > 0) g->layer[g->n_layers++] = l;
}

void cs_gradcurve_clear(cs_gradcurve *g)
{
    g->n = 0;
    g->acc_n = 0;
    memset(g->acc, 0, sizeof g->acc);
}

void cs_gradcurve_add_step(cs_gradcurve *g, const cs_net *net)
{
    for (int k = 0; k < g->n_layers; k++) {
        const cs_layer *L = &net->layers[g->layer[k]];
        const float *dw = L->dw;
        double s = 0.0;
        for (size_t i = 0; i < L->w_count; i++) s += (double)dw[i] * dw[i];
        g->acc[k] += sqrt(s);
    }
    g->acc_n++;
}

void cs_gradcurve_point(cs_gradcurve *g, long step)
{
    if (g->acc_n == 0) return;
    if (g->n == CS_GRADCURVE_POINTS) {
        /* merge pairs: weighted means keep the level; the step is the later one */
        for (int i = 0; i < CS_GRADCURVE_POINTS / 2; i++) {
            const int a = 2 * i, b = 2 * i + 1;
            const double wa = g->weight[a], wb = g->weight[b];
            for (int k = 0; k < g->n_layers; k++)
                g->norm[i][k] = (float)((g->norm[a][k] * wa + g->norm[b][k] * wb) / (wa + wb));
            g->step[i] = g->step[b];
            g->weight[i] = g->weight[a] + g->weight[b];
        }
        g->n = CS_GRADCURVE_POINTS / 2;
    }
    for (int k = 0; k < g->n_layers; k++) g->norm[g->n][k] = (float)(g->acc[k] / g->acc_n);
    g->step[g->n] = step;
    g->weight[g->n] = g->acc_n;
    g->n++;
    g->acc_n = 0;
    memset(g->acc, 0, sizeof g->acc);
}
