#!/usr/bin/env python3
"""Writes the COCO mAP cases tests/accuracy/detection_map_test.cc checks edgebench against.

Each case is random ground truth (with crowd regions, images without objects, a category without
objects) and random detections (jittered copies of the truth, misses, false positives, tied scores, more
than 100 per image and class in one case), with pycocotools' own figures for them: mAP@0.5:0.95
(stats[0]), mAP@0.5 (stats[1]) and the per-category AP it accumulated. Run with an environment that has
pycocotools (pip install pycocotools numpy):

    /opt/cocoenv/bin/python tests/accuracy/make_coco_cases.py tests/accuracy/data
"""
import contextlib
import io
import json
import os
import random
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def make_case(seed, images, categories, objects, dets_per_object, false_positives, crowd_every, round_scores):
    rng = random.Random(seed)
    cats = [{"id": c, "name": "cat%d" % c} for c in categories]
    used_cats = categories[:-1]  # the last category has no objects anywhere
    imgs, anns, results = [], [], []
    ann_id = 1
    for i in range(images):
        image_id = 100 + 7 * i  # not contiguous, not starting at 0 or 1
        w, h = rng.choice([(640, 480), (320, 320), (500, 375)])
        imgs.append({"id": image_id, "file_name": "img%03d.jpg" % i, "width": w, "height": h})
        n = 0 if i == 1 else rng.randint(1, objects)  # image 1 has no objects
        for k in range(n):
            bw, bh = rng.uniform(8, w / 2), rng.uniform(8, h / 2)
            x, y = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
            c = rng.choice(used_cats)
            crowd = 1 if crowd_every and ann_id % crowd_every == 0 else 0
            anns.append({"id": ann_id, "image_id": image_id, "category_id": c, "bbox": [x, y, bw, bh],
                         "area": bw * bh, "iscrowd": crowd})
            ann_id += 1
            for _ in range(rng.randint(0, dets_per_object)):
                j = rng.uniform(0.02, 0.35)
                dx, dy = rng.gauss(0, j * bw / 2), rng.gauss(0, j * bh / 2)
                sw, sh = bw * rng.uniform(1 - j, 1 + j), bh * rng.uniform(1 - j, 1 + j)
                dc = c if rng.random() > 0.1 else rng.choice(categories)
                results.append({"image_id": image_id, "category_id": dc, "bbox": [x + dx, y + dy, sw, sh],
                                "score": rng.random()})
        for _ in range(rng.randint(0, false_positives)):
            bw, bh = rng.uniform(4, w / 3), rng.uniform(4, h / 3)
            results.append({"image_id": image_id, "category_id": rng.choice(categories),
                            "bbox": [rng.uniform(0, w - bw), rng.uniform(0, h - bh), bw, bh], "score": rng.random()})
    if round_scores:  # ties, within an image and across images: the order pycocotools breaks them in
        for r in results:
            r["score"] = round(r["score"], 1)
    rng.shuffle(results)
    gt = {"images": imgs, "annotations": anns, "categories": cats}
    return gt, results


def evaluate(gt, results):
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = json.loads(json.dumps(gt))
        coco.createIndex()
        dt = coco.loadRes(json.loads(json.dumps(results)))
        e = COCOeval(coco, dt, "bbox")
        e.evaluate()
        e.accumulate()
        e.summarize()
    precision = e.eval["precision"]  # [T, R, K, A, M]
    per_class = {}
    for k, cat in enumerate(e.params.catIds):
        p = precision[:, :, k, 0, 2]
        if (p > -1).any():
            per_class[str(cat)] = {"ap50": float(np.mean(p[0])), "ap50_95": float(np.mean(p))}
    return {"map50": float(e.stats[1]), "map50_95": float(e.stats[0]), "per_class": per_class}


CASES = [
    # name, seed, images, categories, objects, dets/object, false positives, crowd every N, rounded scores
    ("small", 1, 12, [1, 2, 3, 7], 6, 2, 3, 0, False),
    ("crowd_ties", 2, 20, [1, 3, 5, 9, 11], 8, 3, 6, 5, True),
    ("many", 3, 3, [2, 4], 90, 6, 40, 0, False),  # more than 100 detections per image and category
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data")
    os.makedirs(out, exist_ok=True)
    for name, seed, *args in CASES:
        gt, results = make_case(seed, *args)
        expected = evaluate(gt, results)
        with open(os.path.join(out, "coco_%s.json" % name), "w") as f:
            json.dump({"ground_truth": gt, "results": results, "pycocotools": expected}, f)
        print(name, len(gt["annotations"]), "objects", len(results), "detections", expected["map50"],
              expected["map50_95"])


if __name__ == "__main__":
    main()
