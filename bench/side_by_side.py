"""Time of dlc, PyTorch 2.x eager and (forward) onnxruntime, side by side
in one run on this machine, with the ratios (the machine is shared and
noisy: only ratios travel).

usage: side_by_side.py [--build BUILD] [--against OTHER_BUILD] [--python PY]
                       [--threads 2] [--iters 5] [--train] [MODEL:BATCH ...]
default models: mlp:256 lenet5:256 resnet18_cifar:32 unet:1

Both sides run on --threads threads (dlc splits a batch over them, or a
smaller batch's layers). --train: one training step (forward, loss,
backward, SGD with momentum). --against times a
second dlc build too (a checkout before a change), so a change is measured
against its own past in the same run. PyTorch is bench/setup_venv.sh's
PyTorch 2.x and onnxruntime unless --python names another; onnxruntime
runs the PyTorch model exported to ONNX. Writes
bench/results/side_by_side[_train].json.
"""
import argparse, json, os, platform, sys, time

from common import HERE, Build, run_json, torch_call, torch_model, torch_python


def median_ms(call, iters):
    call()  # warm-up
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def torch_side(name, info, batch, train, threads, iters, onnx_path):
    """Runs in the PyTorch environment: the median time of `iters` calls of
    PyTorch eager and, for forward, of onnxruntime on the same model."""
    import torch
    torch.set_num_threads(threads)
    call, _ = torch_call(name, info, batch, train)
    result = {"ms": median_ms(call, iters), "torch": torch.__version__}
    if not train:
        import numpy as np
        import onnxruntime as ort
        session = onnx_session(name, info, batch, threads, onnx_path)
        feed = {i["name"]: np.random.default_rng(0).standard_normal(
            [batch] + i["shape"][1:], dtype=np.float32) for i in info["inputs"]}
        result.update(ort_ms=median_ms(lambda: session.run(None, feed), iters),
                      onnxruntime=ort.__version__)
    print(json.dumps(result))


def onnx_session(name, info, batch, threads, path):
    """An onnxruntime session on the PyTorch model, exported (batch
    symbolic) to `path`."""
    import onnxruntime as ort
    import torch
    model, x, _, _ = torch_model(name, info, batch, False)
    names = [i["name"] for i in info["inputs"]]
    torch.onnx.export(model, tuple(x), path, dynamo=False, input_names=names,
                      dynamic_axes={n: {0: "N"} for n in names})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def dlc_ms(build, so, batch, train, threads, iters):
    key = "train_step_ms_median" if train else "forward_ms_median"
    return run_json([build.dlc_run, "bench", so, "--batch", str(batch), "--iters", str(iters),
                     "--warmup", "1", "--threads", str(threads)]
                    + (["--train"] if train else []))[key]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--against", help="another dlc build to time in the same run")
    p.add_argument("--python", help="PyTorch 2.x's python (default: bench/setup_venv.sh)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--train", action="store_true", help="time training steps")
    p.add_argument("--torch-side", help=argparse.SUPPRESS)
    p.add_argument("models", nargs="*",
                   default=["mlp:256", "lenet5:256", "resnet18_cifar:32", "unet:1"])
    a = p.parse_args()
    threads = a.threads
    if a.torch_side:
        spec = json.loads(a.torch_side)
        return torch_side(spec["name"], spec["info"], spec["batch"], a.train, threads, a.iters,
                          spec["onnx"])

    python = torch_python(a.python)
    ours, other = Build(a.build), Build(a.against) if a.against else None
    head = f"{'model':<16}{'batch':>6}{'dlc ms':>11}"
    head += f"{'before ms':>11}{'before/dlc':>12}" if other else ""
    head += f"{'torch ms':>11}{'torch/dlc':>11}"
    print(head + ("" if a.train else f"{'ort ms':>11}{'ort/dlc':>11}"), flush=True)
    rows = []
    for spec in a.models:
        name, batch = spec.split(":")
        batch = int(batch)
        so = ours.compile(name)
        ms, info = dlc_ms(ours, so, batch, a.train, a.threads, a.iters), ours.info(so)
        row = {"model": name, "batch": batch, "dlc_ms": ms}
        line = f"{name:<16}{batch:>6}{ms:>11.2f}"
        if other:
            row["before_ms"] = dlc_ms(other, other.compile(name), batch, a.train, a.threads,
                                      a.iters)
            line += f"{row['before_ms']:>11.2f}{row['before_ms'] / ms:>12.2f}"
        theirs = run_json([python, os.path.abspath(__file__), "--threads", str(a.threads),
                           "--iters", str(a.iters)] + (["--train"] if a.train else [])
                          + ["--torch-side", json.dumps({
                              "name": name, "batch": batch, "info": info,
                              "onnx": os.path.join(ours.path, "bench", name + ".onnx")})])
        row["torch_ms"], torch_version = theirs["ms"], theirs["torch"]
        line += f"{row['torch_ms']:>11.2f}{row['torch_ms'] / ms:>11.2f}"
        if "ort_ms" in theirs:
            row["onnxruntime_ms"], row["onnxruntime"] = theirs["ort_ms"], theirs["onnxruntime"]
            line += f"{row['onnxruntime_ms']:>11.2f}{row['onnxruntime_ms'] / ms:>11.2f}"
        rows.append(row)
        print(line, flush=True)
    what = "training steps" if a.train else "forward"
    ort = f", onnxruntime {rows[0]['onnxruntime']}" if rows and "onnxruntime" in rows[0] else ""
    print(f"torch {torch_version if rows else '?'}{ort}; {what}; {threads} thread(s) each")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    out = os.path.join(HERE, "results", "side_by_side" + ("_train" if a.train else "") + ".json")
    with open(out, "w") as f:
        json.dump({"machine": platform.machine(), "what": what, "threads": threads,
                   "torch": torch_version if rows else None, "runs": rows}, f, indent=1)
    print("wrote", os.path.relpath(out))


if __name__ == "__main__":
    sys.exit(main())
