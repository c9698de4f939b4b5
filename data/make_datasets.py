"""Converts the two real datasets that Debian's python3-sklearn ships into
the .npz train/test splits dlc trains and evaluates on. Run once; the
outputs are committed. Same seed, same splits.

- digits: 1,797 handwritten digits, 8x8 pixels (sklearn/datasets/data/
  digits.csv.gz). Arrays `image` f32 [N, 1, 8, 8], pixel values / 16 in
  [0, 1], and `digit` i32 [N]: the names of models/mlp.net's input and
  target.
- breast_cancer: the Wisconsin diagnostic table, 569 x 30
  (breast_cancer.csv). Arrays `features` f32 [N, 30], standardised with the
  training split's mean and standard deviation, and `label` i32 [N]
  (0 malignant, 1 benign, as sklearn): models/breast_cancer.net's names.

Each is split 80/20 with a seeded permutation, stratified by class.

usage: make_datasets.py [OUT_DIR]   (default: this folder)
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

SEED = 20261128


def save(out, name, **arrays):
    path = os.path.join(out, name)
    np.savez(path, **arrays)
    shapes = ", ".join(f"{k} {v.dtype}{list(v.shape)}" for k, v in arrays.items())
    print(f"{path}: {shapes}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int32)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)
    save(out, "digits_train.npz", image=xtr, digit=ytr)
    save(out, "digits_test.npz", image=xte, digit=yte)

    cancer = load_breast_cancer()
    x = cancer.data.astype(np.float64)
    y = cancer.target.astype(np.int32)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)
    mean, std = xtr.mean(0), xtr.std(0)
    save(out, "breast_cancer_train.npz", features=((xtr - mean) / std).astype(np.float32), label=ytr)
    save(out, "breast_cancer_test.npz", features=((xte - mean) / std).astype(np.float32), label=yte)


if __name__ == "__main__":
    main()
