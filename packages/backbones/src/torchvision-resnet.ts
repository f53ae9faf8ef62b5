import { InvalidConfigError } from '@det/core';
import { type AnyModule, AdaptiveAvgPool2d, BatchNorm2d, Conv2d, FrozenBatchNorm2d, Linear, MaxPool2d, Module, ReLU, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureExtractor, FeatureSource } from './feature-extractor';
import { kaimingNormalFanOut } from './init';

/** Normalisation after each convolution: trainable BatchNorm2d, or FrozenBatchNorm2d (detection backbones). */
export type NormLayer = 'batchnorm' | 'frozen';

const norm = (kind: NormLayer, c: number): AnyModule => (kind === 'frozen' ? new FrozenBatchNorm2d(c) : new BatchNorm2d(c));

/**
 * torchvision `BasicBlock` (ResNet-18/34): 3×3 conv-BN-ReLU, 3×3 conv-BN, + identity or `downsample`, ReLU.
 * torchvision rejects dilation here; like MMSegmentation's BasicBlock, a dilated block dilates its first conv
 * (padding = dilation) so ResNet-18/34 can serve as output-stride-8 segmentation backbones.
 */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  constructor(inplanes: number, planes: number, { stride = 1, downsample, normLayer = 'batchnorm', dilation = 1 }: BlockOptions = {}) {
    super();
    this.registerModule('conv1', new Conv2d(inplanes, planes, 3, { stride, padding: dilation, dilation, bias: false }));
    this.registerModule('bn1', norm(normLayer, planes));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('conv2', new Conv2d(planes, planes, 3, { padding: 1, bias: false }));
    this.registerModule('bn2', norm(normLayer, planes));
    if (downsample) this.registerModule('downsample', downsample);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let out = this.get('relu').forward(this.get('bn1').forward(this.get('conv1').forward(x)));
      out = this.get('bn2').forward(this.get('conv2').forward(out));
      const identity = this.has('downsample') ? this.get('downsample').forward(x) : x;
      return tf.relu(tf.add(out, identity));
    });
  }
}

/** torchvision `Bottleneck` (ResNet-50/101): 1×1 reduce, 3×3 (stride, dilation), 1×1 expand ×4, + identity, ReLU. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  constructor(inplanes: number, planes: number, { stride = 1, downsample, normLayer = 'batchnorm', dilation = 1 }: BlockOptions = {}) {
    super();
    this.registerModule('conv1', new Conv2d(inplanes, planes, 1, { bias: false }));
    this.registerModule('bn1', norm(normLayer, planes));
    this.registerModule('conv2', new Conv2d(planes, planes, 3, { stride, padding: dilation, dilation, bias: false }));
    this.registerModule('bn2', norm(normLayer, planes));
    this.registerModule('conv3', new Conv2d(planes, planes * 4, 1, { bias: false }));
    this.registerModule('bn3', norm(normLayer, planes * 4));
    this.registerModule('relu', new ReLU(true));
    if (downsample) this.registerModule('downsample', downsample);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const relu = this.get('relu');
      let out = relu.forward(this.get('bn1').forward(this.get('conv1').forward(x)));
      out = relu.forward(this.get('bn2').forward(this.get('conv2').forward(out)));
      out = this.get('bn3').forward(this.get('conv3').forward(out));
      const identity = this.has('downsample') ? this.get('downsample').forward(x) : x;
      return tf.relu(tf.add(out, identity));
    });
  }
}

interface BlockOptions {
  stride?: number;
  downsample?: AnyModule;
  normLayer?: NormLayer;
  dilation?: number;
}

export interface ResNetOptions {
  /** Classifier outputs (default 1000). */
  numClasses?: number;
  /** Keep `avgpool` and `fc` (default true); false gives a backbone without them (torchvision's IntermediateLayerGetter drops them too). */
  includeTop?: boolean;
  /** Replace the stride of layer2, layer3, layer4 by dilation (torchvision semantics; FCN/DeepLab/PSPNet use [false, true, true]). */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
  /** 'batchnorm' (default) or 'frozen' (FrozenBatchNorm2d, detection models). */
  normLayer?: NormLayer;
}

type BlockClass = typeof BasicBlock | typeof Bottleneck;

/**
 * torchvision `ResNet` with its module names (`conv1`, `bn1`, `relu`, `maxpool`, `layer1` … `layer4`, `avgpool`,
 * `fc`), so torchvision state dicts load by key. NHWC in; `forward` → logits [N, numClasses] (or layer4's map
 * without the top); `forwardFeatures` → layer1 … layer4 maps (strides 4, 8, 16, 32 unless dilated).
 */
export class ResNet extends Module<[tf.Tensor], tf.Tensor> implements FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];
  readonly includeTop: boolean;

  constructor(block: BlockClass, layers: readonly [number, number, number, number], options: ResNetOptions = {}) {
    super();
    const { numClasses = 1000, includeTop = true, replaceStrideWithDilation = [false, false, false], normLayer = 'batchnorm' } = options;
    if (replaceStrideWithDilation.length !== 3) {
      throw new InvalidConfigError('replaceStrideWithDilation needs 3 entries', { field: 'replaceStrideWithDilation', received: replaceStrideWithDilation.length });
    }
    this.includeTop = includeTop;
    let inplanes = 64;
    let dilation = 1;
    this.registerModule('conv1', new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.registerModule('bn1', norm(normLayer, 64));
    this.registerModule('relu', new ReLU(true));
    this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    const maps: FeatureSource[] = [];
    let outStride = 4;
    [64, 128, 256, 512].forEach((planes, i) => {
      let stride = i === 0 ? 1 : 2;
      const previousDilation = dilation;
      if (i > 0 && replaceStrideWithDilation[i - 1]) {
        dilation *= stride;
        stride = 1;
      }
      const out = planes * block.expansion;
      const downsample = stride !== 1 || inplanes !== out ? new Sequential(new Conv2d(inplanes, out, 1, { stride, bias: false }), norm(normLayer, out)) : undefined;
      const blocks: AnyModule[] = [new block(inplanes, planes, { stride, downsample, normLayer, dilation: previousDilation })];
      inplanes = out;
      for (let b = 1; b < layers[i]; b++) blocks.push(new block(inplanes, planes, { normLayer, dilation }));
      this.registerModule(`layer${i + 1}`, new Sequential(...blocks));
      outStride *= stride;
      maps.push({ name: `layer${i + 1}`, channels: out, stride: outStride });
    });
    if (includeTop) {
      this.registerModule('avgpool', new AdaptiveAvgPool2d([1, 1]));
      this.registerModule('fc', new Linear(512 * block.expansion, numClasses));
    }
    kaimingNormalFanOut(this);
    this.featureMaps = maps;
  }

  /** x [N, H, W, 3] → [layer1, layer2, layer3, layer4] maps. */
  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[] {
    return tf.tidy(() => {
      let h = this.get('maxpool').forward(this.get('relu').forward(this.get('bn1').forward(this.get('conv1').forward(x)))) as tf.Tensor;
      return [1, 2, 3, 4].map((i) => {
        h = this.get(`layer${i}`).forward(h) as tf.Tensor;
        return h as tf.Tensor4D;
      });
    });
  }

  /** Logits [N, numClasses] with the top, else layer4's map. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const maps = this.forwardFeatures(x as tf.Tensor4D);
      const last = maps[3];
      if (!this.includeTop) return last;
      const pooled = tf.reshape(this.get('avgpool').forward(last), [last.shape[0], -1]);
      return this.get('fc').forward(pooled);
    });
  }
}

export const resnet18 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], options);
export const resnet101 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 23, 3], options);
