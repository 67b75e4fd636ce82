#!/usr/bin/env python3
"""The embedded build recipes: the Buildroot br2-external tree
(utils/buildroot) and the Yocto layer (utils/yocto/meta-sysgc), checked as
far as CI can without Buildroot, BitBake or a network.

  * The files are well-formed: every Config.in symbol external.mk uses is
    declared, every file Config.in sources exists, the br2-external name
    is the one its variables use, the host package is a host-cmake-package;
    the layer's BBFILES match its recipes, the bbappend's DEPENDS names the
    native recipe's PN (which inherits cmake and native), PV is sysgc's
    version. Every SYSGC_* name the recipes use is either an sysgc-ld
    environment variable (include/sysgc/Link/SysgcOptions.def) or one the
    recipes assign themselves: a misspelt SYSGC_ALOW fails here.
  * The variables are the ones a user copies, evaluated as the build
    systems would: external.mk is included by GNU make after a stand-in
    for what linux/linux.mk has defined by then (Buildroot includes
    br2-external makefiles after linux.mk) and LINUX_MAKE_FLAGS,
    LINUX_MAKE_ENV and the pre-build hook are read back; the bbappend's
    assignments are applied over kernel.bbclass's defaults by a small
    BitBake-syntax reader, its anonymous python runs against a datastore
    stand-in and its do_compile:prepend runs in sh.
  * The kernel make each composes runs on a copy of the cached arm/tiny
    tree (embedded.build): Kbuild's command with the recipe's LLVM=, LD=,
    KCFLAGS and environment in place of the tree's own (the tree keeps its
    compiler, which stands for the build system's). The first make turns
    the cached tree (LD=the cache's ld.sysgc) into a recipe-built one:
    only what LD's command line changes may rebuild (the vDSO). Then a new
    allowlist relinks through the recipe's own relink logic: sysgc-ld's
    summary line, fewer syscalls kept, nothing compiled. An unchanged
    allowlist relinks nothing.

SYSGC_RECIPES_BUILDROOT / SYSGC_RECIPES_YOCTO point the test at other
copies of the two trees (to see it fail on a broken one).
"""
import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test-inputs", "linux"))
import embedded  # noqa: E402

BR = os.environ.get("SYSGC_RECIPES_BUILDROOT", os.path.join(ROOT, "utils", "buildroot"))
YOCTO = os.environ.get("SYSGC_RECIPES_YOCTO", os.path.join(ROOT, "utils", "yocto", "meta-sysgc"))
OPTIONS_DEF = os.path.join(ROOT, "include", "sysgc", "Link", "SysgcOptions.def")
SPEC = "arm/tiny"
SUMMARY = re.compile(r"^sysgc-ld: \S+ \S+: kept (\d+) of (\d+) implemented syscalls", re.M)
# What changing LD= on a finished tree rebuilds besides the links (the
# vDSO's link command names $(LD); see the README's post-link step).
LD_CHANGE_MAY_BUILD = re.compile(r"^arch/[a-z0-9]+/(vdso/|kernel/vdso|kernel/(alternative|signal)\.o)")
FUNCTION_SECTIONS = ["-ffunction-sections", "-fdata-sections"]


def read(path):
    with open(path) as f:
        return f.read()


def sysgc_env_names():
    """The environment variables sysgc-ld reads (SysgcOptions.def)."""
    return set(re.findall(r'SYSGC_OPTION\(\s*\w+,\s*"[^"]*",\s*"(SYSGC_[A-Z_]+)"',
                          read(OPTIONS_DEF)))


def files_under(top):
    for d, _, names in os.walk(top):
        for n in sorted(names):
            yield os.path.join(d, n)


# ------------------------------------------------------------ BitBake syntax

ASSIGN = re.compile(r'^(export\s+)?([A-Za-z0-9_${}\-+.~/]+(?::[A-Za-z0-9_\-${}]+)*)'
                    r'(\[[A-Za-z0-9_-]+\])?\s*(\?\?=|\?=|:=|\+=|=\+|\.=|=\.|=)\s*'
                    r'(["\'])(.*)\5\s*$', re.S)


