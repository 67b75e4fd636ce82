#!/usr/bin/env bash
# The README's first command: install, build, and shrink the built-in mini
# kernel with a bundled allowlist; print the before/after summary and the
# report's path, then run the shrunk program (its self-check must pass and
# its removed syscalls must return -ENOSYS).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/install-deps.sh
scripts/build.sh build >/dev/null
OUT=$ROOT/out/demo
rm -rf "$OUT"
mkdir -p "$OUT"
MK=test-inputs/mini-kernel
ALLOW=$MK/demo.allow

echo "== building the mini kernel (clang-22, -ffunction-sections -fdata-sections)"
python3 $MK/mk.py build "$OUT/objs"

echo "== plain link with ld.lld-22"
python3 $MK/mk.py link "$OUT/objs" vmlinux ld.lld-22 "$OUT/plain"

echo "== the same link through sysgc-ld with $ALLOW"
python3 $MK/mk.py link "$OUT/objs" vmlinux build/tools/sysgc-ld/sysgc-ld "$OUT/shrunk" \
  --sysgc-allow="$ALLOW" --sysgc-report="$OUT/report.json"

size_of() { build/tools/sysgc/sysgc symbols --json "$1" |
  python3 -c 'import json,sys; print(sum(s["size"] for s in json.load(sys.stdin) if s["kind"]=="function"))'; }
echo "== function bytes: plain $(size_of "$OUT/plain"), shrunk $(size_of "$OUT/shrunk")"

echo "== running the shrunk program"
"$OUT/shrunk" > "$OUT/shrunk.out" || { cat "$OUT/shrunk.out"; echo "demo: self-check FAILED"; exit 1; }
grep -E "^(extable|unwind|selfcheck)" "$OUT/shrunk.out"
grep -E "^syscall nr=(0|1|39|41|42|63|201) " "$OUT/shrunk.out" | sed 's/^/  /'
python3 - "$OUT/shrunk.out" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.startswith("syscall ")]
enosys = sum(1 for l in lines if l[2] == "table=-38" and l[3] == "switch=-38")
print("  %d of %d syscall numbers return -ENOSYS through both dispatchers" % (enosys, len(lines)))
PY
echo "== report: $OUT/report.json"
echo "demo: OK"
