import { InvalidConfigError } from '@det/core';

/**
 * A learning-rate schedule: the lr of step `step`, where `step` is the number of optimizer steps already taken
 * (0 for the first update), like PyTorch's `last_epoch` counter of a scheduler stepped once per iteration.
 */
export type Schedule = (step: number) => number;

/** Linear warmup, as in torchvision's detection references and MMDetection (`warmup='linear'`). */
export interface WarmupOptions {
  /** Steps of warmup; 0 (default) for none. */
  warmupSteps?: number;
  /** Factor of the lr at step 0, rising linearly to 1 at `warmupSteps`. Default 0.001. */
  warmupFactor?: number;
}

export interface MultiStepOptions extends WarmupOptions {
  /** Steps at which the lr is multiplied by `gamma` (the lr of step `m` is already decayed), ascending. */
  milestones: readonly number[];
  /** Default 0.1. */
  gamma?: number;
}

export interface CosineOptions extends WarmupOptions {
  /** Steps of the half cosine period (PyTorch's `T_max`); the lr stays at `minLr` afterwards. */
  totalSteps: number;
  /** The final lr (`eta_min`). Default 0. */
  minLr?: number;
}

/** A schedule as plain data (for configs and checkpoints): see {@link createSchedule}. */
export type ScheduleConfig =
  | ({ kind: 'constant' } & WarmupOptions)
  | ({ kind: 'multistep' } & MultiStepOptions)
  | ({ kind: 'cosine' } & CosineOptions);

function checkNumber(field: string, v: number, { min = 0, integer = false }: { min?: number; integer?: boolean } = {}): void {
  if (!(Number.isFinite(v) && v >= min && (!integer || Number.isInteger(v)))) {
    throw new InvalidConfigError(`${field} must be ${integer ? 'an integer' : 'a finite number'} >= ${min}`, { field, received: v });
  }
}

/**
 * The warmup multiplier of step `step`: `warmupFactor · (1 − α) + α` with `α = step / warmupSteps` while
 * `step < warmupSteps`, else 1. This is torchvision's `warmup_lr_scheduler` lambda (= `LinearLR(start_factor=
 * warmupFactor, total_iters=warmupSteps)`) and MMDetection's linear warmup (`warmup_ratio` = warmupFactor).
 */
export function warmupFactorAt(step: number, { warmupSteps = 0, warmupFactor = 0.001 }: WarmupOptions = {}): number {
  if (step >= warmupSteps) return 1;
  const alpha = step / warmupSteps;
  return warmupFactor * (1 - alpha) + alpha;
}

function checkWarmup({ warmupSteps = 0, warmupFactor = 0.001 }: WarmupOptions): void {
  checkNumber('warmupSteps', warmupSteps, { integer: true });
  checkNumber('warmupFactor', warmupFactor);
}

/** `schedule` multiplied by the linear warmup factor (the regular lr times the factor, as MMDetection does). */
export function withWarmup(schedule: Schedule, warmup: WarmupOptions = {}): Schedule {
  checkWarmup(warmup);
  if (!warmup.warmupSteps) return schedule;
  return (step) => schedule(step) * warmupFactorAt(step, warmup);
}

/** The same lr at every step (after the optional warmup). */
export function constantLr(lr: number, warmup: WarmupOptions = {}): Schedule {
  checkNumber('lr', lr);
  return withWarmup(() => lr, warmup);
}

/**
 * `lr · gamma^k` with k the number of milestones ≤ step (PyTorch's `MultiStepLR`), after the optional warmup
 * (torchvision's detection recipe: warmup chained with MultiStepLR).
 */
export function multiStepLr(lr: number, { milestones, gamma = 0.1, ...warmup }: MultiStepOptions): Schedule {
  checkNumber('lr', lr);
  checkNumber('gamma', gamma);
  if (!Array.isArray(milestones)) throw new InvalidConfigError('milestones must be an array of steps', { field: 'milestones', received: milestones });
  milestones.forEach((m, i) => {
    if (!(Number.isInteger(m) && m >= 0 && (i === 0 || m >= milestones[i - 1]))) {
      throw new InvalidConfigError('milestones must be ascending integers >= 0', { field: 'milestones', index: i, received: m });
    }
  });
  const ms = [...milestones];
  return withWarmup((step) => {
    let k = 0;
    while (k < ms.length && ms[k] <= step) k++;
    return lr * gamma ** k;
  }, warmup);
}

/**
 * Cosine annealing from `lr` to `minLr` over `totalSteps` (PyTorch's `CosineAnnealingLR` closed form:
 * `minLr + (lr − minLr) · (1 + cos(π · step / totalSteps)) / 2`), then `minLr`; times the optional warmup.
 */
export function cosineLr(lr: number, { totalSteps, minLr = 0, ...warmup }: CosineOptions): Schedule {
  checkNumber('lr', lr);
  checkNumber('totalSteps', totalSteps, { min: 1, integer: true });
  checkNumber('minLr', minLr);
  return withWarmup((step) => {
    if (step >= totalSteps) return minLr;
    return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * step) / totalSteps))) / 2;
  }, warmup);
}

/** Builds a schedule from plain data with base learning rate `lr`. */
export function createSchedule(lr: number, config: ScheduleConfig): Schedule {
  switch (config.kind) {
    case 'constant':
      return constantLr(lr, config);
    case 'multistep':
      return multiStepLr(lr, config);
    case 'cosine':
      return cosineLr(lr, config);
    default:
      throw new InvalidConfigError('unknown schedule kind', { field: 'kind', expected: "'constant', 'multistep' or 'cosine'", received: (config as { kind: unknown }).kind });
  }
}
