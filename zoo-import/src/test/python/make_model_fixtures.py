#!/usr/bin/python3
"""Writes the model fixtures of zoo-import's io.pixelgrad.zoo.load tests: narrow AlexNet/VGG-shaped networks (every
width divided by 16, 10 classes) with seeded random weights, saved by PyTorch in every format pixelgrad reads, plus
inputs and the logits PyTorch computes from them.

    /usr/bin/python3 zoo-import/src/test/python/make_model_fixtures.py              # small fixtures (committed)
    /usr/bin/python3 zoo-import/src/test/python/make_model_fixtures.py --fullsize   # also full-size AlexNet and VGG16

Small fixtures go to zoo-import/src/test/resources/models/. Full-size files (about 1.8 GB for AlexNet and VGG16 in
four formats) go to tests/fullsize/ at the repository root, which git ignores; the Java tests that use them run only
when they are present. Needs Debian's torch 1.13 and torchvision 0.14; the image fixtures must exist (the 224x224
input is make_image_fixtures.py's preprocessed photo).
"""
import argparse
import copy
import collections
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_weight_fixtures import onnx_model, onnx_tensor, raw_f32  # noqa: E402  (hand-written ONNX encoder)

OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "models"))
IMAGES = os.path.normpath(os.path.join(HERE, "..", "resources", "images"))
FULLSIZE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "tests", "fullsize"))
VGG_CFG = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


class Classifier(nn.Module):
    """torchvision's AlexNet/VGG skeleton: features, optional avgpool, flatten, classifier (same state_dict keys)."""

    def __init__(self, features, avgpool, classifier):
        super().__init__()
        self.features = features
        if avgpool is not None:
            self.avgpool = avgpool
        self.classifier = classifier

    def forward(self, x):
        x = self.features(x)
        if hasattr(self, "avgpool"):
            x = self.avgpool(x)
        return self.classifier(torch.flatten(x, 1))


