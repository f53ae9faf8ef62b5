// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
export default function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    const boxes = m.defaultBoxes(m.SSD300_VOC);
    if (boxes.length !== 8732 * 4) throw new Error(`expected 8732 default boxes, got ${boxes.length / 4}`);
  }
}
