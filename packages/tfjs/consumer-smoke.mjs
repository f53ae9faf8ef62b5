// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and the optional peers that can install (tfjs-backend-wasm, -cpu; not tfjs-node,
// whose install downloads libtensorflow): every gradient must be registered in both module systems, they
// must share the user's one tfjs-core, and dilated-conv and max-pool gradients must work on each backend.
export default async function smoke(esm, cjs) {
  if (esm.tf.engine() !== cjs.tf.engine()) throw new Error('ESM and CJS builds see different tfjs-core engines');
  for (const kernel of ['Conv2D', 'MaxPool', 'FusedBatchNorm', 'ResizeBilinear', 'GatherV2', 'Softmax', 'TopK', 'Less']) {
    if (!esm.tf.getGradient(kernel) || !cjs.tf.getGradient(kernel)) throw new Error(`${kernel} gradient is not registered`);
  }
  // The best installed backend: the native bindings are absent here, so wasm (or cpu if wasm is missing).
  const best = await esm.initBackend();
  if (best !== 'wasm' && best !== 'cpu') throw new Error(`initBackend() picked ${best}`);
  for (const m of [esm, cjs]) {
    for (const backend of ['wasm', 'cpu']) {
      try {
        await m.initBackend(backend);
      } catch (e) {
        if (e?.name === 'InvalidConfigError') continue; // that peer is not installed
        throw e;
      }
      const { tf } = m;
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.randomNormal([1, 9, 9, 2], 0, 1, 'float32', 1);
        const w = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 2);
        // A dilation-2 convolution equals an ordinary one with the zero-spread filter: same gradients.
        const loss = (wf, d) => (a, b) => tf.sum(tf.square(tf.conv2d(a, wf(b), 1, 'same', 'NHWC', d)));
        const [dx, dw] = tf.grads(loss((b) => b, 2))([x, w]);
        const [dx2, dwd] = tf.grads(loss((b) => m.dilateFilter(b, 2, 2), 1))([x, w]);
        const err = (a, b) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
        if (err(dx, dx2) > 1e-3 || err(dw, dwd) > 1e-3) throw new Error(`dilated conv2d gradient is wrong on ${backend}`);
        // Max pooling: the gradient of an all-zero (tied) window goes to its first tap, as in PyTorch.
        const g = tf.grad((a) => tf.sum(tf.maxPool(a, 2, 2, 'valid')))(tf.zeros([1, 2, 2, 1]));
        if (g.dataSync().join() !== '1,0,0,0') throw new Error(`maxPool gradient on ties is ${g.dataSync().join()} on ${backend}`);
      });
      if (tf.memory().numTensors !== before) throw new Error(`tensors leaked on ${backend}`);
    }
  }
}
