#!/usr/bin/python3
"""Writes the reference outputs of pixelgrad's data-set views (vis module, io.pixelgrad.vis.dataset).

How to rerun (from the repository root; needs Debian's python3-torch 1.13, hence /usr/bin/python3):

    /usr/bin/python3 vis/src/test/python/make_dataset_reference.py

It deletes and rewrites vis/src/test/resources/dataset-reference/ and nothing else. Everything is seeded; torch runs on
2 threads and in float64. Nothing here comes from pixelgrad's output.

Files:
  pca_tall_x.npy, pca_wide_x.npy   feature rows: 300 x 12 (more rows than dimensions: pixelgrad uses the covariance
                                   matrix) and 12 x 40 (fewer: pixelgrad uses the Gram matrix), with a decaying spectrum
  pca_*_components.npy             torch.linalg.svd of the centred rows: the first K right singular vectors [K, D]
  pca_*_variance.npy               their explained variance S^2 / (N - 1) [K]
  pca_*_ratio.npy                  S^2 / sum(S^2) [K]
  pca_*_projection.npy             the rows' coordinates U S [N, K]
  pca_*_lowrank_variance.npy       the same variances from torch.pca_lowrank (a second, randomized algorithm)
  trust_x.npy, trust_y.npy         points and a noisy 2-D map of them
  trust.json                       trustworthiness of that map for k = 1, 5, 10 (Venna and Kaski's formula, written
                                   out below with NumPy)
Signs: an eigenvector's sign is arbitrary; each component is flipped so that its entry of largest magnitude is positive
(pixelgrad's convention), and the projection with it.
"""
import json
import shutil
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(2)
HERE = Path(__file__).resolve()
OUT = HERE.parents[1] / "resources" / "dataset-reference"
K = 5


def rows(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    scales = torch.tensor([3.0 * 0.7 ** j for j in range(d)], dtype=torch.float64)
    basis, _ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
    z = torch.randn(n, d, generator=g, dtype=torch.float64) * scales
    return z @ basis.T + torch.randn(d, generator=g, dtype=torch.float64)


def pca(name, x):
    n = x.shape[0]
    xc = x - x.mean(dim=0, keepdim=True)
    u, s, vh = torch.linalg.svd(xc, full_matrices=False)
    comps = vh[:K].clone()
    proj = (u[:, :K] * s[:K]).clone()
    for c in range(K):
        big = torch.argmax(comps[c].abs())
        if comps[c, big] < 0:
            comps[c] = -comps[c]
            proj[:, c] = -proj[:, c]
    var = s[:K] ** 2 / (n - 1)
    ratio = s[:K] ** 2 / (s ** 2).sum()
    _, s_low, _ = torch.pca_lowrank(x, q=min(K + 4, min(x.shape)), center=True, niter=8)
    np.save(OUT / f"pca_{name}_x.npy", np.ascontiguousarray(x.numpy()))
    np.save(OUT / f"pca_{name}_components.npy", np.ascontiguousarray(comps.numpy()))
    np.save(OUT / f"pca_{name}_variance.npy", np.ascontiguousarray(var.numpy()))
    np.save(OUT / f"pca_{name}_ratio.npy", np.ascontiguousarray(ratio.numpy()))
    np.save(OUT / f"pca_{name}_projection.npy", np.ascontiguousarray(proj.numpy()))
    np.save(OUT / f"pca_{name}_lowrank_variance.npy", np.ascontiguousarray((s_low[:K] ** 2 / (n - 1)).numpy()))


def trustworthiness(x, y, k):
    """T(k) = 1 - 2/(n k (2n - 3k - 1)) sum_i sum_{j in U_k(i)} (r(i, j) - k); ranks from 1, ties by index."""
    n = x.shape[0]
    dx = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    dy = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    total = 0.0
    for i in range(n):
        others = np.array([j for j in range(n) if j != i])
        by_x = others[np.lexsort((others, dx[i, others]))]
        rank = np.empty(n, dtype=np.int64)
        rank[by_x] = np.arange(1, n)
        by_y = others[np.lexsort((others, dy[i, others]))][:k]
        total += sum(rank[j] - k for j in by_y if rank[j] > k)
    return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * total


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    pca("tall", rows(300, 12, 1))
    pca("wide", rows(12, 40, 2))
    rng = np.random.default_rng(3)
    x = rng.normal(size=(120, 6))
    y = x[:, :2] + 0.6 * rng.normal(size=(120, 2))
    np.save(OUT / "trust_x.npy", x)
    np.save(OUT / "trust_y.npy", y)
    (OUT / "trust.json").write_text(json.dumps({str(k): trustworthiness(x, y, k) for k in (1, 5, 10)}, indent=1) + "\n")


if __name__ == "__main__":
    main()
