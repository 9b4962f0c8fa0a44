#!/usr/bin/env python3
"""Writes the YOLO decoding cases tests/accuracy/detection_decode_test.cc checks edgebench against.

Random raw heads (a YOLOv8 head [1, 4+C, N] with normalised boxes, a YOLOv5 head [1, N, 5+C] in input
pixels), built as clusters of overlapping anchors around random objects, and what a NumPy reference (yolo_cases.json) of
Ultralytics' non_max_suppression + scale_boxes makes of them under several settings: its validation
settings (conf 0.001, IoU 0.7, every class above conf per box), its prediction settings (conf 0.25, the
best class only), a letterbox, a small candidate cap, a small max_det. Written here from Ultralytics'
algorithm (ultralytics/utils/ops.py), independently of the C++ decoder. NumPy only:

    /usr/bin/python3 tests/accuracy/make_yolo_cases.py tests/accuracy/data
"""
import json
import os
import sys

import numpy as np


def make_head(rng, classes, anchors, objects, input_wh, v5, normalised):
    iw, ih = input_wh
    rows = []
    for _ in range(objects):
        w, h = rng.uniform(10, iw / 3), rng.uniform(10, ih / 3)
        cx, cy = rng.uniform(w / 2, iw - w / 2), rng.uniform(h / 2, ih - h / 2)
        c = rng.integers(classes)
        for _ in range(rng.integers(2, 8)):
            j = rng.uniform(0.0, 0.3)
            box = [cx + rng.normal(0, j * w / 3), cy + rng.normal(0, j * h / 3), w * rng.uniform(1 - j, 1 + j),
                   h * rng.uniform(1 - j, 1 + j)]
            cls = rng.uniform(0, 0.05, classes)
            cls[c] = rng.uniform(0.2, 0.95)
            if rng.random() < 0.2:  # a second class above the display threshold on the same box
                cls[(c + 1) % classes] = rng.uniform(0.26, 0.6)
            obj = [rng.uniform(0.5, 1.0)] if v5 else []
            rows.append(box + obj + list(cls))
    while len(rows) < anchors:  # background anchors: boxes anywhere, scores near zero
        w, h = rng.uniform(4, iw / 4), rng.uniform(4, ih / 4)
        box = [rng.uniform(0, iw), rng.uniform(0, ih), w, h]
        obj = [rng.uniform(0, 0.01)] if v5 else []
        rows.append(box + obj + list(rng.uniform(0, 0.004, classes)))
    head = np.array(rows[:anchors], dtype=np.float32)
    rng.shuffle(head, axis=0)
    if normalised:
        head[:, [0, 2]] /= iw
        head[:, [1, 3]] /= ih
    return head  # [N, K]


