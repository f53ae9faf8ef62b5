import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { capture } from './capture.test-helper';

describe('det anchors', () => {
  it('prints per-layer counts and the 8732 total for SSD300_VOC', async () => {
    const { io, out } = capture();
    expect(await main(['anchors', '--preset', 'SSD300_VOC'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('38×38');
    expect(text).toMatch(/total\s+8732 default boxes/);
  });

  it('prints JSON and writes a PNG drawing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'det-anchors-'));
    const png = join(dir, 'ssd7.png');
    const { io, out } = capture();
    expect(await main(['anchors', '--preset', 'SSD7', '--json', '--out', png, '--size', '200'], io)).toBe(0);
    const summary = JSON.parse(out[0]);
    expect(summary.total).toBe(7160);
    expect(summary.layers.map((l: { featureMap: number }) => l.featureMap)).toEqual([37, 18, 9, 4]);
    const meta = await sharp(readFileSync(png)).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(200);
  });

  it('reads a JSON config and reports an invalid one with its field (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'det-anchors-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ imageSize: 128, featureMaps: [8], steps: [16, 32], minSizes: [10], aspectRatios: [[2]], clip: true }));
    const { io, err } = capture();
    expect(await main(['anchors', '--config', file], io)).toBe(1);
    expect(err.join('\n')).toMatch(/InvalidConfigError \[INVALID_CONFIG\].*field 'steps'/);
  });

  it('rejects unknown presets and options with usage (exit 2)', async () => {
    const { io, err } = capture();
    expect(await main(['anchors', '--preset', 'YOLO'], io)).toBe(2);
    expect(err.join('\n')).toContain("unknown preset 'YOLO'");
    expect(await main(['anchors', '--bogus'], io)).toBe(2);
    expect(await main(['nope'], io)).toBe(2);
  });
});
