#!/usr/bin/env python3
"""PyTorch side of bench/compare's training row: the same work as io.pixelgrad.bench.TrainRunner.

Usage: torch_train.py FASHION_MNIST_DIR [epochs] [limit]
Trains the small VGG (pixelgrad's smallvgg: conv 32-32, pool, conv 64-64, pool, dropout 0.25, fc 128, dropout 0.5,
fc 10) on Fashion-MNIST with Adam (lr 1e-3), batch 64, shuffled, no augmentation; after each epoch measures the
test set in eval mode (batches of 256), as pixelgrad's epoch does. The images are normalized once up front, as
pixelgrad's batches are normalized from bytes (a table lookup, negligible either way). Prints one JSON line per epoch
with its wall and CPU time and the peak resident memory.
Run with Debian's PyTorch: /usr/bin/python3 (threads follow OMP_NUM_THREADS).
"""
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(root, base):
    for name in (base, base + ".gz"):
        if os.path.exists(os.path.join(root, name)):
            return os.path.join(root, name)
    raise SystemExit(f"torch_train.py: no {base} in {root}")


def smallvgg():
    features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2, 2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
    classifier = nn.Sequential(nn.Dropout(0.25), nn.Linear(64 * 49, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    return nn.Sequential(features, nn.Flatten(), classifier)


def main():
    root = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    threads = int(os.environ.get("OMP_NUM_THREADS", "2"))
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    norm = lambda x: (torch.from_numpy(x.astype(np.float32)) / 255.0 - 0.2860) / 0.3530
    xtr = norm(idx(find(root, "train-images-idx3-ubyte"))[:limit]).unsqueeze(1)
    ytr = torch.from_numpy(idx(find(root, "train-labels-idx1-ubyte"))[:limit].astype(np.int64))
    xte = norm(idx(find(root, "t10k-images-idx3-ubyte"))[:limit]).unsqueeze(1)
    yte = torch.from_numpy(idx(find(root, "t10k-labels-idx1-ubyte"))[:limit].astype(np.int64))
    model = smallvgg()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(1)
    for epoch in range(epochs):
        c0, t0 = time.process_time(), time.perf_counter()
        model.train()
        order = torch.randperm(len(ytr), generator=generator)
        total = 0.0
        for i in range(0, len(ytr), 64):
            batch = order[i:i + 64]
            loss = F.cross_entropy(model(xtr[batch]), ytr[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(yte), 256):
                correct += (model(xte[i:i + 256]).argmax(1) == yte[i:i + 256]).sum().item()
        ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        print(json.dumps({"impl": "pytorch", "network": "smallvgg", "pass": "train_epoch", "median_ms": round(ms, 1),
                          "cpu_ms": round(cpu, 1),
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                          "train_loss": round(total / len(ytr), 4), "test_accuracy": round(correct / len(yte), 4),
                          "threads": str(threads)}), flush=True)


if __name__ == "__main__":
    main()
