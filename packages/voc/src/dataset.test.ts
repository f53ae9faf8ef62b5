import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, validateGroundTruth } from '@det/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOC_PALETTE, VOC_SEGMENTATION_CLASSES } from './classes';
import { loadVocDataset } from './dataset';
import { parseClassImageSet, parseImageSet } from './imagesets';
import { readPaletteMask, writePaletteMask } from './mask';
import { generateShapesDataset } from './synthetic';

let dir: string;
const classes = ['circle', 'square', 'triangle'];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'det-voc-'));
  await generateShapesDataset(join(dir, 'a'), { images: 12, size: 48, seed: 7 });
  await generateShapesDataset(join(dir, 'b'), { images: 12, size: 48, seed: 7 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('palette masks', () => {
  it('round-trip indices through a palette PNG with the VOC colour map', () => {
    const mask = { width: 5, height: 2, data: Uint8Array.from([0, 1, 2, 255, 20, 0, 0, 3, 3, 255]) };
    expect(readPaletteMask(writePaletteMask(mask))).toEqual(mask);
    expect(Array.from(VOC_PALETTE.subarray(3, 6))).toEqual([128, 0, 0]);
    expect(Array.from(VOC_PALETTE.subarray(255 * 3))).toEqual([224, 224, 192]);
    expect(VOC_SEGMENTATION_CLASSES[0]).toBe('background');
  });
  it('rejects an RGB mask, naming the file', async () => {
    const rgb = await sharp(Buffer.alloc(12, 7), { raw: { width: 2, height: 2, channels: 3 } }).png().toBuffer();
    expect(() => readPaletteMask(rgb, 'SegmentationClass/x.png')).toThrow(/SegmentationClass\/x\.png: mask is not a palette/);
  });
});

describe('image sets', () => {
  it('parse id lists and per-class lists', () => {
    expect(parseImageSet('000005\n000007\n\n')).toEqual(['000005', '000007']);
    expect(parseClassImageSet('000005 -1\n000007  1\n000009  0\n')).toEqual([
      { id: '000005', flag: -1 },
      { id: '000007', flag: 1 },
      { id: '000009', flag: 0 },
    ]);
    expect(() => parseClassImageSet('000005 2', 'car_train.txt')).toThrow(/car_train\.txt:1/);
  });
});

describe('synthetic shapes dataset', () => {
  it('is byte-identical for the same seed', () => {
    for (const f of ['JPEGImages/000003.jpg', 'Annotations/000003.xml', 'SegmentationClass/000003.png', 'ImageSets/Main/train.txt']) {
      expect(readFileSync(join(dir, 'a', f)).equals(readFileSync(join(dir, 'b', f)))).toBe(true);
    }
  });
  it('loads back with loadVocDataset; masks agree with boxes; per-class lists exist', async () => {
    const ds = await loadVocDataset(join(dir, 'a'), { classNames: classes });
    expect(ds.records).toHaveLength(12);
    expect(ds.report).toEqual([]);
    for (const r of ds.records) {
      validateGroundTruth(r.groundTruth, { numClasses: 3 });
      const mask = readPaletteMask(readFileSync(join(dir, 'a', 'SegmentationClass', `${r.id}.png`)));
      expect(mask.width).toBe(48);
      // every object pixel (class > 0, not boundary) lies inside some box of its class (VOC 1-based boxes)
      for (let y = 0; y < 48; y++)
        for (let x = 0; x < 48; x++) {
          const v = mask.data[y * 48 + x];
          if (v === 0 || v === 255) continue;
          const b = r.groundTruth.boxes;
          let inside = false;
          for (let k = 0; k < r.groundTruth.labels.length; k++) {
            if (r.groundTruth.labels[k] + 1 !== v) continue;
            if (x + 1 >= b[4 * k] && x + 1 <= b[4 * k + 2] && y + 1 >= b[4 * k + 1] && y + 1 <= b[4 * k + 3]) inside = true;
          }
          expect(inside).toBe(true);
        }
    }
    expect(readFileSync(join(dir, 'a', 'ImageSets', 'Main', 'circle_trainval.txt'), 'utf8').split('\n')[0]).toMatch(/^\d{6} +-?1$/);
  });
  it('an id listed without an annotation: DatasetError (strict) or a report entry (lenient)', async () => {
    const root = join(dir, 'a');
    writeFileSync(join(root, 'ImageSets', 'Main', 'broken.txt'), '000001\n999999\n');
    await expect(loadVocDataset(root, { set: 'broken', classNames: classes })).rejects.toThrow(DatasetError);
    await expect(loadVocDataset(root, { set: 'broken', classNames: classes })).rejects.toThrow(/999999\.xml/);
    const lenient = await loadVocDataset(root, { set: 'broken', classNames: classes, mode: 'lenient' });
    expect(lenient.records.map((r) => r.id)).toEqual(['000001']);
    expect(lenient.report[0].file).toMatch(/999999\.xml/);
    await expect(loadVocDataset(root, { set: 'nope' })).rejects.toThrow(/ImageSets\/Main\/nope\.txt/);
  });
});
