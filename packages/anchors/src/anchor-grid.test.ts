import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { anchorGrid, anchorsPerLocation, baseAnchors } from './anchor-grid';

interface GridCase {
  sizes: number[][];
  ratios: number[][];
  image: [number, number];
  maps: [number, number][];
  count: number;
  anchors: number[];
  base: number[][];
}
const reference = JSON.parse(readFileSync(new URL('../../../fixtures/anchors/reference.json', import.meta.url), 'utf8')) as {
  cases: GridCase[];
};

describe('anchorGrid vs torchvision AnchorGenerator', () => {
  reference.cases.forEach((c, n) => {
    it(`case ${n}: ${c.maps.length} levels, ${c.count} anchors`, () => {
      const config = { sizes: c.sizes, aspectRatios: c.ratios };
      c.base.forEach((b, k) => expect(Array.from(baseAnchors(c.sizes[k], c.ratios[k]))).toEqual(b));
      const got = anchorGrid(
        config,
        { height: c.image[0], width: c.image[1] },
        c.maps.map(([height, width]) => ({ height, width })),
      );
      expect(got.length).toBe(c.anchors.length);
      expect(Array.from(got)).toEqual(c.anchors);
      expect(anchorsPerLocation(config)).toEqual(c.sizes.map((s, k) => s.length * c.ratios[k].length));
    });
  });

  it('rejects levels that disagree', () => {
    expect(() => anchorGrid({ sizes: [[32], [64]], aspectRatios: [[1]] }, { height: 8, width: 8 }, [])).toThrow(
      /field 'aspectRatios'/,
    );
    expect(() => anchorGrid({ sizes: [[32]], aspectRatios: [[1]] }, { height: 8, width: 8 }, [])).toThrow(InvalidConfigError);
    expect(() => anchorsPerLocation({ sizes: [[-3]], aspectRatios: [[1]] })).toThrow(/sizes\[0\]\[0\]/);
  });
});
