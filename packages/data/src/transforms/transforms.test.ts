import { validateBoxes } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImage } from '../image';
import { createRandom } from '../random';
import type { DetectionSample } from '../sample';
import { expand, flipHorizontal, randomIouCrop, resize, toPercentCoords } from './geometric';
import { photometricDistort } from './photometric';
import { ssdEvalTransform, ssdTrainTransform } from './ssd';

function sample(width = 64, height = 48): DetectionSample {
  const image = createImage(width, height, [100, 150, 200]);
  for (let i = 0; i < image.data.length; i++) image.data[i] += (i % 7) * 3;
  return {
    image,
    boxes: new Float32Array([4, 6, 30, 40, 20, 10, 60, 30]),
    labels: new Int32Array([2, 5]),
    difficult: new Uint8Array([0, 1]),
  };
}

describe('geometric transforms', () => {
  it('flip twice is the identity; boxes mirror', () => {
    const s = sample();
    const f = flipHorizontal(s);
    expect(Array.from(f.boxes.subarray(0, 4))).toEqual([34, 6, 60, 40]);
    const back = flipHorizontal(f);
    expect(back.boxes).toEqual(s.boxes);
    expect(back.image.data).toEqual(s.image.data);
  });

  it('expand keeps the boxed content at the shifted boxes', () => {
    const s = sample();
    const e = expand({ p: 1, fill: [1, 2, 3] })(s, createRandom(3));
    expect(e.image.width).toBeGreaterThanOrEqual(64);
    const dx = e.boxes[0] - s.boxes[0];
    const dy = e.boxes[1] - s.boxes[1];
    expect(e.boxes[2] - s.boxes[2]).toBe(dx);
    const at = (img: DetectionSample['image'], x: number, y: number) => img.data[(y * img.width + x) * 3];
    expect(at(e.image, 10 + dx, 12 + dy)).toBe(at(s.image, 10, 12));
  });

  it('random IoU crop keeps valid boxes inside the crop, with labels and flags aligned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const s = sample();
        const c = randomIouCrop()(s, createRandom(seed));
        const n = c.boxes.length / 4;
        expect(c.labels.length).toBe(n);
        expect(c.difficult?.length).toBe(n);
        expect(n).toBeGreaterThan(0);
        validateBoxes(c.boxes);
        for (let k = 0; k < c.boxes.length; k += 4) {
          expect(c.boxes[k]).toBeGreaterThanOrEqual(0);
          expect(c.boxes[k + 2]).toBeLessThanOrEqual(c.image.width);
          expect(c.boxes[k + 3]).toBeLessThanOrEqual(c.image.height);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('resize scales pixel boxes; toPercentCoords normalises', () => {
    const r = resize(32, 24)(sample(), createRandom(0));
    expect(Array.from(r.boxes.subarray(0, 4))).toEqual([2, 3, 15, 20]);
    const p = toPercentCoords()(r, createRandom(0));
    expect(p.boxes[2]).toBeCloseTo(15 / 32, 6);
    expect(p.normalized).toBe(true);
  });
});

describe('SSD pipelines', () => {
  it('the training transform is deterministic by seed and yields normalised, valid boxes at the model size', () => {
    const t = ssdTrainTransform({ size: 40 });
    for (let seed = 0; seed < 25; seed++) {
      const a = t(sample(), createRandom(seed));
      const b = t(sample(), createRandom(seed));
      expect(a.boxes).toEqual(b.boxes);
      expect(a.image.data).toEqual(b.image.data);
      expect(a.image.width).toBe(40);
      expect(a.image.height).toBe(40);
      expect(a.boxes.every((v) => v >= 0 && v <= 1)).toBe(true);
      validateBoxes(a.boxes);
      expect(a.image.data.every((v) => v >= 0 && v <= 255)).toBe(true);
    }
  });

  it('photometric distortion changes colours only', () => {
    const s = sample();
    const d = photometricDistort()(s, createRandom(11));
    expect(d.boxes).toBe(s.boxes);
    expect(d.image.data.length).toBe(s.image.data.length);
  });

  it('the eval transform only resizes and normalises boxes', () => {
    const e = ssdEvalTransform({ size: 32 })(sample(64, 64), createRandom(0));
    expect(Array.from(e.boxes.subarray(0, 4))).toEqual([4 / 64, 6 / 64, 30 / 64, 40 / 64].map(Math.fround));
  });
});
