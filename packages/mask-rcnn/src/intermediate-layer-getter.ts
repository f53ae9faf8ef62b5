import { InvalidConfigError } from '@det/core';
import { type AnyModule, Module } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureDict } from './feature-dict';

/**
 * torchvision `models._utils.IntermediateLayerGetter`: adopts the children of `model` in order up to the last one
 * named in `returnLayers` (so a ResNet keeps conv1 … layer4 and loses avgpool/fc), runs them in sequence and returns
 * the outputs of the named children under their new names (`{ layer1: '0', …, layer4: '3' }` → keys '0' … '3').
 * Children after the last returned one are disposed: the getter owns what it adopted, do not use `model` afterwards.
 * NHWC in, {@link FeatureDict} out.
 */
export class IntermediateLayerGetter extends Module<[tf.Tensor], FeatureDict> {
  static override readonly torchName: string = 'IntermediateLayerGetter';
  /** Child name → output name, in child order. */
  readonly returnLayers: ReadonlyMap<string, string>;

  constructor(model: AnyModule, returnLayers: Record<string, string>) {
    super();
    const children = model.namedChildren();
    const names = new Set(children.map(([n]) => n));
    const wanted = Object.keys(returnLayers);
    const missing = wanted.filter((n) => !names.has(n));
    if (missing.length > 0 || wanted.length === 0) {
      throw new InvalidConfigError('return_layers are not present in model', {
        field: 'returnLayers',
        expected: `a non-empty subset of ${[...names].join(', ')}`,
        received: wanted,
      });
    }
    const pending = new Set(wanted);
    const order = new Map<string, string>();
    for (const [name, child] of children) {
      if (pending.size === 0) {
        child.dispose();
        continue;
      }
      this.registerModule(name, child);
      if (pending.delete(name)) order.set(name, String(returnLayers[name]));
    }
    this.returnLayers = order;
  }

  forward(x: tf.Tensor): FeatureDict {
    return tf.tidy(() => {
      const out: FeatureDict = {};
      let h = x;
      for (const [name, child] of this.namedChildren()) {
        h = child.forward(h) as tf.Tensor;
        const as = this.returnLayers.get(name);
        if (as !== undefined) out[as] = h as tf.Tensor4D;
      }
      return out;
    });
  }
}
