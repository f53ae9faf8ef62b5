import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';

export interface RoiAlignOptions {
  /** Feature-map pixels per input pixel, e.g. 1/16 (default 1). */
  spatialScale?: number;
  /** Samples per bin side; ≤ 0 = adaptive, ceil(roi size / output size) as torchvision (default -1). */
  samplingRatio?: number;
  /** Shift boxes by half a pixel (torchvision `aligned=True`, Detectron2's ROIAlignV2) (default false). */
  aligned?: boolean;
}

/** The bilinear taps of every output cell: flat feature rows and weights (already divided by the sample count). */
interface Taps {
  index: Int32Array;
  weight: Float32Array;
  /** Taps per output cell (cells are padded with zero-weight taps to this count). */
  perCell: number;
}

/** torchvision roi_align's sampling, on the host: which feature pixels each output cell averages, with what weights. */
function computeTaps(
  boxes: Float32Array,
  boxIndex: Int32Array,
  [n, height, width]: number[],
  [outH, outW]: [number, number],
  { spatialScale = 1, samplingRatio = -1, aligned = false }: RoiAlignOptions,
): Taps {
  const k = boxIndex.length;
  const offset = aligned ? 0.5 : 0;
  const cells: Map<number, number>[] = [];
  let perCell = 1;
  for (let r = 0; r < k; r++) {
    const b = boxIndex[r];
    if (!(b >= 0 && b < n)) throw new ShapeMismatchError('box index outside the batch', { field: 'boxIndex', index: r, expected: `0…${n - 1}`, received: b });
    const x1 = boxes[4 * r] * spatialScale - offset;
    const y1 = boxes[4 * r + 1] * spatialScale - offset;
    let roiW = boxes[4 * r + 2] * spatialScale - offset - x1;
    let roiH = boxes[4 * r + 3] * spatialScale - offset - y1;
    if (!aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = roiH / outH;
    const binW = roiW / outW;
    const gridH = samplingRatio > 0 ? samplingRatio : Math.ceil(roiH / outH);
    const gridW = samplingRatio > 0 ? samplingRatio : Math.ceil(roiW / outW);
    const count = Math.max(gridH * gridW, 1);
    const base = b * height * width;
    for (let ph = 0; ph < outH; ph++)
      for (let pw = 0; pw < outW; pw++) {
        const taps = new Map<number, number>();
        const add = (yy: number, xx: number, w: number) => {
          if (w === 0) return;
          const i = base + yy * width + xx;
          taps.set(i, (taps.get(i) ?? 0) + w / count);
        };
        for (let iy = 0; iy < gridH; iy++) {
          let y = y1 + ph * binH + ((iy + 0.5) * binH) / gridH;
          for (let ix = 0; ix < gridW; ix++) {
            let x = x1 + pw * binW + ((ix + 0.5) * binW) / gridW;
            if (y < -1 || y > height || x < -1 || x > width) continue;
            const yc = y <= 0 ? 0 : y;
            const xc = x <= 0 ? 0 : x;
            let yLow = Math.floor(yc);
            let xLow = Math.floor(xc);
            let yHigh: number;
            let xHigh: number;
            y = yc;
            x = xc;
            if (yLow >= height - 1) {
              yHigh = yLow = height - 1;
              y = yLow;
            } else yHigh = yLow + 1;
            if (xLow >= width - 1) {
              xHigh = xLow = width - 1;
              x = xLow;
            } else xHigh = xLow + 1;
            const ly = y - yLow;
            const lx = x - xLow;
            const hy = 1 - ly;
            const hx = 1 - lx;
            add(yLow, xLow, hy * hx);
            add(yLow, xHigh, hy * lx);
            add(yHigh, xLow, ly * hx);
            add(yHigh, xHigh, ly * lx);
          }
        }
        cells.push(taps);
        perCell = Math.max(perCell, taps.size);
      }
  }
  const index = new Int32Array(cells.length * perCell);
  const weight = new Float32Array(cells.length * perCell);
  cells.forEach((taps, c) => {
    let j = c * perCell;
    for (const [i, w] of taps) {
      index[j] = i;
      weight[j++] = w;
    }
  });
  return { index, weight, perCell };
}

/** Boxes and indices on the host, checked: 4 numbers per box, one image index per box, a positive output size. */
function readBoxes(
  boxes: tf.Tensor2D | Float32Array,
  boxIndex: tf.Tensor1D | Int32Array,
  outputSize: [number, number],
): { boxData: Float32Array; indexData: Int32Array } {
  const boxData = boxes instanceof Float32Array ? boxes : (boxes.dataSync() as Float32Array);
  const indexData = boxIndex instanceof Int32Array ? boxIndex : Int32Array.from(boxIndex.dataSync());
  if (boxData.length !== indexData.length * 4) {
    throw new ShapeMismatchError('one box index per box is required', { field: 'boxIndex', expected: `${boxData.length / 4} entries` });
  }
  if (!(outputSize[0] > 0 && outputSize[1] > 0)) throw new InvalidConfigError('output size must be positive', { field: 'outputSize', received: outputSize });
  return { boxData, indexData };
}

/**
 * The tensor formulation of {@link roiAlign} (one GatherV2 row per bilinear tap, gradient by scatterND): what
 * `roiAlign` runs on backends whose tensors live off the host (webgl, webgpu, tensorflow), where reading the
 * features back would stall. Same arguments, values and gradient as `roiAlign`.
 * @internal Exported for tests and benchmarks; not part of the package's API.
 */
export function roiAlignTensor(
  features: tf.Tensor4D,
  boxes: tf.Tensor2D | Float32Array,
  boxIndex: tf.Tensor1D | Int32Array,
  outputSize: [number, number],
  options: RoiAlignOptions = {},
): tf.Tensor4D {
  const [n, h, w, c] = features.shape;
  const { boxData, indexData } = readBoxes(boxes, boxIndex, outputSize);
  const k = indexData.length;
  const [outH, outW] = outputSize;
  if (k === 0) return tf.zeros([0, outH, outW, c]);
  const { index, weight, perCell } = computeTaps(boxData, indexData, [n, h, w], outputSize, options);
  const cells = k * outH * outW;
  const align = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const f = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const flat = tf.reshape(f, [n * h * w, c]);
    const idx = tf.tensor1d(index, 'int32');
    const wts = tf.tensor2d(weight, [cells * perCell, 1]);
    const gathered = tf.mul(tf.gather(flat, idx), wts);
    const value = tf.reshape(tf.sum(tf.reshape(gathered, [cells, perCell, c]), 1), [k, outH, outW, c]);
    save([idx, wts]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sIdx, sW] = saved;
        const spread = tf.mul(tf.reshape(tf.tile(tf.reshape(dy, [cells, 1, c]), [1, perCell, 1]), [cells * perCell, c]), sW);
        const grad = tf.scatterND(tf.reshape(sIdx, [cells * perCell, 1]), spread, [n * h * w, c]);
        return tf.reshape(grad, [n, h, w, c]);
      },
    };
  });
  return align(features) as tf.Tensor4D;
}

