import { InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { type AnyModule, Module } from '@det/nn';
import { batchedNms } from '@det/nms';
import { tf } from '@det/tfjs';
import type { HW } from './anchor-generator';
import { BoxCoder, type BoxCoderWeights } from './box-coder';
import { clipBoxesToImage, removeSmallBoxes, takeRows } from './box-ops';
import type { FeatureDict } from './feature-dict';
import type { MultiScaleRoIAlign } from './poolers';

export interface RoIHeadsOptions {
  /** Training: IoU at or above which a proposal is foreground. Default 0.5. */
  fgIouThresh?: number;
  /** Training: IoU below which a proposal is background. Default 0.5. */
  bgIouThresh?: number;
  /** Training: proposals sampled per image. Default 512. */
  batchSizePerImage?: number;
  /** Training: foreground share of the sample. Default 0.25. */
  positiveFraction?: number;
  /** Box-coder weights of the box regression. Default (10, 10, 5, 5). */
  bboxRegWeights?: BoxCoderWeights;
  /** Class scores at or below this are dropped (strict `>` keeps). Default 0.05. */
  scoreThresh?: number;
  /** Per-class NMS IoU threshold. Default 0.5. */
  nmsThresh?: number;
  /** Detections kept per image. Default 100. */
  detectionsPerImg?: number;
}

/**
 * Detections of one image before the transform's postprocess, in the resized image's pixels.
 * - `boxes` [K*4] `xyxy`; `scores` [K] softmax probabilities, best first; `labels` [K] class indices 1 … numClasses − 1
 *   (0 is background and never returned — torchvision's convention, unlike @det/core's `Detections`).
 * - `masks` [K*M*M] (Mask R-CNN): sigmoid of the mask logits of each detection's class, M = 28 by default.
 */
export interface RoIDetections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
  masks?: Float32Array;
  maskSize?: number;
}

/** Smallest side of a kept detection (torchvision's `remove_small_boxes(boxes, min_size=1e-2)`). */
export const DETECTION_MIN_SIZE = 1e-2;

/** The submodules RoIHeads may hold, in torchvision's registration order. */
export const ROI_HEADS_CHILDREN = ['box_roi_pool', 'box_head', 'box_predictor', 'mask_roi_pool', 'mask_head', 'mask_predictor'] as const;

/**
 * torchvision `RoIHeads` (children `box_roi_pool`, `box_head`, `box_predictor`, and for Mask R-CNN `mask_roi_pool`,
 * `mask_head`, `mask_predictor`). Inference ({@link RoIHeads.forward}): RoIAlign of the proposals, box head and
 * predictor, then {@link RoIHeads.postprocessDetections}; with the mask branch, the detections' boxes are pooled
 * again (14×14), run through the mask head and predictor, and each detection keeps the sigmoid of its class's logits
 * (torchvision `maskrcnn_inference`). Submodules are looked up by name on every call, so `model.set(...)` surgery
 * takes effect at once. The training options (matcher thresholds, sampler) are kept for the training losses.
 */
export class RoIHeads extends Module<[FeatureDict, readonly Float32Array[], readonly HW[]], RoIDetections[]> {
  static override readonly torchName: string = 'RoIHeads';
  readonly boxCoder: BoxCoder;
  readonly fgIouThresh: number;
  readonly bgIouThresh: number;
  readonly batchSizePerImage: number;
  readonly positiveFraction: number;
  readonly scoreThresh: number;
  readonly nmsThresh: number;
  readonly detectionsPerImg: number;

  constructor(
    boxRoiPool: MultiScaleRoIAlign,
    boxHead: AnyModule,
    boxPredictor: AnyModule,
    options: RoIHeadsOptions = {},
    mask?: { maskRoiPool: MultiScaleRoIAlign; maskHead: AnyModule; maskPredictor: AnyModule },
  ) {
    super();
    const {
      fgIouThresh = 0.5,
      bgIouThresh = 0.5,
      batchSizePerImage = 512,
      positiveFraction = 0.25,
      bboxRegWeights = [10, 10, 5, 5],
      scoreThresh = 0.05,
      nmsThresh = 0.5,
      detectionsPerImg = 100,
    } = options;
    if (!Number.isInteger(detectionsPerImg) || detectionsPerImg < 1) {
      throw new InvalidConfigError('detectionsPerImg must be a positive integer', { field: 'detectionsPerImg', received: detectionsPerImg });
    }
    this.boxCoder = new BoxCoder(bboxRegWeights);
    this.fgIouThresh = fgIouThresh;
    this.bgIouThresh = bgIouThresh;
    this.batchSizePerImage = batchSizePerImage;
    this.positiveFraction = positiveFraction;
    this.scoreThresh = scoreThresh;
    this.nmsThresh = nmsThresh;
    this.detectionsPerImg = detectionsPerImg;
    this.registerModule('box_roi_pool', boxRoiPool);
    this.registerModule('box_head', boxHead);
    this.registerModule('box_predictor', boxPredictor);
    if (mask) {
      this.registerModule('mask_roi_pool', mask.maskRoiPool);
      this.registerModule('mask_head', mask.maskHead);
      this.registerModule('mask_predictor', mask.maskPredictor);
    }
  }

