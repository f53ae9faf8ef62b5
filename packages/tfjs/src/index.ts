import './register-gradients';
import { registerConv2dGradient } from './conv2d-grad';
import { registerMaxPoolGradient } from './max-pool-grad';
import { registerWasmKernels } from './wasm-kernels';

registerConv2dGradient();
registerMaxPoolGradient();
registerWasmKernels();

export * as tf from '@tensorflow/tfjs-core';
export { type BackendName, BACKENDS, initBackend } from './backend';
export { type BatchNormTrainResult, batchNormTrain } from './batch-norm';
export { conv2dFilterGrad, conv2dInputGrad, dilateFilter } from './conv2d-grad';
export { maxPoolGradFirstTap } from './max-pool-grad';
export { type MultiScaleRoiAlignOptions, multiScaleRoiAlign, type RoiAlignOptions, roiAlign } from './roi-align';
export { registerWasmKernels } from './wasm-kernels';
