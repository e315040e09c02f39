#!/usr/bin/env python3
"""PyTorch side of bench/compare: times the same passes as io.pixelgrad.bench.PassRunner.

Usage: torch_passes.py NETWORK PASS [warmup] [runs] [float32|float64] [warmup-seconds]
PASS: forward | backward (forward + backward to the input) | guided | deconvnet, or a visualization method as
pixelgrad computes it (docs/techniques.md): saliency | gradcam | deconv_feature | occlusion (patch 32, stride 24,
batches of 8) | smoothgrad (16 samples) | ig (16 steps).
Warm-up: at least `warmup` runs and at least `warmup-seconds` seconds (default 0), then `runs` timed runs.
Prints one JSON line with the median time, the first run's time (cold) and the process's peak resident memory.
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
WARMUP_SECONDS = 0.0


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
    global WARMUP_SECONDS
    WARMUP_SECONDS = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
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

    if pass_name in ("maximize", "dream"):
        step = maximize_runner(model, network) if pass_name == "maximize" else dream_runner(model)
        return run(step, network, pass_name, warmup, runs)
    if pass_name in SYNTHESIS2:
        return run(SYNTHESIS2[pass_name](model), network, pass_name, warmup, runs)

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


# ------------------------------------------------------------------ synthesis (docs/techniques.md, Synthesis)

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
COLOR = [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]]
SCALES = [1 + (i - 5) / 50 for i in range(11)]
ANGLES = list(range(-10, 11)) + 5 * [0]
F = torch.nn.functional


def fft_picture(p, h, w):
    import numpy as np
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[: w // 2 + 1]
    scale = torch.tensor(1.0 / np.maximum(np.sqrt(fx * fx + fy * fy), 1.0 / max(w, h)), dtype=p.dtype)
    s = torch.view_as_complex((scale[None, None, :, :, None] * p).contiguous())
    raw = torch.fft.irfftn(s, s=(h, w), norm="ortho") / 4.0
    m = torch.tensor(COLOR, dtype=p.dtype) / 0.4619524
    return torch.sigmoid(torch.einsum("ij,njhw->nihw", m, raw))


def transform(x, rng):
    """pad 12, jitter 8, scale, rotate, jitter 4 (fill 0.5), as pixelgrad defines them."""
    import math
    x = F.pad(x, (12, 12, 12, 12), value=0.5)
    for d in (8,):
        dx, dy = rng.integers(d), rng.integers(d)
        h, w = x.shape[2:]
        x = F.pad(x, (int(dx), 0, int(dy), 0), value=0.5)[:, :, :h, :w]
    s = SCALES[rng.integers(len(SCALES))]
    h, w = x.shape[2:]
    nh, nw = math.ceil(s * h - 1e-9), math.ceil(s * w - 1e-9)
    if (nh, nw) != (h, w):
        y = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=True)
        if nh > h:
            y = y[:, :, (nh - h) // 2:(nh - h) // 2 + h, (nw - w) // 2:(nw - w) // 2 + w]
        else:
            ph, pw = h - nh, w - nw
            y = F.pad(y, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=0.5)
        x = y
    a = ANGLES[rng.integers(len(ANGLES))]
    if a:
        n, c, h, w = x.shape
        r = math.radians(a)
        cy, cx = (h - 1) / 2, (w - 1) / 2
        ys, xs = torch.meshgrid(torch.arange(h, dtype=x.dtype), torch.arange(w, dtype=x.dtype), indexing="ij")
        sx = cx + math.cos(r) * (xs - cx) - math.sin(r) * (ys - cy)
        sy = cy + math.sin(r) * (xs - cx) + math.cos(r) * (ys - cy)
        grid = torch.stack([2 * sx / (w - 1) - 1, 2 * sy / (h - 1) - 1], dim=-1)[None].expand(n, h, w, 2)
        x = F.grid_sample(x - 0.5, grid, align_corners=True) + 0.5
    dx, dy = rng.integers(4), rng.integers(4)
    h, w = x.shape[2:]
    return F.pad(x, (int(dx), 0, int(dy), 0), value=0.5)[:, :, :h, :w]


def maximize_runner(model, network):
    """10 steps of feature visualization: fft, decorrelated, standard transforms, Adam 0.05; VGG16 at 224, AlexNet at
    128 upsampled to 224; objective channel 12 of the last conv layer's output (pre-ReLU)."""
    import numpy as np
    side = 224 if network.startswith("vgg") else 128
    conv = max(i for i, m in enumerate(model.features) if isinstance(m, torch.nn.Conv2d))
    m = torch.tensor(MEAN)[None, :, None, None]
    sd = torch.tensor(STD)[None, :, None, None]

    def step():
        g = torch.Generator().manual_seed(0)
        rng = np.random.default_rng(0)
        p = (torch.randn(1, 3, side, side // 2 + 1, 2, generator=g) * 0.01).requires_grad_(True)
        opt = torch.optim.Adam([p], lr=0.05)
        for _ in range(10):
            opt.zero_grad()
            x = (transform(fft_picture(p, side, side), rng) - m) / sd
            if x.shape[2] < 224:
                x = F.interpolate(x, size=(224, 224), mode="bilinear", align_corners=True)
            a = model.features[:conv + 1](x)
            (-a[:, 12].mean()).backward()
            opt.step()
        return p
    return step


def dream_runner(model):
    """DeepDream on a 512x512 picture: 3 octaves of scale 1.4, 10 steps each of 0.025 with mean-|g| normalization,
    jitter 32, tiles of at most 224 pixels, objective mean(A^2) of the conv two thirds of the way in."""
    import numpy as np
    convs = [i for i, mod in enumerate(model.features) if isinstance(mod, torch.nn.Conv2d)]
    layer = convs[min(len(convs) - 1, (2 * len(convs)) // 3)]
    m = torch.tensor(MEAN)[None, :, None, None]
    sd = torch.tensor(STD)[None, :, None, None]
    lo, hi = (0 - m) / sd, (1 - m) / sd
    photo = (torch.rand(1, 3, 512, 512, generator=torch.Generator().manual_seed(0)) - m) / sd

    def cuts(size, tile=224):
        parts = max(1, -(-size // tile))
        return [size * i // parts for i in range(parts + 1)]

    def step():
        rng = np.random.default_rng(0)
        sizes = [(round(512 / 1.4 ** k), round(512 / 1.4 ** k)) for k in (2, 1, 0)]
        detail = None
        for oh, ow in sizes:
            base = F.interpolate(photo, size=(oh, ow), mode="bilinear", align_corners=False)
            x = base if detail is None else base + F.interpolate(detail, size=(oh, ow), mode="bilinear", align_corners=False)
            for _ in range(10):
                dy, dx = int(rng.integers(65)) - 32, int(rng.integers(65)) - 32
                rolled = torch.roll(x, (dy, dx), (2, 3)).detach()
                grad = torch.zeros_like(rolled)
                ys, xs = cuts(oh), cuts(ow)
                for i in range(len(ys) - 1):
                    for j in range(len(xs) - 1):
                        t = rolled[:, :, ys[i]:ys[i + 1], xs[j]:xs[j + 1]].clone().requires_grad_(True)
                        a = model.features[:layer + 1](t)
                        (a * a).mean().backward()
                        grad[:, :, ys[i]:ys[i + 1], xs[j]:xs[j + 1]] += t.grad
                g = torch.roll(grad, (-dy, -dx), (2, 3))
                x = torch.max(torch.min(x + 0.025 * g / (g.abs().mean() + 1e-8), hi), lo)
            detail = x - base
        return x
    return step


# ------------------------------------------------------------------ inversion, attacks, texture and style
# As io.pixelgrad.bench.SynthesisPasses: 224x224, targets computed once outside the timed step.

def _space():
    return torch.tensor(MEAN)[None, :, None, None], torch.tensor(STD)[None, :, None, None]


def _features_to(model, index):
    return model.features[:index + 1]


def invert_runner(model):
    """10 Adam steps (lr 0.05) inverting the last conv ReLU: |phi(x)-phi0|^2/|phi0|^2 + 1e-7 sum|x|^6 + 1e-4 TV2(picture)."""
    m, sd = _space()
    layer = max(i for i, mod in enumerate(model.features) if isinstance(mod, torch.nn.ReLU))
    net = _features_to(model, layer)
    picture = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    phi0 = net((picture - m) / sd).detach()
    norm = (phi0 ** 2).sum()

    def step():
        x = (0.1 * torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))).requires_grad_(True)
        opt = torch.optim.Adam([x], lr=0.05)
        for _ in range(10):
            opt.zero_grad()
            pic = x * sd + m
            base = pic[:, :, :-1, :-1]
            tv = ((pic[:, :, :-1, 1:] - base) ** 2 + (pic[:, :, 1:, :-1] - base) ** 2).sum()
            loss = ((net(x) - phi0) ** 2).sum() / norm + 1e-7 * (x.abs() ** 6).sum() + 1e-4 * tv
            loss.backward()
            opt.step()
        return x
    return step


def attack_runner(model, steps, random_start):
    """torchattacks' FGSM (steps 0: one step of eps) or PGD (eps 8/255, alpha 2/255, random start), label 0."""
    m, sd = _space()
    images = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0])
    eps, alpha = 8 / 255, 2 / 255
    loss = torch.nn.CrossEntropyLoss()

    def step():
        adv = images.clone().detach()
        if random_start:
            adv = torch.clamp(adv + torch.empty_like(adv).uniform_(-eps, eps), min=0, max=1).detach()
        for _ in range(max(steps, 1)):
            adv.requires_grad = True
            cost = loss(model((adv - m) / sd), labels)
            grad, = torch.autograd.grad(cost, adv)
            if steps == 0:
                return torch.clamp(adv.detach() + eps * grad.sign(), min=0, max=1)
            adv = adv.detach() + alpha * grad.sign()
            delta = torch.clamp(adv - images, min=-eps, max=eps)
            adv = torch.clamp(images + delta, min=0, max=1).detach()
        return adv
    return step


def fool_runner(model):
    """10 Adam steps (lr 0.01) of log p(class 0) on a picture from U(0,1) noise, clamped to [0,1] after each."""
    m, sd = _space()

    def step():
        pic = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
        opt = torch.optim.Adam([pic], lr=0.01)
        for _ in range(10):
            opt.zero_grad()
            (-F.log_softmax(model((pic - m) / sd), dim=1)[0, 0]).backward()
            opt.step()
            with torch.no_grad():
                pic.clamp_(0, 1)
        return pic
    return step


def gram_runner(model, content):
    """One L-BFGS step (torch defaults: 20 iterations) of the tutorial's loop: Gram matrices F F^T/(CHW) at the ReLU
    after the first conv of each block (relu1_1..relu5_1), content relu4_2, weights 1e6 and 1, clamping closure."""
    m, sd = _space()
    feats = model.features
    blocks, conv, style_idx, content_idx = 1, 0, [], None
    for i, mod in enumerate(feats):
        if isinstance(mod, torch.nn.Conv2d):
            conv += 1
        elif isinstance(mod, torch.nn.ReLU):
            if conv == 1 and blocks <= 5:
                style_idx.append(i)
            if blocks == 4 and conv == 2:
                content_idx = i
        elif isinstance(mod, torch.nn.MaxPool2d):
            blocks, conv = blocks + 1, 0
    last = max(style_idx + ([content_idx] if content else []))
    g = torch.Generator().manual_seed(0)
    style_pic, picture = torch.rand(1, 3, 224, 224, generator=g), torch.rand(1, 3, 224, 224, generator=g)

    def outputs(img):
        out, x = {}, (img - m) / sd
        for i in range(last + 1):
            x = feats[i](x)
            out[i] = x
        return out

    def gram(f):
        a, b, c, d = f.size()
        v = f.view(a * b, c * d)
        return torch.mm(v, v.t()) / (a * b * c * d)

    with torch.no_grad():
        o = outputs(style_pic)
        targets = {i: gram(o[i]) for i in style_idx}
        p = outputs(picture)[content_idx] if content else None

    def step():
        img = picture.clone().requires_grad_(True)
        opt = torch.optim.LBFGS([img])

        def closure():
            with torch.no_grad():
                img.clamp_(0, 1)
            opt.zero_grad()
            o = outputs(img)
            loss = 1e6 * sum(F.mse_loss(gram(o[i]), targets[i]) for i in style_idx)
            if content:
                loss = loss + F.mse_loss(o[content_idx], p)
            loss.backward()
            return loss

        opt.step(closure)
        with torch.no_grad():
            img.clamp_(0, 1)
        return img
    return step


SYNTHESIS2 = {"invert": invert_runner, "fgsm": lambda model: attack_runner(model, 0, False),
              "pgd": lambda model: attack_runner(model, 10, True), "fool": fool_runner,
              "texture": lambda model: gram_runner(model, False), "style": lambda model: gram_runner(model, True)}


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
    t0 = time.perf_counter()
    step()
    first = (time.perf_counter() - t0) * 1000
    done = 1
    while done < warmup or time.perf_counter() - t0 < WARMUP_SECONDS:
        step()
        done += 1
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
                      "first_ms": round(first, 2), "warmup_runs": done,
                      "cpu_ms": round(statistics.median(cpu_times), 2),
                      "peak_rss_mb": round(peak, 1), "threads": torch.get_num_threads(),
                      "version": torch.__version__}))


if __name__ == "__main__":
    main()
