import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, InvalidBoxError, InvalidConfigError, InvalidLabelError, ParseError } from '@det/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVocDataset } from './dataset';
import { resolveVocRoot } from './root';

// A VOCdevkit/VOC2007 tree whose Annotations are the fixture files (id = fixture name without .xml).
let parent: string;
let root: string;
const fixtures = new URL('./fixtures/', import.meta.url);
const good = ['voc2007_multi', 'voc2007_parts', 'voc2012_single', 'voc2012_float'];
const sets: Record<string, string[]> = {
  good,
  no_bndbox: ['voc2007_multi', 'broken_no_bndbox'],
  no_xmax: ['broken_no_xmax'],
  degenerate: ['broken_degenerate'],
  unknown_class: ['voc2012_single', 'broken_unknown_class'],
  malformed: ['voc2007_multi', 'broken_malformed'],
  no_size: ['broken_no_size'],
  missing: ['voc2007_multi', 'no_such_image'],
  all: ['voc2007_multi', 'broken_malformed', 'broken_no_bndbox', 'no_such_image', 'voc2012_float', 'broken_degenerate', 'broken_unknown_class', 'broken_no_xmax', 'broken_no_size'],
  two_errors: [...good, 'broken_unknown_class', ...good, 'broken_degenerate'],
};

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'det-voc-ds-'));
  root = join(parent, 'VOCdevkit', 'VOC2007');
  for (const sub of ['Annotations', 'ImageSets/Main', 'JPEGImages']) mkdirSync(join(root, sub), { recursive: true });
  for (const f of readdirSync(fixtures).filter((f) => f.endsWith('.xml'))) {
    copyFileSync(new URL(f, fixtures), join(root, 'Annotations', f));
    writeFileSync(join(root, 'JPEGImages', f.replace('.xml', '.jpg')), '');
  }
  for (const [set, ids] of Object.entries(sets)) writeFileSync(join(root, 'ImageSets', 'Main', `${set}.txt`), `${ids.join('\n')}\n`);
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const ann = (id: string) => join(root, 'Annotations', `${id}.xml`);

