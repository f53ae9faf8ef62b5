// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: gradients must be registered, dilated ones included.
export default async function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    const { tf } = m;
    if ((await m.initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
    const before = tf.memory().numTensors;
    const x = tf.ones([1, 7, 7, 2]);
    const w = tf.ones([3, 3, 2, 2]);
    const [dx, dw] = tf.grads((a, b) => tf.sum(tf.conv2d(a, b, 1, 'same', 'NHWC', 2)))([x, w]);
    if (dx.shape.join() !== '1,7,7,2' || dw.shape.join() !== '3,3,2,2') throw new Error('dilated conv2d gradient failed');
    if (!tf.getGradient('MaxPool')) throw new Error('MaxPool gradient is not registered');
    tf.dispose([x, w, dx, dw]);
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
