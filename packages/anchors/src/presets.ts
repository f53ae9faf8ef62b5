import type { DefaultBoxConfig } from './config';

/** SSD300 on PASCAL VOC (ssd.pytorch `voc` config): 8732 boxes. */
export const SSD300_VOC: Readonly<DefaultBoxConfig> = Object.freeze({
  imageSize: 300,
  featureMaps: [38, 19, 10, 5, 3, 1],
  steps: [8, 16, 32, 64, 100, 300],
  minSizes: [30, 60, 111, 162, 213, 264],
  maxSizes: [60, 111, 162, 213, 264, 315],
  aspectRatios: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
  clip: true,
});

/** SSD300 on COCO (ssd.pytorch `coco` config): smaller min sizes, 8732 boxes. */
export const SSD300_COCO: Readonly<DefaultBoxConfig> = Object.freeze({
  imageSize: 300,
  featureMaps: [38, 19, 10, 5, 3, 1],
  steps: [8, 16, 32, 64, 100, 300],
  minSizes: [21, 45, 99, 153, 207, 261],
  maxSizes: [45, 99, 153, 207, 261, 315],
  aspectRatios: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
  clip: true,
});

/**
 * SSD7 of seed 000 (pytorch-ssd7 `voc_ssd7` config): a 300×300 input, four source maps taken after
 * conv blocks 4–7 (37, 18, 9, 4 cells), 4 boxes per location (s, √(s·s'), ratio 2 and 1/2) → 7160 boxes.
 * The seed's head has 16 = 4×4 loc channels and 84 = 4×21 conf channels per map, which this matches.
 */
export const SSD7: Readonly<DefaultBoxConfig> = Object.freeze({
  imageSize: 300,
  featureMaps: [37, 18, 9, 4],
  steps: [8, 16, 32, 64],
  minSizes: [30, 60, 111, 162],
  maxSizes: [60, 111, 162, 213],
  aspectRatios: [[2], [2], [2], [2]],
  clip: true,
});

/** The presets by name, for CLIs and configs. */
export const DEFAULT_BOX_PRESETS = Object.freeze({ SSD300_VOC, SSD300_COCO, SSD7 }) satisfies Record<
  string,
  Readonly<DefaultBoxConfig>
>;
export type DefaultBoxPresetName = keyof typeof DEFAULT_BOX_PRESETS;