def iou_one_to_many(b, boxes):
    b = b.astype(np.float64)
    boxes = boxes.astype(np.float64)
    w = np.minimum(b[2], boxes[:, 2]) - np.maximum(b[0], boxes[:, 0])
    h = np.minimum(b[3], boxes[:, 3]) - np.maximum(b[1], boxes[:, 1])
    inter = np.where((w > 0) & (h > 0), w * h, 0.0)
    area = lambda x: np.where((x[..., 2] > x[..., 0]) & (x[..., 3] > x[..., 1]),
                              (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1]), 0.0)
    union = area(b) + area(boxes) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def reference(rows, v5, s):
    """Ultralytics' non_max_suppression on one image's rows [N, K], then scale_boxes and clip_boxes."""
    conf = np.float32(s["conf"])
    x = rows.copy()
    if v5:
        x = x[x[:, 4] > conf]
        cls = x[:, 5:] * x[:, 4:5]
    else:
        cls = x[:, 4:]
    iw, ih = s["input"]
    if s["normalised"]:
        x[:, [0, 2]] *= np.float32(iw)
        x[:, [1, 3]] *= np.float32(ih)
    xy, wh = x[:, 0:2], x[:, 2:4]
    box = np.concatenate([xy - wh / np.float32(2), xy + wh / np.float32(2)], axis=1).astype(np.float32)
    if s["multi_label"]:
        i, j = np.nonzero(cls > conf)
        boxes, scores, classes = box[i], cls[i, j], j
    else:
        j = cls.argmax(1)
        best = cls[np.arange(len(cls)), j]
        keep = best > conf
        boxes, scores, classes = box[keep], best[keep], j[keep]
    order = np.argsort(-scores.astype(np.float64), kind="stable")[: s["max_candidates"]]
    boxes, scores, classes = boxes[order], scores[order], classes[order]
    order = np.argsort(-scores.astype(np.float64), kind="stable")
    boxes, scores, classes = boxes[order], scores[order], classes[order]
    suppressed = np.zeros(len(boxes), bool)
    kept = []
    for k in range(len(boxes)):  # torchvision.ops.nms per class (Ultralytics offsets boxes by class)
        if suppressed[k]:
            continue
        kept.append(k)
        if len(kept) == s["max_det"]:
            break
        later = np.arange(len(boxes)) > k
        same = (classes == classes[k]) & later
        suppressed |= same & (iou_one_to_many(boxes[k], boxes) > s["iou"])
    boxes = boxes[kept].astype(np.float64)
    w, h = s["image"]
    if s["resize"] == "stretch":
        boxes[:, [0, 2]] *= w / iw
        boxes[:, [1, 3]] *= h / ih
    else:
        gain = min(ih / h, iw / w)
        pad_x, pad_y = round((iw - w * gain) / 2 - 0.1), round((ih - h * gain) / 2 - 0.1)
        boxes[:, [0, 2]] -= pad_x
        boxes[:, [1, 3]] -= pad_y
        boxes /= gain
    boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, w)
    boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, h)
    return np.concatenate([boxes, scores[kept, None].astype(np.float64), classes[kept, None].astype(np.float64)], 1)


VAL = {"conf": 0.001, "iou": 0.7, "multi_label": True, "max_det": 300, "max_candidates": 30000}
PREDICT = {"conf": 0.25, "iou": 0.7, "multi_label": False, "max_det": 300, "max_candidates": 30000}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(22)
    v8 = make_head(rng, classes=3, anchors=300, objects=25, input_wh=(320, 320), v5=False, normalised=True)
    v5 = make_head(rng, classes=4, anchors=240, objects=20, input_wh=(256, 192), v5=True, normalised=False)
    np.save(os.path.join(out, "yolov8_head.npy"), v8.T[None].copy())  # [1, 4+C, N], as Ultralytics exports
    np.save(os.path.join(out, "yolov5_head.npy"), v5[None])           # [1, N, 5+C]
    cases = [
        ("yolov8_head.npy", "yolov8", v8, dict(VAL, input=[320, 320], image=[640, 480], resize="stretch", normalised=True)),
        ("yolov8_head.npy", "yolov8", v8, dict(PREDICT, input=[320, 320], image=[640, 480], resize="stretch", normalised=True)),
        ("yolov8_head.npy", "yolov8", v8, dict(VAL, input=[320, 320], image=[500, 375], resize="letterbox", normalised=True)),
        ("yolov8_head.npy", "yolov8", v8, dict(VAL, input=[320, 320], image=[320, 320], resize="stretch", normalised=True,
                                               max_candidates=40, max_det=25)),
        ("yolov5_head.npy", "yolov5", v5, dict(VAL, input=[256, 192], image=[1280, 720], resize="stretch", normalised=False)),
        ("yolov5_head.npy", "yolov5", v5, dict(PREDICT, input=[256, 192], image=[1280, 720], resize="letterbox",
                                               normalised=False, iou=0.45)),
    ]
    listed = []
    for n, (head, fmt, rows, s) in enumerate(cases):
        expected = reference(rows, fmt == "yolov5", s)
        # x1, y1, x2, y2 (image pixels), score, class per detection; JSON keeps the doubles exactly.
        listed.append(dict(s, head=head, format=fmt, expected=[[float(v) for v in row] for row in expected]))
        print("case", n, fmt, len(expected), "detections")
    with open(os.path.join(out, "yolo_cases.json"), "w") as f:
        json.dump(listed, f)


if __name__ == "__main__":
    main()
