/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { InvalidBoxError, InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, iouMatrix, matchProposals } from './matcher';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference();

describe('matchProposals (torchvision det_utils.Matcher)', () => {
  ref.matcher.forEach((c: any, i: number) => {
    it(`matches torchvision on quality matrix ${i} (high ${c.high}, low ${c.low}, low-quality ${c.allow_low_quality})`, () => {
      const m = matchProposals({ values: Float32Array.from(c.iou), numGt: c.num_gt, numProposals: c.num_proposals }, { high: c.high, low: c.low, allowLowQualityMatches: c.allow_low_quality });
      expect(Array.from(m)).toEqual(c.matches);
    });
  });

  ref.matcher_boxes.forEach((c: any, i: number) => {
    it(`matches torchvision from boxes (box_iou + Matcher, exact IoU ties) case ${i}`, () => {
      const matrix = iouMatrix(c.gt_boxes, c.boxes);
      expectRelClose(matrix.values, c.iou, 'box_iou', 1e-6);
      const m = matchProposals(matrix, { high: c.high, low: c.low, allowLowQualityMatches: c.allow_low_quality });
      expect(Array.from(m)).toEqual(c.matches);
    });
  });

  it('keeps every tie of a gt’s best proposal, each on its own best gt, and breaks cross-gt ties to the first gt', () => {
    // gt 0's best (0.4) is tied by proposals 0 and 2; proposal 2 prefers gt 1 (0.45). Proposal 3 ties both gts.
    const values = Float32Array.of(0.4, 0.1, 0.4, 0.2, /* gt 1 */ 0.1, 0.9, 0.45, 0.2);
    const m = matchProposals({ values, numGt: 2, numProposals: 4 }, { high: 0.7, low: 0.3, allowLowQualityMatches: true });
    expect(Array.from(m)).toEqual([0, 1, 1, BELOW_LOW_THRESHOLD]);
    const strict = matchProposals({ values, numGt: 2, numProposals: 4 }, { high: 0.7, low: 0.3 });
    expect(Array.from(strict)).toEqual([BETWEEN_THRESHOLDS, 1, BETWEEN_THRESHOLDS, BELOW_LOW_THRESHOLD]);
  });

  it('compares thresholds in float32 like torch (IoU exactly float32(0.7) is a match)', () => {
    const m = matchProposals({ values: Float32Array.of(0.7, 0.3), numGt: 1, numProposals: 2 }, { high: 0.7, low: 0.3 });
    expect(Array.from(m)).toEqual([0, BETWEEN_THRESHOLDS]);
  });

  it('gives all background without gt boxes, and skips gts that overlap nothing in the low-quality rule', () => {
    expect(Array.from(matchProposals({ values: [], numGt: 0, numProposals: 3 }, { high: 0.7, low: 0.3, allowLowQualityMatches: true }))).toEqual([-1, -1, -1]);
    // A zero-area gt: IoU 0 with everything. torchvision would promote every proposal to its argmax gt (0).
    const matrix = iouMatrix([5, 5, 5, 5], [0, 0, 10, 10, 20, 20, 30, 30]);
    expect(Array.from(matrix.values)).toEqual([0, 0]);
    expect(Array.from(matchProposals(matrix, { high: 0.7, low: 0.3, allowLowQualityMatches: true }))).toEqual([-1, -1]);
  });

  it('reports bad thresholds, shapes, NaN and boxes with x2 < x1 by index', () => {
    expect(() => matchProposals({ values: [0.5], numGt: 1, numProposals: 1 }, { high: 0.3, low: 0.7 })).toThrow(InvalidConfigError);
    expect(() => matchProposals({ values: [0.5, 0.1], numGt: 1, numProposals: 3 }, { high: 0.7, low: 0.3 })).toThrow(ShapeMismatchError);
    expect(() => matchProposals({ values: [0.5, Number.NaN], numGt: 1, numProposals: 2 }, { high: 0.7, low: 0.3 })).toThrow(NotFiniteError);
    expect(() => iouMatrix([0, 0, 1, 1, 5, 5, 4, 9], [0, 0, 1, 1])).toThrow(InvalidBoxError);
    expect(() => iouMatrix([0, 0, 1, 1, 5, 5, 4, 9], [0, 0, 1, 1])).toThrow(/field 'gtBoxes', index 1: box has x2 < x1/);
  });
});
