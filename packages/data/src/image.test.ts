import { describe, expect, it } from 'vitest';
import { createImage, cropImage, flipImageHorizontal, resizeImage } from './image';
import { encodeImage, readImage } from './image-io';

function gradient(width: number, height: number) {
  const img = createImage(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) img.data.set([x * 10, y * 10, 50], (y * width + x) * 3);
  return img;
}

describe('image helpers', () => {
  it('crops and flips', () => {
    const img = gradient(4, 3);
    const c = cropImage(img, 1, 1, 2, 2);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([10, 10, 50]);
    const f = flipImageHorizontal(img);
    expect(Array.from(f.data.subarray(0, 3))).toEqual([30, 0, 50]);
    expect(flipImageHorizontal(f).data).toEqual(img.data);
  });

  it('bilinear resize with half-pixel centres reproduces a linear ramp', () => {
    const img = gradient(4, 4);
    const up = resizeImage(img, 8, 8);
    // output pixel x maps to input (x + 0.5) / 2 - 0.5; interior values interpolate the ramp linearly
    expect(up.data[(0 * 8 + 3) * 3]).toBeCloseTo(((3 + 0.5) / 2 - 0.5) * 10, 5);
    expect(up.data[(0 * 8 + 0) * 3]).toBeCloseTo(0, 5); // clamped at the border
    const same = resizeImage(img, 4, 4);
    expect(same.data).toEqual(img.data);
  });

  it('encodes and decodes through sharp (PNG is lossless)', async () => {
    const img = gradient(5, 4);
    const back = await readImage(await encodeImage(img, 'png'));
    expect(back.width).toBe(5);
    expect(back.height).toBe(4);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('names the file it cannot read', async () => {
    await expect(readImage('/nonexistent/x.jpg')).rejects.toThrow(/\/nonexistent\/x\.jpg/);
  });
});
