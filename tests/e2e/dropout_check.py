"""Checks training-mode dropout (forward and backward) through one SGD step.

models/dropout.net: y = dropout(w * 1 + b, p) for one sample, loss mean((y -
t)^2) over K units. With mask m_j (0 or s = 1/(1-p)) the gradient of w_j is
2/K * m_j * (m_j * (w_j + b_j) - t_j): zero where the unit was dropped,
PyTorch's value for a kept unit otherwise. Checks that every unit's step is
one of the two (relative error 1e-4), that the dropped fraction is p within
4 standard deviations, that the same seed draws the same masks and another
seed other masks, and that a second step draws a new mask.

usage: dropout_check.py --bin BUILD/tools --work DIR
"""
import argparse, os, subprocess, sys

import numpy as np

import safetensors_io

P, K, LR = 0.3, 4000, 1.0


def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--bin", required=True)
    a.add_argument("--work", required=True)
    args = a.parse_args()
    os.makedirs(args.work, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    so = os.path.join(args.work, "dropout.so")
    run(os.path.join(args.bin, "dlc", "dlc"), os.path.join(here, "models", "dropout.net"),
        "--optimizer=sgd", "-o", so)
    gen = np.random.default_rng(0)
    w = gen.uniform(-1, 1, (K, 1)).astype(np.float32)
    b = gen.uniform(-1, 1, K).astype(np.float32)
    t = gen.uniform(-1, 1, (1, K)).astype(np.float32)
    init = os.path.join(args.work, "init.safetensors")
    safetensors_io.save({"fc.weight": w, "fc.bias": b}, init)
    data = os.path.join(args.work, "data.npz")
    np.savez(data, x=np.ones((1, 1), np.float32), t=t)

    def step(seed, epochs=1):
        out = os.path.join(args.work, f"seed{seed}.{epochs}.safetensors")
        run(os.path.join(args.bin, "dlc-run", "dlc-run"), "train", so, "--data", data,
            "--weights", init, "--lr", str(LR), "--epochs", str(epochs), "--batch", "1",
            "--seed", str(seed), "--save", out)
        return safetensors_io.load(out)[0]

    new = step(1)
    grad = (w[:, 0] - new["fc.weight"][:, 0]) / LR
    s = 1 / (1 - P)
    kept_value = 2 / K * s * (s * (w[:, 0] + b) - t[0])
    dropped = np.abs(grad) < 1e-12
    err = np.abs(grad - kept_value) / (np.abs(kept_value).max() + np.abs(kept_value))
    failures = []
    if not np.all(dropped | (err < 1e-4)):
        failures.append(f"{int((~dropped & (err >= 1e-4)).sum())} kept units have a wrong gradient")
    bias_grad = (b - new["fc.bias"]) / LR
    if not np.allclose(bias_grad, grad, rtol=1e-4, atol=1e-7):
        failures.append("the bias saw another mask than the weight")
    fraction = dropped.mean()
    sigma = np.sqrt(P * (1 - P) / K)
    if abs(fraction - P) > 4 * sigma:
        failures.append(f"dropped fraction {fraction:.4f}, expected {P} +- {4 * sigma:.4f}")
    if not np.array_equal(step(1)["fc.weight"], new["fc.weight"]):
        failures.append("the same seed drew another mask")
    if np.array_equal(step(2)["fc.weight"], new["fc.weight"]):
        failures.append("another seed drew the same mask")
    # Two steps: the second mask differs from the first (counter = step).
    two = step(1, epochs=2)
    second = (new["fc.weight"][:, 0] - two["fc.weight"][:, 0]) != 0
    if np.array_equal(second, ~dropped):
        failures.append("the second step reused the first step's mask")
    print(f"dropped {fraction:.4f} of {K} units (p = {P}); "
          f"{'FAIL: ' + '; '.join(failures) if failures else 'ok'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
