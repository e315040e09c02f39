#!/usr/bin/env python3
"""PyTorch side of io.pixelgrad.bench.LayerProfiler: per-layer forward and backward-to-input medians.

Usage: torch_layers.py NETWORK [runs] [warmup] [--gflops G] [--bandwidth B]
       torch_layers.py --probe [runs]

NETWORK: a torchvision classifier with features/avgpool/classifier (alexnet, vgg11 .. vgg19). Batch 1, 224x224,
float32, random weights (torchvision's initialization), every ReLU made non-in-place, eval mode, parameters frozen.
Each run sends the image through the layers one by one, each layer getting a fresh leaf that requires a gradient as
its input (so every layer is timed on its own, on the input a real pass gives it), then goes back from the logits
(seed 1 at class 3) with torch.autograd.grad(out, inp, grad_out) per layer: the gradient of each layer's input given
the gradient that really arrives at its output; each layer's output is freed once its backward step is done, as a
whole backward pass frees what it saved. The whole pass (forward with the graph, then the gradient of the image) is
timed too, to compare with the sum of the layers. Medians over runs after warmup runs (defaults 20, 30).
Prints the same columns as LayerProfiler; floor = max(FLOPs / G GFLOP/s, bytes / B GB/s), the defaults being the
benchmark machine's (bench/README.md). --probe measures the memory read bandwidth (sum of a 512 MB array).
Run with Debian's PyTorch: /usr/bin/python3 (torch.set_num_threads follows OMP_NUM_THREADS, default 2).
"""
import argparse
import os
import statistics
import time

import torch
import torchvision

PEAK_GFLOPS = 530.0  # median rate of oneDNN's 3x3 convolutions in VGG16, 2 threads of the benchmark machine
BANDWIDTH_GBS = 85.0  # memory read bandwidth, 2 threads of the benchmark machine (--probe)


def build(network):
    """The torchvision network with random weights, ReLUs not in place, in eval mode, parameters frozen."""
    model = getattr(torchvision.models, network)(weights=None)
    for m in model.modules():
        if isinstance(m, torch.nn.ReLU):
            m.inplace = False  # the input of each layer must survive its forward
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def layers(model):
    """(name, module) in the order a pass runs them: features, avgpool, the flatten, classifier."""
    out = [("features." + n, m) for n, m in model.features.named_children()]
    out.append(("avgpool", model.avgpool))
    out.append(("flatten", torch.nn.Flatten(1)))
    out += [("classifier." + n, m) for n, m in model.classifier.named_children()]
    return out


def describe(m):
    """The module as LayerProfiler names it."""
    if isinstance(m, torch.nn.Conv2d):
        return "Conv2d(%d, %d, kernel %d, stride %d, padding %d)" % (
            m.in_channels, m.out_channels, m.kernel_size[0], m.stride[0], m.padding[0])
    if isinstance(m, torch.nn.MaxPool2d):
        return "MaxPool2d(kernel %d, stride %d)" % (m.kernel_size, m.stride)
    if isinstance(m, torch.nn.AdaptiveAvgPool2d):
        s = m.output_size if isinstance(m.output_size, tuple) else (m.output_size, m.output_size)
        return "AdaptiveAvgPool2d(%dx%d)" % s
    if isinstance(m, torch.nn.Linear):
        return "Linear(%d, %d)" % (m.in_features, m.out_features)
    if isinstance(m, torch.nn.Dropout):
        return "Dropout(p %s, identity at inference)" % m.p
    return type(m).__name__


def flops(m, out_shape):
    """Forward FLOPs, a multiply-add counted as 2; the backward step to the input has as many."""
    if isinstance(m, torch.nn.Conv2d):
        return 2.0 * m.weight.numel() * out_shape[2] * out_shape[3] * out_shape[0]
    if isinstance(m, torch.nn.Linear):
        return 2.0 * m.weight.numel() * out_shape[0]
    return 0.0


def moved_bytes(m, n_in, n_out):
    """(forward, backward) bytes a step must read and write at least, as LayerProfiler counts them."""
    if isinstance(m, (torch.nn.Flatten, torch.nn.Dropout)):
        return 0.0, 0.0  # views and identities
    if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
        params = sum(p.numel() for p in m.parameters())
        return 4.0 * (n_in + n_out + params), 4.0 * (n_in + n_out + m.weight.numel())
    if isinstance(m, torch.nn.ReLU):
        return 4.0 * (n_in + n_out), 4.0 * (2 * n_in + n_out)  # backward also reads the sign
    if isinstance(m, torch.nn.MaxPool2d):
        return 4.0 * (n_in + n_out), 4.0 * (n_in + n_out) + 8.0 * n_out  # int64 index of each maximum
    return 4.0 * (n_in + n_out), 4.0 * (n_in + n_out)


def floor_ms(f, b, gflops, bandwidth):
    """The machine's floor for a step in ms: its FLOPs at the compute ceiling or its bytes at the bandwidth."""
    return max(f / (gflops * 1e9), b / (bandwidth * 1e9)) * 1e3


