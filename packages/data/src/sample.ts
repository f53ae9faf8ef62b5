import type { RgbImage } from './image';
import type { Random } from './random';

/**
 * One training/evaluation example as it moves through the transforms.
 * - `boxes`  Float32Array [M*4] corner form `xyxy`, in pixels of `image` (or normalised [0, 1] after `toPercentCoords`).
 * - `labels` Int32Array [M], 0-based classes (no background).
 * - `difficult` Uint8Array [M], optional VOC flags carried along with their boxes.
 */
export interface DetectionSample {
  image: RgbImage;
  boxes: Float32Array;
  labels: Int32Array;
  difficult?: Uint8Array;
  /** True once boxes are normalised to [0, 1]. */
  normalized?: boolean;
}

/** A sample transform. Random transforms draw only from `random`, so a seed reproduces them. */
export type Transform = (sample: DetectionSample, random: Random) => DetectionSample;

/** Applies transforms left to right. */
export function composeTransforms(...transforms: Transform[]): Transform {
  return (sample, random) => transforms.reduce((s, t) => t(s, random), sample);
}

/** Keeps boxes (and their labels and flags) where `keep[i]` is true. */
export function selectBoxes(sample: DetectionSample, keep: ArrayLike<boolean>, boxes: Float32Array = sample.boxes): DetectionSample {
  const n = keep.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (keep[i]) count++;
  const outBoxes = new Float32Array(count * 4);
  const labels = new Int32Array(count);
  const difficult = sample.difficult ? new Uint8Array(count) : undefined;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    outBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
    labels[k] = sample.labels[i];
    if (difficult && sample.difficult) difficult[k] = sample.difficult[i];
    k++;
  }
  return { ...sample, boxes: outBoxes, labels, difficult };
}
