#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that pixelgrad's Java tests compare against.

How to rerun (from the repository root; needs Debian's python3-torch 1.13 and python3-torchvision 0.14, which is
why the interpreter is /usr/bin/python3 and not whatever python3 comes first on PATH):

    /usr/bin/python3 tests/src/test/python/make_reference.py

It deletes and rewrites tests/src/test/resources/reference/ and nothing else. Everything is seeded (one NumPy
generator per case, seeded from the case name) and torch runs on 2 threads, so a rerun gives the same numbers; the
Java tests need no Python at all, only the committed files.

Layout: reference/<group>/<case>/manifest.json plus one .npy per array (float32 unless the manifest says otherwise).
Every case is also computed in float64 from the same values (weights, inputs and upstream gradients widened
exactly): its outputs are the arrays under keys "f64/<key>" (files f64_<key>.npy), what `--dtype float64` must match
to about 1e-12.
  manifest.json: {"name", "group", "op", "params", "inputs": [names in call order], "grads": [names that have
                  grad_<name>.npy], "arrays": {name: {"file", "shape", "dtype"}}, ...}
  layers:   <input names>.npy, y.npy (forward), grad_y.npy (random upstream gradient), grad_<input>.npy.
  networks: state_dict entries (file per key, possibly shared with another case), x.npy, logits.npy, and per ReLU
            rule (standard, guided, deconvnet): grad_x_<rule>.npy, grad_at_layer_<rule>.npy, plus act_layer.npy.

ReLU rules are done the PyTorch way: STANDARD is plain autograd; GUIDED and DECONVNET put a full backward hook on
every (non-inplace) nn.ReLU that returns clamp(grad_input, min=0) and clamp(grad_output, min=0) respectively.
"""
import copy
import json
import shutil
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)  # nothing below draws from torch's generator; this only guards against a future change
torch.use_deterministic_algorithms(True)

OUT = Path(__file__).resolve().parents[1] / "resources" / "reference"
RULES = ("standard", "guided", "deconvnet")
# Relative distance (to the largest magnitude in the layer) that every ReLU input keeps from 0 and every max-pool
# winner keeps from its runner-up, so that float32 rounding (about 1e-6 here) cannot flip a decision.
MARGIN = 2e-5


def rng_for(name):
    """One generator per case, so adding or reordering cases never changes another case's numbers."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def randn(rng, *shape, scale=1.0):
    return np.asarray(rng.standard_normal(shape) * scale, dtype=np.float32)


class Case:
    """A directory with a manifest and its arrays."""

    def __init__(self, group, name, op, params=None):
        self.dir = OUT / group / name
        self.dir.mkdir(parents=True, exist_ok=False)
        self.manifest = {"name": name, "group": group, "op": op, "params": params or {}, "arrays": {}}

    def save(self, key, array, file=None, keep64=False):
        """Saves array under key, in file (default <key>.npy); float64 is narrowed unless keep64."""
        a = np.require(array, requirements="C")   # unlike ascontiguousarray, keeps 0-d arrays 0-d
        if a.dtype == np.float64 and not keep64:
            a = a.astype(np.float32)
        file = file or key + ".npy"
        np.save(self.dir / file, a)
        self._register(key, a, file)

    def save64(self, key, array):
        """Saves a float64 output under "f64/<key>" in f64_<key>.npy."""
        a = np.asarray(array)
        assert a.dtype == np.float64, f"{key}: expected float64, got {a.dtype}"
        self.save("f64/" + key, a, file="f64_" + key.replace("/", "_") + ".npy", keep64=True)

    def link(self, key, array, file):
        """Registers key as an array already saved in file (relative to this case's directory)."""
        self._register(key, np.asarray(array), file)

    def _register(self, key, a, file):
        self.manifest["arrays"][key] = {"file": file, "shape": list(a.shape), "dtype": str(a.dtype)}

    def set(self, key, value):
        self.manifest[key] = value

    def close(self):
        with open(self.dir / "manifest.json", "w") as f:
            json.dump(self.manifest, f, indent=1, sort_keys=True)
            f.write("\n")


# ----------------------------------------------------------------------------------------------------------- layers