def profile(network, runs, warmup):
    """Per-layer forward and backward times (ms, one list per layer) and the whole pass's, over runs after warmup."""
    torch.manual_seed(1)
    model = build(network)
    parts = layers(model)
    image = torch.rand(1, 3, 224, 224)
    n = len(parts)
    fw = [[] for _ in range(n)]
    bw = [[] for _ in range(n)]
    whole_fw, whole_bw = [], []
    shapes = [None] * n
    identity = [False] * n
    for r in range(warmup + runs):
        keep = r >= warmup
        ins, outs = [], []
        x = image
        for i, (_, m) in enumerate(parts):
            inp = x.detach().requires_grad_(True)
            t0 = time.perf_counter()
            out = m(inp)
            t = time.perf_counter() - t0
            ins.append(inp)
            outs.append(out)
            shapes[i] = (inp.shape, out.shape)
            identity[i] = out is inp
            if keep:
                fw[i].append(t * 1e3)
            x = out
        g = torch.zeros_like(x)
        g[0, 3] = 1.0
        x = None
        for i in reversed(range(n)):
            if not identity[i]:  # Dropout at inference hands its input on: no backward step
                t0 = time.perf_counter()
                g, = torch.autograd.grad(outs[i], ins[i], g)
                t = time.perf_counter() - t0
                if keep:
                    bw[i].append(t * 1e3)
            # this layer's output is done with: free it, as a whole backward pass frees what it saved as it goes
            outs[i] = None
            if i + 1 < n:
                ins[i + 1] = None
        del ins, outs, g, x
        # the whole pass, one graph, for comparison with the sum of the layers
        inp = image.clone().requires_grad_(True)
        t0 = time.perf_counter()
        logits = model(inp)
        t1 = time.perf_counter()
        seed = torch.zeros_like(logits)
        seed[0, 3] = 1.0
        t2 = time.perf_counter()
        torch.autograd.grad(logits, inp, seed)
        t3 = time.perf_counter()
        if keep:
            whole_fw.append((t1 - t0) * 1e3)
            whole_bw.append((t3 - t2) * 1e3)
    return parts, shapes, identity, fw, bw, whole_fw, whole_bw


def shape_text(shape):
    """A shape as LayerProfiler writes it, e.g. 1x64x55x55."""
    return "x".join(str(d) for d in shape)


def report(network, runs, warmup, gflops, bandwidth):
    """Profiles the network and prints the table: one row per layer, then the totals and the whole pass."""
    parts, shapes, identity, fw, bw, whole_fw, whole_bw = profile(network, runs, warmup)
    print("# pytorch %s %s, batch 1, 224x224, float32, %d threads; medians of %d runs after %d warm-up runs;"
          " floor = max(FLOPs / %.0f GFLOP/s, bytes / %.0f GB/s)"
          % (torch.__version__, network, torch.get_num_threads(), runs, warmup, gflops, bandwidth))
    print("%-14s %-46s %-16s %9s %9s %8s %9s %9s" % ("layer", "module", "output", "fw_ms", "bw_ms", "GFLOP",
                                                     "floor_fw", "floor_bw"))
    totals = [0.0] * 5
    for i, (name, m) in enumerate(parts):
        in_shape, out_shape = shapes[i]
        f = flops(m, out_shape)
        bf, bb = moved_bytes(m, in_shape.numel(), out_shape.numel())
        row = [statistics.median(fw[i]), statistics.median(bw[i]) if bw[i] else 0.0, f / 1e9,
               floor_ms(f, bf, gflops, bandwidth), floor_ms(f, bb, gflops, bandwidth)]
        totals = [a + b for a, b in zip(totals, row)]
        bw_text = "%9.3f" % row[1] if bw[i] else "%9s" % "-"
        print("%-14s %-46s %-16s %9.3f %s %8.3f %9.3f %9.3f" % (name, describe(m), shape_text(out_shape), row[0],
                                                               bw_text, row[2], row[3], row[4]))
    print("%-14s %-46s %-16s %9.3f %9.3f %8.3f %9.3f %9.3f" % (("total", "sum of the medians", "") + tuple(totals)))
    print("%-14s %-46s %-16s %9.3f %9.3f" % ("whole pass", "median of the whole forward/backward", "",
                                             statistics.median(whole_fw), statistics.median(whole_bw)))


def probe(runs):
    """Memory read bandwidth: median time to sum a 512 MB float32 array (far larger than the caches)."""
    a = torch.rand(128 * 1024 * 1024)
    times = []
    for r in range(3 + runs):
        t0 = time.perf_counter()
        a.sum()
        if r >= 3:
            times.append(time.perf_counter() - t0)
    gbs = a.numel() * 4 / statistics.median(times) / 1e9
    print("memory read bandwidth, %d threads: %.1f GB/s (median of %d sums of 512 MB; best %.1f GB/s)"
          % (torch.get_num_threads(), gbs, runs, a.numel() * 4 / min(times) / 1e9))


def main():
    """Reads the arguments and runs the profile or the probe."""
    parser = argparse.ArgumentParser(description="Per-layer forward and backward-to-input medians in PyTorch.")
    parser.add_argument("network", nargs="?", help="alexnet, vgg11 .. vgg19")
    parser.add_argument("runs", nargs="?", type=int, default=20)
    parser.add_argument("warmup", nargs="?", type=int, default=30)
    parser.add_argument("--gflops", type=float, default=PEAK_GFLOPS, help="compute floor, GFLOP/s")
    parser.add_argument("--bandwidth", type=float, default=BANDWIDTH_GBS, help="memory floor, GB/s")
    parser.add_argument("--probe", action="store_true", help="measure the memory read bandwidth instead")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    if args.probe:
        return probe(int(args.network) if args.network else 20)
    if args.network is None:
        parser.error("NETWORK is required")
    report(args.network, args.runs, args.warmup, args.gflops, args.bandwidth)


if __name__ == "__main__":
    main()
