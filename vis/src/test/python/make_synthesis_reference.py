#!/usr/bin/python3
"""Writes the PyTorch reference outputs of pixelgrad's synthesis package (vis module, io.pixelgrad.vis.synthesis).

How to rerun (from the repository root; needs Debian's python3-torch 1.13, hence /usr/bin/python3):

    /usr/bin/python3 vis/src/test/python/make_synthesis_reference.py

It deletes and rewrites vis/src/test/resources/synthesis-reference/ and nothing else. Everything is seeded and torch
runs on 2 threads. Every definition is written here from docs/techniques.md with plain PyTorch (torch.fft.irfftn for
the Fourier parametrization, F.interpolate and F.grid_sample for the transforms, autograd for every gradient), never
from pixelgrad's output. Each case is computed in float64 and in float32 from the same float32-representable inputs
and saved as <name>.npy (float64) and <name>_f32.npy (float32).

Cases (one directory each, with manifest.json):
  param_*       parametrizations: P, a random upstream R, the picture I = param(P), d sum(I*R) / dP
  transform_*   one transform or the standard list with fixed draws on a picture: x, R, out, d sum(out*R) / dx
  space_*       normalization (+ align_corners upsampling) of a picture: x, R, out, grad
  objective_*   an objective on fixed activations / picture / input / logits: its value and gradients
  run_*         whole input-optimization runs in float64 (and float32) on the small vis networks: trajectory, final P
  dream_*       DeepDream (jitter 0, one tile) on a small picture, mean and Laplacian normalization
  laplacian     lap_normalize of a random gradient
"""
import json
import math
import shutil
import zlib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

HERE = Path(__file__).resolve()
OUT = HERE.parents[1] / "resources" / "synthesis-reference"
VIS = HERE.parents[1] / "resources" / "vis-reference"

