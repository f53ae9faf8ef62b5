import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '@det/core';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMaskRcnn, loadMaskRcnn, type MaskRcnnConfig, saveMaskRcnn } from './model-folder';

const small: MaskRcnnConfig = {
  family: 'mask-rcnn',
  numClasses: 3,
  backbone: 'resnet18',
  imageSize: 64,
  returnedLayers: [2, 3, 4],
  fpnChannels: 16,
  anchorSizes: [16, 32, 64, 128],
  representationSize: 32,
  maskLayers: [16, 8],
  rpnPreNmsTopNTest: 50,
  rpnPostNmsTopNTest: 20,
  boxDetectionsPerImg: 10,
  classes: ['background', 'a', 'b'],
};

describe('buildMaskRcnn / saveMaskRcnn / loadMaskRcnn [wasm]', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend('wasm');
    root = mkdtempSync(join(tmpdir(), 'det-maskrcnn-folder-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds the configured parts with torchvision names (levels, anchors, heads, widths)', () => {
    const model = buildMaskRcnn(small);
    const shapes = Object.fromEntries([...model.stateDict()].map(([k, t]) => [k, t.shape]));
    expect(shapes['backbone.fpn.inner_blocks.0.0.weight']).toEqual([1, 1, 128, 16]); // layer2 → 16 channels (HWIO)
    expect(shapes['backbone.fpn.inner_blocks.2.0.weight']).toEqual([1, 1, 512, 16]);
    expect(shapes['backbone.fpn.inner_blocks.3.0.weight']).toBeUndefined();
    expect(shapes['rpn.head.cls_logits.weight']).toEqual([1, 1, 16, 3]); // one size × 3 ratios per level
    expect(shapes['roi_heads.box_head.fc6.weight']).toEqual([16 * 49, 32]);
    expect(shapes['roi_heads.box_predictor.cls_score.weight']).toEqual([32, 3]);
    expect(shapes['roi_heads.mask_head.1.0.weight']).toEqual([3, 3, 16, 8]);
    expect(shapes['roi_heads.mask_predictor.mask_fcn_logits.weight']).toEqual([1, 1, 8, 3]);
    expect(String(model)).toMatch(/MultiScaleRoIAlign\(featmap_names=\['0', '1', '2'\], output_size=\(14, 14\), sampling_ratio=2\)/);
    // every parameter trains (BatchNorm2d, trainableLayers 5)
    expect(model.trainableParameters().length).toBe(model.parameters().length);
    model.dispose();
  });

  it('round-trips through a model folder: same config, same weights, same detections, no tensor left', async () => {
    const before = tf.memory().numTensors;
    const model = buildMaskRcnn(small).eval();
    const dir = join(root, 'model');
    await saveMaskRcnn(dir, model, small);
    const { model: loaded, config } = await loadMaskRcnn(dir);
    loaded.eval();
    expect(config).toEqual(small);
    const a = model.stateDict();
    const b = loaded.stateDict();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, t] of a) {
      const x = t.dataSync();
      const y = b.get(k)!.dataSync();
      let same = x.length === y.length;
      for (let i = 0; same && i < x.length; i++) same = x[i] === y[i];
      expect(same, k).toBe(true);
    }
    const image = { width: 64, height: 48, data: Float32Array.from({ length: 64 * 48 * 3 }, (_, i) => ((i * 7919) % 255) / 255) };
    const [d1] = model.forward([image]);
    const [d2] = loaded.forward([image]);
    expect(Array.from(d2.scores)).toEqual(Array.from(d1.scores));
    expect(Array.from(d2.boxes)).toEqual(Array.from(d1.boxes));
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad configs with typed errors naming the field', () => {
    const bad = (patch: Partial<MaskRcnnConfig>, field: string) => {
      try {
        buildMaskRcnn({ ...small, ...patch } as MaskRcnnConfig);
        expect.unreachable(`${field} accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigError);
        expect((error as InvalidConfigError).field).toBe(field);
      }
    };
    bad({ family: 'segmentation' as 'mask-rcnn' }, 'family');
    bad({ backbone: 'vgg16' as 'resnet18' }, 'backbone');
    bad({ numClasses: 1 }, 'numClasses');
    bad({ anchorSizes: [32, 64] }, 'anchorSizes');
    bad({ returnedLayers: [2, 5] as unknown as MaskRcnnConfig['returnedLayers'] }, 'returnedLayers');
    bad({ maskLayers: [] }, 'maskLayers');
    const before = tf.memory().numTensors;
    bad({ trainableLayers: 6 }, 'trainableLayers');
    bad({ returnedLayers: [] }, 'returnedLayers');
    expect(tf.memory().numTensors).toBe(before); // checked before the ResNet is built: nothing left behind
  });
});
