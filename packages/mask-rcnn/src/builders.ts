import { resnet50 } from '@det/backbones';
import { resnetFpnExtractor, validateTrainableLayers } from './backbone-with-fpn';
import { FasterRCNN, type FasterRCNNOptions } from './faster-rcnn';
import { MaskRCNN, type MaskRCNNOptions } from './mask-rcnn';

/** Options of the ResNet-50-FPN builders (torchvision's builder arguments; model keyword arguments as in the class). */
export interface ResnetFpnBuilderOptions {
  /** Classes including background. Default 91 (COCO). */
  numClasses?: number;
  /**
   * Whether pretrained weights will be loaded (torchvision's `weights is not None or weights_backbone is not None`;
   * its default `weights_backbone=IMAGENET1K_V1` makes that true). Default true: FrozenBatchNorm2d in the ResNet and
   * `trainableBackboneLayers` defaults to 3 — the layout of torchvision's COCO checkpoints. false:
   * BatchNorm2d and every layer trainable (a given `trainableBackboneLayers` is ignored with a warning, as torchvision
   * does). No weights are downloaded here: load a state dict by key.
   */
  pretrained?: boolean;
  /** ResNet layers left trainable, counted from layer4 (0–5). Default 3 (pretrained) or 5. */
  trainableBackboneLayers?: number;
}

function backbone({ pretrained = true, trainableBackboneLayers }: ResnetFpnBuilderOptions) {
  const trainable = validateTrainableLayers(pretrained, trainableBackboneLayers, 5, 3);
  return resnetFpnExtractor(resnet50({ includeTop: false, normLayer: pretrained ? 'frozen' : 'batchnorm' }), trainable);
}

/**
 * torchvision `fasterrcnn_resnet50_fpn(weights=None, num_classes=91, trainable_backbone_layers, **kwargs)` with random
 * weights: ResNet-50 (@det/backbones) + FPN + {@link FasterRCNN}.
 */
export function fasterrcnnResnet50Fpn(options: ResnetFpnBuilderOptions & Omit<FasterRCNNOptions, 'numClasses'> = {}): FasterRCNN {
  const { numClasses = 91, pretrained, trainableBackboneLayers, ...rest } = options;
  return new FasterRCNN(backbone({ pretrained, trainableBackboneLayers }), { ...rest, numClasses });
}

/**
 * torchvision `maskrcnn_resnet50_fpn(weights=None, num_classes=91, trainable_backbone_layers, **kwargs)` with random
 * weights: ResNet-50 + FPN + {@link MaskRCNN}. Load torchvision's state dict by key
 * (`model.loadStateDict(dict, { source: 'torchvision' })`); for its COCO_V1 weights also `overwriteEps(model, 0)`.
 */
export function maskrcnnResnet50Fpn(options: ResnetFpnBuilderOptions & Omit<MaskRCNNOptions, 'numClasses'> = {}): MaskRCNN {
  const { numClasses = 91, pretrained, trainableBackboneLayers, ...rest } = options;
  return new MaskRCNN(backbone({ pretrained, trainableBackboneLayers }), { ...rest, numClasses });
}
