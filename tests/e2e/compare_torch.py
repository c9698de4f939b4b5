"""Compiles models with dlc, runs them with dlc-run predict on PyTorch's
weights (saved as safetensors from the state_dict, BatchNorm statistics
randomised so they matter) and random inputs, and compares every output
element with PyTorch's eval() forward.

Passes when |dlc - torch| <= 1e-4 * max(|torch|) + 1e-4 * |torch| for every
element: relative error 1e-4 at the output's scale.

usage: compare_torch.py --bin BUILD/tools --work DIR [--batches 1,3] [--cpu CPU]
                        [--threads N] MODEL.net...
"""
import argparse, json, os, subprocess, sys

import numpy as np
import torch

import safetensors_io
import torch_zoo


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def check(model_path, tools, work, batches, cpu, threads):
    name = os.path.splitext(os.path.basename(model_path))[0]
    so = os.path.join(work, name + ".so")
    run(os.path.join(tools, "dlc", "dlc"), model_path, "-o", so,
        *(["--cpu=" + cpu] if cpu else []))
    dlc_run = os.path.join(tools, "dlc-run", "dlc-run")
    info = json.loads(run(dlc_run, "info", so, "--json"))

    torch.manual_seed(0)
    module = torch_zoo.build(name)
    for m in module.modules():  # non-trivial running statistics
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    module.eval()
    weights = os.path.join(work, name + ".safetensors")
    safetensors_io.save(safetensors_io.state_dict_arrays(module), weights)

    results = []
    for batch in batches:
        inputs, args = [], []
        for spec in info["inputs"]:
            x = torch.randn(batch, *spec["shape"][1:])
            path = os.path.join(work, f"{name}.{spec['name']}.{batch}.npy")
            np.save(path, x.numpy())
            inputs.append(x)
            args += ["--input", f"{spec['name']}={path}"]
        out = os.path.join(work, f"{name}.out.{batch}.npz")
        run(dlc_run, "predict", so, "--weights", weights, *args, "--out", out,
            "--threads", str(threads))
        with torch.no_grad():
            ref = module(*inputs)
        ref = ref if isinstance(ref, tuple) else (ref,)
        ours = np.load(out)
        worst = 0.0
        for spec, r in zip(info["outputs"], ref):
            r = r.numpy()
            o = ours[spec["name"]]
            if o.shape != r.shape:
                results.append((batch, float("inf")))
                break
            scale = max(float(np.abs(r).max()), 1e-30)
            err = np.abs(o - r) / (scale + np.abs(r))
            worst = max(worst, float(err.max()))
        results.append((batch, worst))
    return name, results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True, help="the build's tools/ folder")
    p.add_argument("--work", required=True)
    p.add_argument("--batches", default="1,3")
    p.add_argument("--cpu", help="dlc --cpu (default: the host)")
    p.add_argument("--threads", type=int, default=0,
                   help="dlc-run's threads (0: one per processor)")
    p.add_argument("models", nargs="+")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    torch.set_num_threads(1)
    passed = failed = 0
    for path in a.models:
        name, results = check(path, a.bin, a.work, [int(b) for b in a.batches.split(",")],
                              a.cpu, a.threads)
        for batch, err in results:
            ok = err <= 1e-4
            passed += ok
            failed += not ok
            print(f"{name} batch {batch}: max relative error {err:.2e} {'ok' if ok else 'FAIL'}", flush=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
