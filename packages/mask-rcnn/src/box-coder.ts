import { decodeBoxes, encodeBoxes, stdsFromWeights } from '@det/codec';
import { InvalidConfigError, ShapeMismatchError } from '@det/core';

/** torchvision's `bbox_xform_clip` = log(1000 / 16): the largest log size ratio a decoded box may have. */
export const BBOX_XFORM_CLIP = Math.log(1000 / 16);

/** Box-coder weights (wx, wy, ww, wh). */
export type BoxCoderWeights = readonly [number, number, number, number];

/**
 * torchvision `det_utils.BoxCoder(weights, bbox_xform_clip)`: offsets (dx, dy, dw, dh) of boxes relative to reference
 * boxes, scaled by `weights` — (1, 1, 1, 1) in the RPN, (10, 10, 5, 5) in the RoI heads. The arithmetic is @det/codec's
 * (`stds` = 1 / weights, references in `cxcywh` with centre = x1 + w/2 as torchvision computes it); values agree with
 * torchvision's float32 to rounding.
 */
export class BoxCoder {
  readonly weights: BoxCoderWeights;
  readonly bboxXformClip: number;
  readonly #stds: readonly [number, number, number, number];

  constructor(weights: BoxCoderWeights, bboxXformClip = BBOX_XFORM_CLIP) {
    if (weights.length !== 4 || !weights.every((w) => Number.isFinite(w) && w > 0)) {
      throw new InvalidConfigError('box coder weights must be 4 positive numbers', { field: 'weights', expected: '(wx, wy, ww, wh) > 0', received: weights });
    }
    this.weights = [weights[0], weights[1], weights[2], weights[3]];
    this.bboxXformClip = bboxXformClip;
    this.#stds = stdsFromWeights(this.weights);
  }

  /**
   * torchvision `decode_single`: `relCodes` [N*C*4] (C sets of offsets per reference box, e.g. one per class),
   * `boxes` [N*4] reference boxes `xyxy` pixels → Float32Array [N*C*4] decoded boxes `xyxy` (not clipped).
   * Throws NotFiniteError for a NaN/Infinity offset and InvalidBoxError for a reference box without area.
   */
  decode(relCodes: ArrayLike<number>, boxes: ArrayLike<number>): Float32Array {
    const n = boxes.length >> 2;
    if (boxes.length % 4 !== 0 || (n === 0 ? relCodes.length !== 0 : relCodes.length % (4 * n) !== 0)) {
      throw new ShapeMismatchError('relCodes must hold C×4 offsets per reference box', { field: 'relCodes', expected: `a multiple of ${4 * n}`, received: relCodes.length });
    }
    if (n === 0) return new Float32Array(0);
    const c = relCodes.length / (4 * n);
    const priors = referenceCentroids(boxes, c);
    return decodeBoxes(relCodes, priors, { stds: this.#stds, clampLogSize: this.bboxXformClip });
  }

  /**
   * torchvision `encode_single(reference_boxes, proposals)`: the offsets [N*4] that take each of `proposals` [N*4]
   * onto its `referenceBoxes` [N*4] (both `xyxy` pixels) — the regression targets.
   */
  encode(referenceBoxes: ArrayLike<number>, proposals: ArrayLike<number>): Float32Array {
    return encodeBoxes(referenceBoxes, referenceCentroids(proposals, 1), { stds: this.#stds });
  }
}

/** Reference boxes `xyxy` → `cxcywh` as torchvision computes them in float32 (w = x2 − x1, cx = x1 + 0.5·w), each repeated `c` times. */
function referenceCentroids(boxes: ArrayLike<number>, c: number): Float32Array {
  const n = boxes.length >> 2;
  const out = new Float32Array(n * c * 4);
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    const x1 = boxes[4 * i];
    const y1 = boxes[4 * i + 1];
    const w = f(boxes[4 * i + 2] - x1);
    const h = f(boxes[4 * i + 3] - y1);
    const cx = f(x1 + f(0.5 * w));
    const cy = f(y1 + f(0.5 * h));
    for (let j = 0; j < c; j++) out.set([cx, cy, w, h], 4 * (i * c + j));
  }
  return out;
}
