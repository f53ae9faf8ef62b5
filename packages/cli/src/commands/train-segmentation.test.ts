import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@det/tfjs';
import { generateShapesDataset } from '@det/voc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { capture } from './capture.test-helper';

describe('det train --task segmentation → det predict (wasm, tiny run)', () => {
  let root: string;
  let data: string;
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-train-seg-'));
    data = join(root, 'shapes');
    await generateShapesDataset(data, { images: 10, size: 32, seed: 2, classes: ['circle', 'square'], sets: { train: 0.6, val: 0.4 } });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains PSPNet-ResNet18 with mIoU validation, saves a model folder, and draws a palette overlay, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = join(root, 'psp');
    const c = capture();
    const args = ['train', '--task', 'segmentation', '--model', 'pspnet', '--backbone', 'resnet18', '--output-stride', '16', '--data', data];
    const code = await main([...args, '--classes', 'circle,square', '--size', '32', '--steps', '2', '--batch', '2', '--val-every', '2', '--out', run, '--backend', 'wasm', '--no-progress'], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    expect(c.out.join('\n')).toMatch(/mIoU: \d\.\d{4} \(pixel accuracy \d\.\d{4}\)/);
    const config = JSON.parse(readFileSync(join(run, 'model', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ family: 'segmentation', arch: 'pspnet', backbone: 'resnet18', outputStride: 16, numClasses: 3, imageSize: 32 });
    expect(existsSync(join(run, 'model', 'model.safetensors'))).toBe(true);

    const drawn = join(root, 'overlay.png');
    const p = capture();
    expect(await main(['predict', '--model', join(run, 'model'), '--image', join(data, 'JPEGImages', '000001.jpg'), '--out', drawn, '--json'], p.io), p.err.join('\n')).toBe(0);
    expect(readFileSync(drawn).subarray(1, 4).toString()).toBe('PNG');
    const [report] = JSON.parse(p.out[0]);
    const total = Object.values(report.fractions as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(Object.keys(report.fractions)).toEqual(['background', 'circle', 'square']);
    expect(total).toBeCloseTo(1, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a segmentation run without --classes and an unknown backbone with usage errors', async () => {
    const c = capture();
    expect(await main(['train', '--task', 'segmentation', '--data', data, '--out', join(root, 'x')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--classes/);
    expect(await main(['train', '--task', 'segmentation', '--data', data, '--out', join(root, 'x'), '--classes', 'circle', '--backbone', 'vgg99'], c.io)).toBe(2);
  });
});
