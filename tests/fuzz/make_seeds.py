#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets into OUT/<target>/ (a build directory, never the repo).

  model:  tiny hand-described models, one per supported operator plus a few chains, a dynamic-shape
          input and quantized variants (written as JSON, compiled with flatc against the runtime's own
          schema), plus the shared models of ../shared/models up to 1.2 MB (larger ones make every
          libFuzzer mutation slow; the loader unit tests load them all).
  npy:    small arrays of every supported dtype and format version, plus the conformance inputs.
  image:  a 4-byte preprocessing header (see fuzz_image.cc) + image files: the shared images and
          tiny PNG / BMP / PGM / PPM files generated here; JPEG comes from ../shared/models/images.
  config: the project's YAML files (config/*.yaml and tests/**/*.yaml), when present.
  labels: labels CSVs of every rule (indices, names, a names file, negative and fractional numbers, mixed,
          duplicates, quoting, CRLF, a BOM); the first byte picks whether fuzz_labels gives a names file.

Python 3 stdlib only.  Usage: make_seeds.py --out DIR --flatc FLATC --schema SCHEMA [--shared DIR] [--repo DIR]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

# Builtin codes and option table names, as in kernels/model/tflite_schema.fbs.
OPS = {
    "ADD": (0, "AddOptions"), "AVERAGE_POOL_2D": (1, "Pool2DOptions"), "CONCATENATION": (2, "ConcatenationOptions"),
    "CONV_2D": (3, "Conv2DOptions"), "DEPTHWISE_CONV_2D": (4, "DepthwiseConv2DOptions"), "DEQUANTIZE": (6, None),
    "FULLY_CONNECTED": (9, "FullyConnectedOptions"), "LOGISTIC": (14, None), "MAX_POOL_2D": (17, "Pool2DOptions"),
    "MUL": (18, "MulOptions"), "RELU": (19, None), "RELU6": (21, None), "RESHAPE": (22, "ReshapeOptions"),
    "RESIZE_BILINEAR": (23, "ResizeBilinearOptions"), "SOFTMAX": (25, "SoftmaxOptions"), "TANH": (28, None),
    "PAD": (34, "PadOptions"), "MEAN": (40, "ReducerOptions"), "SUB": (41, "SubOptions"),
    "SQUEEZE": (43, "SqueezeOptions"), "ARG_MAX": (56, "ArgMaxOptions"),
    "RESIZE_NEAREST_NEIGHBOR": (97, "ResizeNearestNeighborOptions"), "LEAKY_RELU": (98, "LeakyReluOptions"),
    "QUANTIZE": (114, None), "HARD_SWISH": (117, None),
}
PACK = {"FLOAT32": "<f", "INT32": "<i", "INT8": "<b", "UINT8": "<B", "INT16": "<h", "INT64": "<q", "FLOAT16": "<e"}


class ModelBuilder:
    """Collects tensors, buffers and operators into the JSON form of a TFLite model."""

    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [{}], [], []
        self.inputs, self.outputs = [], []

    def tensor(self, name, dtype, shape, data=None, quant=None, signature=None):
        t = {"name": name, "type": dtype, "shape": shape, "buffer": 0}
        if data is not None:
            raw = b"".join(struct.pack(PACK[dtype], v) for v in data)
            self.buffers.append({"data": list(raw)})
            t["buffer"] = len(self.buffers) - 1
        if quant:
            t["quantization"] = {"scale": quant[0], "zero_point": quant[1]}
            if len(quant) > 2:
                t["quantization"]["quantized_dimension"] = quant[2]
        if signature:
            t["shape_signature"] = signature
        self.tensors.append(t)
        return len(self.tensors) - 1

    def input(self, *args, **kw):
        i = self.tensor(*args, **kw)
        self.inputs.append(i)
        return i

    def op(self, name, inputs, outputs, **options):
        code, table = OPS[name]
        entry = {"deprecated_builtin_code": min(code, 127), "builtin_code": code, "version": 1}
        if entry not in self.codes:
            self.codes.append(entry)
        o = {"opcode_index": self.codes.index(entry), "inputs": inputs, "outputs": outputs}
        if table:
            o["builtin_options_type"] = table
            o["builtin_options"] = options
        self.ops.append(o)

    def json(self, outputs):
        return {"version": 3, "operator_codes": self.codes, "description": "fuzz seed",
                "subgraphs": [{"tensors": self.tensors, "inputs": self.inputs, "outputs": outputs,
                               "operators": self.ops, "name": "main"}],
                "buffers": self.buffers}


