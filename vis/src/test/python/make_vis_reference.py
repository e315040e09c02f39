#!/usr/bin/python3
"""Writes the PyTorch reference outputs of pixelgrad's visualization methods (vis module tests).

How to rerun (from the repository root; needs Debian's python3-torch 1.13, hence /usr/bin/python3):

    /usr/bin/python3 vis/src/test/python/make_vis_reference.py             # small fixtures, committed
    /usr/bin/python3 vis/src/test/python/make_vis_reference.py --fullsize  # also full-size AlexNet at 224, into
                                                                          # tests/fullsize/vis/ (git-ignored)

It deletes and rewrites vis/src/test/resources/vis-reference/ (and, with --fullsize, tests/fullsize/vis/) and
nothing else. Everything is seeded, torch runs on 2 threads: a rerun gives the same numbers.

Every method is written here from its definition in shared/docs/techniques.md with plain PyTorch autograd, never
from pixelgrad's output. Layout: <case>/weights.pth (float16 values, so the file is half the size; the model computes
in float32 with exactly those values), x.npy (the normalized input [1,3,H,W]), and one .npy per method output:

  grad_<rule>.npy              d logit[cls] / dx under the ReLU rule (standard = saliency, guided, deconvnet), [3,H,W]
  proj_<rule>_<n>.npy          single-feature projection (see manifest "projections"), [3,H,W]
  gradcam_<layer>.npy          Grad-CAM upsampled [H,W] (before scaling), gradcam_<layer>_lowres.npy [h,w]
  guided_gradcam.npy           guided gradient times the upsampled Grad-CAM at the default layer, [3,H,W]
  occlusion.npy                score-drop grid [gh,gw] (patch, stride, fill in the manifest)
  smoothgrad_noise.npy         unit-normal noise [N,3,H,W]; smoothgrad.npy the mean gradient, sigma = 0.15*(max-min)
  ig.npy                       integrated gradients, zero baseline, manifest "ig_steps" steps, [3,H,W]
  input_x_gradient.npy         x * standard gradient, [3,H,W]
  filters_smoothness_<layer>.npy   total variation over squared norm per filter
  trace_norms.npy [L,3], trace_passing.npy [L,3]   per manifest "trace_layers": |grad| arriving, ReLU pass fraction
  cam/: a small GAP network (weights as .npy), x.npy, cam.npy (upsampled), cam_lowres.npy

Every case also has a float64/ directory with the same method outputs computed in float64 (model.double() on the
same float16-valued weights, the same input widened exactly, the same SmoothGrad noise, the integrated-gradients path
in float64): what `--dtype float64` must reproduce to about 1e-12.

ReLU rules are PyTorch backward hooks on non-inplace nn.ReLU: GUIDED returns clamp(grad_input, min=0), DECONVNET
clamp(grad_output, min=0). Inputs (including SmoothGrad's noisy copies and the integrated-gradients path) are chosen
so that no ReLU input lies within MARGIN of 0 and no max-pool window has a near tie: otherwise float rounding could
flip a decision and two correct implementations would disagree.
"""
import json
import shutil
import sys
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

ROOT = Path(__file__).resolve().parents[4]
OUT = Path(__file__).resolve().parents[1] / "resources" / "vis-reference"
FULLSIZE = ROOT / "tests" / "fullsize"
MARGIN = 5e-6
RULES = ("standard", "guided", "deconvnet")


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def randn(rng, *shape, scale=1.0):
    return np.asarray(rng.standard_normal(shape) * scale, dtype=np.float32)


# ------------------------------------------------------------------------------------------------------ networks

class Classifier(nn.Module):
    """torchvision's AlexNet/VGG skeleton: features, avgpool, flatten, classifier (the same state_dict keys)."""

    def __init__(self, features, pool, classifier):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(pool)
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def alexnet(num_classes, d):
    """torchvision.models.alexnet with widths divided by d and non-inplace ReLUs (backward hooks need that)."""
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
    return Classifier(features, (6, 6), classifier)


