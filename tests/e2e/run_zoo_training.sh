#!/usr/bin/env bash
# One training step of every model of models/ against PyTorch (float64
# autograd and torch.optim), at the model's input size: SGD with momentum
# and weight decay (two steps) and Adam (one step), parameters, running
# statistics and optimizer state (the gradients) within 1e-4 relative
# error; ReLU networks with relu as tanh (see train_vs_torch.py). The suite
# (ctest) runs the small models; this runs the big ones too (an hour).
# Known: ResNet-50 fails it. Its training step at batch 2 is ill-conditioned
# in float32 (PyTorch float32 is itself up to 5e-2 off float64, max-pool
# and batchnorm over 2x7x7 values); dlc stays within about twice
# PyTorch float32's error, and dlc compiled for SSE and for AVX-512 (only
# the summation order differs) disagree with each other by up to 0.14.
# Every other model passes with SGD and Adam.
#   tests/e2e/run_zoo_training.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
work="$build/zoo-training-vs-torch"
check() {
  /usr/bin/python3 "$here/train_vs_torch.py" --bin "$build/tools" --work "$work" \
    --state --smooth "$@" "$here"/../../models/*.net
}
status=0
check --batch 2 --optimizer 'sgd(lr=0.01, momentum=0.9, weight_decay=5e-4)' || status=1
check --batch 2 --steps 1 --optimizer 'adam(lr=1e-3)' || status=1
exit $status
