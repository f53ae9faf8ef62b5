import { InvalidConfigError } from '@det/core';

/** Four numbers, one per encoded coordinate (cx, cy, w, h). */
export type Quad = readonly [number, number, number, number];

/**
 * Normalisation of the encoded offsets: target = (offset − mean) / std, per coordinate (cx, cy, w, h).
 * The same thing under other names:
 * - ssd.pytorch `variance` [0.1, 0.2] = stds [0.1, 0.1, 0.2, 0.2] (means 0), see {@link stdsFromVariance};
 * - torchvision `BoxCoder(weights=(10, 10, 5, 5))` = 1 / stds, see {@link stdsFromWeights};
 * - MMDetection `target_means` / `target_stds` = `means` / `stds`;
 * - the seeds' `norm_stds` = `stds`.
 */
export interface CodecOptions {
  /** Subtracted from the raw offsets before dividing by `stds`. Default [0, 0, 0, 0]. */
  means?: Quad;
  /** Divisors of the offsets, all > 0. Default [0.1, 0.1, 0.2, 0.2] (ssd.pytorch variance [0.1, 0.2]). */
  stds?: Quad;
  /**
   * Decoding only: largest log size ratio log(w / prior w) before exp(), so a wild prediction cannot
   * overflow to Infinity. Default log(1000 / 16) ≈ 4.135 (torchvision's `bbox_xform_clip`): a decoded box
   * is at most 62.5× its prior. ssd.pytorch does not clamp; the two agree below that size. At most
   * {@link MAX_CLAMP_LOG_SIZE}.
   */
  clampLogSize?: number;
}

/** Default means: [0, 0, 0, 0]. */
export const DEFAULT_MEANS: Quad = [0, 0, 0, 0];
/** Default stds: [0.1, 0.1, 0.2, 0.2] = ssd.pytorch variance [0.1, 0.2] = torchvision weights (10, 10, 5, 5). */
export const DEFAULT_STDS: Quad = [0.1, 0.1, 0.2, 0.2];
/** Default decoding clamp: log(1000 / 16), torchvision's `bbox_xform_clip`. */
export const DEFAULT_CLAMP_LOG_SIZE = Math.log(1000 / 16);
/** Largest accepted `clampLogSize`: e^60 keeps any float32 prior size finite. */
export const MAX_CLAMP_LOG_SIZE = 60;

/** Codec options with defaults applied and checked. */
export type ResolvedCodecOptions = Required<CodecOptions>;

/**
 * Applies the defaults and checks the options: `means` and `stds` 4 finite numbers each, every std > 0,
 * 0 < clampLogSize ≤ {@link MAX_CLAMP_LOG_SIZE}. Throws InvalidConfigError naming the field.
 */
export function resolveCodecOptions(options: CodecOptions = {}): ResolvedCodecOptions {
  const { means = DEFAULT_MEANS, stds = DEFAULT_STDS, clampLogSize = DEFAULT_CLAMP_LOG_SIZE } = options;
  for (const [name, quad] of [
    ['means', means],
    ['stds', stds],
  ] as const) {
    if (quad == null || quad.length !== 4 || !Array.from(quad).every(Number.isFinite)) {
      throw new InvalidConfigError(`${name} must hold 4 finite numbers`, { field: name, expected: '[cx, cy, w, h]', received: quad });
    }
  }
  stds.forEach((s, k) => {
    if (!(s > 0)) throw new InvalidConfigError('stds must be positive', { field: `stds[${k}]`, expected: '> 0', received: s });
  });
  if (!(clampLogSize > 0 && clampLogSize <= MAX_CLAMP_LOG_SIZE)) {
    throw new InvalidConfigError('clampLogSize out of range', {
      field: 'clampLogSize',
      expected: `a number in (0, ${MAX_CLAMP_LOG_SIZE}]`,
      received: clampLogSize,
    });
  }
  return { means: [means[0], means[1], means[2], means[3]], stds: [stds[0], stds[1], stds[2], stds[3]], clampLogSize };
}

/** ssd.pytorch `variance` [v0, v1] (centre, size) → stds [v0, v0, v1, v1]; e.g. [0.1, 0.2] → [0.1, 0.1, 0.2, 0.2]. */
export function stdsFromVariance(variance: readonly [number, number]): Quad {
  return [variance[0], variance[0], variance[1], variance[1]];
}

/** torchvision `BoxCoder` weights (wx, wy, ww, wh) → stds = 1 / weights; e.g. (10, 10, 5, 5) → [0.1, 0.1, 0.2, 0.2]. */
export function stdsFromWeights(weights: Quad): Quad {
  return [1 / weights[0], 1 / weights[1], 1 / weights[2], 1 / weights[3]];
}
