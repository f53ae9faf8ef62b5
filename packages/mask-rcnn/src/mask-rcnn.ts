import { InvalidConfigError } from '@det/core';
import type { AnyModule } from '@det/nn';
import { FasterRCNN, type FasterRCNNOptions } from './faster-rcnn';
import type { RcnnBackbone } from './generalized-rcnn';
import { MaskRCNNHeads, MaskRCNNPredictor } from './mask-head';
import { MultiScaleRoIAlign } from './poolers';

/** {@link FasterRCNNOptions} plus torchvision `MaskRCNN`'s mask keyword arguments. */
export interface MaskRCNNOptions extends FasterRCNNOptions {
  /** Default `MultiScaleRoIAlign(['0','1','2','3'], 14, 2)`. */
  maskRoiPool?: MultiScaleRoIAlign;
  /** Default `MaskRCNNHeads(outChannels, [256, 256, 256, 256], 1)`. */
  maskHead?: AnyModule;
  /** Default `MaskRCNNPredictor(256, 256, numClasses)`; give numClasses or this, not both. */
  maskPredictor?: AnyModule;
}

/**
 * torchvision `MaskRCNN`: {@link FasterRCNN} whose `roi_heads` also holds `mask_roi_pool`, `mask_head` and
 * `mask_predictor`. Evaluation `forward(images)` → detections with `masks` (binary, at each original image's size;
 * probabilities on request).
 */
export class MaskRCNN extends FasterRCNN {
  static override readonly torchName: string = 'MaskRCNN';

  constructor(backbone: RcnnBackbone, options: MaskRCNNOptions = {}) {
    const { maskRoiPool, maskHead, maskPredictor, ...rest } = options;
    if (rest.numClasses !== undefined && maskPredictor !== undefined) {
      throw new InvalidConfigError('num_classes should be None when mask_predictor is specified', { field: 'numClasses' });
    }
    super(backbone, rest);
    const out = backbone.outChannels;
    const roi = this.roiHeads;
    roi.registerModule('mask_roi_pool', maskRoiPool ?? new MultiScaleRoIAlign(['0', '1', '2', '3'], 14, 2));
    roi.registerModule('mask_head', maskHead ?? new MaskRCNNHeads(out, [256, 256, 256, 256], 1));
    if (maskPredictor === undefined && rest.numClasses === undefined) {
      throw new InvalidConfigError('numClasses or maskPredictor is required', { field: 'maskPredictor' });
    }
    roi.registerModule('mask_predictor', maskPredictor ?? new MaskRCNNPredictor(256, 256, rest.numClasses as number));
  }
}
