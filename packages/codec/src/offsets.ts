import type { ResolvedCodecOptions } from './options';

/**
 * Unchecked kernel of the SSD encoding: box `m` of `boxes` (xyxy, with area) against prior `q` of
 * `priors` (cxcywh, with area), 4 offsets written at box `w` of `out`. Box indices, not offsets.
 */
export function encodeInto(
  boxes: ArrayLike<number>,
  m: number,
  priors: ArrayLike<number>,
  q: number,
  out: Float32Array,
  w: number,
  { means, stds }: ResolvedCodecOptions,
): void {
  const b = 4 * m;
  const p = 4 * q;
  const o = 4 * w;
  const x1 = boxes[b];
  const y1 = boxes[b + 1];
  const x2 = boxes[b + 2];
  const y2 = boxes[b + 3];
  const pw = priors[p + 2];
  const ph = priors[p + 3];
  out[o] = (((x1 + x2) / 2 - priors[p]) / pw - means[0]) / stds[0];
  out[o + 1] = (((y1 + y2) / 2 - priors[p + 1]) / ph - means[1]) / stds[1];
  out[o + 2] = (Math.log((x2 - x1) / pw) - means[2]) / stds[2];
  out[o + 3] = (Math.log((y2 - y1) / ph) - means[3]) / stds[3];
}
