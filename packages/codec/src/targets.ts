import { encodeOne } from './encode';
import { type MatchOptions, matchPriors } from './match';
import { type CodecOptions, resolveCodecOptions } from './options';

/** Ground truth of one image for target building: `boxes` [N*4] xyxy normalised, `labels` [N] 0-based. */
export interface TargetTruth {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * Training targets of a batch, what SSD's MultiBoxLoss consumes.
 * - `locTargets` Float32Array [B*P*4]: encoded offsets for positive priors, 0 for background priors.
 * - `labels`     Int32Array [B*P]: 0 = background, else class + 1.
 * - `numPositives` Int32Array [B].
 */
export interface BatchTargets {
  locTargets: Float32Array;
  labels: Int32Array;
  numPositives: Int32Array;
  batchSize: number;
  numPriors: number;
}

/**
 * Matches and encodes a whole batch against one prior set (`cxcywh` [P*4]): ssd.pytorch's per-image
 * `match()` loop in MultiBoxLoss, as one call. Only positive priors are encoded (the loss uses no others).
 */
export function encodeBatch(
  truths: readonly TargetTruth[],
  priors: ArrayLike<number>,
  options: MatchOptions & CodecOptions = {},
): BatchTargets {
  const codec = resolveCodecOptions(options);
  const p = priors.length >> 2;
  const b = truths.length;
  const locTargets = new Float32Array(b * p * 4);
  const labels = new Int32Array(b * p);
  const numPositives = new Int32Array(b);
  truths.forEach((truth, image) => {
    const match = matchPriors(truth.boxes, truth.labels, priors, { ...options, name: `truths[${image}]` });
    labels.set(match.labels, image * p);
    numPositives[image] = match.numPositives;
    const base = image * p * 4;
    for (let i = 0; i < p; i++) {
      if (match.labels[i] !== 0) encodeOne(truth.boxes, 4 * match.matches[i], priors, 4 * i, locTargets, base + 4 * i, codec);
    }
  });
  return { locTargets, labels, numPositives, batchSize: b, numPriors: p };
}
