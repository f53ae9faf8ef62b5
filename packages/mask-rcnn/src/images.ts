import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import type { HW } from './anchor-generator';

/** Host pixels of one image: `data` [height·width·3] row-major HWC, RGB floats in [0, 1]. */
export interface RcnnPixels {
  data: Float32Array | Float64Array | readonly number[];
  width: number;
  height: number;
}

/**
 * One input image for the R-CNN models: an HWC float32 tensor [H, W, 3] or {@link RcnnPixels}. Values are RGB in
 * [0, 1] (what torchvision's detection models take: `ToTensor()` of an 8-bit image, i.e. value / 255); the model
 * normalises with the ImageNet mean/std itself. Integer pixels are rejected, as torchvision rejects them.
 */
export type RcnnImage = tf.Tensor3D | RcnnPixels;

/** A batch of images: NHWC float32 [N, H, W, 3] (same size) or a list of possibly differently sized images. */
export type RcnnImages = tf.Tensor4D | readonly RcnnImage[];

const FLOAT_HINT = 'RGB floats in [0, 1] (divide 8-bit pixels by 255)';

/** The (H, W) of each image of `images`. */
export function imageSizes(images: RcnnImages): HW[] {
  if (images instanceof tf.Tensor) {
    checkTensor(images, 4);
    return Array.from({ length: images.shape[0] }, () => [images.shape[1], images.shape[2]] as HW);
  }
  return images.map((im, i) => {
    if (im instanceof tf.Tensor) {
      checkTensor(im, 3, i);
      return [im.shape[0], im.shape[1]] as HW;
    }
    checkPixels(im, i);
    return [im.height, im.width] as HW;
  });
}

/** Each image as a float32 tensor [1, H, W, 3] (new tensors; the caller disposes them). */
export function imageTensors(images: RcnnImages): tf.Tensor4D[] {
  imageSizes(images);
  if (images instanceof tf.Tensor) return tf.tidy(() => tf.split(images, images.shape[0], 0) as tf.Tensor4D[]);
  return images.map((im) =>
    im instanceof tf.Tensor ? (tf.expandDims(im, 0) as tf.Tensor4D) : tf.tensor4d(Float32Array.from(im.data as ArrayLike<number>), [1, im.height, im.width, 3]),
  );
}

function checkTensor(t: tf.Tensor, rank: number, index?: number): void {
  if (t.rank !== rank || t.shape[rank - 1] !== 3) {
    throw new ShapeMismatchError(`images must be ${rank === 4 ? '[N, H, W, 3]' : '[H, W, 3]'} tensors`, { field: 'images', index, expected: rank === 4 ? '[N, H, W, 3]' : '[H, W, 3]', received: t.shape });
  }
  if (t.dtype !== 'float32') {
    throw new InvalidConfigError(`Expected input images to be of floating type (in range [0, 1]), but found type ${t.dtype} instead`, { field: 'images', index, expected: FLOAT_HINT, received: t.dtype });
  }
  if (t.shape.some((s) => s === 0)) throw new ShapeMismatchError('empty image', { field: 'images', index, received: t.shape });
}

function checkPixels(im: RcnnPixels, index: number): void {
  const { data, width, height } = im;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new ShapeMismatchError('image size must be positive integers', { field: 'images', index, expected: 'width, height ≥ 1', received: [width, height] });
  }
  if (!(data instanceof Float32Array || data instanceof Float64Array || Array.isArray(data))) {
    throw new InvalidConfigError('Expected input images to be of floating type (in range [0, 1])', { field: 'images', index, expected: FLOAT_HINT, received: Object.prototype.toString.call(data) });
  }
  if (data.length !== width * height * 3) {
    throw new ShapeMismatchError('image data does not match its size', { field: 'images', index, expected: `${height}×${width}×3 values`, received: data.length });
  }
}
