import { InvalidConfigError } from '@det/core';
import { VOC_IGNORE_INDEX } from './classes';
import type { VocObject } from './xml';

/** The geometries the synthetic generator draws, all distinct by outline (not only by colour). */
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'ring', 'hexagon', 'ellipse'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Distinct base colours, class c uses `SHAPE_COLOURS[c % 8]` (jittered per object and per pixel). */
const SHAPE_COLOURS: readonly [number, number, number][] = [
  [220, 60, 50],
  [50, 170, 70],
  [60, 90, 220],
  [235, 195, 40],
  [170, 70, 195],
  [40, 195, 205],
  [240, 130, 30],
  [245, 245, 245],
];

/**
 * Whether the point (dx, dy) from a shape's centre is inside `shape` of radius `r` (every shape fits in
 * the square of side 2r around the centre; y points down).
 */
export function insideShape(shape: ShapeName, dx: number, dy: number, r: number): boolean {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square':
      return ax <= 0.85 * r && ay <= 0.85 * r;
    case 'triangle': // apex up at (0, −r), base at y = 0.8r
      return dy >= -r && dy <= 0.8 * r && ax <= ((dy + r) / 1.8) * 0.95;
    case 'diamond':
      return ax + ay <= r;
    case 'cross':
      return (ax <= 0.3 * r && ay <= r) || (ay <= 0.3 * r && ax <= r);
    case 'ring': {
      const d2 = dx * dx + dy * dy;
      return d2 <= r * r && d2 >= 0.3 * r * r;
    }
    case 'hexagon': // vertices at (±r, 0)
      return ay <= 0.866 * r && 1.732 * ax + ay <= 1.732 * r;
    case 'ellipse': // wide: semi-axes r and 0.55r
      return (dx * dx) / (r * r) + (dy * dy) / (0.3025 * r * r) <= 1;
  }
}

/** The shape each class draws: a class named like a shape draws it; others take the unused shapes in order, then repeat. */
export function shapesForClasses(classes: readonly string[]): ShapeName[] {
  const named = new Set(classes.filter((c): c is ShapeName => (SHAPES as readonly string[]).includes(c)));
  const free = SHAPES.filter((s) => !named.has(s));
  let next = 0;
  return classes.map((c) => ((SHAPES as readonly string[]).includes(c) ? (c as ShapeName) : free.length > 0 ? free[next++ % free.length] : SHAPES[next++ % SHAPES.length]));
}

export interface RenderShapesOptions {
  width: number;
  height: number;
  /** Class names; class c is drawn as `shapesForClasses(classes)[c]`. */
  classes: readonly string[];
  /** Objects drawn per image, inclusive range (default [1, 3]); an object hidden almost entirely is dropped. */
  objectsPerImage?: readonly [number, number];
  /** Object colours: 'class' (default; one hue per class, jittered) or 'random' (only geometry tells classes apart). */
  colour?: 'class' | 'random';
  /** Mark a 255 ring on both sides of every object outline, as VOC masks have (default true). */
  boundary?: boolean;
}

/** One rendered image and its annotation. */
export interface ShapesImage {
  /** Uint8Array [H*W*3], RGB, row-major. */
  rgb: Uint8Array;
  /** Uint8Array [H*W]: 0 background, c+1 for class c, 255 boundary ring or void (an almost hidden object's remains). */
  classMask: Uint8Array;
  /** Uint8Array [H*W]: 0 background, k for `objects[k-1]`, 255 boundary ring or void. */
  objectMask: Uint8Array;
  /**
   * Objects in drawing order (later ones occlude earlier ones). `bndbox` is tight around the object's
   * visible pixels (before the boundary ring), in VOC's 1-based inclusive pixel coordinates. `occluded`
   * when under 90% of it is visible, `difficult` when under 35%.
   */
  objects: VocObject[];
}

const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * Draws one synthetic image of shapes on a noisy gradient background, with its class and instance masks
 * and VOC objects. Deterministic in the sequence of `random()` values.
 */
