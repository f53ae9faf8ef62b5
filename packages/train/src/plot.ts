import { InvalidConfigError } from '@det/core';
import { atomicWriteFile } from './fs-util';
import type { StepRecord, ValidationRecord } from './types';

/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** x values (steps), ascending. */
  x: ArrayLike<number>;
  /** y values; non-finite ones leave a gap. */
  y: ArrayLike<number>;
  /** CSS colour; default from the Tableau 10 palette. */
  color?: string;
  /** Stroke width in px. Default 1.8. */
  strokeWidth?: number;
  /** Stroke opacity. Default 1. */
  opacity?: number;
  /** Leave out of the legend. */
  hideInLegend?: boolean;
  /** Draw a dot at every point (for short series such as validation results). Default false. */
  markers?: boolean;
}

export interface LineChartOptions {
  series: readonly ChartSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Default 800 px. */
  width?: number;
  /** Default 480 px. */
  height?: number;
  /** Logarithmic y axis (non-positive values leave gaps). Default false. */
  logY?: boolean;
}

const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** "Nice" tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** A short tick label: plain for ordinary magnitudes, exponent notation for very small or large ones. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  return Number(v.toPrecision(4)).toString();
}

/**
 * A line chart as an SVG document: title, axes with tick labels, grid, axis labels, one polyline per series
 * (long series thinned to the min and max of each pixel column, so spikes stay visible) and a legend.
 */
