import { InvalidConfigError } from '@det/core';
import { type AnyModule, BatchNorm2d, Conv2d, MaxPool2d, ReLU, Sequential } from '@det/nn';

/** torchvision's VGG configurations: channels of each 3×3 conv, 'M' for a 2×2/2 max-pool. */
export const VGG_CONFIGS = Object.freeze({
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>);
export type VggName = keyof typeof VGG_CONFIGS;

export interface VggFeaturesOptions {
  /** Pools (0-based among the max-pools) that round up their output size, e.g. [2] for SSD's pool3. Default none. */
  ceilModePools?: readonly number[];
  /** BatchNorm2d after every conv (torchvision `vgg16_bn`: conv, BN, ReLU). Default false. */
  batchNorm?: boolean;
}

/**
 * The layers of torchvision's `vgg16().features` (or `vgg16_bn().features` with `batchNorm`), as a flat list in
 * torchvision's order: Conv2d(3×3, padding 1) (+ BatchNorm2d) + ReLU(inplace) per channel entry, MaxPool2d(2, 2) per 'M'. Wrap them in a
 * `Sequential` to get `features.<i>` names (indices match torchvision, so its state dicts load by key).
 */
export function vggLayers(name: VggName = 'vgg16', { ceilModePools = [], batchNorm = false }: VggFeaturesOptions = {}): AnyModule[] {
  const config = VGG_CONFIGS[name];
  if (!config) throw new InvalidConfigError('unknown VGG', { field: 'name', expected: Object.keys(VGG_CONFIGS).join(', '), received: name });
  const layers: AnyModule[] = [];
  let inChannels = 3;
  let pool = 0;
  for (const entry of config) {
    if (entry === 'M') {
      layers.push(new MaxPool2d(2, { stride: 2, ceilMode: ceilModePools.includes(pool) }));
      pool++;
    } else {
      layers.push(new Conv2d(inChannels, entry, 3, { padding: 1 }), ...(batchNorm ? [new BatchNorm2d(entry)] : []), new ReLU(true));
      inChannels = entry;
    }
  }
  return layers;
}

/** torchvision `vgg16().features` as a `Sequential` ([N, H, W, 3] → [N, H/32, W/32, 512]). */
export function vggFeatures(name: VggName = 'vgg16', options: VggFeaturesOptions = {}): Sequential {
  return new Sequential(...vggLayers(name, options));
}
