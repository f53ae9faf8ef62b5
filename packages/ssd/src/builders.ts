import { type DefaultBoxConfig, SSD7 as SSD7_PRESET, SSD300_VOC } from '@det/anchors';
import { type FeatureExtractor, SSD7Base, type Ssd7BaseOptions, SSDFeatureExtractorVGG } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { type AnyModule, Conv2d, uniform } from '@det/nn';
import { tf } from '@det/tfjs';
import { SSD, type SsdOptions } from './ssd';
import { BackboneWithExtras, type WithExtrasOptions } from './with-extras';

type Common = Omit<SsdOptions, 'backbone' | 'defaultBoxes'>;

/**
 * SSD300 on VGG16 (torchvision `ssd300_vgg16` module tree; ssd.pytorch's default boxes by default):
 * `numClasses` with background (VOC 21). Input [N, 300, 300, 3]; 8732 default boxes.
 */
export function ssd300Vgg16(options: Common & { defaultBoxes?: DefaultBoxConfig }): SSD {
  return new SSD({ ...options, backbone: new SSDFeatureExtractorVGG(), defaultBoxes: options.defaultBoxes ?? SSD300_VOC });
}

/**
 * SSD7's default boxes for a square input of `imageSize` (divisible by 8 to keep the 4 maps' grid aligned
 * with the base net's pools): seed 000's `voc_ssd7` sizes (30, 60, 111, 162 px; max 60 … 213 px at 300) scaled
 * by imageSize / 300, maps ⌊S/8⌋, ⌊S/16⌋, ⌊S/32⌋, ⌊S/64⌋ (each pool floors), steps 8 … 64.
 */
export function ssd7DefaultBoxes(imageSize: number): DefaultBoxConfig {
  if (!Number.isInteger(imageSize) || imageSize < 64) {
    throw new InvalidConfigError('SSD7 needs a square input of at least 64 px', { field: 'imageSize', expected: 'an integer ≥ 64', received: imageSize });
  }
  if (imageSize === SSD7_PRESET.imageSize) return SSD7_PRESET;
  const scale = imageSize / SSD7_PRESET.imageSize;
  const maps: number[] = [];
  let s = imageSize;
  for (let b = 1; b <= 7; b++) {
    if (b >= 4) maps.push(s);
    s = Math.floor(s / 2);
  }
  return {
    imageSize,
    featureMaps: maps,
    steps: maps.map((m) => imageSize / m),
    minSizes: SSD7_PRESET.minSizes.map((v) => v * scale),
    maxSizes: (SSD7_PRESET.maxSizes ?? []).map((v) => v * scale),
    aspectRatios: SSD7_PRESET.aspectRatios,
    clip: true,
  };
}

/**
 * SSD7 of seed 000: the 7-block base net (`backbone.0` … `backbone.26`) with 4 source maps and 4 default boxes
 * per location. `numClasses` with background; `imageSize` default 300 (the `SSD7` preset). Trains from scratch.
 */
export function ssd7(options: Common & { imageSize?: number; base?: Ssd7BaseOptions; defaultBoxes?: DefaultBoxConfig }): SSD {
  const { imageSize = 300, base, defaultBoxes, ...rest } = options;
  const model = new SSD({ ...rest, backbone: new SSD7Base(base), defaultBoxes: defaultBoxes ?? ssd7DefaultBoxes(imageSize) });
  initSsd7(model);
  return model;
}

/** SSD7 initialisation: He-uniform conv weights (U(±√(6/fanIn)), the Keras SSD7's He init) and zero biases. */
function initSsd7(model: SSD): void {
  for (const m of model.modules()) {
    if (!(m instanceof Conv2d)) continue;
    const [kh, kw, cin] = m.weight.shape;
    const w = uniform(m.weight.shape, Math.sqrt(6 / (kh * kw * cin)));
    m.weight.assign(w);
    w.dispose();
    if (m.bias) {
      const z = tf.zerosLike(m.bias);
      m.bias.assign(z);
      z.dispose();
    }
  }
}

/**
 * SSD on any base net ("swap the base net", seed 000): `backbone` is a module with `featureMaps` and
 * `forwardFeatures` (e.g. `resnet34({ includeTop: false })` from @det/backbones); `sources` picks its maps,
 * `extras` appends SSD extra blocks by output channels; `defaultBoxes` must list one map per source + extra.
 */
export function ssd(options: Common & WithExtrasOptions & { backbone: AnyModule & FeatureExtractor; defaultBoxes: DefaultBoxConfig }): SSD {
  const { backbone, sources, extras, ...rest } = options;
  const wrapped = sources === undefined && (extras === undefined || extras.length === 0) ? backbone : new BackboneWithExtras(backbone, { sources, extras });
  return new SSD({ ...rest, backbone: wrapped });
}
