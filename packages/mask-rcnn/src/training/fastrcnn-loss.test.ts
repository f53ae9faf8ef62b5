/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { InvalidLabelError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { assertNoLeaks, describeBackends } from '../../../nn/src/test-helpers.test-helper';
import { fastrcnnLoss } from './fastrcnn-loss';
import { expectRelClose, reference, reportParity } from './test-support.test-helper';

reportParity();
const ref = reference().fastrcnn;

describeBackends('fastrcnnLoss (torchvision roi_heads.fastrcnn_loss)', () => {
  assertNoLeaks();
  ref.forEach((c: any) => {
    it(`matches torchvision’s values and gradients (K ${c.k}, C ${c.c}, ${c.labels.filter((l: number) => l > 0).length} positives)`, () => {
      const logits = tf.tensor2d(c.class_logits, [c.k, c.c]);
      const box = tf.tensor2d(c.box_regression, [c.k, 4 * c.c]);
      const before = tf.memory().numTensors;
      const r = fastrcnnLoss(logits, box, c.labels, c.regression_targets);
      expect(tf.memory().numTensors).toBe(before + 2);
      expectRelClose(r.lossClassifier, [c.loss_classifier], 'fastrcnn loss_classifier');
      expectRelClose(r.lossBoxReg, [c.loss_box_reg], 'fastrcnn loss_box_reg');
      const grads = tf.grads((l: tf.Tensor, b: tf.Tensor) => {
        const out = fastrcnnLoss(l as tf.Tensor2D, b as tf.Tensor2D, c.labels, c.regression_targets);
        return tf.add(out.lossClassifier, out.lossBoxReg);
      })([logits, box]);
      expectRelClose(grads[0], c.grad_class_logits, 'fastrcnn d/d class_logits');
      expectRelClose(grads[1], c.grad_box_regression, 'fastrcnn d/d box_regression');
      tf.dispose([logits, box, r.lossClassifier, r.lossBoxReg, ...grads]);
    });
  });

  it('is 0 (not NaN), connected, for no samples', () => {
    const logits = tf.zeros([0, 3]) as tf.Tensor2D;
    const box = tf.zeros([0, 12]) as tf.Tensor2D;
    const [gl, gb] = tf.grads((l: tf.Tensor, b: tf.Tensor) => {
      const out = fastrcnnLoss(l as tf.Tensor2D, b as tf.Tensor2D, [], []);
      return tf.add(out.lossClassifier, out.lossBoxReg);
    })([logits, box]);
    expect(gl.shape).toEqual([0, 3]);
    const r = fastrcnnLoss(logits, box, [], []);
    expect([r.lossClassifier.dataSync()[0], r.lossBoxReg.dataSync()[0]]).toEqual([0, 0]);
    tf.dispose([logits, box, gl, gb, r.lossClassifier, r.lossBoxReg]);
  });

  it('names bad labels, shapes and targets', () => {
    const logits = tf.zeros([2, 3]) as tf.Tensor2D;
    const box = tf.zeros([2, 12]) as tf.Tensor2D;
    const targets = new Float32Array(8);
    expect(() => fastrcnnLoss(logits, box, [0, 3], targets)).toThrow(InvalidLabelError);
    expect(() => fastrcnnLoss(logits, box, [0, 3], targets)).toThrow(/field 'labels', index 1/);
    expect(() => fastrcnnLoss(logits, box, [0, -1], targets)).toThrow(InvalidLabelError);
    expect(() => fastrcnnLoss(logits, box, [0, 1, 1], targets)).toThrow(/classLogits/);
    const narrow = tf.zeros([2, 8]) as tf.Tensor2D;
    expect(() => fastrcnnLoss(logits, narrow, [0, 1], targets)).toThrow(ShapeMismatchError);
    expect(() => fastrcnnLoss(logits, box, [0, 1], Float32Array.of(0, 0, 0, 0, Number.NaN, 0, 0, 0))).toThrow(NotFiniteError);
    tf.dispose([logits, box, narrow]);
  });
});
