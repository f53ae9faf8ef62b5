"""Peers for packages/metrics/bench/run.mjs, on the same synthetic data:
- a Python 3 voc_eval.py (directory in VOC_EVAL_PATH; py-faster-rcnn's own file is Python 2 and cannot run here) that
  takes the annotation cache annots.pkl in cachedir, called per class as the test harness does;
- pycocotools COCOeval evaluate() + accumulate() (package directory in PYCOCOTOOLS_PATH).
Neither is vendored: fetch them yourself. Prints one JSON line; missing peers are left out."""
import json
import os
import pickle
import statistics
import sys
import tempfile
import time

out = {}
voc_path, gt_path, dt_path = sys.argv[1:4]

if os.environ.get("VOC_EVAL_PATH"):
    sys.path.insert(0, os.environ["VOC_EVAL_PATH"])
    import numpy as np  # noqa: F401
    from voc_eval import voc_eval

    data = json.load(open(voc_path))
    work = tempfile.mkdtemp()
    names = [f"c{k}" for k in range(20)]
    recs = {}
    for im in data:
        recs[im["id"]] = [{"name": names[g["label"]], "bbox": [int(v) for v in g["box"]], "difficult": g["difficult"],
                           "pose": "", "truncated": 0} for g in im["gt"]]
    cache = os.path.join(work, "annots.pkl")
    with open(cache, "wb") as f:
        pickle.dump(recs, f)
    imageset = os.path.join(work, "test.txt")
    with open(imageset, "w") as f:
        f.write("\n".join(im["id"] for im in data))
    for k, name in enumerate(names):
        with open(os.path.join(work, f"det_{name}.txt"), "w") as f:
            for im in data:
                for d in im["dets"]:
                    if d["label"] == k:
                        f.write(f"{im['id']} {d['score']:.6f} {d['box'][0]:.2f} {d['box'][1]:.2f} {d['box'][2]:.2f} {d['box'][3]:.2f}\n")
    t0 = time.perf_counter()
    aps = [voc_eval(os.path.join(work, "det_{}.txt"), os.path.join(work, "{}.xml"), imageset, name, work, 0.5, True)[2]
           for name in names]
    out["voc_ms"] = (time.perf_counter() - t0) * 1000
    out["voc_map"] = float(sum(aps) / len(aps))

if os.environ.get("PYCOCOTOOLS_PATH"):
    sys.path.insert(0, os.environ["PYCOCOTOOLS_PATH"])
    import contextlib
    import io
    import types

    import numpy as np

    # Compatibility shims, no change to the algorithm: pycocotools 2.0 uses np.float (removed in numpy 1.24)
    # and imports matplotlib only for drawing.
    np.float = float
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.collections", "matplotlib.patches"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["matplotlib.collections"].PatchCollection = object
    sys.modules["matplotlib.patches"].Polygon = object

    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dt_path)
        ev = COCOeval(gt, dt, "bbox")
        t0 = time.perf_counter()
        ev.evaluate()
        ev.accumulate()
        out["coco_ms"] = (time.perf_counter() - t0) * 1000
        ev.summarize()
    out["coco_ap"] = float(ev.stats[0])
print(json.dumps(out))
