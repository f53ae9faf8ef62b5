import type { Transform } from '../sample';
import { chance, type Random, uniform } from '../random';

export interface PhotometricOptions {
  /** Contrast factor range (default [0.5, 1.5]). */
  contrast?: [number, number];
  /** Saturation factor range (default [0.5, 1.5]). */
  saturation?: [number, number];
  /** Hue shift in degrees, ± (default 18). */
  hueDelta?: number;
  /** Brightness shift in 0–255 units, ± (default 32). */
  brightnessDelta?: number;
}

const PERMUTATIONS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function scaleAll(data: Float32Array, alpha: number): void {
  for (let i = 0; i < data.length; i++) data[i] = clamp255(data[i] * alpha);
}

/** Saturation × `sat` and hue + `hue` degrees on every pixel, via HSV (OpenCV float convention: H 0–360). */
function adjustHsv(data: Float32Array, sat: number, hue: number): void {
  for (let p = 0; p < data.length; p += 3) {
    const r = data[p];
    const g = data[p + 1];
    const b = data[p + 2];
    const v = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = v - min;
    let s = v > 0 ? delta / v : 0;
    let h = 0;
    if (delta > 0) {
      if (v === r) h = (60 * (g - b)) / delta;
      else if (v === g) h = 120 + (60 * (b - r)) / delta;
      else h = 240 + (60 * (r - g)) / delta;
      if (h < 0) h += 360;
    }
    s = Math.min(1, s * sat);
    h += hue;
    if (h >= 360) h -= 360;
    else if (h < 0) h += 360;
    // HSV → RGB
    const c = v * s;
    const hp = h / 60;
    const x = c * (1 - Math.abs((hp % 2) - 1));
    let r1 = 0;
    let g1 = 0;
    let b1 = 0;
    if (hp < 1) [r1, g1, b1] = [c, x, 0];
    else if (hp < 2) [r1, g1, b1] = [x, c, 0];
    else if (hp < 3) [r1, g1, b1] = [0, c, x];
    else if (hp < 4) [r1, g1, b1] = [0, x, c];
    else if (hp < 5) [r1, g1, b1] = [x, 0, c];
    else [r1, g1, b1] = [c, 0, x];
    const m = v - c;
    data[p] = r1 + m;
    data[p + 1] = g1 + m;
    data[p + 2] = b1 + m;
  }
}

/**
 * ssd.pytorch's `PhotometricDistort`: random brightness, then either (contrast, saturation, hue) or
 * (saturation, hue, contrast), then a random channel permutation ("lighting noise"); each step applies
 * with probability 1/2. Values are clamped to 0–255 after every step (ssd.pytorch lets them overflow).
 * Boxes are untouched.
 */
export function photometricDistort(options: PhotometricOptions = {}): Transform {
  const { contrast = [0.5, 1.5], saturation = [0.5, 1.5], hueDelta = 18, brightnessDelta = 32 } = options;
  return (sample, random: Random) => {
    const data = sample.image.data.slice();
    if (chance(random)) {
      const delta = uniform(random, -brightnessDelta, brightnessDelta);
      for (let i = 0; i < data.length; i++) data[i] = clamp255(data[i] + delta);
    }
    const contrastFirst = chance(random);
    const contrastStep = () => {
      if (chance(random)) scaleAll(data, uniform(random, contrast[0], contrast[1]));
    };
    if (contrastFirst) contrastStep();
    const sat = chance(random) ? uniform(random, saturation[0], saturation[1]) : 1;
    const hue = chance(random) ? uniform(random, -hueDelta, hueDelta) : 0;
    if (sat !== 1 || hue !== 0) adjustHsv(data, sat, hue);
    if (!contrastFirst) contrastStep();
    if (chance(random)) {
      const perm = PERMUTATIONS[Math.floor(random() * PERMUTATIONS.length)];
      for (let p = 0; p < data.length; p += 3) {
        const r = data[p];
        const g = data[p + 1];
        const b = data[p + 2];
        const src = [r, g, b];
        data[p] = src[perm[0]];
        data[p + 1] = src[perm[1]];
        data[p + 2] = src[perm[2]];
      }
    }
    return { ...sample, image: { ...sample.image, data } };
  };
}
