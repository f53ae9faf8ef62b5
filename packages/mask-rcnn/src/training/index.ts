// Mask R-CNN training targets and losses, as torchvision 0.14 computes them (detection/_utils.py, rpn.py, roi_heads.py).
export { ROI_BOX_WEIGHTS, RPN_BOX_WEIGHTS, encodeMatchedBoxes } from './encode';
export { type FastRcnnLosses, fastrcnnLoss } from './fastrcnn-loss';
export { bceWithLogits, connectedZero, crossEntropy, smoothL1 } from './loss-ops';
export { type GtMasks, type MaskTrainingTargets, maskTargets, maskTrainingTargets, projectMasksOnBoxes } from './mask-targets';
export { maskrcnnLoss } from './maskrcnn-loss';
export { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, iouMatrix, type MatchQualityMatrix, type MatcherOptions, matchProposals } from './matcher';
export { type ConcatenatedRoiSamples, concatRoiSamples, positiveRoiSamples, type RoiSampleOptions, type RoiSamples, type RoiTarget, selectTrainingSamples } from './roi-samples';
export { BOX_LOSS_BETA, type RpnLosses, type RpnLossInputs, rpnLoss } from './rpn-loss';
export {
  ANCHOR_IGNORED,
  ANCHOR_NEGATIVE,
  ANCHOR_POSITIVE,
  type AnchorAssignOptions,
  type AnchorTargets,
  assignTargetsToAnchors,
  type RpnTargetOptions,
  rpnTargets,
} from './rpn-targets';
export { type BalancedSample, type SamplerOptions, sampleBalanced } from './sampler';
export { checkTrainingBoxes } from './validate';
