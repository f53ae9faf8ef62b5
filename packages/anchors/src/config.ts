import { InvalidConfigError } from '@det/core';

/**
 * SSD default-box configuration, with ssd.pytorch's `PriorBox` semantics (its config keys in brackets).
 * All sizes are in input pixels; the boxes produced are normalised to [0, 1].
 */
export interface DefaultBoxConfig {
  /** Square input side in pixels [`min_dim`], e.g. 300. */
  imageSize: number;
  /** Side of each source feature map [`feature_maps`], e.g. [38, 19, 10, 5, 3, 1]. */
  featureMaps: readonly number[];
  /** Pixels per feature-map cell [`steps`]; box centres are ((j + 0.5) / (imageSize / step)). */
  steps: readonly number[];
  /** Side of the small square box per map, pixels [`min_sizes`]. */
  minSizes: readonly number[];
  /** Per map: adds a square box of side sqrt(min·max) [`max_sizes`]. Omit for no such box. */
  maxSizes?: readonly number[];
  /** Per map: each ratio r adds boxes (s·√r, s/√r) and (s/√r, s·√r) [`aspect_ratios`]. */
  aspectRatios: readonly (readonly number[])[];
  /** Clamp every coordinate to [0, 1] (ssd.pytorch clamps the cx, cy, w, h values) [`clip`]. */
  clip: boolean;
}

function positive(value: unknown, field: string, integer = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new InvalidConfigError(`${field} must be a positive ${integer ? 'integer' : 'number'}`, {
      field,
      expected: integer ? 'an integer > 0' : 'a finite number > 0',
      received: value,
    });
  }
}

function list(value: unknown, field: string, length: number | undefined): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new InvalidConfigError(`${field} must be an array`, { field, expected: 'an array with one entry per feature map', received: value });
  }
  if (length !== undefined && value.length !== length) {
    throw new InvalidConfigError(`${field} has ${value.length} entries but featureMaps has ${length}`, {
      field,
      expected: `${length} entries, one per feature map`,
    });
  }
  return value;
}

/**
 * Throws an {@link InvalidConfigError} naming the field at fault when `config` is not a valid
 * {@link DefaultBoxConfig}: lengths that disagree with `featureMaps`, non-positive sizes/steps/ratios.
 */
export function validateDefaultBoxConfig(config: DefaultBoxConfig): void {
  if (config === null || typeof config !== 'object') {
    throw new InvalidConfigError('config must be an object', { expected: 'a DefaultBoxConfig', received: config });
  }
  positive(config.imageSize, 'imageSize');
  const maps = list(config.featureMaps, 'featureMaps', undefined);
  if (maps.length === 0) throw new InvalidConfigError('featureMaps is empty', { field: 'featureMaps', expected: 'at least one feature map' });
  const n = maps.length;
  maps.forEach((v, k) => positive(v, `featureMaps[${k}]`, true));
  list(config.steps, 'steps', n).forEach((v, k) => positive(v, `steps[${k}]`));
  list(config.minSizes, 'minSizes', n).forEach((v, k) => positive(v, `minSizes[${k}]`));
  if (config.maxSizes !== undefined) list(config.maxSizes, 'maxSizes', n).forEach((v, k) => positive(v, `maxSizes[${k}]`));
  list(config.aspectRatios, 'aspectRatios', n).forEach((ratios, k) => {
    list(ratios, `aspectRatios[${k}]`, undefined).forEach((r, i) => positive(r, `aspectRatios[${k}][${i}]`));
  });
  if (typeof config.clip !== 'boolean') {
    throw new InvalidConfigError('clip must be a boolean', { field: 'clip', expected: 'true or false', received: config.clip });
  }
}
