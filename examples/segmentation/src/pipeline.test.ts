import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@det/tfjs';
import { generateShapesDataset, loadVocSegmentation } from '@det/voc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM example module without types
import { buildModel, scoreSegmenter, trainSegmenter } from './pipeline.mjs';

const classes = ['circle', 'square', 'triangle'];

describe('segmentation example pipeline (examples/segmentation) [wasm]', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-seg-example-'));
    await generateShapesDataset(root, { images: 10, size: 32, seed: 1, classes, sets: { train: 0.6, val: 0.4 } });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const arch of ['pspnet', 'fcn8s']) {
    it(`${arch}: trains a few steps with finite loss, scores mIoU on the masks, and leaks nothing`, async () => {
      const trainSet = await loadVocSegmentation(root, { set: 'train', classNames: classes });
      const valSet = await loadVocSegmentation(root, { set: 'val', classNames: classes });
      const before = tf.memory().numTensors;
      const model = buildModel(arch, 4);
      const result = await trainSegmenter(model, trainSet.records, { size: 32, batchSize: 2, steps: 3, lr: 0.01 });
      expect(result.step).toBe(3);
      for (const s of result.history) expect(Number.isFinite(s.loss)).toBe(true);
      const scores = await scoreSegmenter(model, valSet.records, { size: 32, numClasses: 4, keep: 2 });
      expect(scores.mIoU).toBeGreaterThanOrEqual(0);
      expect(scores.mIoU).toBeLessThanOrEqual(1);
      expect(scores.predictions).toHaveLength(2);
      expect(scores.predictions[0].data).toHaveLength(32 * 32);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