def tiny_models():
    """Yields (name, model JSON): every operator the runtime implements, float and quantized."""
    f32 = "FLOAT32"
    q8 = ([0.5], [0])

    def unary(op, dtype="FLOAT32", quant=None, out_quant=None, **opts):
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 2, 2, 3], quant=quant)
        y = b.tensor("y", dtype, [1, 2, 2, 3], quant=out_quant or quant)
        b.op(op, [x], [y], **opts)
        return b.json([y])

    for op in ("RELU", "RELU6", "LOGISTIC", "TANH", "HARD_SWISH"):
        yield op.lower() + "_f32", unary(op)
    yield "leaky_relu_f32", unary("LEAKY_RELU", alpha=0.1)
    yield "logistic_int8", unary("LOGISTIC", "INT8", ([0.1], [0]), ([1.0 / 256], [-128]))
    yield "softmax_f32", unary("SOFTMAX", beta=1.0)
    yield "softmax_int8", unary("SOFTMAX", "INT8", ([0.1], [0]), ([1.0 / 256], [-128]), beta=1.0)
    yield "relu_uint8", unary("RELU", "UINT8", ([0.5], [128]))

    for op, table_opts in (("ADD", {}), ("SUB", {}), ("MUL", {})):
        for dtype, quant in ((f32, None), ("INT8", q8), ("UINT8", ([0.5], [128]))):
            b = ModelBuilder()
            a = b.input("a", dtype, [1, 2, 2, 3], quant=quant)
            c = b.input("b", dtype, [1, 1, 1, 3], quant=quant)  # broadcast
            y = b.tensor("y", dtype, [1, 2, 2, 3], quant=quant)
            b.op(op, [a, c], [y], fused_activation_function="RELU", **table_opts)
            yield f"{op.lower()}_{dtype.lower()}", b.json([y])

    for dtype, quant, wq, bias_t in ((f32, None, None, f32), ("INT8", ([0.5], [1]), ([0.25, 0.5], [0, 0], 0), "INT32")):
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 5, 5, 2], quant=quant)
        w = b.tensor("w", dtype, [2, 3, 3, 2], data=[(i % 5) - 2 for i in range(36)], quant=wq)
        bq = ([0.125, 0.25], [0, 0], 0) if quant else None
        bias = b.tensor("bias", bias_t, [2], data=[1, -1], quant=bq)
        y = b.tensor("y", dtype, [1, 3, 3, 2], quant=([1.0], [0]) if quant else None)
        b.op("CONV_2D", [x, w, bias], [y], padding="VALID", stride_w=1, stride_h=1, fused_activation_function="RELU6")
        yield f"conv2d_{dtype.lower()}", b.json([y])
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 5, 5, 2], quant=quant)
        w = b.tensor("w", dtype, [1, 3, 3, 2], data=[(i % 3) - 1 for i in range(18)], quant=([0.25, 0.5], [0, 0], 3) if quant else None)
        bq = ([0.125, 0.25], [0, 0], 0) if quant else None
        bias = b.tensor("bias", bias_t, [2], data=[0, 2], quant=bq)
        y = b.tensor("y", dtype, [1, 3, 3, 2], quant=([1.0], [0]) if quant else None)
        b.op("DEPTHWISE_CONV_2D", [x, w, bias], [y], padding="SAME", stride_w=2, stride_h=2, depth_multiplier=1)
        yield f"depthwise_{dtype.lower()}", b.json([y])
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 6], quant=quant)
        w = b.tensor("w", dtype, [3, 6], data=[(i % 7) - 3 for i in range(18)], quant=([0.5], [0]) if quant else None)
        bias = b.tensor("bias", bias_t, [3], data=[1, 2, 3], quant=([0.25], [0]) if quant else None)
        y = b.tensor("y", dtype, [1, 3], quant=([1.0], [0]) if quant else None)
        b.op("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="RELU")
        yield f"fully_connected_{dtype.lower()}", b.json([y])

    # Hybrid (dynamic-range) fully connected: float input, int8 weights.
    b = ModelBuilder()
    x = b.input("x", f32, [1, 4])
    w = b.tensor("w", "INT8", [2, 4], data=[1, -2, 3, -4, 5, -6, 7, -8], quant=([0.1], [0]))
    y = b.tensor("y", f32, [1, 2])
    b.op("FULLY_CONNECTED", [x, w, -1], [y], asymmetric_quantize_inputs=True)
    yield "fully_connected_hybrid", b.json([y])

    for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        for dtype, quant in ((f32, None), ("INT8", q8)):
            b = ModelBuilder()
            x = b.input("x", dtype, [1, 4, 4, 2], quant=quant)
            y = b.tensor("y", dtype, [1, 2, 2, 2], quant=quant)
            b.op(op, [x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=2)
            yield f"{op.lower()}_{dtype.lower()}", b.json([y])

    b = ModelBuilder()
    x = b.input("x", f32, [1, 2, 3, 2])
    s = b.tensor("shape", "INT32", [2], data=[1, 12])
    y = b.tensor("y", f32, [1, 12])
    b.op("RESHAPE", [x, s], [y], new_shape=[1, 12])
    yield "reshape_f32", b.json([y])

    b = ModelBuilder()
    x = b.input("x", f32, [1, 1, 3, 1])
    y = b.tensor("y", f32, [3])
    b.op("SQUEEZE", [x], [y], squeeze_dims=[0, 1, 3])
    yield "squeeze_f32", b.json([y])

    b = ModelBuilder()
    a = b.input("a", f32, [1, 2, 2, 1])
    c = b.input("b", f32, [1, 2, 2, 3])
    y = b.tensor("y", f32, [1, 2, 2, 4])
    b.op("CONCATENATION", [a, c], [y], axis=3)
    yield "concatenation_f32", b.json([y])

    for dtype, quant in ((f32, None), ("INT8", q8)):
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 2, 2, 1], quant=quant)
        p = b.tensor("paddings", "INT32", [4, 2], data=[0, 0, 1, 1, 2, 0, 0, 0])
        y = b.tensor("y", dtype, [1, 4, 4, 1], quant=quant)
        b.op("PAD", [x, p], [y])
        yield f"pad_{dtype.lower()}", b.json([y])
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 3, 3, 2], quant=quant)
        ax = b.tensor("axes", "INT32", [2], data=[1, 2])
        y = b.tensor("y", dtype, [1, 1, 1, 2], quant=quant)
        b.op("MEAN", [x, ax], [y], keep_dims=True)
        yield f"mean_{dtype.lower()}", b.json([y])
        for op, table in (("RESIZE_BILINEAR", {"half_pixel_centers": True}), ("RESIZE_NEAREST_NEIGHBOR", {"align_corners": True})):
            b = ModelBuilder()
            x = b.input("x", dtype, [1, 2, 2, 1], quant=quant)
            size = b.tensor("size", "INT32", [2], data=[3, 5])
            y = b.tensor("y", dtype, [1, 3, 5, 1], quant=quant)
            b.op(op, [x, size], [y], **table)
            yield f"{op.lower()}_{dtype.lower()}", b.json([y])
        b = ModelBuilder()
        x = b.input("x", dtype, [1, 5], quant=quant)
        ax = b.tensor("axis", "INT32", [1], data=[1])
        y = b.tensor("y", "INT64", [1])
        b.op("ARG_MAX", [x, ax], [y], output_type="INT64")
        yield f"arg_max_{dtype.lower()}", b.json([y])

    # QUANTIZE -> FULLY_CONNECTED (int8) -> DEQUANTIZE: the int8-with-float-io shape of real models.
    b = ModelBuilder()
    x = b.input("x", f32, [1, 4])
    xq = b.tensor("xq", "INT8", [1, 4], quant=([0.05], [-3]))
    w = b.tensor("w", "INT8", [2, 4], data=[10, -20, 30, -40, 50, -60, 70, -80], quant=([0.01], [0]))
    yq = b.tensor("yq", "INT8", [1, 2], quant=([0.1], [2]))
    y = b.tensor("y", f32, [1, 2])
    b.op("QUANTIZE", [x], [xq])
    b.op("FULLY_CONNECTED", [xq, w, -1], [yq])
    b.op("DEQUANTIZE", [yq], [y])
    yield "quantize_fc_dequantize", b.json([y])

    # fp16 weights folded by a DEQUANTIZE at load time, then a chain with a dynamic batch dimension.
    b = ModelBuilder()
    x = b.input("x", f32, [1, 4, 4, 1], signature=[-1, 4, 4, 1])
    wh = b.tensor("w_fp16", "FLOAT16", [2, 2, 2, 1], data=[0.5, -1.0, 1.5, 2.0, -0.25, 0.75, 1.0, -2.0])
    w = b.tensor("w", f32, [2, 2, 2, 1])
    c = b.tensor("conv", f32, [1, 3, 3, 2])
    p = b.tensor("pool", f32, [1, 1, 1, 2])
    r = b.tensor("flat", f32, [1, 2])
    y = b.tensor("y", f32, [1, 2])
    b.op("DEQUANTIZE", [wh], [w])
    b.op("CONV_2D", [x, w, -1], [c], padding="VALID", stride_w=1, stride_h=1)
    b.op("MAX_POOL_2D", [c], [p], padding="VALID", stride_w=3, stride_h=3, filter_width=3, filter_height=3)
    b.op("RESHAPE", [p], [r], new_shape=[-1, 2])
    b.op("SOFTMAX", [r], [y], beta=1.0)
    yield "fp16_dynamic_chain", b.json([y])


