import { ShapeMismatchError } from '@det/core';
import { Module } from '@det/nn';
import { tf } from '@det/tfjs';

/** Model output: `out` [N, H, W, C] logits at the input size, `aux` the auxiliary head's (training only). */
export interface SegmentationOutput {
  out: tf.Tensor4D;
  aux?: tf.Tensor4D;
}

/** An RGB image in 0–255: `data` [height·width·3] row-major HWC (e.g. @det/data's `RgbImage`). */
export interface PixelImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** A class map: `data` [height·width] class indices. */
export interface ClassMap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** ImageNet RGB mean/std in 0–255 units (torchvision's normalisation). */
export const IMAGENET_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
export const IMAGENET_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];

/**
 * Base of the segmentation models: `forward(x NHWC, { training })` → {@link SegmentationOutput};
 * `predict(images)` → per-pixel class maps at each image's size.
 */
export abstract class SegmentationModel extends Module<[tf.Tensor], SegmentationOutput> {
  /** Classes including background (VOC 21). */
  abstract readonly numClasses: number;
  /** Inputs' sides must be multiples of this (32 for FCN-VGG, 8 for dilated ResNets). */
  readonly sizeMultiple: number = 1;

  protected abstract run(x: tf.Tensor4D): SegmentationOutput;

  /** x [N, H, W, 3] normalised → logits at the input size. `training` sets the mode for this call. */
  forward(x: tf.Tensor, { training }: { training?: boolean } = {}): SegmentationOutput {
    if (x.rank !== 4 || x.shape[3] !== 3) throw new ShapeMismatchError('input must be [N, H, W, 3]', { field: 'x', expected: '[N, H, W, 3]', received: x.shape });
    const m = this.sizeMultiple;
    if ((x.shape[1] as number) % m !== 0 || (x.shape[2] as number) % m !== 0) {
      throw new ShapeMismatchError(`input sides must be multiples of ${m}`, { field: 'x', expected: `H, W divisible by ${m}`, received: x.shape });
    }
    const previous = this.training;
    if (training !== undefined) this.train(training);
    try {
      return this.run(x as tf.Tensor4D);
    } finally {
      this.train(previous);
    }
  }

  /**
   * Class maps per image: each image resized (bilinear) to `size` × `size` (a multiple of `sizeMultiple`),
   * normalised with ImageNet mean/std, eval-mode forward, argmax, and the map resized back (nearest) to the image.
   */
  predict(images: readonly PixelImage[], { size }: { size: number }): ClassMap[] {
    const wasTraining = this.training;
    this.eval();
    try {
      return images.map((im, i) => {
        if (im.data.length !== im.width * im.height * 3) {
          throw new ShapeMismatchError('image data does not match its size', { field: 'images', index: i, expected: `${im.width}×${im.height}×3 values`, received: im.data.length });
        }
        const labels = tf.tidy(() => {
          const t = tf.tensor3d(Float32Array.from(im.data), [im.height, im.width, 3]);
          const resized = tf.image.resizeBilinear(t, [size, size], false, true);
          const x = tf.expandDims(tf.div(tf.sub(resized, tf.tensor1d([...IMAGENET_MEAN])), tf.tensor1d([...IMAGENET_STD])), 0);
          const { out } = this.forward(x);
          const back = tf.image.resizeBilinear(out, [im.height, im.width], false, true);
          return tf.argMax(back, 3);
        });
        const data = Uint8Array.from(labels.dataSync());
        labels.dispose();
        return { width: im.width, height: im.height, data };
      });
    } finally {
      this.train(wasTraining);
    }
  }
}
