#!/usr/bin/env python3
"""systemd/edgebench.service: `systemd-analyze verify` passes and `systemd-analyze security --offline=yes`
rates it 2.0 or lower ("OK"), with and without the network-cameras drop-in.

    test_unit.py --unit systemd/edgebench.service --edgebench BUILD/daemon/edgebench
                 [--dropin systemd/network-cameras.conf] [--max-exposure 2.0]

verify needs ExecStart='s binary to exist: the unit is checked as a copy whose ExecStart= names the
built binary (everything else byte for byte). The score parser is checked too: the same unit stripped
of its hardening must rate worse than --max-exposure, or the test fails (it could not catch a regression).
Exit 0 pass, 1 fail, 77 skip (no systemd-analyze).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(ok, what):
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)


def exposure(unit_path):
    """The overall exposure score of systemd-analyze security --offline=yes, or None with its output."""
    proc = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit_path],
                          capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    m = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?) (\w+)", out)
    return (float(m.group(1)), m.group(2)) if m else (None, out)


def write_unit(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unit", required=True)
    ap.add_argument("--edgebench", required=True, help="the built binary, named in the copy's ExecStart=")
    ap.add_argument("--dropin", action="append", default=[], help="drop-in .conf also rated (repeatable)")
    ap.add_argument("--max-exposure", type=float, default=2.0)
    args = ap.parse_args()
    if not shutil.which("systemd-analyze"):
        print("test_unit: systemd-analyze not found: skipped")
        return 77

    text = open(args.unit).read()
    check(re.search(r"^ExecStart=/usr/bin/edgebench daemon --config /etc/edgebench/edgebench.yaml$", text, re.M)
          is not None, "ExecStart=/usr/bin/edgebench daemon --config /etc/edgebench/edgebench.yaml")
    for setting in ["Type=notify", "NotifyAccess=main", "Restart=on-failure", "StateDirectory=edgebench",
                    "ConfigurationDirectory=edgebench", "SupplementaryGroups=video", "CapabilityBoundingSet=",
                    "ProtectSystem=strict", "NoNewPrivileges=yes", "SystemCallFilter=@system-service",
                    "DevicePolicy=closed", "UMask=0027"]:
        check(re.search("^" + re.escape(setting) + "$", text, re.M) is not None, f"unit sets {setting}")
    for key in ["WatchdogSec", "TimeoutStopSec", "ExecReload"]:
        check(re.search(f"^{key}=.+$", text, re.M) is not None, f"unit sets {key}=")

    binary = os.path.abspath(args.edgebench)
    with tempfile.TemporaryDirectory(prefix="eb-unit-") as tmp:
        copy = os.path.join(tmp, "edgebench.service")
        write_unit(copy, re.sub(r"^ExecStart=/usr/bin/edgebench ", f"ExecStart={binary} ", text, flags=re.M))

        proc = subprocess.run(["systemd-analyze", "verify", "--man=no", copy], capture_output=True, text=True)
        out = (proc.stdout + proc.stderr).strip()
        check(proc.returncode == 0 and out == "",
              "systemd-analyze verify passes" + (f" (exit {proc.returncode}): {out}" if out or proc.returncode else ""))

        score, label = exposure(copy)
        if score is None:
            check(False, f"systemd-analyze security printed an overall exposure level: {label}")
        else:
            check(score <= args.max_exposure, f"security exposure {score} {label} <= {args.max_exposure}")
            print(f"test_unit: edgebench.service exposure {score} {label}")

        for dropin in args.dropin:
            ddir = os.path.join(tmp, "edgebench.service.d")
            os.makedirs(ddir, exist_ok=True)
            shutil.copy(dropin, os.path.join(ddir, os.path.basename(dropin)))
            dscore, dlabel = exposure(copy)
            check(dscore is not None and dscore <= args.max_exposure and dscore != score,
                  f"with drop-in {os.path.basename(dropin)}: exposure {dscore} {dlabel} <= {args.max_exposure} "
                  "(and the drop-in was applied: the score changed)")
            shutil.rmtree(ddir)

        # The parser must tell a weak unit from ours: drop every hardening line.
        weak = os.path.join(tmp, "weak", "edgebench.service")
        keep = re.compile(r"^(\[|#|$|Description|After|Type|NotifyAccess|ExecStart|ExecReload|Watchdog|Restart|"
                          r"Timeout|StartLimit|WantedBy|Documentation)")
        write_unit(weak, "\n".join(l for l in text.splitlines() if keep.match(l)) + "\n")
        wscore, wlabel = exposure(weak)
        check(wscore is not None and wscore > args.max_exposure,
              f"the unit without hardening rates worse ({wscore} {wlabel}): the score check can fail")

    if failures:
        print(f"test_unit: {len(failures)} check(s) failed")
        return 1
    print("test_unit: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
