#!/usr/bin/env bash
# The README's second command: install, build, and run every test through
# CTest: unit tests, the mini kernel end-to-end tests and the real-kernel
# boot test (label "kernel"; the first run on a machine builds two 6.12
# kernels into /var/cache/sysgc, ~25 minutes with 2 cores).
# Extra arguments go to ctest (e.g. -LE kernel to skip the kernel test).
set -euo pipefail
cd "$(dirname "$0")/.."
SYSGC_WITH_KERNEL_DEPS=1 scripts/install-deps.sh
scripts/build.sh build
cd build
ctest --output-on-failure -j"${SYSGC_JOBS:-2}" "$@"