COLOR = np.array([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])
MAX_NORM = 0.4619524
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def f32values(a):
    """Random values that are exactly representable in float32 (so both precisions start from the same numbers)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


class Case:
    def __init__(self, name, **manifest):
        self.dir = OUT / name
        self.dir.mkdir(parents=True)
        self.manifest = dict(manifest)

    def save(self, key, a64, a32=None):
        np.save(self.dir / (key + ".npy"), np.ascontiguousarray(np.asarray(a64, dtype=np.float64)))
        if a32 is not None:
            np.save(self.dir / (key + "_f32.npy"), np.ascontiguousarray(np.asarray(a32, dtype=np.float32)))

    def close(self):
        with open(self.dir / "manifest.json", "w") as f:
            json.dump(self.manifest, f, indent=1, sort_keys=True)
            f.write("\n")


def both(fn, *arrays):
    """fn(*tensors) in float64 and in float32, each with autograd; returns [(out, grads), (out32, grads32)]."""
    results = []
    for dtype in (torch.float64, torch.float32):
        ts = [torch.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
        results.append((fn, ts))
    return results


# ------------------------------------------------------------------------------------------------ parametrizations

def fft_freq_scale(h, w):
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[: w // 2 + 1] if w % 2 == 0 else np.fft.fftfreq(w)[: w // 2 + 2]
    freqs = np.sqrt(fx * fx + fy * fy)
    return 1.0 / np.maximum(freqs, 1.0 / max(w, h))


def fft_picture(p, h, w, decorrelate):
    scale = torch.tensor(fft_freq_scale(h, w), dtype=p.dtype)
    s = torch.view_as_complex((scale[None, None, :, :, None] * p).contiguous())
    raw = torch.fft.irfftn(s, s=(h, w), norm="ortho") / 4.0
    return finish(raw, decorrelate)


def finish(raw, decorrelate):
    if decorrelate:
        m = torch.tensor(COLOR / MAX_NORM, dtype=raw.dtype)
        raw = torch.einsum("ij,njhw->nihw", m, raw)
    return torch.sigmoid(raw)


def param_case(name, kind, n, c, h, w, decorrelate):
    r = rng_for(name)
    shape = (n, c, h, w // 2 + 1, 2) if kind == "fft" else (n, c, h, w)
    p = f32values(r.standard_normal(shape) * (0.5 if kind == "fft" else 1.0))
    up = f32values(r.standard_normal((n, c, h, w)))
    case = Case(name, kind=kind, batch=n, channels=c, height=h, width=w, decorrelate=decorrelate)
    case.save("p", p)
    case.save("r", up)
    outs = {}
    for dtype in (torch.float64, torch.float32):
        pt = torch.tensor(p, dtype=dtype, requires_grad=True)
        img = fft_picture(pt, h, w, decorrelate) if kind == "fft" else finish(pt, decorrelate)
        (img * torch.tensor(up, dtype=dtype)).sum().backward()
        outs[dtype] = (img.detach().numpy(), pt.grad.numpy())
    case.save("picture", outs[torch.float64][0], outs[torch.float32][0])
    case.save("grad", outs[torch.float64][1], outs[torch.float32][1])
    case.close()


# ------------------------------------------------------------------------------------------------ transforms

def t_pad(x, w, fill):
    return F.pad(x, (w, w, w, w), value=fill)


def t_jitter(x, dx, dy, fill):
    h, w = x.shape[2:]
    return F.pad(x, (dx, 0, dy, 0), value=fill)[:, :, :h, :w]


def t_scale(x, s, fill):
    h, w = x.shape[2:]
    nh, nw = math.ceil(s * h - 1e-9), math.ceil(s * w - 1e-9)
    if (nh, nw) == (h, w):
        return x
    y = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=True)
    if nh > h:
        y = y[:, :, (nh - h) // 2:(nh - h) // 2 + h]
    if nw > w:
        y = y[:, :, :, (nw - w) // 2:(nw - w) // 2 + w]
    ph, pw = max(0, h - nh), max(0, w - nw)
    if ph or pw:
        y = F.pad(y, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=fill)
    return y


def t_rotate(x, degrees, fill):
    if degrees == 0:
        return x
    n, c, h, w = x.shape
    a = math.radians(degrees)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    ys, xs = torch.meshgrid(torch.arange(h, dtype=x.dtype), torch.arange(w, dtype=x.dtype), indexing="ij")
    sx = cx + math.cos(a) * (xs - cx) - math.sin(a) * (ys - cy)
    sy = cy + math.sin(a) * (xs - cx) + math.cos(a) * (ys - cy)
    # grid_sample with align_corners=True: -1 and 1 are the centres of the first and last pixels
    grid = torch.stack([2 * sx / (w - 1) - 1, 2 * sy / (h - 1) - 1], dim=-1)[None].expand(n, h, w, 2)
    return F.grid_sample(x - fill, grid, mode="bilinear", padding_mode="zeros", align_corners=True) + fill


SCALES = [1 + (i - 5) / 50 for i in range(11)]
ANGLES = list(range(-10, 11)) + 5 * [0]


def standard(x, draws, fill):
    """pad(12), jitter(8), scale, rotate, jitter(4) with draws: jitter dx, dy, scale index, angle index, dx, dy."""
    d = iter(draws)
    x = t_pad(x, 12, fill)
    x = t_jitter(x, next(d), next(d), fill)
    x = t_scale(x, SCALES[next(d)], fill)
    x = t_rotate(x, ANGLES[next(d)], fill)
    x = t_jitter(x, next(d), next(d), fill)
    return x


def transform_case(name, spec, draws, fn, shape=(2, 3, 17, 19)):
    r = rng_for(name)
    x = f32values(r.uniform(0, 1, shape))
    case = Case(name, spec=spec, draws=draws, fill=0.5)
    case.save("x", x)
    outs = {}
    for dtype in (torch.float64, torch.float32):
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        y = fn(xt)
        if "r" not in case.manifest:
            up = f32values(r.standard_normal(tuple(y.shape)))
            case.manifest["r"] = True
            case.save("r", up)
        (y * torch.tensor(up, dtype=dtype)).sum().backward()
        outs[dtype] = (y.detach().numpy(), xt.grad.numpy())
    case.save("out", outs[torch.float64][0], outs[torch.float32][0])
    case.save("grad", outs[torch.float64][1], outs[torch.float32][1])
    case.close()


# ------------------------------------------------------------------------------------------------ input space

def to_model_input(img, min_side):
    m = torch.tensor(MEAN, dtype=img.dtype)[None, :, None, None]
    s = torch.tensor(STD, dtype=img.dtype)[None, :, None, None]
    x = (img - m) / s
    if min_side and (x.shape[2] < min_side or x.shape[3] < min_side):
        x = F.interpolate(x, size=(min_side, min_side), mode="bilinear", align_corners=True)
    return x


def space_case(name, shape, min_side):
    transform_case(name, {"space": "torchvision", "min_side": min_side}, [], lambda x: to_model_input(x, min_side), shape)


# ------------------------------------------------------------------------------------------------ objectives

def blur3(x):
    c = x.shape[1]
    k = torch.tensor([[0.5, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 0.5]], dtype=x.dtype)[None, None].repeat(c, 1, 1, 1)
    b = F.conv2d(x, k, padding=1, groups=c)
    ones = F.conv2d(torch.ones_like(x[:1]), k, padding=1, groups=c)
    return b / ones


def objectives():
    """name -> (text, fn(acts dict) -> scalar). acts: layer tensors 'a' [3,4,5,6] and 'f' [3,7] (fully connected),
    'logits' [3,10], 'picture' [3,3,8,9], 'input' [3,3,8,9]."""
    def diversity(a):
        n = a.shape[0]
        f = a.reshape(n, a.shape[1], -1)
        g = torch.bmm(f, f.transpose(1, 2))
        g = g / torch.sqrt((g * g).sum(dim=(1, 2), keepdim=True) + 1e-24)
        tot = g.sum(0)
        return ((tot * tot).sum() - (g * g).sum()) / n

    def tv(p, beta):
        base = p[:, :, :-1, :-1]
        right = p[:, :, :-1, 1:] - base
        down = p[:, :, 1:, :-1] - base
        sq = right ** 2 + down ** 2
        return (sq if beta == 2 else sq ** (beta / 2)).sum()

    v = torch.tensor(np.linspace(-1, 1, 4))    # float64; each run rounds it to its own precision
    return {
        "channel": ("a:2", lambda t: t["a"][:, 2].mean()),
        "channel_batch": ("channel(a, 1, batch 2)", None),
        "neuron_centre": ("a:3@2,3", lambda t: t["a"][:, 3, 2, 3].mean()),
        "neuron_default": ("neuron(a, 1)", lambda t: t["a"][:, 1, 5 // 2, 6 // 2].mean()),
        "neuron_fc": ("neuron(f, 4)", lambda t: t["f"][:, 4].mean()),
        "class": ("class(7)", lambda t: t["logits"][:, 7].mean()),
        "layer": ("layer(a)", lambda t: (t["a"] ** 2).mean()),
        "direction": ("direction(a, v)", lambda t: (t["a"] * v.to(t["a"].dtype)[None, :, None, None]).sum(1).mean()),
        "diversity": ("diversity(a)", lambda t: diversity(t["a"])),
        "l1": ("l1()", lambda t: (t["picture"] - 0.5).abs().sum()),
        "l2": ("l2()", lambda t: ((t["picture"] - 0.5) ** 2).sum()),
        "tv2": ("tv(2)", lambda t: tv(t["picture"], 2)),
        "tv1": ("tv(1)", lambda t: tv(t["picture"], 1)),
        "alpha6": ("alpha(6)", lambda t: (t["input"].abs() ** 6).sum()),
        "blur": ("blur()", lambda t: 0.5 * ((t["picture"] - blur3(t["picture"].detach())) ** 2).sum()),
        "xl2": ("xl2()", lambda t: (t["input"] ** 2).sum()),
        "combined": ("a:2 - 100*diversity(a) + 0.5*class(7) - 1e-3*tv(2)", None),
    }


def objective_cases():
    r = rng_for("objectives")
    data = {"a": f32values(r.standard_normal((3, 4, 5, 6))), "f": f32values(r.standard_normal((3, 7))),
            "logits": f32values(r.standard_normal((3, 10))), "picture": f32values(r.uniform(0.05, 0.95, (3, 3, 8, 9))),
            "input": f32values(r.standard_normal((3, 3, 8, 9)))}
    case = Case("objectives")
    for k, v in data.items():
        case.save(k, v)
    case.save("v", np.linspace(-1, 1, 4))
    table = objectives()
    manifest = {}
    for name, (text, fn) in table.items():
        if fn is None and name == "channel_batch":
            fn = lambda t: t["a"][2, 1].mean()
        if fn is None and name == "combined":
            fn = lambda t: table["channel"][1](t) - 100 * table["diversity"][1](t) + 0.5 * table["class"][1](t) \
                - 1e-3 * table["tv2"][1](t)
        res = {}
        for dtype in (torch.float64, torch.float32):
            ts = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in data.items()}
            val = fn(ts)
            val.backward()
            res[dtype] = (float(val), {k: (t.grad.numpy() if t.grad is not None else None) for k, t in ts.items()})
        entry = {"text": text, "value": res[torch.float64][0], "value_f32": res[torch.float32][0], "grads": []}
        for k in data:
            g64, g32 = res[torch.float64][1][k], res[torch.float32][1][k]
            if g64 is not None and np.any(g64 != 0):
                case.save(f"{name}_grad_{k}", g64, g32)
                entry["grads"].append(k)
        manifest[name] = entry
    case.manifest["objectives"] = manifest
    case.close()


# ------------------------------------------------------------------------------------------------ whole runs

class Classifier(nn.Module):
    def __init__(self, features, pool, classifier):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(pool)
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def alexnet(num_classes, d):
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


def load(name, dtype):
    model = alexnet(10, 16) if name == "alexnet_16" else vgg16(10, 16)
    model.load_state_dict({k: v.to(torch.float32) for k, v in torch.load(VIS / name / "weights.pth").items()})
    return model.to(dtype).eval()


def module_output(model, name, store):
    mod = dict(model.named_modules())[name]
    return mod.register_forward_hook(lambda m, i, o: store.__setitem__(name, o))


def run_case(name, model_name, kind, n, side, decorrelate, objective_fn, layers, steps, optimizer, lr, min_side, text):
    """A whole run without transforms: P from the case's generator, Adam/SGD on -objective, float64 and float32."""
    r = rng_for(name)
    shape = (n, 3, side, side // 2 + 1, 2) if kind == "fft" else (n, 3, side, side)
    p0 = f32values(r.standard_normal(shape) * (0.01 if kind != "input" else 0.3))
    case = Case(name, model=model_name, kind=kind, batch=n, side=side, decorrelate=decorrelate, steps=steps,
                optimizer=optimizer, lr=lr, min_side=min_side, objective=text)
    case.save("p0", p0)
    results = {}
    for dtype in (torch.float64, torch.float32):
        model = load(model_name, dtype)
        for q in model.parameters():
            q.requires_grad_(False)
        store = {}
        hooks = [module_output(model, l, store) for l in layers]
        p = torch.tensor(p0, dtype=dtype, requires_grad=True)
        opt = torch.optim.Adam([p], lr=lr) if optimizer == "adam" else torch.optim.SGD([p], lr=lr)
        traj = []
        for _ in range(steps):
            opt.zero_grad()
            if kind == "fft":
                pic = fft_picture(p, side, side, decorrelate)
            elif kind == "pixel":
                pic = finish(p, decorrelate)
            else:
                m = torch.tensor(MEAN, dtype=dtype)[None, :, None, None]
                s = torch.tensor(STD, dtype=dtype)[None, :, None, None]
                pic = p * s + m
            x = p if kind == "input" else to_model_input(pic, min_side)
            logits = model(x)
            value = objective_fn(store, logits, pic, x)
            traj.append(float(value))
            (-value).backward()
            opt.step()
        for h in hooks:
            h.remove()
        results[dtype] = (np.array(traj), p.detach().numpy())
    case.save("trajectory", results[torch.float64][0], results[torch.float32][0])
    case.save("p_final", results[torch.float64][1], results[torch.float32][1])
    case.close()


def tv_pic(p):
    base = p[:, :, :-1, :-1]
    return ((p[:, :, :-1, 1:] - base) ** 2 + (p[:, :, 1:, :-1] - base) ** 2).sum()


def run_cases():
    run_case("run_fft_alexnet", "alexnet_16", "fft", 1, 32, True,
             lambda a, logits, pic, x: a["features.8"][:, 3].mean() - 0.05 * tv_pic(pic)
             + 0.5 * a["features.10"][:, 1, 2, 2].mean(),
             ["features.8", "features.10"], 16, "adam", 0.05, 224, "features.8:3 - 0.05*tv(2) + 0.5*features.10:1@2,2")

    def grid(a, logits, pic, x):
        t = a["features.15"]
        value = sum(t[b, b].mean() for b in range(3))
        f = t.reshape(3, t.shape[1], -1)
        g = torch.bmm(f, f.transpose(1, 2))
        g = g / torch.sqrt((g * g).sum(dim=(1, 2), keepdim=True) + 1e-24)
        tot = g.sum(0)
        return value - 10 * ((tot * tot).sum() - (g * g).sum()) / 3

    run_case("run_grid_vgg", "vgg16_16", "pixel", 3, 32, True, grid, ["features.15"], 8, "adam", 0.05, 0,
             "grid(features.15, 3) - 10*diversity(features.15)")
    run_case("run_classmodel_alexnet", "alexnet_16", "input", 1, 63, False,
             lambda a, logits, pic, x: logits[:, 4].mean() - 5e-3 * (x ** 2).sum(), [], 6, "sgd", 6.0, 0,
             "class(4) - 0.005*xl2()")


# ------------------------------------------------------------------------------------------------ DeepDream

def lap_normalize_np(g, levels=4):
    """TF notebook's lap_normalize for one picture [C,H,W] (float64, 2-D binomial kernel, 'SAME' stride-2 padding)."""
    k1 = np.array([1, 4, 6, 4, 1], dtype=np.float64)
    k = np.outer(k1, k1) / 256.0

    def pad_before(size):
        out = (size + 1) // 2
        return max((out - 1) * 2 + 5 - size, 0) // 2

    def down(img):
        c, h, w = img.shape
        oh, ow, ph, pw = (h + 1) // 2, (w + 1) // 2, pad_before(h), pad_before(w)
        out = np.zeros((c, oh, ow))
        for i in range(oh):
            for j in range(ow):
                for ty in range(5):
                    for tx in range(5):
                        y, x = 2 * i - ph + ty, 2 * j - pw + tx
                        if 0 <= y < h and 0 <= x < w:
                            out[:, i, j] += k[ty, tx] * img[:, y, x]
        return out

    def up(lo, h, w):
        c, lh, lw = lo.shape
        ph, pw = pad_before(h), pad_before(w)
        out = np.zeros((c, h, w))
        for i in range(lh):
            for j in range(lw):
                for ty in range(5):
                    for tx in range(5):
                        y, x = 2 * i - ph + ty, 2 * j - pw + tx
                        if 0 <= y < h and 0 <= x < w:
                            out[:, y, x] += 4 * k[ty, tx] * lo[:, i, j]
        return out

    bands, img = [], g
    for _ in range(levels):
        lo = down(img)
        bands.append(img - up(lo, *img.shape[1:]))
        img = lo
    bands.append(img)
    bands = [b / max(np.sqrt(np.mean(b * b)), 1e-10) for b in bands]
    out = bands[-1]
    for hi in reversed(bands[:-1]):
        out = up(out, *hi.shape[1:]) + hi
    return out


def dream_case(name, normalization):
    """2 octaves (scale 1.4) of 3 steps on features.15 of VGG16/16, jitter 0, one tile, from a 36x44 picture."""
    r = rng_for(name)
    pic = f32values(r.uniform(0, 1, (1, 3, 36, 44)))
    case = Case(name, model="vgg16_16", layer="features.15", octaves=2, octave_scale=1.4, steps=3, step=0.05,
                normalization=normalization)
    case.save("picture", pic)
    results = {}
    for dtype in (torch.float64, torch.float32):
        model = load("vgg16_16", dtype)
        for q in model.parameters():
            q.requires_grad_(False)
        store = {}
        hook = module_output(model, "features.15", store)
        m = torch.tensor(MEAN, dtype=dtype)[None, :, None, None]
        s = torch.tensor(STD, dtype=dtype)[None, :, None, None]
        photo = (torch.tensor(pic, dtype=dtype) - m) / s
        lo, hi = (0 - m) / s, (1 - m) / s
        h, w = photo.shape[2:]
        sizes = [(round(h / 1.4 ** k), round(w / 1.4 ** k)) for k in (1, 0)]
        detail, traj = None, []
        for oh, ow in sizes:
            base = F.interpolate(photo, size=(oh, ow), mode="bilinear", align_corners=False)
            x = base.clone() if detail is None else base + F.interpolate(detail, size=(oh, ow), mode="bilinear", align_corners=False)
            for _ in range(3):
                x = x.detach().requires_grad_(True)
                model.features[:16](x)          # the pass stops at the layer (the picture is too small for the rest)
                value = (store["features.15"] ** 2).mean()
                traj.append(float(value))
                g, = torch.autograd.grad(value, x)
                if normalization == "mean":
                    step = g / (g.abs().mean() + 1e-8)
                else:
                    step = torch.tensor(lap_normalize_np(g[0].double().numpy()), dtype=dtype)[None]
                x = torch.max(torch.min(x.detach() + 0.05 * step, hi), lo)
            detail = x - base
        hook.remove()
        results[dtype] = (np.array(traj), ((x * s + m).clamp(0, 1)).numpy())
    case.save("trajectory", results[torch.float64][0], results[torch.float32][0])
    case.save("dream", results[torch.float64][1], results[torch.float32][1])
    case.close()


def laplacian_case():
    r = rng_for("laplacian")
    g = r.standard_normal((3, 13, 10))
    case = Case("laplacian", levels=4)
    case.save("g", g)
    case.save("normalized", lap_normalize_np(g))
    case.close()


def yosinski_case():
    """Yosinski et al.'s between-step regularizers with scipy's gaussian_filter and NumPy's percentile: decay 0.1, blur
    radius 1 (every step), pixels of norm below the 30th percentile zeroed, then pixels of |contribution| below the 40th."""
    from scipy.ndimage import gaussian_filter
    r = rng_for("yosinski")
    x = r.standard_normal((1, 3, 12, 14))
    g = r.standard_normal((1, 3, 12, 14))
    case = Case("yosinski", decay=0.1, blur_radius=1.0, blur_every=1, norm_percentile=30, contribution_percentile=40)
    case.save("x", x)
    case.save("g", g)
    y = x[0] * (1 - 0.1)
    y = np.stack([gaussian_filter(y[c], sigma=1.0, mode="reflect", truncate=4.0) for c in range(3)])
    norms = np.sqrt((y * y).sum(0))
    y[:, norms < np.percentile(norms, 30)] = 0
    benefit = np.abs((g[0] * -y).sum(0))
    y[:, benefit < np.percentile(benefit, 40)] = 0
    case.save("out", y[None])
    case.close()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    param_case("param_fft_8x8", "fft", 1, 3, 8, 8, False)
    param_case("param_fft_6x10_decorrelated", "fft", 2, 3, 6, 10, True)
    param_case("param_fft_7x12_grey", "fft", 1, 1, 7, 12, False)
    param_case("param_pixel_decorrelated", "pixel", 2, 3, 5, 7, True)
    transform_case("transform_pad", "pad(3)", [], lambda x: t_pad(x, 3, 0.5))
    transform_case("transform_jitter", "jitter(4)", [3, 1], lambda x: t_jitter(x, 3, 1, 0.5))
    transform_case("transform_scale_down", "scale", [0], lambda x: t_scale(x, SCALES[0], 0.5))
    transform_case("transform_scale_up", "scale", [9], lambda x: t_scale(x, SCALES[9], 0.5))
    transform_case("transform_rotate", "rotate", [3], lambda x: t_rotate(x, ANGLES[3], 0.5))
    transform_case("transform_rotate_positive", "rotate", [18], lambda x: t_rotate(x, ANGLES[18], 0.5))
    draws = [5, 2, 8, 13, 1, 3]
    transform_case("transform_standard", "standard", draws, lambda x: standard(x, draws, 0.5), shape=(1, 3, 20, 24))
    space_case("space_upsample", (1, 3, 20, 30), 48)
    space_case("space_plain", (2, 3, 9, 11), 0)
    objective_cases()
    run_cases()
    dream_case("dream_mean", "mean")
    dream_case("dream_laplacian", "laplacian")
    laplacian_case()
    yosinski_case()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for _ in OUT.rglob('manifest.json'))} cases, {total / 1e6:.2f} MB, under {OUT}")


if __name__ == "__main__":
    main()
