#!/usr/bin/env python3
"""Checks an edgebench .deb with dpkg-deb: control fields, contents, maintainer scripts.

    check_deb.py --deb FILE --arch arm64            check a built package (scripts/cross-test.sh)
    check_deb.py --build-dir DIR --arch amd64       build it first: cpack in DIR into a temp dir (CTest)

Asserts: Package edgebench, the expected Architecture and Version, a Depends that covers every shared
library the packaged binary links (soname -> Debian package name, policy 8.1) plus procps, the files
(/usr/bin/edgebench for the right CPU, the unit with ExecStart=/usr/bin/edgebench, sysusers.d and
tmpfiles.d entries, README, /etc/edgebench/edgebench.yaml marked as a conffile) and that no maintainer
script enables or starts the service. Exit 0 = all good, 1 = a check failed (each failure printed), 77 =
dpkg-deb/cpack absent (skip).
"""
import argparse
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

# ELF e_machine of each Debian architecture we package.
ELF_MACHINE = {"amd64": 0x3E, "arm64": 0xB7, "armhf": 0x28}
# Libraries of glibc itself: libc6 provides them all.
GLIBC_LIBS = {"libc", "libm", "libpthread", "libdl", "librt", "libresolv", "libutil", "libanl"}
REQUIRED_FILES = [
    "./usr/bin/edgebench",
    "./usr/lib/edgebench/edgebench-worker",
    "./usr/lib/edgebench/edgebench-images.so",
    "./lib/systemd/system/edgebench.service",
    "./etc/edgebench/edgebench.yaml",
    "./usr/share/doc/edgebench/README.md",
    "./usr/share/doc/edgebench/examples/network-cameras.conf",
    "./usr/lib/sysusers.d/edgebench.conf",
    "./usr/lib/tmpfiles.d/edgebench.conf",
]
# A maintainer script line that would enable or start the service (debhelper's default, which we omit).
ENABLES_OR_STARTS = re.compile(
    r"(systemctl|deb-systemd-helper|deb-systemd-invoke|invoke-rc\.d|service|update-rc\.d)\b[^\n#]*"
    r"\b(enable|start|restart|try-restart|reload-or-restart|reenable|preset|unmask|defaults)\b")

failures = []


def check(ok, what):
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def expected_package(soname):
    """Debian's library package name for a soname: libfoo.so.3 -> libfoo3, libfoo2.so.0 -> libfoo2-0."""
    m = re.match(r"^(.+)\.so\.([0-9].*)$", soname) or re.match(r"^(.+)-([0-9.]+)\.so$", soname)
    if not m:
        return None
    name, version = m.group(1), m.group(2)
    if name in GLIBC_LIBS or name.startswith("ld-linux"):
        return "libc6"
    name = name.lower().replace("_", "-")
    return name + ("-" if name[-1].isdigit() else "") + version


