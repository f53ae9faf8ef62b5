import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { upgradeTorchvisionKeys } from './legacy-keys';

describe('upgradeTorchvisionKeys', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it("renames torchvision's pre-versioning detection keys and keeps the others", () => {
    const t = tf.scalar(1);
    const keys = [
      'rpn.head.conv.weight',
      'rpn.head.conv.bias',
      'rpn.head.cls_logits.weight',
      'backbone.fpn.inner_blocks.3.weight',
      'backbone.fpn.layer_blocks.0.bias',
      'backbone.fpn.inner_blocks.0.0.weight',
      'roi_heads.mask_head.mask_fcn1.weight',
      'roi_heads.mask_head.mask_fcn4.bias',
      'backbone.body.layer1.0.conv1.weight',
    ];
    const out = upgradeTorchvisionKeys(Object.fromEntries(keys.map((k) => [k, t])));
    expect([...out.keys()]).toEqual([
      'rpn.head.conv.0.0.weight',
      'rpn.head.conv.0.0.bias',
      'rpn.head.cls_logits.weight',
      'backbone.fpn.inner_blocks.3.0.weight',
      'backbone.fpn.layer_blocks.0.0.bias',
      'backbone.fpn.inner_blocks.0.0.weight',
      'roi_heads.mask_head.0.0.weight',
      'roi_heads.mask_head.3.0.bias',
      'backbone.body.layer1.0.conv1.weight',
    ]);
    expect([...out.values()].every((v) => v === t)).toBe(true);
    t.dispose();
  });
});
