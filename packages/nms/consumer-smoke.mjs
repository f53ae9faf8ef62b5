// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
import { createRequire } from 'node:module';

export default async function smoke(esm, cjs) {
  const boxes = new Float32Array([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30]);
  const scores = new Float32Array([0.9, 0.8, 0.7]);
  for (const m of [esm, cjs]) {
    const keep = Array.from(m.nms(boxes, scores, 0.5));
    if (keep.join() !== '0,2') throw new Error(`nms kept ${keep}`);
    const d = m.multiclassNms(boxes, new Float32Array([0.1, 0.9, 0.2, 0.8, 0.5, 0.5]), m.multiclassNmsPresets.torchvision);
    if (Array.from(d.labels).join() !== '0,0') throw new Error(`multiclassNms labels ${d.labels}`);
  }
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  for (const sub of [await import('@det/nms/tfjs'), require('@det/nms/tfjs')]) {
    const b = tf.tensor2d(boxes, [3, 4]);
    const s = tf.tensor1d(scores);
    const keep = Array.from(await sub.nmsAsync(b, s, 0.5));
    tf.dispose([b, s]);
    if (keep.join() !== '0,2') throw new Error(`nmsAsync kept ${keep}`);
  }
}
