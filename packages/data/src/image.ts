import { ShapeMismatchError } from '@det/core';

/**
 * An RGB image as the augmentation pipeline works on it: `data` is Float32Array [H*W*3], HWC,
 * channels R, G, B, values 0–255 (floats: photometric transforms keep fractions until normalisation).
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** A new image filled with a colour (R, G, B in 0–255). */
export function createImage(width: number, height: number, fill: readonly [number, number, number] = [0, 0, 0]): RgbImage {
  const data = new Float32Array(width * height * 3);
  if (fill[0] !== 0 || fill[1] !== 0 || fill[2] !== 0) {
    for (let p = 0; p < data.length; p += 3) {
      data[p] = fill[0];
      data[p + 1] = fill[1];
      data[p + 2] = fill[2];
    }
  }
  return { width, height, data };
}

/** Checks that `data` holds width·height·3 values. */
export function assertImage(image: RgbImage, name = 'image'): void {
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width <= 0 || image.height <= 0) {
    throw new ShapeMismatchError('image size must be positive integers', { field: name, received: `${image.width}×${image.height}` });
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new ShapeMismatchError('image data does not hold width·height·3 values', {
      field: `${name}.data`,
      expected: `${image.width * image.height * 3} values`,
      received: `${image.data.length}`,
    });
  }
}

/** Copies the pixels of [left, left+w) × [top, top+h) (integer pixel bounds inside the image). */
export function cropImage(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const out = new Float32Array(width * height * 3);
  const rowLength = width * 3;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + rowLength), y * rowLength);
  }
  return { width, height, data: out };
}

/** Mirrors the image left–right. */
export function flipImageHorizontal(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Float32Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++) {
      const s = row + x * 3;
      const d = row + (width - 1 - x) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { width, height, data: out };
}

/**
 * Bilinear resize with half-pixel centres (OpenCV `INTER_LINEAR`, PyTorch `align_corners=False`),
 * which is what ssd.pytorch's `cv2.resize` does.
 */
export function resizeImage(image: RgbImage, width: number, height: number): RgbImage {
  const { width: w0, height: h0, data } = image;
  if (w0 === width && h0 === height) return { width, height, data: data.slice() };
  const out = new Float32Array(width * height * 3);
  const sx = w0 / width;
  const sy = h0 / height;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    const xi = Math.min(Math.floor(fx), w0 - 1);
    x0s[x] = xi * 3;
    x1s[x] = Math.min(xi + 1, w0 - 1) * 3;
    fxs[x] = fx - xi;
  }
  for (let y = 0; y < height; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    const yi = Math.min(Math.floor(fy), h0 - 1);
    const dy = fy - yi;
    const r0 = yi * w0 * 3;
    const r1 = Math.min(yi + 1, h0 - 1) * w0 * 3;
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const a = x0s[x];
      const b = x1s[x];
      const dx = fxs[x];
      for (let c = 0; c < 3; c++) {
        const top = data[r0 + a + c] + (data[r0 + b + c] - data[r0 + a + c]) * dx;
        const bottom = data[r1 + a + c] + (data[r1 + b + c] - data[r1 + a + c]) * dx;
        out[o++] = top + (bottom - top) * dy;
      }
    }
  }
  return { width, height, data: out };
}
