import { InvalidConfigError } from '@det/core';
import type { FeatureExtractor, FeatureSource } from '@det/backbones';
import { xavierInit } from '@det/backbones';
import { type AnyModule, Conv2d, Module, ModuleList, ReLU, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';

/** A backbone usable by SSD: a module that is also a {@link FeatureExtractor}. */
export type SsdBackbone = AnyModule & FeatureExtractor;

export interface WithExtrasOptions {
  /** Names of the backbone's feature maps to use (default: all, in the backbone's order). */
  sources?: readonly string[];
  /**
   * Extra blocks appended after the last source: output channels of each (each block is torchvision's
   * Conv 1×1 → C/2, ReLU, Conv 3×3 stride 2 padding 1 → C, ReLU; xavier-initialised), or ready modules
   * with their output channels. Default none.
   */
  extras?: readonly (number | { module: AnyModule; channels: number })[];
}

/**
 * A base net plus SSD's extra layers, as one {@link FeatureExtractor}: children `body` (the base net) and
 * `extra` (ModuleList). Maps: the chosen sources of the body, then each extra block's output (each block reads
 * the previous map). `forwardFeatures(x [N, H, W, 3])` → [N, Hi, Wi, Ci] per map.
 */
export class BackboneWithExtras extends Module<[tf.Tensor], tf.Tensor4D[]> implements FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];
  readonly #pick: number[];

  constructor(body: SsdBackbone, { sources, extras = [] }: WithExtrasOptions = {}) {
    super();
    const names = body.featureMaps.map((f) => f.name);
    const chosen = sources ?? names;
    this.#pick = chosen.map((name) => {
      const i = names.indexOf(name);
      if (i < 0) throw new InvalidConfigError('unknown source feature map', { field: 'sources', expected: names.join(', '), received: name });
      return i;
    });
    if (this.#pick.length === 0) throw new InvalidConfigError('at least one source map is needed', { field: 'sources' });
    this.registerModule('body', body);
    let cin = body.featureMaps[this.#pick[this.#pick.length - 1]].channels;
    let stride = body.featureMaps[this.#pick[this.#pick.length - 1]].stride;
    const maps: FeatureSource[] = this.#pick.map((i) => ({ ...body.featureMaps[i], name: `body.${body.featureMaps[i].name}` }));
    const blocks = extras.map((e, i) => {
      const spec = typeof e === 'number' ? { module: extraBlock(cin, e), channels: e } : e;
      if (!Number.isInteger(spec.channels) || spec.channels < 1) {
        throw new InvalidConfigError('extra block channels must be a positive integer', { field: `extras[${i}]`, received: spec.channels });
      }
      stride *= 2;
      maps.push({ name: `extra.${i}`, channels: spec.channels, stride });
      cin = spec.channels;
      return spec.module;
    });
    this.registerModule('extra', new ModuleList(blocks));
    this.featureMaps = maps;
  }

  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[] {
    const all = this.get<SsdBackbone>('body').forwardFeatures(x);
    const out = this.#pick.map((i) => all[i]);
    tf.dispose(all.filter((_, i) => !this.#pick.includes(i)));
    let h = out[out.length - 1];
    for (const block of this.get<ModuleList>('extra').children()) {
      h = block.forward(h) as tf.Tensor4D;
      out.push(h);
    }
    return out;
  }

  forward(x: tf.Tensor): tf.Tensor4D[] {
    return this.forwardFeatures(x as tf.Tensor4D);
  }
}

/** torchvision's SSD extra block: 1×1 conv to C/2, ReLU, 3×3/2 conv to C, ReLU (xavier init). */
export function extraBlock(inChannels: number, outChannels: number): Sequential {
  const mid = Math.max(1, outChannels >> 1);
  const block = new Sequential(new Conv2d(inChannels, mid, 1), new ReLU(true), new Conv2d(mid, outChannels, 3, { stride: 2, padding: 1 }), new ReLU(true));
  xavierInit(block);
  return block;
}
