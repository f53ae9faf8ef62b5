import type { SegmentationMask } from './sample';

/** A new mask filled with `fill` (default 0). */
export function createMask(width: number, height: number, fill = 0): SegmentationMask {
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}

/** Copies the labels of [left, left+w) × [top, top+h) (integer pixel bounds inside the mask). */
export function cropMask(mask: SegmentationMask, left: number, top: number, width: number, height: number): SegmentationMask {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = (top + y) * mask.width + left;
    out.set(mask.data.subarray(from, from + width), y * width);
  }
  return { width, height, data: out };
}

/** Mirrors the mask left–right. */
export function flipMaskHorizontal(mask: SegmentationMask): SegmentationMask {
  const { width, height, data } = mask;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + width - 1 - x] = data[row + x];
  }
  return { width, height, data: out };
}

/** For each output index, the source index of nearest-neighbour sampling with half-pixel centres. */
function nearestIndices(from: number, to: number): Int32Array {
  const scale = from / to;
  const out = new Int32Array(to);
  for (let i = 0; i < to; i++) out[i] = Math.min(Math.floor((i + 0.5) * scale), from - 1);
  return out;
}

/**
 * Nearest-neighbour resize with half-pixel centres (PIL `NEAREST`, which torchvision's segmentation
 * references use on masks; OpenCV `INTER_NEAREST_EXACT`). Every output label is copied from an input
 * pixel, so no class is ever invented; the source pixel is the bilinear neighbour of {@link resizeImage}
 * with the largest weight, which keeps masks aligned with the bilinearly resized image.
 */
export function resizeMaskNearest(mask: SegmentationMask, width: number, height: number): SegmentationMask {
  const { width: w0, height: h0, data } = mask;
  if (w0 === width && h0 === height) return { width, height, data: data.slice() };
  const xs = nearestIndices(w0, width);
  const ys = nearestIndices(h0, height);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = ys[y] * w0;
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = data[row + xs[x]];
  }
  return { width, height, data: out };
}

/** Pixels added on each side by a pad. */
export interface Padding {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Pads the mask with `fill` (default 255, ignore) on each side. */
export function padMask(mask: SegmentationMask, padding: Padding, fill = 255): SegmentationMask {
  const { left, top, right, bottom } = padding;
  const width = mask.width + left + right;
  const height = mask.height + top + bottom;
  const out = createMask(width, height, fill);
  for (let y = 0; y < mask.height; y++) {
    out.data.set(mask.data.subarray(y * mask.width, (y + 1) * mask.width), (y + top) * width + left);
  }
  return out;
}
