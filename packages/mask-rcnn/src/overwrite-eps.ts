import { type AnyModule, FrozenBatchNorm2d } from '@det/nn';
import { tf } from '@det/tfjs';

/**
 * torchvision `_utils.overwrite_eps(model, eps)`: every FrozenBatchNorm2d of `model` gets `eps` (torchvision sets 0.0
 * after loading its legacy COCO_V1 detection weights, which were trained that way). The layers are replaced by
 * copies with the same buffers. Returns the number changed.
 */
export function overwriteEps(model: AnyModule, eps: number): number {
  let count = 0;
  for (const [path, m] of model.namedModules()) {
    if (!(m instanceof FrozenBatchNorm2d) || path === '' || m.eps === eps) continue;
    const copy = new FrozenBatchNorm2d(m.numFeatures, { eps });
    tf.tidy(() => {
      for (const name of ['weight', 'bias', 'running_mean', 'running_var']) copy.getBuffer(name).assign(tf.clone(m.getBuffer(name)));
    });
    model.set(path, copy, { dispose: true });
    count++;
  }
  return count;
}
