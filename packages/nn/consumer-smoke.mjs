// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: layers train (dilated conv gradient included), print
// like PyTorch, and state dicts round-trip through safetensors without leaking tensors.
export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const nn of [esm, cjs]) {
    const before = tf.memory().numTensors;
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 2, dilation: 2 }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(true),
      new nn.MaxPool2d(3, { stride: 2, ceilMode: true }),
    );
    const repr = 'Sequential(\n  (0): Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=(2, 2), dilation=(2, 2))\n  (1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  (2): ReLU(inplace=True)\n  (3): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=True)\n)';
    if (String(model) !== repr) throw new Error(`unexpected printout:\n${model}`);
    const x = tf.randomNormal([2, 7, 7, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(model.forward(x)), model.trainableParameters());
    if (Object.keys(grads).length !== 4) throw new Error('missing parameter gradients');
    const bytes = nn.encodeSafetensors(model.stateDict());
    const { tensors } = nn.decodeSafetensors(bytes);
    const copy = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 2, dilation: 2 }), new nn.BatchNorm2d(4), new nn.ReLU(true), new nn.MaxPool2d(3, { stride: 2, ceilMode: true }));
    copy.loadStateDict(tensors);
    if (copy.getBuffer('1.num_batches_tracked').dataSync()[0] !== 1) throw new Error('buffers did not load');
    tf.dispose([x, value, ...Object.values(grads), ...tensors.values()]);
    model.dispose();
    copy.dispose();
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
