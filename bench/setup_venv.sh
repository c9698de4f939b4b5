#!/usr/bin/env bash
# Sets up the benchmarks' anchors in a virtual environment: PyTorch 2.x,
# torchvision, onnx and onnxruntime from PyPI (Debian's PyTorch 1.13, the
# test suite's numerical reference, is far slower on current CPUs and is no
# speed anchor). Idempotent; prints the environment's python.
#   bench/setup_venv.sh            # into bench/.venv
#   DLC_BENCH_VENV=/path bench/setup_venv.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv=${DLC_BENCH_VENV:-$here/.venv}
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import torch, torchvision, onnx, onnxruntime" 2>/dev/null; then
  "$venv/bin/pip" install -q --disable-pip-version-check \
    torch torchvision onnx onnxruntime numpy >&2
fi
echo "$venv/bin/python"
