import { type AnyModule, Conv2d, MaxPool2d, Module, ModuleList, ReLU, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureExtractor, FeatureSource } from './feature-extractor';
import { kaimingNormalFanOut, xavierInit } from './init';
import { l2NormalizeChannels } from './l2-normalize';
import { vggLayers } from './vgg';

export interface SsdVggOptions {
  /** Add conv12_2 for SSD512 (6 → 7 source maps). Default false (SSD300). */
  highres?: boolean;
  /** Initial value of the conv4_3 L2-normalisation scale. Default 20. */
  scale?: number;
}

const extraBlock = (cin: number, mid: number, cout: number, kernel: number, stride: number, padding: number) =>
  new Sequential(new Conv2d(cin, mid, 1), new ReLU(true), new Conv2d(mid, cout, kernel, { stride, padding }), new ReLU(true));

/**
 * SSD's VGG16 base with its extra layers, module for module torchvision's `SSDFeatureExtractorVGG` (so
 * `ssd300_vgg16` state dicts load by key under `backbone.`):
 * - `features`: VGG16 conv1_1 … conv4_3 + ReLU (`features.0` … `features.22`), pool3 in ceil mode (75 → 38);
 * - `scale_weight` [512]: per-channel scale of the L2-normalised conv4_3 map (SSD's L2Normalization, init 20);
 * - `extra.0`: pool4, conv5_1…conv5_3, then `extra.0.7` = pool5 (3×3/1), conv6 (3×3, dilation 6 → 1024), conv7 (1×1);
 * - `extra.1` … `extra.4`: conv8_2 … conv11_2 (1×1 reduce + 3×3, the first two with stride 2).
 * `forwardFeatures(x [N, 300, 300, 3])` → 6 maps: 38² × 512, 19² × 1024, 10² × 512, 5² × 256, 3² × 256, 1² × 256.
 */
export class SSDFeatureExtractorVGG extends Module<[tf.Tensor], tf.Tensor4D[]> implements FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];

  constructor({ highres = false, scale = 20 }: SsdVggOptions = {}) {
    super();
    const vgg = vggLayers('vgg16', { ceilModePools: [2] });
    const features = new Sequential(...vgg.slice(0, 23));
    kaimingNormalFanOut(features);
    this.registerParameter('scale_weight', tf.fill([512], scale));
    this.registerModule('features', features);
    const fc = new Sequential(
      new MaxPool2d(3, { stride: 1, padding: 1 }),
      new Conv2d(512, 1024, 3, { padding: 6, dilation: 6 }),
      new ReLU(true),
      new Conv2d(1024, 1024, 1),
      new ReLU(true),
    );
    xavierInit(fc);
    const conv5: AnyModule[] = vgg.slice(23, 30);
    const block5 = new Sequential(...conv5, fc);
    kaimingNormalFanOut(new Sequential(...conv5));
    const extras = [extraBlock(1024, 256, 512, 3, 2, 1), extraBlock(512, 128, 256, 3, 2, 1), extraBlock(256, 128, 256, 3, 1, 0), extraBlock(256, 128, 256, 3, 1, 0)];
    if (highres) extras.push(extraBlock(256, 128, 256, 4, 1, 0));
    for (const e of extras) xavierInit(e);
    this.registerModule('extra', new ModuleList([block5, ...extras]));
    const strides = highres ? [8, 16, 32, 64, 128, 256, 512] : [8, 16, 32, 64, 100, 300];
    const channels = [512, 1024, 512, 256, 256, 256, 256];
    this.featureMaps = strides.map((stride, i) => ({ name: i === 0 ? 'features' : `extra.${i - 1}`, channels: channels[i], stride }));
  }

  /** x [N, H, W, 3] → the source maps (conv4_3 L2-normalised and scaled, then each extra block's output). */
  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[] {
    return tf.tidy(() => {
      let h = this.get<Sequential>('features').forward(x) as tf.Tensor4D;
      const out = [tf.mul(l2NormalizeChannels(h), this.getParameter('scale_weight')) as tf.Tensor4D];
      for (const block of this.get<ModuleList>('extra').children()) {
        h = block.forward(h) as tf.Tensor4D;
        out.push(h);
      }
      return out;
    });
  }

  forward(x: tf.Tensor): tf.Tensor4D[] {
    return this.forwardFeatures(x as tf.Tensor4D);
  }
}
