import { describe, expect, it } from 'vitest';
import { heapArgsort, numpyArgsort } from './numpy-argsort';
import { readReferenceFixture } from './reference-fixture.test-helper';

const { numpy_argsort: cases } = readReferenceFixture();

describe('numpyArgsort: np.argsort order, ties included (numpy 1.24 reference)', () => {
  cases.forEach((c, n) => {
    it(`case ${n}: ${c.values.length} values, ${new Set(c.values).size} distinct`, () => {
      expect(Array.from(numpyArgsort(Float64Array.from(c.values)))).toEqual(c.quicksort);
      const idx = Int32Array.from(c.values.keys());
      heapArgsort(c.values, idx, 0, idx.length);
      expect(Array.from(idx)).toEqual(c.heapsort);
    });
  });
  it('sorts ascending and handles 0 and 1 elements', () => {
    expect(Array.from(numpyArgsort([]))).toEqual([]);
    expect(Array.from(numpyArgsort([3]))).toEqual([0]);
    const v = Array.from({ length: 500 }, (_, i) => (i * 7919) % 113);
    const order = numpyArgsort(v);
    for (let i = 1; i < order.length; i++) expect(v[order[i - 1]]).toBeLessThanOrEqual(v[order[i]]);
  });
});
