import './register-gradients';
import { registerConv2dGradient } from './conv2d-grad';

registerConv2dGradient();

export * as tf from '@tensorflow/tfjs-core';
export { type BackendName, BACKENDS, initBackend } from './backend';
export { type BatchNormTrainResult, batchNormTrain } from './batch-norm';
export { conv2dFilterGrad, dilateFilter } from './conv2d-grad';
export { maxPool2x2 } from './max-pool';
export { type MultiScaleRoiAlignOptions, multiScaleRoiAlign, type RoiAlignOptions, roiAlign } from './roi-align';
