#!/usr/bin/env python3
"""scripts/install.sh stages a source install: binary, unit (ExecStart= naming the prefix's binary),
sysusers.d, tmpfiles.d, docs, config; and touches nothing outside --destdir.

    test_install_sh.py --install-sh scripts/install.sh --build-dir BUILD

Runs `install.sh --no-build --build-dir BUILD --destdir TMP --prefix /usr/local` and, for the package's
layout, `--prefix /usr`. Exit 0 pass, 1 fail.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(ok, what):
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)


def stage(install_sh, build_dir, prefix, destdir):
    proc = subprocess.run(["sh", install_sh, "--no-build", "--build-dir", build_dir, "--destdir", destdir,
                           "--prefix", prefix], capture_output=True, text=True)
    check(proc.returncode == 0, f"install.sh --prefix {prefix} --destdir ... exits 0"
          + ("" if proc.returncode == 0 else f" (exit {proc.returncode}): {proc.stdout}{proc.stderr}"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--install-sh", required=True)
    ap.add_argument("--build-dir", required=True)
    args = ap.parse_args()

    config_present = os.path.exists(os.path.join(os.path.dirname(args.install_sh), "..", "config",
                                                 "edgebench.example.yaml"))
    for prefix, unit_dir in [("/usr/local", "/usr/local/lib/systemd/system"), ("/usr", "/lib/systemd/system")]:
        with tempfile.TemporaryDirectory(prefix="eb-install-") as dest:
            stage(args.install_sh, args.build_dir, prefix, dest)
            files = sorted(os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs)
            print(f"  staged: {' '.join(files)}")
            binary = os.path.join(dest, prefix.lstrip("/"), "bin/edgebench")
            check(os.path.isfile(binary) and os.access(binary, os.X_OK), f"{prefix}/bin/edgebench, executable")
            worker = os.path.join(dest, prefix.lstrip("/"), "lib/edgebench/edgebench-worker")
            check(os.path.isfile(worker) and os.access(worker, os.X_OK), f"{prefix}/lib/edgebench/edgebench-worker, executable")
            unit = os.path.join(dest, unit_dir.lstrip("/"), "edgebench.service")
            check(os.path.isfile(unit), f"unit in {unit_dir}")
            if os.path.isfile(unit):
                text = open(unit).read()
                check(re.search(f"^ExecStart={re.escape(prefix)}/bin/edgebench daemon ", text, re.M) is not None,
                      f"unit's ExecStart= is {prefix}/bin/edgebench daemon ...")
            lib = os.path.join(dest, prefix.lstrip("/"), "lib")
            check(os.path.isfile(os.path.join(lib, "sysusers.d/edgebench.conf")), f"{prefix}/lib/sysusers.d/edgebench.conf")
            check(os.path.isfile(os.path.join(lib, "tmpfiles.d/edgebench.conf")), f"{prefix}/lib/tmpfiles.d/edgebench.conf")
            check(os.path.isfile(os.path.join(dest, prefix.lstrip("/"), "share/doc/edgebench/README.md")),
                  f"{prefix}/share/doc/edgebench/README.md")
            if config_present:
                check(os.path.isfile(os.path.join(dest, "etc/edgebench/edgebench.yaml")), "/etc/edgebench/edgebench.yaml")
            else:
                print("note    config/edgebench.example.yaml absent: /etc/edgebench/edgebench.yaml not checked")
            roots = {f.split(os.sep)[0] for f in files}
            allowed = {"usr", "lib", "etc"}
            check(roots <= allowed, f"only usr/, lib/, etc/ staged (got {sorted(roots)})")

    if failures:
        print(f"test_install_sh: {len(failures)} check(s) failed")
        return 1
    print("test_install_sh: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
