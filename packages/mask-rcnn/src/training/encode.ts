import { InvalidBoxError, ShapeMismatchError } from '@det/core';
import { BoxCoder, type BoxCoderWeights } from '../box-coder';

/** torchvision's RPN box-coder weights (1, 1, 1, 1). */
export const RPN_BOX_WEIGHTS: BoxCoderWeights = [1, 1, 1, 1];
/** torchvision's RoI-heads box-coder weights (10, 10, 5, 5) = @det/codec stds [0.1, 0.1, 0.2, 0.2]. */
export const ROI_BOX_WEIGHTS: BoxCoderWeights = [10, 10, 5, 5];

/**
 * Regression targets (torchvision `BoxCoder(weights).encode_single(gt_boxes[matched], boxes)`): for each row `i` of
 * `boxes` [N*4] (anchors or proposals, `xyxy` pixels) with `gtIndex[i] ≥ 0`, the offsets (dx, dy, dw, dh) that take
 * the box onto `gtBoxes[gtIndex[i]]` ([G*4] `xyxy`), scaled by `weights`; rows with a negative index are zeros
 * (torchvision encodes them against gt 0, or against a zero box in an image without objects — giving −Infinity —
 * and its losses never read them). Returns Float32Array [N*4]. The arithmetic is the package's `BoxCoder`
 * (@det/codec with stds = 1 / weights). A box or gt without area (or not finite) in an encoded row throws
 * InvalidBoxError naming it: log(0) would make the target −Infinity.
 */
export function encodeMatchedBoxes(
  boxes: ArrayLike<number>,
  gtBoxes: ArrayLike<number>,
  gtIndex: ArrayLike<number>,
  weights: BoxCoderWeights,
): Float32Array {
  const n = boxes.length >> 2;
  const g = gtBoxes.length >> 2;
  if (gtIndex.length !== n) {
    throw new ShapeMismatchError('one gt index per box is required', { field: 'gtIndex', expected: `${n} indices`, received: gtIndex.length });
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = gtIndex[i];
    if (m < 0) continue;
    if (!(Number.isInteger(m) && m < g)) throw new ShapeMismatchError('gt index out of range', { field: 'gtIndex', index: i, expected: `an integer < ${g}`, received: m });
    for (const [field, b, j] of [['boxes', boxes, i], ['gtBoxes', gtBoxes, m]] as const) {
      if (!(b[4 * j + 2] > b[4 * j] && b[4 * j + 3] > b[4 * j + 1])) {
        throw new InvalidBoxError(`box without area cannot be encoded (row ${i})`, { field, index: j, expected: 'x2 > x1 and y2 > y1', received: Array.from({ length: 4 }, (_, c) => b[4 * j + c]) });
      }
    }
    rows.push(i);
  }
  const out = new Float32Array(4 * n);
  if (rows.length === 0) return out;
  const picked = new Float32Array(4 * rows.length);
  const matched = new Float32Array(4 * rows.length);
  rows.forEach((i, k) => {
    const m = gtIndex[i];
    for (let c = 0; c < 4; c++) {
      picked[4 * k + c] = boxes[4 * i + c];
      matched[4 * k + c] = gtBoxes[4 * m + c];
    }
  });
  const encoded = new BoxCoder(weights).encode(matched, picked);
  rows.forEach((i, k) => {
    out.set(encoded.subarray(4 * k, 4 * k + 4), 4 * i);
  });
  return out;
}