/** Backends whose tensors live in host memory: there RoIAlign is a plain loop over the features (a read-back is a copy, not a stall). */
const HOST_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

/** One axis of a box's sampling grid (separable): per sample, low/high feature offsets (already × stride) and weights. */
class AxisSamples {
  lo = new Int32Array(0);
  hi = new Int32Array(0);
  wLo = new Float64Array(0);
  wHi = new Float64Array(0);
  ok = new Uint8Array(0);

  /** torchvision's bilinear_interpolate along one axis for `outSize × grid` samples from `start` in bins of `bin`. */
  fill(start: number, bin: number, grid: number, outSize: number, size: number, stride: number): void {
    const m = outSize * grid;
    if (this.ok.length < m) {
      this.lo = new Int32Array(m);
      this.hi = new Int32Array(m);
      this.wLo = new Float64Array(m);
      this.wHi = new Float64Array(m);
      this.ok = new Uint8Array(m);
    }
    for (let p = 0; p < outSize; p++)
      for (let i = 0; i < grid; i++) {
        const j = p * grid + i;
        const v = start + p * bin + ((i + 0.5) * bin) / grid;
        // Outside [-1, size]: the sample contributes 0 (whichever axis it is out on).
        if (v < -1 || v > size) {
          this.ok[j] = 0;
          continue;
        }
        let vc = v <= 0 ? 0 : v;
        let lo = Math.floor(vc);
        let hi: number;
        if (lo >= size - 1) {
          hi = lo = size - 1;
          vc = lo;
        } else hi = lo + 1;
        const l = vc - lo;
        this.ok[j] = 1;
        this.lo[j] = lo * stride;
        this.hi[j] = hi * stride;
        this.wLo[j] = 1 - l;
        this.wHi[j] = l;
      }
  }
}

