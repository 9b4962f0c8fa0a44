#!/usr/bin/env python3
"""Sorts crash artifacts of fuzz_keras_h5 / fuzz_keras_zip into libhdf5's and ours.

Debian's libhdf5 1.10 reads some corrupt files out of bounds (H5HG_read, H5MM_strdup under
H5O__attr_exists...): the fuzzers find those within a minute, and edgebench contains them by converting
in a forked child (kernels/keras/keras_module_entry.cc). What must never appear is a finding whose first
frame past the sanitizer's interceptors is outside libhdf5 / libzip: that is a bug in edgebench.

    tests/fuzz/triage_keras.py FUZZ_BINARY ARTIFACT...
Prints one line per artifact (library or OURS, the top frame); exit 1 when any is OURS.
"""
import os
import re
import subprocess
import sys

LIBRARIES = ("libhdf5", "libzip", "libz.so", "libsz", "libaec")


def classify(binary, artifact):
    env = dict(os.environ, ASAN_OPTIONS="allocator_may_return_null=1:symbolize=1")
    try:
        r = subprocess.run([binary, "-runs=1", artifact], capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        return "hang", "over 60 s (the module gives up after 120 s)"
    if r.returncode == 0:
        return "no-repro", ""
    for line in r.stderr.splitlines():
        m = re.match(r"\s*#\d+ 0x[0-9a-f]+ (?:in (\S+) )?", line)
        if not m:
            continue
        func, where = m.group(1) or "?", line
        # The sanitizer's and libFuzzer's own frames, libc's string functions, the allocator.
        if func.startswith("__") or "fuzzer::" in func or "sysdeps" in line or "libc.so" in line or \
                func in ("malloc", "calloc", "realloc", "strdup", "memcpy", "memmove"):
            continue
        for lib in LIBRARIES:
            if lib in where:
                return lib, func
        return "OURS", line.strip()
    return "OURS", r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    ours = 0
    for a in sys.argv[2:]:
        kind, top = classify(sys.argv[1], a)
        ours += kind == "OURS"
        print(f"{kind:9} {os.path.basename(a)}  {top}")
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
