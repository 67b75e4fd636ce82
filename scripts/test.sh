#!/usr/bin/env bash
# The README's second command: install, build, and run every test through
# CTest, twice:
#  1. build/      the normal build: every test. Unit tests, fuzz-target
#                 regression inputs, the mini-kernel, robustness, report,
#                 cost/why, scan and package end-to-end tests, and the
#                 real-kernel tests (label "kernel": x86-64, riscv64,
#                 arm64, arm; the post-link step and the Buildroot/Yocto
#                 recipes; the first run on a machine builds their kernels
#                 into /var/cache/sysgc);
#  2. build-san/  the same suite built with ASan+UBSan and libFuzzer
#                 instrumentation, plus each fuzz target for
#                 SYSGC_FUZZ_SECONDS (30) from its seeds (label "fuzz").
#                 Of the kernel tests only cost_why_kernel runs again here
#                 (sysgc-ld under ASan on the rich x86-64 and arm collect
#                 kernels): the boots already ran in pass 1, and CI's cold
#                 run must fit its 90 minutes (README: "CI time").
# SYSGC_SANITIZE=0 skips the second pass. Extra arguments go to ctest
# (e.g. -LE kernel to skip the kernel tests).
set -euo pipefail
cd "$(dirname "$0")/.."
SYSGC_WITH_KERNEL_DEPS=1 scripts/install-deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure -j"${SYSGC_JOBS:-2}" "$@")
if [ "${SYSGC_SANITIZE:-1}" != 0 ]; then
  scripts/build.sh build-san -DSYSGC_FUZZ=ON
  (cd build-san && ctest --output-on-failure -j"${SYSGC_JOBS:-2}" -LE kernel "$@" &&
   ctest --output-on-failure -R '^cost_why_kernel$' "$@")
fi
