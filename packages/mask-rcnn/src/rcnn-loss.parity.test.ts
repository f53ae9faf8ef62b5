import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnetFpnBackbone } from './backbone-with-fpn';
import { MaskRCNN } from './mask-rcnn';

const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorchvision = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
if (!hasTorchvision) console.warn(`[@det/mask-rcnn tests] ${PYTHON} with torchvision not found: the training-loss parity test is skipped`);

/**
 * torchvision's training loss dict for the same weights, images and targets (scripts/fixtures/maskrcnn_train_reference.py):
 * samplers made deterministic by taking every candidate (batch_size_per_image 10⁶, positive_fraction 0.5), two
 * images of different sizes, one without objects.
 */
describe.skipIf(!hasTorchvision)('model.loss vs torchvision MaskRCNN training forward (random ResNet-50-FPN, deterministic samplers) [wasm]', () => {
  let dir = '';
  let model: MaskRCNN;
  let info: { options: Record<string, number>; boxes: number[]; labels: number[]; losses: Record<string, number> };
  let io: Map<string, tf.Tensor>;

  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'det-maskrcnn-train-'));
    const script = new URL('../../../scripts/fixtures/maskrcnn_train_reference.py', import.meta.url).pathname;
    const r = spawnSync(PYTHON, [script, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    info = JSON.parse(readFileSync(join(dir, 'maskrcnn-train.json'), 'utf8'));
    const o = info.options;
    model = new MaskRCNN(resnetFpnBackbone('resnet50', { trainableLayers: 3 }), {
      numClasses: o.num_classes,
      minSize: o.min_size,
      maxSize: o.max_size,
      rpnPreNmsTopNTrain: o.rpn_pre_nms_top_n_train,
      rpnPostNmsTopNTrain: o.rpn_post_nms_top_n_train,
      rpnBatchSizePerImage: o.rpn_batch_size_per_image,
      rpnPositiveFraction: o.rpn_positive_fraction,
      boxBatchSizePerImage: o.box_batch_size_per_image,
      boxPositiveFraction: o.box_positive_fraction,
    });
    const weights = await readSafetensors(join(dir, 'maskrcnn-train.safetensors'));
    const loaded = model.loadStateDict(weights.tensors, { source: 'torchvision' });
    tf.dispose([...weights.tensors.values()]);
    expect(loaded).toEqual({ missingKeys: [], unexpectedKeys: [] });
    io = (await readSafetensors(join(dir, 'maskrcnn-train-io.safetensors'))).tensors as Map<string, tf.Tensor>;
  }, 120_000);

  afterAll(() => {
    if (io) tf.dispose([...io.values()]);
    model?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives torchvision loss dict within 1e-3 relative', () => {
    const hwc = (name: string) => tf.tidy(() => tf.transpose(io.get(name) as tf.Tensor, [1, 2, 0])) as tf.Tensor3D;
    const x0 = hwc('x0');
    const x1 = hwc('x1');
    const m = io.get('masks0') as tf.Tensor3D;
    const [, h, w] = m.shape;
    const md = m.dataSync();
    const masks = [0, 1].map((k) => Uint8Array.from(md.subarray(k * h * w, (k + 1) * h * w)));
    const before = tf.memory().numTensors;
    const out = model.loss(
      [x0, x1],
      [
        { boxes: Float32Array.from(info.boxes), labels: Int32Array.from(info.labels), masks },
        { boxes: new Float32Array(0), labels: new Int32Array(0), masks: [] },
      ],
    );
    const got = Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, v.dataSync()[0]]));
    tf.dispose([out.loss, ...Object.values(out.parts), x0, x1]);
    expect(tf.memory().numTensors).toBe(before - 2);
    console.log('training losses, ours vs torchvision:', JSON.stringify({ got, want: info.losses }));
    expect(Object.keys(got)).toEqual(Object.keys(info.losses));
    const rel = Object.fromEntries(Object.entries(info.losses).map(([k, want]) => [k, Math.abs(got[k] - want) / Math.abs(want)]));
    console.log('relative errors:', JSON.stringify(rel));
    for (const [k, e] of Object.entries(rel)) expect(e, k).toBeLessThan(1e-3);
  }, 120_000);
});