/** One box's sampling points, grouped by output cell: 4 flat feature offsets and 4 weights (÷ sample count) each. */
class BoxSamples {
  readonly ys = new AxisSamples();
  readonly xs = new AxisSamples();
  tap = new Int32Array(0);
  weight = new Float64Array(0);
  /** End (exclusive) of each output cell's samples. */
  cellEnd = new Int32Array(0);

  fill(
    box: Float32Array,
    r: number,
    base: number,
    [height, width, channels]: [number, number, number],
    [outH, outW]: [number, number],
    spatialScale: number,
    samplingRatio: number,
    aligned: boolean,
  ): void {
    const offset = aligned ? 0.5 : 0;
    const x1 = box[4 * r] * spatialScale - offset;
    const y1 = box[4 * r + 1] * spatialScale - offset;
    let roiW = box[4 * r + 2] * spatialScale - offset - x1;
    let roiH = box[4 * r + 3] * spatialScale - offset - y1;
    if (!aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = roiH / outH;
    const binW = roiW / outW;
    // Adaptive grids of empty (or, aligned, inverted) boxes are ≤ 0: no samples, the cells stay 0 as in torchvision.
    const gridH = Math.max(samplingRatio > 0 ? samplingRatio : Math.ceil(roiH / outH), 0);
    const gridW = Math.max(samplingRatio > 0 ? samplingRatio : Math.ceil(roiW / outW), 0);
    const inv = 1 / Math.max(gridH * gridW, 1);
    const { ys, xs } = this;
    ys.fill(y1, binH, gridH, outH, height, width * channels);
    xs.fill(x1, binW, gridW, outW, width, channels);
    const most = outH * gridH * outW * gridW;
    if (this.weight.length < 4 * most) {
      this.tap = new Int32Array(4 * most);
      this.weight = new Float64Array(4 * most);
    }
    if (this.cellEnd.length < outH * outW) this.cellEnd = new Int32Array(outH * outW);
    const { tap, weight, cellEnd } = this;
    let s = 0;
    for (let ph = 0; ph < outH; ph++)
      for (let pw = 0; pw < outW; pw++) {
        for (let iy = 0; iy < gridH; iy++) {
          const jy = ph * gridH + iy;
          if (ys.ok[jy] === 0) continue;
          const rowLo = base + ys.lo[jy];
          const rowHi = base + ys.hi[jy];
          const a = ys.wLo[jy] * inv;
          const b = ys.wHi[jy] * inv;
          for (let ix = 0; ix < gridW; ix++) {
            const jx = pw * gridW + ix;
            if (xs.ok[jx] === 0) continue;
            const q = 4 * s++;
            tap[q] = rowLo + xs.lo[jx];
            tap[q + 1] = rowLo + xs.hi[jx];
            tap[q + 2] = rowHi + xs.lo[jx];
            tap[q + 3] = rowHi + xs.hi[jx];
            weight[q] = a * xs.wLo[jx];
            weight[q + 1] = a * xs.wHi[jx];
            weight[q + 2] = b * xs.wLo[jx];
            weight[q + 3] = b * xs.wHi[jx];
          }
        }
        cellEnd[ph * outW + pw] = s;
      }
  }
}

/** Geometry of a host RoIAlign: feature-map shapes and scales, boxes, their images and (multi-scale) levels. */
interface HostPlan {
  shapes: [number, number, number, number][];
  scales: number[];
  /** Level of each box; undefined = level 0 for all. */
  level?: Int32Array;
  boxData: Float32Array;
  indexData: Int32Array;
  outputSize: [number, number];
  samplingRatio: number;
  aligned: boolean;
}

/**
 * The host loop. Forward: `pooled` [K·outH·outW·C] += Σ taps of `maps`. Backward: each map's gradient += the same
 * weights × `pooled` (= dy), a scatter-add. Channel vectors are contiguous (NHWC), so the inner loop runs over C.
 */
function hostLoop(plan: HostPlan, maps: Float32Array[], pooled: Float32Array, backward: boolean): void {
  const { shapes, scales, level, boxData, indexData, outputSize, samplingRatio, aligned } = plan;
  const [outH, outW] = outputSize;
  const samples = new BoxSamples();
  const cellsPerBox = outH * outW;
  for (let r = 0; r < indexData.length; r++) {
    const l = level === undefined ? 0 : level[r];
    const [, height, width, c] = shapes[l];
    const f = maps[l];
    samples.fill(boxData, r, indexData[r] * height * width * c, [height, width, c], outputSize, scales[l], samplingRatio, aligned);
    const { tap, weight, cellEnd } = samples;
    let s = 0;
    for (let cell = 0; cell < cellsPerBox; cell++) {
      const o = (r * cellsPerBox + cell) * c;
      for (const end = cellEnd[cell]; s < end; s++) {
        const q = 4 * s;
        const i1 = tap[q];
        const i2 = tap[q + 1];
        const i3 = tap[q + 2];
        const i4 = tap[q + 3];
        const w1 = weight[q];
        const w2 = weight[q + 1];
        const w3 = weight[q + 2];
        const w4 = weight[q + 3];
        if (backward) {
          for (let ch = 0; ch < c; ch++) {
            const g = pooled[o + ch];
            f[i1 + ch] += w1 * g;
            f[i2 + ch] += w2 * g;
            f[i3 + ch] += w3 * g;
            f[i4 + ch] += w4 * g;
          }
        } else {
          for (let ch = 0; ch < c; ch++) pooled[o + ch] += w1 * f[i1 + ch] + w2 * f[i2 + ch] + w3 * f[i3 + ch] + w4 * f[i4 + ch];
        }
      }
    }
  }
}

/** Every box index inside the batch (reported with the box's position in the caller's list). */
function checkBoxIndex(indexData: Int32Array, n: number): void {
  for (let r = 0; r < indexData.length; r++) {
    const b = indexData[r];
    if (!(b >= 0 && b < n)) throw new ShapeMismatchError('box index outside the batch', { field: 'boxIndex', index: r, expected: `0…${n - 1}`, received: b });
  }
}

/** Host RoIAlign as one tape node over the feature maps (a custom gradient: the host scatter-add; boxes are constants). */
function hostRoiAlign(featureMaps: tf.Tensor4D[], plan: HostPlan): tf.Tensor4D {
  const [outH, outW] = plan.outputSize;
  const k = plan.indexData.length;
  const c = featureMaps[0].shape[3];
  const align = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const maps = args.slice(0, featureMaps.length) as tf.Tensor4D[];
    const out = new Float32Array(k * outH * outW * c);
    hostLoop(plan, maps.map((m) => m.dataSync() as Float32Array), out, false);
    return {
      value: tf.tensor4d(out, [k, outH, outW, c]),
      // Needs no saved tensor: the weights are recomputed from the boxes, and dy is all it reads.
      gradFunc: (dy: tf.Tensor) => {
        const grads = plan.shapes.map(([n, h, w, ch]) => new Float32Array(n * h * w * ch));
        hostLoop(plan, grads, dy.dataSync() as Float32Array, true);
        return grads.map((g, l) => tf.tensor4d(g, plan.shapes[l]));
      },
    };
  });
  return align(...featureMaps) as tf.Tensor4D;
}

