"""How much of a step both libraries spend in the same oneDNN kernels, and what that leaves for a speed target.

    /usr/bin/python3 bench/python/kernel_floor.py [--target R] [--warmup W] [--runs N] NETWORK:PASS ...

Runs each NETWORK:PASS (as bench/compare names them, e.g. vgg16:backward, alexnet:maximize) once in PyTorch and once
in pixelgrad (target/pixelgrad-bench.jar, built by bench/compare) with DNNL_VERBOSE=1, and sums per step the time
oneDNN reports for its convolution kernels (forward, input gradient, transposed) and for its reorders. pixelgrad
and PyTorch run the same oneDNN convolution kernels, so a step of pixelgrad cannot take less than its own kernel
time; when that alone is above R times PyTorch's step, the target R is out of reach without faster convolution
kernels than PyTorch's. The step times are medians of the timed runs with verbose printing on, which makes them a
little longer and the verdict conservative.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "..", "target", "pixelgrad-bench.jar")


def kernel_times(impl, network, pass_name, warmup, runs):
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"), OMP_WAIT_POLICY="PASSIVE",
               DNNL_VERBOSE="1")
    if impl == "pytorch":
        cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_passes.py"), network, pass_name, str(warmup), str(runs),
               "float32", "0"]
    else:
        cmd = ["java", "-XX:+UseSerialGC", "-Xms16m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
               "-Dorg.bytedeco.javacpp.maxBytes=0", "-jar", JAR, network, pass_name, str(warmup), str(runs), "float32", "0"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    convolutions = reorders = 0.0
    result = None
    for line in out.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
        elif ",exec," in line:
            fields = line.split(",")
            if fields[3] in ("convolution", "deconvolution"):
                convolutions += float(fields[-1])
            elif fields[3] == "reorder":
                reorders += float(fields[-1])
    steps = result["warmup_runs"] + runs  # verbose lines cover the warm-up runs too; their kernels take the same time
    return result["median_ms"], convolutions / steps, reorders / steps


def main(argv):
    target, warmup, runs, rows = 0.7, 1, 3, []
    i = 0
    while i < len(argv):
        if argv[i] in ("-h", "--help"):
            print(__doc__)
            return 0
        if argv[i] in ("--target", "--warmup", "--runs"):
            value = argv[i + 1]
            if argv[i] == "--target":
                target = float(value)
            elif argv[i] == "--warmup":
                warmup = int(value)
            else:
                runs = int(value)
            i += 2
            continue
        if ":" not in argv[i]:
            print(f"kernel_floor.py: expected NETWORK:PASS, got {argv[i]!r} (see --help)", file=sys.stderr)
            return 2
        rows.append(argv[i].split(":", 1))
        i += 1
    if not os.path.exists(JAR):
        print("kernel_floor.py: no bench/target/pixelgrad-bench.jar; build it first: mvn -q -DskipTests package -pl bench -am",
              file=sys.stderr)
        return 2
    if not rows:
        print("kernel_floor.py: give at least one NETWORK:PASS (see --help)", file=sys.stderr)
        return 2
    print(f"{'network':8s} {'pass':10s} {'PyTorch ms':>10s} {'its conv':>9s} {'share':>6s} "
          f"{'pixelgrad ms':>12s} {'its conv':>9s} {'+reorders':>9s} {'target ms':>9s}  verdict")
    for network, pass_name in rows:
        t_pt, k_pt, _ = kernel_times("pytorch", network, pass_name, warmup, runs)
        t_pg, k_pg, r_pg = kernel_times("pixelgrad", network, pass_name, warmup, runs)
        goal = target * t_pt
        verdict = ("below pixelgrad's own kernel time" if k_pg > goal
                   else "below its kernels and reorders" if k_pg + r_pg > goal else "above them")
        print(f"{network:8s} {pass_name:10s} {t_pt:10.1f} {k_pt:9.1f} {100 * k_pt / t_pt:5.1f}% "
              f"{t_pg:12.1f} {k_pg:9.1f} {k_pg + r_pg:9.1f} {goal:9.1f}  {target}x: {verdict}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
