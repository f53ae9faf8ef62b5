// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: the SSD7 base gives its declared maps without leaking.
export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const b of [esm, cjs]) {
    const before = tf.memory().numTensors;
    const base = new b.SSD7Base().eval();
    const x = tf.zeros([1, 64, 64, 3]);
    const maps = base.forwardFeatures(x);
    const want = base.featureMaps.map((f) => [1, 64 / f.stride, 64 / f.stride, f.channels].join());
    if (maps.map((m) => m.shape.join()).join(';') !== want.join(';')) throw new Error(`unexpected maps ${maps.map((m) => m.shape)}`);
    tf.dispose([x, ...maps]);
    base.dispose();
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
