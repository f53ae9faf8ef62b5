import { type AnyModule, Conv2d, initRandom, uniform } from '@det/nn';
import { tf } from '@det/tfjs';

/** Host-side normal samples (Box–Muller on the @det/nn init generator, so `manualSeed` reproduces them). */
function normal(shape: number[], std: number): tf.Tensor {
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

function convs(module: AnyModule): Conv2d[] {
  return module.modules().filter((m): m is Conv2d => m instanceof Conv2d);
}

function assign(variable: tf.Variable | null, value: tf.Tensor): void {
  if (variable) variable.assign(value);
  value.dispose();
}

/** `torch.nn.init.xavier_uniform_` on every Conv2d weight under `module`, biases zeroed (torchvision's SSD `_xavier_init`). */
export function xavierInit(module: AnyModule): void {
  for (const conv of convs(module)) {
    const [kh, kw, cin, cout] = conv.weight.shape;
    const bound = Math.sqrt(6 / (cin * kh * kw + cout * kh * kw));
    assign(conv.weight, uniform(conv.weight.shape, bound));
    if (conv.bias) assign(conv.bias, tf.zerosLike(conv.bias));
  }
}

/** `kaiming_normal_(mode='fan_out', nonlinearity='relu')` on every Conv2d weight, biases zeroed (torchvision VGG/ResNet). */
export function kaimingNormalFanOut(module: AnyModule): void {
  for (const conv of convs(module)) {
    const [kh, kw, , cout] = conv.weight.shape;
    assign(conv.weight, normal(conv.weight.shape, Math.sqrt(2 / (cout * kh * kw))));
    if (conv.bias) assign(conv.bias, tf.zerosLike(conv.bias));
  }
}
