import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { initRandom, interpolate, Module, pyFloat, pyValue } from '@det/nn';
import { tf } from '@det/tfjs';
import type { HW } from './anchor-generator';
import type { ImageList } from './image-list';
import { imageSizes, imageTensors, type RcnnImages } from './images';
import { pasteMasksInImage, thresholdMasks } from './paste-masks';
import type { RoIDetections } from './roi-heads';

/** ImageNet RGB mean and std in [0, 1] units (torchvision's detection defaults). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/**
 * A training target in the pixels of its (original) image: `boxes` [M*4] `xyxy`, `labels` [M] class indices
 * (1 … numClasses − 1, 0 = background), `masks` M Uint8Array [H*W] (Mask R-CNN).
 */
export interface RcnnTarget {
  boxes: Float32Array;
  labels: Int32Array;
  masks?: Uint8Array[];
}

/**
 * Detections of one image in its original pixels (the models' eval `forward` output; torchvision's dict per image).
 * - `boxes` [K*4] `xyxy`; `scores` [K] best first; `labels` [K] class indices 1 … numClasses − 1 (torchvision's
 *   convention: 0 is background and never returned).
 * - `masks` (Mask R-CNN): K Uint8Array [height·width], 1 where the pasted mask probability is > the threshold (0.5).
 * - `maskProbabilities` (with `maskProbabilities: true`): K Float32Array [height·width], torchvision's `masks` output
 *   ([K, 1, H, W] probabilities, before any threshold).
 */
export interface RcnnDetections {
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
  masks?: Uint8Array[];
  maskProbabilities?: Float32Array[];
  height: number;
  width: number;
}

export interface PostprocessOptions {
  /** Binary masks keep pixels with probability > this. Default 0.5. */
  maskThreshold?: number;
  /** Also return the pasted probabilities. Default false. */
  maskProbabilities?: boolean;
}

export interface GeneralizedRCNNTransformOptions {
  /** Pad the batch to multiples of this. Default 32. */
  sizeDivisible?: number;
  /** Resize every image to this (width, height) instead (torchvision `fixed_size`). */
  fixedSize?: readonly [number, number];
  /** Training mode only: keep the images' sizes (torchvision `_skip_resize`). Default false. */
  skipResize?: boolean;
}

/**
 * torchvision `resize_boxes`: boxes [N*4] `xyxy` from an image of `originalSize` (H, W) to one of `newSize`
 * (ratios and products in float32).
 */
export function resizeBoxes(boxes: ArrayLike<number>, originalSize: HW, newSize: HW): Float32Array {
  const f = Math.fround;
  const rh = f(f(newSize[0]) / f(originalSize[0]));
  const rw = f(f(newSize[1]) / f(originalSize[1]));
  const out = new Float32Array(boxes.length);
  for (let k = 0; k < boxes.length; k += 4) {
    out[k] = boxes[k] * rw;
    out[k + 1] = boxes[k + 1] * rh;
    out[k + 2] = boxes[k + 2] * rw;
    out[k + 3] = boxes[k + 3] * rh;
  }
  return out;
}

/** PyTorch's legacy nearest resize of a binary mask [h*w] → [oh*ow] (source index ⌊dst · in/out⌋, float32 scale). */
function resizeMaskNearest(mask: Uint8Array, [h, w]: HW, [oh, ow]: HW): Uint8Array {
  const index = (inSize: number, outSize: number) => {
    const scale = Math.fround(inSize / outSize);
    return Int32Array.from({ length: outSize }, (_, i) => (outSize === inSize ? i : outSize === 2 * inSize ? i >> 1 : Math.min(Math.floor(Math.fround(i * scale)), inSize - 1)));
  };
  const ys = index(h, oh);
  const xs = index(w, ow);
  const out = new Uint8Array(oh * ow);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * ow + x] = mask[ys[y] * w + xs[x]];
  return out;
}

/**
 * torchvision `GeneralizedRCNNTransform(min_size, max_size, image_mean, image_std, size_divisible=32, fixed_size)`:
 * per image, normalise ((x − mean) / std), resize bilinearly (align_corners=False) by
 * scale = min(minSize / shorter side, maxSize / longer side) — in float32 — to ⌊H·scale⌋ × ⌊W·scale⌋ (torchvision's
 * `recompute_scale_factor=True`), then zero-pad the batch at the bottom/right to multiples of `sizeDivisible`.
 * Evaluation uses the last `minSize`; training draws one of them. {@link GeneralizedRCNNTransform.postprocess} maps
 * detections back to the original images and pastes the masks. No parameters; prints as torchvision does.
 */
export class GeneralizedRCNNTransform extends Module<[RcnnImages, (readonly RcnnTarget[])?], { imageList: ImageList; targets?: RcnnTarget[] }> {
  static override readonly torchName: string = 'GeneralizedRCNNTransform';
  readonly minSize: readonly number[];
  readonly maxSize: number;
  readonly imageMean: readonly number[];
  readonly imageStd: readonly number[];
  readonly sizeDivisible: number;
  readonly fixedSize?: readonly [number, number];
  readonly skipResize: boolean;