class Bitbake:
    """The statements of a .bb/.bbappend/.conf file: assignments (with
    operator, override and flag), shell functions and python blocks. Enough
    for files written in the plain style these are; not BitBake."""

    def __init__(self, text):
        self.assignments, self.functions, self.python = [], {}, []
        lines = text.replace("\\\n", " ").splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            m = re.match(r"^(python\s*(\w[\w:-]*)?\s*\(\)|(\w[\w:-]*)\s*\(\))\s*\{\s*$", s)
            if m:
                body = []
                while i < len(lines) and lines[i].rstrip() != "}":
                    body.append(lines[i])
                    i += 1
                i += 1
                if s.startswith("python"):
                    self.python.append((m.group(2) or "", "\n".join(body)))
                else:
                    self.functions[m.group(3)] = "\n".join(body)
                continue
            m = re.match(r"^(inherit|require|include)\s+(.*)$", s)
            if m:
                self.assignments.append((m.group(1), None, None, m.group(2).split(), False))
                continue
            m = ASSIGN.match(s)
            if not m:
                raise ValueError("cannot read this line: %r" % line)
            name, flag = m.group(2), (m.group(3) or "")[1:-1] or None
            self.assignments.append((name, flag, m.group(4), m.group(6), bool(m.group(1))))

    def names(self):
        return [a[0] for a in self.assignments if a[2] is not None]

    def inherits(self):
        return [c for a in self.assignments if a[0] == "inherit" for c in a[3]]


class Datastore:
    """A stand-in for BitBake's datastore: variables, flags, ${VAR} and
    ${@python} expansion, the assignment operators, one active override
    (OVERRIDES) and :append/:prepend/:remove."""

    def __init__(self, overrides=()):
        self.vars, self.flags, self.overrides = {}, {}, list(overrides)
        self.appends = {}

    def setVar(self, name, value):
        self.vars[name] = value

    def setVarFlag(self, name, flag, value):
        self.flags[(name, flag)] = value

    def getVarFlag(self, name, flag, expand=True):
        v = self.flags.get((name, flag))
        return self.expand(v) if (expand and v is not None) else v

    def getVar(self, name, expand=True):
        base, *ops = name.split(":")
        if ops:
            v = self.vars.get(name)
        else:
            v = self.vars.get(name)
            for o in self.overrides:
                if base + ":" + o in self.vars:
                    v = self.vars[base + ":" + o]
            for op, val in self.appends.get(base, []):
                if op == "append":
                    v = (v or "") + val
                elif op == "prepend":
                    v = val + (v or "")
                else:
                    v = " ".join(w for w in (v or "").split() if w not in val.split())
        if v is None:
            return None
        return self.expand(v) if expand else v

    def expand(self, s):
        for _ in range(20):
            t = re.sub(r"\$\{@([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}",
                       lambda m: str(eval(m.group(1), {"d": self, "os": os, "bb": _BB})), s)
            t = re.sub(r"\$\{([A-Za-z0-9_:\-]+)\}",
                       lambda m: self.getVar(m.group(1)) if self.getVar(m.group(1)) is not None
                       else m.group(0), t)
            if t == s:
                return t
            s = t
        return s

    def apply(self, parsed):
        for name, flag, op, value, export in parsed.assignments:
            if op is None:
                continue
            base, *ops = name.split(":")
            if ops and ops[-1] in ("append", "prepend", "remove"):
                self.appends.setdefault(base, []).append((ops[-1], value))
                continue
            if flag:
                old = self.flags.get((name, flag))
                self.flags[(name, flag)] = self._assign(old, op, value)
            else:
                self.vars[name] = self._assign(self.vars.get(name), op, value)
            if export:
                self.flags[(name, "export")] = "1"

    def _assign(self, old, op, value):
        if op in ("=", ":="):
            return self.expand(value) if op == ":=" else value
        if op in ("?=", "??="):
            return value if old is None else old
        if op == "+=":
            return value if old is None else old + " " + value
        if op == "=+":
            return value if old is None else value + " " + old
        if op == ".=":
            return (old or "") + value
        if op == "=.":
            return value + (old or "")
        raise ValueError(op)


