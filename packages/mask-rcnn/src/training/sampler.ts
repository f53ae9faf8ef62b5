import { InvalidConfigError, type Random } from '@det/core';

export interface SamplerOptions {
  /** Elements kept per image (torchvision `batch_size_per_image`: RPN 256, RoI heads 512). */
  batchSize: number;
  /** Largest share of positives (torchvision `positive_fraction`: RPN 0.5, RoI heads 0.25). */
  positiveFraction: number;
  /** Uniform [0, 1) source for the random choice (default Math.random); pass a seeded one (@det/core `createRandom`) for reproducible runs. */
  random?: Random;
}

/** The chosen elements of one image: indices into its labels, ascending. */
export interface BalancedSample {
  positive: Int32Array;
  negative: Int32Array;
}

/**
 * torchvision `BalancedPositiveNegativeSampler(batchSize, positiveFraction)` for one image. `labels` [N]: ≥ 1 positive,
 * 0 negative (background), anything else (−1) ignored. Keeps min(#positives, ⌊batchSize·positiveFraction⌋) positives and
 * min(#negatives, batchSize − kept positives) negatives, each chosen uniformly without replacement (torchvision uses
 * `randperm`: same counts and distribution, not the same draws).
 */
export function sampleBalanced(labels: ArrayLike<number>, options: SamplerOptions): BalancedSample {
  const { batchSize, positiveFraction, random = Math.random } = options;
  if (!(Number.isInteger(batchSize) && batchSize >= 0)) {
    throw new InvalidConfigError('batchSize must be a non-negative integer', { field: 'batchSize', expected: 'an integer ≥ 0', received: batchSize });
  }
  if (!(positiveFraction >= 0 && positiveFraction <= 1)) {
    throw new InvalidConfigError('positiveFraction must be in [0, 1]', { field: 'positiveFraction', expected: 'a number in [0, 1]', received: positiveFraction });
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 1) positives.push(i);
    else if (labels[i] === 0) negatives.push(i);
  }
  const numPos = Math.min(positives.length, Math.floor(batchSize * positiveFraction));
  const numNeg = Math.min(negatives.length, batchSize - numPos);
  return { positive: choose(positives, numPos, random), negative: choose(negatives, numNeg, random) };
}

/** `k` of `items` uniformly without replacement (partial Fisher–Yates), sorted ascending. */
function choose(items: number[], k: number, random: Random): Int32Array {
  for (let i = 0; i < k; i++) {
    const j = i + Math.min(Math.floor(random() * (items.length - i)), items.length - i - 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return Int32Array.from(items.slice(0, k)).sort();
}
