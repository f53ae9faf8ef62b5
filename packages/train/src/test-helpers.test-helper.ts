/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@det/core';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, manualSeed, ReLU, Sequential } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** The cpu backend for the suite. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await initBackend('cpu');
  });
}

/** fixtures/train/reference.json (written by scripts/fixtures/train_reference.py). */
export function reference(): any {
  return JSON.parse(readFileSync(new URL('../../../fixtures/train/reference.json', import.meta.url), 'utf8'));
}

/** Elementwise |got − want| ≤ tol · max(1, |want|). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what = ''): void {
  expect(got.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) expect(got[i], `${what}[${i}]`).toBeCloseTo(want[i], 7);
  }
}

/** Asserts that every test of the suite leaves tf.memory().numTensors unchanged. */
export function assertNoLeaks(): void {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked by this test').toBe(before);
  });
}

/** A fresh temporary folder per test (removed after the suite). */
export function useTempDirs(): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'det-train-'));
    made.push(d);
    return d;
  };
}

/** A tiny conv–BN–ReLU–pool–linear net on 5×5×2 inputs with 2 outputs, initialised from `seed`. */
export function tinyNet(seed = 1): Sequential {
  manualSeed(seed);
  return new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new BatchNorm2d(3), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(3, 2));
}

export interface TinyBatch {
  id: string;
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** `perEpoch` deterministic batches of 2 samples for epoch `epoch`. */
export function tinyBatches(perEpoch = 3): (epoch: number) => Iterable<TinyBatch> {
  return function* (epoch: number) {
    for (let i = 0; i < perEpoch; i++) {
      const rnd = createRandom(1000 * epoch + i + 1);
      const x = Float32Array.from({ length: 2 * 5 * 5 * 2 }, () => rnd() * 2 - 1);
      const y = Float32Array.from({ length: 2 * 2 }, () => rnd() * 2 - 1);
      yield { id: `e${epoch}b${i}`, x, y, n: 2 };
    }
  };
}

/** MSE loss of {@link tinyNet} on a {@link TinyBatch}, with two parts. */
export function tinyLoss(model: Sequential) {
  return (b: TinyBatch) => {
    const out = model.forward(tf.tensor4d(b.x, [b.n, 5, 5, 2]));
    const diff = tf.sub(out, tf.tensor2d(b.y, [b.n, 2]));
    const mse = tf.mean(tf.square(diff)) as tf.Scalar;
    const l1 = tf.mean(tf.abs(diff)) as tf.Scalar;
    return { loss: mse, parts: { mse, l1 } };
  };
}

/** All state (parameters and buffers) of a module as plain arrays by name. */
export function snapshot(model: { stateDict(): Map<string, tf.Tensor> }): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of model.stateDict()) out[k] = Array.from(v.dataSync());
  return out;
}
