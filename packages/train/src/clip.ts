import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { entriesOf, type NamedTensors } from './named';

/** The total L2 norm of all gradients together, as a new scalar (no data read). 0 for no gradients. */
export function gradNorm(grads: NamedTensors): tf.Scalar {
  const list = entriesOf(grads).map(([, g]) => g);
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(0);
    // torch: norm(stack([norm(g) for g in grads])). (tf.norm goes through chained ops, which vitest's module
    // inlining can leave unset; square/sum/sqrt is the same computation.)
    const l2 = (t: tf.Tensor) => tf.sqrt(tf.sum(tf.square(t)));
    return l2(tf.stack(list.map((g) => l2(g)))) as tf.Scalar;
  });
}

export interface ClipGradNormResult {
  /** New gradients, by the same names (the caller disposes them; the inputs are left alone). */
  grads: Record<string, tf.Tensor>;
  /** The total norm before clipping, a new scalar (the caller disposes it). */
  norm: tf.Scalar;
}

/**
 * `torch.nn.utils.clip_grad_norm_` for immutable tensors: the total L2 norm over all gradients, and the
 * gradients scaled by `min(1, maxNorm / (norm + 1e-6))`. Reads no data (the norm comes back as a tensor, so a
 * training step can read it together with its loss); the input tensors are not disposed.
 */
export function clipGradNorm(grads: NamedTensors, maxNorm: number): ClipGradNormResult {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) throw new InvalidConfigError('maxNorm must be a finite number > 0', { field: 'maxNorm', received: maxNorm });
  const entries = entriesOf(grads);
  return tf.tidy(() => {
    const norm = gradNorm(grads);
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6)), 1);
    const out: Record<string, tf.Tensor> = {};
    for (const [name, g] of entries) out[name] = tf.mul(g, coef);
    return { grads: out, norm };
  });
}