/**
 * RoIAlign with torchvision.ops.roi_align's values: `features` NHWC [N, H, W, C]; `boxes` [K, 4] corner form
 * `xyxy` in input coordinates (scaled by `spatialScale` onto the feature map); `boxIndex` int32 [K] image of
 * each box; returns [K, outH, outW, C]. Differentiable with respect to `features` (not the boxes). On the cpu and
 * wasm backends it reads the features back and pools them in a host loop (gradient: the host scatter-add of dy,
 * a custom gradient on the tape); on other backends it gathers one row per bilinear tap and scatters the gradient
 * back with scatterND (see {@link roiAlignTensor}). Boxes and indices are read on the host either way.
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: tf.Tensor2D | Float32Array,
  boxIndex: tf.Tensor1D | Int32Array,
  outputSize: [number, number],
  options: RoiAlignOptions = {},
): tf.Tensor4D {
  if (!HOST_BACKENDS.has(tf.getBackend())) return roiAlignTensor(features, boxes, boxIndex, outputSize, options);
  const { boxData, indexData } = readBoxes(boxes, boxIndex, outputSize);
  const [n, , , c] = features.shape;
  if (indexData.length === 0) return tf.zeros([0, outputSize[0], outputSize[1], c]);
  checkBoxIndex(indexData, n);
  const { spatialScale = 1, samplingRatio = -1, aligned = false } = options;
  return hostRoiAlign([features], { shapes: [features.shape], scales: [spatialScale], boxData, indexData, outputSize, samplingRatio, aligned });
}

export interface MultiScaleRoiAlignOptions {
  /** Feature-map scale of each level, e.g. [1/4, 1/8, 1/16, 1/32]. */
  scales: number[];
  samplingRatio?: number;
  aligned?: boolean;
  /** torchvision LevelMapper: canonical box size 224 at level 4 (defaults), eps 1e-6. */
  canonicalScale?: number;
  canonicalLevel?: number;
}

