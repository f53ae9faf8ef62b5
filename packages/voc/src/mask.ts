import { ParseError, ShapeMismatchError } from '@det/core';
import { decode, encode } from 'fast-png';
import { VOC_PALETTE } from './classes';

/** A class-index (or instance-index) map: `data` Uint8Array [H*W] row-major; 255 = boundary/ignore. */
export interface IndexMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Reads a VOC `SegmentationClass` / `SegmentationObject` palette PNG as indices, not colours:
 * `SegmentationClass` → 0 background, 1–20 the classes, 255 boundary/ignore; `SegmentationObject` →
 * 0 background, k the k-th `<object>` of the annotation, 255 boundary. 1/2/4/8-bit palettes are accepted.
 * Bytes that are not a PNG, or a PNG that is not palette-indexed (RGB, grayscale), throw a ParseError naming `file`.
 */
export function readPaletteMask(png: Uint8Array, file?: string): IndexMask {
  let decoded: ReturnType<typeof decode>;
  try {
    decoded = decode(png);
  } catch (error) {
    throw new ParseError(`cannot decode PNG: ${error instanceof Error ? error.message : String(error)}`, { file, expected: 'a PNG file' });
  }
  if (decoded.palette === undefined || decoded.channels !== 1) {
    const kind = ['', 'grayscale', 'grayscale + alpha', 'RGB', 'RGBA'][decoded.channels] ?? `${decoded.channels}-channel`;
    throw new ParseError('mask is not a palette (indexed-colour) PNG', { file, expected: 'a palette PNG, as VOC SegmentationClass/SegmentationObject files are', received: `${kind} PNG` });
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

let encodePalette: [number, number, number][] | undefined;

/**
 * Encodes an index mask (`data` Uint8Array [H*W], row-major) as an 8-bit palette PNG with the VOC colour
 * map — what VOC's `SegmentationClass` / `SegmentationObject` files are. Index 255 (boundary) is drawn cream.
 */
export function writePaletteMask(mask: IndexMask): Uint8Array {
  if (!(Number.isInteger(mask.width) && Number.isInteger(mask.height) && mask.width > 0 && mask.height > 0) || mask.data.length !== mask.width * mask.height) {
    throw new ShapeMismatchError('mask data does not match its size', { field: 'data', expected: `${mask.width}×${mask.height} = ${mask.width * mask.height} bytes`, received: mask.data.length });
  }
  encodePalette ??= Array.from({ length: 256 }, (_, i): [number, number, number] => [VOC_PALETTE[3 * i], VOC_PALETTE[3 * i + 1], VOC_PALETTE[3 * i + 2]]);
  return encode({ width: mask.width, height: mask.height, data: mask.data, depth: 8, channels: 1, palette: encodePalette });
}