def layer(name, op, params, inputs, fn, grads=None, upstream_scale=1.0):
    """Runs fn(**inputs) forward, then backward with a random upstream gradient, and saves everything.

    inputs: name -> float32 array, in the order the Java side passes them; grads: the names that get a gradient
    (default: all)."""
    rng = rng_for("upstream/" + name)
    grads = list(inputs) if grads is None else grads
    tensors = {k: torch.tensor(v, requires_grad=k in grads) for k, v in inputs.items()}
    y = fn(**tensors)
    gy = randn(rng, *y.shape, scale=upstream_scale)
    y.backward(torch.from_numpy(gy))
    c = Case("layers", name, op, params)
    c.set("inputs", list(inputs))
    c.set("grads", grads)
    for k, v in inputs.items():
        c.save(k, v)
    c.save("y", y.detach().numpy())
    c.save("grad_y", gy)
    for k in grads:
        c.save("grad_" + k, tensors[k].grad.numpy())
    # the same computation in float64, from the same (widened) values
    tensors64 = {k: torch.tensor(v.astype(np.float64), requires_grad=k in grads) for k, v in inputs.items()}
    y64 = fn(**tensors64)
    assert y64.dtype == torch.float64, name
    y64.backward(torch.from_numpy(gy.astype(np.float64)))
    c.save64("y", y64.detach().numpy())
    for k in grads:
        c.save64("grad_" + k, tensors64[k].grad.numpy())
    c.close()


def conv_case(name, x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1, bias=True):
    r = rng_for(name)
    pair = lambda v: list(v) if isinstance(v, (tuple, list)) else [v, v]
    fan_in = w_shape[1] * w_shape[2] * w_shape[3]
    inputs = {"x": randn(r, *x_shape), "w": randn(r, *w_shape, scale=np.sqrt(2.0 / fan_in))}
    if bias:
        inputs["b"] = randn(r, w_shape[0], scale=0.1)
    params = {"stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation), "groups": groups}
    layer(name, "conv2d", params, inputs,
          lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups))


def pool_params(kernel, stride, padding=0, dilation=1):
    pair = lambda v: list(v) if isinstance(v, (tuple, list)) else [v, v]
    return {"kernel": pair(kernel), "stride": pair(stride), "padding": pair(padding), "dilation": pair(dilation)}


def max_pool_case(name, x, kernel, stride, padding=0, dilation=1):
    layer(name, "maxPool2d", pool_params(kernel, stride, padding, dilation), {"x": x},
          lambda x: F.max_pool2d(x, kernel, stride, padding, dilation))


def avg_pool_case(name, x, kernel, stride, padding=0):
    # count_include_pad=True is PyTorch's default and pixelgrad's definition.
    layer(name, "avgPool2d", pool_params(kernel, stride, padding), {"x": x},
          lambda x: F.avg_pool2d(x, kernel, stride, padding, count_include_pad=True))


def relu_rules_case(name, x):
    """One ReLU, one upstream gradient, the input gradient under each rule (hooks as in the network cases)."""
    gy = randn(rng_for("upstream/" + name), *x.shape)
    c = Case("layers", name, "reluRules", {})
    c.set("inputs", ["x"])
    c.set("grads", [])
    c.save("x", x)
    for rule in RULES:
        relu = nn.ReLU(inplace=False)
        hook(relu, rule)
        xt = torch.tensor(x, requires_grad=True)
        y = relu(xt)
        y.backward(torch.from_numpy(gy))
        c.save("grad_x_" + rule, xt.grad.numpy())
        relu64 = nn.ReLU(inplace=False)
        hook(relu64, rule)
        xt64 = torch.tensor(x.astype(np.float64), requires_grad=True)
        relu64(xt64).backward(torch.from_numpy(gy.astype(np.float64)))
        c.save64("grad_x_" + rule, xt64.grad.numpy())
    c.save("y", np.maximum(x, 0))
    c.save64("y", np.maximum(x.astype(np.float64), 0))
    c.save("grad_y", gy)
    c.close()


def hook(relu, rule):
    if rule == "guided":
        relu.register_full_backward_hook(lambda m, gin, gout: (torch.clamp(gin[0], min=0),))
    elif rule == "deconvnet":
        relu.register_full_backward_hook(lambda m, gin, gout: (torch.clamp(gout[0], min=0),))


