import { ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { flipInstancesHorizontal } from './instances';

describe('flipInstancesHorizontal', () => {
  const image = { width: 3, height: 2, data: Float32Array.from({ length: 18 }, (_, i) => i) };
  const target = { boxes: Float32Array.of(0, 0, 1, 2), labels: Int32Array.of(2), masks: [Uint8Array.of(1, 0, 0, 1, 0, 0)] };

  it('mirrors pixels, boxes (pixel edges) and masks, consistently with each other', () => {
    const { image: im, target: t } = flipInstancesHorizontal(image, target);
    expect(Array.from(im.data.subarray(0, 9))).toEqual([6, 7, 8, 3, 4, 5, 0, 1, 2]);
    expect(Array.from(t.boxes)).toEqual([2, 0, 3, 2]);
    expect(Array.from(t.masks![0])).toEqual([0, 0, 1, 0, 0, 1]);
    // the flipped mask's pixels lie inside the flipped box
    expect(Array.from(t.labels)).toEqual([2]);
    const twice = flipInstancesHorizontal(im, t);
    expect(Array.from(twice.image.data)).toEqual(Array.from(image.data));
    expect(Array.from(twice.target.boxes)).toEqual(Array.from(target.boxes));
  });

  it('rejects a mask of another size, naming it', () => {
    expect(() => flipInstancesHorizontal(image, { ...target, masks: [new Uint8Array(5)] })).toThrow(ShapeMismatchError);
  });
});
