import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { Module } from '../module';
import { pyValue } from '../repr';
import { gatherAxis, mixAxis } from './axis-ops';
import { check4d } from './util';

export type InterpolateMode = 'nearest' | 'bilinear';

export interface InterpolateOptions {
  /** Output (H, W), or one int for both. Give this or `scaleFactor`. */
  size?: number | [number, number];
  /** Output = ⌊input · scaleFactor⌋ per side; the sampling grid uses 1/scaleFactor, as PyTorch does. */
  scaleFactor?: number | [number, number];
  /** Default 'nearest' (PyTorch's legacy nearest: source = ⌊dst · scale⌋). */
  mode?: InterpolateMode;
  /**
   * Bilinear only. true: corner pixels of input and output are aligned (source = dst·(in − 1)/(out − 1)).
   * false (default): half-pixel centres (source = (dst + 0.5)·scale − 0.5, clamped at 0).
   */
  alignCorners?: boolean;
}

/** Per output index: the two source indices and the weight of the second (linear), or one index (nearest). */
interface AxisPlan {
  lo: Int32Array;
  hi: Int32Array;
  weight: Float32Array;
}

/** PyTorch's `compute_scales_value`: 1/scaleFactor when given, else in/out (float32). */
function scaleOf(inSize: number, outSize: number, scaleFactor: number | undefined): number {
  return Math.fround(scaleFactor !== undefined && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize);
}

function nearestPlan(inSize: number, outSize: number, scaleFactor: number | undefined): Int32Array {
  const idx = new Int32Array(outSize);
  const scale = scaleOf(inSize, outSize, scaleFactor);
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) idx[i] = i;
    else if (outSize === 2 * inSize) idx[i] = i >> 1;
    else idx[i] = Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
  }
  return idx;
}

function linearPlan(inSize: number, outSize: number, scaleFactor: number | undefined, alignCorners: boolean): AxisPlan {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scaleOf(inSize, outSize, scaleFactor);
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? scale * i : Math.max(0, scale * (i + 0.5) - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    lo[i] = i0;
    hi[i] = i0 < inSize - 1 ? i0 + 1 : i0;
    weight[i] = src - i0;
  }
  return { lo, hi, weight };
}

/** Input sizes up to this use a dense [out, in] matrix product per axis; larger ones gather (O(out), slower on wasm). */
const DENSE_MAX_INPUT = 48;

/** How one axis is resampled: `dense` (matrix product), `gather`, or the integer-factor fast paths. */
export type AxisMethod = 'dense' | 'gather';

/** x as a 3-D view [before, L, after] around `axis` (1 = H, 2 = W of NHWC). */
function view3(x: tf.Tensor, axis: 1 | 2): [number, number, number] {
  const [n, h, w, c] = x.shape;
  return axis === 1 ? [n, h, w * c] : [n * h, w, c];
}

/** Interleaves s phase tensors [a, L, b] into [a, L·s, b] (phase p lands on rows s·i + p). */
function interleave(parts: tf.Tensor[], [a, l, b]: [number, number, number]): tf.Tensor {
  if (parts.length === 1) return parts[0];
  return tf.reshape(
    tf.concat(
      parts.map((t) => tf.reshape(t, [a * l, 1, b])),
      1,
    ),
    [a, l * parts.length, b],
  );
}

function toNhwc(t: tf.Tensor, x: tf.Tensor, axis: 1 | 2, out: number): tf.Tensor {
  const [n, h, w, c] = x.shape;
  return tf.reshape(t, axis === 1 ? [n, out, w, c] : [n, h, out, c]);
}

/** Nearest upsampling by an integer factor: each row repeated s times (concat + reshape, cheap gradients). */
function repeatAxis(x: tf.Tensor, s: number, axis: 1 | 2): tf.Tensor {
  const v = view3(x, axis);
  const x3 = tf.reshape(x, v);
  return toNhwc(interleave(new Array(s).fill(x3), v), x, axis, v[1] * s);
}

/**
 * Bilinear (align_corners=False) upsampling by an integer factor s: output row s·i + p mixes input rows i and
 * i ± 1 with fixed weights (source offset d = (p + 0.5)/s − 0.5), edges replicated as PyTorch clamps them.
 * Slices, weighted sums and an interleave: O(output), fast on wasm.
 */
