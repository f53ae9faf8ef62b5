import '@tensorflow/tfjs-backend-cpu';
import { ShapeMismatchError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchedNms } from '../batched';
import { multiclassNms } from '../multiclass';
import { nms } from '../nms';
import { randomBoxes } from '../test-support';
import { batchedNmsAsync, multiclassNmsAsync, nmsAsync } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('@det/nms/tfjs', () => {
  const { boxes, scores } = randomBoxes(3, 300, { sizeRange: 10 });
  const idxs = Int32Array.from({ length: 300 }, (_, i) => i % 7);
  const probs = Float32Array.from({ length: 300 * 4 }, (_, k) => ((k * 7919) % 1000) / 1000);

  it('gives the host results from tensors, creating and disposing nothing', async () => {
    const b = tf.tensor2d(boxes, [300, 4]);
    const s = tf.tensor1d(scores);
    const c = tf.tensor1d(idxs, 'int32');
    const p = tf.tensor2d(probs, [300, 4]);
    const before = tf.memory().numTensors;
    expect(await nmsAsync(b, s, 0.5)).toEqual(nms(boxes, scores, 0.5));
    expect(await batchedNmsAsync(b, s, c, 0.45)).toEqual(batchedNms(boxes, scores, idxs, 0.45));
    expect(await multiclassNmsAsync(b, p, { topK: 50 })).toEqual(multiclassNms(boxes, probs, { topK: 50 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(b.isDisposed).toBe(false);
    tf.dispose([b, s, c, p]);
  });

  it('checks tensor shapes', async () => {
    const before = tf.memory().numTensors;
    const flat = tf.tensor1d([0, 0, 1, 1]);
    const wide = tf.tensor2d([0, 0, 1, 1, 0], [1, 5]);
    const s = tf.tensor1d([0.5]);
    const probs = tf.tensor2d([0.5, 0.5, 0.5, 0.5], [2, 2]);
    const box = tf.tensor2d([0, 0, 1, 1], [1, 4]);
    await expect(nmsAsync(flat as unknown as tf.Tensor2D, s, 0.5)).rejects.toThrow(ShapeMismatchError);
    await expect(nmsAsync(wide, s, 0.5)).rejects.toThrow(/field 'boxes'/);
    await expect(multiclassNmsAsync(box, probs)).rejects.toThrow(/field 'scores'/);
    tf.dispose([flat, wide, s, probs, box]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
