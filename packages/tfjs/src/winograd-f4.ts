/**
 * Winograd F(4×4, 3×3) transforms (Lavin & Gray 2016, the 6×6-tile variant with interpolation points
 * 0, ±1, ±2): 36 products per tile of 4×4 outputs, 2.25 multiply-adds per output and channel pair where the
 * direct convolution does 9. Plain functions over float32 arrays; winograd.ts owns the tensors.
 *
 *   Bᵀ d:  r0 = 4d0 − 5d2 + d4        r1 = −4d1 − 4d2 + d3 + d4   r2 = 4d1 − 4d2 − d3 + d4
 *          r3 = −2d1 − d2 + 2d3 + d4   r4 = 2d1 − d2 − 2d3 + d4    r5 = 4d1 − 5d3 + d5
 *   G g:   u0 = g0/4   u1 = −(g0 + g1 + g2)/6   u2 = −(g0 − g1 + g2)/6
 *          u3 = g0/24 + g1/12 + g2/6   u4 = g0/24 − g1/12 + g2/6   u5 = g2
 *   Aᵀ m:  y0 = m0 + m1 + m2 + m3 + m4   y1 = m1 − m2 + 2(m3 − m4)   y2 = m1 + m2 + 4(m3 + m4)
 *          y3 = m1 − m2 + 8(m3 − m4) + m5
 */

/** Filter g, 9 planes of `size` values (HWIO [3, 3, C, O] flattened) → 36 planes u[a·6 + b] = (G g Gᵀ)[a][b]. */
export function filterTransformF4(g: Float32Array, size: number, us: Float32Array[]): void {
  const h = new Float64Array(18); // G g: 6 rows × 3 columns
  for (let e = 0; e < size; e++) {
    for (let j = 0; j < 3; j++) {
      const g0 = g[j * size + e];
      const g1 = g[(3 + j) * size + e];
      const g2 = g[(6 + j) * size + e];
      h[j] = g0 / 4;
      h[3 + j] = -(g0 + g1 + g2) / 6;
      h[6 + j] = -(g0 - g1 + g2) / 6;
      h[9 + j] = g0 / 24 + g1 / 12 + g2 / 6;
      h[12 + j] = g0 / 24 - g1 / 12 + g2 / 6;
      h[15 + j] = g2;
    }
    for (let a = 0; a < 6; a++) {
      const g0 = h[a * 3];
      const g1 = h[a * 3 + 1];
      const g2 = h[a * 3 + 2];
      us[a * 6][e] = g0 / 4;
      us[a * 6 + 1][e] = -(g0 + g1 + g2) / 6;
      us[a * 6 + 2][e] = -(g0 - g1 + g2) / 6;
      us[a * 6 + 3][e] = g0 / 24 + g1 / 12 + g2 / 6;
      us[a * 6 + 4][e] = g0 / 24 - g1 / 12 + g2 / 6;
      us[a * 6 + 5][e] = g2;
    }
  }
}

/**
 * Bᵀ d B of one 6×6 tile for channels [0, c): d[i][j] = src[offsets[i·6 + j] + ch]. The row pass writes
 * the 6×6×c scratch `rows` (rows[(a·6 + j)·c + ch] = (Bᵀ d)[a][j]); the column pass writes
 * vs[a·6 + b][at + ch].
 */
