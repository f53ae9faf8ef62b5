import { InvalidConfigError } from '@det/core';

/** Four numbers, one per encoded coordinate (cx, cy, w, h). */
export type Quad = readonly [number, number, number, number];

/**
 * Normalisation of the encoded offsets: target = (offset − mean) / std.
 * The same thing under other names: ssd.pytorch `variance` [0.1, 0.2] = stds [0.1, 0.1, 0.2, 0.2];
 * torchvision `BoxCoder(weights=(10, 10, 5, 5))` = 1 / stds; MMDetection `target_means` / `target_stds`
 * = means / stds; the seeds' `norm_stds` = stds.
 */
export interface CodecOptions {
  /** Default [0, 0, 0, 0]. */
  means?: Quad;
  /** Default [0.1, 0.1, 0.2, 0.2] (ssd.pytorch variance [0.1, 0.2]). */
  stds?: Quad;
  /**
   * Largest decoded log size ratio, so exp() cannot overflow (default log(1000 / 16) ≈ 4.135, torchvision's
   * `bbox_xform_clip`; ssd.pytorch has no clamp, which only differs for boxes > 62× their prior).
   */
  clampLogSize?: number;
}

export const DEFAULT_MEANS: Quad = [0, 0, 0, 0];
export const DEFAULT_STDS: Quad = [0.1, 0.1, 0.2, 0.2];
export const DEFAULT_CLAMP_LOG_SIZE = Math.log(1000 / 16);

/** Options with defaults applied and checked (stds > 0, everything finite). */
export function resolveCodecOptions(options: CodecOptions = {}): Required<CodecOptions> {
  const { means = DEFAULT_MEANS, stds = DEFAULT_STDS, clampLogSize = DEFAULT_CLAMP_LOG_SIZE } = options;
  for (const [name, quad] of [
    ['means', means],
    ['stds', stds],
  ] as const) {
    if (quad.length !== 4 || !quad.every(Number.isFinite)) {
      throw new InvalidConfigError(`${name} must hold 4 finite numbers`, { field: name, expected: '[cx, cy, w, h]', received: quad });
    }
  }
  stds.forEach((s, k) => {
    if (!(s > 0)) throw new InvalidConfigError('stds must be positive', { field: `stds[${k}]`, expected: '> 0', received: s });
  });
  if (!(clampLogSize > 0)) throw new InvalidConfigError('clampLogSize must be positive', { field: 'clampLogSize', received: clampLogSize });
  return { means, stds, clampLogSize };
}

/**
 * ssd.pytorch `variance` [v0, v1] → stds [v0, v0, v1, v1]. torchvision `weights` (wx, wy, ww, wh) →
 * use {@link stdsFromWeights}.
 */
export function stdsFromVariance(variance: readonly [number, number]): Quad {
  return [variance[0], variance[0], variance[1], variance[1]];
}

/** torchvision `BoxCoder` weights (wx, wy, ww, wh), e.g. (10, 10, 5, 5) → stds (0.1, 0.1, 0.2, 0.2). */
export function stdsFromWeights(weights: Quad): Quad {
  return [1 / weights[0], 1 / weights[1], 1 / weights[2], 1 / weights[3]];
}
