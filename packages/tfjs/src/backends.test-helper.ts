import { readFileSync } from 'node:fs';
import { beforeAll, describe } from 'vitest';
import { type BackendName, initBackend } from './backend';

/** Runs the same suite on each backend that tests must cover (like tfjs's describeWithFlags). */
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

/** A JSON file from fixtures/tfjs (written by scripts/fixtures/tfjs_reference.py). */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/tfjs/${name}`, import.meta.url), 'utf8')) as T;
}

/** max |got − want| / max |want|: the error relative to the reference's scale. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? err : err / scale;
}
