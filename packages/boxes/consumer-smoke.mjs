// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
export default function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    const iou = m.boxIou(new Float32Array([0, 0, 2, 2]), new Float32Array([1, 1, 3, 3]));
    if (Math.abs(iou[0] - 1 / 7) > 1e-7) throw new Error(`boxIou gave ${iou[0]}`);
  }
}
