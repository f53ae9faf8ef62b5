import { InvalidConfigError, ShapeMismatchError, validateLabels } from '@det/core';
import { assignPriors } from './assign';
import { priorCorners } from './priors';
import { checkBoxes } from './validate';

export { FORCED_OVERLAP } from './assign';

/**
 * Value of every `matches` entry when an image has no ground truth (there is no truth to point at).
 * With at least one truth, every prior holds a real truth index, background priors included.
 */
export const NO_MATCH = -1;

/** Background label in matched per-prior labels (ssd.pytorch convention: ground-truth class k becomes k + 1). */
export const BACKGROUND = 0;

/** Default IoU threshold for a positive prior (ssd.pytorch `overlap_thresh`, the SSD paper's 0.5). */
export const DEFAULT_MATCH_THRESHOLD = 0.5;

/** Largest ground-truth label accepted without `numClasses` (label + 1 must fit in an Int32Array). */
const MAX_LABEL_EXCLUSIVE = 2 ** 31 - 1;

export interface MatchOptions {
  /** IoU at or above which a prior is positive, in [0, 1] (default 0.5). Compared in float32, as torch does. */
  threshold?: number;
  /**
   * Number of foreground classes (background not counted). When given, labels must lie in
   * [0, numClasses); without it they must still be integers ≥ 0.
   */
  numClasses?: number;
  /** Name of the truths in error messages (default `'truths'`; `encodeBatch` says `'truths[i]'`). */
  name?: string;
}

/**
 * Per-prior matching result (P = number of priors).
 * - `labels`   Int32Array [P]: {@link BACKGROUND} (0), else ground-truth label + 1.
 * - `matches`  Int32Array [P]: for EVERY prior, background ones included, the index of the ground truth it
 *              was assigned (its best-IoU truth, or the truth forced onto it) — ssd.pytorch's `best_truth_idx`,
 *              so `truths[matches[i]]` is the box ssd.pytorch encodes for prior i. {@link NO_MATCH} (−1)
 *              everywhere when there are no truths. Test `labels[i] !== BACKGROUND` for positives.
 * - `overlaps` Float32Array [P]: that truth's IoU with the prior ({@link FORCED_OVERLAP} = 2 for priors a truth
 *              was forced onto, as ssd.pytorch's `best_truth_overlap`).
 * - `numPositives`: number of priors whose label is not background.
 */
export interface MatchResult {
  labels: Int32Array;
  matches: Int32Array;
  overlaps: Float32Array;
  numPositives: number;
}

/** Checks and rounds the threshold (float32, like torch's comparison of a float tensor with a Python float). */
export function resolveThreshold(threshold: number = DEFAULT_MATCH_THRESHOLD): number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new InvalidConfigError('threshold must be an IoU in [0, 1]', { field: 'threshold', expected: 'a number in [0, 1]', received: threshold });
  }
  return Math.fround(threshold);
}

/**
 * Validates one image's truths and labels up front (shared by the matcher and `encodeBatch`); `numClasses`
 * itself is checked by {@link createPriorMatcher}.
 */
export function validateTruths(truths: ArrayLike<number>, labels: ArrayLike<number>, options: MatchOptions = {}): void {
  const { numClasses, name = 'truths' } = options;
  checkBoxes(truths, 'xyxy', name);
  const n = truths.length >> 2;
  if (labels == null || labels.length !== n) {
    throw new ShapeMismatchError(`${labels?.length} labels for ${n} truths`, { field: `${name}.labels`, expected: `${n} labels, one per truth` });
  }
  validateLabels(labels, numClasses ?? MAX_LABEL_EXCLUSIVE, { name: `${name}.labels` });
}

/**
 * SSD prior matching with the semantics of ssd.pytorch's `match()` (layers/box_utils.py):
 * 1. every prior takes the ground truth it overlaps most (ties: the first truth, as torch's argmax);
 * 2. it is positive when that IoU ≥ `threshold` (ssd.pytorch: `conf[best_truth_overlap < threshold] = 0`);
 * 3. every ground truth is then forced onto its best prior (ties: the first prior), which becomes positive
 *    whatever its IoU; when two truths share a best prior, the later truth wins (ssd.pytorch's loop).
 *
 * - `truths` [N*4] corner form `xyxy`, normalised (the priors' space); float32 values (other numbers are
 *   rounded to float32 as a torch tensor would be).
 * - `labels` [N] 0-based foreground classes (background is not a class here; it becomes 0 in the output).
 * - `priors` [P*4] centroid form `cxcywh` (ssd.pytorch PriorBox, `defaultBoxes` from @det/anchors).
 * - `options` `{ threshold = 0.5, numClasses? }`.
 *
 * Zero truths → all background, `matches` all {@link NO_MATCH}, no error. A truth that is not finite or
 * has no area → InvalidBoxError naming its index; a label that is not an integer ≥ 0 (or ≥ `numClasses`)
 * → InvalidLabelError; label count ≠ truth count → ShapeMismatchError; a prior without area → InvalidBoxError.
 *
 * IoU: @det/boxes `iouFloat32` (PyTorch's float32 operation order, so argmax near-ties break as in
 * ssd.pytorch) on priors converted with `toCorners`. One truth-major pass over the N×P pairs, skipping
 * pairs that cannot overlap; no N×P matrix is allocated.
 * Matching many images against the same priors: {@link createPriorMatcher} converts the priors once.
 */
export function matchPriors(
  truths: ArrayLike<number>,
  labels: ArrayLike<number>,
  priors: ArrayLike<number>,
  options: MatchOptions = {},
): MatchResult {
  return createPriorMatcher(priors, options).match(truths, labels);
}

/** {@link matchPriors} bound to one prior set and options: the priors are checked and converted once. */
export interface PriorMatcher {
  /** Number of priors P. */
  readonly numPriors: number;
  /** `matchPriors(truths, labels, priors, options)` for the bound priors and options. */
  match(truths: ArrayLike<number>, labels: ArrayLike<number>): MatchResult;
}

/**
 * Prepares `priors` [P*4] `cxcywh` for matching many images (a data loader, a training batch): checks the
 * options and priors and converts the priors to corners now, once; `match(truths, labels)` then does only
 * the per-image work of {@link matchPriors}, with the same result and the same errors.
 */
export function createPriorMatcher(priors: ArrayLike<number>, options: MatchOptions = {}): PriorMatcher {
  const threshold = resolveThreshold(options.threshold);
  const { numClasses } = options;
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new InvalidConfigError('numClasses must be a positive integer', { field: 'numClasses', expected: 'an integer > 0', received: numClasses });
  }
  const corners = priorCorners(priors);
  const numPriors = corners.length >> 2;
  return {
    numPriors,
    match(truths, labels) {
      validateTruths(truths, labels, options);
      return truths.length === 0 ? noTruths(numPriors) : assignPriors(truths, labels, corners, threshold);
    },
  };
}

/** The result for an image without ground truth: all background. */
export function noTruths(numPriors: number): MatchResult {
  return {
    labels: new Int32Array(numPriors),
    matches: new Int32Array(numPriors).fill(NO_MATCH),
    overlaps: new Float32Array(numPriors),
    numPositives: 0,
  };
}
