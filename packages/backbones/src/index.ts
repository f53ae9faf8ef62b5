export type { FeatureExtractor, FeatureSource } from './feature-extractor';
export { kaimingNormalFanOut, xavierInit } from './init';
export { l2NormalizeChannels } from './l2-normalize';
export { SSD7_CHANNELS, SSD7_SOURCE_BLOCKS, SSD7Base, type Ssd7BaseOptions } from './ssd7-base';
export { SSDFeatureExtractorVGG, type SsdVggOptions } from './ssd-vgg';
export { VGG_CONFIGS, type VggFeaturesOptions, type VggName, vggFeatures, vggLayers } from './vgg';
export { BasicBlock, Bottleneck, type NormLayer, ResNet, type ResNetOptions, resnet18, resnet34, resnet50, resnet101 } from './torchvision-resnet';
export { Conv2dNormActivation, InvertedResidual, MobileNetV2, type MobileNetV2Options, mobilenetV2, ReLU6 } from './mobilenet-v2';
