#!/usr/bin/env bash
# The README's second command: install, build, and run every test (unit
# tests and the end-to-end mini kernel tests) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
cd build
ctest --output-on-failure -j"${SYSGC_JOBS:-2}" "$@"
