import { ShapeMismatchError } from '@det/core';
import type { HW } from './anchor-generator';

const f = Math.fround;

/**
 * torchvision `expand_boxes(boxes, scale)` in float32: each box [K*4] `xyxy` grown about its centre by `scale`.
 */
export function expandBoxes(boxes: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let k = 0; k < boxes.length; k += 4) {
    const wHalf = f(f(f(boxes[k + 2] - boxes[k]) * 0.5) * scale);
    const hHalf = f(f(f(boxes[k + 3] - boxes[k + 1]) * 0.5) * scale);
    const xc = f(f(boxes[k + 2] + boxes[k]) * 0.5);
    const yc = f(f(boxes[k + 3] + boxes[k + 1]) * 0.5);
    out[k] = xc - wHalf;
    out[k + 1] = yc - hHalf;
    out[k + 2] = xc + wHalf;
    out[k + 3] = yc + hHalf;
  }
  return out;
}

/**
 * PyTorch's bilinear (align_corners=False) source taps of one axis as its CPU kernel computes them: a float32 scale
 * in/out, the source index in double (CPU `acc_type<float>`), the weights rounded to float32.
 */
function axisTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l0: Float32Array; l1: Float32Array } {
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l0 = new Float32Array(outSize);
  const l1 = new Float32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(scale * (d + 0.5) - 0.5, 0);
    const lo = Math.trunc(src);
    i0[d] = lo;
    i1[d] = lo + (lo < inSize - 1 ? 1 : 0);
    l1[d] = Math.min(Math.max(src - lo, 0), 1);
    l0[d] = f(1 - l1[d]);
  }
  return { i0, i1, l0, l1 };
}

/**
 * torchvision `paste_masks_in_image(masks, boxes, img_shape, padding=1)`: each M×M mask probability map (the mask
 * head's output for the detection's class) is zero-padded by `padding`, its box grown by (M + 2·padding)/M and
 * truncated to integers, the padded mask resized (bilinear, align_corners=False) to the box's (w + 1) × (h + 1)
 * pixels and written into an all-zero image of `imageSize` (H, W), clipped at the borders.
 * - `masks` [K*M*M] probabilities, row-major per detection; `boxes` [K*4] `xyxy` pixels of that image.
 * Returns K Float32Array [H*W] probability maps (torchvision's `masks` output [K, 1, H, W] before any threshold).
 */
export function pasteMasksInImage(masks: ArrayLike<number>, maskSize: number, boxes: ArrayLike<number>, imageSize: HW, padding = 1): Float32Array[] {
  const k = boxes.length >> 2;
  const m = maskSize;
  if (masks.length !== k * m * m) {
    throw new ShapeMismatchError('one M×M mask per box is required', { field: 'masks', expected: `${k}×${m}×${m} values`, received: masks.length });
  }
  const [imH, imW] = imageSize;
  const p = m + 2 * padding;
  const expanded = expandBoxes(boxes, p / m);
  const out: Float32Array[] = [];
  const padded = new Float32Array(p * p);
  for (let d = 0; d < k; d++) {
    padded.fill(0);
    for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) padded[(y + padding) * p + x + padding] = masks[d * m * m + y * m + x];
    const [b0, b1, b2, b3] = [0, 1, 2, 3].map((j) => Math.trunc(expanded[4 * d + j]));
    const w = Math.max(b2 - b0 + 1, 1);
    const h = Math.max(b3 - b1 + 1, 1);
    const image = new Float32Array(imH * imW);
    const x0 = Math.max(b0, 0);
    const x1 = Math.min(b2 + 1, imW);
    const y0 = Math.max(b1, 0);
    const y1 = Math.min(b3 + 1, imH);
    if (x1 > x0 && y1 > y0) {
      const ty = axisTaps(p, h);
      const tx = axisTaps(p, w);
      for (let y = y0; y < y1; y++) {
        const r = y - b1;
        const row0 = ty.i0[r] * p;
        const row1 = ty.i1[r] * p;
        for (let x = x0; x < x1; x++) {
          const c = x - b0;
          const a = f(f(padded[row0 + tx.i0[c]] * tx.l0[c]) + f(padded[row0 + tx.i1[c]] * tx.l1[c]));
          const b = f(f(padded[row1 + tx.i0[c]] * tx.l0[c]) + f(padded[row1 + tx.i1[c]] * tx.l1[c]));
          image[y * imW + x] = f(a * ty.l0[r]) + f(b * ty.l1[r]);
        }
      }
    }
    out.push(image);
  }
  return out;
}

/** Binary masks: 1 where the probability is > `threshold` (torchvision users' `masks > 0.5`), else 0. */
export function thresholdMasks(probabilities: readonly Float32Array[], threshold = 0.5): Uint8Array[] {
  return probabilities.map((pr) => {
    const out = new Uint8Array(pr.length);
    for (let i = 0; i < pr.length; i++) out[i] = pr[i] > threshold ? 1 : 0;
    return out;
  });
}
