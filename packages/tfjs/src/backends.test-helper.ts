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
