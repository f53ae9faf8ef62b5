/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { createRandom, InvalidBoxError, InvalidLabelError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks, describeBackends } from '../../../nn/src/test-helpers.test-helper';
import { type RpnLossInputs, rpnLoss } from './rpn-loss';
import { ANCHOR_IGNORED, ANCHOR_NEGATIVE, ANCHOR_POSITIVE, assignTargetsToAnchors, rpnTargets } from './rpn-targets';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference().rpn;
const anchors: number[] = ref.anchors;
const numAnchors = anchors.length / 4;
const images: any[] = ref.images;
const gtBoxes = images.map((im) => im.gt_boxes as number[]);
const perImageAnchors = images.map(() => anchors);

function counts(labels: ArrayLike<number>, from: number, to: number): [number, number] {
  let pos = 0;
  let neg = 0;
  for (let i = from; i < to; i++) {
    if (labels[i] === ANCHOR_POSITIVE) pos++;
    else if (labels[i] === ANCHOR_NEGATIVE) neg++;
  }
  return [pos, neg];
}

describe('assignTargetsToAnchors / rpnTargets (torchvision RPN assign_targets_to_anchors + fg_bg_sampler)', () => {
  it('gives torchvision’s labels (fg 0.7, bg 0.3, low-quality ties) and positive regression targets; no objects → all background', () => {
    const t = assignTargetsToAnchors(perImageAnchors, gtBoxes);
    expect(t.anchorsPerImage).toEqual(images.map(() => numAnchors));
    images.forEach((im, i) => {
      expect(Array.from(t.labels.subarray(i * numAnchors, (i + 1) * numAnchors)), `image ${i} labels`).toEqual(im.labels);
      expectRelClose(t.regressionTargets.subarray(4 * i * numAnchors, 4 * (i + 1) * numAnchors), im.regression_targets, 'rpn regression targets', 1e-5, 1);
    });
    expect(counts(t.labels, numAnchors, 2 * numAnchors)).toEqual([0, numAnchors]);
  });

  it('samples torchvision’s counts per image (256 at 0.5 by default; 32 as in the fixture)', () => {
    const random = createRandom(11);
    for (const c of ref.losses) {
      const t = rpnTargets(perImageAnchors, gtBoxes, { batchSizePerImage: c.batch_size_per_image, random });
      images.forEach((_, i) => {
        const from = i * numAnchors;
        expect(counts(t.labels, from, from + numAnchors), `image ${i}, batch ${c.batch_size_per_image}`).toEqual(counts(c.labels, from, from + numAnchors));
      });
      // Sampled positives are positives of the assignment; everything else is ignored.
      const assigned = assignTargetsToAnchors(perImageAnchors, gtBoxes).labels;
      t.labels.forEach((l, j) => {
        if (l !== ANCHOR_IGNORED) expect(l).toBe(assigned[j]);
      });
    }
  });

  it('accepts zero-area gt boxes (they match nothing) and names boxes with x2 < x1', () => {
    const t = assignTargetsToAnchors([anchors], [[10, 10, 10, 20]]);
    expect(counts(t.labels, 0, numAnchors)).toEqual([0, numAnchors]);
    expect(Array.from(t.regressionTargets).every((v) => v === 0)).toBe(true);
    expect(() => assignTargetsToAnchors([anchors, anchors], [[], [0, 0, 5, 5, 9, 0, 8, 4]])).toThrow(InvalidBoxError);
    expect(() => assignTargetsToAnchors([anchors, anchors], [[], [0, 0, 5, 5, 9, 0, 8, 4]])).toThrow(/gtBoxes\[1\]', index 1/);
    expect(() => assignTargetsToAnchors([anchors], [[], []])).toThrow(ShapeMismatchError);
  });
});

describeBackends('rpnLoss (torchvision RegionProposalNetwork.compute_loss)', () => {
  assertNoLeaks();

  const regressionTargets = Float32Array.from(images.flatMap((im) => im.regression_targets));

  ref.losses.forEach((c: any) => {
    it(`matches torchvision’s values and gradients (${c.batch_size_per_image} sampled per image)`, () => {
      const objectness = tf.tensor2d(c.objectness, [c.objectness.length, 1]);
      const deltas = tf.tensor2d(c.pred_bbox_deltas, [c.objectness.length, 4]);
      const before = tf.memory().numTensors;
      const { lossObjectness, lossRpnBoxReg } = rpnLoss({ objectness, predBboxDeltas: deltas, labels: c.labels, regressionTargets });
      expect(tf.memory().numTensors).toBe(before + 2);
      expectRelClose(lossObjectness, [c.loss_objectness], 'rpn loss_objectness');
      expectRelClose(lossRpnBoxReg, [c.loss_rpn_box_reg], 'rpn loss_rpn_box_reg');
      const grads = tf.grads((o: tf.Tensor, d: tf.Tensor) => {
        const r = rpnLoss({ objectness: o, predBboxDeltas: d, labels: c.labels, regressionTargets });
        return tf.add(r.lossObjectness, r.lossRpnBoxReg);
      })([objectness, deltas]);
      expectRelClose(grads[0], c.grad_objectness, 'rpn d/d objectness');
      expectRelClose(grads[1], c.grad_pred_bbox_deltas, 'rpn d/d pred_bbox_deltas');
      tf.dispose([objectness, deltas, lossObjectness, lossRpnBoxReg, ...grads]);
    });
  });

  it('is 0 with a zero gradient when nothing is sampled, and finite for background-only batches', () => {
    const objectness = tf.tensor1d([0.3, -2, 5]);
    const deltas = tf.tensor2d([1, 2, 3, 4, 0, 0, 0, 0, -1, 1, -1, 1], [3, 4]);
    const targets = new Float32Array(12);
    const none: RpnLossInputs = { objectness, predBboxDeltas: deltas, labels: [-1, -1, -1], regressionTargets: targets };
    const [go, gd] = tf.grads((o: tf.Tensor, d: tf.Tensor) => {
      const r = rpnLoss({ ...none, objectness: o, predBboxDeltas: d });
      return tf.add(r.lossObjectness, r.lossRpnBoxReg);
    })([objectness, deltas]);
    expect(Array.from(go.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(gd.dataSync()).every((v) => v === 0)).toBe(true);
    const bg = rpnLoss({ ...none, labels: [0, 0, -1] });
    expect(bg.lossRpnBoxReg.dataSync()[0]).toBe(0);
    expect(bg.lossObjectness.dataSync()[0]).toBeCloseTo((Math.log1p(Math.exp(0.3)) + Math.log1p(Math.exp(-2))) / 2, 6);
    tf.dispose([objectness, deltas, go, gd, bg.lossObjectness, bg.lossRpnBoxReg]);
  });

  it('names bad labels, shapes and targets', () => {
    const objectness = tf.zeros([2]);
    const deltas = tf.zeros([2, 4]);
    const ok: RpnLossInputs = { objectness, predBboxDeltas: deltas, labels: [1, 0], regressionTargets: new Float32Array(8) };
    expect(() => rpnLoss({ ...ok, labels: [1, 2] })).toThrow(InvalidLabelError);
    expect(() => rpnLoss({ ...ok, labels: [1, 2] })).toThrow(/index 1/);
    expect(() => rpnLoss({ ...ok, labels: [1, 0, 0] })).toThrow(ShapeMismatchError);
    expect(() => rpnLoss({ ...ok, regressionTargets: new Float32Array(4) })).toThrow(/regressionTargets/);
    expect(() => rpnLoss({ ...ok, regressionTargets: Float32Array.of(0, 0, 0, 0, 0, Number.NEGATIVE_INFINITY, 0, 0) })).toThrow(NotFiniteError);
    expect(() => rpnLoss({ ...ok, predBboxDeltas: objectness })).toThrow(/predBboxDeltas/);
    tf.dispose([objectness, deltas]);
  });
});