function linearIntAxis(x: tf.Tensor, s: number, axis: 1 | 2): tf.Tensor {
  const v = view3(x, axis);
  const [a, l, b] = v;
  const x3 = tf.reshape(x, v);
  const edge = (i: number) => tf.slice(x3, [0, i, 0], [a, 1, b]);
  const prev = l > 1 ? tf.concat([edge(0), tf.slice(x3, [0, 0, 0], [a, l - 1, b])], 1) : x3;
  const next = l > 1 ? tf.concat([tf.slice(x3, [0, 1, 0], [a, l - 1, b]), edge(l - 1)], 1) : x3;
  const parts: tf.Tensor[] = [];
  for (let p = 0; p < s; p++) {
    const d = (p + 0.5) / s - 0.5;
    if (d === 0) parts.push(x3);
    else if (d < 0) parts.push(tf.add(tf.mul(prev, -d), tf.mul(x3, 1 + d)));
    else parts.push(tf.add(tf.mul(x3, 1 - d), tf.mul(next, d)));
  }
  return toNhwc(interleave(parts, v), x, axis, l * s);
}

/** Applies a per-axis plan: a dense [out, in] matrix product, or gathers (two for linear). */
function planAxis(x: tf.Tensor, plan: AxisPlan, axis: 1 | 2, method: AxisMethod): tf.Tensor {
  const out = plan.lo.length;
  const inSize = x.shape[axis] as number;
  if (method === 'dense') {
    const m = new Float32Array(out * inSize);
    for (let i = 0; i < out; i++) {
      m[i * inSize + plan.lo[i]] += 1 - plan.weight[i];
      m[i * inSize + plan.hi[i]] += plan.weight[i];
    }
    return mixAxis(x, m, out, axis);
  }
  const a = gatherAxis(x, plan.lo, axis);
  if (plan.weight.every((wt) => wt === 0)) return a;
  const shape = x.shape.map((_, i) => (i === axis ? out : 1));
  const b = gatherAxis(x, plan.hi, axis);
  return tf.add(a, tf.mul(tf.sub(b, a), tf.tensor(plan.weight, shape)));
}

/** Whether `plan` is the nearest plan of an integer upsampling by s (row i reads row ⌊i/s⌋). */
function isRepeat(idx: Int32Array, s: number): boolean {
  return idx.every((v, i) => v === Math.floor(i / s));
}

/**
 * Resamples one axis (1 = H, 2 = W of NHWC) to `outSize` with PyTorch's rules. Integer upsampling factors use
 * the O(output) fast paths; otherwise `method` (default: dense for inputs up to 48, else gather).
 * @internal exported for tests
 */
export function resampleAxis(
  x: tf.Tensor,
  outSize: number,
  axis: 1 | 2,
  { mode, alignCorners = false, scaleFactor, method }: { mode: InterpolateMode; alignCorners?: boolean; scaleFactor?: number; method?: AxisMethod },
): tf.Tensor {
  const inSize = x.shape[axis] as number;
  const factor = outSize / inSize;
  const integer = method === undefined && Number.isInteger(factor) && factor >= 2 && (scaleFactor === undefined || scaleFactor === factor);
  const how = method ?? (inSize <= DENSE_MAX_INPUT ? 'dense' : 'gather');
  if (mode === 'nearest') {
    const idx = nearestPlan(inSize, outSize, scaleFactor);
    if (integer && isRepeat(idx, factor)) return repeatAxis(x, factor, axis);
    return planAxis(x, { lo: idx, hi: idx, weight: new Float32Array(outSize) }, axis, how);
  }
  if (integer && !alignCorners) return linearIntAxis(x, factor, axis);
  return planAxis(x, linearPlan(inSize, outSize, scaleFactor, alignCorners), axis, how);
}