/**
 * torchvision `MultiScaleRoIAlign` for FPN levels: each box is pooled from level
 * k = clamp(floor(k0 + log2(√area / s0) + 1e-6), kmin, kmax), with k0 = canonicalLevel, s0 = canonicalScale
 * and kmin/kmax from the scales (level = −log2(scale)). Returns [K, outH, outW, C] in box order.
 */
export function multiScaleRoiAlign(
  featureMaps: tf.Tensor4D[],
  boxes: Float32Array,
  boxIndex: Int32Array,
  outputSize: [number, number],
  options: MultiScaleRoiAlignOptions,
): tf.Tensor4D {
  const { scales, canonicalScale = 224, canonicalLevel = 4 } = options;
  if (scales.length !== featureMaps.length) {
    throw new InvalidConfigError(`${scales.length} scales for ${featureMaps.length} feature maps`, { field: 'scales', expected: `${featureMaps.length} scales` });
  }
  if (featureMaps.length === 1) return roiAlign(featureMaps[0], boxes, boxIndex, outputSize, { ...options, spatialScale: scales[0] });
  const kMin = -Math.log2(scales[0]);
  const kMax = -Math.log2(scales[scales.length - 1]);
  const k = boxIndex.length;
  const level = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const area = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
    const lvl = Math.floor(canonicalLevel + Math.log2(Math.sqrt(area) / canonicalScale) + 1e-6);
    level[i] = Math.min(Math.max(lvl, kMin), kMax) - kMin;
  }
  if (HOST_BACKENDS.has(tf.getBackend())) {
    // One host pass writes every box from its own level straight into box order (no concat, no reordering gather).
    const c = featureMaps[0].shape[3];
    if (k === 0) return tf.zeros([0, outputSize[0], outputSize[1], c]);
    if (boxes.length !== 4 * k) throw new ShapeMismatchError('one box index per box is required', { field: 'boxIndex', expected: `${boxes.length / 4} entries` });
    if (!(outputSize[0] > 0 && outputSize[1] > 0)) throw new InvalidConfigError('output size must be positive', { field: 'outputSize', received: outputSize });
    featureMaps.forEach((fm, l) => {
      if (fm.shape[3] !== c || fm.shape[0] !== featureMaps[0].shape[0]) {
        throw new ShapeMismatchError('feature maps must share batch and channel sizes', { field: 'featureMaps', index: l, expected: `[${featureMaps[0].shape[0]}, H, W, ${c}]`, received: fm.shape });
      }
    });
    checkBoxIndex(boxIndex, featureMaps[0].shape[0]);
    const { samplingRatio = -1, aligned = false } = options;
    return hostRoiAlign(featureMaps, { shapes: featureMaps.map((fm) => fm.shape), scales, level, boxData: boxes, indexData: boxIndex, outputSize, samplingRatio, aligned });
  }
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    const order: number[] = [];
    featureMaps.forEach((fm, l) => {
      const members = [...level.keys()].filter((i) => level[i] === l);
      if (members.length === 0) return;
      const b = new Float32Array(members.length * 4);
      const bi = new Int32Array(members.length);
      members.forEach((i, j) => {
        b.set(boxes.subarray(4 * i, 4 * i + 4), 4 * j);
        bi[j] = boxIndex[i];
      });
      parts.push(roiAlign(fm, b, bi, outputSize, { ...options, spatialScale: scales[l] }));
      order.push(...members);
    });
    const c = featureMaps[0].shape[3];
    if (parts.length === 0) return tf.zeros([0, outputSize[0], outputSize[1], c]) as tf.Tensor4D;
    const stacked = tf.concat(parts, 0);
    const inverse = new Int32Array(k);
    order.forEach((i, j) => {
      inverse[i] = j;
    });
    return tf.gather(stacked, tf.tensor1d(inverse, 'int32')) as tf.Tensor4D;
  });
}
