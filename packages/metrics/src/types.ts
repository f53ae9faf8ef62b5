import type { Detections, GroundTruth } from '@det/core';

/**
 * One image to score: its ground truth and a detector's output, both with boxes in corner form
 * `xyxy`, pixels, and labels as 0-based indices into the evaluation's class list.
 * VOC scoring uses the devkit's inclusive-pixel convention (+1 in widths); COCO uses continuous boxes.
 */
export interface EvalImage {
  id: string;
  groundTruth: GroundTruth;
  detections: Detections;
}

/** Precision/recall of one class at one IoU threshold, in decreasing-score order of its detections. */
export interface PrCurve {
  precision: Float64Array;
  recall: Float64Array;
}
