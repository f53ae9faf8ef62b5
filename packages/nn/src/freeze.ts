import { InvalidConfigError } from '@det/core';
import type { AnyModule } from './module';

/** torchvision's ResNet layer names, last first: the order in which `trainable_layers` unfreezes them. */
export const RESNET_TRAINABLE_LAYERS: readonly string[] = ['layer4', 'layer3', 'layer2', 'layer1', 'conv1'];

export interface TrainableLayersOptions {
  /** Layer name prefixes, last layer first. Default {@link RESNET_TRAINABLE_LAYERS}. */
  layers?: readonly string[];
  /** Also trained when every layer is (torchvision adds 'bn1' at 5). Default ['bn1']. */
  whenAll?: readonly string[];
}

/**
 * torchvision's `trainable_layers` rule (`_resnet_fpn_extractor`, `_mobilenet_extractor` …): the last
 * `trainableLayers` entries of `layers` stay trainable and every other parameter of `backbone` is frozen
 * (a parameter trains when its dotted name starts with one of the chosen prefixes). 0 freezes everything;
 * all of them also unfreezes `whenAll`. Returns the prefixes left trainable.
 */
export function setTrainableLayers(backbone: AnyModule, trainableLayers: number, { layers = RESNET_TRAINABLE_LAYERS, whenAll = ['bn1'] }: TrainableLayersOptions = {}): string[] {
  if (!Number.isInteger(trainableLayers) || trainableLayers < 0 || trainableLayers > layers.length) {
    throw new InvalidConfigError('trainable layers out of range', { field: 'trainableLayers', expected: `an integer in [0, ${layers.length}]`, received: trainableLayers });
  }
  const train = layers.slice(0, trainableLayers);
  if (trainableLayers === layers.length) train.push(...whenAll);
  for (const [name, p] of backbone.namedParameters()) p.trainable = train.some((prefix) => name.startsWith(prefix));
  return train;
}

/**
 * Freezes every parameter of `module` except those whose dotted name starts with one of `prefixes`
 * (e.g. `freezeExcept(model, ['roi_heads.box_predictor'])` to fine-tune only a new head). Returns the number of
 * parameters left trainable.
 */
export function freezeExcept(module: AnyModule, prefixes: readonly string[]): number {
  let n = 0;
  for (const [name, p] of module.namedParameters()) {
    p.trainable = prefixes.some((prefix) => name === prefix || name.startsWith(prefix.endsWith('.') ? prefix : `${prefix}.`));
    if (p.trainable) n++;
  }
  return n;
}
