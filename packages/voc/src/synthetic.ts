import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRandom, InvalidConfigError, mixSeed } from '@det/core';
import sharp from 'sharp';
import { formatClassImageSet, formatImageSet } from './imagesets';
import { mapBounded } from './io';
import { writePaletteMask } from './mask';
import { renderShapesImage, SHAPES } from './shapes';
import { vocAnnotationToXml } from './xml';

export interface ShapesDatasetOptions {
  /** Number of images (default 100); ids are `000001`, `000002`, … */
  images?: number;
  /** Image side, or width and height, in pixels (default 128; at least 16). */
  size?: number | { width: number; height: number };
  /**
   * Class names, or a count n ≤ 8 for the first n of {@link SHAPES} (default ['circle', 'square', 'triangle']).
   * A class named like a shape draws that shape; other names take the remaining shapes in order.
   */
  classes?: readonly string[] | number;
  /** Seed (default 0): the same seed and options write byte-identical files. */
  seed?: number;
  /** Objects drawn per image, inclusive range (default [1, 3]). */
  objectsPerImage?: readonly [number, number];
  /** Relative sizes of the 'train' and 'val' splits (default { train: 0.8, val: 0.2 }); ids are assigned by a seeded shuffle. */
  sets?: { train: number; val: number };
  /** Object colours: 'class' (default, one hue per class) or 'random' (classes differ by geometry only). */
  colour?: 'class' | 'random';
  /** JPEG quality (default 90). */
  quality?: number;
}

export interface ShapesDatasetSummary {
  dir: string;
  classes: string[];
  /** Sorted ids per split; `trainval` is both. */
  ids: { train: string[]; val: string[]; trainval: string[] };
  /** Annotated objects written (difficult ones included). */
  objects: number;
}

function resolveClasses(classes: readonly string[] | number): string[] {
  if (typeof classes === 'number') {
    if (!Number.isInteger(classes) || classes < 1 || classes > SHAPES.length) {
      throw new InvalidConfigError(`a class count must be 1–${SHAPES.length}; pass names for more`, { field: 'classes', received: classes });
    }
    return SHAPES.slice(0, classes);
  }
  const names = [...classes];
  if (names.length < 1 || names.length > 254) throw new InvalidConfigError('need 1–254 classes', { field: 'classes', received: names.length });
  names.forEach((name, i) => {
    if (typeof name !== 'string' || !/^[^\s/\\<>&]+$/.test(name)) {
      throw new InvalidConfigError('class names must be non-empty, without spaces, slashes or <>&', { field: 'classes', index: i, received: name });
    }
    if (names.indexOf(name) !== i) throw new InvalidConfigError(`duplicate class name '${name}'`, { field: 'classes', index: i, received: name });
  });
  return names;
}

/**
 * Writes a synthetic dataset in genuine VOC layout under `dir` — the project's bundled data for demos and
 * tests: coloured shapes (one geometry per class, 15–60% of the image, partly occluding each other) on
 * noisy gradient backgrounds.
 *
 * - `JPEGImages/<id>.jpg` (sharp, from a raw RGB buffer),
 * - `Annotations/<id>.xml`: boxes tight around each object's visible pixels, VOC 1-based inclusive pixels;
 *   `occluded` / `difficult` flags from the visible fraction (< 90% / < 35%),
 * - `SegmentationClass/<id>.png` and `SegmentationObject/<id>.png`: VOC-palette PNGs (class c → c+1,
 *   instance k → the k-th `<object>`), 255 on a 2-px ring straddling every outline, as VOC's masks have,
 * - `ImageSets/Main/{train,val,trainval}.txt`, `ImageSets/Main/<class>_<set>.txt` (1 present, 0 only
 *   difficult, −1 absent) and `ImageSets/Segmentation/{train,val,trainval}.txt`.
 *
 * Deterministic: image n is drawn from `createRandom(mixSeed(seed, n))`, so the same seed gives
 * byte-identical files (and image n does not depend on how many images are written).
 */
