import { InvalidConfigError, NotFiniteError } from '@det/core';
import { Module } from '@det/nn';
import { argsortDescendingTopK, batchedNms } from '@det/nms';
import { tf } from '@det/tfjs';
import type { AnchorGenerator, HW } from './anchor-generator';
import { BoxCoder } from './box-coder';
import { clipBoxesToImage, removeSmallBoxes, takeRows } from './box-ops';
import type { FeatureDict } from './feature-dict';
import type { ImageList } from './image-list';
import type { RPNHead } from './rpn-head';

/** A value for training and one for evaluation (torchvision's `dict(training=…, testing=…)`). */
export interface TrainTest {
  training: number;
  testing: number;
}

export interface RegionProposalNetworkOptions {
  /** Training: IoU at or above which an anchor is positive. Default 0.7. */
  fgIouThresh?: number;
  /** Training: IoU below which an anchor is negative. Default 0.3. */
  bgIouThresh?: number;
  /** Training: anchors sampled per image for the loss. Default 256. */
  batchSizePerImage?: number;
  /** Training: positive share of the sample. Default 0.5. */
  positiveFraction?: number;
  /** Top-scoring anchors kept per level before NMS. Default { training: 2000, testing: 1000 }. */
  preNmsTopN?: TrainTest;
  /** Proposals kept per image after NMS. Default { training: 2000, testing: 1000 }. */
  postNmsTopN?: TrainTest;
  /** NMS IoU threshold, applied per level. Default 0.7. */
  nmsThresh?: number;
  /** Proposals scoring below this (sigmoid of the objectness) are dropped. Default 0.0. */
  scoreThresh?: number;
}

/**
 * The RPN's raw outputs for a batch (torchvision's `concat_box_prediction_layers` layout). The tensors belong to the
 * caller. Anchor order: level, row, column, cell anchor.
 * - `objectness` [N, A] logits; `predBboxDeltas` [N, A, 4] offsets (weights 1, 1, 1, 1) relative to `anchors`.
 * - `anchors` [A*4] `xyxy` in the padded batch's pixels, the same for every image.
 */
export interface RpnHeadOutputs {
  objectness: tf.Tensor2D;
  predBboxDeltas: tf.Tensor3D;
  anchors: Float32Array;
  numAnchorsPerLevel: number[];
}

/** Proposals per image: `boxes` [K*4] `xyxy` pixels of the resized image, `scores` [K] objectness probabilities, best first. */
export interface Proposals {
  boxes: Float32Array[];
  scores: Float32Array[];
}

/** The minimal side a proposal must have (torchvision's `self.min_size`). */
export const RPN_MIN_SIZE = 1e-3;

/**
 * torchvision `RegionProposalNetwork` (children `anchor_generator`, `head`). Inference: per level, the
 * `preNmsTopN` anchors with the highest objectness; their deltas decoded (BoxCoder weights 1, 1, 1, 1, clip
 * log(1000/16)); per image: clipped to the image, boxes with a side < 1e-3 and scores below `scoreThresh`
 * dropped, NMS at `nmsThresh` per level (@det/nms `batchedNms`), the best `postNmsTopN` kept. The training
 * values of the top-n apply when the module is in training mode. The training options (matcher thresholds,
 * sampler) are kept on the module for the training losses.
 */
export class RegionProposalNetwork extends Module<[ImageList, FeatureDict], Proposals> {
  static override readonly torchName: string = 'RegionProposalNetwork';
  readonly boxCoder = new BoxCoder([1, 1, 1, 1]);
  readonly fgIouThresh: number;
  readonly bgIouThresh: number;
  readonly batchSizePerImage: number;
  readonly positiveFraction: number;
  readonly preNmsTopNs: TrainTest;
  readonly postNmsTopNs: TrainTest;
  readonly nmsThresh: number;
  readonly scoreThresh: number;
  readonly minSize = RPN_MIN_SIZE;

  constructor(anchorGenerator: AnchorGenerator, head: RPNHead, options: RegionProposalNetworkOptions = {}) {
    super();
    const {
      fgIouThresh = 0.7,
      bgIouThresh = 0.3,
      batchSizePerImage = 256,
      positiveFraction = 0.5,
      preNmsTopN = { training: 2000, testing: 1000 },
      postNmsTopN = { training: 2000, testing: 1000 },
      nmsThresh = 0.7,
      scoreThresh = 0,
    } = options;
    for (const [field, v] of [
      ['preNmsTopN', preNmsTopN],
      ['postNmsTopN', postNmsTopN],
    ] as const) {
      if (![v.training, v.testing].every((k) => Number.isInteger(k) && k > 0)) {
        throw new InvalidConfigError(`${field} needs positive integers`, { field, expected: '{ training, testing } > 0', received: v });
      }
    }
    this.registerModule('anchor_generator', anchorGenerator);
    this.registerModule('head', head);
    this.fgIouThresh = fgIouThresh;
    this.bgIouThresh = bgIouThresh;
    this.batchSizePerImage = batchSizePerImage;
    this.positiveFraction = positiveFraction;
    this.preNmsTopNs = { ...preNmsTopN };
    this.postNmsTopNs = { ...postNmsTopN };
    this.nmsThresh = nmsThresh;
    this.scoreThresh = scoreThresh;
  }

