import type { Random } from '@det/core';

export { createRandom, mixSeed, type Random } from '@det/core';

/** Uniform float in [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

/** True with probability `p`. */
export function chance(random: Random, p = 0.5): boolean {
  return random() < p;
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}
