import { kaimingNormalFanOut } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { Conv2d, ConvTranspose2d, ReLU, Sequential } from '@det/nn';
import { Conv2dNormActivation, type NormLayerKind } from './conv-norm-activation';
import { initKaimingNormalFanOut } from './init';

/**
 * torchvision 0.14 `MaskRCNNHeads(in_channels, layers, dilation, norm_layer=None)`: a Sequential of
 * Conv2dNormActivation(3×3, padding = dilation, dilation, ReLU, no norm by default) blocks '0', '1', … with
 * `layers[i]` output channels; kaiming-normal (fan_out, relu) weights, zero biases. NHWC [K, 14, 14, inChannels] →
 * [K, 14, 14, layers.at(-1)]. Seed 003's deeper/wider head: `new MaskRCNNHeads(256, [256, 256, 512, 512, 1024], 1)`.
 */
export class MaskRCNNHeads extends Sequential {
  override typeName(): string {
    return 'MaskRCNNHeads';
  }
  readonly inChannels: number;
  readonly layers: readonly number[];
  readonly dilation: number;

  constructor(inChannels: number, layers: readonly number[], dilation: number, normLayer: NormLayerKind = null) {
    super();
    if (layers.length === 0) throw new InvalidConfigError('layers must name at least one block', { field: 'layers', expected: 'channel counts' });
    let next = inChannels;
    for (const features of layers) {
      this.append(new Conv2dNormActivation(next, features, { kernelSize: 3, stride: 1, padding: dilation, dilation, normLayer }));
      next = features;
    }
    kaimingNormalFanOut(this);
    this.inChannels = inChannels;
    this.layers = [...layers];
    this.dilation = dilation;
  }

  /** Channels of the output (the last layer's). */
  get outChannels(): number {
    return this.layers[this.layers.length - 1];
  }
}

/**
 * torchvision `MaskRCNNPredictor(in_channels, dim_reduced, num_classes)`: `conv5_mask` ConvTranspose2d 2×2 stride 2,
 * `relu`, `mask_fcn_logits` 1×1 conv → one mask logit map per class; kaiming-normal (fan_out, relu) weights, biases
 * PyTorch's default. NHWC [K, 14, 14, inChannels] → [K, 28, 28, numClasses]. `inChannels` must equal the mask head's
 * last layer (torchvision's comment `== mask_layers[-1]`), e.g. `new MaskRCNNPredictor(1024, 256, numClasses)` after
 * the head above.
 */
export class MaskRCNNPredictor extends Sequential {
  override typeName(): string {
    return 'MaskRCNNPredictor';
  }
  readonly numClasses: number;

  constructor(inChannels: number, dimReduced: number, numClasses: number) {
    super();
    const up = new ConvTranspose2d(inChannels, dimReduced, 2, { stride: 2 });
    const logits = new Conv2d(dimReduced, numClasses, 1);
    this.registerModule('conv5_mask', up);
    this.registerModule('relu', new ReLU(true));
    this.registerModule('mask_fcn_logits', logits);
    // PyTorch's fan_out of a [in, out, kh, kw] transposed-conv weight is in·kh·kw; of a Conv2d weight out·kh·kw.
    initKaimingNormalFanOut(up.weight, inChannels * 4);
    initKaimingNormalFanOut(logits.weight, numClasses);
    this.numClasses = numClasses;
  }
}
