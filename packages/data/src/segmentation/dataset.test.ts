import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @det/data does not depend on @det/voc (which has the VOC readers); the test uses its sources directly.
import { generateShapesDataset, loadVocSegmentation, readPaletteMaskFile, type VocSegmentationRecord, writePaletteMask } from '@det/voc';
import { DataLoader } from '../loader';
import { createRandom } from '../random';
import { collateSegmentation } from './collate';
import { segmentationDataset } from './dataset';
import { segmentationTrainTransform } from './transforms';

let dir: string;
let records: VocSegmentationRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'det-data-seg-'));
  await generateShapesDataset(dir, { images: 4, size: 32 });
  ({ records } = await loadVocSegmentation(dir, { classNames: ['circle', 'square', 'triangle'] }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('segmentationDataset', () => {
  it('reads images and decoded VOC class masks', async () => {
    expect(records.length).toBe(4);
    const dataset = segmentationDataset(records);
    expect(dataset.length).toBe(4);
    const s = await dataset.get(0, createRandom(0));
    expect([s.image.width, s.image.height, s.mask.width, s.mask.height]).toEqual([32, 32, 32, 32]);
    expect(s.image.data.length).toBe(32 * 32 * 3);
    expect(s.mask.data).toEqual(records[0].classMask?.data);
    expect(s.mask.data).not.toBe(records[0].classMask?.data);
    const labels = new Set(s.mask.data);
    for (const v of labels) expect([0, 1, 2, 3, 255]).toContain(v);
    expect(labels.size).toBeGreaterThan(1);
  });

  it('reads mask files with readMask, applies the transform, and batches through the DataLoader', async () => {
    const lazy = records.map(({ path, classMaskPath }) => ({ path, classMaskPath }));
    const dataset = segmentationDataset(lazy, { readMask: readPaletteMaskFile, transform: segmentationTrainTransform({ size: 24 }) });
    const loader = new DataLoader(dataset, { batchSize: 2, seed: 3, collate: collateSegmentation });
    const batches = [];
    for await (const batch of loader.epoch(0)) batches.push(batch);
    expect(batches.length).toBe(2);
    for (const b of batches) {
      expect([b.batchSize, b.height, b.width, b.images.length, b.masks.length]).toEqual([2, 24, 24, 2 * 24 * 24 * 3, 2 * 24 * 24]);
      for (const v of new Set(b.masks)) expect([0, 1, 2, 3, 255]).toContain(v);
    }
    // Seeded: the same epoch again gives the same batches.
    const again = [];
    for await (const batch of loader.epoch(0)) again.push(batch);
    expect(again[1].masks).toEqual(batches[1].masks);
    expect(again[1].images).toEqual(batches[1].images);
  });

  it('a mask of another size than its image → ShapeMismatchError naming the mask file', async () => {
    const file = join(dir, 'small.png');
    await writeFile(file, writePaletteMask({ width: 16, height: 16, data: new Uint8Array(256) }));
    const dataset = segmentationDataset([{ path: records[1].path, classMaskPath: file }], { readMask: readPaletteMaskFile });
    const error = await dataset.get(0, createRandom(0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as ShapeMismatchError).file).toBe(file);
    expect(String((error as Error).message)).toMatch(/small\.png.*32×32.*16×16/);
    const decoded = segmentationDataset([{ ...records[1], classMask: { width: 32, height: 31, data: new Uint8Array(32 * 31) } }]);
    await expect(decoded.get(0, createRandom(0))).rejects.toThrow(ShapeMismatchError);
  });

  it('a record without a mask → InvalidConfigError', async () => {
    await expect(segmentationDataset([{ path: records[0].path }]).get(0, createRandom(0))).rejects.toThrow(InvalidConfigError);
  });
});
