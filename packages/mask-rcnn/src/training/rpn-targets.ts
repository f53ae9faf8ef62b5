import { ShapeMismatchError } from '@det/core';
import type { BoxCoderWeights } from '../box-coder';
import { encodeMatchedBoxes, RPN_BOX_WEIGHTS } from './encode';
import { BETWEEN_THRESHOLDS, iouMatrix, matchProposals } from './matcher';
import { type SamplerOptions, sampleBalanced } from './sampler';
import { checkTrainingBoxes } from './validate';

/** RPN anchor labels: 1 object, 0 background, −1 ignored (between the thresholds, or not sampled). */
export const ANCHOR_POSITIVE = 1;
export const ANCHOR_NEGATIVE = 0;
export const ANCHOR_IGNORED = -1;

export interface AnchorAssignOptions {
  /** IoU at or above which an anchor is an object (torchvision `rpn_fg_iou_thresh`, default 0.7). */
  fgIouThresh?: number;
  /** IoU below which an anchor is background (torchvision `rpn_bg_iou_thresh`, default 0.3). */
  bgIouThresh?: number;
  /** torchvision's RPN matcher keeps each gt's best anchors (ties included) as objects (default true). */
  allowLowQualityMatches?: boolean;
  /** Box-coder weights (default {@link RPN_BOX_WEIGHTS} (1, 1, 1, 1)). */
  weights?: BoxCoderWeights;
}

/** Targets of a batch's anchors, images concatenated (image 0's anchors first, as torchvision's `torch.cat`). */
export interface AnchorTargets {
  /** [ΣA] {@link ANCHOR_POSITIVE} / {@link ANCHOR_NEGATIVE} / {@link ANCHOR_IGNORED}. */
  labels: Int32Array;
  /** [ΣA] matcher output per anchor: gt index within its image, or BELOW_LOW_THRESHOLD / BETWEEN_THRESHOLDS. */
  matchedIdxs: Int32Array;
  /** [ΣA*4] encoded offsets (weights applied) of the positive anchors' gt boxes; zeros in every other row. */
  regressionTargets: Float32Array;
  /** Anchors of each image. */
  anchorsPerImage: number[];
}

/**
 * torchvision `RegionProposalNetwork.assign_targets_to_anchors` + `box_coder.encode`: per image, IoU of the gt boxes
 * with the anchors (@det/boxes `boxIou`), Matcher(fg, bg, allowLowQualityMatches), labels 1 (matched), 0 (below bg),
 * −1 (between). An image without gt boxes is all background. No sampling (see {@link rpnTargets}).
 * - `anchors` one [A_i*4] array per image, `xyxy` pixels of the (padded) input (torchvision's list of anchors).
 * - `gtBoxes` one [G_i*4] array per image, `xyxy` in the same space; zero-area boxes are accepted and match nothing.
 * Throws ShapeMismatchError when the lists differ in length, InvalidBoxError naming the image's array and box index.
 */
export function assignTargetsToAnchors(
  anchors: readonly ArrayLike<number>[],
  gtBoxes: readonly ArrayLike<number>[],
  options: AnchorAssignOptions = {},
): AnchorTargets {
  const { fgIouThresh = 0.7, bgIouThresh = 0.3, allowLowQualityMatches = true, weights = RPN_BOX_WEIGHTS } = options;
  if (anchors.length !== gtBoxes.length) {
    throw new ShapeMismatchError('one anchor set per image is required', { field: 'anchors', expected: `${gtBoxes.length} arrays`, received: anchors.length });
  }
  const anchorsPerImage = anchors.map((a) => a.length >> 2);
  const total = anchorsPerImage.reduce((s, a) => s + a, 0);
  const labels = new Int32Array(total);
  const matchedIdxs = new Int32Array(total);
  const regressionTargets = new Float32Array(4 * total);
  let offset = 0;
  anchors.forEach((a, img) => {
    checkTrainingBoxes(gtBoxes[img], `gtBoxes[${img}]`);
    checkTrainingBoxes(a, `anchors[${img}]`);
    const matrix = iouMatrix(gtBoxes[img], a);
    const matched = matchProposals(matrix, { high: fgIouThresh, low: bgIouThresh, allowLowQualityMatches });
    for (let j = 0; j < matched.length; j++) {
      const m = matched[j];
      labels[offset + j] = m >= 0 ? ANCHOR_POSITIVE : m === BETWEEN_THRESHOLDS ? ANCHOR_IGNORED : ANCHOR_NEGATIVE;
    }
    matchedIdxs.set(matched, offset);
    regressionTargets.set(encodeMatchedBoxes(a, gtBoxes[img], matched, weights), 4 * offset);
    offset += matched.length;
  });
  return { labels, matchedIdxs, regressionTargets, anchorsPerImage };
}

export interface RpnTargetOptions extends AnchorAssignOptions, Partial<Omit<SamplerOptions, 'batchSize'>> {
  /** Anchors sampled per image (torchvision `rpn_batch_size_per_image`, default 256). */
  batchSizePerImage?: number;
  /** Largest share of positives among them (default 0.5). `random` (default Math.random) drives the choice. */
  positiveFraction?: number;
}

/**
 * {@link assignTargetsToAnchors}, then torchvision's RPN sampler per image (`batchSizePerImage` 256 at
 * `positiveFraction` 0.5): `labels` become 1 for sampled objects, 0 for sampled background and −1 for every anchor
 * left out — what {@link rpnLoss} reads. `matchedIdxs` and `regressionTargets` are those of the assignment.
 */
export function rpnTargets(anchors: readonly ArrayLike<number>[], gtBoxes: readonly ArrayLike<number>[], options: RpnTargetOptions = {}): AnchorTargets {
  const { batchSizePerImage = 256, positiveFraction = 0.5, random } = options;
  const assigned = assignTargetsToAnchors(anchors, gtBoxes, options);
  const sampled = new Int32Array(assigned.labels.length).fill(ANCHOR_IGNORED);
  let offset = 0;
  for (const count of assigned.anchorsPerImage) {
    const { positive, negative } = sampleBalanced(assigned.labels.subarray(offset, offset + count), { batchSize: batchSizePerImage, positiveFraction, random });
    for (const i of positive) sampled[offset + i] = ANCHOR_POSITIVE;
    for (const i of negative) sampled[offset + i] = ANCHOR_NEGATIVE;
    offset += count;
  }
  return { ...assigned, labels: sampled };
}
