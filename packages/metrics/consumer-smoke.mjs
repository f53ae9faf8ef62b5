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
    if (Math.abs(m.evaluateCoco(images, { classNames: ['x'] }).stats[0] - 1) > 1e-12) throw new Error('evaluateCoco');
  }
}
