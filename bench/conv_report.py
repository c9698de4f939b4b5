"""GFLOP/s of each distinct convolution of ResNet-18, ResNet-50 or AlexNet (224x224),
one thread, against this machine's FMA peak (bench/fma_peak.c) and PyTorch
2.x's convolution of the same shape, in one run; the last line weighs each
layer by how often the network has it.

Each layer is compiled alone as conv -> batchnorm -> relu (batchnorm
folds into the convolution, as in the network), inference only, and timed
with `dlc-run bench`; a layer alone also copies its input into its padding,
which the network does not.

usage: conv_report.py [--model resnet18|resnet50|alexnet] [--build BUILD] [--python PY]
                      [--batch 1] [--iters 5] [-- DLC-FLAGS...]
Writes bench/results/conv_report[_resnet50].json.
"""
import argparse, json, os, platform, subprocess, sys, tempfile

from common import HERE, Build, run_json, torch_python

# (name, in channels, out channels, kernel, stride, input size, count in
# the network); the padding is kernel // 2 but where PAD says otherwise.
PAD = {("alexnet", "features.0"): 2}
LAYERS = {
    "alexnet": [
        ("features.0", 3, 64, 11, 4, 224, 1),
        ("features.3", 64, 192, 5, 1, 27, 1),
        ("features.6", 192, 384, 3, 1, 13, 1),
        ("features.8", 384, 256, 3, 1, 13, 1),
        ("features.10", 256, 256, 3, 1, 13, 1),
    ],
    "resnet18": [
        ("conv1", 3, 64, 7, 2, 224, 1),
        ("layer1.conv", 64, 64, 3, 1, 56, 4),
        ("layer2.0.conv1", 64, 128, 3, 2, 56, 1),
        ("layer2.0.downsample", 64, 128, 1, 2, 56, 1),
        ("layer2.conv", 128, 128, 3, 1, 28, 3),
        ("layer3.0.conv1", 128, 256, 3, 2, 28, 1),
        ("layer3.0.downsample", 128, 256, 1, 2, 28, 1),
        ("layer3.conv", 256, 256, 3, 1, 14, 3),
        ("layer4.0.conv1", 256, 512, 3, 2, 14, 1),
        ("layer4.0.downsample", 256, 512, 1, 2, 14, 1),
        ("layer4.conv", 512, 512, 3, 1, 7, 3),
    ],
    "resnet50": [
        ("conv1", 3, 64, 7, 2, 224, 1),
        ("layer1.0.conv1", 64, 64, 1, 1, 56, 1),
        ("layer1.conv2", 64, 64, 3, 1, 56, 3),
        ("layer1.conv3", 64, 256, 1, 1, 56, 4),
        ("layer1.conv1", 256, 64, 1, 1, 56, 2),
        ("layer2.0.conv1", 256, 128, 1, 1, 56, 1),
        ("layer2.0.conv2", 128, 128, 3, 2, 56, 1),
        ("layer2.0.downsample", 256, 512, 1, 2, 56, 1),
        ("layer2.conv1", 512, 128, 1, 1, 28, 3),
        ("layer2.conv2", 128, 128, 3, 1, 28, 3),
        ("layer2.conv3", 128, 512, 1, 1, 28, 4),
        ("layer3.0.conv1", 512, 256, 1, 1, 28, 1),
        ("layer3.0.conv2", 256, 256, 3, 2, 28, 1),
        ("layer3.0.downsample", 512, 1024, 1, 2, 28, 1),
        ("layer3.conv1", 1024, 256, 1, 1, 14, 5),
        ("layer3.conv2", 256, 256, 3, 1, 14, 5),
        ("layer3.conv3", 256, 1024, 1, 1, 14, 6),
        ("layer4.0.conv1", 1024, 512, 1, 1, 14, 1),
        ("layer4.0.conv2", 512, 512, 3, 2, 14, 1),
        ("layer4.0.downsample", 1024, 2048, 1, 2, 14, 1),
        ("layer4.conv1", 2048, 512, 1, 1, 7, 2),
        ("layer4.conv2", 512, 512, 3, 1, 7, 2),
        ("layer4.conv3", 512, 2048, 1, 1, 7, 3),
    ],
}


