import { readFileSync } from 'node:fs';
import { type BoxFormat, InvalidConfigError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxArea } from './area';
import { clipBoxes } from './clip';
import { boxConvert, toCentroids, toCorners } from './convert';

const reference = JSON.parse(readFileSync(new URL('../../../fixtures/boxes/torchvision.json', import.meta.url), 'utf8')) as {
  convert: { from: BoxFormat; to: BoxFormat; boxes: number[]; out: number[] }[];
  area: { name: string; boxes: number[]; area: number[] }[];
  clip: { boxes: number[]; width: number; height: number; out: number[] }[];
};

describe('boxConvert vs torchvision.ops.box_convert', () => {
  for (const c of reference.convert) {
    it(`${c.from} → ${c.to}`, () => {
      const got = boxConvert(new Float32Array(c.boxes), c.from, c.to);
      c.out.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 3));
    });
  }

  it('aliases: toCentroids = xyxy→cxcywh, toCorners = cxcywh→xyxy', () => {
    expect(Array.from(toCentroids([0, 0, 4, 2]))).toEqual([2, 1, 4, 2]);
    expect(Array.from(toCorners([2, 1, 4, 2]))).toEqual([0, 0, 4, 2]);
  });

  it('converts in place when out is the input', () => {
    const b = new Float32Array([1, 2, 3, 4]);
    expect(boxConvert(b, 'xyxy', 'xywh', b)).toBe(b);
    expect(Array.from(b)).toEqual([1, 2, 2, 2]);
  });

  it('round-trips through every format', () => {
    const formats: BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -1000, max: 1000, noNaN: true }), { minLength: 4, maxLength: 40 }),
        fc.constantFrom(...formats),
        fc.constantFrom(...formats),
        (values, from, to) => {
          const boxes = new Float32Array(values.slice(0, values.length - (values.length % 4)));
          const back = boxConvert(boxConvert(boxes, from, to), to, from);
          boxes.forEach((v, k) => expect(back[k]).toBeCloseTo(v, 1));
        },
      ),
    );
  });

  it('rejects unknown formats, naming the field', () => {
    expect(() => boxConvert([0, 0, 1, 1], 'yxyx' as BoxFormat, 'xyxy')).toThrow(InvalidConfigError);
    expect(() => boxConvert([0, 0, 1, 1], 'xyxy', 'xyz' as BoxFormat)).toThrow(/field 'to'/);
  });
});

describe('boxArea and clipBoxes vs torchvision', () => {
  for (const c of reference.area) {
    it(`area: ${c.name}`, () => {
      const got = boxArea(new Float32Array(c.boxes));
      c.area.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 2));
    });
  }
  it('area offset 1 counts inclusive pixels', () => {
    expect(Array.from(boxArea([1, 1, 10, 5], { offset: 1 }))).toEqual([50]);
  });
  for (const c of reference.clip) {
    it('clip_boxes_to_image', () => {
      const got = clipBoxes(new Float32Array(c.boxes), { width: c.width, height: c.height });
      c.out.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 3));
    });
  }
  it('clips to the unit square by default', () => {
    expect(Array.from(clipBoxes([-0.5, 0.2, 1.5, 0.8]))).toEqual([0, Math.fround(0.2), 1, Math.fround(0.8)]);
  });
});
