export { AnchorGenerator, defaultAnchorGenerator, type HW } from './anchor-generator';
export {
  BackboneWithFPN,
  type ResnetFpnBackboneOptions,
  type ResnetFpnExtractorOptions,
  type ResnetName,
  RESNET_NAMES,
  type ReturnedLayer,
  resnetFpnBackbone,
  resnetFpnExtractor,
  validateTrainableLayers,
} from './backbone-with-fpn';
export { BBOX_XFORM_CLIP, BoxCoder, type BoxCoderWeights } from './box-coder';
export { FastRCNNPredictor, TwoMLPHead } from './box-head';
export { clipBoxesToImage, removeSmallBoxes } from './box-ops';
export { fasterrcnnResnet50Fpn, maskrcnnResnet50Fpn, type ResnetFpnBuilderOptions } from './builders';
export { Conv2dNormActivation, type Conv2dNormActivationOptions, type NormLayerKind } from './conv-norm-activation';
export { FasterRCNN, type FasterRCNNOptions } from './faster-rcnn';
export type { FeatureDict } from './feature-dict';
export { ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool, LastLevelP6P7 } from './feature-pyramid-network';
export { type DetectOptions, GeneralizedRCNN, type RcnnBackbone } from './generalized-rcnn';
export type { ImageList } from './image-list';
export type { RcnnImage, RcnnImages, RcnnPixels } from './images';
export { IntermediateLayerGetter } from './intermediate-layer-getter';
export { upgradeTorchvisionKeys } from './legacy-keys';
export { MaskRCNNHeads, MaskRCNNPredictor } from './mask-head';
export { MaskRCNN, type MaskRCNNOptions } from './mask-rcnn';
export { buildMaskRcnn, loadMaskRcnn, type MaskRcnnConfig, saveMaskRcnn } from './model-folder';
export { overwriteEps } from './overwrite-eps';
export { expandBoxes, pasteMasksInImage, thresholdMasks } from './paste-masks';
export { inferScale, MultiScaleRoIAlign, type MultiScaleRoIAlignOptions } from './poolers';
export { DETECTION_MIN_SIZE, RoIHeads, type RoIDetections, type RoIHeadsOptions } from './roi-heads';
export { type Proposals, RegionProposalNetwork, type RegionProposalNetworkOptions, RPN_MIN_SIZE, type RpnHeadOutputs, type TrainTest } from './rpn';
export { checkRcnnTargets, type RcnnLossOptions, type RcnnLossOutput, type RcnnLossParts, rcnnLoss } from './rcnn-loss';
export { RPNHead } from './rpn-head';
export {
  GeneralizedRCNNTransform,
  type GeneralizedRCNNTransformOptions,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type PostprocessOptions,
  type RcnnDetections,
  type RcnnTarget,
  resizeBoxes,
} from './transform';
export * from './training';
export { type InstanceIndexMask, type InstanceTargetsOptions, instanceTargetsFromVoc, type VocObjects } from './voc-targets';
