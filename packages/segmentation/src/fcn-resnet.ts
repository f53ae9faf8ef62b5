import { type ResNet, resnet50, resnet101 } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { interpolate, type Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import { fcnHead } from './heads';
import { type SegmentationOutput, SegmentationModel } from './segmentation-model';

export interface FcnResnetOptions {
  /** Classes including background (VOC 21). */
  numClasses: number;
  /** Auxiliary FCNHead on layer3 (torchvision `aux_loss`). Default false. */
  auxLoss?: boolean;
}

/**
 * torchvision `FCN` on a dilated ResNet (output stride 8): `backbone` (ResNet without avgpool/fc, layer3 and layer4
 * dilated), `classifier` = FCNHead(2048, C) on layer4, `aux_classifier` = FCNHead(1024, C) on layer3; both upsampled
 * bilinearly (align_corners = false) to the input. State dicts of torchvision's `fcn_resnet50/101` load by key.
 * `forward(x [N, H, W, 3])` → `{ out [N, H, W, C], aux? }` (aux whenever the head exists, as torchvision).
 */
export class FCN extends SegmentationModel {
  override readonly sizeMultiple = 8;
  readonly numClasses: number;

  constructor(backbone: ResNet, { numClasses, auxLoss = false }: FcnResnetOptions) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidConfigError('numClasses counts background too: at least 2', { field: 'numClasses', received: numClasses });
    this.numClasses = numClasses;
    this.registerModule('backbone', backbone);
    const [, , layer3, layer4] = backbone.featureMaps;
    this.registerModule('classifier', fcnHead(layer4.channels, numClasses));
    if (auxLoss) this.registerModule('aux_classifier', fcnHead(layer3.channels, numClasses));
  }

  protected run(x: tf.Tensor4D): SegmentationOutput {
    const size: [number, number] = [x.shape[1], x.shape[2]];
    return tf.tidy(() => {
      const [, , layer3, layer4] = this.get<ResNet>('backbone').forwardFeatures(x);
      const up = (t: tf.Tensor) => interpolate(t, { size, mode: 'bilinear', alignCorners: false });
      const out = up(this.get<Sequential>('classifier').forward(layer4));
      if (!this.has('aux_classifier')) return { out };
      return { out, aux: up(this.get<Sequential>('aux_classifier').forward(layer3)) };
    });
  }
}

const dilated = [false, true, true] as const;
/** torchvision `fcn_resnet50(num_classes, aux_loss)` (random weights; load torchvision's by key). */
export const fcnResnet50 = (options: FcnResnetOptions) => new FCN(resnet50({ includeTop: false, replaceStrideWithDilation: dilated }), options);
/** torchvision `fcn_resnet101(num_classes, aux_loss)`. */
export const fcnResnet101 = (options: FcnResnetOptions) => new FCN(resnet101({ includeTop: false, replaceStrideWithDilation: dilated }), options);
