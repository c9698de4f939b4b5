#!/usr/bin/env bash
# Installs every Debian package dlc's build and tests need. Idempotent: it
# installs only what is missing, and runs apt-get update only then.
set -euo pipefail

packages=(
  cmake ninja-build lld ccache g++ python3
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools   # LLVM/MLIR 19, lit, FileCheck
  libfmt-dev libgtest-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  python3-numpy python3-torch python3-torchvision python3-sklearn  # the numerical reference
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi
