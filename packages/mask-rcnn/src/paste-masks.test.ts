import { describe, expect, it } from 'vitest';
import { maxAbsDiff, reference } from './fixture.test-helper';
import { pasteMasksInImage, thresholdMasks } from './paste-masks';

describe('pasteMasksInImage vs torchvision paste_masks_in_image', () => {
  const ref = reference().paste;

  it('pads, expands the boxes, resizes bilinearly and clips at the borders like torchvision (float32)', () => {
    const got = pasteMasksInImage(ref.masks, 28, ref.boxes, ref.imageSize);
    const [h, w] = ref.imageSize;
    expect(got).toHaveLength(6);
    got.forEach((m, k) => {
      const want = ref.out.slice(k * h * w, (k + 1) * h * w);
      expect(maxAbsDiff(m, want), `mask ${k}`).toBeLessThan(2e-7);
    });
  });

  it('thresholds strictly above 0.5', () => {
    expect(Array.from(thresholdMasks([Float32Array.of(0.5, 0.5000001, 0.9, 0)])[0])).toEqual([0, 1, 1, 0]);
  });
});
