import type { ConvTranspose2d } from '@det/nn';
import { tf } from '@det/tfjs';

/**
 * FCN's `get_upsampling_weight`: a transposed convolution initialised to bilinear interpolation — channel i maps
 * to channel i with the k×k bilinear kernel, other pairs 0 (in = out channels). Bias zeroed.
 */
export function initBilinear(up: ConvTranspose2d): void {
  const [k] = up.kernelSize;
  const factor = Math.floor((k + 1) / 2);
  const center = k % 2 === 1 ? factor - 1 : factor - 0.5;
  const c = Math.min(up.inChannels, up.outChannels);
  const w = new Float32Array(k * k * up.outChannels * up.inChannels);
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      const v = (1 - Math.abs(y - center) / factor) * (1 - Math.abs(x - center) / factor);
      for (let i = 0; i < c; i++) w[((y * k + x) * up.outChannels + i) * up.inChannels + i] = v;
    }
  }
  const t = tf.tensor4d(w, [k, k, up.outChannels, up.inChannels]);
  up.weight.assign(t);
  t.dispose();
  if (up.bias) {
    const z = tf.zerosLike(up.bias);
    up.bias.assign(z);
    z.dispose();
  }
}
