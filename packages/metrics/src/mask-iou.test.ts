import { describe, expect, it } from 'vitest';
import { maskIou } from './mask-iou';
import { rleEncode } from './rle';
import { rleFromString } from './rle-string';
import { readSegmFixture } from './segm-fixture.test-helper';

const fixture = readSegmFixture();

describe('maskIou vs pycocotools mask.iou', () => {
  fixture.iou.forEach((c, n) => {
    it(`case ${n}: ${c.dt.length}×${c.gt.length} IoUs with crowd regions, empty and full masks, bit for bit`, () => {
      const dt = c.dt.map((s) => rleFromString(s, c.height, c.width));
      const gt = c.gt.map((s) => rleFromString(s, c.height, c.width));
      const iou = maskIou(dt, gt, c.iscrowd);
      expect(Array.from(iou)).toEqual(c.iou.flat());
    });
  });

  it('empty inputs, missing iscrowd, bad shapes', () => {
    const a = rleEncode(Uint8Array.of(1, 1, 0, 0), 2, 2);
    const b = rleEncode(Uint8Array.of(1, 0, 1, 0), 2, 2);
    expect(maskIou([], [a], [0]).length).toBe(0);
    expect(Array.from(maskIou([a], [b]))).toEqual([1 / 3]);
    expect(Array.from(maskIou([a], [b], [true]))).toEqual([1 / 2]);
    expect(() => maskIou([a], [b], [0, 1])).toThrow(/iscrowd has 2 entries/);
    expect(() => maskIou([a], [rleEncode(new Uint8Array(6), 2, 3)])).toThrow(/field 'gt', index 0: masks differ in size/);
  });
});
