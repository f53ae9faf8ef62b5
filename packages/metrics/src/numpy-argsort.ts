/**
 * The order `np.argsort(values)` returns with numpy's default kind (`'quicksort'`, an introsort), ties
 * included. voc_eval.py sorts detections with `np.argsort(-confidence)`, which is not stable: which of
 * two equally scored detections comes first decides the precision–recall curve, so @det reproduces
 * numpy's order rather than a stable one.
 *
 * The algorithm is numpy's scalar argsort kernel (`aquicksort_` in numpy/core/src/npysort/quicksort.cpp):
 * median-of-three partitioning of index runs longer than 16, insertion sort below that, and heapsort for
 * a run once the depth budget (2·floor(log2 n)) is spent. numpy ≤ 1.24 uses it on every machine; later
 * numpy versions dispatch argsort to SIMD sorts on some CPUs (AVX-512, and AVX2 in 2.x), which order ties
 * differently — on those machines voc_eval.py's own tie order differs from this one.
 *
 * `values` must not contain NaN (scores are validated before). Returns Int32Array [n] of indices.
 */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;
  const v = values;
  const stackLo: number[] = [];
  const stackHi: number[] = [];
  const stackDepth: number[] = [];
  let lo = 0;
  let hi = n - 1;
  let depth = 2 * (31 - Math.clz32(n));
  for (;;) {
    if (depth < 0) {
      heapArgsort(v, idx, lo, hi - lo + 1);
    } else {
      while (hi - lo > 15) {
        const mid = lo + ((hi - lo) >> 1);
        if (v[idx[mid]] < v[idx[lo]]) swap(idx, mid, lo);
        if (v[idx[hi]] < v[idx[mid]]) swap(idx, hi, mid);
        if (v[idx[mid]] < v[idx[lo]]) swap(idx, mid, lo);
        const pivot = v[idx[mid]];
        let i = lo;
        let j = hi - 1;
        swap(idx, mid, j);
        for (;;) {
          do i++;
          while (v[idx[i]] < pivot);
          do j--;
          while (pivot < v[idx[j]]);
          if (i >= j) break;
          swap(idx, i, j);
        }
        swap(idx, i, hi - 1);
        // Keep the smaller side, push the larger one.
        if (i - lo < hi - i) {
          stackLo.push(i + 1);
          stackHi.push(hi);
          hi = i - 1;
        } else {
          stackLo.push(lo);
          stackHi.push(i - 1);
          lo = i + 1;
        }
        stackDepth.push(--depth);
      }
      for (let i = lo + 1; i <= hi; i++) {
        const item = idx[i];
        const key = v[item];
        let j = i;
        while (j > lo && key < v[idx[j - 1]]) {
          idx[j] = idx[j - 1];
          j--;
        }
        idx[j] = item;
      }
    }
    if (stackLo.length === 0) break;
    lo = stackLo.pop() as number;
    hi = stackHi.pop() as number;
    depth = stackDepth.pop() as number;
  }
  return idx;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * numpy's index heapsort (`aheapsort_`) of `idx[start … start + count)` by `v`: the order
 * `np.argsort(values, kind='heapsort')` gives when `start = 0` and `idx` is the identity.
 */
export function heapArgsort(v: ArrayLike<number>, idx: Int32Array, start: number, count: number): void {
  // 1-based heap over idx[start - 1 + 1 … start - 1 + count].
  const base = start - 1;
  let n = count;
  const siftDown = (top: number, item: number, size: number) => {
    let i = top;
    let j = top << 1;
    while (j <= size) {
      if (j < size && v[idx[base + j]] < v[idx[base + j + 1]]) j++;
      if (v[item] < v[idx[base + j]]) {
        idx[base + i] = idx[base + j];
        i = j;
        j += j;
      } else break;
    }
    idx[base + i] = item;
  };
  for (let l = n >> 1; l > 0; l--) siftDown(l, idx[base + l], n);
  while (n > 1) {
    const item = idx[base + n];
    idx[base + n] = idx[base + 1];
    n--;
    siftDown(1, item, n);
  }
}
