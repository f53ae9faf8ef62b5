import { InvalidConfigError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from './wasm-kernels';

/** Compute engines @det can run on, best first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** One log line per process, even with both the ESM and the CJS build loaded. */
const LOGGED = Symbol.for('@det/tfjs.logged');
const flags = globalThis as unknown as Record<symbol, boolean | undefined>;

/** Imports an optional peer; undefined when it is not installed or fails to load (e.g. a native binding). */
async function tryImport(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Under Node, points tfjs-backend-wasm at the .wasm binaries in its installed dist folder (resolved from this
 * package, so bundled or relocated scripts still find them). A no-op once the wasm backend has started.
 */
async function setNodeWasmPaths(mod: Record<string, unknown>): Promise<void> {
  if (!isNode || tf.engine().registry.wasm !== undefined) return;
  const setWasmPaths = (mod.setWasmPaths ?? (mod.default as Record<string, unknown> | undefined)?.setWasmPaths) as ((prefix: string) => void) | undefined;
  const nodeModule = await tryImport('node:module');
  const createRequire = nodeModule?.createRequire as ((from: string) => NodeJS.Require) | undefined;
  if (!setWasmPaths || !createRequire) return;
  try {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(entry.slice(0, Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\')) + 1));
  } catch {
    // Not resolvable from here (or already initialised): the backend falls back to its own lookup.
  }
}

async function load(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') {
    // The native bindings register the 'tensorflow' backend on import (GPU build first); their import throws
    // when libtensorflow is missing, which counts as not installed.
    return (await tryImport('@tensorflow/tfjs-node-gpu')) !== undefined || (await tryImport('@tensorflow/tfjs-node')) !== undefined;
  }
  if (name === 'wasm') {
    const mod = await tryImport('@tensorflow/tfjs-backend-wasm');
    if (mod === undefined) return false;
    await setNodeWasmPaths(mod);
    registerWasmKernels();
    return true;
  }
  return (await tryImport('@tensorflow/tfjs-backend-cpu')) !== undefined;
}

/**
 * Selects the compute engine: with no preference the best installed one — 'tensorflow'
 * (@tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node), then 'wasm' (@tensorflow/tfjs-backend-wasm, with
 * @det/tfjs's training kernels), then 'cpu' (@tensorflow/tfjs-backend-cpu); or the one named. Returns the
 * backend's name and logs the first choice once. An unknown name, or a named backend that is not installed or
 * fails to start, throws an InvalidConfigError listing the ones that are available.
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
      if (!flags[LOGGED]) {
        console.info(`@det/tfjs: using the ${name} backend`);
        flags[LOGGED] = true;
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
