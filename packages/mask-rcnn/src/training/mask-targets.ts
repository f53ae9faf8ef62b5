import { ShapeMismatchError } from '@det/core';
import { roiAlign, tf } from '@det/tfjs';
import { positiveRoiSamples, type RoiSamples } from './roi-samples';
import { checkLength } from './validate';

/** One image's instance masks: `masks` G arrays of `height·width` (row-major, 1 inside the object; e.g. RcnnTarget.masks). */
export interface GtMasks {
  masks: readonly ArrayLike<number>[];
  height: number;
  width: number;
}

/**
 * torchvision `roi_heads.project_masks_on_boxes`: the gt mask `matchedIdxs[k]` of each positive proposal `boxes[k]`
 * ([P*4] `xyxy` pixels of the mask) cropped and resized to M×M by RoIAlign (@det/tfjs `roiAlign`, as torchvision's
 * `roi_align(masks, rois, (M, M), 1.0)`: spatial scale 1, adaptive sampling ratio, aligned = false). Values are
 * the averaged mask in [0, 1], not thresholded. Returns a new tf.Tensor3D [P, M, M] (the caller disposes it);
 * P = 0 gives [0, M, M]. Only the referenced masks are uploaded.
 * Throws ShapeMismatchError naming the mask index of a mask of the wrong size or the row of an index outside [0, G).
 */
export function projectMasksOnBoxes(gt: GtMasks, boxes: ArrayLike<number>, matchedIdxs: ArrayLike<number>, m: number): tf.Tensor3D {
  const { masks, height, width } = gt;
  const p = matchedIdxs.length;
  checkLength(boxes, 4 * p, 'boxes', 'matchedIdxs (4 numbers per box)');
  if (!(Number.isInteger(m) && m > 0)) throw new ShapeMismatchError('mask size must be a positive integer', { field: 'm', expected: 'an integer ≥ 1', received: m });
  const slot = new Map<number, number>();
  const boxIndex = new Int32Array(p);
  for (let k = 0; k < p; k++) {
    const g = matchedIdxs[k];
    if (!(Number.isInteger(g) && g >= 0 && g < masks.length)) {
      throw new ShapeMismatchError('matched index outside the gt masks', { field: 'matchedIdxs', index: k, expected: `an integer in [0, ${masks.length - 1}]`, received: g });
    }
    if (!slot.has(g)) {
      checkLength(masks[g], height * width, `masks[${g}]`, `height × width (${height} × ${width})`);
      slot.set(g, slot.size);
    }
    boxIndex[k] = slot.get(g) as number;
  }
  if (p === 0) return tf.zeros([0, m, m]) as tf.Tensor3D;
  const stacked = new Float32Array(slot.size * height * width);
  for (const [g, s] of slot) stacked.set(Float32Array.from(masks[g]), s * height * width);
  return tf.tidy(() => {
    const features = tf.tensor4d(stacked, [slot.size, height, width, 1]);
    const pooled = roiAlign(features, Float32Array.from(boxes), boxIndex, [m, m], { spatialScale: 1, samplingRatio: -1, aligned: false });
    return tf.reshape(pooled, [p, m, m]) as tf.Tensor3D;
  });
}

/** {@link projectMasksOnBoxes} under the name the training code uses for it. */
export const maskTargets = projectMasksOnBoxes;

/** The mask branch's training inputs for a batch, positives of every image concatenated in image order. */
export interface MaskTrainingTargets {
  /** [K*4] `xyxy` positive proposals (to pool the mask features from). */
  proposals: Float32Array;
  /** [K] image of each proposal (roiAlign's `boxIndex`). */
  imageIndex: Int32Array;
  /** [K] class of each proposal (≥ 1): {@link maskrcnnLoss}'s `labels`. */
  labels: Int32Array;
  /** [K, M, M] projected gt masks: {@link maskrcnnLoss}'s `maskTargets` (the caller disposes it). */
  targets: tf.Tensor3D;
}

/**
 * torchvision's mask-branch preparation in `RoIHeads.forward` (training): the positive rows (label > 0) of each image's
 * {@link RoiSamples}, and their gt masks projected at M×M ({@link projectMasksOnBoxes}). `gtMasks` one per image.
 */
export function maskTrainingTargets(samples: readonly RoiSamples[], gtMasks: readonly GtMasks[], m: number): MaskTrainingTargets {
  if (samples.length !== gtMasks.length) {
    throw new ShapeMismatchError('one mask set per image is required', { field: 'gtMasks', expected: `${samples.length} entries`, received: gtMasks.length });
  }
  const positives = samples.map(positiveRoiSamples);
  const total = positives.reduce((t, p) => t + p.labels.length, 0);
  const proposals = new Float32Array(4 * total);
  const imageIndex = new Int32Array(total);
  const labels = new Int32Array(total);
  let k = 0;
  positives.forEach((p, img) => {
    proposals.set(p.proposals, 4 * k);
    labels.set(p.labels, k);
    imageIndex.fill(img, k, k + p.labels.length);
    k += p.labels.length;
  });
  const targets = tf.tidy(() => {
    const parts = positives.map((p, img) => projectMasksOnBoxes(gtMasks[img], p.proposals, p.matchedIdxs, m));
    return (parts.length === 0 ? tf.zeros([0, m, m]) : tf.concat(parts, 0)) as tf.Tensor3D;
  });
  return { proposals, imageIndex, labels, targets };
}
