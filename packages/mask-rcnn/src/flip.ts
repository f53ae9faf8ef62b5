import { ShapeMismatchError } from '@det/core';
import type { RcnnPixels } from './images';
import type { RcnnTarget } from './transform';

/**
 * Horizontal flip of an image and its target (torchvision references' `RandomHorizontalFlip` applied): pixels
 * mirrored, boxes `xyxy` in pixel edges become (W − x2, y1, W − x1, y2), masks mirrored. Returns new arrays; image
 * `data` [H·W·3] HWC, masks [H·W] each. Throws ShapeMismatchError when a mask does not have the image's size.
 */
export function horizontalFlip(image: RcnnPixels, target: RcnnTarget): { image: RcnnPixels & { data: Float32Array }; target: RcnnTarget } {
  const { width: w, height: h, data } = image;
  const flipped = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = (y * w + (w - 1 - x)) * 3;
      flipped[d] = data[s];
      flipped[d + 1] = data[s + 1];
      flipped[d + 2] = data[s + 2];
    }
  }
  const boxes = Float32Array.from(target.boxes);
  for (let k = 0; k < boxes.length; k += 4) {
    boxes[k] = w - target.boxes[k + 2];
    boxes[k + 2] = w - target.boxes[k];
  }
  const masks = target.masks?.map((m, k) => {
    if (m.length !== w * h) throw new ShapeMismatchError('mask does not match the image', { field: 'target.masks', index: k, expected: `${w}×${h} values`, received: m.length });
    const f = new Uint8Array(m.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f[y * w + (w - 1 - x)] = m[y * w + x];
    return f;
  });
  return { image: { data: flipped, width: w, height: h }, target: { boxes, labels: Int32Array.from(target.labels), ...(masks ? { masks } : {}) } };
}
