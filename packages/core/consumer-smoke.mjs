// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
export default function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    try {
      m.validateBoxes(new Float32Array([0, 0, 1, 1, 2, 2, 1, 3]));
      throw new Error('validateBoxes accepted a degenerate box');
    } catch (e) {
      if (!(e instanceof m.InvalidBoxError) || e.index !== 1) throw e;
    }
  }
}
