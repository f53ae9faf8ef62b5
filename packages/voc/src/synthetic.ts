import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRandom, InvalidConfigError } from '@det/core';
import sharp from 'sharp';
import { VOC_IGNORE_INDEX } from './classes';
import { writePaletteMask } from './mask';
import { type VocAnnotation, type VocObject, vocAnnotationToXml } from './xml';

/** Shapes the generator draws; class i draws SHAPES[i % 3]. */
export const SHAPES = ['circle', 'square', 'triangle'] as const;

export interface ShapesDatasetOptions {
  /** Number of images (default 100). */
  images?: number;
  /** Image side, or width and height, in pixels (default 128). */
  size?: number | { width: number; height: number };
  /** Class names (default ['circle', 'square', 'triangle']); class i is drawn as SHAPES[i % 3] in its own colour. */
  classes?: readonly string[];
  /** Seed: the same seed writes byte-identical files (default 0). */
  seed?: number;
  /** Objects per image, inclusive range (default [1, 3]). */
  objectsPerImage?: [number, number];
  /** Share of images in the 'val' split (default 0.2); the rest is 'train'. */
  valFraction?: number;
}

export interface ShapesDatasetSummary {
  dir: string;
  classes: string[];
  ids: { train: string[]; val: string[] };
  objects: number;
}

const COLOURS: [number, number, number][] = [
  [220, 60, 50],
  [50, 160, 70],
  [60, 90, 210],
  [230, 190, 40],
  [170, 70, 190],
  [40, 190, 200],
];

function inside(shape: (typeof SHAPES)[number], x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
  // upward triangle: apex (cx, cy − r), base y = cy + r·0.8
  if (dy < -r || dy > r * 0.8) return false;
  const half = ((dy + r) / (1.8 * r)) * r;
  return Math.abs(dx) <= half;
}

/**
 * Writes a synthetic VOC-format dataset of coloured shapes on noisy gradient backgrounds: JPEGImages/*.jpg
 * (sharp), Annotations/*.xml, SegmentationClass/*.png and SegmentationObject/*.png (palette PNGs with a
 * 255 boundary ring around each object, as VOC), ImageSets/Main/{train,val,trainval}.txt with per-class
 * lists, and ImageSets/Segmentation. Boxes are tight around each object's visible pixels, 1-based like VOC.
 * Deterministic by seed. The project's bundled data for demos and tests.
 */
