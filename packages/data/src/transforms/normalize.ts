import type { RgbImage } from '../image';

/** ImageNet channel means and stds in 0–255 units (torchvision's [0.485, 0.456, 0.406] / [0.229, 0.224, 0.225] × 255). */
export const IMAGENET_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
export const IMAGENET_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];

/**
 * (pixel − mean) / std per channel: Float32Array [H*W*3] HWC, ready to become an NHWC tensor.
 * ssd.pytorch's VGG uses mean (123, 117, 104) and std 1 (its `SubtractMeans`).
 */
export function normalizeImage(
  image: RgbImage,
  mean: readonly [number, number, number] = IMAGENET_MEAN,
  std: readonly [number, number, number] = IMAGENET_STD,
): Float32Array {
  const out = new Float32Array(image.data.length);
  const inv = [1 / std[0], 1 / std[1], 1 / std[2]];
  for (let p = 0; p < out.length; p += 3) {
    out[p] = (image.data[p] - mean[0]) * inv[0];
    out[p + 1] = (image.data[p + 1] - mean[1]) * inv[1];
    out[p + 2] = (image.data[p + 2] - mean[2]) * inv[2];
  }
  return out;
}