class _BB:
    """The bb module as the bbappend's python uses it."""
    warnings = []

    @classmethod
    def warn(cls, msg):
        cls.warnings.append(msg)

    @staticmethod
    def fatal(msg):
        raise RuntimeError(msg)

    class utils:
        @staticmethod
        def contains(var, item, t, f, d):
            return t if item in (d.getVar(var) or "").split() else f


def run_python_block(body, d):
    """Run an anonymous python function's body against d."""
    src = "def _anon(d, bb):\n" + "\n".join("    " + l if l.strip() else l
                                              for l in body.splitlines()) + "\n"
    ns = {"os": os}
    exec(compile(src, "<bbappend python>", "exec"), ns)
    ns["_anon"](d, _BB)


# ------------------------------------------------------------ Kbuild runs

class Tree:
    """A copy of the cached arm/tiny tree and the command it was built with."""

    def __init__(self, tmp, name):
        arch, config = SPEC.split("/")
        cached = embedded.build(arch, config)
        self.path = os.path.join(tmp, name)
        with open(cached + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            subprocess.run(["cp", "-a", cached, self.path], check=True)
        make = embedded._read(cached, ".sysgc-make").splitlines()
        self.base = [self.path if a == cached else "O=" + self.path if a == "O=" + cached
                     else a for a in make]
        self.env = embedded._make_env(cached, {})
        self.image = os.path.basename(embedded._read(cached, ".sysgc-image").strip())

    def make(self, replace, flags, env, targets, path_first):
        """Kbuild with the tree's command, the variables named in replace
        dropped from it and flags added last (on make's command line the
        last assignment wins)."""
        cmd = [a for a in self.base if a.split("=", 1)[0] not in replace] + flags
        e = dict(self.env, **env)
        e["PATH"] = path_first + ":" + e["PATH"]
        log, t0 = "", time.monotonic()
        for target in targets:
            r = subprocess.run(cmd + [target], capture_output=True, text=True, env=e,
                               timeout=1800)
            log += r.stdout + r.stderr
            if r.returncode != 0:
                raise AssertionError("make %s failed:\n%s" % (target, log[-4000:]))
        return log, time.monotonic() - t0, embedded.rebuilt_steps(log)


def smaller_allowlist(src, dst, drop=("rename", "symlink", "rmdir", "chdir")):
    with open(src) as f, open(dst, "w") as g:
        for line in f:
            if line.split("#")[0].strip() not in drop:
                g.write(line)
    return dst


class Recipes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sysgc-recipes-")
        # sysgc-ld on PATH, as the .deb (/usr/bin) or a -native sysroot has it.
        cls.bin = os.path.join(cls.tmp, "bin")
        os.makedirs(cls.bin)
        os.symlink(embedded.SYSGC_LD, os.path.join(cls.bin, "sysgc-ld"))
        cls.allow = embedded.allowlist("arm")
        cls.smaller = smaller_allowlist(cls.allow, os.path.join(cls.tmp, "smaller.allow"))
        cls.env_names = sysgc_env_names()
        cls.times = {}
        cls._tree = None

    @classmethod
    def tree(cls):
        """The tree both kernel tests use (one copy: the first make after
        the copy is the slow one). Whichever runs first turns it into a
        sysgc-ld-built tree; each test relinks it with its own allowlists."""
        if cls._tree is None:
            cls._tree = Tree(cls.tmp, "tree")
        return cls._tree

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        print("times: " + ", ".join("%s %.1f s" % kv for kv in sorted(cls.times.items())),
              file=sys.stderr)

    # -------------------------------------------------------- Buildroot

    def br_files(self):
        return {os.path.relpath(p, BR): read(p) for p in files_under(BR)
                if not p.endswith(".md")}

    def test_buildroot_files(self):
        files = self.br_files()
        for f in ("external.desc", "Config.in", "external.mk"):
            self.assertIn(f, files)
        name = re.search(r"^name:\s*([A-Za-z0-9_]+)\s*$", files["external.desc"], re.M).group(1)
        used = set(re.findall(r"BR2_EXTERNAL_([A-Za-z0-9_]+?)_PATH", "".join(files.values())))
        self.assertEqual(used, {name}, "br2-external variables of another name")
        config = ""
        for f, text in files.items():
            if os.path.basename(f).startswith("Config.in"):
                config += text
                for src in re.findall(r'^\s*source\s+"\$BR2_EXTERNAL_%s_PATH/([^"]+)"' % name,
                                      text, re.M):
                    self.assertIn(src, files, "%s sources a missing %s" % (f, src))
        declared = set(re.findall(r"^\s*(?:menu)?config\s+(BR2_\w+)", config, re.M))
        for f, text in files.items():
            if f.endswith(".mk"):
                for sym in set(re.findall(r"\bBR2_(?:SYSGC|PACKAGE_HOST_SYSGC)\w*", text)):
                    self.assertIn(sym, declared, "%s uses %s, which no Config.in declares"
                                  % (f, sym))
        pkgs = [f for f in files if re.match(r"package/[^/]+/[^/]+\.mk$", f)]
        self.assertTrue(pkgs)
        for f in pkgs:
            pkg = f.split("/")[1]
            self.assertEqual(os.path.basename(f), pkg + ".mk")
            self.assertRegex(files[f], r"\$\(eval \$\(host-cmake-package\)\)")
            prefix = "HOST_" + pkg.upper().replace("-", "_") + "_"
            for var in re.findall(r"^([A-Z0-9_]+)\s*[:+?]?=", files[f], re.M):
                self.assertTrue(var.startswith(prefix), "%s sets %s" % (f, var))

    def test_sysgc_names(self):
        """Every SYSGC_* name in the recipes is one sysgc-ld reads or one
        the recipes assign; the environment gets only sysgc-ld's."""
        assigned = set()
        texts = {}
        for top in (BR, YOCTO):
            for p in files_under(top):
                if p.endswith(".md"):
                    continue
                t = read(p)
                texts[p] = t
                assigned |= set(re.findall(r"^\s*(?:export\s+)?(?:define\s+)?(SYSGC_\w+)"
                                           r"(?:\s*(?:[:+?]*=|\.=)|\s*$)", t, re.M))
        for p, t in texts.items():
            for n in set(re.findall(r"\bSYSGC_[A-Z0-9_]+\b", t)):
                self.assertTrue(n in self.env_names or n in assigned,
                                "%s: %s is neither an sysgc-ld variable (SysgcOptions.def) "
                                "nor assigned by the recipes" % (os.path.relpath(p, ROOT), n))
        mk = read(os.path.join(BR, "external.mk"))
        env = re.findall(r"^LINUX_MAKE_ENV\s*\+=\s*(\w+)=", mk, re.M)
        self.assertIn("SYSGC_ALLOW", env)
        for n in env:
            self.assertIn(n, self.env_names, "external.mk exports %s to the kernel build" % n)

    def buildroot_eval(self, tree, allow):
        """external.mk evaluated by make as Buildroot would: after what
        linux/linux.mk has defined by then (values as `make printvars`
        gave them for an arm defconfig with Buildroot's gcc toolchain).
        Returns the added make flags, the KCFLAGS, the added environment,
        and a function running the linux package's pre-build hooks."""
        out = os.path.join(self.tmp, "br-eval")
        os.makedirs(os.path.join(out, "images"), exist_ok=True)
        harness = os.path.join(out, "harness.mk")
        with open(harness, "w") as f:
            f.write("""\
.DEFAULT_GOAL := show
qstrip = $(strip $(subst ",,$(1)))
define sep


endef
BR2_LINUX_KERNEL = y
BR2_TOOLCHAIN_GCC_AT_LEAST_8 = y
BR2_SYSGC = y
BR2_SYSGC_ALLOWLIST = "%(allow)s"
BR2_SYSGC_KERNEL_LLVM = "-22"
BR2_SYSGC_REPORT = y
BR2_EXTERNAL_SYSGC_PATH = %(br)s
HOST_DIR = %(out)s/host
TARGET_DIR = %(out)s/target
BINARIES_DIR = %(out)s/images
LINUX_DIR = %(tree)s
LINUX_TARGET_CONFIGURE = $(LINUX_DIR)/.stamp_configured
LINUX_TARGET_BUILD = $(LINUX_DIR)/.stamp_built
LINUX_KCONFIG_STAMP_DOTCONFIG = .stamp_dotconfig
ifeq ($(BR2_TOOLCHAIN_GCC_AT_LEAST_8),y)
LINUX_CFLAGS += -Wno-attribute-alias
endif
LINUX_MAKE_FLAGS = HOSTCC="/usr/bin/gcc -O2" ARCH=arm KCFLAGS="$(LINUX_CFLAGS)" \
	INSTALL_MOD_PATH=$(TARGET_DIR) \
	CROSS_COMPILE="$(HOST_DIR)/bin/arm-buildroot-linux-gnueabihf-" \
	WERROR=0 REGENERATE_PARSERS=1 DEPMOD=true
LINUX_MAKE_FLAGS += INSTALL_MOD_STRIP=1
LINUX_MAKE_ENV = PATH="$(HOST_DIR)/bin:$(PATH)" BR_BINARIES_DIR=$(BINARIES_DIR)
BEFORE_FLAGS := $(LINUX_MAKE_FLAGS)
BEFORE_ENV := $(LINUX_MAKE_ENV)
include $(BR2_EXTERNAL_SYSGC_PATH)/external.mk
show:
	$(file >%(out)s/flags.before,$(BEFORE_FLAGS))
	$(file >%(out)s/flags,$(LINUX_MAKE_FLAGS))
	$(file >%(out)s/env.before,$(BEFORE_ENV))
	$(file >%(out)s/env,$(LINUX_MAKE_ENV))
$(LINUX_DIR)/.sysgc-test-hooks:
	$(foreach hook,$(LINUX_PRE_BUILD_HOOKS),$(call $(hook))$(sep))
""" % dict(allow=allow, br=BR, out=out, tree=tree))
        subprocess.run(["make", "-s", "-f", harness, "show"], check=True, cwd=out)
        # The build stamp's prerequisites, from make's database.
        db = subprocess.run(["make", "-p", "-q", "-f", harness, "show"], cwd=out,
                            capture_output=True, text=True).stdout
        m = re.search(r"^%s/\.stamp_built:(.*)$" % re.escape(tree), db, re.M)
        prereqs = m.group(1).split() if m else []

        def words(name):
            return shlex.split(read(os.path.join(out, name)))
        before, after = words("flags.before"), words("flags")
        kcflags = [a for a in after if a.startswith("KCFLAGS=")]
        rest = [a for a in after if not a.startswith("KCFLAGS=")]
        added = rest[len([a for a in before if not a.startswith("KCFLAGS=")]):]
        self.assertEqual(rest[:len(rest) - len(added)],
                         [a for a in before if not a.startswith("KCFLAGS=")],
                         "external.mk changed Buildroot's own make flags")
        ebefore, eafter = words("env.before"), words("env")
        self.assertEqual(eafter[:len(ebefore)], ebefore)
        env = dict(a.split("=", 1) for a in eafter[len(ebefore):])

        def hooks():
            subprocess.run(["make", "-s", "-f", harness, tree + "/.sysgc-test-hooks"],
                           check=True, cwd=out)
        return added, kcflags[-1].split("=", 1)[1], env, prereqs, hooks

    def test_buildroot_kernel(self):
        tree = self.tree()
        added, kcflags, env, prereqs, hooks = self.buildroot_eval(tree.path, self.allow)
        vars_ = dict(a.split("=", 1) for a in added)
        self.assertEqual(sorted(vars_), ["LD", "LLVM"], added)
        self.assertEqual(vars_["LD"], "sysgc-ld")
        self.assertEqual(kcflags.split(), FUNCTION_SECTIONS,
                         "KCFLAGS: the function sections, and no gcc-only warning option")
        self.assertEqual(env["SYSGC_ALLOW"], self.allow)
        self.assertIn(self.allow, prereqs, "a new allowlist would not rerun the build step")
        # Buildroot's own flags but its host compiler (the tree keeps its
        # own; CROSS_COMPILE points at a toolchain that is not there: with
        # LLVM= Kbuild must not use it).
        flags = [a for a in shlex.split(read(os.path.join(self.tmp, "br-eval", "flags")))
                 if not a.startswith("HOSTCC=")]
        replace = {"LLVM", "LD", "KCFLAGS"}

        # LINUX_BUILD_CMDS: make all, then the image; the hooks run first.
        hooks()
        log, secs, rebuilt = tree.make(replace, flags, env, ["all", tree.image], self.bin)
        self.times["buildroot first make"] = secs
        self.assertEqual([r for r in rebuilt if not LD_CHANGE_MAY_BUILD.match(r)], [],
                         "the recipe's flags recompiled more than LD's change explains")
        kept = [int(m.group(1)) for m in SUMMARY.finditer(log)]
        self.assertTrue(kept, "sysgc-ld did not shrink the vmlinux link:\n" + log[-3000:])
        with open(env["SYSGC_REPORT"]) as f:
            self.assertEqual(json.load(f)["schema"], "sysgc-report/1")

        # The same allowlist: the hook keeps vmlinux, nothing is linked.
        hooks()
        log, secs, rebuilt = tree.make(replace, flags, env, ["all", tree.image], self.bin)
        self.assertNotRegex(log, SUMMARY)
        self.assertEqual(rebuilt, [])

        # A new allowlist: relinked, fewer syscalls, nothing compiled.
        added, kcflags, env, prereqs, hooks = self.buildroot_eval(tree.path, self.smaller)
        hooks()
        log, secs, rebuilt = tree.make(replace, flags, env, ["all", tree.image], self.bin)
        self.times["buildroot relink"] = secs
        self.assertEqual(rebuilt, [])
        kept2 = [int(m.group(1)) for m in SUMMARY.finditer(log)]
        self.assertTrue(kept2, "a new allowlist did not relink:\n" + log[-3000:])
        self.assertLess(kept2[-1], kept[-1])

    # -------------------------------------------------------- Yocto

    def yocto_files(self):
        return {os.path.relpath(p, YOCTO): read(p) for p in files_under(YOCTO)
                if not p.endswith(".md")}

    def native_recipe(self):
        files = self.yocto_files()
        bbs = [f for f in files if f.endswith(".bb")]
        self.assertEqual(len(bbs), 1, bbs)
        return bbs[0], os.path.basename(bbs[0])[:-3].split("_")[0], Bitbake(files[bbs[0]])

    def bbappend(self):
        files = self.yocto_files()
        apps = [f for f in files if f.endswith(".bbappend")]
        self.assertEqual(apps, ["recipes-kernel/linux/linux-yocto_%.bbappend"])
        return Bitbake(files[apps[0]])

    def test_yocto_files(self):
        import fnmatch
        files = self.yocto_files()
        conf = Bitbake(files["conf/layer.conf"])
        d = Datastore()
        d.setVar("LAYERDIR", YOCTO)
        d.setVar("BBFILES", "")
        d.setVar("BBFILE_COLLECTIONS", "")
        d.apply(conf)
        coll = d.getVar("BBFILE_COLLECTIONS").split()
        self.assertEqual(len(coll), 1)
        c = coll[0]
        for v in ("BBFILE_PATTERN_", "BBFILE_PRIORITY_", "LAYERSERIES_COMPAT_", "LAYERDEPENDS_"):
            self.assertTrue(d.getVar(v + c), v + c)
        patterns = d.getVar("BBFILES").split()
        for f in files:
            if f.endswith((".bb", ".bbappend")):
                self.assertTrue(any(fnmatch.fnmatch(os.path.join(YOCTO, f), p) for p in patterns),
                                "BBFILES does not match " + f)
        path, pn, recipe = self.native_recipe()
        self.assertTrue(pn.endswith("-native"), pn)
        for c in ("cmake", "native"):
            self.assertIn(c, recipe.inherits())
        version = re.search(r"project\(sysgc VERSION ([0-9.]+)", read(os.path.join(ROOT, "CMakeLists.txt")))
        rd = Datastore()
        rd.setVar("THISDIR", os.path.join(YOCTO, os.path.dirname(path)))
        rd.apply(recipe)
        self.assertEqual(rd.getVar("PV"), version.group(1))
        self.assertIn("-DBUILD_TESTING=OFF", rd.getVar("EXTRA_OECMAKE").split())
        if os.path.realpath(YOCTO).startswith(os.path.realpath(ROOT) + os.sep):
            # The default source is the checkout the layer lives in.
            self.assertEqual(os.path.realpath(rd.getVar("EXTERNALSRC")), os.path.realpath(ROOT))
        app = Datastore()
        app.setVar("DEPENDS", "kmod-native bc-native")
        app.apply(self.bbappend())
        self.assertIn(pn, app.getVar("DEPENDS").split(), "the bbappend does not depend on " + pn)

    def yocto_eval(self, allow, builddir):
        """kernel.bbclass's make variables with the bbappend applied (the
        clang toolchain's override active), and the exported environment."""
        d = Datastore(overrides=["toolchain-clang"])
        d.setVar("TARGET_LD_KERNEL_ARCH", "")
        d.setVar("B", builddir)
        d.setVar("PN", "linux-yocto")
        d.setVar("KERNEL_TOOLCHAIN", "gcc")
        d.setVar("KERNEL_LD:toolchain-clang", "ld.lld ${TARGET_LD_KERNEL_ARCH}")
        d.setVar("DEPENDS", "kmod-native bc-native")
        d.setVar("EXTRA_OEMAKE", ' ARCH="arm" LD="${KERNEL_LD}"')
        d.setVar("SYSGC_ALLOWLIST", allow)    # local.conf
        app = self.bbappend()
        d.apply(app)
        for name, body in app.python:
            self.assertEqual(name, "")
            run_python_block(body, d)
        self.assertEqual(d.getVar("KERNEL_TOOLCHAIN"), "clang")
        self.assertEqual(d.getVarFlag("do_compile", "file-checksums").split(), [allow + ":True"])
        env = {k: d.getVar(k) for (k, f), v in d.flags.items()
               if f == "export" and v == "1" and d.getVar(k)}
        oemake = shlex.split(d.getVar("EXTRA_OEMAKE"))
        prepend = d.expand(app.functions["do_compile:prepend"])
        return oemake, env, prepend

    def test_yocto_kernel(self):
        tree = self.tree()
        oemake, env, prepend = self.yocto_eval(self.allow, tree.path)
        flags = [a for a in oemake if not a.startswith("ARCH=")]
        vars_ = dict(a.split("=", 1) for a in flags)
        self.assertEqual(vars_["LD"].split(), ["sysgc-ld"])
        self.assertEqual(vars_["KCFLAGS"].split(), FUNCTION_SECTIONS)
        self.assertEqual(env, {"SYSGC_ALLOW": self.allow})
        for k in env:
            self.assertIn(k, self.env_names)
        replace = {"LD", "KCFLAGS"}

        def do_compile(prepend, env):
            subprocess.run(["sh", "-ec", prepend], check=True)
            return tree.make(replace, flags, env, [tree.image], self.bin)
        log, secs, rebuilt = do_compile(prepend, env)
        self.times["yocto first make"] = secs
        self.assertEqual([r for r in rebuilt if not LD_CHANGE_MAY_BUILD.match(r)], [])
        kept = [int(m.group(1)) for m in SUMMARY.finditer(log)]
        self.assertTrue(kept, "sysgc-ld did not shrink the vmlinux link:\n" + log[-3000:])

        oemake, env, prepend = self.yocto_eval(self.smaller, tree.path)
        log, secs, rebuilt = do_compile(prepend, env)
        self.times["yocto relink"] = secs
        self.assertEqual(rebuilt, [])
        kept2 = [int(m.group(1)) for m in SUMMARY.finditer(log)]
        self.assertTrue(kept2, "a new allowlist did not relink:\n" + log[-3000:])
        self.assertLess(kept2[-1], kept[-1])

    def test_yocto_no_allowlist(self):
        """Without SYSGC_ALLOWLIST nothing is exported (an empty SYSGC_ALLOW
        is an error to sysgc-ld) and the user is told."""
        d = Datastore(overrides=["toolchain-clang"])
        d.setVar("PN", "linux-yocto")
        app = self.bbappend()
        d.apply(app)
        _BB.warnings.clear()
        for _, body in app.python:
            run_python_block(body, d)
        self.assertNotIn(("SYSGC_ALLOW", "export"), d.flags)
        self.assertTrue(_BB.warnings)


if __name__ == "__main__":
    unittest.main()
