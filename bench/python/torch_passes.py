#!/usr/bin/env python3
"""PyTorch side of bench/compare: times the same passes as io.pixelgrad.bench.PassRunner.

Usage: torch_passes.py NETWORK PASS [warmup] [runs]
PASS: forward | backward (forward + backward to the input) | guided | deconvnet.
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
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(1)
    model = build(network)
    for p in model.parameters():
        p.requires_grad_(False)
    image = (torch.rand(1, 3, 224, 224) - 0.5) * 4
    relu_hooks(model, pass_name)

    def step():
        if pass_name == "forward":
            with torch.no_grad():
                model(image)
            return
        x = image.clone().requires_grad_(True)
        logits = model(x)
        logits[0, int(logits.argmax())].backward()
        return x.grad

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
    print(json.dumps({"impl": "pytorch", "network": network, "pass": pass_name,
                      "median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2),
                      "cpu_ms": round(statistics.median(cpu_times), 2),
                      "peak_rss_mb": round(peak, 1), "threads": torch.get_num_threads(),
                      "version": torch.__version__}))


if __name__ == "__main__":
    main()
