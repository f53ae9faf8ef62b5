import { expect, it } from 'vitest';
import { type BackendName, initBackend } from './backend';
import { batchNormTrain } from './batch-norm';
import { relativeError } from './backends.test-helper';
import { tf } from './index';

/**
 * A small SSD-style training step with plain tfjs ops: conv-BN-ReLU-maxpool backbone (one dilated conv),
 * two conv heads reshaped and concatenated, softmax cross-entropy with hard negative mining (topk + gather)
 * and smooth L1 on the positives. tfjs-backend-wasm alone cannot run its backward pass (Conv2DBackpropFilter,
 * UnsortedSegmentSum are missing, and dilated gradients throw everywhere); with @det/tfjs it runs and gives
 * the cpu backend's gradients.
 */
function trainingStep(): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w1 = tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 2), true, 'w1') as tf.Variable<tf.Rank.R4>;
    const g1 = tf.variable(tf.ones([8]), true, 'g1') as tf.Variable<tf.Rank.R1>;
    const b1 = tf.variable(tf.zeros([8]), true, 'b1') as tf.Variable<tf.Rank.R1>;
    const w2 = tf.variable(tf.randomNormal([3, 3, 8, 8], 0, 0.2, 'float32', 3), true, 'w2') as tf.Variable<tf.Rank.R4>;
    const cls = tf.variable(tf.randomNormal([3, 3, 8, 4 * 3], 0, 0.2, 'float32', 4), true, 'cls') as tf.Variable<tf.Rank.R4>;
    const loc = tf.variable(tf.randomNormal([3, 3, 8, 4 * 4], 0, 0.2, 'float32', 5), true, 'loc') as tf.Variable<tf.Rank.R4>;
    const labels = tf.tensor1d(Array.from({ length: 8 * 8 * 4 * 2 }, (_, i) => (i % 7 === 0 ? 1 + (i % 3) : 0)), 'int32');
    const targets = tf.randomNormal([2 * 8 * 8 * 4, 4], 0, 1, 'float32', 6);
    const vars = [w1, g1, b1, w2, cls, loc];
    const { value, grads } = tf.variableGrads(() => {
      let h: tf.Tensor4D = tf.conv2d(x, w1, 1, 'same');
      h = tf.relu(batchNormTrain(h, g1, b1).y) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(tf.conv2d(h, w2, 1, 'same', 'NHWC', 2)); // dilated, like SSD300's conv6
      const logits = tf.reshape(tf.conv2d(h, cls, 1, 'same'), [-1, 3]);
      const offsets = tf.reshape(tf.conv2d(h, loc, 1, 'same'), [-1, 4]);
      const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, 3), tf.logSoftmax(logits)), 1));
      const positive = tf.cast(tf.greater(labels, 0), 'float32');
      const { indices } = tf.topk(tf.mul(ce, tf.sub(1, positive)), 24); // hard negatives
      const negLoss = tf.sum(tf.gather(ce, indices));
      const diff = tf.abs(tf.sub(offsets, targets));
      const smoothL1 = tf.where(tf.less(diff, 1), tf.mul(0.5, tf.square(diff)), tf.sub(diff, 0.5));
      const locLoss = tf.sum(tf.mul(tf.sum(smoothL1, 1), positive));
      return tf.div(tf.add(tf.add(tf.sum(tf.mul(ce, positive)), negLoss), locLoss), tf.sum(positive)) as tf.Scalar;
    }, vars);
    const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose(vars);
    return out;
  });
}

it('an SSD-style training step runs on wasm with the fills and matches the cpu backend, without leaks', async () => {
  const results: Record<string, { loss: number; grads: Float32Array[] }> = {};
  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    results[backend] = trainingStep();
    expect(tf.memory().numTensors).toBe(before);
  }
  expect(Math.abs(results.wasm.loss - results.cpu.loss) / Math.abs(results.cpu.loss)).toBeLessThan(1e-4);
  results.cpu.grads.forEach((g, i) => {
    expect(g.every(Number.isFinite)).toBe(true);
    expect(relativeError(results.wasm.grads[i], g)).toBeLessThan(1e-3);
  });
});
