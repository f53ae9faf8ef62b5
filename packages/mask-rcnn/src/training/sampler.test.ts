import { createRandom, InvalidConfigError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { sampleBalanced } from './sampler';

function labelsOf(pos: number, neg: number, ignored: number): Int32Array {
  const out = new Int32Array(pos + neg + ignored);
  for (let i = 0; i < out.length; i++) out[i] = i % 3 === 0 && pos-- > 0 ? 1 + (i % 4) : neg-- > 0 ? 0 : -1;
  return out;
}

function count(labels: ArrayLike<number>, pred: (l: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (pred(labels[i])) n++;
  return n;
}

describe('sampleBalanced (torchvision BalancedPositiveNegativeSampler)', () => {
  it('takes torchvision’s counts: min(pos, ⌊B·f⌋) positives, the rest of B negatives when available', () => {
    const random = createRandom(1);
    for (const [pos, neg, ign, b, f] of [
      [300, 1000, 50, 256, 0.5],
      [10, 1000, 5, 256, 0.5],
      [300, 20, 0, 256, 0.5],
      [3, 30, 0, 512, 0.25],
      [0, 0, 9, 256, 0.5],
      [200, 900, 0, 512, 0.25],
      [7, 7, 7, 3, 1 / 3],
    ]) {
      const labels = labelsOf(pos, neg, ign);
      const p = count(labels, (l) => l >= 1);
      const n = count(labels, (l) => l === 0);
      const s = sampleBalanced(labels, { batchSize: b, positiveFraction: f, random });
      const wantPos = Math.min(p, Math.floor(b * f));
      expect(s.positive.length).toBe(wantPos);
      expect(s.negative.length).toBe(Math.min(n, b - wantPos));
      expect(Array.from(s.positive).every((i) => labels[i] >= 1)).toBe(true);
      expect(Array.from(s.negative).every((i) => labels[i] === 0)).toBe(true);
      for (const idx of [s.positive, s.negative]) for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }
  });

  it('is reproducible with a seeded source and chooses uniformly', () => {
    const labels = new Int32Array(20); // all background
    const a = sampleBalanced(labels, { batchSize: 5, positiveFraction: 0.5, random: createRandom(7) });
    const b = sampleBalanced(labels, { batchSize: 5, positiveFraction: 0.5, random: createRandom(7) });
    expect(Array.from(a.negative)).toEqual(Array.from(b.negative));
    const hits = new Array(20).fill(0);
    const random = createRandom(3);
    for (let t = 0; t < 4000; t++) for (const i of sampleBalanced(labels, { batchSize: 5, positiveFraction: 0.5, random }).negative) hits[i]++;
    for (const h of hits) expect(Math.abs(h - 1000)).toBeLessThan(150); // 4000 × 5 / 20 = 1000 each
  });

  it('rejects a bad batch size or fraction', () => {
    expect(() => sampleBalanced([1, 0], { batchSize: -1, positiveFraction: 0.5 })).toThrow(InvalidConfigError);
    expect(() => sampleBalanced([1, 0], { batchSize: 2.5, positiveFraction: 0.5 })).toThrow(/batchSize/);
    expect(() => sampleBalanced([1, 0], { batchSize: 2, positiveFraction: 1.5 })).toThrow(/positiveFraction/);
  });
});
