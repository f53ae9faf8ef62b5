import { ShapeMismatchError } from '@det/core';
import { BACKGROUND, createPriorMatcher, type MatchOptions, validateTruths } from './match';
import { encodeInto } from './offsets';
import { type CodecOptions, resolveCodecOptions } from './options';

/**
 * Ground truth of one image for target building: `boxes` [N*4] corner form `xyxy`, normalised (the priors'
 * space); `labels` [N] 0-based foreground classes. A @det/core `GroundTruth` fits (extra fields are ignored;
 * drop difficult objects first if you train like ssd.pytorch's VOC loader, `keep_difficult=False`).
 */
export interface TargetTruth {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * Training targets of a batch: the (loc_t, conf_t) pair that ssd.pytorch's MultiBoxLoss builds before its loss.
 * - `locTargets`   Float32Array [B*P*4]: encoded offsets (means/stds applied) of each positive prior's matched
 *                  truth; 0 for background priors (no loss reads them).
 * - `labels`       Int32Array [B*P]: 0 = background, else class + 1.
 * - `numPositives` Int32Array [B]: positive priors per image (ssd.pytorch `num_pos`).
 * - `batchSize` B, `numPriors` P.
 */
export interface BatchTargets {
  locTargets: Float32Array;
  labels: Int32Array;
  numPositives: Int32Array;
  batchSize: number;
  numPriors: number;
}

/**
 * Matches ({@link matchPriors}) and encodes ({@link encodeBoxes}) a whole batch against one prior set: the
 * per-image `match()` loop of ssd.pytorch's MultiBoxLoss as one call.
 * - `truths` one {@link TargetTruth} per image (an image may have none: all background).
 * - `priors` [P*4] centroid form `cxcywh`, checked and converted to corners once for the whole batch.
 * - `options` {@link MatchOptions} (`threshold = 0.5`, `numClasses`) and {@link CodecOptions} (`means`, `stds`).
 * Every image is checked before it is matched; errors name it as `truths[i]` (e.g. field `'truths[3]'`, index 2
 * for its third box). Only positive priors are encoded.
 */
export function encodeBatch(
  truths: readonly TargetTruth[],
  priors: ArrayLike<number>,
  options: MatchOptions & CodecOptions = {},
): BatchTargets {
  if (!Array.isArray(truths)) {
    throw new ShapeMismatchError('truths must be an array with one entry per image', { field: 'truths', expected: 'an array of { boxes, labels }' });
  }
  const codec = resolveCodecOptions(options);
  const matcher = createPriorMatcher(priors, options);
  truths.forEach((truth, image) => validateTruths(truth?.boxes, truth?.labels, { ...options, name: `truths[${image}]` }));
  const p = matcher.numPriors;
  const b = truths.length;
  const locTargets = new Float32Array(b * p * 4);
  const labels = new Int32Array(b * p);
  const numPositives = new Int32Array(b);
  truths.forEach((truth, image) => {
    const match = matcher.match(truth.boxes, truth.labels);
    labels.set(match.labels, image * p);
    numPositives[image] = match.numPositives;
    for (let i = 0; i < p; i++) {
      if (match.labels[i] !== BACKGROUND) encodeInto(truth.boxes, match.matches[i], priors, i, locTargets, image * p + i, codec);
    }
  });
  return { locTargets, labels, numPositives, batchSize: b, numPriors: p };
}
