import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@det/tfjs';
import { InvalidLabelError } from '@det/core';
import { generateShapesDataset, writePaletteMask } from '@det/voc';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVocInstances } from '../instances';
import { main } from '../main';
import { capture } from './capture.test-helper';

describe('det train --task instance → det predict (wasm, tiny Mask R-CNN)', () => {
  let root: string;
  let data: string;
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-train-inst-'));
    data = join(root, 'shapes');
    await generateShapesDataset(data, { images: 8, size: 64, seed: 3, classes: ['circle', 'square'], sets: { train: 0.5, val: 0.5 } });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains a ResNet-18-FPN Mask R-CNN with COCO mask-AP validation, saves a model folder, and draws translucent masks, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = join(root, 'mrcnn');
    const c = capture();
    const args = ['train', '--task', 'instance', '--backbone', 'resnet18', '--fpn-channels', '16', '--data', data, '--classes', 'circle,square'];
    const code = await main([...args, '--size', '64', '--steps', '2', '--batch', '2', '--val-every', '2', '--out', run, '--backend', 'wasm', '--no-progress'], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    const text = c.out.join('\n');
    expect(text).toMatch(/4 training \/ 4 validation images/);
    expect(text).toMatch(/mask AP@0\.5: \d\.\d{4} \(box AP@0\.5 \d\.\d{4}\)/);
    const config = JSON.parse(readFileSync(join(run, 'model', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ family: 'mask-rcnn', backbone: 'resnet18', numClasses: 3, imageSize: 64, fpnChannels: 16, classes: ['background', 'circle', 'square'] });
    expect(existsSync(join(run, 'model', 'model.safetensors'))).toBe(true);

    const drawn = join(root, 'instances.png');
    const image = join(data, 'JPEGImages', '000001.jpg');
    const p = capture();
    expect(await main(['predict', '--model', join(run, 'model'), '--image', image, '--out', drawn, '--score', '0', '--json'], p.io), p.err.join('\n')).toBe(0);
    const meta = await sharp(drawn).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);
    const [report] = JSON.parse(p.out[0]);
    expect(report.image).toBe(image);
    for (const d of report.detections) {
      expect(['circle', 'square']).toContain(d.class);
      expect(d.box).toHaveLength(4);
      expect(d.maskPixels).toBeGreaterThanOrEqual(0);
      expect(d.maskPixels).toBeLessThanOrEqual(64 * 64);
    }

    const e = capture();
    expect(await main(['eval', '--model', join(run, 'model'), '--data', data, '--set', 'val', '--json'], e.io), e.err.join('\n')).toBe(0);
    const scored = JSON.parse(e.out[0]);
    expect(scored.metric).toBe('coco-segm');
    expect(Object.keys(scored.perClass)).toEqual(['circle', 'square']);
    expect(scored.stats).toHaveLength(12);
    expect(scored.bbox.stats).toHaveLength(12);
    for (const v of [scored.mAP, scored.bbox.mAP]) expect(v === -1 || (v >= 0 && v <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('rejects an instance run without --classes, an unknown backbone and another model with usage errors', async () => {
    const c = capture();
    expect(await main(['train', '--task', 'instance', '--data', data, '--out', join(root, 'x')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--classes/);
    expect(await main(['train', '--task', 'instance', '--data', data, '--out', join(root, 'x'), '--classes', 'circle', '--backbone', 'vgg99'], c.io)).toBe(2);
    expect(await main(['train', '--task', 'instance', '--data', data, '--out', join(root, 'x'), '--classes', 'circle', '--model', 'yolact'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/maskrcnn/);
  });

  it('names the SegmentationObject file and pixel of an instance value without its <object>', async () => {
    const bad = join(root, 'bad');
    await generateShapesDataset(bad, { images: 2, size: 32, seed: 4, classes: ['circle'], objectsPerImage: [1, 1] });
    const data = new Uint8Array(32 * 32);
    data[37] = 9; // instance 9 in an image with one <object>
    writeFileSync(join(bad, 'SegmentationObject', '000002.png'), writePaletteMask({ width: 32, height: 32, data }));
    const load = loadVocInstances(bad, { set: 'trainval', classNames: ['circle'] });
    await expect(load).rejects.toThrow(InvalidLabelError);
    await expect(load).rejects.toMatchObject({ file: join(bad, 'SegmentationObject', '000002.png'), index: 37, received: 9 });
  });
});
