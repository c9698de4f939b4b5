#!/usr/bin/env bash
# A fresh machine to a full test run: set up, build, run every test (lit
# regression tests and unit tests) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build=${DLC_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure
