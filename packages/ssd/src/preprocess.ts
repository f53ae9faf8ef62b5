import { ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';

/** An RGB image in 0–255: `data` [height·width·3] row-major HWC (e.g. @det/data's `RgbImage`). */
export interface PixelImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Input normalisation: (pixel − mean) / std per RGB channel, in 0–255 units. */
export interface InputNormalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Images → the model's input batch [N, size, size, 3]: bilinear resize (half-pixel centres, like
 * `F.interpolate(align_corners=False)` and sharp), then (x − mean) / std.
 */
export function preprocessImages(images: readonly PixelImage[], size: number, { mean, std }: InputNormalization): tf.Tensor4D {
  images.forEach((im, i) => {
    if (!(im.width > 0 && im.height > 0) || im.data.length !== im.width * im.height * 3) {
      throw new ShapeMismatchError('image data does not match its size', {
        field: 'images',
        index: i,
        expected: `${im.width}×${im.height}×3 values`,
        received: im.data.length,
      });
    }
  });
  return tf.tidy(() => {
    const resized = images.map((im) => {
      const t = tf.tensor3d(Float32Array.from(im.data), [im.height, im.width, 3]);
      return im.width === size && im.height === size ? t : tf.image.resizeBilinear(t, [size, size], false, true);
    });
    const batch = tf.stack(resized) as tf.Tensor4D;
    return tf.div(tf.sub(batch, tf.tensor1d([...mean])), tf.tensor1d([...std])) as tf.Tensor4D;
  });
}