describe('loadVocDataset', () => {
  it('reads records: JPEG path, size, xyxy boxes as written (1-based), 0-based labels, difficult', async () => {
    const ds = await loadVocDataset(root, { set: 'good' });
    expect(ds.report).toEqual([]);
    expect(ds.classNames).toHaveLength(20);
    expect(ds.records.map((r) => r.id)).toEqual(good);
    const [multi, , , float] = ds.records;
    expect(multi).toMatchObject({ path: join(root, 'JPEGImages', 'voc2007_multi.jpg'), width: 500, height: 333, depth: 3 });
    expect(Array.from(multi.groundTruth.boxes)).toEqual([156, 97, 351, 270, 1, 64, 63, 333, 403, 180, 418, 226]);
    expect(Array.from(multi.groundTruth.labels)).toEqual([6, 14, 4]);
    expect(Array.from(multi.groundTruth.difficult)).toEqual([0, 0, 1]);
    expect(float.groundTruth.boxes).toEqual(Float32Array.from([273, 68.5, 500, 375, 1, 121.62, 341.7, 375]));
  });

  it('keepDifficult: false drops difficult objects', async () => {
    const ds = await loadVocDataset(root, { set: 'good', keepDifficult: false });
    expect(Array.from(ds.records[0].groundTruth.labels)).toEqual([6, 14]);
    expect(Array.from(ds.records[0].groundTruth.difficult)).toEqual([0, 0]);
  });

  it('year: root may be VOCdevkit or its parent; default set trainval; imageSetFile', async () => {
    writeFileSync(join(root, 'ImageSets', 'Main', 'trainval.txt'), 'voc2012_single\n');
    for (const r of [root, join(parent, 'VOCdevkit'), parent]) {
      expect(await resolveVocRoot(r, 2007)).toBe(root);
      expect((await loadVocDataset(r, { year: '2007' })).records.map((x) => x.id)).toEqual(['voc2012_single']);
    }
    await expect(loadVocDataset(parent, { year: 2012 })).rejects.toThrow(DatasetError);
    await expect(loadVocDataset(parent, { year: 2012 })).rejects.toThrow(/no VOC2012 folder/);
    await expect(loadVocDataset(parent, { year: 'x' })).rejects.toThrow(InvalidConfigError);
    const list = join(parent, 'list.txt');
    writeFileSync(list, 'voc2007_parts\r\n\r\n');
    expect((await loadVocDataset(root, { imageSetFile: list })).records.map((x) => x.id)).toEqual(['voc2007_parts']);
  });

  it('a missing image set is a DatasetError naming the file', async () => {
    await expect(loadVocDataset(root, { set: 'nope' })).rejects.toThrow(DatasetError);
    await expect(loadVocDataset(root, { set: 'nope', mode: 'lenient' })).rejects.toThrow(/ImageSets\/Main\/nope\.txt: cannot read image set \(ENOENT\)/);
  });

  const strictCases = [
    { set: 'no_bndbox', type: ParseError, file: 'broken_no_bndbox', field: 'object.bndbox' },
    { set: 'no_xmax', type: ParseError, file: 'broken_no_xmax', field: 'object.bndbox.xmax' },
    { set: 'degenerate', type: InvalidBoxError, file: 'broken_degenerate', field: 'object.bndbox' },
    { set: 'unknown_class', type: InvalidLabelError, file: 'broken_unknown_class', field: 'object.name' },
    { set: 'malformed', type: ParseError, file: 'broken_malformed', field: undefined },
    { set: 'no_size', type: ParseError, file: 'broken_no_size', field: 'size' },
    { set: 'missing', type: DatasetError, file: 'no_such_image', field: 'id' },
  ];
  for (const c of strictCases) {
    it(`strict: ${c.set} → ${c.type.name} naming ${c.file}.xml`, async () => {
      const error = await loadVocDataset(root, { set: c.set }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(c.type);
      expect(error).toMatchObject({ file: ann(c.file), field: c.field });
      expect((error as Error).message).toContain(ann(c.file));
    });
  }

  it('lenient: every problem reported in image-set order; bad objects and unusable images skipped', async () => {
    const ds = await loadVocDataset(root, { set: 'all', mode: 'lenient', concurrency: 3 });
    expect(ds.records.map((r) => [r.id, r.groundTruth.labels.length])).toEqual([
      ['voc2007_multi', 3],
      ['broken_no_bndbox', 1],
      ['voc2012_float', 2],
      ['broken_degenerate', 1],
      ['broken_unknown_class', 1],
      ['broken_no_xmax', 1],
    ]);
    expect(ds.report.map((p) => [p.file, p.code, p.field, p.index])).toEqual([
      [ann('broken_malformed'), 'PARSE_ERROR', undefined, undefined],
      [ann('broken_no_bndbox'), 'PARSE_ERROR', 'object.bndbox', 1],
      [ann('no_such_image'), 'DATASET_ERROR', 'id', undefined],
      [ann('broken_degenerate'), 'INVALID_BOX', 'object.bndbox', 1],
      [ann('broken_unknown_class'), 'INVALID_LABEL', 'object.name', 1],
      [ann('broken_no_xmax'), 'PARSE_ERROR', 'object.bndbox.xmax', 1],
      [ann('broken_no_size'), 'PARSE_ERROR', 'size', undefined],
    ]);
    expect(ds.report[0].line).toBeGreaterThan(0);
    expect(ds.report.every((p) => p.message.startsWith(p.file!))).toBe(true);
  });

  it('strict mode throws the first problem in image-set order, whatever the concurrency', async () => {
    for (const concurrency of [1, 2, 64]) {
      await expect(loadVocDataset(root, { set: 'two_errors', concurrency })).rejects.toThrow(InvalidLabelError);
    }
  });

  it('checkImages: a listed id without its JPEG', async () => {
    rmSync(join(root, 'JPEGImages', 'voc2007_parts.jpg'));
    await expect(loadVocDataset(root, { set: 'good' })).resolves.toMatchObject({ report: [] });
    await expect(loadVocDataset(root, { set: 'good', checkImages: true })).rejects.toThrow(/voc2007_parts\.jpg, field 'id': image listed in the image set has no JPEG/);
    const ds = await loadVocDataset(root, { set: 'good', checkImages: true, mode: 'lenient' });
    expect(ds.records.map((r) => r.id)).toEqual(['voc2007_multi', 'voc2012_single', 'voc2012_float']);
    expect(ds.report).toMatchObject([{ code: 'DATASET_ERROR', file: join(root, 'JPEGImages', 'voc2007_parts.jpg') }]);
  });
});
