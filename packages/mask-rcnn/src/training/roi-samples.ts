import { InvalidLabelError, type Random, ShapeMismatchError } from '@det/core';
import type { BoxCoderWeights } from '../box-coder';
import { encodeMatchedBoxes, ROI_BOX_WEIGHTS } from './encode';
import { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, iouMatrix, matchProposals } from './matcher';
import { sampleBalanced } from './sampler';
import { checkLength, checkTrainingBoxes } from './validate';

/** One image's ground truth for the RoI heads: `boxes` [G*4] `xyxy` pixels, `labels` [G] class indices ≥ 1 (0 is background). */
export interface RoiTarget {
  boxes: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface RoiSampleOptions {
  /** IoU at or above which a proposal takes its gt's class (torchvision `box_fg_iou_thresh`, default 0.5). */
  fgIouThresh?: number;
  /** IoU below which a proposal is background (torchvision `box_bg_iou_thresh`, default 0.5; between the two: ignored). */
  bgIouThresh?: number;
  /** Proposals sampled per image (torchvision `box_batch_size_per_image`, default 512). */
  batchSizePerImage?: number;
  /** Largest share of positives among them (torchvision `box_positive_fraction`, default 0.25). */
  positiveFraction?: number;
  /** Box-coder weights (default {@link ROI_BOX_WEIGHTS} (10, 10, 5, 5)). */
  weights?: BoxCoderWeights;
  /** Uniform [0, 1) source for the sampler (default Math.random). */
  random?: Random;
  /** When given, gt labels must also be below it (classes including background). */
  numClasses?: number;
}

/** The sampled proposals of one image, in ascending order of their index in [proposals, gt boxes]. */
export interface RoiSamples {
  /** [S*4] `xyxy` pixels. */
  proposals: Float32Array;
  /** [S] gt index of each positive; 0 for background rows (torchvision clamps the matcher's negatives to 0). */
  matchedIdxs: Int32Array;
  /** [S] class of the matched gt for positives, 0 for background. */
  labels: Int32Array;
  /** [S*4] encoded offsets (weights applied) of the positives' gt boxes; zeros on background rows. */
  regressionTargets: Float32Array;
}

/**
 * torchvision `RoIHeads.select_training_samples` for a batch: per image, the gt boxes are appended to the proposals,
 * matched by IoU (Matcher(fg, bg), no low-quality matches), labelled with their gt's class (0 below `bgIouThresh`,
 * −1 between the thresholds and never sampled), sampled (`batchSizePerImage` 512 at `positiveFraction` 0.25) and
 * the positives' regression targets encoded with weights (10, 10, 5, 5). An image without gt boxes gives all
 * sampled proposals as background with zero targets.
 * - `proposals` one [P_i*4] array per image (`xyxy` pixels, e.g. the RPN's), `targets` one {@link RoiTarget} per image.
 * Throws ShapeMismatchError for mismatched lengths, InvalidBoxError naming the image's array and box index
 * (x2 < x1, not finite), InvalidLabelError naming the index of a gt label < 1 (or ≥ numClasses).
 */
export function selectTrainingSamples(
  proposals: readonly ArrayLike<number>[],
  targets: readonly RoiTarget[],
  options: RoiSampleOptions = {},
): RoiSamples[] {
  const { fgIouThresh = 0.5, bgIouThresh = 0.5, batchSizePerImage = 512, positiveFraction = 0.25, weights = ROI_BOX_WEIGHTS, random, numClasses } = options;
  if (proposals.length !== targets.length) {
    throw new ShapeMismatchError('one proposal set per image is required', { field: 'proposals', expected: `${targets.length} arrays`, received: proposals.length });
  }
  return proposals.map((props, img) => {
    const { boxes: gt, labels: gtLabels } = targets[img];
    checkTrainingBoxes(props, `proposals[${img}]`);
    checkTrainingBoxes(gt, `targets[${img}].boxes`);
    const g = gt.length >> 2;
    checkLength(gtLabels, g, `targets[${img}].labels`, 'the boxes (one label per box)');
    for (let i = 0; i < g; i++) {
      const l = gtLabels[i];
      if (!Number.isInteger(l) || l < 1 || (numClasses !== undefined && l >= numClasses)) {
        throw new InvalidLabelError('gt label out of range (0 is background)', {
          field: `targets[${img}].labels`,
          index: i,
          expected: numClasses !== undefined ? `an integer in [1, ${numClasses - 1}]` : 'an integer ≥ 1',
          received: l,
        });
      }
    }
    const all = new Float32Array(props.length + gt.length);
    all.set(Float32Array.from(props), 0);
    all.set(Float32Array.from(gt), props.length);
    const matched = matchProposals(iouMatrix(gt, all), { high: fgIouThresh, low: bgIouThresh });
    const labels = new Int32Array(matched.length);
    for (let j = 0; j < matched.length; j++) {
      const m = matched[j];
      labels[j] = m >= 0 ? gtLabels[m] : m === BETWEEN_THRESHOLDS ? -1 : 0;
    }
    const { positive, negative } = sampleBalanced(labels, { batchSize: batchSizePerImage, positiveFraction, random });
    const keep = Int32Array.from([...positive, ...negative]).sort();
    const s = keep.length;
    const out: RoiSamples = { proposals: new Float32Array(4 * s), matchedIdxs: new Int32Array(s), labels: new Int32Array(s), regressionTargets: new Float32Array(0) };
    const gtIndex = new Int32Array(s);
    keep.forEach((j, k) => {
      out.proposals.set(all.subarray(4 * j, 4 * j + 4), 4 * k);
      out.labels[k] = labels[j];
      out.matchedIdxs[k] = Math.max(matched[j], 0);
      gtIndex[k] = labels[j] > 0 ? matched[j] : BELOW_LOW_THRESHOLD;
    });
    out.regressionTargets = encodeMatchedBoxes(out.proposals, gt, gtIndex, weights);
    return out;
  });
}

/** {@link RoiSamples} of a batch concatenated, with `imageIndex` [ΣS] int32 (the image of each row: roiAlign's `boxIndex`). */
export interface ConcatenatedRoiSamples extends RoiSamples {
  imageIndex: Int32Array;
}

/** Concatenates per-image samples in image order (torchvision's `torch.cat(labels)` before `fastrcnn_loss`). */
export function concatRoiSamples(samples: readonly RoiSamples[]): ConcatenatedRoiSamples {
  const total = samples.reduce((t, s) => t + s.labels.length, 0);
  const out: ConcatenatedRoiSamples = {
    proposals: new Float32Array(4 * total),
    matchedIdxs: new Int32Array(total),
    labels: new Int32Array(total),
    regressionTargets: new Float32Array(4 * total),
    imageIndex: new Int32Array(total),
  };
  let k = 0;
  samples.forEach((s, img) => {
    out.proposals.set(s.proposals, 4 * k);
    out.matchedIdxs.set(s.matchedIdxs, k);
    out.labels.set(s.labels, k);
    out.regressionTargets.set(s.regressionTargets, 4 * k);
    out.imageIndex.fill(img, k, k + s.labels.length);
    k += s.labels.length;
  });
  return out;
}

/** The positive rows (label > 0) of one image's samples: the mask branch's proposals, gt indices and classes (torchvision `pos = where(labels > 0)`). */
export function positiveRoiSamples(samples: RoiSamples): { proposals: Float32Array; matchedIdxs: Int32Array; labels: Int32Array } {
  const rows: number[] = [];
  samples.labels.forEach((l, k) => {
    if (l > 0) rows.push(k);
  });
  const proposals = new Float32Array(4 * rows.length);
  rows.forEach((k, i) => {
    proposals.set(samples.proposals.subarray(4 * k, 4 * k + 4), 4 * i);
  });
  return { proposals, matchedIdxs: Int32Array.from(rows, (k) => samples.matchedIdxs[k]), labels: Int32Array.from(rows, (k) => samples.labels[k]) };
}
