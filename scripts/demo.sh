#!/usr/bin/env bash
# The README's first command: install, build, and shrink the built-in mini
# kernel with the allowlist `sysgc scan` writes from its userspace (a small
# static C program against the host's glibc, test-inputs/mini-kernel/user);
# print the before/after summary and the report's path, then run the plain
# and the shrunk program: the shrunk one's self-check must pass, every
# syscall the scanned list keeps must behave as in the plain build and every
# other one must return -ENOSYS through both dispatchers.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/install-deps.sh
scripts/build.sh build >/dev/null
BIN=$ROOT/build/tools
OUT=$ROOT/out/demo
rm -rf "$OUT"
mkdir -p "$OUT"
MK=test-inputs/mini-kernel
ALLOW=$OUT/scanned.allow

echo "== building the mini kernel (clang-22, -ffunction-sections -fdata-sections)"
python3 $MK/mk.py build "$OUT/objs"

echo "== building its userspace ($MK/user/init.c, static, host glibc) into $OUT/rootfs"
python3 $MK/mk.py user "$OUT/rootfs" >/dev/null

echo "== sysgc scan --root $OUT/rootfs -o $ALLOW"
"$BIN/sysgc/sysgc" scan --root "$OUT/rootfs" -o "$ALLOW"
grep '^#' "$ALLOW" | sed 's/^/  /'
echo "  $(grep -v '^#' "$ALLOW" | sed 's/^x64://' | tr '\n' ' ')"

echo "== plain link with ld.lld-22"
python3 $MK/mk.py link "$OUT/objs" vmlinux ld.lld-22 "$OUT/plain"

echo "== the same link through sysgc-ld with the scanned list"
python3 $MK/mk.py link "$OUT/objs" vmlinux "$BIN/sysgc-ld/sysgc-ld" "$OUT/shrunk" \
  --sysgc-allow="$ALLOW" --sysgc-report="$OUT/report.json"

# For comparison: the hand-written list of a typical small static program.
python3 $MK/mk.py link "$OUT/objs" vmlinux "$BIN/sysgc-ld/sysgc-ld" "$OUT/hand" \
  --sysgc-allow=$MK/demo.allow --sysgc-report="$OUT/hand.json" >/dev/null 2>&1

size_of() { "$BIN/sysgc/sysgc" symbols --json "$1" |
  python3 -c 'import json,sys; print(sum(s["size"] for s in json.load(sys.stdin) if s["kind"]=="function"))'; }
echo "== function bytes: plain $(size_of "$OUT/plain"), shrunk $(size_of "$OUT/shrunk")" \
     "(hand-written $MK/demo.allow: $(size_of "$OUT/hand"))"

echo "== running the plain and the shrunk program"
"$OUT/plain" > "$OUT/plain.out" || { cat "$OUT/plain.out"; echo "demo: plain self-check FAILED"; exit 1; }
"$OUT/shrunk" > "$OUT/shrunk.out" || { cat "$OUT/shrunk.out"; echo "demo: self-check FAILED"; exit 1; }
grep -E "^(extable|unwind|selfcheck)" "$OUT/shrunk.out"
grep -E "^syscall nr=(0|1|39|41|42|63|201) " "$OUT/shrunk.out" | sed 's/^/  /'
"$BIN/sysgc/sysgc" syscalls --abi x64 > "$OUT/x64.tbl"
python3 - "$OUT/plain.out" "$OUT/shrunk.out" "$ALLOW" "$OUT/x64.tbl" <<'PY'
import sys
def results(path):
    return {int(l.split()[1][3:]): l.split()[2:4] for l in open(path) if l.startswith("syscall ")}
plain, shrunk = results(sys.argv[1]), results(sys.argv[2])
allowed = {l.strip().split(":", 1)[1] for l in open(sys.argv[3]) if l.strip() and l[0] != "#"}
names = {int(l.split()[1]): l.split()[2] for l in open(sys.argv[4])}
enosys = ["table=-38", "switch=-38"]
implemented = sorted(nr for nr, r in plain.items() if r != enosys)
kept = [nr for nr in implemented if names[nr] in allowed]
bad = [nr for nr in plain if shrunk.get(nr) != (plain[nr] if nr in kept else enosys)]
print("  the mini kernel implements %d syscalls; the scanned list keeps %d: %s"
      % (len(implemented), len(kept), " ".join(names[n] for n in kept)))
print("  removed, -ENOSYS now: %s" % " ".join(names[n] for n in implemented if n not in kept))
print("  %d of %d syscall numbers return -ENOSYS through both dispatchers"
      % (sum(1 for r in shrunk.values() if r == enosys), len(shrunk)))
if bad:
    sys.exit("demo: syscalls %s do not behave as the scanned list says" % bad)
PY

echo "== whole-kernel collection: the same link with --sysgc-gc=full"
python3 $MK/mk.py link "$OUT/objs" vmlinux "$BIN/sysgc-ld/sysgc-ld" "$OUT/full" \
  --sysgc-allow="$ALLOW" --sysgc-gc=full --sysgc-report="$OUT/full.json" 2>&1 |
  grep "full mode" || { echo "demo: full-mode link FAILED"; exit 1; }
"$OUT/full" > "$OUT/full.out" || { cat "$OUT/full.out"; echo "demo: full-mode self-check FAILED"; exit 1; }
# The same syscall answers as the syscall-scoped kernel, less code.
cmp -s <(grep "^syscall " "$OUT/shrunk.out") <(grep "^syscall " "$OUT/full.out") ||
  { echo "demo: full mode answers syscalls differently"; exit 1; }
echo "  function bytes: full $(size_of "$OUT/full"); the same syscall answers, self-check passes"
echo "== report: $OUT/report.json (full mode: $OUT/full.json)"
echo "demo: OK"
