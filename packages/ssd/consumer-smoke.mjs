// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: an SSD7 trains a step without leaking and predicts.
export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const ssd of [esm, cjs]) {
    const before = tf.memory().numTensors;
    const model = ssd.ssd7({ numClasses: 3, imageSize: 64 });
    const x = tf.randomNormal([2, 64, 64, 3]);
    const { value, grads } = tf.variableGrads(() => model.computeLoss(x, [{ boxes: [0.1, 0.1, 0.6, 0.7], labels: [1] }, { boxes: [], labels: [] }]).loss, model.trainableParameters());
    if (!Number.isFinite(value.dataSync()[0])) throw new Error('loss is not finite');
    if (Object.keys(grads).length !== model.trainableParameters().length) throw new Error('missing gradients');
    tf.dispose([value, ...Object.values(grads)]);
    const [det] = model.predict(x, { scoreThreshold: 0 });
    if (det.boxes.length !== 4 * det.scores.length) throw new Error('bad detections');
    tf.dispose(x);
    model.dispose();
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
