#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for training: optimizers, learning-rate schedules, the loss, dropout, batch
norm in training mode, and a few optimizer steps of the small networks.

How to rerun (from the repository root; needs Debian's python3-torch 1.13, hence /usr/bin/python3):

    /usr/bin/python3 tests/src/test/python/make_training_reference.py

It deletes and rewrites tests/src/test/resources/training/ and nothing else. Every case is seeded (one NumPy
generator per case, seeded from its name) and torch runs on 2 threads, so a rerun gives the same numbers.

Layout: training/<group>/<case>/manifest.json plus one .npy per array, in the manifest format of make_reference.py
({"name", "group", "op", "params", "arrays": {name: {"file", "shape", "dtype"}}, ...}); arrays keep their dtype
(float64 trajectories stay float64).

  optim/<case>:    x0 (flat start), trajectory [steps + 1, n] (flat parameters after each step), losses [steps]
                   (what step() returned); params: the optimizer's options, the parameter shapes, the objective.
                   The objectives are closed forms whose gradient is computed in plain Python floats, exactly as the
                   Java test computes it, so only the optimizer's own arithmetic is being compared.
  schedules/<case>: rates [epochs] as the scheduler sets them when stepped once per epoch.
"""
import json
import math
import shutil
import zlib
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(2)
torch.manual_seed(0)
torch.use_deterministic_algorithms(True)

OUT = Path(__file__).resolve().parents[1] / "resources" / "training"


def rng_for(name):
    """One generator per case, so adding or reordering cases never changes another case's numbers."""
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


class Case:
    """A directory with a manifest and its arrays (saved in their own dtype)."""

    def __init__(self, group, name, op, params=None):
        self.dir = OUT / group / name
        self.dir.mkdir(parents=True, exist_ok=False)
        self.manifest = {"name": name, "group": group, "op": op, "params": params or {}, "arrays": {}}

    def save(self, key, array):
        a = np.require(array, requirements="C")
        file = key + ".npy"
        np.save(self.dir / file, a)
        self.manifest["arrays"][key] = {"file": file, "shape": list(a.shape), "dtype": str(a.dtype)}

    def set(self, key, value):
        self.manifest[key] = value

    def close(self):
        with open(self.dir / "manifest.json", "w") as f:
            json.dump(self.manifest, f, indent=1, sort_keys=True)
            f.write("\n")


# ------------------------------------------------------------------------------------------------------- optimizers
# The Java test (OptimizerReferenceTest) implements the same two objectives with the same operation order.

def rosenbrock(x):
    """sum over i of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, and its gradient."""
    f = 0.0
    g = [0.0] * len(x)
    for i in range(len(x) - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        f += 100.0 * a * a + b * b
        g[i] += -400.0 * x[i] * a - 2.0 * b
        g[i + 1] += 200.0 * a
    return f, g


def quadratic(x):
    """0.5 sum c_i x_i^2 + sum w_i x_i + 0.05 (sum x)^2 with c_i = 0.5 + i / 2, w_i = (-1)^i (i + 1) / 4."""
    s = 0.0
    for v in x:
        s += v
    f = 0.05 * s * s
    g = [0.0] * len(x)
    for i, v in enumerate(x):
        c = 0.5 + i / 2.0
        w = (-1.0) ** i * (i + 1) / 4.0
        f += 0.5 * c * v * v + w * v
        g[i] = c * v + w + 0.1 * s
    return f, g


OBJECTIVES = {"rosenbrock": rosenbrock, "quadratic": quadratic}


def optim_case(name, objective, shapes, x0, make, steps, dtype, options):
    fn = OBJECTIVES[objective]
    np_dtype = np.float64 if dtype == "float64" else np.float32
    x0 = np.asarray(x0, dtype=np_dtype)
    params, offset = [], 0
    for s in shapes:
        n = int(np.prod(s))
        params.append(torch.tensor(x0[offset:offset + n].reshape(s), requires_grad=True))
        offset += n
    opt = make(params)

    def closure():
        x = [float(v) for p in params for v in p.detach().reshape(-1).tolist()]
        f, g = fn(x)
        off = 0
        for p in params:
            n = p.numel()
            p.grad = torch.tensor(np.asarray(g[off:off + n], dtype=np_dtype).reshape(tuple(p.shape)))
            off += n
        return f

    flat = lambda: np.concatenate([p.detach().numpy().reshape(-1) for p in params])
    trajectory, losses = [flat()], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        trajectory.append(flat())
    c = Case("optim", name, "optimizer", dict(options, objective=objective, shapes=shapes, steps=steps, dtype=dtype))
    c.save("x0", x0)
    c.save("trajectory", np.stack(trajectory))
    c.save("losses", np.asarray(losses, dtype=np.float64))
    if isinstance(opt, torch.optim.LBFGS):
        state = opt.state[opt._params[0]]
        c.set("func_evals", state["func_evals"])
        c.set("n_iter", state["n_iter"])
    c.close()


def optimizers():
    rosen_shapes, rosen_x0 = [[3], [1, 2]], [-1.2, 1.0, -0.5, 0.8, 1.3]
    quad_shapes = [[2, 3], [4]]
    quad_x0 = list(rng_for("quadratic").standard_normal(10))
    for dtype in ("float64", "float32"):
        sfx = "" if dtype == "float64" else "_f32"
        T = torch.float64 if dtype == "float64" else torch.float32
        sgd = lambda **o: (lambda ps: torch.optim.SGD(ps, **o))
        adam = lambda **o: (lambda ps: torch.optim.Adam(ps, **o))
        lbfgs = lambda **o: (lambda ps: torch.optim.LBFGS(ps, **o))
        cases = [
            ("sgd_rosenbrock", "rosenbrock", sgd(lr=1e-4), 60, dict(optimizer="sgd", lr=1e-4)),
            ("sgd_momentum_quadratic", "quadratic", sgd(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), 60,
             dict(optimizer="sgd", lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
            ("sgd_nesterov_rosenbrock", "rosenbrock", sgd(lr=2e-4, momentum=0.9, nesterov=True, weight_decay=1e-3), 60,
             dict(optimizer="sgd", lr=2e-4, momentum=0.9, nesterov=True, weight_decay=1e-3)),
            ("adam_rosenbrock", "rosenbrock", adam(lr=0.05), 100, dict(optimizer="adam", lr=0.05)),
            ("adam_decay_quadratic", "quadratic", adam(lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), 60,
             dict(optimizer="adam", lr=0.1, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1)),
            ("lbfgs_quadratic", "quadratic", lbfgs(lr=0.5, max_iter=10, history_size=5), 4,
             dict(optimizer="lbfgs", lr=0.5, max_iter=10, history_size=5)),
            ("lbfgs_rosenbrock", "rosenbrock", lbfgs(lr=0.01, max_iter=20), 5,
             dict(optimizer="lbfgs", lr=0.01, max_iter=20)),
            ("lbfgs_wolfe_rosenbrock", "rosenbrock", lbfgs(lr=1, max_iter=20, history_size=10, line_search_fn="strong_wolfe"), 4,
             dict(optimizer="lbfgs", lr=1, max_iter=20, history_size=10, line_search="strong_wolfe")),
            ("lbfgs_wolfe_quadratic", "quadratic", lbfgs(lr=1, max_iter=15, line_search_fn="strong_wolfe"), 2,
             dict(optimizer="lbfgs", lr=1, max_iter=15, line_search="strong_wolfe")),
        ]
        for name, objective, make, steps, options in cases:
            shapes, x0 = (rosen_shapes, rosen_x0) if objective == "rosenbrock" else (quad_shapes, quad_x0)
            optim_case(name + sfx, objective, shapes, x0, make, steps, dtype, options)


def schedules():
    for name, make, options in [
        ("step_3_half", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), dict(kind="step", step_size=3, gamma=0.5)),
        ("cosine_10", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3), dict(kind="cosine", t_max=10, eta_min=1e-3)),
        ("cosine_7_zero", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7), dict(kind="cosine", t_max=7, eta_min=0.0)),
    ]:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        rates = []
        for _ in range(25):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        c = Case("schedules", name, "schedule", dict(options, base_lr=0.1, epochs=25))
        c.save("rates", np.asarray(rates, dtype=np.float64))
        c.close()


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    optimizers()
    schedules()


if __name__ == "__main__":
    main()
