export { CONFIG_FILE, type LoadedModel, type LoadModelOptions, loadModel, type SaveModelOptions, saveModel, WEIGHTS_FILE } from './checkpoint';
export { freezeExcept, RESNET_TRAINABLE_LAYERS, setTrainableLayers, type TrainableLayersOptions } from './freeze';
export { defaultInit, initRandom, manualSeed, uniform } from './init';
export { Identity, ReLU } from './layers/activation';
export { BatchNorm2d, type BatchNorm2dOptions, FrozenBatchNorm2d, freezeBatchNorm } from './layers/batch-norm';
export { ModuleDict, ModuleList, Sequential } from './layers/containers';
export { Conv2d, type Conv2dOptions } from './layers/conv2d';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './layers/conv-transpose2d';
export { Dropout } from './layers/dropout';
export { Flatten } from './layers/flatten';
export { type InterpolateMode, type InterpolateOptions, interpolate, interpolateSize, Upsample } from './layers/interpolate';
export { L2Norm } from './layers/l2norm';
export { Linear } from './layers/linear';
export { AdaptiveAvgPool2d, type AdaptiveSize, adaptiveBins, MaxPool2d, type MaxPool2dOptions, poolOutputSize } from './layers/pooling';
export type { IntPair } from './layers/util';
export { type AnyModule, Module, type NamedOptions, type SetModuleOptions } from './module';
export { addIndent, pyFloat, pyValue } from './repr';
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type TensorMap,
  writeSafetensors,
} from './safetensors';
export { type LoadStateDictOptions, type LoadStateDictResult, type StateDict, type StateDictSource, toTorchStateDict } from './state-dict';