def alexnet(num_classes, d):
    """torchvision.models.alexnet with every width divided by d (d=1 is torchvision's exactly)."""
    features = nn.Sequential(
        nn.Conv2d(3, 64 // d, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(64 // d, 192 // d, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(192 // d, 384 // d, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384 // d, 256 // d, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256 // d, 256 // d, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Dropout(0.5), nn.Linear(256 // d * 36, 4096 // d), nn.ReLU(inplace=True),
        nn.Dropout(0.5), nn.Linear(4096 // d, 4096 // d), nn.ReLU(inplace=True), nn.Linear(4096 // d, num_classes))
    return Classifier(features, nn.AdaptiveAvgPool2d((6, 6)), classifier)


def caffe_alexnet(num_classes, d):
    """The original Caffe AlexNet (bvlc_alexnet): groups of 2, LRN, 227x227 input, no adaptive pooling."""
    lrn = lambda: nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)  # noqa: E731
    features = nn.Sequential(
        nn.Conv2d(3, 96 // d, 11, 4), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96 // d, 256 // d, 5, padding=2, groups=2), nn.ReLU(), lrn(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256 // d, 384 // d, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384 // d, 384 // d, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384 // d, 256 // d, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Linear(256 // d * 36, 4096 // d), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096 // d, 4096 // d), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096 // d, num_classes))
    return Classifier(features, None, classifier)


def vgg(depth, bn, num_classes, d):
    """torchvision.models.vgg{depth}[_bn] with every width divided by d."""
    layers, c = [], 3
    for v in VGG_CFG[depth]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers.append(nn.Conv2d(c, v // d, 3, padding=1))
            if bn:
                layers.append(nn.BatchNorm2d(v // d))
            layers.append(nn.ReLU(inplace=True))
            c = v // d
    classifier = nn.Sequential(
        nn.Linear(512 // d * 49, 4096 // d), nn.ReLU(True), nn.Dropout(),
        nn.Linear(4096 // d, 4096 // d), nn.ReLU(True), nn.Dropout(), nn.Linear(4096 // d, num_classes))
    return Classifier(nn.Sequential(*layers), nn.AdaptiveAvgPool2d((7, 7)), classifier)


def check_against_torchvision():
    """Our d=1 builders must give torchvision's exact state_dict keys and shapes."""
    pairs = [(alexnet(1000, 1), torchvision.models.alexnet()), (vgg(16, False, 1000, 1), torchvision.models.vgg16()),
             (vgg(11, True, 1000, 1), torchvision.models.vgg11_bn())]
    for ours, theirs in pairs:
        a = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
        b = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert a == b, "builder differs from torchvision"


def randomize(model, seed):
    """He-normal weights and non-trivial biases and batch-norm statistics, so every parameter matters to the logits."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
                m.running_mean.copy_(0.2 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))
                m.num_batches_tracked.fill_(7)
    return model.eval()


ST_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(sd, path):
    """safetensors as huggingface's save_file writes it (num_batches_tracked included as an I64 scalar)."""
    header, blobs, pos = collections.OrderedDict({"__metadata__": {"format": "pt"}}), [], 0
    for k, v in sd.items():
        b = v.detach().contiguous().numpy().astype(v.numpy().dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": ST_DTYPES[v.dtype], "shape": list(v.shape), "data_offsets": [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def save_all_formats(model, stem, example, formats):
    sd = model.state_dict()
    if "zip" in formats:
        torch.save(sd, stem + ".pth")
    if "legacy" in formats:
        torch.save(sd, stem + "_legacy.pth", _use_new_zipfile_serialization=False)
    if "safetensors" in formats:
        save_safetensors(sd, stem + ".safetensors")
    if "onnx" in formats:
        # PRESERVE keeps batch norm as its own initializers (EVAL mode would fold it into the convolutions).
        torch.onnx.export(model, example, stem + ".onnx", training=torch.onnx.TrainingMode.PRESERVE,
                          do_constant_folding=False)


CAFFE_ZOO_NAMES = [("conv1", "features.0"), ("conv2", "features.4"), ("conv3", "features.8"), ("conv4", "features.10"),
                   ("conv5", "features.12"), ("fc6", "classifier.0"), ("fc7", "classifier.3"), ("fc8", "classifier.6")]


def save_caffe_zoo_onnx(model, path):
    """The ONNX model zoo's bvlc_alexnet naming (conv1_w_0 ... fc8_b_0); only the initializers matter to pixelgrad."""
    sd = model.state_dict()
    tensors = []
    for zoo, ours in CAFFE_ZOO_NAMES:
        for suffix, key in (("w_0", "weight"), ("b_0", "bias")):
            t = sd[ours + "." + key]
            tensors.append(onnx_tensor(zoo + "_" + suffix, list(t.shape), 1, raw=raw_f32(t)))
    with open(path, "wb") as f:
        f.write(onnx_model(tensors))


def logits(model, x):
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy().astype("<f4")


def logits64(model, x):
    """The logits in float64: the same weights and input widened exactly (what --dtype float64 must reproduce)."""
    with torch.no_grad():
        return copy.deepcopy(model).double()(torch.from_numpy(x.astype(np.float64))).numpy().astype("<f8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fullsize", action="store_true", help="also write full-size AlexNet and VGG16 into tests/fullsize/")
    args = ap.parse_args()
    torch.set_num_threads(1)  # deterministic reductions for the reference logits
    check_against_torchvision()
    os.makedirs(OUT, exist_ok=True)

    photo = np.load(os.path.join(IMAGES, "chelsea_torchvision.npy"))  # [1, 3, 224, 224], torchvision-normalized
    g = torch.Generator().manual_seed(7)
    batch96 = (torch.randn(2, 3, 96, 96, generator=g)).numpy().astype("<f4")
    input227 = (torch.randn(1, 3, 227, 227, generator=g) * 50).numpy().astype("<f4")  # caffe-scaled values
    np.save(os.path.join(OUT, "input_96x2.npy"), batch96)
    np.save(os.path.join(OUT, "input_227.npy"), input227)

    nets = [
        ("alexnet16", alexnet(10, 16), ["zip", "legacy", "safetensors", "onnx"]),
        ("vgg11_bn16", vgg(11, True, 10, 16), ["zip", "onnx"]),
        ("vgg16_16", vgg(16, False, 10, 16), ["safetensors"]),
    ]
    for i, (stem, model, formats) in enumerate(nets):
        randomize(model, 1000 + i)
        save_all_formats(model, os.path.join(OUT, stem), torch.from_numpy(photo), formats)
        np.save(os.path.join(OUT, stem + "_logits_224.npy"), logits(model, photo))
        np.save(os.path.join(OUT, stem + "_logits_96x2.npy"), logits(model, batch96))
        np.save(os.path.join(OUT, stem + "_logits_224_f64.npy"), logits64(model, photo))
        np.save(os.path.join(OUT, stem + "_logits_96x2_f64.npy"), logits64(model, batch96))

    caffe = randomize(caffe_alexnet(10, 16), 2000)
    save_caffe_zoo_onnx(caffe, os.path.join(OUT, "caffe_alexnet16_zoo.onnx"))
    np.save(os.path.join(OUT, "caffe_alexnet16_logits_227.npy"), logits(caffe, input227))
    np.save(os.path.join(OUT, "caffe_alexnet16_logits_227_f64.npy"), logits64(caffe, input227))

    if args.fullsize:
        os.makedirs(FULLSIZE, exist_ok=True)
        for i, (stem, model) in enumerate([("alexnet", alexnet(1000, 1)), ("vgg16", vgg(16, False, 1000, 1))]):
            randomize(model, 3000 + i)
            save_all_formats(model, os.path.join(FULLSIZE, stem), torch.from_numpy(photo),
                             ["zip", "legacy", "safetensors", "onnx"])
            np.save(os.path.join(FULLSIZE, stem + "_logits_224.npy"), logits(model, photo))
            np.save(os.path.join(FULLSIZE, stem + "_logits_224_f64.npy"), logits64(model, photo))
            del model


if __name__ == "__main__":
    main()
