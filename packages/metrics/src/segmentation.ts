import { InvalidConfigError, InvalidLabelError, ShapeMismatchError } from '@det/core';

/** Pixel label that is skipped (VOC object boundaries). */
export const IGNORE_INDEX = 255;

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
 * then `compute()`. Class maps are flat [H*W] integer arrays; target pixels equal to `ignoreIndex`
 * (default 255) are skipped. `matrix[t * C + p]` counts target t predicted as p.
 */
export class ConfusionMatrix {
  readonly matrix: Float64Array;

  constructor(
    readonly numClasses: number,
    readonly ignoreIndex: number = IGNORE_INDEX,
  ) {
    if (!Number.isInteger(numClasses) || numClasses <= 0) {
      throw new InvalidConfigError('numClasses must be a positive integer', { field: 'numClasses', received: numClasses });
    }
    this.matrix = new Float64Array(numClasses * numClasses);
  }

  /** Adds one image. A prediction or target outside [0, numClasses) (other than ignoreIndex) throws, naming the pixel. */
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
      this.matrix[t * c + p]++;
    }
    return this;
  }

  reset(): void {
    this.matrix.fill(0);
  }

  /** Pixel accuracy, mean accuracy, per-class IoU, mIoU and frequency-weighted IoU. Never NaN. */
  compute(): SegmentationScores {
    const c = this.numClasses;
    const m = this.matrix;
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
      return v.length > 0 ? v.reduce((s, x) => s + x, 0) / v.length : 0;
    };
    return {
      pixelAccuracy: total > 0 ? correct / total : 0,
      meanAccuracy: mean(accuracy),
      iou,
      mIoU: mean(iou),
      frequencyWeightedIoU: fw,
      accuracy,
    };
  }
}
