// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
import { createRequire } from 'node:module';

export default async function smoke(esm, cjs) {
  const priors = new Float32Array([0.5, 0.5, 0.2, 0.2, 0.25, 0.25, 0.5, 0.5]);
  for (const m of [esm, cjs]) {
    const match = m.matchPriors(new Float32Array([0.4, 0.4, 0.6, 0.6]), new Int32Array([3]), priors);
    if (match.labels[0] !== 4) throw new Error(`unexpected match labels ${match.labels}`);
    const targets = m.encodeBatch([{ boxes: [0.4, 0.4, 0.6, 0.6], labels: [3] }], priors);
    if (targets.numPositives[0] !== 1 || targets.locTargets[0] !== 0) throw new Error('unexpected encodeBatch targets');
    if (m.createPriorMatcher(priors).match([], []).matches[0] !== m.NO_MATCH) throw new Error('unexpected empty match');
  }
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  for (const sub of [await import('@det/codec/tfjs'), require('@det/codec/tfjs')]) {
    const out = sub.decodeBoxes(tf.zeros([2, 4]), priors);
    const v = out.dataSync();
    out.dispose();
    if (Math.abs(v[0] - 0.4) > 1e-6) throw new Error(`tfjs decode gave ${v[0]}`);
  }
}
