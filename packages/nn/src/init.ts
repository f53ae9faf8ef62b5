import { createRandom, type Random } from '@det/core';
import { tf } from '@det/tfjs';

let random: Random = createRandom(0);

/**
 * Seeds the generator that layer constructors draw their initial weights from (like `torch.manual_seed`).
 * The default seed is 0, so a model built twice in a fresh process gets the same weights on every backend.
 */
export function manualSeed(seed: number): void {
  random = createRandom(seed);
}

/** The generator used for parameter initialisation (see {@link manualSeed}). */
export function initRandom(): Random {
  return random;
}

/** A float32 tensor of `shape` drawn uniformly from [-bound, bound) on the host (backend-independent). */
export function uniform(shape: number[], bound: number, rnd: Random = random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * rnd() - 1) * bound;
  return tf.tensor(values, shape, 'float32');
}

/**
 * PyTorch's default initialisation of Conv2d and Linear weights and biases:
 * `kaiming_uniform_(a=√5)` = U(−1/√fanIn, 1/√fanIn), bias U(−1/√fanIn, 1/√fanIn).
 * `fanIn` = in_channels/groups · kh · kw for a convolution, in_features for a Linear.
 */
export function defaultInit(shape: number[], fanIn: number, rnd: Random = random): tf.Tensor {
  return uniform(shape, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0, rnd);
}
