import type { Detections } from '@det/core';
import sharp from 'sharp';

/** Distinct stroke colours, one per class (cycled). */
export const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An SVG overlay (width × height) with one rectangle and a "class score" tag per detection.
 * `detections.boxes` corner form `xyxy` in the image's pixels; labels index `classes`; colours per class unless
 * `detections.colours` gives one per detection.
 */
export function detectionsSvg(width: number, height: number, detections: Pick<Detections, 'boxes' | 'labels' | 'scores'> & { colours?: readonly string[] }, classes: readonly string[]): string {
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`];
  const stroke = Math.max(1, Math.round(Math.min(width, height) / 150));
  const font = Math.max(9, Math.round(Math.min(width, height) / 28));
  for (let i = 0; i < detections.scores.length; i++) {
    const [x0, y0, x1, y1] = detections.boxes.subarray(4 * i, 4 * i + 4);
    const colour = detections.colours?.[i] ?? COLOURS[detections.labels[i] % COLOURS.length];
    const text = `${escapeXml(classes[detections.labels[i]] ?? String(detections.labels[i]))} ${detections.scores[i].toFixed(2)}`;
    const ty = y0 - font - 2 >= 0 ? y0 - font - 2 : y0;
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(y1 - y0).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${x0.toFixed(1)}" y="${ty.toFixed(1)}" width="${(text.length * font * 0.6 + 4).toFixed(1)}" height="${font + 2}" fill="${colour}"/>`,
      `<text x="${(x0 + 2).toFixed(1)}" y="${(ty + font - 1).toFixed(1)}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${font}" fill="#fff">${text}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The image file with the detections drawn on it, as PNG bytes (sharp composites the SVG overlay). */
export async function drawDetections(imagePath: string, detections: Detections, classes: readonly string[]): Promise<Uint8Array> {
  const image = sharp(imagePath);
  const { width = 0, height = 0 } = await image.metadata();
  const overlay = Buffer.from(detectionsSvg(width, height, detections, classes));
  return image.composite([{ input: overlay, top: 0, left: 0 }]).png().toBuffer();
}
