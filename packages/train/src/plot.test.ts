import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { formatTick, lineChartSvg, lossChartSvg, niceTicks, PLOT_FILES, smooth, svgToPng, validationChartSvg, writeTrainingPlots } from './plot';
import { useTempDirs } from './test-helpers.test-helper';
import type { StepRecord } from './types';

const history: StepRecord[] = Array.from({ length: 300 }, (_, i) => ({
  step: i + 1,
  loss: 3 * Math.exp(-i / 80) + 0.2 * Math.sin(i),
  parts: { loc: Math.exp(-i / 80), conf: 2 * Math.exp(-i / 80) },
  lr: 0.01,
  gradNorm: 1,
  ms: 10,
  dataMs: 1,
}));
const validations = [10, 20, 30].map((step) => ({ step, metrics: { mAP: step / 100, recall: step / 50 } }));

describe('plots', () => {
  const tempDir = useTempDirs();

  it('nice ticks, tick labels and smoothing', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 300, 6)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(niceTicks(0.0013, 0.0041, 4)).toEqual([0.002, 0.003, 0.004]);
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(0.0001)).toBe('1e-4');
    expect(formatTick(250000)).toBe('2.5e5');
    expect(smooth([1, 1, 1], 0.9)).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    expect(smooth([0, 10], 0)).toEqual([0, 10]);
    const s = smooth([0, 10, Number.NaN, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(Number.isNaN(s[2])).toBe(true);
    expect(() => smooth([1], 1)).toThrow(/smoothing/);
  });

  it('line chart SVG has axes with tick labels, axis labels, legend and one line per series', () => {
    const svg = lossChartSvg(history);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('Training loss');
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>100</text>');
    expect(svg).toContain('>loc</text>');
    expect(svg).toContain('loss (smoothed 0.9)');
    expect((svg.match(/<polyline/g) ?? []).length).toBe(4);
    expect(validationChartSvg(validations)).toContain('>mAP</text>');
    expect(lineChartSvg({ series: [] })).toContain('no data yet');
    expect(() => lineChartSvg({ series: [], width: 10 })).toThrow(/width/);
  });

  it('long series are thinned per pixel column', () => {
    const x = Array.from({ length: 100_000 }, (_, i) => i);
    const y = x.map((i) => Math.sin(i / 100));
    const svg = lineChartSvg({ series: [{ name: 'y', x, y }], width: 400, height: 300 });
    expect(svg.length).toBeLessThan(60_000);
  });

  it('PNGs decode and have the requested size', async () => {
    const png = await svgToPng(lossChartSvg(history, { width: 640, height: 360 }));
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 640, 360]);
    const dir = join(tempDir(), 'plots');
    const written = await writeTrainingPlots(dir, history, validations, { width: 500, height: 300 });
    expect(written).toEqual([join(dir, PLOT_FILES.loss), join(dir, PLOT_FILES.validation)]);
    for (const path of written) {
      const { data, info } = await sharp(readFileSync(path)).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([500, 300]);
      // Not blank: some dark pixels (lines, text) on the white background.
      let dark = 0;
      for (let i = 0; i < data.length; i += info.channels) if (data[i] < 128) dark++;
      expect(dark).toBeGreaterThan(200);
    }
    expect(await writeTrainingPlots(join(tempDir(), 'empty'), [], [])).toEqual([]);
  });
});
