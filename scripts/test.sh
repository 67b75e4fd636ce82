#!/usr/bin/env bash
# The README's second command: install, build, and run every test through
# CTest, twice:
#  1. build/      the normal build: unit tests, fuzz-target regression
#                 inputs, the mini kernel and robustness end-to-end tests
#                 and the real-kernel boot test (label "kernel"; the first
#                 run on a machine builds two 6.12 kernels into
#                 /var/cache/sysgc, ~25 minutes with 2 cores);
#  2. build-san/  the same suite built with ASan+UBSan and libFuzzer
#                 instrumentation, plus each fuzz target for
#                 SYSGC_FUZZ_SECONDS (30) from its seeds (label "fuzz").
# SYSGC_SANITIZE=0 skips the second pass. Extra arguments go to ctest
# (e.g. -LE kernel to skip the kernel test).
set -euo pipefail
cd "$(dirname "$0")/.."
SYSGC_WITH_KERNEL_DEPS=1 scripts/install-deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure -j"${SYSGC_JOBS:-2}" "$@")
if [ "${SYSGC_SANITIZE:-1}" != 0 ]; then
  scripts/build.sh build-san -DSYSGC_FUZZ=ON
  (cd build-san && ctest --output-on-failure -j"${SYSGC_JOBS:-2}" "$@")
fi
