import { type ResNet, resnet18, resnet34, resnet50, resnet101 } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, interpolate, Module, ModuleList, ReLU, type Sequential, Sequential as Seq } from '@det/nn';
import { tf } from '@det/tfjs';
import { fcnHead } from './heads';
import { type SegmentationOutput, SegmentationModel } from './segmentation-model';

/**
 * PSPNet's Pyramid Pooling Module: per bin b, AdaptiveAvgPool2d(b) → Conv 1×1 (C → C/len(bins), no bias) → BatchNorm
 * → ReLU → bilinear upsample to the input size; the input and every branch are concatenated:
 * [N, H, W, C] → [N, H, W, 2C] (children `stages.<i>`).
 */
export class PyramidPoolingModule extends Module {
  readonly bins: readonly number[];

  constructor(inChannels: number, bins: readonly number[] = [1, 2, 3, 6]) {
    super();
    if (bins.length === 0 || bins.some((b) => !Number.isInteger(b) || b < 1)) throw new InvalidConfigError('bins must be positive integers', { field: 'bins', received: String(bins) });
    this.bins = [...bins];
    const reduction = Math.floor(inChannels / bins.length);
    this.registerModule(
      'stages',
      new ModuleList(bins.map((b) => new Seq(new AdaptiveAvgPool2d([b, b]), new Conv2d(inChannels, reduction, 1, { bias: false }), new BatchNorm2d(reduction), new ReLU(true)))),
    );
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const size: [number, number] = [x.shape[1] as number, x.shape[2] as number];
      const branches = this.get<ModuleList>('stages')
        .children()
        .map((stage) => interpolate(stage.forward(x) as tf.Tensor, { size, mode: 'bilinear', alignCorners: false }));
      return tf.concat([x, ...branches], 3);
    });
  }

  override extraRepr(): string {
    return `bins=(${this.bins.join(', ')})`;
  }
}

export interface PspnetOptions {
  /** Classes including background (VOC 21). */
  numClasses: number;
  /** Dilated ResNet, output stride 8 (default 'resnet50'; 'resnet18'/'resnet34' dilate their BasicBlocks as MMSegmentation does). */
  backbone?: 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';
  /** Backbone output stride: 8 (default; layer3 and layer4 dilated) or 16 (layer4 dilated; ~4× cheaper). */
  outputStride?: 8 | 16;
  /** Pyramid bins (default [1, 2, 3, 6]). */
  bins?: readonly number[];
  /** Dropout before the classifier (default 0.1). */
  dropout?: number;
  /** Auxiliary FCN head on layer3 (loss weight 0.4 in training). Default true. */
  auxLoss?: boolean;
}

/** Weight of the auxiliary loss in PSPNet training. */
export const PSPNET_AUX_WEIGHT = 0.4;

/**
 * PSPNet (Zhao et al.): dilated ResNet (`backbone`, output stride 8 for ResNet-50/101), `ppm`
 * ({@link PyramidPoolingModule}, 2048 → 4096 channels), `cls` (Conv 3×3 → 512, BN, ReLU, Dropout, Conv 1×1 → C),
 * `aux` (FCN head on layer3: 1024 → 256 → C); head widths are a quarter of their input (512 / 256 for ResNet-50);
 * logits upsampled bilinearly to the input.
 * `forward(x [N, H, W, 3])` → `{ out [N, H, W, C], aux [N, H, W, C] (training mode only) }`.
 */
export class PSPNet extends SegmentationModel {
  override readonly sizeMultiple = 8;
  readonly numClasses: number;

  constructor({ numClasses, backbone = 'resnet50', outputStride = 8, bins = [1, 2, 3, 6], dropout = 0.1, auxLoss = true }: PspnetOptions) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidConfigError('numClasses counts background too: at least 2', { field: 'numClasses', received: numClasses });
    this.numClasses = numClasses;
    const build = { resnet18, resnet34, resnet50, resnet101 }[backbone];
    if (!build) throw new InvalidConfigError('unknown PSPNet backbone', { field: 'backbone', expected: 'resnet18 | resnet34 | resnet50 | resnet101', received: backbone });
    if (outputStride !== 8 && outputStride !== 16) throw new InvalidConfigError('outputStride must be 8 or 16', { field: 'outputStride', received: outputStride });
    const net = build({ includeTop: false, replaceStrideWithDilation: [false, outputStride === 8, true] });
    this.registerModule('backbone', net);
    const [, , layer3, layer4] = net.featureMaps;
    this.registerModule('ppm', new PyramidPoolingModule(layer4.channels, bins));
    const ppmOut = layer4.channels + Math.floor(layer4.channels / bins.length) * bins.length;
    this.registerModule('cls', fcnHead(ppmOut, numClasses, { hidden: layer4.channels >> 2, dropout }));
    if (auxLoss) this.registerModule('aux', fcnHead(layer3.channels, numClasses, { hidden: layer3.channels >> 2, dropout }));
  }

  /** The backbone's output stride (8 for ResNet-50/101). */
  get outputStride(): number {
    return this.get<ResNet>('backbone').featureMaps[3].stride;
  }

  protected run(x: tf.Tensor4D): SegmentationOutput {
    const size: [number, number] = [x.shape[1], x.shape[2]];
    return tf.tidy(() => {
      const [, , layer3, layer4] = this.get<ResNet>('backbone').forwardFeatures(x);
      const up = (t: tf.Tensor) => interpolate(t, { size, mode: 'bilinear', alignCorners: false });
      const out = up(this.get<Sequential>('cls').forward(this.get<PyramidPoolingModule>('ppm').forward(layer4)));
      if (!this.training || !this.has('aux')) return { out };
      return { out, aux: up(this.get<Sequential>('aux').forward(layer3)) };
    });
  }
}

/** PSPNet builder (see {@link PSPNet}). */
export const pspnet = (options: PspnetOptions) => new PSPNet(options);
