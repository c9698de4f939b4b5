#!/usr/bin/env bash
# The whole zoo against PyTorch: every model of models/ compiled by dlc and
# run by dlc-run on PyTorch's weights and random inputs, at batch 1 and 3,
# within 1e-4 relative error. The suite (ctest) runs the small models; this
# runs the big ones too (VGG-16, ResNet-50, the 256x256 U-Nets: minutes).
# Options after the build folder go to compare_torch.py: --cpu=x86-64-v3
# (AVX2), --threads 1.
#   tests/e2e/run_zoo.sh [BUILD_DIR] [--cpu=CPU] [--threads N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
shift || true
exec /usr/bin/python3 "$here/compare_torch.py" --bin "$build/tools" \
  --work "$build/zoo-vs-torch" "$@" "$here"/../../models/*.net
