import { InvalidConfigError } from '@det/core';
import { type LoadModelOptions, loadModel, saveModel } from '@det/nn';
import { AnchorGenerator } from './anchor-generator';
import { checkResnetFpnOptions, RESNET_NAMES, type ResnetName, type ReturnedLayer, resnetFpnBackbone } from './backbone-with-fpn';
import { FastRCNNPredictor, TwoMLPHead } from './box-head';
import { MaskRCNN } from './mask-rcnn';
import { MaskRCNNHeads, MaskRCNNPredictor } from './mask-head';
import { MultiScaleRoIAlign } from './poolers';

/**
 * config.json of a saved Mask R-CNN folder, and the options of {@link buildMaskRcnn}: a ResNet-FPN Mask R-CNN of any
 * size. The defaults are torchvision's `maskrcnn_resnet50_fpn(weights=None)` (BatchNorm2d, every layer trainable),
 * except `imageSize`.
 */
export interface MaskRcnnConfig {
  family: 'mask-rcnn';
  /** Classes including background. */
  numClasses: number;
  /** ResNet of the backbone. Default 'resnet50'. */
  backbone?: ResnetName;
  /** Images are resized so that their shorter side is this and the longer at most `maxSize` (default: this; torchvision: 800 / 1333). */
  imageSize: number;
  maxSize?: number;
  /** ResNet layers whose outputs feed the FPN (1 = layer1, stride 4 … 4 = layer4, stride 32). Default [1, 2, 3, 4]. */
  returnedLayers?: ReturnedLayer[];
  /** FPN channels. Default 256. */
  fpnChannels?: number;
  /** One anchor size per FPN level, the max-pool level last (returnedLayers.length + 1 sizes). Default 32, 64, … doubling. */
  anchorSizes?: number[];
  /** Anchor aspect ratios (height / width) at every level. Default [0.5, 1, 2]. */
  aspectRatios?: number[];
  /** TwoMLPHead width. Default 1024. */
  representationSize?: number;
  /** Mask head conv widths. Default [256, 256, 256, 256]. */
  maskLayers?: number[];
  /** ResNet norm layer. Default 'batchnorm' (training from scratch); 'frozen' for ImageNet-initialised backbones. */
  normLayer?: 'batchnorm' | 'frozen';
  /** ResNet layers left trainable, 0–5. Default 5. */
  trainableLayers?: number;
  /** RPN top-n before / after NMS, per image (training, testing). Default torchvision's 2000 / 2000, 1000 / 1000. */
  rpnPreNmsTopNTrain?: number;
  rpnPostNmsTopNTrain?: number;
  rpnPreNmsTopNTest?: number;
  rpnPostNmsTopNTest?: number;
  /** RoIs sampled per image for the box head in training. Default 512. */
  boxBatchSizePerImage?: number;
  /** Detections kept per image. Default 100. */
  boxDetectionsPerImg?: number;
  /** Class names in label order, background first. */
  classes?: string[];
}

function positiveInts(values: unknown, field: string, length?: number): void {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => !(Number.isInteger(v) && v > 0)) || (length !== undefined && values.length !== length)) {
    throw new InvalidConfigError(`${field} must be ${length === undefined ? 'a non-empty list' : `a list of ${length}`} of positive integers`, { field, received: values });
  }
}

/**
 * Builds an untrained Mask R-CNN from a {@link MaskRcnnConfig}: {@link resnetFpnBackbone} (a @det/backbones ResNet,
 * FPN of `fpnChannels` on `returnedLayers` + LastLevelMaxPool) → RPN with one anchor size per level → RoI heads (7×7 box and 14×14 mask
 * RoIAlign on the FPN levels, TwoMLPHead, FastRCNNPredictor, MaskRCNNHeads, MaskRCNNPredictor). Module names and
 * state-dict keys are torchvision's.
 */
