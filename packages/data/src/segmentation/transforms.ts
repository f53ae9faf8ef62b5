import { InvalidConfigError } from '@det/core';
import { cropImage, flipImageHorizontal, type RgbImage, resizeImage } from '../image';
import { chance, uniform } from '../random';
import { IMAGENET_MEAN } from '../transforms/normalize';
import { type PhotometricOptions, photometricDistort } from '../transforms/photometric';
import { cropMask, flipMaskHorizontal, type Padding, padMask, resizeMaskNearest } from './mask';
import { assertSegmentationSample, composeSegmentationTransforms, SEGMENTATION_IGNORE_INDEX, type SegmentationSample, type SegmentationTransform } from './sample';

/** An output size: a side for square outputs, or width and height, in pixels. */
export type SegmentationSize = number | { width: number; height: number };

/** What padding fills in: image pixels (R, G, B in 0–255) and mask labels. */
export interface SegmentationFillOptions {
  /** Image fill colour (default {@link IMAGENET_MEAN}, which becomes 0 after ImageNet normalisation). */
  fill?: readonly [number, number, number];
  /** Mask fill label (default 255: padded pixels are ignored by the loss and the metrics). */
  ignoreIndex?: number;
}

function toSize(size: SegmentationSize, field = 'size'): { width: number; height: number } {
  const s = typeof size === 'number' ? { width: size, height: size } : size;
  if (!(s && Number.isInteger(s.width) && Number.isInteger(s.height) && s.width > 0 && s.height > 0)) {
    throw new InvalidConfigError('size must be a positive integer, or { width, height } of such', { field, received: size });
  }
  return { width: s.width, height: s.height };
}

function fillOf(options: SegmentationFillOptions): { fill: readonly [number, number, number]; ignoreIndex: number } {
  const { fill = IMAGENET_MEAN, ignoreIndex = SEGMENTATION_IGNORE_INDEX } = options;
  if (!(Array.isArray(fill) && fill.length === 3 && fill.every((v) => Number.isFinite(v)))) {
    throw new InvalidConfigError('fill must be three finite numbers (R, G, B in 0–255)', { field: 'fill', received: fill });
  }
  if (!(Number.isInteger(ignoreIndex) && ignoreIndex >= 0 && ignoreIndex <= 255)) {
    throw new InvalidConfigError('ignoreIndex must be an integer 0–255', { field: 'ignoreIndex', received: ignoreIndex });
  }
  return { fill, ignoreIndex };
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new InvalidConfigError('p must be a probability in [0, 1]', { field: 'p', received: p });
}

/** Pads the image with `fill` (R, G, B) on each side. */
export function padImage(image: RgbImage, padding: Padding, fill: readonly [number, number, number] = IMAGENET_MEAN): RgbImage {
  const { left, top, right, bottom } = padding;
  const width = image.width + left + right;
  const height = image.height + top + bottom;
  const data = new Float32Array(width * height * 3);
  for (let p = 0; p < data.length; p += 3) {
    data[p] = fill[0];
    data[p + 1] = fill[1];
    data[p + 2] = fill[2];
  }
  const row = image.width * 3;
  for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * row, (y + 1) * row), ((y + top) * width + left) * 3);
  return { width, height, data };
}

/** Pads image (with `fill`) and mask (with `ignoreIndex`) alike. */
export function padSample(sample: SegmentationSample, padding: Padding, options: SegmentationFillOptions = {}): SegmentationSample {
  const { fill, ignoreIndex } = fillOf(options);
  if (padding.left === 0 && padding.top === 0 && padding.right === 0 && padding.bottom === 0) return sample;
  return { image: padImage(sample.image, padding, fill), mask: padMask(sample.mask, padding, ignoreIndex) };
}

/** Crops image and mask to [left, left+width) × [top, top+height) (integer bounds inside the sample). */
export function cropSample(sample: SegmentationSample, left: number, top: number, width: number, height: number): SegmentationSample {
  if (left === 0 && top === 0 && width === sample.image.width && height === sample.image.height) return sample;
  return { image: cropImage(sample.image, left, top, width, height), mask: cropMask(sample.mask, left, top, width, height) };
}

/** Left–right flip of image and mask. */
export function flipSample(sample: SegmentationSample): SegmentationSample {
  return { image: flipImageHorizontal(sample.image), mask: flipMaskHorizontal(sample.mask) };
}

/** Resizes the image bilinearly ({@link resizeImage}) and the mask by nearest neighbour ({@link resizeMaskNearest}). */
export function resizeSampleTo(sample: SegmentationSample, width: number, height: number): SegmentationSample {
  return { image: resizeImage(sample.image, width, height), mask: resizeMaskNearest(sample.mask, width, height) };
}

export interface RandomScaleOptions {
  /** Smallest scale factor (default 0.5). */
  min?: number;
  /** Largest scale factor (default 2.0). */
  max?: number;
}

/**
 * Rescales by a factor drawn uniformly from [min, max) (DeepLab / mmseg-style random scale):
 * the image bilinearly, the mask by nearest neighbour; the aspect ratio is kept (sides rounded, at least 1 px).
 */
