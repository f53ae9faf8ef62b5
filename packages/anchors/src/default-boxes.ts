import { type DefaultBoxConfig, validateDefaultBoxConfig } from './config';

/**
 * Boxes per feature-map location for each source map: 1 (min size) + 1 if maxSizes is set
 * (√(min·max)) + 2 per aspect ratio. The SSD head's conv channels are sized from this
 * (loc: 4·k, conf: classes·k). SSD300_VOC → [4, 6, 6, 6, 4, 4].
 */
export function boxesPerLocation(config: DefaultBoxConfig): number[] {
  validateDefaultBoxConfig(config);
  return config.featureMaps.map((_, k) => 1 + (config.maxSizes ? 1 : 0) + 2 * config.aspectRatios[k].length);
}

/** One source map's share of the default boxes: `count` boxes starting at box index `offset`. */
export interface DefaultBoxLayer {
  featureMap: number;
  boxesPerLocation: number;
  count: number;
  offset: number;
}

/** Per-layer counts and offsets of {@link defaultBoxes}' output, in its order. */
export function defaultBoxLayers(config: DefaultBoxConfig): DefaultBoxLayer[] {
  const perLocation = boxesPerLocation(config);
  let offset = 0;
  return config.featureMaps.map((f, k) => {
    const count = f * f * perLocation[k];
    const layer = { featureMap: f, boxesPerLocation: perLocation[k], count, offset };
    offset += count;
    return layer;
  });
}

/**
 * SSD default boxes (priors), exactly ssd.pytorch's `PriorBox.forward()`: Float32Array [P*4] of centroid
 * boxes (cx, cy, w, h), normalised to [0, 1]. Order: feature map, row, column, then per location the
 * square box s_k, the square √(s_k·s'_k) (when maxSizes is set), then for each aspect ratio r the pair
 * (s_k√r, s_k/√r), (s_k/√r, s_k√r). With `clip`, every value is clamped to [0, 1] as ssd.pytorch does.
 * Invalid configs throw an InvalidConfigError naming the field.
 */
export function defaultBoxes(config: DefaultBoxConfig): Float32Array {
  const layers = defaultBoxLayers(config);
  const total = layers.reduce((sum, l) => sum + l.count, 0);
  const out = new Float32Array(total * 4);
  const { imageSize, steps, minSizes, maxSizes, aspectRatios, clip } = config;
  let p = 0;
  layers.forEach(({ featureMap: f }, k) => {
    const fk = imageSize / steps[k];
    const s = minSizes[k] / imageSize;
    const sPrime = maxSizes ? Math.sqrt(s * (maxSizes[k] / imageSize)) : 0;
    const ratios = aspectRatios[k].map(Math.sqrt);
    for (let i = 0; i < f; i++) {
      const cy = (i + 0.5) / fk;
      for (let j = 0; j < f; j++) {
        const cx = (j + 0.5) / fk;
        out[p++] = cx;
        out[p++] = cy;
        out[p++] = s;
        out[p++] = s;
        if (maxSizes) {
          out[p++] = cx;
          out[p++] = cy;
          out[p++] = sPrime;
          out[p++] = sPrime;
        }
        for (const r of ratios) {
          out[p++] = cx;
          out[p++] = cy;
          out[p++] = s * r;
          out[p++] = s / r;
          out[p++] = cx;
          out[p++] = cy;
          out[p++] = s / r;
          out[p++] = s * r;
        }
      }
    }
  });
  if (clip) {
    for (let q = 0; q < out.length; q++) out[q] = out[q] < 0 ? 0 : out[q] > 1 ? 1 : out[q];
  }
  return out;
}
