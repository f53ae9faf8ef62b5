import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nms } from '../nms';
import { batchedNmsAsync, multiclassNmsAsync, nmsAsync } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('@det/nms/tfjs', () => {
  it('gives the host results from tensors without leaking', async () => {
    const boxesData = [0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30];
    const before = tf.memory().numTensors;
    const boxes = tf.tensor2d(boxesData, [3, 4]);
    const scores = tf.tensor1d([0.9, 0.8, 0.7]);
    const idxs = tf.tensor1d([0, 1, 0], 'int32');
    expect(Array.from(await nmsAsync(boxes, scores, 0.5))).toEqual(Array.from(nms(boxesData, [0.9, 0.8, 0.7], 0.5)));
    expect(Array.from(await batchedNmsAsync(boxes, scores, idxs, 0.5))).toEqual([0, 1, 2]);
    const probs = tf.tensor2d([0.1, 0.9, 0.2, 0.8, 0.5, 0.5], [3, 2]);
    const d = await multiclassNmsAsync(boxes, probs);
    expect(Array.from(d.labels)).toEqual([0, 0]);
    tf.dispose([boxes, scores, idxs, probs]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