def build_models(out, flatc, schema):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for name, model in tiny_models():
            path = os.path.join(tmp, name + ".json")
            with open(path, "w") as f:
                json.dump(model, f)
            names.append(path)
        subprocess.run([flatc, "-b", "-o", tmp, schema] + names, check=True)
        for path in names:
            shutil.copyfile(path[:-5] + ".tflite", os.path.join(out, "tiny_" + os.path.basename(path)[:-5] + ".tflite"))
    return len(names)


def npy_bytes(descr, shape, payload, version=1):
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode("latin1") + payload


def build_npy(out, shared):
    os.makedirs(out, exist_ok=True)
    cases = [("<f4", "f"), ("<f2", "e"), ("<i4", "i"), ("<i8", "q"), ("<i2", "h"), ("|i1", "b"), ("|u1", "B"), ("|b1", "?")]
    n = 0
    for descr, fmt in cases:
        for shape in ([], [3], [2, 3], [1, 2, 2, 1], [0, 4]):
            count = 1
            for d in shape:
                count *= d
            vals = [(i % 2 == 1) if fmt == "?" else (i % 5) for i in range(count)]
            payload = struct.pack("<" + fmt * count, *vals)
            for version in (1, 2, 3):
                with open(os.path.join(out, f"{descr[1:]}_{'x'.join(map(str, shape)) or 'scalar'}_v{version}.npy"), "wb") as f:
                    f.write(npy_bytes(descr, shape, payload, version))
                n += 1
    conf = os.path.join(shared, "conformance") if shared else None
    if conf and os.path.isdir(conf):
        for root, _, files in sorted(os.walk(conf)):
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.endswith(".npy") and os.path.getsize(path) <= 64 * 1024 and n < 400:
                    shutil.copyfile(path, os.path.join(out, "conf_" + os.path.relpath(path, conf).replace("/", "_")))
                    n += 1
    return n


