"""Checks dlc's training against PyTorch autograd and torch.optim.

For each network: the same initial weights (PyTorch's, running statistics
randomised) and the same random batch; `dlc-run train` takes --steps steps
(one batch per epoch) and PyTorch takes as many with the same optimizer,
in float64: the exact reference. Every parameter and running statistic
(with --state, every optimizer state tensor too: momentum_buffer, exp_avg,
exp_avg_sq, which hold the gradients, so a wrong backward rule fails) must
agree at the tensor's scale, err = max |dlc - torch| / (max|torch| +
|torch|), to 1e-4 or, where PyTorch's own float32 run is further off the
float64 one than that (Adam's steps on deep networks), to twice PyTorch
float32's error. A gradient that is zero in exact arithmetic (a bias
before batchnorm) is rounding noise in float32: its state is not compared,
nor, under Adam (which makes noise full-size steps), its parameter; under
Adam the elements whose gradient is below 1e-2 of their tensor's largest
are compared by their state only (the step is a ratio that rounding
decides for them). Dropout is compiled out (--train-without-dropout)
on both sides: its masks come from dlc's own generator (dropout_check.py).

Deep ReLU networks with batchnorm (ResNets) are not differentiable at a
few of their millions of ReLU inputs at a time: an input within float32
rounding of zero takes one side in one float32 implementation and the
other in another, and batchnorm spreads that one element's difference over
its whole channel (PyTorch float32 against float64 shows the same). For
them --smooth replaces relu by tanh on both sides, which checks the same
backward rules (relu's own rule is checked by the small networks).

usage: train_vs_torch.py --bin BUILD/tools --work DIR --optimizer SPEC
           [--batch 2] [--steps 2] [--state] [--smooth] MODEL.net[:NETWORK]...
SPEC is dlc's --optimizer syntax, e.g. 'sgd(lr=0.1, momentum=0.9)'.
"""
import argparse, copy, json, os, re, subprocess, sys

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


def torch_steps(module, loss_fn, spec, data, info, steps, dtype):
    """`steps` optimizer steps of PyTorch in `dtype` (float64: the exact
    reference); returns the state_dict, the optimizer state and the last
    gradients."""
    module = copy.deepcopy(module).to(dtype).train()
    opt = torch_optimizer(spec, module.parameters())
    inputs = [torch.from_numpy(data[s["name"]]).to(dtype) for s in info["inputs"]]
    targets = [torch.from_numpy(data[s["name"]]) for s in info["targets"]]
    targets = [t.to(dtype) if t.is_floating_point() else t for t in targets]
    small = {}  # per element: the smallest |gradient| / max |gradient|
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(module(*inputs), *targets).backward()
        for pname, p in module.named_parameters():
            ratio = np.abs(p.grad.numpy()) / max(float(p.grad.abs().max()), 1e-300)
            small[pname] = np.minimum(small.get(pname, ratio), ratio)
        opt.step()
    weights = {k: v.detach().numpy() for k, v in module.state_dict().items()
               if not k.endswith("num_batches_tracked")}
    state, grads = {}, {}
    for pname, p in module.named_parameters():
        grads[pname] = np.abs(p.grad.numpy()).max()
        for key, value in opt.state[p].items():
            if key != "step":
                state[f"optimizer.{pname}.{key}"] = value.numpy()
    return weights, state, grads, small


def smooth_copy(path, work):
    """The .net with every relu made tanh (torch's side: see main)."""
    with open(path) as f:
        text = re.sub(r"(?<![\w_])relu\b", "tanh", f.read())
    out = os.path.join(work, "smooth." + os.path.basename(path))
    with open(out, "w") as f:
        f.write(text)
    return out


def check(model_arg, args):
    path, _, network = model_arg.partition(":")
    name = network or os.path.splitext(os.path.basename(path))[0]
    if args.smooth:
        path = smooth_copy(path, args.work)
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
    data = random_batch(info, args.batch, np.random.default_rng(args.data_seed))
    npz = os.path.join(args.work, f"{name}.batch.npz")
    np.savez(npz, **data)
    ckpt = os.path.join(args.work, f"{name}.ckpt.safetensors")
    run(dlc_run, "train", so, "--data", npz, "--epochs", str(args.steps),
        "--batch", str(args.batch), "--weights", weights, "--save", ckpt)
    ours, _ = safetensors_io.load(ckpt)

    F.dropout = lambda x, *a, **k: x  # as --train-without-dropout; nn.Dropout too
    reference, state, grads, small = torch_steps(module, loss_fn, args.optimizer, data,
                                          info, args.steps, torch.float64)
    torch32, state32, _, _ = torch_steps(module, loss_fn, args.optimizer, data,
                                      info, args.steps, torch.float32)
    torch32.update(state32)
    # A gradient that is zero in exact arithmetic (a bias before batchnorm)
    # is rounding noise in float32: its state is not compared, nor, under
    # Adam, which turns noise into full-size steps, the parameter.
    largest = max(grads.values())
    noise = {k for k, g in grads.items() if g < 1e-6 * largest}
    if args.state:
        reference.update({k: v for k, v in state.items()
                          if k.split(".", 1)[1].rsplit(".", 1)[0] not in noise})
    # Adam's step of an element is lr * m / (sqrt(v) + eps), a ratio: for an
    # element whose gradient is near zero (below 1e-2 of its tensor's
    # largest, at either step) float32 rounding decides its size and sign,
    # so those elements are compared by their state (exp_avg) only.
    adam = not args.optimizer.startswith("sgd")
    if adam:
        reference = {k: v for k, v in reference.items() if k not in noise}
    def relative(o, ref, key):
        diff = np.abs(o - ref)
        if adam and key in small:
            diff = np.where(small[key] >= 1e-2, diff, 0)
        return float((diff / (np.abs(ref).max() + np.abs(ref) + 1e-30)).max())
    worst, where = 0.0, ""
    for key, ref in reference.items():
        if key not in ours:
            return name, float("inf"), f"{key} missing from dlc's checkpoint"
        err = relative(ours[key].reshape(ref.shape), ref, key)
        # As exact as PyTorch's own float32, at worst twice as far off.
        tolerance = max(1e-4, 2 * relative(torch32[key], ref, key))
        if args.verbose:
            print(f"  {key}: {err:.2e} (tolerance {tolerance:.2e}; "
                  f"max {np.abs(ref).max():.2e})")
        if err / tolerance > worst:
            worst, where = err / tolerance, f"{key}: {err:.2e}"
    return name, worst, where


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--optimizer", required=True)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--data-seed", type=int, default=1)
    p.add_argument("--state", action="store_true",
                   help="compare the optimizer state (the gradients) too")
    p.add_argument("--smooth", action="store_true",
                   help="relu becomes tanh on both sides (see the docstring)")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("models", nargs="+")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    torch.set_num_threads(1)
    if a.smooth:
        F.relu = lambda x, inplace=False: torch.tanh(x)
        torch.relu = torch.tanh
        torch.nn.ReLU.forward = lambda self, x: torch.tanh(x)
    failed = False
    for m in a.models:
        name, worst, where = check(m, a)
        ok = worst <= 1
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name:<22} {a.optimizer}: "
              f"{worst:.2f} of the tolerance ({where})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
