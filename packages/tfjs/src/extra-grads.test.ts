import { expect, it } from 'vitest';
import { describeBackends } from './backends.test-helper';
import { tf } from './index';

describeBackends('gradients tfjs-core lacks', () => {
  it('topk: the values gradient lands on the selected positions (per row), nothing elsewhere', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([
        [0.1, 0.9, 0.3, 0.7],
        [5, -1, 2, 4],
      ]);
      const r = tf.tensor2d([
        [10, 20],
        [30, 40],
      ]);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.topk(a, 2).values, r)))(x);
      expect(Array.from(dx.dataSync())).toEqual([0, 10, 0, 20, 30, 0, 0, 40]);
    });
  });

  it('comparisons and logical ops have zero gradients (smooth L1 through tf.where(tf.less(...)))', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([-2, -0.5, 0.25, 3]);
      const smoothL1 = (a: tf.Tensor) => {
        const d = tf.abs(a);
        return tf.sum(tf.where(tf.logicalAnd(tf.less(d, 1), tf.notEqual(d, 7)), tf.mul(0.5, tf.square(d)), tf.sub(d, 0.5)));
      };
      expect(Array.from(tf.grad(smoothL1)(x).dataSync())).toEqual([-1, -0.5, 0.25, 1]);
      for (const op of [tf.greater, tf.lessEqual, tf.equal]) {
        expect(Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.cast(op(a, 0), 'float32')))(x).dataSync())).toEqual([0, 0, 0, 0]);
      }
    });
  });

  it('gather through indices that depend on the variables (hard negative mining) and gatherND / scatterND', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0.5, 3, 1, 2]);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.gather(a, tf.topk(a, 2).indices)))(x);
      expect(Array.from(dx.dataSync())).toEqual([0, 1, 0, 1]);
      const p = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const idx = tf.tensor2d(
        [
          [1, 0],
          [1, 0],
          [0, 1],
        ],
        [3, 2],
        'int32',
      );
      expect(Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gatherND(a, idx), tf.tensor1d([1, 2, 3]))))(p).dataSync())).toEqual([0, 3, 3, 0]);
      const upd = tf.tensor1d([5, 6, 7]);
      const w = tf.tensor2d([
        [1, 10],
        [100, 1000],
      ]);
      expect(Array.from(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.scatterND(idx, u, [2, 2]), w)))(upd).dataSync())).toEqual([100, 100, 10]);
    });
  });
});
