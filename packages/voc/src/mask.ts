import { ParseError } from '@det/core';
import { decode, encode } from 'fast-png';
import { VOC_PALETTE } from './classes';

/** A class-index (or instance-index) map: `data` Uint8Array [H*W] row-major; 255 = boundary/ignore. */
export interface IndexMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Reads a VOC `SegmentationClass` / `SegmentationObject` palette PNG as indices (not colours).
 * A PNG that is not palette-indexed throws a ParseError naming the file.
 */
export function readPaletteMask(png: Uint8Array, file?: string): IndexMask {
  let decoded: ReturnType<typeof decode>;
  try {
    decoded = decode(png);
  } catch (error) {
    throw new ParseError(`cannot decode PNG: ${error instanceof Error ? error.message : String(error)}`, { file, expected: 'a PNG file' });
  }
  if (decoded.palette === undefined || decoded.channels !== 1) {
    throw new ParseError('mask is not a palette (indexed-colour) PNG', { file, expected: 'a palette PNG as in SegmentationClass/', received: `${decoded.channels} channels, no palette` });
  }
  const { width, height } = decoded;
  let data: Uint8Array;
  if (decoded.depth === 8) data = Uint8Array.from(decoded.data as Uint8Array);
  else {
    // Sub-byte depths: unpack the packed rows.
    const bits = decoded.depth;
    const packed = decoded.data as Uint8Array;
    const rowBytes = Math.ceil((width * bits) / 8);
    data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const bit = x * bits;
        const byte = packed[y * rowBytes + (bit >> 3)];
        data[y * width + x] = (byte >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
      }
  }
  return { width, height, data };
}

/** Encodes an index mask as a palette PNG with the VOC colour map (what VOC's mask files are). */
export function writePaletteMask(mask: IndexMask): Uint8Array {
  const palette: [number, number, number][] = [];
  for (let i = 0; i < 256; i++) palette.push([VOC_PALETTE[3 * i], VOC_PALETTE[3 * i + 1], VOC_PALETTE[3 * i + 2]]);
  return encode({ width: mask.width, height: mask.height, data: mask.data, depth: 8, channels: 1, palette });
}
