/**
 * Indices that sort `scores` by decreasing value, ties by increasing index (a stable order).
 * `scores` [N] must not contain NaN (the public functions check it first); −0 and +0 tie, ±Infinity sort as usual.
 *
 * Float32 values (a Float32Array, or numbers that are all exactly float32) go through an LSD radix sort on
 * their bits: 3 passes (11 + 11 + 10 bits), O(N), no comparator calls. Other numbers are compared
 * exactly as float64 with a comparator sort.
 */
export function argsortDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const keys = new Uint32Array(n);
  if (scores instanceof Float32Array) {
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
    for (let i = 0; i < n; i++) keys[i] = descendingKey(bits[i]);
  } else {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < n; i++) {
      const v = scores[i];
      f32[0] = v;
      if (f32[0] !== v) return comparatorArgsort(scores);
      keys[i] = descendingKey(u32[0]);
    }
  }
  return radixArgsort(keys);
}

/**
 * The first `min(k, N)` entries of {@link argsortDescending}`(scores)`: the indices of the `k` highest
 * scores, best first, ties by lower index. For float32 scores it selects by two 11-bit histogram passes
 * on the radix keys before sorting only the survivors, so it costs O(N + k) rather than a full sort.
 */
export function argsortDescendingTopK(scores: ArrayLike<number>, k: number): Uint32Array {
  const n = scores.length;
  if (!(k < n) || n < 1024 || !isFloat32Valued(scores)) return argsortDescending(scores).subarray(0, Math.min(n, Math.max(0, k)));
  if (!(k > 0)) return new Uint32Array(0);
  const keys = new Uint32Array(n);
  if (scores instanceof Float32Array) {
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
    for (let i = 0; i < n; i++) keys[i] = descendingKey(bits[i]);
  } else {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < n; i++) {
      f32[0] = scores[i];
      keys[i] = descendingKey(u32[0]);
    }
  }
  // Digit of the k-th smallest key in the top 11 bits, then in the next 11 bits among keys with that top digit.
  const counts = new Uint32Array(2048);
  for (let i = 0; i < n; i++) counts[keys[i] >>> 21]++;
  let need = k;
  let top = 0;
  while (counts[top] < need) need -= counts[top++];
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key >>> 21 === top) counts[(key >>> 10) & 2047]++;
  }
  let next = 0;
  while (counts[next] < need) need -= counts[next++];
  // Every key whose top 22 bits are at most the k-th key's: at least k of them, in index order.
  const limit = (top << 11) | next;
  let m = 0;
  for (let i = 0; i < n; i++) if (keys[i] >>> 10 <= limit) m++;
  const chosen = new Uint32Array(m);
  const chosenKeys = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) {
    if (keys[i] >>> 10 <= limit) {
      chosen[m] = i;
      chosenKeys[m++] = keys[i];
    }
  }
  const order = radixArgsort(chosenKeys);
  const out = new Uint32Array(k);
  for (let j = 0; j < k; j++) out[j] = chosen[order[j]];
  return out;
}

/** Whether every value is exactly a float32 (then the radix keys order them exactly). */
function isFloat32Valued(scores: ArrayLike<number>): boolean {
  if (scores instanceof Float32Array) return true;
  for (let i = 0; i < scores.length; i++) if (Math.fround(scores[i]) !== scores[i]) return false;
  return true;
}

/** Unsigned key that increases as the float32 with these bits decreases; −0 maps to +0's key. */
function descendingKey(bits: number): number {
  if (bits & 0x80000000) return bits === 0x80000000 ? 0x7fffffff : ((bits & 0x7fffffff) + 0x80000000) >>> 0;
  return 0x7fffffff - bits;
}

/** Stable LSD radix argsort of unsigned 32-bit keys, ascending; passes with a single digit are skipped. */
function radixArgsort(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  const c0 = new Uint32Array(2048);
  const c1 = new Uint32Array(2048);
  const c2 = new Uint32Array(1024);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    c0[k & 2047]++;
    c1[(k >>> 11) & 2047]++;
    c2[k >>> 22]++;
  }
  let srcKeys: Uint32Array = keys;
  let srcIdx: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) srcIdx[i] = i;
  let dstKeys: Uint32Array = new Uint32Array(n);
  let dstIdx: Uint32Array = new Uint32Array(n);
  for (const [counts, shift, mask] of [
    [c0, 0, 2047],
    [c1, 11, 2047],
    [c2, 22, 1023],
  ] as const) {
    if (counts[(srcKeys[0] >>> shift) & mask] === n) continue; // every key has this digit
    let sum = 0;
    for (let b = 0; b <= mask; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcKeys[i];
      const p = counts[(k >>> shift) & mask]++;
      dstKeys[p] = k;
      dstIdx[p] = srcIdx[i];
    }
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
    [srcIdx, dstIdx] = [dstIdx, srcIdx];
  }
  return srcIdx;
}

/** Stable descending argsort of arbitrary (non-NaN) numbers with a comparator. */
function comparatorArgsort(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Equal infinities subtract to NaN, which falls through to the index.
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}
