"""Checks that every parameter and buffer dlc gives a zoo model has the name
and shape of the PyTorch state_dict entry it must load from (issue: weights
move between PyTorch and dlc without renaming). BatchNorm's
num_batches_tracked counter is PyTorch bookkeeping, not a tensor of the net.

usage: zoo_params.py DLC MODEL.net...
"""
import os, re, subprocess, sys

import torch_zoo

ARG = re.compile(r"tensor<([0-9x]+)xf32> \{dl\.(param|buffer) = \"([^\"]+)\"\}")


def dlc_tensors(dlc, path):
    ir = subprocess.run([dlc, path, "--emit=dl"], check=True, capture_output=True, text=True).stdout
    forward = ir.split("func.func @forward(", 1)[1].split(") ->", 1)[0]
    return {name: tuple(int(d) for d in shape.split("x")) for shape, _, name in ARG.findall(forward)}


def main():
    dlc, paths = sys.argv[1], sys.argv[2:]
    failures = 0
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        ours = dlc_tensors(dlc, path)
        theirs = {k: tuple(v.shape) for k, v in torch_zoo.build(name).state_dict().items()
                  if not k.endswith("num_batches_tracked")}
        missing = sorted(set(theirs) - set(ours))
        extra = sorted(set(ours) - set(theirs))
        shapes = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
        ok = not (missing or extra or shapes)
        failures += not ok
        print(f"{name}: {len(ours)} tensors, {'match' if ok else 'MISMATCH'}")
        for k in missing: print(f"  only in PyTorch: {k} {theirs[k]}")
        for k in extra: print(f"  only in dlc: {k} {ours[k]}")
        for k in shapes: print(f"  shape of {k}: dlc {ours[k]}, PyTorch {theirs[k]}")
    print(f"{len(paths) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
