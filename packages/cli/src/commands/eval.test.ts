import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vocAnnotationToXml } from '@det/voc';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { capture } from './capture.test-helper';

interface Case {
  classes: string[];
  images: { id: string; width: number; height: number; objects: { name: string; bbox: number[]; difficult: number; truncated: number }[] }[];
  detections: { image: string; class: string; score: number; bbox: number[] }[];
  voc: Record<'voc07' | 'voc12', { per_class_ap: Record<string, number>; mAP: number }>;
  coco_gt: unknown;
  coco_results: unknown;
  coco: { stats: number[]; per_class_ap: Record<string, number> };
}
const fixture = JSON.parse(readFileSync(new URL('../../../../fixtures/shared/metrics.json', import.meta.url), 'utf8')) as { cases: Case[] };
const c = fixture.cases[1];

let root: string;
beforeAll(() => {
  // The fixture case written out the way the VOC devkit lays it out.
  root = mkdtempSync(join(tmpdir(), 'det-eval-'));
  mkdirSync(join(root, 'VOC', 'Annotations'), { recursive: true });
  mkdirSync(join(root, 'results'));
  for (const im of c.images) {
    const objects = im.objects.map((o) => ({
      name: o.name,
      label: c.classes.indexOf(o.name),
      pose: 'Unspecified',
      truncated: o.truncated === 1,
      difficult: o.difficult === 1,
      occluded: false,
      bndbox: { xmin: o.bbox[0], ymin: o.bbox[1], xmax: o.bbox[2], ymax: o.bbox[3] },
      parts: [],
    }));
    writeFileSync(join(root, 'VOC', 'Annotations', `${im.id}.xml`), vocAnnotationToXml({ folder: 'VOC', filename: `${im.id}.jpg`, size: { width: im.width, height: im.height, depth: 3 }, segmented: false, objects }));
  }
  writeFileSync(join(root, 'test.txt'), `${c.images.map((i) => i.id).join('\n')}\n`);
  for (const cls of c.classes) {
    const lines = c.detections.filter((d) => d.class === cls).map((d) => `${d.image} ${d.score} ${d.bbox.join(' ')}`);
    writeFileSync(join(root, 'results', `comp4_det_test_${cls}.txt`), lines.join('\n'));
  }
  writeFileSync(join(root, 'gt.json'), JSON.stringify(c.coco_gt));
  writeFileSync(join(root, 'results.json'), JSON.stringify(c.coco_results));
});

const vocArgs = () => ['eval', '--format', 'voc', '--annotations', join(root, 'VOC'), '--image-set', join(root, 'test.txt'), '--detections', join(root, 'results')];

describe('det eval --format voc', () => {
  for (const metric of ['voc07', 'voc12'] as const) {
    it(`--json gives voc_eval.py's per-class APs and mAP (${metric})`, async () => {
      const { io, out } = capture();
      expect(await main([...vocArgs(), '--metric', metric, '--json'], io)).toBe(0);
      const report = JSON.parse(out.join(''));
      expect(report.metric).toBe(metric);
      expect(report.mAP).toBeCloseTo(c.voc[metric].mAP, 6);
      for (const [cls, ap] of Object.entries(c.voc[metric].per_class_ap)) expect(report.perClass[cls].ap).toBeCloseTo(ap, 6);
    });
  }
  it('prints a readable table and writes a PR-curve plot', async () => {
    const { io, out } = capture();
    const plot = join(root, 'pr.svg');
    expect(await main([...vocArgs(), '--plot', plot], io)).toBe(0);
    expect(out.join('\n')).toMatch(/mAP\s+0\.\d{4}\s+\(voc07\)/);
    expect(readFileSync(plot, 'utf8')).toContain('<polyline');
  });
  it('a bad result line exits 1 naming the file and line', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'comp4_det_test_car.txt'), `${c.images[0].id} 0.5 1 2 3 4\n${c.images[0].id} 0.5 1 2 x 4\n`);
    const { io, err } = capture();
    expect(await main([...vocArgs().slice(0, -1), bad], io)).toBe(1);
    expect(err.join('\n')).toMatch(/comp4_det_test_car\.txt:2.*bad result line/);
  });
  it('an unknown class, a missing file and a bad metric fail clearly', async () => {
    const odd = join(root, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'comp4_det_test_unicorn.txt'), '');
    const { io, err } = capture();
    expect(await main([...vocArgs().slice(0, -1), odd], io)).toBe(1);
    expect(err.join('\n')).toMatch(/unknown class/);
    expect(await main([...vocArgs().slice(0, -1), join(root, 'nope')], io)).toBe(1);
    expect(await main([...vocArgs(), '--metric', 'voc99'], io)).toBe(2);
    expect(await main(['eval', '--format', 'yolo'], io)).toBe(2);
  });
});

describe('det eval --format coco', () => {
  it('--json gives the 12 pycocotools stats and per-class AP', async () => {
    const { io, out } = capture();
    expect(await main(['eval', '--format', 'coco', '--annotations', join(root, 'gt.json'), '--detections', join(root, 'results.json'), '--json'], io)).toBe(0);
    const report = JSON.parse(out.join(''));
    report.stats.forEach((v: number, i: number) => expect(v).toBeCloseTo(c.coco.stats[i], 6));
    expect(report.mAP).toBeCloseTo(c.coco.stats[0], 6);
    for (const [cls, ap] of Object.entries(c.coco.per_class_ap)) expect(report.perClass[cls].ap).toBeCloseTo(ap, 6);
  });
  it('--iou-type segm scores masks as pycocotools does (fixture from packages/metrics)', async () => {
    const segm = JSON.parse(readFileSync(new URL('../../../metrics/src/fixtures/segm-reference.json', import.meta.url), 'utf8'));
    const ref = segm.coco.find((r: { name: string }) => r.name === 'segm');
    writeFileSync(join(root, 'segm-gt.json'), JSON.stringify(segm.coco_data.segm.gt));
    writeFileSync(join(root, 'segm-results.json'), JSON.stringify(segm.coco_data.segm.results));
    const { io, out } = capture();
    const args = ['eval', '--format', 'coco', '--annotations', join(root, 'segm-gt.json'), '--detections', join(root, 'segm-results.json'), '--json'];
    expect(await main([...args, '--iou-type', 'segm'], io)).toBe(0);
    const report = JSON.parse(out.join(''));
    expect(report.metric).toBe('coco-segm');
    report.stats.forEach((v: number, i: number) => expect(v).toBeCloseTo(ref.stats[i], 6));
    const bad = capture();
    expect(await main([...args, '--iou-type', 'keypoints'], bad.io)).toBe(2);
  });
  it('reports invalid JSON with the file name', async () => {
    writeFileSync(join(root, 'broken.json'), '{');
    const { io, err } = capture();
    expect(await main(['eval', '--format', 'coco', '--annotations', join(root, 'broken.json'), '--detections', join(root, 'results.json')], io)).toBe(1);
    expect(err.join('\n')).toMatch(/broken\.json: ground truth is not valid JSON/);
  });
});
