"""Peers for packages/metrics/bench/run.mjs, on the files it writes (same data, same run):
- py-faster-rcnn voc_eval.py (VOC_EVAL_PATH), called per class for all classes as py-faster-rcnn's
  pascal_voc._do_python_eval does, with its annotation cache (annots.pkl) already written, so the time is
  the evaluation (each call still loads the cache, as voc_eval.py always does); median of 3 runs;
- pycocotools COCOeval evaluate() + accumulate() (PYCOCOTOOLS_PATH), one run.
How to get them: scripts/fixtures/metrics_refs.py (neither is vendored). Prints one JSON line; peers
whose variable is not set are left out.
"""
import contextlib
import io
import json
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "fixtures"))
from metrics_refs import load_pycocotools, load_voc_eval  # noqa: E402

voc_path, gt_path, dt_path = sys.argv[1:4]
out = {}

voc_eval = load_voc_eval()
if voc_eval is not None:
    data = json.load(open(voc_path))
    classes = data["classes"]
    work = tempfile.mkdtemp(prefix="det-voc-peer-")
    try:
        recs = {im["id"]: [{"name": classes[g["label"]], "pose": "Unspecified", "truncated": 0, "difficult": g["difficult"],
                            "bbox": [int(v) for v in g["box"]]} for g in im["gt"]] for im in data["images"]}
        with open(os.path.join(work, "annots.pkl"), "wb") as f:
            pickle.dump(recs, f)
        imageset = os.path.join(work, "test.txt")
        with open(imageset, "w") as f:
            f.write("\n".join(im["id"] for im in data["images"]) + "\n")
        files = {name: open(os.path.join(work, f"det_{name}.txt"), "w") for name in classes}
        for d in data["dets"]:
            files[classes[d["label"]]].write(" ".join([d["imageId"], repr(float(d["score"]))] + [repr(float(v)) for v in d["box"]]) + "\n")
        for f in files.values():
            f.close()
        for metric, use07 in (("voc07", True), ("voc12", False)):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    aps = [voc_eval.voc_eval(os.path.join(work, "det_{}.txt"), os.path.join(work, "{}.xml"), imageset, name, work, 0.5, use07)[2]
                           for name in classes]
                times.append((time.perf_counter() - t0) * 1000)
            out[f"{metric}_ms"] = statistics.median(times)
            out[f"{metric}_map"] = float(sum(aps) / len(aps))
    finally:
        shutil.rmtree(work)

coco = load_pycocotools()
if coco is not None:
    COCO, COCOeval = coco
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        dt = gt.loadRes(dt_path)
        ev = COCOeval(gt, dt, "bbox")
        t0 = time.perf_counter()
        ev.evaluate()
        t1 = time.perf_counter()
        ev.accumulate()
        t2 = time.perf_counter()
        ev.summarize()
    out["coco_evaluate_ms"] = (t1 - t0) * 1000
    out["coco_accumulate_ms"] = (t2 - t1) * 1000
    out["coco_ms"] = (t2 - t0) * 1000
    out["coco_ap"] = float(ev.stats[0])
print(json.dumps(out))
