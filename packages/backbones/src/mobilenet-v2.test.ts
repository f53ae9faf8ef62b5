import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mobilenetV2 } from './mobilenet-v2';

const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorchvision = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe.skipIf(!hasTorchvision)('MobileNetV2 vs torchvision mobilenet_v2 (random weights, eval) [wasm]', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'det-mbv2-ref-'));
    const script = new URL('../../../scripts/fixtures/backbones_resnet_reference.py', import.meta.url).pathname;
    const r = spawnSync(PYTHON, [script, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('printout, state dict by key, features.6/13/18 and logits within 1e-3 of scale', async () => {
    const before = tf.memory().numTensors;
    const model = mobilenetV2().eval();
    expect(String(model)).toBe(readFileSync(join(dir, 'mobilenet_v2.repr'), 'utf8'));
    const weights = await readSafetensors(join(dir, 'mobilenet_v2.safetensors'));
    expect(model.loadStateDict(weights.tensors, { source: 'torchvision' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    tf.dispose([...weights.tensors.values()]);
    const io = await readSafetensors(join(dir, 'mobilenet_v2-io.safetensors'));
    const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);
    const x = nhwc(io.tensors.get('x') as tf.Tensor) as tf.Tensor4D;
    const maps = model.forwardFeatures(x);
    const errors = maps.map((m, i) => {
      const want = nhwc(io.tensors.get(`f${i}`) as tf.Tensor);
      expect(m.shape).toEqual(want.shape);
      const e = relError(m.dataSync(), want.dataSync());
      want.dispose();
      return e;
    });
    const logits = model.forward(x);
    errors.push(relError(logits.dataSync(), (io.tensors.get('logits') as tf.Tensor).dataSync()));
    console.log(`mobilenet_v2 parity (features.6/13/18, logits): ${errors.map((e) => e.toExponential(1)).join(', ')}`);
    for (const e of errors) expect(e).toBeLessThan(1e-3);
    expect(model.featureMaps).toEqual([
      { name: 'features.6', channels: 32, stride: 8 },
      { name: 'features.13', channels: 96, stride: 16 },
      { name: 'features.18', channels: 1280, stride: 32 },
    ]);
    tf.dispose([x, logits, ...maps, ...io.tensors.values()]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
