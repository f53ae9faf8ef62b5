import { describe, expect, it } from 'vitest';
import { DetError, DetErrorCode, InvalidBoxError, ParseError, isDetError } from './errors';

describe('DetError', () => {
  it('names file, line, field, index, expected and received in the message', () => {
    const e = new ParseError('bad coordinate', {
      file: 'Annotations/0001.xml',
      line: 12,
      field: 'bndbox.xmax',
      index: 2,
      expected: 'xmax > xmin',
      received: 'abc',
    });
    expect(e.message).toBe(
      `Annotations/0001.xml:12, field 'bndbox.xmax', index 2: bad coordinate (expected xmax > xmin, got "abc")`,
    );
    expect(e.code).toBe(DetErrorCode.Parse);
    expect(e.name).toBe('ParseError');
    expect(e.file).toBe('Annotations/0001.xml');
    expect(e).toBeInstanceOf(DetError);
    expect(e).toBeInstanceOf(Error);
  });

  it('renders typed arrays and omits absent details', () => {
    const e = new InvalidBoxError('box is degenerate', { received: new Float32Array([1, 2, 1, 3]) });
    expect(e.message).toBe('box is degenerate (got [1, 2, 1, 3])');
    expect(new InvalidBoxError('plain').message).toBe('plain');
  });

  it('isDetError checks class and code', () => {
    const e = new InvalidBoxError('x');
    expect(isDetError(e)).toBe(true);
    expect(isDetError(e, DetErrorCode.InvalidBox)).toBe(true);
    expect(isDetError(e, DetErrorCode.Parse)).toBe(false);
    expect(isDetError(new Error('x'))).toBe(false);
  });
});
