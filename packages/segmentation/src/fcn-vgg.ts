import { vggLayers } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { Conv2d, ConvTranspose2d, Dropout, MaxPool2d, ReLU, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import { initBilinear } from './bilinear-init';
import { type SegmentationOutput, SegmentationModel } from './segmentation-model';

export type FcnVariant = '32s' | '16s' | '8s';

export interface FcnVggOptions {
  /** Classes including background (VOC 21). */
  numClasses: number;
  /**
   * Width of the fully convolutional fc6 (7×7) / fc7 (1×1) layers after pool5, as in the FCN paper (4096). Default 0:
   * seed 004's simplified FCN, which scores pool5 directly.
   */
  fcChannels?: number;
  /** Upsampling: 'learned' transposed convolutions initialised to bilinear (default), or 'bilinear' (fixed). */
  upsampling?: 'learned' | 'bilinear';
  /** VGG16 with BatchNorm (torchvision `vgg16_bn` features): trains from scratch. Default false. */
  batchNorm?: boolean;
}

/**
 * FCN on VGG16 (Long et al.; seed 004): `features` (torchvision `vgg16().features`, so ImageNet VGG weights load
 * by key), optional `fc` (fc6/fc7), `score_fr` on pool5 (1×1 → C); FCN-16s adds `score_pool4` and 2× upsampling
 * (`upscore2`), FCN-8s also `score_pool3` and `upscore_pool4`; the fused map is upsampled to the input by `upscore`
 * (×32, ×16 or ×8). Input [N, H, W, 3] with H, W multiples of 32 → `out` [N, H, W, C].
 */
export class FCNVgg extends SegmentationModel {
  override readonly sizeMultiple = 32;
  readonly numClasses: number;
  readonly variant: FcnVariant;
  readonly upsampling: 'learned' | 'bilinear';
  /** Indices of the five max-pools in `features`. */
  readonly #pools: number[];

  constructor(variant: FcnVariant, { numClasses, fcChannels = 0, upsampling = 'learned', batchNorm = false }: FcnVggOptions) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidConfigError('numClasses counts background too: at least 2', { field: 'numClasses', received: numClasses });
    if (!['32s', '16s', '8s'].includes(variant)) throw new InvalidConfigError('unknown FCN variant', { field: 'variant', expected: '32s | 16s | 8s', received: variant });
    this.numClasses = numClasses;
    this.variant = variant;
    this.upsampling = upsampling;
    const c = numClasses;
    const features = vggLayers('vgg16', { batchNorm });
    this.#pools = features.flatMap((m, i) => (m instanceof MaxPool2d ? [i] : []));
    this.registerModule('features', new Sequential(...features));
    let top = 512;
    if (fcChannels > 0) {
      this.registerModule(
        'fc',
        new Sequential(new Conv2d(512, fcChannels, 7, { padding: 3 }), new ReLU(true), new Dropout(0.5), new Conv2d(fcChannels, fcChannels, 1), new ReLU(true), new Dropout(0.5)),
      );
      top = fcChannels;
    }
    this.registerModule('score_fr', new Conv2d(top, c, 1));
    const up = (k: number, s: number) => {
      const m = new ConvTranspose2d(c, c, k, { stride: s, padding: (k - s) / 2, bias: false });
      initBilinear(m);
      return m;
    };
    if (variant !== '32s') {
      this.registerModule('score_pool4', new Conv2d(512, c, 1));
      if (upsampling === 'learned') this.registerModule('upscore2', up(4, 2));
    }
    if (variant === '8s') {
      this.registerModule('score_pool3', new Conv2d(256, c, 1));
      if (upsampling === 'learned') this.registerModule('upscore_pool4', up(4, 2));
    }
    const factor = variant === '32s' ? 32 : variant === '16s' ? 16 : 8;
    if (upsampling === 'learned') this.registerModule('upscore', up(2 * factor, factor));
    // Score layers start at zero, as in the FCN reference code: the net starts from "background everywhere" logits.
    for (const name of ['score_fr', 'score_pool4', 'score_pool3']) {
      if (!this.has(name)) continue;
      for (const p of this.get(name).parameters()) {
        const z = tf.zerosLike(p);
        p.assign(z);
        z.dispose();
      }
    }
  }

  protected run(x: tf.Tensor4D): SegmentationOutput {
    const [, h, w] = x.shape;
    const out = tf.tidy(() => {
      const layers = this.get<Sequential>('features').children();
      let t: tf.Tensor = x;
      let pool3: tf.Tensor4D | undefined;
      let pool4: tf.Tensor4D | undefined;
      layers.forEach((layer, i) => {
        t = layer.forward(t) as tf.Tensor;
        if (i === this.#pools[2]) pool3 = t as tf.Tensor4D;
        if (i === this.#pools[3]) pool4 = t as tf.Tensor4D;
      });
      if (this.has('fc')) t = this.get('fc').forward(t) as tf.Tensor;
      let score = this.get('score_fr').forward(t) as tf.Tensor4D;
      const up2 = (s: tf.Tensor4D, name: string, like: tf.Tensor4D) =>
        this.upsampling === 'learned' ? (this.get(name).forward(s) as tf.Tensor4D) : tf.image.resizeBilinear(s, [like.shape[1], like.shape[2]], false, true);
      if (this.variant !== '32s' && pool4) {
        const p4 = this.get('score_pool4').forward(pool4) as tf.Tensor4D;
        score = tf.add(up2(score, 'upscore2', p4), p4) as tf.Tensor4D;
      }
      if (this.variant === '8s' && pool3) {
        const p3 = this.get('score_pool3').forward(pool3) as tf.Tensor4D;
        score = tf.add(up2(score, 'upscore_pool4', p3), p3) as tf.Tensor4D;
      }
      return this.upsampling === 'learned' ? (this.get('upscore').forward(score) as tf.Tensor4D) : tf.image.resizeBilinear(score, [h, w], false, true);
    });
    return { out };
  }
}

/** FCN-32s on VGG16 (see {@link FCNVgg}). */
export const fcn32s = (options: FcnVggOptions) => new FCNVgg('32s', options);
/** FCN-16s on VGG16: pool4 skip. */
export const fcn16s = (options: FcnVggOptions) => new FCNVgg('16s', options);
/** FCN-8s on VGG16: pool4 and pool3 skips. */
export const fcn8s = (options: FcnVggOptions) => new FCNVgg('8s', options);
