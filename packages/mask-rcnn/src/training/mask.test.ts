/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { InvalidLabelError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { assertNoLeaks, describeBackends } from '../../../nn/src/test-helpers.test-helper';
import { type GtMasks, maskTrainingTargets, projectMasksOnBoxes } from './mask-targets';
import { maskrcnnLoss } from './maskrcnn-loss';
import type { RoiSamples } from './roi-samples';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference().mask;
const { height, width, m, c } = ref;
const images: any[] = ref.images;

function gtMasksOf(im: any): GtMasks {
  const g = im.gt_masks.length / (height * width);
  return { masks: Array.from({ length: g }, (_, i) => Uint8Array.from(im.gt_masks.slice(i * height * width, (i + 1) * height * width))), height, width };
}

describeBackends('projectMasksOnBoxes / maskrcnnLoss (torchvision project_masks_on_boxes, maskrcnn_loss)', () => {
  assertNoLeaks();

  it('projects the gt masks like torchvision (roi_align M×M, scale 1, adaptive sampling; tiny and out-of-image boxes)', () => {
    images.forEach((im, i) => {
      const t = projectMasksOnBoxes(gtMasksOf(im), im.proposals, im.matched_idxs, m);
      expect(t.shape).toEqual([im.matched_idxs.length, m, m]);
      expectRelClose(t, im.mask_targets, `mask targets ${i}`, 1e-5, 1);
      t.dispose();
    });
  });

  it('matches torchvision’s loss and its gradient w.r.t. the NHWC mask logits', () => {
    const k = ref.labels.length;
    const logits = tf.tensor4d(ref.mask_logits, [k, m, m, c]);
    const targets = tf.tidy(() => tf.concat(images.map((im) => projectMasksOnBoxes(gtMasksOf(im), im.proposals, im.matched_idxs, m)), 0)) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const loss = maskrcnnLoss(logits, ref.labels, targets);
    expect(tf.memory().numTensors).toBe(before + 1);
    expectRelClose(loss, [ref.loss], 'maskrcnn loss');
    const grad = tf.grad((x: tf.Tensor) => maskrcnnLoss(x as tf.Tensor4D, ref.labels, targets))(logits);
    expectRelClose(grad, ref.grad, 'maskrcnn d/d mask_logits');
    tf.dispose([logits, targets, loss, grad]);
  });

  it('is 0 with a zero gradient (not NaN) without positives, as torchvision’s mask_logits.sum() * 0', () => {
    const logits = tf.zeros([0, m, m, c]) as tf.Tensor4D;
    const targets = projectMasksOnBoxes(gtMasksOf(images[0]), [], [], m);
    const loss = maskrcnnLoss(logits, [], targets);
    expect(loss.dataSync()[0]).toBe(ref.empty_loss);
    const grad = tf.grad((x: tf.Tensor) => maskrcnnLoss(x as tf.Tensor4D, [], targets))(logits);
    expect(grad.shape).toEqual([0, m, m, c]);
    tf.dispose([logits, targets, loss, grad]);
  });

  it('gathers the positives of RoI samples per image (maskTrainingTargets)', () => {
    const samples: RoiSamples[] = images.map((im) => {
      const k = im.matched_idxs.length;
      // one background row in front of the positives
      const proposals = Float32Array.from([0, 0, 5, 5, ...im.proposals]);
      const labels = Int32Array.from([0, ...im.matched_idxs.map((g: number) => (g % 2) + 1)]);
      return { proposals, labels, matchedIdxs: Int32Array.from([0, ...im.matched_idxs]), regressionTargets: new Float32Array(4 * (k + 1)) };
    });
    const out = maskTrainingTargets(samples, images.map(gtMasksOf), m);
    const k = ref.labels.length;
    expect(out.targets.shape).toEqual([k, m, m]);
    expect(out.labels.length).toBe(k);
    expect(Array.from(out.imageIndex)).toEqual(images.flatMap((im, i) => im.matched_idxs.map(() => i)));
    expectRelClose(out.targets, images.flatMap((im) => im.mask_targets), 'mask targets (batch)', 1e-5, 1);
    expect(Array.from(out.proposals)).toEqual(Array.from(Float32Array.from(images.flatMap((im) => im.proposals))));
    out.targets.dispose();
  });

  it('names bad labels, shapes and indices', () => {
    const logits = tf.zeros([2, m, m, c]) as tf.Tensor4D;
    const targets = tf.zeros([2, m, m]) as tf.Tensor3D;
    expect(() => maskrcnnLoss(logits, [1, 0], targets)).toThrow(InvalidLabelError);
    expect(() => maskrcnnLoss(logits, [1, c], targets)).toThrow(/field 'labels', index 1/);
    expect(() => maskrcnnLoss(logits, [1], targets)).toThrow(/maskLogits/);
    const wrong = tf.zeros([2, m + 1, m + 1]) as tf.Tensor3D;
    expect(() => maskrcnnLoss(logits, [1, 2], wrong)).toThrow(ShapeMismatchError);
    const gt = gtMasksOf(images[0]);
    expect(() => projectMasksOnBoxes(gt, [0, 0, 5, 5, 1, 1, 4, 4], [0, 9], m)).toThrow(/matchedIdxs', index 1/);
    expect(() => projectMasksOnBoxes({ ...gt, height: height + 1 }, [0, 0, 5, 5], [0], m)).toThrow(/masks\[0\]/);
    expect(() => projectMasksOnBoxes(gt, [0, 0, 5], [0], m)).toThrow(ShapeMismatchError);
    tf.dispose([logits, targets, wrong]);
  });
});
