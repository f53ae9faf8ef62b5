import { InvalidConfigError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';

/** Compute engines @det can run on, best first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let logged = false;

async function tryImport(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function load(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') {
    // The native bindings register the 'tensorflow' backend on import (GPU build first).
    return (await tryImport('@tensorflow/tfjs-node-gpu')) !== undefined || (await tryImport('@tensorflow/tfjs-node')) !== undefined;
  }
  if (name === 'wasm') {
    // Under Node the package's CJS build finds its .wasm binaries next to itself; browsers may need setWasmPaths.
    return (await tryImport('@tensorflow/tfjs-backend-wasm')) !== undefined;
  }
  return (await tryImport('@tensorflow/tfjs-backend-cpu')) !== undefined;
}

/**
 * Selects the compute engine: with no preference the best installed one — 'tensorflow'
 * (@tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node), then 'wasm' (@tensorflow/tfjs-backend-wasm),
 * then 'cpu' (@tensorflow/tfjs-backend-cpu); or the one named. Returns the backend's name and logs it
 * once. A named backend that is not installed or fails to start throws an InvalidConfigError listing
 * the ones that are.
 */
export async function initBackend(preference?: BackendName): Promise<BackendName> {
  if (preference !== undefined && !BACKENDS.includes(preference)) {
    throw new InvalidConfigError('unknown backend', { field: 'preference', expected: BACKENDS.join(', '), received: preference });
  }
  const candidates = preference === undefined ? BACKENDS : [preference];
  for (const name of candidates) {
    if (!(await load(name))) continue;
    if (await tf.setBackend(name).catch(() => false)) {
      await tf.ready();
      if (!logged) {
        console.info(`@det/tfjs: using the ${name} backend`);
        logged = true;
      }
      return name;
    }
  }
  const available: string[] = [];
  for (const name of BACKENDS) if (await load(name)) available.push(name);
  throw new InvalidConfigError(preference === undefined ? 'no tfjs backend is installed' : `backend '${preference}' is not available`, {
    field: 'preference',
    expected: available.length > 0 ? `one of ${available.join(', ')}` : 'install @tensorflow/tfjs-backend-wasm or @tensorflow/tfjs-backend-cpu',
  });
}
