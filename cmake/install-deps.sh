#!/usr/bin/env bash
# Installs the Debian 12 packages the build needs; does nothing when all are present.
set -euo pipefail
packages=(cmake make g++ pkg-config ccache openssl python3
          libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libfmt-dev libssl-dev libpcre2-dev libgtest-dev libgmock-dev
          curl python3-proxmoxer python3-requests # third-party clients the simulator is checked with
          clang-14 libclang-rt-14-dev             # libFuzzer (make fuzz, the smoke run of make test)
          clang-format-14)                        # make format-check, run by make test
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