def away_from_zero(x, margin=0.05):
    """Moves values away from kinks (|x|, ReLU) so a rounding difference cannot pick the other side."""
    return (x + np.sign(x) * margin).astype(np.float32)


def make_layers():
    # Convolutions: AlexNet's first layer, the common 3x3, groups, dilation, asymmetric geometry, no bias, and strides
    # whose transposed convolution does not land exactly on the input size (the cropping path).
    conv_case("conv_11x11_s4_p2_alexnet", (1, 3, 67, 67), (4, 3, 11, 11), stride=4, padding=2)
    conv_case("conv_3x3_p1", (2, 5, 9, 11), (6, 5, 3, 3), padding=1)
    conv_case("conv_5x5_p2_groups2", (1, 6, 13, 12), (8, 3, 5, 5), padding=2, groups=2)
    conv_case("conv_3x3_p2_dilation2", (1, 4, 15, 14), (5, 4, 3, 3), padding=2, dilation=2)
    conv_case("conv_3x2_asymmetric", (2, 3, 10, 9), (4, 3, 3, 2), stride=(2, 3), padding=(1, 0), dilation=(1, 2))
    conv_case("conv_s3_p2_d2_groups3_nobias", (1, 6, 17, 16), (6, 2, 3, 3), stride=3, padding=2, dilation=2, groups=3,
              bias=False)
    conv_case("conv_3x3_s2_p1_even", (1, 3, 8, 8), (4, 3, 3, 3), stride=2, padding=1)
    conv_case("conv_3x3_s4_unreached_rows", (1, 3, 10, 11), (2, 3, 3, 3), stride=4)
    conv_case("conv_1x1", (2, 7, 5, 4), (3, 7, 1, 1))

    r = rng_for("pools")
    max_pool_case("maxpool_3_2_overlapping", randn(r, 2, 3, 13, 13), 3, 2)
    max_pool_case("maxpool_2_2_odd", randn(r, 1, 4, 10, 9), 2, 2)
    max_pool_case("maxpool_3_2_pad1", randn(r, 1, 3, 9, 10), 3, 2, padding=1)
    max_pool_case("maxpool_2_1_dilation2", randn(r, 1, 2, 7, 8), 2, 1, dilation=2)
    # Ties: values on a coarse grid, so most overlapping windows hold several equal maxima (first in row-major
    # order must win, and overlapping windows must add at their shared switch).
    max_pool_case("maxpool_3_2_ties", np.round(randn(r, 2, 2, 11, 11)).astype(np.float32), 3, 2)
    plateau = randn(r, 1, 2, 8, 8)
    plateau[0, 0, 0:4, 0:4] = 0.75       # whole 2x2 and 3x3 windows of one value
    plateau[0, 1, :, :] = -1.5           # a whole plane of one (negative) value: padding -inf must never win
    plateau[0, 1, 5, 6] = 2.0
    max_pool_case("maxpool_2_2_plateau", plateau, 2, 2)
    max_pool_case("maxpool_3_1_pad1_plateau", plateau, 3, 1, padding=1)

    avg_pool_case("avgpool_2_2", randn(r, 1, 3, 9, 8), 2, 2)
    avg_pool_case("avgpool_3_2_pad1", randn(r, 2, 2, 9, 10), 3, 2, padding=1)
    for name, shape, out in [("adaptive_7x10_to_3x4", (2, 3, 7, 10), (3, 4)),
                             ("adaptive_13_to_6", (1, 2, 13, 13), (6, 6)),
                             ("adaptive_5x3_to_7x7_up", (1, 2, 5, 3), (7, 7)),
                             ("adaptive_1_to_7", (1, 3, 1, 1), (7, 7))]:
        layer(name, "adaptiveAvgPool2d", {"out": list(out)}, {"x": randn(r, *shape)},
              lambda x, out=out: F.adaptive_avg_pool2d(x, out))

    r = rng_for("dense")
    layer("linear", "linear", {}, {"x": randn(r, 3, 7), "w": randn(r, 5, 7), "b": randn(r, 5)},
          lambda x, w, b: F.linear(x, w, b))
    layer("linear_nobias", "linear", {}, {"x": randn(r, 2, 9), "w": randn(r, 4, 9)}, lambda x, w: F.linear(x, w))
    layer("flatten", "flatten", {}, {"x": randn(r, 2, 3, 4, 5)}, lambda x: torch.flatten(x, 1))
    layer("reshape", "reshape", {"shape": [6, -1]}, {"x": randn(r, 2, 3, 4, 5)}, lambda x: x.reshape(6, -1))
    relu_rules_case("relu_rules", away_from_zero(randn(r, 2, 3, 5, 4)))

    r = rng_for("norms")
    mean, var = randn(r, 3), (np.abs(randn(r, 3)) + 0.5).astype(np.float32)
    layer("batchnorm_eval", "batchNorm", {"eps": 1e-5, "running_mean": "running_mean", "running_var": "running_var"},
          {"x": randn(r, 2, 3, 5, 4), "w": randn(r, 3), "b": randn(r, 3)},
          lambda x, w, b: F.batch_norm(x, torch.from_numpy(mean).to(x.dtype), torch.from_numpy(var).to(x.dtype), w, b,
                                       training=False, eps=1e-5))
    _add_arrays("batchnorm_eval", running_mean=mean, running_var=var)
    for name, shape, size, alpha, beta, k, scale in [
            ("lrn_caffe_5", (2, 7, 4, 3), 5, 1e-4, 0.75, 1.0, 30.0),   # Caffe AlexNet's; scaled so it matters
            ("lrn_5_strong", (1, 9, 3, 3), 5, 0.5, 0.75, 1.0, 1.0),
            ("lrn_4_even", (1, 6, 2, 3), 4, 0.3, 0.6, 2.0, 1.0),
            ("lrn_2_even", (1, 5, 3, 2), 2, 0.4, 0.75, 1.5, 1.0)]:
        layer(name, "lrn", {"size": size, "alpha": alpha, "beta": beta, "k": k}, {"x": randn(r, *shape, scale=scale)},
              lambda x, size=size, alpha=alpha, beta=beta, k=k: nn.LocalResponseNorm(size, alpha, beta, k)(x))

    r = rng_for("softmax")
    layer("softmax", "softmax", {}, {"x": randn(r, 3, 10, scale=3.0)}, lambda x: F.softmax(x, dim=1))
    layer("log_softmax", "logSoftmax", {}, {"x": randn(r, 3, 10, scale=3.0)}, lambda x: F.log_softmax(x, dim=1))

    r = rng_for("resize")
    for name, shape, out in [("resize_up_5x7_to_11x13", (1, 2, 5, 7), (11, 13)),
                             ("resize_up_4x4_to_9x15", (2, 1, 4, 4), (9, 15)),
                             ("resize_down_13x11_to_6x4", (1, 3, 13, 11), (6, 4)),
                             ("resize_1x1_to_3x5", (1, 2, 1, 1), (3, 5))]:
        layer(name, "resizeBilinear", {"out": list(out)}, {"x": randn(r, *shape)},
              lambda x, out=out: F.interpolate(x, size=out, mode="bilinear", align_corners=False))

    r = rng_for("shape ops")
    layer("pad", "pad", {"top": 1, "bottom": 2, "left": 3, "right": 0, "value": 0.5}, {"x": randn(r, 2, 2, 4, 5)},
          lambda x: F.pad(x, (3, 0, 1, 2), value=0.5))
    layer("slice_dim1", "slice", {"dim": 1, "from": 1, "to": 3}, {"x": randn(r, 2, 4, 3, 3)}, lambda x: x[:, 1:3])
    layer("crop", "crop", {"top": 1, "left": 2, "height": 3, "width": 4}, {"x": randn(r, 1, 2, 6, 7)},
          lambda x: x[:, :, 1:4, 2:6])
    layer("roll_h_3", "roll", {"dim": 2, "shift": 3}, {"x": randn(r, 1, 2, 5, 6)}, lambda x: torch.roll(x, 3, 2))
    layer("roll_w_minus2", "roll", {"dim": 3, "shift": -2}, {"x": randn(r, 2, 1, 4, 7)}, lambda x: torch.roll(x, -2, 3))
    layer("roll_c_7", "roll", {"dim": 1, "shift": 7}, {"x": randn(r, 1, 3, 2, 2)}, lambda x: torch.roll(x, 7, 1))
    layer("concat_dim1", "concat", {"dim": 1},
          {"x0": randn(r, 2, 1, 3, 3), "x1": randn(r, 2, 3, 3, 3), "x2": randn(r, 2, 2, 3, 3)},
          lambda x0, x1, x2: torch.cat([x0, x1, x2], 1))

    r = rng_for("elementwise")
    positive = lambda *s: (np.abs(randn(r, *s)) + 0.5).astype(np.float32)
    layer("add_broadcast", "add", {}, {"a": randn(r, 2, 3, 4), "b": randn(r, 3, 1)}, lambda a, b: a + b)
    layer("sub_broadcast", "sub", {}, {"a": randn(r, 4), "b": randn(r, 2, 3, 4)}, lambda a, b: a - b)
    layer("mul_broadcast", "mul", {}, {"a": randn(r, 2, 3, 4), "b": randn(r, 1, 3, 1)}, lambda a, b: a * b)
    layer("div", "div", {}, {"a": randn(r, 2, 3), "b": positive(2, 3)}, lambda a, b: a / b)
    layer("div_broadcast", "div", {}, {"a": randn(r, 2, 3, 4), "b": positive(2, 1, 4)}, lambda a, b: a / b)
    layer("affine", "affine", {"scale": -2.5, "shift": 3.0}, {"x": randn(r, 3, 4)}, lambda x: x * -2.5 + 3.0)
    layer("add_scalar", "affine", {"scale": 1.0, "shift": 0.25}, {"x": randn(r, 3, 4)}, lambda x: x + 0.25)
    layer("mul_scalar", "affine", {"scale": 1.75, "shift": 0.0}, {"x": randn(r, 3, 4)}, lambda x: x * 1.75)
    layer("sum_all", "sum", {"dims": []}, {"x": randn(r, 3, 4)}, lambda x: x.sum())
    layer("sum_dims_1_3", "sum", {"dims": [1, 3]}, {"x": randn(r, 2, 3, 4, 5)}, lambda x: x.sum(dim=(1, 3)))
    layer("mean_dims_0_2", "mean", {"dims": [0, 2]}, {"x": randn(r, 2, 3, 4)}, lambda x: x.mean(dim=(0, 2)))
    layer("mean_all", "mean", {"dims": []}, {"x": randn(r, 2, 3, 4)}, lambda x: x.mean())
    layer("square", "square", {}, {"x": randn(r, 3, 4)}, lambda x: x * x)
    layer("pow_3", "pow", {"p": 3.0}, {"x": randn(r, 3, 4)}, lambda x: x.pow(3))
    layer("pow_0_5", "pow", {"p": 0.5}, {"x": positive(3, 4)}, lambda x: x.pow(0.5))
    layer("pow_6_of_abs", "powAbs", {"p": 6.0}, {"x": away_from_zero(randn(r, 3, 4))}, lambda x: x.abs().pow(6))
    layer("abs", "abs", {}, {"x": away_from_zero(randn(r, 3, 4))}, lambda x: x.abs())
    layer("exp", "exp", {}, {"x": randn(r, 3, 4)}, lambda x: x.exp())
    layer("log", "log", {}, {"x": positive(3, 4)}, lambda x: x.log())
    layer("sigmoid", "sigmoid", {}, {"x": randn(r, 3, 4, scale=2.0)}, lambda x: torch.sigmoid(x))
    layer("tanh", "tanh", {}, {"x": randn(r, 3, 4, scale=2.0)}, lambda x: torch.tanh(x))


