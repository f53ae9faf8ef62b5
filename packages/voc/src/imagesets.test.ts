import { ParseError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { formatClassImageSet, formatImageSet, parseClassImageSet, parseImageSet } from './imagesets';

describe('image sets', () => {
  it('parse id lists (blank lines, CRLF) and reject two tokens per line', () => {
    expect(parseImageSet('000005\n000007\n\n')).toEqual(['000005', '000007']);
    expect(parseImageSet('2008_000008\r\n2008_000015\r\n')).toEqual(['2008_000008', '2008_000015']);
    expect(parseImageSet('')).toEqual([]);
    expect(() => parseImageSet('000005\n000007  1\n', 'Main/train.txt')).toThrow(ParseError);
    expect(() => parseImageSet('000005\n000007  1\n', 'Main/train.txt')).toThrow(/^Main\/train\.txt:2: expected one image id per line/);
  });

  it('parse per-class lists in the devkit layout', () => {
    expect(parseClassImageSet('000005 -1\n000007  1\n000009  0\n')).toEqual([
      { id: '000005', flag: -1 },
      { id: '000007', flag: 1 },
      { id: '000009', flag: 0 },
    ]);
    expect(() => parseClassImageSet('000005 2', 'car_train.txt')).toThrow(/car_train\.txt:1/);
    expect(() => parseClassImageSet('000005', 'car_train.txt')).toThrow(ParseError);
  });

  it('format what they parse', () => {
    const rows = [
      { id: '000005', flag: -1 as const },
      { id: '000007', flag: 1 as const },
      { id: '000009', flag: 0 as const },
    ];
    expect(formatClassImageSet(rows)).toBe('000005 -1\n000007  1\n000009  0\n');
    expect(parseClassImageSet(formatClassImageSet(rows))).toEqual(rows);
    expect(formatImageSet(['a', 'b'])).toBe('a\nb\n');
    expect(formatImageSet([])).toBe('');
  });
});