export async function generateShapesDataset(dir: string, options: ShapesDatasetOptions = {}): Promise<ShapesDatasetSummary> {
  const { images = 100, classes = ['circle', 'square', 'triangle'], seed = 0, objectsPerImage = [1, 3], valFraction = 0.2 } = options;
  const size = typeof options.size === 'number' || options.size === undefined ? { width: options.size ?? 128, height: options.size ?? 128 } : options.size;
  if (!Number.isInteger(images) || images <= 0) throw new InvalidConfigError('images must be a positive integer', { field: 'images', received: images });
  if (classes.length === 0 || classes.length > 250) throw new InvalidConfigError('need 1–250 classes', { field: 'classes', received: classes.length });
  if (!(size.width >= 16 && size.height >= 16)) throw new InvalidConfigError('size must be at least 16 px', { field: 'size', received: size });
  const random = createRandom(seed);
  for (const sub of ['JPEGImages', 'Annotations', 'SegmentationClass', 'SegmentationObject', 'ImageSets/Main', 'ImageSets/Segmentation']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  const { width: W, height: H } = size;
  const ids = { train: [] as string[], val: [] as string[] };
  const present: Set<number>[] = [];
  let total = 0;
  for (let n = 0; n < images; n++) {
    const id = String(n + 1).padStart(6, '0');
    const rgb = new Uint8Array(W * H * 3);
    const g0 = [random() * 200, random() * 200, random() * 200];
    const g1 = [random() * 200, random() * 200, random() * 200];
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const t = (x + y) / (W + H);
        for (let c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, g0[c] * (1 - t) + g1[c] * t + (random() - 0.5) * 40));
      }
    const classMask = new Uint8Array(W * H);
    const objectMask = new Uint8Array(W * H);
    const count = objectsPerImage[0] + Math.floor(random() * (objectsPerImage[1] - objectsPerImage[0] + 1));
    const drawn: { label: number; instance: number }[] = [];
    for (let k = 0; k < count; k++) {
      const label = Math.floor(random() * classes.length);
      const shape = SHAPES[label % SHAPES.length];
      const r = (0.15 + random() * 0.2) * Math.min(W, H);
      const cx = r + random() * (W - 2 * r);
      const cy = r + random() * (H - 2 * r);
      const colour = COLOURS[label % COLOURS.length];
      const instance = k + 1;
      for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(H - 1, Math.ceil(cy + r)); y++)
        for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(W - 1, Math.ceil(cx + r)); x++) {
          if (!inside(shape, x + 0.5, y + 0.5, cx, cy, r)) continue;
          const p = y * W + x;
          for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.max(0, Math.min(255, colour[c] + (random() - 0.5) * 30));
          classMask[p] = label + 1;
          objectMask[p] = instance;
        }
      drawn.push({ label, instance });
    }
    // Boxes from the visible pixels of each instance (later shapes occlude earlier ones).
    const objects: VocObject[] = [];
    const labelsHere = new Set<number>();
    for (const { label, instance } of drawn) {
      let xmin = W;
      let ymin = H;
      let xmax = -1;
      let ymax = -1;
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          if (objectMask[y * W + x] === instance) {
            if (x < xmin) xmin = x;
            if (x > xmax) xmax = x;
            if (y < ymin) ymin = y;
            if (y > ymax) ymax = y;
          }
      if (xmax - xmin < 2 || ymax - ymin < 2) continue; // fully occluded: not annotated
      objects.push({
        name: classes[label],
        label,
        pose: 'Unspecified',
        truncated: false,
        difficult: false,
        occluded: false,
        bndbox: { xmin: xmin + 1, ymin: ymin + 1, xmax: xmax + 1, ymax: ymax + 1 },
        parts: [],
      });
      labelsHere.add(label);
    }
    // VOC-style boundary: a 1-pixel ring of 255 on the object side of every edge between different labels.
    const classOut = classMask.slice();
    const objectOut = objectMask.slice();
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        if (objectMask[p] === 0) continue;
        const edge =
          (x > 0 && objectMask[p - 1] !== objectMask[p]) ||
          (x < W - 1 && objectMask[p + 1] !== objectMask[p]) ||
          (y > 0 && objectMask[p - W] !== objectMask[p]) ||
          (y < H - 1 && objectMask[p + W] !== objectMask[p]);
        if (edge) {
          classOut[p] = VOC_IGNORE_INDEX;
          objectOut[p] = VOC_IGNORE_INDEX;
        }
      }
    const annotation: VocAnnotation = { folder: 'shapes', filename: `${id}.jpg`, size: { width: W, height: H, depth: 3 }, segmented: true, objects };
    total += objects.length;
    await Promise.all([
      sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 92 }).toFile(join(dir, 'JPEGImages', `${id}.jpg`)),
      writeFile(join(dir, 'Annotations', `${id}.xml`), vocAnnotationToXml(annotation)),
      writeFile(join(dir, 'SegmentationClass', `${id}.png`), writePaletteMask({ width: W, height: H, data: classOut })),
      writeFile(join(dir, 'SegmentationObject', `${id}.png`), writePaletteMask({ width: W, height: H, data: objectOut })),
    ]);
    (random() < valFraction ? ids.val : ids.train).push(id);
    present.push(labelsHere);
  }
  const all = [...ids.train, ...ids.val].sort();
  const lists: Record<string, string[]> = { train: ids.train, val: ids.val, trainval: all };
  for (const [set, list] of Object.entries(lists)) {
    const body = list.length > 0 ? `${list.join('\n')}\n` : '';
    await writeFile(join(dir, 'ImageSets', 'Main', `${set}.txt`), body);
    await writeFile(join(dir, 'ImageSets', 'Segmentation', `${set}.txt`), body);
    for (let c = 0; c < classes.length; c++) {
      const rows = list.map((id) => `${id} ${present[Number(id) - 1].has(c) ? ' 1' : '-1'}`);
      await writeFile(join(dir, 'ImageSets', 'Main', `${classes[c]}_${set}.txt`), rows.length > 0 ? `${rows.join('\n')}\n` : '');
    }
  }
  return { dir, classes: [...classes], ids, objects: total };
}
