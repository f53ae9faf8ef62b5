import * as tf from '@tensorflow/tfjs-core';
import { conv2dFilterGrad, conv2dInputGrad, pair } from './conv2d-grad';
import { depthwiseFilterGrad, depthwiseInputGrad } from './depthwise-grad';
import { leadingAxes, leadingMean } from './reduce';
import { winogradApplies, winogradConv2d, winogradWorthIt } from './winograd';

/**
 * Training kernels that tfjs-backend-wasm 4.22 lacks (or runs slowly), built from its fast kernels
 * (XNNPACK Conv2D, Transpose, ScatterNd, …) through ordinary tfjs ops. A kernel whose kernelFunc runs ops is
 * not recorded on the gradient tape (tfjs stops taping inside kernels), and the tensor it returns becomes the
 * kernel's output.
 */
type KernelImpl = (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.Tensor;

/** Marks kernelFuncs registered by any copy of @det/tfjs (its ESM and CJS builds may both be loaded). */
const MARK = Symbol.for('@det/tfjs.kernel');
const ours = {
  add: (f: tf.KernelFunc) => Object.defineProperty(f, MARK, { value: true }),
  has: (f: tf.KernelFunc) => (f as unknown as Record<symbol, unknown>)[MARK] === true,
};

function kernel(kernelName: string, impl: KernelImpl, fallback?: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    if (fallback && (attrs as { dataFormat?: string }).dataFormat === 'NCHW') return fallback.kernelFunc({ inputs, attrs, backend });
    return tf.tidy(() => impl(inputs, attrs ?? {}));
  };
  ours.add(kernelFunc);
  return { kernelName, backendName: 'wasm', kernelFunc, setupFunc: fallback?.setupFunc, disposeFunc: fallback?.disposeFunc };
}

const tensor = <T extends tf.Tensor>(info: tf.TensorInfo | undefined) => info as T;

function conv2dBackpropFilter(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const x = tensor<tf.Tensor4D>(inputs.x);
  const dy = tensor<tf.Tensor4D>(inputs.dy);
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const filterShape = a.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return conv2dFilterGrad(x, dy, filterShape, pair(a.strides), [1, 1], info.padInfo);
}

function conv2dBackpropInput(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const dy = tensor<tf.Tensor4D>(inputs.dy);
  const filter = tensor<tf.Tensor4D>(inputs.filter);
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const xShape = a.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return conv2dInputGrad(dy, filter, xShape, pair(a.strides), [1, 1], info.padInfo);
}

function depthwiseBackpropInput(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const dy = tensor<tf.Tensor4D>(inputs.dy);
  const filter = tensor<tf.Tensor4D>(inputs.filter);
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const xShape = a.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(xShape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  return depthwiseInputGrad(dy, filter, xShape, pair(a.strides), pair(a.dilations), info.padInfo);
}

function depthwiseBackpropFilter(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const x = tensor<tf.Tensor4D>(inputs.x);
  const dy = tensor<tf.Tensor4D>(inputs.dy);
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const filterShape = a.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  return depthwiseFilterGrad(x, dy, filterShape, pair(a.strides), pair(a.dilations), info.padInfo);
}

/** TF semantics: rows whose segment id is negative or ≥ numSegments are dropped; duplicates add up. */
function unsortedSegmentSum(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const x = tensor<tf.Tensor>(inputs.x);
  const ids = tensor<tf.Tensor>(inputs.segmentIds);
  const numSegments = (attrs as unknown as tf.UnsortedSegmentSumAttrs).numSegments;
  const rows = ids.size;
  const inner = x.shape.slice(ids.rank);
  const flatIds = tf.reshape(ids, [rows]);
  const valid = tf.logicalAnd(tf.greaterEqual(flatIds, 0), tf.less(flatIds, numSegments));
  const safeIds = tf.where(valid, flatIds, tf.zerosLike(flatIds));
  const x2 = tf.reshape(x, [rows, -1]);
  const updates = tf.where(tf.reshape(valid, [rows, 1]), x2, tf.zerosLike(x2));
  const out = tf.scatterND(tf.reshape(safeIds, [rows, 1]), updates, [numSegments, updates.shape[1] as number]);
  return tf.reshape(out, [numSegments, ...inner]);
}

/**
 * Sum/Mean over leading axes (bias gradients, tf.moments over N·H·W) as XNNPACK average poolings; any other
 * reduction goes to the stock kernel.
 */
function leadingReduction(stock: tf.KernelConfig, scaleBySize: boolean): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const x = inputs.x as tf.Tensor;
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const k = x.dtype === 'float32' ? leadingAxes(axes, x.rank) : undefined;
    if (k === undefined) return stock.kernelFunc({ inputs, attrs, backend });
    return tf.tidy(() => {
      const count = x.shape.slice(0, k).reduce((p, v) => p * v, 1);
      const mean = leadingMean(x, k);
      const out = scaleBySize ? tf.mul(mean, count) : mean;
      return keepDims ? tf.reshape(out, [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)]) : out;
    });
  };
  ours.add(kernelFunc);
  return { ...stock, kernelFunc };
}

