import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { Conv2d, interpolate, Module, ModuleList } from '@det/nn';
import { tf } from '@det/tfjs';
import { Conv2dNormActivation, type NormLayerKind } from './conv-norm-activation';
import type { FeatureDict } from './feature-dict';
import { initKaimingUniformA1, initZeros } from './init';

/**
 * torchvision `ops.feature_pyramid_network.ExtraFPNBlock`: extra levels appended after the FPN's outputs.
 * `extend(results, inputs, names)` gets the FPN outputs and the backbone maps (both NHWC, finest first) and returns
 * the extended outputs and names.
 */
export abstract class ExtraFPNBlock extends Module<[tf.Tensor4D[], tf.Tensor4D[], string[]], [tf.Tensor4D[], string[]]> {
  forward(results: tf.Tensor4D[], inputs: tf.Tensor4D[], names: string[]): [tf.Tensor4D[], string[]] {
    return this.extend(results, inputs, names);
  }

  abstract extend(results: tf.Tensor4D[], inputs: tf.Tensor4D[], names: string[]): [tf.Tensor4D[], string[]];
}

/** torchvision `LastLevelMaxPool`: a 'pool' level = `max_pool2d(last, kernel 1, stride 2)` (every other cell). */
export class LastLevelMaxPool extends ExtraFPNBlock {
  static override readonly torchName: string = 'LastLevelMaxPool';

  extend(results: tf.Tensor4D[], _inputs: tf.Tensor4D[], names: string[]): [tf.Tensor4D[], string[]] {
    const last = results[results.length - 1];
    return [[...results, tf.maxPool(last, 1, 2, 'valid')], [...names, 'pool']];
  }
}

/**
 * torchvision `LastLevelP6P7` (RetinaNet): p6 = conv3×3/2(P5 when inChannels = outChannels, else C5),
 * p7 = conv3×3/2(relu(p6)); levels 'p6', 'p7'.
 */
export class LastLevelP6P7 extends ExtraFPNBlock {
  static override readonly torchName: string = 'LastLevelP6P7';
  readonly useP5: boolean;

  constructor(inChannels: number, outChannels: number) {
    super();
    for (const [name, conv] of [
      ['p6', new Conv2d(inChannels, outChannels, 3, { stride: 2, padding: 1 })],
      ['p7', new Conv2d(outChannels, outChannels, 3, { stride: 2, padding: 1 })],
    ] as const) {
      initKaimingUniformA1(conv.weight, conv.inChannels * 9);
      initZeros(conv.bias);
      this.registerModule(name, conv);
    }
    this.useP5 = inChannels === outChannels;
  }

  extend(results: tf.Tensor4D[], inputs: tf.Tensor4D[], names: string[]): [tf.Tensor4D[], string[]] {
    return tf.tidy(() => {
      const x = this.useP5 ? results[results.length - 1] : inputs[inputs.length - 1];
      const p6 = this.get('p6').forward(x) as tf.Tensor4D;
      const p7 = this.get('p7').forward(tf.relu(p6)) as tf.Tensor4D;
      return [[...results, p6, p7], [...names, 'p6', 'p7']] as [tf.Tensor4D[], string[]];
    });
  }
}

/**
 * torchvision `ops.FeaturePyramidNetwork` (top-down pathway with lateral 1×1 convs and 3×3 output convs):
 * `inner_blocks.i` = Conv2dNormActivation(in_i → out, 1×1, no norm, no activation), `layer_blocks.i` =
 * Conv2dNormActivation(out → out, 3×3), optional `extra_blocks`. Convs initialised with kaiming_uniform_(a=1), zero
 * bias. `forward(features)` takes the backbone maps finest first ({@link FeatureDict}, NHWC) and returns the FPN maps
 * under the same names plus the extra block's levels; the top-down path upsamples with nearest interpolation to each
 * lateral's size (PyTorch's legacy nearest).
 */
export class FeaturePyramidNetwork extends Module<[FeatureDict], FeatureDict> {
  static override readonly torchName: string = 'FeaturePyramidNetwork';
  readonly inChannelsList: readonly number[];
  readonly outChannels: number;

  constructor(inChannelsList: readonly number[], outChannels: number, { extraBlocks, normLayer = null }: { extraBlocks?: ExtraFPNBlock | null; normLayer?: NormLayerKind } = {}) {
    super();
    if (inChannelsList.length === 0 || inChannelsList.some((c) => !Number.isInteger(c) || c <= 0)) {
      throw new InvalidConfigError('in_channels=0 is currently not supported', { field: 'inChannelsList', expected: 'positive channel counts', received: inChannelsList });
    }
    this.inChannelsList = [...inChannelsList];
    this.outChannels = outChannels;
    const inner = new ModuleList<Conv2dNormActivation>();
    const layer = new ModuleList<Conv2dNormActivation>();
    for (const c of inChannelsList) {
      inner.append(new Conv2dNormActivation(c, outChannels, { kernelSize: 1, padding: 0, normLayer, activation: null }));
      layer.append(new Conv2dNormActivation(outChannels, outChannels, { kernelSize: 3, normLayer, activation: null }));
    }
    for (const block of [...inner, ...layer]) {
      const conv = block.conv;
      initKaimingUniformA1(conv.weight, conv.inChannels * conv.kernelSize[0] * conv.kernelSize[1]);
      initZeros(conv.bias);
    }
    this.registerModule('inner_blocks', inner);
    this.registerModule('layer_blocks', layer);
    if (extraBlocks) this.registerModule('extra_blocks', extraBlocks);
  }

  forward(x: FeatureDict): FeatureDict {
    const names = Object.keys(x);
    const maps = Object.values(x);
    const inner = this.get<ModuleList<Conv2dNormActivation>>('inner_blocks');
    const layer = this.get<ModuleList<Conv2dNormActivation>>('layer_blocks');
    if (maps.length !== inner.length) {
      throw new ShapeMismatchError(`the FPN has ${inner.length} levels but got ${maps.length} feature maps`, { field: 'x', expected: `${inner.length} maps`, received: names });
    }
    return tf.tidy(() => {
      const n = maps.length;
      let lastInner = inner.at(n - 1).forward(maps[n - 1]);
      const results: tf.Tensor4D[] = [layer.at(n - 1).forward(lastInner) as tf.Tensor4D];
      for (let idx = n - 2; idx >= 0; idx--) {
        const lateral = inner.at(idx).forward(maps[idx]);
        const topDown = interpolate(lastInner, { size: [lateral.shape[1] as number, lateral.shape[2] as number], mode: 'nearest' });
        lastInner = tf.add(lateral, topDown);
        results.unshift(layer.at(idx).forward(lastInner) as tf.Tensor4D);
      }
      let outNames = names;
      let out = results;
      if (this.has('extra_blocks')) [out, outNames] = this.get<ExtraFPNBlock>('extra_blocks').extend(results, maps, names);
      const dict: FeatureDict = {};
      outNames.forEach((name, i) => {
        dict[name] = out[i];
      });
      return dict;
    });
  }
}
