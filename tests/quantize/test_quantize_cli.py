#!/usr/bin/env python3
"""`edgebench quantize` from the command line, without TensorFlow: the files it writes (names, place,
sizes printed), that edgebench runs them, and one-line errors for what it refuses."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_quantize_litert import write_png  # noqa: E402  (the PNG writer only; no TensorFlow imported)

SMALL = os.path.join(HERE, "small-cnn-float32.tflite")


def run(edgebench, *args):
    return subprocess.run([edgebench, *args], capture_output=True, text=True)


def one_line_error(r, code, needle):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("edgebench: ") and needle in lines[0], r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgebench", required=True)
    ap.add_argument("--make-video", help="tests/support/make_test_video: calibrate from a video with --camera")
    args = ap.parse_args()
    eb = args.edgebench
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "small-cnn-float32.tflite")
        shutil.copy(SMALL, model)
        images = os.path.join(tmp, "images")
        os.makedirs(images)
        rng = np.random.default_rng(5)
        for i in range(12):
            write_png(os.path.join(images, "%02d.png" % i), rng.integers(0, 256, (20, 24, 3), dtype=np.uint8))

        # Beside the input by default, named after it without -float32; sizes printed.
        r = run(eb, "quantize", model, "--to", "float16,dynamic")
        assert r.returncode == 0, r.stderr
        for kind in ("float16", "dynamic"):
            path = os.path.join(tmp, "small-cnn-%s.tflite" % kind)
            assert os.path.exists(path), path
            assert ("%.1f kB" % (os.path.getsize(path) / 1000.0)) in r.stdout, r.stdout
        assert not os.path.exists(os.path.join(tmp, "small-cnn-int8.tflite"))

        # int8 calibrated on images of another size (resized as `run` does), into --out; edgebench runs it.
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        r = run(eb, "quantize", model, "--to", "int8", "--images", images, "--calibration", "10", "--out", out)
        assert r.returncode == 0, r.stderr
        assert "calibrated on 10 images" in r.stdout, r.stdout
        # The reference kernels calibrate to the same file, byte for byte, but for float rounding of ranges.
        ref_out = os.path.join(tmp, "ref-out")
        os.makedirs(ref_out)
        r = run(eb, "quantize", model, "--to", "int8", "--images", images, "--calibration", "10", "--out", ref_out,
                "--calibration-engine", "ref")
        assert r.returncode == 0 and "engine ref" in r.stdout, r.stderr
        int8 = os.path.join(out, "small-cnn-int8.tflite")
        x = os.path.join(tmp, "x.npy")
        np.save(x, rng.random((1, 16, 16, 3), dtype=np.float32))
        for engine in ("ref", "auto"):
            r = run(eb, "infer", int8, "--input", x, "--output-dir", os.path.join(tmp, engine), "--engine", engine)
            assert r.returncode == 0, r.stderr
        a, b = (np.load(os.path.join(tmp, e, "output_0.npy")) for e in ("ref", "auto"))
        assert a.shape == (1, 10) and a.dtype == np.float32 and np.array_equal(a, b), (a, b)
        if args.make_video:  # a capture (here a video file) calibrates as a camera would
            video = os.path.join(tmp, "v.avi")
            subprocess.run([args.make_video, video, "20"], check=True)
            cam_out = os.path.join(tmp, "cam-out")
            os.makedirs(cam_out)
            r = run(eb, "quantize", model, "--to", "int8", "--camera", video, "--calibration", "8", "--out", cam_out)
            assert r.returncode == 0 and "calibrated on 8 images" in r.stdout, (r.stdout, r.stderr)
            assert os.path.exists(os.path.join(cam_out, "small-cnn-int8.tflite"))
        r = run(eb, "inspect", int8)
        assert r.returncode == 0 and "QUANTIZE" in r.stdout and "DEQUANTIZE" in r.stdout, r.stdout

        # Refusals: one line each.
        one_line_error(run(eb, "quantize", model, "--to", "int8"), 1, "--images")
        one_line_error(run(eb, "quantize", model, "--to", "int8", "--images", images, "--camera", "0"), 1, "one of them")
        one_line_error(run(eb, "quantize", model, "--to", "int4"), 1, "--to")
        one_line_error(run(eb, "quantize", model, "--io", "int16", "--to", "int8", "--images", images), 1, "--io")
        one_line_error(run(eb, "quantize", os.path.join(tmp, "small-cnn-float16.tflite"), "--to", "dynamic"), 1,
                       "not a float32 model")
        one_line_error(run(eb, "quantize", os.path.join(tmp, "missing.tflite"), "--to", "float16"), 1, "missing.tflite")
        one_line_error(run(eb, "quantize", model, "--to", "float16", "--out", os.path.join(tmp, "nope")), 1, "--out")
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        one_line_error(run(eb, "quantize", model, "--to", "int8", "--images", empty), 1, "calibration")
        one_line_error(run(eb, "quantize", model, "--to", "int8", "--images", images, "--calibration-engine", "xnnpack"),
                       1, "--calibration-engine")
        one_line_error(run(eb, "quantize", model, "--bogus"), 2, "--bogus")
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
