import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { InvalidConfigError, validateGroundTruth } from '@det/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVocDataset } from './dataset';
import { parseClassImageSet, parseImageSet } from './imagesets';
import { readPaletteMask } from './mask';
import { generateShapesDataset, type ShapesDatasetSummary } from './synthetic';
import { parseVocXml } from './xml';

let tmp: string;
let summary: ShapesDatasetSummary;
const classes = ['circle', 'square', 'triangle'];
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'det-voc-gen-'));
  [summary] = await Promise.all([
    generateShapesDataset(join(tmp, 'a'), { images: 10, size: 48, seed: 7, objectsPerImage: [1, 4] }),
    generateShapesDataset(join(tmp, 'b'), { images: 10, size: 48, seed: 7, objectsPerImage: [1, 4] }),
    generateShapesDataset(join(tmp, 'c'), { images: 10, size: 48, seed: 8, objectsPerImage: [1, 4] }),
  ]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (...p: string[]) => readFileSync(join(tmp, 'a', ...p));

describe('generateShapesDataset', () => {
  it('writes the VOC layout, byte-identical for the same seed and different for another', () => {
    const a = files(join(tmp, 'a')).map((f) => relative(join(tmp, 'a'), f)).sort();
    expect(a).toHaveLength(10 * 4 + 3 + 3 * 3 + 3); // 4 files per image; Main: 3 sets + 3 per-class lists each; Segmentation: 3 sets
    for (const sub of ['JPEGImages/000010.jpg', 'Annotations/000001.xml', 'SegmentationClass/000001.png', 'SegmentationObject/000001.png', 'ImageSets/Main/triangle_val.txt', 'ImageSets/Segmentation/trainval.txt']) {
      expect(a).toContain(sub);
    }
    for (const f of a) expect(read(f).equals(readFileSync(join(tmp, 'b', f))), f).toBe(true);
    expect(read('JPEGImages/000001.jpg').equals(readFileSync(join(tmp, 'c', 'JPEGImages/000001.jpg')))).toBe(false);
    expect(summary).toMatchObject({ dir: join(tmp, 'a'), classes });
  });

  it('splits train/val 80/20 by a seeded shuffle; trainval is both; Segmentation lists the same ids', () => {
    const ids = (set: string, kind = 'Main') => parseImageSet(read('ImageSets', kind, `${set}.txt`).toString());
    expect(ids('val')).toHaveLength(2);
    expect(ids('train')).toHaveLength(8);
    expect([...ids('train'), ...ids('val')].sort()).toEqual(ids('trainval'));
    expect(ids('trainval')).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1).padStart(6, '0')));
    for (const set of ['train', 'val', 'trainval']) expect(ids(set, 'Segmentation')).toEqual(ids(set));
    expect(summary.ids).toEqual({ train: ids('train'), val: ids('val'), trainval: ids('trainval') });
  });

  it('loads back with loadVocDataset; per-class lists agree with the annotations', async () => {
    const ds = await loadVocDataset(join(tmp, 'a'), { classNames: classes });
    expect(ds.report).toEqual([]);
    expect(ds.records).toHaveLength(10);
    expect(ds.records.reduce((n, r) => n + r.groundTruth.labels.length, 0)).toBe(summary.objects);
    for (const r of ds.records) {
      validateGroundTruth(r.groundTruth, { numClasses: 3 });
      expect([r.width, r.height, r.depth]).toEqual([48, 48, 3]);
      expect((await sharp(r.path).metadata()).format).toBe('jpeg');
    }
    for (const set of ['train', 'val', 'trainval']) {
      const records = (await loadVocDataset(join(tmp, 'a'), { set, classNames: classes })).records;
      classes.forEach((name, c) => {
        const rows = parseClassImageSet(read('ImageSets', 'Main', `${name}_${set}.txt`).toString());
        const expected = records.map((r) => {
          const ks = Array.from(r.groundTruth.labels.keys()).filter((k) => r.groundTruth.labels[k] === c);
          return { id: r.id, flag: ks.length === 0 ? -1 : ks.some((k) => !r.groundTruth.difficult[k]) ? 1 : 0 };
        });
        expect(rows).toEqual(expected);
      });
    }
  });

  it('masks agree with boxes: object k’s pixels lie inside box k and carry its class; 255 rings present', async () => {
    for (let n = 1; n <= 10; n++) {
      const id = String(n).padStart(6, '0');
      const { annotation } = parseVocXml(read('Annotations', `${id}.xml`).toString(), { classNames: classes });
      const cls = readPaletteMask(read('SegmentationClass', `${id}.png`));
      const obj = readPaletteMask(read('SegmentationObject', `${id}.png`));
      expect([cls.width, cls.height, obj.width, obj.height]).toEqual([48, 48, 48, 48]);
      const counts = new Array(annotation.objects.length + 1).fill(0);
      let outside = 0;
      for (let p = 0; p < obj.data.length; p++) {
        const k = obj.data[p];
        if (k === 0 || k === 255) {
          if (cls.data[p] !== (k === 0 ? 0 : 255)) outside++;
          continue;
        }
        const o = annotation.objects[k - 1];
        const x = (p % 48) + 1; // VOC 1-based
        const y = Math.floor(p / 48) + 1;
        if (!o || x < o.bndbox.xmin || x > o.bndbox.xmax || y < o.bndbox.ymin || y > o.bndbox.ymax || cls.data[p] !== o.label + 1) outside++;
        counts[k]++;
      }
      expect(outside).toBe(0);
      expect(counts.slice(1).every((c) => c > 0)).toBe(true);
      expect(cls.data.includes(255)).toBe(true);
    }
  });

  it('options: class count, non-square size, no objects, random colours; bad options are InvalidConfigError', async () => {
    const dir = join(tmp, 'd');
    const s = await generateShapesDataset(dir, { images: 3, size: { width: 40, height: 24 }, classes: 5, objectsPerImage: [0, 0], sets: { train: 1, val: 0 }, colour: 'random' });
    expect(s.classes).toEqual(['circle', 'square', 'triangle', 'diamond', 'cross']);
    expect(s.ids.val).toEqual([]);
    expect(s.objects).toBe(0);
    const ds = await loadVocDataset(dir, { set: 'train', classNames: s.classes });
    expect(ds.records.map((r) => [r.width, r.height, r.groundTruth.labels.length])).toEqual([
      [40, 24, 0],
      [40, 24, 0],
      [40, 24, 0],
    ]);
    expect(readFileSync(join(dir, 'ImageSets/Main/cross_train.txt'), 'utf8')).toBe('000001 -1\n000002 -1\n000003 -1\n');
    for (const bad of [{ images: 0 }, { size: 8 }, { classes: 9 }, { classes: ['a', 'a'] }, { classes: ['a b'] }, { objectsPerImage: [2, 1] as [number, number] }, { sets: { train: 0, val: 0 } }]) {
      await expect(generateShapesDataset(join(tmp, 'e'), bad), JSON.stringify(bad)).rejects.toThrow(InvalidConfigError);
    }
  });
});
