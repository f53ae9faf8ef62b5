import { ParseError } from '@det/core';
import { tf } from '@det/tfjs';
import { atomicWriteFile } from './atomic-write';
import type { AnyModule } from './module';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import type { StateDictSource } from './state-dict';

/** File names inside a model folder. */
export const WEIGHTS_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';

export interface SaveModelOptions {
  /** JSON-serialisable model configuration (architecture, classes …), written to config.json. Default {}. */
  config?: unknown;
  /** Extra string metadata for the safetensors header. */
  metadata?: Record<string, string>;
}

export interface LoadModelOptions {
  /** See `Module.loadStateDict`. Default true. */
  strict?: boolean;
  /** Layout of the stored weights; default: the file's `layout` metadata, else 'det'. */
  source?: StateDictSource;
}

export interface LoadedModel<M extends AnyModule, C> {
  module: M;
  config: C;
  /** The safetensors `__metadata__`. */
  metadata: Record<string, string>;
}

/**
 * Saves a model folder: `model.safetensors` (the state dict in @det layout, metadata `format: det`,
 * `layout: det` and the config) and `config.json`. Each file is written to a temporary file, fsynced and
 * renamed into place, weights first, so a crash never leaves a half-written file; `loadModel` also checks
 * that config.json matches the config stored with the weights, which detects a crash between the two renames.
 */
export async function saveModel(dir: string, module: AnyModule, { config = {}, metadata = {} }: SaveModelOptions = {}): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const configText = `${JSON.stringify(config, null, 2)}\n`;
  const bytes = encodeSafetensors(module.stateDict(), {
    metadata: { ...metadata, format: 'det', layout: 'det', config: JSON.stringify(config) },
  });
  await atomicWriteFile(join(dir, WEIGHTS_FILE), bytes);
  await atomicWriteFile(join(dir, CONFIG_FILE), configText);
}

/**
 * Loads a model folder written by {@link saveModel} (or any folder with a `model.safetensors`, e.g. converted
 * torchvision weights with metadata `layout: torchvision`). `build` is a module to fill, or a factory that
 * receives the config; a module the factory built is disposed again when loading fails.
 */
export async function loadModel<M extends AnyModule, C = unknown>(
  dir: string,
  build: M | ((config: C) => M),
  { strict = true, source }: LoadModelOptions = {},
): Promise<LoadedModel<M, C>> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const weightsPath = join(dir, WEIGHTS_FILE);
  const configPath = join(dir, CONFIG_FILE);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(weightsPath));
  } catch (e) {
    throw new ParseError(`cannot read model weights (${(e as Error).message})`, { file: weightsPath });
  }
  let configText: string | undefined;
  try {
    configText = await readFile(configPath, 'utf8');
  } catch {
    configText = undefined;
  }
  const { tensors, metadata } = decodeSafetensors(bytes, { file: weightsPath });
  let module: M | undefined;
  let built = false;
  try {
    let config: C;
    if (configText !== undefined) {
      try {
        config = JSON.parse(configText) as C;
      } catch (e) {
        throw new ParseError(`config is not valid JSON (${(e as Error).message})`, { file: configPath });
      }
      if (metadata.config !== undefined && JSON.stringify(config) !== JSON.stringify(JSON.parse(metadata.config))) {
        throw new ParseError('config.json does not match the config saved with the weights (interrupted save?)', { file: configPath });
      }
    } else {
      config = (metadata.config !== undefined ? JSON.parse(metadata.config) : {}) as C;
    }
    if (typeof build === 'function') {
      module = build(config);
      built = true;
    } else module = build;
    const layout = source ?? (metadata.layout === 'torchvision' ? 'torchvision' : 'det');
    module.loadStateDict(tensors, { strict, source: layout });
    return { module, config, metadata };
  } catch (e) {
    if (built) module?.dispose();
    throw e;
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
