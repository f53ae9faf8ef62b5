import { ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { collateDetection } from './collate';
import type { Dataset } from './dataset';
import { createImage } from './image';
import { DataLoader } from './loader';
import type { DetectionSample } from './sample';

const numbers: Dataset<{ index: number; draw: number }> = {
  length: 10,
  async get(index, random) {
    await new Promise((r) => setTimeout(r, (index * 7) % 5));
    return { index, draw: random() };
  },
};

describe('DataLoader', () => {
  it('yields every sample once per epoch, in batches, with reproducible per-sample randomness', async () => {
    const loader = new DataLoader(numbers, { batchSize: 4, shuffle: true, seed: 1, collate: (items) => items });
    expect(loader.length).toBe(3);
    const seen: number[] = [];
    const draws = new Map<number, number>();
    for await (const batch of loader.epoch(0)) {
      for (const item of batch) {
        seen.push(item.index);
        draws.set(item.index, item.draw);
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const again = new DataLoader(numbers, { batchSize: 3, shuffle: true, seed: 1, prefetch: 0, collate: (items) => items });
    for await (const batch of again.epoch(0)) for (const item of batch) expect(item.draw).toBe(draws.get(item.index));
    expect(Array.from(loader.order(1))).not.toEqual(Array.from(loader.order(0)));
  });

  it('drops the last incomplete batch on request and rejects bad options', async () => {
    const loader = new DataLoader(numbers, { batchSize: 4, dropLast: true, collate: (items) => items.length });
    const sizes: number[] = [];
    for await (const n of loader) sizes.push(n);
    expect(sizes).toEqual([4, 4]);
    expect(() => new DataLoader(numbers, { batchSize: 0, collate: (x) => x })).toThrow(/batchSize/);
  });
});

describe('collateDetection', () => {
  const s = (w: number): DetectionSample => ({
    image: createImage(w, 2, [255, 0, 0]),
    boxes: new Float32Array([0, 0, 1, 1]),
    labels: new Int32Array([1]),
  });
  it('stacks NHWC and normalises with mean/std', () => {
    const b = collateDetection([s(3), s(3)], { mean: [255, 0, 0], std: [1, 1, 2] });
    expect(b.images.length).toBe(2 * 2 * 3 * 3);
    expect(b.images.every((v) => v === 0)).toBe(true);
    expect(b.boxes.length).toBe(2);
  });
  it('names the sample whose size differs', () => {
    expect(() => collateDetection([s(3), s(4)])).toThrow(ShapeMismatchError);
    expect(() => collateDetection([s(3), s(4)])).toThrow(/index 1/);
  });
});
