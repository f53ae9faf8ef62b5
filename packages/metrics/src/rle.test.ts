import { DetError, ParseError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { rleFromSegmentation } from './coco-segmentation';
import { rleArea, rleDecode, rleEncode, rleMerge, rleToBbox } from './rle';
import { rleFromBbox, rleFromPolygon } from './rle-polygon';
import { rleFromJson, rleFromString, rleToJson, rleToString } from './rle-string';
import { maskBits, readSegmFixture } from './segm-fixture.test-helper';

const fixture = readSegmFixture();

describe('RLE vs pycocotools mask API (src/fixtures/segm-reference.json)', () => {
  it(`encode: ${fixture.encode.length} masks give pycocotools' counts, area and toBbox; decode inverts`, () => {
    for (const c of fixture.encode) {
      const mask = maskBits(c.mask);
      const rle = rleEncode(mask, c.height, c.width);
      expect(rleToString(rle)).toBe(c.counts);
      expect(rleArea(rle)).toBe(c.area);
      expect(Array.from(rleToBbox(rle))).toEqual(c.bbox);
      expect(rleDecode(rleFromString(c.counts, c.height, c.width))).toEqual(mask);
    }
  });

  it('column-major masks (numpy Fortran order) encode and decode the same', () => {
    for (const c of fixture.encode) {
      const mask = maskBits(c.mask);
      const colMajor = new Uint8Array(mask.length);
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) colMajor[x * c.height + y] = mask[y * c.width + x];
      const rle = rleEncode(colMajor, c.height, c.width, { order: 'column-major' });
      expect(rleToString(rle)).toBe(c.counts);
      expect(rleDecode(rle, { order: 'column-major' })).toEqual(colMajor);
    }
  });

  it(`frPoly: ${fixture.polygons.length} polygons (out of bounds, degenerate, self-intersecting, odd length, 1000×1200) rasterise bit for bit`, () => {
    for (const c of fixture.polygons) {
      const rle = rleFromPolygon(c.polygon, c.height, c.width);
      expect(rleToString(rle), JSON.stringify(c.polygon)).toBe(c.counts);
      expect(rleArea(rle)).toBe(c.area);
      expect(Array.from(rleToBbox(rle))).toEqual(c.bbox);
      if (c.decoded) expect(rleDecode(rle)).toEqual(maskBits(c.decoded));
    }
  });

  it('frBbox: boxes as polygons', () => {
    for (const c of fixture.boxes) {
      const rle = rleFromBbox(c.box, c.height, c.width);
      expect(rleToString(rle)).toBe(c.counts);
      expect(rleArea(rle)).toBe(c.area);
      expect(Array.from(rleToBbox(rle))).toEqual(c.bbox);
    }
  });

  it('annToRLE: multi-polygon annotations (merged) and uncompressed RLEs, zero-length runs included', () => {
    for (const c of fixture.annotations) {
      const rle = rleFromSegmentation(c.segmentation, c.height, c.width);
      expect(rleToString(rle), JSON.stringify(c.segmentation)).toBe(c.counts);
      expect(rleArea(rle)).toBe(c.area);
      expect(Array.from(rleToBbox(rle))).toEqual(c.bbox);
    }
  });

  it('merge: union and intersection of 1 to 4 masks', () => {
    for (const c of fixture.merge) {
      const rles = c.rles.map((s) => rleFromString(s, c.height, c.width));
      expect(rleToString(rleMerge(rles, { intersect: c.intersect === 1 }))).toBe(c.counts);
    }
  });

  it('compressed counts round-trip: every string in the fixture', () => {
    const all = [...fixture.encode, ...fixture.polygons, ...fixture.annotations];
    for (const c of all) {
      const { height, width } = c;
      expect(rleToString(rleFromString(c.counts, height, width))).toBe(c.counts);
      expect(rleFromJson(rleToJson(rleFromString(c.counts, height, width)))).toEqual(rleFromString(c.counts, height, width));
    }
    // counts beyond 2^16 with negative differences
    const big = { height: 3000, width: 3000, counts: Uint32Array.of(4_000_000, 1, 17, 2_000_000, 3, 2_999_979) };
    expect(rleFromString(rleToString(big), 3000, 3000)).toEqual(big);
  });
});

describe('RLE input checks', () => {
  it('malformed compressed counts are ParseErrors naming the character', () => {
    expect(() => rleFromString('23~', 2, 3)).toThrow(/character 2/);
    expect(() => rleFromString('2a', 2, 3)).toThrow(/ends inside a number/);
    expect(() => rleFromString('22', 2, 3)).toThrow(/sum to 4, not height·width/);
    expect(() => rleFromString('231', 2, 3)).not.toThrow();
    expect(() => rleFromJson({ size: [2, 3], counts: [2, 2] })).toThrow(ParseError);
    expect(() => rleFromJson({ size: [2, 3], counts: [2, 2] })).toThrow(DetError);
    expect(() => rleFromJson({ size: [2, 3], counts: [2, -1, 5] })).toThrow(/non-negative integers/);
    expect(() => rleFromJson({ size: [2], counts: '6' } as never)).toThrow(/size: \[height, width\]/);
  });

  it('shapes, polygons and merges are checked', () => {
    expect(() => rleEncode(new Uint8Array(5), 2, 3)).toThrow(/mask has 5 values/);
    expect(() => rleEncode(new Uint8Array(6), 2, 3, { order: 'zigzag' as never })).toThrow(/order/);
    expect(rleEncode(Uint8Array.of(0, 7, 0, 0), 2, 2).counts).toEqual(Uint32Array.of(2, 1, 1)); // nonzero = inside
    expect(() => rleFromPolygon([0, 0, 5, Number.NaN, 3, 3], 10, 10)).toThrow(/finite/);
    expect(() => rleFromSegmentation([[1, 2, 5, 7]], 10, 10)).toThrow(/at least 3 points/);
    expect(() => rleFromSegmentation([], 10, 10)).toThrow(/at least 3 points/);
    expect(() => rleMerge([rleEncode(new Uint8Array(6), 2, 3), rleEncode(new Uint8Array(6), 3, 2)])).toThrow(/index 1.*differ in size/);
    expect(() => rleMerge([])).toThrow(/at least one RLE/);
  });

  it('empty and full masks', () => {
    const empty = rleEncode(new Uint8Array(12), 3, 4);
    expect(Array.from(empty.counts)).toEqual([12]);
    expect(Array.from(rleToBbox(empty))).toEqual([0, 0, 0, 0]);
    const full = rleEncode(new Uint8Array(12).fill(1), 3, 4);
    expect(Array.from(full.counts)).toEqual([0, 12]);
    expect(Array.from(rleToBbox(full))).toEqual([0, 0, 4, 3]);
  });
});
