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

/** One image's ground truth (boxes `xyxy` pixels, labels 0-based into the class list). */
export interface ImageGroundTruth {
  id: string;
  groundTruth: GroundTruth;
}

/** One image's detections (boxes `xyxy` pixels, labels 0-based into the class list). */
export interface ImageDetections {
  id: string;
  detections: Detections;
}

/**
 * One detection, as a line of a VOC devkit result file holds it (`<image id> <score> <xmin> <ymin>
 * <xmax> <ymax>` in the file of class `label`). `score` and `box` are plain numbers (float64), so a
 * list of these reproduces voc_eval.py exactly, tie order included.
 */
export interface DetectionRecord {
  imageId: string;
  /** 0-based index into the class list. */
  label: number;
  score: number;
  /** Corner form `xyxy`, pixels: 4 numbers. */
  box: ArrayLike<number>;
}

/** Precision/recall of one class at one IoU threshold, in decreasing-score order of its detections. */
export interface PrCurve {
  precision: Float64Array;
  recall: Float64Array;
}