def _add_arrays(case_name, **arrays):
    """Adds constant (non-differentiated) arrays to an already written layer case."""
    d = OUT / "layers" / case_name
    with open(d / "manifest.json") as f:
        m = json.load(f)
    for k, v in arrays.items():
        np.save(d / (k + ".npy"), v)
        m["arrays"][k] = {"file": k + ".npy", "shape": list(v.shape), "dtype": str(v.dtype)}
    with open(d / "manifest.json", "w") as f:
        json.dump(m, f, indent=1, sort_keys=True)
        f.write("\n")


# --------------------------------------------------------------------------------------------------------- networks

class Classifier(nn.Module):
    """torchvision's AlexNet/VGG skeleton: features, adaptive avgpool, flatten, classifier (the same keys)."""

    def __init__(self, features, pool, classifier):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(pool)
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def alexnet(num_classes, d):
    """torchvision.models.alexnet with every width divided by d and non-inplace ReLUs (backward hooks need that)."""
    features = nn.Sequential(
        nn.Conv2d(3, 64 // d, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64 // d, 192 // d, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192 // d, 384 // d, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384 // d, 256 // d, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256 // d, 256 // d, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Dropout(0.5), nn.Linear(256 // d * 36, 4096 // d), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096 // d, 4096 // d), nn.ReLU(),
        nn.Linear(4096 // d, num_classes))
    model = Classifier(features, (6, 6), classifier)
    model.pixelgrad_name = ("alexnet", d)
    return model


VGG_CFG = {16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]}


def vgg(depth, batch_norm, num_classes, d):
    """torchvision.models.vgg<depth>[_bn] with every width divided by d and non-inplace ReLUs."""
    layers, c = [], 3
    for v in VGG_CFG[depth]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers.append(nn.Conv2d(c, v // d, 3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v // d))
            layers.append(nn.ReLU())
            c = v // d
    classifier = nn.Sequential(
        nn.Linear(512 // d * 49, 4096 // d), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096 // d, 4096 // d), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096 // d, num_classes))
    model = Classifier(nn.Sequential(*layers), (7, 7), classifier)
    model.pixelgrad_name = (f"vgg{depth}" + ("_bn" if batch_norm else ""), d)
    return model


def check_torchvision_layout(model, reference):
    """The narrow copy must have torchvision's keys in torchvision's order (shapes differ only by the divisor)."""
    ours, theirs = list(model.state_dict()), list(reference.state_dict())
    assert ours == theirs, f"state_dict keys differ from torchvision's:\n{ours}\n{theirs}"


def randomize(model, rng):
    """He-normal weights, small biases; batch norm gets non-trivial affine parameters and running statistics."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                fan_in = mod.weight[0].numel()
                mod.weight.copy_(torch.from_numpy(randn(rng, *mod.weight.shape, scale=np.sqrt(2.0 / fan_in))))
                mod.bias.copy_(torch.from_numpy(randn(rng, *mod.bias.shape, scale=0.05)))
            elif isinstance(mod, nn.BatchNorm2d):
                n = mod.num_features
                mod.weight.copy_(torch.from_numpy((1 + randn(rng, n, scale=0.2))))
                mod.bias.copy_(torch.from_numpy(randn(rng, n, scale=0.1)))
                mod.running_mean.copy_(torch.from_numpy(randn(rng, n, scale=0.2)))
                mod.running_var.copy_(torch.from_numpy((np.abs(randn(rng, n, scale=0.3)) + 0.7).astype(np.float32)))
                mod.num_batches_tracked.fill_(100)
    model.eval()


def check_margins(model, x, name):
    """Guards the fixture against decisions that float rounding could flip: a ReLU input too close to 0, or a max-pool
    window whose two largest values are too close. Either would let two correct implementations disagree."""
    problems = []

    def relu_check(m, inp, out):
        v = inp[0].detach().abs()
        scale = v.max().item()
        close = (v < MARGIN * scale).sum().item()
        if close:
            problems.append(f"{close} ReLU inputs within {MARGIN} of 0 (scale {scale:.3g})")

    def pool_check(m, inp, out):
        xin = inp[0].detach()
        k, s = m.kernel_size, m.stride
        win = F.unfold(xin.reshape(-1, 1, *xin.shape[2:]), k, stride=s)   # [N*C, k*k, L]
        top = torch.topk(win, 2, dim=1).values
        positive = top[:, 0] > 0
        gap = (top[:, 0] - top[:, 1])[positive]
        scale = xin.abs().max().item()
        # exact ties (both 0 after a ReLU, or equal) are decided identically by "first wins"; near ties are not
        near = ((gap > 0) & (gap < MARGIN * scale)).sum().item()
        if near:
            problems.append(f"{near} max-pool windows with a near tie (scale {scale:.3g})")

    hooks = [m.register_forward_hook(relu_check) for m in model.modules() if isinstance(m, nn.ReLU)]
    hooks += [m.register_forward_hook(pool_check) for m in model.modules() if isinstance(m, nn.MaxPool2d)]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return problems


def network(name, model, reference_model, x, classes, layer, weights_from=None, min_nonzero=0.2):
    """Saves the state_dict, the logits, and per rule the input gradient and the activation/gradient at layer.

    The manifest names the pixelgrad architecture (torchvision's name, e.g. "vgg16_bn") and the width divisor, so
    the Java side builds the model with Architectures.create(architecture, 10, divisor)."""
    check_torchvision_layout(model, reference_model)
    problems = check_margins(model, torch.from_numpy(x), name)
    if problems:
        raise SystemExit(f"{name}: too close to a decision boundary: {problems}")
    architecture, divisor = model.pixelgrad_name
    c = Case("networks", name, "classifier", {"classes": classes, "layer": layer, "architecture": architecture,
                                              "width_divisor": divisor, "num_classes": 10})
    keys = []
    for k, v in model.state_dict().items():
        v = v.numpy()
        if weights_from is not None and k in weights_from and np.array_equal(weights_from[k][1], v):
            # the same tensor as another case's: point at that file instead of committing it twice
            c.link("state/" + k, v, "../" + weights_from[k][0] + "/" + k + ".npy")
        else:
            c.save("state/" + k, v, file=k + ".npy")
        keys.append(k)
    c.set("state_dict", keys)
    c.save("x", x)
    seed = np.zeros((x.shape[0], 10), np.float32)
    for i, cls in enumerate(classes):
        seed[i, cls] = 1.0
    c.save("seed", seed)

    model64 = copy.deepcopy(model).double()
    for m, x_in, save in ((model, x, c.save), (model64, x.astype(np.float64), c.save64)):
        captured = {}
        target = dict(m.named_modules())[layer]
        for rule in RULES:
            handles = [r.register_full_backward_hook(_rule_hook(rule)) for r in m.modules()
                       if isinstance(r, nn.ReLU) and rule != "standard"]
            handles.append(target.register_forward_hook(lambda mod, i, o: captured.update(act=o)))
            xt = torch.tensor(x_in, requires_grad=True)
            logits = m(xt)
            captured["act"].register_hook(lambda g: captured.update(grad=g.clone()))
            logits.backward(torch.from_numpy(seed.astype(x_in.dtype)))
            for h in handles:
                h.remove()
            if rule == "standard":
                save("logits", logits.detach().numpy())
                save("act_layer", captured["act"].detach().numpy())
            gx = xt.grad.numpy()
            nonzero = float((gx != 0).mean())
            if nonzero < min_nonzero:
                raise SystemExit(f"{name}/{rule}: only {nonzero:.0%} of the input gradient is non-zero; change the seed")
            save("grad_x_" + rule, gx)
            save("grad_at_layer_" + rule, captured["grad"].numpy())
    c.close()
    return {k: (name, v.numpy()) for k, v in model.state_dict().items()}


def _rule_hook(rule):
    if rule == "guided":
        return lambda m, gin, gout: (torch.clamp(gin[0], min=0),)
    return lambda m, gin, gout: (torch.clamp(gout[0], min=0),)


def mostly_negative(model, x, fraction=0.7):
    """Sets each conv's biases so that about `fraction` of its outputs on x are negative, halfway between two
    neighbouring values (so no ReLU input sits at exactly 0)."""
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        for conv in convs:
            out = {}
            h = conv.register_forward_hook(lambda m, i, o: out.update(y=o))
            model(torch.from_numpy(x))
            h.remove()
            y = out["y"] - conv.bias[None, :, None, None]
            for ch in range(y.shape[1]):
                v = torch.sort(y[:, ch].flatten()).values
                k = int(fraction * len(v))
                conv.bias[ch] = -(v[k - 1] + v[k]) / 2


def count_zero_windows(model, x):
    """Per max-pool layer, windows whose inputs are all exactly zero."""
    counts = {}
    names = {m: n for n, m in model.named_modules()}

    def check(m, inp, out):
        win = F.unfold(inp[0].reshape(-1, 1, *inp[0].shape[2:]), m.kernel_size, stride=m.stride)
        counts[names[m]] = int((win.abs().amax(dim=1) == 0).sum())

    hooks = [m.register_forward_hook(check) for m in model.modules() if isinstance(m, nn.MaxPool2d)]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    return counts


def seeded(name, build, input_shape, classifier_from=None, prepare=None):
    """Model and input from the first seed "<name>", "<name>#1", ... whose ReLU and max-pool decisions all keep
    MARGIN (deterministic: the same attempt wins on every run). classifier_from: a model whose classifier weights
    are copied (so their files are shared, not committed twice). Returns (model, x)."""
    for attempt in range(50):
        seed_name = name if attempt == 0 else f"{name}#{attempt}"
        r = rng_for(seed_name)
        model = build()
        randomize(model, r)
        if classifier_from is not None:
            model.classifier.load_state_dict(classifier_from.classifier.state_dict())
        x = randn(r, *input_shape)
        if prepare is not None:
            prepare(model, x)
        if not check_margins(model, torch.from_numpy(x), seed_name):
            return model, x
    raise SystemExit(f"{name}: no seed keeps the decision margins")


def make_networks():
    import torchvision.models as tvm
    # AlexNet/16: 4-12-24-16-16 channels, FC 256. A 95x95 input leaves a 2x2 map before the adaptive 6x6 pooling.
    model, x = seeded("alexnet_16", lambda: alexnet(10, 16), (1, 3, 95, 95))
    network("alexnet_16", model, tvm.alexnet(num_classes=10), x, [3], "features.11")

    # VGG16/32: 2-4-8-16-16 channels, FC 128; 32x32 leaves 1x1 before the adaptive 7x7 pooling.
    plain, x = seeded("vgg16_32", lambda: vgg(16, False, 10, 32), (1, 3, 32, 32))
    shared = network("vgg16_32", plain, tvm.vgg16(num_classes=10), x, [5], "features.29")
    # The same weights on a batch of two, each image with its own class.
    for attempt in range(50):
        x2 = randn(rng_for(f"vgg16_32_batch2#{attempt}"), 2, 3, 32, 32)
        if not check_margins(plain, torch.from_numpy(x2), "vgg16_32_batch2"):
            break
    else:
        raise SystemExit("vgg16_32_batch2: no seed keeps the decision margins")
    network("vgg16_32_batch2", plain, tvm.vgg16(num_classes=10), x2, [1, 8], "features.29", weights_from=shared)

    # AlexNet/16 with exact ties: conv biases set so that most ReLU inputs are negative, so that many overlapping
    # 3x3 max-pool windows hold only zeros. Their switch is the first index in row-major order (PyTorch's rule), and
    # under the deconvnet rule (which ignores the ReLU's mask) the gradient flows through those windows.
    model, x = seeded("alexnet_16_ties", lambda: alexnet(10, 16), (1, 3, 95, 95), prepare=mostly_negative)
    zero_windows = count_zero_windows(model, x)
    assert zero_windows["features.2"] >= 10 and zero_windows["features.5"] >= 10, zero_windows
    network("alexnet_16_ties", model, tvm.alexnet(num_classes=10), x, [4], "features.11", min_nonzero=0.05)

    # VGG16_bn/32 at 48x48 (a 1x1 map again), batch norm with non-trivial statistics; its classifier keys are the
    # plain VGG16's, so it reuses those weights and their files.
    model, x = seeded("vgg16_bn_32", lambda: vgg(16, True, 10, 32), (1, 3, 48, 48), classifier_from=plain)
    network("vgg16_bn_32", model, tvm.vgg16_bn(num_classes=10), x, [0], "features.42", weights_from=shared)


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    make_layers()
    make_networks()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for _ in OUT.rglob('manifest.json'))} cases, {total / 1e6:.2f} MB, under {OUT}")


if __name__ == "__main__":
    main()
