import { assertBoxArray, ShapeMismatchError } from '@det/core';
import { type CodecOptions, resolveCodecOptions } from './options';

/**
 * SSD box encoding (ssd.pytorch `encode`, the seed's formula (2′)): for each prior (cx, cy, w, h) and its
 * matched box, ((gcx − cx)/w − m0)/s0, ((gcy − cy)/h − m1)/s1, (log(gw/w) − m2)/s2, (log(gh/h) − m3)/s3.
 * - `matched` [P*4] corner form `xyxy` (one box per prior), `priors` [P*4] `cxcywh`, same space.
 * Returns Float32Array [P*4]. A matched box without area would give log(0): callers validate truths
 * first (matchPriors does); here such rows throw.
 */
export function encodeBoxes(matched: ArrayLike<number>, priors: ArrayLike<number>, options: CodecOptions = {}): Float32Array {
  assertBoxArray(matched, 'matched');
  assertBoxArray(priors, 'priors');
  if (matched.length !== priors.length) {
    throw new ShapeMismatchError('one matched box per prior is required', { field: 'matched', expected: `${priors.length / 4} boxes` });
  }
  const out = new Float32Array(matched.length);
  const o = resolveCodecOptions(options);
  for (let i = 0; i < matched.length >> 2; i++) encodeOne(matched, 4 * i, priors, 4 * i, out, 4 * i, o);
  return out;
}

/** Encodes one box (at `m` in `matched`) against one prior (at `q`), writing 4 values at `w` in `out`. */
export function encodeOne(
  matched: ArrayLike<number>,
  m: number,
  priors: ArrayLike<number>,
  q: number,
  out: Float32Array,
  w: number,
  o: Required<CodecOptions>,
): void {
  const gw = matched[m + 2] - matched[m];
  const gh = matched[m + 3] - matched[m + 1];
  if (!(gw > 0 && gh > 0)) {
    throw new ShapeMismatchError('matched box has no area (log of 0)', {
      field: 'matched',
      index: m >> 2,
      expected: 'xmax > xmin and ymax > ymin',
    });
  }
  const pw = priors[q + 2];
  const ph = priors[q + 3];
  out[w] = (((matched[m] + matched[m + 2]) / 2 - priors[q]) / pw - o.means[0]) / o.stds[0];
  out[w + 1] = (((matched[m + 1] + matched[m + 3]) / 2 - priors[q + 1]) / ph - o.means[1]) / o.stds[1];
  out[w + 2] = (Math.log(gw / pw) - o.means[2]) / o.stds[2];
  out[w + 3] = (Math.log(gh / ph) - o.means[3]) / o.stds[3];
}

/**
 * SSD box decoding (ssd.pytorch `decode`): offsets `loc` [P*4] against `priors` [P*4] `cxcywh` →
 * Float32Array [P*4] corner form `xyxy` in the priors' space. Size offsets are clamped at
 * `clampLogSize` so exp() never overflows.
 */
export function decodeBoxes(loc: ArrayLike<number>, priors: ArrayLike<number>, options: CodecOptions = {}): Float32Array {
  assertBoxArray(loc, 'loc');
  assertBoxArray(priors, 'priors');
  if (loc.length % priors.length !== 0) {
    throw new ShapeMismatchError('loc does not hold whole sets of priors', { field: 'loc', expected: `a multiple of ${priors.length / 4} boxes` });
  }
  const { means, stds, clampLogSize } = resolveCodecOptions(options);
  const out = new Float32Array(loc.length);
  const p4 = priors.length;
  for (let k = 0; k < loc.length; k += 4) {
    const q = k % p4;
    const pw = priors[q + 2];
    const ph = priors[q + 3];
    const cx = priors[q] + (loc[k] * stds[0] + means[0]) * pw;
    const cy = priors[q + 1] + (loc[k + 1] * stds[1] + means[1]) * ph;
    const w = pw * Math.exp(Math.min(loc[k + 2] * stds[2] + means[2], clampLogSize));
    const h = ph * Math.exp(Math.min(loc[k + 3] * stds[3] + means[3], clampLogSize));
    out[k] = cx - w / 2;
    out[k + 1] = cy - h / 2;
    out[k + 2] = cx + w / 2;
    out[k + 3] = cy + h / 2;
  }
  return out;
}
