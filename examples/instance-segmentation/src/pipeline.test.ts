import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@det/tfjs';
import { generateShapesDataset } from '@det/voc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM example module without types
import { buildModel, drawInstances, loadInstances, scoreMaskRcnn, trainMaskRcnn } from './pipeline.mjs';

const classes = ['circle', 'square', 'triangle'];

describe('instance-segmentation example pipeline (examples/instance-segmentation) [wasm]', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-inst-example-'));
    await generateShapesDataset(root, { images: 8, size: 64, seed: 1, classes, sets: { train: 0.5, val: 0.5 } });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains a few steps with finite losses, scores COCO mask and box AP, draws detections, and leaks nothing', async () => {
    const trainSet = await loadInstances(root, { set: 'train', classNames: classes });
    const valSet = await loadInstances(root, { set: 'val', classNames: classes });
    expect(trainSet).toHaveLength(4);
    expect(trainSet[0].target.masks.length).toBe(trainSet[0].target.labels.length);
    const before = tf.memory().numTensors;
    const model = buildModel(classes, 64);
    const result = await trainMaskRcnn(model, trainSet, { batchSize: 2, steps: 2, lr: 0.01 });
    expect(result.step).toBe(2);
    for (const s of result.history) expect(Number.isFinite(s.loss)).toBe(true);
    const scores = scoreMaskRcnn(model, valSet, { classNames: classes, keep: 1 });
    for (const r of [scores.segm, scores.bbox]) {
      expect(r.stats[1]).toBeGreaterThanOrEqual(0);
      expect(r.stats[1]).toBeLessThanOrEqual(1);
    }
    const png = await drawInstances(valSet[0].image, scores.detections[0], ['background', ...classes]);
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
    expect(Buffer.from(png).readUInt32BE(16)).toBe(64); // IHDR width
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
