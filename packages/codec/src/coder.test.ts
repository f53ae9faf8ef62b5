import { InvalidConfigError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { createBoxCoder } from './coder';
import { decodeBoxes, encodeBoxes } from './encode';
import { DEFAULT_CLAMP_LOG_SIZE, DEFAULT_MEANS, DEFAULT_STDS, MAX_CLAMP_LOG_SIZE, stdsFromVariance, stdsFromWeights } from './options';
import { gather, PRIORS } from './test-support';

describe('createBoxCoder and the stds aliases', () => {
  it('defaults: means 0, stds = ssd.pytorch variance [0.1, 0.2] = torchvision weights (10, 10, 5, 5)', () => {
    const coder = createBoxCoder();
    expect(coder.options).toEqual({ means: DEFAULT_MEANS, stds: DEFAULT_STDS, clampLogSize: DEFAULT_CLAMP_LOG_SIZE });
    expect(stdsFromVariance([0.1, 0.2])).toEqual(DEFAULT_STDS);
    expect(stdsFromWeights([10, 10, 5, 5])).toEqual(DEFAULT_STDS);
  });
  it('binds its options: same output as the free functions', () => {
    const options = { means: [0.01, 0, -0.02, 0.03], stds: stdsFromWeights([5, 5, 2, 2]) } as const;
    const coder = createBoxCoder(options);
    const p = gather(PRIORS.ssd300_voc, [10, 2000]);
    const boxes = [0.1, 0.1, 0.3, 0.4, 0.5, 0.5, 0.9, 0.7];
    expect(coder.encode(boxes, p)).toEqual(encodeBoxes(boxes, p, options));
    expect(coder.decode([1, 2, 0.5, -0.5, 0, 0, 0, 0], p)).toEqual(decodeBoxes([1, 2, 0.5, -0.5, 0, 0, 0, 0], p, options));
  });
  it('rejects bad options when the coder is made, naming the field', () => {
    expect(() => createBoxCoder({ stds: [0.1, 0, 0.2, 0.2] })).toThrow(InvalidConfigError);
    expect(() => createBoxCoder({ stds: [0.1, 0, 0.2, 0.2] })).toThrow(/field 'stds\[1\]'/);
    expect(() => createBoxCoder({ stds: [0.1, 0.2] as never })).toThrow(/field 'stds'/);
    expect(() => createBoxCoder({ means: [0, 0, Number.NaN, 0] })).toThrow(/field 'means'/);
    expect(() => createBoxCoder({ clampLogSize: 0 })).toThrow(/clampLogSize/);
    expect(() => createBoxCoder({ clampLogSize: MAX_CLAMP_LOG_SIZE + 1 })).toThrow(/clampLogSize/);
  });
});
