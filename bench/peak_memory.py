"""Peak memory of dlc and PyTorch 2.x for the same work, side by side in
one run.

Each side runs in a fresh process and is measured the same way: the
process's resident memory once the model, its parameters (and optimizer
state) and the inputs are in place is the baseline; the kernel's peak
resident size (VmHWM, restarted at the baseline through
/proc/self/clear_refs) after the calls, minus that baseline, is what the
work needed. dlc's side is `dlc-run bench`, which reports both figures.

usage: peak_memory.py [--build BUILD] [--python PY] [--threads 2] [--iters 3]
                      [MODEL:BATCH:forward|train ...]
default: resnet50:8:forward resnet18_cifar:32:train
Inference runs an inference-only build, as deployed; training steps run
on one thread on both sides. Writes bench/results/peak_memory.json.
"""
import argparse, json, os, platform, re, sys

from common import HERE, Build, run_json, torch_call, torch_python

MB = 1 << 20


def status_bytes(field):
    text = open("/proc/self/status").read()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1)) * 1024


def torch_side(name, info, batch, work, threads, iters):
    """Runs in the PyTorch environment: prints the fields of dlc-run bench's
    that this compares."""
    import gc
    import torch
    torch.set_num_threads(threads)
    call, opt = torch_call(name, info, batch, work == "train")
    if opt:
        # The momentum buffers, resident before the first step as dlc's are
        # (SGD's first step would make the same values).
        for group in opt.param_groups:
            for p in group["params"]:
                opt.state[p]["momentum_buffer"] = torch.zeros_like(p)
    gc.collect()
    baseline = status_bytes("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    for _ in range(iters):
        call()
    peak = status_bytes("VmHWM")
    print(json.dumps({"baseline_rss_bytes": baseline, "peak_rss_bytes": max(peak, baseline),
                      "torch": torch.__version__}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--python", help="PyTorch 2.x's python (default: bench/setup_venv.sh)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=3)
    p.add_argument("--torch-side", help=argparse.SUPPRESS)
    p.add_argument("runs", nargs="*", default=["resnet50:8:forward", "resnet18_cifar:32:train"])
    a = p.parse_args()
    if a.torch_side:
        s = json.loads(a.torch_side)
        return torch_side(s["name"], s["info"], s["batch"], s["work"], a.threads, a.iters)

    python = torch_python(a.python)
    build = Build(a.build)
    rows = []
    print(f"{'model':<16}{'batch':>6}  {'work':<8}{'dlc MB':>9}{'torch MB':>10}{'dlc/torch':>11}"
          f"{'workspace MB':>14}{'prepared MB':>13}", flush=True)
    for spec in a.runs:
        name, batch, work = spec.split(":")
        threads = 1 if work == "train" else a.threads
        so = build.compile(name, inference_only=work != "train")
        ours = run_json([build.dlc_run, "bench", so, "--batch", batch, "--iters", str(a.iters),
                         "--warmup", "0", "--threads", str(threads)]
                        + (["--train"] if work == "train" else []))
        info = build.info(so, batch)
        theirs = run_json([python, os.path.abspath(__file__), "--threads", str(threads),
                           "--iters", str(a.iters), "--torch-side",
                           json.dumps({"name": name, "batch": int(batch), "work": work,
                                       "info": info})])
        row = {"model": name, "batch": int(batch), "work": work, "threads": threads,
               "dlc": ours, "torch": theirs,
               "dlc_workspace_bytes": info["workspace_bytes"]["bytes"],
               "dlc_prepared_bytes": info["prepared_bytes"] if work != "train" else 0}
        rows.append(row)
        d = (ours["peak_rss_bytes"] - ours["baseline_rss_bytes"]) / MB
        t = (theirs["peak_rss_bytes"] - theirs["baseline_rss_bytes"]) / MB
        print(f"{name:<16}{batch:>6}  {work:<8}{d:>9.1f}{t:>10.1f}{d / t:>11.2f}"
              f"{row['dlc_workspace_bytes'] / MB:>14.1f}{row['dlc_prepared_bytes'] / MB:>13.1f}",
              flush=True)
    print(f"torch {rows[0]['torch']['torch'] if rows else '?'}; forward on {a.threads} "
          f"thread(s), training steps on 1; MB above each process's baseline")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "peak_memory.json")
    with open(out, "w") as f:
        json.dump({"machine": platform.machine(), "runs": rows}, f, indent=1)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    sys.exit(main())
