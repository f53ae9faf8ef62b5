import type { Detections } from './annotations';
import type { ClassNames } from './records';

/** Post-processing options shared by detectors. */
export interface PredictOptions {
  /** Drop detections scoring below this (default per model, typically 0.01 for evaluation). */
  scoreThreshold?: number;
  /** NMS IoU threshold: a box is suppressed when IoU > threshold (default per model, 0.45 for SSD). */
  iouThreshold?: number;
  /** Keep at most this many detections per image (default per model, 200 for SSD). */
  topK?: number;
}

/**
 * What every detection model family implements. `TImages` is the model's image batch type
 * (a tfjs `Tensor4D` NHWC for the tfjs families); kept generic so @det/core needs no tensor library.
 */
export interface Detector<TImages = unknown> {
  /** Number of foreground classes (background excluded). */
  readonly numClasses: number;
  readonly classNames?: ClassNames;
  /** One {@link Detections} per image, boxes `xyxy` in the input image's pixels. */
  predict(images: TImages, options?: PredictOptions): Promise<Detections[]>;
}

/** Class map for one image: Uint8Array/Int32Array [H*W] row-major, values are class indices. */
export interface ClassMap {
  width: number;
  height: number;
  data: Uint8Array | Int32Array;
}

/** What every semantic segmentation family implements. */
export interface SemanticSegmenter<TImages = unknown> {
  /** Number of classes including background (class 0 for VOC). */
  readonly numClasses: number;
  readonly classNames?: ClassNames;
  predict(images: TImages): Promise<ClassMap[]>;
}

/** Detections with one binary mask per box (Uint8Array [H*W] each, 1 = inside). */
export interface InstanceDetections extends Detections {
  masks: Uint8Array[];
  width: number;
  height: number;
}

/** What every instance segmentation family implements. */
export interface InstanceSegmenter<TImages = unknown> {
  readonly numClasses: number;
  readonly classNames?: ClassNames;
  predict(images: TImages, options?: PredictOptions): Promise<InstanceDetections[]>;
}