def png(width, height, channels, pixels):
    color = {1: 0, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + pixels[y * width * channels:(y + 1) * width * channels] for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def bmp(width, height, pixels):
    row = (width * 3 + 3) // 4 * 4
    data = b"".join(pixels[y * width * 3:(y + 1) * width * 3].ljust(row, b"\x00") for y in reversed(range(height)))
    return (b"BM" + struct.pack("<IHHI", 54 + len(data), 0, 0, 54) +
            struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(data), 2835, 2835, 0, 0) + data)


def build_images(out, shared):
    os.makedirs(out, exist_ok=True)
    w, h = 7, 5
    gray = bytes((x * 37 + y * 11) % 256 for y in range(h) for x in range(w))
    rgb = bytes((x * 37 + y * 11 + c * 80) % 256 for y in range(h) for x in range(w) for c in range(3))
    rgba = bytes((x * 37 + y * 11 + c * 60) % 256 for y in range(h) for x in range(w) for c in range(4))
    files = {
        "gray.png": png(w, h, 1, gray), "rgb.png": png(w, h, 3, rgb), "rgba.png": png(w, h, 4, rgba),
        "rgb.bmp": bmp(w, h, rgb), "gray.pgm": b"P5 %d %d 255\n" % (w, h) + gray,
        "rgb.ppm": b"P6 %d %d 255\n" % (w, h) + rgb, "ascii.pgm": b"P2\n2 2\n255\n0 64\n128 255\n",
    }
    images = os.path.join(shared, "models", "images") if shared else None
    if images and os.path.isdir(images):
        for name in sorted(os.listdir(images)):
            path = os.path.join(images, name)
            if os.path.getsize(path) <= 256 * 1024:
                with open(path, "rb") as f:
                    files["shared_" + name] = f.read()
    # Headers (see fuzz_image.cc): float RGB 8x8; uint8 quantized gray 3x5; int8 BGR 16x16; int16 rank-3 gray.
    headers = [bytes([0x04, 7, 7, 0x05]), bytes([0x31, 2, 4, 128]), bytes([0x56, 15, 15, 0x0A]), bytes([0x0B, 9, 3, 0x03])]
    n = 0
    for name, data in sorted(files.items()):
        for k, head in enumerate(headers):
            with open(os.path.join(out, f"{k}_{name}"), "wb") as f:
                f.write(head + data)
            n += 1
    return n


