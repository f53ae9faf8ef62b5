// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: seed 003's head surgery keeps torchvision's state-dict keys,
// and the proposal matcher follows torchvision's thresholds.
export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const m of [esm, cjs]) {
    const before = tf.memory().numTensors;
    const head = new m.MaskRCNNHeads(256, [256, 512], 1);
    const predictor = new m.MaskRCNNPredictor(512, 256, 20);
    const keys = [...head.stateDict().keys(), ...predictor.stateDict().keys()].join();
    if (keys !== '0.0.weight,0.0.bias,1.0.weight,1.0.bias,conv5_mask.weight,conv5_mask.bias,mask_fcn_logits.weight,mask_fcn_logits.bias') throw new Error(`unexpected keys ${keys}`);
    const iou = m.iouMatrix(new Float32Array([0, 0, 10, 10]), new Float32Array([0, 0, 10, 10, 0, 0, 10, 5, 20, 20, 30, 30]));
    const matched = m.matchProposals(iou, { high: 0.7, low: 0.3 }).join();
    if (matched !== '0,-2,-1') throw new Error(`unexpected matches ${matched}`);
    head.dispose();
    predictor.dispose();
    if (tf.memory().numTensors !== before) throw new Error('tensors leaked');
  }
}
