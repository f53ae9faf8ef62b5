/**
 * Winograd F(2×2, 3×3) transforms (Lavin & Gray 2016, 4×4 tiles): 16 products per tile of 2×2 outputs,
 * 4 multiply-adds per output and channel pair where the direct convolution does 9. Plain functions over
 * float32 arrays; winograd.ts owns the tensors.
 *
 *   Bᵀ d:  r0 = d0 − d2   r1 = d1 + d2   r2 = d2 − d1   r3 = d1 − d3
 *   G g:   u0 = g0   u1 = (g0 + g1 + g2)/2   u2 = (g0 − g1 + g2)/2   u3 = g2
 *   Aᵀ m:  y0 = m0 + m1 + m2   y1 = m1 − m2 − m3
 */

/** Filter g, 9 planes of `size` values (HWIO [3, 3, C, O] flattened) → 16 planes u[a·4 + b] = (G g Gᵀ)[a][b]. */
export function filterTransformF2(g: Float32Array, size: number, us: Float32Array[]): void {
  for (let e = 0; e < size; e++) {
    const g00 = g[e];
    const g01 = g[size + e];
    const g02 = g[2 * size + e];
    const g10 = g[3 * size + e];
    const g11 = g[4 * size + e];
    const g12 = g[5 * size + e];
    const g20 = g[6 * size + e];
    const g21 = g[7 * size + e];
    const g22 = g[8 * size + e];
    // Rows: G g (4 × 3).
    const h0 = 0.5 * (g00 + g10 + g20);
    const h1 = 0.5 * (g01 + g11 + g21);
    const h2 = 0.5 * (g02 + g12 + g22);
    const k0 = 0.5 * (g00 - g10 + g20);
    const k1 = 0.5 * (g01 - g11 + g21);
    const k2 = 0.5 * (g02 - g12 + g22);
    // Columns: (G g) Gᵀ (4 × 4).
    us[0][e] = g00;
    us[1][e] = 0.5 * (g00 + g01 + g02);
    us[2][e] = 0.5 * (g00 - g01 + g02);
    us[3][e] = g02;
    us[4][e] = h0;
    us[5][e] = 0.5 * (h0 + h1 + h2);
    us[6][e] = 0.5 * (h0 - h1 + h2);
    us[7][e] = h2;
    us[8][e] = k0;
    us[9][e] = 0.5 * (k0 + k1 + k2);
    us[10][e] = 0.5 * (k0 - k1 + k2);
    us[11][e] = k2;
    us[12][e] = g20;
    us[13][e] = 0.5 * (g20 + g21 + g22);
    us[14][e] = 0.5 * (g20 - g21 + g22);
    us[15][e] = g22;
  }
}

/**
 * Bᵀ d B of one 4×4 tile for channels [0, c): d[i][j] = src[offsets[i·4 + j] + ch]; writes vs[a·4 + b][at + ch].
 * The 16 offsets are read once into locals so the channel loop is straight-line float arithmetic.
 */
export function inputTileF2(src: Float32Array, offsets: Int32Array, vs: Float32Array[], at: number, c: number): void {
  const [o00, o01, o02, o03, o10, o11, o12, o13, o20, o21, o22, o23, o30, o31, o32, o33] = offsets;
  const [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15] = vs;
  for (let ch = 0; ch < c; ch++) {
    // Rows: Bᵀ d.
    const d10 = src[o10 + ch];
    const d11 = src[o11 + ch];
    const d12 = src[o12 + ch];
    const d13 = src[o13 + ch];
    const d20 = src[o20 + ch];
    const d21 = src[o21 + ch];
    const d22 = src[o22 + ch];
    const d23 = src[o23 + ch];
    const r00 = src[o00 + ch] - d20;
    const r01 = src[o01 + ch] - d21;
    const r02 = src[o02 + ch] - d22;
    const r03 = src[o03 + ch] - d23;
    const r10 = d10 + d20;
    const r11 = d11 + d21;
    const r12 = d12 + d22;
    const r13 = d13 + d23;
    const r20 = d20 - d10;
    const r21 = d21 - d11;
    const r22 = d22 - d12;
    const r23 = d23 - d13;
    const r30 = d10 - src[o30 + ch];
    const r31 = d11 - src[o31 + ch];
    const r32 = d12 - src[o32 + ch];
    const r33 = d13 - src[o33 + ch];
    // Columns: (Bᵀ d) B.
    const k = at + ch;
    v0[k] = r00 - r02;
    v1[k] = r01 + r02;
    v2[k] = r02 - r01;
    v3[k] = r01 - r03;
    v4[k] = r10 - r12;
    v5[k] = r11 + r12;
    v6[k] = r12 - r11;
    v7[k] = r11 - r13;
    v8[k] = r20 - r22;
    v9[k] = r21 + r22;
    v10[k] = r22 - r21;
    v11[k] = r21 - r23;
    v12[k] = r30 - r32;
    v13[k] = r31 + r32;
    v14[k] = r32 - r31;
    v15[k] = r31 - r33;
  }
}

/**
 * Aᵀ m A of one tile for channels [0, o): m[a][b] = ms[a·4 + b][at + ch]; writes output row i, column j of the
 * tile to ys[out + i·rowStride + j·o + ch] for i < rowsLeft, j < colsLeft (cut at the border).
 */
export function outputTileF2(ms: Float32Array[], at: number, ys: Float32Array, out: number, rowStride: number, rowsLeft: number, colsLeft: number, o: number): void {
  const [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15] = ms;
  const full = rowsLeft > 1 && colsLeft > 1;
  for (let ch = 0; ch < o; ch++) {
    const k = at + ch;
    const m10 = p4[k];
    const m11 = p5[k];
    const m12 = p6[k];
    const m13 = p7[k];
    const m20 = p8[k];
    const m21 = p9[k];
    const m22 = p10[k];
    const m23 = p11[k];
    // Rows: Aᵀ m (2 × 4).
    const t00 = p0[k] + m10 + m20;
    const t01 = p1[k] + m11 + m21;
    const t02 = p2[k] + m12 + m22;
    const t03 = p3[k] + m13 + m23;
    const t10 = m10 - m20 - p12[k];
    const t11 = m11 - m21 - p13[k];
    const t12 = m12 - m22 - p14[k];
    const t13 = m13 - m23 - p15[k];
    // Columns: (Aᵀ m) A (2 × 2).
    const y = out + ch;
    ys[y] = t00 + t01 + t02;
    if (full) {
      ys[y + o] = t01 - t02 - t03;
      ys[y + rowStride] = t10 + t11 + t12;
      ys[y + rowStride + o] = t11 - t12 - t13;
    } else {
      if (colsLeft > 1) ys[y + o] = t01 - t02 - t03;
      if (rowsLeft > 1) ys[y + rowStride] = t10 + t11 + t12;
    }
  }
}