  /** Whether the mask branch is complete (torchvision `has_mask()`). */
  hasMask(): boolean {
    return this.has('mask_roi_pool') && this.has('mask_head') && this.has('mask_predictor');
  }

  /**
   * Box branch on given proposals: `[classLogits [K, numClasses], boxRegression [K, 4·numClasses]]`, K = all images'
   * proposals in order. The caller owns the tensors.
   */
  boxPredictions(features: FeatureDict, proposals: readonly Float32Array[], imageShapes: readonly HW[]): [tf.Tensor2D, tf.Tensor2D] {
    return tf.tidy(() => {
      const pooled = this.get<MultiScaleRoIAlign>('box_roi_pool').forward(features, proposals, imageShapes);
      const head = this.get('box_head').forward(pooled) as tf.Tensor;
      return this.get('box_predictor').forward(head) as [tf.Tensor2D, tf.Tensor2D];
    });
  }

  /**
   * torchvision `postprocess_detections`: boxes decoded per class (weights 10, 10, 5, 5), softmax scores, boxes clipped
   * to the image, background dropped, every (proposal, class) pair a candidate, scores ≤ `scoreThresh` and boxes with a
   * side < 0.01 removed, NMS per class at `nmsThresh` (@det/nms `batchedNms`), the best `detectionsPerImg` kept.
   * `classLogits` [K, C], `boxRegression` [K, 4C] (as {@link RoIHeads.boxPredictions} returns them; not disposed),
   * `proposals` [K_i*4] per image (K = ΣK_i).
   */
  postprocessDetections(classLogits: tf.Tensor2D, boxRegression: tf.Tensor2D, proposals: readonly Float32Array[], imageShapes: readonly HW[]): RoIDetections[] {
    const numClasses = classLogits.shape[1];
    const total = proposals.reduce((n, p) => n + (p.length >> 2), 0);
    if (classLogits.shape[0] !== total || boxRegression.shape[0] !== total || boxRegression.shape[1] !== 4 * numClasses) {
      throw new ShapeMismatchError('box predictions do not match the proposals', {
        field: 'boxRegression',
        expected: `[${total}, ${numClasses}] logits and [${total}, ${4 * numClasses}] deltas`,
        received: [classLogits.shape, boxRegression.shape],
      });
    }
    const softmax = tf.softmax(classLogits, -1);
    const scoresAll = softmax.dataSync() as Float32Array;
    softmax.dispose();
    const bad = scoresAll.findIndex(Number.isNaN);
    if (bad >= 0) throw new NotFiniteError('class logits are not finite', { field: 'classLogits', index: Math.floor(bad / numClasses) });
    const regression = boxRegression.dataSync();
    const out: RoIDetections[] = [];
    const thresh = Math.fround(this.scoreThresh);
    let offset = 0;
    proposals.forEach((props, img) => {
      const n = props.length >> 2;
      const rel = regression.subarray(offset * 4 * numClasses, (offset + n) * 4 * numClasses);
      const decoded = clipBoxesToImage(this.boxCoder.decode(rel, props), imageShapes[img]);
      // Candidates: every (proposal i, class j ≥ 1), in torchvision's order i·(C−1) + (j−1), score above the threshold.
      const cand: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = 1; j < numClasses; j++) if (scoresAll[(offset + i) * numClasses + j] > thresh) cand.push(i * numClasses + j);
      }
      const boxes = takeRows(decoded, cand, 4);
      const scores = Float32Array.from(cand, (c) => scoresAll[offset * numClasses + c]);
      const labels = Int32Array.from(cand, (c) => c % numClasses);
      const big = removeSmallBoxes(boxes, DETECTION_MIN_SIZE);
      const b = takeRows(boxes, big, 4);
      const s = takeRows(scores, big, 1);
      const l = takeRows(labels, big, 1);
      const keep = batchedNms(b, s, l, this.nmsThresh).subarray(0, this.detectionsPerImg);
      out.push({ boxes: takeRows(b, keep, 4), scores: takeRows(s, keep, 1), labels: takeRows(l, keep, 1) });
      offset += n;
    });
    return out;
  }

  /** Mask branch on given boxes (per image, resized-image pixels): logits NHWC [K, M, M, numClasses]. Caller owns it. */
  maskLogits(features: FeatureDict, boxes: readonly Float32Array[], imageShapes: readonly HW[]): tf.Tensor4D {
    if (!this.hasMask()) throw new InvalidConfigError('this model has no mask branch', { field: 'roi_heads', expected: 'mask_roi_pool, mask_head and mask_predictor' });
    return tf.tidy(() => {
      const pooled = this.get<MultiScaleRoIAlign>('mask_roi_pool').forward(features, boxes, imageShapes);
      const head = this.get('mask_head').forward(pooled) as tf.Tensor;
      return this.get('mask_predictor').forward(head) as tf.Tensor4D;
    });
  }

  /**
   * torchvision `maskrcnn_inference`: sigmoid of each detection's own class channel. `maskLogits` [K, M, M, C],
   * `labels` [K] → Float32Array [K*M*M].
   */
  maskProbabilities(maskLogits: tf.Tensor4D, labels: Int32Array): Float32Array {
    const [k, mh, mw, c] = maskLogits.shape;
    if (labels.length !== k) throw new ShapeMismatchError('one label per mask is required', { field: 'labels', expected: `${k} labels`, received: labels.length });
    labels.forEach((label, i) => {
      if (!(label >= 0 && label < c)) {
        throw new InvalidConfigError(`label ${label} has no mask channel: the mask predictor has ${c} classes`, {
          field: 'roi_heads.mask_predictor',
          index: i,
          expected: `labels in [0, ${c}) — give the mask and box predictors the same numClasses`,
          received: label,
        });
      }
    });
    if (k === 0) return new Float32Array(0);
    const picked = tf.tidy(() => {
      const rows = tf.reshape(tf.transpose(maskLogits, [0, 3, 1, 2]), [k * c, mh * mw]);
      const index = Int32Array.from(labels, (label, i) => i * c + label);
      return tf.sigmoid(tf.gather(rows, tf.tensor1d(index, 'int32')));
    });
    const data = picked.dataSync() as Float32Array;
    picked.dispose();
    const bad = data.findIndex(Number.isNaN);
    if (bad >= 0) throw new NotFiniteError('mask logits are not finite', { field: 'maskLogits', index: Math.floor(bad / (mh * mw)) });
    return data;
  }

  /**
   * Inference: {@link RoIDetections} per image for `proposals` (per image, resized-image pixels) on `features`.
   * Leaves no tensor behind. Training (losses) is not part of this module.
   */
  forward(features: FeatureDict, proposals: readonly Float32Array[], imageShapes: readonly HW[]): RoIDetections[] {
    if (this.training) {
      throw new InvalidConfigError('RoIHeads.forward is inference only: call eval() first (the training losses take the targets)', { field: 'training', received: true });
    }
    const [logits, regression] = this.boxPredictions(features, proposals, imageShapes);
    let result: RoIDetections[];
    try {
      result = this.postprocessDetections(logits, regression, proposals, imageShapes);
    } finally {
      tf.dispose([logits, regression]);
    }
    if (!this.hasMask()) return result;
    const labels = concatInt(result.map((r) => r.labels));
    if (labels.length === 0) {
      return result.map((r) => ({ ...r, masks: new Float32Array(0), maskSize: this.#maskSize() }));
    }
    const maskLogits = this.maskLogits(
      features,
      result.map((r) => r.boxes),
      imageShapes,
    );
    let probs: Float32Array;
    const m = maskLogits.shape[1];
    try {
      probs = this.maskProbabilities(maskLogits, labels);
    } finally {
      maskLogits.dispose();
    }
    let at = 0;
    return result.map((r) => {
      const n = r.labels.length;
      const masks = probs.slice(at * m * m, (at + n) * m * m);
      at += n;
      return { ...r, masks, maskSize: m };
    });
  }

  /** The mask side M the predictor outputs for the pooled size (2 × the RoIAlign output for torchvision's predictor). */
  #maskSize(): number {
    return 2 * this.get<MultiScaleRoIAlign>('mask_roi_pool').outputSize[0];
  }
}

function concatInt(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
