"""Forward time of dlc and PyTorch, side by side in one run on this machine,
with the ratio (the machine is shared and noisy: only ratios travel).
With --train: the time of one training step (forward, loss, backward,
SGD with momentum), one thread on both sides (dlc's steps are
single-threaded for now).

usage: side_by_side.py [--build BUILD] [--threads 2] [--train] [MODEL:BATCH ...]
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


def torch_train_ms(name, info, batch, iters):
    torch.set_num_threads(1)
    model, loss_fn = torch_zoo.build_training(name)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)
    x = [torch.randn(batch, *i["shape"][1:]) for i in info["inputs"]]
    classes = info["outputs"][0]["shape"][1]
    t = [torch.randint(0, classes, (batch, *i["shape"][1:])) if i["dtype"] == "i32"
         else torch.rand(batch, *i["shape"][1:]) for i in info["targets"]]
    times = []
    for i in range(iters + 1):
        start = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(*x), *t).backward()
        opt.step()
        if i:
            times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--train", action="store_true", help="time training steps")
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
                              "--threads", str(a.threads)] + (["--train"] if a.train else []),
                             check=True, capture_output=True, text=True).stdout
        ours = json.loads(out)["train_step_ms_median" if a.train else "forward_ms_median"]
        info = json.loads(subprocess.run([os.path.join(a.build, "tools", "dlc-run", "dlc-run"),
                                          "info", so, "--json"], check=True, capture_output=True,
                                         text=True).stdout)
        shape = [int(batch)] + info["inputs"][0]["shape"][1:]
        theirs = (torch_train_ms(name, info, int(batch), a.iters) if a.train
                  else torch_ms(name, shape, a.threads, a.iters))
        print(f"{name:<16}{batch:>6}{ours:>11.2f}{theirs:>11.2f}{theirs / ours:>11.2f}", flush=True)
    print(f"torch {torch.__version__}; {1 if a.train else a.threads} thread(s) each"
          + ("; training steps" if a.train else ""))


if __name__ == "__main__":
    main()