def needed_sonames(binary):
    out = run(["readelf", "--dynamic", binary])
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def build_deb(build_dir, out_dir):
    config = os.path.join(build_dir, "CPackConfig.cmake")
    if not os.path.isfile(config):
        print(f"check_deb: {config} missing (configure the full build: EDGEBENCH_RUNTIME_ONLY=OFF)")
        sys.exit(1)
    proc = subprocess.run(["cpack", "--config", config, "-G", "DEB", "-B", out_dir],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
        print(f"check_deb: cpack failed (exit {proc.returncode})")
        sys.exit(1)
    debs = glob.glob(os.path.join(out_dir, "*.deb"))
    if len(debs) != 1:
        print(f"check_deb: expected one .deb in {out_dir}, found {debs}")
        sys.exit(1)
    return debs[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--deb", help="the .deb to check")
    src.add_argument("--build-dir", help="build directory to run cpack in (the .deb goes to a temp dir)")
    ap.add_argument("--arch", required=True, choices=sorted(ELF_MACHINE), help="expected Debian architecture")
    ap.add_argument("--version", help="expected Version (default: not checked)")
    ap.add_argument("--expect-man", action="store_true", help="the man page must be there (help2man was found)")
    args = ap.parse_args()

    # The script check must be able to fail: it catches debhelper's enabling lines, not our prerm's.
    assert ENABLES_OR_STARTS.search("deb-systemd-helper enable 'edgebench.service' >/dev/null")
    assert ENABLES_OR_STARTS.search("systemctl --system start edgebench.service")
    assert not ENABLES_OR_STARTS.search("systemctl --system disable --now edgebench.service || true")

    for tool in ["dpkg-deb", "readelf"] + (["cpack"] if args.build_dir else []):
        if not shutil.which(tool):
            print(f"check_deb: {tool} not found: skipped")
            return 77

    with tempfile.TemporaryDirectory(prefix="eb-deb-") as tmp:
        deb = args.deb or build_deb(args.build_dir, os.path.join(tmp, "out"))
        print(f"check_deb: {deb}")
        fields = {}
        for key in ["Package", "Architecture", "Version", "Depends"]:
            fields[key] = run(["dpkg-deb", "--field", deb, key]).strip()
            print(f"  {key}: {fields[key]}")
        check(fields["Package"] == "edgebench", "Package is edgebench")
        check(fields["Architecture"] == args.arch, f"Architecture is {args.arch}")
        if args.version:
            check(fields["Version"] == args.version, f"Version is {args.version}")
        depends = {re.split(r"[\s(:]", d.strip())[0]: d.strip() for d in fields["Depends"].split(",") if d.strip()}

        # Contents: paths, modes.
        listing = run(["dpkg-deb", "--contents", deb])
        entries = {}
        for line in listing.splitlines():
            parts = line.split(None, 5)
            if len(parts) == 6:
                entries[parts[5].split(" -> ")[0]] = parts[0]
        for path in REQUIRED_FILES + (["./usr/share/man/man1/edgebench.1.gz"] if args.expect_man else []):
            check(path in entries, f"contains {path}")
        for exe in ["./usr/bin/edgebench", "./usr/lib/edgebench/edgebench-worker"]:
            if exe in entries:
                check(entries[exe] == "-rwxr-xr-x", f"{exe[2:]} is mode 0755")
        check(not any(p.startswith("./usr/local") or p.startswith("./home") for p in entries),
              "nothing under /usr/local or /home")

        # Files inside: the binary's CPU and libraries, the unit's ExecStart.
        root = os.path.join(tmp, "root")
        run(["dpkg-deb", "--extract", deb, root])
        binary = os.path.join(root, "usr/bin/edgebench")
        if os.path.isfile(binary):
            with open(binary, "rb") as f:
                head = f.read(20)
            machine = struct.unpack("<H", head[18:20])[0] if head[:4] == b"\x7fELF" else -1
            check(machine == ELF_MACHINE[args.arch], f"usr/bin/edgebench is an ELF for {args.arch} "
                  f"(e_machine {machine:#x}, expected {ELF_MACHINE[args.arch]:#x})")
            sonames = needed_sonames(binary)
            check(len(sonames) > 0, f"usr/bin/edgebench links shared libraries ({', '.join(sonames)})")
            # Lean: OpenCV is the image module's, loaded only by the commands that read images.
            check(not [s for s in sonames if s.startswith("libopencv")], "usr/bin/edgebench does not link OpenCV")
            module = os.path.join(root, "usr/lib/edgebench/edgebench-images.so")
            if os.path.isfile(module):
                sonames = sonames + needed_sonames(module)
            for soname in sorted(set(sonames)):
                pkg = expected_package(soname)
                # Transitions rename library packages with a suffix: libspdlog1.10-fmt9, libfoo3t64, libfoo5v5.
                have = [d for d in depends if d == pkg or re.fullmatch(re.escape(pkg) + r"(-[a-z0-9.+]+|t64|v5)", d)]
                check(bool(have), f"Depends covers {soname} ({pkg}: {depends[have[0]] if have else 'missing'})")
        # The measuring worker: the right CPU, and lean (the runtime only: its memory is the model's).
        worker = os.path.join(root, "usr/lib/edgebench/edgebench-worker")
        if os.path.isfile(worker):
            with open(worker, "rb") as f:
                head = f.read(20)
            machine = struct.unpack("<H", head[18:20])[0] if head[:4] == b"\x7fELF" else -1
            check(machine == ELF_MACHINE[args.arch], f"usr/lib/edgebench/edgebench-worker is an ELF for {args.arch}")
            heavy = [s for s in needed_sonames(worker)
                     if re.match(r"lib(opencv|sqlite3|yaml-cpp|spdlog|systemd|fmt)", s)]
            check(not heavy, f"edgebench-worker links none of OpenCV, SQLite, yaml-cpp, spdlog, libsystemd ({heavy})")
        check("procps" in depends, "Depends has procps (/bin/kill of ExecReload=)")
        unit = os.path.join(root, "lib/systemd/system/edgebench.service")
        if os.path.isfile(unit):
            text = open(unit).read()
            check(re.search(r"^ExecStart=/usr/bin/edgebench daemon ", text, re.M) is not None,
                  "unit's ExecStart= is /usr/bin/edgebench daemon ...")

        # Control: conffiles and maintainer scripts.
        control = os.path.join(tmp, "control")
        run(["dpkg-deb", "--control", deb, control])
        conffiles = open(os.path.join(control, "conffiles")).read().split() \
            if os.path.exists(os.path.join(control, "conffiles")) else []
        check("/etc/edgebench/edgebench.yaml" in conffiles, "/etc/edgebench/edgebench.yaml is a conffile")
        for script in ["preinst", "postinst", "prerm", "postrm"]:
            path = os.path.join(control, script)
            if not os.path.exists(path):
                continue
            code = "\n".join(l for l in open(path).read().splitlines() if not l.lstrip().startswith("#"))
            bad = [m.group(0) for m in ENABLES_OR_STARTS.finditer(code)]
            check(not bad, f"{script} neither enables nor starts the service" + (f": {bad}" if bad else ""))
            check(os.access(path, os.X_OK), f"{script} is executable")
        check(os.path.exists(os.path.join(control, "postinst")), "postinst exists (creates the user)")

    if failures:
        print(f"check_deb: {len(failures)} check(s) failed")
        return 1
    print("check_deb: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
