// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function smoke(esm, cjs) {
  for (const m of [esm, cjs]) {
    const dir = mkdtempSync(join(tmpdir(), 'det-voc-smoke-'));
    await m.generateShapesDataset(dir, { images: 3, size: 32, seed: 1 });
    const ds = await m.loadVocDataset(dir, { classNames: ['circle', 'square', 'triangle'] });
    if (ds.records.length !== 3) throw new Error(`loaded ${ds.records.length} records`);
    const seg = await m.loadVocSegmentation(dir, { classNames: ['circle', 'square', 'triangle'], masks: 'both' });
    if (seg.records.length !== 3 || seg.records[0].objectMask.width !== 32) throw new Error('segmentation load failed');
    const mask = m.readPaletteMask(m.writePaletteMask({ width: 2, height: 1, data: Uint8Array.from([1, 255]) }));
    if (mask.data[1] !== 255) throw new Error('palette mask round trip failed');
  }
}
