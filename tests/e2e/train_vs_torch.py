"""Checks dlc's training against PyTorch autograd and torch.optim.

For each network: the same initial weights (PyTorch's, running statistics
randomised) and the same random batch; `dlc-run train` takes two steps
(--epochs 2, one batch per epoch) and PyTorch takes two steps with the same
optimizer. Every parameter, running statistic and optimizer state tensor
(momentum_buffer, exp_avg, exp_avg_sq) must agree to a relative error of
1e-4 at the tensor's scale: |dlc - torch| <= 1e-4 * (max|torch| + |torch|).
The optimizer state holds the gradients themselves, so a wrong backward
rule fails here. (A gradient that is zero in exact arithmetic, such as a
bias before batchnorm, is rounding noise in both; the scale has a floor of
1e-3 times the model's largest optimizer state.) Dropout is compiled out (--train-without-dropout): its
masks come from dlc's own generator (checked by dropout_check.py).

usage: train_vs_torch.py --bin BUILD/tools --work DIR --optimizer SPEC
           [--batch 2] [--lr-scale 1] MODEL.net[:NETWORK]...
SPEC is dlc's --optimizer syntax, e.g. 'sgd(lr=0.1, momentum=0.9)'.
"""
import argparse, json, os, re, subprocess, sys

import numpy as np
import torch
import torch.nn.functional as F

import safetensors_io
import torch_zoo


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")
    return r.stdout


def torch_optimizer(spec, params):
    name, _, rest = spec.partition("(")
    kw = {}
    for item in filter(None, rest.rstrip(")").split(",")):
        k, v = (s.strip() for s in item.split("="))
        kw[k] = v == "true" if v in ("true", "false") else float(v)
    if "beta1" in kw or "beta2" in kw:
        kw["betas"] = (kw.pop("beta1", 0.9), kw.pop("beta2", 0.999))
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam,
           "adamw": torch.optim.AdamW}[name.strip()]
    return cls(params, **kw)


def random_batch(info, batch, gen):
    """Inputs ~ N(0, 1); class targets uniform over the output's classes;
    float targets in [0, 1] (masks for dice and BCE, images for MSE)."""
    arrays = {}
    for spec in info["inputs"]:
        arrays[spec["name"]] = gen.standard_normal((batch, *spec["shape"][1:])).astype(np.float32)
    classes = info["outputs"][0]["shape"][1]
    for spec in info["targets"]:
        shape = (batch, *spec["shape"][1:])
        if spec["dtype"] == "i32":
            arrays[spec["name"]] = gen.integers(0, classes, shape).astype(np.int32)
        else:
            arrays[spec["name"]] = gen.random(shape).astype(np.float32)
    return arrays


def check(model_arg, args):
    path, _, network = model_arg.partition(":")
    name = network or os.path.splitext(os.path.basename(path))[0]
    so = os.path.join(args.work, f"{name}.train.so")
    run(os.path.join(args.bin, "dlc", "dlc"), path, "-o", so,
        f"--optimizer={args.optimizer}", "--train-without-dropout",
        *([f"--network={network}"] if network else []))
    dlc_run = os.path.join(args.bin, "dlc-run", "dlc-run")
    info = json.loads(run(dlc_run, "info", so, "--json"))

    torch.manual_seed(0)
    module, loss_fn = torch_zoo.build_training(name)
    for m in module.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    weights = os.path.join(args.work, f"{name}.init.safetensors")
    safetensors_io.save(safetensors_io.state_dict_arrays(module), weights)
    data = random_batch(info, args.batch, np.random.default_rng(1))
    npz = os.path.join(args.work, f"{name}.batch.npz")
    np.savez(npz, **data)
    lr = info["hyper_parameters"]["lr"]
    ckpt = os.path.join(args.work, f"{name}.ckpt.safetensors")
    run(dlc_run, "train", so, "--data", npz, "--epochs", "2", "--batch",
        str(args.batch), "--weights", weights, "--save", ckpt)
    ours, _ = safetensors_io.load(ckpt)

    module.train()
    opt = torch_optimizer(args.optimizer, module.parameters())
    inputs = [torch.from_numpy(data[s["name"]]) for s in info["inputs"]]
    targets = [torch.from_numpy(data[s["name"]]) for s in info["targets"]]
    for _ in range(2):
        opt.zero_grad()
        out = module(*inputs)
        loss_fn(out, *targets).backward()
        opt.step()
    reference = {k: v.detach().numpy() for k, v in module.state_dict().items()
                 if not k.endswith("num_batches_tracked")}
    names = dict(module.named_parameters())
    for pname, p in names.items():
        for key, value in opt.state[p].items():
            if key != "step":
                reference[f"optimizer.{pname}.{key}"] = value.numpy()

    # A gradient that is zero in exact arithmetic (a bias before batchnorm)
    # is rounding noise in both: scales have a floor of 1e-3 times the
    # largest optimizer state of the model.
    floor = 1e-3 * max([np.abs(v).max() for k, v in reference.items()
                        if k.startswith("optimizer.")] + [1e-30])
    worst, where = 0.0, ""
    for key, ref in reference.items():
        if key not in ours:
            return name, float("inf"), f"{key} missing from dlc's checkpoint"
        o = ours[key].reshape(ref.shape)
        scale = max(float(np.abs(ref).max()), floor)
        err = float((np.abs(o - ref) / (scale + np.abs(ref))).max())
        if os.environ.get("VERBOSE"): print(f"  {key}: {err:.2e} (max {np.abs(ref).max():.2e})")
        if err > worst:
            worst, where = err, key
    return name, worst, where


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--optimizer", required=True)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("models", nargs="+")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    torch.set_num_threads(1)
    failed = False
    for m in a.models:
        name, worst, where = check(m, a)
        ok = worst <= 1e-4
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name:<22} {a.optimizer}: worst relative "
              f"error {worst:.2e} ({where})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
