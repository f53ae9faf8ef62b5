import { InvalidConfigError } from '@det/core';

/** Height and width in pixels. */
export interface Size2D {
  height: number;
  width: number;
}

/**
 * R-CNN / FPN anchor configuration with torchvision `AnchorGenerator` semantics: per level, a set of
 * sizes (pixels) and aspect ratios (height / width).
 * torchvision's default for Faster/Mask R-CNN FPN: sizes [[32], [64], [128], [256], [512]], ratios [[0.5, 1, 2]] × 5.
 */
export interface AnchorGridConfig {
  /** Per level: anchor sizes in pixels (√area). */
  sizes: readonly (readonly number[])[];
  /** Per level: aspect ratios h/w. */
  aspectRatios: readonly (readonly number[])[];
}

/** torchvision's rounding (`torch.round`): halves go to the nearest even integer. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkLevels(config: AnchorGridConfig): void {
  if (!Array.isArray(config.sizes as unknown) || !Array.isArray(config.aspectRatios as unknown)) {
    throw new InvalidConfigError('sizes and aspectRatios must be arrays of per-level arrays', { field: 'sizes', expected: 'number[][]' });
  }
  if (config.sizes.length !== config.aspectRatios.length) {
    throw new InvalidConfigError(`aspectRatios has ${config.aspectRatios.length} levels but sizes has ${config.sizes.length}`, {
      field: 'aspectRatios',
      expected: `${config.sizes.length} levels`,
    });
  }
  const check = (v: unknown, field: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new InvalidConfigError(`${field} must be positive`, { field, expected: 'a finite number > 0', received: v });
    }
  };
  config.sizes.forEach((l, k) => l.forEach((v, i) => check(v, `sizes[${k}][${i}]`)));
  config.aspectRatios.forEach((l, k) => l.forEach((v, i) => check(v, `aspectRatios[${k}][${i}]`)));
}

/** Anchors per location for each level: sizes × ratios (the RPN head's channel count). */
export function anchorsPerLocation(config: AnchorGridConfig): number[] {
  checkLevels(config);
  return config.sizes.map((s, k) => s.length * config.aspectRatios[k].length);
}

/**
 * Zero-centred anchors of one level (torchvision `AnchorGenerator.generate_anchors`): Float32Array
 * [A*4] corner form, pixels, ratio-major then size, rounded half-to-even like torch.round.
 */
export function baseAnchors(sizes: readonly number[], aspectRatios: readonly number[]): Float32Array {
  const out = new Float32Array(sizes.length * aspectRatios.length * 4);
  let p = 0;
  for (const ratio of aspectRatios) {
    const hRatio = Math.fround(Math.sqrt(ratio));
    const wRatio = Math.fround(1 / hRatio);
    for (const size of sizes) {
      const w = Math.fround(wRatio * size);
      const h = Math.fround(hRatio * size);
      out[p++] = roundHalfEven(Math.fround(-w / 2));
      out[p++] = roundHalfEven(Math.fround(-h / 2));
      out[p++] = roundHalfEven(Math.fround(w / 2));
      out[p++] = roundHalfEven(Math.fround(h / 2));
    }
  }
  return out;
}

/**
 * Anchors for every level of an FPN (torchvision `AnchorGenerator.forward` for one image):
 * Float32Array [sum_l(H_l·W_l·A_l) * 4], corner form `xyxy` in input pixels. Order: level, row, column,
 * then the level's base anchors. Each level's stride is `floor(imageSize / featureMapSize)` per axis,
 * and anchor centres sit at (column·strideW, row·strideH), as in torchvision.
 */
export function anchorGrid(config: AnchorGridConfig, imageSize: Size2D, featureMapSizes: readonly Size2D[]): Float32Array {
  checkLevels(config);
  if (featureMapSizes.length !== config.sizes.length) {
    throw new InvalidConfigError(`${featureMapSizes.length} feature maps for ${config.sizes.length} anchor levels`, {
      field: 'featureMapSizes',
      expected: `${config.sizes.length} sizes, one per level`,
    });
  }
  const bases = config.sizes.map((s, k) => baseAnchors(s, config.aspectRatios[k]));
  let total = 0;
  featureMapSizes.forEach((fm, k) => {
    for (const [v, f] of [
      [fm.height, `featureMapSizes[${k}].height`],
      [fm.width, `featureMapSizes[${k}].width`],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new InvalidConfigError('feature map size must be a positive integer', { field: f, received: v });
    }
    total += fm.height * fm.width * (bases[k].length / 4);
  });
  const out = new Float32Array(total * 4);
  let p = 0;
  featureMapSizes.forEach((fm, k) => {
    const strideH = Math.floor(imageSize.height / fm.height);
    const strideW = Math.floor(imageSize.width / fm.width);
    const base = bases[k];
    for (let row = 0; row < fm.height; row++) {
      const sy = row * strideH;
      for (let col = 0; col < fm.width; col++) {
        const sx = col * strideW;
        for (let a = 0; a < base.length; a += 4) {
          out[p++] = sx + base[a];
          out[p++] = sy + base[a + 1];
          out[p++] = sx + base[a + 2];
          out[p++] = sy + base[a + 3];
        }
      }
    }
  });
  return out;
}
