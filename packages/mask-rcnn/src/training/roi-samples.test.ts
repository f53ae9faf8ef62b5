/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { createRandom, InvalidBoxError, InvalidLabelError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { concatRoiSamples, positiveRoiSamples, selectTrainingSamples } from './roi-samples';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference().roi_select;
const images: any[] = ref.images;
const proposals = images.map((im) => im.proposals as number[]);
const targets = images.map((im) => ({ boxes: im.gt_boxes as number[], labels: im.gt_labels as number[] }));

describe('selectTrainingSamples (torchvision RoIHeads.select_training_samples)', () => {
  it('matches torchvision when the sampler keeps every candidate: gt boxes appended, Matcher 0.5/0.5, labels, targets (10, 10, 5, 5)', () => {
    const got = selectTrainingSamples(proposals, targets, { random: createRandom(1) });
    images.forEach((im, i) => {
      expect(Array.from(got[i].proposals), `image ${i} proposals`).toEqual(Array.from(Float32Array.from(im.sampled_proposals)));
      expect(Array.from(got[i].labels), `image ${i} labels`).toEqual(im.labels);
      expect(Array.from(got[i].matchedIdxs), `image ${i} matched`).toEqual(im.matched_idxs);
      expectRelClose(got[i].regressionTargets, im.regression_targets, 'roi regression targets', 1e-5, 1);
    });
    expect(Array.from(got[1].labels).every((l) => l === 0)).toBe(true); // the image without objects
  });

  it('samples at most 512 · 0.25 positives and fills with background (counts as torchvision)', () => {
    const random = createRandom(2);
    const many = Array.from({ length: 2 }, (_, img) => {
      const boxes: number[] = [];
      for (let k = 0; k < 600; k++) {
        const x = (k * 7 + img) % 50;
        const y = (k * 13) % 50;
        boxes.push(x, y, x + 4 + (k % 30), y + 4 + ((k * 3) % 30));
      }
      return boxes;
    });
    const gts = [
      { boxes: [0, 0, 20, 20, 10, 10, 40, 40], labels: [1, 2] },
      { boxes: [], labels: [] },
    ];
    const got = selectTrainingSamples(many, gts, { random, numClasses: 3 });
    const pos = got[0].labels.filter((l) => l > 0).length;
    expect(pos).toBeLessThanOrEqual(128);
    expect(got[0].labels.length).toBe(512);
    expect(got[1].labels.length).toBe(512);
    const small = selectTrainingSamples(many, gts, { random, batchSizePerImage: 8 });
    expect(small[0].labels.length).toBe(8);
    expect(small[0].labels.filter((l) => l > 0).length).toBe(2);
    const flat = concatRoiSamples(small);
    expect(flat.labels.length).toBe(16);
    expect(Array.from(flat.imageIndex)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(flat.regressionTargets.length).toBe(64);
    const p = positiveRoiSamples(small[0]);
    expect(p.labels.length).toBe(2);
    expect(Array.from(p.labels).every((l) => l > 0)).toBe(true);
  });

  it('gives finite targets with zero-area gt boxes (they match nothing) and rejects malformed input by index', () => {
    const got = selectTrainingSamples([[0, 0, 10, 10, 5, 5, 15, 15]], [{ boxes: [3, 3, 3, 9, 0, 0, 10, 11], labels: [1, 2] }]);
    expect(Array.from(got[0].regressionTargets).every(Number.isFinite)).toBe(true);
    expect(Array.from(got[0].labels)).toEqual([2, 0, 0, 2]); // [proposals, zero-area gt, gt]; the zero-area gt is background
    expect(() => selectTrainingSamples([[0, 0, 10, 10]], [{ boxes: [0, 0, 5, 5], labels: [0] }])).toThrow(InvalidLabelError);
    expect(() => selectTrainingSamples([[0, 0, 10, 10]], [{ boxes: [0, 0, 5, 5], labels: [3] }], { numClasses: 3 })).toThrow(/targets\[0\].labels', index 0/);
    expect(() => selectTrainingSamples([[0, 0, 10, 10], [0, 0, 1, 1, 4, 4, 2, 8]], [targets[1], targets[1]])).toThrow(InvalidBoxError);
    expect(() => selectTrainingSamples([[0, 0, 10, 10], [0, 0, 1, 1, 4, 4, 2, 8]], [targets[1], targets[1]])).toThrow(/proposals\[1\]', index 1/);
    expect(() => selectTrainingSamples([[0, 0, 10, 10]], [{ boxes: [0, 0, 5, 5], labels: [1, 1] }])).toThrow(ShapeMismatchError);
    expect(() => selectTrainingSamples([[0, 0, 10, 10]], [])).toThrow(ShapeMismatchError);
  });
});
