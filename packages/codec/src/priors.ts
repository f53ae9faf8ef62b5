import { assertBoxArray, InvalidBoxError } from '@det/core';

const cache = new WeakMap<object, Float32Array>();

/**
 * Corner form of centroid priors [P*4] (ssd.pytorch `point_form`, float32 like torch), checking every
 * prior has an area. Cached per array: priors are treated as immutable (as `defaultBoxes` returns them).
 */
export function priorCorners(priors: ArrayLike<number>): Float32Array {
  const hit = typeof priors === 'object' ? cache.get(priors) : undefined;
  if (hit !== undefined) return hit;
  assertBoxArray(priors, 'priors');
  const p = priors.length >> 2;
  const corners = new Float32Array(p * 4);
  for (let i = 0; i < p; i++) {
    const cx = priors[4 * i];
    const cy = priors[4 * i + 1];
    const w = priors[4 * i + 2];
    const h = priors[4 * i + 3];
    if (!(w > 0 && h > 0)) {
      throw new InvalidBoxError('prior has no area', { field: 'priors', index: i, expected: 'width > 0 and height > 0 (cxcywh)', received: [cx, cy, w, h] });
    }
    corners[4 * i] = cx - w / 2;
    corners[4 * i + 1] = cy - h / 2;
    corners[4 * i + 2] = cx + w / 2;
    corners[4 * i + 3] = cy + h / 2;
  }
  cache.set(priors, corners);
  return corners;
}