export function renderShapesImage(random: () => number, options: RenderShapesOptions): ShapesImage {
  const { width: W, height: H, classes, objectsPerImage = [1, 3], colour = 'class', boundary = true } = options;
  if (classes.length < 1 || classes.length > 254) throw new InvalidConfigError('need 1–254 classes', { field: 'classes', received: classes.length });
  const [minObjects, maxObjects] = objectsPerImage;
  if (!(Number.isInteger(minObjects) && Number.isInteger(maxObjects) && minObjects >= 0 && minObjects <= maxObjects && maxObjects <= 254)) {
    throw new InvalidConfigError('objectsPerImage must be [min, max] integers with 0 ≤ min ≤ max ≤ 254', { field: 'objectsPerImage', received: objectsPerImage });
  }
  const shapes = shapesForClasses(classes);
  const rgb = new Uint8Array(W * H * 3);
  // Background: a diagonal gradient between two random colours, plus pixel noise.
  const g0 = [random() * 220, random() * 220, random() * 220];
  const g1 = [random() * 220, random() * 220, random() * 220];
  for (let y = 0, p = 0; y < H; y++)
    for (let x = 0; x < W; x++, p += 3) {
      const t = (x + y) / (W + H - 2 || 1);
      for (let c = 0; c < 3; c++) rgb[p + c] = clamp255(g0[c] + (g1[c] - g0[c]) * t + (random() - 0.5) * 40);
    }
  const instances = new Uint8Array(W * H); // 1-based draw index
  const drawn: { label: number; area: number; cx: number; cy: number; r: number }[] = [];
  const count = minObjects + Math.floor(random() * (maxObjects - minObjects + 1));
  const side = Math.min(W, H);
  for (let k = 0; k < count; k++) {
    const label = Math.floor(random() * classes.length);
    const r = ((0.15 + 0.45 * random()) * side) / 2; // extent 15–60% of the shorter side
    // Partial occlusion is welcome, near-total is not: a few tries to keep centres apart.
    let cx = 0;
    let cy = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      cx = r + random() * (W - 2 * r);
      cy = r + random() * (H - 2 * r);
      if (drawn.every((d) => Math.hypot(d.cx - cx, d.cy - cy) >= 0.6 * (d.r + r))) break;
    }
    const base = colour === 'class' ? SHAPE_COLOURS[label % SHAPE_COLOURS.length] : [random() * 255, random() * 255, random() * 255];
    const tint = base.map((v) => v + (random() - 0.5) * 40);
    let area = 0;
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(H - 1, Math.ceil(cy + r)); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(W - 1, Math.ceil(cx + r)); x++) {
        if (!insideShape(shapes[label], x + 0.5 - cx, y + 0.5 - cy, r)) continue;
        const p = y * W + x;
        for (let c = 0; c < 3; c++) rgb[3 * p + c] = clamp255(tint[c] + (random() - 0.5) * 30);
        instances[p] = k + 1;
        area++;
      }
    drawn.push({ label, area, cx, cy, r });
  }
  // Visible extent of each drawn object.
  const n = drawn.length;
  const visible = new Int32Array(n + 1);
  const x0 = new Int32Array(n + 1).fill(W);
  const y0 = new Int32Array(n + 1).fill(H);
  const x1 = new Int32Array(n + 1).fill(-1);
  const y1 = new Int32Array(n + 1).fill(-1);
  for (let y = 0, p = 0; y < H; y++)
    for (let x = 0; x < W; x++, p++) {
      const k = instances[p];
      if (k === 0) continue;
      visible[k]++;
      if (x < x0[k]) x0[k] = x;
      if (x > x1[k]) x1[k] = x;
      if (y < y0[k]) y0[k] = y;
      if (y > y1[k]) y1[k] = y;
    }
  // Annotated objects get instance ids 1..m in drawing order; an almost hidden one becomes void (255).
  const remap = new Uint8Array(n + 1);
  const objects: VocObject[] = [];
  for (let k = 1; k <= n; k++) {
    const d = drawn[k - 1];
    const fraction = d.area > 0 ? visible[k] / d.area : 0;
    if (visible[k] < 6 || fraction < 0.1 || x1[k] - x0[k] < 2 || y1[k] - y0[k] < 2) {
      remap[k] = VOC_IGNORE_INDEX;
      continue;
    }
    objects.push({
      name: classes[d.label],
      label: d.label,
      pose: 'Unspecified',
      truncated: false,
      difficult: fraction < 0.35,
      occluded: fraction < 0.9,
      bndbox: { xmin: x0[k] + 1, ymin: y0[k] + 1, xmax: x1[k] + 1, ymax: y1[k] + 1 },
      parts: [],
    });
    remap[k] = objects.length;
  }
  const objectMask = new Uint8Array(W * H);
  const classMask = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) {
    const k = instances[p];
    if (k === 0) continue;
    objectMask[p] = remap[k];
    classMask[p] = remap[k] === VOC_IGNORE_INDEX ? VOC_IGNORE_INDEX : drawn[k - 1].label + 1;
  }
  if (boundary) markBoundaries(instances, W, H, objectMask, classMask);
  return { rgb, classMask, objectMask, objects };
}

/** Sets 255 on both sides of every edge between different instances (or an instance and background): a 2-px ring. */
function markBoundaries(instances: Uint8Array, W: number, H: number, objectMask: Uint8Array, classMask: Uint8Array): void {
  for (let y = 0, p = 0; y < H; y++)
    for (let x = 0; x < W; x++, p++) {
      const v = instances[p];
      const edge =
        (x > 0 && instances[p - 1] !== v) || (x < W - 1 && instances[p + 1] !== v) || (y > 0 && instances[p - W] !== v) || (y < H - 1 && instances[p + W] !== v);
      if (edge) {
        objectMask[p] = VOC_IGNORE_INDEX;
        classMask[p] = VOC_IGNORE_INDEX;
      }
    }
}
