// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
export default async function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    const image = m.createImage(8, 6, [10, 20, 30]);
    const back = await m.readImage(await m.encodeImage(image, 'png'));
    if (back.width !== 8 || back.data[2] !== 30) throw new Error('PNG round trip through sharp failed');
    const sample = { image, boxes: new Float32Array([1, 1, 5, 5]), labels: new Int32Array([0]) };
    const out = m.ssdTrainTransform({ size: 16 })(sample, m.createRandom(1));
    if (out.image.width !== 16) throw new Error('ssdTrainTransform did not resize');
  }
}
