import { type AnyModule, BatchNorm2d, Conv2d, Dropout, Linear, Module, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureExtractor, FeatureSource } from './feature-extractor';
import { kaimingNormalFanOut } from './init';

/** min(max(x, 0), 6), PyTorch `nn.ReLU6`. */
export class ReLU6 extends Module {
  static override readonly torchName = 'ReLU6';
  constructor(readonly inplace = false) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu6(x);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** torchvision `Conv2dNormActivation`: Conv2d (no bias, padding (k−1)/2) → BatchNorm2d → ReLU6. */
export class Conv2dNormActivation extends Sequential {
  constructor(inChannels: number, outChannels: number, { kernelSize = 3, stride = 1, groups = 1 }: { kernelSize?: number; stride?: number; groups?: number } = {}) {
    super(new Conv2d(inChannels, outChannels, kernelSize, { stride, padding: (kernelSize - 1) >> 1, groups, bias: false }), new BatchNorm2d(outChannels), new ReLU6(true));
  }

  override typeName(): string {
    return 'Conv2dNormActivation';
  }
}

/** torchvision `InvertedResidual`: 1×1 expand (t ≠ 1), 3×3 depthwise (stride), 1×1 linear projection; residual when shapes allow. */
export class InvertedResidual extends Module {
  readonly useResConnect: boolean;

  constructor(inp: number, oup: number, stride: number, expandRatio: number) {
    super();
    const hidden = Math.round(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: AnyModule[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1 }));
    layers.push(new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden }), new Conv2d(hidden, oup, 1, { bias: false }), new BatchNorm2d(oup));
    this.registerModule('conv', new Sequential(...layers));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = this.get('conv').forward(x) as tf.Tensor;
      return this.useResConnect ? tf.add(x, y) : y;
    });
  }
}

/** torchvision `_make_divisible`. */
function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

export interface MobileNetV2Options {
  numClasses?: number;
  /** Channel multiplier (default 1.0). */
  widthMult?: number;
  /** Keep `classifier` (Dropout 0.2 + Linear). Default true. */
  includeTop?: boolean;
}

/** [expansion t, channels c, repeats n, first stride s] of torchvision's MobileNetV2. */
const SETTING: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/**
 * torchvision `MobileNetV2` with its module names (`features.0` … `features.18`, `classifier`), so its state dicts
 * load by key. Maps: `features.6` (32 ch, stride 8), `features.13` (96, 16), `features.18` (1280, 32) at width 1.0.
 */
export class MobileNetV2 extends Module<[tf.Tensor], tf.Tensor> implements FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];
  readonly includeTop: boolean;

  constructor({ numClasses = 1000, widthMult = 1, includeTop = true }: MobileNetV2Options = {}) {
    super();
    this.includeTop = includeTop;
    let inputChannel = makeDivisible(32 * widthMult);
    const lastChannel = makeDivisible(1280 * Math.max(1, widthMult));
    const features: AnyModule[] = [new Conv2dNormActivation(3, inputChannel, { stride: 2 })];
    const channelsAt: number[] = [inputChannel];
    const strideAt: number[] = [2];
    let stride = 2;
    for (const [t, c, n, s] of SETTING) {
      const out = makeDivisible(c * widthMult);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(inputChannel, out, i === 0 ? s : 1, t));
        if (i === 0) stride *= s;
        inputChannel = out;
        channelsAt.push(out);
        strideAt.push(stride);
      }
    }
    features.push(new Conv2dNormActivation(inputChannel, lastChannel, { kernelSize: 1 }));
    channelsAt.push(lastChannel);
    strideAt.push(stride);
    this.registerModule('features', new Sequential(...features));
    if (includeTop) this.registerModule('classifier', new Sequential(new Dropout(0.2), new Linear(lastChannel, numClasses)));
    kaimingNormalFanOut(this);
    if (includeTop) {
      const fc = this.get<Linear>('classifier.1');
      const w = tf.tidy(() => tf.mul(tf.randomNormal(fc.weight.shape, 0, 1, 'float32', 0), 0.01));
      fc.weight.assign(w);
      w.dispose();
      const b = fc.bias;
      if (b) {
        const z = tf.zerosLike(b);
        b.assign(z);
        z.dispose();
      }
    }
    this.featureMaps = [6, 13, 18].map((i) => ({ name: `features.${i}`, channels: channelsAt[i], stride: strideAt[i] }));
  }

  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[] {
    return tf.tidy(() => {
      const out: tf.Tensor4D[] = [];
      let h: tf.Tensor = x;
      this.get<Sequential>('features')
        .children()
        .forEach((m, i) => {
          h = m.forward(h) as tf.Tensor;
          if (i === 6 || i === 13 || i === 18) out.push(h as tf.Tensor4D);
        });
      return out;
    });
  }

  /** Logits [N, numClasses] with the top, else the last map. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const last = this.forwardFeatures(x as tf.Tensor4D)[2];
      if (!this.includeTop) return last;
      return this.get('classifier').forward(tf.mean(last, [1, 2]));
    });
  }
}

export const mobilenetV2 = (options: MobileNetV2Options = {}) => new MobileNetV2(options);
