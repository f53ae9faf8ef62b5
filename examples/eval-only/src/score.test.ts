import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateShapesDataset } from '@det/voc';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain-JS example module
import { noisyOracle, scoreDetector } from './score.mjs';

describe('examples/eval-only', () => {
  it('scores a detector on a VOC-format dataset: a perfect one gets 1, a noisy one less', async () => {
    const root = mkdtempSync(join(tmpdir(), 'det-eval-only-'));
    const classNames = ['circle', 'square', 'triangle'];
    await generateShapesDataset(root, { images: 20, size: 64, seed: 5, classes: classNames });
    const perfect = await scoreDetector(root, (r: { groundTruth: { boxes: Float32Array; labels: Int32Array } }) => ({ boxes: r.groundTruth.boxes, scores: new Float32Array(r.groundTruth.labels.length).fill(1), labels: r.groundTruth.labels }), { set: 'trainval', classNames });
    expect(perfect.voc07.mAP).toBeCloseTo(1, 10);
    expect(perfect.coco.stats[0]).toBeCloseTo(1, 10);
    const noisy = await scoreDetector(root, noisyOracle(2), { set: 'trainval', classNames });
    expect(noisy.voc12.mAP).toBeGreaterThan(0.2);
    expect(noisy.voc12.mAP).toBeLessThan(1);
  });
});
