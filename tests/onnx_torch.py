"""onnx_torch.py - PyTorch on both sides of convscope's ONNX support, writing ONNX backend
test folders (model.onnx + test_data_set_0/input_0.pb, output_0.pb) for `convscope onnx-test`.

  onnx_torch.py torch-models OUTDIR
      A LeNet and a small VGG-style net with BatchNorm and Dropout (random weights and
      running statistics, eval mode), exported by torch.onnx.export (opset 13, batch axis
      dynamic), with 100 random inputs and PyTorch's outputs: OUTDIR/lenet, OUTDIR/vgg.

  onnx_torch.py check-export MODEL OUTDIR
      Runs a model written by `convscope export --onnx` with PyTorch's own kernels (each ONNX
      node mapped to torch.nn.functional) on 100 random inputs, after onnx.checker, and
      writes OUTDIR/test_data_set_0 beside a copy of MODEL.

Needs torch and onnx (Debian: python3-torch, python3-onnx).
"""
import os
import shutil
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

N = 100


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return F.softmax(self.fc3(x), dim=1)


class SmallVGG(nn.Module):
    def __init__(self):
        super().__init__()

        def block(cin, cout):
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]

        self.features = nn.Sequential(*block(3, 16), *block(16, 16), nn.MaxPool2d(2),
                                      *block(16, 32), nn.MaxPool2d(2, ceil_mode=True),
                                      *block(32, 32), nn.AvgPool2d(3, stride=2, padding=1))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(32 * 4 * 4, 64), nn.BatchNorm1d(64),
                                        nn.LeakyReLU(0.1), nn.Dropout(0.3), nn.Linear(64, 10))

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.reshape(-1, 32 * 4 * 4))


def randomize_batchnorm(model, gen):
    """Running statistics and affine parameters away from their defaults, so folding matters."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(c, generator=gen) * 2 + 0.2)
            m.weight.data.copy_(torch.randn(c, generator=gen))
            m.bias.data.copy_(torch.randn(c, generator=gen) * 0.3)


def write_case(folder, x, y):
    data = os.path.join(folder, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    for name, t in (("input_0.pb", x), ("output_0.pb", y)):
        with open(os.path.join(data, name), "wb") as f:
            f.write(numpy_helper.from_array(t.detach().numpy().astype("float32")).SerializeToString())


def torch_models(out):
    gen = torch.Generator().manual_seed(15)
    torch.manual_seed(15)
    for name, model, shape in (("lenet", LeNet(), (1, 28, 28)), ("vgg", SmallVGG(), (3, 32, 32))):
        randomize_batchnorm(model, gen)
        model.eval()
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "model.onnx")
        torch.onnx.export(model, torch.zeros(1, *shape), path, opset_version=13, input_names=["input"],
                          output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
        onnx.checker.check_model(onnx.load(path), full_check=True)
        x = torch.rand(N, *shape, generator=gen)
        with torch.no_grad():
            y = model(x)
        write_case(folder, x, y)
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, operators {', '.join(ops)}")


def pool(x, a, is_max):
    k, s = a["kernel_shape"], a.get("strides", [1, 1])
    t, l, b, r = a.get("pads", [0, 0, 0, 0])
    ceil = bool(a.get("ceil_mode", 0))
    if t == b and l == r:
        if is_max:
            return F.max_pool2d(x, k, s, (t, l), ceil_mode=ceil)
        return F.avg_pool2d(x, k, s, (t, l), ceil_mode=ceil, count_include_pad=bool(a.get("count_include_pad", 0)))
    assert not ceil, "asymmetric padding with ceil_mode is not mapped to torch here"
    if is_max:
        return F.max_pool2d(F.pad(x, (l, r, t, b), value=float("-inf")), k, s)
    total = F.avg_pool2d(F.pad(x, (l, r, t, b)), k, s) * (k[0] * k[1])
    if a.get("count_include_pad", 0):
        return total / (k[0] * k[1])
    count = F.avg_pool2d(F.pad(torch.ones_like(x[:1, :1]), (l, r, t, b)), k, s) * (k[0] * k[1])
    return total / count


def run_in_torch(model, x):
    inits = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    env = {model.graph.input[0].name: x}
    for n in model.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        ins = [env[i] if i in env else inits[i] for i in n.input]
        op, v = n.op_type, ins[0]
        if op == "Conv":
            t, l, b, r = a.get("pads", [0, 0, 0, 0])
            y = F.conv2d(F.pad(v, (l, r, t, b)), ins[1], ins[2] if len(ins) > 2 else None, a.get("strides", [1, 1]))
        elif op in ("MaxPool", "AveragePool"):
            y = pool(v, a, op == "MaxPool")
        elif op == "GlobalAveragePool":
            y = v.mean((2, 3), keepdim=True)
        elif op == "Relu":
            y = F.relu(v)
        elif op == "LeakyRelu":
            y = F.leaky_relu(v, a.get("alpha", 0.01))
        elif op == "Tanh":
            y = torch.tanh(v)
        elif op == "Sigmoid":
            y = torch.sigmoid(v)
        elif op == "Flatten":
            y = torch.flatten(v, a.get("axis", 1))
        elif op == "Reshape":
            y = v.reshape([int(d) for d in ins[1]])
        elif op == "Gemm":
            w = ins[1].t() if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (v @ w) + a.get("beta", 1.0) * ins[2]
        elif op == "Softmax":
            y = F.softmax(v, dim=a.get("axis", -1))
        elif op == "Identity":
            y = v
        else:
            raise SystemExit(f"check-export: no torch mapping for {op}")
        env[n.output[0]] = y
    return env[model.graph.output[0].name]


def check_export(path, out):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
    gen = torch.Generator().manual_seed(16)
    x = torch.rand(N, *dims, generator=gen)
    with torch.no_grad():
        y = run_in_torch(model, x)
    os.makedirs(out, exist_ok=True)
    if os.path.abspath(path) != os.path.abspath(os.path.join(out, "model.onnx")):
        shutil.copy(path, os.path.join(out, "model.onnx"))
    write_case(out, x, y)
    print(f"{path}: opset {model.opset_import[0].version}, input {dims}, operators "
          f"{', '.join(n.op_type for n in model.graph.node)}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "torch-models":
        torch_models(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "check-export":
        check_export(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)
