export { fromSsdPytorch, ssdPytorchKey } from './ssd-pytorch-keys';
export { ssd, ssd7, ssd7DefaultBoxes, ssd300Vgg16 } from './builders';
export { mineHardNegatives } from './hard-negatives';
export { SSDHead, SSDScoringHead } from './head';
export { type MultiBoxLossOptions, type MultiBoxLossResult, multiBoxLoss } from './multibox-loss';
export { type InputNormalization, type PixelImage, preprocessImages } from './preprocess';
export { IMAGENET_NORMALIZATION, type PredictOptions, SSD, type SsdOptions, type SsdOutput, type SsdTruth } from './ssd';
export { BackboneWithExtras, extraBlock, type SsdBackbone, type WithExtrasOptions } from './with-extras';
export { buildSsd, loadSsd, type SsdConfig, saveSsd } from './model-folder';
