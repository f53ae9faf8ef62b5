import { createRandom, InvalidConfigError, mixSeed } from '@det/core';
import { describe, expect, it } from 'vitest';
import { VOC_IGNORE_INDEX } from './classes';
import { insideShape, renderShapesImage, SHAPES, shapesForClasses } from './shapes';

const classes = ['circle', 'square', 'triangle'];
const render = (n: number, boundary = true, size = 64, more: object = {}) =>
  renderShapesImage(createRandom(mixSeed(9, n)), { width: size, height: size, classes, boundary, ...more });

describe('renderShapesImage', () => {
  it('boxes are tight around each object’s visible pixels (1-based), masks index objects and classes', () => {
    for (let n = 0; n < 40; n++) {
      const { objectMask, classMask, objects } = render(n, false);
      objects.forEach((o, k) => {
        let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
        let wrongClass = 0;
        for (let p = 0; p < objectMask.length; p++) {
          if (objectMask[p] !== k + 1) continue;
          const x = p % 64;
          const y = Math.floor(p / 64);
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
          if (classMask[p] !== o.label + 1) wrongClass++;
        }
        expect(wrongClass).toBe(0);
        expect(o.bndbox).toEqual({ xmin: x0 + 1, ymin: y0 + 1, xmax: x1 + 1, ymax: y1 + 1 });
      });
      expect(objectMask.every((v) => v === VOC_IGNORE_INDEX || v <= objects.length)).toBe(true);
    }
  });

  it('the boundary ring only turns pixels into 255 and straddles outlines; the random stream is unchanged', () => {
    for (let n = 0; n < 10; n++) {
      const plain = render(n, false);
      const ringed = render(n, true);
      expect(ringed.rgb).toEqual(plain.rgb);
      expect(ringed.objects).toEqual(plain.objects);
      let inner = 0;
      let outer = 0;
      for (let p = 0; p < plain.objectMask.length; p++) {
        if (ringed.objectMask[p] === plain.objectMask[p]) continue;
        if (ringed.objectMask[p] !== 255 || ringed.classMask[p] !== 255) throw new Error(`pixel ${p} changed to a non-boundary value`);
        if (plain.objectMask[p] === 0) outer++;
        else inner++;
      }
      expect(inner).toBeGreaterThan(0);
      expect(outer).toBeGreaterThan(0);
      // Every annotated object keeps some interior pixels.
      plain.objects.forEach((_, k) => expect(ringed.objectMask.includes(k + 1)).toBe(true));
    }
  });

  it('over many images: all classes, 15–60% sizes, partial occlusion flagged, difficult for mostly hidden objects', () => {
    const seen = new Set<number>();
    let occluded = 0;
    let difficult = 0;
    for (let n = 0; n < 150; n++) {
      const { objects } = render(n, true, 64, { objectsPerImage: [2, 4] });
      for (const o of objects) {
        seen.add(o.label);
        occluded += o.occluded ? 1 : 0;
        difficult += o.difficult ? 1 : 0;
        expect(o.difficult && !o.occluded).toBe(false);
        const extent = Math.max(o.bndbox.xmax - o.bndbox.xmin + 1, o.bndbox.ymax - o.bndbox.ymin + 1) / 64;
        expect(extent).toBeLessThanOrEqual(0.62);
        if (!o.occluded) expect(extent).toBeGreaterThanOrEqual(0.12);
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(occluded).toBeGreaterThan(10);
    expect(difficult).toBeGreaterThan(0);
  });

  it('objectsPerImage [0, 0] draws background only; bad ranges are InvalidConfigError', () => {
    const empty = render(1, true, 32, { objectsPerImage: [0, 0] });
    expect(empty.objects).toEqual([]);
    expect(empty.classMask.every((v) => v === 0)).toBe(true);
    expect(() => render(1, true, 32, { objectsPerImage: [3, 1] })).toThrow(InvalidConfigError);
  });
});

describe('shapes', () => {
  it('every shape has a different outline', () => {
    const r = 20;
    const masks = SHAPES.map((s) => {
      const m: boolean[] = [];
      for (let y = -r; y < r; y++) for (let x = -r; x < r; x++) m.push(insideShape(s, x + 0.5, y + 0.5, r));
      return m;
    });
    for (let i = 0; i < masks.length; i++)
      for (let j = i + 1; j < masks.length; j++) {
        const differ = masks[i].filter((v, p) => v !== masks[j][p]).length;
        expect(differ, `${SHAPES[i]} vs ${SHAPES[j]}`).toBeGreaterThan(0.1 * masks[i].filter(Boolean).length);
      }
  });
  it('classes named like shapes draw them; other names take the unused shapes', () => {
    expect(shapesForClasses(classes)).toEqual(classes);
    expect(shapesForClasses(['cat', 'ring', 'dog'])).toEqual(['circle', 'ring', 'square']);
    expect(shapesForClasses(Array.from({ length: 10 }, (_, i) => `c${i}`))).toEqual([...SHAPES, 'circle', 'square']);
  });
});
