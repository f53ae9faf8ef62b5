import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet18, resnet50 } from './torchvision-resnet';

const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorchvision = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
if (!hasTorchvision) console.warn(`[@det/backbones tests] ${PYTHON} with torchvision not found: ResNet parity tests are skipped (apt-get install python3-torchvision)`);

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe.skipIf(!hasTorchvision)('ResNet vs torchvision (random weights, eval) [wasm]', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'det-resnet-ref-'));
    const script = new URL('../../../scripts/fixtures/backbones_resnet_reference.py', import.meta.url).pathname;
    const r = spawnSync(PYTHON, [script, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, build] of [
    ['resnet18', () => resnet18()],
    ['resnet50', () => resnet50({ replaceStrideWithDilation: [false, true, true] })],
  ] as const) {
    it(`${name}: printout, state dict by key, layer1…4 and logits within 1e-3 of scale`, async () => {
      const before = tf.memory().numTensors;
      const model = build().eval();
      expect(String(model)).toBe(readFileSync(join(dir, `${name}.repr`), 'utf8'));
      const weights = await readSafetensors(join(dir, `${name}.safetensors`));
      expect(model.loadStateDict(weights.tensors, { source: 'torchvision' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
      tf.dispose([...weights.tensors.values()]);
      const io = await readSafetensors(join(dir, `${name}-io.safetensors`));
      const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);
      const x = nhwc(io.tensors.get('x') as tf.Tensor) as tf.Tensor4D;
      const maps = model.forwardFeatures(x);
      const errors = maps.map((m, i) => {
        const want = nhwc(io.tensors.get(`layer${i + 1}`) as tf.Tensor);
        expect(m.shape).toEqual(want.shape);
        const e = relError(m.dataSync(), want.dataSync());
        want.dispose();
        return e;
      });
      const logits = model.forward(x);
      errors.push(relError(logits.dataSync(), (io.tensors.get('logits') as tf.Tensor).dataSync()));
      console.log(`${name} parity (layer1…4, logits): ${errors.map((e) => e.toExponential(1)).join(', ')}`);
      for (const e of errors) expect(e).toBeLessThan(1e-3);
      expect(model.featureMaps.map((f) => f.stride)).toEqual(name === 'resnet50' ? [4, 8, 8, 8] : [4, 8, 16, 32]);
      tf.dispose([x, logits, ...maps, ...io.tensors.values()]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('ResNet training [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('resnet18 without top: gradient reaches every parameter, no leaks; dilated BasicBlocks keep output stride 8', () => {
    const model = resnet18({ includeTop: false });
    expect(model.has('fc')).toBe(false);
    const x = tf.randomNormal([2, 32, 32, 3]);
    const before = tf.memory().numTensors;
    const params = model.trainableParameters();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, params);
    expect(Object.keys(grads).length).toBe(params.length);
    for (const g of Object.values(grads)) expect(Number.isFinite(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]))).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
    const dilated = resnet18({ includeTop: false, replaceStrideWithDilation: [false, true, true] });
    expect(dilated.featureMaps.map((f) => f.stride)).toEqual([4, 8, 8, 8]);
    const x2 = tf.randomNormal([1, 32, 32, 3]);
    const y = dilated.forward(x2);
    expect(y.shape).toEqual([1, 4, 4, 512]);
    tf.dispose([x2, y]);
    dilated.dispose();
  });
});
