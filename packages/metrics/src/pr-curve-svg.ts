import type { PrCurve } from './types';

const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface PrCurveSvgOptions {
  width?: number;
  height?: number;
  title?: string;
}

/** A class's curve for plotting: its name, AP and precision/recall arrays (e.g. a `VocClassResult`). */
export interface PlottedCurve extends PrCurve {
  className: string;
  ap: number | null;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/**
 * Precision–recall curves as an SVG document (axes, grid, one line per class, legend with AP).
 * No dependencies; rasterise with any SVG renderer (the `det` CLI uses sharp) for a PNG.
 */
export function prCurveSvg(curves: readonly PlottedCurve[], options: PrCurveSvgOptions = {}): string {
  const { width = 640, height = 480, title = 'Precision–recall' } = options;
  const legendWidth = 190;
  const margin = { left: 52, right: legendWidth + 16, top: 36, bottom: 44 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const x = (r: number) => (margin.left + r * pw).toFixed(1);
  const y = (p: number) => (margin.top + (1 - p) * ph).toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left}" y="22" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  ];
  for (let k = 0; k <= 10; k++) {
    const v = k / 10;
    parts.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#eee"/>`);
    parts.push(`<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#eee"/>`);
    if (k % 2 === 0) {
      parts.push(`<text x="${x(v)}" y="${Number(y(0)) + 16}" font-size="11" text-anchor="middle" fill="#444">${v.toFixed(1)}</text>`);
      parts.push(`<text x="${margin.left - 6}" y="${Number(y(v)) + 4}" font-size="11" text-anchor="end" fill="#444">${v.toFixed(1)}</text>`);
    }
  }
  parts.push(`<rect x="${x(0)}" y="${y(1)}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${margin.left + pw / 2}" y="${height - 8}" font-size="12" text-anchor="middle" fill="#222">recall</text>`);
  parts.push(`<text x="14" y="${margin.top + ph / 2}" font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${margin.top + ph / 2})">precision</text>`);
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points: string[] = [];
    const n = c.recall.length;
    const step = Math.max(1, Math.floor(n / 800));
    for (let k = 0; k < n; k += step) points.push(`${x(c.recall[k])},${y(c.precision[k])}`);
    if (n > 0 && (n - 1) % step !== 0) points.push(`${x(c.recall[n - 1])},${y(c.precision[n - 1])}`);
    if (points.length > 0) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${points.join(' ')}"/>`);
    const ly = margin.top + 6 + i * 17;
    if (ly < height - 10) {
      parts.push(`<rect x="${width - legendWidth}" y="${ly}" width="12" height="12" fill="${colour}"/>`);
      const ap = c.ap === null ? 'n/a' : c.ap.toFixed(3);
      parts.push(`<text x="${width - legendWidth + 18}" y="${ly + 10}" font-size="12" fill="#222">${escapeXml(c.className)} (AP ${ap})</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}
