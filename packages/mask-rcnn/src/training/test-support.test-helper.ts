/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { existsSync, readFileSync } from 'node:fs';
import { tf } from '@det/tfjs';
import { afterAll, expect } from 'vitest';

const path = new URL('./fixtures/losses.json', import.meta.url);

/**
 * torchvision 0.14 references, written by `/usr/bin/python3 scripts/fixtures/maskrcnn_losses_reference.py`
 * (committed; re-run the script to regenerate).
 */
export function reference(): any {
  if (!existsSync(path)) throw new Error(`${path.pathname} is missing: run /usr/bin/python3 scripts/fixtures/maskrcnn_losses_reference.py`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

const worst = new Map<string, number>();

/**
 * Elementwise |got − want| ≤ tol · max(|want|, floor) (relative, with a floor for entries near 0: by default
 * 1e-3 · max|want|), naming the first failing index. Records the largest such relative error under `what` (printed
 * when PARITY_REPORT is set).
 */
export function expectRelClose(got: ArrayLike<number> | tf.Tensor, want: ArrayLike<number>, what: string, tol = 1e-4, minFloor?: number): number {
  const g = got instanceof tf.Tensor ? got.dataSync() : got;
  expect(g.length, `${what} length`).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  const floor = minFloor ?? Math.max(1e-3 * scale, 1e-12);
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(g[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
    if (!(e <= tol)) expect(g[i], `${what}[${i}] (of ${want.length}), relative error ${e}`).toBe(want[i]);
    err = Math.max(err, e);
  }
  const key = what.replace(/ \d+$/, '');
  worst.set(key, Math.max(worst.get(key) ?? 0, err));
  return err;
}

/** Prints the worst relative errors of the file's parity checks when PARITY_REPORT is set. */
export function reportParity(): void {
  afterAll(() => {
    if (process.env.PARITY_REPORT) for (const [k, v] of worst) console.log(`parity ${k}: max relative error ${v.toExponential(2)}`);
  });
}
