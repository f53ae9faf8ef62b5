import { InvalidConfigError } from '@det/core';
import { type LoadModelOptions, loadModel, saveModel } from '@det/nn';
import { fcnResnet50, fcnResnet101 } from './fcn-resnet';
import { fcn8s, fcn16s, fcn32s } from './fcn-vgg';
import { pspnet } from './pspnet';
import type { SegmentationModel } from './segmentation-model';

/** config.json of a saved segmentation model folder: enough to rebuild it before loading the weights. */
export interface SegmentationConfig {
  family: 'segmentation';
  arch: 'fcn32s' | 'fcn16s' | 'fcn8s' | 'fcn_resnet50' | 'fcn_resnet101' | 'pspnet';
  /** Classes including background. */
  numClasses: number;
  /** Input side used in training (predict resizes to it). */
  imageSize: number;
  /** PSPNet backbone and output stride. */
  backbone?: 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';
  outputStride?: 8 | 16;
  /** FCN-VGG: VGG16 with BatchNorm. */
  batchNorm?: boolean;
  /** Auxiliary head (FCN-ResNet, PSPNet). */
  auxLoss?: boolean;
  /** Class names in label order, background first. */
  classes?: string[];
}

/** Builds an untrained model from a {@link SegmentationConfig}. */
export function buildSegmentation(config: SegmentationConfig): SegmentationModel {
  if (config?.family !== 'segmentation') throw new InvalidConfigError('not a segmentation config', { field: 'family', expected: 'segmentation', received: config?.family });
  const { numClasses, auxLoss } = config;
  switch (config.arch) {
    case 'fcn32s':
      return fcn32s({ numClasses, batchNorm: config.batchNorm });
    case 'fcn16s':
      return fcn16s({ numClasses, batchNorm: config.batchNorm });
    case 'fcn8s':
      return fcn8s({ numClasses, batchNorm: config.batchNorm });
    case 'fcn_resnet50':
      return fcnResnet50({ numClasses, auxLoss });
    case 'fcn_resnet101':
      return fcnResnet101({ numClasses, auxLoss });
    case 'pspnet':
      return pspnet({ numClasses, backbone: config.backbone, outputStride: config.outputStride, auxLoss });
    default:
      throw new InvalidConfigError('unknown segmentation arch', { field: 'arch', expected: 'fcn32s | fcn16s | fcn8s | fcn_resnet50 | fcn_resnet101 | pspnet', received: config.arch });
  }
}

/** Writes a model folder (config.json + model.safetensors, atomically; see @det/nn `saveModel`). */
export async function saveSegmentation(dir: string, model: SegmentationModel, config: SegmentationConfig): Promise<void> {
  await saveModel(dir, model, { config });
}

/** Loads a folder written by {@link saveSegmentation}. */
export async function loadSegmentation(dir: string, options: LoadModelOptions = {}): Promise<{ model: SegmentationModel; config: SegmentationConfig }> {
  const { module, config } = await loadModel<SegmentationModel, SegmentationConfig>(dir, buildSegmentation, options);
  return { model: module, config };
}
