#!/usr/bin/env python3
"""PyTorch side of bench/compare: times the same passes as io.pixelgrad.bench.PassRunner.

Usage: torch_passes.py NETWORK PASS [warmup] [runs] [float32|float64]
PASS: forward | backward (forward + backward to the input) | guided | deconvnet, or a visualization method as
pixelgrad computes it (docs/techniques.md): saliency | gradcam | deconv_feature | occlusion (patch 32, stride 24,
batches of 8) | smoothgrad (16 samples) | ig (16 steps).
Prints one JSON line with the median time and the process's peak resident memory.
Run with Debian's PyTorch: /usr/bin/python3 (torch.set_num_threads follows OMP_NUM_THREADS).
"""
import json
import os
import resource
import statistics
import sys
import time

import torch
import torchvision

DTYPE = "float32"


def build(network):
    model = getattr(torchvision.models, network)(weights=None)
    for m in model.modules():
        if isinstance(m, torch.nn.ReLU):
            m.inplace = False  # hooks need the forward input; in-place ReLUs overwrite it
    return model.eval()


def relu_hooks(model, rule):
    def guided(module, grad_in, grad_out):
        return (torch.clamp(grad_in[0], min=0.0),)

    def deconvnet(module, grad_in, grad_out):
        return (torch.clamp(grad_out[0], min=0.0),)

    hook = {"guided": guided, "deconvnet": deconvnet}.get(rule)
    if hook is None:
        return []
    return [m.register_full_backward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.ReLU)]


def main():
    network, pass_name = sys.argv[1], sys.argv[2]
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    dtype = sys.argv[5] if len(sys.argv) > 5 else "float32"
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(1)
    model = build(network)
    for p in model.parameters():
        p.requires_grad_(False)
    image = (torch.rand(1, 3, 224, 224) - 0.5) * 4
    if dtype == "float64":
        model = model.double()
        image = image.double()
    global DTYPE
    DTYPE = dtype
    relu_hooks(model, pass_name)

    methods = {"saliency": saliency, "gradcam": gradcam, "deconv_feature": deconv_feature,
               "occlusion": occlusion, "smoothgrad": smoothgrad, "ig": integrated_gradients}
    if pass_name in methods:
        method = methods[pass_name]
        step = lambda: method(model, image)
        return run(step, network, pass_name, warmup, runs)

    def step():
        if pass_name == "forward":
            with torch.no_grad():
                model(image)
            return
        x = image.clone().requires_grad_(True)
        logits = model(x)
        logits[0, int(logits.argmax())].backward()
        return x.grad

    return run(step, network, pass_name, warmup, runs)


def input_gradient(model, x, cls=None):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    c = int(logits.argmax()) if cls is None else cls
    logits[0, c].backward()
    return x.grad


def saliency(model, image):
    return input_gradient(model, image).abs().amax(dim=1)


def last_conv_relu(model):
    relus = [m for m in model.features if isinstance(m, torch.nn.ReLU)]
    return relus[-1]


def gradcam(model, image):
    store = {}
    layer = last_conv_relu(model)
    h1 = layer.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    h2 = layer.register_full_backward_hook(lambda m, gi, go: store.__setitem__("g", go[0]))
    input_gradient(model, image)
    h1.remove(); h2.remove()
    alpha = store["g"].mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((alpha * store["a"]).sum(dim=1, keepdim=True))
    return torch.nn.functional.interpolate(cam, size=image.shape[2:], mode="bilinear", align_corners=False)


def deconv_feature(model, image):
    hooks = relu_hooks(model, "deconvnet")
    layer_index = max(i for i, m in enumerate(model.features) if isinstance(m, torch.nn.ReLU))
    x = image.clone().requires_grad_(True)
    a = model.features[:layer_index + 1](x)
    flat = int(a.argmax())
    seed = torch.zeros_like(a).view(-1)
    seed[flat] = a.view(-1)[flat].detach()
    a.backward(seed.view_as(a))
    for h in hooks:
        h.remove()
    return x.grad


def occlusion(model, image, patch=32, stride=24, batch=8):
    with torch.no_grad():
        logits = model(image)
        c = int(logits.argmax())
        base = float(logits[0, c])
        h, w = image.shape[2], image.shape[3]
        positions = [(y, x) for y in range(0, h - patch + 1, stride) for x in range(0, w - patch + 1, stride)]
        drops = []
        for start in range(0, len(positions), batch):
            chunk = positions[start:start + batch]
            xs = image.repeat(len(chunk), 1, 1, 1)
            for b, (y, x) in enumerate(chunk):
                xs[b, :, y:y + patch, x:x + patch] = 0.0
            drops.append(base - model(xs)[:, c])
        return torch.cat(drops)


def smoothgrad(model, image, samples=16):
    generator = torch.Generator().manual_seed(0)
    sigma = 0.15 * float(image.max() - image.min())
    c = int(model(image).argmax())
    total = torch.zeros_like(image)
    for _ in range(samples):
        noisy = image + sigma * torch.randn(image.shape, generator=generator)
        total += input_gradient(model, noisy, c)
    return total / samples


def integrated_gradients(model, image, steps=16):
    c = int(model(image).argmax())
    total = torch.zeros_like(image)
    for k in range(1, steps + 1):
        total += input_gradient(model, image * (k / steps), c)
    return image * total / steps


def run(step, network, pass_name, warmup, runs):
    for _ in range(warmup):
        step()
    times, cpu_times = [], []
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"impl": "pytorch", "network": network, "pass": pass_name, "dtype": DTYPE,
                      "median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
                      "cpu_ms": round(statistics.median(cpu_times), 2),
                      "peak_rss_mb": round(peak, 1), "threads": torch.get_num_threads(),
                      "version": torch.__version__}))


if __name__ == "__main__":
    main()
