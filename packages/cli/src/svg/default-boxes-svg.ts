import { type DefaultBoxConfig, defaultBoxLayers } from '@det/anchors';

/** One colour per source map (Tableau 10). */
export const LAYER_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface DefaultBoxesSvgOptions {
  /** Side of the drawing in pixels. */
  size: number;
  title?: string;
}

/**
 * Draws, for every source map, the default boxes of its centre location (centroid boxes, normalised)
 * and the map's cell centres as dots, on a square canvas; a legend names each map. Returns SVG text.
 * `boxes` is `defaultBoxes(config)`: Float32Array [P*4] cxcywh in [0, 1].
 */
export function defaultBoxesSvg(config: DefaultBoxConfig, boxes: Float32Array, options: DefaultBoxesSvgOptions): string {
  const { size, title } = options;
  const legend = 22;
  const height = size + legend * (config.featureMaps.length + 1) + 10;
  const px = (v: number) => (v * size).toFixed(2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" viewBox="0 0 ${size} ${height}">`,
    `<rect width="${size}" height="${height}" fill="#ffffff"/>`,
    `<rect x="0.5" y="0.5" width="${size - 1}" height="${size - 1}" fill="#f4f4f4" stroke="#999"/>`,
  ];
  const layers = defaultBoxLayers(config);
  layers.forEach((layer, k) => {
    const colour = LAYER_COLOURS[k % LAYER_COLOURS.length];
    const f = layer.featureMap;
    if (f <= 40) {
      const step = config.steps[k] / config.imageSize;
      for (let i = 0; i < f; i++)
        for (let j = 0; j < f; j++) {
          parts.push(`<circle cx="${px((j + 0.5) * step)}" cy="${px((i + 0.5) * step)}" r="${k === 0 ? 1 : 1.6}" fill="${colour}" opacity="0.5"/>`);
        }
    }
    const centre = Math.floor(f / 2) * f + Math.floor(f / 2);
    const first = layer.offset + centre * layer.boxesPerLocation;
    for (let b = first; b < first + layer.boxesPerLocation; b++) {
      const [cx, cy, w, h] = boxes.subarray(4 * b, 4 * b + 4);
      parts.push(
        `<rect x="${px(cx - w / 2)}" y="${px(cy - h / 2)}" width="${px(w)}" height="${px(h)}" fill="none" stroke="${colour}" stroke-width="2" opacity="0.9"/>`,
      );
    }
    const y = size + legend * (k + 1);
    parts.push(`<rect x="8" y="${y - 12}" width="14" height="14" fill="${colour}"/>`);
    parts.push(
      `<text x="30" y="${y}" font-family="sans-serif" font-size="14" fill="#222">map ${k}: ${f}×${f}, ${layer.boxesPerLocation} boxes/location, ${layer.count} boxes</text>`,
    );
  });
  const total = boxes.length / 4;
  parts.push(
    `<text x="8" y="${size + legend * (layers.length + 1)}" font-family="sans-serif" font-size="14" font-weight="bold" fill="#222">${title ?? 'default boxes'}: ${total} boxes</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}
