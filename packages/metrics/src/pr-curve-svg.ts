import { InvalidConfigError, InvalidLabelError } from '@det/core';
import { type CocoMetricQuery, type CocoResult, cocoMetric } from './coco-summary';
import type { PrCurve } from './types';

/** Tableau 10; classes 11–20 reuse it dashed, 21–30 dotted. */
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const DASHES = ['', '7 3', '2 2'];

/** A class's curve for plotting: its name, AP and precision/recall arrays (e.g. a `VocClassResult`). */
export interface PlottedCurve extends PrCurve {
  className: string;
  ap: number | null;
}

export interface PrCurveSvgOptions {
  /** Classes to draw, by name or index into the curves (default all). */
  classes?: readonly (string | number)[];
  /** Default 640 px. */
  width?: number;
  /** Default 480 px; grows when the legend needs more room (17 px per class). */
  height?: number;
  /** Default 'Precision–recall'. */
  title?: string;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * Precision–recall curves as an SVG document: axes with ticks, a grid, one line per class, and a
 * legend with each class's AP ('n/a' where undefined). `curves` is a result with `perClass` curves
 * (e.g. `evaluateVoc`'s) or the array of curves; for COCO use {@link cocoPrCurves}. Long curves are
 * thinned to one point per half pixel. No dependencies; rasterise with any SVG renderer (the `det`
 * CLI uses sharp) for a PNG.
 */
export function prCurveSvg(curves: readonly PlottedCurve[] | { perClass: readonly PlottedCurve[] }, options: PrCurveSvgOptions = {}): string {
  const all = 'perClass' in curves ? curves.perClass : curves;
  const { width = 640, title = 'Precision–recall' } = options;
  for (const [field, v] of [['width', width], ['height', options.height ?? 480]] as const) {
    if (!(Number.isFinite(v) && v >= 200)) throw new InvalidConfigError(`${field} must be a number >= 200`, { field, received: v });
  }
  const chosen = (options.classes ?? all.map((_, k) => k)).map((c, i) => {
    const k = typeof c === 'number' ? c : all.findIndex((curve) => curve.className === c);
    if (!(Number.isInteger(k) && k >= 0 && k < all.length)) {
      throw new InvalidLabelError('class not among the curves', { field: 'classes', index: i, received: c });
    }
    return all[k];
  });
  const legendWidth = 190;
  const margin = { left: 52, right: legendWidth + 16, top: 36, bottom: 44 };
  const height = Math.max(options.height ?? 480, margin.top + 16 + 17 * chosen.length);
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const px = (r: number) => margin.left + r * pw;
  const py = (p: number) => margin.top + (1 - p) * ph;
  const f = (v: number) => v.toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  ];
  for (let k = 0; k <= 10; k++) {
    const v = k / 10;
    parts.push(`<line x1="${f(px(v))}" y1="${f(py(0))}" x2="${f(px(v))}" y2="${f(py(1))}" stroke="#eee"/>`);
    parts.push(`<line x1="${f(px(0))}" y1="${f(py(v))}" x2="${f(px(1))}" y2="${f(py(v))}" stroke="#eee"/>`);
    if (k % 2 === 0) {
      parts.push(`<text x="${f(px(v))}" y="${f(py(0) + 16)}" font-size="11" text-anchor="middle" fill="#444">${v.toFixed(1)}</text>`);
      parts.push(`<text x="${margin.left - 6}" y="${f(py(v) + 4)}" font-size="11" text-anchor="end" fill="#444">${v.toFixed(1)}</text>`);
    }
  }
  parts.push(`<rect x="${f(px(0))}" y="${f(py(1))}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${f(margin.left + pw / 2)}" y="${height - 8}" font-size="12" text-anchor="middle" fill="#222">recall</text>`);
  parts.push(`<text x="14" y="${f(margin.top + ph / 2)}" font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${f(margin.top + ph / 2)})">precision</text>`);
  chosen.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length];
    const style = `fill="none" stroke="${colour}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
    const points: string[] = [];
    let lastX = Number.NaN;
    let lastY = Number.NaN;
    const n = Math.min(c.recall.length, c.precision.length);
    for (let k = 0; k < n; k++) {
      const x = Math.round(px(c.recall[k]) * 2) / 2;
      const y = Math.round(py(c.precision[k]) * 2) / 2;
      if (x === lastX && y === lastY) continue;
      points.push(`${x},${y}`);
      lastX = x;
      lastY = y;
    }
    if (points.length > 0) parts.push(`<polyline ${style} points="${points.join(' ')}"/>`);
    const ly = margin.top + 6 + i * 17;
    parts.push(`<line x1="${width - legendWidth}" y1="${ly + 6}" x2="${width - legendWidth + 14}" y2="${ly + 6}" stroke="${colour}" stroke-width="3"${dash ? ` stroke-dasharray="${dash === '7 3' ? '4 2' : dash}"` : ''}/>`);
    const ap = c.ap === null ? 'n/a' : c.ap.toFixed(3);
    parts.push(`<text x="${width - legendWidth + 20}" y="${ly + 10}" font-size="12" fill="#222">${escapeXml(c.className)} (AP ${ap})</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/**
 * Per-class precision–recall curves from a COCO result, for {@link prCurveSvg}: precision at the
 * recall points, at one IoU threshold (default 0.5), area range (default the first) and maxDets
 * (default the largest); `ap` is that class's AP at the same setting. Classes without ground truth
 * (precision undefined) get empty curves and `ap: null`.
 */
export function cocoPrCurves(result: CocoResult, options: Omit<CocoMetricQuery, 'ap' | 'categories'> = {}): PlottedCurve[] {
  const { iouThresholds, recallThresholds, maxDets, areaRanges } = result.params;
  const { R, K, A, M } = result.dims;
  const iou = options.iouThreshold === undefined ? 0.5 : options.iouThreshold;
  const t = iou === null ? -1 : Array.from(iouThresholds).findIndex((v) => Math.abs(v - iou) < 1e-12);
  const a = options.areaRange === undefined ? 0 : areaRanges.findIndex((r) => r.label === options.areaRange);
  const m = options.maxDets === undefined ? M - 1 : maxDets.indexOf(options.maxDets);
  if (t < 0 || a < 0 || m < 0) {
    throw new InvalidConfigError('IoU threshold, area range or maxDets is not part of the evaluation', { field: 'options', received: { iouThreshold: iou, areaRange: options.areaRange, maxDets: options.maxDets } });
  }
  return result.perClass.map(({ className }, k) => {
    const precision = new Float64Array(R);
    let defined = true;
    for (let r = 0; r < R; r++) {
      const v = result.precision[(((t * R + r) * K + k) * A + a) * M + m];
      if (v <= -1) defined = false;
      precision[r] = v;
    }
    if (!defined) return { className, ap: null, precision: new Float64Array(0), recall: new Float64Array(0) };
    const ap = cocoMetric(result, { ap: true, iouThreshold: iouThresholds[t], areaRange: areaRanges[a].label, maxDets: maxDets[m], categories: [k] });
    return { className, ap, precision, recall: Float64Array.from(recallThresholds) };
  });
}