export function lineChartSvg({ series, title = '', xLabel = 'step', yLabel = '', width = 800, height = 480, logY = false }: LineChartOptions): string {
  for (const [field, v] of [['width', width], ['height', height]] as const) {
    if (!(Number.isInteger(v) && v >= 200 && v <= 8000)) throw new InvalidConfigError(`${field} must be an integer in [200, 8000]`, { field, received: v });
  }
  const ty = (v: number) => (logY ? (v > 0 ? Math.log10(v) : Number.NaN) : v);
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      const x = s.x[i];
      const y = ty(s.y[i]);
      if (!(Number.isFinite(x) && Number.isFinite(y))) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  const empty = !Number.isFinite(xMin);
  if (empty) [xMin, xMax, yMin, yMax] = [0, 1, 0, 1];
  if (xMax === xMin) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (yMax === yMin) {
    const d = Math.abs(yMin) * 0.1 || 1;
    [yMin, yMax] = [yMin - d, yMax + d];
  } else {
    const pad = (yMax - yMin) * 0.05;
    [yMin, yMax] = [yMin - pad, yMax + pad];
  }
  const legend = series.filter((s) => !s.hideInLegend);
  const margin = { left: 64, right: 16, top: 36, bottom: 46 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * pw;
  const py = (y: number) => margin.top + (1 - (y - yMin) / (yMax - yMin)) * ph;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  ];
  for (const x of niceTicks(xMin, xMax, Math.max(2, Math.round(pw / 90)))) {
    if (x < xMin || x > xMax) continue;
    parts.push(`<line x1="${f1(px(x))}" y1="${margin.top}" x2="${f1(px(x))}" y2="${margin.top + ph}" stroke="#eee"/>`);
    parts.push(`<line x1="${f1(px(x))}" y1="${margin.top + ph}" x2="${f1(px(x))}" y2="${margin.top + ph + 4}" stroke="#888"/>`);
    parts.push(`<text x="${f1(px(x))}" y="${margin.top + ph + 17}" font-size="11" text-anchor="middle" fill="#444">${formatTick(x)}</text>`);
  }
  for (const t of niceTicks(yMin, yMax, Math.max(2, Math.round(ph / 60)))) {
    if (t < yMin || t > yMax) continue;
    const label = logY ? formatTick(10 ** t) : formatTick(t);
    parts.push(`<line x1="${margin.left}" y1="${f1(py(t))}" x2="${margin.left + pw}" y2="${f1(py(t))}" stroke="#eee"/>`);
    parts.push(`<line x1="${margin.left - 4}" y1="${f1(py(t))}" x2="${margin.left}" y2="${f1(py(t))}" stroke="#888"/>`);
    parts.push(`<text x="${margin.left - 7}" y="${f1(py(t) + 4)}" font-size="11" text-anchor="end" fill="#444">${label}</text>`);
  }
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  if (xLabel) parts.push(`<text x="${f1(margin.left + pw / 2)}" y="${height - 8}" font-size="12" text-anchor="middle" fill="#222">${escapeXml(xLabel)}</text>`);
  if (yLabel) {
    const cy = f1(margin.top + ph / 2);
    parts.push(`<text x="14" y="${cy}" font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${cy})">${escapeXml(yLabel)}${logY ? ' (log)' : ''}</text>`);
  }
  if (empty) parts.push(`<text x="${f1(margin.left + pw / 2)}" y="${f1(margin.top + ph / 2)}" font-size="13" text-anchor="middle" fill="#888">no data yet</text>`);
  series.forEach((s, i) => {
    const colour = s.color ?? COLOURS[i % COLOURS.length];
    const style = `fill="none" stroke="${colour}" stroke-width="${s.strokeWidth ?? 1.8}" stroke-linejoin="round"${s.opacity !== undefined ? ` stroke-opacity="${s.opacity}"` : ''}`;
    for (const run of thinnedRuns(s, px, (y) => py(ty(y)))) {
      if (run.length === 1) parts.push(`<circle cx="${run[0][0]}" cy="${run[0][1]}" r="2.5" fill="${colour}"/>`);
      else parts.push(`<polyline ${style} points="${run.map(([x, y]) => `${x},${y}`).join(' ')}"/>`);
      if (s.markers && run.length > 1) for (const [x, y] of run) parts.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${colour}"/>`);
    }
  });
  legend.forEach((s, i) => {
    const colour = s.color ?? COLOURS[series.indexOf(s) % COLOURS.length];
    const lx = margin.left + pw - 170;
    const ly = margin.top + 8 + i * 17;
    parts.push(`<rect x="${lx - 6}" y="${ly - 4}" width="172" height="17" fill="#fff" fill-opacity="0.8"/>`);
    parts.push(`<line x1="${lx}" y1="${ly + 5}" x2="${lx + 16}" y2="${ly + 5}" stroke="${colour}" stroke-width="3"/>`);
    parts.push(`<text x="${lx + 22}" y="${ly + 9}" font-size="12" fill="#222">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Screen points of a series split at gaps, keeping each pixel column's first, min, max and last point. */
function thinnedRuns(s: ChartSeries, px: (x: number) => number, py: (y: number) => number): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  let column = Number.NaN;
  let bucket: [number, number][] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let lo = bucket[0];
    let hi = bucket[0];
    for (const p of bucket) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    const keep = [bucket[0], lo, hi, bucket[bucket.length - 1]];
    for (const p of keep) if (run.length === 0 || run[run.length - 1] !== p) run.push(p);
    bucket = [];
  };
  const n = Math.min(s.x.length, s.y.length);
  for (let i = 0; i < n; i++) {
    const x = px(s.x[i]);
    const y = py(s.y[i]);
    if (!(Number.isFinite(x) && Number.isFinite(y))) {
      flush();
      if (run.length > 0) runs.push(run);
      run = [];
      column = Number.NaN;
      continue;
    }
    const c = Math.round(x);
    if (c !== column) flush();
    column = c;
    bucket.push([Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
  }
  flush();
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * TensorBoard's smoothing: an exponential moving average with weight `smoothing` in [0, 1), debiased at the
 * start so the curve begins at the first value. Non-finite values are passed through and not averaged in.
 */
export function smooth(values: ArrayLike<number>, smoothing: number): number[] {
  if (!(smoothing >= 0 && smoothing < 1)) throw new InvalidConfigError('smoothing must be in [0, 1)', { field: 'smoothing', received: smoothing });
  const out: number[] = [];
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    last = last * smoothing + (1 - smoothing) * v;
    count++;
    out.push(smoothing === 0 ? v : last / (1 - smoothing ** count));
  }
  return out;
}

export interface LossChartOptions {
  /** Smoothing weight of the bold curve (see {@link smooth}); 0 draws the raw loss only. Default 0.9. */
  smoothing?: number;
  /** Also draw each loss part (smoothed). Default true. */
  parts?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  title?: string;
}

/** The loss curve of a training history: raw loss (faint), smoothed loss, and smoothed loss parts. */
export function lossChartSvg(history: readonly StepRecord[], { smoothing = 0.9, parts = true, logY = false, width, height, title = 'Training loss' }: LossChartOptions = {}): string {
  const x = history.map((h) => h.step);
  const loss = history.map((h) => h.loss);
  const series: ChartSeries[] = [];
  if (smoothing > 0) {
    series.push({ name: 'loss', x, y: loss, color: '#4e79a7', opacity: 0.3, strokeWidth: 1, hideInLegend: true });
    series.push({ name: `loss (smoothed ${smoothing})`, x, y: smooth(loss, smoothing), color: '#4e79a7', strokeWidth: 2.2 });
  } else {
    series.push({ name: 'loss', x, y: loss, color: '#4e79a7' });
  }
  if (parts) {
    const names = [...new Set(history.flatMap((h) => Object.keys(h.parts ?? {})))];
    names.forEach((name, i) => {
      const y = history.map((h) => h.parts?.[name] ?? Number.NaN);
      series.push({ name, x, y: smoothing > 0 ? smooth(y, smoothing) : y, color: COLOURS[(i + 1) % COLOURS.length], strokeWidth: 1.4 });
    });
  }
  return lineChartSvg({ series, title, xLabel: 'step', yLabel: 'loss', logY, ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) });
}

/** Validation metrics over steps, one line per metric. */
export function validationChartSvg(validations: readonly ValidationRecord[], { width, height, title = 'Validation' }: { width?: number; height?: number; title?: string } = {}): string {
  const names = [...new Set(validations.flatMap((v) => Object.keys(v.metrics)))];
  const x = validations.map((v) => v.step);
  const series = names.map((name) => ({ name, x, y: validations.map((v) => v.metrics[name] ?? Number.NaN), markers: true }));
  return lineChartSvg({ series, title, xLabel: 'step', yLabel: 'metric', ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) });
}

/** Rasterises an SVG document to PNG bytes with sharp (librsvg). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

export interface TrainingPlotsOptions {
  /** Smoothing of the loss curve. Default 0.9. */
  smoothing?: number;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** File names written by {@link writeTrainingPlots}. */
export const PLOT_FILES = { loss: 'loss.png', validation: 'validation.png' } as const;

/**
 * Writes `loss.png` (when there is history) and `validation.png` (when there are validations) into `dir`,
 * each atomically (temporary file + rename). Returns the paths written.
 */
export async function writeTrainingPlots(
  dir: string,
  history: readonly StepRecord[],
  validations: readonly ValidationRecord[],
  { smoothing = 0.9, logY = false, width, height }: TrainingPlotsOptions = {},
): Promise<string[]> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const size = { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
  const written: string[] = [];
  if (history.length > 0) {
    const path = join(dir, PLOT_FILES.loss);
    await atomicWriteFile(path, await svgToPng(lossChartSvg(history, { smoothing, logY, ...size })));
    written.push(path);
  }
  if (validations.length > 0) {
    const path = join(dir, PLOT_FILES.validation);
    await atomicWriteFile(path, await svgToPng(validationChartSvg(validations, size)));
    written.push(path);
  }
  return written;
}
