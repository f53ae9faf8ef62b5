/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { readFileSync } from 'node:fs';
import { ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks, describeBackends } from '../../nn/src/test-helpers.test-helper';
import { mineHardNegatives } from './hard-negatives';
import { multiBoxLoss } from './multibox-loss';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/ssd/multibox_loss.json', import.meta.url), 'utf8'));

function targetsOf(c: any) {
  return { locTargets: Float32Array.from(c.loc_targets), labels: Int32Array.from(c.labels), numPositives: Int32Array.from(c.num_positives), batchSize: c.batch, numPriors: c.priors };
}

describeBackends('multiBoxLoss', () => {
  assertNoLeaks();
  fixture.cases.forEach((c: any, i: number) => {
    it(`matches torchvision SSD.compute_loss (case ${i}: ${c.batch} images, ${c.priors} priors, ${c.classes} classes)`, () => {
      const loc = tf.tensor3d(c.bbox_regression, [c.batch, c.priors, 4]);
      const conf = tf.tensor3d(c.cls_logits, [c.batch, c.priors, c.classes]);
      const r = multiBoxLoss(loc, conf, targetsOf(c));
      expect(r.loc.dataSync()[0]).toBeCloseTo(c.loss_bbox, 4);
      expect(r.conf.dataSync()[0]).toBeCloseTo(c.loss_cls, 4);
      expect(r.loss.dataSync()[0]).toBeCloseTo(c.loss_bbox + c.loss_cls, 4);
      tf.dispose([loc, conf, r.loss, r.loc, r.conf]);
    });
  });

  it('is finite (zero box loss) for a batch without objects, and differentiable', () => {
    const init = [tf.randomNormal([2, 10, 4]), tf.randomNormal([2, 10, 3])];
    const [loc, conf] = init.map((t) => tf.variable(t));
    const targets = { locTargets: new Float32Array(80), labels: new Int32Array(20), numPositives: new Int32Array(2), batchSize: 2, numPriors: 10 };
    const { value, grads } = tf.variableGrads(() => multiBoxLoss(loc, conf, targets).loss, [loc, conf]);
    expect(value.dataSync()[0]).toBe(0);
    expect(Array.from(grads[conf.name].dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([...init, loc, conf, value, ...Object.values(grads)]);
  });

  it('names the bad label and shape', () => {
    const loc = tf.zeros([1, 2, 4]);
    const conf = tf.zeros([1, 2, 3]);
    const targets = { locTargets: new Float32Array(8), labels: Int32Array.from([0, 3]), numPositives: Int32Array.from([1]), batchSize: 1, numPriors: 2 };
    expect(() => multiBoxLoss(loc, conf, targets)).toThrow(ShapeMismatchError);
    expect(() => multiBoxLoss(loc, conf, targets)).toThrow(/label outside/);
    const wrong = tf.zeros([1, 3, 4]);
    expect(() => multiBoxLoss(wrong, conf, { ...targets, labels: new Int32Array(2) })).toThrow(/loc does not match/);
    tf.dispose([loc, conf, wrong]);
  });
});

describe('mineHardNegatives', () => {
  it('keeps positives and the 3× hardest negatives per image, ties to the lower index', () => {
    const loss = [5, 1, 9, 2, 2, 0, /* image 2 */ 1, 1, 1, 1, 1, 1];
    const labels = [0, 2, 0, 0, 0, 0, /* image 2 */ 0, 0, 0, 0, 0, 0];
    expect(Array.from(mineHardNegatives(loss, labels, 2))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(mineHardNegatives([1, 1, 1], [1, 0, 0], 1, 5))).toEqual([1, 1, 1]);
  });
});
