/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { readFileSync } from 'node:fs';
import { type BackendName, initBackend, tf } from '@det/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';

/** Runs a suite once per backend (cpu, and wasm when installed). */
export function describeBackends(name: string, body: (backend: BackendName) => void, backends: BackendName[] = ['cpu', 'wasm']): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await initBackend(backend);
      });
      body(backend);
    });
  }
}

/** Reads a JSON file from fixtures/nn. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

export function fixturePath(name: string): string {
  return new URL(`../../../fixtures/nn/${name}`, import.meta.url).pathname;
}

/** Elementwise |got − want| ≤ tol · max(1, |want|), with the first failing index in the message. */
export function expectClose(got: ArrayLike<number> | tf.Tensor, want: ArrayLike<number>, tol = 1e-4, what = ''): void {
  const g = got instanceof tf.Tensor ? got.dataSync() : got;
  expect(g.length, `${what} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(g[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i]));
    if (!ok) expect(g[i], `${what}[${i}] (of ${want.length})`).toBeCloseTo(want[i], 6);
  }
}

/**
 * Runs `fn` and checks that it leaves no tensor behind.
 */
export function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** For suites that need a backend but test no numerics: the cpu backend. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await initBackend('cpu');
  });
}

/** max |a − b| as a number (no tensors left behind). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Registers hooks asserting that every test of the enclosing suite leaves tf.memory().numTensors unchanged. */
export function assertNoLeaks(): void {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors leaked by this test').toBe(before);
  });
}
