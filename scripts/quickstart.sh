#!/usr/bin/env bash
# A fresh machine to a running model: set up, build, then compile the
# bundled LeNet-5 to a shared library, show its layers, and run it with
# dlc-run (seeded PyTorch-style initialisation, a batch of 4 images); then
# train the digits MLP on the bundled digits and evaluate it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh dlc dlc-run
build=${DLC_BUILD_DIR:-build}
"$build/tools/dlc/dlc" models/lenet5.net --emit=summary
"$build/tools/dlc/dlc" models/lenet5.net -o "$build/lenet5.so"
"$build/tools/dlc-run/dlc-run" info "$build/lenet5.so"
/usr/bin/python3 -c "import numpy as np; np.save('$build/images.npy', np.random.default_rng(0).standard_normal((4, 1, 28, 28)).astype(np.float32))"
"$build/tools/dlc-run/dlc-run" predict "$build/lenet5.so" --input image="$build/images.npy" --out "$build/logits.npz"
"$build/tools/dlc-run/dlc-run" bench "$build/lenet5.so" --batch 64
"$build/tools/dlc/dlc" models/mlp.net -o "$build/mlp.so"
"$build/tools/dlc-run/dlc-run" train "$build/mlp.so" --data data/digits_train.npz \
  --val data/digits_test.npz --epochs 10 --schedule cosine --save "$build/mlp.ckpt"
"$build/tools/dlc-run/dlc-run" eval "$build/mlp.so" --weights "$build/mlp.ckpt" \
  --data data/digits_test.npz
echo "quickstart: $build/lenet5.so runs (logits in $build/logits.npz); $build/mlp.so trained ($build/mlp.ckpt)"
