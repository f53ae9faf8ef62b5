import { InvalidConfigError } from '@det/core';

/**
 * Renames one ssd.pytorch (amdegroot) or pytorch-ssd7 (seed 000) state-dict key to our module tree
 * (torchvision's names), or returns undefined for a key that has no counterpart.
 * - SSD300: `vgg.0…22` → `backbone.features.*`; `vgg.23…29` (pool4, conv5_x) → `backbone.extra.0.0…6`;
 *   `vgg.31` (conv6) → `backbone.extra.0.7.1`, `vgg.33` (conv7) → `backbone.extra.0.7.3`; `L2Norm.weight` →
 *   `backbone.scale_weight`; `extras.2k`, `extras.2k+1` → `backbone.extra.(k+1).0`, `.2`.
 * - SSD7: `base.i` → `backbone.i`.
 * - Both: `loc.i` → `head.regression_head.module_list.i`, `conf.i` → `head.classification_head.module_list.i`.
 */
export function ssdPytorchKey(key: string): string | undefined {
  const m = /^([A-Za-z0-9]+)\.(\d+)\.(.+)$/.exec(key);
  if (key === 'L2Norm.weight') return 'backbone.scale_weight';
  if (!m) return undefined;
  const [, group, indexText, rest] = m;
  const i = Number(indexText);
  switch (group) {
    case 'vgg':
      if (i <= 22) return `backbone.features.${i}.${rest}`;
      if (i <= 29) return `backbone.extra.0.${i - 23}.${rest}`;
      if (i === 31) return `backbone.extra.0.7.1.${rest}`;
      if (i === 33) return `backbone.extra.0.7.3.${rest}`;
      return undefined;
    case 'extras':
      return `backbone.extra.${1 + (i >> 1)}.${(i & 1) * 2}.${rest}`;
    case 'base':
      return `backbone.${i}.${rest}`;
    case 'loc':
      return `head.regression_head.module_list.${i}.${rest}`;
    case 'conf':
      return `head.classification_head.module_list.${i}.${rest}`;
    default:
      return undefined;
  }
}

/** Renames a whole ssd.pytorch / pytorch-ssd7 state dict (PyTorch layout kept); unknown keys throw, naming the key. */
export function fromSsdPytorch<T>(dict: Map<string, T> | Record<string, T>): Map<string, T> {
  const entries = dict instanceof Map ? [...dict.entries()] : Object.entries(dict);
  const out = new Map<string, T>();
  for (const [key, value] of entries) {
    const renamed = ssdPytorchKey(key.startsWith('module.') ? key.slice(7) : key);
    if (renamed === undefined) {
      throw new InvalidConfigError('key is not part of an ssd.pytorch SSD300 or SSD7 state dict', { field: key, expected: 'vgg.*, L2Norm.weight, extras.*, base.*, loc.*, conf.*' });
    }
    out.set(renamed, value);
  }
  return out;
}
