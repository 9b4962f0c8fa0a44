"""Small YOLOv8-structured and MoveNet-like models made with TensorFlow's own converter, for the
end-to-end conformance of a whole detector / pose graph (the full-size ones are for benchmarks:
bench/make_yolov8n.py, bench/make_movenet_like.py, whose builders these import).

  yolov8-64       bench/make_yolov8n.py's YOLOv8 at imgsz 64, depth 0.33 (n's), nc 8, but width
                  0.0625, max_channels 256 and Detect reg_max 8 (n: 0.25, 1024, 16) so that the
                  folder stays small: width 0.25 is 3 M parameters, 12 MB in float32 at any input
                  size. 89 k parameters; every layer of YOLOv8n is there (57 Conv+BN+SiLU, C2f with
                  tf.split, SPPF, nearest upsampling, Detect with DFL softmax over 8 bins and
                  dist2bbox), output [1, 4 + 8, 84].
  movenet-like-96 bench/make_movenet_like.py's model at 96x96 (uint8 input, 24x24 maps),
                  MobileNetV2 width 0.125, last conv 64 (84 k parameters): MoveNet's decoding
                  (ARG_MAX, FLOOR_DIV, GATHER_ND, PACK, UNPACK, SQRT, DIV, CAST), output
                  [1, 1, 17, 3].

Modes: float32 and int8_floatio (full-integer inside, float I/O, as Ultralytics' int8 export; for
MoveNet the input stays uint8 as in the real int8 MoveNet). The converter also makes YOLO in 'int8'
(int8 I/O: the same graph without the edge QUANTIZE/DEQUANTIZE), left out for the folder's size.
Float outputs of the integer models are allowed one quantized step of the tensor their final
DEQUANTIZE reads (the default relative 1e-4 is for float kernels). The random weights keep the
outputs input-dependent (case 0 and 1 differ in most elements) and the decodings' ARG_MAX margins
wide (>= 0.5 % relative) against float rounding. Seeded: reruns write the same files (1.6 MB).

Writes tests/op_models/yolo/ (run: /opt/tfenv/bin/python tests/op_models/make_yolo.py).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'bench'))

from oplib import Family, Spec  # noqa: E402
from make_yolov8n import build_detector  # noqa: E402
from make_movenet_like import build_movenet  # noqa: E402


def dequantize_step(interp, detail, y):
    """One quantized step of the tensor the DEQUANTIZE producing this output reads; None (default
    rule) when no DEQUANTIZE produces it (float32 models)."""
    for op in interp._get_ops_details():
        if op['op_name'] == 'DEQUANTIZE' and detail['index'] in list(op['outputs']):
            scale = interp.get_tensor_details()[op['inputs'][0]]['quantization'][0]
            return float(scale)
    return None


yolo = build_detector(imgsz=64, width=0.0625, depth=0.33, nc=8, seed=8, reg_max=8, max_channels=256)
pose = build_movenet(imgsz=96, alpha=0.125, last=64, seed=17)

fam = Family('yolo')
fam.add('yolov8-64', lambda x: yolo(x), [Spec((1, 64, 64, 3), lo=0.0, hi=1.0)],
        modes=('float32', 'int8_floatio'), tolerance=dequantize_step)
# float32 only: the converter makes the int8 variant's DIV int8, which TFLite's own DIV kernel does not
# run (the XNNPACK delegate does, with arithmetic not reproduced here); edgebench refuses int8 DIV.
fam.add('movenet-like-96', lambda x: pose(x), [Spec((1, 96, 96, 3), 'uint8', lo=0, hi=255)],
        modes=('float32',), tolerance=dequantize_step)
fam.write()
