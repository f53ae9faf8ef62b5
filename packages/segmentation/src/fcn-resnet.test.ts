import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fcnResnet50 } from './fcn-resnet';

const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorchvision = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
if (!hasTorchvision) console.warn(`[@det/segmentation tests] ${PYTHON} with torchvision not found: fcn_resnet50 parity is skipped (apt-get install python3-torchvision)`);

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe.skipIf(!hasTorchvision)('fcnResnet50 vs torchvision fcn_resnet50 (aux on, random weights, eval) [wasm]', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'det-fcn-ref-'));
    const script = new URL('../../../scripts/fixtures/segmentation_reference.py', import.meta.url).pathname;
    const r = spawnSync(PYTHON, [script, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints like torchvision, loads its state dict by key, and reproduces out and aux within 1e-3 of scale', async () => {
    const before = tf.memory().numTensors;
    const model = fcnResnet50({ numClasses: 21, auxLoss: true }).eval();
    const repr = readFileSync(join(dir, 'fcn_resnet50.repr'), 'utf8').replace(/IntermediateLayerGetter/, 'ResNet');
    expect(String(model).replace(/^SegmentationModel|^FCN/, 'FCN')).toBe(repr);
    const weights = await readSafetensors(join(dir, 'fcn_resnet50.safetensors'));
    expect(model.loadStateDict(weights.tensors, { source: 'torchvision' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    tf.dispose([...weights.tensors.values()]);
    const io = await readSafetensors(join(dir, 'fcn_resnet50-io.safetensors'));
    const nhwc = (t: tf.Tensor) => tf.transpose(t, [0, 2, 3, 1]);
    const x = nhwc(io.tensors.get('x') as tf.Tensor);
    const { out, aux } = model.forward(x);
    const wantOut = nhwc(io.tensors.get('out') as tf.Tensor);
    const wantAux = nhwc(io.tensors.get('aux') as tf.Tensor);
    const eOut = relError(out.dataSync(), wantOut.dataSync());
    const eAux = relError((aux as tf.Tensor).dataSync(), wantAux.dataSync());
    console.log(`fcn_resnet50 parity: out ${eOut.toExponential(2)}, aux ${eAux.toExponential(2)}`);
    expect(out.shape).toEqual([1, 64, 64, 21]);
    expect(eOut).toBeLessThan(1e-3);
    expect(eAux).toBeLessThan(1e-3);
    tf.dispose([x, out, aux as tf.Tensor, wantOut, wantAux, ...io.tensors.values()]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
