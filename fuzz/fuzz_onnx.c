/* fuzz_onnx.c - ONNX models: cs_onnx_import_buffer on the bytes (no directory, so external
 * data is refused without touching files); a model that imports is built into a net, run
 * on one zero image when its activations are small, and exported again. libFuzzer's entry
 * point (fuzz/meson.build builds it with -Dfuzz=enabled; the suite replays its corpus and crashes). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cs_onnx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_onnx_model m;
    if (cs_onnx_import_buffer(&m, data, size, "fuzz.onnx", NULL, NULL) != CS_OK) return 0;
    cs_net *net;
    if (cs_onnx_net_create(&net, &m, 1, 1) == CS_OK) {
        size_t floats = (size_t)net->in_c * net->in_h * net->in_w;
        for (int l = 0; l < net->n_layers; l++)
            floats += (size_t)net->layers[l].out_c * net->layers[l].out_h * net->layers[l].out_w;
        /* a forward pass of a big imported net is slow, not interesting */
        if (floats < ((size_t)1 << 20) && net->n_params < ((size_t)1 << 22)) cs_net_forward(net, 1);
        uint8_t *out;
        size_t n;
        if (cs_onnx_export_buffer(net, &out, &n) == CS_OK) free(out);
        cs_net_destroy(net);
    }
    cs_onnx_model_free(&m);
    return 0;
}
