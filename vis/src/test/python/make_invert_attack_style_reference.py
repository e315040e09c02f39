#!/usr/bin/python3
"""Writes the PyTorch reference outputs of pixelgrad's feature inversion, adversarial attacks and texture/style
synthesis (vis module, io.pixelgrad.vis.synthesis: Inversion, Attack, Style).

How to rerun (from the repository root; needs Debian's python3-torch 1.13, hence /usr/bin/python3):

    /usr/bin/python3 vis/src/test/python/make_invert_attack_style_reference.py

It deletes and rewrites vis/src/test/resources/invert-attack-style-reference/ and nothing else. Everything is seeded
and torch runs on 2 threads. Every definition is written here from docs/techniques.md (Synthesis) with plain PyTorch
(autograd for every gradient, F.cross_entropy, torch.optim.Adam/SGD/LBFGS), following torchattacks 3.5.1 for FGSM and
PGD and the PyTorch neural-style tutorial for Gram matrices, losses and the clamping L-BFGS closure; never from
pixelgrad's output. The small networks and helpers are make_synthesis_reference.py's. Each case is computed in float64
and in float32 from the same float32-representable inputs and saved as <name>.npy (float64) and <name>_f32.npy.

Cases (one directory each, with manifest.json):
  invert_*     inversion loss |phi(x)-phi0|^2/|phi0|^2 + la*sum|x|^6 + lt*TV2(picture) and d/dx at a noise start, then
               a few optimizer steps (trajectory = -loss at each step, final x)
  fgsm_*       FGSM (untargeted and targeted) on a picture in [0,1]: the adversarial picture and the CE gradient
  pgd_*        PGD, 10 steps from a given random start: the CE (or -CE of the target) per step and the final picture
  gram         a Gram matrix, the style term mean((G-A)^2) and the content term mean((F-P)^2) with their gradients
  style_vgg    style transfer on VGG16/16: loss and gradient at the content picture, then one L-BFGS step (max_iter 20,
               the tutorial's clamping closure): the final picture and the loss of every closure evaluation
  texture_vgg  texture (style term only) from noise: loss, gradient and one L-BFGS step
"""
import json
import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import make_synthesis_reference as base
from make_synthesis_reference import MEAN, STD, f32values, load, module_output, rng_for

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

HERE = Path(__file__).resolve()
OUT = HERE.parents[1] / "resources" / "invert-attack-style-reference"
base.OUT = OUT     # base.Case writes under base.OUT
Case = base.Case
TYPES = (torch.float64, torch.float32)


def frozen(name, dtype):
    model = load(name, dtype)
    for q in model.parameters():
        q.requires_grad_(False)
    return model


def normalize(pic):
    m = torch.tensor(MEAN, dtype=pic.dtype)[None, :, None, None]
    s = torch.tensor(STD, dtype=pic.dtype)[None, :, None, None]
    return (pic - m) / s


def picture_of(x):
    m = torch.tensor(MEAN, dtype=x.dtype)[None, :, None, None]
    s = torch.tensor(STD, dtype=x.dtype)[None, :, None, None]
    return x * s + m


def tv2(p):
    base_ = p[:, :, :-1, :-1]
    return ((p[:, :, :-1, 1:] - base_) ** 2 + (p[:, :, 1:, :-1] - base_) ** 2).sum()


def forward_to(model, x, last_index):
    """model.features up to and including index last_index (the pass stops at the deepest layer read)."""
    return model.features[:last_index + 1](x)


def save_pair(case, key, results):
    case.save(key, results[torch.float64], results[torch.float32])


# ------------------------------------------------------------------------------------------------ inversion

def invert_case(name, model_name, side, layer, la, lt, steps, optimizer, lr):
    r = rng_for(name)
    photo = f32values(r.uniform(0, 1, (1, 3, side, side)))
    x0 = f32values(0.1 * r.standard_normal((1, 3, side, side)))
    index = int(layer.split(".")[1])
    case = Case(name, model=model_name, layer=layer, alpha_weight=la, tv_weight=lt, steps=steps, optimizer=optimizer, lr=lr)
    case.save("photo", photo)
    case.save("x0", x0)
    loss, grad, traj, final = {}, {}, {}, {}
    for dtype in TYPES:
        model = frozen(model_name, dtype)
        phi0 = forward_to(model, normalize(torch.tensor(photo, dtype=dtype)), index).detach()

        def total(x):
            return ((forward_to(model, x, index) - phi0) ** 2).sum() / (phi0 ** 2).sum() \
                + la * (x.abs() ** 6).sum() + lt * tv2(picture_of(x))

        x = torch.tensor(x0, dtype=dtype, requires_grad=True)
        value = total(x)
        value.backward()
        loss[dtype], grad[dtype] = float(value), x.grad.numpy().copy()
        x = torch.tensor(x0, dtype=dtype, requires_grad=True)
        opt = torch.optim.Adam([x], lr=lr) if optimizer == "adam" else torch.optim.SGD([x], lr=lr, momentum=0.9)
        t = []
        for _ in range(steps):
            opt.zero_grad()
            value = total(x)
            t.append(-float(value))
            value.backward()
            opt.step()
        traj[dtype], final[dtype] = np.array(t), x.detach().numpy()
    case.manifest["loss"], case.manifest["loss_f32"] = loss[torch.float64], loss[torch.float32]
    save_pair(case, "grad", grad)
    save_pair(case, "trajectory", traj)
    save_pair(case, "x_final", final)
    case.close()


