import { InvalidConfigError } from '@det/core';
import { type LoadModelOptions, loadModel, saveModel } from '@det/nn';
import { ssd7, ssd300Vgg16 } from './builders';
import type { SSD } from './ssd';

/** What a saved SSD folder's config.json holds: enough to rebuild the model before loading its weights. */
export interface SsdConfig {
  family: 'ssd';
  /** Builder: `ssd7` or `ssd300_vgg16`. */
  arch: 'ssd7' | 'ssd300_vgg16';
  /** Classes with background. */
  numClasses: number;
  /** Input side (ssd7; ssd300_vgg16 is 300). */
  imageSize: number;
  /** Foreground class names, in label order (label i = classes[i]), when known. */
  classes?: string[];
}

/** Builds an untrained SSD from a {@link SsdConfig}; an unknown arch throws naming it. */
export function buildSsd(config: SsdConfig): SSD {
  if (config?.family !== 'ssd') throw new InvalidConfigError('not an SSD config', { field: 'family', expected: 'ssd', received: config?.family });
  if (config.classes && config.classes.length !== config.numClasses - 1) {
    throw new InvalidConfigError('classes must list numClasses − 1 foreground names', { field: 'classes', expected: `${config.numClasses - 1} names`, received: config.classes.length });
  }
  switch (config.arch) {
    case 'ssd7':
      return ssd7({ numClasses: config.numClasses, imageSize: config.imageSize });
    case 'ssd300_vgg16':
      return ssd300Vgg16({ numClasses: config.numClasses });
    default:
      throw new InvalidConfigError('unknown SSD arch', { field: 'arch', expected: 'ssd7 | ssd300_vgg16', received: config.arch });
  }
}

/** Writes an SSD model folder (config.json + model.safetensors, each atomically; see @det/nn `saveModel`). */
export async function saveSsd(dir: string, model: SSD, config: SsdConfig): Promise<void> {
  await saveModel(dir, model, { config });
}

/** Loads an SSD model folder written by {@link saveSsd}: rebuilds the architecture from config.json, then loads the weights. */
export async function loadSsd(dir: string, options: LoadModelOptions = {}): Promise<{ model: SSD; config: SsdConfig }> {
  const { module, config } = await loadModel<SSD, SsdConfig>(dir, buildSsd, options);
  return { model: module, config };
}
