// Helpers shared by this package's tests (not exported from the package).
import { readFileSync } from 'node:fs';
import { type DefaultBoxConfig, defaultBoxes, SSD300_VOC } from '@det/anchors';
import { iouFloat32 } from '@det/boxes';
import { priorCorners } from './priors';

/** Parses a JSON fixture, path relative to the repository root. */
export function readFixture<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as T;
}

export type Quad = [number, number, number, number];
export type PriorSet = 'ssd300_voc' | 'custom_128';

/** One case of fixtures/codec/ssd_pytorch.json (see scripts/fixtures/codec_reference.py). */
export interface OwnMatchCase {
  name: string;
  prior_set: PriorSet;
  truths: number[];
  labels: number[];
  threshold: number;
  means: Quad;
  stds: Quad;
  matches_rle: number[];
  positive_index: number[];
  positive_conf: number[];
  positive_overlap: number[];
  positive_loc: number[];
}
export interface OwnDecodeCase {
  prior_set: PriorSet;
  means: Quad;
  stds: Quad;
  prior_index: number[];
  loc: number[];
  xyxy: number[];
}
export interface OwnFixture {
  prior_sums: Record<PriorSet, number>;
  cases: OwnMatchCase[];
  decode: OwnDecodeCase[];
}

interface SharedPriors {
  config: {
    feature_maps: number[];
    min_dim: number;
    steps: number[];
    min_sizes: number[];
    max_sizes: number[];
    aspect_ratios: number[][];
    clip: boolean;
  };
}
export interface SharedGeometry {
  priors: Record<PriorSet, SharedPriors>;
  match_encode: {
    stds: Quad;
    cases: { truths: number[]; labels: number[]; threshold: number; conf: number[]; positive_index: number[]; positive_loc: number[] }[];
  };
  decode: { prior_index: number[]; loc: number[]; stds: Quad; xyxy: number[] };
}

export const shared = readFixture<SharedGeometry>('fixtures/shared/geometry.json');
export const own = readFixture<OwnFixture>('fixtures/codec/ssd_pytorch.json');

function fromSsdPytorch(c: SharedPriors['config']): DefaultBoxConfig {
  return {
    imageSize: c.min_dim,
    featureMaps: c.feature_maps,
    steps: c.steps,
    minSizes: c.min_sizes,
    maxSizes: c.max_sizes,
    aspectRatios: c.aspect_ratios,
    clip: c.clip,
  };
}

/**
 * Exact float32 ssd.pytorch PriorBox output (cxcywh), built with @det/anchors (the fixture's `cxcywh`
 * lists are rounded to 7 decimals, which could move an argmax tie).
 */
export const PRIORS: Record<PriorSet, Float32Array> = {
  ssd300_voc: defaultBoxes(SSD300_VOC),
  custom_128: defaultBoxes(fromSsdPytorch(shared.priors.custom_128.config)),
};

/** Expands a [value, count, value, count, …] run-length list. */
export function runLengthDecode(rle: number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < rle.length; k += 2) for (let c = 0; c < rle[k + 1]; c++) out.push(rle[k]);
  return out;
}

/** Boxes `index` of a flat [N*4] array, gathered into a new Float32Array. */
export function gather(boxes: ArrayLike<number>, index: ArrayLike<number>): Float32Array {
  const out = new Float32Array(index.length * 4);
  for (let k = 0; k < index.length; k++) for (let d = 0; d < 4; d++) out[4 * k + d] = boxes[4 * index[k] + d];
  return out;
}

/**
 * ssd.pytorch `match()` written the obvious way, as the matrix algorithm: the full N×P IoU matrix
 * (@det/boxes `iouFloat32`), first-index argmaxes, index_fill with 2, the sequential forcing loop.
 * What `matchPriors` must equal on any input.
 */
export function naiveMatch(truths: ArrayLike<number>, labels: ArrayLike<number>, priors: ArrayLike<number>, threshold: number) {
  const c = priorCorners(priors);
  const n = truths.length / 4;
  const p = c.length / 4;
  const t = Float32Array.from(truths);
  const iou: number[][] = [];
  for (let j = 0; j < n; j++) {
    iou.push([]);
    for (let i = 0; i < p; i++) iou[j].push(iouFloat32(t[4 * j], t[4 * j + 1], t[4 * j + 2], t[4 * j + 3], c[4 * i], c[4 * i + 1], c[4 * i + 2], c[4 * i + 3]));
  }
  const argmax = (values: number[]) => values.reduce((best, v, k) => (v > values[best] ? k : best), 0);
  const bestPrior = iou.map(argmax);
  const overlaps = Array.from({ length: p }, (_, i) => Math.max(...iou.map((row) => row[i])));
  const matches = Array.from({ length: p }, (_, i) => argmax(iou.map((row) => row[i])));
  for (const i of bestPrior) overlaps[i] = 2;
  bestPrior.forEach((i, j) => {
    matches[i] = j;
  });
  const conf = matches.map((j, i) => (overlaps[i] < Math.fround(threshold) ? 0 : labels[j] + 1));
  return { conf, matches, overlaps };
}

/** Float32 agreement: |got − want| ≤ tol · max(1, |want|) (float32 references carry ~1e-7 relative error). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  if (got.length !== want.length) throw new Error(`length ${got.length} ≠ ${want.length}`);
  for (let k = 0; k < want.length; k++) {
    if (!(Math.abs(got[k] - want[k]) <= tol * Math.max(1, Math.abs(want[k])))) {
      throw new Error(`element ${k}: got ${got[k]}, want ${want[k]} (tolerance ${tol})`);
    }
  }
}