def vgg16(num_classes, d):
    """torchvision.models.vgg16 with widths divided by d and non-inplace ReLUs."""
    layers, c = [], 3
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v // d, 3, padding=1), nn.ReLU()]
            c = v // d
    classifier = nn.Sequential(
        nn.Linear(512 // d * 49, 4096 // d), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096 // d, 4096 // d), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096 // d, num_classes))
    return Classifier(nn.Sequential(*layers), (7, 7), classifier)


class Plain(nn.Module):
    """pixelgrad's small networks: features, flatten, classifier, no adaptive pooling."""

    def __init__(self, features, classifier):
        super().__init__()
        self.features = features
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def smallvgg(num_classes, d):
    """pixelgrad's smallvgg (28x28 grey input) with widths divided by d."""
    features = nn.Sequential(
        nn.Conv2d(1, 32 // d, 3, padding=1), nn.ReLU(), nn.Conv2d(32 // d, 32 // d, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32 // d, 64 // d, 3, padding=1), nn.ReLU(), nn.Conv2d(64 // d, 64 // d, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
    classifier = nn.Sequential(nn.Dropout(0.25), nn.Linear(64 // d * 49, 128 // d), nn.ReLU(), nn.Dropout(0.5),
                               nn.Linear(128 // d, num_classes))
    return Plain(features, classifier)


def gapnet():
    """A small network that ends in global average pooling and one Linear layer: what CAM needs."""
    features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                             nn.Conv2d(8, 16, 3, padding=1), nn.ReLU())
    return Classifier(features, (1, 1), nn.Sequential(nn.Linear(16, 10)))


def randomize(model, rng):
    """He-normal weights and small biases, rounded to float16 values (the .pth stores them as float16, exactly)."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                fan_in = mod.weight[0].numel()
                w = randn(rng, *mod.weight.shape, scale=np.sqrt(2.0 / fan_in)).astype(np.float16).astype(np.float32)
                mod.weight.copy_(torch.from_numpy(w))
                mod.bias.copy_(torch.from_numpy(randn(rng, *mod.bias.shape, scale=0.05).astype(np.float16).astype(np.float32)))
    model.eval()


def check_margins(model, x):
    """Number of ReLU inputs within MARGIN (relative to the layer's largest magnitude) of 0 plus max-pool windows
    whose two largest values are that close; 0 means float rounding cannot change any decision."""
    problems = [0]

    def relu_check(m, inp, out):
        v = inp[0].detach().abs()
        problems[0] += int((v < MARGIN * v.max().item()).sum().item())

    def pool_check(m, inp, out):
        xin = inp[0].detach()
        k, s = m.kernel_size, m.stride
        win = F.unfold(xin.reshape(-1, 1, *xin.shape[2:]), k, stride=s)
        top = torch.topk(win, 2, dim=1).values
        gap = (top[:, 0] - top[:, 1])[top[:, 0] > 0]
        problems[0] += int(((gap > 0) & (gap < MARGIN * xin.abs().max().item())).sum().item())

    hooks = [m.register_forward_hook(relu_check) for m in model.modules() if isinstance(m, nn.ReLU)]
    hooks += [m.register_forward_hook(pool_check) for m in model.modules() if isinstance(m, nn.MaxPool2d)]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    return problems[0]


def fragile_decisions(model, x, tol=1e-5):
    """Per ReLU and max-pool layer (by module name), the decisions float32 rounding could flip, as pixelgrad's
    FragileDecisions defines them: ReLU inputs with |v| < tol * max|v|; max-pool windows whose two largest inputs
    differ by at most tol * max|input|, unless both are exactly 0."""
    counts = {}

    def relu_check(name):
        def hook(m, inp, out):
            v = inp[0].detach().abs()
            counts[name] = int((v < tol * v.max().item()).sum().item())
        return hook

    def pool_check(name):
        def hook(m, inp, out):
            xin = inp[0].detach()
            win = F.unfold(xin.reshape(-1, 1, *xin.shape[2:]), m.kernel_size, stride=m.stride)
            top = torch.topk(win, 2, dim=1).values
            both_zero = (top[:, 0] == 0) & (top[:, 1] == 0)
            counts[name] = int((((top[:, 0] - top[:, 1]) <= tol * xin.abs().max().item()) & ~both_zero).sum().item())
        return hook

    hooks = [m.register_forward_hook(relu_check(n)) for n, m in model.named_modules() if isinstance(m, nn.ReLU)]
    hooks += [m.register_forward_hook(pool_check(n)) for n, m in model.named_modules() if isinstance(m, nn.MaxPool2d)]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in hooks:
        h.remove()
    return counts


def with_rule(model, rule):
    """Installs the backward hooks of a ReLU rule; returns the handles to remove."""
    if rule == "standard":
        return []
    if rule == "guided":
        fn = lambda m, gin, gout: (torch.clamp(gin[0], min=0),)
    else:
        fn = lambda m, gin, gout: (torch.clamp(gout[0], min=0),)
    return [m.register_full_backward_hook(fn) for m in model.modules() if isinstance(m, nn.ReLU)]


def input_grad(model, x, cls, rule):
    """d logit[cls] / dx for every row of x, under a ReLU rule."""
    handles = with_rule(model, rule)
    xt = torch.tensor(x, requires_grad=True)
    logits = model(xt)
    seed = torch.zeros_like(logits)
    seed[:, cls] = 1
    logits.backward(seed)
    for h in handles:
        h.remove()
    return xt.grad.numpy()


def run_to(model, x, layer):
    """The output of a features layer as the module returns it (so backward passes through its own hooks)."""
    idx = int(layer.split(".")[1])
    h = x
    for i in range(idx + 1):
        h = model.features[i](h)
    return h


def projection(model, x, layer, rule, channel=None, pos=None):
    """Keep one activation of the layer (default the strongest; first maximum wins), seed it with its own value,
    propagate to the pixels under the rule. Returns the gradient and the chosen (channel, y, x)."""
    handles = with_rule(model, rule)
    xt = torch.tensor(x, requires_grad=True)
    a = run_to(model, xt, layer)
    av = a.detach().numpy()[0]
    if channel is None:
        flat = int(np.argmax(av))
    elif pos is None:
        flat = channel * av[0].size + int(np.argmax(av[channel]))
    else:
        flat = channel * av[0].size + pos[0] * av.shape[2] + pos[1]
    c, y, xx = np.unravel_index(flat, av.shape)
    seed = torch.zeros_like(a)
    seed[0, c, y, xx] = a[0, c, y, xx].detach()
    a.backward(seed)
    for h in handles:
        h.remove()
    return xt.grad.numpy()[0], (int(c), int(y), int(xx))


def gradcam(model, x, cls, layer):
    """alpha_k = mean_ij dS/dA_kij, cam = relu(sum_k alpha_k A_k), bilinear (align_corners=False) to the input."""
    captured = {}
    target = dict(model.named_modules())[layer]
    hook = target.register_forward_hook(lambda m, i, o: captured.update(a=o))
    xt = torch.tensor(x, requires_grad=True)
    logits = model(xt)
    hook.remove()
    a = captured["a"]
    g, = torch.autograd.grad(logits[0, cls], a)
    alpha = g.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((alpha * a).sum(dim=1, keepdim=True)).detach()
    up = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)
    return up[0, 0].numpy(), cam[0, 0].numpy()


def occlusion(model, x, cls, patch, stride, fill):
    """heat[i,j] = S(x) - S(x with the patch at (i*stride, j*stride) set to fill); whole patches only."""
    h, w = x.shape[2:]
    gh, gw = (h - patch) // stride + 1, (w - patch) // stride + 1
    with torch.no_grad():
        score = model(torch.from_numpy(x))[0, cls]
        batch = np.repeat(x, gh * gw, axis=0)
        for i in range(gh):
            for j in range(gw):
                batch[i * gw + j, :, i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
        scores = model(torch.from_numpy(batch))[:, cls]
    return (score - scores).reshape(gh, gw).numpy()


def smoothgrad_noise(model, x, n, name):
    """Unit-normal noise, one sample at a time redrawn until the noisy copy keeps every decision margin."""
    sigma = np.float32(0.15 * (float(x.max()) - float(x.min())))
    rng = rng_for(name + "/noise")
    samples = []
    while len(samples) < n:
        eps = randn(rng, *x.shape[1:])
        if check_margins(model, x + sigma * eps[None]) == 0:
            samples.append(eps)
    return np.stack(samples), sigma


def ig_path(x, steps):
    """x0 + (k/m)(x - x0), k = 1..m, x0 = 0, computed in x's precision (the fraction rounded to it too)."""
    t = x.dtype.type
    return np.concatenate([t(t(k) / t(steps)) * x for k in range(1, steps + 1)])


def smoothness(w):
    """Total variation (squared differences of vertical and horizontal neighbours) over the squared norm, per filter."""
    w = w.astype(np.float64)
    tv = ((w[:, :, 1:, :] - w[:, :, :-1, :]) ** 2).sum(axis=(1, 2, 3)) + ((w[:, :, :, 1:] - w[:, :, :, :-1]) ** 2).sum(axis=(1, 2, 3))
    return tv / (w ** 2).sum(axis=(1, 2, 3))


def trace(model, x, cls):
    """Per leaf layer (no Dropout) and rule: L2 norm of the gradient arriving at its output; for ReLUs the fraction
    of units that received a non-zero gradient and sent one on (its input's gradient is the previous layer's output's)."""
    names = [n for n, m in model.named_modules() if len(list(m.children())) == 0 and not isinstance(m, nn.Dropout)]
    norms = np.full((len(names), 3), np.nan)
    passing = np.full((len(names), 3), np.nan)
    for r, rule in enumerate(RULES):
        handles = with_rule(model, rule)
        outs, grads = {}, {}

        def keep(name):
            def hook(m, i, o):
                outs[name] = o
                o.register_hook(lambda g: grads.__setitem__(name, g.detach().clone()))
            return hook

        handles += [dict(model.named_modules())[n].register_forward_hook(keep(n)) for n in names]
        xt = torch.tensor(x, requires_grad=True)
        logits = model(xt)
        seed = torch.zeros_like(logits)
        seed[0, cls] = 1
        logits.backward(seed)
        for h in handles:
            h.remove()
        for i, n in enumerate(names):
            g = grads[n]
            norms[i, r] = float(torch.linalg.vector_norm(g.double()))
            if isinstance(dict(model.named_modules())[n], nn.ReLU):
                parent, idx = n.rsplit(".", 1)
                before = grads[parent + "." + str(int(idx) - 1)]
                passing[i, r] = float((before != 0).sum()) / float((g != 0).sum())
    return names, norms, passing


# ---------------------------------------------------------------------------------------------------------- cases

def save(d, name, a, dtype=np.float32):
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / (name + ".npy"), np.ascontiguousarray(a, dtype=dtype))


def network_case(out, name, arch, build, input_shape, layers, projections, occ, n_noise, ig_steps, weights=None):
    """All methods on one network; the model and input come from the first seed whose decisions keep the margin
    for x, the integrated-gradients path and the occlusion batch alike."""
    d = out / name
    d.mkdir(parents=True)
    for attempt in range(200):
        r = rng_for(f"{name}#{attempt}")
        model = build()
        if weights is None:
            randomize(model, r)
        else:
            model.load_state_dict(weights)
            model.eval()
        x = randn(r, *input_shape) if weights is None else weights_input(r, input_shape)
        if check_margins(model, x) == 0 and check_margins(model, ig_path(x, ig_steps)) == 0:
            break
        if weights is not None:
            # a full-size network has ~10^6 ReLU units: some always lie near 0, so no seed keeps every margin; the
            # count goes into the manifest and the Java test reports the error it measures
            break
    else:
        raise SystemExit(f"{name}: no seed keeps the decision margins")
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).numpy()
    cls = int(np.argmax(logits[0]))
    manifest = {"architecture": arch, "class": cls, "top_class": cls, "default_layer": layers[0], "layers": layers,
                "attempt": attempt, "near_decisions": check_margins(model, x),
                "fragile_decisions_1e-5": fragile_decisions(model, x)}
    if weights is None:
        torch.save({k: v.half() for k, v in model.state_dict().items()}, d / "weights.pth")
    else:
        manifest["weights"] = "../../alexnet.pth"
    save(d, "x", x)
    noise = None
    if n_noise:
        noise, sigma = smoothgrad_noise(model, x, n_noise, name)
        save(d, "smoothgrad_noise", noise)
        manifest["smoothgrad"] = {"samples": n_noise, "sigma": float(sigma)}
    manifest["occlusion"] = {"patch": occ[0], "stride": occ[1], "fill": occ[2]}
    manifest["ig_steps"] = ig_steps
    manifest["projections"] = method_outputs(d, model, x, cls, layers, projections, occ, noise, ig_steps, np.float32)
    model64 = model.double()
    x64 = x.astype(np.float64)
    with torch.no_grad():
        cls64 = int(np.argmax(model64(torch.from_numpy(x64)).numpy()[0]))
    assert cls64 == cls, "float64 picks another top class"
    method_outputs(d / "float64", model64, x64, cls, layers, projections, occ,
                   None if noise is None else noise.astype(np.float64), ig_steps, np.float64)
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)][:2]
    manifest["filter_layers"] = convs
    names, _, _ = trace(model64, x64, cls)
    manifest["trace_layers"] = names
    with open(d / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


def method_outputs(d, model, x, cls, layers, projections, occ, noise, ig_steps, dtype):
    """Every method's output for the model and input in their precision (dtype), saved in that precision under d;
    returns the projections' descriptions for the manifest."""
    put = lambda name, a: save(d, name, a, dtype)
    with torch.no_grad():
        put("logits", model(torch.from_numpy(x)).numpy())
    for rule in RULES:
        put("grad_" + rule, input_grad(model, x, cls, rule)[0])
    described = []
    for i, (rule, layer, channel, pos) in enumerate(projections):
        g, unit = projection(model, x, layer, rule, channel, pos)
        put(f"proj_{rule}_{i}", g)
        described.append({"file": f"proj_{rule}_{i}.npy", "rule": rule, "layer": layer, "channel": channel,
                          "position": pos, "chosen": list(unit)})
    for layer in layers:
        up, low = gradcam(model, x, cls, layer)
        put("gradcam_" + layer, up)
        put("gradcam_" + layer + "_lowres", low)
    up, _ = gradcam(model, x, cls, layers[0])
    put("guided_gradcam", input_grad(model, x, cls, "guided")[0] * up[None])
    patch, stride, fill = occ
    put("occlusion", occlusion(model, x, cls, patch, stride, fill))
    if noise is not None:
        t = x.dtype.type
        sigma = t(0.15 * (float(x.max()) - float(x.min())))
        g = input_grad(model, x + sigma * noise, cls, "standard")
        put("smoothgrad", g.mean(axis=0))
    g = input_grad(model, ig_path(x, ig_steps), cls, "standard")
    put("ig", x[0] * g.mean(axis=0))
    put("input_x_gradient", x[0] * input_grad(model, x, cls, "standard")[0])
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)][:2]
    for layer in convs:
        put("filters_smoothness_" + layer, smoothness(dict(model.named_modules())[layer].weight.detach().numpy()))
    names, norms, passing = trace(model, x, cls)
    put("trace_norms", norms)
    put("trace_passing", passing)
    return described


def weights_input(r, shape):
    """A real photo for full-size networks: skimage's chelsea.png (a cat) as torchvision preprocesses it."""
    x = np.load(ROOT / "zoo-import" / "src" / "test" / "resources" / "images" / "chelsea_torchvision.npy").astype(np.float32)
    x = x.reshape(1, *x.shape[-3:])
    assert tuple(x.shape) == tuple(shape), x.shape
    return x


def cam_case(out):
    d = out / "cam"
    d.mkdir(parents=True)
    for attempt in range(50):
        r = rng_for(f"cam#{attempt}")
        model = gapnet()
        randomize(model, r)
        x = randn(r, 1, 3, 32, 32)
        if check_margins(model, x) == 0:
            break
    for k, v in model.state_dict().items():
        save(d, k, v.numpy())
    save(d, "x", x)
    captured = {}
    model.features.register_forward_hook(lambda m, i, o: captured.update(a=o))
    with torch.no_grad():
        logits = model(torch.from_numpy(x))
    cls = int(np.argmax(logits[0].numpy()))
    a = captured["a"][0]
    w = model.classifier[0].weight.detach()
    cam = (w[cls][:, None, None] * a).sum(0)
    up = F.interpolate(cam[None, None], size=(32, 32), mode="bilinear", align_corners=False)[0, 0]
    save(d, "cam", up.numpy())
    save(d, "cam_lowres", cam.numpy())
    model64, x64 = model.double(), torch.from_numpy(x.astype(np.float64))
    with torch.no_grad():
        model64(x64)
    a64, w64 = captured["a"][0], model64.classifier[0].weight.detach()
    cam64 = (w64[cls][:, None, None] * a64).sum(0)
    up64 = F.interpolate(cam64[None, None], size=(32, 32), mode="bilinear", align_corners=False)[0, 0]
    save(d / "float64", "cam", up64.numpy(), np.float64)
    save(d / "float64", "cam_lowres", cam64.numpy(), np.float64)
    with open(d / "manifest.json", "w") as f:
        json.dump({"class": cls, "keys": list(model.state_dict())}, f, indent=1)
        f.write("\n")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    # AlexNet/16 at 63x63: 4-12-24-16-16 channels, 15 -> 7 -> 3 -> 1 before the adaptive 6x6 pooling.
    network_case(OUT, "alexnet_16", "alexnet/16", lambda: alexnet(10, 16), (1, 3, 63, 63),
                 ["features.11", "features.4"],
                 [("deconvnet", "features.11", None, None), ("deconvnet", "features.7", 5, None),
                  ("guided", "features.4", 2, (3, 4))],
                 (15, 8, 0.0), 4, 8)
    # VGG16/16 at 32x32: 4-8-16-32-32 channels, the last conv's ReLU (features.29) is 2x2.
    network_case(OUT, "vgg16_16", "vgg16/16", lambda: vgg16(10, 16), (1, 3, 32, 32),
                 ["features.29", "features.15"],
                 [("deconvnet", "features.29", None, None), ("standard", "features.22", None, None)],
                 (8, 4, 0.5), 6, 6)
    # smallvgg/4 at 28x28 grey: 8-8-16-16 channels, 28 -> 14 -> 7, no adaptive pooling (pixelgrad's trained nets).
    network_case(OUT, "smallvgg_4", "smallvgg/4", lambda: smallvgg(10, 4), (1, 1, 28, 28),
                 ["features.8", "features.3"],
                 [("deconvnet", "features.8", None, None), ("guided", "features.3", None, None)],
                 (6, 2, 0.0), 4, 6)
    cam_case(OUT)
    if "--fullsize" in sys.argv:
        import torchvision.models as tvm
        weights = torch.load(FULLSIZE / "alexnet.pth")
        out = FULLSIZE / "vis"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)

        def full_alexnet():
            m = tvm.alexnet()
            for mod in m.modules():
                if isinstance(mod, nn.ReLU):
                    mod.inplace = False
            return m

        network_case(out, "alexnet", "alexnet", full_alexnet, (1, 3, 224, 224), ["features.11", "features.4"],
                     [("deconvnet", "features.11", None, None)], (64, 32, 0.0), 0, 4, weights=weights)


if __name__ == "__main__":
    main()
