/**
 * Indices that sort `scores` by decreasing value, ties by increasing index (a stable order).
 * LSD radix sort on the float bits (3 passes of 11 bits): O(n), no comparator calls.
 * Scores must not be NaN (validate first). -0 and +0 tie.
 */
export function argsortDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const keys = new Uint32Array(n);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < n; i++) {
    f32[0] = scores[i] === 0 ? 0 : scores[i];
    const bits = u32[0];
    // Map float bits to an unsigned key that sorts ascending with the value, then invert for descending.
    const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    keys[i] = ~ascending >>> 0;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[order[i]] >>> shift) & 2047]++;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const idx = order[i];
      next[counts[(keys[idx] >>> shift) & 2047]++] = idx;
    }
    const t = order;
    order = next;
    next = t;
  }
  return order;
}