  constructor(
    minSize: number | readonly number[],
    maxSize: number,
    imageMean: readonly number[] = IMAGENET_MEAN,
    imageStd: readonly number[] = IMAGENET_STD,
    { sizeDivisible = 32, fixedSize, skipResize = false }: GeneralizedRCNNTransformOptions = {},
  ) {
    super();
    const sizes = typeof minSize === 'number' ? [minSize] : [...minSize];
    if (sizes.length === 0 || !sizes.every((s) => s > 0) || !(maxSize > 0)) {
      throw new InvalidConfigError('minSize and maxSize must be positive', { field: 'minSize', received: { minSize, maxSize } });
    }
    if (imageMean.length !== 3 || imageStd.length !== 3 || !imageStd.every((s) => s > 0)) {
      throw new InvalidConfigError('imageMean and imageStd need 3 values (std > 0)', { field: 'imageStd', received: { imageMean, imageStd } });
    }
    if (!Number.isInteger(sizeDivisible) || sizeDivisible < 1) throw new InvalidConfigError('sizeDivisible must be a positive integer', { field: 'sizeDivisible', received: sizeDivisible });
    this.minSize = sizes;
    this.maxSize = maxSize;
    this.imageMean = [...imageMean];
    this.imageStd = [...imageStd];
    this.sizeDivisible = sizeDivisible;
    this.fixedSize = fixedSize;
    this.skipResize = skipResize;
  }

  /** The (H, W) an image of (h, w) is resized to (in training, `size` picks the target shorter side). */
  resizedSize([h, w]: HW, size = this.minSize[this.minSize.length - 1]): HW {
    if (this.fixedSize) return [this.fixedSize[1], this.fixedSize[0]];
    const f = Math.fround;
    const scale = Math.min(f(size / f(Math.min(h, w))), f(this.maxSize / f(Math.max(h, w))));
    return [Math.floor(h * scale), Math.floor(w * scale)];
  }

  /** The padded batch size for resized sizes (H, W): the largest, rounded up to multiples of `sizeDivisible`. */
  batchSize(sizes: readonly HW[]): HW {
    const d = this.sizeDivisible;
    return [Math.ceil(Math.max(...sizes.map((s) => s[0])) / d) * d, Math.ceil(Math.max(...sizes.map((s) => s[1])) / d) * d];
  }

  /**
   * `images` (RGB in [0, 1], see {@link RcnnImages}) → `imageList` (normalised, resized, padded NHWC batch and the
   * resized sizes) and, when given, `targets` with boxes and masks resized alike. The caller disposes
   * `imageList.tensors`.
   */
  forward(images: RcnnImages, targets?: readonly RcnnTarget[]): { imageList: ImageList; targets?: RcnnTarget[] } {
    const sizes = imageSizes(images);
    if (targets !== undefined && targets.length !== sizes.length) {
      throw new ShapeMismatchError('one target per image is required', { field: 'targets', expected: `${sizes.length} targets`, received: targets.length });
    }
    const chosen = sizes.map((s) => {
      if (!this.training) return this.resizedSize(s);
      if (this.skipResize) return s;
      const k = Math.floor(initRandom()() * this.minSize.length);
      return this.resizedSize(s, this.minSize[Math.min(k, this.minSize.length - 1)]);
    });
    const [hp, wp] = this.batchSize(chosen);
    const inputs = imageTensors(images);
    const tensors = tf.tidy(() => {
      const mean = tf.tensor1d([...this.imageMean]);
      const std = tf.tensor1d([...this.imageStd]);
      const padded = inputs.map((x, i) => {
        const [h, w] = chosen[i];
        let y = tf.div(tf.sub(x, mean), std) as tf.Tensor4D;
        if (!(this.training && this.skipResize)) y = interpolate(y, { size: [h, w], mode: 'bilinear', alignCorners: false });
        return tf.pad(y, [
          [0, 0],
          [0, hp - h],
          [0, wp - w],
          [0, 0],
        ]);
      });
      return (padded.length === 1 ? padded[0] : tf.concat(padded, 0)) as tf.Tensor4D;
    });
    tf.dispose(inputs);
    const imageList: ImageList = { tensors, imageSizes: chosen };
    if (targets === undefined) return { imageList };
    const resized = targets.map((t, i) => ({
      ...t,
      boxes: resizeBoxes(t.boxes, sizes[i], chosen[i]),
      masks: t.masks?.map((m) => resizeMaskNearest(m, sizes[i], chosen[i])),
    }));
    return { imageList, targets: resized };
  }

  /**
   * torchvision `postprocess` (evaluation): boxes from the resized `imageShapes` back to `originalSizes`, masks pasted
   * into the original images ({@link pasteMasksInImage}) and thresholded.
   */
  postprocess(result: readonly RoIDetections[], imageShapes: readonly HW[], originalSizes: readonly HW[], { maskThreshold = 0.5, maskProbabilities = false }: PostprocessOptions = {}): RcnnDetections[] {
    return result.map((r, i) => {
      const [height, width] = originalSizes[i];
      const boxes = resizeBoxes(r.boxes, imageShapes[i], originalSizes[i]);
      const out: RcnnDetections = { boxes, scores: r.scores, labels: r.labels, height, width };
      if (r.masks !== undefined) {
        const probs = pasteMasksInImage(r.masks, r.maskSize ?? 28, boxes, originalSizes[i]);
        out.masks = thresholdMasks(probs, maskThreshold);
        if (maskProbabilities) out.maskProbabilities = probs;
      }
      return out;
    });
  }

  /** torchvision's own `__repr__`. */
  override toString(): string {
    const list = (v: readonly number[]) => `[${v.map((x) => pyFloat(x)).join(', ')}]`;
    return [
      'GeneralizedRCNNTransform(',
      `    Normalize(mean=${list(this.imageMean)}, std=${list(this.imageStd)})`,
      `    Resize(min_size=${pyValue([...this.minSize])}, max_size=${pyValue(this.maxSize)}, mode='bilinear')`,
      ')',
    ].join('\n');
  }
}
