/* fuzz_spec.c - net specs: cs_net_create on the text (NUL-terminated) with a batch of 2;
 * a net that builds and is small (under 8 MiB of activations) runs one forward and one
 * backward pass on fixed inputs, so every shape the parser accepts is one the kernels can
 * compute. */
#include <stdlib.h>
#include <string.h>

#include "cs_net.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    cs_net *net;
    if (cs_net_create(&net, text, 2, 1) == CS_OK) {
        size_t floats = (size_t)net->in_c * net->in_h * net->in_w;
        for (int l = 0; l < net->n_layers; l++)
            floats += (size_t)net->layers[l].out_c * net->layers[l].out_h * net->layers[l].out_w;
        if (floats < ((size_t)1 << 20) && net->n_params < ((size_t)1 << 20)) {
            cs_rng rng;
            cs_rng_seed(&rng, 1);
            cs_net_init_params(net, &rng);
            const size_t in = (size_t)2 * net->in_c * net->in_h * net->in_w;
            for (size_t i = 0; i < in; i++) net->input[i] = (float)(i % 7) / 7.0f;
            const int labels[2] = {0, net->n_classes > 1 ? 1 : 0};
            cs_net_forward(net, 2);
            cs_net_zero_grads(net);
            cs_net_backward(net, labels, 2, CS_LOSS_MSE);
        }
        cs_net_destroy(net);
    }
    free(text);
    return 0;
}
