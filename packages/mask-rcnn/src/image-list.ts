import type { tf } from '@det/tfjs';
import type { HW } from './anchor-generator';

/**
 * torchvision `ImageList`: the batched input and each image's size inside it.
 * - `tensors` NHWC [N, Hp, Wp, 3], normalised, zero-padded at the bottom/right to multiples of the size divisor.
 * - `imageSizes` (H, W) of each image after resizing, before padding (boxes are clipped to these).
 */
export interface ImageList {
  tensors: tf.Tensor4D;
  imageSizes: HW[];
}
