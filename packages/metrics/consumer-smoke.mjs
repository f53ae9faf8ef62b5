// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
export default function smoke(esm, cjs) {
  const images = [
    {
      id: 'a',
      groundTruth: { boxes: new Float32Array([10, 10, 50, 50]), labels: new Int32Array([0]), difficult: new Uint8Array([0]) },
      detections: { boxes: new Float32Array([10, 10, 50, 50]), scores: new Float32Array([0.9]), labels: new Int32Array([0]) },
    },
  ];
  for (const m of [esm, cjs]) {
    if (m.evaluateVoc(images, { classNames: ['x'] }).mAP !== 1) throw new Error('evaluateVoc');
    if (m.evaluateVoc(images, [{ imageId: 'a', label: 0, score: 0.5, box: [10, 10, 50, 50] }], { metric: 'voc07', classNames: ['x'] }).perClass[0].tp !== 1) throw new Error('evaluateVoc records');
    if (Math.abs(m.evaluateCoco(images, { classNames: ['x'] }).stats[0] - 1) > 1e-12) throw new Error('evaluateCoco');
    if (new m.ConfusionMatrix(2).update([0, 1], [0, 1]).compute().mIoU !== 1) throw new Error('ConfusionMatrix');
    if (!m.prCurveSvg(m.evaluateVoc(images, { classNames: ['x'] })).startsWith('<svg')) throw new Error('prCurveSvg');
  }
}