def build_models_dir(out, flatc, schema, shared):
    n = build_models(out, flatc, schema)
    models = os.path.join(shared, "models") if shared else None
    if models and os.path.isdir(models):
        for name in sorted(os.listdir(models)):
            path = os.path.join(models, name)
            if name.endswith(".tflite") and os.path.getsize(path) <= 1_200_000:
                shutil.copyfile(path, os.path.join(out, "shared_" + name))
                n += 1
    else:
        print(f"make_seeds: {models} absent: model seeds are the tiny generated ones only", file=sys.stderr)
    return n


def build_config(out, repo):
    os.makedirs(out, exist_ok=True)
    n = 0
    for sub in ("config", "tests", "systemd"):
        for root, _, files in sorted(os.walk(os.path.join(repo, sub))):
            if os.path.relpath(root, repo).startswith(os.path.join("tests", "fuzz")):
                continue  # the committed seeds and regressions are passed to the fuzzer as they are
            for name in sorted(files):
                if name.endswith((".yaml", ".yml")):
                    rel = os.path.relpath(os.path.join(root, name), repo).replace("/", "_")
                    shutil.copyfile(os.path.join(root, name), os.path.join(out, rel))
                    n += 1
    return n


def build_labels(out):
    os.makedirs(out, exist_ok=True)
    cases = {
        "ints": (0, "file,label\nb.png,10\n\"c,d.png\",007\n"),
        "names": (0, "a.png,zebra\r\nb.png,ant\r\n\r\nc.png,zebra\r\n"),
        "names_file": (1, "a.png,dog\nb.png,1\nc.png,felis\n"),
        "names_file_range": (1, "a.png,5\n"),
        "negative": (0, "a.png,0\nb.png,-1\n"),
        "fraction": (0, "a.png,2.5\nb.png,1e3\n"),
        "mixed": (0, "a.png,0\nb.png,cat\n"),
        "duplicate": (0, "a.png,0\nsub/../a.png,1\n/base/a.png,1\n"),
        "bom_header": (0, "\ufeffFILE,Class\n x.png , 3 \n"),
        "unterminated": (0, "\"a.png,1\n"),
        "short": (0, "a.png\n"),
    }
    for name, (flag, text) in cases.items():
        with open(os.path.join(out, name + ".csv"), "wb") as f:
            f.write(bytes([flag]) + text.encode("utf-8"))
    return len(cases)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--flatc", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--shared", default="")
    ap.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)  # a stale seed never hides a removed one
    counts = {
        "model": build_models_dir(os.path.join(args.out, "model"), args.flatc, args.schema, args.shared),
        "npy": build_npy(os.path.join(args.out, "npy"), args.shared),
        "image": build_images(os.path.join(args.out, "image"), args.shared),
        "config": build_config(os.path.join(args.out, "config"), args.repo),
        "labels": build_labels(os.path.join(args.out, "labels")),
    }
    print("make_seeds: " + ", ".join(f"{k}: {v} files" for k, v in counts.items()))


if __name__ == "__main__":
    main()
