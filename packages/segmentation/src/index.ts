export { initBilinear } from './bilinear-init';
export { FCNVgg, type FcnVariant, type FcnVggOptions, fcn8s, fcn16s, fcn32s } from './fcn-vgg';
export { IGNORE_INDEX, type PixelCrossEntropyOptions, pixelCrossEntropy } from './loss';
export { type ClassMap, IMAGENET_MEAN, IMAGENET_STD, type PixelImage, type SegmentationOutput, SegmentationModel } from './segmentation-model';
export { FCN, type FcnResnetOptions, fcnResnet50, fcnResnet101 } from './fcn-resnet';
export { FCNHead, fcnHead } from './heads';
export { PSPNET_AUX_WEIGHT, PSPNet, type PspnetOptions, PyramidPoolingModule, pspnet } from './pspnet';
export { buildSegmentation, loadSegmentation, type SegmentationConfig, saveSegmentation } from './model-folder';
