// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: a small PSPNet gives full-size logits, the pixel cross entropy
// ignores 255, and nothing leaks.
export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const s of [esm, cjs]) {
    const before = tf.memory().numTensors;
    const model = s.pspnet({ numClasses: 3, backbone: 'resnet18', outputStride: 16 }).eval();
    const x = tf.zeros([1, 32, 32, 3]);
    const { out } = model.forward(x);
    if (out.shape.join() !== '1,32,32,3') throw new Error(`unexpected logits ${out.shape}`);
    const loss = s.pixelCrossEntropy(out, new Int32Array(32 * 32).fill(255).fill(1, 0, 10));
    if (!Number.isFinite(loss.dataSync()[0])) throw new Error('loss not finite');
    tf.dispose([x, out, loss]);
    model.dispose();
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