# ------------------------------------------------------------------------------------------------ attacks (torchattacks)

def logits_of(model, pic):
    return model(normalize(pic))


def fgsm_case(name, model_name, side, eps, target_shift):
    """torchattacks.FGSM: adv = clamp(x + eps*sign(grad cost), 0, 1), cost = CE(label) or -CE(target)."""
    r = rng_for(name)
    pic = f32values(r.uniform(0, 1, (1, 3, side, side)))
    case = Case(name, model=model_name, eps=eps)
    case.save("picture", pic)
    adv, grad = {}, {}
    for dtype in TYPES:
        model = frozen(model_name, dtype)
        x = torch.tensor(pic, dtype=dtype)
        label = int(logits_of(model, x).argmax())
        target = None if target_shift is None else (label + target_shift) % 10
        case.manifest["label"], case.manifest["target"] = label, target
        xg = x.clone().requires_grad_(True)
        out = logits_of(model, xg)
        cost = F.cross_entropy(out, torch.tensor([label])) if target is None else -F.cross_entropy(out, torch.tensor([target]))
        g, = torch.autograd.grad(cost, xg)
        adv[dtype] = torch.clamp(x + eps * g.sign(), min=0, max=1).numpy()
        grad[dtype] = g.numpy()
    save_pair(case, "adversarial", adv)
    save_pair(case, "grad", grad)
    case.close()


def pgd_case(name, model_name, side, eps, alpha, steps, target_shift):
    """torchattacks.PGD from a given random start clamp(x + U(-eps, eps), 0, 1)."""
    r = rng_for(name)
    pic = f32values(r.uniform(0, 1, (1, 3, side, side)))
    start = f32values(np.clip(pic + r.uniform(-eps, eps, pic.shape), 0, 1))
    case = Case(name, model=model_name, eps=eps, alpha=alpha, steps=steps)
    case.save("picture", pic)
    case.save("start", start)
    traj, final = {}, {}
    for dtype in TYPES:
        model = frozen(model_name, dtype)
        images = torch.tensor(pic, dtype=dtype)
        label = int(logits_of(model, images).argmax())
        target = None if target_shift is None else (label + target_shift) % 10
        case.manifest["label"], case.manifest["target"] = label, target
        adv = torch.tensor(start, dtype=dtype)
        t = []
        for _ in range(steps):
            adv.requires_grad = True
            out = logits_of(model, adv)
            cost = F.cross_entropy(out, torch.tensor([label])) if target is None else -F.cross_entropy(out, torch.tensor([target]))
            t.append(float(cost))
            g, = torch.autograd.grad(cost, adv)
            adv = adv.detach() + alpha * g.sign()
            delta = torch.clamp(adv - images, min=-eps, max=eps)
            adv = torch.clamp(images + delta, min=0, max=1).detach()
        traj[dtype], final[dtype] = np.array(t), adv.numpy()
    save_pair(case, "trajectory", traj)
    save_pair(case, "adversarial", final)
    case.close()


# ------------------------------------------------------------------------------------------------ Gram, style, texture

def gram(f):
    """The tutorial's gram_matrix: F F^T / (a b c d) with F = view(a*b, c*d)."""
    a, b, c, d = f.size()
    feats = f.view(a * b, c * d)
    return torch.mm(feats, feats.t()) / (a * b * c * d)


