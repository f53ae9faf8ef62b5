import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { ReLU } from './layers/activation';
import { BatchNorm2d } from './layers/batch-norm';
import { Sequential } from './layers/containers';
import { Conv2d } from './layers/conv2d';
import { Flatten } from './layers/flatten';
import { Linear } from './layers/linear';
import { AdaptiveAvgPool2d, MaxPool2d } from './layers/pooling';
import { manualSeed } from './init';
import { assertNoLeaks, describeBackends } from './test-helpers.test-helper';

describeBackends('training loop', (backend) => {
  assertNoLeaks();
  // 500 steps on cpu; fewer on wasm, whose per-op overhead is higher (same code paths, same leak check).
  const steps = backend === 'cpu' ? 500 : 150;

  it(`${steps} SGD steps of a tiny conv-BN-ReLU net: the loss falls and no tensor leaks`, () => {
    const before = tf.memory().numTensors;
    manualSeed(3);
    const net = new Sequential(
      new Conv2d(2, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(true),
      new MaxPool2d(3, { stride: 2, ceilMode: true }),
      new Conv2d(4, 4, 3, { padding: 1, bias: false }),
      new BatchNorm2d(4),
      new ReLU(true),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Linear(4, 1),
    );
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 1);
    const target = tf.tensor2d([[1], [-1], [0.5], [2]]);
    const optimizer = tf.train.sgd(0.05);
    const step = () => {
      const loss = optimizer.minimize(() => tf.mean(tf.square(tf.sub(net.forward(x), target))) as tf.Scalar, true, net.trainableParameters());
      const value = (loss as tf.Scalar).dataSync()[0];
      loss?.dispose();
      return value;
    };
    const first = step();
    const afterFirst = tf.memory().numTensors;
    let last = first;
    for (let i = 1; i < steps; i++) {
      last = step();
      if (i % 50 === 0) expect(tf.memory().numTensors).toBe(afterFirst);
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(last).toBeLessThan(first * (steps === 500 ? 0.2 : 0.5));
    expect(net.getBuffer('1.num_batches_tracked').dataSync()[0]).toBe(steps);
    net.eval();
    const y = net.forward(x);
    expect(y.shape).toEqual([4, 1]);
    tf.dispose([x, target, y]);
    optimizer.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
