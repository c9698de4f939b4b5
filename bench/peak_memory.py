"""Peak memory of dlc and PyTorch for the same work, side by side in one run.

Each side runs in a fresh process and is measured the same way: the
process's resident memory once the model, its parameters (and optimizer
state) and the inputs are in place is the baseline; the kernel's peak
resident size (VmHWM, restarted at the baseline through
/proc/self/clear_refs) after the calls, minus that baseline, is what the
work needed. dlc's side is `dlc-run bench`, which reports both figures.

usage: peak_memory.py [--build BUILD] [--python PY] [--threads 2] [--iters 3]
                      [MODEL:BATCH:forward|train ...]
default: resnet50:8:forward resnet18_cifar:32:train
PyTorch is PyTorch 2.x from bench/setup_venv.sh's environment (--python
overrides). Writes bench/results/peak_memory.json.
"""
import argparse, json, os, platform, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
MB = 1 << 20


def status_bytes(field):
    text = open("/proc/self/status").read()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1)) * 1024


def torch_side(name, batch, work, threads, iters):
    """Runs in the PyTorch environment: prints the same JSON fields as
    dlc-run bench."""
    import gc
    import torch
    sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
    import torch_zoo
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    if work == "train":
        model, loss_fn = torch_zoo.build_training(name)
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)
        # The momentum buffers, resident before the first step as dlc's are
        # (SGD's first step would create the same values).
        for p in model.parameters():
            opt.state[p]["momentum_buffer"] = torch.zeros_like(p)
        x = torch.randn(batch, *input_shape(name))
        classes = model(torch.zeros(1, *input_shape(name))).shape[1]
        t = torch.randint(0, classes, (batch,))
        model.zero_grad(set_to_none=True)

        def call():
            opt.zero_grad()
            loss_fn(model(x), t).backward()
            opt.step()
    else:
        model = torch_zoo.build(name).eval()
        x = torch.randn(batch, *input_shape(name))

        def call():
            with torch.no_grad():
                model(x)
    gc.collect()
    baseline = status_bytes("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    for _ in range(iters):
        call()
    peak = status_bytes("VmHWM")
    print(json.dumps({"baseline_rss_bytes": baseline, "peak_rss_bytes": max(peak, baseline),
                      "torch": torch.__version__}))


def input_shape(name):
    """[C, H, W] of models/<name>.net's input, from its `input` line."""
    text = open(os.path.join(ROOT, "models", name + ".net")).read()
    dims = re.search(r"input\s+\w+\s*:\s*f32\[N,([^\]]*)\]", text).group(1)
    return [int(d) for d in dims.split(",")]


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--python", help="PyTorch 2.x's python (default: bench/setup_venv.sh)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=3)
    p.add_argument("--torch-side", nargs=3, metavar=("MODEL", "BATCH", "WORK"),
                   help=argparse.SUPPRESS)
    p.add_argument("runs", nargs="*", default=["resnet50:8:forward", "resnet18_cifar:32:train"])
    a = p.parse_args()
    if a.torch_side:
        name, batch, work = a.torch_side
        return torch_side(name, int(batch), work, a.threads, a.iters)

    python = a.python or subprocess.run([os.path.join(HERE, "setup_venv.sh")], check=True,
                                        capture_output=True, text=True).stdout.strip()
    dlc = os.path.join(a.build, "tools", "dlc", "dlc")
    dlc_run = os.path.join(a.build, "tools", "dlc-run", "dlc-run")
    work_dir = os.path.join(a.build, "bench")
    os.makedirs(work_dir, exist_ok=True)
    rows = []
    print(f"{'model':<16}{'batch':>6}  {'work':<8}{'dlc MB':>9}{'torch MB':>10}{'dlc/torch':>11}"
          f"{'workspace MB':>14}")
    for spec in a.runs:
        name, batch, work = spec.split(":")
        # Inference is measured on an inference-only build, as deployed.
        so = os.path.join(work_dir, f"{name}{'' if work == 'train' else '_inference'}.so")
        subprocess.run([dlc, os.path.join(ROOT, "models", name + ".net"), "-o", so]
                       + ([] if work == "train" else ["--inference-only"]), check=True)
        ours = run_json([dlc_run, "bench", so, "--batch", batch, "--iters", str(a.iters),
                         "--warmup", "0", "--threads", str(a.threads)]
                        + (["--train"] if work == "train" else []))
        info = run_json([dlc_run, "info", so, "--json", "--batch", batch])
        theirs = run_json([python, os.path.abspath(__file__), "--threads",
                           str(1 if work == "train" else a.threads), "--iters", str(a.iters),
                           "--torch-side", name, batch, work])
        row = {"model": name, "batch": int(batch), "work": work, "dlc": ours,
               "torch": theirs, "dlc_workspace_bytes": info["workspace_bytes"]["bytes"],
               "dlc_prepared_bytes": info["prepared_bytes"]}
        rows.append(row)
        d = (ours["peak_rss_bytes"] - ours["baseline_rss_bytes"]) / MB
        t = (theirs["peak_rss_bytes"] - theirs["baseline_rss_bytes"]) / MB
        ws = row["dlc_workspace_bytes"] / MB
        print(f"{name:<16}{batch:>6}  {work:<8}{d:>9.1f}{t:>10.1f}{d / t:>11.2f}{ws:>14.1f}",
              flush=True)
    print(f"torch {rows[0]['torch']['torch'] if rows else '?'}; forward on {a.threads} "
          f"thread(s), training steps on 1; MB above each process's baseline")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "peak_memory.json")
    with open(out, "w") as f:
        json.dump({"machine": platform.processor() or platform.machine(), "runs": rows}, f,
                  indent=1)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    main()
