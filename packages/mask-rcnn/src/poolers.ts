import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { Module, pyValue } from '@det/nn';
import { multiScaleRoiAlign, tf } from '@det/tfjs';
import type { HW } from './anchor-generator';
import type { FeatureDict } from './feature-dict';

/** Boxes pooled per call of @det/tfjs's RoIAlign: bounds the gather it builds (boxes · cells · taps · channels). */
const ROI_CHUNK = 128;

/**
 * torchvision `poolers._infer_scale`: the power of two nearest to feature size / image size (heights; the image size
 * is the largest (H, W) of the batch's unpadded images).
 */
export function inferScale(featureHeight: number, imageHeight: number): number {
  const approx = Math.fround(featureHeight / imageHeight);
  return 2 ** Math.round(Math.log2(approx));
}

export interface MultiScaleRoIAlignOptions {
  /** Box side pooled at `canonicalLevel` (torchvision LevelMapper). Default 224. */
  canonicalScale?: number;
  /** Default 4. */
  canonicalLevel?: number;
}

/**
 * torchvision `ops.MultiScaleRoIAlign(featmap_names, output_size, sampling_ratio)`: RoIAlign (aligned=False) of each
 * box on one FPN level chosen by the FPN paper's rule — k = clamp(⌊4 + log2(√area / 224) + 1e-6⌋, k_min, k_max) with
 * k_min, k_max from the levels' scales (each the power of two nearest to feature size / image size) — computed by
 * @det/tfjs `multiScaleRoiAlign` (torchvision's LevelMapper and roi_align values, differentiable for the features).
 * torchvision caches the scales of its first call; this module infers them on every call (same values for a fixed
 * backbone). No parameters; prints as torchvision does.
 */
export class MultiScaleRoIAlign extends Module<[FeatureDict, readonly Float32Array[], readonly HW[]], tf.Tensor4D> {
  static override readonly torchName: string = 'MultiScaleRoIAlign';
  readonly featmapNames: readonly string[];
  readonly outputSize: [number, number];
  readonly samplingRatio: number;
  readonly canonicalScale: number;
  readonly canonicalLevel: number;

  constructor(featmapNames: readonly string[], outputSize: number | readonly [number, number], samplingRatio: number, { canonicalScale = 224, canonicalLevel = 4 }: MultiScaleRoIAlignOptions = {}) {
    super();
    const size: [number, number] = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
    if (!size.every((s) => Number.isInteger(s) && s > 0)) throw new InvalidConfigError('output size must be positive integers', { field: 'outputSize', received: outputSize });
    if (featmapNames.length === 0) throw new InvalidConfigError('featmapNames is empty', { field: 'featmapNames', expected: 'level names, e.g. 0, 1, 2, 3' });
    this.featmapNames = [...featmapNames];
    this.outputSize = size;
    this.samplingRatio = samplingRatio;
    this.canonicalScale = canonicalScale;
    this.canonicalLevel = canonicalLevel;
  }

  /** The scale of each pooled level for a batch of images of `imageShapes` (H, W). */
  scales(features: FeatureDict, imageShapes: readonly HW[]): number[] {
    if (imageShapes.length === 0) throw new InvalidConfigError('images list should not be empty', { field: 'imageShapes' });
    const maxH = Math.max(...imageShapes.map(([h]) => h));
    return this.#levels(features).map((f) => inferScale(f.shape[1], maxH));
  }

  #levels(features: FeatureDict): tf.Tensor4D[] {
    const levels = Object.entries(features)
      .filter(([k]) => this.featmapNames.includes(k))
      .map(([, v]) => v);
    if (levels.length === 0) {
      throw new ShapeMismatchError('none of the pooled levels is among the features', { field: 'features', expected: this.featmapNames.join(', '), received: Object.keys(features) });
    }
    return levels;
  }

  /**
   * `features` NHWC levels, `boxes[i]` [K_i*4] `xyxy` in the pixels of image i (of the resized image, the space the
   * features were computed in), `imageShapes` (H, W) per image → [ΣK_i, outH, outW, C], boxes in image order.
   */
  forward(features: FeatureDict, boxes: readonly Float32Array[], imageShapes: readonly HW[]): tf.Tensor4D {
    const levels = this.#levels(features);
    const scales = this.scales(features, imageShapes);
    const total = boxes.reduce((n, b) => n + (b.length >> 2), 0);
    const all = new Float32Array(total * 4);
    const index = new Int32Array(total);
    let k = 0;
    boxes.forEach((b, img) => {
      all.set(b, 4 * k);
      index.fill(img, k, k + (b.length >> 2));
      k += b.length >> 2;
    });
    const options = { scales, samplingRatio: this.samplingRatio, canonicalScale: this.canonicalScale, canonicalLevel: this.canonicalLevel };
    return tf.tidy(() => {
      if (total === 0) return tf.zeros([0, ...this.outputSize, levels[0].shape[3]]) as tf.Tensor4D;
      const parts: tf.Tensor4D[] = [];
      for (let s = 0; s < total; s += ROI_CHUNK) {
        const e = Math.min(total, s + ROI_CHUNK);
        parts.push(multiScaleRoiAlign(levels, all.subarray(4 * s, 4 * e), index.subarray(s, e), this.outputSize, options));
      }
      return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor4D);
    });
  }

  override extraRepr(): string {
    return `featmap_names=[${this.featmapNames.map((n) => `'${n}'`).join(', ')}], output_size=${pyValue(this.outputSize)}, sampling_ratio=${this.samplingRatio}`;
  }
}
