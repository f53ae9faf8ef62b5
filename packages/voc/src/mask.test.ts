import { readFileSync } from 'node:fs';
import { ParseError, ShapeMismatchError } from '@det/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { VOC_CLASSES, VOC_IGNORE_INDEX, VOC_PALETTE, VOC_SEGMENTATION_CLASSES, vocPalette } from './classes';
import { readPaletteMask, writePaletteMask } from './mask';

// fixtures/voc: written by scripts/fixtures/voc_reference.py (the devkit's colour map; Pillow's PNGs).
const ref = (name: string) => readFileSync(new URL(`../../../fixtures/voc/${name}`, import.meta.url));
const palette = JSON.parse(ref('palette.json').toString()).palette as number[];
const mask = JSON.parse(ref('mask.json').toString()) as { width: number; height: number; data: number[]; width4: number; height4: number; data4: number[] };

describe('VOC classes and colour map', () => {
  it("matches the devkit's VOClabelcolormap for all 256 indices", () => {
    expect(Array.from(VOC_PALETTE)).toEqual(palette);
    expect(vocPalette()).toEqual(VOC_PALETTE);
  });
  it('20 classes in devkit order; segmentation adds background at 0', () => {
    expect(VOC_CLASSES).toHaveLength(20);
    expect([VOC_CLASSES[0], VOC_CLASSES[14], VOC_CLASSES[19]]).toEqual(['aeroplane', 'person', 'tvmonitor']);
    expect(VOC_SEGMENTATION_CLASSES).toEqual(['background', ...VOC_CLASSES]);
    expect(VOC_IGNORE_INDEX).toBe(255);
  });
});

describe('palette PNG masks', () => {
  it("reads Pillow's 8-bit and 4-bit palette PNGs as indices", () => {
    expect(readPaletteMask(ref('mask_pil_8bit.png'))).toEqual({ width: mask.width, height: mask.height, data: Uint8Array.from(mask.data) });
    expect(readPaletteMask(ref('mask_pil_4bit.png'))).toEqual({ width: mask.width4, height: mask.height4, data: Uint8Array.from(mask.data4) });
  });

  it('writes palette PNGs that another decoder (sharp) sees in the VOC colours, and round-trips every index', async () => {
    const data = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
    const png = writePaletteMask({ width: 32, height: 24, data });
    expect(readPaletteMask(png)).toEqual({ width: 32, height: 24, data });
    const { data: rgb, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([32, 24, 3]);
    for (let p = 0; p < data.length; p++) expect(Array.from(rgb.subarray(3 * p, 3 * p + 3))).toEqual(palette.slice(3 * data[p], 3 * data[p] + 3));
    expect((await sharp(png).metadata()).isPalette).toBe(true);
  });

  it('rejects an RGB or grayscale mask, and non-PNG bytes, naming the file', async () => {
    expect(() => readPaletteMask(ref('mask_rgb.png'), 'SegmentationClass/2007_000032.png')).toThrow(ParseError);
    expect(() => readPaletteMask(ref('mask_rgb.png'), 'SegmentationClass/2007_000032.png')).toThrow(
      /^SegmentationClass\/2007_000032\.png: mask is not a palette \(indexed-colour\) PNG \(expected a palette PNG.*got "RGB PNG"\)$/,
    );
    const gray = await sharp(Buffer.alloc(4, 7), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect(() => readPaletteMask(gray, 'g.png')).toThrow(/g\.png: mask is not a palette.*grayscale PNG/);
    expect(() => readPaletteMask(Uint8Array.from([1, 2, 3]), 'x.png')).toThrow(/x\.png: cannot decode PNG/);
  });

  it('refuses data that does not match width × height', () => {
    expect(() => writePaletteMask({ width: 3, height: 2, data: new Uint8Array(5) })).toThrow(ShapeMismatchError);
  });
});