export function buildMaskRcnn(config: MaskRcnnConfig): MaskRCNN {
  if (config?.family !== 'mask-rcnn') throw new InvalidConfigError('not a Mask R-CNN config', { field: 'family', expected: 'mask-rcnn', received: config?.family });
  const {
    numClasses,
    backbone = 'resnet50',
    imageSize,
    maxSize = imageSize,
    returnedLayers = [1, 2, 3, 4],
    fpnChannels = 256,
    aspectRatios = [0.5, 1, 2],
    representationSize = 1024,
    maskLayers = [256, 256, 256, 256],
    normLayer = 'batchnorm',
    trainableLayers = 5,
  } = config;
  if (!RESNET_NAMES.includes(backbone)) throw new InvalidConfigError('unknown ResNet', { field: 'backbone', expected: RESNET_NAMES.join(', '), received: backbone });
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) throw new InvalidConfigError('numClasses counts background too: an integer ≥ 2', { field: 'numClasses', received: numClasses });
  if (!(Number.isInteger(imageSize) && imageSize >= 32)) throw new InvalidConfigError('imageSize must be an integer ≥ 32', { field: 'imageSize', received: imageSize });
  checkResnetFpnOptions(trainableLayers, returnedLayers);
  const anchorSizes = config.anchorSizes ?? Array.from({ length: returnedLayers.length + 1 }, (_, i) => 32 * 2 ** i);
  positiveInts(anchorSizes, 'anchorSizes', returnedLayers.length + 1);
  positiveInts(maskLayers, 'maskLayers');
  if (!(Number.isInteger(fpnChannels) && fpnChannels > 0)) throw new InvalidConfigError('fpnChannels must be a positive integer', { field: 'fpnChannels', received: fpnChannels });
  const fpn = resnetFpnBackbone(backbone, { trainableLayers, returnedLayers, resnetNormLayer: normLayer, outChannels: fpnChannels });
  const levels = returnedLayers.map((_, i) => String(i));
  const lastMask = maskLayers[maskLayers.length - 1];
  return new MaskRCNN(fpn, {
    minSize: imageSize,
    maxSize,
    rpnAnchorGenerator: new AnchorGenerator(
      anchorSizes.map((s) => [s]),
      anchorSizes.map(() => aspectRatios),
    ),
    rpnPreNmsTopNTrain: config.rpnPreNmsTopNTrain,
    rpnPostNmsTopNTrain: config.rpnPostNmsTopNTrain,
    rpnPreNmsTopNTest: config.rpnPreNmsTopNTest,
    rpnPostNmsTopNTest: config.rpnPostNmsTopNTest,
    boxRoiPool: new MultiScaleRoIAlign(levels, 7, 2),
    boxHead: new TwoMLPHead(fpnChannels * 49, representationSize),
    boxPredictor: new FastRCNNPredictor(representationSize, numClasses),
    boxBatchSizePerImage: config.boxBatchSizePerImage,
    boxDetectionsPerImg: config.boxDetectionsPerImg,
    maskRoiPool: new MultiScaleRoIAlign(levels, 14, 2),
    maskHead: new MaskRCNNHeads(fpnChannels, maskLayers, 1),
    maskPredictor: new MaskRCNNPredictor(lastMask, lastMask, numClasses),
  });
}

/** Writes a Mask R-CNN folder (config.json + model.safetensors, atomically; see @det/nn `saveModel`). */
export async function saveMaskRcnn(dir: string, model: MaskRCNN, config: MaskRcnnConfig): Promise<void> {
  await saveModel(dir, model, { config });
}

/** Loads a folder written by {@link saveMaskRcnn}. */
export async function loadMaskRcnn(dir: string, options: LoadModelOptions = {}): Promise<{ model: MaskRCNN; config: MaskRcnnConfig }> {
  const { module, config } = await loadModel<MaskRCNN, MaskRcnnConfig>(dir, buildMaskRcnn, options);
  return { model: module, config };
}
