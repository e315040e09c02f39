#!/usr/bin/python3
"""Writes the image fixtures of zoo-import's io.pixelgrad.zoo.images tests: a real photo, small derived images in
every supported format and colour layout, what PIL decodes from each, and what torchvision's standard ImageNet
preprocessing makes of them.

Run with Debian's Python, which has torch 1.13, torchvision 0.14, Pillow and scikit-image's sample photos:
    /usr/bin/python3 zoo-import/src/test/python/make_image_fixtures.py
Output goes to zoo-import/src/test/resources/images/ (relative to this script). CI never runs this; the tests only
read the committed output.
"""
import os
import shutil

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "images"))
# scikit-image's cat photo (451x300, RGB, with an embedded ICC profile that PIL ignores when converting).
PHOTO = "/usr/lib/python3/dist-packages/skimage/data/chelsea.png"

TORCHVISION_MEAN = (0.485, 0.456, 0.406)
TORCHVISION_STD = (0.229, 0.224, 0.225)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def torchvision_tensor(path, size=256, crop=224):
    """The standard torchvision ImageNet preprocessing, [1, 3, crop, crop] float32."""
    tf = T.Compose([T.Resize(size), T.CenterCrop(crop), T.ToTensor(), T.Normalize(TORCHVISION_MEAN, TORCHVISION_STD)])
    return tf(Image.open(path).convert("RGB")).unsqueeze(0).numpy().astype("<f4")


def caffe_tensor(path, size=256, crop=224):
    """Caffe-style input: the same resize and crop, RGB -> BGR, 0..255, minus the BGR mean; [1, 3, crop, crop]."""
    tf = T.Compose([T.Resize(size), T.CenterCrop(crop), T.ToTensor()])
    x = tf(Image.open(path).convert("RGB")) * 255.0
    x = x[[2, 1, 0]] - torch.tensor(CAFFE_MEAN_BGR, dtype=torch.float32).view(3, 1, 1)
    return x.unsqueeze(0).numpy().astype("<f4")


def decoded(path):
    """What PIL decodes, converted to RGB as torchvision pipelines do (alpha dropped, grey replicated): HxWx3 uint8."""
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    photo = os.path.join(OUT, "chelsea.png")
    shutil.copyfile(PHOTO, photo)
    np.save(os.path.join(OUT, "chelsea_torchvision.npy"), torchvision_tensor(photo))
    np.save(os.path.join(OUT, "chelsea_caffe.npy"), caffe_tensor(photo))

    # A small crop (160x120) in every layout: smaller than 256, so preprocessing upsamples it, and 341 - 224 = 117
    # makes the centre crop's left edge round(58.5), which Python rounds to even (58).
    small = Image.open(PHOTO).convert("RGB").crop((150, 20, 310, 140))
    small.save(os.path.join(OUT, "small.bmp"))
    small.save(os.path.join(OUT, "small.jpg"), quality=90)
    small.convert("L").save(os.path.join(OUT, "small_grey.png"))
    rgba = small.copy()
    alpha = Image.linear_gradient("L").resize(small.size)
    rgba.putalpha(alpha)
    rgba.save(os.path.join(OUT, "small_rgba.png"))
    small.convert("P", palette=Image.ADAPTIVE, colors=64).save(os.path.join(OUT, "small_palette.png"))
    for name in ["small.bmp", "small.jpg", "small_grey.png", "small_rgba.png", "small_palette.png"]:
        stem = name.replace(".", "_")
        np.save(os.path.join(OUT, stem + "_rgb.npy"), decoded(os.path.join(OUT, name)))
    np.save(os.path.join(OUT, "small_bmp_torchvision.npy"), torchvision_tensor(os.path.join(OUT, "small.bmp")))

    # Not images: a text file with an image extension, and a PNG cut short.
    with open(os.path.join(OUT, "not_an_image.png"), "w") as f:
        f.write("this is text, not a PNG\n")
    with open(os.path.join(OUT, "small_grey.png"), "rb") as f:
        head = f.read(200)
    with open(os.path.join(OUT, "truncated.png"), "wb") as f:
        f.write(head)


if __name__ == "__main__":
    main()
