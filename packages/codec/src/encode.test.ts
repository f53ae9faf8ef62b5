import { InvalidBoxError, NotFiniteError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoxCoder } from './coder';
import { decodeBoxes, encodeBoxes } from './encode';
import { expectClose, gather, own, PRIORS, shared } from './test-support';

const voc = PRIORS.ssd300_voc;

describe('decodeBoxes vs ssd.pytorch decode()', () => {
  it('shared fixture (fixtures/shared/geometry.json decode)', () => {
    const d = shared.decode;
    expectClose(decodeBoxes(d.loc, gather(voc, d.prior_index), { stds: d.stds }), d.xyxy);
  });
  own.decode.forEach((c, n) => {
    it(`own fixture ${n}: ${c.prior_set}, means ${c.means.join(',')}, stds ${c.stds.join(',')}`, () => {
      expectClose(decodeBoxes(c.loc, gather(PRIORS[c.prior_set], c.prior_index), { means: c.means, stds: c.stds }), c.xyxy);
    });
  });
  it('decodes several sets of the same priors (a batch) in one call', () => {
    const c = own.decode[0];
    const p = gather(voc, c.prior_index);
    const once = decodeBoxes(c.loc, p);
    const twice = decodeBoxes([...c.loc, ...c.loc], p);
    expect(Array.from(twice)).toEqual([...once, ...once]);
  });
  it('clamps the size offset so a wild prediction stays finite', () => {
    const p = gather(voc, [0]);
    const out = decodeBoxes([0, 0, 1e6, -1e6], p);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out[2] - out[0]).toBeCloseTo(p[2] * (1000 / 16), 4);
    const wider = decodeBoxes([0, 0, 1e6, 0], p, { clampLogSize: 10 });
    expect(wider[2] - wider[0]).toBeCloseTo(p[2] * Math.exp(10), 2);
  });
});

const boxArb = fc
  .tuple(
    fc.double({ min: -0.2, max: 1, noNaN: true }),
    fc.double({ min: -0.2, max: 1, noNaN: true }),
    fc.double({ min: 0.005, max: 0.9, noNaN: true }),
    fc.double({ min: 0.005, max: 0.9, noNaN: true }),
  )
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);
const quadArb = (min: number, max: number) =>
  fc.tuple(...([0, 1, 2, 3].map(() => fc.double({ min, max, noNaN: true })) as [fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<number>]));

describe('round trips (fast-check)', () => {
  it('decode(encode(x)) ≈ x for any boxes, priors, means and stds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.integer({ min: 0, max: voc.length / 4 - 1 })), { minLength: 1, maxLength: 16 }),
        quadArb(-0.2, 0.2),
        quadArb(0.05, 2),
        (items, means, stds) => {
          const matched = Float32Array.from(items.flatMap(([b]) => b));
          const p = gather(voc, items.map(([, i]) => i));
          const coder = createBoxCoder({ means, stds });
          expectClose(coder.decode(coder.encode(matched, p), p), matched, 2e-5);
        },
      ),
      { numRuns: 60 },
    );
  });
  it('encode(decode(loc)) ≈ loc while sizes stay under the clamp', () => {
    fc.assert(
      fc.property(fc.array(quadArb(-3, 3), { minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: voc.length / 4 - 16 }), (locs, first) => {
        const loc = Float32Array.from(locs.flat());
        const p = voc.subarray(4 * first, 4 * first + loc.length);
        expectClose(encodeBoxes(decodeBoxes(loc, p), p), loc, 1e-3);
      }),
      { numRuns: 60 },
    );
  });
});

describe('encodeBoxes', () => {
  it('empty input gives empty output', () => {
    expect(encodeBoxes([], []).length).toBe(0);
    expect(decodeBoxes([], voc).length).toBe(0);
    expect(decodeBoxes([], []).length).toBe(0);
  });
  it('a single box equal to its prior encodes to −means/stds', () => {
    const p = gather(voc, [100]);
    const corner = [p[0] - p[2] / 2, p[1] - p[3] / 2, p[0] + p[2] / 2, p[1] + p[3] / 2];
    expectClose(encodeBoxes(corner, p, { means: [0.1, -0.2, 0.3, 0], stds: [0.1, 0.1, 0.2, 0.2] }), [-1, 2, -1.5, 0], 1e-5);
  });
  it('all-equal boxes against all-equal priors encode to equal rows; the ssd.pytorch formula with variance [0.1, 0.2]', () => {
    const box = [0.2, 0.3, 0.5, 0.9];
    const p = gather(voc, [700, 700, 700]);
    const loc = encodeBoxes([...box, ...box, ...box], p);
    expect(Array.from(loc.subarray(0, 4))).toEqual(Array.from(loc.subarray(8, 12)));
    const [cx, cy, w, h] = [p[0], p[1], p[2], p[3]];
    expectClose(loc.subarray(0, 4), [(0.35 - cx) / w / 0.1, (0.6 - cy) / h / 0.1, Math.log(0.3 / w) / 0.2, Math.log(0.6 / h) / 0.2], 1e-5);
  });
  it('checks everything up front: no NaN or −Infinity can come out', () => {
    const p = gather(voc, [0, 1]);
    expect(() => encodeBoxes([0, 0, 0.5, 0.5, 0.2, 0.2, 0.2, 0.5], p)).toThrow(InvalidBoxError);
    expect(() => encodeBoxes([0, 0, 0.5, 0.5, 0.2, 0.2, 0.2, 0.5], p)).toThrow(/field 'matched', index 1: box is degenerate/);
    expect(() => encodeBoxes([0, 0, 0.5, 0.5, 0.2, 0.2, Number.NaN, 0.5], p)).toThrow(/index 1: box is not finite/);
    expect(() => encodeBoxes([0, 0, 0.5, 0.5], p)).toThrow(ShapeMismatchError);
    expect(() => encodeBoxes([0, 0, 0.5, 0.5], [0.5, 0.5, 0, 0.1])).toThrow(/field 'priors', index 0/);
  });
});

describe('decodeBoxes errors', () => {
  it('loc shape, non-finite offsets, bad priors', () => {
    expect(() => decodeBoxes([0, 0, 0], voc)).toThrow(ShapeMismatchError);
    expect(() => decodeBoxes([0, 0, 0, 0], voc)).toThrow(/a multiple of 8732 boxes/);
    expect(() => decodeBoxes([0, 0, 0, 0], [])).toThrow(ShapeMismatchError);
    const p = gather(voc, [0, 1]);
    expect(() => decodeBoxes([0, 0, 0, 0, 0, Number.NaN, 0, 0], p)).toThrow(NotFiniteError);
    expect(() => decodeBoxes([0, 0, 0, 0, 0, 0, 0, 0, 0, Infinity, 0, 0, 0, 0, 0, 0], p)).toThrow(/field 'loc', index 2/);
    expect(() => decodeBoxes([0, 0, 0, 0], [0.5, 0.5, -1, 1])).toThrow(InvalidBoxError);
  });
});
