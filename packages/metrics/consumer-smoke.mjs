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
    const rle = m.rleEncode(Uint8Array.of(0, 1, 1, 0, 1, 0), 2, 3);
    if (m.rleToString(rle) !== '231' || m.rleArea(m.rleFromString('231', 2, 3)) !== 3) throw new Error('rleEncode/rleToString');
    const gt = { images: [{ id: 1, height: 2, width: 3 }], annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [[0, 0, 3, 0, 3, 2]], iscrowd: 0 }], categories: [{ id: 1, name: 'x' }] };
    const segm = m.evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, segmentation: m.rleToJson(m.rleFromSegmentation(gt.annotations[0].segmentation, 2, 3)), score: 1 }], { iouType: 'segm' });
    if (Math.abs(segm.stats[0] - 1) > 1e-12 || m.maskIou([rle], [rle])[0] !== 1) throw new Error('evaluateCocoJson segm');
  }
}
