/**
 * Box layouts used across @det. Boxes are flat `Float32Array`s with 4 numbers per box.
 * - `xyxy`   corner form (xmin, ymin, xmax, ymax) — the default everywhere; the seeds call it "corner".
 * - `xywh`   (xmin, ymin, width, height) — COCO's JSON layout.
 * - `cxcywh` centroid form (cx, cy, width, height) — how SSD default boxes are stored; the seeds' "centroid".
 * Each function documents whether coordinates are normalised to [0, 1] or in pixels.
 */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

/** Every supported {@link BoxFormat}, in documentation order. */
export const BOX_FORMATS: readonly BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];

/** True when `value` names a supported {@link BoxFormat}. */
export function isBoxFormat(value: unknown): value is BoxFormat {
  return typeof value === 'string' && (BOX_FORMATS as readonly string[]).includes(value);
}

/** Numbers per box in every flat box array. */
export const BOX_STRIDE = 4;
