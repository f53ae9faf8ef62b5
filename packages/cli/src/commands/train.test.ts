import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@det/tfjs';
import { generateShapesDataset } from '@det/voc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { capture } from './capture.test-helper';

describe('det train → det eval --model → det predict (wasm, tiny run)', () => {
  let root: string;
  let data: string;
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-train-'));
    data = join(root, 'shapes');
    await generateShapesDataset(data, { images: 24, size: 64, seed: 1, classes: ['circle', 'square'] });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains, checkpoints, resumes, evaluates and draws, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = join(root, 'run');
    const args = ['train', '--data', data, '--classes', 'circle,square', '--size', '64', '--batch', '4', '--augment', 'light', '--out', run, '--backend', 'wasm', '--no-progress'];
    const first = capture();
    expect(await main([...args, '--steps', '4', '--checkpoint-every', '2', '--val-every', '4'], first.io), first.err.join('\n')).toBe(0);
    expect(first.out.join('\n')).toMatch(/mAP@0\.5 \(VOC07\): \d\.\d{4}/);
    expect(existsSync(join(run, 'model', 'model.safetensors'))).toBe(true);
    expect(existsSync(join(run, 'loss.png'))).toBe(true);
    const resumed = capture();
    expect(await main([...args, '--steps', '6', '--checkpoint-every', '2', '--val-every', '6', '--resume'], resumed.io), resumed.err.join('\n')).toBe(0);
    expect(resumed.out.join('\n')).toMatch(/trained 6 steps/);
    const config = JSON.parse(readFileSync(join(run, 'model', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ family: 'ssd', arch: 'ssd7', numClasses: 3, imageSize: 64, classes: ['circle', 'square'] });

    const evaluated = capture();
    expect(await main(['eval', '--model', join(run, 'model'), '--data', data, '--set', 'val', '--json'], evaluated.io)).toBe(0);
    const report = JSON.parse(evaluated.out[0]);
    expect(Object.keys(report.perClass)).toEqual(['circle', 'square']);
    expect(report.mAP).toBeGreaterThanOrEqual(0);

    const drawn = join(root, 'drawn.png');
    const predicted = capture();
    expect(await main(['predict', '--model', join(run, 'model'), '--image', join(data, 'JPEGImages', '000001.jpg'), '--out', drawn, '--score', '0'], predicted.io)).toBe(0);
    expect(readFileSync(drawn).subarray(1, 4).toString()).toBe('PNG');
    expect(predicted.out.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown tasks and models with usage errors', async () => {
    const c = capture();
    expect(await main(['train', '--data', data, '--out', join(root, 'x'), '--task', 'panoptic'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--task must be detection, segmentation or instance/);
    expect(await main(['train', '--data', data, '--out', join(root, 'x'), '--model', 'yolo'], c.io)).toBe(2);
  });
});
