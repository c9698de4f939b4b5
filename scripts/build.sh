#!/usr/bin/env bash
# Configures (Ninja, Release, lld and ccache when present) and builds dlc.
# Extra arguments are ninja targets, e.g. scripts/build.sh dlc dlc-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DLC_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build" "$@"
