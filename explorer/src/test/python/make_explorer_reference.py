#!/usr/bin/python3
"""Writes the PyTorch references of the explorer's tests (explorer/src/test/resources/explorer-reference/).

    /usr/bin/python3 explorer/src/test/python/make_explorer_reference.py

Needs Debian's python3-torch 1.13 and python3-torchvision (hence /usr/bin/python3, not a pyenv python). Seeded, two
threads: a rerun writes the same numbers. It rewrites explorer-reference/ and nothing else.

What the explorer computes that nothing else in pixelgrad does is the overview: one forward pass, every leaf layer's
output (Dropout skipped: the identity when explaining) reduced to thumbnails. The rule, written here from its
definition and not from the Java code: a feature map [C,h,w] is cut into f x f blocks, f = ceil(max(h,w) / 32), and
each thumbnail pixel is the mean of its block (blocks at the right and bottom edges may be partial: the mean of the
pixels they hold). A fully connected output [N] is kept as is.

Two cases:
  alexnet16/   the zoo-import fixture AlexNet/16 (zoo-import/src/test/resources/models/alexnet16.pth, 10 classes) on
               zoo-import's chelsea_torchvision.npy (torchvision's Resize(256), CenterCrop(224), Normalize of the
               bundled chelsea.png, made by zoo-import's make_image_fixtures.py): <layer>.npy thumbnails, logits.npy.
  grey/        a LeNet-style network for 28x28 grey input (torchvision-style names features.N / classifier.N, seeded
               default initialisation) whose weights are written as <param>.npy; the input is the same chelsea.png
               through torchvision's Resize(28), CenterCrop(28), Grayscale(), ToTensor(), Normalize(0.2860, 0.3530)
               (Fashion-MNIST's statistics): x.npy, the thumbnails, logits.npy and saliency.npy, the gradient of the
               top class's logit with respect to the input [1,28,28].
"""
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torchvision.transforms as T
from PIL import Image

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

ROOT = Path(__file__).resolve().parents[4]
OUT = Path(__file__).resolve().parents[1] / "resources" / "explorer-reference"
ZOO = ROOT / "zoo-import" / "src" / "test"
sys.path.insert(0, str(ZOO / "python"))
from make_model_fixtures import alexnet  # noqa: E402  (the torchvision layout with a width divisor)

SIDE = 32


def thumbnails(a):
    """Block means of a [C,h,w] float32 map, accumulated in float64, returned as float32."""
    c, h, w = a.shape
    f = -(-max(h, w) // SIDE)
    th, tw = -(-h // f), -(-w // f)
    out = np.zeros((c, th, tw), dtype=np.float64)
    for ty in range(th):
        for tx in range(tw):
            block = a[:, ty * f:min(h, ty * f + f), tx * f:min(w, tx * f + f)].astype(np.float64)
            out[:, ty, tx] = block.mean(axis=(1, 2))
    return out.astype(np.float32)


def overview(model, x, folder):
    """Runs x once, writes every leaf layer's thumbnails and the logits; returns the layer list."""
    outputs = {}
    hooks = []
    for name, m in model.named_modules():
        if name and not list(m.children()) and not isinstance(m, nn.Dropout):
            # clone: the next ReLU may work in place
            hooks.append(m.register_forward_hook(lambda mod, i, o, name=name: outputs.__setitem__(name, o.detach().clone())))
    with torch.no_grad():
        logits = model(x)
    for h in hooks:
        h.remove()
    layers = []
    for name, o in outputs.items():
        a = o[0].numpy().astype(np.float32)
        if a.ndim == 3:
            np.save(folder / (name + ".npy"), thumbnails(a))
        else:
            np.save(folder / (name + ".npy"), a)
        layers.append({"name": name, "shape": list(a.shape)})
    np.save(folder / "logits.npy", logits[0].numpy().astype(np.float32))
    return layers


class Classifier(nn.Module):
    """torchvision's classifier skeleton without adaptive pooling: features, flatten, classifier."""

    def __init__(self, features, classifier):
        super().__init__()
        self.features = features
        self.classifier = classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def grey_net():
    torch.manual_seed(13)
    return Classifier(
        nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2)),
        nn.Sequential(nn.Linear(16 * 5 * 5, 32), nn.ReLU(), nn.Linear(32, 10))).eval()


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    manifest = {"thumb_side": SIDE}

    folder = OUT / "alexnet16"
    folder.mkdir(parents=True)
    model = alexnet(10, 16).eval()
    model.load_state_dict(torch.load(ZOO / "resources" / "models" / "alexnet16.pth"))
    x = torch.from_numpy(np.load(ZOO / "resources" / "images" / "chelsea_torchvision.npy"))
    manifest["alexnet16"] = {"layers": overview(model, x, folder)}

    folder = OUT / "grey"
    folder.mkdir(parents=True)
    model = grey_net()
    for name, p in model.state_dict().items():
        np.save(folder / (name + ".npy"), p.numpy().astype(np.float32))
    pipeline = T.Compose([T.Resize(28), T.CenterCrop(28), T.Grayscale(), T.ToTensor(), T.Normalize((0.2860,), (0.3530,))])
    x = pipeline(Image.open(ZOO / "resources" / "images" / "chelsea.png").convert("RGB")).unsqueeze(0)
    np.save(folder / "x.npy", x.numpy().astype(np.float32))
    layers = overview(model, x, folder)
    xg = x.clone().requires_grad_(True)
    logits = model(xg)
    top = int(logits[0].argmax())
    logits[0, top].backward()
    np.save(folder / "saliency.npy", xg.grad[0].numpy().astype(np.float32))
    manifest["grey"] = {"layers": layers, "top": top, "mean": 0.2860, "std": 0.3530}

    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
