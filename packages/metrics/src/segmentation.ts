import { DatasetError, InvalidConfigError, InvalidLabelError, ShapeMismatchError } from '@det/core';

/** Pixel label that is skipped (VOC object boundaries). */
export const IGNORE_INDEX = 255;

export interface ConfusionMatrixOptions {
  /** Target label that is skipped (default {@link IGNORE_INDEX}, 255). */
  ignoreIndex?: number;
}

/**
 * Scores from a confusion matrix, as torchvision's segmentation reference computes them (acc_global,
 * per-class acc and IoU) with MMSegmentation's means (nanmean: classes where a value is undefined are
 * left out). Undefined per-class values are `null`, never NaN.
 */
export interface SegmentationScores {
  /** Correct pixels / counted pixels. */
  pixelAccuracy: number;
  /** Mean over classes present in the targets of per-class accuracy (recall). */
  meanAccuracy: number;
  /** Per class: TP / (TP + FP + FN); `null` where the class appears in neither targets nor predictions. */
  iou: (number | null)[];
  /** Mean of the defined per-class IoUs (nanmean, as torchvision's references and MMSegmentation). */
  mIoU: number;
  /** Σ_c freq_c · IoU_c with freq_c the class's share of target pixels. */
  frequencyWeightedIoU: number;
  /** Per class accuracy; `null` for classes absent from the targets. */
  accuracy: (number | null)[];
}

/**
 * Streaming confusion matrix for semantic segmentation: `update(prediction, target)` per image,
 * then `compute()`. Class maps are flat [H*W] integer arrays (any layout, the same for both); target
 * pixels equal to `ignoreIndex` (default 255) are skipped. `matrix[t * C + p]` counts pixels of target
 * class t predicted as p (torchvision's reference layout).
 */
export class ConfusionMatrix {
  readonly matrix: Float64Array;
  readonly ignoreIndex: number;

  constructor(
    readonly numClasses: number,
    options: ConfusionMatrixOptions = {},
  ) {
    if (!Number.isInteger(numClasses) || numClasses <= 0) {
      throw new InvalidConfigError('numClasses must be a positive integer', { field: 'numClasses', received: numClasses });
    }
    this.ignoreIndex = options.ignoreIndex ?? IGNORE_INDEX;
    if (!Number.isInteger(this.ignoreIndex) || (this.ignoreIndex >= 0 && this.ignoreIndex < numClasses)) {
      throw new InvalidConfigError('ignoreIndex must be an integer outside the class range', { field: 'ignoreIndex', expected: `not in [0, ${numClasses - 1}]`, received: options.ignoreIndex });
    }
    this.matrix = new Float64Array(numClasses * numClasses);
  }

  /**
   * Adds one image: `prediction` and `target` [H*W] class indices. A label outside [0, numClasses) (other
   * than a target equal to ignoreIndex) throws, naming the pixel; the matrix is then left unchanged.
   */
  update(prediction: ArrayLike<number>, target: ArrayLike<number>): this {
    if (prediction.length !== target.length) {
      throw new ShapeMismatchError(`prediction has ${prediction.length} pixels, target ${target.length}`, { field: 'prediction', expected: `${target.length} pixels` });
    }
    const c = this.numClasses;
    for (let i = 0; i < target.length; i++) {
      const t = target[i];
      if (t === this.ignoreIndex) continue;
      const p = prediction[i];
      if (!(t >= 0 && t < c && Number.isInteger(t))) {
        throw new InvalidLabelError('target label out of range', { field: 'target', index: i, expected: `0…${c - 1} or ${this.ignoreIndex}`, received: t });
      }
      if (!(p >= 0 && p < c && Number.isInteger(p))) {
        throw new InvalidLabelError('predicted label out of range', { field: 'prediction', index: i, expected: `0…${c - 1}`, received: p });
      }
    }
    for (let i = 0; i < target.length; i++) {
      const t = target[i];
      if (t !== this.ignoreIndex) this.matrix[t * c + prediction[i]]++;
    }
    return this;
  }

  reset(): void {
    this.matrix.fill(0);
  }

  /**
   * Pixel accuracy, mean accuracy, per-class IoU, mIoU and frequency-weighted IoU. Never NaN: throws a
   * DatasetError when no pixel has been counted (every score would be undefined).
   */
  compute(): SegmentationScores {
    const c = this.numClasses;
    const m = this.matrix;
    if (!m.some((v) => v > 0)) throw new DatasetError('no pixels counted: call update() with at least one non-ignored pixel', { field: 'matrix' });
    let total = 0;
    let correct = 0;
    const targetCount = new Float64Array(c);
    const predCount = new Float64Array(c);
    for (let t = 0; t < c; t++)
      for (let p = 0; p < c; p++) {
        const v = m[t * c + p];
        total += v;
        targetCount[t] += v;
        predCount[p] += v;
        if (t === p) correct += v;
      }
    const iou: (number | null)[] = [];
    const accuracy: (number | null)[] = [];
    let fw = 0;
    for (let k = 0; k < c; k++) {
      const tp = m[k * c + k];
      const union = targetCount[k] + predCount[k] - tp;
      iou.push(union > 0 ? tp / union : null);
      accuracy.push(targetCount[k] > 0 ? tp / targetCount[k] : null);
      if (union > 0 && total > 0) fw += (targetCount[k] / total) * (tp / union);
    }
    const mean = (values: (number | null)[]) => {
      const v = values.filter((x): x is number => x !== null);
      return v.reduce((s, x) => s + x, 0) / v.length; // at least one class has target pixels
    };
    return {
      pixelAccuracy: correct / total,
      meanAccuracy: mean(accuracy),
      iou,
      mIoU: mean(iou),
      frequencyWeightedIoU: fw,
      accuracy,
    };
  }
}
