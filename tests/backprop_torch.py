#!/usr/bin/env python3
"""backprop_torch.py - `convscope backprop --json` against PyTorch.

Reads each JSON file named on the command line, builds the same net in PyTorch from it (the layers, their windows, the
weights and the image), computes the loss as PyTorch defines it (nn.MSELoss against the one-hot
target; nn.CrossEntropyLoss on the logits, which with a final softmax layer is the softmax's
input), back-propagates, and compares the loss, dL/d(output), every layer's dL/dw and dL/db and
the loss after one SGD step (torch.optim.SGD with the JSON's learning rate) with the JSON's.
Prints the largest differences per file; exits 1 when one is above --atol (default 1e-4).
"""
import argparse
import json
import sys

import torch
import torch.nn.functional as F


def layer_forward(layer, x, params):
    kind = layer["kind"]
    if kind == "conv":
        w, b = params[layer["name"]]
        pt, pl, pb, pr = layer["pad"]
        if pt == pb and pl == pr:
            return F.conv2d(x, w, b, stride=tuple(layer["stride"]), padding=(pt, pl))
        return F.conv2d(F.pad(x, (pl, pr, pt, pb)), w, b, stride=tuple(layer["stride"]))
    if kind in ("maxpool", "avgpool"):
        pt, pl, pb, pr = layer["pad"]
        if pt != pb or pl != pr:
            raise SystemExit("asymmetric pool padding is not compared here")
        if kind == "maxpool":
            return F.max_pool2d(x, tuple(layer["kernel"]), tuple(layer["stride"]), (pt, pl),
                                ceil_mode=layer["ceil_mode"])
        return F.avg_pool2d(x, tuple(layer["kernel"]), tuple(layer["stride"]), (pt, pl),
                            ceil_mode=layer["ceil_mode"], count_include_pad=layer["include_pad"])
    if kind == "relu":
        return F.relu(x)
    if kind == "leakyrelu":
        return F.leaky_relu(x, layer["alpha"])
    if kind == "tanh":
        return torch.tanh(x)
    if kind == "sigmoid":
        return torch.sigmoid(x)
    if kind == "fc":
        w, b = params[layer["name"]]
        return F.linear(x.reshape(x.shape[0], -1), w, b)
    if kind == "flatten":
        return x.reshape(x.shape[0], -1)
    if kind == "softmax":
        return F.softmax(x, dim=1)
    if kind == "globalavgpool":
        return F.adaptive_avg_pool2d(x, 1)
    raise SystemExit(f"layer kind {kind} is not compared here")


def forward_and_loss(d, params):
    x = torch.tensor(d["input"], dtype=torch.float32).reshape(1, *d["input_shape"])
    outs = []
    for layer in d["layers"]:
        x = layer_forward(layer, x, params)
        if x.requires_grad:
            x.retain_grad()
        outs.append(x)
    y = outs[-1]
    label = torch.tensor([d["label"]])
    softmax_last = d["layers"][-1]["kind"] == "softmax" and len(d["layers"]) > 1
    if d["loss_kind"] == "mse":
        target = F.one_hot(label, y.shape[1]).to(torch.float32)
        loss = torch.nn.MSELoss()(y, target)
    elif softmax_last:
        # CrossEntropyLoss on the logits; the same as -log p_true of the output, written so that
        # dL/dp of the output exists too
        ce = torch.nn.CrossEntropyLoss()(outs[-2], label)
        loss = -torch.log(y[0, d["label"]])
        if abs(ce.item() - loss.item()) > 1e-5 * max(1.0, ce.item()):
            raise SystemExit(f"CrossEntropyLoss {ce.item()} != -log p_true {loss.item()}")
    else:
        loss = torch.nn.CrossEntropyLoss()(y, label)
    return outs, loss


def check(d, atol):
    """The largest differences between d (one JSON object) and PyTorch, and the names above atol."""
    params = {}
    for layer in d["layers"]:
        if "weight" in layer:
            w = torch.tensor(layer["weight"], dtype=torch.float32).reshape(layer["weight_shape"])
            b = torch.tensor(layer["bias"], dtype=torch.float32)
            params[layer["name"]] = (w.requires_grad_(), b.requires_grad_())
    outs, loss = forward_and_loss(d, params)
    loss.backward()

    worst = {}

    def compare(what, mine, theirs):
        theirs = torch.tensor([float("nan") if v is None else v for v in theirs], dtype=torch.float32)
        diff = (mine.detach().reshape(-1) - theirs).abs().max().item()
        worst[what] = max(worst.get(what, 0.0), diff)

    worst["loss"] = abs(loss.item() - d["loss"])
    compare("grad_output", outs[-1].grad, d["grad_output"])
    for layer, out in zip(d["layers"], outs):
        compare("out", out, layer["out"])
        compare("grad_out", out.grad, layer["grad_out"])
        if layer["name"] in params:
            w, b = params[layer["name"]]
            compare("grad_weight", w.grad, layer["grad_weight"])
            compare("grad_bias", b.grad, layer["grad_bias"])
    # one torch.optim.SGD step with the JSON's learning rate, then the loss again
    opt = torch.optim.SGD([p for wb in params.values() for p in wb], lr=d["lr"])
    opt.step()
    for layer in d["layers"]:
        if layer["name"] in params:
            w, b = params[layer["name"]]
            compare("weight_after", w, layer["weight_after"])
            compare("bias_after", b, layer["bias_after"])
    with torch.no_grad():
        _, after = forward_and_loss(d, params)
    worst["loss_after"] = abs(after.item() - d["loss_after"])
    return worst, [k for k, v in worst.items() if not v <= atol]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("json", nargs="+", help="files written by convscope backprop --json")
    args = ap.parse_args()
    status = 0
    for path in args.json:
        with open(path) as f:
            worst, bad = check(json.load(f), args.atol)
        print(path + ": " + " ".join(f"{k} {v:.2e}" for k, v in worst.items()))
        if bad:
            print(f"{path}: differences above {args.atol} in {', '.join(bad)}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