export function inputTileF4(src: Float32Array, offsets: Int32Array, rows: Float32Array, vs: Float32Array[], at: number, c: number): void {
  for (let j = 0; j < 6; j++) {
    const o0 = offsets[j];
    const o1 = offsets[6 + j];
    const o2 = offsets[12 + j];
    const o3 = offsets[18 + j];
    const o4 = offsets[24 + j];
    const o5 = offsets[30 + j];
    const w0 = j * c;
    for (let ch = 0; ch < c; ch++) {
      const d1 = src[o1 + ch];
      const d2 = src[o2 + ch];
      const d3 = src[o3 + ch];
      const d4 = src[o4 + ch];
      const t1 = d4 - 4 * d2;
      const t2 = d3 - 4 * d1;
      const t3 = d4 - d2;
      const t4 = 2 * (d3 - d1);
      const k = w0 + ch;
      rows[k] = 4 * src[o0 + ch] - 5 * d2 + d4;
      rows[6 * c + k] = t1 + t2;
      rows[12 * c + k] = t1 - t2;
      rows[18 * c + k] = t3 + t4;
      rows[24 * c + k] = t3 - t4;
      rows[30 * c + k] = 4 * d1 - 5 * d3 + src[o5 + ch];
    }
  }
  for (let a = 0; a < 6; a++) {
    const r = a * 6 * c;
    const v0 = vs[a * 6];
    const v1 = vs[a * 6 + 1];
    const v2 = vs[a * 6 + 2];
    const v3 = vs[a * 6 + 3];
    const v4 = vs[a * 6 + 4];
    const v5 = vs[a * 6 + 5];
    for (let ch = 0; ch < c; ch++) {
      const d1 = rows[r + c + ch];
      const d2 = rows[r + 2 * c + ch];
      const d3 = rows[r + 3 * c + ch];
      const d4 = rows[r + 4 * c + ch];
      const t1 = d4 - 4 * d2;
      const t2 = d3 - 4 * d1;
      const t3 = d4 - d2;
      const t4 = 2 * (d3 - d1);
      const k = at + ch;
      v0[k] = 4 * rows[r + ch] - 5 * d2 + d4;
      v1[k] = t1 + t2;
      v2[k] = t1 - t2;
      v3[k] = t3 + t4;
      v4[k] = t3 - t4;
      v5[k] = 4 * d1 - 5 * d3 + rows[r + 5 * c + ch];
    }
  }
}

/**
 * Aᵀ m A of one tile for channels [0, o): m[a][b] = ms[a·6 + b][at + ch]. The row pass fills the 6×4×o
 * scratch `cols` (cols[(a·4 + j)·o + ch] = (m A)[a][j]); the column pass writes output row i, column j of
 * the tile to ys[out + i·rowStride + j·o + ch] for i < rowsLeft, j < colsLeft (cut at the border).
 */
export function outputTileF4(
  ms: Float32Array[],
  at: number,
  cols: Float32Array,
  ys: Float32Array,
  out: number,
  rowStride: number,
  rowsLeft: number,
  colsLeft: number,
  o: number,
): void {
  for (let a = 0; a < 6; a++) {
    const m0 = ms[a * 6];
    const m1 = ms[a * 6 + 1];
    const m2 = ms[a * 6 + 2];
    const m3 = ms[a * 6 + 3];
    const m4 = ms[a * 6 + 4];
    const m5 = ms[a * 6 + 5];
    const w = a * 4 * o;
    for (let ch = 0; ch < o; ch++) {
      const k = at + ch;
      const s12 = m1[k] + m2[k];
      const d12 = m1[k] - m2[k];
      const s34 = m3[k] + m4[k];
      const d34 = m3[k] - m4[k];
      cols[w + ch] = m0[k] + s12 + s34;
      cols[w + o + ch] = d12 + 2 * d34;
      cols[w + 2 * o + ch] = s12 + 4 * s34;
      cols[w + 3 * o + ch] = d12 + 8 * d34 + m5[k];
    }
  }
  const rows = Math.min(rowsLeft, 4);
  for (let j = 0; j < Math.min(colsLeft, 4); j++) {
    const y = out + j * o;
    const c0 = j * o;
    for (let ch = 0; ch < o; ch++) {
      const m0 = cols[c0 + ch];
      const m1 = cols[4 * o + c0 + ch];
      const m2 = cols[8 * o + c0 + ch];
      const m3 = cols[12 * o + c0 + ch];
      const m4 = cols[16 * o + c0 + ch];
      const m5 = cols[20 * o + c0 + ch];
      const s12 = m1 + m2;
      const d12 = m1 - m2;
      const s34 = m3 + m4;
      const d34 = m3 - m4;
      ys[y + ch] = m0 + s12 + s34;
      if (rows > 1) ys[y + rowStride + ch] = d12 + 2 * d34;
      if (rows > 2) ys[y + 2 * rowStride + ch] = s12 + 4 * s34;
      if (rows > 3) ys[y + 3 * rowStride + ch] = d12 + 8 * d34 + m5;
    }
  }
}