export async function generateShapesDataset(dir: string, options: ShapesDatasetOptions = {}): Promise<ShapesDatasetSummary> {
  const { images = 100, seed = 0, objectsPerImage = [1, 3], sets = { train: 0.8, val: 0.2 }, colour = 'class', quality = 90 } = options;
  const classes = resolveClasses(options.classes ?? ['circle', 'square', 'triangle']);
  const size = typeof options.size === 'object' ? options.size : { width: options.size ?? 128, height: options.size ?? 128 };
  if (!Number.isInteger(images) || images <= 0) throw new InvalidConfigError('images must be a positive integer', { field: 'images', received: images });
  if (!(Number.isInteger(size.width) && Number.isInteger(size.height) && size.width >= 16 && size.height >= 16 && size.width <= 8192 && size.height <= 8192)) {
    throw new InvalidConfigError('size must be an integer 16–8192, or { width, height } of such', { field: 'size', received: options.size });
  }
  if (!(sets.train >= 0 && sets.val >= 0 && sets.train + sets.val > 0)) throw new InvalidConfigError('sets must be non-negative weights, not both 0', { field: 'sets', received: sets });
  const [lo, hi] = objectsPerImage;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && lo <= hi && hi <= 254)) {
    throw new InvalidConfigError('objectsPerImage must be [min, max] integers with 0 ≤ min ≤ max ≤ 254', { field: 'objectsPerImage', received: objectsPerImage });
  }
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new InvalidConfigError('quality must be an integer 1–100', { field: 'quality', received: quality });

  for (const sub of ['JPEGImages', 'Annotations', 'SegmentationClass', 'SegmentationObject', 'ImageSets/Main', 'ImageSets/Segmentation']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  const ids = Array.from({ length: images }, (_, n) => String(n + 1).padStart(6, '0'));
  // Per class and image: 1 if it has a non-difficult object of the class, 0 if only difficult ones, −1 otherwise.
  const flags = ids.map(() => new Int8Array(classes.length).fill(-1));
  const counts = await mapBounded(ids, 4, async (id, n) => {
    const { rgb, classMask, objectMask, objects } = renderShapesImage(createRandom(mixSeed(seed, n)), { width: size.width, height: size.height, classes, objectsPerImage, colour });
    for (const o of objects) flags[n][o.label] = o.difficult ? Math.max(flags[n][o.label], 0) : 1;
    const annotation = { folder: 'shapes', filename: `${id}.jpg`, size: { width: size.width, height: size.height, depth: 3 }, segmented: true, objects };
    const mask = (data: Uint8Array) => writePaletteMask({ width: size.width, height: size.height, data });
    await Promise.all([
      sharp(rgb, { raw: { width: size.width, height: size.height, channels: 3 } }).jpeg({ quality }).toFile(join(dir, 'JPEGImages', `${id}.jpg`)),
      writeFile(join(dir, 'Annotations', `${id}.xml`), vocAnnotationToXml(annotation)),
      writeFile(join(dir, 'SegmentationClass', `${id}.png`), mask(classMask)),
      writeFile(join(dir, 'SegmentationObject', `${id}.png`), mask(objectMask)),
    ]);
    return objects.length;
  });

  // Split: a seeded shuffle; both splits non-empty when both have weight and there are ≥ 2 images.
  let nVal = Math.round((images * sets.val) / (sets.train + sets.val));
  if (sets.val > 0 && sets.train > 0 && images >= 2) nVal = Math.min(images - 1, Math.max(1, nVal));
  const order = ids.map((_, i) => i);
  const random = createRandom(mixSeed(seed, 0x5e75));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const isVal = new Uint8Array(images);
  for (let i = 0; i < nVal; i++) isVal[order[i]] = 1;
  const split = {
    train: ids.filter((_, i) => !isVal[i]),
    val: ids.filter((_, i) => isVal[i]),
    trainval: ids,
  };
  for (const [set, list] of Object.entries(split)) {
    const indices = list.map((id) => Number(id) - 1);
    await writeFile(join(dir, 'ImageSets', 'Main', `${set}.txt`), formatImageSet(list));
    await writeFile(join(dir, 'ImageSets', 'Segmentation', `${set}.txt`), formatImageSet(list));
    for (let c = 0; c < classes.length; c++) {
      const rows = indices.map((i) => ({ id: ids[i], flag: flags[i][c] as -1 | 0 | 1 }));
      await writeFile(join(dir, 'ImageSets', 'Main', `${classes[c]}_${set}.txt`), formatClassImageSet(rows));
    }
  }
  return { dir, classes, ids: split, objects: counts.reduce<number>((a, b) => a + (b ?? 0), 0) };
}
