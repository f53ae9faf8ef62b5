// Every gradient tfjs-core defines (its register_all_gradients module), which its Node entry point
// (dist/tf-core.node.js) leaves out. Bundled at build time against the peer's public API: see tsup.gradients.ts.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { registerConv2dGradient } from './conv2d-grad';
import { registerDepthwiseGradient } from './depthwise-grad';
import { registerExtraGradients } from './extra-grads';
import { registerMaxPoolGradient } from './max-pool-grad';
import { registerWasmKernels } from './wasm-kernels';

registerConv2dGradient();
registerDepthwiseGradient();
registerExtraGradients();
registerMaxPoolGradient();
registerWasmKernels();

export * as tf from '@tensorflow/tfjs-core';
export { type BackendName, BACKENDS, initBackend } from './backend';
export { type BatchNormTrainResult, batchNormTrain } from './batch-norm';
export { conv2dFilterGrad, conv2dInputGrad, dilateFilter } from './conv2d-grad';
export { depthwiseFilterGrad, depthwiseInputGrad } from './depthwise-grad';
export { maxPoolGradFirstTap } from './max-pool-grad';
export { type MultiScaleRoiAlignOptions, multiScaleRoiAlign, type RoiAlignOptions, roiAlign } from './roi-align';
export { registerWasmKernels } from './wasm-kernels';
export { clearWinogradCache, setWinogradConv2d, WINOGRAD_MAX_FIRST_USE_BYTES, WINOGRAD_MIN_CHANNELS, WINOGRAD_MIN_PIXELS, winogradApplies, winogradConv2d, winogradConv2dEnabled, type WinogradTile, winogradTile, winogradWorthIt } from './winograd';
