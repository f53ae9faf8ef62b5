/**
 * Detector output for one image.
 * - `boxes`  Float32Array [N*4], corner form `xyxy`; pixels unless the producer documents otherwise.
 * - `scores` Float32Array [N], confidence in [0, 1].
 * - `labels` Int32Array [N], class index into the model's class list (foreground classes; no background).
 */
export interface Detections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/**
 * Ground truth for one image.
 * - `boxes`     Float32Array [M*4], corner form `xyxy`, pixels (VOC: 1-based inclusive pixel coordinates).
 * - `labels`    Int32Array [M], class index into the dataset's class list (0-based, no background;
 *               SSD matching shifts these by one so that 0 means background).
 * - `difficult` Uint8Array [M], 1 = ignored by VOC AP (neither TP nor FP).
 * - `iscrowd`   Uint8Array [M], optional; 1 = COCO crowd region.
 */
export interface GroundTruth {
  boxes: Float32Array;
  labels: Int32Array;
  difficult: Uint8Array;
  iscrowd?: Uint8Array;
}

/** Number of boxes in a flat 4-per-box array. */
export function boxCount(boxes: ArrayLike<number>): number {
  return boxes.length >> 2;
}

/** An empty {@link Detections}. */
export function emptyDetections(): Detections {
  return { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
}

/** An empty {@link GroundTruth} (an image without objects). */
export function emptyGroundTruth(): GroundTruth {
  return { boxes: new Float32Array(0), labels: new Int32Array(0), difficult: new Uint8Array(0) };
}