/** Output (H, W) for an input (H, W) and the size/scale options. */
export function interpolateSize(h: number, w: number, { size, scaleFactor }: Pick<InterpolateOptions, 'size' | 'scaleFactor'>): [number, number] {
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new InvalidConfigError('give exactly one of size and scaleFactor', { field: 'size', received: { size, scaleFactor } });
  }
  if (size !== undefined) {
    const [oh, ow] = typeof size === 'number' ? [size, size] : size;
    if (![oh, ow].every((s) => Number.isInteger(s) && s >= 1)) {
      throw new InvalidConfigError('invalid output size', { field: 'size', expected: 'positive integers', received: size });
    }
    return [oh, ow];
  }
  const [fh, fw] = typeof scaleFactor === 'number' ? [scaleFactor, scaleFactor] : (scaleFactor as [number, number]);
  const out: [number, number] = [Math.floor(h * fh), Math.floor(w * fw)];
  if (!(fh > 0 && fw > 0) || out[0] < 1 || out[1] < 1) {
    throw new InvalidConfigError('scale factor gives an empty output', { field: 'scaleFactor', expected: 'factors > 0 with a non-empty output', received: scaleFactor });
  }
  return out;
}

/**
 * Resizes an NHWC batch [N, H, W, C] → [N, oh, ow, C] with PyTorch `F.interpolate` semantics for 'nearest'
 * and 'bilinear' (both `alignCorners` settings, and `scaleFactor` grids), values and gradients, on every backend.
 * Separable per axis: integer upsampling factors use O(output) slices and weighted sums (repeats for nearest);
 * other sizes a dense [out, in] matrix product (inputs up to 48 rows/cols, e.g. PSPNet's pyramid) or gathers
 * with a scatter gradient. tfjs's own resizeBilinear is not used: its cpu gradient ignores half-pixel centres,
 * so neither of its flag combinations gives PyTorch's align_corners=False gradient.
 */
export function interpolate(x: tf.Tensor, options: InterpolateOptions): tf.Tensor4D {
  const { mode = 'nearest', alignCorners } = options;
  check4d(x, 'interpolate');
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new InvalidConfigError('unsupported interpolation mode', { field: 'mode', expected: "'nearest' or 'bilinear'", received: mode });
  }
  if (mode === 'nearest' && alignCorners !== undefined) {
    throw new InvalidConfigError('alignCorners only applies to bilinear interpolation', { field: 'alignCorners', received: alignCorners });
  }
  const [, h, w] = x.shape;
  const [oh, ow] = interpolateSize(h, w, options);
  const sf = options.scaleFactor;
  const [fh, fw] = sf === undefined ? [undefined, undefined] : typeof sf === 'number' ? [sf, sf] : sf;
  return tf.tidy(() => {
    let y = x;
    const ac = alignCorners ?? false;
    // PyTorch leaves an axis alone when sizes match, except linear with a non-unit scale factor (its grid moves).
    if (oh !== h || (mode === 'bilinear' && !ac && fh !== undefined && fh !== 1)) y = resampleAxis(y, oh, 1, { mode, alignCorners: ac, scaleFactor: fh });
    if (ow !== w || (mode === 'bilinear' && !ac && fw !== undefined && fw !== 1)) y = resampleAxis(y, ow, 2, { mode, alignCorners: ac, scaleFactor: fw });
    return (y === x ? tf.clone(x) : y) as tf.Tensor4D;
  });
}

/**
 * `interpolate` as a module (PyTorch `nn.Upsample`), e.g. `new Upsample({ scaleFactor: 2, mode: 'bilinear',
 * alignCorners: false })`. Prints like PyTorch: `Upsample(scale_factor=2.0, mode=bilinear)`.
 */
export class Upsample extends Module {
  static override readonly torchName = 'Upsample';
  readonly options: InterpolateOptions;

  constructor(options: InterpolateOptions) {
    super();
    if ((options.size === undefined) === (options.scaleFactor === undefined)) {
      throw new InvalidConfigError('give exactly one of size and scaleFactor', { field: 'size' });
    }
    this.options = { mode: 'nearest', ...options };
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    return interpolate(x, this.options);
  }

  override extraRepr(): string {
    const { size, scaleFactor, mode } = this.options;
    const info = scaleFactor !== undefined ? `scale_factor=${pyValue(scaleFactor, true)}` : `size=${pyValue(size)}`;
    return `${info}, mode=${mode}`;
  }
}