  /** The per-level top-n for the current mode. */
  preNmsTopN(): number {
    return this.training ? this.preNmsTopNs.training : this.preNmsTopNs.testing;
  }

  /** The per-image top-n for the current mode. */
  postNmsTopN(): number {
    return this.training ? this.postNmsTopNs.training : this.postNmsTopNs.testing;
  }

  /** The head's outputs and the anchors for `images` (torchvision's forward up to `concat_box_prediction_layers`). */
  headOutputs(images: ImageList, features: FeatureDict): RpnHeadOutputs {
    const maps = Object.values(features);
    const [n, height, width] = images.tensors.shape;
    const featureSizes = maps.map((f) => [f.shape[1], f.shape[2]] as HW);
    const anchors = this.get<AnchorGenerator>('anchor_generator').forward([height, width], featureSizes);
    const numAnchorsPerLevel: number[] = [];
    const [objectness, predBboxDeltas] = tf.tidy(() => {
      const [logits, deltas] = this.get<RPNHead>('head').forward(maps);
      logits.forEach((l) => {
        numAnchorsPerLevel.push(l.shape[1] * l.shape[2] * l.shape[3]);
      });
      const obj = tf.concat(
        logits.map((l) => tf.reshape(l, [n, -1])),
        1,
      ) as tf.Tensor2D;
      const del = tf.concat(
        deltas.map((d) => tf.reshape(d, [n, -1, 4])),
        1,
      ) as tf.Tensor3D;
      return [obj, del];
    });
    return { objectness, predBboxDeltas, anchors, numAnchorsPerLevel };
  }

  /**
   * torchvision `filter_proposals` (with the decoding of the chosen anchors folded in): `objectness` [N*A] logits,
   * `deltas` [N*A*4], `anchors` [A*4], `imageSizes` (H, W) per image → {@link Proposals}.
   */
  filterProposals(objectness: ArrayLike<number>, deltas: ArrayLike<number>, anchors: Float32Array, imageSizes: readonly HW[], numAnchorsPerLevel: readonly number[]): Proposals {
    const total = anchors.length >> 2;
    const preN = this.preNmsTopN();
    const postN = this.postNmsTopN();
    const boxesOut: Float32Array[] = [];
    const scoresOut: Float32Array[] = [];
    imageSizes.forEach((size, img) => {
      // Top-n anchors per level, best first (ties: lower index first).
      const picked: number[] = [];
      const levels: number[] = [];
      let offset = 0;
      numAnchorsPerLevel.forEach((count, level) => {
        const ob = Float32Array.from({ length: count }, (_, i) => objectness[img * total + offset + i]);
        if (ob.some(Number.isNaN)) throw new NotFiniteError('objectness is NaN', { field: 'objectness', index: img });
        const top = argsortDescendingTopK(ob, Math.min(preN, count));
        for (const i of top) {
          picked.push(offset + i);
          levels.push(level);
        }
        offset += count;
      });
      const k = picked.length;
      const rel = new Float32Array(k * 4);
      const ref = new Float32Array(k * 4);
      const scores = new Float32Array(k);
      picked.forEach((a, j) => {
        for (let c = 0; c < 4; c++) {
          rel[4 * j + c] = deltas[(img * total + a) * 4 + c];
          ref[4 * j + c] = anchors[4 * a + c];
        }
        scores[j] = Math.fround(1 / (1 + Math.exp(-objectness[img * total + a])));
      });
      let boxes = clipBoxesToImage(this.boxCoder.decode(rel, ref), size);
      let lvl = Int32Array.from(levels);
      let sc = scores;
      const big = removeSmallBoxes(boxes, this.minSize);
      const thresh = Math.fround(this.scoreThresh);
      const keep1 = Int32Array.from(big).filter((i) => sc[i] >= thresh);
      boxes = takeRows(boxes, keep1, 4);
      sc = takeRows(sc, keep1, 1);
      lvl = takeRows(lvl, keep1, 1);
      const keep = batchedNms(boxes, sc, lvl, this.nmsThresh).subarray(0, postN);
      boxesOut.push(takeRows(boxes, keep, 4));
      scoresOut.push(takeRows(sc, keep, 1));
    });
    return { boxes: boxesOut, scores: scoresOut };
  }

  /** Proposals for `images` from `features` (the FPN's maps, all levels). Leaves no tensor behind. */
  forward(images: ImageList, features: FeatureDict): Proposals {
    const out = this.headOutputs(images, features);
    try {
      return this.filterProposals(out.objectness.dataSync(), out.predBboxDeltas.dataSync(), out.anchors, images.imageSizes, out.numAnchorsPerLevel);
    } finally {
      tf.dispose([out.objectness, out.predBboxDeltas]);
    }
  }
}
