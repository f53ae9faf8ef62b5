import { describe, expect, it } from 'vitest';
import { emptyGroundTruth } from './annotations';
import { DetErrorCode, InvalidBoxError, InvalidLabelError, NotFiniteError, ShapeMismatchError } from './errors';
import {
  assertBoxArray,
  findBoxProblems,
  validateBoxes,
  validateDetections,
  validateGroundTruth,
  validateLabels,
} from './validate';

const f32 = (...v: number[]) => new Float32Array(v);

describe('box validation', () => {
  it('accepts valid corner boxes and empty arrays', () => {
    expect(() => validateBoxes(f32(0, 0, 1, 1, 2, 3, 4, 5))).not.toThrow();
    expect(() => validateBoxes(f32())).not.toThrow();
  });

  it('names the index of a degenerate box', () => {
    const err = (() => {
      try {
        validateBoxes(f32(0, 0, 1, 1, 5, 5, 5, 9), { name: 'truths' });
      } catch (e) {
        return e as InvalidBoxError;
      }
    })();
    expect(err).toBeInstanceOf(InvalidBoxError);
    expect(err?.index).toBe(1);
    expect(err?.field).toBe('truths');
    expect(err?.code).toBe(DetErrorCode.InvalidBox);
    expect(err?.message).toContain('index 1');
    expect(err?.message).toContain('xmax > xmin');
  });

  it('reports NaN even when degenerate boxes are allowed', () => {
    expect(() => validateBoxes(f32(0, 0, 0, 0), { allowDegenerate: true })).not.toThrow();
    expect(() => validateBoxes(f32(0, 0, Number.NaN, 1), { allowDegenerate: true })).toThrow(/not finite/);
  });

  it('uses width/height for xywh and cxcywh', () => {
    expect(findBoxProblems(f32(5, 5, 1, 1), { format: 'cxcywh' })).toEqual([]);
    expect(findBoxProblems(f32(5, 5, 0, 1, 1, 1, 1, 1), { format: 'xywh' })).toEqual([
      { index: 0, kind: 'degenerate', box: [5, 5, 0, 1] },
    ]);
  });

  it('collects every problem', () => {
    const p = findBoxProblems(f32(0, 0, 1, 1, 1, 1, 0, 0, Number.POSITIVE_INFINITY, 0, 1, 1));
    expect(p.map((x) => [x.index, x.kind])).toEqual([
      [1, 'degenerate'],
      [2, 'not-finite'],
    ]);
  });

  it('rejects arrays whose length is not a multiple of 4', () => {
    expect(() => assertBoxArray(f32(1, 2, 3))).toThrow(ShapeMismatchError);
  });
});

describe('labels, ground truth, detections', () => {
  it('rejects out-of-range and non-integer labels with the index', () => {
    expect(() => validateLabels(new Int32Array([0, 3, 1]), 3)).toThrow(/index 1.*\[0, 2\]/);
    expect(() => validateLabels([0, 1.5], 3)).toThrow(InvalidLabelError);
    expect(() => validateLabels([0, 1, 2], 3)).not.toThrow();
  });

  it('checks ground truth lengths and contents', () => {
    expect(() => validateGroundTruth(emptyGroundTruth())).not.toThrow();
    const gt = { boxes: f32(0, 0, 1, 1), labels: new Int32Array([0, 1]), difficult: new Uint8Array(1) };
    expect(() => validateGroundTruth(gt)).toThrow(ShapeMismatchError);
    gt.labels = new Int32Array([4]);
    expect(() => validateGroundTruth(gt, { numClasses: 3 })).toThrow(InvalidLabelError);
  });

  it('allows zero-area detections but not NaN scores', () => {
    const d = { boxes: f32(1, 1, 1, 1), scores: f32(0.5), labels: new Int32Array([0]) };
    expect(() => validateDetections(d)).not.toThrow();
    d.scores = f32(Number.NaN);
    expect(() => validateDetections(d)).toThrow(NotFiniteError);
  });
});