def padding(model, layer):
    return PAD.get((model, layer[0]), layer[3] // 2)


def gflop(model, layer, batch):
    _, cin, cout, k, s, size, _ = layer
    out = (size + 2 * padding(model, layer) - k) // s + 1
    return 2.0 * batch * cin * cout * k * k * out * out * 1e-9


def torch_side(model, batch, iters):
    """Runs in the PyTorch environment: ms per layer of PyTorch and of
    onnxruntime, one thread."""
    import time
    import numpy as np
    import onnxruntime as ort
    import torch
    torch.set_num_threads(1)
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1

    def median_ms(call):
        call()
        times = []
        for _ in range(iters):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1e3)
        return sorted(times)[len(times) // 2]

    result, ort_result = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in LAYERS[model]:
            name, cin, cout, k, s, size, _ = spec
            layer = torch.nn.Sequential(
                torch.nn.Conv2d(cin, cout, k, stride=s, padding=padding(model, spec)),
                torch.nn.ReLU()).eval()
            x = torch.randn(batch, cin, size, size)
            with torch.no_grad():
                result[name] = median_ms(lambda: layer(x))
            path = os.path.join(tmp, "layer.onnx")
            torch.onnx.export(layer, (x,), path, dynamo=False, input_names=["x"])
            session = ort.InferenceSession(path, options,
                                           providers=["CPUExecutionProvider"])
            feed = {"x": x.numpy()}
            ort_result[name] = median_ms(lambda: session.run(None, feed))
    print(json.dumps({"ms": result, "ort_ms": ort_result, "torch": torch.__version__,
                      "onnxruntime": ort.__version__}))


def fma_peak():
    """{"avx512": GFLOP/s, "avx2": GFLOP/s} of one core, from the probe."""
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "fma_peak")
        subprocess.run(["cc", "-O3", os.path.join(HERE, "fma_peak.c"), "-o", exe], check=True)
        return run_json([exe])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=sorted(LAYERS), default="resnet18")
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--python", help="PyTorch 2.x's python (default: bench/setup_venv.sh)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--torch-side", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("dlc_flags", nargs="*", help="passed to dlc, e.g. --no-winograd")
    a = p.parse_args()
    if a.torch_side:
        return torch_side(a.model, a.batch, a.iters)

    peak = fma_peak()
    best = max(v for v in peak.values() if v)
    build = Build(a.build)
    work = os.path.join(build.path, "bench", "conv_report")
    os.makedirs(work, exist_ok=True)
    theirs = run_json([torch_python(a.python), os.path.abspath(__file__), "--torch-side",
                       "--model", a.model, "--batch", str(a.batch), "--iters", str(a.iters)])
    print(f"{'layer':<22}{'shape':>24}{'dlc ms':>9}{'GFLOP/s':>9}{'% peak':>8}"
          f"{'torch ms':>10}{'torch/dlc':>11}{'ort ms':>9}{'ort/dlc':>9}", flush=True)
    rows = []
    total = torch_total = ort_total = 0.0
    for layer in LAYERS[a.model]:
        name, cin, cout, k, s, size, count = layer
        net = os.path.join(work, name.replace(".", "_") + ".net")
        with open(net, "w") as f:
            f.write(f"network layer {{\n  input x: f32[N, {cin}, {size}, {size}]\n"
                    f"  output y = conv2d(x, {cout}, kernel={k}, stride={s},"
                    f" pad={padding(a.model, layer)},"
                    f' name="c") |> batchnorm(name="b") |> relu\n}}\n')
        so = net[:-4] + ".so"
        subprocess.run([build.dlc, net, "-o", so] + a.dlc_flags, check=True)
        ms = run_json([build.dlc_run, "bench", so, "--batch", str(a.batch), "--iters",
                       str(a.iters), "--warmup", "1", "--threads", "1"])["forward_ms_median"]
        rate = gflop(a.model, layer, a.batch) / ms * 1e3
        torch_ms, ort_ms = theirs["ms"][name], theirs["ort_ms"][name]
        total += count * ms
        torch_total += count * torch_ms
        ort_total += count * ort_ms
        shape = f"{cin}->{cout} k{k} s{s} @{size}"
        rows.append({"layer": name, "shape": shape, "dlc_ms": ms, "gflops": rate,
                     "percent_of_peak": 100 * rate / best, "torch_ms": torch_ms,
                     "onnxruntime_ms": ort_ms,
                     "count": count})
        print(f"{name:<22}{shape:>24}{ms:>9.2f}{rate:>9.1f}{100 * rate / best:>8.1f}"
              f"{torch_ms:>10.2f}{torch_ms / ms:>11.2f}{ort_ms:>9.2f}{ort_ms / ms:>9.2f}",
              flush=True)
    print(f"{'all, weighted by count':<46}{total:>9.2f}{'':>17}{torch_total:>10.2f}"
          f"{torch_total / total:>11.2f}{ort_total:>9.2f}{ort_total / total:>9.2f}")
    print(f"FMA peak of one core: {peak} GFLOP/s; batch {a.batch}; one thread; "
          f"torch {theirs['torch']}, onnxruntime {theirs['onnxruntime']}")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    suffix = "" if a.model == "resnet18" else "_" + a.model
    out = os.path.join(HERE, "results", f"conv_report{suffix}.json")
    with open(out, "w") as f:
        json.dump({"machine": platform.machine(), "model": a.model,
                   "dlc_flags": a.dlc_flags, "fma_peak_gflops": peak, "batch": a.batch,
                   "torch": theirs["torch"], "onnxruntime": theirs["onnxruntime"],
                   "layers": rows}, f, indent=1)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    sys.exit(main())
