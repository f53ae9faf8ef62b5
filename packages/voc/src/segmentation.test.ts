import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, InvalidLabelError, ParseError, ShapeMismatchError } from '@det/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePaletteMask } from './mask';
import { loadVocSegmentation } from './segmentation';
import { generateShapesDataset } from './synthetic';
import { parseVocXml } from './xml';

const root = mkdtempSync(join(tmpdir(), 'det-voc-seg-'));
const classes = ['circle', 'square', 'triangle'];
const seg = (...p: string[]) => join(root, ...p);

beforeAll(async () => {
  await generateShapesDataset(root, { images: 6, size: 32, seed: 3 });
  copyFileSync(new URL('../../../fixtures/voc/mask_rgb.png', import.meta.url), seg('SegmentationClass', '000007.png'));
  writeFileSync(seg('SegmentationClass', '000008.png'), writePaletteMask({ width: 2, height: 2, data: Uint8Array.from([0, 1, 9, 255]) }));
  writeFileSync(seg('SegmentationObject', '000009.png'), writePaletteMask({ width: 3, height: 2, data: new Uint8Array(6) }));
  copyFileSync(seg('SegmentationClass', '000001.png'), seg('SegmentationClass', '000009.png'));
  const list = (name: string, ids: string[]) => writeFileSync(seg('ImageSets', 'Segmentation', `${name}.txt`), `${ids.join('\n')}\n`);
  list('rgb', ['000001', '000007']);
  list('range', ['000008']);
  list('size', ['000009']);
  list('missing', ['000010']);
  list('mixed', ['000001', '000007', '000002', '000008', '000009', '000010']);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadVocSegmentation', () => {
  it('decodes class and instance masks of a generated dataset; instance k is the k-th <object>', async () => {
    const ds = await loadVocSegmentation(root, { classNames: classes, masks: 'both' });
    expect(ds.classNames).toEqual(['background', ...classes]);
    expect(ds.report).toEqual([]);
    expect(ds.records.map((r) => r.id)).toEqual(['000001', '000002', '000003', '000004', '000005', '000006']);
    for (const r of ds.records) {
      expect([r.width, r.height, r.path, r.classMaskPath]).toEqual([32, 32, seg('JPEGImages', `${r.id}.jpg`), seg('SegmentationClass', `${r.id}.png`)]);
      const { objects } = parseVocXml(readFileSync(seg('Annotations', `${r.id}.xml`), 'utf8'), { classNames: classes }).annotation;
      const c = r.classMask!.data;
      const o = r.objectMask!.data;
      const bad = o.filter((k, p) => k !== 255 && k !== 0 && c[p] !== objects[k - 1].label + 1).length;
      expect(bad).toBe(0);
    }
    const classOnly = await loadVocSegmentation(root, { classNames: classes, set: 'train' });
    expect(classOnly.records[0].objectMask).toBeUndefined();
    expect(classOnly.records[0].classMask).toBeDefined();
  });

  const cases = [
    { set: 'rgb', type: ParseError, file: seg('SegmentationClass', '000007.png'), message: /not a palette/ },
    { set: 'range', type: InvalidLabelError, file: seg('SegmentationClass', '000008.png'), message: /index 2: mask value 9 is not a class/ },
    { set: 'size', type: ShapeMismatchError, file: seg('SegmentationObject', '000009.png'), message: /differ in size/ },
    { set: 'missing', type: DatasetError, file: seg('SegmentationClass', '000010.png'), message: /cannot read mask \(ENOENT\)/ },
  ];
  for (const c of cases) {
    it(`strict: ${c.set} → ${c.type.name} naming the file`, async () => {
      const error = await loadVocSegmentation(root, { set: c.set, classNames: classes, masks: 'both' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(c.type);
      expect(error).toMatchObject({ file: c.file });
      expect((error as Error).message).toMatch(c.message);
    });
  }

  it('lenient: bad images skipped and reported in order', async () => {
    const ds = await loadVocSegmentation(root, { set: 'mixed', classNames: classes, masks: 'both', mode: 'lenient' });
    expect(ds.records.map((r) => r.id)).toEqual(['000001', '000002']);
    expect(ds.report.map((p) => [p.code, p.file])).toEqual(cases.map((c) => [new c.type('').code, c.file]));
  });

  it('a missing image set names the file', async () => {
    await expect(loadVocSegmentation(root, { set: 'nope' })).rejects.toThrow(/ImageSets\/Segmentation\/nope\.txt/);
  });
});
