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

/**
 * RoIAlign with torchvision.ops.roi_align's values: `features` NHWC [N, H, W, C]; `boxes` [K, 4] corner form
 * `xyxy` in input coordinates (scaled by `spatialScale` onto the feature map); `boxIndex` int32 [K] image of
 * each box; returns [K, outH, outW, C]. Differentiable with respect to `features` (the gradient scatters the
 * bilinear weights back with scatterND, so it runs where GatherV2's gradient kernel, UnsortedSegmentSum, is
 * missing — the wasm backend). Boxes and indices are read on the host to build the sampling taps.
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: tf.Tensor2D | Float32Array,
  boxIndex: tf.Tensor1D | Int32Array,
  outputSize: [number, number],
  options: RoiAlignOptions = {},
): tf.Tensor4D {
  const [n, h, w, c] = features.shape;
  const boxData = boxes instanceof Float32Array ? boxes : (boxes.dataSync() as Float32Array);
  const indexData = boxIndex instanceof Int32Array ? boxIndex : Int32Array.from(boxIndex.dataSync());
  if (boxData.length !== indexData.length * 4) {
    throw new ShapeMismatchError('one box index per box is required', { field: 'boxIndex', expected: `${boxData.length / 4} entries` });
  }
  if (!(outputSize[0] > 0 && outputSize[1] > 0)) throw new InvalidConfigError('output size must be positive', { field: 'outputSize', received: outputSize });
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
