import { assertBoxArray, NotFiniteError, ShapeMismatchError } from '@det/core';
import { encodeInto } from './offsets';
import { type CodecOptions, resolveCodecOptions } from './options';
import { checkBoxes } from './validate';

/**
 * SSD box encoding (ssd.pytorch `encode`; the seeds' formula with `norm_stds`): for each prior
 * (pcx, pcy, pw, ph) and its matched box (centre cx, cy, size w, h):
 * `((cx − pcx)/pw − m0)/s0, ((cy − pcy)/ph − m1)/s1, (log(w/pw) − m2)/s2, (log(h/ph) − m3)/s3`.
 * - `matched` [P*4] corner form `xyxy`, one box per prior (e.g. `truths[matches[i]]`), same space as the priors.
 * - `priors`  [P*4] centroid form `cxcywh`.
 * - `options` `{ means = [0,0,0,0], stds = [0.1,0.1,0.2,0.2] }` (ssd.pytorch variance [0.1, 0.2]).
 * Returns Float32Array [P*4] (regression targets). Everything is checked before any work: a matched box
 * without area (log of 0 → −Infinity) or not finite → InvalidBoxError naming its index (field `'matched'`);
 * a prior without area → InvalidBoxError (field `'priors'`); unequal lengths → ShapeMismatchError.
 */
export function encodeBoxes(matched: ArrayLike<number>, priors: ArrayLike<number>, options: CodecOptions = {}): Float32Array {
  const o = resolveCodecOptions(options);
  checkBoxes(matched, 'xyxy', 'matched');
  checkBoxes(priors, 'cxcywh', 'priors');
  if (matched.length !== priors.length) {
    throw new ShapeMismatchError('one matched box per prior is required', {
      field: 'matched',
      expected: `${priors.length >> 2} boxes`,
      received: `${matched.length >> 2} boxes`,
    });
  }
  const out = new Float32Array(matched.length);
  for (let i = 0; i < matched.length >> 2; i++) encodeInto(matched, i, priors, i, out, i, o);
  return out;
}

/**
 * SSD box decoding (ssd.pytorch `decode`), the inverse of {@link encodeBoxes}:
 * centre = prior centre + (loc·std + mean)·prior size, size = prior size · exp(min(loc·std + mean, clampLogSize)).
 * - `loc` [B*P*4] offsets for one or more sets of the same P priors (e.g. a batch of predictions).
 * - `priors` [P*4] centroid form `cxcywh`.
 * - `options` `{ means, stds, clampLogSize }`, see {@link CodecOptions}.
 * Returns Float32Array [B*P*4] corner form `xyxy`, in the priors' space (normalised for SSD; boxes are not
 * clipped). A NaN/Infinity in `loc` → NotFiniteError naming the box index (field `'loc'`), so no NaN box is
 * returned silently; the size clamp keeps exp() finite.
 */
export function decodeBoxes(loc: ArrayLike<number>, priors: ArrayLike<number>, options: CodecOptions = {}): Float32Array {
  const { means, stds, clampLogSize } = resolveCodecOptions(options);
  assertBoxArray(loc, 'loc');
  checkBoxes(priors, 'cxcywh', 'priors');
  const p4 = priors.length;
  if (p4 === 0 ? loc.length !== 0 : loc.length % p4 !== 0) {
    throw new ShapeMismatchError('loc does not hold whole sets of priors', {
      field: 'loc',
      expected: `a multiple of ${p4 >> 2} boxes`,
      received: `${loc.length >> 2} boxes`,
    });
  }
  const out = new Float32Array(loc.length);
  for (let k = 0, q = 0; k < loc.length; k += 4, q = q + 4 === p4 ? 0 : q + 4) {
    const l0 = loc[k];
    const l1 = loc[k + 1];
    const l2 = loc[k + 2];
    const l3 = loc[k + 3];
    if (!(Number.isFinite(l0) && Number.isFinite(l1) && Number.isFinite(l2) && Number.isFinite(l3))) {
      throw new NotFiniteError('offset is not finite', { field: 'loc', index: k >> 2, received: [l0, l1, l2, l3] });
    }
    const pw = priors[q + 2];
    const ph = priors[q + 3];
    const cx = priors[q] + (l0 * stds[0] + means[0]) * pw;
    const cy = priors[q + 1] + (l1 * stds[1] + means[1]) * ph;
    const w = pw * Math.exp(Math.min(l2 * stds[2] + means[2], clampLogSize));
    const h = ph * Math.exp(Math.min(l3 * stds[3] + means[3], clampLogSize));
    out[k] = cx - w / 2;
    out[k + 1] = cy - h / 2;
    out[k + 2] = cx + w / 2;
    out[k + 3] = cy + h / 2;
  }
  return out;
}