export function randomScale(options: RandomScaleOptions = {}): SegmentationTransform {
  const { min = 0.5, max = 2.0 } = options;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min > 0 && min <= max)) {
    throw new InvalidConfigError('random scale needs 0 < min ≤ max', { field: 'scale', received: [min, max] });
  }
  return (sample, random) => {
    assertSegmentationSample(sample);
    const s = uniform(random, min, max);
    const width = Math.max(1, Math.round(sample.image.width * s));
    const height = Math.max(1, Math.round(sample.image.height * s));
    return resizeSampleTo(sample, width, height);
  };
}

/**
 * Random crop to `size` (torchvision references/segmentation `RandomCrop`): a sample smaller than `size`
 * is first padded on the right and bottom (`pad_if_smaller`: image with `fill`, mask with `ignoreIndex`),
 * then a window is drawn uniformly over the valid positions.
 */
export function randomCrop(size: SegmentationSize, options: SegmentationFillOptions = {}): SegmentationTransform {
  const { width, height } = toSize(size);
  const fill = fillOf(options);
  return (sample, random) => {
    assertSegmentationSample(sample);
    const { width: w0, height: h0 } = sample.image;
    const padded = padSample(sample, { left: 0, top: 0, right: Math.max(0, width - w0), bottom: Math.max(0, height - h0) }, fill);
    const top = Math.floor(random() * (padded.image.height - height + 1));
    const left = Math.floor(random() * (padded.image.width - width + 1));
    return cropSample(padded, left, top, width, height);
  };
}

/**
 * Centre crop to `size` (torchvision `CenterCrop`): a sample smaller than `size` is padded evenly on both
 * sides first (image with `fill`, mask with `ignoreIndex`).
 */
export function centerCrop(size: SegmentationSize, options: SegmentationFillOptions = {}): SegmentationTransform {
  const { width, height } = toSize(size);
  const fill = fillOf(options);
  return (sample) => {
    assertSegmentationSample(sample);
    const { width: w0, height: h0 } = sample.image;
    const padW = Math.max(0, width - w0);
    const padH = Math.max(0, height - h0);
    const padded = padSample(sample, { left: padW >> 1, top: padH >> 1, right: padW - (padW >> 1), bottom: padH - (padH >> 1) }, fill);
    const left = Math.round((padded.image.width - width) / 2);
    const top = Math.round((padded.image.height - height) / 2);
    return cropSample(padded, left, top, width, height);
  };
}

/** Left–right flip of image and mask together with probability `p` (default 0.5; mmseg `RandomFlip`). */
export function randomFlip(p = 0.5): SegmentationTransform {
  checkProbability(p);
  return (sample, random) => {
    assertSegmentationSample(sample);
    return chance(random, p) ? flipSample(sample) : sample;
  };
}

/** Resizes to `size` regardless of aspect ratio: image bilinear, mask nearest neighbour. */
export function resizeSample(size: SegmentationSize): SegmentationTransform {
  const { width, height } = toSize(size);
  return (sample) => {
    assertSegmentationSample(sample);
    return resizeSampleTo(sample, width, height);
  };
}

/**
 * Colour jitter on the image only (the mask is untouched): {@link photometricDistort}, ssd.pytorch's
 * `PhotometricDistort` (brightness, contrast, saturation, hue, channel swap), with the same options.
 */
export function photometric(options: PhotometricOptions = {}): SegmentationTransform {
  const distort = photometricDistort(options);
  const noBoxes = new Float32Array(0);
  const noLabels = new Int32Array(0);
  return (sample, random) => {
    const { image } = distort({ image: sample.image, boxes: noBoxes, labels: noLabels }, random);
    return { image, mask: sample.mask };
  };
}

export interface SegmentationTrainOptions extends SegmentationFillOptions {
  /** Crop size of the training samples. */
  size: SegmentationSize;
  /** Random scale range [min, max] (default [0.5, 2]). */
  scale?: readonly [number, number];
  /** Flip probability (default 0.5). */
  flip?: number;
  /** Colour jitter: true (default) for {@link photometric} defaults, its options, or false for none. */
  photometric?: boolean | PhotometricOptions;
}

/**
 * The usual segmentation training pipeline (torchvision references/segmentation, DeepLab, mmseg):
 * random scale in `scale`, pad (image `fill`, mask 255) and random crop to `size`, random flip, then
 * colour jitter. Every sample comes out `size`, so a batch collates without further resizing.
 */
export function segmentationTrainTransform(options: SegmentationTrainOptions): SegmentationTransform {
  const { size, scale = [0.5, 2], flip = 0.5, photometric: jitter = true } = options;
  const steps = [randomScale({ min: scale[0], max: scale[1] }), randomCrop(size, options), randomFlip(flip)];
  if (jitter !== false) steps.push(photometric(jitter === true ? {} : jitter));
  return composeSegmentationTransforms(...steps);
}

export interface SegmentationEvalOptions {
  /** Output size. */
  size: SegmentationSize;
}

/** Evaluation pipeline: resize image (bilinear) and mask (nearest) to `size`. */
export function segmentationEvalTransform(options: SegmentationEvalOptions): SegmentationTransform {
  return resizeSample(options.size);
}
