"""Forward time of dlc and PyTorch, side by side in one run on this machine,
with the ratio (the machine is shared and noisy: only ratios travel).

usage: side_by_side.py [--build BUILD] [--threads 2] [MODEL:BATCH ...]
default models: mlp:256 lenet5:256 resnet18_cifar:32 unet:1
PyTorch is whatever /usr/bin/python3 imports (Debian's 1.13 unless a newer
one is installed); both run with --threads threads (dlc splits the batch).
"""
import argparse, json, os, subprocess, sys, time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import torch_zoo  # noqa: E402


def torch_ms(name, shape, threads, iters):
    torch.set_num_threads(threads)
    model = torch_zoo.build(name).eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        model(x)
        times = []
        for _ in range(iters):
            t = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("models", nargs="*",
                   default=["mlp:256", "lenet5:256", "resnet18_cifar:32", "unet:1"])
    a = p.parse_args()
    work = os.path.join(a.build, "bench")
    os.makedirs(work, exist_ok=True)
    print(f"{'model':<16}{'batch':>6}{'dlc ms':>11}{'torch ms':>11}{'torch/dlc':>11}")
    for spec in a.models:
        name, batch = spec.split(":")
        so = os.path.join(work, name + ".so")
        subprocess.run([os.path.join(a.build, "tools", "dlc", "dlc"),
                        os.path.join(HERE, "..", "models", name + ".net"), "-o", so], check=True)
        out = subprocess.run([os.path.join(a.build, "tools", "dlc-run", "dlc-run"), "bench", so,
                              "--batch", batch, "--iters", str(a.iters), "--warmup", "1",
                              "--threads", str(a.threads)],
                             check=True, capture_output=True, text=True).stdout
        ours = json.loads(out)["forward_ms_median"]
        info = json.loads(subprocess.run([os.path.join(a.build, "tools", "dlc-run", "dlc-run"),
                                          "info", so, "--json"], check=True, capture_output=True,
                                         text=True).stdout)
        shape = [int(batch)] + info["inputs"][0]["shape"][1:]
        theirs = torch_ms(name, shape, a.threads, a.iters)
        print(f"{name:<16}{batch:>6}{ours:>11.2f}{theirs:>11.2f}{theirs / ours:>11.2f}", flush=True)
    print(f"torch {torch.__version__}; {a.threads} threads each")


if __name__ == "__main__":
    main()
