/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { InvalidBoxError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { encodeMatchedBoxes, ROI_BOX_WEIGHTS } from './encode';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference();

describe('encodeMatchedBoxes (torchvision BoxCoder.encode_single)', () => {
  ref.encode.forEach((c: any) => {
    it(`matches torchvision with weights (${c.weights.join(', ')})`, () => {
      const n = c.proposals.length / 4;
      const got = encodeMatchedBoxes(c.proposals, c.reference_boxes, Int32Array.from({ length: n }, (_, i) => i), c.weights);
      // Offsets near 0 come from differences of centres: torchvision's float32 centre arithmetic is good to ~1e-6
      // absolute there (the codec computes in float64), so the floor is 1: absolute below 1, relative above.
      expectRelClose(got, c.targets, 'encode targets', 1e-5, 1);
    });
  });

  it('writes zeros for unmatched rows and reads the gt by index', () => {
    const boxes = [0, 0, 10, 10, 5, 5, 15, 25];
    const gt = [100, 100, 110, 120, 0, 0, 10, 10];
    const got = encodeMatchedBoxes(boxes, gt, [1, -2], ROI_BOX_WEIGHTS);
    expect(Array.from(got)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const again = encodeMatchedBoxes(boxes, gt, [-1, 1], [1, 1, 1, 1]);
    expect(Array.from(again.subarray(4))).toEqual([-0.5, -0.5, 0, Math.fround(Math.log(0.5))]);
  });

  it('names a box without area in an encoded row, and a bad gt index', () => {
    expect(() => encodeMatchedBoxes([0, 0, 10, 10], [3, 3, 3, 8], [0], ROI_BOX_WEIGHTS)).toThrow(InvalidBoxError);
    expect(() => encodeMatchedBoxes([0, 0, 10, 10], [3, 3, 3, 8], [0], ROI_BOX_WEIGHTS)).toThrow(/gtBoxes', index 0/);
    expect(() => encodeMatchedBoxes([0, 0, 10, 10], [3, 3, 9, 8], [1], ROI_BOX_WEIGHTS)).toThrow(ShapeMismatchError);
    expect(() => encodeMatchedBoxes([0, 0, 10, 10], [3, 3, 9, 8], [0, 0], ROI_BOX_WEIGHTS)).toThrow(ShapeMismatchError);
  });
});
