import { initRandom, uniform } from '@det/nn';
import { tf } from '@det/tfjs';

/**
 * Host-side N(0, std²) samples drawn from the @det/nn init generator (Box–Muller), so `manualSeed` reproduces them
 * (torch.nn.init.normal_).
 */
export function normal(shape: number[], std: number): tf.Tensor {
  const rnd = initRandom();
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rnd())) * std;
    const t = 2 * Math.PI * rnd();
    values[i] = r * Math.cos(t);
    if (i + 1 < size) values[i + 1] = r * Math.sin(t);
  }
  return tf.tensor(values, shape, 'float32');
}

/** Replaces the value of `variable` by `value` and disposes `value`. */
export function assignTo(variable: tf.Variable, value: tf.Tensor): void {
  variable.assign(value);
  value.dispose();
}

/** `torch.nn.init.normal_(w, std)`. */
export const initNormal = (w: tf.Variable, std: number) => assignTo(w, normal(w.shape, std));

/** `torch.nn.init.constant_(b, 0)`. */
export const initZeros = (b: tf.Variable | null) => {
  if (b) assignTo(b, tf.zerosLike(b));
};

/** `kaiming_normal_(mode='fan_out', nonlinearity='relu')`: N(0, 2/fanOut), fanOut as PyTorch counts it for this weight. */
export const initKaimingNormalFanOut = (w: tf.Variable, fanOut: number) => assignTo(w, normal(w.shape, Math.sqrt(2 / fanOut)));

/** `kaiming_uniform_(a=1)` (torchvision's FPN convolutions): U(±√(3/fanIn)). */
export const initKaimingUniformA1 = (w: tf.Variable, fanIn: number) => assignTo(w, uniform(w.shape, Math.sqrt(3 / fanIn)));
