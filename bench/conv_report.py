"""GFLOP/s of each distinct convolution of ResNet-18 (224x224), one thread,
against this machine's FMA peak (bench/fma_peak.c) and PyTorch 2.x's
convolution of the same shape, in one run.

Each layer is compiled alone as conv -> batchnorm -> relu (batchnorm
folds into the convolution, as in the network), inference only, and timed
with `dlc-run bench`; a layer alone also copies its input into its padding,
which the network does not.

usage: conv_report.py [--build BUILD] [--python PY] [--batch 1] [--iters 5]
Writes bench/results/conv_report.json.
"""
import argparse, json, os, platform, subprocess, sys, tempfile

from common import HERE, Build, run_json, torch_python

# (name, in channels, out channels, kernel, stride, input size): ResNet-18.
LAYERS = [
    ("conv1", 3, 64, 7, 2, 224),
    ("layer1.conv", 64, 64, 3, 1, 56),
    ("layer2.0.conv1", 64, 128, 3, 2, 56),
    ("layer2.0.downsample", 64, 128, 1, 2, 56),
    ("layer2.conv", 128, 128, 3, 1, 28),
    ("layer3.0.conv1", 128, 256, 3, 2, 28),
    ("layer3.0.downsample", 128, 256, 1, 2, 28),
    ("layer3.conv", 256, 256, 3, 1, 14),
    ("layer4.0.conv1", 256, 512, 3, 2, 14),
    ("layer4.0.downsample", 256, 512, 1, 2, 14),
    ("layer4.conv", 512, 512, 3, 1, 7),
]


def output_size(size, kernel, stride):
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


def gflop(layer, batch):
    _, cin, cout, k, s, size = layer
    out = output_size(size, k, s)
    return 2.0 * batch * cin * cout * k * k * out * out * 1e-9


def torch_side(batch, iters):
    """Runs in the PyTorch environment: ms per layer, one thread."""
    import time
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    result = {}
    for name, cin, cout, k, s, size in LAYERS:
        x = torch.randn(batch, cin, size, size)
        w, b = torch.randn(cout, cin, k, k), torch.randn(cout)
        call = lambda: F.relu(F.conv2d(x, w, b, stride=s, padding=k // 2))
        with torch.no_grad():
            call()
            times = []
            for _ in range(iters):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1e3)
        result[name] = sorted(times)[len(times) // 2]
    print(json.dumps({"ms": result, "torch": torch.__version__}))


def fma_peak():
    """{"avx512": GFLOP/s, "avx2": GFLOP/s} of one core, from the probe."""
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "fma_peak")
        subprocess.run(["cc", "-O3", os.path.join(HERE, "fma_peak.c"), "-o", exe], check=True)
        return run_json([exe])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--python", help="PyTorch 2.x's python (default: bench/setup_venv.sh)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--torch-side", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.torch_side:
        return torch_side(a.batch, a.iters)

    peak = fma_peak()
    best = max(v for v in peak.values() if v)
    build = Build(a.build)
    work = os.path.join(build.path, "bench", "conv_report")
    os.makedirs(work, exist_ok=True)
    theirs = run_json([torch_python(a.python), os.path.abspath(__file__), "--torch-side",
                       "--batch", str(a.batch), "--iters", str(a.iters)])
    print(f"{'layer':<22}{'shape':>24}{'dlc ms':>9}{'GFLOP/s':>9}{'% peak':>8}"
          f"{'torch ms':>10}{'torch/dlc':>11}", flush=True)
    rows = []
    for layer in LAYERS:
        name, cin, cout, k, s, size = layer
        net = os.path.join(work, name.replace(".", "_") + ".net")
        with open(net, "w") as f:
            f.write(f"network layer {{\n  input x: f32[N, {cin}, {size}, {size}]\n"
                    f"  output y = conv2d(x, {cout}, kernel={k}, stride={s}, pad={k // 2},"
                    f' name="c") |> batchnorm(name="b") |> relu\n}}\n')
        so = net[:-4] + ".so"
        subprocess.run([build.dlc, net, "-o", so], check=True)
        ms = run_json([build.dlc_run, "bench", so, "--batch", str(a.batch), "--iters",
                       str(a.iters), "--warmup", "1", "--threads", "1"])["forward_ms_median"]
        rate = gflop(layer, a.batch) / ms * 1e3
        torch_ms = theirs["ms"][name]
        shape = f"{cin}->{cout} k{k} s{s} @{size}"
        rows.append({"layer": name, "shape": shape, "dlc_ms": ms, "gflops": rate,
                     "percent_of_peak": 100 * rate / best, "torch_ms": torch_ms})
        print(f"{name:<22}{shape:>24}{ms:>9.2f}{rate:>9.1f}{100 * rate / best:>8.1f}"
              f"{torch_ms:>10.2f}{torch_ms / ms:>11.2f}", flush=True)
    print(f"FMA peak of one core: {peak} GFLOP/s; batch {a.batch}; one thread; "
          f"torch {theirs['torch']}")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "conv_report.json")
    with open(out, "w") as f:
        json.dump({"machine": platform.machine(), "fma_peak_gflops": peak, "batch": a.batch,
                   "torch": theirs["torch"], "layers": rows}, f, indent=1)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    sys.exit(main())