def gram_case():
    r = rng_for("gram")
    feats = f32values(r.standard_normal((1, 5, 6, 7)))
    target = f32values(r.standard_normal((5, 5)) * 0.1)
    content = f32values(r.standard_normal((1, 5, 6, 7)))
    case = Case("gram")
    case.save("features", feats)
    case.save("target", target)
    case.save("content", content)
    out = {k: {} for k in ("gram", "style_grad", "content_grad")}
    for dtype in TYPES:
        f = torch.tensor(feats, dtype=dtype, requires_grad=True)
        g = gram(f)
        out["gram"][dtype] = g.detach().numpy()
        s = F.mse_loss(g, torch.tensor(target, dtype=dtype))
        s.backward()
        out["style_grad"][dtype] = f.grad.numpy().copy()
        case.manifest["style" if dtype == torch.float64 else "style_f32"] = float(s)
        f.grad = None
        c = F.mse_loss(f, torch.tensor(content, dtype=dtype))
        c.backward()
        out["content_grad"][dtype] = f.grad.numpy().copy()
        case.manifest["content" if dtype == torch.float64 else "content_f32"] = float(c)
    for k, v in out.items():
        save_pair(case, k, v)
    case.close()


STYLE_LAYERS = ["features.1", "features.6", "features.11", "features.18", "features.25"]   # relu1_1 .. relu5_1
CONTENT_LAYER = "features.20"                                                                 # relu4_2


def style_case(name, content_shape, style_shape, with_content, style_weight, content_weight):
    r = rng_for(name)
    style_pic = f32values(r.uniform(0, 1, style_shape))
    content_pic = f32values(r.uniform(0, 1, content_shape))
    start = content_pic if with_content else f32values(r.uniform(0, 1, content_shape))
    layers = STYLE_LAYERS + ([CONTENT_LAYER] if with_content else [])
    case = Case(name, model="vgg16_16", style_layers=STYLE_LAYERS, content_layer=CONTENT_LAYER if with_content else None,
                style_weight=style_weight, content_weight=content_weight)
    case.save("style", style_pic)
    if with_content:
        case.save("content", content_pic)
    case.save("start", start)
    grads, finals, evals, loss = {}, {}, {}, {}
    for dtype in TYPES:
        model = frozen("vgg16_16", dtype)
        store = {}
        hooks = [module_output(model, l, store) for l in layers]
        last = max(int(l.split(".")[1]) for l in layers)
        forward_to(model, normalize(torch.tensor(style_pic, dtype=dtype)), last)
        targets = {l: gram(store[l]).detach() for l in STYLE_LAYERS}
        forward_to(model, normalize(torch.tensor(content_pic, dtype=dtype)), last)
        content_target = store[CONTENT_LAYER].detach() if with_content else None

        def total(img):
            forward_to(model, normalize(img), last)
            s = sum(F.mse_loss(gram(store[l]), targets[l]) for l in STYLE_LAYERS) * style_weight
            return s + (F.mse_loss(store[CONTENT_LAYER], content_target) * content_weight if with_content else 0)

        img = torch.tensor(start, dtype=dtype, requires_grad=True)
        value = total(img)
        value.backward()
        loss[dtype], grads[dtype] = float(value), img.grad.numpy().copy()
        img = torch.tensor(start, dtype=dtype, requires_grad=True)
        optimizer = torch.optim.LBFGS([img])
        seen = []

        def closure():
            with torch.no_grad():
                img.clamp_(0, 1)
            optimizer.zero_grad()
            v = total(img)
            v.backward()
            seen.append(float(v))
            return v

        optimizer.step(closure)
        with torch.no_grad():
            img.clamp_(0, 1)
        for h in hooks:
            h.remove()
        finals[dtype], evals[dtype] = img.detach().numpy(), np.array(seen)
    case.manifest["loss"], case.manifest["loss_f32"] = loss[torch.float64], loss[torch.float32]
    case.manifest["evaluations"] = len(evals[torch.float64])
    save_pair(case, "grad", grads)
    save_pair(case, "final", finals)
    save_pair(case, "evaluations", evals)
    case.close()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    invert_case("invert_alexnet", "alexnet_16", 64, "features.4", 1e-3, 0.5, 6, "adam", 0.05)
    invert_case("invert_vgg", "vgg16_16", 32, "features.15", 1e-3, 0.5, 6, "sgd", 0.5)
    fgsm_case("fgsm_alexnet", "alexnet_16", 64, 8 / 255, None)
    fgsm_case("fgsm_targeted_vgg", "vgg16_16", 32, 8 / 255, 3)
    pgd_case("pgd_alexnet", "alexnet_16", 64, 8 / 255, 2 / 255, 10, None)
    pgd_case("pgd_targeted_vgg", "vgg16_16", 32, 8 / 255, 2 / 255, 10, 3)
    gram_case()
    style_case("style_vgg", (1, 3, 32, 40), (1, 3, 36, 36), True, 1e6, 1.0)
    style_case("texture_vgg", (1, 3, 32, 32), (1, 3, 40, 36), False, 1e6, 1.0)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {sum(1 for _ in OUT.rglob('manifest.json'))} cases, {total / 1e6:.2f} MB, under {OUT}")


if __name__ == "__main__":
    main()
