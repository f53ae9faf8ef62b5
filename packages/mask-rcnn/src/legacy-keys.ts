import type { tf } from '@det/tfjs';

/** Old → current key patterns of torchvision's versioned `_load_from_state_dict` hooks (RPNHead, FPN, MaskRCNNHeads v1). */
const RULES: [RegExp, string][] = [
  [/(^|\.)rpn\.head\.conv\.(weight|bias)$/, '$1rpn.head.conv.0.0.$2'],
  [/(^|\.)fpn\.(inner_blocks|layer_blocks)\.(\d+)\.(weight|bias)$/, '$1fpn.$2.$3.0.$4'],
  [/(^|\.)mask_head\.mask_fcn(\d+)\.(weight|bias)$/, '$1mask_head.{$2}.0.$3'],
];

/**
 * Renames the keys of a torchvision checkpoint saved before its detection modules were versioned (e.g. the COCO
 * `.pth` files of `maskrcnn_resnet50_fpn` / `fasterrcnn_resnet50_fpn`, whose raw keys are `rpn.head.conv.weight`,
 * `backbone.fpn.inner_blocks.0.weight`, `roi_heads.mask_head.mask_fcn1.weight`) to the current names
 * (`rpn.head.conv.0.0.weight`, `backbone.fpn.inner_blocks.0.0.weight`, `roi_heads.mask_head.0.0.weight`), as
 * torchvision's `_load_from_state_dict` hooks do when it loads them. Current keys pass unchanged; the tensors are
 * the same objects (the caller still owns them).
 */
export function upgradeTorchvisionKeys(dict: Map<string, tf.Tensor> | Record<string, tf.Tensor>): Map<string, tf.Tensor> {
  const entries = dict instanceof Map ? [...dict.entries()] : Object.entries(dict);
  const out = new Map<string, tf.Tensor>();
  for (const [key, value] of entries) {
    let k = key;
    for (const [pattern, replacement] of RULES) {
      if (!pattern.test(k)) continue;
      k = k.replace(pattern, replacement).replace(/\{(\d+)\}/, (_, n: string) => String(Number(n) - 1));
      break;
    }
    out.set(k, value);
  }
  return out;
}
