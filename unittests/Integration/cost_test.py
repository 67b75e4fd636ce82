#!/usr/bin/env python3
"""End-to-end tests of `sysgc cost` and `sysgc why` on the mini kernel.

Each number is checked against something computed without sysgc cost:
  - the allowlist prediction against what sysgc-ld removes (its JSON
    report's totals) on every link shape and several allowlists, and the
    removed function bytes against llvm-nm-22 on the linked outputs
    (plain ld.lld-22 against sysgc-ld);
  - each syscall's exclusive bytes against sysgc-ld's report for an
    allowlist naming every other syscall, less the one naming all;
  - `sysgc why` against lld 22's own --why-live on the link sysgc-ld makes
    (--why-live passed through sysgc-ld to its lld): both must agree on
    which syscall code lives, and the root of sysgc why's chain must be on
    lld's chain. The two define "live" differently for code no syscall
    reaches (see docs: sysgc keeps all of it, lld's --gc-sections only what
    its roots reach), so those symbols are only counted, not compared.
A recorded link (SYSGC_RECORD) must give the same answers as its
arguments. RealKernel (its own CTest, label "kernel") does the
prediction on a copy of a cached 6.12 build tree.

Environment: SYSGC (the sysgc binary), SYSGC_LD (sysgc-ld).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "mini-kernel"))
import mk  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "linux"))
import embedded  # noqa: E402

SYSGC_LD = os.environ.get("SYSGC_LD", os.path.join(ROOT, "build/tools/sysgc-ld/sysgc-ld"))
SYSGC = os.environ.get("SYSGC", os.path.join(ROOT, "build/tools/sysgc/sysgc"))
LLD = "ld.lld-22"
TOTALS = ("removed_sections", "removed_section_bytes", "removed_functions",
          "removed_function_bytes", "removed_object_bytes")

IMPLEMENTED = ["read", "write", "open", "close", "stat", "fstat", "lseek",
               "mmap", "brk", "getpid", "socket", "connect", "uname", "fcntl",
               "getcwd", "mkdir", "gettimeofday", "getuid", "time", "futex",
               "clock_gettime", "openat", "getcpu"]
ALLOWLISTS = {
    "empty": [],
    "one": ["getpid"],
    "typical": ["read", "write", "openat", "close", "fstat", "mmap", "brk",
                "uname", "getpid", "exit_group", "futex", "clock_gettime"],
    "all": IMPLEMENTED,
}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def function_bytes(path):
    """Sum of the sizes of the defined function symbols, by llvm-nm-22."""
    out = run(["llvm-nm-22", "-S", "--defined-only", path])
    assert out.returncode == 0, out.stderr
    total = 0
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            total += int(parts[1], 16)
    return total


class MiniKernelCost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-cost-")
        cls.objs = os.path.join(cls.tmp, "objs")
        mk.build(cls.objs)
        cls.allow = {}
        for name, names in ALLOWLISTS.items():
            cls.allow[name] = cls.write_allow(name, names)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write_allow(cls, name, names):
        path = os.path.join(cls.tmp, name + ".allow")
        with open(path, "w") as f:
            f.write("".join(n + "\n" for n in names))
        return path

    def args(self, variant, out):
        return mk.link_args(self.objs, variant, os.path.join(self.tmp, out))

    def cost(self, variant, *opts, fmt="json"):
        r = run([SYSGC, "cost", "--format", fmt] + list(opts) + ["--"] +
                self.args(variant, "cost-" + variant))
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout) if fmt == "json" else r.stdout

    def shrink(self, variant, allow, out, extra=()):
        report = os.path.join(self.tmp, out + ".json")
        r = run([SYSGC_LD] + self.args(variant, out) +
                ["--sysgc-allow=" + allow, "--sysgc-report=" + report,
                 "--sysgc-report-timings=no", "--sysgc-cache=off",
                 "--sysgc-quiet"] + list(extra))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(report) as f:
            return json.load(f), r

    def test_prediction_equals_what_sysgc_ld_removes(self):
        for variant in ("archive", "vmlinux", "gc"):
            for name, path in self.allow.items():
                with self.subTest(variant=variant, allowlist=name):
                    pred = self.cost(variant, "--allow", path)["predicted"]
                    rep, _ = self.shrink(variant, path, "out-%s-%s" % (variant, name))
                    self.assertEqual({k: pred[k] for k in TOTALS},
                                     {k: rep["totals"][k] for k in TOTALS})

    def test_predicted_function_bytes_against_llvm_nm(self):
        # Retain mode: the plain link keeps everything, so the function
        # bytes the two outputs differ by are exactly what sysgc-ld removed.
        # Only the vmlinux shape: in the archive shape sys_ni.o's weak stubs
        # that a syscall's strong definition overrides stay in the plain
        # link as bytes, but no output symbol names them, so llvm-nm cannot
        # see them go (the report counts every sized symbol of a removed
        # section, as sysgc cost does).
        for variant in ("vmlinux",):
            plain = os.path.join(self.tmp, "plain-" + variant)
            self.assertEqual(mk.link(self.objs, variant, LLD, plain).returncode, 0)
            for name in ("typical", "empty"):
                with self.subTest(variant=variant, allowlist=name):
                    pred = self.cost(variant, "--allow", self.allow[name])["predicted"]
                    out = "nm-%s-%s" % (variant, name)
                    self.shrink(variant, self.allow[name], out)
                    diff = function_bytes(plain) - function_bytes(os.path.join(self.tmp, out))
                    self.assertGreater(diff, 0)
                    self.assertEqual(pred["removed_function_bytes"], diff)

    def test_each_syscall_alone_against_sysgc_ld(self):
        # An allowlist of every syscall the mini kernel has but one, linked
        # by sysgc-ld: what it removes beyond the full allowlist is that
        # syscall's exclusive bytes.
        costs = {(s["abi"], s["name"]): s for s in self.cost("archive")["syscalls"]}
        base, _ = self.shrink("archive", self.allow["all"], "single-all")
        nonzero = 0
        for name in IMPLEMENTED:
            with self.subTest(syscall=name):
                allow = self.write_allow("but-" + name, [n for n in IMPLEMENTED if n != name])
                rep, _ = self.shrink("archive", allow, "single-" + name)
                want = (rep["totals"]["removed_section_bytes"] -
                        base["totals"]["removed_section_bytes"])
                self.assertEqual(costs[("x64", name)]["exclusive_bytes"], want)
                self.assertEqual(
                    costs[("x64", name)]["exclusive_function_bytes"],
                    rep["totals"]["removed_function_bytes"] -
                    base["totals"]["removed_function_bytes"])
                nonzero += want > 0
        self.assertGreater(nonzero, 10)
        # Called by emulate_vsyscall: removing them frees nothing.
        for name in ("time", "gettimeofday", "getcpu"):
            self.assertEqual(costs[("x64", name)]["state"], "pinned")
            self.assertEqual(costs[("x64", name)]["exclusive_bytes"], 0)

    def test_formats_are_stable(self):
        a = run([SYSGC, "cost", "--format", "json", "--allow", self.allow["typical"], "--"] +
                self.args("vmlinux", "x"))
        b = run([SYSGC, "cost", "--format", "json", "--allow", self.allow["typical"], "--"] +
                self.args("vmlinux", "x"))
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)
        j = json.loads(a.stdout)
        self.assertEqual(j["schema"], "sysgc-cost/1")
        self.assertEqual(list(j), ["schema", "arch", "mode", "gc", "output", "allowlist",
                                   "all_removed", "all_kept", "predicted", "syscalls",
                                   "warnings"])
        rows = j["syscalls"]
        self.assertEqual(list(rows[0]), ["abi", "nr", "name", "entry", "state", "allowed",
                                         "exclusive_bytes", "exclusive_sections",
                                         "exclusive_function_bytes", "shared_bytes",
                                         "shared_sections", "exclusive_functions"])
        for r in rows:  # the functions listed are the bytes counted
            self.assertEqual(sum(f["size"] for f in r["exclusive_functions"]),
                             r["exclusive_function_bytes"], r["name"])
        keys = [(-r["exclusive_bytes"], -r["shared_bytes"], r["abi"], r["nr"]) for r in rows]
        self.assertEqual(keys, sorted(keys))
        csv = self.cost("vmlinux", "--allow", self.allow["typical"], fmt="csv").splitlines()
        self.assertEqual(csv[0], ",".join(k for k in rows[0] if k != "exclusive_functions"))
        self.assertEqual(len(csv), len(rows) + 1)
        first = csv[1].split(",")
        self.assertEqual(first[:3], [rows[0]["abi"], str(rows[0]["nr"]), rows[0]["name"]])
        text = self.cost("vmlinux", "--allow", self.allow["typical"], "--limit", "0", fmt="text")
        self.assertIn("sysgc-ld removes %d bytes" % j["predicted"]["removed_section_bytes"], text)
        self.assertEqual(len([l for l in text.splitlines() if re.match(r"\s+\d+\s+\d+ x64 ", l)]),
                         len(rows))

    def test_recorded_link_gives_the_same_answers(self):
        rec = os.path.join(self.tmp, "links.jsonl")
        args = self.args("archive", "recorded")
        r = run([SYSGC_LD] + args + ["--sysgc-allow=" + self.allow["typical"],
                                     "--sysgc-cache=off", "--sysgc-quiet"],
                env=dict(os.environ, SYSGC_RECORD=rec), cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        direct = run([SYSGC, "cost", "--format", "json", "--allow", self.allow["typical"], "--"] + args)
        replay = run([SYSGC, "cost", "--format", "json", "--allow", self.allow["typical"],
                      "--record", rec])
        self.assertEqual(replay.returncode, 0, replay.stderr)
        self.assertEqual(json.loads(direct.stdout), json.loads(replay.stdout))
        why = run([SYSGC, "why", "fdget", "--record", rec, "--format", "json",
                   "--allow", self.allow["typical"]])
        self.assertEqual(why.returncode, 0, why.stderr)
        self.assertEqual(json.loads(why.stdout)["verdict"], "live")
        bad = run([SYSGC, "cost", "--record", rec, "--link", "5"])
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("no link 5", bad.stderr)

    def why(self, variant, symbol, *opts):
        r = run([SYSGC, "why", symbol, "--format", "json"] + list(opts) + ["--"] +
                self.args(variant, "why"))
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_why_pinned_syscall_says_what_the_report_says(self):
        rep, _ = self.shrink("vmlinux", self.allow["typical"], "pinned")
        reasons = {k["entry"]: k["reason"] for k in rep["kept_alive"]}
        w = self.why("vmlinux", "__x64_sys_time", "--allow", self.allow["typical"])
        self.assertEqual(w["verdict"], "live")
        self.assertEqual([p["reason"] for p in w["pinned"]], [reasons["__x64_sys_time"]])
        self.assertEqual(w["chain"][-1]["target"], "__x64_sys_time")
        self.assertEqual(w["chain"][0]["from_symbol"], "emulate_vsyscall")
        # The allowlist may come among the linker's arguments too.
        args = self.args("vmlinux", "why") + ["--sysgc-allow=" + self.allow["typical"]]
        r = run([SYSGC, "why", "__x64_sys_time", "--format", "json", "--"] + args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), w)

    def lld_why_live(self, output):
        """{symbol: [referrers...]} from lld's --why-live lines."""
        chains, cur = {}, None
        for line in output.splitlines():
            m = re.match(r"live symbol: .*:\((\S+)\)$", line)
            if m:
                cur = m.group(1)
                chains[cur] = []
                continue
            m = re.match(r">>> referenced by: .*:\((\S+)\)", line)
            if m and cur:
                chains[cur].append(m.group(1))
        return chains

    def test_why_against_plain_lld_gc(self):
        """Plain ld.lld-22 --gc-sections on the gc shape, no allowlist:
        whatever sysgc why explains by a chain lld keeps too; what lld
        collects, sysgc calls a root (it keeps all code outside syscalls).
        The KEEP'd back-reference tables are roots for plain lld and pin
        the functions they name, which sysgc-ld's pieces do not."""
        funcs = sorted({l.split()[-1] for l in run(
            ["llvm-nm-22", "--defined-only", os.path.join(self.objs, "vmlinux.o")]).stdout.splitlines()
            if l.split()[1] in "tT"})
        r = run([LLD] + self.args("gc", "plain-whylive") + ["--why-live=" + f for f in funcs])
        self.assertEqual(r.returncode, 0, r.stderr)
        lld = self.lld_why_live(r.stdout + r.stderr)
        live = collected = by_table = 0
        for f in funcs:
            w = self.why("gc", f)
            with self.subTest(symbol=f, verdict=w["verdict"]):
                self.assertNotEqual(w["verdict"], "removed")  # nothing removed
                if w["verdict"] == "live":
                    live += 1
                    self.assertIn(f, lld)
                if f not in lld:
                    collected += 1
                    self.assertEqual(w["verdict"], "root")
                elif lld[f] and lld[f][0] in ("__ex_table", ".orc_unwind_ip"):
                    by_table += 1
        self.assertGreater(live, 20)
        self.assertGreater(by_table, 0)
        print("plain lld --gc-sections: %d sysgc-live agree, %d collected by lld "
              "(sysgc roots), %d first held by a KEEP'd table" % (live, collected, by_table))

    def test_why_against_lld_why_live(self):
        """lld 22's --why-live on the very link sysgc-ld makes (gc shape:
        sysgc-ld hands lld --gc-sections and the split tables)."""
        allow = self.allow["typical"]
        funcs = sorted({l.split()[-1] for l in run(
            ["llvm-nm-22", "--defined-only", os.path.join(self.objs, "vmlinux.o")]).stdout.splitlines()
            if l.split()[1] in "tT"})
        self.assertGreater(len(funcs), 40)
        _, r = self.shrink("gc", allow, "whylive",
                           extra=["--why-live=" + f for f in funcs])
        lld_chain = self.lld_why_live(r.stdout + r.stderr)
        self.assertIn("fdget", lld_chain)
        answers = {f: self.why("gc", f, "--allow", allow) for f in funcs}
        sysgc_roots = {f for f, w in answers.items() if w["verdict"] == "root"}
        compared = roots = same_root = 0
        for f in funcs:
            w = answers[f]
            with self.subTest(symbol=f, verdict=w["verdict"]):
                # The chain is connected and ends at the symbol's section.
                for a, b in zip(w["chain"], w["chain"][1:]):
                    self.assertEqual(a["to_section"], b["from_section"])
                if w["chain"]:
                    self.assertEqual(w["chain"][-1]["to_section"], w["section"])
                if w["verdict"] == "root":
                    roots += 1  # sysgc keeps it; lld may collect it
                    continue
                compared += 1
                self.assertEqual(w["verdict"] == "live", f in lld_chain,
                                 "sysgc why says %s, lld --why-live %s" %
                                 (w["verdict"], lld_chain.get(f)))
                if w["verdict"] == "live":
                    # lld's chain is one path to f; from the first section
                    # on it that sysgc counts as a root, it is a path in
                    # sysgc's graph too, so sysgc's (shortest) is no longer.
                    lld = lld_chain[f]
                    k = next(i + 1 for i, s in enumerate(lld) if s in sysgc_roots)
                    self.assertLessEqual(len(w["chain"]), k, lld)
                    same_root += w["chain"][0]["from_symbol"] in lld
        self.assertGreater(compared, 25)
        self.assertGreater(roots, 5)
        # Mostly the very same root (several paths of one length exist).
        live = sum(1 for w in answers.values() if w["verdict"] == "live")
        self.assertGreater(same_root, live * 3 // 4, (same_root, live))
        print("why vs lld --why-live: %d symbols compared, %d live, %d with "
              "lld's root, %d roots of sysgc only" % (compared, live, same_root, roots))


def relink_recorded(rec, out, extra):
    """sysgc-ld on the last link of a record, written to out."""
    with open(rec) as f:
        link = [json.loads(l) for l in f if l.strip()][-1]
    args = list(link["args"])
    i = args.index("-o")
    del args[i:i + 2]
    return run([SYSGC_LD] + args + ["-o", out] + extra, cwd=link["cwd"])


class RealKernel(unittest.TestCase):
    """A copy of a cached 6.12 build tree (never the cache itself) relinked
    through sysgc-ld with SYSGC_RECORD, by the make command the tree was
    built with (.sysgc-make, its LD= unchanged: the cache's ld.sysgc,
    which embedded.build() points at this SYSGC_LD, so that Kbuild
    compiles no kernel object and relinks only vmlinux): the recorded final
    link's prediction must equal that link's report, and a few syscalls
    alone must equal sysgc-ld's removals."""

    def check_tree(self, spec, allow_name):
        # The tree of this spec's current key (built if absent), with the
        # cache's ld.sysgc pointing at SYSGC_LD.
        cached = embedded.build(*spec.split("/"))
        allow = os.path.join(ROOT, "test-inputs", "linux", allow_name)
        work = tempfile.mkdtemp(prefix="sysgc-cost-kernel-", dir="/var/tmp")
        try:
            tree = os.path.join(work, "tree")
            subprocess.run(["cp", "-a", cached, tree], check=True)
            if os.path.exists(os.path.join(tree, "vmlinux")):
                os.remove(os.path.join(tree, "vmlinux"))
            with open(os.path.join(tree, ".sysgc-make")) as f:
                make = [l for l in f.read().splitlines() if l]
            make = ["O=" + tree if a.startswith("O=") else
                    tree if a == cached else a for a in make]
            rec = os.path.join(work, "links.jsonl")
            report = os.path.join(work, "report.json")
            env = {k: v for k, v in os.environ.items() if not k.startswith("SYSGC_")}
            with open(os.path.join(tree, ".sysgc-env")) as f:
                for line in f.read().splitlines():
                    k, _, v = line.partition("=")
                    if k:
                        env[k] = v
            env["CCACHE_DIR"] = os.path.join(work, "ccache")  # never the shared one
            env.update(SYSGC_ALLOW=allow, SYSGC_REPORT=report, SYSGC_RECORD=rec,
                       SYSGC_REPORT_TIMINGS="no")
            r = run(make + ["vmlinux"], env=env)
            log = r.stdout + r.stderr
            self.assertEqual(r.returncode, 0, log[-4000:])
            # objtool (a host tool, x86) rebuilds in a moved tree: its
            # build records absolute paths. No kernel object may compile.
            self.assertEqual([f for f in embedded.rebuilt_steps(log)
                              if "/tools/objtool/" not in f], [], "the relink compiled")
            with open(report) as f:
                rep = json.load(f)
            t0 = time.monotonic()
            c = run([SYSGC, "cost", "--format", "json", "--allow", allow, "--record", rec,
                     "--timings"])
            seconds = time.monotonic() - t0
            self.assertEqual(c.returncode, 0, c.stderr)
            pred = json.loads(c.stdout)["predicted"]
            self.assertEqual({k: pred[k] for k in TOTALS},
                             {k: rep["totals"][k] for k in TOTALS})
            print("%s: predicted %d bytes = removed; sysgc cost %.2f s (%s)" %
                  (spec, pred["removed_section_bytes"], seconds, c.stderr.strip()))
            self.single_syscalls(work, rec, json.loads(c.stdout)["syscalls"])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_x86_64_rich(self):
        self.check_tree("x86_64/rich", "busybox-workload.allow")

    def test_arm_collect(self):
        # --gc-sections (LD_DEAD_CODE_DATA_ELIMINATION), REL relocations.
        self.check_tree("arm/collect", "arm-workload.allow")

    def single_syscalls(self, work, rec, rows):
        """A few syscalls alone (the largest, a pinned one, two that own
        nothing): cost = sysgc-ld's removal for every syscall but it, less
        its removal for every syscall."""
        names = sorted({(r["abi"], r["name"]) for r in rows})

        def removed(skip):
            allow = os.path.join(work, "single.allow")
            with open(allow, "w") as f:
                f.write("".join("%s:%s\n" % n for n in names if n != skip))
            report = os.path.join(work, "single.json")
            r = relink_recorded(rec, os.path.join(work, "single.out"),
                                ["--sysgc-allow=" + allow, "--sysgc-allow-unknown",
                                 "--sysgc-report=" + report, "--sysgc-quiet",
                                 "--sysgc-cache=off", "--sysgc-report-timings=no"])
            self.assertEqual(r.returncode, 0, r.stderr[-3000:])
            with open(report) as f:
                return json.load(f)["totals"]["removed_section_bytes"]

        base = removed(None)
        picks = ([r for r in rows if r["exclusive_bytes"] > 0][:3] +
                 [r for r in rows if r["state"] == "pinned"][:1] +
                 [r for r in rows if r["exclusive_bytes"] == 0 and r["shared_bytes"] > 0][:2])
        self.assertGreaterEqual(len(picks), 4)
        for r in picks:
            with self.subTest(syscall=r["abi"] + ":" + r["name"]):
                self.assertEqual(removed((r["abi"], r["name"])) - base, r["exclusive_bytes"])


if __name__ == "__main__":
    unittest.main()