/**
 * Conv2D that computes 3×3 stride-1 convolutions with enough channels by Winograd F(4×4, 3×3) or F(2×2, 3×3)
 * (see winograd.ts: winogradApplies, winogradWorthIt) and everything else with the stock XNNPACK kernel. Its
 * gradient is Conv2D's, unchanged.
 */
function winogradConv2dKernel(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    const filter = inputs.filter as tf.TensorInfo;
    const a = attrs as unknown as tf.Conv2DAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
      false,
      format,
    );
    if (!winogradApplies(info, x.dtype) || !winogradWorthIt(filter, info)) return stock.kernelFunc({ inputs, attrs, backend });
    return winogradConv2d(x, filter, info);
  };
  ours.add(kernelFunc);
  return { ...stock, kernelFunc };
}

/**
 * Identity that shares the input's buffer (reference-counted), as the cpu backend's does. The stock wasm
 * Identity copies — and tfjs clones every tensor it saves for a gradient, so a training step copied each
 * saved activation once more.
 */
function sharedIdentity(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return stock.kernelFunc({ inputs, attrs, backend });
    (backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  ours.add(kernelFunc);
  return { ...stock, kernelFunc };
}

/**
 * Registers the wasm fills: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput/Filter and
 * UnsortedSegmentSum (missing: the gradients of conv2dTranspose, the fused convolutions and gather need them), and a Conv2DBackpropInput built on XNNPACK Conv2D (the
 * stock one is a slow direct loop), a Conv2D with a Winograd path for 3×3 stride-1 layers, Sum/Mean over
 * leading axes as poolings, and a zero-copy Identity, when
 * tfjs-backend-wasm is loaded. Safe to call more than once; call it again
 * after importing tfjs-backend-wasm (initBackend does).
 */
export function registerWasmKernels(): void {
  const add = (config: tf.KernelConfig) => {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current && ours.has(current.kernelFunc)) return;
    if (current) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  };
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) add(kernel('Conv2DBackpropFilter', conv2dBackpropFilter));
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) add(kernel('UnsortedSegmentSum', unsortedSegmentSum));
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')) add(kernel('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput));
  if (!tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')) add(kernel('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter));
  // Replace the stock kernel only once tfjs-backend-wasm has registered it (otherwise its own import would warn and win).
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stock && !ours.has(stock.kernelFunc)) add(kernel('Conv2DBackpropInput', conv2dBackpropInput, stock));
  for (const [name, scale] of [
    ['Sum', true],
    ['Mean', false],
  ] as const) {
    const config = tf.getKernel(name, 'wasm');
    if (config && !ours.has(config.kernelFunc)) add(leadingReduction(config, scale));
  }
  const conv2d = tf.getKernel('Conv2D', 'wasm');
  if (conv2d && !ours.has(conv2d.kernelFunc)) add(winogradConv2dKernel(conv2d));
  const identity = tf.getKernel('Identity', 'wasm');
  if (identity && !ours.has(identity.kernelFunc)) add(sharedIdentity(identity));
}
