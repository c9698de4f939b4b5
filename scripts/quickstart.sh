#!/usr/bin/env bash
# A fresh machine to a compiled network: set up, build, then compile the
# bundled LeNet-5 and show its layers and its dl IR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh dlc
build=${DLC_BUILD_DIR:-build}
"$build/tools/dlc/dlc" models/lenet5.net --emit=summary
"$build/tools/dlc/dlc" models/lenet5.net --emit=dl -o "$build/lenet5.mlir"
echo "quickstart: wrote $build/lenet5.mlir (@forward and @loss in the dl dialect)"
