import { ParseError } from '@det/core';
import { checkRle, checkSize, type Origin, type Rle } from './rle';

/**
 * An RLE as COCO JSON holds it: `size` = [height, width]; `counts` either the compressed string
 * (pycocotools' format: what `mask.encode` returns and results files carry) or the uncompressed run
 * lengths (COCO's crowd annotations). See {@link Rle} for what the counts mean.
 */
export interface CocoRleJson {
  size: [number, number] | number[];
  counts: string | number[];
}

/**
 * pycocotools' compressed `counts` string of an RLE (its `rleToString`): each count, minus the count two
 * places before it from the fourth on, as a signed LEB128-like number of 5-bit groups, low first, each
 * group + 48 as a character ('0' … 'o'; 0x20 = more groups follow).
 */
export function rleToString(rle: Rle): string {
  const cnts = rle.counts;
  const chars: number[] = [];
  for (let i = 0; i < cnts.length; i++) {
    let x = cnts[i];
    if (i > 2) x -= cnts[i - 2];
    let more = true;
    while (more) {
      let c = x - Math.floor(x / 32) * 32; // x & 0x1f, for negative x too
      x = Math.floor(x / 32); // arithmetic shift
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
  }
  let s = '';
  for (let i = 0; i < chars.length; i += 8192) s += String.fromCharCode(...chars.slice(i, i + 8192));
  return s;
}

/** Parses a compressed counts string; errors name `at`. */
export function parseRleString(s: string, height: number, width: number, at: Origin): Rle {
  checkSize(height, width, at);
  if (typeof s !== 'string') throw new ParseError('RLE counts must be a string', { ...at, expected: 'compressed counts string', received: typeof s });
  const cnts = new Uint32Array(s.length); // every count takes at least one character
  let m = 0;
  let sum = 0;
  let p = 0;
  const n = s.length;
  while (p < n) {
    let x = 0;
    let shift = 0;
    let c = 0x20;
    while (c & 0x20) {
      if (p >= n) throw new ParseError(`RLE counts string ends inside a number (character ${p})`, { ...at, expected: 'a last character below "P" (no continuation bit)' });
      const code = s.charCodeAt(p);
      if (code < 48 || code > 111) throw new ParseError(`RLE counts has ${JSON.stringify(s[p])} at character ${p}`, { ...at, expected: "characters '0' … 'o' (48 … 111)" });
      c = code - 48;
      if (shift < 30) x |= (c & 0x1f) << shift;
      else x += (c & 0x1f) * 2 ** shift; // beyond 30 bits: float arithmetic
      shift += 5;
      p++;
    }
    if (c & 0x10) x = shift <= 30 ? x | (-1 << shift) : x - 2 ** shift; // sign-extend
    if (m > 2) x += cnts[m - 2];
    if (!(x >= 0 && x <= 0xffffffff)) throw new ParseError(`RLE counts string decodes to run length ${x} (run ${m})`, { ...at, expected: 'run lengths in [0, 2^32)' });
    cnts[m++] = x;
    sum += x;
  }
  if (sum !== height * width) {
    throw new ParseError(`RLE counts sum to ${sum}, not height·width of its size [${height}, ${width}]`, { ...at, expected: `counts summing to ${height * width}` });
  }
  return { height, width, counts: cnts.slice(0, m) };
}

/** pycocotools `rleFrString`: the RLE of a compressed counts string and its size. Malformed strings throw a `ParseError`. */
export function rleFromString(counts: string, height: number, width: number): Rle {
  return parseRleString(counts, height, width, { field: 'counts' });
}

/** `{ size: [height, width], counts }` with the compressed counts string: COCO JSON's RLE, what results files carry. */
export function rleToJson(rle: Rle): { size: [number, number]; counts: string } {
  return { size: [rle.height, rle.width], counts: rleToString(rle) };
}

/** Reads a COCO JSON RLE (compressed string or uncompressed counts); errors name `at`. */
export function parseRleJson(json: CocoRleJson, at: Origin): Rle {
  if (!json || typeof json !== 'object' || !Array.isArray(json.size) || json.size.length !== 2) {
    throw new ParseError('RLE must be { size: [height, width], counts }', { ...at, expected: '{ size: [height, width], counts }', received: json });
  }
  const [height, width] = json.size;
  if (typeof json.counts === 'string') return parseRleString(json.counts, height, width, at);
  checkSize(height, width, at);
  const c = json.counts;
  if (!Array.isArray(c) || !c.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
    throw new ParseError('RLE counts must be a string or an array of non-negative integers', { ...at, expected: 'compressed string or run lengths' });
  }
  const rle = { height, width, counts: Uint32Array.from(c) };
  checkRle(rle, at);
  return rle;
}

/** The RLE of a COCO JSON RLE object: compressed `counts` string or uncompressed run lengths (pycocotools `frPyObjects` on an RLE dict). */
export function rleFromJson(json: CocoRleJson): Rle {
  return parseRleJson(json, { field: 'segmentation' });
}
