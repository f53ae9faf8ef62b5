import { BatchNorm2d, Conv2d, FrozenBatchNorm2d, ReLU, Sequential } from '@det/nn';

/** Normalisation after a convolution: BatchNorm2d, FrozenBatchNorm2d, or none (null). */
export type NormLayerKind = 'batchnorm' | 'frozen' | null;

export interface Conv2dNormActivationOptions {
  /** Default 3. */
  kernelSize?: number;
  /** Default 1. */
  stride?: number;
  /** Default (kernelSize − 1) / 2 · dilation ("same" for odd kernels at stride 1). */
  padding?: number;
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  dilation?: number;
  /** Default 'batchnorm'; the detection heads use null. */
  normLayer?: NormLayerKind;
  /** ReLU (inplace, as torchvision prints it) or none. Default 'relu'. */
  activation?: 'relu' | null;
  /** Convolution bias. Default: only without a norm layer (torchvision's `bias=None`). */
  bias?: boolean;
}

/**
 * torchvision `ops.misc.Conv2dNormActivation`: a Sequential of Conv2d, then the norm layer and the activation when
 * present, children named '0', '1', '2' — the block inside torchvision's FPN (`inner_blocks.i.0`, `layer_blocks.i.0`),
 * RPN head (`conv.0.0`) and Mask R-CNN heads (`mask_head.i.0`). NHWC in and out.
 */
export class Conv2dNormActivation extends Sequential {
  override typeName(): string {
    return 'Conv2dNormActivation';
  }

  constructor(inChannels: number, outChannels: number, options: Conv2dNormActivationOptions = {}) {
    const { kernelSize = 3, stride = 1, groups = 1, dilation = 1, normLayer = 'batchnorm', activation = 'relu' } = options;
    const padding = options.padding ?? ((kernelSize - 1) >> 1) * dilation;
    const bias = options.bias ?? normLayer === null;
    super(new Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias }));
    if (normLayer === 'batchnorm') this.append(new BatchNorm2d(outChannels));
    else if (normLayer === 'frozen') this.append(new FrozenBatchNorm2d(outChannels));
    if (activation === 'relu') this.append(new ReLU(true));
  }

  /** The convolution (child '0'). */
  get conv(): Conv2d {
    return this.at<Conv2d>(0);
  }
}
